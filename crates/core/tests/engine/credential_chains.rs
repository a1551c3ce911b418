//! Credential chains on hand-written trails: every kind of issuer, the
//! cases that must stop instead of linking (failed calls, reused keys,
//! keys issued twice or used before issue, loops, unknown issuers), and
//! hostile field types. Each event's `origin` and `hops` are asserted.

use serde_json::{Value, json};
use trailview_core::credentials::CredGraph;
use trailview_core::ingest::store_from_texts;
use trailview_core::model::Column;
use trailview_core::store::Store;

fn iam(user: &str, key: &str) -> Value {
    json!({"type":"IAMUser","principalId":"AIDA1","arn":format!("arn:aws:iam::111111111111:user/{user}"),
           "accountId":"111111111111","accessKeyId":key,"userName":user})
}

fn role(role: &str, session: &str, key: &str) -> Value {
    json!({"type":"AssumedRole","principalId":format!("AROA1:{session}"),
           "arn":format!("arn:aws:sts::111111111111:assumed-role/{role}/{session}"),
           "accountId":"111111111111","accessKeyId":key,
           "sessionContext":{"sessionIssuer":{"type":"Role","userName":role},
                             "attributes":{"creationDate":"2024-01-01T00:00:00Z","mfaAuthenticated":"false"}}})
}

fn ev(id: &str, time: &str, name: &str, source: &str, ui: Value, extra: Value) -> String {
    let mut e = json!({"eventVersion":"1.08","userIdentity":ui,"eventTime":format!("2024-01-01T{time}Z"),
        "eventSource":format!("{source}.amazonaws.com"),"eventName":name,"awsRegion":"us-east-1",
        "sourceIPAddress":"198.51.100.7","userAgent":"aws-cli","eventID":id,
        "recipientAccountId":"111111111111"});
    if let (Some(o), Some(x)) = (e.as_object_mut(), extra.as_object()) {
        for (k, v) in x {
            o.insert(k.clone(), v.clone());
        }
    }
    e.to_string()
}

fn assume(id: &str, time: &str, ui: Value, role_name: &str, session: &str, key: &str) -> String {
    ev(
        id,
        time,
        "AssumeRole",
        "sts",
        ui,
        json!({
        "requestParameters":{"roleArn":format!("arn:aws:iam::111111111111:role/{role_name}"),"roleSessionName":session},
        "responseElements":{"credentials":{"accessKeyId":key,"sessionToken":"x","expiration":"Jan 1, 2024, 1:00:00 AM"},
            "assumedRoleUser":{"assumedRoleId":"AROA1:x","arn":format!("arn:aws:sts::111111111111:assumed-role/{role_name}/{session}")}},
        "sharedEventID": format!("shared-{id}")}),
    )
}

fn call(id: &str, time: &str, ui: Value) -> String {
    ev(id, time, "ListBuckets", "s3", ui, json!({}))
}

fn graph(events: &[String]) -> Store {
    let refs: Vec<&str> = events.iter().map(String::as_str).collect();
    let mut store = store_from_texts(&[("trail.json", &refs)]);
    let g = CredGraph::build(&store);
    store.set_credential_graph(std::sync::Arc::new(g));
    store
}

/// (eventID, origin, hops) of every event.
fn check(store: &Store, want: &[(&str, &str, u32)]) {
    assert_eq!(store.len(), want.len(), "events loaded");
    for (i, (id, origin, hops)) in want.iter().enumerate() {
        let i = i as u32;
        assert_eq!(store.value(Column::EventId, i), *id);
        assert_eq!(store.value(Column::Origin, i), *origin, "origin of {id}");
        assert_eq!(
            store.value(Column::Hops, i),
            hops.to_string(),
            "hops of {id}: chain {}",
            store.value(Column::Chain, i)
        );
    }
}

#[test]
fn multi_hop_chain_goes_back_to_the_iam_user() {
    let s = graph(&[
        call("e1", "00:00:00", iam("alice", "AKIAALICE")),
        assume(
            "e2",
            "00:01:00",
            iam("alice", "AKIAALICE"),
            "Admin",
            "alice",
            "ASIAADMIN",
        ),
        assume(
            "e3",
            "00:02:00",
            role("Admin", "alice", "ASIAADMIN"),
            "Deploy",
            "ci-7",
            "ASIADEPLOY",
        ),
        call("e4", "00:03:00", role("Deploy", "ci-7", "ASIADEPLOY")),
    ]);
    check(
        &s,
        &[
            ("e1", "alice", 0),
            ("e2", "alice", 0),
            ("e3", "alice", 1),
            ("e4", "alice", 2),
        ],
    );
    assert_eq!(
        s.value(Column::Chain, 3),
        "alice (AKIAALICE) → Admin/alice → Deploy/ci-7"
    );
    assert_eq!(s.value(Column::Session, 3), "ASIADEPLOY");
    let hops = s
        .credential_graph()
        .map(|g| g.chain_hops(&s, 3))
        .unwrap_or_default();
    let labels: Vec<&str> = hops.iter().map(|h| h.label.as_str()).collect();
    assert_eq!(labels, ["alice (AKIAALICE)", "Admin/alice", "Deploy/ci-7"]);
    assert_eq!(hops[1].issued_by, Some(1));
    assert_eq!(hops[2].issued_by, Some(2));
    assert_eq!(hops[2].source_ip, "198.51.100.7");
}

#[test]
fn cross_account_copies_of_one_call_are_one_issue() {
    // Account A's trail: alice assumes a role of account B. Account B's
    // trail: the same call (same sharedEventID, another eventID), seen
    // from B with the caller as an AWSAccount, then the key used in B.
    let a = assume(
        "a1",
        "00:01:00",
        iam("alice", "AKIAALICE"),
        "XAcct",
        "alice",
        "ASIAX",
    );
    let mut b: Value = serde_json::from_str(&a).unwrap_or_default();
    b["eventID"] = json!("b1");
    b["userIdentity"] =
        json!({"type":"AWSAccount","principalId":"AIDA1","accountId":"111111111111"});
    b["recipientAccountId"] = json!("222222222222");
    let s = graph(&[
        a,
        b.to_string(),
        call("b2", "00:02:00", role("XAcct", "alice", "ASIAX")),
    ]);
    check(
        &s,
        &[
            ("a1", "alice", 0),
            ("b1", "111111111111", 0),
            ("b2", "alice", 1),
        ],
    );
}

#[test]
fn cross_account_without_the_callers_trail_says_so() {
    let a = assume(
        "a1",
        "00:01:00",
        iam("alice", "AKIAALICE"),
        "XAcct",
        "alice",
        "ASIAX",
    );
    let mut b: Value = serde_json::from_str(&a).unwrap_or_default();
    b["eventID"] = json!("b1");
    b["userIdentity"] =
        json!({"type":"AWSAccount","principalId":"AIDA1","accountId":"111111111111"});
    let s = graph(&[
        b.to_string(),
        call("b2", "00:02:00", role("XAcct", "alice", "ASIAX")),
    ]);
    let o = s.value(Column::Origin, 1);
    assert!(
        o.starts_with("unknown (issued to a caller in account 111111111111"),
        "{o}"
    );
}

#[test]
fn saml_and_web_identity_origins_name_subject_and_issuer() {
    let saml_ui = json!({"type":"SAMLUser","principalId":"x","userName":"bob@corp.example","identityProvider":"idp"});
    let oidc_ui = json!({"type":"WebIdentityUser","principalId":"x","userName":"repo:org/app","identityProvider":"token.actions.githubusercontent.com"});
    let s = graph(&[
        ev(
            "s1",
            "00:00:00",
            "AssumeRoleWithSAML",
            "sts",
            saml_ui,
            json!({
            "responseElements":{"credentials":{"accessKeyId":"ASIASAML"},"subject":"bob@corp.example","issuer":"https://idp.example/saml",
                "assumedRoleUser":{"arn":"arn:aws:sts::111111111111:assumed-role/SamlRole/bob@corp.example"}}}),
        ),
        call(
            "s2",
            "00:01:00",
            role("SamlRole", "bob@corp.example", "ASIASAML"),
        ),
        ev(
            "o1",
            "00:00:00",
            "AssumeRoleWithWebIdentity",
            "sts",
            oidc_ui,
            json!({
            "responseElements":{"credentials":{"accessKeyId":"ASIAOIDC"},"subjectFromWebIdentityToken":"repo:org/app:ref:refs/heads/main",
                "provider":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com",
                "assumedRoleUser":{"arn":"arn:aws:sts::111111111111:assumed-role/GhRole/gh-run"}}}),
        ),
        call("o2", "00:01:00", role("GhRole", "gh-run", "ASIAOIDC")),
    ]);
    let saml = "bob@corp.example (SAML https://idp.example/saml)";
    let oidc = "repo:org/app:ref:refs/heads/main (web identity arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com)";
    check(
        &s,
        &[
            ("s1", saml, 0),
            ("s2", saml, 1),
            ("o1", oidc, 0),
            ("o2", oidc, 1),
        ],
    );
}

#[test]
fn identity_center_console_ec2_and_service_issued_sessions() {
    let mut console = iam("dave", "ASIACONSOLE");
    console["sessionContext"] =
        json!({"attributes":{"creationDate":"2024-01-01T00:00:00Z","mfaAuthenticated":"true"}});
    let mut ec2 = role("WebRole", "i-0abc123", "ASIAEC2");
    ec2["sessionContext"]["ec2RoleDelivery"] = json!("2.0");
    let svc = json!({"type":"AWSService","invokedBy":"lambda.amazonaws.com"});
    let s = graph(&[
        call(
            "sso",
            "00:00:00",
            role("AWSReservedSSO_Admin_0123", "carol", "ASIASSO"),
        ),
        ev(
            "login",
            "00:00:00",
            "ConsoleLogin",
            "signin",
            iam("dave", ""),
            json!({"responseElements":{"ConsoleLogin":"Success"}}),
        ),
        ev(
            "c1",
            "00:01:00",
            "DescribeInstances",
            "ec2",
            console,
            json!({"sessionCredentialFromConsole":"true"}),
        ),
        call("ec2", "00:00:00", ec2),
        ev(
            "l1",
            "00:00:00",
            "AssumeRole",
            "sts",
            svc,
            json!({
            "responseElements":{"credentials":{"accessKeyId":"ASIALAMBDA"},
                "assumedRoleUser":{"arn":"arn:aws:sts::111111111111:assumed-role/FnRole/my-fn"}}}),
        ),
        call("l2", "00:00:01", role("FnRole", "my-fn", "ASIALAMBDA")),
    ]);
    check(
        &s,
        &[
            ("sso", "carol (Identity Center)", 1),
            ("login", "dave", 0),
            ("c1", "dave", 0),
            ("ec2", "EC2 instance i-0abc123", 1),
            ("l1", "lambda.amazonaws.com", 0),
            ("l2", "lambda.amazonaws.com", 1),
        ],
    );
}

#[test]
fn failed_calls_issue_nothing() {
    let mut failed: Value = serde_json::from_str(&assume(
        "f1",
        "00:00:00",
        iam("alice", "AKIAALICE"),
        "Admin",
        "alice",
        "ASIAFAIL",
    ))
    .unwrap_or_default();
    failed["errorCode"] = json!("AccessDenied");
    let mut empty: Value = serde_json::from_str(&assume(
        "f2",
        "00:00:00",
        iam("alice", "AKIAALICE"),
        "Admin",
        "alice",
        "ASIANULL",
    ))
    .unwrap_or_default();
    empty["responseElements"] = Value::Null;
    let s = graph(&[
        failed.to_string(),
        call("f3", "00:01:00", role("Admin", "alice", "ASIAFAIL")),
        empty.to_string(),
        call("f4", "00:01:00", role("Admin", "alice", "ASIANULL")),
    ]);
    check(
        &s,
        &[
            ("f1", "alice", 0),
            ("f3", "unknown (issued before the loaded logs): ASIAFAIL", 1),
            ("f2", "alice", 0),
            ("f4", "unknown (issued before the loaded logs): ASIANULL", 1),
        ],
    );
}

#[test]
fn reused_twice_issued_early_used_and_unknown_keys_never_link() {
    let s = graph(&[
        // Reused: one key, two identities.
        assume(
            "r0",
            "00:00:00",
            iam("alice", "AKIAALICE"),
            "Admin",
            "alice",
            "ASIAREUSED",
        ),
        call("r1", "00:01:00", role("Admin", "alice", "ASIAREUSED")),
        call("r2", "00:01:00", role("Other", "mallory", "ASIAREUSED")),
        // Issued twice by two different calls.
        assume(
            "t1",
            "00:00:00",
            iam("alice", "AKIAALICE"),
            "Admin",
            "twice",
            "ASIATWICE",
        ),
        assume(
            "t2",
            "00:00:10",
            iam("bob", "AKIABOB"),
            "Admin",
            "twice",
            "ASIATWICE",
        ),
        call("t3", "00:01:00", role("Admin", "twice", "ASIATWICE")),
        // Used before it was issued.
        call("b1", "00:00:00", role("Admin", "early", "ASIAEARLY")),
        assume(
            "b2",
            "00:05:00",
            iam("alice", "AKIAALICE"),
            "Admin",
            "early",
            "ASIAEARLY",
        ),
        // Issued for another identity than the one using it.
        assume(
            "w1",
            "00:00:00",
            iam("alice", "AKIAALICE"),
            "Admin",
            "alice2",
            "ASIAWRONG",
        ),
        call("w2", "00:01:00", role("Deploy", "x", "ASIAWRONG")),
        // Never issued in the loaded logs.
        call("u1", "00:00:00", role("Admin", "ghost", "ASIAUNKNOWN")),
    ]);
    check(
        &s,
        &[
            ("r0", "alice", 0),
            (
                "r1",
                "unknown (key used by several identities): ASIAREUSED",
                1,
            ),
            (
                "r2",
                "unknown (key used by several identities): ASIAREUSED",
                1,
            ),
            ("t1", "alice", 0),
            ("t2", "bob", 0),
            ("t3", "unknown (issued twice): ASIATWICE", 1),
            ("b1", "unknown (used before it was issued): ASIAEARLY", 1),
            ("b2", "alice", 0),
            ("w1", "alice", 0),
            ("w2", "unknown (issued for Admin/alice2): ASIAWRONG", 1),
            (
                "u1",
                "unknown (issued before the loaded logs): ASIAUNKNOWN",
                1,
            ),
        ],
    );
    assert_eq!(
        s.value(Column::Chain, 10),
        "unknown (issued before the loaded logs): ASIAUNKNOWN → Admin/ghost"
    );
}

#[test]
fn a_loop_stops_and_source_identity_follows_the_chain() {
    let mut a1: Value = serde_json::from_str(&assume(
        "a1",
        "00:00:00",
        iam("alice", "AKIAALICE"),
        "Admin",
        "alice",
        "ASIASI",
    ))
    .unwrap_or_default();
    a1["requestParameters"]["sourceIdentity"] = json!("alice@corp");
    let s = graph(&[
        assume(
            "l1",
            "00:00:00",
            role("A", "a", "ASIALOOPB"),
            "A",
            "a",
            "ASIALOOPA",
        ),
        assume(
            "l2",
            "00:00:00",
            role("A", "a", "ASIALOOPA"),
            "A",
            "a",
            "ASIALOOPB",
        ),
        a1.to_string(),
        assume(
            "a2",
            "00:01:00",
            role("Admin", "alice", "ASIASI"),
            "Deploy",
            "d",
            "ASIASI2",
        ),
        call("a3", "00:02:00", role("Deploy", "d", "ASIASI2")),
    ]);
    assert!(
        s.value(Column::Origin, 0).contains("loop"),
        "{}",
        s.value(Column::Origin, 0)
    );
    assert_eq!(s.value(Column::SourceIdentity, 4), "alice@corp");
    assert_eq!(s.value(Column::Origin, 4), "alice");
    assert_eq!(s.value(Column::Hops, 4), "2");
}

#[test]
fn wrong_types_and_nulls_never_break_the_graph() {
    let bad = [
        json!({"responseElements":{"credentials":{"accessKeyId":5}}}),
        json!({"responseElements":{"credentials":null}}),
        json!({"responseElements":[1,2]}),
        json!({"responseElements":"x","sharedEventID":[]}),
        json!({"responseElements":{"credentials":{"accessKeyId":"ASIAT"}},"errorCode":{"x":1},"requestParameters":{"sourceIdentity":7}}),
    ];
    let mut events: Vec<String> = bad
        .iter()
        .enumerate()
        .map(|(i, x)| {
            ev(
                &format!("x{i}"),
                "00:00:00",
                "AssumeRole",
                "sts",
                iam("alice", "AKIAALICE"),
                x.clone(),
            )
        })
        .collect();
    events.push(ev(
        "y",
        "00:00:00",
        "ListBuckets",
        "s3",
        json!({"type":7,"accessKeyId":null}),
        json!({}),
    ));
    events.push(ev(
        "z",
        "00:00:00",
        "ListBuckets",
        "s3",
        json!(null),
        json!({}),
    ));
    events.push(call("t", "00:01:00", role("Admin", "alice", "ASIAT")));
    let s = graph(&events);
    assert_eq!(s.len(), 8);
    for i in 0..5 {
        assert_eq!(s.value(Column::Origin, i), "alice");
    }
    // The wrong-typed errorCode is not a failure the hot reader knows of,
    // but the sourceIdentity of the wrong type is simply absent.
    assert_eq!(s.value(Column::SourceIdentity, 7), "");
}

#[test]
fn query_fields_sort_and_facet_read_the_chain() {
    let mut a1: Value = serde_json::from_str(&assume(
        "e2",
        "00:01:00",
        iam("alice", "AKIAALICE"),
        "Admin",
        "alice",
        "ASIAADMIN",
    ))
    .unwrap_or_default();
    a1["requestParameters"]["sourceIdentity"] = json!("alice@corp");
    let s = graph(&[
        call("e1", "00:00:00", iam("alice", "AKIAALICE")),
        a1.to_string(),
        assume(
            "e3",
            "00:02:00",
            role("Admin", "alice", "ASIAADMIN"),
            "Deploy",
            "ci-7",
            "ASIADEPLOY",
        ),
        call("e4", "00:03:00", role("Deploy", "ci-7", "ASIADEPLOY")),
        call("e5", "00:03:00", role("Other", "x", "ASIAOTHER")),
    ]);
    let ids = |q: &str| -> Vec<u32> {
        let q = trailview_core::query::parse(q).expect("parses");
        q.select(&s, &s.all_rows())
    };
    assert_eq!(ids("origin:alice"), [0, 1, 2, 3]);
    assert_eq!(ids("hops:>=2"), [3]);
    assert_eq!(ids("session:ASIAADMIN"), [2]);
    assert_eq!(ids("chain:*Admin*"), [2, 3]);
    assert_eq!(ids("source_identity:*"), [2, 3]);
    assert_eq!(ids("origin:unknown*"), [4]);
    assert_eq!(ids("-origin:alice"), [4]);
    // Sorting by hops, descending.
    let mut rows = s.all_rows();
    s.sort_by_column(
        &mut rows,
        Column::Hops,
        trailview_core::model::Direction::Descending,
    );
    assert_eq!(rows[0], 3);
    let f = s.facet(&s.all_rows(), Column::Origin, 5);
    assert_eq!(f.top[0].value, "alice");
    assert_eq!(f.top[0].count, 4);
}

fn console_user(user: &str, key: &str, created: &str) -> Value {
    let mut ui = iam(user, key);
    ui["sessionContext"] = json!({"attributes":{"creationDate":format!("2024-01-01T{created}Z"),"mfaAuthenticated":"true"}});
    ui
}

fn console_call(id: &str, time: &str, ui: Value) -> String {
    ev(
        id,
        time,
        "DescribeInstances",
        "ec2",
        ui,
        json!({"sessionCredentialFromConsole":"true"}),
    )
}

fn login(id: &str, time: &str, user: &str, result: &str) -> String {
    ev(
        id,
        time,
        "ConsoleLogin",
        "signin",
        iam(user, ""),
        json!({"responseElements":{"ConsoleLogin":result}}),
    )
}

#[test]
fn console_sessions_are_user_plus_sign_in_time_and_link_to_their_login() {
    let s = graph(&[
        login("login1", "10:00:00", "dave", "Success"),
        // One sign-in, two temporary keys (the console rotates them).
        console_call(
            "c1",
            "10:01:00",
            console_user("dave", "ASIACON1", "10:00:00"),
        ),
        console_call(
            "c2",
            "10:20:00",
            console_user("dave", "ASIACON2", "10:00:00"),
        ),
        // A second sign-in: another session.
        login("login2", "12:00:01", "dave", "Success"),
        console_call(
            "c3",
            "12:05:00",
            console_user("dave", "ASIACON3", "12:00:00"),
        ),
        // A failed sign-in at the same time as a session issues nothing.
        login("bad", "14:00:00", "erin", "Failure"),
        console_call(
            "c4",
            "14:01:00",
            console_user("erin", "ASIACON4", "14:00:00"),
        ),
        // The same user's key without console use keeps the key as session.
        call("k1", "15:00:00", iam("dave", "AKIADAVE")),
        // A long-term key is never a console session, even when flagged.
        console_call(
            "k2",
            "15:01:00",
            console_user("dave", "AKIADAVE2", "15:00:00"),
        ),
    ]);
    check(
        &s,
        &[
            ("login1", "dave", 0),
            ("c1", "dave", 0),
            ("c2", "dave", 0),
            ("login2", "dave", 0),
            ("c3", "dave", 0),
            ("bad", "erin", 0),
            ("c4", "erin", 0),
            ("k1", "dave", 0),
            ("k2", "dave", 0),
        ],
    );
    let session = |i: u32| s.value(Column::Session, i).into_owned();
    assert_eq!(session(8), "AKIADAVE2");
    assert_eq!(session(1), "dave console 2024-01-01T10:00:00Z");
    assert_eq!(session(2), session(1), "two keys of one sign-in");
    assert_eq!(session(4), "dave console 2024-01-01T12:00:00Z");
    assert_eq!(session(6), "erin console 2024-01-01T14:00:00Z");
    assert_eq!(session(7), "AKIADAVE");
    let g = s.credential_graph().expect("graph");
    assert_eq!(g.session_id(&s, 1), g.session_id(&s, 2));
    assert_ne!(g.session_id(&s, 1), g.session_id(&s, 4));
    // The session's hop names its ConsoleLogin (within 2 s of creationDate).
    let issued = |i: u32| g.chain_hops(&s, i).last().and_then(|h| h.issued_by);
    assert_eq!(issued(1), Some(0));
    assert_eq!(issued(2), Some(0));
    assert_eq!(issued(4), Some(3));
    assert_eq!(issued(6), None, "a failed sign-in issues nothing");
}

#[test]
fn two_sign_ins_at_one_time_link_to_neither() {
    let s = graph(&[
        login("a", "10:00:00", "dave", "Success"),
        login("b", "10:00:01", "dave", "Success"),
        console_call(
            "c1",
            "10:01:00",
            console_user("dave", "ASIACON1", "10:00:00"),
        ),
    ]);
    let g = s.credential_graph().expect("graph");
    assert_eq!(g.chain_hops(&s, 2).last().and_then(|h| h.issued_by), None);
    assert_eq!(s.value(Column::Origin, 2), "dave");
}

fn get_role_credentials(id: &str, time: &str, user: &str, key: Value) -> String {
    ev(
        id,
        time,
        "GetRoleCredentials",
        "sso",
        json!({"type":"Unknown","principalId":"111111111111","accountId":"111111111111","userName":user}),
        json!({"requestParameters":{"roleName":"Admin","accountId":"111111111111"},
               "responseElements":{"roleCredentials":{"accessKeyId":key,"expiration":1}}}),
    )
}

#[test]
fn identity_center_get_role_credentials_issues_sso_role_sessions() {
    let s = graph(&[
        get_role_credentials("grc", "09:00:00", "carol@example.com", json!("ASIASSO1")),
        call(
            "use",
            "09:00:05",
            role("AWSReservedSSO_Admin_0123", "carol@example.com", "ASIASSO1"),
        ),
        // A key Identity Center issued, used by a role it does not manage.
        get_role_credentials("grc2", "09:10:00", "carol@example.com", json!("ASIASSO2")),
        call("odd", "09:10:05", role("Deploy", "x", "ASIASSO2")),
        // Without the key in the response (as CloudTrail usually logs it),
        // nothing is linked: the role's own rule names the user.
        get_role_credentials("grc3", "09:20:00", "dan", Value::Null),
        call(
            "sso3",
            "09:20:05",
            role("AWSReservedSSO_Read_9", "dan", "ASIASSO3"),
        ),
    ]);
    check(
        &s,
        &[
            ("grc", "carol@example.com", 0),
            ("use", "carol@example.com (Identity Center)", 1),
            ("grc2", "carol@example.com", 0),
            (
                "odd",
                "unknown (issued by Identity Center for another role): ASIASSO2",
                1,
            ),
            ("grc3", "dan", 0),
            ("sso3", "dan (Identity Center)", 1),
        ],
    );
    let g = s.credential_graph().expect("graph");
    let hops = g.chain_hops(&s, 1);
    assert_eq!(hops.last().and_then(|h| h.issued_by), Some(0), "{hops:?}");
    assert_eq!(g.chain_hops(&s, 5).last().and_then(|h| h.issued_by), None);
}

#[test]
fn incremental_loads_link_across_files_and_rebuilds() {
    // The issuing call in one file, its uses in a later one.
    let first = [
        call("u1", "00:00:00", iam("alice", "AKIAALICE")),
        assume(
            "a1",
            "00:00:01",
            iam("alice", "AKIAALICE"),
            "Admin",
            "alice",
            "ASIAADMIN",
        ),
    ];
    let second = [
        call("u2", "00:00:02", role("Admin", "alice", "ASIAADMIN")),
        login("login", "00:10:00", "alice", "Success"),
    ];
    let third = [console_call(
        "c1",
        "00:11:00",
        console_user("alice", "ASIACON", "00:10:00"),
    )];
    let refs = |v: &[String]| v.iter().map(String::clone).collect::<Vec<_>>();
    let (f1, f2, f3) = (refs(&first), refs(&second), refs(&third));
    let r1: Vec<&str> = f1.iter().map(String::as_str).collect();
    let mut store = store_from_texts(&[("1.json", &r1)]);
    store.set_credential_graph(std::sync::Arc::new(CredGraph::build(&store)));
    assert_eq!(store.value(Column::Origin, 1), "alice");
    // Append the next files as a later load does, then rebuild.
    for (name, f) in [("2.json", &f2), ("3.json", &f3)] {
        let r: Vec<&str> = f.iter().map(String::as_str).collect();
        let mut b = trailview_core::store::batch::BatchBuilder::new(name.into());
        for (i, e) in r.iter().enumerate() {
            let _ = trailview_core::ingest::PushRecord::push_raw(&mut b, e, i as u32);
        }
        store.append(b.finish());
        assert_eq!(
            store.value(Column::Origin, store.len() as u32 - 1),
            "",
            "not covered before a rebuild"
        );
        store.set_credential_graph(std::sync::Arc::new(CredGraph::build(&store)));
    }
    check(
        &store,
        &[
            ("u1", "alice", 0),
            ("a1", "alice", 0),
            ("u2", "alice", 1),
            ("login", "alice", 0),
            ("c1", "alice", 0),
        ],
    );
    assert_eq!(
        store.value(Column::Chain, 2),
        "alice (AKIAALICE) → Admin/alice"
    );
    assert_eq!(
        store.value(Column::Session, 4),
        "alice console 2024-01-01T00:10:00Z"
    );
    let g = store.credential_graph().expect("graph");
    assert_eq!(
        g.chain_hops(&store, 2).last().and_then(|h| h.issued_by),
        Some(1)
    );
    assert_eq!(
        g.chain_hops(&store, 4).last().and_then(|h| h.issued_by),
        Some(3)
    );
}
