//! The original bytes of every event, kept compressed in zstd blocks of
//! consecutive events. Any event's exact JSON text can be read back; whole
//! blocks can be scanned in parallel for full-text search and export.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

/// Uncompressed size a block is filled to before it is compressed.
pub const BLOCK_TARGET: usize = 256 * 1024;
/// zstd level: 1 is the best trade of speed for size on CloudTrail JSON.
const LEVEL: i32 = 1;

thread_local! {
    /// This thread's zstd context and output scratch buffer.
    static COMPRESSOR: RefCell<(Option<zstd::bulk::Compressor<'static>>, Vec<u8>)> =
        const { RefCell::new((None, Vec::new())) };
}

/// Where one event's bytes are: block number, offset and length inside the
/// uncompressed block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RawLoc {
    pub block: u32,
    pub offset: u32,
    pub len: u32,
}

/// One compressed block.
#[derive(Debug)]
pub struct Block {
    compressed: Box<[u8]>,
    raw_len: u32,
}

impl Block {
    /// Compresses `bytes` into a block, with this thread's reusable zstd
    /// context (building one per block costs more than compressing it).
    pub fn compress(bytes: &[u8]) -> Block {
        // Compress into a reused scratch buffer sized for the worst case,
        // then keep an exact-size copy: long-lived blocks carry no slack, and
        // no large buffer is shrunk in place (which fragments the heap).
        let compressed = COMPRESSOR
            .with(|cell| {
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
            })
            .unwrap_or_else(|| Box::from(bytes));
        Block {
            compressed,
            raw_len: bytes.len() as u32,
        }
    }

    /// The uncompressed bytes.
    pub fn decompress(&self) -> Vec<u8> {
        zstd::bulk::decompress(&self.compressed, self.raw_len as usize)
            .unwrap_or_else(|_| self.compressed.to_vec())
    }

    pub fn compressed_len(&self) -> usize {
        self.compressed.len()
    }

    pub fn raw_len(&self) -> usize {
        self.raw_len as usize
    }
}

/// Fills blocks from a stream of events (used by ingest workers).
#[derive(Debug, Default)]
pub struct BlockWriter {
    current: Vec<u8>,
    pub blocks: Vec<Block>,
}

impl BlockWriter {
    /// Appends one event's bytes and returns where they went (block numbers
    /// are local to this writer).
    pub fn push(&mut self, bytes: &[u8]) -> RawLoc {
        if !self.current.is_empty() && self.current.len() + bytes.len() > BLOCK_TARGET {
            self.flush();
        }
        let loc = RawLoc {
            block: self.blocks.len() as u32,
            offset: self.current.len() as u32,
            len: bytes.len() as u32,
        };
        self.current.extend_from_slice(bytes);
        loc
    }

    /// Compresses the block being filled, if any.
    pub fn flush(&mut self) {
        if !self.current.is_empty() {
            self.blocks.push(Block::compress(&self.current));
            self.current.clear();
        }
    }

    /// Finishes and returns all blocks.
    pub fn finish(mut self) -> Vec<Block> {
        self.flush();
        self.blocks
    }
}

/// Number of uncompressed blocks kept for repeated reads.
const CACHE_BLOCKS: usize = 4;

/// All blocks of the store plus a small cache of uncompressed blocks for
/// repeated reads of neighbouring events (the detail pane, duplicate checks
/// that compare a new event with an earlier one).
#[derive(Debug, Default)]
pub struct RawStore {
    blocks: Vec<Block>,
    /// Most recently used first.
    cache: Mutex<Vec<(u32, Arc<Vec<u8>>)>>,
}

impl RawStore {
    /// Appends blocks and returns the number of the first one.
    pub fn append(&mut self, blocks: Vec<Block>) -> u32 {
        let first = self.blocks.len() as u32;
        self.blocks.extend(blocks);
        first
    }

    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    pub fn block(&self, n: u32) -> Option<&Block> {
        self.blocks.get(n as usize)
    }

    /// The uncompressed block `n`, from the cache when possible.
    pub fn block_bytes(&self, n: u32) -> Arc<Vec<u8>> {
        if let Ok(mut cache) = self.cache.lock()
            && let Some(pos) = cache.iter().position(|(id, _)| *id == n)
        {
            let entry = cache.remove(pos);
            let bytes = entry.1.clone();
            cache.insert(0, entry);
            return bytes;
        }
        let bytes = Arc::new(
            self.blocks
                .get(n as usize)
                .map(Block::decompress)
                .unwrap_or_default(),
        );
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(0, (n, bytes.clone()));
            cache.truncate(CACHE_BLOCKS);
        }
        bytes
    }

    /// The exact bytes of one event.
    pub fn get(&self, loc: RawLoc) -> Vec<u8> {
        let block = self.block_bytes(loc.block);
        let start = loc.offset as usize;
        let end = start + loc.len as usize;
        block
            .get(start..end)
            .map(<[u8]>::to_vec)
            .unwrap_or_default()
    }

    /// Compressed bytes held, and the uncompressed size they stand for.
    pub fn sizes(&self) -> (usize, usize) {
        self.blocks.iter().fold((0, 0), |(c, r), b| {
            (c + b.compressed_len(), r + b.raw_len())
        })
    }

    pub fn clear(&mut self) {
        self.blocks.clear();
        if let Ok(mut cache) = self.cache.lock() {
            cache.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_events_across_blocks() {
        let mut w = BlockWriter::default();
        let events: Vec<Vec<u8>> = (0..2000)
            .map(|i| {
                format!(
                    "{{\"eventID\":\"{i}\",\"pad\":\"{}\"}}",
                    "x".repeat(i % 700)
                )
                .into_bytes()
            })
            .collect();
        let locs: Vec<RawLoc> = events.iter().map(|e| w.push(e)).collect();
        let mut store = RawStore::default();
        let first = store.append(w.finish());
        assert_eq!(first, 0);
        assert!(store.block_count() > 1);
        for (e, loc) in events.iter().zip(&locs) {
            assert_eq!(&store.get(*loc), e);
        }
        let (compressed, raw) = store.sizes();
        assert!(compressed < raw / 3, "{compressed} vs {raw}");
    }
}
