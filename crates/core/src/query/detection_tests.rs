//! Tests of the detection terms (`rule:`, `level:`, `attack:`,
//! `has:detection`) through the [`Annotations`] hook.

use super::*;
use crate::ingest::store_from_texts;

fn store() -> Store {
    let texts: Vec<String> = (0..5)
        .map(|i| {
            format!(
                r#"{{"eventID":"e{i}","eventName":"N{i}","eventTime":"2024-03-01T10:00:0{i}Z"}}"#
            )
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    store_from_texts(&[("a.json", &refs)])
}

struct Hits(Vec<RuleLabel>);

impl Hits {
    fn new() -> Hits {
        let l = |id: &str, title: &str, level: u8, attack: &[&str]| RuleLabel {
            id: id.into(),
            title: title.into(),
            level,
            attack: attack.iter().map(|s| s.to_string()).collect(),
        };
        Hits(vec![
            l(
                "aaaa-1",
                "Root Account Usage",
                3,
                &["privilege_escalation", "t1078.004"],
            ),
            l(
                "bbbb-2",
                "Console Login Without MFA",
                2,
                &["initial_access", "t1078"],
            ),
            l("cccc-3", "KMS Key Deletion", 4, &["impact", "t1485"]),
        ])
    }
}

impl Annotations for Hits {
    /// Event 0: rule 0; event 1: rules 1 and 2; event 3: rule 1; others none.
    fn rules(&self, idx: EventIdx) -> Vec<&RuleLabel> {
        match idx {
            0 => vec![&self.0[0]],
            1 => vec![&self.0[1], &self.0[2]],
            3 => vec![&self.0[1]],
            _ => vec![],
        }
    }
}

fn run(q: &str) -> Vec<EventIdx> {
    let s = store();
    let rows = s.all_rows();
    let query = parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    let got = query.select_with(&s, &rows, &Hits::new());
    let one: Vec<EventIdx> = rows
        .iter()
        .copied()
        .filter(|&i| query.matches_with(&s, i, &Hits::new()))
        .collect();
    assert_eq!(got, one, "select vs matches for {q}");
    got
}

#[test]
fn rule_matches_id_or_title_with_wildcards() {
    assert_eq!(run("rule:aaaa-1"), vec![0]);
    assert_eq!(run("rule:\"console login without mfa\""), vec![1, 3]);
    assert_eq!(run("rule:*login*"), vec![1, 3]);
    assert_eq!(run("rule:cccc*"), vec![1]);
    assert_eq!(run("rule:nothing"), Vec::<EventIdx>::new());
    assert_eq!(run("rule:*"), vec![0, 1, 3]);
    assert_eq!(run("rule:\"\""), vec![2, 4]);
}

#[test]
fn level_is_that_level_or_a_comparison() {
    assert_eq!(run("level:high"), vec![0]);
    assert_eq!(run("level:medium"), vec![1, 3]);
    assert_eq!(run("level:critical"), vec![1]);
    assert_eq!(run("level:>=high"), vec![0, 1]);
    assert_eq!(run("level:>high"), vec![1]);
    assert_eq!(run("level:<high"), vec![1, 3]);
    assert_eq!(run("level:<=medium"), vec![1, 3]);
    assert_eq!(run("level:low"), Vec::<EventIdx>::new());
    assert_eq!(run("level:<informational"), Vec::<EventIdx>::new());
    assert_eq!(run("level:High"), vec![0]);
    let Err(e) = parse("level:severe") else {
        panic!("level:severe should be an error");
    };
    assert!(e.to_string().contains("unknown level"), "{e}");
}

#[test]
fn attack_matches_tactics_and_techniques() {
    assert_eq!(run("attack:t1078"), vec![1, 3]);
    assert_eq!(run("attack:T1078*"), vec![0, 1, 3]);
    assert_eq!(run("attack:privilege_escalation"), vec![0]);
    assert_eq!(run("attack:privilege-escalation"), vec![0]);
    assert_eq!(run("attack:attack.impact"), vec![1]);
    assert_eq!(run("attack:persistence"), Vec::<EventIdx>::new());
}

#[test]
fn has_detection_and_its_negation() {
    assert_eq!(run("has:detection"), vec![0, 1, 3]);
    assert_eq!(run("-has:detection"), vec![2, 4]);
    assert_eq!(run("has:detection -level:critical"), vec![0, 3]);
    assert_eq!(run("name:N1 OR name:N2 has:detection"), vec![1]);
    // Without detections the terms match nothing.
    let s = store();
    let q = parse("has:detection").expect("q");
    assert!(q.select(&s, &s.all_rows()).is_empty());
    assert!(q.uses_detections());
    assert!(q.uses_annotations());
    assert!(!parse("name:x").expect("q").uses_detections());
}
