//! `--filter QUERY` and `--facets COL,...`, shared by `stats`, `list` and
//! `export`: parsing the query before anything is loaded (a malformed
//! query exits 2 with the reason) and counting facet values.

use clap::Args;
use serde_json::{Map, Value, json};

use crate::cli::common::CliError;
use crate::model::{Column, EventIdx};
use crate::query::{self, Query};
use crate::store::Store;

#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Only events matching this query, e.g. `name:Delete* -error:*`
    /// (see docs/query-language.md).
    #[arg(long, value_name = "QUERY")]
    pub filter: Option<String>,
}

impl FilterArgs {
    /// The parsed query; a malformed one is a bad argument (exit 2).
    pub fn query(&self) -> Result<Option<Query>, CliError> {
        self.filter
            .as_deref()
            .map(|text| query::parse(text).map_err(|e| CliError::usage(format!("bad query: {e}"))))
            .transpose()
    }
}

/// The rows a query selects (all rows without one), in load order.
pub fn select(store: &Store, query: Option<&Query>) -> Vec<EventIdx> {
    let all = store.all_rows();
    match query {
        Some(q) => q.select(store, &all),
        None => all,
    }
}

/// Parses `--facets` column names.
pub fn parse_facets(names: &[String]) -> Result<Vec<Column>, CliError> {
    names
        .iter()
        .map(|n| {
            Column::parse(n.trim())
                .ok_or_else(|| CliError::usage(format!("unknown facet column {n:?}")))
        })
        .collect()
}

/// `{col: [{value, count}], ...}` for the given rows, top `n` per column.
pub fn facets_json(store: &Store, rows: &[EventIdx], cols: &[Column], n: usize) -> Value {
    let mut map = Map::new();
    for &col in cols {
        let facet = store.facet(rows, col, n);
        let top: Vec<Value> = facet
            .top
            .into_iter()
            .map(|vc| json!({ "value": vc.value, "count": vc.count }))
            .collect();
        map.insert(col.name().to_owned(), Value::Array(top));
    }
    Value::Object(map)
}

/// The text lines for `matched` and `facets` of a stats summary (empty
/// when neither was asked for).
pub fn facets_text(summary: &Value) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    if let Some(n) = summary["matched"].as_u64() {
        let q = summary["filter"].as_str().unwrap_or("");
        let _ = writeln!(s, "Matched:    {n} events for filter {q:?}");
    }
    if let Some(facets) = summary["facets"].as_object() {
        for (col, top) in facets {
            let _ = writeln!(s, "Top {col}:");
            for row in top.as_array().into_iter().flatten() {
                let value = row["value"].as_str().unwrap_or("");
                let shown = if value.is_empty() { "(none)" } else { value };
                let _ = writeln!(s, "  {:>9}  {shown}", row["count"].as_u64().unwrap_or(0));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::store_from_texts;

    #[test]
    fn bad_queries_are_usage_errors() {
        let f = FilterArgs {
            filter: Some("name:\"x".into()),
        };
        let e = f.query().expect_err("bad");
        assert_eq!(e.code, 2);
        assert_eq!(e.message, "bad query: unclosed quote at 5");
        assert!(FilterArgs::default().query().expect("none").is_none());
    }

    #[test]
    fn facets_over_selected_rows() {
        let store = store_from_texts(&[(
            "f",
            &[
                r#"{"eventName":"A","awsRegion":"r1"}"#,
                r#"{"eventName":"A","awsRegion":"r2"}"#,
                r#"{"eventName":"B","awsRegion":"r2"}"#,
            ],
        )]);
        let q = query::parse("region:r2").expect("q");
        let rows = select(&store, Some(&q));
        assert_eq!(rows, vec![1, 2]);
        let cols = parse_facets(&["name".into(), "region".into()]).expect("cols");
        let v = facets_json(&store, &rows, &cols, 10);
        assert_eq!(
            v["eventName"],
            json!([{"value": "A", "count": 1}, {"value": "B", "count": 1}])
        );
        assert_eq!(v["awsRegion"], json!([{"value": "r2", "count": 2}]));
        assert!(parse_facets(&["nope".into()]).is_err());
        let text = facets_text(&json!({"matched": 2, "filter": "region:r2", "facets": v}));
        assert!(
            text.contains("Matched:    2 events for filter \"region:r2\""),
            "{text}"
        );
        assert!(text.contains("Top awsRegion:\n          2  r2\n"), "{text}");
    }
}
