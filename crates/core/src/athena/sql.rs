//! A parsed query, time range, sort and columns as one Athena engine v3
//! (Trino) `SELECT` over the table of [`super::ddl`] (translation table in
//! docs/athena.md).
//!
//! Every condition is either translated exactly, approximated by a
//! condition that cannot lose a match (flagged in a comment in the SQL),
//! or refused with the term and the reason ([`Refusal`]); nothing is
//! dropped silently. Time conditions compare `eventtime` as ISO 8601 text
//! and also prune the date partition: the folder date is the file's
//! delivery date, which is the event's day or later, so the pruned range
//! runs from the first day to one day past the last.

use std::fmt;
use std::ops::Bound;

use chrono::{Duration, TimeZone, Utc};

use crate::model::{Column, ColumnSpec, Direction, SortKey};
use crate::query::Query;
use crate::query::ast::{Cond, Expr, Field, TextTest, TimeTest, ValueTest};

use super::fields::{self, KNOWN_KEYS, PathExpr};
use super::{DATE_KEY, ident, lit, table_ref};

/// What to translate besides the query.
#[derive(Debug, Clone)]
pub struct SqlOptions {
    pub table: String,
    pub database: Option<String>,
    /// The view's time range (`start <= t < end`, epoch ms).
    pub time_range: Option<(i64, i64)>,
    /// The table's sort.
    pub sort: Option<SortKey>,
    /// The table's columns (the select list); empty selects `*`.
    pub columns: Vec<ColumnSpec>,
}

impl Default for SqlOptions {
    fn default() -> Self {
        SqlOptions {
            table: super::DEFAULT_TABLE.to_owned(),
            database: None,
            time_range: None,
            sort: None,
            columns: Vec::new(),
        }
    }
}

/// A term that cannot be written in SQL without changing the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The term, in canonical query form.
    pub term: String,
    pub reason: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot translate {} to Athena SQL: {}",
            self.term, self.reason
        )
    }
}

impl std::error::Error for Refusal {}

/// A boolean SQL tree, printed with indentation.
#[derive(Debug, Clone)]
enum Node {
    True,
    Pred(String),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

struct Translator {
    /// Conditions widened so they cannot lose a match (`APPROXIMATION`).
    approximations: Vec<String>,
    /// Where the SQL can differ on data CloudTrail does not write (`NOTE`).
    notes: Vec<String>,
}

fn refuse(c: &Cond, reason: impl Into<String>) -> Refusal {
    Refusal {
        term: c.to_string(),
        reason: reason.into(),
    }
}

/// `LIKE` pattern of a Trailview wildcard (`*` any run), lower-cased.
fn like_pattern(src: &str) -> String {
    let mut out = String::new();
    for ch in src.to_lowercase().chars() {
        match ch {
            '*' => out.push('%'),
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(ch);
            }
            c => out.push(c),
        }
    }
    out
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:e}")
    }
}

/// A test on a never-NULL string expression `e`.
fn value_pred(e: &str, t: &ValueTest) -> String {
    match t {
        ValueTest::Exact(v) => format!("lower({e}) = {}", lit(v)),
        ValueTest::Wildcard { src, .. } => {
            format!("lower({e}) LIKE {} ESCAPE '\\'", lit(&like_pattern(src)))
        }
        ValueTest::Regex { src, .. } => format!("regexp_like({e}, {})", lit(&format!("(?i){src}"))),
        ValueTest::Present => format!("{e} <> ''"),
        ValueTest::Empty => format!("{e} = ''"),
        ValueTest::Number { lo, hi } => {
            let n = format!("try_cast(trim({e}) AS double)");
            let mut parts = Vec::new();
            match lo {
                Bound::Included(x) => parts.push(format!("{n} >= {}", number(*x))),
                Bound::Excluded(x) => parts.push(format!("{n} > {}", number(*x))),
                Bound::Unbounded => {}
            }
            match hi {
                Bound::Included(x) => parts.push(format!("{n} <= {}", number(*x))),
                Bound::Excluded(x) => parts.push(format!("{n} < {}", number(*x))),
                Bound::Unbounded => {}
            }
            if parts.is_empty() {
                format!("{n} IS NOT NULL")
            } else {
                format!("coalesce({}, false)", parts.join(" AND "))
            }
        }
    }
}

/// A test on a nullable value (a JSON path's one value): absent never
/// passes, except `Empty`.
fn nullable_pred(e: &str, t: &ValueTest) -> String {
    match t {
        ValueTest::Empty => format!("coalesce({e}, '') = ''"),
        _ => format!("({e} IS NOT NULL AND {})", value_pred(e, t)),
    }
}

/// A test on a list of values (`resources.arn`, a JSON list): any value
/// passes; `Empty` when every value is empty.
fn list_pred(list: &str, var: &str, t: &ValueTest) -> String {
    match t {
        ValueTest::Empty => {
            format!("NOT coalesce(any_match({list}, {var} -> coalesce({var}, '') <> ''), false)")
        }
        _ => format!(
            "coalesce(any_match({list}, {var} -> {}), false)",
            nullable_pred(var, t)
        ),
    }
}

/// ISO 8601 bound for `eventtime` text: whole seconds, rounded up, no
/// zone (`2024-03-01T12:00:00` sorts before `2024-03-01T12:00:00Z`).
fn iso_bound(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + i64::from(ms.rem_euclid(1000) != 0);
    match Utc.timestamp_opt(secs, 0).single() {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S").to_string(),
        None => "9999-12-31T23:59:59".into(),
    }
}

fn day_of(ms: i64) -> Option<chrono::NaiveDate> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|d| d.date_naive())
}

impl Translator {
    fn expr(&mut self, e: &Expr, negated: bool) -> Result<Node, Refusal> {
        Ok(match e {
            Expr::All => Node::True,
            Expr::And(xs) => Node::And(
                xs.iter()
                    .map(|x| self.expr(x, negated))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Or(xs) => Node::Or(
                xs.iter()
                    .map(|x| self.expr(x, negated))
                    .collect::<Result<_, _>>()?,
            ),
            Expr::Not(x) => Node::Not(Box::new(self.expr(x, !negated)?)),
            Expr::Cond(c) => self.cond(c, negated)?,
        })
    }

    fn cond(&mut self, c: &Cond, negated: bool) -> Result<Node, Refusal> {
        match c {
            Cond::Time(t) => {
                self.note(
                    "time: compares eventtime in CloudTrail's form (YYYY-MM-DDTHH:MM:SSZ) as text and reads any other form with from_iso8601_timestamp; Trailview also reads @timestamp when an event has no eventTime (SIEM exports), the AWS table has no such column".to_owned(),
                );
                Ok(time_node(*t))
            }
            Cond::Field(Field::Column(col), t) => match fields::column(*col) {
                Some(e) => Ok(Node::Pred(value_pred(&e, t))),
                None => Err(refuse(
                    c,
                    "file is the local path the event was read from; Athena knows the S3 object as \"$path\"",
                )),
            },
            Cond::Field(Field::Path(segs), t) => self.path(c, segs, t),
            Cond::Text(tt) => self.text(c, tt, negated),
            Cond::Tag(_) | Cond::Note | Cond::Starred => Err(refuse(
                c,
                "tags, notes and stars are Trailview case work, not part of the trail in S3",
            )),
            Cond::Integrity(_) => Err(refuse(
                c,
                "digest validation is done by Trailview on downloaded files, not by Athena",
            )),
            Cond::Rule(_) | Cond::Level { .. } | Cond::Attack(_) | Cond::Detected => Err(refuse(
                c,
                "Sigma detections are evaluated by Trailview on the loaded events, not by Athena",
            )),
        }
    }

    fn path(&mut self, c: &Cond, segs: &[String], t: &ValueTest) -> Result<Node, Refusal> {
        let pe = fields::path(segs).map_err(|r| refuse(c, r))?;
        Ok(Node::Pred(match pe {
            PathExpr::Scalar(e) => nullable_pred(&e, t),
            PathExpr::Node(e) => match t {
                ValueTest::Present => format!("{e} IS NOT NULL"),
                ValueTest::Empty => format!("{e} IS NULL"),
                _ => {
                    return Err(refuse(
                        c,
                        "an object is matched as its JSON text, which the table does not keep for struct columns; test one of its fields",
                    ));
                }
            },
            PathExpr::Resources(f) => {
                let list = format!("transform(resources, r -> r.{f})");
                list_pred(&list, "v", t)
            }
            PathExpr::ResourcesList => match t {
                ValueTest::Present => "coalesce(cardinality(resources), 0) > 0".to_owned(),
                ValueTest::Empty => "coalesce(cardinality(resources), 0) = 0".to_owned(),
                _ => {
                    return Err(refuse(
                        c,
                        "resources is a list of objects; test resources.ARN, resources.type or resources.accountId",
                    ));
                }
            },
            PathExpr::Json {
                column, lower_segs, ..
            } => {
                self.note(format!(
                    "{c}: JSON path in {column}; keys compared lower-cased; lists followed anywhere on the path (up to {} lists in lists); an object is compared as its JSON text, which Athena may write with its keys in another order",
                    fields::LIST_LEVELS
                ));
                list_pred(&fields::json_texts(column, &lower_segs), "v", t)
            }
        }))
    }

    fn text(&mut self, c: &Cond, tt: &TextTest, negated: bool) -> Result<Node, Refusal> {
        if negated {
            return Err(refuse(
                c,
                "full-text search is approximated by a wider condition in SQL, and a negated approximation could drop events",
            ));
        }
        // The literal pieces that must all occur.
        let pieces: Vec<String> = match tt {
            TextTest::Literal(s) => vec![s.clone()],
            TextTest::Pattern { re, src } => {
                let body: Vec<String> = src
                    .split('*')
                    .filter(|p| !p.is_empty())
                    .map(regex::escape)
                    .collect();
                let as_wildcard = format!("(?s){}", body.join(".*"));
                if src.contains('*') && re.as_str().eq_ignore_ascii_case(&as_wildcard) {
                    src.split('*')
                        .filter(|p| !p.is_empty())
                        .map(str::to_lowercase)
                        .collect()
                } else if re.as_str().to_lowercase() == regex::escape(src).to_lowercase() {
                    vec![src.to_lowercase()]
                } else {
                    return Err(refuse(
                        c,
                        "a regular expression over the raw event text has no SQL equivalent (the table does not keep the raw JSON); use field:/regex/",
                    ));
                }
            }
        };
        let mut preds = Vec::new();
        for p in &pieces {
            if p.chars()
                .any(|ch| matches!(ch, '"' | '{' | '}' | '[' | ']' | ',' | '\\'))
                || p.starts_with(':')
                || p.ends_with(':')
            {
                return Err(refuse(
                    c,
                    "the term contains JSON punctuation, so it can span several fields of the raw event; search a field instead",
                ));
            }
            if KNOWN_KEYS.iter().any(|k| k.contains(p.as_str())) {
                self.approx(format!(
                    "{c}: the term is part of a CloudTrail key name, so every event may match it: no condition"
                ));
                return Ok(Node::True);
            }
            let cols = fields::text_columns();
            let all = format!("lower(concat_ws(' ', {}))", cols.join(", "));
            preds.push(Node::Pred(format!(
                "{all} LIKE {} ESCAPE '\\'",
                lit(&format!("%{}%", like_pattern(p)))
            )));
        }
        self.approx(format!(
            "{c}: full text approximated by LIKE over every string column (may match more; text in fields the AWS table does not have is not searched)"
        ));
        Ok(if preds.len() == 1 {
            preds.remove(0)
        } else {
            Node::And(preds)
        })
    }

    fn approx(&mut self, n: String) {
        if !self.approximations.contains(&n) {
            self.approximations.push(n);
        }
    }

    fn note(&mut self, n: String) {
        if !self.notes.contains(&n) {
            self.notes.push(n);
        }
    }
}

/// `eventtime` as comparable text (`2024-03-01 12:00:00` written with a `T`).
const TIME_TEXT: &str = "replace(coalesce(eventtime, ''), ' ', 'T')";
/// An `eventtime` Trailview can read starts with a date.
const HAS_TIME: &str = "regexp_like(coalesce(eventtime, ''), '^\\s*[0-9]{4}-[0-9]{2}-[0-9]{2}')";

/// CloudTrail's own form of `eventtime` (whole seconds, UTC).
const CANONICAL_TIME: &str =
    "regexp_like(eventtime, '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}Z?$')";

/// `eventtime op ms`: CloudTrail's own form is compared as text (no
/// parse, and the bound rounded up to whole seconds cannot change the
/// answer for whole-second times); any other form Trailview reads
/// (fractions, offsets, minutes only, a bare date) is parsed
/// (`from_iso8601_timestamp`, NULL when it does not read).
fn time_pred(op: &str, ms: i64) -> String {
    format!(
        "CASE WHEN {CANONICAL_TIME} THEN {TIME_TEXT} {op} {} ELSE try(from_iso8601_timestamp(replace(trim(eventtime), ' ', 'T'))) {op} from_iso8601_timestamp({}) END",
        lit(&iso_bound(ms)),
        lit(&iso_exact(ms))
    )
}

/// `2024-03-01T12:00:00.000Z`: the instant `ms`, exactly.
fn iso_exact(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => "9999-12-31T23:59:59.999Z".into(),
    }
}

fn time_node(t: TimeTest) -> Node {
    match t {
        TimeTest::Present => Node::Pred(HAS_TIME.into()),
        TimeTest::Empty => Node::Pred(format!("NOT {HAS_TIME}")),
        TimeTest::Range { start, end } => {
            let mut parts = vec![];
            if let Some(s) = start {
                parts.push(Node::Pred(time_pred(">=", s)));
            }
            if let Some(e) = end {
                parts.push(Node::Pred(time_pred("<", e)));
            }
            if parts.is_empty() {
                Node::Pred(HAS_TIME.into())
            } else {
                Node::And(parts)
            }
        }
    }
}

/// The time range every matching event is in: the view's range and the
/// time conditions ANDed at the top of the query.
fn overall_range(q: Option<&Expr>, view: Option<(i64, i64)>) -> (Option<i64>, Option<i64>) {
    let (mut lo, mut hi): (Option<i64>, Option<i64>) = match view {
        Some((s, e)) => (Some(s), Some(e)),
        None => (None, None),
    };
    let mut apply = |t: &TimeTest| {
        if let TimeTest::Range { start, end } = t {
            if let Some(s) = start {
                lo = Some(lo.map_or(*s, |l| l.max(*s)));
            }
            if let Some(e) = end {
                hi = Some(hi.map_or(*e, |h| h.min(*e)));
            }
        }
    };
    match q {
        Some(Expr::Cond(Cond::Time(t))) => apply(t),
        Some(Expr::And(xs)) => {
            for x in xs {
                if let Expr::Cond(Cond::Time(t)) = x {
                    apply(t);
                }
            }
        }
        _ => {}
    }
    (lo, hi)
}

fn render(n: &Node, depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    match n {
        Node::True => out.push_str("TRUE"),
        Node::Pred(p) => out.push_str(p),
        Node::Not(x) => {
            // SQL's NOT of an unknown (NULL) is unknown: read it as false
            // first, as Trailview does.
            out.push_str("NOT coalesce(");
            render(x, depth, out);
            out.push_str(", false)");
        }
        Node::And(xs) | Node::Or(xs) => {
            let op = if matches!(n, Node::And(_)) {
                "AND"
            } else {
                "OR"
            };
            if xs.is_empty() {
                out.push_str(if op == "AND" { "TRUE" } else { "FALSE" });
                return;
            }
            out.push('(');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                    out.push_str(&pad);
                    out.push_str("    ");
                    out.push_str(op);
                    out.push(' ');
                } else {
                    out.push(' ');
                }
                render(x, depth + 1, out);
            }
            out.push_str(" )");
        }
    }
}

/// An SQL expression for a table column (the select list and the sort).
fn column_sql(spec: &ColumnSpec) -> Option<String> {
    match spec {
        ColumnSpec::Column(Column::SourceFile) => Some("\"$path\"".to_owned()),
        ColumnSpec::Column(c) => fields::column(*c),
        ColumnSpec::Mark(_) => None,
        ColumnSpec::Path(p) => {
            let segs = crate::query::json_field::split_path(p)?;
            match fields::path(&segs).ok()? {
                PathExpr::Scalar(e) | PathExpr::Node(e) => Some(e),
                PathExpr::Resources(f) => Some(format!(
                    "array_join(transform(resources, r -> r.{f}), ', ')"
                )),
                PathExpr::ResourcesList => Some("resources".into()),
                PathExpr::Json {
                    column, typed_path, ..
                } => Some(format!(
                    "coalesce(json_extract_scalar({column}, {p}), json_format(json_extract({column}, {p})))",
                    p = lit(&typed_path)
                )),
            }
        }
    }
}

/// The Athena SQL for `query` with `opts`, or the first term that cannot
/// be translated.
pub fn to_sql(query: &Query, opts: &SqlOptions) -> Result<String, Refusal> {
    let mut tr = Translator {
        approximations: Vec::new(),
        notes: Vec::new(),
    };
    let expr = query.expr();
    let filter = match expr {
        Some(e) => tr.expr(e, false)?,
        None => Node::True,
    };
    let mut where_parts: Vec<Node> = Vec::new();
    let (lo, hi) = overall_range(expr, opts.time_range);
    let key = ident(DATE_KEY);
    if let Some(d) = lo.and_then(day_of) {
        where_parts.push(Node::Pred(format!(
            "{key} >= {}",
            lit(&d.format("%Y/%m/%d").to_string())
        )));
    }
    if let Some(d) = hi.and_then(|h| day_of(h - 1)) {
        let d = d + Duration::days(1);
        where_parts.push(Node::Pred(format!(
            "{key} <= {}",
            lit(&d.format("%Y/%m/%d").to_string())
        )));
    }
    if let Some((s, e)) = opts.time_range {
        where_parts.push(time_node(TimeTest::Range {
            start: Some(s),
            end: Some(e),
        }));
    }
    if !matches!(filter, Node::True) {
        where_parts.push(filter);
    }

    let mut out = String::new();
    out.push_str("-- Athena engine v3 (Trino) SQL written by Trailview\n");
    let qtext = query.text().replace('\n', " ");
    out.push_str(&format!(
        "-- Trailview query: {}\n",
        if qtext.trim().is_empty() {
            "(all events)"
        } else {
            qtext.trim()
        }
    ));
    if let Some((s, e)) = opts.time_range {
        out.push_str(&format!(
            "-- Time range: {} .. {} (UTC, end excluded)\n",
            crate::timefmt::format_rfc3339(s),
            crate::timefmt::format_rfc3339(e)
        ));
    }
    if lo.is_some() || hi.is_some() {
        out.push_str(&format!(
            "-- \"{DATE_KEY}\" is the delivery day: the pruned range runs one day past the last event day\n"
        ));
    }
    for n in &tr.approximations {
        out.push_str(&format!("-- APPROXIMATION: {n}\n"));
    }
    for n in &tr.notes {
        out.push_str(&format!("-- NOTE: {n}\n"));
    }
    out.push_str("SELECT\n");
    let mut select = Vec::new();
    for spec in &opts.columns {
        match column_sql(spec) {
            Some(e) => select.push(format!("    {e} AS {}", ident(spec.name()))),
            None => out.push_str(&format!(
                "    -- column {} is not in the trail (Trailview case work or unknown field)\n",
                spec.name()
            )),
        }
    }
    if select.is_empty() {
        select.push("    *".to_owned());
    }
    out.push_str(&select.join(",\n"));
    out.push('\n');
    out.push_str(&format!(
        "FROM {}\n",
        table_ref(opts.database.as_deref(), &opts.table)
    ));
    if !where_parts.is_empty() {
        out.push_str("WHERE ");
        for (i, w) in where_parts.iter().enumerate() {
            if i > 0 {
                out.push_str("\n  AND ");
            }
            render(w, 1, &mut out);
        }
        out.push('\n');
    }
    if let Some(sort) = &opts.sort {
        let dir = match sort.direction {
            Direction::Ascending => "ASC",
            Direction::Descending => "DESC",
        };
        match &sort.column {
            ColumnSpec::Column(Column::Time) => {
                out.push_str(&format!("ORDER BY eventtime {dir} NULLS LAST\n"));
            }
            spec => match column_sql(spec) {
                Some(e) => out.push_str(&format!(
                    "ORDER BY lower({e}) {dir} NULLS LAST, eventtime ASC NULLS LAST\n"
                )),
                None => out.push_str(&format!(
                    "-- sort by {} is Trailview case work: not translated\n",
                    spec.name()
                )),
            },
        }
    }
    // A trailing semicolon would stop the console running several.
    Ok(out.trim_end().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn sql(q: &str) -> Result<String, Refusal> {
        to_sql(&parse(q).expect("query parses"), &SqlOptions::default())
    }

    #[test]
    fn fields_become_columns() {
        let s = sql("name:ConsoleLogin -error:*").expect("translates");
        assert!(s.contains("-- Trailview query: name:ConsoleLogin -error:*"));
        assert!(s.contains("lower(coalesce(eventname, '')) = 'consolelogin'"));
        assert!(
            s.contains("NOT coalesce(coalesce(errorcode, '') <> '', false)"),
            "{s}"
        );
        let s = sql("name:Delete*_x").expect("translates");
        assert!(s.contains("LIKE 'delete%\\_x' ESCAPE '\\'"), "{s}");
        let s = sql("ip:/^10\\./").expect("translates");
        assert!(s.contains("regexp_like(coalesce(sourceipaddress, ''), '(?i)^10\\.')"));
    }

    #[test]
    fn time_prunes_partitions_one_day_past_the_end() {
        let s = sql("time:2024-03-01").expect("translates");
        assert!(
            s.contains("replace(coalesce(eventtime, ''), ' ', 'T') >= '2024-03-01T00:00:00'"),
            "{s}"
        );
        assert!(s.contains("replace(coalesce(eventtime, ''), ' ', 'T') < '2024-03-02T00:00:00'"));
        assert!(s.contains("\"timestamp\" >= '2024/03/01'"));
        assert!(s.contains("\"timestamp\" <= '2024/03/02'"));
        let s = sql("time:>2024-03-01").expect("translates");
        assert!(
            s.contains("replace(coalesce(eventtime, ''), ' ', 'T') >= '2024-03-01T00:00:01'"),
            "{s}"
        );
        // A time in another form (an offset, a fraction) is read, not
        // compared as text, against the exact instant.
        let s = sql("time:>=2024-03-01T14:00+02:00").expect("translates");
        assert!(
            s.contains("ELSE try(from_iso8601_timestamp(replace(trim(eventtime), ' ', 'T'))) >= from_iso8601_timestamp('2024-03-01T12:00:00.000Z') END"),
            "{s}"
        );
    }

    #[test]
    fn refusals_name_the_term() {
        let r = sql("name:x tag:exfil").expect_err("refused");
        assert!(r.term.contains("tag"));
        assert!(sql("/AKIA[0-9A-Z]{16}/").is_err());
        assert!(sql("-decrypt").is_err());
        assert!(sql("userIdentity.sessionContext.sourceIdentity:x").is_err());
        assert!(sql("file:*x*").is_err());
        let s = sql("decrypt").expect("approximated");
        assert!(s.contains("APPROXIMATION"));
        assert!(s.contains("LIKE '%decrypt%'"));
    }

    #[test]
    fn lists_and_json() {
        let s = sql("resources.ARN:*prod*").expect("translates");
        assert!(
            s.contains("any_match(transform(resources, r -> r.arn), v ->"),
            "{s}"
        );
        let s = sql("requestParameters.bucketName:logs").expect("translates");
        assert!(
            s.contains("ARRAY[json_extract(lower(requestparameters), '$[\"bucketname\"]')]"),
            "{s}"
        );
        assert!(
            s.contains("v -> (v IS NOT NULL AND lower(v) = 'logs')"),
            "{s}"
        );
        // A list in the middle of the path is searched element by element
        // (EC2's `items`); a numeric segment picks one element.
        let s = sql("requestParameters.instancesSet.items.instanceId:i-1").expect("translates");
        assert!(
            s.contains("try_cast(n AS array(json))")
                && s.contains("n -> json_extract(n, '$[\"instanceid\"]')"),
            "{s}"
        );
        let s = sql("requestParameters.items.0.name:x").expect("translates");
        assert!(
            s.contains("coalesce(json_extract(n, '$[0]'), json_extract(n, '$[\"0\"]'))"),
            "{s}"
        );
    }
}
