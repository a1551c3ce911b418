//! One line per rule with hits, for the Detections view and
//! `trailview detect`: hits, first and last hit, distinct actors; and the
//! highest level an event reached (the `detections` column).

use std::collections::HashSet;

use super::RuleSet;
use super::eval::Detections;
use super::rule::Level;
use crate::model::EventIdx;
use crate::store::{Store, StrCol};

/// A rule with hits.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleHits {
    /// Index into `RuleSet::rules`.
    pub rule: u32,
    pub hits: usize,
    /// Epoch milliseconds.
    pub first: i64,
    pub last: i64,
    pub actors: usize,
}

/// Every rule with at least one hit, most severe first, then most hits.
pub fn rule_hits(d: &Detections, set: &RuleSet, store: &Store) -> Vec<RuleHits> {
    rule_hits_in(d, set, store, None)
}

/// [`rule_hits`] counting only the hits on `rows` (the events a query
/// kept) when given.
pub fn rule_hits_in(
    d: &Detections,
    set: &RuleSet,
    store: &Store,
    rows: Option<&[EventIdx]>,
) -> Vec<RuleHits> {
    let kept: Option<Vec<bool>> = rows.map(|rows| {
        let mut k = vec![false; store.len()];
        for &r in rows {
            if let Some(x) = k.get_mut(r as usize) {
                *x = true;
            }
        }
        k
    });
    let mut per: Vec<(usize, i64, i64, HashSet<u32>)> =
        vec![(0, i64::MAX, i64::MIN, HashSet::new()); set.rules.len()];
    let actors = store.str_ids(StrCol::Actor);
    for h in &d.hits {
        if let Some(k) = &kept
            && !k.get(h.row as usize).copied().unwrap_or(false)
        {
            continue;
        }
        let Some(p) = per.get_mut(h.rule as usize) else {
            continue;
        };
        let t = store.time(h.row);
        p.0 += 1;
        // A hit without a time (an unreadable eventTime) neither starts
        // nor ends the rule's span.
        if t != crate::timefmt::NO_TIME {
            p.1 = p.1.min(t);
            p.2 = p.2.max(t);
        }
        if let Some(a) = actors.get(h.row as usize) {
            p.3.insert(*a);
        }
    }
    let mut out: Vec<RuleHits> = per
        .into_iter()
        .enumerate()
        .filter(|(_, p)| p.0 > 0)
        .map(|(i, p)| RuleHits {
            rule: i as u32,
            hits: p.0,
            first: p.1,
            last: p.2,
            actors: p.3.len(),
        })
        .collect();
    out.sort_by(|a, b| {
        let la = set.rules[a.rule as usize].rule.level;
        let lb = set.rules[b.rule as usize].rule.level;
        lb.cmp(&la)
            .then(b.hits.cmp(&a.hits))
            .then(a.rule.cmp(&b.rule))
    });
    out
}

/// The highest level among an event's hits and how many rules matched.
pub fn event_level(d: &Detections, set: &RuleSet, row: EventIdx) -> Option<(Level, usize)> {
    let mut best: Option<Level> = None;
    let mut n = 0;
    for r in d.rules_of(row) {
        n += 1;
        let l = set.rules.get(r as usize).map(|r| r.rule.level);
        best = best.max(l);
    }
    best.map(|b| (b, n))
}

/// The `detections` cell: `high ×2`, empty when no rule matched.
pub fn cell_text(d: &Detections, set: &RuleSet, row: EventIdx) -> String {
    match event_level(d, set, row) {
        Some((l, n)) => format!("{} \u{d7}{n}", l.as_str()),
        None => String::new(),
    }
}
