//! The events that issue credentials, read from their original JSON.
//!
//! Only events named like an issuing call (`sts` `AssumeRole*`,
//! `GetSessionToken`, `GetFederationToken`, `AssumeRoot`) that did not fail
//! are read back from the raw store, so this costs one JSON parse per
//! issuing event, not per event. A call issues a key only when its
//! `responseElements.credentials.accessKeyId` is a non-empty string; any
//! field of another type, `null` or absent simply gives less information.
//! The same module reads the hints of a key nobody issued in the loaded
//! data (`ec2RoleDelivery`, `sourceIdentity`) from the key's first event.

use serde_json::Value;

use crate::model::EventIdx;

/// Event names of the calls that issue temporary credentials.
pub(crate) const ISSUER_NAMES: [&str; 6] = [
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "GetSessionToken",
    "GetFederationToken",
    "AssumeRoot",
];

/// What kind of call issued a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IssueKind {
    /// `AssumeRole`, `GetSessionToken`, `GetFederationToken`, `AssumeRoot`:
    /// the caller's own credentials are the previous hop.
    ByCaller,
    /// `AssumeRoleWithSAML` / `AssumeRoleWithWebIdentity`: the previous hop
    /// is the federated identity named in the call.
    Federated,
}

/// One successful issuing call.
#[derive(Debug, Clone)]
pub(crate) struct Issue {
    pub event: EventIdx,
    pub kind: IssueKind,
    /// The issued access key id.
    pub key: String,
    pub shared_event_id: String,
    pub event_id: String,
    /// `requestParameters.sourceIdentity`.
    pub source_identity: String,
    /// `<role>/<session>` or the federated user's name the key was issued
    /// for, empty when the response does not say.
    pub issued_for: String,
    /// For [`IssueKind::Federated`]: the origin text (subject and issuer).
    pub federated_origin: String,
}

/// The string at `path`, or "" when absent, null or not a string.
pub(crate) fn text<'a>(v: &'a Value, path: &[&str]) -> &'a str {
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
pub(crate) fn principal_of_arn(arn: &str) -> &str {
    for marker in [":assumed-role/", ":federated-user/"] {
        if let Some(at) = arn.find(marker) {
            return &arn[at + marker.len()..];
        }
    }
    ""
}

/// Reads an issuing call; `None` when it issued nothing (failed, no
/// credentials in the response, or not JSON).
pub(crate) fn parse_issue(event: EventIdx, name: &str, bytes: &[u8]) -> Option<Issue> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    if !text(&v, &["errorCode"]).is_empty() {
        return None;
    }
    let key = text(&v, &["responseElements", "credentials", "accessKeyId"]);
    if key.is_empty() {
        return None;
    }
    let kind = match name {
        "AssumeRoleWithSAML" | "AssumeRoleWithWebIdentity" => IssueKind::Federated,
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
        _ => String::new(),
    };
    let arn = first(
        &v,
        &[
            &["responseElements", "assumedRoleUser", "arn"],
            &["responseElements", "federatedUser", "arn"],
        ],
    );
    Some(Issue {
        event,
        kind,
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

fn or_unknown(s: &str) -> &str {
    if s.is_empty() { "unknown" } else { s }
}

/// What the first event of a key nobody issued in the loaded data says
/// about where it came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyHints {
    /// `sessionContext.ec2RoleDelivery` is set: an EC2 instance profile.
    pub ec2_role_delivery: bool,
    /// `sessionContext.sourceIdentity`.
    pub source_identity: String,
}

/// Reads [`KeyHints`] from an event's bytes (nothing when not JSON).
pub(crate) fn parse_hints(bytes: &[u8]) -> KeyHints {
    let Ok(v) = serde_json::from_slice::<Value>(bytes) else {
        return KeyHints::default();
    };
    let ctx = &v["userIdentity"]["sessionContext"];
    let ec2 = match ctx.get("ec2RoleDelivery") {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    };
    KeyHints {
        ec2_role_delivery: ec2,
        source_identity: text(ctx, &["sourceIdentity"]).to_owned(),
    }
}
