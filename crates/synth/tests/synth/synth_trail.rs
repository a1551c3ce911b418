//! The synthetic trail generator writes what a real trail looks like: the S3
//! layout, gzip `{"Records":[...]}` files with unsorted events, exact
//! counts, every identity type, Athena sessions, duplicates, Insights; and
//! the same trail for the same seed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::Read;
use std::path::Path;

use flate2::read::GzDecoder;
use serde_json::Value;
use trailview_synth::{SynthConfig, SynthSummary, generate};

fn read_records(path: &Path) -> Vec<Value> {
    let mut text = String::new();
    GzDecoder::new(fs::File::open(path).expect("open"))
        .read_to_string(&mut text)
        .expect("gunzip");
    let v: Value = serde_json::from_str(&text).expect("valid JSON");
    v["Records"].as_array().expect("Records array").clone()
}

fn config(events: u64, seed: u64) -> SynthConfig {
    SynthConfig {
        events,
        seed,
        accounts: 3,
        days: 2,
        ..SynthConfig::default()
    }
}

#[test]
fn trail_has_layout_counts_and_variety() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = generate(&config(20_000, 42), dir.path()).expect("generate");
    assert_eq!(s.records, 20_000);
    assert_eq!(s.files as usize, s.paths.len());
    let mut all = Vec::new();
    let mut unsorted_files = 0;
    for p in &s.paths {
        let rel = p.strip_prefix(dir.path()).expect("under out");
        let parts: Vec<String> = rel
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        assert_eq!(parts.len(), 8, "{rel:?}");
        assert_eq!(parts[0], "AWSLogs");
        let account = &parts[1];
        assert!(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
        assert!(parts[2] == "CloudTrail" || parts[2] == "CloudTrail-Insight");
        let name = &parts[7];
        let prefix = format!(
            "{account}_{}_{}_{}{}{}T",
            parts[2], parts[3], parts[4], parts[5], parts[6]
        );
        assert!(name.starts_with(&prefix), "{name} vs {prefix}");
        assert!(name.ends_with(".json.gz"));
        let records = read_records(p);
        let times: Vec<&str> = records
            .iter()
            .map(|r| r["eventTime"].as_str().expect("eventTime"))
            .collect();
        if times.windows(2).any(|w| w[0] > w[1]) {
            unsorted_files += 1;
        }
        for r in &records {
            assert_eq!(r["recipientAccountId"].as_str(), Some(account.as_str()));
        }
        all.extend(records);
    }
    assert_eq!(all.len(), 20_000);
    assert!(
        unsorted_files * 2 > s.files,
        "most files unsorted: {unsorted_files}/{}",
        s.files
    );

    // Exact duplicates: same eventID means the same bytes.
    let mut by_id: HashMap<String, Vec<String>> = HashMap::new();
    for r in &all {
        by_id
            .entry(r["eventID"].as_str().expect("eventID").to_owned())
            .or_default()
            .push(r.to_string());
    }
    let dups: usize = by_id.values().map(|v| v.len() - 1).sum();
    assert_eq!(dups as u64, s.duplicates);
    assert!(s.duplicates > 0);
    assert!(by_id.values().all(|v| v.iter().all(|x| x == &v[0])));

    // Every identity type appears, and a few events have none.
    let types: BTreeSet<&str> = all
        .iter()
        .filter_map(|r| r["userIdentity"]["type"].as_str())
        .collect();
    for t in [
        "IAMUser",
        "AssumedRole",
        "Root",
        "AWSService",
        "FederatedUser",
        "AWSAccount",
        "IdentityCenterUser",
        "SAMLUser",
        "WebIdentityUser",
    ] {
        assert!(types.contains(t), "missing {t}: {types:?}");
    }
    assert!(
        all.iter()
            .any(|r| r["userIdentity"].is_object() && r["userIdentity"].get("type").is_none())
    );
    let insights = all
        .iter()
        .filter(|r| r["eventType"] == "AwsCloudTrailInsight")
        .count();
    assert_eq!(insights as u64, s.insight_events);
    assert_eq!(insights, 20_000 / 5000 * 2);

    // Many services, errors on a few percent, some very large events.
    let sources: BTreeSet<&str> = all
        .iter()
        .filter_map(|r| r["eventSource"].as_str())
        .collect();
    assert!(sources.len() >= 15, "{sources:?}");
    let errors =
        all.iter().filter(|r| r.get("errorCode").is_some()).count() as f64 / all.len() as f64;
    assert!((0.02..0.09).contains(&errors), "error share {errors}");
    let large = all.iter().filter(|r| r.to_string().len() > 10_000).count();
    assert!(large >= 5, "large events: {large}");
    let avg = s.json_bytes as f64 / s.records as f64;
    assert!((1200.0..2200.0).contains(&avg), "average record {avg} B");
    assert!(all.iter().any(|r| r["sourceIPAddress"] == "AWS Internal"));
    let key_prefix = |p: &str| {
        all.iter().any(|r| {
            r["userIdentity"]["accessKeyId"]
                .as_str()
                .is_some_and(|k| k.starts_with(p))
        })
    };
    assert!(key_prefix("AKIA") && key_prefix("ASIA"));

    // Athena: every started query is polled and fetched with its id.
    let mut athena: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in all
        .iter()
        .filter(|r| r["eventSource"] == "athena.amazonaws.com" && r.get("errorCode").is_none())
    {
        let id = r["responseElements"]["queryExecutionId"]
            .as_str()
            .or(r["requestParameters"]["queryExecutionId"].as_str());
        if let Some(id) = id {
            athena
                .entry(id.to_owned())
                .or_default()
                .insert(r["eventName"].as_str().unwrap_or("").to_owned());
        }
    }
    assert!(
        athena.values().filter(|names| names.len() == 3).count() >= 5,
        "{athena:?}"
    );
}

#[test]
fn same_seed_same_trail_other_seed_other_trail() {
    let a = tempfile::tempdir().expect("tempdir");
    let b = tempfile::tempdir().expect("tempdir");
    let c = tempfile::tempdir().expect("tempdir");
    let sa = generate(&config(1500, 7), a.path()).expect("a");
    let sb = generate(&config(1500, 7), b.path()).expect("b");
    let sc = generate(&config(1500, 8), c.path()).expect("c");
    let rel = |s: &SynthSummary, root: &Path| -> Vec<_> {
        s.paths
            .iter()
            .map(|p| p.strip_prefix(root).expect("under").to_path_buf())
            .collect()
    };
    assert_eq!(rel(&sa, a.path()), rel(&sb, b.path()));
    for (pa, pb) in sa.paths.iter().zip(&sb.paths) {
        assert_eq!(fs::read(pa).expect("a"), fs::read(pb).expect("b"));
    }
    assert_ne!(rel(&sa, a.path()), rel(&sc, c.path()));
}
