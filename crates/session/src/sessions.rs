//! Credential sessions: the graph rebuild after a load, and one row per
//! session (what one set of credentials did) for the app's Sessions
//! window and `trailview sessions`.
//!
//! A session is every event with one session id of the credential graph
//! (its access key, or user + console sign-in time). Rows are computed over any row set (the
//! current view's rows), while "first seen" looks at all loaded events:
//! an event name is first seen in a session when the session holds the
//! earliest call of that name by the session's origin.

use std::sync::Arc;
use std::time::Instant;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use trailview_core::credentials::CredGraph;
use trailview_core::model::{Column, EventIdx};
use trailview_core::store::{Store, StrCol};
use trailview_core::timefmt::{self, NO_TIME};

use crate::view_jobs::{SharedStore, read_store};

/// Builds the credential graph of the whole store and installs it.
/// Returns how long it took. A full rebuild: it reads the store under its
/// read lock, then takes the write lock only to install the result.
pub fn rebuild_graph(store: &SharedStore) -> std::time::Duration {
    let started = Instant::now();
    let graph = {
        let s = read_store(store);
        if s.credential_graph_len() == s.len() && s.credential_graph().is_some() {
            return started.elapsed();
        }
        CredGraph::build(&s)
    };
    if let Ok(mut s) = store.write() {
        s.set_credential_graph(Arc::new(graph));
    }
    started.elapsed()
}

/// One session.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SessionRow {
    /// The session id (the access key).
    pub session: String,
    pub origin: String,
    /// The actor of the session's events.
    pub principal: String,
    pub chain: String,
    pub hops: u32,
    /// First and last event time (RFC 3339, "" without times).
    pub first: String,
    pub last: String,
    #[serde(skip)]
    pub first_ms: i64,
    #[serde(skip)]
    pub last_ms: i64,
    pub duration_secs: i64,
    pub events: u64,
    pub errors: u64,
    pub access_denied: u64,
    pub source_ips: Vec<String>,
    pub user_agents: Vec<String>,
    pub regions: Vec<String>,
    pub services: Vec<String>,
    /// Event names this origin called for the first time (in the loaded
    /// data) in this session.
    pub first_seen: Vec<String>,
    /// The first event of the session in the rows.
    #[serde(skip)]
    pub first_event: EventIdx,
}

/// The columns sessions can be sorted by.
pub const SORT_COLUMNS: [&str; 12] = [
    "session",
    "origin",
    "principal",
    "first",
    "last",
    "duration",
    "events",
    "errors",
    "access_denied",
    "ips",
    "hops",
    "first_seen",
];

#[derive(Default)]
struct Acc {
    first: i64,
    last: i64,
    events: u64,
    errors: u64,
    denied: u64,
    first_event: EventIdx,
    actor: u32,
    ips: FxHashSet<u32>,
    agents: FxHashSet<u32>,
    regions: FxHashSet<u32>,
    services: FxHashSet<u32>,
}

/// One row per session among `rows`, ordered by first event time.
pub fn session_rows(store: &Store, rows: &[EventIdx]) -> Vec<SessionRow> {
    let Some(g) = store.credential_graph() else {
        return Vec::new();
    };
    let keys = store.str_ids(StrCol::AccessKey);
    let errs = store.str_ids(StrCol::ErrorCode);
    let denied: FxHashSet<u32> = [
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
    ]
    .iter()
    .filter_map(|n| store.dict(StrCol::ErrorCode).lookup(n))
    .collect();
    let mut acc: FxHashMap<u32, Acc> = FxHashMap::default();
    for &i in rows {
        let Some(node) = g.session_id(store, i) else {
            continue;
        };
        if keys.get(i as usize).is_none_or(|&k| k == 0) {
            continue;
        }
        let t = store.time(i);
        let a = acc.entry(node).or_insert_with(|| Acc {
            first: i64::MAX,
            last: i64::MIN,
            first_event: i,
            ..Acc::default()
        });
        if t != NO_TIME {
            if t < a.first {
                a.first = t;
                a.first_event = i;
            }
            a.last = a.last.max(t);
        }
        a.events += 1;
        let e = errs.get(i as usize).copied().unwrap_or(0);
        if e != 0 {
            a.errors += 1;
            if denied.contains(&e) {
                a.denied += 1;
            }
        }
        if a.actor == 0 {
            a.actor = store
                .str_ids(StrCol::Actor)
                .get(i as usize)
                .copied()
                .unwrap_or(0);
        }
        let id = |c: StrCol| store.str_ids(c).get(i as usize).copied().unwrap_or(0);
        a.ips.insert(id(StrCol::SourceIp));
        a.agents.insert(id(StrCol::UserAgent));
        a.regions.insert(id(StrCol::Region));
        a.services.insert(id(StrCol::EventSource));
    }
    let first_seen = first_seen_by_node(store, g);
    let names = |set: &FxHashSet<u32>, c: StrCol| -> Vec<String> {
        let mut v: Vec<String> = set
            .iter()
            .filter(|&&id| id != 0)
            .map(|&id| store.dict(c).get(id).to_owned())
            .collect();
        v.sort();
        v
    };
    let mut out: Vec<SessionRow> = acc
        .into_iter()
        .map(|(node, a)| {
            let i = a.first_event;
            let has_time = a.first != i64::MAX;
            SessionRow {
                session: store.value(Column::Session, i).into_owned(),
                origin: store.value(Column::Origin, i).into_owned(),
                principal: store.dict(StrCol::Actor).get(a.actor).to_owned(),
                chain: store.value(Column::Chain, i).into_owned(),
                hops: g.hops(store, i),
                first: if has_time {
                    timefmt::format_utc(a.first)
                } else {
                    String::new()
                },
                last: if has_time {
                    timefmt::format_utc(a.last)
                } else {
                    String::new()
                },
                first_ms: if has_time { a.first } else { NO_TIME },
                last_ms: if has_time { a.last } else { NO_TIME },
                duration_secs: if has_time {
                    (a.last - a.first) / 1000
                } else {
                    0
                },
                events: a.events,
                errors: a.errors,
                access_denied: a.denied,
                source_ips: names(&a.ips, StrCol::SourceIp),
                user_agents: names(&a.agents, StrCol::UserAgent),
                regions: names(&a.regions, StrCol::Region),
                services: names(&a.services, StrCol::EventSource),
                first_seen: first_seen.get(&node).cloned().unwrap_or_default(),
                first_event: i,
            }
        })
        .collect();
    sort_sessions(&mut out, "first", false);
    out
}

/// For every node: the event names whose earliest call by the node's
/// origin (over all loaded events) is in that node.
fn first_seen_by_node(store: &Store, g: &CredGraph) -> FxHashMap<u32, Vec<String>> {
    let names = store.str_ids(StrCol::EventName);
    // (origin, name) -> (time, node)
    let mut earliest: FxHashMap<(u32, u32), (i64, u32)> = FxHashMap::default();
    for i in 0..g.events().min(store.len()) as EventIdx {
        let Some(node) = g.session_id(store, i) else {
            continue;
        };
        let origin = g.origin_id(store, i);
        let name = names.get(i as usize).copied().unwrap_or(0);
        let t = store.time(i);
        let t = if t == NO_TIME { i64::MAX } else { t };
        earliest
            .entry((origin, name))
            .and_modify(|e| {
                if t < e.0 {
                    *e = (t, node);
                }
            })
            .or_insert((t, node));
    }
    let mut out: FxHashMap<u32, Vec<String>> = FxHashMap::default();
    for ((_, name), (_, node)) in earliest {
        if name != 0 {
            out.entry(node)
                .or_default()
                .push(store.dict(StrCol::EventName).get(name).to_owned());
        }
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// Sorts sessions by one of [`SORT_COLUMNS`] (unknown names: by first
/// time); ties keep first-time order.
pub fn sort_sessions(rows: &mut [SessionRow], col: &str, descending: bool) {
    let col = col.to_ascii_lowercase();
    rows.sort_by(|a, b| {
        let o = match col.as_str() {
            "session" => a.session.cmp(&b.session),
            "origin" => a.origin.cmp(&b.origin),
            "principal" | "actor" => a.principal.cmp(&b.principal),
            "last" => a.last_ms.cmp(&b.last_ms),
            "duration" => a.duration_secs.cmp(&b.duration_secs),
            "events" => a.events.cmp(&b.events),
            "errors" => a.errors.cmp(&b.errors),
            "access_denied" | "denied" => a.access_denied.cmp(&b.access_denied),
            "ips" => a.source_ips.len().cmp(&b.source_ips.len()),
            "hops" => a.hops.cmp(&b.hops),
            "first_seen" => a.first_seen.len().cmp(&b.first_seen.len()),
            _ => a.first_ms.cmp(&b.first_ms),
        };
        let o = o
            .then_with(|| a.first_ms.cmp(&b.first_ms))
            .then_with(|| a.session.cmp(&b.session));
        if descending { o.reverse() } else { o }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailview_core::ingest::store_from_texts;

    fn ev(id: &str, t: &str, name: &str, ui: &str, extra: &str) -> String {
        format!(
            r#"{{"eventTime":"2024-01-01T{t}Z","eventName":"{name}","eventSource":"s3.amazonaws.com","awsRegion":"us-east-1","sourceIPAddress":"1.2.3.4","eventID":"{id}","userIdentity":{ui}{extra}}}"#
        )
    }

    #[test]
    fn one_row_per_session_with_errors_and_first_seen() {
        let alice = r#"{"type":"IAMUser","userName":"alice","accessKeyId":"AKIAA"}"#;
        let admin = r#"{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/Admin/a","accessKeyId":"ASIAB","sessionContext":{"sessionIssuer":{"userName":"Admin"}}}"#;
        let issue = r#","responseElements":{"credentials":{"accessKeyId":"ASIAB"},"assumedRoleUser":{"arn":"arn:aws:sts::1:assumed-role/Admin/a"}}"#;
        let events = [
            ev("1", "00:00:00", "ListBuckets", alice, ""),
            ev("2", "00:00:01", "AssumeRole", alice, issue),
            ev("3", "00:00:05", "ListBuckets", admin, ""),
            ev(
                "4",
                "00:00:09",
                "DeleteBucket",
                admin,
                r#","errorCode":"AccessDenied""#,
            ),
        ];
        let refs: Vec<&str> = events.iter().map(String::as_str).collect();
        let store: SharedStore = Arc::new(std::sync::RwLock::new(store_from_texts(&[(
            "t.json", &refs,
        )])));
        rebuild_graph(&store);
        let s = read_store(&store);
        let rows = session_rows(&s, &s.all_rows());
        assert_eq!(rows.len(), 2);
        let b = &rows[1];
        assert_eq!(b.session, "ASIAB");
        assert_eq!(b.origin, "alice");
        assert_eq!(b.principal, "Admin/a");
        assert_eq!(
            (b.events, b.errors, b.access_denied, b.duration_secs),
            (2, 1, 1, 4)
        );
        // ListBuckets was first called by alice in her own key's session.
        assert_eq!(b.first_seen, ["DeleteBucket"]);
        assert_eq!(rows[0].first_seen, ["AssumeRole", "ListBuckets"]);
        let mut sorted = rows.clone();
        sort_sessions(&mut sorted, "events", true);
        assert_eq!(sorted[0].session, "ASIAB");
        // Filtered rows: only the sessions among them.
        assert_eq!(session_rows(&s, &[2]).len(), 1);
        // Timeline lanes grouped by origin: one lane, alice's.
        let opts = crate::summary::SummaryOptions {
            grouping: crate::summary::LaneGrouping::Origin,
            ..Default::default()
        };
        let sum = crate::summary::summarize(&s, &s.all_rows(), opts);
        let lanes: Vec<(&str, u64)> = sum
            .timeline
            .lanes
            .iter()
            .map(|l| (l.name.as_str(), l.total))
            .collect();
        assert_eq!(lanes, [("alice", 4)]);
    }
}
