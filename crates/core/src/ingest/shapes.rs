//! Recognises the shape of a file's text and reads its records into a
//! [`Sink`]: one JSON document (`{"Records":[...]}`, a bare array, a single
//! event, `lookup-events` output, a CloudWatch Logs envelope, a digest),
//! several JSON values one after another (NDJSON, concatenated objects,
//! Python-style `", "` separators), or a console Event history CSV.
//!
//! Damage is contained: a document that breaks part way keeps the records
//! before the break; in line-delimited text a bad line is a record problem
//! and the other lines load.

use serde::de::IgnoredAny;

use crate::ingest::containers::{Doc, read_document};
use crate::ingest::csv_history::{is_history_header, read_history};
use crate::ingest::fast_records::read_records;
use crate::ingest::sink::Sink;

/// What the text of a file was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// CloudTrail events (possibly none, as in `{"Records":[]}` or `[]`).
    Events,
    /// A CloudTrail digest file.
    Digest,
    /// Not CloudTrail data; the reason says what it is. Any records read
    /// must be dropped.
    NotCloudTrail(String),
}

/// The shape of a file and any problem with the file as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextOutcome {
    pub shape: Shape,
    pub problem: Option<String>,
}

impl TextOutcome {
    fn events() -> TextOutcome {
        TextOutcome {
            shape: Shape::Events,
            problem: None,
        }
    }

    fn not_cloudtrail(reason: impl Into<String>) -> TextOutcome {
        let reason = reason.into();
        TextOutcome {
            shape: Shape::NotCloudTrail(reason.clone()),
            problem: Some(reason),
        }
    }
}

/// Reads the records of a file's text. `csv_name` says the file is named
/// `.csv` (or `.csv.gz`).
pub fn read_shapes(text: &str, csv_name: bool, sink: &mut Sink) -> TextOutcome {
    let body = text.trim();
    let Some(&first) = body.as_bytes().first() else {
        return TextOutcome::not_cloudtrail("empty file");
    };
    if first != b'{' && first != b'[' {
        let first_line = body.lines().next().unwrap_or("");
        if csv_name || is_history_header(first_line) {
            return match read_history(body, sink) {
                Ok(()) => TextOutcome::events(),
                Err(reason) => TextOutcome::not_cloudtrail(reason),
            };
        }
        if let Ok(Doc::Scalar(kind)) = read_document(body, sink) {
            return TextOutcome::not_cloudtrail(format!(
                "not CloudTrail: the whole file is {kind}"
            ));
        }
        return TextOutcome::not_cloudtrail(format!(
            "not CloudTrail: not JSON (starts with {:?})",
            first_line.chars().take(24).collect::<String>()
        ));
    }
    if first == b'{' {
        if read_records(body, sink) {
            return TextOutcome::events();
        }
        sink.reset();
    }
    match read_document(body, sink) {
        Ok(doc) => top_level(doc, body, sink),
        // The memory budget stopped a container part way: its events so
        // far are kept and the file's outcome says why it stopped.
        Err(_) if sink.stopped().is_some() => TextOutcome::events(),
        Err(e) if e.is_data() => TextOutcome::not_cloudtrail(format!("not CloudTrail: {e}")),
        Err(e) => {
            if first_value_is_complete(body) {
                sink.reset();
                return several_values(body, sink);
            }
            if sink.records_seen() > 0 {
                let kept = sink.len();
                return TextOutcome {
                    shape: Shape::Events,
                    problem: Some(format!(
                        "malformed JSON: {e}; the {kept} records before it were kept"
                    )),
                };
            }
            if body.lines().filter(|l| !l.trim().is_empty()).count() > 1 {
                sink.reset();
                let good = line_by_line(body, sink);
                if good.values > 0 {
                    return values_outcome(good, sink);
                }
                sink.reset();
            }
            TextOutcome::not_cloudtrail(format!("malformed JSON: {e}"))
        }
    }
}

/// Decides what a single top-level document was.
fn top_level(doc: Doc, raw: &str, sink: &mut Sink) -> TextOutcome {
    match doc {
        Doc::Object(k) if k.is_container() => match k.null_list {
            Some(key) if sink.records_seen() == 0 => TextOutcome {
                shape: Shape::Events,
                problem: Some(format!(
                    "\"{key}\" is null, not a list: the file holds no events"
                )),
            },
            _ => TextOutcome::events(),
        },
        Doc::Object(k) if k.is_digest() => TextOutcome {
            shape: Shape::Digest,
            problem: None,
        },
        Doc::Object(k) if k.event_field => {
            sink.push(raw);
            TextOutcome::events()
        }
        Doc::Object(_) => TextOutcome::not_cloudtrail(
            "not CloudTrail: a JSON object without Records, Events, logEvents or any \
             CloudTrail event field",
        ),
        Doc::Array => values_outcome(
            Values {
                values: 1,
                digests: 0,
            },
            sink,
        ),
        Doc::Scalar(kind) => {
            TextOutcome::not_cloudtrail(format!("not CloudTrail: the whole file is {kind}"))
        }
    }
}

/// True when the text starts with one complete JSON value (so more follow).
fn first_value_is_complete(text: &str) -> bool {
    serde_json::Deserializer::from_str(text)
        .into_iter::<IgnoredAny>()
        .next()
        .is_some_and(|r| r.is_ok())
}

/// Counts of the values read from multi-value text.
#[derive(Debug, Clone, Copy, Default)]
struct Values {
    /// Values that were objects or lists.
    values: usize,
    digests: usize,
}

/// Several JSON values one after another: read them as a stream; if the
/// stream breaks, read line by line instead when that keeps more.
fn several_values(text: &str, sink: &mut Sink) -> TextOutcome {
    let (stream, err) = read_stream(text, sink);
    let Some(err) = err else {
        return values_outcome(stream, sink);
    };
    let stream_events = sink.len();
    sink.reset();
    let lines = line_by_line(text, sink);
    if lines.values > 0 && sink.len() >= stream_events {
        return values_outcome(lines, sink);
    }
    sink.reset();
    let (stream, _) = read_stream(text, sink);
    let mut out = values_outcome(stream, sink);
    if out.shape == Shape::Events {
        out.problem = Some(format!(
            "malformed JSON: {err}; the {} records before it were kept",
            sink.len()
        ));
    }
    out
}

fn read_stream(text: &str, sink: &mut Sink) -> (Values, Option<serde_json::Error>) {
    let mut counts = Values::default();
    for item in serde_json::Deserializer::from_str(text).into_iter::<&serde_json::value::RawValue>()
    {
        if sink.stopped().is_some() {
            break; // memory budget: the rest is not read
        }
        match item {
            Ok(v) => one_value(v.get(), sink, &mut counts),
            Err(e) => return (counts, Some(e)),
        }
    }
    (counts, None)
}

fn line_by_line(text: &str, sink: &mut Sink) -> Values {
    let mut counts = Values::default();
    for (n, line) in text.lines().enumerate() {
        if sink.stopped().is_some() {
            break; // memory budget: the rest is not read
        }
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Err(e) = serde_json::from_str::<IgnoredAny>(line) {
            sink.problem(format!("line {}: malformed JSON: {e}", n + 1));
            continue;
        }
        one_value(line, sink, &mut counts);
    }
    counts
}

/// One complete value of multi-value text: a container's records, a
/// digest, or (any other object) one event.
fn one_value(raw: &str, sink: &mut Sink, counts: &mut Values) {
    match read_document(raw, sink) {
        Ok(Doc::Object(k)) if k.is_container() => counts.values += 1,
        Ok(Doc::Object(k)) if k.is_digest() => counts.digests += 1,
        Ok(Doc::Object(_)) => {
            counts.values += 1;
            sink.push(raw);
        }
        Ok(Doc::Array) => counts.values += 1,
        Ok(Doc::Scalar(kind)) => sink.problem(format!("record is {kind}, not a JSON object")),
        // A container the memory budget stopped part way.
        Err(_) if sink.stopped().is_some() => counts.values += 1,
        Err(e) => sink.problem(format!("unreadable record: {e}")),
    }
}

/// Decides what records read from a list or from multi-value text were.
fn values_outcome(v: Values, sink: &Sink) -> TextOutcome {
    if sink.is_empty() && v.digests > 0 && v.values == 0 {
        return TextOutcome {
            shape: Shape::Digest,
            problem: None,
        };
    }
    if sink.is_empty() && sink.records_seen() > 0 {
        return TextOutcome::not_cloudtrail("not CloudTrail: no record is a JSON object");
    }
    if !sink.is_empty() && sink.cloudtrail_like() == 0 {
        return TextOutcome::not_cloudtrail(
            "not CloudTrail: no record has any CloudTrail event field \
             (eventTime, eventName, eventSource, eventID, eventType, userIdentity)",
        );
    }
    TextOutcome::events()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::batch::Batch;

    fn read(text: &str) -> (TextOutcome, Batch) {
        read_named(text, false)
    }

    fn read_named(text: &str, csv: bool) -> (TextOutcome, Batch) {
        let mut sink = Sink::new("t".into());
        let out = read_shapes(text, csv, &mut sink);
        (out, sink.finish())
    }

    fn raws(b: Batch) -> Vec<String> {
        let mut s = Store::new();
        s.append(b);
        (0..s.len() as u32)
            .map(|i| s.raw_text(i).expect("readable"))
            .collect()
    }

    #[test]
    fn the_memory_budget_stops_every_shape_without_reading_the_rest() {
        use crate::ingest::budget::LoadBudget;
        use crate::ingest::sink::Stop;
        use std::sync::Arc;
        // 40,000 records; the budget has room for a few thousand.
        let n = 40_000;
        let rec = |i: usize| format!(r#"{{"eventName":"A","eventID":"{i}"}}"#);
        let list = || (0..n).map(rec).collect::<Vec<_>>();
        let cloudwatch: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"id":"{i}","message":{}}}"#, serde_json::json!(rec(i))))
            .collect();
        let csv = format!(
            "Event time,Event name,Event source,Event ID\n{}",
            (0..n)
                .map(|i| format!("2024-01-01T00:00:00Z,A,s3.amazonaws.com,{i}\n"))
                .collect::<String>()
        );
        let shapes = [
            ("bare array", format!("[{}]", list().join(","))),
            ("NDJSON", list().join("\n")),
            ("concatenated", list().join(" ")),
            (
                "lookup-events",
                format!("{{\"Events\":[{}]}}", list().join(",")),
            ),
            (
                "CloudWatch envelope",
                format!(
                    "{{\"logEvents\":[{}],\"owner\":\"1\"}}",
                    cloudwatch.join(",")
                ),
            ),
            ("CSV history", csv),
        ];
        for (what, text) in shapes {
            let budget = LoadBudget::new(2_000_000);
            let mut sink = Sink::new("t".into());
            sink.set_budget(Arc::clone(&budget));
            let out = read_shapes(&text, what == "CSV history", &mut sink);
            assert_eq!(out.shape, Shape::Events, "{what}: {out:?}");
            assert_eq!(sink.stopped(), Some(Stop::Budget), "{what}");
            let kept = sink.len();
            assert!(kept > 0 && kept < n, "{what}: kept {kept}");
            // Records after the stop were not even read: the sink counts
            // every record it is shown, kept or not.
            assert!(
                (sink.records_seen() as usize) <= kept + 1,
                "{what}: {} records read after the stop at {kept}",
                sink.records_seen() as usize - kept
            );
        }
    }

    const E1: &str = r#"{"eventName":"A","eventID":"1"}"#;
    const E2: &str = r#"{"eventName": "B", "eventID": "2"}"#;

    #[test]
    fn records_compact_and_pretty() {
        let (out, b) = read(&format!("{{\"Records\":[{E1},{E2}]}}"));
        assert_eq!(out, TextOutcome::events());
        assert_eq!(raws(b), vec![E1, E2]);
        let pretty = format!("{{\n  \"Records\": [\n    {E1}\n    ,\n        {E2}\n  ]\n}}\n");
        let (out, b) = read(&pretty);
        assert_eq!(out, TextOutcome::events());
        assert_eq!(raws(b), vec![E1, E2]);
    }

    #[test]
    fn empty_containers_are_valid_logs() {
        for text in ["{\"Records\": []}", "[]", " [ ]\n", "{\"Events\":[]}"] {
            let (out, b) = read(text);
            assert_eq!(out, TextOutcome::events(), "{text}");
            assert!(b.is_empty());
        }
    }

    #[test]
    fn empty_and_blank_text_are_problems() {
        for text in ["", " \n\t "] {
            let (out, _) = read(text);
            assert_eq!(out.problem.as_deref(), Some("empty file"));
        }
    }

    #[test]
    fn bare_array_and_single_event() {
        let (out, b) = read(&format!("[\n {E1},\n {E2}\n]"));
        assert_eq!(out, TextOutcome::events());
        assert_eq!(raws(b), vec![E1, E2]);
        let (out, b) = read(&format!("\n{E2}\n"));
        assert_eq!(out, TextOutcome::events());
        assert_eq!(raws(b), vec![E2]);
    }

    #[test]
    fn ndjson_python_style_and_concatenated() {
        let (out, b) = read(&format!("{E1}\n{E2}\n\n"));
        assert_eq!(out, TextOutcome::events());
        assert_eq!(raws(b), vec![E1, E2]);
        let (out, b) = read(&format!("{E1}{E2}"));
        assert_eq!(out, TextOutcome::events());
        assert_eq!(raws(b), vec![E1, E2]);
        // Records objects one after another (several delivery files joined).
        let (out, b) = read(&format!("{{\"Records\":[{E1}]}}\n{{\"Records\":[{E2}]}}"));
        assert_eq!(out, TextOutcome::events());
        assert_eq!(raws(b), vec![E1, E2]);
    }

    #[test]
    fn ndjson_bad_line_is_a_record_problem() {
        let (out, b) = read(&format!("{E1}\n{{\"eventName\": oops\n{E2}\n7\n"));
        assert_eq!(out, TextOutcome::events());
        assert_eq!(b.problems.len(), 2);
        assert!(
            b.problems[0].reason.starts_with("line 2: malformed JSON"),
            "{:?}",
            b.problems
        );
        assert_eq!(
            b.problems[1].reason,
            "record is a number, not a JSON object"
        );
        assert_eq!(raws(b), vec![E1, E2]);
    }

    #[test]
    fn records_cut_short_keeps_the_first_records() {
        let (out, b) = read(&format!("{{\"Records\":[{E1},{E2},{{\"event"));
        assert_eq!(out.shape, Shape::Events);
        let p = out.problem.expect("problem");
        assert!(
            p.starts_with("malformed JSON") && p.ends_with("the 2 records before it were kept"),
            "{p}"
        );
        assert_eq!(b.len(), 2);
        // Garbage after a complete Records document keeps the document.
        let (out, b) = read(&format!("{{\"Records\":[{E1},{E2}]}} garbage"));
        assert_eq!(out.shape, Shape::Events);
        assert!(out.problem.is_some());
        assert_eq!(b.len(), 2);
    }

    #[test]
    fn record_that_is_not_an_object_keeps_the_others() {
        let (out, b) = read(&format!("{{\"Records\":[{E1}, 42, {E2}]}}"));
        assert_eq!(out, TextOutcome::events());
        assert_eq!(b.problems.len(), 1);
        assert_eq!(b.problems[0].index, 1);
        assert_eq!(b.record_index, vec![0, 2]);
    }

    #[test]
    fn digests_are_recognised() {
        let d = r#"{"awsAccountId":"1","digestPublicKeyFingerprint":"ab","logFiles":[{"s3Object":"x"}]}"#;
        let (out, b) = read(d);
        assert_eq!(out.shape, Shape::Digest);
        assert!(b.is_empty() && b.problems.is_empty());
        let (out, _) = read(&format!("{d}\n"));
        assert_eq!(out.shape, Shape::Digest);
    }

    #[test]
    fn things_that_are_not_cloudtrail() {
        for (text, want) in [
            (
                "{\"name\":\"pkg\",\"version\":1}",
                "not CloudTrail: a JSON object",
            ),
            ("42", "not CloudTrail: the whole file is a number"),
            ("[{\"a\":1},{\"b\":2}]", "not CloudTrail: no record"),
            ("[1, \"x\"]", "not CloudTrail: no record is a JSON object"),
            ("{\"a\":1}\n{\"b\":2}\n", "not CloudTrail: no record"),
            ("hello world", "not CloudTrail: not JSON"),
            ("{\"Records\": 5}", "not CloudTrail: invalid type"),
            ("{\"Records\":[", "malformed JSON"),
            ("{\n\"eventName\": \"A\",\n\"x\": tru\n}", "malformed JSON"),
        ] {
            let (out, _) = read(text);
            assert!(matches!(out.shape, Shape::NotCloudTrail(_)), "{text}");
            let p = out.problem.expect("problem");
            assert!(p.starts_with(want), "{text}: {p}");
        }
    }

    #[test]
    fn csv_history_by_name_or_header() {
        let csv = "User name,Event time,Event source,Event name\nbob,2021-01-01T00:00:00Z,s3.amazonaws.com,ListBuckets\n";
        let (out, b) = read(csv);
        assert_eq!(out, TextOutcome::events());
        assert_eq!(b.len(), 1);
        let (out, b) = read_named("a,b\n1,2\n", true);
        assert!(matches!(out.shape, Shape::NotCloudTrail(_)));
        assert!(b.is_empty());
    }
}
