//! Building and editing query text from the outside: the GUI's
//! click-to-filter (`field:value`, `-field:value`) and toggling a clause
//! on and off without disturbing the rest of the query.

use super::ast::Expr;
use super::parser::parse_text;

/// `field:value`, quoting and escaping the value when it would otherwise
/// be read differently (spaces, quotes, parentheses, `*`, a leading `/`,
/// `<`, `>`, `..`, an empty value). A quoted value is matched literally.
pub fn field_clause(field: &str, value: &str) -> String {
    format!("{field}:{}", quote_value(value))
}

/// `-field:value`: the clause excluding that value.
pub fn exclude_clause(field: &str, value: &str) -> String {
    format!("-{}", field_clause(field, value))
}

/// `"value"`: a full-text term matching the value in any field of the
/// raw event, quoted and escaped whatever it holds.
pub fn phrase(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The value as it must be typed after `field:`.
pub fn quote_value(value: &str) -> String {
    let plain = !value.is_empty()
        && !value.starts_with(['/', '<', '>', '('])
        && !value.contains("..")
        && !value
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '\\' | '(' | ')' | '*'));
    if plain {
        return value.to_owned();
    }
    phrase(value)
}

/// Adds `clause` to `query` (ANDed) when it is not there, removes it when
/// it is a top-level part of the query, and replaces its negation
/// (`-name:x` ↔ `name:x`) when that is there instead. Clauses compare by
/// meaning: `name:GetObject` finds `eventName:getobject`.
pub fn toggle_clause(query: &str, clause: &str) -> String {
    let clause = clause.trim();
    let query_t = query.trim();
    let Ok(Some(c)) = parse_text(clause).map(|p| p.expr) else {
        return append(query_t, clause, false);
    };
    let key = c.to_string();
    let neg_key = match &c {
        Expr::Not(x) => x.to_string(),
        other => Expr::Not(Box::new(other.clone())).to_string(),
    };
    let parsed = match parse_text(query_t) {
        Ok(p) => p,
        Err(_) => return append(query_t, clause, false),
    };
    if parsed.expr.is_none() {
        return clause.to_owned();
    }
    if parsed.conjuncts.is_empty() {
        return append(query_t, clause, true);
    }
    let keys: Vec<String> = parsed
        .conjuncts
        .iter()
        .map(|(e, _)| e.to_string())
        .collect();
    let texts: Vec<&str> = parsed
        .conjuncts
        .iter()
        .map(|(_, r)| &query_t[r.clone()])
        .collect();
    if keys.contains(&key) {
        let kept: Vec<&str> = texts
            .iter()
            .zip(&keys)
            .filter(|(_, k)| **k != key)
            .map(|(t, _)| *t)
            .collect();
        return kept.join(" ");
    }
    if keys.contains(&neg_key) {
        let replaced: Vec<&str> = texts
            .iter()
            .zip(&keys)
            .map(|(t, k)| if *k == neg_key { clause } else { *t })
            .collect();
        return replaced.join(" ");
    }
    append(query_t, clause, false)
}

fn append(query: &str, clause: &str, wrap: bool) -> String {
    if query.is_empty() {
        clause.to_owned()
    } else if wrap {
        format!("({query}) {clause}")
    } else {
        format!("{query} {clause}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    #[test]
    fn clauses_quote_what_needs_it_and_parse_back() {
        assert_eq!(
            field_clause("eventName", "GetObject"),
            "eventName:GetObject"
        );
        assert_eq!(field_clause("ip", "10.0.0.1"), "ip:10.0.0.1");
        assert_eq!(
            field_clause("agent", "aws-cli/2 Python"),
            "agent:\"aws-cli/2 Python\""
        );
        assert_eq!(field_clause("error", ""), "error:\"\"");
        assert_eq!(field_clause("x", r#"a"b\c"#), r#"x:"a\"b\\c""#);
        assert_eq!(field_clause("x", "a*"), "x:\"a*\"");
        assert_eq!(field_clause("x", "/p"), "x:\"/p\"");
        assert_eq!(field_clause("x", ">5"), "x:\">5\"");
        assert_eq!(exclude_clause("name", "List*"), "-name:\"List*\"");
        assert_eq!(
            field_clause("actor", "arn:aws:iam::1:x"),
            "actor:arn:aws:iam::1:x"
        );
        for v in ["a b", "", "x\"y", "1..2", "(x)", "q\\", "OR", "-1", "a:b"] {
            let q = field_clause("f", v);
            assert!(parse(&q).is_ok(), "{q}");
        }
    }

    #[test]
    fn toggles_by_meaning() {
        assert_eq!(toggle_clause("", "name:A"), "name:A");
        assert_eq!(toggle_clause("x", "name:A"), "x name:A");
        assert_eq!(toggle_clause("x eventName:a y", "name:A"), "x y");
        assert_eq!(toggle_clause("x AND name:A", "name:A"), "x");
        assert_eq!(toggle_clause("name:A", "name:A"), "");
        assert_eq!(toggle_clause("x -name:A", "name:A"), "x name:A");
        assert_eq!(toggle_clause("x name:A", "-name:A"), "x -name:A");
        assert_eq!(toggle_clause("a OR b", "name:A"), "(a OR b) name:A");
        assert_eq!(toggle_clause("(a OR b) name:A", "name:A"), "(a OR b)");
        assert_eq!(toggle_clause("\"unclosed", "name:A"), "\"unclosed name:A");
    }
}
