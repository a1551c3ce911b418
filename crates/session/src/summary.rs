//! Everything derived from the filtered rows besides the rows themselves:
//! facet counts, the activity histogram and the per-actor timeline lanes.
//! Computed on a worker thread whenever the filtered set changes.

use rustc_hash::FxHashMap;

use crate::outcome::{Outcome, outcome};
use trailview_core::model::{Column, EventIdx};
use trailview_core::store::Store;
use trailview_core::store::facets::Facet;
use trailview_core::timefmt::NO_TIME;

/// How timeline lanes are grouped.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum LaneGrouping {
    #[default]
    Actor,
    Role,
    AccessKey,
    /// The origin of the credential chain (see `trailview_core::credentials`).
    Origin,
}

impl LaneGrouping {
    pub const ALL: [LaneGrouping; 4] = [
        LaneGrouping::Actor,
        LaneGrouping::Role,
        LaneGrouping::AccessKey,
        LaneGrouping::Origin,
    ];

    pub fn label(self) -> &'static str {
        match self {
            LaneGrouping::Actor => "Actor",
            LaneGrouping::Role => "Role",
            LaneGrouping::AccessKey => "Access key",
            LaneGrouping::Origin => "Origin",
        }
    }

    pub fn column(self) -> Column {
        match self {
            LaneGrouping::Actor => Column::Actor,
            LaneGrouping::Role => Column::Role,
            LaneGrouping::AccessKey => Column::AccessKey,
            LaneGrouping::Origin => Column::Origin,
        }
    }
}

/// Event counts per time bin, split by outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    /// Start of bin 0, epoch milliseconds.
    pub start: i64,
    pub bin_ms: i64,
    pub read: Vec<u32>,
    pub write: Vec<u32>,
    pub error: Vec<u32>,
}

impl Histogram {
    pub fn is_empty(&self) -> bool {
        self.read.is_empty()
    }

    pub fn end(&self) -> i64 {
        self.start + self.bin_ms * self.read.len() as i64
    }
}

/// The events of one lane that fall in one time bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub bucket: u32,
    pub count: u32,
    /// The worst outcome among them (error > write > read).
    pub outcome: Outcome,
    /// The first of them (earliest in the filtered order).
    pub first: EventIdx,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lane {
    pub name: String,
    pub total: u64,
    pub marks: Vec<Mark>,
}

/// Per-actor (or role, or key) lanes over the filtered time span.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    pub start: i64,
    pub end: i64,
    pub buckets: u32,
    pub lanes: Vec<Lane>,
    /// Number of distinct lane keys (lanes beyond the top are not built).
    pub distinct: usize,
    pub grouping: LaneGrouping,
}

impl Timeline {
    /// The time at the start of `bucket`.
    pub fn bucket_time(&self, bucket: u32) -> i64 {
        let span = (self.end - self.start).max(1);
        self.start + span * i64::from(bucket) / i64::from(self.buckets.max(1))
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub facets: Vec<(Column, Facet)>,
    pub histogram: Histogram,
    pub timeline: Timeline,
}

/// Most lanes a timeline builds.
pub const MAX_LANES: usize = 200;
const TIMELINE_BUCKETS: u32 = 1000;

/// What a summary holds besides the rows: how lanes are grouped and how
/// many values each facet lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SummaryOptions {
    pub grouping: LaneGrouping,
    pub facet_top: usize,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions {
            grouping: LaneGrouping::Actor,
            facet_top: 10,
        }
    }
}

/// Facets, histogram and timeline of `rows`.
pub fn summarize(store: &Store, rows: &[EventIdx], options: SummaryOptions) -> Summary {
    let SummaryOptions {
        grouping,
        facet_top,
    } = options;
    let facets = Column::FACETS
        .iter()
        .map(|&c| (c, store.facet(rows, c, facet_top)))
        .collect();
    let outcomes: Vec<Outcome> = rows.iter().map(|&i| outcome(store, i)).collect();
    Summary {
        facets,
        histogram: histogram(store, rows, &outcomes),
        timeline: timeline(store, rows, &outcomes, grouping),
    }
}

fn time_span(store: &Store, rows: &[EventIdx]) -> Option<(i64, i64)> {
    let mut lo = i64::MAX;
    let mut hi = i64::MIN;
    for &i in rows {
        let t = store.time(i);
        if t != NO_TIME {
            lo = lo.min(t);
            hi = hi.max(t);
        }
    }
    (lo <= hi).then_some((lo, hi))
}

const BIN_SIZES_MS: [i64; 16] = [
    1_000,
    5_000,
    15_000,
    60_000,
    300_000,
    900_000,
    1_800_000,
    3_600_000,
    3 * 3_600_000,
    6 * 3_600_000,
    12 * 3_600_000,
    86_400_000,
    7 * 86_400_000,
    30 * 86_400_000,
    90 * 86_400_000,
    365 * 86_400_000,
];

/// The smallest round bin width giving at most `max_bins` bins.
pub fn bin_width(span_ms: i64, max_bins: i64) -> i64 {
    BIN_SIZES_MS
        .iter()
        .copied()
        .find(|b| span_ms / b < max_bins)
        .unwrap_or(365 * 86_400_000 * 10)
}

fn histogram(store: &Store, rows: &[EventIdx], outcomes: &[Outcome]) -> Histogram {
    let Some((lo, hi)) = time_span(store, rows) else {
        return Histogram::default();
    };
    let bin_ms = bin_width(hi - lo, 240);
    let start = lo.div_euclid(bin_ms) * bin_ms;
    let n = ((hi - start) / bin_ms + 1) as usize;
    let mut h = Histogram {
        start,
        bin_ms,
        read: vec![0; n],
        write: vec![0; n],
        error: vec![0; n],
    };
    for (&i, &o) in rows.iter().zip(outcomes) {
        let t = store.time(i);
        if t == NO_TIME {
            continue;
        }
        let b = ((t - start) / bin_ms) as usize;
        let v = match o {
            Outcome::Read => &mut h.read,
            Outcome::Write => &mut h.write,
            Outcome::Error => &mut h.error,
        };
        if let Some(slot) = v.get_mut(b) {
            *slot += 1;
        }
    }
    h
}

fn rank(o: Outcome) -> u8 {
    match o {
        Outcome::Read => 0,
        Outcome::Write => 1,
        Outcome::Error => 2,
    }
}

fn timeline(
    store: &Store,
    rows: &[EventIdx],
    outcomes: &[Outcome],
    grouping: LaneGrouping,
) -> Timeline {
    let mut tl = Timeline {
        grouping,
        buckets: TIMELINE_BUCKETS,
        ..Timeline::default()
    };
    let Some((lo, hi)) = time_span(store, rows) else {
        return tl;
    };
    tl.start = lo;
    tl.end = hi + 1;
    let Some(keys) = crate::lane_keys::LaneKeys::new(store, grouping) else {
        return tl;
    };
    let mut counts: FxHashMap<u32, u64> = FxHashMap::default();
    for &i in rows {
        *counts.entry(keys.id(i)).or_default() += 1;
    }
    tl.distinct = counts.len();
    let mut order: Vec<(u32, u64)> = counts.into_iter().collect();
    order.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| keys.name(a.0).cmp(keys.name(b.0)))
    });
    order.truncate(MAX_LANES);
    let lane_of: FxHashMap<u32, usize> = order
        .iter()
        .enumerate()
        .map(|(n, (id, _))| (*id, n))
        .collect();
    let span = (tl.end - tl.start).max(1);
    let mut cells: Vec<FxHashMap<u32, Mark>> = vec![FxHashMap::default(); order.len()];
    for (&i, &o) in rows.iter().zip(outcomes) {
        let t = store.time(i);
        if t == NO_TIME {
            continue;
        }
        let Some(&lane) = lane_of.get(&keys.id(i)) else {
            continue;
        };
        let bucket =
            (((t - tl.start) as i128 * i128::from(TIMELINE_BUCKETS)) / i128::from(span)) as u32;
        let bucket = bucket.min(TIMELINE_BUCKETS - 1);
        let m = cells[lane].entry(bucket).or_insert(Mark {
            bucket,
            count: 0,
            outcome: o,
            first: i,
        });
        m.count += 1;
        if rank(o) > rank(m.outcome) {
            m.outcome = o;
        }
    }
    tl.lanes = order
        .iter()
        .zip(cells)
        .map(|((id, total), cell)| {
            let mut marks: Vec<Mark> = cell.into_values().collect();
            marks.sort_by_key(|m| m.bucket);
            let name = keys.name(*id);
            Lane {
                name: if name.is_empty() {
                    "(none)".into()
                } else {
                    name.to_owned()
                },
                total: *total,
                marks,
            }
        })
        .collect();
    tl
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailview_core::ingest::store_from_texts;

    #[test]
    fn histogram_and_lanes_split_by_outcome() {
        let store = store_from_texts(&[(
            "a.json",
            &[
                r#"{"eventName":"GetObject","readOnly":true,"eventTime":"2023-01-01T00:00:00Z","userIdentity":{"type":"IAMUser","userName":"alice"}}"#,
                r#"{"eventName":"PutObject","readOnly":false,"eventTime":"2023-01-01T00:10:00Z","userIdentity":{"type":"IAMUser","userName":"alice"}}"#,
                r#"{"eventName":"PutObject","errorCode":"AccessDenied","eventTime":"2023-01-01T01:00:00Z","userIdentity":{"type":"IAMUser","userName":"bob"}}"#,
            ],
        )]);
        let rows = store.all_rows();
        let s = summarize(
            &store,
            &rows,
            SummaryOptions {
                grouping: LaneGrouping::Actor,
                facet_top: 5,
            },
        );
        let h = &s.histogram;
        assert_eq!(h.read.iter().sum::<u32>(), 1);
        assert_eq!(h.write.iter().sum::<u32>(), 1);
        assert_eq!(h.error.iter().sum::<u32>(), 1);
        assert!(h.start <= store.time(0) && h.end() > store.time(2));
        let names: Vec<&str> = s.timeline.lanes.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["alice", "bob"]);
        assert_eq!(s.timeline.lanes[1].marks[0].outcome, Outcome::Error);
        assert_eq!(s.timeline.lanes[1].marks[0].first, 2);
        let actor = s
            .facets
            .iter()
            .find(|(c, _)| *c == Column::Actor)
            .expect("actor facet");
        assert_eq!(actor.1.top[0].value, "alice");
    }

    #[test]
    fn bin_width_is_round() {
        assert_eq!(bin_width(3_600_000, 240), 60_000);
        assert_eq!(bin_width(3_599_999, 240), 15_000);
        assert_eq!(bin_width(0, 240), 1_000);
    }
}
