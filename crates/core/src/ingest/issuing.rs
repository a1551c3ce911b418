//! Credential facts captured while a record is read, for the credential
//! graph ([`crate::store::creds`]): the issuing calls, successful console
//! sign-ins, and per key the hints of its first events.
//!
//! Only events named like an issuing call (`sts` `AssumeRole*`,
//! `GetSessionToken`, `GetFederationToken`, `AssumeRoot`, `sso`
//! `GetRoleCredentials`) or `ConsoleLogin`, without an `errorCode`, are
//! read again: a tiny fraction of events, and of each only the values the
//! record reader located (`responseElements`, `requestParameters`,
//! `userIdentity`, the ids; about 0.5 µs a call), else the whole record.
//! A call issues a key only when its
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
/// When the record reader located the values a capture reads
/// (`responseElements`, `requestParameters`, `userIdentity`, `eventID`,
/// `sharedEventID`: [`RawSpans`](crate::ingest::record::RawSpans)), only
/// those are parsed (same answer, a fraction of the text); otherwise the
/// whole record is.
pub fn capture_fields(f: &RecordFields<'_>, raw: &str) -> Option<Captured> {
    let name = f.event_name.as_str();
    if f.spans.complete {
        // Most failed or odd calls have no credentials at all: skip the parse.
        let marker = marker_of(name);
        marker.find(f.spans.response?.as_bytes())?;
        // Only federated and Identity Center calls name their origin in
        // `userIdentity`; `ConsoleLogin` reads the response alone.
        let identity = matches!(
            name,
            "AssumeRoleWithSAML" | "AssumeRoleWithWebIdentity" | "GetRoleCredentials"
        );
        if let Some(d) = doc::Doc::from_spans(&f.spans, identity) {
            return d.captured(name);
        }
    }
    capture(name, raw)
}

/// The key whose presence in `responseElements` a capture needs.
fn marker_of(name: &str) -> &'static memchr::memmem::Finder<'static> {
    use std::sync::LazyLock;
    static CREDENTIALS: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"\"credentials\""));
    static ROLE_CREDENTIALS: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"\"roleCredentials\""));
    static CONSOLE_LOGIN: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"\"ConsoleLogin\""));
    match name {
        "GetRoleCredentials" => &ROLE_CREDENTIALS,
        "ConsoleLogin" => &CONSOLE_LOGIN,
        _ => &CREDENTIALS,
    }
}

/// Reads what a record for which [`may_capture`] holds adds, if anything,
/// from its whole text.
pub fn capture(name: &str, raw: &str) -> Option<Captured> {
    // Most failed or odd calls have no credentials at all: skip the parse.
    marker_of(name).find(raw.as_bytes())?;
    if name != "ConsoleLogin" {
        return parse_issue(name, raw.as_bytes()).map(Captured::Issue);
    }
    match serde_json::from_str::<doc::Doc<'_>>(raw) {
        Ok(d) => d.captured(name),
        // A record the typed reader refuses (a duplicated key) is read
        // through a tree, as [`parse_issue`] does.
        Err(_) => {
            let v: Value = serde_json::from_str(raw).ok()?;
            (text(&v, &["responseElements", "ConsoleLogin"]) == "Success"
                && text(&v, &["errorCode"]).is_empty())
            .then_some(Captured::Login)
        }
    }
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
/// credentials in the response, or not JSON). The typed reader of
/// [`doc`] reads only the fields used (no tree is built); a record it
/// refuses (a duplicated key) is read through a `serde_json::Value`, which
/// gives the same answer for every record the typed reader accepts.
pub fn parse_issue(name: &str, bytes: &[u8]) -> Option<IssueText> {
    match serde_json::from_slice::<doc::Doc<'_>>(bytes) {
        Ok(d) => d.issue(name),
        Err(_) => parse_issue_value(name, bytes),
    }
}

/// [`parse_issue`] over a generic tree.
fn parse_issue_value(name: &str, bytes: &[u8]) -> Option<IssueText> {
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

mod doc {
    //! The fields of an issuing call, read by serde without building a
    //! tree. [`Str`] is a string or nothing (any other type reads as
    //! absent, as `Value::as_str` does) and [`Obj`] an object or nothing,
    //! so only a duplicated key makes the typed read fail.

    use std::borrow::Cow;
    use std::marker::PhantomData;

    use serde::Deserialize;
    use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

    use super::{Captured, IssueText, or_unknown, principal_of_arn};
    use crate::store::creds::IssueKind;

    #[derive(Debug, Default)]
    pub struct Str<'a>(Option<Cow<'a, str>>);

    impl Str<'_> {
        pub fn get(&self) -> &str {
            self.0.as_deref().unwrap_or("")
        }
    }

    impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Str<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                    Ok(Str(Some(Cow::Borrowed(v))))
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                    Ok(Str(Some(Cow::Owned(v.to_owned()))))
                }
                fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                    Ok(Str(Some(Cow::Owned(v))))
                }
                fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                    Ok(Str(None))
                }
                fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                    Ok(Str(None))
                }
                fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                    Ok(Str(None))
                }
                fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                    Ok(Str(None))
                }
                fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                    Ok(Str(None))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(Str(None))
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                    Ok(Str(None))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// An object read as `T`, or nothing for any other value.
    #[derive(Debug, Default)]
    pub struct Obj<T>(pub Option<T>);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V<T>(PhantomData<T>);
            impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
                type Value = Obj<T>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                    T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| Obj(Some(t)))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(Obj(None))
                }
                fn visit_borrowed_str<E: de::Error>(self, _: &'de str) -> Result<Self::Value, E> {
                    Ok(Obj(None))
                }
                fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                    Ok(Obj(None))
                }
                fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                    Ok(Obj(None))
                }
                fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                    Ok(Obj(None))
                }
                fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                    Ok(Obj(None))
                }
                fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                    Ok(Obj(None))
                }
                fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                    Ok(Obj(None))
                }
            }
            d.deserialize_any(V(PhantomData))
        }
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    pub struct Doc<'a> {
        #[serde(rename = "errorCode", borrow)]
        pub error_code: Str<'a>,
        #[serde(rename = "eventID", borrow)]
        event_id: Str<'a>,
        #[serde(rename = "sharedEventID", borrow)]
        shared_event_id: Str<'a>,
        #[serde(rename = "userIdentity", borrow)]
        user_identity: Obj<Identity<'a>>,
        #[serde(rename = "requestParameters", borrow)]
        request: Obj<Request<'a>>,
        #[serde(rename = "responseElements", borrow)]
        pub response: Obj<Response<'a>>,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Identity<'a> {
        #[serde(rename = "userName", borrow)]
        user_name: Str<'a>,
        #[serde(rename = "identityProvider", borrow)]
        identity_provider: Str<'a>,
        #[serde(rename = "principalId", borrow)]
        principal_id: Str<'a>,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Request<'a> {
        #[serde(rename = "sourceIdentity", borrow)]
        source_identity: Str<'a>,
        #[serde(rename = "principalArn", borrow)]
        principal_arn: Str<'a>,
        #[serde(rename = "providerId", borrow)]
        provider_id: Str<'a>,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    pub struct Response<'a> {
        #[serde(borrow)]
        credentials: Obj<Key<'a>>,
        #[serde(rename = "roleCredentials", borrow)]
        role_credentials: Obj<Key<'a>>,
        #[serde(borrow)]
        subject: Str<'a>,
        #[serde(borrow)]
        issuer: Str<'a>,
        #[serde(rename = "subjectFromWebIdentityToken", borrow)]
        subject_from_web_identity_token: Str<'a>,
        #[serde(borrow)]
        provider: Str<'a>,
        #[serde(rename = "sourceIdentity", borrow)]
        source_identity: Str<'a>,
        #[serde(rename = "assumedRoleUser", borrow)]
        assumed_role_user: Obj<Arn<'a>>,
        #[serde(rename = "federatedUser", borrow)]
        federated_user: Obj<Arn<'a>>,
        #[serde(rename = "ConsoleLogin", borrow)]
        pub console_login: Str<'a>,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Key<'a> {
        #[serde(rename = "accessKeyId", borrow)]
        access_key_id: Str<'a>,
    }

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Arn<'a> {
        #[serde(borrow)]
        arn: Str<'a>,
    }

    fn arn_of<'s>(a: &'s Obj<Arn<'_>>) -> &'s str {
        a.0.as_ref().map_or("", |a| a.arn.get())
    }

    fn first<'s>(v: &[&'s str]) -> &'s str {
        v.iter().copied().find(|s| !s.is_empty()).unwrap_or("")
    }

    impl<'a> Doc<'a> {
        /// The values a capture needs, from the texts the record reader
        /// located (`userIdentity` only when `identity`: the calls that
        /// name their origin there); `None` when one of them does not
        /// read (a repeated key inside: the whole record is parsed
        /// instead).
        pub fn from_spans(
            s: &crate::ingest::record::RawSpans<'a>,
            identity: bool,
        ) -> Option<Doc<'a>> {
            fn read<'a, T: Deserialize<'a> + Default>(v: Option<&'a str>) -> Option<T> {
                match v {
                    Some(text) => serde_json::from_str(text).ok(),
                    None => Some(T::default()),
                }
            }
            Some(Doc {
                error_code: Str(None),
                event_id: read(s.event_id)?,
                shared_event_id: read(s.shared_event_id)?,
                user_identity: if identity {
                    read(s.user_identity)?
                } else {
                    Obj(None)
                },
                request: read(s.request)?,
                response: read(s.response)?,
            })
        }

        /// What the record adds: a successful sign-in, or an issue.
        pub fn captured(&self, name: &str) -> Option<Captured> {
            if name == "ConsoleLogin" {
                let ok = self
                    .response
                    .0
                    .as_ref()
                    .is_some_and(|r| r.console_login.get() == "Success")
                    && self.error_code.get().is_empty();
                return ok.then_some(Captured::Login);
            }
            self.issue(name).map(Captured::Issue)
        }

        /// The same answer as `parse_issue_value` on the same record.
        pub fn issue(&self, name: &str) -> Option<IssueText> {
            if !self.error_code.get().is_empty() {
                return None;
            }
            let none = Response::default();
            let r = self.response.0.as_ref().unwrap_or(&none);
            let key_of = |k: &Obj<Key<'_>>| {
                k.0.as_ref()
                    .map_or("", |k| k.access_key_id.get())
                    .to_owned()
            };
            let key = if name == "GetRoleCredentials" {
                key_of(&r.role_credentials)
            } else {
                key_of(&r.credentials)
            };
            if key.is_empty() {
                return None;
            }
            let no_id = Identity::default();
            let ui = self.user_identity.0.as_ref().unwrap_or(&no_id);
            let no_req = Request::default();
            let req = self.request.0.as_ref().unwrap_or(&no_req);
            let (kind, federated_origin) = match name {
                "AssumeRoleWithSAML" => {
                    let subject = first(&[r.subject.get(), ui.user_name.get()]);
                    let issuer = first(&[
                        r.issuer.get(),
                        ui.identity_provider.get(),
                        req.principal_arn.get(),
                    ]);
                    (
                        IssueKind::Federated,
                        format!("{} (SAML {})", or_unknown(subject), or_unknown(issuer)),
                    )
                }
                "AssumeRoleWithWebIdentity" => {
                    let subject =
                        first(&[r.subject_from_web_identity_token.get(), ui.user_name.get()]);
                    let provider = first(&[
                        r.provider.get(),
                        ui.identity_provider.get(),
                        req.provider_id.get(),
                    ]);
                    (
                        IssueKind::Federated,
                        format!(
                            "{} (web identity {})",
                            or_unknown(subject),
                            or_unknown(provider)
                        ),
                    )
                }
                "GetRoleCredentials" => {
                    let user = first(&[ui.user_name.get(), ui.principal_id.get()]);
                    (
                        IssueKind::IdentityCenter,
                        format!("{} (Identity Center)", or_unknown(user)),
                    )
                }
                _ => (IssueKind::ByCaller, String::new()),
            };
            let arn = first(&[arn_of(&r.assumed_role_user), arn_of(&r.federated_user)]);
            Some(IssueText {
                kind: Some(kind),
                key,
                shared_event_id: self.shared_event_id.get().to_owned(),
                event_id: self.event_id.get().to_owned(),
                source_identity: first(&[req.source_identity.get(), r.source_identity.get()])
                    .to_owned(),
                issued_for: principal_of_arn(arn).to_owned(),
                federated_origin,
            })
        }
    }
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

    #[test]
    fn values_located_by_the_record_reader_give_the_same_issue() {
        let cases = [
            r#"{"eventName":"AssumeRole","eventID":"e1","sharedEventID":"s1","requestParameters":{"sourceIdentity":"si"},"responseElements":{"credentials":{"accessKeyId":"ASIA1"},"assumedRoleUser":{"arn":"arn:aws:sts::1:assumed-role/R/s"}}}"#,
            r#"{"eventName":"GetSessionToken","eventID":7,"sharedEventID":null,"responseElements":{"credentials":{"accessKeyId":"ASIA1"}}}"#,
            r#"{"eventName":"AssumeRole","responseElements":{"credentials":{"accessKeyId":"ASIA1","accessKeyId":"ASIA2"}}}"#,
            r#"{"eventName":"AssumeRole","responseElements":{"x":1},"responseElements":{"credentials":{"accessKeyId":"ASIA1"}}}"#,
            r#"{"eventName":"AssumeRole","requestParameters":{"credentials":1},"responseElements":null}"#,
            r#"{"eventName":"AssumeRoot","responseElements":{"credentials":{"accessKeyId":"ASIA3"}},"errorCode":null}"#,
            r#"{"eventName":"AssumeRoleWithSAML","userIdentity":{"type":"SAMLUser","userName":"u","identityProvider":"idp"},"requestParameters":{"principalArn":"p"},"responseElements":{"credentials":{"accessKeyId":"ASIA4"},"subject":"s","issuer":"i"}}"#,
            r#"{"eventName":"AssumeRoleWithSAML","userIdentity":{"type":"SAMLUser","userName":"u","identityProvider":"idp"},"requestParameters":{"principalArn":"p"},"responseElements":{"credentials":{"accessKeyId":"ASIA4"}}}"#,
            r#"{"eventName":"AssumeRoleWithWebIdentity","userIdentity":{"type":"WebIdentityUser","userName":"sub","identityProvider":"token.actions.githubusercontent.com"},"responseElements":{"credentials":{"accessKeyId":"ASIA5"},"provider":null}}"#,
            r#"{"eventName":"AssumeRoleWithWebIdentity","userIdentity":null,"requestParameters":{"providerId":"pid"},"responseElements":{"credentials":{"accessKeyId":"ASIA5"},"subjectFromWebIdentityToken":"s2"}}"#,
            r#"{"eventName":"GetRoleCredentials","eventSource":"sso.amazonaws.com","userIdentity":{"type":"Unknown","principalId":"pid"},"responseElements":{"roleCredentials":{"accessKeyId":"ASIA6"}}}"#,
            r#"{"eventName":"GetRoleCredentials","eventSource":"sso.amazonaws.com","userIdentity":{"userName":["x"]},"responseElements":{"credentials":{"accessKeyId":"ASIA6"}}}"#,
            r#"{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"}}"#,
            r#"{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Failure"}}"#,
            r#"{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success","ConsoleLogin":"Failure"}}"#,
            r#"{"eventName":"ConsoleLogin","responseElements":null}"#,
            r#"{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"},"userIdentity":{"type":"IAMUser"},"userIdentity":{}}"#,
        ];
        for raw in cases {
            let (f, _) = crate::ingest::record_scan::read_record(raw, 0)
                .unwrap_or_else(|| (parse_record(raw).expect("record"), 0));
            assert_eq!(
                capture_fields(&f, raw),
                capture(f.event_name.as_str(), raw),
                "{raw}"
            );
        }
    }

    #[test]
    fn typed_reader_agrees_with_the_tree() {
        let cases = [
            r#"{"eventID":"e","sharedEventID":7,"requestParameters":{"sourceIdentity":["x"]},"responseElements":{"credentials":{"accessKeyId":"ASIA1"},"sourceIdentity":"si","assumedRoleUser":"str","federatedUser":{"arn":"arn:aws:sts::1:federated-user/bob"}}}"#,
            r#"{"userIdentity":{"userName":"u","identityProvider":{"x":1}},"requestParameters":{"principalArn":"p","providerId":"q"},"responseElements":{"credentials":{"accessKeyId":"ASIA1"},"subject":null,"issuer":"i","provider":"v"}}"#,
            r#"{"userIdentity":[1],"requestParameters":null,"responseElements":{"credentials":{"accessKeyId":"ASIA1"},"roleCredentials":{"accessKeyId":"ASIA2"}}}"#,
            r#"{"errorCode":5,"responseElements":{"credentials":{"accessKeyId":"ASIA1"}}}"#,
            r#"{"errorCode":"X","responseElements":{"credentials":{"accessKeyId":"ASIA1"}}}"#,
            r#"{"responseElements":{"credentials":{"accessKeyId":"ASIA1","accessKeyId":"ASIA3"}}}"#,
        ];
        for raw in cases {
            for name in [
                "AssumeRole",
                "AssumeRoleWithSAML",
                "AssumeRoleWithWebIdentity",
                "GetRoleCredentials",
            ] {
                assert_eq!(
                    parse_issue(name, raw.as_bytes()),
                    parse_issue_value(name, raw.as_bytes()),
                    "{name} {raw}"
                );
            }
        }
    }
}
