//! Detections on the command line: `--rules` / `--no-default-rules` on
//! `list`, `stats` and `export`, the `detections` column, the detection
//! query terms, and the manifest's `detections` section, on the
//! stratus-red-team corpus (real attack simulations) and SigmaHQ's rules
//! read by path from ../shared/sigma-rules.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn trailview(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailview"))
        .args(args)
        .output()
        .expect("run trailview")
}

fn shared(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

fn stratus() -> String {
    shared("corpus/stratus-red-team/stratus-red-team.json.gz")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn list_filters_and_shows_detections_with_default_rules() {
    let text = ok(&trailview(&[
        "list",
        "--filter",
        "rule:\"KMS key scheduled*\" OR level:>=high",
        "--columns",
        "name,detections",
        &stratus(),
    ]));
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert!(!lines.is_empty());
    // Every row has a detection, and the `detections` column names it.
    assert!(
        lines
            .iter()
            .all(|l| l.split('\t').nth(1).is_some_and(|d| !d.is_empty())),
        "{text}"
    );
    assert!(
        text.contains("Many different secrets read by one actor"),
        "{text}"
    );
    // has:detection and its negation split the trail.
    let count = |q: &str| -> usize {
        ok(&trailview(&[
            "list",
            "--filter",
            q,
            "--columns",
            "id",
            &stratus(),
        ]))
        .lines()
        .count()
            - 1
    };
    let all = count("*");
    let with = count("has:detection");
    let without = count("-has:detection");
    assert!(with > 0 && without > 0);
    assert_eq!(with + without, all);
    // Without the default rules (and no --rules) nothing is detected.
    let none = ok(&trailview(&[
        "list",
        "--no-default-rules",
        "--filter",
        "has:detection",
        &stratus(),
    ]));
    assert_eq!(none.lines().count(), 1, "{none}");
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn rule_folders_add_rules_and_their_problems() {
    // SigmaHQ's rules alone: their titles show, not Trailview's.
    let text = ok(&trailview(&[
        "list",
        "--no-default-rules",
        "--rules",
        &shared("sigma-rules/rules"),
        "--filter",
        "has:detection",
        "--columns",
        "detections",
        &stratus(),
    ]));
    assert!(text.contains("AWS STS AssumeRole Misuse"), "{text}");
    assert!(!text.contains("Trailview"), "{text}");
    // The placeholder rule is a problem with its path and reason.
    let out = trailview(&[
        "stats",
        "--json",
        "--rules",
        &shared("sigma-rules/placeholder"),
        &stratus(),
    ]);
    let v: Value = serde_json::from_slice(ok(&out).as_bytes()).expect("json");
    let problems = v["problems"].as_array().expect("problems");
    assert!(
        problems.iter().any(|p| p["path"]
            .as_str()
            .is_some_and(|s| s.ends_with("susp_locations.yml"))
            && p["reason"]
                .as_str()
                .is_some_and(|r| r.contains("placeholder"))),
        "{problems:?}"
    );
    // A rule path that does not exist is a usage error.
    let out = trailview(&["list", "--rules", "/no/such/rules", &stratus()]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn the_manifest_lists_the_rules_of_the_exported_events_with_their_authors() {
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("x.json");
    let out_s = out.to_string_lossy().into_owned();
    ok(&trailview(&[
        "export",
        "--rules",
        &shared("sigma-rules/rules"),
        "--filter",
        "name:GetPasswordData",
        "--out",
        &out_s,
        &stratus(),
    ]));
    let m: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("x.json.manifest.json")).expect("manifest"),
    )
    .expect("json");
    let d = &m["detections"];
    let rules = d["rules"].as_array().expect("rules");
    let sts = rules
        .iter()
        .find(|r| r["title"] == "AWS STS AssumeRole Misuse")
        .expect("the SigmaHQ rule");
    assert_eq!(sts["author"], "Austin Songer @austinsonger");
    assert!(sts["path"].as_str().is_some_and(|p| p.ends_with(".yml")));
    assert_eq!(sts["sha256"].as_str().map(str::len), Some(64));
    let hits = sts["hits"].as_u64().expect("hits");
    assert!(hits > 0 && hits <= m["eventCount"].as_u64().expect("count"));
    assert_eq!(
        sts["positions"].as_array().map(Vec::len),
        Some(hits as usize)
    );
    // Only rules that matched exported (GetPasswordData) events are listed.
    assert!(
        rules
            .iter()
            .all(|r| r["title"] != "Many different secrets read by one actor")
    );
    assert!(d["rulesRun"].as_u64().expect("run") > 57);
}

/// `detect --disable-rule ID` turns one rule off (its hits go, the others
/// stay), and an id that names no rule is a problem, not silence.
#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn detect_disable_rule_turns_one_rule_off() {
    const TRAIL: &str = "86f3523b-6443-52ed-b38d-fe570553d919";
    let run = |extra: &[&str]| -> Value {
        let mut args = vec!["detect", "--json"];
        args.extend_from_slice(extra);
        let s = stratus();
        args.push(&s);
        serde_json::from_str(&ok(&trailview(&args))).expect("json")
    };
    let ids = |v: &Value| -> Vec<String> {
        v["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .filter_map(|r| r["id"].as_str().map(str::to_owned))
            .collect()
    };
    let all = run(&[]);
    assert!(
        ids(&all).iter().any(|i| i == TRAIL),
        "the CloudTrail logging rule has hits"
    );
    let off = run(&["--disable-rule", TRAIL]);
    assert!(!ids(&off).iter().any(|i| i == TRAIL), "turned off: no hits");
    assert_eq!(ids(&off).len(), ids(&all).len() - 1, "the others still run");
    let bogus = run(&["--disable-rule", "no-such-rule"]);
    assert!(
        bogus["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .any(|p| p["reason"]
                .as_str()
                .is_some_and(|r| r.contains("no-such-rule"))),
        "{bogus}"
    );
}

/// `stats --facets rule,level,tactic` counts the detections of the
/// (filtered) events as the app's facets do: an event once per rule,
/// level or tactic.
#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn stats_facets_count_rules_levels_and_tactics() {
    let v: Value = serde_json::from_str(&ok(&trailview(&[
        "stats",
        "--json",
        "--facets",
        "rule,level,tactic,name",
        &stratus(),
    ])))
    .expect("json");
    let f = &v["facets"];
    let count = |facet: &str, value: &str| {
        f[facet]
            .as_array()
            .expect("facet")
            .iter()
            .find(|x| x["value"] == value)
            .and_then(|x| x["count"].as_u64())
    };
    assert_eq!(
        count("rule", "Many different secrets read by one actor"),
        Some(20),
        "{f}"
    );
    // Three high rules also hit: more high events than the one rule's.
    assert!(count("level", "high").is_some_and(|n| n > 20), "{f}");
    assert!(!f["tactic"].as_array().expect("tactics").is_empty(), "{f}");
    assert!(!f["eventName"].as_array().expect("names").is_empty());
    // Filtered: only the events of that rule.
    let v: Value = serde_json::from_str(&ok(&trailview(&[
        "stats",
        "--json",
        "--filter",
        "name:GetSecretValue",
        "--facets",
        "level",
        &stratus(),
    ])))
    .expect("json");
    let levels: Vec<&str> = v["facets"]["level"]
        .as_array()
        .expect("levels")
        .iter()
        .filter_map(|x| x["value"].as_str())
        .collect();
    assert!(
        levels.contains(&"high") && levels.contains(&"informational"),
        "{levels:?}"
    );
    assert!(!levels.contains(&"medium"), "{levels:?}");
}
