//! Unit tests of the Sigma engine: every modifier with matches and
//! near-misses, null / exists semantics, keywords, and the parser's
//! behaviour on hostile rules (malformed YAML, deep nesting, huge lists,
//! catastrophic regexes): a clear error, never a crash or a hang.

use serde_json::json;

use super::eval::{Detections, JsonEvent, matches_event};
use super::rule::{self, Body};
use super::{Level, RuleSet};

fn rule_yaml(detection: &str) -> String {
    format!(
        "title: t\nid: x\nlevel: high\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n{detection}"
    )
}

/// The rule whose detection is `det`.
fn rule_of(det: &str) -> rule::Rule {
    let docs = rule::parse_text(&rule_yaml(det)).expect("yaml");
    docs.into_iter().next().expect("doc").expect("rule")
}

/// A detection rule's searches and condition.
fn detection(body: &Body) -> (&[super::detection::Search], &super::condition::Cond) {
    let Body::Detection {
        searches,
        condition,
        ..
    } = body
    else {
        panic!("not a detection")
    };
    (searches, condition)
}

/// Does a rule whose detection is `det` match `ev`?
fn hit(det: &str, ev: serde_json::Value) -> bool {
    let r = rule_of(det);
    let (searches, condition) = detection(&r.body);
    let t = ev.to_string();
    let e = JsonEvent { root: ev, text: &t };
    matches_event(searches, condition, &e)
}

fn err(det: &str) -> String {
    let text = rule_yaml(det);
    match rule::parse_text(&text) {
        Err(e) => e.0,
        Ok(docs) => match docs.into_iter().next() {
            Some(Err(e)) => e.0,
            _ => panic!("expected an error for {det}"),
        },
    }
}

fn sel(field: &str, value: &str) -> String {
    format!("    sel:\n        {field}: {value}\n    condition: sel\n")
}

#[test]
fn plain_values_ignore_case_and_lists_are_or() {
    let ev = json!({"eventName": "DeleteTrail", "eventSource": "cloudtrail.amazonaws.com"});
    assert!(hit(&sel("eventName", "deletetrail"), ev.clone()));
    assert!(!hit(&sel("eventName", "DeleteTrai"), ev.clone()));
    // Field names are the log's, spelled exactly: only values ignore case.
    assert!(!hit(&sel("eventname", "DeleteTrail"), ev.clone()));
    assert!(hit(
        &sel("eventName", "['StopLogging', 'DeleteTrail']"),
        ev.clone()
    ));
    assert!(!hit(
        &sel("eventName", "['StopLogging', 'UpdateTrail']"),
        ev.clone()
    ));
    // Map = AND.
    let both = "    sel:\n        eventName: DeleteTrail\n        eventSource: s3.amazonaws.com\n    condition: sel\n";
    assert!(!hit(both, ev.clone()));
    // List of maps = OR.
    let either = "    sel:\n        - eventName: X\n        - eventSource: cloudtrail.amazonaws.com\n    condition: sel\n";
    assert!(hit(either, ev));
}

#[test]
fn wildcards_and_escapes() {
    let ev = json!({"a": "Delete*Trail", "b": "DeleteXTrail", "c": "a\\b"});
    assert!(hit(&sel("b", "'Delete*'"), ev.clone()));
    assert!(hit(&sel("b", "'delete?trail'"), ev.clone()));
    assert!(!hit(&sel("b", "'Delete??Trail'"), ev.clone()));
    // `\*` is a literal star.
    assert!(hit(&sel("a", "'Delete\\*Trail'"), ev.clone()));
    assert!(!hit(&sel("b", "'Delete\\*Trail'"), ev.clone()));
    // A lone backslash is itself.
    assert!(hit(&sel("c", "'a\\b'"), ev.clone()));
    // `\\` is one backslash.
    assert!(hit(&sel("c", "'a\\\\b'"), ev));
}

#[test]
fn contains_startswith_endswith_all() {
    let ev = json!({"userAgent": "aws-cli/2.0 S3 Browser 9.1"});
    assert!(hit(&sel("userAgent|contains", "'s3 browser'"), ev.clone()));
    assert!(!hit(
        &sel("userAgent|contains", "'s3  browser'"),
        ev.clone()
    ));
    assert!(hit(&sel("userAgent|startswith", "'AWS-CLI'"), ev.clone()));
    assert!(!hit(&sel("userAgent|startswith", "'cli'"), ev.clone()));
    assert!(hit(&sel("userAgent|endswith", "'9.1'"), ev.clone()));
    assert!(!hit(&sel("userAgent|endswith", "'9.'"), ev.clone()));
    assert!(hit(
        &sel("userAgent|contains|all", "['cli', 'browser']"),
        ev.clone()
    ));
    assert!(!hit(
        &sel("userAgent|contains|all", "['cli', 'firefox']"),
        ev.clone()
    ));
    assert!(hit(
        &sel("userAgent|contains", "['firefox', 'browser']"),
        ev.clone()
    ));
    // Wildcards inside contains.
    assert!(hit(&sel("userAgent|contains", "'cli/*browser'"), ev));
}

#[test]
fn cased() {
    let ev = json!({"a": "AdminRole"});
    assert!(hit(&sel("a|cased", "AdminRole"), ev.clone()));
    assert!(!hit(&sel("a|cased", "adminrole"), ev.clone()));
    assert!(hit(&sel("a|contains|cased", "Admin"), ev.clone()));
    assert!(!hit(&sel("a|contains|cased", "admin"), ev));
}

#[test]
fn regex_and_flags() {
    let ev = json!({"arn": "arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1", "m": "a\nB"});
    assert!(hit(&sel("arn|re", "'.+:assumed-role/aws:.+'"), ev.clone()));
    // Case-sensitive unless `i`.
    assert!(!hit(&sel("arn|re", "'ASSUMED-ROLE'"), ev.clone()));
    assert!(hit(&sel("arn|re|i", "'ASSUMED-ROLE'"), ev.clone()));
    // `m`: ^ and $ at line ends; `s`: dot matches newline.
    assert!(!hit(&sel("m|re", "'^B'"), ev.clone()));
    assert!(hit(&sel("m|re|m", "'^B'"), ev.clone()));
    assert!(!hit(&sel("m|re", "'a.B'"), ev.clone()));
    assert!(hit(&sel("m|re|s", "'a.B'"), ev));
    assert!(err(&sel("arn|re", "'(unclosed'")).contains("bad regular expression"));
    assert!(err(&sel("arn|i", "'x'")).contains("flags of `re`"));
}

#[test]
fn null_exists_and_empty_string() {
    let ev = json!({"a": null, "b": "", "c": "x"});
    assert!(hit(&sel("a", "null"), ev.clone()));
    assert!(hit(&sel("missing", "null"), ev.clone()));
    // The empty string is not null.
    assert!(!hit(&sel("b", "null"), ev.clone()));
    assert!(hit(&sel("b", "''"), ev.clone()));
    assert!(!hit(&sel("missing", "''"), ev.clone()));
    assert!(hit(&sel("c|exists", "true"), ev.clone()));
    assert!(hit(&sel("b|exists", "true"), ev.clone()));
    assert!(!hit(&sel("missing|exists", "true"), ev.clone()));
    assert!(hit(&sel("missing|exists", "false"), ev.clone()));
    assert!(!hit(&sel("a|exists", "true"), ev.clone()));
    assert!(err(&sel("a|exists", "maybe")).contains("true or false"));
}

#[test]
fn numbers_and_comparisons() {
    let ev = json!({"n": 42, "s": "7", "t": "x", "b": true});
    assert!(hit(&sel("n", "42"), ev.clone()));
    assert!(hit(&sel("b", "true"), ev.clone()));
    assert!(hit(&sel("n|gt", "41"), ev.clone()));
    assert!(!hit(&sel("n|gt", "42"), ev.clone()));
    assert!(hit(&sel("n|gte", "42"), ev.clone()));
    assert!(hit(&sel("s|lt", "8"), ev.clone()));
    assert!(!hit(&sel("s|lt", "7"), ev.clone()));
    assert!(hit(&sel("s|lte", "7"), ev.clone()));
    assert!(!hit(&sel("t|lt", "100"), ev.clone()));
    assert!(err(&sel("n|gt", "abc")).contains("not a number"));
}

#[test]
fn cidr() {
    let ev = json!({"ip": "10.1.2.3", "v6": "2001:db8::1", "bad": "AWS Internal"});
    assert!(hit(&sel("ip|cidr", "'10.0.0.0/8'"), ev.clone()));
    assert!(!hit(&sel("ip|cidr", "'10.1.3.0/24'"), ev.clone()));
    assert!(hit(&sel("ip|cidr", "'10.1.2.3'"), ev.clone()));
    assert!(hit(&sel("v6|cidr", "'2001:db8::/32'"), ev.clone()));
    assert!(!hit(&sel("v6|cidr", "'10.0.0.0/8'"), ev.clone()));
    assert!(!hit(&sel("bad|cidr", "'0.0.0.0/0'"), ev.clone()));
    assert!(err(&sel("ip|cidr", "'10.0.0.0/33'")).contains("prefix length"));
    assert!(err(&sel("ip|cidr", "'nope/8'")).contains("not a CIDR"));
}

#[test]
fn fieldref() {
    let ev = json!({"requestParameters": {"userName": "Bob"}, "userIdentity": {"userName": "bob", "arn": "arn:aws:iam::1:user/bob"}});
    assert!(hit(
        &sel(
            "requestParameters.userName|fieldref",
            "userIdentity.userName"
        ),
        ev.clone()
    ));
    assert!(!hit(
        &sel("requestParameters.userName|fieldref", "userIdentity.arn"),
        ev.clone()
    ));
    assert!(hit(
        &sel(
            "userIdentity.arn|fieldref|endswith",
            "userIdentity.userName"
        ),
        ev.clone()
    ));
    assert!(!hit(
        &sel(
            "userIdentity.arn|fieldref|startswith",
            "userIdentity.userName"
        ),
        ev.clone()
    ));
    assert!(!hit(
        &sel("requestParameters.userName|fieldref", "missing"),
        ev
    ));
}

#[test]
fn base64_and_base64offset() {
    // base64("whoami") = d2hvYW1p
    let ev = json!({"cmd": "echo d2hvYW1p | base64 -d"});
    assert!(hit(&sel("cmd|base64|contains", "whoami"), ev.clone()));
    // The encoded text compares ignoring case (Sigma's default); `cased`
    // makes it exact.
    let upper = json!({"cmd": "echo D2HVYW1P | base64 -d"});
    assert!(hit(&sel("cmd|base64|contains", "whoami"), upper.clone()));
    assert!(!hit(&sel("cmd|base64|contains|cased", "whoami"), upper));
    assert!(hit(&sel("cmd|base64|contains|cased", "whoami"), ev.clone()));
    assert!(!hit(&sel("cmd|base64|contains", "whoareyou"), ev.clone()));
    assert_eq!(
        super::detection::base64offset_variants(b"/bin/bash"),
        vec!["L2Jpbi9iYXNo", "9iaW4vYmFza", "vYmluL2Jhc2"]
    );
    let ev2 = json!({"cmd": "xx IC9iaW4vYmFzaA== yy"});
    assert!(hit(
        &sel("cmd|base64offset|contains", "/bin/bash"),
        ev2.clone()
    ));
    assert!(!hit(&sel("cmd|base64offset|contains", "/bin/zsh"), ev2));
}

#[test]
fn windash() {
    let v = super::detection::windash_variants("-enc x");
    assert_eq!(v.len(), 5);
    assert!(v.contains(&"/enc x".to_string()));
    assert!(v.contains(&"\u{2013}enc x".to_string()));
    let ev = json!({"c": "powershell /enc abc"});
    assert!(hit(&sel("c|windash|contains", "' -enc '"), ev.clone()));
    assert!(!hit(&sel("c|windash|contains", "' -e '"), ev));
    // A dash inside a word is not an option dash.
    assert_eq!(super::detection::windash_variants("a-b").len(), 1);
}

#[test]
fn dotted_paths_lists_and_objects() {
    let ev = json!({
        "userIdentity": {"sessionContext": {"sessionIssuer": {"type": "Role"}}},
        "resources": [{"ARN": "arn:1"}, {"ARN": "arn:2"}],
        "requestParameters": {"layers": ["arn:aws:lambda:layer:evil:1"], "policy": {"Effect": "Allow"}}
    });
    assert!(hit(
        &sel("userIdentity.sessionContext.sessionIssuer.type", "Role"),
        ev.clone()
    ));
    assert!(hit(&sel("resources.ARN", "'arn:2'"), ev.clone()));
    assert!(!hit(&sel("resources.ARN", "'arn:3'"), ev.clone()));
    assert!(hit(
        &sel("requestParameters.layers|contains", "evil"),
        ev.clone()
    ));
    // An object matches `contains` against its JSON text.
    assert!(hit(
        &sel(
            "requestParameters.policy|contains",
            "'\"Effect\":\"Allow\"'"
        ),
        ev.clone()
    ));
    assert!(hit(&sel("requestParameters|contains", "'evil'"), ev));
}

#[test]
fn keywords_and_conditions() {
    let ev = json!({"eventName": "GetSecretValue", "x": "TruffleHog scan"});
    let kw = "    keywords:\n        - trufflehog\n        - nothing\n    condition: keywords\n";
    assert!(hit(kw, ev.clone()));
    let kw2 = "    keywords:\n        - nothing\n    condition: keywords\n";
    assert!(!hit(kw2, ev.clone()));
    let c = "    sel_a:\n        eventName: GetSecretValue\n    sel_b:\n        eventName: Other\n    filter:\n        x|contains: scan\n    condition: 1 of sel_* and not filter\n";
    assert!(!hit(c, ev.clone()));
    let c = "    sel_a:\n        eventName: GetSecretValue\n    sel_b:\n        eventName: Other\n    condition: all of sel_*\n";
    assert!(!hit(c, ev.clone()));
    let c = "    sel_a:\n        eventName: GetSecretValue\n    sel_b:\n        x|contains: scan\n    condition: all of them\n";
    assert!(hit(c, ev.clone()));
    let c = "    sel_a:\n        eventName: nope\n    sel_b:\n        x|contains: scan\n    condition: (sel_a or sel_b) and not (sel_a and sel_b)\n";
    assert!(hit(c, ev));
}

#[test]
fn unsupported_and_placeholders_are_reported() {
    assert!(err(&sel("a|expand", "'%x%'")).contains("placeholder"));
    assert!(err(&sel("a|utf16le", "'x'")).contains("not supported"));
    assert!(err(&sel("a|bogus", "'x'")).contains("unknown modifier `bogus`"));
    assert!(err("    sel:\n        a: x\n").contains("condition"));
    assert!(
        err("    sel:\n        a: x\n    condition: sel | max(x) > 3\n").contains("only `count()`")
    );
}

#[test]
fn hostile_rules_give_errors() {
    // Malformed YAML.
    for bad in [
        "title: [unclosed",
        "{{{{",
        ":\n  - : -",
        "\t\ttitle: x",
        "title: t\ndetection: [1, {2: }",
    ] {
        let mut set = RuleSet::default();
        set.add_text("bad.yml", bad.as_bytes());
        assert_eq!(set.rules.len(), 0, "{bad}");
        assert_eq!(set.problems.len(), 1, "{bad}");
    }
    // Deep nesting (flow and block).
    let deep = format!(
        "title: t\ndetection: {}1{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let mut set = RuleSet::default();
    set.add_text("deep.yml", deep.as_bytes());
    assert_eq!(set.problems.len(), 1);
    let mut block = String::from("title: t\ndetection:\n");
    for i in 0..200 {
        block.push_str(&format!("{}k{i}:\n", "  ".repeat(i + 1)));
    }
    let mut set = RuleSet::default();
    set.add_text("block.yml", block.as_bytes());
    assert_eq!(set.problems.len(), 1);
    assert!(
        set.problems[0].reason.contains("nested deeper") || set.problems[0].reason.contains("YAML")
    );
    // Huge lists.
    let mut huge = rule_yaml("    sel:\n        eventName:\n");
    for i in 0..20_000 {
        huge.push_str(&format!("            - v{i}\n"));
    }
    huge.push_str("    condition: sel\n");
    let mut set = RuleSet::default();
    set.add_text("huge.yml", huge.as_bytes());
    assert!(
        set.problems[0].reason.contains("at most"),
        "{:?}",
        set.problems
    );
    // A catastrophic (for a backtracking engine) regex runs in linear time.
    let t = std::time::Instant::now();
    let long = "a".repeat(50_000);
    assert!(!hit(&sel("x|re", "'(a+)+$b'"), json!({ "x": long })));
    assert!(t.elapsed().as_secs() < 5);
    // An enormous regex is refused.
    let big = format!("'{}'", "(a{1000}){1000}");
    assert!(err(&sel("x|re", &big)).contains("bad regular expression"));
    // Not UTF-8, empty, a list instead of a map.
    let mut set = RuleSet::default();
    set.add_text("bin.yml", &[0xff, 0xfe, 0]);
    set.add_text("empty.yml", b"");
    set.add_text("list.yml", b"- a\n- b\n");
    assert_eq!(set.problems.len(), 3);
}

/// Pseudo-random mutations of a valid rule never panic.
#[test]
fn mutated_rules_never_panic() {
    let base = rule_yaml(
        "    sel:\n        eventName|contains|all:\n            - 'a*b'\n            - c\n        x|re|i: '^q'\n    filter:\n        - y|cidr: 10.0.0.0/8\n        - z|gte: 3\n    condition: sel and not 1 of filter*\n",
    );
    let bytes = base.as_bytes();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = b"|:-[]{}()*?\\'\" \n\tabc01";
    for _ in 0..3000 {
        let mut m = bytes.to_vec();
        for _ in 0..(next() % 4 + 1) {
            let pos = (next() as usize) % m.len();
            match next() % 3 {
                0 => m[pos] = alphabet[(next() as usize) % alphabet.len()],
                1 => {
                    m.remove(pos);
                }
                _ => m.insert(pos, alphabet[(next() as usize) % alphabet.len()]),
            }
        }
        let mut set = RuleSet::default();
        set.add_text("m.yml", &m);
        // Each mutated file is either rules or reported problems.
        assert!(set.rules.len() + set.problems.len() + set.skipped >= 1);
    }
}

#[test]
fn default_rules_all_load() {
    let mut set = RuleSet::defaults();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    set.resolve();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert!(set.rules.len() >= 15);
    assert!(set.rules.iter().all(|r| r.rule.author == "Trailview team"));
    let ids: std::collections::HashSet<&str> =
        set.rules.iter().map(|r| r.rule.id.as_str()).collect();
    assert_eq!(ids.len(), set.rules.len(), "ids are unique");
    set.set_min_level(Level::High);
    assert!(
        set.rules
            .iter()
            .filter(|r| r.enabled)
            .all(|r| r.rule.level >= Level::High)
    );
}

#[test]
fn logsource_other_than_cloudtrail_is_skipped() {
    let mut set = RuleSet::default();
    set.add_text(
        "win.yml",
        b"title: w\nlogsource:\n    product: windows\ndetection:\n    s:\n        a: b\n    condition: s\n",
    );
    assert_eq!(
        (set.rules.len(), set.skipped, set.problems.len()),
        (0, 1, 0)
    );
}

#[test]
fn rule_hits_count_only_the_rows_given() {
    use crate::ingest::store_from_texts;
    let store = store_from_texts(&[(
        "a.json",
        &[
            r#"{"eventTime":"2024-01-01T00:00:00Z","eventName":"ListBuckets","userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root"}}"#,
            r#"{"eventTime":"2024-01-01T00:01:00Z","eventName":"GetObject","userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root"}}"#,
            r#"{"eventTime":"2024-01-01T00:02:00Z","eventName":"GetObject","userIdentity":{"type":"IAMUser","userName":"bob"}}"#,
        ],
    )]);
    let set = RuleSet::defaults();
    let d = Detections::run(&store, &set);
    let title = |h: &super::summary::RuleHits| set.rules[h.rule as usize].rule.title.clone();
    let all = super::summary::rule_hits(&d, &set, &store);
    let root = all
        .iter()
        .find(|h| title(h) == "Root user activity")
        .map(|h| h.hits);
    assert_eq!(root, Some(2));
    let only_second = super::summary::rule_hits_in(&d, &set, &store, Some(&[1]));
    let root = only_second
        .iter()
        .find(|h| title(h) == "Root user activity")
        .map(|h| (h.hits, h.first, h.last));
    assert_eq!(root, Some((1, store.time(1), store.time(1))));
    assert!(
        super::summary::rule_hits_in(&d, &set, &store, Some(&[2]))
            .iter()
            .all(|h| title(h) != "Root user activity")
    );
}

#[test]
fn a_hit_without_a_time_does_not_blank_the_rules_span() {
    use crate::ingest::store_from_texts;
    let store = store_from_texts(&[(
        "a.json",
        &[
            r#"{"eventTime":"redacted","eventName":"ListBuckets","userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root"}}"#,
            r#"{"eventTime":"2024-01-01T00:01:00Z","eventName":"GetObject","userIdentity":{"type":"Root","arn":"arn:aws:iam::1:root"}}"#,
        ],
    )]);
    let set = RuleSet::defaults();
    let d = Detections::run(&store, &set);
    let root = super::summary::rule_hits(&d, &set, &store)
        .into_iter()
        .find(|h| set.rules[h.rule as usize].rule.title == "Root user activity")
        .map(|h| (h.hits, h.first, h.last));
    assert_eq!(root, Some((2, store.time(1), store.time(1))));
}

/// `explain` names what the rule fired on: the matching values of the
/// positive searches' matching maps, never a filter's fields nor a list
/// element that did not match.
#[test]
fn explain_lists_only_the_values_that_matched() {
    use super::eval::explain;
    let det = "    sel:\n        eventName|startswith: 'Delete'\n        requestParameters.names|contains: 'prod'\n    other:\n        eventName: 'Nothing'\n        awsRegion: 'us-east-1'\n    filter:\n        userAgent: 'ok'\n    condition: (sel or other) and not filter\n";
    let r = rule_of(det);
    let (searches, condition) = detection(&r.body);
    let ev = json!({
        "eventName": "DeleteBucket",
        "awsRegion": "us-east-1",
        "userAgent": "other",
        "requestParameters": {"names": ["dev-1", "prod-7", "prod-9"]}
    });
    let t = ev.to_string();
    let e = JsonEvent { root: ev, text: &t };
    assert!(matches_event(searches, condition, &e));
    let got = explain(searches, condition, &e);
    assert_eq!(
        got,
        vec![
            ("eventName".to_owned(), vec!["DeleteBucket".to_owned()]),
            (
                "requestParameters.names".to_owned(),
                vec!["prod-7".to_owned(), "prod-9".to_owned()]
            ),
        ],
        "`other` matched only in part and `filter` is negated: neither is listed"
    );
}

/// The column pass (interned columns, the exact copies of
/// `userIdentity.arn` and `sessionIssuer.type`, id 0 decided when absent
/// and empty agree) finds exactly what the JSON alone finds, on values
/// that are plain strings, escaped strings, numbers, lists, objects,
/// null, empty and absent.
#[test]
fn the_column_pass_agrees_with_the_json_on_odd_values() {
    use crate::ingest::store_from_texts;
    let rules = [
        "userIdentity.arn|re: '.+:assumed-role/aws:.+'",
        "userIdentity.arn|contains: 'assumed-role'",
        "userIdentity.arn: null",
        "userIdentity.arn|exists: false",
        "userIdentity.arn: '123'",
        "userIdentity.arn: ''",
        "userIdentity.sessionContext.sessionIssuer.type: Role",
        "userIdentity.sessionContext.sessionIssuer.type: null",
        "userIdentity.sessionContext.sessionIssuer.type|contains: 'ol'",
        "errorCode: null",
        "errorCode: ''",
        "userAgent|contains: 'x'",
        "userAgent|exists: true",
    ];
    let events = [
        r#"{"eventName":"A","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1","sessionContext":{"sessionIssuer":{"type":"Role"}}}}"#,
        r#"{"eventName":"B","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role\/aws:ec2-instance\/i-2","sessionContext":{"sessionIssuer":{"type":"R\u006fle"}}}}"#,
        r#"{"eventName":"C","userIdentity":{"arn":123,"sessionContext":{"sessionIssuer":{"type":["Role","x"]}}}}"#,
        r#"{"eventName":"D","userIdentity":{"arn":["x","arn:aws:sts::1:assumed-role/aws:y/z"],"sessionContext":{"sessionIssuer":{"type":{"k":"Role"}}}}}"#,
        r#"{"eventName":"E","userIdentity":{"arn":null,"sessionContext":{"sessionIssuer":{"type":null}}},"errorCode":null,"userAgent":""}"#,
        r#"{"eventName":"F","userIdentity":{"arn":"","sessionContext":{"sessionIssuer":{}}},"errorCode":"","userAgent":"xy"}"#,
        r#"{"eventName":"G","errorCode":"AccessDenied","userAgent":[]}"#,
        r#"{"eventName":"H","userIdentity":{"arn":true,"sessionContext":{"sessionIssuer":{"type":"role"}}},"userAgent":["a","x"]}"#,
        r#"{"eventName":"I","userIdentity":{"arn":"true"},"userAgent":5}"#,
    ];
    let store = store_from_texts(&[("a.json", &events)]);
    assert_eq!(store.len(), events.len());
    let mut set = RuleSet::default();
    for (i, det) in rules.iter().enumerate() {
        let text = format!(
            "title: r{i}\nid: r{i}\nlevel: high\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n    sel:\n        {det}\n    condition: sel\n"
        );
        set.add_text(&format!("r{i}.yml"), text.as_bytes());
    }
    set.resolve();
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    let d = Detections::run(&store, &set);
    for (r, loaded) in set.rules.iter().enumerate() {
        let (searches, condition) = detection(&loaded.rule.body);
        for (row, text) in events.iter().enumerate() {
            let root: serde_json::Value = serde_json::from_str(text).expect("json");
            let e = JsonEvent { root, text };
            let want = matches_event(searches, condition, &e);
            let got = d.rules_of(row as u32).any(|x| x as usize == r);
            assert_eq!(got, want, "rule `{}` on event {row}: {text}", rules[r]);
        }
    }
}
