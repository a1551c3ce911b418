//! Credential chains: who is really behind each event.
//!
//! After a load, [`CredGraph::build`] links every event to the credentials
//! it used (`userIdentity.accessKeyId`, else its identity) and every
//! temporary key to the event that issued it
//! (`responseElements.credentials.accessKeyId` of a successful `sts` call),
//! hop by hop back to an origin: an IAM user, root, a SAML or web identity
//! subject, an Identity Center user, an AWS service or EC2 instance — or an
//! explicit `unknown (why)` when the chain cannot be followed without
//! guessing. From that come the derived columns `origin`, `chain`, `hops`,
//! `session` and `source_identity` ([`crate::model::Column`]).
//!
//! Storage is per distinct credential, not per event: an event's node is
//! its access key's dictionary id (or its actor's, when it has no key), so
//! the columns cost no memory per event. What the graph needs beyond the
//! id columns (issuing calls, console sign-ins, per-key hints) was captured
//! by ingest into the store's sparse [`crate::store::creds::CredTable`]
//! while it read each record, so a build is passes over id columns and
//! that table, with no raw chunk read back. It is rebuilt after each load;
//! events appended after a build read as empty until then.
//!
//! A key's session is the key, except for console sessions: the user plus
//! `sessionContext.attributes.creationDate`, so the keys one console
//! sign-in rotates through are one session, linked to that user's
//! `ConsoleLogin` at that time when exactly one is loaded.
//!
//! Files: [`issuers`] reads the issuing calls from that table, [`link`]
//! decides every node's previous hop and follows the chains, [`hops`]
//! lists one event's chain for the detail pane.

mod hops;
mod issuers;
mod link;

pub use hops::Hop;

use std::borrow::Cow;

use crate::model::{Column, EventIdx};
use crate::store::interner::Interner;
use crate::store::{Store, StrCol};

/// No node, no event.
pub(crate) const NONE: u32 = u32::MAX;

/// One set of credentials (a key) or one keyless identity, resolved.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    /// The node of the previous hop, or [`NONE`] at the origin or a stop.
    pub parent: u32,
    /// The event that issued this node's key, or [`NONE`].
    pub issued_by: u32,
    /// Texts in [`CredGraph::texts`].
    pub origin: u32,
    pub chain: u32,
    pub label: u32,
    pub source_identity: u32,
    /// The session id text: the key, or user plus console sign-in time.
    pub session: u32,
    pub hops: u32,
}

impl Node {
    const EMPTY: Node = Node {
        parent: NONE,
        issued_by: NONE,
        origin: 0,
        chain: 0,
        label: 0,
        source_identity: 0,
        session: 0,
        hops: 0,
    };
}

/// The credential graph of a store (see the module documentation).
#[derive(Debug, Default)]
pub struct CredGraph {
    /// Nodes `0..keys` are access keys (by dictionary id), then one node
    /// per actor id for events without a key.
    pub(crate) nodes: Vec<Node>,
    pub(crate) keys: usize,
    /// Events covered (the store's length at build time).
    pub(crate) events: usize,
    pub(crate) texts: Interner,
    /// "0", "1", ... for the `hops` column, borrowed.
    hop_texts: Vec<String>,
}

impl CredGraph {
    /// Builds the graph of every event in `store`.
    pub fn build(store: &Store) -> CredGraph {
        Self::finish(link::build(store, link::Source::Ingest))
    }

    /// The graph built the former way, reading issuing events back from
    /// raw chunks (for the differential test).
    #[cfg(test)]
    pub(crate) fn build_from_raw(store: &Store) -> CredGraph {
        Self::finish(link::build(store, link::Source::Raw))
    }

    fn finish(mut g: CredGraph) -> CredGraph {
        let max = g.nodes.iter().map(|n| n.hops).max().unwrap_or(0);
        g.hop_texts = (0..=max).map(|h| h.to_string()).collect();
        g
    }

    /// How many events the graph covers.
    pub fn events(&self) -> usize {
        self.events
    }

    /// The node of event `idx`, if the graph covers it.
    pub(crate) fn node_of(&self, store: &Store, idx: EventIdx) -> Option<usize> {
        if idx as usize >= self.events {
            return None;
        }
        let key = *store.str_ids(StrCol::AccessKey).get(idx as usize)? as usize;
        let n = if key != 0 {
            key
        } else {
            self.keys + *store.str_ids(StrCol::Actor).get(idx as usize)? as usize
        };
        (n < self.nodes.len()).then_some(n)
    }

    /// A stable number for the credentials of event `idx` (equal for every
    /// event of one session), `None` when not covered.
    pub fn node_id(&self, store: &Store, idx: EventIdx) -> Option<u32> {
        self.node_of(store, idx).map(|n| n as u32)
    }

    /// A stable number for the session of event `idx` (equal for every
    /// event of one session, several keys of one console sign-in
    /// included), `None` when not covered or without a session.
    pub fn session_id(&self, store: &Store, idx: EventIdx) -> Option<u32> {
        let n = self.node_of(store, idx)?;
        let s = self.nodes.get(n)?.session;
        (s != 0).then_some(s)
    }

    fn node(&self, store: &Store, idx: EventIdx) -> Node {
        self.node_of(store, idx)
            .and_then(|n| self.nodes.get(n).copied())
            .unwrap_or(Node::EMPTY)
    }

    /// The text of a derived column for one event ("" for other columns
    /// and for events the graph does not cover).
    pub fn value<'a>(&'a self, store: &'a Store, col: Column, idx: EventIdx) -> Cow<'a, str> {
        let Some(n) = self.node_of(store, idx) else {
            return Cow::Borrowed("");
        };
        let node = self.nodes[n];
        Cow::Borrowed(match col {
            Column::Origin => self.texts.get(node.origin),
            Column::Chain => self.texts.get(node.chain),
            Column::Hops => self
                .hop_texts
                .get(node.hops as usize)
                .map_or("", String::as_str),
            Column::Session => self.texts.get(node.session),
            Column::SourceIdentity => self.texts.get(node.source_identity),
            _ => "",
        })
    }

    /// The number of hops of event `idx` (0 when not covered).
    pub fn hops(&self, store: &Store, idx: EventIdx) -> u32 {
        self.node(store, idx).hops
    }

    /// The origin of event `idx` as an id of [`CredGraph::text`] (0: none).
    pub fn origin_id(&self, store: &Store, idx: EventIdx) -> u32 {
        self.node(store, idx).origin
    }

    /// A text of the graph by id.
    pub fn text(&self, id: u32) -> &str {
        self.texts.get(id)
    }

    /// Sort keys for a derived column: `f(idx)` orders like the column's
    /// text (hops numerically); uncovered events sort last.
    pub fn sort_keys<'a>(
        &'a self,
        store: &'a Store,
        col: Column,
    ) -> Box<dyn Fn(EventIdx) -> u64 + Sync + 'a> {
        let ranks = self.texts.sort_ranks();
        let per_node: Vec<u64> = self
            .nodes
            .iter()
            .map(|node| {
                let r = |id: u32| ranks.get(id as usize).map_or(u64::MAX, |&r| u64::from(r));
                match col {
                    Column::Origin => r(node.origin),
                    Column::Chain => r(node.chain),
                    Column::SourceIdentity => r(node.source_identity),
                    Column::Hops => u64::from(node.hops),
                    Column::Session => r(node.session),
                    _ => 0,
                }
            })
            .collect();
        Box::new(move |i| {
            self.node_of(store, i)
                .and_then(|n| per_node.get(n).copied())
                .unwrap_or(u64::MAX)
        })
    }
}

/// Whether a column is derived by this module.
pub fn is_derived(col: Column) -> bool {
    matches!(
        col,
        Column::Origin | Column::Chain | Column::Hops | Column::Session | Column::SourceIdentity
    )
}

#[cfg(test)]
mod differential {
    //! The graph built from what ingest captured against the graph built
    //! the former way (issuing events read back from raw chunks and parsed
    //! after the load), over every folder of the shared corpus.

    use std::path::Path;

    use super::CredGraph;
    use crate::ingest::{LoadOptions, load_paths};
    use crate::model::Column;
    use crate::store::Store;

    const COLUMNS: [Column; 5] = [
        Column::Origin,
        Column::Chain,
        Column::Hops,
        Column::Session,
        Column::SourceIdentity,
    ];

    #[test]
    #[cfg_attr(
        not(has_corpus),
        ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
    )]
    fn ingest_captured_graph_equals_the_raw_read_graph_on_the_corpus() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let mut folders: Vec<_> = std::fs::read_dir(&corpus)
            .map(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_dir())
                    .collect()
            })
            .unwrap_or_default();
        folders.sort();
        assert!(!folders.is_empty(), "no corpus folders");
        // Each folder alone (its own graph), then everything at once.
        let mut runs: Vec<Vec<std::path::PathBuf>> =
            folders.iter().map(|f| vec![f.clone()]).collect();
        runs.push(folders.clone());
        let mut linked = 0usize;
        for paths in runs {
            let mut store = Store::new();
            load_paths(&paths, &LoadOptions::default(), &mut store);
            let raw = CredGraph::build_from_raw(&store);
            let new = CredGraph::build(&store);
            for i in 0..store.len() as u32 {
                for col in COLUMNS {
                    assert_eq!(
                        new.value(&store, col, i),
                        raw.value(&store, col, i),
                        "{col:?} of event {i} in {paths:?}"
                    );
                }
                let (a, b) = (new.chain_hops(&store, i), raw.chain_hops(&store, i));
                assert_eq!(a, b, "hops of event {i}");
                if new.hops(&store, i) > 0
                    && !new.value(&store, Column::Origin, i).starts_with("unknown")
                {
                    linked += 1;
                }
            }
        }
        // stratus-red-team and invictus-ir hold real AssumeRole chains.
        assert!(linked > 0, "no chain followed on the corpus");
    }
}
