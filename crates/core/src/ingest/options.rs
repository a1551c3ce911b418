//! Limits and switches of one load.

/// How a load treats its inputs. Every limit is per file, except the
/// memory budget, which is for the whole load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Files bigger than this on disk are not read (reported as a problem).
    /// Default: 4 GiB.
    pub max_file_bytes: u64,
    /// At most this many bytes of text are read out of one file after
    /// decompression; a file that would give more (a decompression bomb, or
    /// simply a huge file) is reported as a problem and none of its events
    /// are kept. Default: 2 GiB.
    pub max_decompressed_bytes: u64,
    /// Estimated memory the loaded events may take (columns and raw
    /// chunks, see [`crate::ingest::budget`]). When a load would go over
    /// it, the file being read stops with a problem, what was read is
    /// kept, and later files are not read. Default: half of the machine's
    /// memory.
    pub max_memory_bytes: u64,
}

/// Default of [`LoadOptions::max_file_bytes`]: 4 GiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 4 << 30;
/// Default of [`LoadOptions::max_decompressed_bytes`]: 2 GiB.
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: u64 = 2 << 30;

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_decompressed_bytes: DEFAULT_MAX_DECOMPRESSED_BYTES,
            max_memory_bytes: crate::ingest::budget::default_memory_budget(),
        }
    }
}
