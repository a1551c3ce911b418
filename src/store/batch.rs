//! A batch is the events of one input file, parsed by an ingest worker and
//! not yet in the store. Its strings are interned in small per-batch
//! dictionaries so that merging into the store costs one global lookup per
//! distinct value, not per event.

use std::path::PathBuf;

use hashbrown::HashTable;

use crate::identity;
use crate::ingest::record::{RecordError, RecordFields, parse_record};
use crate::model::{Credential, Flag};
use crate::store::raw::{BlockWriter, Chunk, RawLoc};
use crate::store::{N_STR, StrCol};
use crate::timefmt::{self, NO_TIME};

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
    fn intern(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return u32::MAX;
        }
        let (text, ends) = (&self.text, &self.ends);
        let value = |id: u32| value_of(text, ends, id);
        let hash = hash_str(s);
        if let Some(&id) = self.ids.find(hash, |&id| value(id) == s) {
            return id;
        }
        let id = self.ends.len() as u32;
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        let (text, ends) = (&self.text, &self.ends);
        self.ids
            .insert_unique(hash, id, |&id| hash_str(value_of(text, ends, id)));
        id
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
    pub problems: Vec<RecordProblem>,
    /// Number of events that are CloudTrail Insights events.
    pub insight_events: usize,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
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

/// Local chunk number of spans of the gzip chunk until [`BatchBuilder::finish`]
/// knows how many zstd blocks come before it.
const GZIP_LOCAL: u32 = u32::MAX;

/// Builds a [`Batch`] one record at a time.
pub struct BatchBuilder {
    batch: Batch,
    writer: BlockWriter,
    span: Option<TextSpan>,
    spans_used: bool,
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
        }
    }

    /// Number of events added so far.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }

    /// Adds one record given as its raw JSON text. A record that is not a
    /// JSON object is recorded as a problem and skipped.
    pub fn push_raw(&mut self, raw: &str, index: u32) -> Result<(), RecordError> {
        match parse_record(raw) {
            Ok(fields) => {
                self.push_fields(raw, &fields, index);
                Ok(())
            }
            Err(e) => {
                self.batch.problems.push(RecordProblem {
                    index,
                    reason: e.to_string(),
                });
                Err(e)
            }
        }
    }

    /// Records a problem with a record that never reached [`Self::push_raw`].
    pub fn push_problem(&mut self, index: u32, reason: String) {
        self.batch.problems.push(RecordProblem { index, reason });
    }

    /// Adds one record whose fields were already read.
    pub fn push_fields(&mut self, raw: &str, f: &RecordFields<'_>, index: u32) {
        let id = identity::derive(f);
        let b = &mut self.batch;
        let time = f
            .event_time
            .get()
            .or_else(|| f.at_timestamp.get())
            .and_then(timefmt::parse_millis)
            .unwrap_or(NO_TIME);
        let account = f.recipient_account_id.get().unwrap_or_else(|| {
            f.user_identity
                .as_ref()
                .map(|u| u.account_id.as_str())
                .unwrap_or("")
        });
        let ui = f.user_identity.as_ref();
        let role = identity::role_of(&id.actor, id.credential);
        let values: [&str; N_STR] = {
            let mut v = [""; N_STR];
            v[StrCol::Actor as usize] = &id.actor;
            v[StrCol::EventName as usize] = f.event_name.as_str();
            v[StrCol::EventSource as usize] = f.event_source.as_str();
            v[StrCol::Region as usize] = f.aws_region.as_str();
            v[StrCol::Account as usize] = account;
            v[StrCol::SourceIp as usize] = f.source_ip.as_str();
            v[StrCol::UserAgent as usize] = f.user_agent.as_str();
            v[StrCol::ErrorCode as usize] = f.error_code.as_str();
            v[StrCol::EventType as usize] = f.event_type.as_str();
            v[StrCol::EventCategory as usize] = f.event_category.as_str();
            v[StrCol::AccessKey as usize] = ui.map(|u| u.access_key_id.as_str()).unwrap_or("");
            v[StrCol::UserType as usize] = ui.map(|u| u.kind.as_str()).unwrap_or("");
            v[StrCol::Role as usize] = role;
            v
        };
        for (slot, value) in values.iter().enumerate() {
            let local = b.dicts[slot].intern(value);
            b.strs[slot].push(local);
        }
        if f.event_type.as_str() == "AwsCloudTrailInsight" {
            b.insight_events += 1;
        }
        b.time.push(time);
        b.credential.push(id.credential as u8);
        b.read_only.push(flag_of(f.read_only.as_str()) as u8);
        b.mfa.push(id.mfa as u8);
        b.console.push(id.console as u8);
        b.event_id.push(EventIdText::parse(f.event_id.as_str()));
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

fn flag_of(s: &str) -> Flag {
    if s.eq_ignore_ascii_case("true") {
        Flag::True
    } else if s.eq_ignore_ascii_case("false") {
        Flag::False
    } else {
        Flag::Unset
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

    #[test]
    fn builder_keeps_problems_and_events() {
        let mut b = BatchBuilder::new(PathBuf::from("x.json"));
        assert!(
            b.push_raw(r#"{"eventName":"A","eventTime":"2023-01-01T00:00:00Z"}"#, 0)
                .is_ok()
        );
        assert!(b.push_raw("7", 1).is_err());
        assert!(b.push_raw(r#"{"eventName":"A"}"#, 2).is_ok());
        let batch = b.finish();
        assert_eq!(batch.len(), 2);
        assert_eq!(batch.problems.len(), 1);
        assert_eq!(batch.problems[0].index, 1);
        assert_eq!(
            batch.dicts[StrCol::EventName as usize]
                .values()
                .collect::<Vec<_>>(),
            vec!["A"]
        );
        assert_eq!(batch.time[1], NO_TIME);
        assert_eq!(batch.record_index, vec![0, 2]);
    }
}
