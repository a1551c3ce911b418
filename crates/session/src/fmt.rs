//! Number, size and duration formatting for labels.

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes as `12.3 MB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u < UNITS.len() - 1 {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// Seconds as `0.4s` / `12s` / `1m 05s` / `3h 07m` / `14d 06h` /
/// `3,204d` (short enough for a narrow column at any length).
pub fn duration(secs: f64) -> String {
    if secs < 10.0 {
        format!("{secs:.1}s")
    } else if secs < 60.0 {
        format!("{secs:.0}s")
    } else {
        let s = secs.round() as u64;
        let (m, h, d) = (s / 60, s / 3600, s / 86_400);
        if h == 0 {
            format!("{m}m {:02}s", s % 60)
        } else if d == 0 {
            format!("{h}h {:02}m", m % 60)
        } else if d < 100 {
            format!("{d}d {:02}h", h % 24)
        } else {
            format!("{}d", thousands(d))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1_500_000), "1.5 MB");
        assert_eq!(duration(75.0), "1m 15s");
        assert_eq!(duration(3599.0), "59m 59s");
        assert_eq!(duration(3600.0 * 3.0 + 420.0), "3h 07m");
        assert_eq!(duration(86_400.0 * 14.0 + 3600.0 * 6.0), "14d 06h");
        assert_eq!(duration(86_400.0 * 3204.0 + 5.0), "3,204d");
    }
}
