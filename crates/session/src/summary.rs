//! Everything derived from the filtered rows besides the rows themselves:
//! facet counts, the activity histogram and the per-actor timeline lanes.
//! Computed on a worker thread whenever the filtered set changes.

use rustc_hash::FxHashMap;

use crate::outcome::{Outcome, outcome};
use trailview_core::model::{Column, EventIdx};
use trailview_core::store::facets::Facet;
use trailview_core::store::{Store, StrCol};
use trailview_core::timefmt::{self, NO_TIME};

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

/// What one set of credentials (an access key) did within a lane: drawn as
/// a bar from its first to its last event.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionBar {
    /// The access key (or "(no key)").
    pub key: String,
    pub first: i64,
    pub last: i64,
    pub events: u32,
    pub errors: u32,
}

/// Event counts of one lane in one time bin, by outcome (`all` includes
/// the writes and the errors).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BinCounts {
    pub all: u32,
    pub write: u32,
    pub error: u32,
}

/// One lane of the timeline: every filtered event of one actor (or role,
/// or access key), kept sorted by time so that any zoom window is drawn by
/// binary search, without another pass over the rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Lane {
    pub name: String,
    /// Filtered events of this lane, with or without a time.
    pub total: u64,
    pub writes: u64,
    pub errors: u64,
    /// Distinct source IP addresses.
    pub ips: u32,
    /// The most frequent source IP address.
    pub top_ip: String,
    /// Times of the lane's timed events, ascending.
    pub times: Vec<i64>,
    /// The events at `times`, same order.
    pub events: Vec<EventIdx>,
    /// Times of the writes (not failed), ascending.
    pub write_times: Vec<i64>,
    /// Times of the failed calls, ascending.
    pub error_times: Vec<i64>,
    /// Access-key sessions, by first use.
    pub sessions: Vec<SessionBar>,
}

fn count_in(times: &[i64], from: i64, to: i64) -> usize {
    times.partition_point(|&t| t < to) - times.partition_point(|&t| t < from)
}

impl Lane {
    /// First event time, if any event has one.
    pub fn first(&self) -> Option<i64> {
        self.times.first().copied()
    }

    /// Last event time, if any event has one.
    pub fn last(&self) -> Option<i64> {
        self.times.last().copied()
    }

    /// Counts per bin of `bins` equal bins over `[from, to)`. Costs a
    /// binary search per bin boundary, whatever the number of events.
    pub fn density(&self, from: i64, to: i64, bins: usize) -> Vec<BinCounts> {
        let span = i128::from((to - from).max(1));
        let edge = |k: usize| from + (span * k as i128 / bins.max(1) as i128) as i64;
        let cut = |v: &[i64]| -> Vec<usize> {
            (0..=bins)
                .map(|k| v.partition_point(|&t| t < edge(k)))
                .collect()
        };
        let (a, w, e) = (
            cut(&self.times),
            cut(&self.write_times),
            cut(&self.error_times),
        );
        (0..bins)
            .map(|k| BinCounts {
                all: (a[k + 1] - a[k]) as u32,
                write: (w[k + 1] - w[k]) as u32,
                error: (e[k + 1] - e[k]) as u32,
            })
            .collect()
    }

    /// Counts of the events in `[from, to)`.
    pub fn counts(&self, from: i64, to: i64) -> BinCounts {
        BinCounts {
            all: count_in(&self.times, from, to) as u32,
            write: count_in(&self.write_times, from, to) as u32,
            error: count_in(&self.error_times, from, to) as u32,
        }
    }

    /// The first event in `[from, to)`.
    pub fn first_in(&self, from: i64, to: i64) -> Option<EventIdx> {
        let i = self.times.partition_point(|&t| t < from);
        (self.times.get(i).is_some_and(|&t| t < to))
            .then(|| self.events.get(i).copied())
            .flatten()
    }
}

/// Per-actor (or role, or key) lanes over the filtered events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    /// Time of the first and just after the last filtered event.
    pub start: i64,
    pub end: i64,
    /// Lanes by volume (most events first, then by name).
    pub lanes: Vec<Lane>,
    /// Number of distinct lane keys (lanes beyond [`MAX_LANES`] are not
    /// built).
    pub distinct: usize,
    pub grouping: LaneGrouping,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub facets: Vec<(Column, Facet)>,
    pub histogram: Histogram,
    pub timeline: Timeline,
    /// Rule and level facets and histogram marks, once detections ran.
    pub detections: Option<crate::detection_summary::DetectionSummary>,
}

/// Most lanes a timeline builds (the busiest ones). Lanes hold their
/// events, so the memory is bounded by the rows whatever this is.
pub const MAX_LANES: usize = 5000;
/// Most session bars a lane keeps (the busiest ones).
const MAX_SESSIONS: usize = 2000;

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
    // Never stale: always finishes.
    summarize_until(store, rows, options, &|| false).unwrap_or_default()
}

/// [`summarize`], giving up (`None`) as soon as `stale` says a newer
/// request wants the cores: it is asked between facets and parts, so a
/// summary abandoned for a newer query stops within one facet's time.
pub fn summarize_until(
    store: &Store,
    rows: &[EventIdx],
    options: SummaryOptions,
    stale: &dyn Fn() -> bool,
) -> Option<Summary> {
    let SummaryOptions {
        grouping,
        facet_top,
    } = options;
    let mut facets = Vec::with_capacity(Column::FACETS.len());
    for c in Column::FACETS {
        if stale() {
            return None;
        }
        facets.push((c, store.facet(rows, c, facet_top)));
    }
    let outcomes: Vec<Outcome> = rows.iter().map(|&i| outcome(store, i)).collect();
    if stale() {
        return None;
    }
    let histogram = histogram(store, rows, &outcomes);
    if stale() {
        return None;
    }
    Some(Summary {
        facets,
        histogram,
        timeline: timeline(store, rows, &outcomes, grouping),
        detections: None,
    })
}

fn time_span(store: &Store, rows: &[EventIdx]) -> Option<(i64, i64)> {
    timefmt::span(rows.iter().map(|&i| store.time(i)))
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

fn timeline(
    store: &Store,
    rows: &[EventIdx],
    outcomes: &[Outcome],
    grouping: LaneGrouping,
) -> Timeline {
    let mut tl = Timeline {
        grouping,
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
    let ip_col = StrCol::of(Column::SourceIp);
    let key_col = StrCol::of(Column::AccessKey);
    let mut lanes: Vec<LaneBuild> = (0..order.len()).map(|_| LaneBuild::default()).collect();
    for (&i, &o) in rows.iter().zip(outcomes) {
        let Some(&lane) = lane_of.get(&keys.id(i)) else {
            continue;
        };
        let b = &mut lanes[lane];
        let t = store.time(i);
        if let Some(c) = ip_col {
            *b.ips.entry(store.str_ids(c)[i as usize]).or_default() += 1;
        }
        match o {
            Outcome::Write => b.lane.writes += 1,
            Outcome::Error => b.lane.errors += 1,
            Outcome::Read => {}
        }
        if t == NO_TIME {
            continue;
        }
        b.points.push((t, i));
        match o {
            Outcome::Write => b.lane.write_times.push(t),
            Outcome::Error => b.lane.error_times.push(t),
            Outcome::Read => {}
        }
        if let Some(c) = key_col {
            let s = b
                .sessions
                .entry(store.str_ids(c)[i as usize])
                .or_insert(SessionAcc {
                    first: t,
                    last: t,
                    events: 0,
                    errors: 0,
                });
            s.first = s.first.min(t);
            s.last = s.last.max(t);
            s.events += 1;
            s.errors += u32::from(o == Outcome::Error);
        }
    }
    tl.lanes = order
        .iter()
        .zip(lanes)
        .map(|((id, total), b)| b.finish(store, keys.name(*id), *total))
        .collect();
    tl
}

#[derive(Default)]
struct SessionAcc {
    first: i64,
    last: i64,
    events: u32,
    errors: u32,
}

/// A lane while the rows are being read.
#[derive(Default)]
struct LaneBuild {
    lane: Lane,
    points: Vec<(i64, EventIdx)>,
    ips: FxHashMap<u32, u32>,
    sessions: FxHashMap<u32, SessionAcc>,
}

impl LaneBuild {
    fn finish(self, store: &Store, name: &str, total: u64) -> Lane {
        let LaneBuild {
            mut lane,
            mut points,
            ips,
            sessions,
        } = self;
        // Rows usually come in time order already; sort only when not.
        if !points.is_sorted_by_key(|p| p.0) {
            points.sort_by_key(|p| p.0);
        }
        lane.times = points.iter().map(|p| p.0).collect();
        lane.events = points.iter().map(|p| p.1).collect();
        for v in [&mut lane.write_times, &mut lane.error_times] {
            if !v.is_sorted() {
                v.sort_unstable();
            }
        }
        lane.name = if name.is_empty() {
            "(none)".into()
        } else {
            name.to_owned()
        };
        lane.total = total;
        lane.ips = ips.keys().filter(|&&id| id != 0).count() as u32;
        if let Some(ip) = StrCol::of(Column::SourceIp)
            && let Some((&id, _)) = ips
                .iter()
                .filter(|(id, _)| **id != 0)
                .max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id)))
        {
            lane.top_ip = store.dict(ip).get(id).to_owned();
        }
        let mut bars: Vec<(u32, SessionAcc)> = sessions.into_iter().collect();
        if bars.len() > MAX_SESSIONS {
            bars.sort_by_key(|(_, s)| std::cmp::Reverse(s.events));
            bars.truncate(MAX_SESSIONS);
        }
        let keys = StrCol::of(Column::AccessKey).map(|c| store.dict(c));
        lane.sessions = bars
            .into_iter()
            .map(|(id, s)| SessionBar {
                key: keys
                    .map(|d| d.get(id))
                    .filter(|k| !k.is_empty())
                    .unwrap_or("(no key)")
                    .to_owned(),
                first: s.first,
                last: s.last,
                events: s.events,
                errors: s.errors,
            })
            .collect();
        lane.sessions
            .sort_by(|a, b| a.first.cmp(&b.first).then(a.key.cmp(&b.key)));
        lane
    }
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
        let bob = &s.timeline.lanes[1];
        assert_eq!((bob.errors, bob.times.len()), (1, 1));
        assert_eq!(bob.error_times, [store.time(2)]);
        assert_eq!(bob.events, [2]);
        let alice = &s.timeline.lanes[0];
        assert_eq!((alice.total, alice.writes, alice.errors), (2, 1, 0));
        let actor = s
            .facets
            .iter()
            .find(|(c, _)| *c == Column::Actor)
            .expect("actor facet");
        assert_eq!(actor.1.top[0].value, "alice");
    }

    fn ev(user: &str, minute: u32, name: &str, error: bool, ip: &str, key: &str) -> String {
        let err = if error {
            r#","errorCode":"AccessDenied""#
        } else {
            ""
        };
        format!(
            r#"{{"eventName":"{name}","readOnly":{ro},"eventTime":"2023-01-01T{:02}:{:02}:00Z","sourceIPAddress":"{ip}","userIdentity":{{"type":"IAMUser","userName":"{user}","accessKeyId":"{key}"}}{err}}}"#,
            minute / 60,
            minute % 60,
            ro = name.starts_with("Get"),
        )
    }

    #[test]
    fn a_summary_stops_once_a_newer_request_is_waiting() {
        let lines = [
            ev("alice", 10, "PutObject", false, "10.0.0.2", "AKIA1"),
            ev("bob", 0, "GetObject", false, "10.0.0.9", "AKIA9"),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let store = store_from_texts(&[("a.json", &lines)]);
        let rows = store.all_rows();
        let opts = SummaryOptions::default();
        assert!(summarize_until(&store, &rows, opts, &|| true).is_none());
        // Stale after three facets: it stops at the fourth question.
        let asked = std::cell::Cell::new(0);
        let stale = || {
            asked.set(asked.get() + 1);
            asked.get() > 3
        };
        assert!(summarize_until(&store, &rows, opts, &stale).is_none());
        assert_eq!(asked.get(), 4);
        let full = summarize_until(&store, &rows, opts, &|| false);
        assert_eq!(full.as_ref(), Some(&summarize(&store, &rows, opts)));
        assert_eq!(full.map(|s| s.facets.len()), Some(Column::FACETS.len()));
    }

    #[test]
    fn lanes_hold_sorted_times_density_ips_and_sessions() {
        // Out of time order on purpose: the lane sorts its events.
        let lines = [
            ev("alice", 50, "GetObject", false, "10.0.0.1", "AKIA1"),
            ev("alice", 10, "PutObject", false, "10.0.0.2", "AKIA1"),
            ev("alice", 20, "GetObject", true, "10.0.0.1", "ASIA2"),
            ev("alice", 30, "GetObject", false, "10.0.0.1", "ASIA2"),
            ev("bob", 0, "GetObject", false, "10.0.0.9", "AKIA9"),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let store = store_from_texts(&[("a.json", &lines)]);
        let rows = store.all_rows();
        let s = summarize(&store, &rows, SummaryOptions::default());
        let tl = &s.timeline;
        let alice = &tl.lanes[0];
        assert_eq!(alice.name, "alice");
        assert!(alice.times.is_sorted());
        assert_eq!(alice.events, [1, 2, 3, 0]);
        assert_eq!((alice.ips, alice.top_ip.as_str()), (2, "10.0.0.1"));
        let min = 60_000;
        let t0 = tl.start; // bob at 00:00
        // Three bins of 20 minutes over the first hour: 10 | 20, 30 | 50.
        let d = alice.density(t0, t0 + 60 * min, 3);
        let all: Vec<u32> = d.iter().map(|b| b.all).collect();
        assert_eq!(all, [1, 2, 1]);
        assert_eq!(d[0].write, 1);
        assert_eq!(d[1].error, 1);
        assert_eq!(alice.counts(t0, t0 + 25 * min).all, 2);
        assert_eq!(alice.first_in(t0 + 15 * min, t0 + 60 * min), Some(2));
        assert_eq!(alice.first_in(t0 + 31 * min, t0 + 49 * min), None);
        let keys: Vec<(&str, u32, u32)> = alice
            .sessions
            .iter()
            .map(|b| (b.key.as_str(), b.events, b.errors))
            .collect();
        assert_eq!(keys, [("AKIA1", 2, 0), ("ASIA2", 2, 1)]);
        assert_eq!(alice.sessions[0].last - alice.sessions[0].first, 40 * min);
        assert_eq!(alice.first(), Some(t0 + 10 * min));
        assert_eq!(alice.last(), Some(t0 + 50 * min));
    }

    #[test]
    fn bin_width_is_round() {
        assert_eq!(bin_width(3_600_000, 240), 60_000);
        assert_eq!(bin_width(3_599_999, 240), 15_000);
        assert_eq!(bin_width(0, 240), 1_000);
    }
}
