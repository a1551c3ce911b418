//! Times typed into a query: `2024`, `2024-03`, `2024-03-01`,
//! `2024-03-01T12`, `2024-03-01T12:00Z`, `2024-03-01 12:00:05.250`,
//! optionally with `Z` or an offset (`+02:00`). Everything without an
//! offset is UTC. A time stands for the span of its precision: a date is
//! that whole day, a minute that whole minute.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

/// A half-open span of epoch milliseconds `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: i64,
    pub end: i64,
}

/// Parses one time; `None` when it is not a time.
pub fn parse_span(text: &str) -> Option<Span> {
    let s = text.trim();
    let (date_part, time_part) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let nums: Vec<&str> = date_part.split('-').collect();
    if nums.is_empty() || nums.len() > 3 || nums[0].len() != 4 {
        return None;
    }
    let year: i32 = digits(nums[0])?;
    let month: u32 = nums.get(1).map_or(Some(1), |m| two_digits(m))?;
    let day: u32 = nums.get(2).map_or(Some(1), |d| two_digits(d))?;
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let Some(time_part) = time_part else {
        let end = match nums.len() {
            1 => NaiveDate::from_ymd_opt(year + 1, 1, 1)?,
            2 => next_month(date)?,
            _ => date.succ_opt()?,
        };
        return Some(Span {
            start: millis(date.and_time(NaiveTime::MIN)),
            end: millis(end.and_time(NaiveTime::MIN)),
        });
    };
    if nums.len() != 3 {
        return None;
    }
    let (clock, offset_ms) = split_offset(time_part)?;
    let (hms, frac) = match clock.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (clock, None),
    };
    let parts: Vec<&str> = hms.split(':').collect();
    if parts.len() > 3 || (frac.is_some() && parts.len() != 3) {
        return None;
    }
    let h: u32 = two_digits(parts[0])?;
    let m: u32 = parts.get(1).map_or(Some(0), |p| two_digits(p))?;
    let sec: u32 = parts.get(2).map_or(Some(0), |p| two_digits(p))?;
    let (ms, span) = match frac {
        Some(f) => {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let mut padded: String = f.chars().take(3).collect();
            while padded.len() < 3 {
                padded.push('0');
            }
            (digits::<i64>(&padded)?, 1)
        }
        None => (
            0,
            match parts.len() {
                1 => 3_600_000,
                2 => 60_000,
                _ => 1_000,
            },
        ),
    };
    let t = NaiveTime::from_hms_opt(h, m, sec)?;
    let start = millis(date.and_time(t)) + ms - offset_ms;
    Some(Span {
        start,
        end: start + span,
    })
}

fn millis(dt: NaiveDateTime) -> i64 {
    dt.and_utc().timestamp_millis()
}

fn next_month(d: NaiveDate) -> Option<NaiveDate> {
    if d.month() == 12 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1)
    }
}

/// Splits `12:00Z` / `12:00+02:00` / `12:00-0500` into the clock and the
/// offset in milliseconds.
fn split_offset(t: &str) -> Option<(&str, i64)> {
    if let Some(clock) = t.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    let Some(i) = t.rfind(['+', '-']) else {
        return Some((t, 0));
    };
    let (clock, off) = (&t[..i], &t[i + 1..]);
    let sign = if t.as_bytes()[i] == b'-' { -1 } else { 1 };
    let (oh, om) = match off.split_once(':') {
        Some((h, m)) => (h, m),
        None if off.len() == 4 => (&off[..2], &off[2..]),
        None if off.len() == 2 => (off, "00"),
        None => return None,
    };
    let oh: i64 = two_digits(oh)?;
    let om: i64 = two_digits(om)?;
    if oh > 23 || om > 59 {
        return None;
    }
    Some((clock, sign * (oh * 60 + om) * 60_000))
}

fn digits<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn two_digits<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.len() != 2 {
        return None;
    }
    digits(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timefmt::parse_millis;

    fn ms(s: &str) -> i64 {
        parse_millis(s).expect("time")
    }

    #[test]
    fn spans_follow_precision() {
        let day = parse_span("2024-03-01").expect("day");
        assert_eq!(day.start, ms("2024-03-01T00:00:00Z"));
        assert_eq!(day.end, ms("2024-03-02T00:00:00Z"));
        let month = parse_span("2024-02").expect("month");
        assert_eq!(month.end, ms("2024-03-01T00:00:00Z"));
        let year = parse_span("2024").expect("year");
        assert_eq!(year.end, ms("2025-01-01T00:00:00Z"));
        let minute = parse_span("2024-03-01T12:00Z").expect("minute");
        assert_eq!(minute.start, ms("2024-03-01T12:00:00Z"));
        assert_eq!(minute.end - minute.start, 60_000);
        let hour = parse_span("2024-03-01T12").expect("hour");
        assert_eq!(hour.end - hour.start, 3_600_000);
        let sec = parse_span("2024-03-01 12:00:05").expect("second");
        assert_eq!(sec.start, ms("2024-03-01T12:00:05Z"));
        assert_eq!(sec.end - sec.start, 1000);
        let frac = parse_span("2024-03-01T12:00:05.25Z").expect("ms");
        assert_eq!(frac.start, ms("2024-03-01T12:00:05Z") + 250);
        assert_eq!(frac.end - frac.start, 1);
    }

    #[test]
    fn offsets_convert_to_utc() {
        let a = parse_span("2024-03-01T14:00+02:00").expect("offset");
        assert_eq!(a.start, ms("2024-03-01T12:00:00Z"));
        let b = parse_span("2024-03-01T07:00:00-0500").expect("offset");
        assert_eq!(b.start, ms("2024-03-01T12:00:00Z"));
    }

    #[test]
    fn rejects_non_times() {
        for bad in [
            "2024-13-01",
            "2024-02-30",
            "24-03-01",
            "2024-3-1",
            "yesterday",
            "2024-03-01T25:00",
            "2024-03-01T12:00:00.x",
            "2024-03T10",
            "",
        ] {
            assert_eq!(parse_span(bad), None, "{bad}");
        }
    }
}
