//! What the credential graph needs beyond the store's columns, captured
//! while ingest reads each record once, so that building the graph never
//! reads raw chunks back.
//!
//! Everything here is sparse: one entry per successful issuing call
//! (a tiny fraction of events), per successful `ConsoleLogin`, and per
//! distinct access key (the hints of its first events and the console
//! sign-in time of its session). Nothing is kept per event. A batch holds
//! the texts ([`BatchCreds`]); [`Store::append`](super::Store::append)
//! interns them into [`CredTable`] with global event indices and key ids,
//! so the table grows with the store, chunk by chunk.

use rustc_hash::FxHashMap;

use crate::model::EventIdx;

/// What kind of call issued a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueKind {
    /// `AssumeRole`, `GetSessionToken`, `GetFederationToken`, `AssumeRoot`:
    /// the caller's own credentials are the previous hop.
    ByCaller,
    /// `AssumeRoleWithSAML` / `AssumeRoleWithWebIdentity`: the previous hop
    /// is the federated identity named in the call.
    Federated,
    /// Identity Center `GetRoleCredentials`: the previous hop is the
    /// Identity Center user named in the call.
    IdentityCenter,
}

/// One successful issuing call as ingest read it (texts borrowed from
/// the record or built from it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueText {
    pub kind: Option<IssueKind>,
    /// The issued access key id (never empty).
    pub key: String,
    pub shared_event_id: String,
    pub event_id: String,
    /// `requestParameters.sourceIdentity` (else the response's).
    pub source_identity: String,
    /// `<role>/<session>` or the federated user's name the key was issued
    /// for, empty when the response does not say.
    pub issued_for: String,
    /// For federated and Identity Center calls: the origin text.
    pub federated_origin: String,
}

/// What an event's `userIdentity.sessionContext` says about where its key
/// came from (read for a key's first events only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hint {
    /// `sessionContext.ec2RoleDelivery` is set: an EC2 instance profile.
    pub ec2_role_delivery: bool,
    /// `sessionContext.sourceIdentity`, an id of [`CredTable::texts`].
    pub source_identity: u32,
}

/// The per-key facts one batch saw, by the batch's local key id.
#[derive(Debug, Clone, Default)]
struct LocalKey {
    /// Hint of the key's first event with an identity that is not an
    /// `AWSAccount` (the event that names the key), and of its first event.
    label: Option<(bool, String)>,
    first: Option<(bool, String)>,
    /// `sessionContext.attributes.creationDate` of the key's first console
    /// event that has one.
    console_created: Option<String>,
}

/// The sparse credential facts of one batch (batch-local event indices
/// and key ids).
#[derive(Debug, Default)]
pub struct BatchCreds {
    issues: Vec<(u32, IssueText)>,
    logins: Vec<u32>,
    /// By batch-local key id (dense, so a vector, not a hash map).
    keys: Vec<LocalKey>,
}

impl BatchCreds {
    /// Event `index` of the batch issued a key.
    pub fn push_issue(&mut self, index: u32, issue: IssueText) {
        self.issues.push((index, issue));
    }

    /// Event `index` of the batch is a successful `ConsoleLogin`.
    pub fn push_login(&mut self, index: u32) {
        self.logins.push(index);
    }

    /// An event using local key `key`: its hint (`ec2RoleDelivery`,
    /// `sourceIdentity`), whether it names the key (`labels`), and its
    /// console sign-in time (`""` when not a console event). Only a key's
    /// first events are kept.
    pub fn see_key(&mut self, key: u32, labels: bool, hint: (bool, &str), console_created: &str) {
        let i = key as usize;
        if i >= self.keys.len() {
            self.keys.resize_with(i + 1, LocalKey::default);
        }
        let Some(k) = self.keys.get_mut(i) else {
            return;
        };
        if k.first.is_none() {
            k.first = Some((hint.0, hint.1.to_owned()));
        }
        if labels && k.label.is_none() {
            k.label = Some((hint.0, hint.1.to_owned()));
        }
        if !console_created.is_empty() && k.console_created.is_none() {
            k.console_created = Some(console_created.to_owned());
        }
    }

    /// Estimated bytes held (for the load's memory budget).
    pub fn bytes_held(&self) -> usize {
        self.issues.len() * 200 + self.logins.len() * 4 + self.keys.len() * 64
    }
}

/// [`Issue::event_id`] when the call's `eventID` is the text the store
/// keeps for the event.
pub const EVENT_ID_AS_STORED: u32 = u32::MAX;

/// One successful issuing call in the store (texts are ids of
/// [`CredTable::texts`]).
#[derive(Debug, Clone, Copy)]
pub struct Issue {
    pub event: EventIdx,
    pub kind: IssueKind,
    pub key: u32,
    pub shared_event_id: u32,
    /// The call's `eventID` (a string), else 0; most are the store's own
    /// eventID of the event, which is not kept twice: [`EVENT_ID_AS_STORED`].
    pub event_id: u32,
    pub source_identity: u32,
    pub issued_for: u32,
    pub federated_origin: u32,
}

/// Per access key (by the store's key id): the hints of the event that
/// names it and of its first event, its console sign-in time.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyFacts {
    pub label: Option<Hint>,
    pub first: Option<Hint>,
    /// `creationDate` text id, 0 for none.
    pub console_created: u32,
}

/// The store's sparse credential facts (see the module documentation).
#[derive(Debug, Default)]
pub struct CredTable {
    /// In event order.
    pub issues: Vec<Issue>,
    /// Successful `ConsoleLogin` events, in event order.
    pub logins: Vec<EventIdx>,
    /// By the store's access-key id.
    pub keys: FxHashMap<u32, KeyFacts>,
    pub texts: Texts,
}

/// Append-only texts without a dictionary: the issue texts are nearly all
/// distinct (keys, event ids), so interning them would cost a hash entry
/// and a shared allocation each for nothing. Id 0 is the empty text.
#[derive(Debug, Default)]
pub struct Texts {
    text: String,
    ends: Vec<u32>,
}

impl Texts {
    /// Adds `s`, returning its id (0 for an empty text).
    pub fn push(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        self.text.push_str(s);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        self.ends.len() as u32
    }

    /// The text of `id` ("" for 0 or an unknown id).
    pub fn get(&self, id: u32) -> &str {
        let Some(i) = (id as usize).checked_sub(1) else {
            return "";
        };
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).map_or(0, |&e| e as usize)
        };
        let end = self.ends.get(i).map_or(0, |&e| e as usize);
        self.text.get(start..end).unwrap_or("")
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + 4 * self.ends.capacity()
    }
}

impl CredTable {
    /// Adds a batch's facts: `global(local)` is the store index of a kept
    /// event (`None` for a dropped duplicate), `key_id(local)` the store id
    /// of a batch-local key id and whether this batch is the first to use
    /// it.
    /// `stored_id(local, &iss.event_id)` is the eventID text the batch keeps for an event.
    pub(crate) fn append(
        &mut self,
        b: BatchCreds,
        global: impl Fn(u32) -> Option<EventIdx>,
        key_id: impl Fn(u32) -> (u32, bool),
        stored_id: impl Fn(u32, &str) -> bool,
    ) {
        for (local, iss) in b.issues {
            let (Some(event), Some(kind)) = (global(local), iss.kind) else {
                continue;
            };
            let t = &mut self.texts;
            let event_id = if !iss.event_id.is_empty() && stored_id(local, &iss.event_id) {
                EVENT_ID_AS_STORED
            } else {
                t.push(&iss.event_id)
            };
            self.issues.push(Issue {
                event,
                kind,
                key: t.push(&iss.key),
                shared_event_id: t.push(&iss.shared_event_id),
                event_id,
                source_identity: t.push(&iss.source_identity),
                issued_for: t.push(&iss.issued_for),
                federated_origin: t.push(&iss.federated_origin),
            });
        }
        self.logins.extend(b.logins.into_iter().filter_map(&global));
        // Key facts: the first batch that saw a key decides (batches come
        // in load order). A duplicate event has the same bytes as the
        // event kept before it, so its hints are that event's.
        for (local, lk) in b.keys.into_iter().enumerate() {
            let local = local as u32;
            if lk.first.is_none() {
                continue; // no event of the batch used this key id
            }
            let (id, new) = key_id(local);
            if id == 0 {
                continue;
            }
            // Most keys say nothing: a new key whose first and naming
            // events have no hint and no console time needs no entry (a
            // key without one reads as such). A known key without an entry
            // was decided by the batch that saw it first.
            let plain = |h: &Option<(bool, String)>| {
                h.as_ref().is_some_and(|(ec2, si)| !ec2 && si.is_empty())
            };
            let existing = self.keys.contains_key(&id);
            if !existing && !new && lk.console_created.is_none() {
                continue;
            }
            if !existing
                && new
                && plain(&lk.first)
                && plain(&lk.label)
                && lk.console_created.is_none()
            {
                continue;
            }
            let t = &mut self.texts;
            let f = self.keys.entry(id).or_default();
            let hint = |t: &mut Texts, h: Option<(bool, String)>| {
                h.map(|(ec2, si)| Hint {
                    ec2_role_delivery: ec2,
                    source_identity: t.push(&si),
                })
            };
            if !new && !existing {
                // Decided plain by the key's first batch.
                f.first = Some(Hint::default());
                f.label = Some(Hint::default());
            } else {
                if f.first.is_none() {
                    f.first = hint(t, lk.first);
                }
                if f.label.is_none() {
                    f.label = hint(t, lk.label);
                }
            }
            if f.console_created == 0 {
                f.console_created = lk.console_created.map_or(0, |c| t.push(&c));
            }
        }
    }

    /// Approximate bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.issues.capacity() * std::mem::size_of::<Issue>()
            + self.logins.capacity() * 4
            + self.keys.capacity() * (4 + std::mem::size_of::<KeyFacts>() + 1)
            + self.texts.heap_bytes()
    }

    /// The hint of key `key`'s naming event (else of its first event).
    pub fn hint(&self, key: u32, labelled: bool) -> Hint {
        self.keys
            .get(&key)
            .and_then(|f| if labelled { f.label } else { f.first })
            .unwrap_or_default()
    }
}
