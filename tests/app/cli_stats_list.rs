//! The `trailview` binary on real corpus folders: `stats`, `list`, exit
//! statuses and help.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(rel)
}

fn trailview(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailview"))
        .args(args)
        .output()
        .expect("run trailview")
}

fn path_arg(rel: &str) -> String {
    corpus(rel).to_string_lossy().into_owned()
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn stats_json_has_the_report() {
    let out = trailview(&[
        "stats",
        "--json",
        &path_arg("stratus-red-team/detonation-logs"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    for key in [
        "events",
        "duplicates",
        "files",
        "problems",
        "first_event_time",
        "last_event_time",
        "top_actors",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["events"], 310);
    assert_eq!(v["duplicates"], 0);
    assert_eq!(v["files"]["log"], 35);
    for kind in ["digest", "insight", "other"] {
        assert_eq!(v["files"][kind], 0, "{kind}");
    }
    assert_eq!(v["problems"], Value::Array(vec![]));
    let top = v["top_actors"].as_array().expect("list");
    assert!(!top.is_empty() && top.len() <= 10);
    assert!(top[0]["count"].as_u64().unwrap_or(0) > 0);
    assert!(v["first_event_time"].as_str().unwrap_or("").ends_with('Z'));
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn stats_text_lists_problems_with_paths() {
    let out = trailview(&["stats", &path_arg("otrf-security-datasets")]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("AWS_S3_HoneyBucketLogs.csv: not CloudTrail"),
        "{text}"
    );
    assert!(text.contains("Events:     103"), "{text}");
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn list_json_with_columns_and_paths() {
    let out = trailview(&[
        "list",
        "--columns",
        "eventName,actor,requestParameters.bucketName",
        "--format",
        "json",
        "--limit",
        "5",
        &path_arg("otrf-security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON array");
    let rows = v.as_array().expect("array");
    assert_eq!(rows.len(), 5);
    for row in rows {
        let obj = row.as_object().expect("object");
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(keys, ["eventName", "actor", "requestParameters.bucketName"]);
        assert!(!obj["eventName"].as_str().unwrap_or("").is_empty());
    }
    // Sorted by time (from @timestamp here), ascending.
    let all = trailview(&[
        "list",
        "--columns",
        "eventTime,requestParameters.bucketName",
        "--format",
        "json",
        &path_arg("otrf-security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json"),
    ]);
    let v: Value = serde_json::from_slice(&all.stdout).expect("array");
    let rows = v.as_array().expect("array");
    assert_eq!(rows.len(), 103);
    let times: Vec<&str> = rows
        .iter()
        .map(|r| r["eventTime"].as_str().unwrap_or(""))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        rows.iter()
            .any(|r| r["requestParameters.bucketName"].is_string())
    );
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn list_tsv_sorted_by_event_name() {
    let out = trailview(&[
        "list",
        "--sort",
        "eventName",
        "--columns",
        "eventName,credential",
        &path_arg("suzaku/test_files"),
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "eventName\tcredential");
    assert_eq!(lines.len(), 34);
    let names: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn bad_arguments_exit_2_with_one_line() {
    let p = path_arg("suzaku/test_files");
    for args in [
        vec!["list", "--columns", "eventName,no such", p.as_str()],
        vec!["list", "--columns", "evntName", p.as_str()],
        vec!["list", "--sort", "bogus", p.as_str()],
        vec!["list", "--limit", "-3", p.as_str()],
        vec!["list", "--format", "xml", p.as_str()],
        vec!["stats", "/definitely/not/here"],
        vec!["stats"],
    ] {
        let out = trailview(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.trim().is_empty(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = trailview(&["list", "--columns", "evntName", &p]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn a_mistyped_field_is_a_warning_with_the_closest_name() {
    let p = path_arg("stratus-red-team");
    let out = trailview(&["stats", "--json", "--filter", "ame:GetSecretValue", &p]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: \"ame\" is not a column nor a CloudTrail field")
            && err.contains("did you mean \"name\"?"),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["matched"], 0);
    let out = trailview(&["stats", "--json", "--filter", "name:GetSecretValue", &p]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn help_on_every_subcommand() {
    for args in [
        vec!["--help"],
        vec!["stats", "--help"],
        vec!["list", "--help"],
    ] {
        let out = trailview(&args);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Usage"), "{args:?}: {text}");
    }
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn list_sorted_by_a_json_path_descending() {
    let out = trailview(&[
        "list",
        "--sort",
        "userIdentity.arn",
        "--desc",
        "--columns",
        "userIdentity.arn",
        &path_arg("stratus-red-team"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let arns: Vec<String> = text.lines().skip(1).map(str::to_lowercase).collect();
    assert_eq!(arns.len(), 310);
    let mut sorted = arns.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(arns, sorted);
    assert_ne!(arns.first(), arns.last());
}
