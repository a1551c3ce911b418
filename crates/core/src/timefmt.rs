//! Event time: parsing the many spellings of `eventTime` found in real data
//! into milliseconds since the Unix epoch (UTC), and formatting them back.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Sentinel for "this event has no (readable) time".
pub const NO_TIME: i64 = i64::MIN;

/// Parses a CloudTrail timestamp into epoch milliseconds.
///
/// Accepts RFC 3339 (`2023-07-10T11:45:03Z`, with fractions or offsets),
/// the space-separated form Panther writes (`2023-07-10 11:45:03.123456789`,
/// read as UTC), minutes without seconds (`2023-07-10T11:45Z`) and a bare
/// date (`2023-07-10`, midnight UTC).
pub fn parse_millis(text: &str) -> Option<i64> {
    let s = text.trim();
    if let Some(ms) = parse_fast_utc(s.as_bytes()) {
        return Some(ms);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_millis());
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.fZ",
        "%Y-%m-%dT%H:%MZ",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&dt).timestamp_millis());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d
            .and_hms_opt(0, 0, 0)
            .map(|dt| Utc.from_utc_datetime(&dt).timestamp_millis());
    }
    None
}

/// The common case `YYYY-MM-DDTHH:MM:SSZ` without allocation or chrono.
fn parse_fast_utc(b: &[u8]) -> Option<i64> {
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let mut v = 0i64;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    Some(((days * 24 + h) * 60 + mi) * 60_000 + s * 1000)
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats epoch milliseconds as `2023-07-10 11:45:03` UTC (empty for [`NO_TIME`]).
pub fn format_utc(ms: i64) -> String {
    if ms == NO_TIME {
        return String::new();
    }
    match Utc.timestamp_millis_opt(ms).single() {
        Some(dt) => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
        None => String::new(),
    }
}

/// Formats epoch milliseconds as RFC 3339 UTC with a `Z` (`2023-07-10T11:45:03Z`).
pub fn format_rfc3339(ms: i64) -> String {
    if ms == NO_TIME {
        return String::new();
    }
    match Utc.timestamp_millis_opt(ms).single() {
        Some(dt) if ms % 1000 == 0 => dt.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => String::new(),
    }
}

/// Formats epoch milliseconds in the machine's local zone, with its offset.
pub fn format_local(ms: i64) -> String {
    if ms == NO_TIME {
        return String::new();
    }
    match chrono::Local.timestamp_millis_opt(ms).single() {
        Some(dt) => dt.format("%Y-%m-%d %H:%M:%S %:z").to_string(),
        None => String::new(),
    }
}

/// The earliest and latest of `times`, [`NO_TIME`] left out; `None`
/// when none is a time.
pub fn span(times: impl IntoIterator<Item = i64>) -> Option<(i64, i64)> {
    let mut times = times.into_iter().filter(|&t| t != NO_TIME);
    let first = times.next()?;
    Some(times.fold((first, first), |(a, b), t| (a.min(t), b.max(t))))
}

/// Epoch milliseconds as the app's table shows a time: in the machine's
/// zone with its offset when `local`, else UTC ([`format_utc`]).
pub fn format_shown(ms: i64, local: bool) -> String {
    if local {
        format_local(ms)
    } else {
        format_utc(ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_leaves_out_events_without_a_time() {
        assert_eq!(span([5, NO_TIME, -3, 9]), Some((-3, 9)));
        assert_eq!(span([NO_TIME, 7]), Some((7, 7)));
        assert_eq!(span([NO_TIME]), None);
        assert_eq!(span([]), None);
    }

    #[test]
    fn fast_path_matches_chrono() {
        for s in [
            "2023-07-10T11:45:03Z",
            "1999-12-31T23:59:59Z",
            "2024-02-29T00:00:00Z",
        ] {
            let chrono_ms = DateTime::parse_from_rfc3339(s).map(|d| d.timestamp_millis());
            assert_eq!(parse_millis(s), chrono_ms.ok(), "{s}");
        }
    }

    #[test]
    fn other_spellings() {
        let base = parse_millis("2023-07-10T11:45:03Z");
        assert_eq!(parse_millis("2023-07-10T11:45:03.000Z"), base);
        assert_eq!(parse_millis("2023-07-10T13:45:03+02:00"), base);
        assert_eq!(parse_millis("2023-07-10 11:45:03.000000000"), base);
        assert_eq!(parse_millis("2023-07-10 11:45:03"), base);
        assert_eq!(
            parse_millis("2023-07-10"),
            parse_millis("2023-07-10T00:00:00Z")
        );
        assert_eq!(
            parse_millis("2023-07-10T11:45Z"),
            parse_millis("2023-07-10T11:45:00Z")
        );
        assert_eq!(
            parse_millis("2023-07-10 11:45"),
            parse_millis("2023-07-10T11:45:00Z")
        );
        assert_eq!(parse_millis("2025-10-21TT00:52:27Z"), None);
        assert_eq!(parse_millis(""), None);
        assert_eq!(parse_millis("2023-13-10T11:45:03Z"), None);
    }

    #[test]
    fn formats_round_trip() {
        let ms = parse_millis("2023-07-10T11:45:03Z").unwrap_or(NO_TIME);
        assert_eq!(format_utc(ms), "2023-07-10 11:45:03");
        assert_eq!(format_rfc3339(ms), "2023-07-10T11:45:03Z");
        assert_eq!(format_utc(NO_TIME), "");
    }
}
