//! One event's chain, hop by hop, for the detail pane: each hop's
//! identity, the event that issued its credentials, that event's time and
//! source IP.

use super::{CredGraph, NONE};
use crate::model::EventIdx;
use crate::store::{Store, StrCol};

/// One hop of a chain, origin first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The identity at this hop (`alice (AKIA…)`, `Admin/alice`, ...).
    pub label: String,
    /// The event that issued this hop's credentials, when loaded.
    pub issued_by: Option<EventIdx>,
    /// Time of the issuing event (epoch ms), [`crate::timefmt::NO_TIME`] without one.
    pub time: i64,
    /// Source IP of the issuing event ("" without one).
    pub source_ip: String,
}

impl CredGraph {
    /// The chain of event `idx`, origin first; empty when not covered.
    pub fn chain_hops(&self, store: &Store, idx: EventIdx) -> Vec<Hop> {
        let Some(start) = self.node_of(store, idx) else {
            return Vec::new();
        };
        let mut nodes = Vec::new();
        let mut cur = start as u32;
        // Bounded: a chain is never longer than the node count.
        while cur != NONE && nodes.len() <= self.nodes.len() {
            let Some(node) = self.nodes.get(cur as usize) else {
                break;
            };
            if nodes.contains(&cur) {
                break;
            }
            nodes.push(cur);
            cur = node.parent;
        }
        nodes.reverse();
        let mut out = Vec::with_capacity(nodes.len() + 1);
        if let Some(top) = nodes.first().and_then(|&n| self.nodes.get(n as usize))
            && top.hops > 0
        {
            out.push(Hop {
                label: self.texts.get(top.origin).to_owned(),
                issued_by: None,
                time: crate::timefmt::NO_TIME,
                source_ip: String::new(),
            });
        }
        for n in nodes {
            let node = self.nodes[n as usize];
            let ev = (node.issued_by != NONE).then_some(node.issued_by);
            out.push(Hop {
                label: self.texts.get(node.label).to_owned(),
                issued_by: ev,
                time: ev.map_or(crate::timefmt::NO_TIME, |e| store.time(e)),
                source_ip: ev
                    .map(|e| store.str_value(StrCol::SourceIp, e).to_owned())
                    .unwrap_or_default(),
            });
        }
        out
    }
}
