//! The issuing calls and key hints the linker reads, taken from the
//! store's sparse credential table ([`crate::store::creds`]), which ingest
//! filled while it read each record once ([`crate::ingest::issuing`]): no
//! raw chunk is read back.
//!
//! Under `cfg(test)`, [`legacy`] keeps the former path (every issuing
//! event's raw JSON read back and parsed after the load) so a differential
//! test can check that both give the same graph on the corpus.

use std::borrow::Cow;

use crate::model::EventIdx;
use crate::store::Store;
use crate::store::creds::EVENT_ID_AS_STORED;
pub(crate) use crate::store::creds::IssueKind;

/// One successful issuing call; its texts borrow from the store's
/// credential table (owned only on the test-only raw path).
#[derive(Debug, Clone)]
pub(crate) struct Issue<'s> {
    pub event: EventIdx,
    pub kind: IssueKind,
    /// The issued access key id.
    pub key: Cow<'s, str>,
    pub shared_event_id: Cow<'s, str>,
    /// The call's `eventID`; `None` when it is the store's own eventID of
    /// `event` ([`Issue::event_id`] formats it only when asked).
    pub event_id: Option<Cow<'s, str>>,
    /// `requestParameters.sourceIdentity`.
    pub source_identity: Cow<'s, str>,
    /// `<role>/<session>` or the federated user's name the key was issued
    /// for, empty when the response does not say.
    pub issued_for: Cow<'s, str>,
    /// For federated and Identity Center calls: the origin text.
    pub federated_origin: Cow<'s, str>,
}

impl Issue<'_> {
    /// The call's `eventID`.
    pub fn event_id<'a>(&'a self, store: &'a Store) -> Cow<'a, str> {
        match &self.event_id {
            Some(id) => Cow::Borrowed(id),
            None => store.event_id(self.event),
        }
    }
}

/// What the first event of a key nobody issued in the loaded data says
/// about where it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KeyHints {
    /// `sessionContext.ec2RoleDelivery` is set: an EC2 instance profile.
    pub ec2_role_delivery: bool,
    /// `sessionContext.sourceIdentity`.
    pub source_identity: String,
}

/// Every successful issuing call in the store, in event order (issue
/// order decides nothing but ties).
pub(crate) fn issues(store: &Store) -> Vec<Issue<'_>> {
    let t = store.cred_table();
    let s = |id: u32| Cow::Borrowed(t.texts.get(id));
    let mut out: Vec<Issue<'_>> = t
        .issues
        .iter()
        .map(|i| Issue {
            event: i.event,
            kind: i.kind,
            key: s(i.key),
            shared_event_id: s(i.shared_event_id),
            event_id: (i.event_id != EVENT_ID_AS_STORED).then(|| s(i.event_id)),
            source_identity: s(i.source_identity),
            issued_for: s(i.issued_for),
            federated_origin: s(i.federated_origin),
        })
        .collect();
    out.sort_by_key(|iss| iss.event);
    out
}

/// The hints of key `key` as read from its naming event (`labelled`),
/// else from its first event.
pub(crate) fn hints(store: &Store, key: u32, labelled: bool) -> KeyHints {
    let t = store.cred_table();
    let h = t.hint(key, labelled);
    KeyHints {
        ec2_role_delivery: h.ec2_role_delivery,
        source_identity: t.texts.get(h.source_identity).to_owned(),
    }
}

#[cfg(test)]
pub(crate) mod legacy {
    //! The former way: issuing events and hints read back from raw chunks
    //! after the load (kept for the differential test only).

    use serde_json::Value;

    use super::{Issue, KeyHints};
    use crate::ingest::issuing::{ISSUER_NAMES, parse_issue, text};
    use crate::model::EventIdx;
    use crate::store::{Store, StrCol};

    /// Calls `f(idx, bytes)` for each of `rows` with the event's bytes.
    pub(crate) fn each_raw<T: Send>(
        store: &Store,
        rows: &[EventIdx],
        f: impl Fn(EventIdx, &[u8]) -> Option<T> + Sync,
    ) -> Vec<T> {
        let mut out = Vec::new();
        for &i in rows {
            if let Ok(bytes) = store.raw(i)
                && let Some(t) = f(i, &bytes)
            {
                out.push(t);
            }
        }
        out
    }

    /// Every successful `sts` issuing call, read back from raw chunks.
    pub(crate) fn issues(store: &Store) -> Vec<Issue<'static>> {
        let names = store.dict(StrCol::EventName);
        let ids = store.str_ids(StrCol::EventName);
        let errors = store.str_ids(StrCol::ErrorCode);
        let rows: Vec<EventIdx> = (0..ids.len())
            .filter(|&i| {
                ISSUER_NAMES.contains(&names.get(ids[i])) && errors.get(i).is_none_or(|&e| e == 0)
            })
            .map(|i| i as EventIdx)
            .collect();
        let mut out = each_raw(store, &rows, |i, b| {
            let t = parse_issue(names.get(ids[i as usize]), b)?;
            Some(Issue {
                event: i,
                kind: t.kind?,
                key: t.key.into(),
                shared_event_id: t.shared_event_id.into(),
                event_id: Some(t.event_id.into()),
                source_identity: t.source_identity.into(),
                issued_for: t.issued_for.into(),
                federated_origin: t.federated_origin.into(),
            })
        });
        out.sort_by_key(|iss| iss.event);
        out
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
}
