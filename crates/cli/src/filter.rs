//! `--filter QUERY` and `--facets COL,...`, shared by `stats`, `list` and
//! `export`: parsing the query before anything is loaded (a malformed
//! query exits 2 with the reason) and counting facet values.

use clap::Args;
use serde_json::{Map, Value, json};

use crate::common::CliError;
use trailview_core::model::{Column, EventIdx};
use trailview_core::query::{self, Query};
use trailview_core::sigma::DetectionIndex;
use trailview_core::store::Store;
use trailview_session::detection_summary;
use trailview_session::summary::{Histogram, Timeline};

#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Only events matching this query, e.g. `name:Delete* -error:*`
    /// (see docs/query-language.md).
    #[arg(long, value_name = "QUERY", allow_hyphen_values = true)]
    pub filter: Option<String>,
}

impl FilterArgs {
    /// The parsed query (checked before anything loads); a malformed one
    /// is a bad argument (exit 2).
    /// A field that is neither a column nor a CloudTrail field is not an
    /// error (the data may have it), but is named on stderr with the
    /// closest known name.
    pub fn query(&self) -> Result<Option<Query>, CliError> {
        let query = self
            .filter
            .as_deref()
            .map(|text| query::parse(text).map_err(|e| CliError::usage(format!("bad query: {e}"))))
            .transpose()?;
        for hint in query.iter().flat_map(Query::unknown_fields) {
            eprintln!("trailview: warning: {hint}");
        }
        Ok(query)
    }
}

/// One `--facets` name: a column, or a count over the detections
/// (`rule`: rule titles, `level`, `tactic`: ATT&CK tactics), as the app's
/// facets show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FacetSpec {
    Column(Column),
    Rule,
    Level,
    Tactic,
}

impl FacetSpec {
    /// The key of this facet in the output.
    pub fn name(self) -> &'static str {
        match self {
            FacetSpec::Column(c) => c.name(),
            FacetSpec::Rule => "rule",
            FacetSpec::Level => "level",
            FacetSpec::Tactic => "tactic",
        }
    }

    /// True for the facets counted over detections.
    pub fn needs_detections(self) -> bool {
        !matches!(self, FacetSpec::Column(_))
    }
}

/// Parses `--facets` names: columns, or `rule`, `level`, `tactic`.
pub fn parse_facets(names: &[String]) -> Result<Vec<FacetSpec>, CliError> {
    names
        .iter()
        .map(|n| {
            let n = n.trim();
            match n.to_ascii_lowercase().as_str() {
                "rule" | "rules" => Ok(FacetSpec::Rule),
                "level" | "levels" => Ok(FacetSpec::Level),
                "tactic" | "tactics" | "attack" => Ok(FacetSpec::Tactic),
                _ => Column::parse(n).map(FacetSpec::Column).ok_or_else(|| {
                    CliError::usage(format!(
                        "unknown facet column {n:?} (a column, or rule, level, tactic)"
                    ))
                }),
            }
        })
        .collect()
}

/// `{name: [{value, count}], ...}` for the given rows, top `n` per facet;
/// the detection facets count events (an event once per rule, level or
/// tactic it reached) and are empty without `detections`.
pub fn facets_json(
    store: &Store,
    rows: &[EventIdx],
    specs: &[FacetSpec],
    n: usize,
    detections: Option<&DetectionIndex>,
) -> Value {
    let summary = detections
        .filter(|_| specs.iter().any(|s| s.needs_detections()))
        .map(|d| {
            detection_summary::summarize(
                store,
                d,
                rows,
                &Histogram::default(),
                &Timeline::default(),
                n,
            )
        });
    let mut map = Map::new();
    for &spec in specs {
        let facet = match spec {
            FacetSpec::Column(col) => store.facet(rows, col, n),
            FacetSpec::Rule => summary
                .as_ref()
                .map(|s| s.rules.clone())
                .unwrap_or_default(),
            FacetSpec::Level => summary
                .as_ref()
                .map(|s| s.levels.clone())
                .unwrap_or_default(),
            FacetSpec::Tactic => summary
                .as_ref()
                .map(|s| s.tactics.clone())
                .unwrap_or_default(),
        };
        let top: Vec<Value> = facet
            .top
            .into_iter()
            .map(|vc| json!({ "value": vc.value, "count": vc.count }))
            .collect();
        map.insert(spec.name().to_owned(), Value::Array(top));
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
    use trailview_core::ingest::store_from_texts;

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

    /// A query that starts with `-` (an exclusion) is the filter's value,
    /// not an option, given as its own argument or after `=`.
    #[test]
    fn a_query_starting_with_minus_is_a_value() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cmd {
            #[command(flatten)]
            filter: FilterArgs,
            paths: Vec<String>,
        }
        for args in [
            ["x", "--filter", "-name:List*", "logs"],
            ["x", "--filter=-name:List*", "logs", "logs"],
        ] {
            let cmd = Cmd::try_parse_from(args).expect("parses");
            assert_eq!(cmd.filter.filter.as_deref(), Some("-name:List*"));
            assert_eq!(cmd.paths[0], "logs");
            assert!(cmd.filter.query().expect("query").is_some());
        }
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
        let rows = q.select(&store, &store.all_rows());
        assert_eq!(rows, vec![1, 2]);
        let cols = parse_facets(&["name".into(), "region".into()]).expect("cols");
        let v = facets_json(&store, &rows, &cols, 10, None);
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
