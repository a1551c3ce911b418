//! Export round trips on the real corpus: events exported as JSON (and
//! NDJSON) and loaded back with the ingest loader are the same events,
//! byte for byte, in the same order. Plus CSV formula neutralising and
//! the all-or-nothing write.

use std::path::{Path, PathBuf};

use trailview_core::export::{self, ExportError, ExportFormat, ExportRequest};
use trailview_core::ingest::store_from_texts;
use trailview_core::ingest::{LoadOptions, load_paths};
use trailview_core::model::Direction;
use trailview_core::model::{Column, ColumnSpec, EventIdx};
use trailview_core::store::Store;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn load(paths: &[PathBuf]) -> Store {
    let mut store = Store::new();
    let report = load_paths(paths, &LoadOptions::default(), &mut store);
    assert!(!report.cancelled);
    store
}

fn request(rows: &[EventIdx], format: ExportFormat, out: PathBuf) -> ExportRequest<'_> {
    ExportRequest {
        rows,
        format,
        columns: Vec::new(),
        out,
        protected_inputs: vec![corpus()],
    }
}

fn minified(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    export::ndjson::minify_into(raw, &mut out);
    out
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn corpus_exports_reload_byte_identical_in_order() {
    let store = load(&[corpus()]);
    assert!(store.len() > 3000, "{}", store.len());
    // A non-trivial order: by event name, newest first within a name.
    let mut rows = store.all_rows();
    store.sort_by_column(&mut rows, Column::EventName, Direction::Descending);
    let originals: Vec<Vec<u8>> = rows
        .iter()
        .map(|&i| store.raw(i).expect("readable"))
        .collect();
    assert!(
        originals.iter().any(|r| r.contains(&b'\n')),
        "the corpus has pretty-printed events"
    );
    let dir = tempfile::tempdir().expect("tempdir");

    let json_out = dir.path().join("all.json");
    let sum = export::export(
        &store,
        &request(&rows, ExportFormat::Json, json_out.clone()),
    )
    .expect("json export");
    assert_eq!(sum.events, rows.len());
    assert_eq!(sum.bytes, std::fs::metadata(&json_out).expect("meta").len());
    let back = load(std::slice::from_ref(&json_out));
    assert_eq!(back.len(), originals.len(), "every event comes back");
    for (i, want) in originals.iter().enumerate() {
        assert_eq!(
            &back.raw(i as EventIdx).expect("readable"),
            want,
            "JSON event {i} differs"
        );
    }

    let nd_out = dir.path().join("all.ndjson");
    export::export(
        &store,
        &request(&rows, ExportFormat::Ndjson, nd_out.clone()),
    )
    .expect("ndjson export");
    let text = std::fs::read(&nd_out).expect("read");
    assert_eq!(text.iter().filter(|&&b| b == b'\n').count(), rows.len());
    // One line per event: pretty-printed events are minified, the rest
    // are their original bytes. Minifying can make two events that differed
    // only in whitespace (same eventID) exact duplicates, which the loader
    // drops, so those are expected once.
    let mut seen = std::collections::HashSet::new();
    let expected: Vec<Vec<u8>> = rows
        .iter()
        .zip(&originals)
        .filter_map(|(&idx, raw)| {
            let line = if raw.contains(&b'\n') || raw.contains(&b'\r') {
                minified(raw)
            } else {
                raw.clone()
            };
            let has_id = !store.event_id(idx).is_empty();
            (!has_id || seen.insert(line.clone())).then_some(line)
        })
        .collect();
    assert!(expected.len() + 10 > originals.len());
    let back = load(std::slice::from_ref(&nd_out));
    assert_eq!(back.len(), expected.len());
    for (i, want) in expected.iter().enumerate() {
        let got = back.raw(i as EventIdx).expect("readable");
        assert_eq!(&got, want, "NDJSON event {i} differs");
        assert!(serde_json::from_slice::<serde_json::Value>(&got).is_ok());
    }
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn filtered_export_of_the_corpus() {
    let store = load(&[corpus()]);
    let q = trailview_core::query::parse("error:AccessDenied").expect("query");
    let rows = q.select(&store, &store.all_rows());
    assert!(!rows.is_empty());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("denied.json");
    export::export(&store, &request(&rows, ExportFormat::Json, out.clone())).expect("export");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("read")).expect("valid JSON");
    let records = v["Records"].as_array().expect("Records");
    assert_eq!(records.len(), rows.len());
    assert!(records.iter().all(|r| r["errorCode"] == "AccessDenied"));
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn csv_cells_cannot_become_formulas() {
    let evil = [
        r#"{"eventID":"1","eventName":"=cmd|' /C calc'!A0","userAgent":"+SUM(1,2)","sourceIPAddress":"-2+3","awsRegion":"@A1"}"#,
        r#"{"eventID":"2","eventName":"\tTabbed","userAgent":"\r=x","sourceIPAddress":"1.2.3.4","awsRegion":"us-east-1","requestParameters":{"p":"=HYPERLINK(\"http://x\")"}}"#,
    ];
    let store = store_from_texts(&[("evil.json", &evil)]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("evil.csv");
    let mut req = request(&[0, 1], ExportFormat::Csv, out.clone());
    req.columns = [
        "eventName",
        "userAgent",
        "ip",
        "region",
        "requestParameters.p",
        "id",
    ]
    .iter()
    .map(|c| ColumnSpec::parse(c))
    .collect();
    export::export(&store, &req).expect("export");
    let mut rd = csv::Reader::from_path(&out).expect("csv");
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "'=cmd|' /C calc'!A0",
            "'+SUM(1,2)",
            "'-2+3",
            "'@A1",
            "",
            "1"
        ]
    );
    assert_eq!(
        rows[1],
        [
            "'\tTabbed",
            "'\r=x",
            "1.2.3.4",
            "us-east-1",
            "'=HYPERLINK(\"http://x\")",
            "2"
        ]
    );
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "dangerous cell {cell:?}"
            );
        }
    }
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn failed_writes_leave_no_partial_file() {
    let store = store_from_texts(&[("a.json", &[r#"{"eventID":"1"}"#])]);
    let dir = tempfile::tempdir().expect("tempdir");
    // The target is a folder: the final rename fails; nothing is left.
    let target = dir.path().join("taken");
    std::fs::create_dir(&target).expect("mkdir");
    let err = export::export(&store, &request(&[0], ExportFormat::Json, target.clone()))
        .expect_err("cannot replace a folder");
    assert!(matches!(err, ExportError::Io { .. }), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .collect();
    assert_eq!(left.len(), 1, "only the folder remains: {left:?}");

    // A read-only folder (meaningful when not running as root).
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).expect("mkdir");
    let mut perms = std::fs::metadata(&ro).expect("meta").permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&ro, perms).expect("chmod");
    let root_can_write = std::fs::write(ro.join("probe"), b"x").is_ok();
    let _ = std::fs::remove_file(ro.join("probe"));
    let result = export::export(
        &store,
        &request(&[0], ExportFormat::Json, ro.join("x.json")),
    );
    if root_can_write {
        assert!(result.is_ok());
    } else {
        assert!(matches!(result, Err(ExportError::Io { .. })));
        assert_eq!(std::fs::read_dir(&ro).expect("dir").count(), 0);
    }
    let mut perms = std::fs::metadata(&ro).expect("meta").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    let _ = std::fs::set_permissions(&ro, perms);
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn never_writes_into_the_inputs() {
    let store = store_from_texts(&[("a.json", &[r#"{"eventID":"1"}"#])]);
    let out = corpus().join("stratus-red-team/should-not-exist.json");
    let err = export::export(&store, &request(&[0], ExportFormat::Json, out.clone()))
        .expect_err("inside the corpus");
    assert!(matches!(err, ExportError::InsideInput { .. }));
    assert!(!out.exists());
}
