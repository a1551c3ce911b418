//! Adapter between the GUI and the query language: compile the text in the
//! query box, select rows with it, and build the clauses that facet clicks
//! and pivot menus add to the query text.
//!
//! Stand-in until `crate::query` lands: space-separated terms, all must
//! match; `field:value` (value may be "quoted", `*` is a wildcard),
//! `-field:value` excludes, a bare word matches anywhere in the event.

use crate::model::{Column, ColumnSpec, EventIdx};
use crate::store::Store;

/// A malformed query: what is wrong and where (byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub message: String,
    pub position: usize,
}

#[derive(Debug, Clone)]
struct Term {
    negate: bool,
    field: Option<ColumnSpec>,
    pattern: String,
}

/// A compiled query.
#[derive(Debug, Clone)]
pub struct Filter {
    terms: Vec<Term>,
}

/// Compiles `text`. Empty text gives `None` (everything matches).
pub fn compile(text: &str) -> Result<Option<Filter>, FilterError> {
    let mut terms = Vec::new();
    for (pos, tok) in tokens(text)? {
        let (negate, body) = match tok.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, tok.as_str()),
        };
        let (field, value) = match split_field(body) {
            Some((f, v)) => {
                if f.is_empty() {
                    return Err(FilterError {
                        message: "missing field name before ':'".into(),
                        position: pos,
                    });
                }
                (Some(ColumnSpec::parse(f)), v)
            }
            None => (None, body),
        };
        let value = value.trim_matches('"');
        if value.is_empty() && field.is_none() {
            return Err(FilterError {
                message: "empty term".into(),
                position: pos,
            });
        }
        terms.push(Term {
            negate,
            field,
            pattern: value.to_lowercase(),
        });
    }
    Ok((!terms.is_empty()).then_some(Filter { terms }))
}

fn split_field(body: &str) -> Option<(&str, &str)> {
    if body.starts_with('"') {
        return None;
    }
    let i = body.find(':')?;
    Some((&body[..i], &body[i + 1..]))
}

fn tokens(text: &str) -> Result<Vec<(usize, String)>, FilterError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    let mut quote: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c == '"' {
            quote = if quote.is_some() { None } else { Some(i) };
            cur.push(c);
        } else if c.is_whitespace() && quote.is_none() {
            if !cur.is_empty() {
                out.push((start, std::mem::take(&mut cur)));
            }
        } else {
            if cur.is_empty() {
                start = i;
            }
            cur.push(c);
        }
    }
    if let Some(q) = quote {
        return Err(FilterError {
            message: "unclosed quote".into(),
            position: q,
        });
    }
    if !cur.is_empty() {
        out.push((start, cur));
    }
    Ok(out)
}

const FREE_TEXT: [Column; 6] = [
    Column::EventName,
    Column::Actor,
    Column::EventSource,
    Column::SourceIp,
    Column::ErrorCode,
    Column::AccessKey,
];

fn matches(pattern: &str, value: &str) -> bool {
    let v = value.to_lowercase();
    match (pattern.strip_prefix('*'), pattern.strip_suffix('*')) {
        _ if pattern == "*" => !v.is_empty(),
        (Some(rest), _) if rest.ends_with('*') => v.contains(&rest[..rest.len() - 1]),
        (Some(rest), _) => v.ends_with(rest),
        (_, Some(rest)) => v.starts_with(rest),
        _ => v == pattern,
    }
}

fn json_path_value(store: &Store, idx: EventIdx, path: &str) -> String {
    let Some(json) = store.json(idx) else {
        return String::new();
    };
    let mut cur = &json;
    for part in path.split('.') {
        match cur.get(part) {
            Some(v) => cur = v,
            None => return String::new(),
        }
    }
    match cur {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl Term {
    fn test(&self, store: &Store, idx: EventIdx) -> bool {
        let hit = match &self.field {
            Some(ColumnSpec::Column(c)) => matches(&self.pattern, &store.value(*c, idx)),
            Some(ColumnSpec::Path(p)) => matches(&self.pattern, &json_path_value(store, idx, p)),
            None => {
                FREE_TEXT.iter().any(|c| {
                    store
                        .value(*c, idx)
                        .to_lowercase()
                        .contains(self.pattern.as_str())
                }) || store
                    .raw_text(idx)
                    .to_lowercase()
                    .contains(self.pattern.as_str())
            }
        };
        hit != self.negate
    }
}

impl Filter {
    /// The rows of `rows` the query keeps, in the same order.
    pub fn select(&self, store: &Store, rows: &[EventIdx]) -> Vec<EventIdx> {
        use rayon::prelude::*;
        rows.par_iter()
            .copied()
            .filter(|&i| self.terms.iter().all(|t| t.test(store, i)))
            .collect()
    }
}

fn quote(value: &str) -> String {
    if value.is_empty() || value.contains(char::is_whitespace) || value.contains(':') {
        format!("\"{value}\"")
    } else {
        value.to_owned()
    }
}

/// The clause keeping events whose `field` is `value`.
pub fn include_clause(field: &str, value: &str) -> String {
    format!("{field}:{}", quote(value))
}

/// The clause dropping events whose `field` is `value`.
pub fn exclude_clause(field: &str, value: &str) -> String {
    format!("-{}", include_clause(field, value))
}

/// Adds `clause` to `query`, or removes it when already there.
pub fn toggle_clause(query: &str, clause: &str) -> String {
    let parts: Vec<&str> = query.split_whitespace().collect();
    if parts.contains(&clause) {
        parts
            .into_iter()
            .filter(|p| *p != clause)
            .collect::<Vec<_>>()
            .join(" ")
    } else if query.trim().is_empty() {
        clause.to_owned()
    } else {
        format!("{} {clause}", query.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggling_adds_then_removes() {
        let q = toggle_clause("", &include_clause("eventName", "GetObject"));
        assert_eq!(q, "eventName:GetObject");
        let q = toggle_clause(&q, &exclude_clause("awsRegion", "us east"));
        assert_eq!(q, "eventName:GetObject -awsRegion:\"us east\"");
        let q = toggle_clause(&q, "eventName:GetObject");
        assert_eq!(q, "-awsRegion:\"us east\"");
    }

    #[test]
    fn unclosed_quote_is_an_error_with_position() {
        let e = compile("eventName:\"Get").expect_err("must fail");
        assert_eq!(e.position, 10);
    }
}
