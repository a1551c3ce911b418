//! Fuzz target `csv_roundtrip`: the CSV evidence writer.
//!
//! The input is split at 0xFF bytes into up to six strings (UTF-8, invalid
//! sequences replaced): `eventName`, `userAgent`, `requestParameters.x`,
//! `sourceIPAddress`, `errorCode`, `awsRegion`. One valid JSON event holding
//! them (built with serde_json, so any text is a valid string value) is put
//! in a store (`ingest::store_from_texts`) and exported with
//! `trailview_core::export::export` as CSV into a fresh temporary folder,
//! then read back with the `csv` crate.
//!
//! Checked: the export succeeds; the header is the columns' names; there
//! is exactly one record; each fuzzed cell reads back as the intended text
//! after the documented formula neutralisation
//! (`export::csv::neutralise`: a `'` before a cell a spreadsheet would
//! run as a formula) and nothing else; no cell read back starts, after
//! what a spreadsheet skips, with `=`, `+`, `-`, `@` or their fullwidth
//! forms (an oracle written here, independent of the writer's rule); and
//! the NDJSON export of the same event is its original bytes, one line.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trailview_core::export::csv::neutralise;
use trailview_core::export::{ExportFormat, ExportRequest, export};
use trailview_core::ingest::store_from_texts;
use trailview_core::model::{Column, ColumnSpec};
use trailview_fuzz::{split_fields, starts_like_formula};

/// The fuzzed fields, in input order, and the CSV column each lands in.
const FIELDS: [&str; 6] = [
    "eventName",
    "userAgent",
    "requestParameters.x",
    "sourceIPAddress",
    "errorCode",
    "awsRegion",
];

fn columns() -> Vec<ColumnSpec> {
    vec![
        ColumnSpec::Column(Column::EventName),
        ColumnSpec::Column(Column::UserAgent),
        ColumnSpec::Path("requestParameters.x".to_owned()),
        ColumnSpec::Column(Column::SourceIp),
        ColumnSpec::Column(Column::ErrorCode),
        ColumnSpec::Column(Column::Region),
        // Fixed cells around them: the writer must not shift or merge.
        ColumnSpec::Column(Column::Actor),
        ColumnSpec::Column(Column::Time),
        ColumnSpec::Column(Column::EventId),
    ]
}

fuzz_target!(|data: &[u8]| {
    let values = split_fields(data, FIELDS.len());
    let mut event = serde_json::json!({
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLE",
            "arn": "arn:aws:iam::111122223333:user/alice",
            "accountId": "111122223333",
            "userName": "alice",
        },
        "eventTime": "2024-01-01T00:00:00Z",
        "eventSource": "s3.amazonaws.com",
        "eventID": "0b0b7c1e-0000-4000-8000-000000000001",
        "recipientAccountId": "111122223333",
    });
    let obj = event.as_object_mut().expect("the event is a JSON object");
    let mut expected = Vec::new();
    for (field, value) in FIELDS.iter().zip(&values) {
        match field.split_once('.') {
            Some((outer, inner)) => {
                let mut nested = serde_json::Map::new();
                nested.insert(inner.to_owned(), serde_json::Value::String(value.clone()));
                obj.insert(outer.to_owned(), serde_json::Value::Object(nested));
            }
            None => {
                obj.insert(
                    (*field).to_owned(),
                    serde_json::Value::String(value.clone()),
                );
            }
        }
        expected.push(neutralise(value.clone()));
    }
    // Fields the input did not reach are absent: empty cells.
    expected.resize(FIELDS.len(), String::new());
    let text = event.to_string();
    let store = store_from_texts(&[("events.json", &[text.as_str()])]);
    assert_eq!(store.len(), 1, "a valid JSON event is stored: {text}");

    let dir = tempfile::tempdir().expect("temporary folder for the export");
    let columns = columns();
    let csv_path = dir.path().join("out.csv");
    let request = ExportRequest {
        rows: &[0],
        format: ExportFormat::Csv,
        columns: columns.clone(),
        out: csv_path.clone(),
        protected_inputs: Vec::new(),
    };
    if let Err(e) = export(&store, &request) {
        panic!("CSV export into an empty temporary folder failed: {e}");
    }

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(&csv_path)
        .expect("open the exported CSV");
    let header: Vec<String> = reader
        .headers()
        .expect("the CSV has a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let names: Vec<&str> = columns.iter().map(ColumnSpec::name).collect();
    assert_eq!(header, names, "header row");
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("the exported CSV reads back");
    assert_eq!(records.len(), 1, "one event, one record");
    let record = &records[0];
    assert_eq!(record.len(), columns.len(), "one cell per column");
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(
            &record[i],
            want.as_str(),
            "cell {} ({}) does not read back as written",
            i,
            FIELDS[i]
        );
    }
    for cell in record.iter() {
        assert!(
            !starts_like_formula(cell),
            "cell {cell:?} would run as a formula in a spreadsheet"
        );
    }

    // NDJSON keeps the original bytes (serde_json writes no raw line break).
    let ndjson_path = dir.path().join("out.ndjson");
    let request = ExportRequest {
        format: ExportFormat::Ndjson,
        out: ndjson_path.clone(),
        ..request
    };
    if let Err(e) = export(&store, &request) {
        panic!("NDJSON export into an empty temporary folder failed: {e}");
    }
    let written = std::fs::read(&ndjson_path).expect("read the NDJSON export");
    assert_eq!(
        written,
        format!("{text}\n").into_bytes(),
        "NDJSON export is not the original bytes"
    );
});
