//! Credential facts captured while a record is read, for the credential
//! graph ([`crate::store::creds`]): the issuing calls, successful console
//! sign-ins, and per key the hints of its first events.
//!
//! Only events named like an issuing call (`sts` `AssumeRole*`,
//! `GetSessionToken`, `GetFederationToken`, `AssumeRoot`, `sso`
//! `GetRoleCredentials`) or `ConsoleLogin`, without an `errorCode`, are
//! parsed again (one `serde_json` parse of the record's text, already in
//! memory): a tiny fraction of events. A call issues a key only when its
//! `responseElements.credentials.accessKeyId` (for `GetRoleCredentials`,
//! `responseElements.roleCredentials.accessKeyId`) is a non-empty string;
//! any field of another type, `null` or absent simply gives less
//! information. The hints (`ec2RoleDelivery`, `sourceIdentity`,
//! `creationDate`) come from the hot fields the record reader read anyway.

use serde_json::Value;

use crate::ingest::record::RecordFields;
use crate::store::creds::{IssueKind, IssueText};

/// Event names of the `sts` calls that issue temporary credentials.
pub const ISSUER_NAMES: [&str; 6] = [
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "GetSessionToken",
    "GetFederationToken",
    "AssumeRoot",
];

/// What an event may add to the credential facts.
#[derive(Debug, PartialEq, Eq)]
pub enum Captured {
    Issue(IssueText),
    Login,
}

/// Whether the record may issue credentials or be a sign-in: checked on
/// the hot fields before anything is parsed.
pub fn may_capture(f: &RecordFields<'_>) -> bool {
    if !f.error_code.is_empty() {
        return false;
    }
    let name = f.event_name.as_str();
    ISSUER_NAMES.contains(&name)
        || name == "ConsoleLogin"
        || (name == "GetRoleCredentials" && f.event_source.as_str() == "sso.amazonaws.com")
}

/// Reads what a record for which [`may_capture`] holds adds, if anything.
pub fn capture(name: &str, raw: &str) -> Option<Captured> {
    if name == "ConsoleLogin" {
        let v: Value = serde_json::from_str(raw).ok()?;
        let ok = text(&v, &["responseElements", "ConsoleLogin"]) == "Success"
            && text(&v, &["errorCode"]).is_empty();
        return ok.then_some(Captured::Login);
    }
    let marker = if name == "GetRoleCredentials" {
        "\"roleCredentials\""
    } else {
        "\"credentials\""
    };
    // Most failed or odd calls have no credentials at all: skip the parse.
    memchr::memmem::find(raw.as_bytes(), marker.as_bytes())?;
    parse_issue(name, raw.as_bytes()).map(Captured::Issue)
}

/// The string at `path`, or "" when absent, null or not a string.
pub fn text<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(next) => cur = next,
            None => return "",
        }
    }
    cur.as_str().unwrap_or("")
}

/// The first non-empty of several paths.
fn first<'a>(v: &'a Value, paths: &[&[&str]]) -> &'a str {
    paths
        .iter()
        .map(|p| text(v, p))
        .find(|s| !s.is_empty())
        .unwrap_or("")
}

/// `<role>/<session>` of an `assumed-role` ARN, the name of a
/// `federated-user` ARN, else "".
pub fn principal_of_arn(arn: &str) -> &str {
    for marker in [":assumed-role/", ":federated-user/"] {
        if let Some(at) = arn.find(marker) {
            return &arn[at + marker.len()..];
        }
    }
    ""
}

fn or_unknown(s: &str) -> &str {
    if s.is_empty() { "unknown" } else { s }
}

/// Reads an issuing call; `None` when it issued nothing (failed, no
/// credentials in the response, or not JSON).
pub fn parse_issue(name: &str, bytes: &[u8]) -> Option<IssueText> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    if !text(&v, &["errorCode"]).is_empty() {
        return None;
    }
    let key = if name == "GetRoleCredentials" {
        text(&v, &["responseElements", "roleCredentials", "accessKeyId"])
    } else {
        text(&v, &["responseElements", "credentials", "accessKeyId"])
    };
    if key.is_empty() {
        return None;
    }
    let kind = match name {
        "AssumeRoleWithSAML" | "AssumeRoleWithWebIdentity" => IssueKind::Federated,
        "GetRoleCredentials" => IssueKind::IdentityCenter,
        _ => IssueKind::ByCaller,
    };
    let federated_origin = match name {
        "AssumeRoleWithSAML" => {
            let subject = first(
                &v,
                &[
                    &["responseElements", "subject"],
                    &["userIdentity", "userName"],
                ],
            );
            let issuer = first(
                &v,
                &[
                    &["responseElements", "issuer"],
                    &["userIdentity", "identityProvider"],
                    &["requestParameters", "principalArn"],
                ],
            );
            format!("{} (SAML {})", or_unknown(subject), or_unknown(issuer))
        }
        "AssumeRoleWithWebIdentity" => {
            let subject = first(
                &v,
                &[
                    &["responseElements", "subjectFromWebIdentityToken"],
                    &["userIdentity", "userName"],
                ],
            );
            let provider = first(
                &v,
                &[
                    &["responseElements", "provider"],
                    &["userIdentity", "identityProvider"],
                    &["requestParameters", "providerId"],
                ],
            );
            format!(
                "{} (web identity {})",
                or_unknown(subject),
                or_unknown(provider)
            )
        }
        "GetRoleCredentials" => {
            // The Identity Center user who asked: `userIdentity.userName`
            // (its `principalId` when no name is given).
            let user = first(
                &v,
                &[
                    &["userIdentity", "userName"],
                    &["userIdentity", "principalId"],
                ],
            );
            format!("{} (Identity Center)", or_unknown(user))
        }
        _ => String::new(),
    };
    let arn = first(
        &v,
        &[
            &["responseElements", "assumedRoleUser", "arn"],
            &["responseElements", "federatedUser", "arn"],
        ],
    );
    Some(IssueText {
        kind: Some(kind),
        key: key.to_owned(),
        shared_event_id: text(&v, &["sharedEventID"]).to_owned(),
        event_id: text(&v, &["eventID"]).to_owned(),
        source_identity: first(
            &v,
            &[
                &["requestParameters", "sourceIdentity"],
                &["responseElements", "sourceIdentity"],
            ],
        )
        .to_owned(),
        issued_for: principal_of_arn(arn).to_owned(),
        federated_origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::record::parse_record;

    fn cap(raw: &str) -> Option<Captured> {
        let f = parse_record(raw).expect("record");
        if !may_capture(&f) {
            return None;
        }
        capture(f.event_name.as_str(), raw)
    }

    #[test]
    fn assume_role_issues_its_key() {
        let raw = r#"{"eventName":"AssumeRole","eventID":"e1","sharedEventID":"s1",
            "requestParameters":{"sourceIdentity":"alice"},
            "responseElements":{"credentials":{"accessKeyId":"ASIA1"},
            "assumedRoleUser":{"arn":"arn:aws:sts::1:assumed-role/Admin/alice"}}}"#;
        let Some(Captured::Issue(i)) = cap(raw) else {
            panic!("no issue")
        };
        assert_eq!(i.kind, Some(IssueKind::ByCaller));
        assert_eq!(i.key, "ASIA1");
        assert_eq!(i.shared_event_id, "s1");
        assert_eq!(i.source_identity, "alice");
        assert_eq!(i.issued_for, "Admin/alice");
    }

    #[test]
    fn failures_and_odd_types_issue_nothing() {
        for raw in [
            r#"{"eventName":"AssumeRole","errorCode":"AccessDenied","responseElements":{"credentials":{"accessKeyId":"ASIA1"}}}"#,
            r#"{"eventName":"AssumeRole","responseElements":null}"#,
            r#"{"eventName":"AssumeRole","responseElements":{"credentials":{"accessKeyId":7}}}"#,
            r#"{"eventName":"AssumeRole","responseElements":{"credentials":[]}}"#,
            r#"{"eventName":"GetRoleCredentials","eventSource":"sso.amazonaws.com","responseElements":null}"#,
            r#"{"eventName":"GetRoleCredentials","eventSource":"x","responseElements":{"roleCredentials":{"accessKeyId":"ASIA2"}}}"#,
            r#"{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Failure"}}"#,
            r#"{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":true}}"#,
        ] {
            assert_eq!(cap(raw), None, "{raw}");
        }
    }

    #[test]
    fn identity_center_and_console_login() {
        let raw = r#"{"eventName":"GetRoleCredentials","eventSource":"sso.amazonaws.com",
            "userIdentity":{"type":"Unknown","userName":"bob"},
            "requestParameters":{"roleName":"Admin","accountId":"1"},
            "responseElements":{"roleCredentials":{"accessKeyId":"ASIA2"}}}"#;
        let Some(Captured::Issue(i)) = cap(raw) else {
            panic!("no issue")
        };
        assert_eq!(i.kind, Some(IssueKind::IdentityCenter));
        assert_eq!(i.key, "ASIA2");
        assert_eq!(i.federated_origin, "bob (Identity Center)");
        let login = r#"{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"}}"#;
        assert_eq!(cap(login), Some(Captured::Login));
    }
}
