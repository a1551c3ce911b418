//! The parsed form of a query: a boolean tree of conditions. It does not
//! depend on any loaded data; [`super::plan`] binds it to a store.

use std::fmt;
use std::ops::Bound;

use regex::Regex;

use crate::model::Column;

/// A boolean tree of conditions.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    /// Matches every event (`*`).
    All,
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Cond(Cond),
}

/// One condition on one event.
#[derive(Debug, Clone)]
pub(crate) enum Cond {
    /// A bare term, phrase or `/regex/` anywhere in the raw event text.
    Text(TextTest),
    /// `field:value` on a store column or a JSON path.
    Field(Field, ValueTest),
    /// `time:...`.
    Time(TimeTest),
    /// `tag:NAME` (analyst tags).
    Tag(ValueTest),
    /// `has:note`.
    Note,
    /// `is:starred`.
    Starred,
    /// `integrity:STATUS`.
    Integrity(ValueTest),
    /// `rule:ID-OR-TITLE`: some matched detection rule's id or title.
    Rule(ValueTest),
    /// `level:high`, `level:>=medium`: some matched rule's level is in
    /// `lo..=hi` (indices into `annotations::LEVELS`).
    Level { lo: u8, hi: u8 },
    /// `attack:t1078`, `attack:persistence`: some matched rule's ATT&CK tag.
    Attack(ValueTest),
    /// `has:detection`: the event matched some rule.
    Detected,
}

#[derive(Debug, Clone)]
pub(crate) enum Field {
    Column(Column),
    /// JSON path segments.
    Path(Vec<String>),
}

/// A full-text test on the raw event bytes.
#[derive(Debug, Clone)]
pub(crate) enum TextTest {
    /// An ASCII needle, lower-cased; matched against ASCII-lowered bytes.
    Literal(String),
    /// A case-insensitive pattern (wildcards, regex, non-ASCII needles).
    Pattern {
        re: regex::bytes::Regex,
        src: String,
    },
}

/// A test on a field's text.
#[derive(Debug, Clone)]
pub(crate) enum ValueTest {
    /// Case-insensitive equality; holds the lower-cased value.
    Exact(String),
    /// `*` wildcards, compiled to an anchored case-insensitive regex.
    Wildcard { re: Regex, src: String },
    /// `/regex/`, case-insensitive, unanchored.
    Regex { re: Regex, src: String },
    /// `field:*`: present, not null, not empty.
    Present,
    /// `field:""`: absent, null or empty.
    Empty,
    /// `>5`, `<=10`, `1..10`: the text read as a number.
    Number { lo: Bound<f64>, hi: Bound<f64> },
}

/// A test on event time; events without a time never pass `Range`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeTest {
    /// `start <= t < end` with open ends allowed (bounds are inclusive
    /// start / exclusive end; `None` is unbounded).
    Range {
        start: Option<i64>,
        end: Option<i64>,
    },
    Present,
    Empty,
}

impl ValueTest {
    /// Does this text pass?
    pub fn matches(&self, text: &str) -> bool {
        match self {
            ValueTest::Exact(lower) => eq_lower(text, lower),
            ValueTest::Wildcard { re, .. } | ValueTest::Regex { re, .. } => re.is_match(text),
            ValueTest::Present => !text.is_empty(),
            ValueTest::Empty => text.is_empty(),
            ValueTest::Number { lo, hi } => match text.trim().parse::<f64>() {
                Ok(n) if !n.is_nan() => in_bounds(n, *lo, *hi),
                _ => false,
            },
        }
    }

    /// Do these texts (all the values a field has) pass? `Empty` passes
    /// when every text is empty (or there are none); the others when any
    /// text passes.
    pub fn matches_any<S: AsRef<str>>(&self, texts: &[S]) -> bool {
        match self {
            ValueTest::Empty => texts.iter().all(|t| t.as_ref().is_empty()),
            _ => texts.iter().any(|t| self.matches(t.as_ref())),
        }
    }
}

impl TimeTest {
    pub fn matches(&self, t: i64) -> bool {
        let has = t != crate::timefmt::NO_TIME;
        match *self {
            TimeTest::Present => has,
            TimeTest::Empty => !has,
            TimeTest::Range { start, end } => {
                has && start.is_none_or(|s| t >= s) && end.is_none_or(|e| t < e)
            }
        }
    }
}

fn in_bounds(n: f64, lo: Bound<f64>, hi: Bound<f64>) -> bool {
    let lo_ok = match lo {
        Bound::Included(x) => n >= x,
        Bound::Excluded(x) => n > x,
        Bound::Unbounded => true,
    };
    let hi_ok = match hi {
        Bound::Included(x) => n <= x,
        Bound::Excluded(x) => n < x,
        Bound::Unbounded => true,
    };
    lo_ok && hi_ok
}

/// `text` equals the lower-cased `lower`, ignoring case.
pub(crate) fn eq_lower(text: &str, lower: &str) -> bool {
    if text.is_ascii() {
        text.len() == lower.len() && text.eq_ignore_ascii_case(lower)
    } else {
        text.to_lowercase() == lower
    }
}

impl Expr {
    /// Walks every condition.
    pub fn for_each_cond(&self, f: &mut impl FnMut(&Cond)) {
        match self {
            Expr::All => {}
            Expr::And(xs) | Expr::Or(xs) => xs.iter().for_each(|x| x.for_each_cond(f)),
            Expr::Not(x) => x.for_each_cond(f),
            Expr::Cond(c) => f(c),
        }
    }
}

/// Canonical query text: equal for queries that mean the same clause
/// (`name:getobject` and `eventName:GetObject`). Used to find a clause
/// in a query.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::All => f.write_str("*"),
            Expr::And(xs) => join(f, xs, " AND "),
            Expr::Or(xs) => join(f, xs, " OR "),
            Expr::Not(x) => write!(f, "NOT {x}"),
            Expr::Cond(c) => write!(f, "{c}"),
        }
    }
}

fn join(f: &mut fmt::Formatter<'_>, xs: &[Expr], sep: &str) -> fmt::Result {
    f.write_str("(")?;
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{x}")?;
    }
    f.write_str(")")
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cond::Text(TextTest::Literal(s)) => write!(f, "{s:?}"),
            Cond::Text(TextTest::Pattern { src, .. }) => write!(f, "/{src}/"),
            Cond::Field(Field::Column(c), t) => write!(f, "{}:{t}", c.name()),
            Cond::Field(Field::Path(p), t) => write!(f, "{}:{t}", p.join(".").to_lowercase()),
            Cond::Time(t) => write!(f, "time:{t:?}"),
            Cond::Tag(t) => write!(f, "tag:{t}"),
            Cond::Note => f.write_str("has:note"),
            Cond::Starred => f.write_str("is:starred"),
            Cond::Integrity(t) => write!(f, "integrity:{t}"),
            Cond::Rule(t) => write!(f, "rule:{t}"),
            Cond::Level { lo, hi } => write!(f, "level:{lo}..{hi}"),
            Cond::Attack(t) => write!(f, "attack:{t}"),
            Cond::Detected => f.write_str("has:detection"),
        }
    }
}

impl fmt::Display for ValueTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueTest::Exact(s) => write!(f, "{s:?}"),
            ValueTest::Wildcard { src, .. } => write!(f, "{src}"),
            ValueTest::Regex { src, .. } => write!(f, "/{src}/"),
            ValueTest::Present => f.write_str("*"),
            ValueTest::Empty => f.write_str("\"\""),
            ValueTest::Number { lo, hi } => write!(f, "{lo:?}..{hi:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_tests_on_text() {
        let exact = ValueTest::Exact("getobject".into());
        assert!(exact.matches("GetObject"));
        assert!(!exact.matches("GetObjects"));
        let exact = ValueTest::Exact("ünï".into());
        assert!(exact.matches("ÜNÏ"));
        assert!(ValueTest::Present.matches("x"));
        assert!(!ValueTest::Present.matches(""));
        assert!(ValueTest::Empty.matches_any::<&str>(&[]));
        assert!(ValueTest::Empty.matches_any(&[""]));
        assert!(!ValueTest::Empty.matches_any(&["", "a"]));
        let n = ValueTest::Number {
            lo: Bound::Excluded(5.0),
            hi: Bound::Unbounded,
        };
        assert!(n.matches("6"));
        assert!(n.matches(" 5.5"));
        assert!(!n.matches("5"));
        assert!(!n.matches("abc"));
    }

    #[test]
    fn time_tests_never_match_missing_time() {
        let r = TimeTest::Range {
            start: None,
            end: None,
        };
        assert!(r.matches(0));
        assert!(!r.matches(crate::timefmt::NO_TIME));
        assert!(TimeTest::Empty.matches(crate::timefmt::NO_TIME));
        let r = TimeTest::Range {
            start: Some(10),
            end: Some(20),
        };
        assert!(r.matches(10) && r.matches(19) && !r.matches(20) && !r.matches(9));
    }
}
