//! Reads one JSON document in a single pass and streams the records of the
//! container shapes it recognises into a [`Sink`]:
//!
//! - `{"Records":[...]}`: each element's exact bytes (borrowed, never
//!   copied into a tree);
//! - a bare array: each element;
//! - `aws cloudtrail lookup-events` output `{"Events":[...]}`: the decoded
//!   `CloudTrailEvent` string, or the `CloudTrailEvent` object, or the
//!   entry itself when it is the event (AWS documentation variant);
//! - a CloudWatch Logs subscription envelope: each `logEvents[].message`
//!   string (keys in any order).
//!
//! Any other object is described by [`ObjectKeys`] so that the caller can
//! tell a single event from a digest or from something else. Records are
//! pushed as they are met, so a document cut short keeps the records before
//! the cut.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::ingest::sink::Sink;

/// The error a container list ends with when its sink stopped taking
/// events (memory budget): callers check [`Sink::stopped`] first.
const STOPPED: &str = "reading stopped: memory budget";

/// What a top-level document turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    Object(ObjectKeys),
    /// A bare array; its elements were pushed.
    Array,
    /// A string, number, boolean or null.
    Scalar(&'static str),
}

/// The interesting keys of a top-level object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObjectKeys {
    pub records: bool,
    pub events: bool,
    pub log_events: bool,
    pub digest_fingerprint: bool,
    pub log_files: bool,
    /// Any top-level CloudTrail event field (`eventTime`, `userIdentity`...).
    pub event_field: bool,
    /// A container key whose value was `null` instead of a list.
    pub null_list: Option<&'static str>,
}

impl ObjectKeys {
    /// Records came out of a container key.
    pub fn is_container(&self) -> bool {
        self.records || self.events || self.log_events
    }

    pub fn is_digest(&self) -> bool {
        self.digest_fingerprint && self.log_files
    }
}

/// Top-level keys that only a CloudTrail event has (compared ignoring case,
/// since some data-lake exports lower-case every key).
const EVENT_FIELDS: [&str; 13] = [
    "eventVersion",
    "eventTime",
    "eventName",
    "eventSource",
    "eventID",
    "eventType",
    "eventCategory",
    "userIdentity",
    "awsRegion",
    "recipientAccountId",
    "sourceIPAddress",
    "requestParameters",
    "requestID",
];

/// Reads one complete JSON document (nothing but whitespace after it).
pub fn read_document(text: &str, sink: &mut Sink) -> Result<Doc, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let doc = Top { sink }.deserialize(&mut de)?;
    de.end()?;
    Ok(doc)
}

enum Key {
    Records,
    Events,
    LogEvents,
    DigestFingerprint,
    LogFiles,
    EventField,
    Other,
}

impl Key {
    fn of(s: &str) -> Key {
        match s {
            "Records" => Key::Records,
            "Events" => Key::Events,
            "logEvents" => Key::LogEvents,
            "digestPublicKeyFingerprint" => Key::DigestFingerprint,
            "logFiles" => Key::LogFiles,
            _ if EVENT_FIELDS.iter().any(|f| f.eq_ignore_ascii_case(s)) => Key::EventField,
            _ => Key::Other,
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key::of(v))
            }
        }
        d.deserialize_str(V)
    }
}

struct Top<'s> {
    sink: &'s mut Sink,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = Doc;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Doc, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = Doc;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Doc, A::Error> {
        let sink = self.sink;
        let mut keys = ObjectKeys::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Records => {
                    keys.records = true;
                    let listed = map.next_value_seed(List {
                        sink: &mut *sink,
                        each: Each::Record,
                    })?;
                    if !listed {
                        keys.null_list = Some("Records");
                    }
                }
                Key::Events => {
                    keys.events = true;
                    let listed = map.next_value_seed(List {
                        sink: &mut *sink,
                        each: Each::Lookup,
                    })?;
                    if !listed {
                        keys.null_list = Some("Events");
                    }
                }
                Key::LogEvents => {
                    keys.log_events = true;
                    let listed = map.next_value_seed(List {
                        sink: &mut *sink,
                        each: Each::CloudWatch,
                    })?;
                    if !listed {
                        keys.null_list = Some("logEvents");
                    }
                }
                other => {
                    match other {
                        Key::DigestFingerprint => keys.digest_fingerprint = true,
                        Key::LogFiles => keys.log_files = true,
                        Key::EventField => keys.event_field = true,
                        _ => {}
                    }
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Doc::Object(keys))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Doc, A::Error> {
        List {
            sink: self.sink,
            each: Each::Record,
        }
        .visit_seq(seq)?;
        Ok(Doc::Array)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Doc, E> {
        Ok(Doc::Scalar("a string"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Doc, E> {
        Ok(Doc::Scalar("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Doc, E> {
        Ok(Doc::Scalar("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Doc, E> {
        Ok(Doc::Scalar("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Doc, E> {
        Ok(Doc::Scalar("a number"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Doc, E> {
        Ok(Doc::Scalar("null"))
    }
}

/// How each element of a container list becomes a record.
#[derive(Clone, Copy)]
enum Each {
    Record,
    Lookup,
    CloudWatch,
}

struct List<'s> {
    sink: &'s mut Sink,
    each: Each,
}

/// True when the value was a list; false for `null`.
impl<'de> DeserializeSeed<'de> for List<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for List<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            match self.each {
                Each::Record => self.sink.push(raw.get()),
                Each::Lookup => push_lookup_entry(raw.get(), self.sink),
                Each::CloudWatch => push_cloudwatch_entry(raw.get(), self.sink),
            }
            if self.sink.stopped().is_some() {
                // Out of memory budget: nothing more is kept, so the rest
                // of the text is not read (the caller sees the sink's
                // stop, not this error).
                return Err(de::Error::custom(STOPPED));
            }
        }
        Ok(true)
    }

    /// `"Records": null` and the like hold no records (the file is
    /// reported: see [`ObjectKeys::null_list`]).
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
}

#[derive(Deserialize)]
struct LookupEntry<'a> {
    #[serde(rename = "CloudTrailEvent", borrow)]
    event: Option<&'a RawValue>,
}

/// One `lookup-events` entry: the event is the `CloudTrailEvent` string (or
/// object); an entry without it is taken as the event itself.
fn push_lookup_entry(raw: &str, sink: &mut Sink) {
    let entry = match serde_json::from_str::<LookupEntry<'_>>(raw) {
        Ok(e) => e,
        // Not an object: let the sink report what it is.
        Err(_) => return sink.push(raw),
    };
    match entry.event {
        Some(ev) if ev.get().starts_with('"') => {
            match serde_json::from_str::<Cow<'_, str>>(ev.get()) {
                Ok(text) => sink.push(&text),
                Err(e) => sink.problem(format!("CloudTrailEvent is not a readable string: {e}")),
            }
        }
        Some(ev) if ev.get().starts_with('{') => sink.push(ev.get()),
        Some(ev) => sink.push(ev.get()),
        // `"CloudTrailEvent": null` reads as absent.
        None if raw.contains("\"CloudTrailEvent\"") => {
            sink.problem("CloudTrailEvent is null".to_owned())
        }
        None => sink.push(raw),
    }
}

#[derive(Deserialize)]
struct CloudWatchEntry<'a> {
    #[serde(borrow)]
    message: Option<Cow<'a, str>>,
}

/// One CloudWatch Logs event: its `message` string is the CloudTrail event.
fn push_cloudwatch_entry(raw: &str, sink: &mut Sink) {
    match serde_json::from_str::<CloudWatchEntry<'_>>(raw) {
        Ok(CloudWatchEntry { message: Some(m) }) => sink.push(&m),
        Ok(CloudWatchEntry { message: None }) => {
            sink.problem("logEvents entry has no message".to_owned())
        }
        Err(e) => sink.problem(format!("logEvents entry is not readable: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Result<Doc, serde_json::Error>, crate::store::batch::Batch) {
        let mut sink = Sink::new("t.json".into());
        let doc = read_document(text, &mut sink);
        (doc, sink.finish())
    }

    #[test]
    fn records_keep_exact_bytes() {
        let text = "{\"Records\": [ {\"eventName\": \"A\",\n \"x\":1} ,{\"eventName\":\"B\"}]}";
        let (doc, b) = read(text);
        let doc = doc.expect("reads");
        assert!(matches!(doc, Doc::Object(k) if k.records && k.is_container()));
        assert_eq!(b.len(), 2);
        let mut store = crate::store::Store::new();
        store.append(b);
        assert_eq!(
            store.raw(0).expect("readable"),
            b"{\"eventName\": \"A\",\n \"x\":1}"
        );
        assert_eq!(store.raw(1).expect("readable"), b"{\"eventName\":\"B\"}");
    }

    #[test]
    fn lookup_events_string_object_and_bare_entries() {
        let text = r#"{"NextToken":"x","Events":[
            {"EventId":"1","CloudTrailEvent":"{\"eventName\":\"S\",\"eventID\":\"1\"}"},
            {"CloudTrailEvent":{"eventName":"O"}},
            {"eventName":"Bare","eventType":"AwsCloudTrailInsight"},
            {"CloudTrailEvent":null}]}"#;
        let (doc, b) = read(text);
        assert!(matches!(doc.expect("reads"), Doc::Object(k) if k.events));
        assert_eq!(b.len(), 3);
        assert_eq!(b.problems.len(), 1);
        assert_eq!(b.insight_events, 1);
        let mut store = crate::store::Store::new();
        store.append(b);
        assert_eq!(
            store.raw(0).expect("readable"),
            br#"{"eventName":"S","eventID":"1"}"#
        );
        assert_eq!(store.raw(1).expect("readable"), br#"{"eventName":"O"}"#);
    }

    #[test]
    fn cloudwatch_envelope_in_any_key_order() {
        let text = r#"{"logEvents":[{"id":"1","timestamp":1,"message":"{\"eventName\":\"PutObject\"}"},{"id":"2"}],"owner":"1","messageType":"DATA_MESSAGE"}"#;
        let (doc, b) = read(text);
        assert!(matches!(doc.expect("reads"), Doc::Object(k) if k.log_events));
        assert_eq!(b.len(), 1);
        assert_eq!(b.problems[0].reason, "logEvents entry has no message");
        let mut store = crate::store::Store::new();
        store.append(b);
        assert_eq!(
            store.raw(0).expect("readable"),
            br#"{"eventName":"PutObject"}"#
        );
    }

    #[test]
    fn describes_other_documents() {
        let (doc, b) = read(r#"{"digestPublicKeyFingerprint":"ab","logFiles":[]}"#);
        assert!(matches!(doc.expect("reads"), Doc::Object(k) if k.is_digest()));
        assert!(b.is_empty());
        let (doc, _) = read(r#"{"eventname":"lower-cased export"}"#);
        assert!(
            matches!(doc.expect("reads"), Doc::Object(k) if k.event_field && !k.is_container())
        );
        let (doc, b) = read(r#"[{"eventName":"A"}, 42]"#);
        assert_eq!(doc.expect("reads"), Doc::Array);
        assert_eq!((b.len(), b.problems.len()), (1, 1));
        assert_eq!(read("42").0.expect("reads"), Doc::Scalar("a number"));
        assert_eq!(read(r#"{"Records":null}"#).1.len(), 0);
    }

    #[test]
    fn cut_document_keeps_records_before_the_cut() {
        let (doc, b) = read(r#"{"Records":[{"eventName":"A"},{"eventName":"B"},{"eventNa"#);
        assert!(doc.is_err());
        assert_eq!(b.len(), 2);
        let (doc, _) = read(r#"{"a":1} {"b":2}"#);
        assert!(doc.is_err());
    }
}
