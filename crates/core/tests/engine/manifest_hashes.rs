//! An export's manifest: every hash in it is recomputed from the files on
//! disk, sources carry their integrity status, and "export tagged events"
//! exports exactly the tagged events with their tags and notes.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest as _, Sha256};
use trailview_core::case::Case;
use trailview_core::export::manifest::{self, Manifest, ManifestInput};
use trailview_core::ingest::PushRecord;
use trailview_core::integrity;
use trailview_core::model::Direction;
use trailview_core::model::{Column, ColumnSpec, EventIdx};
use trailview_core::store::Store;
use trailview_core::store::batch::BatchBuilder;

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

const ACCT: &str = "111122223333";

/// Two log files (one listed in a digest, one not) loaded into a store.
fn setup(dir: &Path) -> (Store, PathBuf, PathBuf) {
    let logs = dir.join(format!(
        "evidence/AWSLogs/{ACCT}/CloudTrail/us-east-1/2024/01/01"
    ));
    let digests = dir.join(format!(
        "evidence/AWSLogs/{ACCT}/CloudTrail-Digest/us-east-1/2024/01/01"
    ));
    std::fs::create_dir_all(&logs).expect("mkdir");
    std::fs::create_dir_all(&digests).expect("mkdir");
    let events_a = [
        r#"{"eventID":"a-1","eventName":"GetObject","eventTime":"2024-01-01T00:01:00Z"}"#,
        r#"{"eventID":"a-2","eventName":"PutObject","eventTime":"2024-01-01T00:02:00Z"}"#,
    ];
    let events_b = [r#"{"eventName":"NoId","eventTime":"2024-01-01T00:03:00Z"}"#];
    let body_a = format!("{{\"Records\":[{}]}}", events_a.join(","));
    let body_b = format!("{{\"Records\":[{}]}}", events_b.join(","));
    let name_a = format!("{ACCT}_CloudTrail_us-east-1_20240101T0010Z_aaaaaaaaaaaaaaaa.json.gz");
    let file_a = logs.join(&name_a);
    let file_b = dir.join("evidence/loose-copy.json");
    std::fs::write(&file_a, gz(body_a.as_bytes())).expect("write");
    std::fs::write(&file_b, &body_b).expect("write");
    let digest = serde_json::json!({
        "awsAccountId": ACCT,
        "digestStartTime": "2024-01-01T00:00:00Z", "digestEndTime": "2024-01-01T01:00:00Z",
        "digestS3Bucket": "b",
        "digestS3Object": format!("AWSLogs/{ACCT}/CloudTrail-Digest/us-east-1/2024/01/01/{ACCT}_CloudTrail-Digest_us-east-1_t_us-east-1_20240101T010000Z.json.gz"),
        "previousDigestS3Object": null, "previousDigestHashValue": null, "previousDigestSignature": null,
        "logFiles": [{"s3Bucket": "b", "s3Object": format!("AWSLogs/{ACCT}/CloudTrail/us-east-1/2024/01/01/{name_a}"),
                      "hashValue": sha_hex(body_a.as_bytes()), "hashAlgorithm": "SHA-256"}]
    });
    std::fs::write(
        digests.join(format!(
            "{ACCT}_CloudTrail-Digest_us-east-1_t_us-east-1_20240101T010000Z.json.gz"
        )),
        gz(digest.to_string().as_bytes()),
    )
    .expect("write digest");

    let mut store = Store::new();
    for (path, events) in [(&file_a, &events_a[..]), (&file_b, &events_b[..])] {
        let mut b = BatchBuilder::new(path.clone());
        for (i, e) in events.iter().enumerate() {
            let _ = b.push_raw(e, i as u32);
        }
        store.append(b.finish());
    }
    (store, file_a, file_b)
}

/// A stand-in export writer: one raw event per line.
fn export_ndjson(store: &Store, rows: &[EventIdx], path: &Path) {
    let mut out = Vec::new();
    for &r in rows {
        out.extend(store.raw(r).expect("readable"));
        out.push(b'\n');
    }
    std::fs::write(path, out).expect("export");
}

#[test]
fn every_hash_in_the_manifest_is_recomputed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, file_a, file_b) = setup(dir.path());
    let report = integrity::verify(&[dir.path().join("evidence")], None).expect("verify");
    let mut case = Case::new();
    case.bind(&store);
    case.set_tag(&store, 1, "evidence", true);
    case.set_note(&store, 1, "the upload");
    case.set_tag(&store, 2, "evidence", true);
    case.set_starred(&store, 0, true);

    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).expect("mkdir");
    let exported = out_dir.join("all.ndjson");
    let rows = store.all_rows();
    export_ndjson(&store, &rows, &exported);
    let time = ColumnSpec::Column(Column::Time);
    let columns = [
        time.clone(),
        ColumnSpec::Path("requestParameters.bucketName".into()),
    ];
    let written = manifest::write(&ManifestInput {
        exported_file: &exported,
        format: "ndjson",
        query: "eventName:*Object or NoId",
        time_range: None,
        sort: Some((&time, Direction::Descending)),
        columns: &columns,
        rows: &rows,
        store: &store,
        integrity: Some(&report),
        case: Some(&case),
        detections: None,
    })
    .expect("manifest");
    assert_eq!(written, out_dir.join("all.ndjson.manifest.json"));
    let m: Manifest =
        serde_json::from_slice(&std::fs::read(&written).expect("read")).expect("manifest json");

    assert_eq!(m.tool.name, "trailview");
    assert_eq!(m.tool.version, env!("CARGO_PKG_VERSION"));
    assert!(m.exported_at.ends_with('Z'), "{}", m.exported_at);
    assert_eq!(m.event_count, 3);
    assert_eq!(m.query, "eventName:*Object or NoId");
    assert_eq!(m.columns, ["eventTime", "requestParameters.bucketName"]);
    assert!(
        m.sort
            .as_ref()
            .is_some_and(|s| s.column == "eventTime" && s.descending)
    );
    // Recompute every hash.
    let export_bytes = std::fs::read(&m.export.path).expect("export");
    assert_eq!(m.export.sha256, sha_hex(&export_bytes));
    assert_eq!(m.export.bytes, export_bytes.len() as u64);
    assert_eq!(m.sources.len(), 2);
    for s in &m.sources {
        let bytes = std::fs::read(&s.path).expect("source");
        assert_eq!(
            s.sha256.as_deref(),
            Some(sha_hex(&bytes).as_str()),
            "{}",
            s.path.display()
        );
        assert_eq!(s.bytes, Some(bytes.len() as u64));
    }
    let status = |p: &Path| {
        m.sources
            .iter()
            .find(|s| s.path == p)
            .map(|s| (s.integrity.clone(), s.events))
            .expect("source row")
    };
    assert_eq!(status(&file_a), ("valid".to_owned(), 2));
    assert_eq!(status(&file_b), ("no-digest".to_owned(), 1));
    // Tags and notes of the exported events.
    assert_eq!(m.annotations.len(), 3);
    let upload = m
        .annotations
        .iter()
        .find(|a| a.event_id == "a-2")
        .expect("a-2");
    assert_eq!(
        (upload.marks.tags.clone(), upload.marks.note.as_str()),
        (vec!["evidence".to_owned()], "the upload")
    );
    let no_id = m
        .annotations
        .iter()
        .find(|a| a.event_id.is_empty())
        .expect("no id");
    assert_eq!((no_id.file.clone(), no_id.record), (file_b.clone(), 0));
    assert!(
        m.annotations
            .iter()
            .any(|a| a.marks.starred && a.event_id == "a-1")
    );

    // Tampering with the export after the fact is visible.
    std::fs::write(&exported, b"changed").expect("tamper");
    assert_ne!(
        m.export.sha256,
        sha_hex(&std::fs::read(&exported).expect("read"))
    );
}

#[test]
fn export_tagged_events_exports_exactly_the_tagged_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, _, _) = setup(dir.path());
    let mut case = Case::new();
    case.bind(&store);
    case.set_tag(&store, 0, "evidence", true);
    case.set_tag(&store, 2, "evidence", true);
    case.set_tag(&store, 1, "benign", true);
    let rows = case.rows_with_tag(&store, "evidence");
    assert_eq!(rows, vec![0, 2]);
    let exported = dir.path().join("tagged.ndjson");
    export_ndjson(&store, &rows, &exported);
    let path = manifest::write(&ManifestInput {
        exported_file: &exported,
        format: "ndjson",
        query: "tag:evidence",
        time_range: None,
        sort: None,
        columns: &[],
        rows: &rows,
        store: &store,
        integrity: None,
        case: Some(&case),
        detections: None,
    })
    .expect("manifest");
    let m: Manifest = serde_json::from_slice(&std::fs::read(path).expect("read")).expect("json");
    assert_eq!(m.event_count, 2);
    assert_eq!(m.integrity, "not checked");
    assert!(m.sources.iter().all(|s| s.integrity == "not checked"));
    assert_eq!(m.annotations.len(), 2);
    assert!(m.annotations.iter().all(|a| a.marks.tags == ["evidence"]));
    let lines = std::fs::read_to_string(&exported).expect("read");
    assert_eq!(lines.lines().count(), 2);
    assert!(!lines.contains("PutObject"));
}
