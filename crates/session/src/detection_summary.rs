//! What the detections add to a row set's summary: a facet of rule titles,
//! one of levels and one of ATT&CK tactics (counting events, an event once
//! per rule, level or tactic it reached), and per histogram bin the number of events with a hit at
//! each level, for the marks on the histogram.

use trailview_core::model::EventIdx;
use trailview_core::query::LEVELS;
use trailview_core::sigma::DetectionIndex;
use trailview_core::store::Store;
use trailview_core::store::facets::{Facet, ValueCount};

use crate::summary::{Histogram, Timeline};

/// Detections over a row set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DetectionSummary {
    /// Rule titles, most events first.
    pub rules: Facet,
    /// Levels, most severe first.
    pub levels: Facet,
    /// ATT&CK tactics of the rules matched (`attack:` values), most
    /// events first.
    pub tactics: Facet,
    /// Per histogram bin, the highest level (index into `LEVELS`, plus
    /// one; 0: no hit) among its events, and how many events had a hit.
    pub bins: Vec<(u8, u32)>,
    /// Per timeline lane (the summary's lanes, same order), the time and
    /// highest level (index into `LEVELS`) of each event with a hit, in
    /// time order; at most [`MAX_LANE_HITS`] per lane, the most severe
    /// kept.
    pub lanes: Vec<Vec<(i64, u8)>>,
}

/// Most hits a lane keeps for its marks.
pub const MAX_LANE_HITS: usize = 20_000;

/// The summary of `rows`; `hist` is the row set's histogram.
pub fn summarize(
    store: &Store,
    d: &DetectionIndex,
    rows: &[EventIdx],
    hist: &Histogram,
    timeline: &Timeline,
    top: usize,
) -> DetectionSummary {
    let mut best_of: rustc_hash::FxHashMap<EventIdx, u8> = rustc_hash::FxHashMap::default();
    let mut per_rule = vec![0u64; d.set.rules.len()];
    let mut per_level = [0u64; LEVELS.len()];
    let mut bins = vec![(0u8, 0u32); hist.read.len()];
    let mut with_hits = 0u64;
    let mut per_tactic: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    let mut seen_tactics: Vec<&str> = Vec::new();
    for &row in rows {
        let mut best: Option<u8> = None;
        let mut seen_levels = [false; LEVELS.len()];
        seen_tactics.clear();
        for r in d.detections.rules_of(row) {
            if let Some(c) = per_rule.get_mut(r as usize) {
                *c += 1;
            }
            if let Some(label) = d.label(r) {
                best = best.max(Some(label.level));
                if let Some(s) = seen_levels.get_mut(label.level as usize) {
                    *s = true;
                }
                for t in label
                    .attack
                    .iter()
                    .filter(|t| !t.is_empty() && trailview_core::sigma::rule::is_tactic(t))
                {
                    if !seen_tactics.contains(&t.as_str()) {
                        seen_tactics.push(t);
                    }
                }
            }
        }
        for (i, s) in seen_levels.iter().enumerate() {
            per_level[i] += u64::from(*s);
        }
        for t in &seen_tactics {
            *per_tactic.entry(t).or_default() += 1;
        }
        let Some(best) = best else { continue };
        best_of.insert(row, best);
        with_hits += 1;
        if hist.bin_ms > 0 {
            // Events without a time (`NO_TIME`) are in no bin.
            let bin = store
                .time(row)
                .checked_sub(hist.start)
                .map(|d| d.div_euclid(hist.bin_ms));
            if let Some(b) = bin
                .and_then(|b| usize::try_from(b).ok())
                .and_then(|b| bins.get_mut(b))
            {
                b.0 = b.0.max(best + 1);
                b.1 += 1;
            }
        }
    }
    let mut titles: Vec<ValueCount> = per_rule
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .filter_map(|(i, c)| {
            Some(ValueCount {
                value: d.label(i as u32)?.title.clone(),
                count: *c,
            })
        })
        .collect();
    titles.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
    let distinct = titles.len();
    titles.truncate(top);
    let levels: Vec<ValueCount> = (0..LEVELS.len())
        .rev()
        .filter(|&l| per_level[l] > 0)
        .map(|l| ValueCount {
            value: LEVELS[l].to_owned(),
            count: per_level[l],
        })
        .collect();
    let mut tactics: Vec<ValueCount> = per_tactic
        .into_iter()
        .map(|(t, count)| ValueCount {
            value: t.to_owned(),
            count,
        })
        .collect();
    tactics.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
    let distinct_tactics = tactics.len();
    tactics.truncate(top);
    let lanes = timeline
        .lanes
        .iter()
        .map(|lane| {
            let mut hits: Vec<(i64, u8)> = lane
                .events
                .iter()
                .zip(&lane.times)
                .filter_map(|(e, &t)| best_of.get(e).map(|&l| (t, l)))
                .collect();
            if hits.len() > MAX_LANE_HITS {
                // Keep the most severe, then back in time order.
                hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                hits.truncate(MAX_LANE_HITS);
                hits.sort_unstable();
            }
            hits
        })
        .collect();
    DetectionSummary {
        lanes,
        tactics: Facet {
            top: tactics,
            distinct: distinct_tactics,
            total: with_hits,
        },
        rules: Facet {
            top: titles,
            distinct,
            total: with_hits,
        },
        levels: Facet {
            distinct: levels.len(),
            top: levels,
            total: with_hits,
        },
        bins,
    }
}
