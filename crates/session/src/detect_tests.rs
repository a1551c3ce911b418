//! Tests of the detection job through the session: runs after each load,
//! incremental when files are added, read by the query language, rule
//! problems in the load report.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::detect_job::RuleOptions;
use crate::session::{Session, SessionOptions};
use trailview_core::ingest::LoadOptions;

const ROOT: &str = r#"{"eventID":"r1","eventTime":"2024-03-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","userIdentity":{"type":"Root","arn":"arn:aws:iam::111:root","accountId":"111"}}"#;
const PLAIN: &str = r#"{"eventID":"p1","eventTime":"2024-03-01T10:00:01Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","userIdentity":{"type":"IAMUser","userName":"alice","accountId":"111"}}"#;
const KMS: &str = r#"{"eventID":"k1","eventTime":"2024-03-01T11:00:00Z","eventSource":"kms.amazonaws.com","eventName":"ScheduleKeyDeletion","userIdentity":{"type":"IAMUser","userName":"alice","accountId":"111"}}"#;

fn write(dir: &Path, name: &str, events: &[&str]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("{{\"Records\":[{}]}}", events.join(","))).expect("write");
    p
}

fn interactive() -> Session {
    let mut o = SessionOptions::headless(LoadOptions::default());
    o.detect = true;
    Session::new(o)
}

fn settle(s: &mut Session) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !s.is_idle() || s.is_loading() {
        s.poll();
        assert!(Instant::now() < deadline, "did not settle");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn titles(s: &Session) -> Vec<(u32, String)> {
    let d = s.detections().expect("detections ran");
    d.detections
        .hits
        .iter()
        .map(|h| (h.row, d.set.rules[h.rule as usize].rule.title.clone()))
        .collect()
}

#[test]
fn detections_run_after_each_load_and_only_new_rows_are_evaluated() {
    let dir = tempfile::tempdir().expect("dir");
    let a = write(dir.path(), "a.json", &[ROOT, PLAIN]);
    let b = write(dir.path(), "b.json", &[KMS]);
    let mut s = interactive();
    s.open(vec![a]);
    settle(&mut s);
    assert_eq!(titles(&s), vec![(0, "Root user activity".to_owned())]);
    assert_eq!(s.detections().expect("d").detections.evaluated, 2);
    let first = s.detection_took();
    assert!(first.is_some());

    s.open(vec![b]);
    settle(&mut s);
    let d = s.detections().expect("d");
    assert_eq!(d.detections.evaluated, 3);
    assert_eq!(
        titles(&s),
        vec![
            (0, "Root user activity".to_owned()),
            (2, "KMS key scheduled for deletion or disabled".to_owned())
        ]
    );

    // The query language reads them through the view.
    s.update_view(|v| v.query = "has:detection".into());
    settle(&mut s);
    assert_eq!(s.rows().as_slice(), &[0, 2]);
    s.update_view(|v| v.query = "rule:*kms* OR attack:privilege_escalation".into());
    settle(&mut s);
    assert_eq!(s.rows().as_slice(), &[0, 2]);
    s.update_view(|v| v.query = "-has:detection".into());
    settle(&mut s);
    assert_eq!(s.rows().as_slice(), &[1]);

    // The summary of every row counts rules and levels and marks the
    // histogram bins holding hits.
    s.update_view(|v| v.query = String::new());
    settle(&mut s);
    let sum = s.summary().expect("summary");
    let d = sum.detections.as_ref().expect("detection summary");
    let titles: Vec<(&str, u64)> = d
        .rules
        .top
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    assert_eq!(
        titles,
        vec![
            ("KMS key scheduled for deletion or disabled", 1),
            ("Root user activity", 1)
        ]
    );
    assert_eq!(d.levels.top.len(), 1);
    assert_eq!(
        (d.levels.top[0].value.as_str(), d.levels.top[0].count),
        ("high", 2)
    );
    // Tactics from the rules' ATT&CK tags, techniques left out.
    let tactics: Vec<(&str, u64)> = d
        .tactics
        .top
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    assert_eq!(tactics, vec![("impact", 1), ("privilege_escalation", 1)]);
    let marked: u32 = d.bins.iter().map(|b| b.1).sum();
    assert_eq!(marked, 2);
    assert!(d.bins.iter().any(|b| b.0 == 4), "a bin marked high (3 + 1)");
}

#[test]
fn headless_sessions_detect_only_when_asked() {
    let dir = tempfile::tempdir().expect("dir");
    let a = write(dir.path(), "a.json", &[ROOT, PLAIN, KMS]);
    let mut s = Session::new(SessionOptions::headless(LoadOptions::default()));
    s.open_blocking(vec![a]);
    assert!(s.detections().is_none());
    let d = s.detect_blocking().expect("ran");
    assert_eq!(d.detections.rows(), vec![0, 2]);
}

#[test]
fn rule_problems_are_load_problems_and_other_rules_still_run() {
    let dir = tempfile::tempdir().expect("dir");
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).expect("mkdir");
    std::fs::write(rules.join("bad.yml"), "title: [unclosed").expect("write");
    std::fs::write(
        rules.join("alice.yml"),
        "title: Alice did it\nid: 11111111-2222-3333-4444-555555555555\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    userIdentity.userName: alice\n  condition: sel\nlevel: low\n",
    )
    .expect("write");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    let a = write(&data, "a.json", &[ROOT, PLAIN]);
    let mut s = interactive();
    s.set_rule_options(RuleOptions {
        defaults: false,
        paths: vec![rules.clone()],
        min_level: None,
        disabled: Vec::new(),
    });
    s.open(vec![a]);
    settle(&mut s);
    assert_eq!(titles(&s), vec![(1, "Alice did it".to_owned())]);
    let bad = rules.join("bad.yml");
    let problems: Vec<_> = s
        .report()
        .problems
        .iter()
        .filter(|p| p.path == bad)
        .collect();
    assert_eq!(problems.len(), 1, "{:?}", s.report().problems);
    assert!(
        problems[0].reason.starts_with("rule: "),
        "{}",
        problems[0].reason
    );
    // Changing the rules runs them again over everything loaded.
    s.set_rule_options(RuleOptions::default());
    settle(&mut s);
    assert_eq!(titles(&s), vec![(0, "Root user activity".to_owned())]);
}

#[test]
fn a_hit_without_a_time_is_counted_but_in_no_histogram_bin() {
    let dir = tempfile::tempdir().expect("dir");
    let no_time = r#"{"eventID":"n1","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","userIdentity":{"type":"Root","accountId":"111"}}"#;
    let a = write(dir.path(), "a.json", &[ROOT, no_time]);
    let mut s = interactive();
    s.open(vec![a]);
    settle(&mut s);
    let sum = s.summary().expect("summary");
    let d = sum.detections.as_ref().expect("detection summary");
    assert_eq!(d.rules.top[0].count, 2);
    assert_eq!(d.bins.iter().map(|b| b.1).sum::<u32>(), 1);
}
