//! A batch is the events of one input file, parsed by an ingest worker and
//! not yet in the store. Its strings are interned in small per-batch
//! dictionaries so that merging into the store costs one global lookup per
//! distinct value, not per event.

use std::path::PathBuf;

use hashbrown::HashTable;

use crate::model::{Credential, Flag};
use crate::store::N_STR;
use crate::store::creds::BatchCreds;
use crate::store::raw::{BlockWriter, Chunk, RawLoc};

/// An event ID in compact form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventIdText {
    None,
    /// A canonical lower-case UUID, kept as 128 bits.
    Uuid(u128),
    Other(String),
}

impl EventIdText {
    pub fn parse(s: &str) -> EventIdText {
        if s.is_empty() {
            return EventIdText::None;
        }
        match parse_uuid(s) {
            Some(v) => EventIdText::Uuid(v),
            None => EventIdText::Other(s.to_owned()),
        }
    }
}

/// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in lower-case hex only, so
/// that [`format_uuid`] gives back exactly the same text.
pub fn parse_uuid(s: &str) -> Option<u128> {
    let b: &[u8; 36] = s.as_bytes().try_into().ok()?;
    if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return None;
    }
    // Branch-free: every digit goes through the table and any invalid one
    // sets a bit outside the low nibble, checked once at the end.
    let mut bad = 0u8;
    let mut half = |digits: &[u8]| {
        digits.iter().fold(0u64, |acc, &p| {
            let d = HEX_DIGIT[usize::from(b[usize::from(p)])];
            bad |= d;
            (acc << 4) | u64::from(d & 0x0f)
        })
    };
    let hi = half(&UUID_DIGITS[..16]);
    let lo = half(&UUID_DIGITS[16..]);
    (bad & 0xf0 == 0).then_some((u128::from(hi) << 64) | u128::from(lo))
}

/// Where the 32 hex digits of a UUID's text are.
const UUID_DIGITS: [u8; 32] = {
    let mut out = [0u8; 32];
    let (mut i, mut k) = (0u8, 0);
    while k < 32 {
        if !matches!(i, 8 | 13 | 18 | 23) {
            out[k] = i;
            k += 1;
        }
        i += 1;
    }
    out
};

/// The value of each lower-case hex digit; 0x10 for any other byte.
const HEX_DIGIT: [u8; 256] = {
    let mut t = [0x10u8; 256];
    let mut c = 0;
    while c < 10 {
        t[b'0' as usize + c] = c as u8;
        c += 1;
    }
    let mut c = 0;
    while c < 6 {
        t[b'a' as usize + c] = 10 + c as u8;
        c += 1;
    }
    t
};

/// Formats a value of [`parse_uuid`] back into its text.
pub fn format_uuid(v: u128) -> String {
    let h = format!("{v:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// Per-batch dictionary for one string column. Values are kept end to end
/// in one string (no allocation per value), found again through a hash
/// table of ids.
#[derive(Debug, Default)]
pub struct LocalDict {
    text: String,
    ends: Vec<u32>,
    ids: HashTable<u32>,
}

impl LocalDict {
    /// The id of `s` (`u32::MAX` for ""), adding it when new; `None` when
    /// memory for a new value cannot be had (nothing is added then).
    fn try_intern(&mut self, s: &str) -> Option<u32> {
        if s.is_empty() {
            return Some(u32::MAX);
        }
        let (text, ends) = (&self.text, &self.ends);
        let value = |id: u32| value_of(text, ends, id);
        let hash = hash_str(s);
        if let Some(&id) = self.ids.find(hash, |&id| value(id) == s) {
            return Some(id);
        }
        // Distinct values come from the input: their growth is fallible,
        // like the columns' (`Batch::try_grow`).
        self.text.try_reserve(s.len()).ok()?;
        self.ends.try_reserve(1).ok()?;
        let (text, ends) = (&self.text, &self.ends);
        self.ids
            .try_reserve(1, |&id| hash_str(value_of(text, ends, id)))
            .ok()?;
        let id = self.ends.len() as u32;
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        let (text, ends) = (&self.text, &self.ends);
        self.ids
            .insert_unique(hash, id, |&id| hash_str(value_of(text, ends, id)));
        Some(id)
    }

    /// Number of distinct values.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The values in id order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len() as u32).map(|id| value_of(&self.text, &self.ends, id))
    }
}

fn value_of<'a>(text: &'a str, ends: &[u32], id: u32) -> &'a str {
    let i = id as usize;
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    let end = ends.get(i).map_or(0, |&e| e as usize);
    text.get(start..end).unwrap_or("")
}

fn hash_str(s: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(s)
}

/// A record that could not be read as an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    /// Position of the record in its file (0-based).
    pub index: u32,
    pub reason: String,
}

/// The events of one file, ready to merge into the store.
#[derive(Debug, Default)]
pub struct Batch {
    pub path: PathBuf,
    /// Local string ids per column, `u32::MAX` for empty.
    pub strs: [Vec<u32>; N_STR],
    pub dicts: [LocalDict; N_STR],
    pub time: Vec<i64>,
    pub credential: Vec<u8>,
    pub read_only: Vec<u8>,
    pub mfa: Vec<u8>,
    pub console: Vec<u8>,
    pub event_id: Vec<EventIdText>,
    pub raw_loc: Vec<RawLoc>,
    pub record_index: Vec<u32>,
    /// The raw chunks of the batch's events (numbers local to the batch).
    pub chunks: Vec<Chunk>,
    /// The first [`MAX_KEPT_PROBLEMS`] record problems.
    pub problems: Vec<RecordProblem>,
    /// Record problems past those kept (counted, not kept: a file of a
    /// hundred million bad records must not cost memory per record).
    pub problems_not_kept: usize,
    /// Number of events that are CloudTrail Insights events.
    pub insight_events: usize,
    /// Events kept whose `eventTime` (or `@timestamp`) holds a value that
    /// is not a readable time, and the first such value (at most
    /// [`UNREADABLE_TIME_SHOWN`] characters): the load reports them, so an
    /// empty time cell is never silent.
    pub unreadable_times: usize,
    pub unreadable_time_example: String,
    /// What the credential graph needs beyond the columns (sparse).
    pub creds: BatchCreds,
}

/// Characters of an unreadable time value a load report quotes.
pub const UNREADABLE_TIME_SHOWN: usize = 40;

/// Record problems kept per batch; more are only counted.
pub const MAX_KEPT_PROBLEMS: usize = 1000;

/// Events added between two growths of a batch's columns, at least.
const MIN_GROWTH: usize = 1024;

impl Batch {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Record problems, kept or only counted.
    pub fn problem_count(&self) -> usize {
        self.problems.len() + self.problems_not_kept
    }

    /// Bytes of the per-batch dictionaries' text.
    pub fn dict_bytes(&self) -> usize {
        self.dicts
            .iter()
            .map(|d| d.text.len() + 4 * d.ends.len())
            .sum()
    }

    /// Compressed bytes of the raw chunks.
    pub fn chunk_bytes(&self) -> usize {
        self.chunks.iter().map(Chunk::compressed_len).sum()
    }

    fn push_problem(&mut self, index: u32, reason: String) {
        if self.problems.len() < MAX_KEPT_PROBLEMS {
            self.problems.push(RecordProblem { index, reason });
        } else {
            self.problems_not_kept += 1;
        }
    }

    /// Makes room in every column for `more` events, or says the memory
    /// cannot be had (nothing is lost: the columns stay as they were).
    fn try_grow(&mut self, more: usize) -> Result<(), std::collections::TryReserveError> {
        for column in &mut self.strs {
            column.try_reserve_exact(more)?;
        }
        self.time.try_reserve_exact(more)?;
        self.credential.try_reserve_exact(more)?;
        self.read_only.try_reserve_exact(more)?;
        self.mfa.try_reserve_exact(more)?;
        self.console.try_reserve_exact(more)?;
        self.event_id.try_reserve_exact(more)?;
        self.raw_loc.try_reserve_exact(more)?;
        self.record_index.try_reserve_exact(more)?;
        Ok(())
    }
}

/// Where the text records are cut from lives in memory, and where it is in
/// its gzip chunk: a record that is a slice of this text is kept as a span
/// of the chunk instead of being copied and compressed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextSpan {
    /// Address of the text's first byte (only compared, never read).
    start: usize,
    len: usize,
    /// Offset of the text in the chunk's decompressed bytes.
    offset: u32,
}

impl TextSpan {
    /// `text` is the decompressed gzip output from byte `offset` on.
    pub fn of(text: &str, offset: u32) -> TextSpan {
        TextSpan {
            start: text.as_ptr() as usize,
            len: text.len(),
            offset,
        }
    }

    /// The offset in the chunk of `raw` when it is a slice of the text.
    fn offset_of(&self, raw: &str) -> Option<u32> {
        let at = (raw.as_ptr() as usize).checked_sub(self.start)?;
        if at + raw.len() > self.len {
            return None;
        }
        u32::try_from(at).ok()?.checked_add(self.offset)
    }
}

/// One event's column values, as the store keeps them. Strings borrow from
/// the record (or from what was derived from it) until the batch interns
/// them.
#[derive(Debug, Clone, Copy)]
pub struct EventRow<'a> {
    /// One value per string column, `""` when absent.
    pub strs: [&'a str; N_STR],
    /// Epoch milliseconds, [`crate::timefmt::NO_TIME`] when unknown.
    pub time: i64,
    pub credential: Credential,
    pub read_only: Flag,
    pub mfa: Flag,
    pub console: Flag,
    pub event_id: &'a str,
    /// A CloudTrail Insights event.
    pub insight: bool,
}

/// Local chunk number of spans of the gzip chunk until [`BatchBuilder::finish`]
/// knows how many zstd blocks come before it.
const GZIP_LOCAL: u32 = u32::MAX;

/// Builds a [`Batch`] one record at a time.
pub struct BatchBuilder {
    batch: Batch,
    writer: BlockWriter,
    span: Option<TextSpan>,
    spans_used: bool,
    /// Set when memory for more events could not be had: later events
    /// are not added.
    out_of_memory: bool,
}

impl BatchBuilder {
    pub fn new(path: PathBuf) -> BatchBuilder {
        BatchBuilder::with_span(path, None)
    }

    /// A builder whose records may be slices of a gzip file's text (see
    /// [`TextSpan`]); the file's gzip bytes are given to [`Self::finish`].
    pub fn with_span(path: PathBuf, span: Option<TextSpan>) -> BatchBuilder {
        BatchBuilder {
            batch: Batch {
                path,
                ..Batch::default()
            },
            writer: BlockWriter::default(),
            span,
            spans_used: false,
            out_of_memory: false,
        }
    }

    /// True once an allocation for more events failed; events pushed
    /// since were dropped.
    pub fn is_out_of_memory(&self) -> bool {
        self.out_of_memory
    }

    /// Estimated bytes of the batch so far: its columns, dictionaries and
    /// raw blocks (the gzip file its spans point into is not counted).
    pub fn bytes_held(&self) -> usize {
        let b = &self.batch;
        b.len()
            .saturating_mul(crate::ingest::budget::BATCH_BYTES_PER_EVENT as usize)
            .saturating_add(b.dict_bytes())
            .saturating_add(self.writer.bytes_held())
            .saturating_add(b.creds.bytes_held())
    }

    /// The batch-local id of column `slot`'s value of event `i`
    /// (`u32::MAX` for empty or no such event).
    pub fn local_str(&self, slot: usize, i: usize) -> u32 {
        self.batch
            .strs
            .get(slot)
            .and_then(|c| c.get(i))
            .copied()
            .unwrap_or(u32::MAX)
    }

    /// The batch's sparse credential facts, for ingest to fill.
    pub fn creds_mut(&mut self) -> &mut BatchCreds {
        &mut self.batch.creds
    }

    /// Number of events added so far.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }

    /// Records a problem with a record that could not become an event.
    pub fn push_problem(&mut self, index: u32, reason: String) {
        self.batch.push_problem(index, reason);
    }

    /// The event being added has a time value that does not read as a
    /// time (`text`): it is kept without a time, and counted.
    pub fn note_unreadable_time(&mut self, text: &str) {
        let b = &mut self.batch;
        if b.unreadable_times == 0 {
            b.unreadable_time_example = text.chars().take(UNREADABLE_TIME_SHOWN).collect();
        }
        b.unreadable_times += 1;
    }

    /// Adds one event: its column values, already derived from the record
    /// (`ingest::rows`), and its raw JSON text. When memory for it cannot
    /// be had, it is dropped and [`Self::is_out_of_memory`] says so.
    pub fn push_row(&mut self, raw: &str, row: &EventRow<'_>, index: u32) {
        if self.out_of_memory {
            return;
        }
        if self.batch.time.len() == self.batch.time.capacity() {
            let more = self.batch.len().max(MIN_GROWTH);
            if self.batch.try_grow(more).is_err() {
                self.out_of_memory = true;
                return;
            }
        }
        let b = &mut self.batch;
        // Every value is interned before anything is pushed, so a value
        // that cannot be stored drops the whole row, never half of it.
        let mut ids = [u32::MAX; N_STR];
        for ((id, dict), value) in ids.iter_mut().zip(b.dicts.iter_mut()).zip(&row.strs) {
            match dict.try_intern(value) {
                Some(local) => *id = local,
                None => {
                    self.out_of_memory = true;
                    return;
                }
            }
        }
        for (column, id) in b.strs.iter_mut().zip(ids) {
            column.push(id);
        }
        if row.insight {
            b.insight_events += 1;
        }
        b.time.push(row.time);
        b.credential.push(row.credential as u8);
        b.read_only.push(row.read_only as u8);
        b.mfa.push(row.mfa as u8);
        b.console.push(row.console as u8);
        b.event_id.push(EventIdText::parse(row.event_id));
        let loc = match self.span.and_then(|s| s.offset_of(raw)) {
            Some(offset) => {
                self.spans_used = true;
                RawLoc {
                    chunk: GZIP_LOCAL,
                    offset,
                    len: raw.len() as u32,
                }
            }
            None => self.writer.push(raw.as_bytes()),
        };
        b.raw_loc.push(loc);
        b.record_index.push(index);
    }

    /// Compresses what is left and returns the batch.
    pub fn finish(self) -> Batch {
        self.finish_with_gzip(None)
    }

    /// Like [`Self::finish`]; `gzip` is the gzip file the [`TextSpan`] text
    /// came from and the size it inflates to. It becomes the batch's last
    /// chunk when any event is a span of it.
    pub fn finish_with_gzip(self, gzip: Option<(Box<[u8]>, u32)>) -> Batch {
        let mut batch = self.batch;
        batch.chunks = self.writer.finish();
        let gzip = gzip.filter(|_| self.spans_used);
        if let Some((bytes, len)) = gzip {
            let n = batch.chunks.len() as u32;
            for loc in batch.raw_loc.iter_mut().filter(|l| l.chunk == GZIP_LOCAL) {
                loc.chunk = n;
            }
            batch.chunks.push(Chunk::gzip(bytes, len));
        }
        batch
    }
}

/// Turns a credential byte back into its kind (for readers of batches).
pub fn credential_of(v: u8) -> Credential {
    Credential::from_u8(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_round_trip_only_for_canonical_lowercase() {
        let s = "3038ebd2-c98a-4c65-9b6e-e22506292313";
        let v = parse_uuid(s).expect("uuid");
        assert_eq!(format_uuid(v), s);
        assert_eq!(parse_uuid("3038EBD2-C98A-4C65-9B6E-E22506292313"), None);
        assert_eq!(parse_uuid("abc"), None);
        assert_eq!(parse_uuid("3038ebd2-c98a-4c65-9b6e-e2250629231g"), None);
        assert_eq!(parse_uuid("3038ebd2-c98a-4c65-9b6e_e22506292313"), None);
        assert_eq!(parse_uuid("3038ebd2c-98a-4c65-9b6e-e22506292313"), None);
        assert_eq!(parse_uuid("3038ebd2-c98a-4c65-9b6e-e2250629231/"), None);
        assert_eq!(parse_uuid("00000000-0000-0000-0000-00000000000f"), Some(15));
        assert_eq!(
            parse_uuid("ffffffff-ffff-ffff-ffff-ffffffffffff"),
            Some(u128::MAX)
        );
        assert_eq!(EventIdText::parse(""), EventIdText::None);
    }
}
