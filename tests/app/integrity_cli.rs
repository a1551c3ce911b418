//! `trailview verify` as a user runs it: summary text, `--json`, and the
//! exit statuses 0 (valid), 1 (problems) and 2 (bad arguments).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest as _, Sha256};

fn trailview(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailview"))
        .args(args)
        .output()
        .expect("run trailview")
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

const ACCT: &str = "111122223333";

/// One digest listing one log file, both in the S3 layout.
fn trail(root: &Path) -> std::path::PathBuf {
    let logs = root.join(format!("AWSLogs/{ACCT}/CloudTrail/eu-west-1/2024/03/01"));
    let digests = root.join(format!(
        "AWSLogs/{ACCT}/CloudTrail-Digest/eu-west-1/2024/03/01"
    ));
    std::fs::create_dir_all(&logs).expect("mkdir");
    std::fs::create_dir_all(&digests).expect("mkdir");
    let body = br#"{"Records":[{"eventID":"1","eventName":"ConsoleLogin"}]}"#;
    let name = format!("{ACCT}_CloudTrail_eu-west-1_20240301T0105Z_abcdefghijklmnop.json.gz");
    let log = logs.join(&name);
    std::fs::write(&log, gz(body)).expect("write");
    let dname = format!("{ACCT}_CloudTrail-Digest_eu-west-1_t_eu-west-1_20240301T020000Z.json.gz");
    let digest = serde_json::json!({
        "awsAccountId": ACCT,
        "digestStartTime": "2024-03-01T01:00:00Z", "digestEndTime": "2024-03-01T02:00:00Z",
        "digestS3Bucket": "b",
        "digestS3Object": format!("AWSLogs/{ACCT}/CloudTrail-Digest/eu-west-1/2024/03/01/{dname}"),
        "previousDigestS3Object": null, "previousDigestHashValue": null, "previousDigestSignature": null,
        "logFiles": [{"s3Bucket": "b", "s3Object": format!("AWSLogs/{ACCT}/CloudTrail/eu-west-1/2024/03/01/{name}"),
                      "hashValue": hex::encode(Sha256::digest(body)), "hashAlgorithm": "SHA-256"}]
    });
    std::fs::write(digests.join(dname), gz(digest.to_string().as_bytes())).expect("digest");
    log
}

#[test]
fn verify_exit_statuses_and_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("copy");
    let log = trail(&root);
    let root_arg = root.to_string_lossy().into_owned();

    let ok = trailview(&["verify", &root_arg]);
    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("1/1 digests valid, 1/1 log files valid"),
        "{text}"
    );
    assert!(text.contains("signatures not checked"), "{text}");

    std::fs::write(&log, gz(br#"{"Records":[]}"#)).expect("tamper");
    let bad = trailview(&["verify", "--json", &root_arg]);
    assert_eq!(bad.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&bad.stdout).expect("one JSON object");
    assert_eq!(v["summary"]["modified"], 1);
    assert_eq!(v["logs"][0]["status"], "modified");

    let missing = trailview(&["verify", &format!("{root_arg}/nope")]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope"));
    let keys = dir.path().join("keys.json");
    std::fs::write(&keys, "not json").expect("write");
    let bad_keys = trailview(&[
        "verify",
        "--public-keys",
        &keys.to_string_lossy(),
        &root_arg,
    ]);
    assert_eq!(bad_keys.status.code(), Some(2));
    assert_eq!(trailview(&["verify"]).status.code(), Some(2));
}

#[test]
fn cli_export_manifest_carries_integrity_and_hashes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("copy");
    let log = trail(&root);
    let out = dir.path().join("out.json");
    let run = trailview(&[
        "export",
        "--out",
        &out.to_string_lossy(),
        &root.to_string_lossy(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let manifest = dir.path().join("out.json.manifest.json");
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).expect("manifest")).expect("json");
    assert_eq!(m["eventCount"], 1);
    let exported = std::fs::read(&out).expect("export");
    assert_eq!(
        m["export"]["sha256"],
        hex::encode(Sha256::digest(&exported))
    );
    let source = &m["sources"][0];
    assert_eq!(source["path"], log.to_string_lossy().as_ref());
    assert_eq!(source["integrity"], "valid");
    assert_eq!(
        source["sha256"],
        hex::encode(Sha256::digest(std::fs::read(&log).expect("log")))
    );
    assert!(
        m["integrity"]
            .as_str()
            .is_some_and(|s| s.starts_with("1/1 digests valid")),
        "{}",
        m["integrity"]
    );
}
