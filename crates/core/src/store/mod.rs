//! The event store: every loaded event, column by column.
//!
//! Hot fields live in plain vectors (times as epoch milliseconds, strings as
//! interned `u32` ids, flags as bytes); the original bytes of each event live
//! compressed in [`raw`] chunks (gzip input files kept as read, or zstd blocks). Events are appended one [`batch::Batch`]
//! (one input file) at a time; exact duplicates (same `eventID`, same bytes)
//! are dropped and counted. Sorting lives in [`sort`], value counts in
//! [`facets`].

pub mod batch;
pub mod creds;
pub mod facets;
pub mod fetch;
pub mod heap;
pub mod interner;
pub mod path;
pub mod raw;
pub mod sort;
pub mod trigrams;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use hashbrown::HashTable;

use crate::model::{Column, Credential, EventIdx, Flag};
use crate::timefmt::{self, NO_TIME};
use batch::{Batch, EventIdText, format_uuid};
use interner::Interner;
use raw::{RawLoc, RawStore};

/// The interned string columns, in storage order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum StrCol {
    Actor,
    EventName,
    EventSource,
    Region,
    Account,
    SourceIp,
    UserAgent,
    ErrorCode,
    EventType,
    EventCategory,
    AccessKey,
    UserType,
    Role,
    /// Exact copies of `userIdentity.arn` and
    /// `userIdentity.sessionContext.sessionIssuer.type` for Sigma's column
    /// pass (not shown), joined by [`EXACT_SEP`]: each part is the value
    /// when it was a JSON string without escapes, empty when absent or
    /// null, else `ingest::record::NOT_PLAIN`. One column for both: 4
    /// bytes per event, the pairs are about as many as the ARNs.
    Exact,
}

/// Joins the parts of [`StrCol::Exact`] (a plain JSON string cannot hold
/// it: control characters must be escaped).
pub const EXACT_SEP: char = '\u{1}';

/// Number of interned string columns.
pub const N_STR: usize = 14;

impl StrCol {
    /// The interned column behind a [`Column`], if it is one.
    pub fn of(col: Column) -> Option<StrCol> {
        Some(match col {
            Column::Actor => StrCol::Actor,
            Column::EventName => StrCol::EventName,
            Column::EventSource => StrCol::EventSource,
            Column::Region => StrCol::Region,
            Column::Account => StrCol::Account,
            Column::SourceIp => StrCol::SourceIp,
            Column::UserAgent => StrCol::UserAgent,
            Column::ErrorCode => StrCol::ErrorCode,
            Column::EventType => StrCol::EventType,
            Column::EventCategory => StrCol::EventCategory,
            Column::AccessKey => StrCol::AccessKey,
            Column::UserType => StrCol::UserType,
            Column::Role => StrCol::Role,
            _ => return None,
        })
    }
}

/// A batch [`Store::try_append`] could not add for want of memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAdded {
    pub path: PathBuf,
    /// Its events.
    pub events: usize,
}

/// What appending a batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppendOutcome {
    pub added: usize,
    pub duplicates: usize,
}

/// Where an event came from: its file and its position in that file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin<'a> {
    pub path: &'a Path,
    pub record_index: u32,
}

/// All loaded events.
#[derive(Debug, Default)]
pub struct Store {
    files: Vec<PathBuf>,
    dicts: [Interner; N_STR],
    strs: [Vec<u32>; N_STR],
    time: Vec<i64>,
    credential: Vec<u8>,
    read_only: Vec<u8>,
    mfa: Vec<u8>,
    console: Vec<u8>,
    /// Canonical UUID event IDs as 128 bits; for other IDs the interned id
    /// in `other_ids` (see `id_kind`).
    id_value: Vec<u128>,
    /// 0 = no eventID, 1 = UUID in `id_value`, 2 = interned in `other_ids`.
    id_kind: Vec<u8>,
    other_ids: Interner,
    raw_loc: Vec<RawLoc>,
    raw: RawStore,
    file_of: Vec<u32>,
    record_index: Vec<u32>,
    /// Every kept event with an eventID, keyed by that ID (the set holds
    /// only event indices; the IDs are read from `id_kind`/`id_value`).
    seen: HashTable<EventIdx>,
    duplicates: usize,
    /// The credential graph (derived columns `origin`, `chain`, ...),
    /// built after a load by the session; see [`crate::credentials`].
    creds: Option<std::sync::Arc<crate::credentials::CredGraph>>,
    /// The sparse facts the graph is built from, captured at ingest.
    cred_table: creds::CredTable,
}

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Exact duplicates dropped so far.
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    /// The files events came from, by file id.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// All event indices in load order.
    pub fn all_rows(&self) -> Vec<EventIdx> {
        (0..self.len() as EventIdx).collect()
    }

    /// Drops everything.
    pub fn clear(&mut self) {
        *self = Store::default();
    }

    /// [`Self::append`], unless the memory the batch needs in the store
    /// cannot be had: then nothing is added, the store stays as it was (no
    /// abort, no half-added file) and the error names the file. Every
    /// column, dictionary and table is grown before anything is added, so
    /// the append itself allocates only each new distinct value's text.
    pub fn try_append(&mut self, batch: Batch) -> Result<AppendOutcome, NotAdded> {
        match self.try_reserve_for(&batch) {
            Some(()) => Ok(self.append(batch)),
            None => Err(NotAdded {
                events: batch.len(),
                path: batch.path,
            }),
        }
    }

    /// Grows everything [`Self::append`] grows for `batch`; `None` when
    /// the memory cannot be had.
    fn try_reserve_for(&mut self, batch: &Batch) -> Option<()> {
        let n = batch.len();
        for column in &mut self.strs {
            column.try_reserve(n).ok()?;
        }
        for (dict, local) in self.dicts.iter_mut().zip(&batch.dicts) {
            dict.try_reserve(local.len()).ok()?;
        }
        let other_ids = batch
            .event_id
            .iter()
            .filter(|e| matches!(e, EventIdText::Other(_)))
            .count();
        self.other_ids.try_reserve(other_ids).ok()?;
        self.time.try_reserve(n).ok()?;
        self.credential.try_reserve(n).ok()?;
        self.read_only.try_reserve(n).ok()?;
        self.mfa.try_reserve(n).ok()?;
        self.console.try_reserve(n).ok()?;
        self.id_value.try_reserve(n).ok()?;
        self.id_kind.try_reserve(n).ok()?;
        self.raw_loc.try_reserve(n).ok()?;
        self.file_of.try_reserve(n).ok()?;
        self.record_index.try_reserve(n).ok()?;
        self.files.try_reserve(1).ok()?;
        self.raw.try_reserve(batch.chunks.len()).ok()?;
        let (kinds, values) = (&self.id_kind, &self.id_value);
        self.seen
            .try_reserve(n, |&j| id_hash(kinds[j as usize], values[j as usize]))
            .ok()?;
        Some(())
    }

    /// Adds the events of one file. Events with an eventID whose exact
    /// bytes were already loaded are dropped and counted as duplicates.
    pub fn append(&mut self, batch: Batch) -> AppendOutcome {
        let file_id = self.files.len() as u32;
        self.files.push(batch.path.clone());
        let n_chunks = batch.chunks.len();
        let first_chunk = self.raw.append(batch.chunks);
        let mut used = vec![false; n_chunks];
        let keys_before = self.dicts[StrCol::AccessKey as usize].len() as u32;
        // Map each batch-local string id to a global id once.
        let maps: Vec<Vec<u32>> = batch
            .dicts
            .iter()
            .zip(self.dicts.iter_mut())
            .map(|(local, global)| local.values().map(|v| global.intern(v)).collect())
            .collect();
        let mut out = AppendOutcome::default();
        // First the dedupe decision, event by event (an event may repeat
        // one earlier in the same batch), then the other columns grow one
        // at a time over the kept events: sequential, not 20 interleaved
        // streams per event.
        let mut kept: Vec<usize> = Vec::with_capacity(batch.time.len());
        for i in 0..batch.time.len() {
            let local = batch.raw_loc[i];
            let loc = RawLoc {
                chunk: local.chunk.wrapping_add(first_chunk),
                ..local
            };
            let (kind, value) = match &batch.event_id[i] {
                EventIdText::None => (0, 0),
                EventIdText::Uuid(v) => (1, *v),
                EventIdText::Other(s) => (2, u128::from(self.other_ids.intern(s))),
            };
            let idx = self.id_kind.len() as EventIdx;
            if kind != 0 {
                let hash = id_hash(kind, value);
                if self.is_duplicate(hash, kind, value, loc) {
                    self.duplicates += 1;
                    out.duplicates += 1;
                    continue;
                }
                let (kinds, values) = (&self.id_kind, &self.id_value);
                self.seen.insert_unique(hash, idx, |&j| {
                    id_hash(kinds[j as usize], values[j as usize])
                });
            }
            self.id_kind.push(kind);
            self.id_value.push(value);
            self.raw_loc.push(loc);
            if let Some(u) = used.get_mut(local.chunk as usize) {
                *u = true;
            }
            kept.push(i);
        }
        for (slot, map) in maps.iter().enumerate() {
            let column = &batch.strs[slot];
            self.strs[slot].extend(kept.iter().map(|&i| {
                let local = column[i];
                if local == u32::MAX {
                    0
                } else {
                    map[local as usize]
                }
            }));
        }
        self.time.extend(pick(&batch.time, &kept));
        self.credential.extend(pick(&batch.credential, &kept));
        self.read_only.extend(pick(&batch.read_only, &kept));
        self.mfa.extend(pick(&batch.mfa, &kept));
        self.console.extend(pick(&batch.console, &kept));
        self.file_of.extend(kept.iter().map(|_| file_id));
        self.record_index.extend(pick(&batch.record_index, &kept));
        let base = self.time.len() - kept.len();
        let key_map = &maps[StrCol::AccessKey as usize];
        self.cred_table.append(
            batch.creds,
            |local| {
                kept.binary_search(&(local as usize))
                    .ok()
                    .map(|p| (base + p) as EventIdx)
            },
            |local| {
                let id = key_map.get(local as usize).copied().unwrap_or(0);
                (id, id >= keys_before)
            },
            |local, text| {
                batch
                    .event_id
                    .get(local as usize)
                    .is_some_and(|e| *e == EventIdText::parse(text))
            },
        );
        out.added += kept.len();
        // Chunks whose events were all duplicates are not kept.
        self.raw.drop_unused(first_chunk, &used);
        out
    }

    /// True when an event with this eventID and these exact bytes is
    /// already in the store (same ID, then a byte-for-byte comparison).
    /// Bytes that cannot be read back are never called equal: both events
    /// are kept.
    fn is_duplicate(&self, hash: u64, kind: u8, value: u128, loc: RawLoc) -> bool {
        let mut new_bytes: Option<Option<Vec<u8>>> = None;
        self.seen
            .find(hash, |&j| {
                let j = j as usize;
                if self.id_kind[j] != kind || self.id_value[j] != value {
                    return false;
                }
                let new = new_bytes.get_or_insert_with(|| self.raw.get(loc).ok());
                match (new, self.raw.get(self.raw_loc[j])) {
                    (Some(new), Ok(old)) => old == *new,
                    _ => false,
                }
            })
            .is_some()
    }

    /// The credential graph, once built for this store.
    pub fn credential_graph(&self) -> Option<&std::sync::Arc<crate::credentials::CredGraph>> {
        self.creds.as_ref()
    }

    /// The sparse credential facts captured at ingest
    /// ([`creds::CredTable`]).
    pub fn cred_table(&self) -> &creds::CredTable {
        &self.cred_table
    }

    /// Installs the credential graph built from this store.
    pub fn set_credential_graph(&mut self, g: std::sync::Arc<crate::credentials::CredGraph>) {
        self.creds = Some(g);
    }

    /// How many events the credential graph covers (0 before a build).
    pub fn credential_graph_len(&self) -> usize {
        self.creds.as_ref().map_or(0, |g| g.events())
    }

    /// Event time in epoch milliseconds, or [`NO_TIME`].
    pub fn time(&self, idx: EventIdx) -> i64 {
        self.time.get(idx as usize).copied().unwrap_or(NO_TIME)
    }

    /// The whole time column.
    pub fn times(&self) -> &[i64] {
        &self.time
    }

    /// The interned ids of a string column.
    pub fn str_ids(&self, col: StrCol) -> &[u32] {
        &self.strs[col as usize]
    }

    /// The dictionary of a string column.
    pub fn dict(&self, col: StrCol) -> &Interner {
        &self.dicts[col as usize]
    }

    /// The string of a string column for one event.
    pub fn str_value(&self, col: StrCol, idx: EventIdx) -> &str {
        let id = self.strs[col as usize]
            .get(idx as usize)
            .copied()
            .unwrap_or(0);
        self.dicts[col as usize].get(id)
    }

    pub fn credential(&self, idx: EventIdx) -> Credential {
        Credential::from_u8(self.credential.get(idx as usize).copied().unwrap_or(7))
    }

    /// The raw credential column (see [`Credential::from_u8`]).
    pub fn credentials(&self) -> &[u8] {
        &self.credential
    }

    /// A flag column: `readOnly`, `mfa` or `console`.
    pub fn flags(&self, col: Column) -> Option<&[u8]> {
        match col {
            Column::ReadOnly => Some(&self.read_only),
            Column::Mfa => Some(&self.mfa),
            Column::Console => Some(&self.console),
            _ => None,
        }
    }

    pub fn flag(&self, col: Column, idx: EventIdx) -> Flag {
        self.flags(col)
            .and_then(|f| f.get(idx as usize))
            .map(|&v| Flag::from_u8(v))
            .unwrap_or_default()
    }

    /// The eventID text (empty when the event has none).
    pub fn event_id(&self, idx: EventIdx) -> Cow<'_, str> {
        let i = idx as usize;
        match self.id_kind.get(i) {
            Some(1) => Cow::Owned(format_uuid(self.id_value[i])),
            Some(2) => Cow::Borrowed(self.other_ids.get(self.id_value[i] as u32)),
            _ => Cow::Borrowed(""),
        }
    }

    /// The file an event came from and its position there.
    pub fn origin(&self, idx: EventIdx) -> Option<Origin<'_>> {
        let file = *self.file_of.get(idx as usize)?;
        Some(Origin {
            path: self.files.get(file as usize)?,
            record_index: self.record_index[idx as usize],
        })
    }

    /// The file id of an event (index into [`Self::files`]).
    pub fn file_id(&self, idx: EventIdx) -> u32 {
        self.file_of.get(idx as usize).copied().unwrap_or(0)
    }

    /// The file ids of all events.
    pub fn file_ids(&self) -> &[u32] {
        &self.file_of
    }

    /// The exact original bytes of an event, or why they cannot be read.
    pub fn raw(&self, idx: EventIdx) -> Result<Vec<u8>, raw::RawError> {
        let loc = self
            .raw_loc
            .get(idx as usize)
            .ok_or_else(|| raw::RawError {
                chunk: u32::MAX,
                reason: format!("no event {idx}"),
            })?;
        self.raw.get(*loc)
    }

    /// The raw text of an event (lossless: events are read from UTF-8).
    pub fn raw_text(&self, idx: EventIdx) -> Result<String, raw::RawError> {
        self.raw(idx)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    /// The event as a parsed JSON tree (original key order); `None` when
    /// its bytes cannot be read back or parsed (see [`Self::raw`] for why).
    /// A value nested too deeply to be read is the string
    /// [`crate::json_bounded::TOO_DEEP`] (the rest of the event is read as
    /// usual).
    pub fn json(&self, idx: EventIdx) -> Option<serde_json::Value> {
        crate::json_bounded::parse_bounded(&self.raw(idx).ok()?)
    }

    /// Where every event's bytes are.
    pub fn raw_locs(&self) -> &[RawLoc] {
        &self.raw_loc
    }

    /// The compressed chunks holding the raw bytes.
    pub fn raw_store(&self) -> &RawStore {
        &self.raw
    }

    /// The text of any column for one event, as a table cell shows it
    /// (time in UTC, `YYYY-MM-DD HH:MM:SS`).
    pub fn value(&self, col: Column, idx: EventIdx) -> Cow<'_, str> {
        if let Some(sc) = StrCol::of(col) {
            return Cow::Borrowed(self.str_value(sc, idx));
        }
        match col {
            Column::Time => Cow::Owned(timefmt::format_utc(self.time(idx))),
            Column::Credential => Cow::Borrowed(self.credential(idx).as_str()),
            Column::ReadOnly | Column::Mfa | Column::Console => {
                Cow::Borrowed(self.flag(col, idx).as_str())
            }
            Column::EventId => self.event_id(idx),
            c if crate::credentials::is_derived(c) => match &self.creds {
                Some(g) => g.value(self, c, idx),
                None => Cow::Borrowed(""),
            },
            Column::SourceFile => self
                .origin(idx)
                .map(|o| o.path.to_string_lossy())
                .unwrap_or_default(),
            _ => Cow::Borrowed(""),
        }
    }

    /// Approximate bytes of memory held, by part, for reports and benches.
    pub fn memory_report(&self) -> MemoryReport {
        let n = self.len();
        let columns = n * (8 + 4 * N_STR + 4 + 16 + 1 + 12 + 4 + 4);
        let dicts = self.dicts.iter().map(Interner::heap_bytes).sum::<usize>()
            + self.other_ids.heap_bytes()
            + self.cred_table.heap_bytes();
        let (raw_compressed, raw_uncompressed) = self.raw.sizes();
        let (raw_gzip, _) = self.raw.gzip_sizes();
        MemoryReport {
            raw_gzip,
            text_index: self.raw.index_bytes(),
            events: n,
            columns,
            dictionaries: dicts,
            dedupe_index: self.seen.capacity() * 5,
            raw_compressed,
            raw_uncompressed,
        }
    }
}

/// The hash of an event ID as stored (`id_kind`, `id_value`).
/// The values of `column` at the `kept` positions, in order.
fn pick<'a, T: Copy>(column: &'a [T], kept: &'a [usize]) -> impl Iterator<Item = T> + 'a {
    kept.iter().map(|&i| column[i])
}

fn id_hash(kind: u8, value: u128) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one((kind, value))
}

/// See [`Store::memory_report`].
#[derive(Debug, Clone, Copy, Default)]
pub struct MemoryReport {
    pub events: usize,
    pub columns: usize,
    pub dictionaries: usize,
    pub dedupe_index: usize,
    /// All raw chunks, compressed and decompressed.
    pub raw_compressed: usize,
    pub raw_uncompressed: usize,
    /// The part of `raw_compressed` that is gzip input files kept as read
    /// (the rest is zstd blocks).
    pub raw_gzip: usize,
    /// Trigram bitmaps built by full-text searches so far.
    pub text_index: usize,
}

impl MemoryReport {
    pub fn total(&self) -> usize {
        self.columns + self.dictionaries + self.dedupe_index + self.raw_compressed + self.text_index
    }
}

#[cfg(test)]
mod chunk_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::store_from_texts;

    const A: &str = r#"{"eventID":"3038ebd2-c98a-4c65-9b6e-e22506292313","eventName":"GetObject","eventTime":"2023-01-02T00:00:00Z","userIdentity":{"type":"IAMUser","userName":"alice","accountId":"111"},"readOnly":true}"#;
    const B: &str = r#"{"eventID":"x-1","eventName":"PutObject","eventTime":"2023-01-01T00:00:00Z","recipientAccountId":"222","errorCode":"AccessDenied"}"#;
    const B_CHANGED: &str = r#"{"eventID":"x-1","eventName":"PutObject","eventTime":"2023-01-01T00:00:00Z","recipientAccountId":"222","errorCode":"AccessDenied" }"#;
    const NO_ID: &str = r#"{"eventName":"Anon"}"#;

    #[test]
    fn try_append_adds_exactly_what_append_adds() {
        use crate::ingest::rows::PushRecord;
        use crate::store::batch::BatchBuilder;
        let batch = |path: &str, events: &[&str]| {
            let mut b = BatchBuilder::new(path.into());
            for (i, e) in events.iter().enumerate() {
                let _ = b.push_raw(e, i as u32);
            }
            b.finish()
        };
        let files: [(&str, &[&str]); 2] = [("a.json", &[A, B, NO_ID]), ("b.json", &[A, B_CHANGED])];
        let mut plain = Store::new();
        let mut tried = Store::new();
        for (path, events) in files {
            let want = plain.append(batch(path, events));
            assert_eq!(tried.try_append(batch(path, events)), Ok(want));
        }
        assert_eq!(
            (tried.len(), tried.duplicates()),
            (plain.len(), plain.duplicates())
        );
        for i in 0..plain.len() as u32 {
            for col in [
                Column::EventName,
                Column::Actor,
                Column::Account,
                Column::Time,
            ] {
                assert_eq!(tried.value(col, i), plain.value(col, i));
            }
            assert_eq!(tried.raw_text(i).ok(), plain.raw_text(i).ok());
        }
    }

    #[test]
    fn append_reads_columns_and_drops_exact_duplicates() {
        let store = store_from_texts(&[
            ("a.json", &[A, B, NO_ID]),
            ("b.json", &[A, B_CHANGED, NO_ID]),
        ]);
        // A is an exact duplicate; B_CHANGED differs by one byte; events
        // without an eventID are never deduplicated.
        assert_eq!(store.len(), 5);
        assert_eq!(store.duplicates(), 1);
        assert_eq!(store.value(Column::EventName, 0), "GetObject");
        assert_eq!(store.value(Column::Actor, 0), "alice");
        assert_eq!(store.value(Column::Account, 0), "111");
        assert_eq!(store.value(Column::Account, 1), "222");
        assert_eq!(store.value(Column::ErrorCode, 1), "AccessDenied");
        assert_eq!(store.value(Column::ReadOnly, 0), "true");
        assert_eq!(store.value(Column::Credential, 0), "iam-user");
        assert_eq!(store.value(Column::Time, 0), "2023-01-02 00:00:00");
        assert_eq!(store.event_id(0), "3038ebd2-c98a-4c65-9b6e-e22506292313");
        assert_eq!(store.event_id(1), "x-1");
        assert_eq!(store.event_id(2), "");
        assert_eq!(store.raw(0).expect("readable"), A.as_bytes());
        assert_eq!(store.raw(3).expect("readable"), B_CHANGED.as_bytes());
        let o = store.origin(3).expect("origin");
        assert_eq!(o.path, Path::new("b.json"));
        assert_eq!(o.record_index, 1);
    }
}
