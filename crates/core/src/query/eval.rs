//! Runs a compiled query over events. Column conditions read the store's
//! vectors; conditions on the raw event read it from the compressed
//! chunks, which are decompressed once per chunk (rows are visited chunk
//! by chunk, in parallel) and lower-cased once for case-insensitive search.
//! A chunk whose trigram bitmap (built after the load or by the first
//! search that read it, see [`crate::store::trigrams`]) rules a search term out is not
//! decompressed for that term.

use memchr::memmem::Finder;
use rayon::prelude::*;

use super::annotations::Annotations;
use super::ast::ValueTest;
use super::json_field::{lookup_raw, value_texts};
use super::plan::{Leaf, PNode, Plan};
use crate::model::EventIdx;
use crate::store::raw::RawLoc;

/// Rows evaluated together when no raw bytes are needed.
const CHUNK: usize = 16 * 1024;

/// The block being read: its bytes, lower-cased bytes and where each
/// needle's search through it stands.
struct Cursor {
    block: u32,
    /// The chunk `ruled_out` was last set for from its trigram bitmap,
    /// without decompressing it.
    probed: u32,
    bytes: Vec<u8>,
    lower: Vec<u8>,
    lower_ok: bool,
    /// Per needle: the bitmap of chunk `probed` says it cannot occur there.
    ruled_out: Vec<bool>,
    /// Per needle: how far the lower-cased block has been searched.
    scans: Vec<Scan>,
}

/// A needle's search through the current block. Events are mostly asked
/// about in the order of their offsets, so each search resumes where the
/// last one stopped: a rare needle costs one pass over the block, and a
/// common one stops at its first occurrence in each event.
#[derive(Clone, Copy)]
struct Scan {
    /// The block was searched from here on (`usize::MAX`: not yet)...
    from: usize,
    /// ...and this is the first occurrence found at or after `from`.
    next: Option<usize>,
}

impl Scan {
    const UNSEARCHED: Scan = Scan {
        from: usize::MAX,
        next: None,
    };

    /// Does `finder`'s needle occur wholly inside `text[s..e]`?
    fn occurs_within(&mut self, finder: &Finder<'_>, text: &[u8], s: usize, e: usize) -> bool {
        if self.from > s || self.next.is_some_and(|p| p < s) {
            self.from = s;
            self.next = text.get(s..).and_then(|t| finder.find(t)).map(|i| s + i);
        }
        self.next.is_some_and(|p| p + finder.needle().len() <= e)
    }
}

impl Cursor {
    fn new(needles: usize) -> Cursor {
        Cursor {
            block: u32::MAX,
            probed: u32::MAX,
            bytes: Vec::new(),
            lower: Vec::new(),
            lower_ok: false,
            ruled_out: vec![false; needles],
            scans: vec![Scan::UNSEARCHED; needles],
        }
    }
}

impl Plan<'_> {
    /// The rows of `rows` that match, in their order.
    pub fn select(&self, rows: &[EventIdx], ann: &dyn Annotations) -> Vec<EventIdx> {
        if !self.needs_raw {
            return rows
                .par_chunks(CHUNK)
                .flat_map_iter(|chunk| {
                    if ann.cancelled() {
                        return Vec::new();
                    }
                    let mut cur = Cursor::new(0);
                    chunk
                        .iter()
                        .copied()
                        .filter(move |&i| self.matches(i, ann, &mut cur))
                        .collect::<Vec<_>>()
                })
                .collect();
        }
        if rows.windows(2).all(|w| w[0] <= w[1]) {
            return self.select_sorted(rows, ann);
        }
        let mut sorted = rows.to_vec();
        sorted.par_sort_unstable();
        sorted.dedup();
        let hits = self.select_sorted(&sorted, ann);
        let mut bits = vec![0u64; self.store.len().div_ceil(64)];
        for i in hits {
            bits[i as usize / 64] |= 1 << (i % 64);
        }
        rows.par_iter()
            .copied()
            .filter(|&i| {
                bits.get(i as usize / 64)
                    .is_some_and(|w| w & (1 << (i % 64)) != 0)
            })
            .collect()
    }

    /// Rows in ascending order, visited one raw block at a time.
    fn select_sorted(&self, rows: &[EventIdx], ann: &dyn Annotations) -> Vec<EventIdx> {
        let locs = self.store.raw_locs();
        let block_of = |i: EventIdx| locs.get(i as usize).map_or(u32::MAX, |l| l.chunk);
        rows.par_chunk_by(|&a, &b| block_of(a) == block_of(b))
            .flat_map_iter(|chunk| {
                if ann.cancelled() {
                    return Vec::new();
                }
                let mut cur = Cursor::new(self.needles.len());
                chunk
                    .iter()
                    .copied()
                    .filter(move |&i| self.matches(i, ann, &mut cur))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Does one event match?
    pub fn matches_one(&self, idx: EventIdx, ann: &dyn Annotations) -> bool {
        let mut cur = Cursor::new(self.needles.len());
        self.matches(idx, ann, &mut cur)
    }

    fn matches(&self, idx: EventIdx, ann: &dyn Annotations, cur: &mut Cursor) -> bool {
        (idx as usize) < self.store.len() && self.eval(&self.root, idx, ann, cur)
    }

    fn eval(&self, n: &PNode<'_>, idx: EventIdx, ann: &dyn Annotations, cur: &mut Cursor) -> bool {
        match n {
            PNode::All => true,
            PNode::And(xs) => xs.iter().all(|x| self.eval(x, idx, ann, cur)),
            PNode::Or(xs) => xs.iter().any(|x| self.eval(x, idx, ann, cur)),
            PNode::Not(x) => !self.eval(x, idx, ann, cur),
            PNode::Leaf(l) => self.leaf(l, idx, ann, cur),
        }
    }

    fn leaf(&self, l: &Leaf<'_>, idx: EventIdx, ann: &dyn Annotations, cur: &mut Cursor) -> bool {
        let i = idx as usize;
        match l {
            Leaf::Ids { ids, pass } => ids
                .get(i)
                .and_then(|&id| pass.get(id as usize))
                .copied()
                .unwrap_or(false),
            Leaf::Bytes { bytes, pass } => bytes.get(i).is_some_and(|&b| pass[b as usize]),
            Leaf::ColumnText { col, test } => test.matches(&self.store.value(*col, idx)),
            Leaf::Time { times, test } => times.get(i).is_some_and(|&t| test.matches(t)),
            Leaf::Literal { slot } => self.literal(*slot, idx, cur),
            Leaf::Pattern { re } => self
                .event_bytes(idx, cur)
                .is_some_and(|(s, e)| re.is_match(&cur.bytes[s..e])),
            Leaf::Json {
                segs,
                test,
                prefilter,
            } => {
                if let Some(slot) = prefilter
                    && !self.literal(*slot, idx, cur)
                {
                    return false;
                }
                let Some((s, e)) = self.event_bytes(idx, cur) else {
                    return false;
                };
                let values = lookup_raw(&cur.bytes[s..e], segs);
                let mut texts = Vec::new();
                for v in &values {
                    value_texts(v, &mut texts);
                }
                test.matches_any(&texts)
            }
            Leaf::Tags(test) => test.matches_any(ann.tags(idx)),
            Leaf::Note => ann.has_note(idx),
            Leaf::Starred => ann.is_starred(idx),
            Leaf::Integrity(test) => test.matches(ann.integrity(idx)),
            Leaf::Detected => !ann.rules(idx).is_empty(),
            Leaf::Level { lo, hi } => ann
                .rules(idx)
                .iter()
                .any(|r| (*lo..=*hi).contains(&r.level)),
            Leaf::Rule(test) => match test {
                ValueTest::Empty => ann.rules(idx).is_empty(),
                _ => ann
                    .rules(idx)
                    .iter()
                    .any(|r| test.matches(&r.id) || test.matches(&r.title)),
            },
            Leaf::Attack(test) => match test {
                ValueTest::Empty => ann.rules(idx).iter().all(|r| r.attack.is_empty()),
                _ => ann.rules(idx).iter().any(|r| test.matches_any(&r.attack)),
            },
        }
    }

    /// Does needle `slot` occur in the event, case-insensitively?
    fn literal(&self, slot: usize, idx: EventIdx, cur: &mut Cursor) -> bool {
        if self.absent_by_index(slot, idx, cur) {
            return false;
        }
        let Some((s, e)) = self.event_bytes(idx, cur) else {
            return false;
        };
        if !cur.lower_ok {
            if self.needs_original {
                cur.lower.clear();
                cur.lower.extend_from_slice(&cur.bytes);
                cur.lower.make_ascii_lowercase();
            } else {
                // Nothing reads the original bytes: lower them in place.
                cur.bytes.make_ascii_lowercase();
            }
            cur.lower_ok = true;
            // The text is hot: index it for the next search.
            if let Some(chunk) = self.store.raw_store().chunk(cur.block) {
                chunk.index_lower(if self.needs_original {
                    &cur.lower
                } else {
                    &cur.bytes
                });
            }
        }
        let lower = if self.needs_original {
            &cur.lower
        } else {
            &cur.bytes
        };
        cur.scans[slot].occurs_within(&self.needles[slot], lower, s, e)
    }

    /// True when the event's chunk is not decompressed yet and its trigram
    /// bitmap (if built) says needle `slot` cannot occur in it.
    fn absent_by_index(&self, slot: usize, idx: EventIdx, cur: &mut Cursor) -> bool {
        let Some(loc) = self.store.raw_locs().get(idx as usize) else {
            return false;
        };
        if cur.block == loc.chunk {
            return false;
        }
        if cur.probed != loc.chunk {
            cur.probed = loc.chunk;
            cur.ruled_out.iter_mut().for_each(|r| *r = false);
        }
        if !cur.ruled_out[slot] {
            cur.ruled_out[slot] = self
                .store
                .raw_store()
                .chunk(loc.chunk)
                .and_then(|c| c.trigrams())
                .is_some_and(|t| !t.may_contain(self.needles[slot].needle()));
        }
        cur.ruled_out[slot]
    }

    /// Loads the event's chunk into the cursor and returns its byte range.
    fn event_bytes(&self, idx: EventIdx, cur: &mut Cursor) -> Option<(usize, usize)> {
        let loc: RawLoc = *self.store.raw_locs().get(idx as usize)?;
        if cur.block != loc.chunk {
            let block = self.store.raw_store().chunk(loc.chunk)?;
            // A chunk that cannot be read back matches no text: its events
            // stay visible to every other condition (and the detail pane
            // and exports say why their bytes are missing).
            let _unreadable = block.decompress_into(&mut cur.bytes).is_err();
            cur.block = loc.chunk;
            cur.probed = loc.chunk;
            cur.lower_ok = false;
            cur.scans.iter_mut().for_each(|s| *s = Scan::UNSEARCHED);
        }
        let s = loc.offset as usize;
        let e = s + loc.len as usize;
        (e <= cur.bytes.len()).then_some((s, e))
    }
}

#[cfg(test)]
mod tests {

    struct Cancelled;
    impl crate::query::Annotations for Cancelled {
        fn cancelled(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_cancelled_selection_stops_before_reading_a_chunk() {
        let store = crate::ingest::store_from_texts(&[(
            "a.json",
            &[r#"{"eventName":"A"}"#, r#"{"eventName":"A"}"#],
        )]);
        let rows = store.all_rows();
        for q in ["name:A", "\"A\""] {
            let q: crate::query::Query = q.parse().expect("query");
            let all = q.select_with(&store, &rows, &crate::query::NoAnnotations);
            assert_eq!(all.len(), 2);
            assert!(q.select_with(&store, &rows, &Cancelled).is_empty(), "{q:?}");
        }
    }
    use super::*;

    /// Every (start, end) span of `text`, asked in a scrambled order, gets
    /// the answer a plain search of the span gives.
    #[test]
    fn resumed_scans_answer_like_a_fresh_search_in_any_order() {
        let text = b"..ab.aab..b.ab...a.b.abab..ba..ab";
        let finder = Finder::new(b"ab");
        let n = text.len();
        let mut spans: Vec<(usize, usize)> =
            (0..=n).flat_map(|s| (s..=n).map(move |e| (s, e))).collect();
        // Ascending first (the usual order), then a fixed scramble.
        let ascending = spans.clone();
        spans.sort_by_key(|&(s, e)| (s * 7919 + e * 104_729) % 1_000_003);
        for order in [ascending, spans] {
            let mut scan = Scan::UNSEARCHED;
            for &(s, e) in &order {
                let want = finder.find(&text[s..e]).is_some();
                assert_eq!(scan.occurs_within(&finder, text, s, e), want, "{s}..{e}");
            }
        }
    }
}
