//! Reads the hot fields of one CloudTrail event from its raw JSON bytes.
//!
//! Parsing borrows from the input wherever the JSON has no escapes, skips
//! every field it does not need, and never requires any field: a record
//! without `eventTime`, `userIdentity` or anything else still yields a row.
//! Values of unexpected JSON types (numbers, booleans, lists) are kept as
//! their JSON text rather than rejected.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Any JSON value read as text: strings as themselves, numbers and booleans
/// as their JSON text, `null` as absent, lists and objects as compact JSON.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Loose<'a>(pub Option<Cow<'a, str>>);

/// An exact column's value for a field that was present but not a plain
/// string. No plain string equals it: a NUL in a JSON string is written
/// `\u0000`, an escape, which makes the string not plain.
pub const NOT_PLAIN: &str = "\0";

impl<'a> Loose<'a> {
    pub fn as_str(&self) -> &str {
        self.0.as_deref().unwrap_or("")
    }

    /// What an exact column keeps: the value when it surely was a JSON
    /// string written without escapes (borrowed from the record, and not
    /// a boolean's text), `""` when absent or null, else [`NOT_PLAIN`] (a
    /// number, list or object read as text would not be what a JSON path
    /// reads).
    pub fn exact_str(&self) -> &str {
        match &self.0 {
            None => "",
            Some(Cow::Borrowed(s)) if *s != "true" && *s != "false" => s,
            Some(_) => NOT_PLAIN,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.as_str().is_empty()
    }

    /// The value if present and not empty.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref().filter(|s| !s.is_empty())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Loose<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Loose<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Loose(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Loose(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Loose(Some(Cow::Owned(v))))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Loose(Some(Cow::Borrowed(if v { "true" } else { "false" }))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Loose(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Loose(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Loose(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Loose(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Loose(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                Loose::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element::<serde_json::Value>()? {
                    items.push(v);
                }
                Ok(Loose(Some(Cow::Owned(join_list(&items)))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut obj = serde_json::Map::new();
                while let Some((k, v)) = map.next_entry::<String, serde_json::Value>()? {
                    obj.insert(k, v);
                }
                Ok(Loose(Some(Cow::Owned(
                    serde_json::Value::Object(obj).to_string(),
                ))))
            }
        }
        d.deserialize_any(V)
    }
}

/// A JSON list read as text: strings joined by `, ` (as a comma-separated
/// `sourceIPAddress` reads), anything else as compact JSON.
fn join_list(items: &[serde_json::Value]) -> String {
    if items.iter().all(|v| v.is_string()) {
        items
            .iter()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        serde_json::Value::Array(items.to_vec()).to_string()
    }
}

/// The hot fields of one event. Everything is optional.
#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RecordFields<'a> {
    #[serde(rename = "eventTime", borrow)]
    pub event_time: Loose<'a>,
    #[serde(rename = "@timestamp", borrow)]
    pub at_timestamp: Loose<'a>,
    #[serde(rename = "eventName", borrow)]
    pub event_name: Loose<'a>,
    #[serde(rename = "eventSource", borrow)]
    pub event_source: Loose<'a>,
    #[serde(rename = "awsRegion", borrow)]
    pub aws_region: Loose<'a>,
    #[serde(rename = "recipientAccountId", borrow)]
    pub recipient_account_id: Loose<'a>,
    #[serde(rename = "sourceIPAddress", borrow)]
    pub source_ip: Loose<'a>,
    #[serde(rename = "userAgent", borrow)]
    pub user_agent: Loose<'a>,
    #[serde(rename = "errorCode", borrow)]
    pub error_code: Loose<'a>,
    #[serde(rename = "eventType", borrow)]
    pub event_type: Loose<'a>,
    #[serde(rename = "eventCategory", borrow)]
    pub event_category: Loose<'a>,
    #[serde(rename = "readOnly", borrow)]
    pub read_only: Loose<'a>,
    #[serde(rename = "eventID", borrow)]
    pub event_id: Loose<'a>,
    #[serde(rename = "sessionCredentialFromConsole", borrow)]
    pub console: Loose<'a>,
    #[serde(rename = "userIdentity", borrow)]
    pub user_identity: Option<UserIdentity<'a>>,
    #[serde(rename = "additionalEventData", borrow)]
    pub additional: Option<AdditionalEventData<'a>>,
    /// Where a few cold values are in the record's text, when the one-pass
    /// reader read it (never set by serde): see [`RawSpans`].
    #[serde(skip)]
    pub spans: RawSpans<'a>,
}

/// The JSON texts of `responseElements`, `requestParameters`,
/// `sharedEventID`, `eventID` and `userIdentity` as they appear in the
/// record, noted by
/// [`crate::ingest::record_scan`] while it skips them, so that reading an
/// issuing call ([`crate::ingest::issuing`]) parses those values only.
/// `complete` is false when the record was read another way or one of
/// these keys repeats; the whole record is then parsed. Not part of a
/// record's equality: it says where values are, not what they are.
#[derive(Debug, Default, Clone, Copy)]
pub struct RawSpans<'a> {
    pub complete: bool,
    pub response: Option<&'a str>,
    pub request: Option<&'a str>,
    pub shared_event_id: Option<&'a str>,
    pub event_id: Option<&'a str>,
    pub user_identity: Option<&'a str>,
}

impl PartialEq for RawSpans<'_> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for RawSpans<'_> {}

/// The parts of `userIdentity` the identity rules read.
#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct UserIdentity<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Loose<'a>,
    #[serde(rename = "userName", borrow)]
    pub user_name: Loose<'a>,
    #[serde(borrow)]
    pub arn: Loose<'a>,
    #[serde(rename = "principalId", borrow)]
    pub principal_id: Loose<'a>,
    #[serde(rename = "accountId", borrow)]
    pub account_id: Loose<'a>,
    #[serde(rename = "invokedBy", borrow)]
    pub invoked_by: Loose<'a>,
    #[serde(rename = "accessKeyId", borrow)]
    pub access_key_id: Loose<'a>,
    #[serde(rename = "sessionContext", borrow)]
    pub session_context: Option<SessionContext<'a>>,
    #[serde(rename = "onBehalfOf", borrow)]
    pub on_behalf_of: Option<OnBehalfOf<'a>>,
}

#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SessionContext<'a> {
    #[serde(rename = "sessionIssuer", borrow)]
    pub session_issuer: Option<SessionIssuer<'a>>,
    #[serde(borrow)]
    pub attributes: Option<SessionAttributes<'a>>,
    /// Read for the credential graph (an EC2 instance profile's sessions).
    #[serde(rename = "ec2RoleDelivery", borrow)]
    pub ec2_role_delivery: Loose<'a>,
    #[serde(rename = "sourceIdentity", borrow)]
    pub source_identity: Loose<'a>,
}

#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SessionIssuer<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Loose<'a>,
    #[serde(rename = "userName", borrow)]
    pub user_name: Loose<'a>,
    #[serde(borrow)]
    pub arn: Loose<'a>,
}

#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SessionAttributes<'a> {
    #[serde(rename = "mfaAuthenticated", borrow)]
    pub mfa_authenticated: Loose<'a>,
    /// When the session's credentials were made (a console sign-in's time).
    #[serde(rename = "creationDate", borrow)]
    pub creation_date: Loose<'a>,
}

#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct OnBehalfOf<'a> {
    #[serde(rename = "userId", borrow)]
    pub user_id: Loose<'a>,
}

#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AdditionalEventData<'a> {
    #[serde(rename = "UserName", borrow)]
    pub user_name: Loose<'a>,
}

/// Why a record could not be read as an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// Valid JSON, but not an object (a number, a string, a list...).
    NotAnObject(&'static str),
    /// Not valid JSON.
    Malformed(String),
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::NotAnObject(kind) => write!(f, "record is {kind}, not a JSON object"),
            RecordError::Malformed(e) => write!(f, "malformed JSON: {e}"),
        }
    }
}

/// Reads the hot fields of one event from its raw JSON text.
pub fn parse_record(raw: &str) -> Result<RecordFields<'_>, RecordError> {
    let first = raw.trim_start().as_bytes().first().copied();
    if first != Some(b'{') {
        return Err(match serde_json::from_str::<IgnoredAny>(raw) {
            Ok(_) => RecordError::NotAnObject(json_kind(first)),
            Err(e) => RecordError::Malformed(e.to_string()),
        });
    }
    match serde_json::from_str::<RecordFields<'_>>(raw) {
        Ok(fields) => Ok(fields),
        // A field of a shape the borrowed reader does not expect (for
        // example a `userIdentity` that is a string, or a duplicated key):
        // read what can be read from a generic tree instead of failing.
        Err(_) => match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(value) => Ok(fields_from_value(&value)),
            Err(e) => Err(RecordError::Malformed(e.to_string())),
        },
    }
}

fn json_kind(first: Option<u8>) -> &'static str {
    match first {
        Some(b'[') => "a list",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Slow path of [`parse_record`]: the same fields out of a generic tree.
fn fields_from_value(v: &serde_json::Value) -> RecordFields<'static> {
    let s = |v: &serde_json::Value, path: &[&str]| -> Loose<'static> {
        let mut cur = v;
        for key in path {
            match cur.get(key) {
                Some(next) => cur = next,
                None => return Loose(None),
            }
        }
        match cur {
            serde_json::Value::Null => Loose(None),
            serde_json::Value::String(s) => Loose(Some(Cow::Owned(s.clone()))),
            serde_json::Value::Array(items) => Loose(Some(Cow::Owned(join_list(items)))),
            other => Loose(Some(Cow::Owned(other.to_string()))),
        }
    };
    let ui = v.get("userIdentity").filter(|u| u.is_object());
    RecordFields {
        event_time: s(v, &["eventTime"]),
        at_timestamp: s(v, &["@timestamp"]),
        event_name: s(v, &["eventName"]),
        event_source: s(v, &["eventSource"]),
        aws_region: s(v, &["awsRegion"]),
        recipient_account_id: s(v, &["recipientAccountId"]),
        source_ip: s(v, &["sourceIPAddress"]),
        user_agent: s(v, &["userAgent"]),
        error_code: s(v, &["errorCode"]),
        event_type: s(v, &["eventType"]),
        event_category: s(v, &["eventCategory"]),
        read_only: s(v, &["readOnly"]),
        event_id: s(v, &["eventID"]),
        console: s(v, &["sessionCredentialFromConsole"]),
        user_identity: ui.map(|u| UserIdentity {
            kind: s(u, &["type"]),
            user_name: s(u, &["userName"]),
            arn: s(u, &["arn"]),
            principal_id: s(u, &["principalId"]),
            account_id: s(u, &["accountId"]),
            invoked_by: s(u, &["invokedBy"]),
            access_key_id: s(u, &["accessKeyId"]),
            session_context: Some(SessionContext {
                session_issuer: Some(SessionIssuer {
                    kind: s(u, &["sessionContext", "sessionIssuer", "type"]),
                    user_name: s(u, &["sessionContext", "sessionIssuer", "userName"]),
                    arn: s(u, &["sessionContext", "sessionIssuer", "arn"]),
                }),
                attributes: Some(SessionAttributes {
                    mfa_authenticated: s(u, &["sessionContext", "attributes", "mfaAuthenticated"]),
                    creation_date: s(u, &["sessionContext", "attributes", "creationDate"]),
                }),
                ec2_role_delivery: s(u, &["sessionContext", "ec2RoleDelivery"]),
                source_identity: s(u, &["sessionContext", "sourceIdentity"]),
            }),
            on_behalf_of: Some(OnBehalfOf {
                user_id: s(u, &["onBehalfOf", "userId"]),
            }),
        }),
        additional: Some(AdditionalEventData {
            user_name: s(v, &["additionalEventData", "UserName"]),
        }),
        spans: RawSpans::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hot_fields_borrowed() {
        let raw = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"alice","accessKeyId":"AKIA1"},
            "eventTime":"2023-07-10T11:45:03Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",
            "awsRegion":"us-east-1","sourceIPAddress":"1.2.3.4","readOnly":true,"eventID":"e1",
            "requestParameters":{"bucketName":"b","nested":[1,2,{"x":null}]}}"#;
        let f = parse_record(raw).expect("parses");
        assert_eq!(f.event_name.as_str(), "GetObject");
        assert!(matches!(f.event_name.0, Some(Cow::Borrowed(_))));
        assert_eq!(f.read_only.as_str(), "true");
        let ui = f.user_identity.expect("identity");
        assert_eq!(ui.user_name.as_str(), "alice");
        assert_eq!(ui.access_key_id.as_str(), "AKIA1");
    }

    #[test]
    fn odd_types_become_text() {
        let raw = r#"{"sourceIPAddress":["81.2.69.142","192.168.10.10"],"readOnly":"false","awsRegion":null,"eventName":"A\"B"}"#;
        let f = parse_record(raw).expect("parses");
        assert_eq!(f.source_ip.as_str(), "81.2.69.142, 192.168.10.10");
        assert_eq!(f.read_only.as_str(), "false");
        assert!(f.aws_region.0.is_none());
        assert_eq!(f.event_name.as_str(), "A\"B");
    }

    #[test]
    fn wrong_shapes_fall_back_or_report() {
        let f = parse_record(r#"{"userIdentity":"weird","eventName":"X","eventName":"Y"}"#)
            .expect("falls back");
        assert_eq!(f.event_name.as_str(), "Y");
        assert!(f.user_identity.is_none());
        assert!(matches!(
            parse_record("42"),
            Err(RecordError::NotAnObject("a number"))
        ));
        assert!(matches!(
            parse_record("[1]"),
            Err(RecordError::NotAnObject("a list"))
        ));
        assert!(matches!(
            parse_record("{\"a\":"),
            Err(RecordError::Malformed(_))
        ));
        assert!(matches!(
            parse_record("nope"),
            Err(RecordError::Malformed(_))
        ));
    }

    #[test]
    fn empty_object_is_an_event_with_no_fields() {
        let f = parse_record("{}").expect("parses");
        assert!(f.event_time.0.is_none());
        assert!(f.user_identity.is_none());
    }
}
