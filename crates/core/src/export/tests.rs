//! Export unit tests on a small store.

use super::*;
use crate::ingest::store_from_texts;

const A: &str = r#"{"eventID":"a","eventTime":"2024-03-01T10:00:00Z","eventName":"GetObject","userAgent":"=HYPERLINK(\"x\")","requestParameters":{"bucketName":"logs"}}"#;
const B: &str =
    "{\n  \"eventID\": \"b\",\n  \"eventName\": \"-2+3\",\n  \"x\": \"keep  spaces\"\n}";
const C: &str = r#"{"eventID":"c","eventName":"@cmd","resources":[{"ARN":"r1"},{"ARN":"r2"}]}"#;

fn store() -> Store {
    store_from_texts(&[("in.json", &[A, B, C])])
}

fn req(rows: &[EventIdx], format: ExportFormat, out: PathBuf) -> ExportRequest<'_> {
    ExportRequest {
        rows,
        format,
        columns: Vec::new(),
        out,
        protected_inputs: Vec::new(),
    }
}

#[test]
fn json_keeps_bytes_and_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("x.json");
    let s = store();
    let sum = export(&s, &req(&[2, 0, 1], ExportFormat::Json, out.clone())).expect("export");
    let text = std::fs::read_to_string(&out).expect("read");
    assert_eq!(text, format!("{{\"Records\":[\n{C},\n{A},\n{B}\n]}}\n"));
    assert_eq!(sum.events, 3);
    assert_eq!(sum.bytes, text.len() as u64);
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid json");
    assert_eq!(v["Records"][1]["eventName"], "GetObject");
    use sha2::Digest;
    assert_eq!(
        sum.sha256,
        hex::encode(sha2::Sha256::digest(text.as_bytes()))
    );
    // Empty selection is still valid JSON.
    export(&s, &req(&[], ExportFormat::Json, out.clone())).expect("export");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("read")).expect("json");
    assert_eq!(v["Records"].as_array().map(Vec::len), Some(0));
}

#[test]
fn ndjson_one_line_per_event() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("x.ndjson");
    let s = store();
    export(&s, &req(&[0, 1, 2, 77], ExportFormat::Ndjson, out.clone())).expect("export");
    let text = std::fs::read_to_string(&out).expect("read");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], A);
    assert_eq!(
        lines[1],
        r#"{"eventID":"b","eventName":"-2+3","x":"keep  spaces"}"#
    );
    assert_eq!(lines[2], C);
}

#[test]
fn csv_header_quoting_and_injection() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("x.csv");
    let s = store();
    let mut r = req(&[0, 1, 2], ExportFormat::Csv, out.clone());
    r.columns = [
        "time",
        "name",
        "agent",
        "requestParameters.bucketName",
        "resources.ARN",
    ]
    .iter()
    .map(|c| ColumnSpec::parse(c))
    .collect();
    export(&s, &r).expect("export");
    let text = std::fs::read_to_string(&out).expect("read");
    let mut rd = ::csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rd.headers().expect("h").iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "eventTime",
            "eventName",
            "userAgent",
            "requestParameters.bucketName",
            "resources.ARN"
        ]
    );
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "2024-03-01T10:00:00Z",
            "GetObject",
            "'=HYPERLINK(\"x\")",
            "logs",
            ""
        ]
    );
    assert_eq!(rows[1][1], "'-2+3");
    assert_eq!(rows[2][1], "'@cmd");
    assert_eq!(rows[2][4], "r1, r2");
    // Default columns.
    export(&s, &req(&[0], ExportFormat::Csv, out.clone())).expect("export");
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.starts_with(
        "eventTime,actor,credential,eventName,eventSource,awsRegion,account,sourceIPAddress,errorCode,eventID\r\n"
    ));
}

#[test]
fn refuses_inside_inputs_and_missing_folders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("logs");
    std::fs::create_dir_all(input.join("sub")).expect("mkdir");
    let s = store();
    let mut r = req(&[0], ExportFormat::Json, input.join("sub/out.json"));
    r.protected_inputs = vec![input.clone()];
    let e = export(&s, &r).expect_err("inside");
    assert!(matches!(e, ExportError::InsideInput { .. }), "{e}");
    assert!(e.to_string().contains("being read"));
    assert!(!input.join("sub/out.json").exists());
    // An input file itself.
    let file = dir.path().join("a.json");
    std::fs::write(&file, "{}").expect("write");
    r.protected_inputs = vec![file.clone()];
    r.out = file.clone();
    assert!(matches!(
        export(&s, &r),
        Err(ExportError::InsideInput { .. })
    ));
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "{}");
    // Beside an input file is refused too: that folder holds evidence.
    r.out = dir.path().join("b.json");
    let e = export(&s, &r).expect_err("beside an input file");
    assert!(matches!(e, ExportError::InsideInput { .. }), "{e}");
    assert!(e.to_string().contains("beside"), "{e}");
    assert!(!r.out.exists());
    // Another folder is fine.
    std::fs::create_dir(dir.path().join("out")).expect("mkdir");
    r.out = dir.path().join("out/b.json");
    export(&s, &r).expect("outside the evidence");
    r.out = dir.path().join("missing/x.json");
    assert!(matches!(export(&s, &r), Err(ExportError::NoFolder(_))));
}

#[test]
fn cancel_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("x.json");
    let s = store();
    let p = Progress::default();
    p.cancel();
    let e = export_with_progress(&s, &req(&[0, 1], ExportFormat::Json, out.clone()), &p)
        .expect_err("cancelled");
    assert!(matches!(e, ExportError::Cancelled));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        0,
        "no temp file left"
    );
}

#[test]
fn formats_from_names() {
    assert_eq!(
        ExportFormat::from_extension(Path::new("a/b.JSONL")),
        Some(ExportFormat::Ndjson)
    );
    assert_eq!(
        ExportFormat::from_extension(Path::new("b.csv")),
        Some(ExportFormat::Csv)
    );
    assert_eq!(ExportFormat::from_extension(Path::new("b")), None);
    assert!("xml".parse::<ExportFormat>().is_err());
}

/// An export is an ordinary file: readable by whoever could read any file
/// the user creates there (not the 0600 of a temporary file).
#[cfg(unix)]
#[test]
fn exports_get_the_permissions_of_an_ordinary_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("x.json");
    export(&store(), &req(&[0], ExportFormat::Json, out.clone())).expect("export");
    let plain = dir.path().join("plain");
    std::fs::File::create(&plain).expect("create");
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&out), mode(&plain));
}
