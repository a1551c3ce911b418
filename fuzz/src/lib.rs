//! Helpers shared by the fuzz targets in `fuzz_targets/` (see
//! `docs/fuzzing.md`): how a target's input bytes are split into a mode
//! and content, gzip of fuzzer-made text, and an independent check that a
//! CSV cell cannot be read as a formula by a spreadsheet.
//!
//! Nothing here is part of the engine; it only builds inputs and oracles.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use flate2::Compression;
use flate2::write::GzEncoder;

/// Gzip of `data` in one member. Writing into a `Vec` cannot fail.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::fast());
    e.write_all(data).expect("gzip into memory cannot fail");
    e.finish().expect("gzip into memory cannot fail")
}

/// How the `load_file` target writes its input to disk: the file name the
/// loader sees and what is done to the bytes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileMode {
    /// The bytes as they are, named `events.json` (gzip is recognised by
    /// its magic bytes, so a real `.json.gz` seed is read as gzip).
    Raw,
    /// Gzip of the bytes, named `events.json.gz`.
    Gzip,
    /// The bytes named `history.csv` (a console event-history download).
    Csv,
    /// Gzip of the bytes named `history.csv.gz`.
    CsvGzip,
    /// The bytes named like a CloudTrail digest file.
    DigestName,
    /// Gzip of the bytes in two members (split in the middle).
    GzipTwoMembers,
    /// Gzip of the bytes cut short (a truncated download).
    GzipTruncated,
    /// Gzip of the bytes repeated: the first three content bytes give the
    /// size (big-endian, at most [`MAX_REPEATED`], past the `load_file`
    /// target's decompression limit), the rest is repeated to fill it. A short
    /// input so reaches the size limit, the memory budget and files of
    /// millions of tiny records.
    GzipRepeated,
}

/// Largest text [`FileMode::GzipRepeated`] makes.
pub const MAX_REPEATED: usize = 8 << 20;

impl FileMode {
    /// The mode of an input: a first byte 0x01..=0x07 selects a mode and
    /// is not part of the content; any other input is [`FileMode::Raw`]
    /// and used whole (so a real CloudTrail file is a seed as it is).
    pub fn split(data: &[u8]) -> (FileMode, &[u8]) {
        let mode = match data.first() {
            Some(1) => FileMode::Gzip,
            Some(2) => FileMode::Csv,
            Some(3) => FileMode::CsvGzip,
            Some(4) => FileMode::DigestName,
            Some(5) => FileMode::GzipTwoMembers,
            Some(6) => FileMode::GzipTruncated,
            Some(7) => FileMode::GzipRepeated,
            _ => return (FileMode::Raw, data),
        };
        (mode, &data[1..])
    }

    /// The file name the loader is given.
    pub fn file_name(self) -> &'static str {
        match self {
            FileMode::Raw => "events.json",
            FileMode::Gzip
            | FileMode::GzipTwoMembers
            | FileMode::GzipTruncated
            | FileMode::GzipRepeated => "events.json.gz",
            FileMode::Csv => "history.csv",
            FileMode::CsvGzip => "history.csv.gz",
            FileMode::DigestName => {
                "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240101T010000Z.json"
            }
        }
    }

    /// The bytes written to the file.
    pub fn file_bytes(self, content: &[u8]) -> Vec<u8> {
        match self {
            FileMode::Raw | FileMode::Csv | FileMode::DigestName => content.to_vec(),
            FileMode::Gzip | FileMode::CsvGzip => gzip(content),
            FileMode::GzipTwoMembers => {
                let (a, b) = content.split_at(content.len() / 2);
                let mut out = gzip(a);
                out.extend(gzip(b));
                out
            }
            FileMode::GzipTruncated => {
                let mut out = gzip(content);
                out.truncate(out.len() * 3 / 4);
                out
            }
            FileMode::GzipRepeated => {
                let (size, unit) = match content {
                    [a, b, c, unit @ ..] if !unit.is_empty() => {
                        (u32::from_be_bytes([0, *a, *b, *c]) as usize, unit)
                    }
                    _ => return gzip(content),
                };
                let size = size.min(MAX_REPEATED);
                let mut text = Vec::with_capacity(size);
                while text.len() < size {
                    let take = unit.len().min(size - text.len());
                    text.extend_from_slice(&unit[..take]);
                }
                gzip(&text)
            }
        }
    }
}

/// What a file really holds once inflated: its own length when it is not
/// gzip, else the bytes an independent streaming decoder gets out of it
/// (every member, up to the damage if any), at most `limit + 1`.
pub fn inflated_len(file: &[u8], limit: u64) -> u64 {
    if !file.starts_with(&[0x1f, 0x8b]) {
        return file.len() as u64;
    }
    let mut sink = Vec::new();
    // An error keeps what was read before it: the text before the damage.
    let _ = flate2::read::MultiGzDecoder::new(file)
        .take(limit.saturating_add(1))
        .read_to_end(&mut sink);
    sink.len() as u64
}

/// A global allocator that counts: bytes in use, their peak since the
/// last [`Counting::reset`], and the largest single allocation. Installed
/// by the `load_file` target to check that what the engine allocates
/// follows from what a file really holds (issue 12: a gzip trailer is
/// never an allocation size; the memory budget bounds the total).
pub struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static LARGEST: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    let now = IN_USE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
    LARGEST.fetch_max(size, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counters are only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

impl Counting {
    /// Starts a measurement: the peak restarts from the bytes in use now,
    /// the largest allocation from zero. Returns the bytes in use.
    pub fn reset() -> usize {
        let now = IN_USE.load(Ordering::Relaxed);
        PEAK.store(now, Ordering::Relaxed);
        LARGEST.store(0, Ordering::Relaxed);
        now
    }
    /// Peak bytes in use since [`Counting::reset`].
    pub fn peak() -> usize {
        PEAK.load(Ordering::Relaxed)
    }
    /// Largest single allocation since [`Counting::reset`].
    pub fn largest() -> usize {
        LARGEST.load(Ordering::Relaxed)
    }
}

/// Characters that every spreadsheet skips or does not show before a
/// cell's content, listed here independently of the engine's own table
/// (a deliberately smaller set: whitespace, control characters and the
/// common zero-width and direction marks).
fn simply_skipped(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
                | '\u{FEFF}'
        )
}

/// True when the first character a spreadsheet reads in `cell` (after
/// [`simply_skipped`] characters) starts a formula: `=`, `+`, `-`, `@`,
/// the minus sign, or their fullwidth and small forms. An independent
/// oracle for the CSV writer's neutralisation: every cell it flags must
/// have been neutralised by the writer (the writer's rule is wider).
pub fn starts_like_formula(cell: &str) -> bool {
    cell.chars().find(|&c| !simply_skipped(c)).is_some_and(|c| {
        matches!(
            c,
            '=' | '+'
                | '-'
                | '@'
                | '\u{2212}'
                | '\u{FF1D}'
                | '\u{FF0B}'
                | '\u{FF0D}'
                | '\u{FF20}'
                | '\u{FE62}'
                | '\u{FE63}'
                | '\u{FE66}'
                | '\u{FE6B}'
        )
    })
}

/// Splits `data` at every 0xFF byte (never part of UTF-8 text, so it is
/// a separator a seed file can hold) into at most `n` parts, each read as
/// UTF-8 with invalid sequences replaced.
pub fn split_fields(data: &[u8], n: usize) -> Vec<String> {
    data.splitn(n, |&b| b == 0xFF)
        .map(|part| String::from_utf8_lossy(part).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_formula_oracle() {
        assert_eq!(FileMode::split(b"{}"), (FileMode::Raw, &b"{}"[..]));
        assert_eq!(FileMode::split(b"\x01{}"), (FileMode::Gzip, &b"{}"[..]));
        assert!(starts_like_formula(" \u{200B}=1"));
        assert!(starts_like_formula("\u{FF1D}1"));
        assert!(!starts_like_formula("'=1"));
        assert!(!starts_like_formula("a=1"));
        assert_eq!(split_fields(b"a\xFFb\xFFc", 2), vec!["a", "b\u{FFFD}c"]);
    }
}
