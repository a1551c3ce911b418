//! The original bytes of every event, kept compressed in chunks of two
//! codecs: a `.json.gz` input file whose events are spans of its text is
//! kept as its own gzip bytes (nothing is compressed twice); every other
//! event (plain files, strings unescaped out of lookup-events output or
//! CloudWatch envelopes, CSV rows) is packed with its neighbours into zstd
//! blocks of ~256 KB. Each chunk decompresses to a text in which events are
//! spans. Any event's exact JSON text can be read back; whole chunks are
//! scanned in parallel for full-text search and export.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use crate::ingest::gunzip;

/// Uncompressed size a block is filled to before it is compressed.
pub const BLOCK_TARGET: usize = 256 * 1024;
/// zstd level: 1 is the best trade of speed for size on CloudTrail JSON.
const LEVEL: i32 = 1;

thread_local! {
    /// This thread's zstd context and output scratch buffer.
    static COMPRESSOR: RefCell<(Option<zstd::bulk::Compressor<'static>>, Vec<u8>)> =
        const { RefCell::new((None, Vec::new())) };
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
    body: Body,
    raw_len: u32,
}

impl Chunk {
    /// Compresses `bytes` into a zstd chunk, with this thread's reusable
    /// zstd context (building one per chunk costs more than compressing it).
    pub fn compress(bytes: &[u8]) -> Chunk {
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
        Chunk {
            body: compressed.map_or_else(|| Body::Plain(Box::from(bytes)), Body::Zstd),
            raw_len: bytes.len() as u32,
        }
    }

    /// A gzip file kept as read; it must inflate cleanly to `raw_len`
    /// bytes (what [`crate::ingest::decode`] checked).
    pub fn gzip(bytes: Box<[u8]>, raw_len: u32) -> Chunk {
        Chunk {
            body: Body::Gzip(bytes),
            raw_len,
        }
    }

    /// The decompressed text (empty if it cannot be read back).
    pub fn decompress(&self) -> Vec<u8> {
        let len = self.raw_len as usize;
        match &self.body {
            Body::Zstd(z) => zstd::bulk::decompress(z, len).unwrap_or_default(),
            Body::Gzip(z) => gunzip::inflate_exact(z, len).unwrap_or_default(),
            Body::Plain(b) => b.to_vec(),
            Body::Empty => Vec::new(),
        }
    }

    /// True for a chunk that is a gzip input file.
    pub fn is_gzip(&self) -> bool {
        matches!(self.body, Body::Gzip(_))
    }

    pub fn compressed_len(&self) -> usize {
        match &self.body {
            Body::Zstd(b) | Body::Gzip(b) | Body::Plain(b) => b.len(),
            Body::Empty => 0,
        }
    }

    pub fn raw_len(&self) -> usize {
        match self.body {
            Body::Empty => 0,
            _ => self.raw_len as usize,
        }
    }

    /// Frees the chunk's bytes (no event refers to it any more).
    fn clear(&mut self) {
        self.body = Body::Empty;
    }
}

/// Fills zstd blocks from a stream of events (used by ingest workers for
/// events that are not spans of a gzip input file).
#[derive(Debug, Default)]
pub struct BlockWriter {
    current: Vec<u8>,
    pub blocks: Vec<Chunk>,
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
            self.blocks.push(Chunk::compress(&self.current));
            self.current.clear();
        }
    }

    /// Finishes and returns all blocks.
    pub fn finish(mut self) -> Vec<Chunk> {
        self.flush();
        self.blocks
    }
}

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
            .is_some_and(|c| matches!(c.body, Body::Empty))
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

    pub fn chunk(&self, n: u32) -> Option<&Chunk> {
        self.chunks.get(n as usize)
    }

    /// The decompressed chunk `n`, from the cache when possible.
    pub fn chunk_bytes(&self, n: u32) -> Arc<Vec<u8>> {
        if let Ok(mut cache) = self.cache.lock()
            && let Some(pos) = cache.iter().position(|(id, _)| *id == n)
        {
            let entry = cache.remove(pos);
            let bytes = entry.1.clone();
            cache.insert(0, entry);
            return bytes;
        }
        let bytes = Arc::new(
            self.chunks
                .get(n as usize)
                .map(Chunk::decompress)
                .unwrap_or_default(),
        );
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(0, (n, bytes.clone()));
            cache.truncate(CACHE_CHUNKS);
        }
        bytes
    }

    /// The exact bytes of one event.
    pub fn get(&self, loc: RawLoc) -> Vec<u8> {
        let chunk = self.chunk_bytes(loc.chunk);
        let start = loc.offset as usize;
        let end = start + loc.len as usize;
        chunk
            .get(start..end)
            .map(<[u8]>::to_vec)
            .unwrap_or_default()
    }

    /// Compressed bytes held, and the uncompressed size they stand for.
    pub fn sizes(&self) -> (usize, usize) {
        self.chunks.iter().fold((0, 0), |(c, r), b| {
            (c + b.compressed_len(), r + b.raw_len())
        })
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
