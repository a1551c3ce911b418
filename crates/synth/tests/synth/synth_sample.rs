//! The bundled sample (`assets/sample/`) is what the generator writes for
//! its fixed seed, stays small, and tells the incident story its README
//! describes.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use serde_json::Value;
use trailview_synth::sample::{self, ATTACKER_IP, BACKDOOR_USER, LEAKED_USER};

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "gz") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn records(path: &Path) -> Vec<Value> {
    let mut text = String::new();
    GzDecoder::new(fs::File::open(path).expect("open"))
        .read_to_string(&mut text)
        .expect("gunzip");
    let v: Value = serde_json::from_str(&text).expect("json");
    v["Records"].as_array().expect("Records").clone()
}

#[test]
fn committed_sample_is_what_the_generator_writes() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/sample");
    let fresh = tempfile::tempdir().expect("tempdir");
    let summary = sample::write_sample(fresh.path()).expect("write sample");
    let a = files_under(&committed);
    let b = files_under(fresh.path());
    let rel = |v: &[PathBuf], root: &Path| -> Vec<PathBuf> {
        v.iter()
            .map(|p| p.strip_prefix(root).expect("under").to_path_buf())
            .collect()
    };
    assert_eq!(
        rel(&a, &committed),
        rel(&b, fresh.path()),
        "assets/sample is stale: run `cargo run --bin trailview-synth -- --sample --out assets/sample`"
    );
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            fs::read(x).expect("x"),
            fs::read(y).expect("y"),
            "{x:?} differs"
        );
    }
    let bytes: u64 = a.iter().map(|p| fs::metadata(p).expect("meta").len()).sum();
    assert!(bytes < 200_000, "sample is {bytes} bytes");
    assert_eq!(summary.files as usize, a.len());
}

#[test]
fn sample_tells_the_incident_story() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = sample::write_sample(dir.path()).expect("write sample");
    let all: Vec<Value> = s.paths.iter().flat_map(|p| records(p)).collect();
    assert_eq!(all.len() as u64, s.records);
    assert!((250..600).contains(&all.len()), "{} events", all.len());
    let mut attack: Vec<&Value> = all
        .iter()
        .filter(|r| r["sourceIPAddress"] == ATTACKER_IP)
        .collect();
    attack.sort_by_key(|r| r["eventTime"].as_str().unwrap_or("").to_owned());
    let names: Vec<&str> = attack
        .iter()
        .map(|r| r["eventName"].as_str().unwrap_or(""))
        .collect();
    let pos = |n: &str| {
        names
            .iter()
            .position(|x| *x == n)
            .unwrap_or_else(|| panic!("no {n} in {names:?}"))
    };
    assert_eq!(names[0], "GetCallerIdentity");
    assert!(pos("ListUsers") < pos("CreateUser"));
    assert!(pos("CreateUser") < pos("CreateAccessKey"));
    assert!(pos("AttachUserPolicy") < pos("StartQueryExecution"));
    assert!(pos("StartQueryExecution") < pos("GetObject"));
    assert_eq!(*names.last().expect("events"), "StopLogging");
    // The first calls use the leaked key, the later ones the backdoor user.
    assert_eq!(attack[0]["userIdentity"]["userName"], LEAKED_USER);
    assert_eq!(
        attack.last().expect("last")["userIdentity"]["userName"],
        BACKDOOR_USER
    );
    let new_key = attack
        .iter()
        .find(|r| r["eventName"] == "CreateAccessKey")
        .and_then(|r| r["responseElements"]["accessKey"]["accessKeyId"].as_str())
        .expect("new key");
    assert!(
        attack
            .iter()
            .any(|r| r["eventName"] == "GetObject" && r["userIdentity"]["accessKeyId"] == new_key)
    );
    // Both Athena queries are complete sessions.
    let qids: BTreeSet<&str> = attack
        .iter()
        .filter_map(|r| r["responseElements"]["queryExecutionId"].as_str())
        .collect();
    assert_eq!(qids.len(), 2);
    for q in &qids {
        assert!(attack.iter().any(|r| r["eventName"] == "GetQueryResults"
            && r["requestParameters"]["queryExecutionId"] == *q));
    }
    // Background noise from many callers, and an Insights pair.
    let actors: BTreeSet<String> = all.iter().map(|r| r["userIdentity"].to_string()).collect();
    assert!(actors.len() > 30);
    assert_eq!(
        all.iter()
            .filter(|r| r["eventType"] == "AwsCloudTrailInsight")
            .count(),
        2
    );
}
