//! Turns tokens into an [`Expr`] tree. Grammar (precedence NOT > AND > OR):
//!
//! ```text
//! query  := or?
//! or     := and ("OR" and)*
//! and    := unary (["AND"] unary)*
//! unary  := ("NOT" | "-") unary | primary
//! primary:= "(" or ")" | field ":" value | field ":" "(" or ")" | term
//! ```
//!
//! Inside `field:( ... )` every bare value applies to that field.
//!
//! Nesting (parentheses and `NOT`/`-`, in any mix) is bounded by
//! [`MAX_DEPTH`]: a deeper query is an error at the position where the
//! limit is crossed, so no query text can exhaust the stack of the parser
//! or of anything that walks the tree it builds.

use std::ops::{Bound, Range};

use regex::{Regex, RegexBuilder};

use super::ast::{Cond, Expr, Field, TextTest, TimeTest, ValueTest};
use super::errors::QueryError;
use super::json_field::split_path;
use super::lexer::{TokKind, Token, tokenize};
use super::timespec::parse_span;
use crate::model::Column;

/// A parsed query and the text span of each top-level conjunct (when the
/// top level is not an `OR`), for editing clauses in place.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub expr: Option<Expr>,
    pub conjuncts: Vec<(Expr, Range<usize>)>,
}

/// Deepest nesting of parentheses and negations a query may have.
pub const MAX_DEPTH: usize = 256;

pub(crate) fn parse_text(text: &str) -> Result<Parsed, QueryError> {
    let toks = tokenize(text)?;
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
    if p.toks.is_empty() {
        return Ok(Parsed {
            expr: None,
            conjuncts: Vec::new(),
        });
    }
    let mut branches = p.or_branches(None)?;
    if let Some(t) = p.peek() {
        return Err(QueryError::new("unbalanced parenthesis", t.start));
    }
    let conjuncts = if branches.len() == 1 {
        branches.pop().unwrap_or_default()
    } else {
        Vec::new()
    };
    let expr = if conjuncts.is_empty() {
        build_or(&branches)
    } else {
        and_of(conjuncts.iter().map(|(e, _)| e.clone()).collect())
    };
    Ok(Parsed {
        expr: Some(expr),
        conjuncts,
    })
}

type Conjuncts = Vec<(Expr, Range<usize>)>;

fn and_of(mut xs: Vec<Expr>) -> Expr {
    if xs.len() == 1 {
        xs.pop().unwrap_or(Expr::All)
    } else {
        Expr::And(xs)
    }
}

fn build_or(branches: &[Conjuncts]) -> Expr {
    let mut xs: Vec<Expr> = branches
        .iter()
        .map(|b| and_of(b.iter().map(|(e, _)| e.clone()).collect()))
        .collect();
    if xs.len() == 1 {
        xs.pop().unwrap_or(Expr::All)
    } else {
        Expr::Or(xs)
    }
}

/// The field a `field:` prefix names.
#[derive(Debug, Clone)]
enum FieldRef {
    Field(Field),
    Tag,
    Has,
    Is,
    Integrity,
    Rule,
    Level,
    Attack,
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    /// Parentheses and negations open around the current token.
    depth: usize,
}

impl Parser {
    /// Enters one level of nesting at `at`; an error past [`MAX_DEPTH`].
    fn enter(&mut self, at: usize) -> Result<(), QueryError> {
        if self.depth >= MAX_DEPTH {
            return Err(QueryError::new(
                format!(
                    "query nested too deeply (more than {MAX_DEPTH} levels of parentheses and NOT)"
                ),
                at,
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.i)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.toks.get(self.i).cloned();
        self.i += 1;
        t
    }

    fn end_pos(&self) -> usize {
        self.toks.last().map_or(0, |t| t.end)
    }

    /// Branches of an OR, each a list of ANDed conjuncts with spans.
    fn or_branches(&mut self, ctx: Option<&FieldRef>) -> Result<Vec<Conjuncts>, QueryError> {
        let mut branches = vec![self.and_items(ctx)?];
        while let Some(t) = self.peek().filter(|t| t.kind == TokKind::Or) {
            let at = t.start;
            if branches.last().is_some_and(Vec::is_empty) {
                return Err(QueryError::new("expected a term before OR", at));
            }
            self.i += 1;
            let b = self.and_items(ctx)?;
            if b.is_empty() {
                return Err(QueryError::new("expected a term after OR", at));
            }
            branches.push(b);
        }
        Ok(branches)
    }

    fn and_items(&mut self, ctx: Option<&FieldRef>) -> Result<Conjuncts, QueryError> {
        let mut items = Vec::new();
        while let Some(t) = self.peek() {
            match t.kind {
                TokKind::RParen | TokKind::Or => break,
                TokKind::And => {
                    let at = t.start;
                    if items.is_empty() {
                        return Err(QueryError::new("expected a term before AND", at));
                    }
                    self.i += 1;
                    if matches!(
                        self.peek().map(|t| &t.kind),
                        None | Some(TokKind::RParen | TokKind::Or | TokKind::And)
                    ) {
                        return Err(QueryError::new("expected a term after AND", at));
                    }
                }
                _ => {
                    let start = t.start;
                    let e = self.unary(ctx)?;
                    let end = self.toks.get(self.i - 1).map_or(start, |t| t.end);
                    items.push((e, start..end));
                }
            }
        }
        Ok(items)
    }

    fn unary(&mut self, ctx: Option<&FieldRef>) -> Result<Expr, QueryError> {
        let Some(t) = self.peek().cloned() else {
            return Err(QueryError::new("expected a term", self.end_pos()));
        };
        match t.kind {
            TokKind::Not | TokKind::Minus => {
                self.i += 1;
                let name = if t.kind == TokKind::Not { "NOT" } else { "-" };
                if matches!(
                    self.peek().map(|t| &t.kind),
                    None | Some(TokKind::RParen | TokKind::Or | TokKind::And)
                ) {
                    return Err(QueryError::new(
                        format!("expected a term after \"{name}\""),
                        t.start,
                    ));
                }
                self.enter(t.start)?;
                let inner = self.unary(ctx)?;
                self.depth -= 1;
                Ok(Expr::Not(Box::new(inner)))
            }
            _ => self.primary(ctx),
        }
    }

    fn group(&mut self, open: &Token, ctx: Option<&FieldRef>) -> Result<Expr, QueryError> {
        self.enter(open.start)?;
        let branches = self.or_branches(ctx)?;
        self.depth -= 1;
        match self.next() {
            Some(Token {
                kind: TokKind::RParen,
                ..
            }) => {}
            _ => return Err(QueryError::new("unbalanced parenthesis", open.start)),
        }
        if branches.len() == 1 && branches[0].is_empty() {
            return Err(QueryError::new("empty parentheses", open.start));
        }
        Ok(build_or(&branches))
    }

    fn primary(&mut self, ctx: Option<&FieldRef>) -> Result<Expr, QueryError> {
        let Some(t) = self.next() else {
            return Err(QueryError::new("expected a term", self.end_pos()));
        };
        match &t.kind {
            TokKind::LParen => self.group(&t, ctx),
            TokKind::Field(name) => {
                let field = resolve_field(name, t.start)?;
                let Some(v) = self.next() else {
                    return Err(missing_value(name, t.start));
                };
                match v.kind {
                    TokKind::LParen => self.group(&v, Some(&field)),
                    TokKind::Word(_) | TokKind::Quoted(_) | TokKind::Regex(_) => {
                        field_cond(&field, &v)
                    }
                    _ => Err(missing_value(name, t.start)),
                }
            }
            TokKind::Word(_) | TokKind::Quoted(_) | TokKind::Regex(_) => match ctx {
                Some(field) => field_cond(field, &t),
                None => text_cond(&t),
            },
            TokKind::RParen => Err(QueryError::new("unbalanced parenthesis", t.start)),
            TokKind::Or | TokKind::And | TokKind::Not | TokKind::Minus => {
                Err(QueryError::new("expected a term", t.start))
            }
        }
    }
}

fn missing_value(name: &str, at: usize) -> QueryError {
    QueryError::new(format!("expected a value after \"{name}:\""), at)
}

fn resolve_field(name: &str, at: usize) -> Result<FieldRef, QueryError> {
    let lower = name.to_ascii_lowercase();
    Ok(match lower.as_str() {
        "tag" | "tags" => FieldRef::Tag,
        "has" => FieldRef::Has,
        "is" => FieldRef::Is,
        "integrity" => FieldRef::Integrity,
        "rule" | "rules" => FieldRef::Rule,
        "level" => FieldRef::Level,
        "attack" => FieldRef::Attack,
        _ => match Column::parse(name) {
            Some(c) => FieldRef::Field(Field::Column(c)),
            None => match split_path(name) {
                Some(p) => FieldRef::Field(Field::Path(p)),
                None => {
                    return Err(QueryError::new(
                        format!("bad field name \"{name}\" (empty part in a dotted path)"),
                        at,
                    ));
                }
            },
        },
    })
}

/// The text of a value token (words and quoted values; not regexes).
fn plain_text(t: &Token) -> Option<&str> {
    match &t.kind {
        TokKind::Word(w) | TokKind::Quoted(w) => Some(w),
        _ => None,
    }
}

fn field_cond(field: &FieldRef, v: &Token) -> Result<Expr, QueryError> {
    let cond = match field {
        FieldRef::Field(Field::Column(Column::Time)) => Cond::Time(time_test(v)?),
        FieldRef::Field(f) => Cond::Field(f.clone(), value_test(v)?),
        FieldRef::Tag => Cond::Tag(value_test(v)?),
        FieldRef::Integrity => Cond::Integrity(value_test(v)?),
        FieldRef::Rule => Cond::Rule(value_test(v)?),
        FieldRef::Attack => Cond::Attack(attack_test(v)?),
        FieldRef::Level => level_cond(v)?,
        FieldRef::Is => {
            let word = plain_text(v).unwrap_or("").to_ascii_lowercase();
            match word.as_str() {
                "starred" | "star" => Cond::Starred,
                _ => {
                    return Err(QueryError::new(
                        format!(
                            "unknown value \"{}\" for is: (expected is:starred)",
                            plain_text(v).unwrap_or("/regex/")
                        ),
                        v.start,
                    ));
                }
            }
        }
        FieldRef::Has => {
            let Some(word) = plain_text(v) else {
                return Err(QueryError::new("has: takes a field name", v.start));
            };
            match word.to_ascii_lowercase().as_str() {
                "note" | "notes" => Cond::Note,
                "tag" | "tags" => Cond::Tag(ValueTest::Present),
                "star" | "starred" => Cond::Starred,
                "detection" | "detections" | "rule" | "rules" => Cond::Detected,
                _ => {
                    let f = resolve_field(word, v.start)?;
                    let star = Token {
                        kind: TokKind::Word("*".into()),
                        start: v.start,
                        end: v.end,
                    };
                    return field_cond(&f, &star);
                }
            }
        }
    };
    Ok(Expr::Cond(cond))
}

/// `level:high` (that level), `level:>=medium`, `level:<high`.
fn level_cond(v: &Token) -> Result<Cond, QueryError> {
    use super::annotations::LEVELS;
    let Some(w) = plain_text(v) else {
        return Err(QueryError::new("level: takes a level name", v.start));
    };
    let w = w.to_ascii_lowercase();
    let (op, name) = comparison(&w).unwrap_or(("", w.as_str()));
    let name = match name {
        "info" => "informational",
        "crit" => "critical",
        n => n,
    };
    let Some(l) = LEVELS.iter().position(|x| *x == name) else {
        return Err(QueryError::new(
            format!("unknown level \"{name}\" (expected {})", LEVELS.join(", ")),
            v.start,
        ));
    };
    let l = l as u8;
    let top = (LEVELS.len() - 1) as u8;
    let (lo, hi) = match op {
        ">=" => (l, top),
        ">" => (l + 1, top),
        "<=" => (0, l),
        "<" if l == 0 => (1, 0),
        "<" => (0, l - 1),
        _ => (l, l),
    };
    Ok(Cond::Level { lo, hi })
}

/// `attack:T1078`, `attack:attack.persistence`, `attack:privilege-escalation`:
/// compared with the rule's tags lower-cased, without `attack.`, with `-`
/// read as `_`.
fn attack_test(v: &Token) -> Result<ValueTest, QueryError> {
    let norm = |s: &str| {
        let s = s.to_lowercase().replace('-', "_");
        s.strip_prefix("attack.").map(str::to_owned).unwrap_or(s)
    };
    match &v.kind {
        TokKind::Word(w) if w != "*" => word_test(&norm(w), v.start),
        TokKind::Quoted(s) if !s.is_empty() => Ok(ValueTest::Exact(norm(s))),
        _ => value_test(v),
    }
}

fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    last.trim().trim_start_matches("error: ").to_owned()
}

fn user_regex(src: &str, at: usize) -> Result<Regex, QueryError> {
    RegexBuilder::new(src)
        .case_insensitive(true)
        .build()
        .map_err(|e| QueryError::new(format!("invalid regex /{src}/: {}", regex_error(&e)), at))
}

/// `Delete*` → `(?is)^Delete.*$`.
fn wildcard_regex(src: &str) -> String {
    let body: Vec<String> = src.split('*').map(regex::escape).collect();
    format!("(?is)^{}$", body.join(".*"))
}

fn value_test(v: &Token) -> Result<ValueTest, QueryError> {
    match &v.kind {
        TokKind::Quoted(s) if s.is_empty() => Ok(ValueTest::Empty),
        TokKind::Quoted(s) => Ok(ValueTest::Exact(s.to_lowercase())),
        TokKind::Regex(src) => Ok(ValueTest::Regex {
            re: user_regex(src, v.start)?,
            src: src.clone(),
        }),
        TokKind::Word(w) => word_test(w, v.start),
        _ => Err(QueryError::new("expected a value", v.start)),
    }
}

fn word_test(w: &str, at: usize) -> Result<ValueTest, QueryError> {
    if w == "*" {
        return Ok(ValueTest::Present);
    }
    if let Some((op, rest)) = comparison(w) {
        let n = parse_number(rest)
            .ok_or_else(|| QueryError::new(format!("expected a number after \"{op}\""), at))?;
        let (lo, hi) = match op {
            ">=" => (Bound::Included(n), Bound::Unbounded),
            ">" => (Bound::Excluded(n), Bound::Unbounded),
            "<=" => (Bound::Unbounded, Bound::Included(n)),
            _ => (Bound::Unbounded, Bound::Excluded(n)),
        };
        return Ok(ValueTest::Number { lo, hi });
    }
    if let Some((a, b)) = w.split_once("..") {
        let side = |s: &str| -> Option<Bound<f64>> {
            if s.is_empty() {
                Some(Bound::Unbounded)
            } else {
                parse_number(s).map(Bound::Included)
            }
        };
        if let (Some(lo), Some(hi)) = (side(a), side(b))
            && !(a.is_empty() && b.is_empty())
        {
            let hi = match hi {
                Bound::Included(x) => Bound::Excluded(x),
                other => other,
            };
            return Ok(ValueTest::Number { lo, hi });
        }
    }
    if w.contains('*') {
        let re = Regex::new(&wildcard_regex(w))
            .map_err(|e| QueryError::new(format!("bad wildcard: {}", regex_error(&e)), at))?;
        return Ok(ValueTest::Wildcard {
            re,
            src: w.to_lowercase(),
        });
    }
    Ok(ValueTest::Exact(w.to_lowercase()))
}

fn parse_number(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn comparison(w: &str) -> Option<(&'static str, &str)> {
    for op in [">=", "<=", ">", "<"] {
        if let Some(rest) = w.strip_prefix(op) {
            return Some((op, rest));
        }
    }
    None
}

fn time_test(v: &Token) -> Result<TimeTest, QueryError> {
    let text = match &v.kind {
        TokKind::Quoted(s) if s.is_empty() => return Ok(TimeTest::Empty),
        TokKind::Word(w) if w == "*" => return Ok(TimeTest::Present),
        TokKind::Word(w) | TokKind::Quoted(w) => w.as_str(),
        _ => {
            return Err(QueryError::new(
                "time takes a date, a comparison (>=2024-03-01) or a range (A..B), not a regex",
                v.start,
            ));
        }
    };
    // Offsets into the token text (past an opening quote).
    let base = v.start + usize::from(matches!(v.kind, TokKind::Quoted(_)));
    let span_of = |s: &str, off: usize| {
        parse_span(s).ok_or_else(|| QueryError::new(format!("unknown time \"{s}\""), base + off))
    };
    if let Some((op, rest)) = comparison(text) {
        let at = span_of(rest, op.len())?.start;
        return Ok(match op {
            ">=" => TimeTest::Range {
                start: Some(at),
                end: None,
            },
            ">" => TimeTest::Range {
                start: Some(at + 1),
                end: None,
            },
            "<=" => TimeTest::Range {
                start: None,
                end: Some(at + 1),
            },
            _ => TimeTest::Range {
                start: None,
                end: Some(at),
            },
        });
    }
    if let Some((a, b)) = text.split_once("..") {
        if a.is_empty() && b.is_empty() {
            return Err(QueryError::new(
                "a time range needs a start or an end",
                base,
            ));
        }
        let start = if a.is_empty() {
            None
        } else {
            Some(span_of(a, 0)?.start)
        };
        let end = if b.is_empty() {
            None
        } else {
            Some(span_of(b, a.len() + 2)?.start)
        };
        return Ok(TimeTest::Range { start, end });
    }
    let span = span_of(text, 0)?;
    Ok(TimeTest::Range {
        start: Some(span.start),
        end: Some(span.end),
    })
}

fn text_cond(t: &Token) -> Result<Expr, QueryError> {
    let pattern = |src: String, shown: String| -> Result<Expr, QueryError> {
        let re = regex::bytes::RegexBuilder::new(&src)
            .case_insensitive(true)
            .build()
            .map_err(|e| {
                QueryError::new(
                    format!("invalid regex /{shown}/: {}", regex_error(&e)),
                    t.start,
                )
            })?;
        Ok(Expr::Cond(Cond::Text(TextTest::Pattern { re, src: shown })))
    };
    match &t.kind {
        TokKind::Word(w) if w == "*" => Ok(Expr::All),
        TokKind::Word(w) if w.contains('*') => {
            let body: Vec<String> = w
                .split('*')
                .filter(|p| !p.is_empty())
                .map(regex::escape)
                .collect();
            pattern(format!("(?s){}", body.join(".*")), w.to_lowercase())
        }
        TokKind::Quoted(s) if s.is_empty() => Err(QueryError::new("empty phrase", t.start)),
        TokKind::Word(w) | TokKind::Quoted(w) => {
            if w.is_ascii() {
                Ok(Expr::Cond(Cond::Text(TextTest::Literal(
                    w.to_ascii_lowercase(),
                ))))
            } else {
                pattern(regex::escape(w), w.to_lowercase())
            }
        }
        TokKind::Regex(src) => pattern(src.clone(), src.clone()),
        _ => Err(QueryError::new("expected a term", t.start)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        match parse_text(text).expect("parses").expr {
            Some(e) => e.to_string(),
            None => "<all>".into(),
        }
    }

    fn err(text: &str) -> String {
        parse_text(text).expect_err("should fail").to_string()
    }

    #[test]
    fn precedence_not_and_or() {
        assert_eq!(canon("a b OR c"), r#"(("a" AND "b") OR "c")"#);
        assert_eq!(canon("a AND b or c"), r#"(("a" AND "b") OR "c")"#);
        assert_eq!(canon("a (b OR c)"), r#"("a" AND ("b" OR "c"))"#);
        assert_eq!(canon("NOT a b"), r#"(NOT "a" AND "b")"#);
        assert_eq!(canon("-a -(b OR c)"), r#"(NOT "a" AND NOT ("b" OR "c"))"#);
        assert_eq!(canon("not not a"), r#"NOT NOT "a""#);
        assert_eq!(canon("  "), "<all>");
        assert_eq!(canon("*"), "*");
    }

    #[test]
    fn fields_aliases_and_paths() {
        assert_eq!(canon("name:GetObject"), r#"eventName:"getobject""#);
        assert_eq!(canon("eventName:getobject"), r#"eventName:"getobject""#);
        assert_eq!(canon("type:AssumedRole"), r#"userType:"assumedrole""#);
        assert_eq!(
            canon("userIdentity.type:AssumedRole"),
            r#"userType:"assumedrole""#
        );
        assert_eq!(
            canon("requestParameters.bucketName:logs"),
            r#"requestparameters.bucketname:"logs""#
        );
        assert_eq!(canon("ip:*"), "sourceIPAddress:*");
        assert_eq!(canon("error:\"\""), "errorCode:\"\"");
        assert_eq!(canon("name:Delete*"), "eventName:delete*");
        assert_eq!(canon("name:/^del/"), "eventName:/^del/");
        assert_eq!(
            canon("name:(A OR b)"),
            r#"(eventName:"a" OR eventName:"b")"#
        );
        assert_eq!(canon("has:errorCode"), "errorCode:*");
        assert_eq!(
            canon("has:note is:starred tag:x"),
            r#"(has:note AND is:starred AND tag:"x")"#
        );
        assert_eq!(canon("has:tag"), "tag:*");
        assert_eq!(canon("integrity:valid"), r#"integrity:"valid""#);
        assert_eq!(canon("x.y:>5"), "x.y:Excluded(5.0)..Unbounded");
        assert_eq!(canon("x:1..10"), "x:Included(1.0)..Excluded(10.0)");
        assert_eq!(canon("x:1.2.3.4"), r#"x:"1.2.3.4""#);
    }

    #[test]
    fn time_forms() {
        let range = |text: &str| match parse_text(text).expect("time").expr {
            Some(Expr::Cond(Cond::Time(t))) => t,
            other => panic!("{other:?}"),
        };
        let ms = |s: &str| crate::timefmt::parse_millis(s).expect("time");
        assert_eq!(
            range("time:>=2024-03-01"),
            TimeTest::Range {
                start: Some(ms("2024-03-01T00:00:00Z")),
                end: None
            }
        );
        assert_eq!(
            range("time:<2024-03-01T12:00Z"),
            TimeTest::Range {
                start: None,
                end: Some(ms("2024-03-01T12:00:00Z"))
            }
        );
        assert_eq!(
            range("time:2024-03-01..2024-03-02"),
            TimeTest::Range {
                start: Some(ms("2024-03-01T00:00:00Z")),
                end: Some(ms("2024-03-02T00:00:00Z"))
            }
        );
        assert_eq!(
            range("eventTime:2024-03-01"),
            TimeTest::Range {
                start: Some(ms("2024-03-01T00:00:00Z")),
                end: Some(ms("2024-03-02T00:00:00Z"))
            }
        );
        assert_eq!(
            range("time:\"2024-03-01 12:00:00\""),
            TimeTest::Range {
                start: Some(ms("2024-03-01T12:00:00Z")),
                end: Some(ms("2024-03-01T12:00:01Z"))
            }
        );
        assert_eq!(range("time:*"), TimeTest::Present);
        assert_eq!(range("time:\"\""), TimeTest::Empty);
        assert_eq!(
            range("time:2024-03-01.."),
            TimeTest::Range {
                start: Some(ms("2024-03-01T00:00:00Z")),
                end: None
            }
        );
        let gt = range("time:>2024-03-01");
        assert!(!gt.matches(ms("2024-03-01T00:00:00Z")));
        assert!(gt.matches(ms("2024-03-01T00:00:01Z")));
        let le = range("time:<=2024-03-01");
        assert!(le.matches(ms("2024-03-01T00:00:00Z")));
        assert!(!le.matches(ms("2024-03-01T00:00:01Z")));
    }

    #[test]
    fn error_messages_point_at_the_problem() {
        assert_eq!(err("name:x \"abc"), "unclosed quote at 7");
        assert_eq!(err("time:2024-13-01"), "unknown time \"2024-13-01\" at 5");
        assert_eq!(
            err("time:2024-03-01..2024-13-01"),
            "unknown time \"2024-13-01\" at 17"
        );
        assert_eq!(err("time:>=yesterday"), "unknown time \"yesterday\" at 7");
        assert_eq!(err("time:/x/"), err("time:/x/"));
        assert!(err("time:/x/").starts_with("time takes a date"));
        assert!(
            err("name:/a(/").starts_with("invalid regex /a(/: "),
            "{}",
            err("name:/a(/")
        );
        assert!(err("/[z-a]/").starts_with("invalid regex"));
        assert_eq!(
            err("eventName:"),
            "expected a value after \"eventName:\" at 0"
        );
        assert_eq!(err("(a OR b"), "unbalanced parenthesis at 0");
        assert_eq!(err("a OR b)"), "unbalanced parenthesis at 6");
        assert_eq!(err("a ()"), "empty parentheses at 2");
        assert_eq!(err("OR a"), "expected a term before OR at 0");
        assert_eq!(err("a OR"), "expected a term after OR at 2");
        assert_eq!(err("a OR OR b"), "expected a term after OR at 2");
        assert_eq!(err("AND a"), "expected a term before AND at 0");
        assert_eq!(err("a AND"), "expected a term after AND at 2");
        assert_eq!(err("a NOT"), "expected a term after \"NOT\" at 2");
        assert_eq!(err("x:>abc"), "expected a number after \">\" at 2");
        assert_eq!(err("\"\""), "empty phrase at 0");
        assert!(err("is:foo").starts_with("unknown value \"foo\" for is:"));
        assert!(err("a..b:x").starts_with("bad field name"));
        assert_eq!(err("time:.."), "a time range needs a start or an end at 5");
    }

    #[test]
    fn conjunct_spans() {
        let p = parse_text("a  name:x -(b OR c)").expect("parses");
        let spans: Vec<_> = p.conjuncts.iter().map(|(_, r)| r.clone()).collect();
        assert_eq!(spans, vec![0..1, 3..9, 10..19]);
        let p = parse_text("a OR b").expect("parses");
        assert!(p.conjuncts.is_empty());
    }
}
