//! A hand-written one-pass reader for one CloudTrail record: the hot fields
//! of [`RecordFields`] and where the record ends, without serde's generic
//! machinery for the fields it does not need.
//!
//! Object keys are compared byte-wise against the hot keys; a hot value
//! that is a plain string without escapes is borrowed, `null`, `true` and
//! `false` are read directly, and anything else (escaped strings, numbers,
//! lists, objects) is handed to serde on that value's slice, which gives
//! exactly [`crate::ingest::record`]'s semantics. Every other value is
//! skipped by the validating scanner in [`crate::ingest::json_scan`].
//!
//! The contract: when [`read_record`] returns `Some`, serde's reader of
//! [`RecordFields`] would have accepted the record with equal fields and the
//! same end. Anything this reader is not sure about (a duplicated hot key,
//! an escaped key, a hot object given as a list, invalid JSON) gives `None`
//! and the caller reads the record the serde way.

use std::borrow::Cow;

use crate::ingest::json_scan::{literal_end, skip_value, skip_ws, string_end};
use crate::ingest::record::{
    AdditionalEventData, Loose, OnBehalfOf, RawSpans, RecordFields, SessionAttributes,
    SessionContext, SessionIssuer, UserIdentity,
};

/// Reads the record object starting at `start` in `text`: its hot fields
/// and the index just after its closing brace.
pub fn read_record(text: &str, start: usize) -> Option<(RecordFields<'_>, usize)> {
    let b = text.as_bytes();
    let mut f = RecordFields::default();
    let mut seen = 0u32;
    let mut spans = RawSpans {
        complete: true,
        ..RawSpans::default()
    };
    let end = read_object(b, start, |key, i| {
        let (bit, slot) = match key {
            b"eventTime" => (0, &mut f.event_time),
            b"@timestamp" => (1, &mut f.at_timestamp),
            b"eventName" => (2, &mut f.event_name),
            b"eventSource" => (3, &mut f.event_source),
            b"awsRegion" => (4, &mut f.aws_region),
            b"recipientAccountId" => (5, &mut f.recipient_account_id),
            b"sourceIPAddress" => (6, &mut f.source_ip),
            b"userAgent" => (7, &mut f.user_agent),
            b"errorCode" => (8, &mut f.error_code),
            b"eventType" => (9, &mut f.event_type),
            b"eventCategory" => (10, &mut f.event_category),
            b"readOnly" => (11, &mut f.read_only),
            b"eventID" => {
                once(&mut seen, 12)?;
                let (v, end) = loose(text, i)?;
                f.event_id = v;
                spans.event_id = text.get(i..end);
                return Some(end);
            }
            b"sessionCredentialFromConsole" => (13, &mut f.console),
            b"userIdentity" => {
                once(&mut seen, 14)?;
                let (v, end) = optional(text, i, user_identity)?;
                f.user_identity = v;
                spans.user_identity = text.get(i..end);
                return Some(end);
            }
            b"additionalEventData" => {
                once(&mut seen, 15)?;
                let (v, end) = optional(text, i, additional)?;
                f.additional = v;
                return Some(end);
            }
            b"responseElements" => return cold(text, i, &mut spans.response, &mut spans.complete),
            b"requestParameters" => return cold(text, i, &mut spans.request, &mut spans.complete),
            b"sharedEventID" => {
                return cold(text, i, &mut spans.shared_event_id, &mut spans.complete);
            }
            _ => return skip_value(b, i),
        };
        once(&mut seen, bit)?;
        let (v, end) = loose(text, i)?;
        *slot = v;
        Some(end)
    })?;
    f.spans = spans;
    Some((f, end))
}

/// Skips a cold value, noting where it is ([`RawSpans`]); a repeated key
/// makes the spans incomplete.
#[inline]
fn cold<'a>(
    text: &'a str,
    i: usize,
    slot: &mut Option<&'a str>,
    complete: &mut bool,
) -> Option<usize> {
    let end = skip_value(text.as_bytes(), i)?;
    if slot.is_some() {
        *complete = false;
    }
    *slot = text.get(i..end);
    Some(end)
}

fn user_identity(text: &str, i: usize) -> Option<(UserIdentity<'_>, usize)> {
    let b = text.as_bytes();
    let mut u = UserIdentity::default();
    let mut seen = 0u32;
    let end = read_object(b, i, |key, i| {
        let (bit, slot) = match key {
            b"type" => (0, &mut u.kind),
            b"userName" => (1, &mut u.user_name),
            b"arn" => (2, &mut u.arn),
            b"principalId" => (3, &mut u.principal_id),
            b"accountId" => (4, &mut u.account_id),
            b"invokedBy" => (5, &mut u.invoked_by),
            b"accessKeyId" => (6, &mut u.access_key_id),
            b"sessionContext" => {
                once(&mut seen, 7)?;
                let (v, end) = optional(text, i, session_context)?;
                u.session_context = v;
                return Some(end);
            }
            b"onBehalfOf" => {
                once(&mut seen, 8)?;
                let (v, end) = optional(text, i, on_behalf_of)?;
                u.on_behalf_of = v;
                return Some(end);
            }
            _ => return skip_value(b, i),
        };
        once(&mut seen, bit)?;
        let (v, end) = loose(text, i)?;
        *slot = v;
        Some(end)
    })?;
    Some((u, end))
}

fn session_context(text: &str, i: usize) -> Option<(SessionContext<'_>, usize)> {
    let b = text.as_bytes();
    let mut c = SessionContext::default();
    let mut seen = 0u32;
    let end = read_object(b, i, |key, i| match key {
        b"sessionIssuer" => {
            once(&mut seen, 0)?;
            let (v, end) = optional(text, i, session_issuer)?;
            c.session_issuer = v;
            Some(end)
        }
        b"attributes" => {
            once(&mut seen, 1)?;
            let (v, end) = optional(text, i, attributes)?;
            c.attributes = v;
            Some(end)
        }
        b"ec2RoleDelivery" => {
            once(&mut seen, 2)?;
            let (v, end) = loose(text, i)?;
            c.ec2_role_delivery = v;
            Some(end)
        }
        b"sourceIdentity" => {
            once(&mut seen, 3)?;
            let (v, end) = loose(text, i)?;
            c.source_identity = v;
            Some(end)
        }
        _ => skip_value(b, i),
    })?;
    Some((c, end))
}

fn session_issuer(text: &str, i: usize) -> Option<(SessionIssuer<'_>, usize)> {
    let b = text.as_bytes();
    let mut s = SessionIssuer::default();
    let mut seen = 0u32;
    let end = read_object(b, i, |key, i| {
        let (bit, slot) = match key {
            b"userName" => (0, &mut s.user_name),
            b"arn" => (1, &mut s.arn),
            b"type" => (2, &mut s.kind),
            _ => return skip_value(b, i),
        };
        once(&mut seen, bit)?;
        let (v, end) = loose(text, i)?;
        *slot = v;
        Some(end)
    })?;
    Some((s, end))
}

fn attributes(text: &str, i: usize) -> Option<(SessionAttributes<'_>, usize)> {
    let b = text.as_bytes();
    let mut a = SessionAttributes::default();
    let mut seen = 0u32;
    let end = read_object(b, i, |key, i| {
        let (bit, slot) = match key {
            b"mfaAuthenticated" => (0, &mut a.mfa_authenticated),
            b"creationDate" => (1, &mut a.creation_date),
            _ => return skip_value(b, i),
        };
        once(&mut seen, bit)?;
        let (v, end) = loose(text, i)?;
        *slot = v;
        Some(end)
    })?;
    Some((a, end))
}

fn on_behalf_of(text: &str, i: usize) -> Option<(OnBehalfOf<'_>, usize)> {
    let mut o = OnBehalfOf::default();
    let end = single_field(text, i, b"userId", &mut o.user_id)?;
    Some((o, end))
}

fn additional(text: &str, i: usize) -> Option<(AdditionalEventData<'_>, usize)> {
    let mut a = AdditionalEventData::default();
    let end = single_field(text, i, b"UserName", &mut a.user_name)?;
    Some((a, end))
}

/// An object with one hot key (read into `slot`) and nothing else needed.
fn single_field<'a>(text: &'a str, i: usize, name: &[u8], slot: &mut Loose<'a>) -> Option<usize> {
    let b = text.as_bytes();
    let mut seen = 0u32;
    read_object(b, i, |key, i| {
        if key != name {
            return skip_value(b, i);
        }
        once(&mut seen, 0)?;
        let (v, end) = loose(text, i)?;
        *slot = v;
        Some(end)
    })
}

/// Marks field `bit` as read; `None` when it already was (serde refuses a
/// duplicated field, so the record goes the serde way).
#[inline]
fn once(seen: &mut u32, bit: u32) -> Option<()> {
    let mask = 1 << bit;
    if *seen & mask != 0 {
        return None;
    }
    *seen |= mask;
    Some(())
}

/// An `Option<T>` field: `null` is `None`, an object is read by `read`.
/// Anything else (serde would read a list as a struct, or fail) gives up.
fn optional<'a, T>(
    text: &'a str,
    i: usize,
    read: fn(&'a str, usize) -> Option<(T, usize)>,
) -> Option<(Option<T>, usize)> {
    let b = text.as_bytes();
    match *b.get(i)? {
        b'n' => Some((None, literal_end(b, i, b"null")?)),
        b'{' => read(text, i).map(|(v, end)| (Some(v), end)),
        _ => None,
    }
}

/// A [`Loose`] value starting at `i`. The common case, a string without
/// escapes, is inlined; everything else is read by [`loose_other`].
#[inline(always)]
fn loose(text: &str, i: usize) -> Option<(Loose<'_>, usize)> {
    let b = text.as_bytes();
    if b.get(i) == Some(&b'"') {
        let (end, escaped) = string_end(b, i + 1)?;
        if !escaped {
            return Some((Loose(Some(Cow::Borrowed(text.get(i + 1..end - 1)?))), end));
        }
    }
    loose_other(text, i)
}

/// A [`Loose`] value that is not a string without escapes: literals are
/// read here, anything else by serde on the value's slice.
#[inline(never)]
fn loose_other(text: &str, i: usize) -> Option<(Loose<'_>, usize)> {
    let b = text.as_bytes();
    let end = match *b.get(i)? {
        b'n' => return Some((Loose(None), literal_end(b, i, b"null")?)),
        b't' => {
            return Some((
                Loose(Some(Cow::Borrowed("true"))),
                literal_end(b, i, b"true")?,
            ));
        }
        b'f' => {
            let end = literal_end(b, i, b"false")?;
            return Some((Loose(Some(Cow::Borrowed("false"))), end));
        }
        b'"' => string_end(b, i + 1)?.0,
        _ => skip_value(b, i)?,
    };
    let v = serde_json::from_str::<Loose<'_>>(text.get(i..end)?).ok()?;
    Some((v, end))
}

/// Walks the object starting at `i` (which must be `{`): `field` gets each
/// key (unescaped keys only) and the index of its value, and returns where
/// that value ends. Returns the index just after the closing brace.
#[inline]
fn read_object(
    b: &[u8],
    i: usize,
    mut field: impl FnMut(&[u8], usize) -> Option<usize>,
) -> Option<usize> {
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(i + 1);
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let (key_end, escaped) = string_end(b, i + 1)?;
        if escaped {
            // The key may unescape to a hot key: leave it to serde.
            return None;
        }
        let key = b.get(i + 1..key_end - 1)?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = field(key, skip_ws(b, i + 1))?;
        i = skip_ws(b, i);
        match *b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            b'}' => return Some(i + 1),
            _ => return None,
        }
    }
}

#[cfg(test)]
#[path = "record_scan_tests.rs"]
mod tests;
