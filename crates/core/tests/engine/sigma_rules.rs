//! Sigma detections end to end: SigmaHQ's CloudTrail rules (read by path
//! from `../shared/sigma-rules`, never copied into the project) all load,
//! the legacy aggregation rules run as correlations, the placeholder rule
//! is reported; and the fast evaluation (columns first, JSON only for
//! undecided rows) gives exactly the hits of a naive evaluation of every
//! rule on every event's JSON, on crafted events and on the corpus.

use std::io::Read;
use std::path::{Path, PathBuf};

use trailview_core::ingest::store_from_texts;
use trailview_core::sigma::eval::{JsonEvent, matches_event};
use trailview_core::sigma::rule::Body;
use trailview_core::sigma::{Detections, Hit, RuleSet};
use trailview_core::store::Store;

pub(crate) fn shared(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(sub)
}

/// Every (row, rule) a naive evaluation finds (single-event rules only).
fn naive(store: &Store, set: &RuleSet) -> Vec<Hit> {
    let mut out = Vec::new();
    for row in 0..store.len() as u32 {
        let Ok(raw) = store.raw_text(row) else {
            continue;
        };
        let Some(root) = trailview_core::json_bounded::parse_bounded(raw.as_bytes()) else {
            continue;
        };
        let ev = JsonEvent { root, text: &raw };
        for (i, r) in set.rules.iter().enumerate() {
            if let Body::Detection {
                searches,
                condition,
                aggregation: None,
                ..
            } = &r.rule.body
                && r.enabled
                && matches_event(searches, condition, &ev)
            {
                out.push(Hit {
                    row,
                    rule: i as u32,
                });
            }
        }
    }
    out
}

fn single_event_hits(d: &Detections, set: &RuleSet) -> Vec<Hit> {
    d.hits
        .iter()
        .filter(|h| {
            matches!(
                set.rules[h.rule as usize].rule.body,
                Body::Detection {
                    aggregation: None,
                    ..
                }
            )
        })
        .copied()
        .collect()
}

#[cfg_attr(not(has_sigma_rules), ignore = "needs ../shared/sigma-rules")]
#[test]
fn sigmahq_rules_all_load() {
    let mut set = RuleSet::default();
    set.add_path(&shared("sigma-rules/rules"));
    assert!(set.problems.is_empty(), "{:#?}", set.problems);
    assert_eq!(set.rules.len(), 57);
    assert_eq!(set.skipped, 0);
    for r in &set.rules {
        assert!(!r.rule.author.is_empty(), "{} keeps its author", r.path);
        assert_eq!(r.sha256.len(), 64);
    }
}

#[cfg_attr(not(has_sigma_rules), ignore = "needs ../shared/sigma-rules")]
#[test]
fn legacy_aggregations_run_as_correlations() {
    let mut set = RuleSet::default();
    set.add_path(&shared("sigma-rules/unsupported"));
    assert_eq!(
        set.rules.len() + set.problems.len(),
        8,
        "{:#?}",
        set.problems
    );
    // `near` and a `timeframe` without `count()` are reported, precisely.
    assert_eq!(set.problems.len(), 2, "{:#?}", set.problems);
    assert!(
        set.problems[0]
            .path
            .ends_with("aws_lambda_function_created_or_invoked.yml")
    );
    assert!(set.problems[0].reason.contains("only `count()`"));
    assert!(
        set.problems[1]
            .path
            .ends_with("aws_ses_messaging_enabled.yml")
    );
    assert!(set.problems[1].reason.contains("without an aggregation"));
    assert_eq!(set.rules.len(), 6);
    for r in &set.rules {
        assert!(
            matches!(
                r.rule.body,
                Body::Detection {
                    aggregation: Some(_),
                    ..
                }
            ),
            "{} is read as an aggregation",
            r.path
        );
    }
}

#[cfg_attr(not(has_sigma_rules), ignore = "needs ../shared/sigma-rules")]
#[test]
fn placeholder_rule_needs_values() {
    let mut set = RuleSet::default();
    set.add_path(&shared("sigma-rules/placeholder"));
    assert_eq!(set.rules.len(), 0);
    assert_eq!(set.problems.len(), 1);
    let p = &set.problems[0];
    assert!(
        p.path
            .ends_with("aws_cloudtrail_console_login_success_from_susp_locations.yml")
    );
    assert!(p.reason.contains("placeholder"), "{}", p.reason);
}

fn crafted() -> Vec<String> {
    let evs = [
        r#"{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","eventTime":"2024-01-01T00:00:00Z","eventID":"e1","userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root"}}"#,
        r#"{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","eventTime":"2024-01-01T00:00:01Z","eventID":"e2","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1","sessionContext":{"sessionIssuer":{"type":"Role"}}}}"#,
        r#"{"eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","eventTime":"2024-01-01T00:00:02Z","eventID":"e3","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No"},"userIdentity":{"type":"IAMUser","userName":"bob"}}"#,
        r#"{"eventName":"GetCallerIdentity","eventSource":"sts.amazonaws.com","eventTime":"2024-01-01T00:00:03Z","eventID":"e4","userAgent":"TruffleHog","userIdentity":{"type":"IAMUser"}}"#,
        r#"{"eventName":"GetCallerIdentity","eventSource":"sts.amazonaws.com","eventTime":"2024-01-01T00:00:04Z","eventID":"e5","userAgent":"TruffleHo","userIdentity":{"type":"IAMUser"}}"#,
        r#"{"eventName":"CreateAccessKey","eventSource":"iam.amazonaws.com","eventTime":"2024-01-01T00:00:05Z","eventID":"e6","requestParameters":{"userName":"alice"},"userIdentity":{"type":"IAMUser","userName":"bob"}}"#,
        r#"{"eventName":"CreateAccessKey","eventSource":"iam.amazonaws.com","eventTime":"2024-01-01T00:00:06Z","eventID":"e7","requestParameters":{"userName":"bob"},"userIdentity":{"type":"IAMUser","userName":"bob"}}"#,
        r#"{"eventName":"ListBuckets","eventSource":"s3.amazonaws.com","eventTime":"2024-01-01T00:00:07Z","eventID":"e8","userIdentity":{"type":"AssumedRole"}}"#,
        r#"{"eventName":"ListBuckets","eventSource":"s3.amazonaws.com","eventTime":"2024-01-01T00:00:08Z","eventID":"e9","userIdentity":{"type":"IAMUser"}}"#,
        r#"{"eventName":"ListBuckets","eventSource":"s3.amazonaws.com","eventTime":"2024-01-01T00:00:09Z","eventID":"e10"}"#,
        r#"{"eventName":"","eventSource":"s3.amazonaws.com","eventTime":"2024-01-01T00:00:10Z","eventID":"e11"}"#,
    ];
    let mut out: Vec<String> = evs.iter().map(|s| s.to_string()).collect();
    for i in 0..6 {
        out.push(format!(
            r#"{{"eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","eventTime":"2024-01-01T01:00:0{i}Z","eventID":"f{i}","sourceIPAddress":"203.0.113.9","responseElements":{{"ConsoleLogin":"Failure"}}}}"#
        ));
    }
    out
}

fn all_rules() -> RuleSet {
    let mut set = RuleSet::defaults();
    if shared("sigma-rules/rules").is_dir() {
        set.add_path(&shared("sigma-rules/rules"));
        set.add_path(&shared("sigma-rules/unsupported"));
    }
    set.resolve();
    set
}

#[test]
fn fast_path_equals_naive_on_crafted_events() {
    let evs = crafted();
    let refs: Vec<&str> = evs.iter().map(String::as_str).collect();
    let store = store_from_texts(&[("crafted.json", &refs)]);
    let set = all_rules();
    let d = Detections::run(&store, &set);
    assert_eq!(single_event_hits(&d, &set), naive(&store, &set));
    let title_hits = |title: &str| -> Vec<u32> {
        let i = set
            .rules
            .iter()
            .position(|r| r.rule.title == title)
            .expect(title) as u32;
        d.rows_of_rule(i)
    };
    assert_eq!(title_hits("Root user activity"), vec![0]);
    assert_eq!(title_hits("Console sign-in without MFA"), vec![2]);
    assert_eq!(
        title_hits("Access key or console password created for another user"),
        vec![5]
    );
    // The burst correlation: six failures from one address in six seconds.
    assert_eq!(
        title_hits("Burst of failed console sign-ins"),
        (11..17).collect::<Vec<u32>>()
    );
    assert!(d.correlations.iter().any(|c| c.rows.len() == 6));
}

#[test]
fn incremental_equals_whole() {
    let evs = crafted();
    let refs: Vec<&str> = evs.iter().map(String::as_str).collect();
    let set = all_rules();
    let whole = Detections::run(&store_from_texts(&[("a.json", &refs)]), &set);
    let mut store = store_from_texts(&[("a.json", &refs[..7])]);
    let mut d = Detections::run(&store, &set);
    let rest = store_from_texts(&[("b.json", &refs[7..])]);
    // Rebuild the same store in two batches.
    store = store_from_texts(&[("a.json", &refs[..7]), ("b.json", &refs[7..])]);
    drop(rest);
    d.extend(&store, &set);
    assert_eq!(d.hits, whole.hits);
    assert_eq!(d.evaluated, store.len());
}

/// The corpus's CloudTrail files (`<dir>/<dir>.json.gz` of each folder of
/// `../shared/corpus`), one batch per file, in sorted order.
pub(crate) fn corpus_store() -> Store {
    let root = shared("corpus");
    let mut sources: Vec<(String, Vec<String>)> = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        let gz = dir.join(format!("{name}.json.gz"));
        let Ok(file) = std::fs::File::open(&gz) else {
            continue;
        };
        let mut text = String::new();
        flate2::read::GzDecoder::new(file)
            .read_to_string(&mut text)
            .expect("gunzip");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        let evs = v["Records"]
            .as_array()
            .map(|a| a.iter().map(|e| e.to_string()).collect())
            .unwrap_or_default();
        sources.push((name, evs));
    }
    let owned: Vec<(String, Vec<&str>)> = sources
        .iter()
        .map(|(p, e)| (p.clone(), e.iter().map(String::as_str).collect()))
        .collect();
    let batches: Vec<(&str, &[&str])> = owned
        .iter()
        .map(|(p, e)| (p.as_str(), e.as_slice()))
        .collect();
    store_from_texts(&batches)
}

#[cfg_attr(not(has_corpus), ignore = "needs ../shared/corpus")]
#[test]
fn fast_path_equals_naive_on_corpus() {
    let store = corpus_store();
    assert!(store.len() > 1000);
    let set = all_rules();
    let d = Detections::run(&store, &set);
    let fast = single_event_hits(&d, &set);
    let slow = naive(&store, &set);
    let only_fast: Vec<&Hit> = fast.iter().filter(|h| !slow.contains(h)).take(5).collect();
    let only_slow: Vec<&Hit> = slow.iter().filter(|h| !fast.contains(h)).take(5).collect();
    assert!(
        only_fast.is_empty() && only_slow.is_empty(),
        "only fast: {only_fast:?} ({}); only naive: {only_slow:?} ({}) {}",
        only_fast
            .first()
            .map_or("", |h| set.rules[h.rule as usize].path.as_str()),
        only_slow
            .first()
            .map_or("", |h| set.rules[h.rule as usize].path.as_str()),
        only_slow
            .first()
            .map_or(String::new(), |h| store.raw_text(h.row).unwrap_or_default()),
    );
    assert!(!fast.is_empty(), "the corpus holds attack techniques");
}
