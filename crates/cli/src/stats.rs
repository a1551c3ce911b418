//! `trailview stats`: the load report of some files and folders, as text
//! or as one JSON object.

use clap::Args;
use serde_json::{Value, json};

use crate::common::{CliError, InputArgs, print};
use crate::filter::{FilterArgs, facets_json, facets_text, parse_facets};
use trailview_core::ingest::LoadReport;
use trailview_core::model::Column;
use trailview_core::store::Store;
use trailview_core::timefmt::format_rfc3339;

/// How many actors and event names the report lists.
pub const TOP_N: usize = 10;

#[derive(Args, Debug, Clone)]
pub struct StatsArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Count the top values of these columns over the (filtered) events,
    /// comma-separated (actor, eventName, eventSource, account, ...), or
    /// of the detections: rule (titles), level, tactic (ATT&CK).
    #[arg(long, value_name = "COL,...", value_delimiter = ',')]
    pub facets: Option<Vec<String>>,
    #[command(flatten)]
    pub rules: crate::detect::RuleArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: &StatsArgs) -> Result<(), CliError> {
    let query = args.filter.query()?;
    let facet_cols = parse_facets(args.facets.as_deref().unwrap_or(&[]))?;
    let mut session = args.input.open_with(args.rules.options()?)?;
    // The rows are only computed when something is counted over them.
    let rows = if query.is_some() || !facet_cols.is_empty() {
        if query.as_ref().is_some_and(|q| q.uses_detections())
            || facet_cols.iter().any(|f| f.needs_detections())
        {
            session.detect_blocking();
        }
        session.update_view(|v| v.query = args.filter.filter.clone().unwrap_or_default());
        session
            .rows_blocking()
            .map_err(|e| CliError::usage(format!("bad query: {e}")))?
    } else {
        Default::default()
    };
    // Rule folders named on the command line are read (their problems
    // join the load problems) even when nothing here reads a hit.
    if !args.rules.rules.is_empty() {
        session.detect_blocking();
    }
    let store = session.read();
    let report = session.report();
    let mut summary = summary_json(&store, report);
    if query.is_some() || !facet_cols.is_empty() {
        if let (Some(q), Some(obj)) = (&query, summary.as_object_mut()) {
            obj.insert("filter".into(), Value::String(q.text().to_owned()));
            obj.insert("matched".into(), Value::from(rows.len()));
        }
        if !facet_cols.is_empty()
            && let Some(obj) = summary.as_object_mut()
        {
            obj.insert(
                "facets".into(),
                facets_json(
                    &store,
                    &rows,
                    &facet_cols,
                    TOP_N,
                    session.detections().map(|d| &**d),
                ),
            );
        }
    }
    let text = if args.json {
        format!("{summary:#}\n")
    } else {
        summary_text(report, &summary) + &facets_text(&summary)
    };
    print(&text)
}

fn top(store: &Store, col: Column, key: &str) -> Value {
    let rows = store.all_rows();
    let facet = store.facet(&rows, col, TOP_N);
    Value::Array(
        facet
            .top
            .into_iter()
            .map(|vc| json!({ key: vc.value, "count": vc.count }))
            .collect(),
    )
}

fn time_json(t: Option<i64>) -> Value {
    t.map_or(Value::Null, |t| Value::String(format_rfc3339(t)))
}

/// The report as one JSON object (the `--json` output).
pub fn summary_json(store: &Store, report: &LoadReport) -> Value {
    json!({
        "events": report.events,
        "duplicates": report.duplicates,
        "files": report.files,
        "problems": report.problems,
        "first_event_time": time_json(report.first_time),
        "last_event_time": time_json(report.last_time),
        "top_actors": top(store, Column::Actor, "actor"),
        "top_event_names": top(store, Column::EventName, "eventName"),
        "digests": report.digests.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>(),
        "bytes": report.bytes,
        "cancelled": report.cancelled,
    })
}

fn summary_text(report: &LoadReport, summary: &Value) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let f = &report.files;
    let _ = writeln!(
        s,
        "Events:     {} ({} exact duplicates dropped)",
        report.events, report.duplicates
    );
    let _ = writeln!(
        s,
        "Files:      {} log, {} digest, {} insight, {} other ({} bytes read)",
        f.log, f.digest, f.insight, f.other, report.bytes
    );
    let time = |k: &str| summary[k].as_str().unwrap_or("-").to_owned();
    let _ = writeln!(
        s,
        "Time range: {} .. {}",
        time("first_event_time"),
        time("last_event_time")
    );
    if report.problems.is_empty() {
        let _ = writeln!(s, "Problems:   none");
    } else {
        let _ = writeln!(s, "Problems:   {}", report.problems.len());
        for p in &report.problems {
            let _ = writeln!(s, "  {p}");
        }
    }
    for (title, key, name) in [
        ("Top actors", "top_actors", "actor"),
        ("Top event names", "top_event_names", "eventName"),
    ] {
        let _ = writeln!(s, "{title}:");
        for row in summary[key].as_array().into_iter().flatten() {
            let value = row[name].as_str().unwrap_or("");
            let shown = if value.is_empty() { "(none)" } else { value };
            let _ = writeln!(s, "  {:>9}  {shown}", row["count"].as_u64().unwrap_or(0));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailview_core::ingest::store_from_texts;
    use trailview_core::ingest::{FileOutcome, Problem};
    use trailview_core::model::FileKind;

    #[test]
    fn json_and_text_have_the_report() {
        let store = store_from_texts(&[(
            "a.json",
            &[
                r#"{"eventName":"A","eventTime":"2024-01-01T00:00:00Z","userIdentity":{"type":"Root"}}"#,
                r#"{"eventName":"A","userIdentity":{"type":"IAMUser","userName":"bob"}}"#,
                r#"{"eventName":"B","userIdentity":{"type":"Root"}}"#,
            ],
        )]);
        let mut report = LoadReport::default();
        report.record_file(&FileOutcome {
            path: "a.json".into(),
            kind: FileKind::Log,
            events: 3,
            bytes: 100,
            problems: vec![Problem::new(
                std::path::Path::new("a.json"),
                "record 9: bad",
            )],
        });
        report.events = 3;
        report.first_time = trailview_core::timefmt::parse_millis("2024-01-01T00:00:00Z");
        report.last_time = report.first_time;
        let v = summary_json(&store, &report);
        assert_eq!(v["events"], 3);
        assert_eq!(
            v["files"],
            json!({"log": 1, "digest": 0, "insight": 0, "other": 0})
        );
        assert_eq!(v["problems"][0]["reason"], "record 9: bad");
        assert_eq!(v["first_event_time"], "2024-01-01T00:00:00Z");
        assert_eq!(v["top_actors"][0], json!({"actor": "root", "count": 2}));
        assert_eq!(
            v["top_event_names"][0],
            json!({"eventName": "A", "count": 2})
        );
        let text = summary_text(&report, &v);
        assert!(
            text.contains("Files:      1 log, 0 digest, 0 insight, 0 other"),
            "{text}"
        );
        assert!(text.contains("  a.json: record 9: bad"), "{text}");
        assert!(text.contains("          2  root"), "{text}");
    }
}
