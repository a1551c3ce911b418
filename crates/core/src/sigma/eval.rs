//! Running a [`RuleSet`] over the store.
//!
//! 1. Every field condition on a field the store keeps as an interned
//!    column (`eventName`, `eventSource`, `userIdentity.type`, ...) is
//!    evaluated once per distinct value of that column into a table of
//!    true / false / unknown.
//! 2. Each rule's condition is evaluated for every row in parallel chunks,
//!    with three-valued logic over those tables (fields the store does not
//!    keep are unknown). Most rows are decided here without touching their
//!    JSON.
//! 3. Rows left unknown are read back (one decompression per chunk, see
//!    `store::fetch`), parsed once, and every undecided rule is evaluated
//!    on the event's JSON, exactly per the Sigma specification.
//! 4. Correlations and legacy aggregations run over the (sparse) matches.
//!
//! Results are sparse: one [`Hit`] (8 bytes) per matching (event, rule).
//! Evaluation is incremental: [`Detections::extend`] evaluates only the
//! rows added since the last call and recomputes the correlations.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde_json::Value;

use super::RuleSet;
use super::condition::{self, Cond};
use super::correlation::{self, Correlation, Member};
use super::detection::{self, EventFields, FieldCond, FieldValue, Search};
use super::rule::Body;
use crate::model::EventIdx;
use crate::query::json_field;
use crate::store::{Store, StrCol};

/// One (event, rule) match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hit {
    pub row: EventIdx,
    /// Index into `RuleSet::rules`.
    pub rule: u32,
}

/// The store column holding exactly the value at a field path, if any,
/// and which part of it (always 0 but for [`StrCol::Exact`]'s pairs).
pub fn column_of(field: &str) -> Option<(StrCol, usize)> {
    const MAP: [(&str, StrCol, usize); 11] = [
        ("eventName", StrCol::EventName, 0),
        ("eventSource", StrCol::EventSource, 0),
        ("awsRegion", StrCol::Region, 0),
        ("sourceIPAddress", StrCol::SourceIp, 0),
        ("userAgent", StrCol::UserAgent, 0),
        ("errorCode", StrCol::ErrorCode, 0),
        ("eventType", StrCol::EventType, 0),
        ("eventCategory", StrCol::EventCategory, 0),
        ("userIdentity.type", StrCol::UserType, 0),
        ("userIdentity.arn", StrCol::Exact, 0),
        (
            "userIdentity.sessionContext.sessionIssuer.type",
            StrCol::Exact,
            1,
        ),
    ];
    MAP.iter()
        .find(|(f, _, _)| *f == field)
        .map(|(_, c, part)| (*c, *part))
}

const F: u8 = 0;
const T: u8 = 1;
const U: u8 = 2;

/// A field condition's answer per interned id of its column.
struct ColTable {
    col: StrCol,
    by_id: Vec<u8>,
}

/// A search identifier, pre-evaluated on columns: OR of maps, each an AND
/// of per-field tables (`None`: a field the store does not keep).
enum PreSearch {
    Maps(Vec<Vec<Option<ColTable>>>),
    Unknown,
}

struct Compiled<'r> {
    rule: u32,
    searches: &'r [Search],
    condition: &'r Cond,
    pre: Vec<PreSearch>,
}

fn table_for(fc: &FieldCond, store: &Store) -> Option<ColTable> {
    let (col, part) = column_of(&fc.field)?;
    let dict = store.dict(col);
    // Id 0 is an absent, null or empty value (or an empty list): decided
    // here when the condition answers the same for absent and for "". An
    // empty part of an `Exact` pair means the same.
    let absent = fc.matches_value(None)?;
    let empty = if fc.matches_value(Some("")) == Some(absent) {
        absent as u8
    } else {
        U
    };
    let mut by_id = Vec::with_capacity(dict.len());
    by_id.push(empty);
    for id in 1..dict.len() as u32 {
        let v = dict.get(id);
        let v = if col == StrCol::Exact {
            v.split(crate::store::EXACT_SEP).nth(part).unwrap_or("")
        } else {
            v
        };
        by_id.push(if v.is_empty() {
            empty
        } else if v == crate::ingest::record::NOT_PLAIN {
            // Present but not a plain string: the JSON decides.
            U
        } else {
            match fc.matches_value(Some(v)) {
                Some(b) => b as u8,
                None => U,
            }
        });
    }
    Some(ColTable { col, by_id })
}

fn compile<'r>(set: &'r RuleSet, store: &Store) -> Vec<Compiled<'r>> {
    set.rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.enabled)
        .filter_map(|(i, r)| match &r.rule.body {
            Body::Detection {
                searches,
                condition,
                ..
            } => Some(Compiled {
                rule: i as u32,
                searches,
                condition,
                pre: searches
                    .iter()
                    .map(|s| match s {
                        Search::Maps(maps) => PreSearch::Maps(
                            maps.iter()
                                .map(|m| m.iter().map(|fc| table_for(fc, store)).collect())
                                .collect(),
                        ),
                        Search::Keywords { .. } => PreSearch::Unknown,
                    })
                    .collect(),
            }),
            Body::Correlation(_) => None,
        })
        .collect()
}

fn pre_eval(c: &Compiled, cols: &[&[u32]; crate::store::N_STR], row: usize) -> u8 {
    let mut id = |i: usize| -> Option<bool> {
        match &c.pre[i] {
            PreSearch::Unknown => None,
            PreSearch::Maps(maps) => {
                let mut any_unknown = false;
                for m in maps {
                    let mut res = T;
                    for t in m {
                        let v = match t {
                            None => U,
                            Some(t) => {
                                let id = cols[t.col as usize].get(row).copied().unwrap_or(0);
                                t.by_id.get(id as usize).copied().unwrap_or(U)
                            }
                        };
                        if v == F {
                            res = F;
                            break;
                        }
                        if v == U {
                            res = U;
                        }
                    }
                    match res {
                        T => return Some(true),
                        U => any_unknown = true,
                        _ => {}
                    }
                }
                if any_unknown { None } else { Some(false) }
            }
        }
    };
    match condition::eval3(c.condition, &mut id) {
        Some(true) => T,
        Some(false) => F,
        None => U,
    }
}

/// An event's JSON as Sigma reads it.
pub struct JsonEvent<'a> {
    pub root: Value,
    pub text: &'a str,
}

fn push_value(v: &Value, out: &mut Vec<FieldValue>, depth: usize) {
    match v {
        Value::Null => out.push(FieldValue::Null),
        Value::String(s) => out.push(FieldValue::Text(s.clone())),
        Value::Bool(b) => out.push(FieldValue::Text(b.to_string())),
        Value::Number(n) => out.push(FieldValue::Text(n.to_string())),
        Value::Object(_) => out.push(FieldValue::Text(v.to_string())),
        Value::Array(items) => {
            if depth > 8 {
                out.push(FieldValue::Text(v.to_string()));
                return;
            }
            for i in items {
                push_value(i, out, depth + 1);
            }
        }
    }
}

impl EventFields for JsonEvent<'_> {
    fn values(&self, path: &str) -> Vec<FieldValue> {
        let mut out = Vec::new();
        for v in json_field::lookup_cased(&self.root, path) {
            push_value(v, &mut out, 0);
        }
        out
    }
    fn full_text(&self) -> &str {
        self.text
    }
    fn any_string(&self, f: &mut dyn FnMut(&str) -> bool) -> bool {
        fn walk(v: &Value, f: &mut dyn FnMut(&str) -> bool, depth: usize) -> bool {
            match v {
                Value::String(s) => f(s),
                Value::Array(items) if depth < 64 => items.iter().any(|i| walk(i, f, depth + 1)),
                Value::Object(m) if depth < 64 => m.values().any(|i| walk(i, f, depth + 1)),
                _ => false,
            }
        }
        walk(&self.root, f, 0)
    }
}

/// True when the rule's detection matches the event.
pub fn matches_event(searches: &[Search], cond: &Cond, ev: &dyn EventFields) -> bool {
    let mut cache: Vec<Option<bool>> = vec![None; searches.len()];
    condition::eval(cond, &mut |i| {
        if let Some(b) = cache[i] {
            return b;
        }
        let b = search_matches(&searches[i], ev);
        cache[i] = Some(b);
        b
    })
}

fn search_matches(s: &Search, ev: &dyn EventFields) -> bool {
    match s {
        Search::Maps(maps) => maps.iter().any(|m| m.iter().all(|fc| fc.matches(ev))),
        Search::Keywords { pats, all } => detection::keywords_match(pats, *all, ev),
    }
}

/// The fields the rule matched on, with the event's values that matched
/// there (for the detail pane: "matched on which fields", highlighted in
/// the JSON tree). Only searches the condition uses without `not`, and
/// only their maps that match as a whole: a filter's fields are not what
/// the rule fired on.
pub fn explain(
    searches: &[Search],
    cond: &Cond,
    ev: &dyn EventFields,
) -> Vec<(String, Vec<String>)> {
    let mut positive = vec![false; searches.len()];
    positive_ids(cond, false, &mut positive);
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (s, _) in searches.iter().zip(&positive).filter(|(_, p)| **p) {
        let Search::Maps(maps) = s else { continue };
        for map in maps.iter().filter(|m| m.iter().all(|fc| fc.matches(ev))) {
            for fc in map {
                let vals = fc.matching_values(ev);
                match out.iter_mut().find(|(f, _)| *f == fc.field) {
                    Some((_, have)) => {
                        for v in vals {
                            if !have.contains(&v) {
                                have.push(v);
                            }
                        }
                    }
                    None => out.push((fc.field.clone(), vals)),
                }
            }
        }
    }
    out
}

/// Marks the searches `cond` uses outside any `not` (the condition's
/// depth is bounded by the parser: `condition::MAX_DEPTH`).
fn positive_ids(cond: &Cond, negated: bool, out: &mut [bool]) {
    match cond {
        Cond::Id(i) => {
            if !negated && let Some(p) = out.get_mut(*i) {
                *p = true;
            }
        }
        Cond::Not(c) => positive_ids(c, !negated, out),
        Cond::And(cs) | Cond::Or(cs) => {
            for c in cs {
                positive_ids(c, negated, out);
            }
        }
        Cond::Const(_) => {}
    }
}

/// One correlation match: the rule and the rows of its window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrelationMatch {
    pub rule: u32,
    pub rows: Vec<EventIdx>,
}

/// Every detection over the store.
#[derive(Debug, Clone, Default)]
pub struct Detections {
    /// Shown hits, sorted by (row, rule): single-event matches of rules
    /// without aggregation, and the events of correlation matches.
    pub hits: Vec<Hit>,
    /// Correlation and aggregation matches.
    pub correlations: Vec<CorrelationMatch>,
    /// Single-event matches of every detection rule (sorted).
    single: Vec<Hit>,
    /// Rows evaluated so far.
    pub evaluated: usize,
    /// Rows whose JSON had to be read (for benches).
    pub json_reads: usize,
    /// Events whose bytes could not be read back (counted, not matched).
    pub unreadable: usize,
    /// Events parsed as JSON (the rest of `json_reads` were refuted by
    /// their text alone).
    pub json_parsed: usize,
    /// Time spent on the column pass and on the JSON pass, last run (ms).
    pub column_ms: f64,
    pub json_ms: f64,
    /// Per rule (index into `RuleSet::rules`): events the columns left
    /// undecided, last run (for benches: the rules that cost JSON reads).
    pub undecided: Vec<usize>,
}

impl Detections {
    /// Evaluates `set` over the whole store.
    pub fn run(store: &Store, set: &RuleSet) -> Detections {
        let mut d = Detections::default();
        d.extend(store, set);
        d
    }

    /// Evaluates the rows added since the last call, then recomputes the
    /// correlations.
    pub fn extend(&mut self, store: &Store, set: &RuleSet) {
        let n = store.len();
        if n < self.evaluated {
            *self = Detections::default();
        }
        let from = self.evaluated;
        let t0 = std::time::Instant::now();
        let compiled = compile(set, store);
        let cols: [&[u32]; crate::store::N_STR] =
            std::array::from_fn(|i| store.str_ids(STR_COLS[i]));
        const CHUNK: usize = 1 << 16;
        let starts: Vec<usize> = (from..n).step_by(CHUNK).collect();
        let parts: Vec<(Vec<Hit>, Vec<Hit>)> = starts
            .par_iter()
            .map(|&s| {
                let mut sure = Vec::new();
                let mut maybe = Vec::new();
                for row in s..(s + CHUNK).min(n) {
                    for c in &compiled {
                        match pre_eval(c, &cols, row) {
                            T => sure.push(Hit {
                                row: row as u32,
                                rule: c.rule,
                            }),
                            U => maybe.push(Hit {
                                row: row as u32,
                                rule: c.rule,
                            }),
                            _ => {}
                        }
                    }
                }
                (sure, maybe)
            })
            .collect();
        let mut new_hits = Vec::new();
        let mut maybe = Vec::new();
        for (s, m) in parts {
            new_hits.extend(s);
            maybe.extend(m);
        }
        self.undecided = vec![0; set.rules.len()];
        for h in &maybe {
            if let Some(n) = self.undecided.get_mut(h.rule as usize) {
                *n += 1;
            }
        }
        let by_rule: HashMap<u32, &Compiled> = compiled.iter().map(|c| (c.rule, c)).collect();
        self.column_ms = t0.elapsed().as_secs_f64() * 1e3;
        let t1 = std::time::Instant::now();
        let parsed = std::sync::atomic::AtomicUsize::new(0);
        let (confirmed, reads, unreadable) = confirm(store, &maybe, &by_rule, &parsed);
        self.json_parsed += parsed.into_inner();
        self.json_ms = t1.elapsed().as_secs_f64() * 1e3;
        self.json_reads += reads;
        self.unreadable += unreadable;
        new_hits.extend(confirmed);
        new_hits.sort_unstable();
        self.single.extend(new_hits);
        self.single.sort_unstable();
        self.evaluated = n;
        self.recompute(store, set);
    }

    fn recompute(&mut self, store: &Store, set: &RuleSet) {
        let mut correlations = Vec::new();
        let mut aggregated: HashSet<u32> = HashSet::new();
        for (i, r) in set.rules.iter().enumerate() {
            if !r.enabled {
                continue;
            }
            let i = i as u32;
            let (corr, refs): (&Correlation, Vec<u32>) = match &r.rule.body {
                Body::Detection {
                    aggregation: Some(a),
                    ..
                } => {
                    aggregated.insert(i);
                    (a, vec![i])
                }
                Body::Correlation(c) => {
                    let refs = c
                        .rules
                        .iter()
                        .map(|want| {
                            set.rules
                                .iter()
                                .position(|o| {
                                    matches!(o.rule.body, Body::Detection { .. })
                                        && (o.rule.id == *want
                                            || (!o.rule.name.is_empty() && o.rule.name == *want))
                                })
                                .map_or(u32::MAX, |p| p as u32)
                        })
                        .collect();
                    (c, refs)
                }
                _ => continue,
            };
            let members: Vec<Member> = self
                .single
                .iter()
                .filter_map(|h| refs.iter().position(|&r| r == h.rule).map(|w| (h, w)))
                .map(|(h, which)| {
                    let need_json = corr
                        .group_by
                        .iter()
                        .any(|g| derived(store, g, h.row).is_none())
                        || matches!(corr.kind, correlation::Kind::ValueCount(_));
                    let json = if need_json { store.json(h.row) } else { None };
                    let read = |field: &str| -> Option<String> {
                        if let Some(v) = derived(store, field, h.row) {
                            return Some(v);
                        }
                        let j = json.as_ref()?;
                        let vals = json_field::lookup_cased(j, field);
                        let mut out = Vec::new();
                        for v in vals {
                            push_value(v, &mut out, 0);
                        }
                        out.into_iter().find_map(|v| match v {
                            FieldValue::Text(t) => Some(t),
                            FieldValue::Null => None,
                        })
                    };
                    let group = corr
                        .group_by
                        .iter()
                        .map(|g| read(g).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join("\u{1f}");
                    let value = match &corr.kind {
                        correlation::Kind::ValueCount(f) => read(f),
                        _ => None,
                    };
                    Member {
                        row: h.row,
                        time: store.time(h.row),
                        which,
                        group,
                        value,
                    }
                })
                .collect();
            for rows in correlation::evaluate(corr, members) {
                correlations.push(CorrelationMatch { rule: i, rows });
            }
        }
        let mut hits: Vec<Hit> = self
            .single
            .iter()
            .filter(|h| !aggregated.contains(&h.rule))
            .copied()
            .collect();
        for m in &correlations {
            hits.extend(m.rows.iter().map(|&row| Hit { row, rule: m.rule }));
        }
        hits.sort_unstable();
        hits.dedup();
        self.hits = hits;
        self.correlations = correlations;
    }

    /// The rules (indices) an event matched.
    pub fn rules_of(&self, row: EventIdx) -> impl Iterator<Item = u32> + '_ {
        let start = self.hits.partition_point(|h| h.row < row);
        self.hits[start..]
            .iter()
            .take_while(move |h| h.row == row)
            .map(|h| h.rule)
    }

    /// Rows with at least one hit, sorted.
    pub fn rows(&self) -> Vec<EventIdx> {
        let mut r: Vec<EventIdx> = self.hits.iter().map(|h| h.row).collect();
        r.dedup();
        r
    }

    /// Rows a rule matched, sorted.
    pub fn rows_of_rule(&self, rule: u32) -> Vec<EventIdx> {
        self.hits
            .iter()
            .filter(|h| h.rule == rule)
            .map(|h| h.row)
            .collect()
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        (self.hits.capacity() + self.single.capacity()) * std::mem::size_of::<Hit>()
            + self
                .correlations
                .iter()
                .map(|c| c.rows.capacity() * 4 + 32)
                .sum::<usize>()
    }
}

const STR_COLS: [StrCol; crate::store::N_STR] = [
    StrCol::Actor,
    StrCol::EventName,
    StrCol::EventSource,
    StrCol::Region,
    StrCol::Account,
    StrCol::SourceIp,
    StrCol::UserAgent,
    StrCol::ErrorCode,
    StrCol::EventType,
    StrCol::EventCategory,
    StrCol::AccessKey,
    StrCol::UserType,
    StrCol::Role,
    StrCol::Exact,
];

/// Trailview's derived fields a correlation can group by.
fn derived(store: &Store, field: &str, row: EventIdx) -> Option<String> {
    match field {
        "actor" => Some(store.str_value(StrCol::Actor, row).to_owned()),
        "role" => Some(store.str_value(StrCol::Role, row).to_owned()),
        "account" => Some(store.str_value(StrCol::Account, row).to_owned()),
        _ => None,
    }
}

/// Confirms undecided (row, rule) pairs on the events' JSON: returns the
/// matches, the number of events read and the number unreadable. Work is
/// split by raw chunk: each chunk is decompressed once, on a worker, and
/// its events are read in place.
fn confirm(
    store: &Store,
    maybe: &[Hit],
    by_rule: &HashMap<u32, &Compiled>,
    parsed: &std::sync::atomic::AtomicUsize,
) -> (Vec<Hit>, usize, usize) {
    if maybe.is_empty() {
        return (Vec::new(), 0, 0);
    }
    let locs = store.raw_locs();
    // (chunk, row, rule), grouped by chunk.
    let mut keyed: Vec<(u32, Hit)> = maybe
        .iter()
        .map(|h| (locs.get(h.row as usize).map_or(u32::MAX, |l| l.chunk), *h))
        .collect();
    keyed.sort_unstable();
    let groups: Vec<&[(u32, Hit)]> = keyed.chunk_by(|a, b| a.0 == b.0).collect();
    let results: Vec<(Vec<Hit>, usize, usize)> = groups
        .par_iter()
        .map(|g| {
            let mut rows_read = 0usize;
            let mut bad = 0usize;
            let mut found = Vec::new();
            // The event's text, ASCII lower-cased (one buffer per chunk).
            let mut lower = String::new();
            let chunk_no = g[0].0;
            let bytes = store
                .raw_store()
                .chunk(chunk_no)
                .and_then(|c| c.decompress().ok());
            for same_row in g.chunk_by(|a, b| a.1.row == b.1.row) {
                let row = same_row[0].1.row;
                rows_read += 1;
                let ev_bytes = locs.get(row as usize).and_then(|l| {
                    let start = l.offset as usize;
                    bytes.as_ref()?.get(start..start + l.len as usize)
                });
                let Some(ev_bytes) = ev_bytes else {
                    bad += 1;
                    continue;
                };
                let mut rules: Vec<&Compiled> = same_row
                    .iter()
                    .filter_map(|(_, h)| by_rule.get(&h.rule).copied())
                    .collect();
                // Rules the event's text alone refutes need no JSON parse.
                if let Some(text) = compact_ascii(ev_bytes) {
                    lower.clear();
                    lower.push_str(text);
                    lower.make_ascii_lowercase();
                    rules.retain(|c| !refuted_by_raw(c.searches, c.condition, text, &lower));
                }
                if rules.is_empty() {
                    continue;
                }
                parsed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(root) = crate::json_bounded::parse_bounded(ev_bytes) else {
                    continue;
                };
                let ev = JsonEvent {
                    root,
                    text: std::str::from_utf8(ev_bytes).unwrap_or(""),
                };
                for c in rules {
                    if matches_event(c.searches, c.condition, &ev) {
                        found.push(Hit { row, rule: c.rule });
                    }
                }
            }
            (found, rows_read, bad)
        })
        .collect();
    let mut out = Vec::new();
    let (mut reads, mut unreadable) = (0, 0);
    for (f, r, b) in results {
        out.extend(f);
        reads += r;
        unreadable += b;
    }
    (out, reads, unreadable)
}

/// The event's text when it is compact ASCII JSON: no backslash (so no
/// escapes: every string's text is verbatim) and no whitespace outside
/// strings (so every object's compact JSON text is verbatim). Numbers are
/// assumed written as serde_json writes them (CloudTrail's are).
pub fn compact_ascii(bytes: &[u8]) -> Option<&str> {
    if !bytes.is_ascii() || memchr::memchr(b'\\', bytes).is_some() {
        return None;
    }
    let mut in_str = false;
    for &b in bytes {
        match b {
            b'"' => in_str = !in_str,
            b' ' | b'\n' | b'\r' | b'\t' if !in_str => return None,
            _ => {}
        }
    }
    std::str::from_utf8(bytes).ok()
}

/// True when the event's compact text shows the rule cannot match.
fn refuted_by_raw(searches: &[Search], cond: &Cond, raw: &str, lower: &str) -> bool {
    let mut id = |i: usize| -> Option<bool> {
        match &searches[i] {
            Search::Maps(maps) => {
                if maps
                    .iter()
                    .all(|m| m.iter().any(|fc| fc.refuted_by_raw(raw, lower)))
                {
                    Some(false)
                } else {
                    None
                }
            }
            Search::Keywords { .. } => None,
        }
    };
    condition::eval3(cond, &mut id) == Some(false)
}
