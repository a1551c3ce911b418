//! Linking: each node's previous hop, then every chain followed back to
//! its origin.
//!
//! A key node's previous hop is decided from what the loaded data proves,
//! never guessed: the one successful call that issued the key (two copies
//! of one cross-account call, same `sharedEventID` or `eventID`, count as
//! one), checked against how the key was used (not before it was issued,
//! by the identity it was issued for, by one identity only). Anything else
//! stops the chain with the reason as its origin. Chains are then
//! followed iteratively with an explicit path, so a loop in hostile data
//! stops with "loop" instead of recursing.

use rustc_hash::FxHashMap;

use super::issuers::{self, Issue, IssueKind, KeyHints};
use super::{CredGraph, NONE, Node};
use crate::model::EventIdx;
use crate::store::interner::Interner;
use crate::store::{Store, StrCol};
use crate::timefmt::NO_TIME;

/// How a node's chain starts or continues.
#[derive(Debug, Clone)]
enum Direct {
    /// No event uses this node.
    Unused,
    /// The node is an origin itself (an IAM user's key, root, an AWS
    /// service): hops 0.
    Own(String),
    /// The node's key was issued by an origin that is not a node (SAML,
    /// web identity, Identity Center, EC2): hops 1. `issue`: the issuing
    /// call, when loaded.
    From(String, Option<usize>),
    /// The key was issued by `issue`, a call made with node `parent`.
    Parent { parent: u32, issue: usize },
    /// The chain cannot be followed: why.
    Stop(String),
}

/// Several issuing calls for one key.
#[derive(Debug, Clone, Copy)]
enum Issued {
    One(usize),
    Twice,
}

struct Cols<'s> {
    keys: &'s [u32],
    actors: &'s [u32],
    types: &'s [u32],
    roles: &'s [u32],
    times: &'s [i64],
    store: &'s Store,
    account_type: u32,
}

impl Cols<'_> {
    fn type_of(&self, i: u32) -> &str {
        self.store
            .dict(StrCol::UserType)
            .get(self.types.get(i as usize).copied().unwrap_or(0))
    }
    fn actor(&self, i: u32) -> &str {
        self.store
            .dict(StrCol::Actor)
            .get(self.actors.get(i as usize).copied().unwrap_or(0))
    }
    fn role_of(&self, i: u32) -> &str {
        self.store
            .dict(StrCol::Role)
            .get(self.roles.get(i as usize).copied().unwrap_or(0))
    }
    fn time(&self, i: u32) -> i64 {
        self.times.get(i as usize).copied().unwrap_or(NO_TIME)
    }
    /// The node of the credentials event `i` used.
    fn node_of(&self, i: u32, n_keys: usize) -> u32 {
        let key = self.keys.get(i as usize).copied().unwrap_or(0);
        if key != 0 {
            key
        } else {
            n_keys as u32 + self.actors.get(i as usize).copied().unwrap_or(0)
        }
    }
    fn is_account(&self, i: u32) -> bool {
        self.account_type != 0 && self.types.get(i as usize) == Some(&self.account_type)
    }
}

/// Where the issuing calls and key hints come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// The store's credential table, filled at ingest.
    Ingest,
    /// Read back from raw chunks (the former path, for the differential
    /// test).
    #[cfg(test)]
    Raw,
}

pub(super) fn build(store: &Store, source: Source) -> CredGraph {
    let n = store.len();
    let n_keys = store.dict(StrCol::AccessKey).len();
    let n_actors = store.dict(StrCol::Actor).len();
    let c = Cols {
        keys: store.str_ids(StrCol::AccessKey),
        actors: store.str_ids(StrCol::Actor),
        types: store.str_ids(StrCol::UserType),
        roles: store.str_ids(StrCol::Role),
        times: store.times(),
        store,
        account_type: store
            .dict(StrCol::UserType)
            .lookup("AWSAccount")
            .unwrap_or(0),
    };

    // 1. Per key: first use, the event that names it, reuse; per actor
    //    without a key: first event.
    let mut first_time = vec![i64::MAX; n_keys];
    let mut first_event = vec![NONE; n_keys + n_actors];
    let mut label_event = vec![NONE; n_keys];
    let mut reused = vec![false; n_keys];
    for i in 0..n as u32 {
        let node = c.node_of(i, n_keys) as usize;
        if node >= first_event.len() {
            continue;
        }
        if first_event[node] == NONE {
            first_event[node] = i;
        }
        if node >= n_keys {
            continue;
        }
        let t = c.time(i);
        if t != NO_TIME && t < first_time[node] {
            first_time[node] = t;
        }
        let actor = c.actors.get(i as usize).copied().unwrap_or(0);
        if actor == 0 || c.is_account(i) {
            continue;
        }
        match label_event[node] {
            NONE => label_event[node] = i,
            l if c.actors.get(l as usize) != Some(&actor) => reused[node] = true,
            _ => {}
        }
    }

    // 2. The issuing calls.
    let issues = match source {
        Source::Ingest => issuers::issues(store),
        #[cfg(test)]
        Source::Raw => issuers::legacy::issues(store),
    };
    let mut issued: FxHashMap<u32, Issued> =
        FxHashMap::with_capacity_and_hasher(issues.len(), Default::default());
    let key_dict = store.dict(StrCol::AccessKey);
    for (j, iss) in issues.iter().enumerate() {
        let Some(key) = key_dict.lookup(&iss.key) else {
            continue; // never used in the loaded data
        };
        let slot = issued.entry(key).or_insert(Issued::One(j));
        if let Issued::One(prev) = *slot
            && prev != j
        {
            let p = &issues[prev];
            let same_call =
                (!iss.shared_event_id.is_empty() && iss.shared_event_id == p.shared_event_id) || {
                    let id = iss.event_id(store);
                    !id.is_empty() && id == p.event_id(store)
                };
            if !same_call {
                *slot = Issued::Twice;
            } else if caller_quality(&c, iss.event) > caller_quality(&c, p.event) {
                *slot = Issued::One(j);
            }
        }
    }
    // Federated identities without a key: their origin text.
    let mut fed_origin: FxHashMap<u32, &str> = FxHashMap::default();
    for iss in &issues {
        if iss.kind == IssueKind::Federated && c.keys.get(iss.event as usize) == Some(&0) {
            let a = c.actors.get(iss.event as usize).copied().unwrap_or(0);
            fed_origin.entry(a).or_insert(&*iss.federated_origin);
        }
    }

    // 3. Each node's previous hop.
    let mut direct: Vec<Direct> = vec![Direct::Unused; n_keys + n_actors];
    let mut need_hints: Vec<EventIdx> = Vec::new();
    for (k, d) in direct.iter_mut().enumerate().take(n_keys).skip(1) {
        if first_event[k] == NONE {
            continue;
        }
        let label = if label_event[k] != NONE {
            label_event[k]
        } else {
            first_event[k]
        };
        *d = key_direct(
            &c,
            k,
            label,
            &reused,
            first_time[k],
            issued.get(&(k as u32)),
            &issues,
            n_keys,
        );
        // Only an instance-id session can be an EC2 instance profile: other
        // keys nobody issued are not read back (that read would cost a
        // decompression of their chunk each).
        let session = c.actor(label).rsplit('/').next().unwrap_or("");
        if matches!(d, Direct::Stop(_))
            && !issued.contains_key(&(k as u32))
            && session.starts_with("i-")
        {
            need_hints.push(label);
        }
    }
    for a in 0..n_actors {
        let node = n_keys + a;
        let ev = first_event[node];
        if ev == NONE {
            continue;
        }
        let actor = c.actor(ev);
        direct[node] = Direct::Own(match c.type_of(ev) {
            "Root" => "root".to_owned(),
            "IdentityCenterUser" => format!("{actor} (Identity Center)"),
            "SAMLUser" | "WebIdentityUser" => fed_origin
                .get(&(a as u32))
                .map_or_else(|| actor.to_owned(), |s| (*s).to_owned()),
            _ if actor.is_empty() => "unknown (no identity)".to_owned(),
            _ => actor.to_owned(),
        });
    }

    // 4. Hints for keys nobody issued: EC2 instance profiles, source identity.
    let hints: FxHashMap<u32, KeyHints> = match source {
        Source::Ingest => need_hints
            .iter()
            .map(|&i| {
                let k = c.node_of(i, n_keys);
                let labelled = label_event.get(k as usize).is_some_and(|&l| l != NONE);
                (k, issuers::hints(store, k, labelled))
            })
            .collect(),
        #[cfg(test)]
        Source::Raw => issuers::legacy::each_raw(store, &need_hints, |i, b| {
            Some((c.node_of(i, n_keys), issuers::legacy::parse_hints(b)))
        })
        .into_iter()
        .collect(),
    };
    for (&k, h) in &hints {
        if h.ec2_role_delivery
            && let Some(d) = direct.get_mut(k as usize)
        {
            let label = if label_event[k as usize] != NONE {
                label_event[k as usize]
            } else {
                first_event[k as usize]
            };
            let actor = c.actor(label);
            let session = actor.rsplit('/').next().unwrap_or(actor);
            *d = Direct::From(format!("EC2 instance {session}"), None);
        }
    }

    // Successful console sign-ins by actor, for console sessions.
    let mut logins: FxHashMap<u32, Vec<(i64, u32)>> = FxHashMap::default();
    for &ev in &store.cred_table().logins {
        let a = c.actors.get(ev as usize).copied().unwrap_or(0);
        let t = c.time(ev);
        if a != 0 && t != NO_TIME {
            logins.entry(a).or_default().push((t, ev));
        }
    }
    let extra = Extra {
        reused: &reused,
        hints: &hints,
        label_event: &label_event,
        first_event: &first_event,
        logins: &logins,
    };

    // 5. Follow every chain.
    let mut g = CredGraph {
        nodes: vec![Node::EMPTY; direct.len()],
        keys: n_keys,
        events: n,
        texts: Interner::default(),
        hop_texts: Vec::new(),
    };
    let mut state = vec![0u8; direct.len()];
    let mut path: Vec<u32> = Vec::new();
    for start in 0..direct.len() {
        if state[start] == 2 || matches!(direct[start], Direct::Unused) {
            continue;
        }
        path.clear();
        let mut cur = start as u32;
        loop {
            let cu = cur as usize;
            if state[cu] == 2 {
                break;
            }
            if state[cu] == 1 {
                let pos = path.iter().position(|&p| p == cur).unwrap_or(0);
                for &p in &path[pos..] {
                    direct[p as usize] = Direct::Stop("loop in the credential chain".to_owned());
                }
                break;
            }
            state[cu] = 1;
            path.push(cur);
            match direct[cu] {
                Direct::Parent { parent, .. } if (parent as usize) < direct.len() => cur = parent,
                Direct::Parent { .. } => {
                    direct[cu] = Direct::Stop("issuer not loaded".to_owned());
                    break;
                }
                _ => break,
            }
        }
        for &p in path.iter().rev() {
            let node = resolve(&g, &c, p as usize, &direct, &issues, &extra);
            g.nodes[p as usize] = node_texts(&mut g, node);
            state[p as usize] = 2;
        }
    }
    g
}

/// Prefer the copy of a cross-account call made where the caller's key
/// is visible.
fn caller_quality(c: &Cols<'_>, ev: EventIdx) -> u8 {
    let has_key = c.keys.get(ev as usize).is_some_and(|&k| k != 0);
    u8::from(has_key) * 2 + u8::from(!c.is_account(ev))
}

#[allow(clippy::too_many_arguments)]
fn key_direct(
    c: &Cols<'_>,
    k: usize,
    label: EventIdx,
    reused: &[bool],
    first_time: i64,
    issued: Option<&Issued>,
    issues: &[Issue<'_>],
    n_keys: usize,
) -> Direct {
    if reused[k] {
        return Direct::Stop("key used by several identities".to_owned());
    }
    let actor = c.actor(label);
    match issued {
        Some(Issued::Twice) => Direct::Stop("issued twice".to_owned()),
        Some(&Issued::One(j)) => {
            let iss = &issues[j];
            let t = c.time(iss.event);
            if t != NO_TIME && first_time != i64::MAX && first_time < t {
                return Direct::Stop("used before it was issued".to_owned());
            }
            if !iss.issued_for.is_empty()
                && !actor.is_empty()
                && !c.is_account(label)
                && !actor.eq_ignore_ascii_case(&iss.issued_for)
            {
                return Direct::Stop(format!("issued for {}", iss.issued_for));
            }
            match iss.kind {
                IssueKind::Federated => Direct::From(iss.federated_origin.to_string(), Some(j)),
                IssueKind::IdentityCenter => {
                    // Identity Center hands out sessions of its own
                    // `AWSReservedSSO_*` roles only.
                    if c.role_of(label).starts_with("AWSReservedSSO_") || c.is_account(label) {
                        Direct::From(iss.federated_origin.to_string(), Some(j))
                    } else {
                        Direct::Stop("issued by Identity Center for another role".to_owned())
                    }
                }
                IssueKind::ByCaller => {
                    let parent = c.node_of(iss.event, n_keys);
                    if parent as usize >= n_keys && c.is_account(iss.event) {
                        Direct::Stop(format!(
                            "issued to a caller in account {} whose trail is not loaded",
                            c.actor(iss.event)
                        ))
                    } else {
                        Direct::Parent { parent, issue: j }
                    }
                }
            }
        }
        None => {
            let role = c.role_of(label);
            match c.type_of(label) {
                "IAMUser" => Direct::Own(actor.to_owned()),
                "Root" => Direct::Own("root".to_owned()),
                _ if role.starts_with("AWSReservedSSO_") => {
                    let user = actor.rsplit('/').next().unwrap_or(actor);
                    Direct::From(format!("{user} (Identity Center)"), None)
                }
                _ => Direct::Stop("issued before the loaded logs".to_owned()),
            }
        }
    }
}

/// A resolved node before its texts are interned.
struct Resolved {
    parent: u32,
    issued_by: u32,
    origin: String,
    chain: String,
    label: String,
    source_identity: String,
    session: String,
    hops: u32,
}

/// What [`resolve`] reads besides the columns and the direct hops.
struct Extra<'a> {
    /// Keys used by several identities (never one user's console session).
    reused: &'a [bool],
    hints: &'a FxHashMap<u32, KeyHints>,
    label_event: &'a [u32],
    first_event: &'a [u32],
    /// Successful `ConsoleLogin` events by actor id: (time, event).
    logins: &'a FxHashMap<u32, Vec<(i64, u32)>>,
}

/// How far a console session's `creationDate` may be from its
/// `ConsoleLogin` event's time (both are given to the second).
const SIGN_IN_SLACK_MS: i64 = 2_000;

fn resolve(
    g: &CredGraph,
    c: &Cols<'_>,
    p: usize,
    direct: &[Direct],
    issues: &[Issue<'_>],
    x: &Extra<'_>,
) -> Resolved {
    let (hints, label_event, first_event) = (x.hints, x.label_event, x.first_event);
    let is_key = p < g.keys;
    let key = if is_key {
        c.store.dict(StrCol::AccessKey).get(p as u32)
    } else {
        ""
    };
    let ev = if is_key && label_event[p] != NONE {
        label_event[p]
    } else {
        first_event.get(p).copied().unwrap_or(NONE)
    };
    let actor = c.actor(ev);
    let label = if actor.is_empty() { key } else { actor }.to_owned();
    let hint_si = hints
        .get(&(p as u32))
        .map(|h| h.source_identity.clone())
        .unwrap_or_default();
    let mut r = Resolved {
        parent: NONE,
        issued_by: NONE,
        origin: String::new(),
        chain: String::new(),
        label,
        source_identity: hint_si,
        session: String::new(),
        hops: 0,
    };
    match &direct[p] {
        Direct::Unused => {}
        Direct::Own(o) => {
            r.origin = o.clone();
            r.chain = if key.is_empty() {
                o.clone()
            } else {
                format!("{o} ({key})")
            };
            r.label = r.chain.clone();
        }
        Direct::From(o, issue) => {
            r.origin = o.clone();
            r.chain = format!("{o} → {}", r.label);
            r.hops = 1;
            if let Some(iss) = issue.and_then(|j| issues.get(j)) {
                r.issued_by = iss.event;
                if !iss.source_identity.is_empty() {
                    r.source_identity = iss.source_identity.to_string();
                }
            }
        }
        Direct::Parent { parent, issue } => {
            let pn = g.nodes[*parent as usize];
            let iss = &issues[*issue];
            r.parent = *parent;
            r.issued_by = iss.event;
            r.origin = g.texts.get(pn.origin).to_owned();
            r.chain = format!("{} → {}", g.texts.get(pn.chain), r.label);
            r.hops = pn.hops.saturating_add(1);
            r.source_identity = if iss.source_identity.is_empty() {
                g.texts.get(pn.source_identity).to_owned()
            } else {
                iss.source_identity.to_string()
            };
        }
        Direct::Stop(why) => {
            r.origin = format!("unknown ({why}): {key}");
            r.chain = format!("{} → {}", r.origin, r.label);
            r.hops = 1;
        }
    }
    if is_key && !matches!(direct[p], Direct::Unused) {
        session_of(c, p, ev, key, &mut r, x);
    }
    r
}

/// A key's session: the key itself, or for a console session the user
/// plus its sign-in time (`creationDate`), linked to that user's
/// `ConsoleLogin` at that time when exactly one is loaded.
fn session_of(c: &Cols<'_>, p: usize, ev: u32, key: &str, r: &mut Resolved, x: &Extra<'_>) {
    let t = c.store.cred_table();
    let created = t.keys.get(&(p as u32)).map_or(0, |f| f.console_created);
    let actor = c.actor(ev);
    // A console session is one identity's temporary key: a long-term key
    // (`AKIA…`) or a key several identities used keeps the key as session.
    let shared = x.reused.get(p).copied().unwrap_or(true);
    if created == 0 || actor.is_empty() || shared || key.starts_with("AKIA") {
        r.session = key.to_owned();
        return;
    }
    let created = t.texts.get(created);
    r.session = format!("{actor} console {created}");
    if r.issued_by != NONE {
        return;
    }
    let Some(at) = crate::timefmt::parse_millis(created) else {
        return;
    };
    let a = c.actors.get(ev as usize).copied().unwrap_or(0);
    let mut near = x
        .logins
        .get(&a)
        .into_iter()
        .flatten()
        .filter(|(lt, _)| (lt - at).abs() <= SIGN_IN_SLACK_MS);
    if let (Some(&(_, login)), None) = (near.next(), near.next()) {
        r.issued_by = login;
    }
}

fn node_texts(g: &mut CredGraph, r: Resolved) -> Node {
    Node {
        parent: r.parent,
        issued_by: r.issued_by,
        origin: g.texts.intern(&r.origin),
        chain: g.texts.intern(&r.chain),
        label: g.texts.intern(&r.label),
        source_identity: g.texts.intern(&r.source_identity),
        session: g.texts.intern(&r.session),
        hops: r.hops,
    }
}
