//! What the detections add to a row set's summary: a facet of rule titles
//! and one of levels (counting events, an event once per rule or level
//! it reached), and per histogram bin the number of events with a hit at
//! each level, for the marks on the histogram.

use trailview_core::model::EventIdx;
use trailview_core::query::LEVELS;
use trailview_core::sigma::DetectionIndex;
use trailview_core::store::Store;
use trailview_core::store::facets::{Facet, ValueCount};

use crate::summary::Histogram;

/// Detections over a row set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DetectionSummary {
    /// Rule titles, most events first.
    pub rules: Facet,
    /// Levels, most severe first.
    pub levels: Facet,
    /// Per histogram bin, the highest level (index into `LEVELS`, plus
    /// one; 0: no hit) among its events, and how many events had a hit.
    pub bins: Vec<(u8, u32)>,
}

/// The summary of `rows`; `hist` is the row set's histogram.
pub fn summarize(
    store: &Store,
    d: &DetectionIndex,
    rows: &[EventIdx],
    hist: &Histogram,
    top: usize,
) -> DetectionSummary {
    let mut per_rule = vec![0u64; d.set.rules.len()];
    let mut per_level = [0u64; LEVELS.len()];
    let mut bins = vec![(0u8, 0u32); hist.read.len()];
    let mut with_hits = 0u64;
    for &row in rows {
        let mut best: Option<u8> = None;
        let mut seen_levels = [false; LEVELS.len()];
        for r in d.detections.rules_of(row) {
            if let Some(c) = per_rule.get_mut(r as usize) {
                *c += 1;
            }
            if let Some(l) = d.label(r).map(|l| l.level) {
                best = best.max(Some(l));
                if let Some(s) = seen_levels.get_mut(l as usize) {
                    *s = true;
                }
            }
        }
        for (i, s) in seen_levels.iter().enumerate() {
            per_level[i] += u64::from(*s);
        }
        let Some(best) = best else { continue };
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
    DetectionSummary {
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
