//! The original bytes of every event, kept compressed in chunks. A load
//! makes two kinds: a `.json.gz` input file whose events are spans of its
//! text is kept as its own gzip bytes (nothing is compressed twice); every
//! other event (plain files, strings unescaped out of lookup-events output
//! or CloudWatch envelopes, CSV rows) is packed with its neighbours into
//! zstd blocks of ~256 KB. Each chunk decompresses to a text in which
//! events are spans. Any event's exact JSON text can be read back; whole
//! chunks are scanned in parallel for full-text search and export.
//!
//! Keeping gzip files as read, and packing other events with fast zstd,
//! makes loading cheap. But full-text search is bound by decompression, and
//! LZ4 inflates about 2.5 times as fast as zstd and 3.5 times as fast as
//! gzip. So once a load is done, [`RawStore::prepare_for_search`] (run on a
//! background thread by the app) re-encodes each chunk with LZ4's
//! high-compression mode (about as compact as the gzip files) and builds
//! its trigram bitmap from the same decompressed text.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use crate::gunzip;
use crate::store::heap;
use crate::store::trigrams::Trigrams;

/// Uncompressed size a block is filled to before it is compressed.
pub const BLOCK_TARGET: usize = 256 * 1024;
/// zstd level: 1 is the best trade of speed for size on CloudTrail JSON.
const LEVEL: i32 = 1;
/// LZ4 high-compression level for search-ready chunks. On 1M synthetic
/// events: level 4 gives 235 MiB in 4.7 s, 5 gives 232 MiB in 5.2 s, 9
/// gives 230 MiB in 7.7 s; all inflate equally fast.
const LZ4_LEVEL: i32 = 5;

thread_local! {
    /// This thread's buffer for the text of the chunk being prepared for
    /// search, reused from chunk to chunk.
    static PREPARE_TEXT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// This thread's LZ4 output scratch buffer.
    static LZ4_SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// This thread's zstd context and output scratch buffer.
    static COMPRESSOR: RefCell<(Option<zstd::bulk::Compressor<'static>>, Vec<u8>)> =
        const { RefCell::new((None, Vec::new())) };
    /// This thread's zstd decompression context (creating one per chunk
    /// costs a ~100 KB allocation and its initialisation).
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { RefCell::new(None) };
}

/// Where one event's bytes are: chunk number, offset and length inside the
/// chunk's decompressed text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RawLoc {
    pub chunk: u32,
    pub offset: u32,
    pub len: u32,
}

/// How a chunk holds its text.
#[derive(Debug)]
enum Body {
    /// Events packed by [`BlockWriter`] and compressed with zstd.
    Zstd(Box<[u8]>),
    /// Re-encoded for search by [`Chunk::prepare_for_search`]: an LZ4
    /// block (high-compression mode), the fastest to decompress.
    Lz4(Box<[u8]>),
    /// A whole `.json.gz` input file as it was read: its events are spans
    /// of its decompressed text.
    Gzip(Box<[u8]>),
    /// Stored as is (only when compression failed).
    Plain(Box<[u8]>),
    /// No longer needed (every event in it was a duplicate).
    Empty,
}

/// One compressed chunk of raw event text.
#[derive(Debug)]
pub struct Chunk {
    /// Behind a lock only so that [`Chunk::prepare_for_search`] can swap
    /// the codec while searches read other chunks; readers never wait on
    /// each other.
    body: RwLock<Body>,
    raw_len: u32,
    /// Built by [`Chunk::prepare_for_search`] after a load, or by the
    /// first full-text search that reads the chunk.
    trigrams: OnceLock<Trigrams>,
}

impl Chunk {
    /// Compresses `bytes` into a zstd chunk, with this thread's reusable
    /// zstd context (building one per chunk costs more than compressing it).
    pub fn compress(bytes: &[u8]) -> Chunk {
        Chunk {
            body: RwLock::new(zstd_body(bytes)),
            raw_len: bytes.len() as u32,
            trigrams: OnceLock::new(),
        }
    }

    /// A gzip file kept as read; it must inflate cleanly to `raw_len`
    /// bytes (what [`crate::ingest::decode`] checked).
    pub fn gzip(bytes: Box<[u8]>, raw_len: u32) -> Chunk {
        Chunk {
            body: RwLock::new(Body::Gzip(bytes)),
            raw_len,
            trigrams: OnceLock::new(),
        }
    }

    fn body(&self) -> std::sync::RwLockReadGuard<'_, Body> {
        self.body.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The decompressed text, or why it cannot be read back.
    pub fn decompress(&self) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        self.decompress_into(&mut out)?;
        Ok(out)
    }

    /// Like [`Self::decompress`], into `out` (replacing what it held), so
    /// that a search that reads chunk after chunk reuses one buffer. On an
    /// error `out` is left empty.
    pub fn decompress_into(&self, out: &mut Vec<u8>) -> Result<(), String> {
        let len = self.raw_len as usize;
        let result = match &*self.body() {
            // LZ4 writes over `out` in place: it is not cleared first, so a
            // reused buffer is not zeroed again for every chunk.
            Body::Lz4(z) => lz4_decompress_into(z, len, out),
            Body::Zstd(z) => {
                out.clear();
                zstd_decompress_into(z, len, out)
            }
            Body::Gzip(z) => {
                // `out`'s old allocation becomes the inflate buffer.
                gunzip::recycle(std::mem::take(out));
                gunzip::inflate_exact(z, len)
                    .map(|bytes| *out = bytes)
                    .ok_or_else(|| format!("gzip: does not inflate to the {len} bytes stored"))
            }
            Body::Plain(b) => {
                out.clear();
                out.extend_from_slice(b);
                Ok(())
            }
            Body::Empty => {
                out.clear();
                Ok(())
            }
        };
        if result.is_err() {
            out.clear();
        }
        result
    }

    /// True for a chunk that is a gzip input file.
    pub fn is_gzip(&self) -> bool {
        matches!(*self.body(), Body::Gzip(_))
    }

    pub fn compressed_len(&self) -> usize {
        match &*self.body() {
            Body::Zstd(b) | Body::Lz4(b) | Body::Gzip(b) | Body::Plain(b) => b.len(),
            Body::Empty => 0,
        }
    }

    pub fn raw_len(&self) -> usize {
        match *self.body() {
            Body::Empty => 0,
            _ => self.raw_len as usize,
        }
    }

    /// The chunk's trigram bitmap, once built.
    pub fn trigrams(&self) -> Option<&Trigrams> {
        self.trigrams.get()
    }

    /// Builds the trigram bitmap from the chunk's lower-cased text, unless
    /// it is built already.
    pub fn index_lower(&self, lower: &[u8]) {
        if self.trigrams.get().is_none() {
            let _ = self.trigrams.set(Trigrams::of_lower(lower));
        }
    }

    /// True once the chunk is in its search-ready codec (LZ4), or holds
    /// nothing to re-encode.
    pub fn is_search_ready(&self) -> bool {
        matches!(*self.body(), Body::Lz4(_) | Body::Plain(_) | Body::Empty)
    }

    /// Readies the chunk for full-text search: a gzip or zstd chunk is
    /// re-encoded as LZ4 (the same text, faster to decompress), and the
    /// trigram bitmap is built. Returns false when there was nothing to do.
    pub fn prepare_for_search(&self) -> bool {
        let recode = !self.is_search_ready();
        if !recode && self.trigrams.get().is_some() || self.raw_len() == 0 {
            return false;
        }
        PREPARE_TEXT.with(|cell| {
            let mut text = cell.borrow_mut();
            if self.decompress_into(&mut text).is_err() || text.len() != self.raw_len as usize {
                // Unreadable: leave it as it is; searches will skip it.
                return false;
            }
            if recode {
                lz4_compress(&text, |lz4| {
                    let mut body = self.body.write().unwrap_or_else(PoisonError::into_inner);
                    if matches!(*body, Body::Gzip(_) | Body::Zstd(_)) {
                        *body = Body::Lz4(Box::from(lz4));
                    }
                });
            }
            text.make_ascii_lowercase();
            self.index_lower(&text);
            true
        })
    }

    /// Frees the chunk's bytes (no event refers to it any more).
    fn clear(&mut self) {
        *self.body.get_mut().unwrap_or_else(PoisonError::into_inner) = Body::Empty;
        self.trigrams = OnceLock::new();
    }
}

/// `bytes` compressed with zstd, with this thread's reusable context
/// (building one per chunk costs more than compressing it); stored as is
/// if compression fails.
fn zstd_body(bytes: &[u8]) -> Body {
    {
        // Compress into a reused scratch buffer sized for the worst case,
        // then keep an exact-size copy: long-lived chunks carry no slack, and
        // no large buffer is shrunk in place (which fragments the heap).
        let compressed = COMPRESSOR.with(|cell| {
            let mut slot = cell.borrow_mut();
            let (compressor, scratch) = &mut *slot;
            if compressor.is_none() {
                *compressor = zstd::bulk::Compressor::new(LEVEL).ok();
            }
            let c = compressor.as_mut()?;
            scratch.clear();
            scratch.reserve(zstd::zstd_safe::compress_bound(bytes.len()));
            c.compress_to_buffer(bytes, scratch).ok()?;
            Some(Box::<[u8]>::from(scratch.as_slice()))
        });
        compressed.map_or_else(|| Body::Plain(Box::from(bytes)), Body::Zstd)
    }
}

/// Decompresses a zstd body of known size into `out` (empty on failure)
/// with this thread's context.
fn zstd_decompress_into(z: &[u8], len: usize, out: &mut Vec<u8>) -> Result<(), String> {
    out.reserve(len);
    DECOMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = zstd::bulk::Decompressor::new().ok();
        }
        let d = slot.as_mut().ok_or("zstd: no decompressor")?;
        match d.decompress_to_buffer(z, out) {
            Ok(n) if n == len => Ok(()),
            Ok(n) => Err(format!("zstd: {n} bytes where {len} were stored")),
            Err(e) => Err(format!("zstd: {e}")),
        }
    })
}

/// Compresses `bytes` as one LZ4 block (high-compression mode) into this
/// thread's scratch buffer and hands the result to `keep`; does nothing if
/// LZ4 cannot take it (over 2 GB).
fn lz4_compress(bytes: &[u8], keep: impl FnOnce(&[u8])) {
    use lz4::block::{CompressionMode, compress_bound, compress_to_buffer};
    LZ4_SCRATCH.with(|cell| {
        let mut scratch = cell.borrow_mut();
        let Ok(bound) = compress_bound(bytes.len()) else {
            return;
        };
        if scratch.len() < bound {
            scratch.resize(bound, 0);
        }
        let mode = Some(CompressionMode::HIGHCOMPRESSION(LZ4_LEVEL));
        if let Ok(n) = compress_to_buffer(bytes, mode, false, &mut scratch)
            && let Some(compressed) = scratch.get(..n)
        {
            keep(compressed);
        }
    });
}

/// Decompresses an LZ4 block of known size into `out` (empty on failure).
/// `out` keeps its length when it is long enough, so a reused buffer is not
/// zeroed again for every chunk.
fn lz4_decompress_into(z: &[u8], len: usize, out: &mut Vec<u8>) -> Result<(), String> {
    let size = i32::try_from(len).map_err(|_| format!("lz4: {len} bytes is too large"))?;
    if out.len() < len {
        out.resize(len, 0);
    }
    out.truncate(len);
    match lz4::block::decompress_to_buffer(z, Some(size), out) {
        Ok(n) if n == len => Ok(()),
        Ok(n) => Err(format!("lz4: {n} bytes where {len} were stored")),
        Err(e) => Err(format!("lz4: {e}")),
    }
}

/// Why an event's original bytes cannot be read back. Evidence is never
/// written, shown or searched from a guess: this is an error wherever the
/// bytes are needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawError {
    pub chunk: u32,
    pub reason: String,
}

impl std::fmt::Display for RawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the original bytes in chunk {} cannot be read back ({})",
            self.chunk, self.reason
        )
    }
}

impl std::error::Error for RawError {}

/// For writers whose errors are `io::Error` (the exports): the
/// `RawError` stays inside, so the caller can tell it apart.
impl From<RawError> for std::io::Error {
    fn from(e: RawError) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e)
    }
}

/// The bytes of `loc` within its decompressed chunk.
pub fn slice_of(chunk: &[u8], loc: RawLoc) -> Result<Vec<u8>, RawError> {
    let start = loc.offset as usize;
    let end = start + loc.len as usize;
    chunk
        .get(start..end)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| RawError {
            chunk: loc.chunk,
            reason: format!(
                "bytes {start}..{end} are past the chunk's end ({})",
                chunk.len()
            ),
        })
}

/// Fills zstd blocks from a stream of events (used by ingest workers for
/// events that are not spans of a gzip input file).
#[derive(Debug, Default)]
pub struct BlockWriter {
    current: Vec<u8>,
    pub blocks: Vec<Chunk>,
    /// Compressed bytes of `blocks`.
    compressed: usize,
}

impl BlockWriter {
    /// Appends one event's bytes and returns where they went (chunk numbers
    /// are local to this writer).
    pub fn push(&mut self, bytes: &[u8]) -> RawLoc {
        if !self.current.is_empty() && self.current.len() + bytes.len() > BLOCK_TARGET {
            self.flush();
        }
        let loc = RawLoc {
            chunk: self.blocks.len() as u32,
            offset: self.current.len() as u32,
            len: bytes.len() as u32,
        };
        self.current.extend_from_slice(bytes);
        loc
    }

    /// Compresses the block being filled, if any.
    pub fn flush(&mut self) {
        if !self.current.is_empty() {
            let chunk = Chunk::compress(&self.current);
            self.compressed += chunk.compressed_len();
            self.blocks.push(chunk);
            self.current.clear();
        }
    }

    /// Bytes held: the compressed blocks and the block being filled.
    pub fn bytes_held(&self) -> usize {
        self.compressed + self.current.capacity()
    }

    /// Finishes and returns all blocks.
    pub fn finish(mut self) -> Vec<Chunk> {
        self.flush();
        self.blocks
    }
}

/// Chunks re-encoded between two returns of freed memory to the system
/// (bounds the memory held twice, old and new codec, to a few MB).
const PREPARE_BATCH: usize = 16;

/// Number of decompressed chunks kept for repeated reads.
const CACHE_CHUNKS: usize = 6;

/// All chunks of the store plus a small LRU cache of decompressed chunks
/// for repeated reads of neighbouring events (the detail pane, duplicate
/// checks that compare a new event with an earlier one).
#[derive(Debug, Default)]
pub struct RawStore {
    chunks: Vec<Chunk>,
    /// Most recently used first.
    cache: Mutex<Vec<(u32, Arc<Vec<u8>>)>>,
}

impl RawStore {
    /// Appends chunks and returns the number of the first one.
    /// Makes room for `additional` chunks, or says the memory cannot be
    /// had.
    pub fn try_reserve(
        &mut self,
        additional: usize,
    ) -> Result<(), std::collections::TryReserveError> {
        self.chunks.try_reserve(additional)
    }

    pub fn append(&mut self, chunks: Vec<Chunk>) -> u32 {
        let first = self.chunks.len() as u32;
        self.chunks.extend(chunks);
        first
    }

    /// Frees the chunks numbered from `first` on for which `keep` is false,
    /// and drops the ones at the end entirely (the chunks of a batch whose
    /// events were all duplicates).
    pub fn drop_unused(&mut self, first: u32, keep: &[bool]) {
        for (n, &k) in keep.iter().enumerate() {
            let id = first as usize + n;
            if !k && let Some(c) = self.chunks.get_mut(id) {
                c.clear();
                self.forget(id as u32);
            }
        }
        while self
            .chunks
            .last()
            .is_some_and(|c| matches!(*c.body(), Body::Empty))
            && self.chunks.len() > first as usize
        {
            self.chunks.pop();
        }
    }

    fn forget(&self, n: u32) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.retain(|(id, _)| *id != n);
        }
    }

    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }

    /// Readies every chunk for full-text search (see
    /// [`Chunk::prepare_for_search`]), in parallel, so that the first
    /// search is as fast as the later ones. Stops early when `stop` says
    /// so; returns the number of chunks prepared by this call. Cached texts
    /// stay valid: re-encoding never changes a chunk's text.
    pub fn prepare_for_search(&self, stop: &(dyn Fn() -> bool + Sync)) -> usize {
        self.prepare_for_search_paced(stop, &|_, _| {})
    }

    /// [`Self::prepare_for_search`], calling `between(chunks_seen, total)`
    /// on the calling thread before each batch: it reports progress and
    /// may block to give the cores to something more urgent (a query).
    pub fn prepare_for_search_paced(
        &self,
        stop: &(dyn Fn() -> bool + Sync),
        between: &dyn Fn(usize, usize),
    ) -> usize {
        use rayon::prelude::*;
        let mut done = 0;
        let total = self.chunks.len();
        for (n, batch) in self.chunks.chunks(PREPARE_BATCH).enumerate() {
            between(n * PREPARE_BATCH, total);
            if stop() {
                break;
            }
            done += batch
                .par_iter()
                .map(|c| usize::from(!stop() && c.prepare_for_search()))
                .sum::<usize>();
            // The old bodies were freed into the arenas of the threads that
            // loaded them; the new ones come from this pool's arenas.
            heap::release_free_memory();
        }
        if !stop() {
            between(total, total);
        }
        done
    }

    pub fn chunk(&self, n: u32) -> Option<&Chunk> {
        self.chunks.get(n as usize)
    }

    /// The decompressed chunk `n`, from the cache when possible.
    pub fn chunk_bytes(&self, n: u32) -> Result<Arc<Vec<u8>>, RawError> {
        if let Ok(mut cache) = self.cache.lock()
            && let Some(pos) = cache.iter().position(|(id, _)| *id == n)
        {
            let entry = cache.remove(pos);
            let bytes = entry.1.clone();
            cache.insert(0, entry);
            return Ok(bytes);
        }
        let chunk = self.chunks.get(n as usize).ok_or_else(|| RawError {
            chunk: n,
            reason: "no such chunk".into(),
        })?;
        let bytes = Arc::new(
            chunk
                .decompress()
                .map_err(|reason| RawError { chunk: n, reason })?,
        );
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(0, (n, bytes.clone()));
            cache.truncate(CACHE_CHUNKS);
        }
        Ok(bytes)
    }

    /// The exact bytes of one event.
    pub fn get(&self, loc: RawLoc) -> Result<Vec<u8>, RawError> {
        let chunk = self.chunk_bytes(loc.chunk)?;
        slice_of(&chunk, loc)
    }

    /// Compressed bytes held, and the uncompressed size they stand for.
    pub fn sizes(&self) -> (usize, usize) {
        self.chunks.iter().fold((0, 0), |(c, r), b| {
            (c + b.compressed_len(), r + b.raw_len())
        })
    }

    /// Bytes held by the trigram bitmaps built so far.
    pub fn index_bytes(&self) -> usize {
        self.chunks
            .iter()
            .filter_map(Chunk::trigrams)
            .map(Trigrams::heap_bytes)
            .sum()
    }

    /// Like [`Self::sizes`], for the gzip chunks only.
    pub fn gzip_sizes(&self) -> (usize, usize) {
        self.chunks
            .iter()
            .filter(|c| c.is_gzip())
            .fold((0, 0), |(c, r), b| {
                (c + b.compressed_len(), r + b.raw_len())
            })
    }

    pub fn clear(&mut self) {
        self.chunks.clear();
        if let Ok(mut cache) = self.cache.lock() {
            cache.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Box<[u8]> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).expect("gzip");
        e.finish().expect("gzip").into_boxed_slice()
    }

    fn events(n: usize) -> Vec<Vec<u8>> {
        (0..n)
            .map(|i| {
                format!(
                    "{{\"eventID\":\"{i}\",\"pad\":\"{}\"}}",
                    "x".repeat(i % 700)
                )
                .into_bytes()
            })
            .collect()
    }

    #[test]
    fn zstd_blocks_round_trip_events() {
        let mut w = BlockWriter::default();
        let events = events(2000);
        let locs: Vec<RawLoc> = events.iter().map(|e| w.push(e)).collect();
        let mut store = RawStore::default();
        let first = store.append(w.finish());
        assert_eq!(first, 0);
        assert!(store.chunk_count() > 1);
        assert!(store.chunk(0).is_some_and(|c| !c.is_gzip()));
        for (e, loc) in events.iter().zip(&locs) {
            assert_eq!(&store.get(*loc).expect("readable"), e);
        }
        let (compressed, raw) = store.sizes();
        assert!(compressed < raw / 3, "{compressed} vs {raw}");
        assert_eq!(store.gzip_sizes(), (0, 0));
    }

    #[test]
    fn gzip_chunks_give_spans_of_their_text_including_multi_member() {
        let text = b"{\"Records\":[{\"a\":1},{\"b\":2}]}";
        let one = gz(text);
        // The same text as two gzip members, cut inside a record.
        let mut two = gz(&text[..15]).into_vec();
        two.extend_from_slice(&gz(&text[15..]));
        let mut store = RawStore::default();
        let a = store.append(vec![Chunk::gzip(one.clone(), text.len() as u32)]);
        let b = store.append(vec![Chunk::gzip(two.into_boxed_slice(), text.len() as u32)]);
        for chunk in [a, b] {
            assert!(store.chunk(chunk).is_some_and(Chunk::is_gzip));
            let first = RawLoc {
                chunk,
                offset: 12,
                len: 7,
            };
            let second = RawLoc {
                chunk,
                offset: 20,
                len: 7,
            };
            assert_eq!(store.get(first).expect("readable"), b"{\"a\":1}");
            assert_eq!(store.get(second).expect("readable"), b"{\"b\":2}");
        }
        assert_eq!(store.gzip_sizes().0, store.sizes().0);
        // A chunk whose recorded size is wrong is an error, not wrong bytes.

        let bad = Chunk::gzip(one, text.len() as u32 + 1);
        assert!(bad.decompress().is_err());
    }

    #[test]
    fn search_ready_chunks_read_back_exactly_into_a_reused_buffer() {
        let long = events(300).concat();
        let short = b"{\"eventID\":\"short\"}".to_vec();
        let chunks = [
            Chunk::gzip(gz(&long), long.len() as u32),
            Chunk::compress(&short),
            Chunk::gzip(gz(&short), short.len() as u32),
        ];
        for c in &chunks {
            assert!(!c.is_search_ready());
            assert!(c.prepare_for_search());
            assert!(c.is_search_ready() && c.trigrams().is_some());
            assert!(!c.prepare_for_search(), "prepared once");
        }
        // A long text, then shorter ones, then the long one again, all
        // through one buffer: each read gives exactly its chunk's text.
        let mut buf = Vec::new();
        for (c, want) in chunks
            .iter()
            .zip([&long, &short, &short])
            .chain([(&chunks[0], &long)])
        {
            c.decompress_into(&mut buf).expect("readable");
            assert_eq!(&buf, want);
        }
        assert!(chunks[0].compressed_len() < long.len() / 3);
    }

    #[test]
    fn cache_keeps_recent_chunks_and_reads_stay_exact() {
        let mut store = RawStore::default();
        let texts: Vec<Vec<u8>> = (0..CACHE_CHUNKS + 3)
            .map(|i| format!("{{\"n\":{i}}}").into_bytes())
            .collect();
        for t in &texts {
            store.append(vec![Chunk::gzip(gz(t), t.len() as u32)]);
        }
        // Read every chunk twice, out of order: the cache never holds more
        // than CACHE_CHUNKS and never mixes chunks up.
        for round in 0..2 {
            for n in (0..texts.len()).rev().chain(0..texts.len()) {
                let got = store.chunk_bytes(n as u32).expect("readable");
                assert_eq!(
                    got.as_slice(),
                    texts[n].as_slice(),
                    "round {round} chunk {n}"
                );
            }
        }
        let cache = store.cache.lock().expect("cache");
        assert_eq!(cache.len(), CACHE_CHUNKS);
        // Most recently used first.
        assert_eq!(cache[0].0, texts.len() as u32 - 1);
    }

    #[test]
    fn unused_chunks_are_freed_and_trailing_ones_dropped() {
        let mut store = RawStore::default();
        let t = b"{\"x\":1}";
        store.append(vec![Chunk::compress(t)]);
        let first = store.append(vec![
            Chunk::compress(t),
            Chunk::gzip(gz(t), t.len() as u32),
            Chunk::gzip(gz(t), t.len() as u32),
        ]);
        assert_eq!(first, 1);
        let _ = store.chunk_bytes(3).expect("readable");
        store.drop_unused(first, &[true, false, false]);
        assert_eq!(store.chunk_count(), 2);
        store.drop_unused(first, &[false]);
        assert_eq!(store.chunk_count(), 1);
        assert!(
            store
                .cache
                .lock()
                .expect("cache")
                .iter()
                .all(|(n, _)| *n < 1)
        );
        // A freed chunk in the middle keeps the numbers of those after it.
        let first = store.append(vec![Chunk::compress(t), Chunk::compress(b"{}")]);
        store.drop_unused(first, &[false, true]);
        assert_eq!(store.chunk_count(), 3);
        assert_eq!(store.chunk(first).map(Chunk::raw_len), Some(0));
        let loc = RawLoc {
            chunk: first + 1,
            offset: 0,
            len: 2,
        };
        assert_eq!(store.get(loc).expect("readable"), b"{}");
    }
}
