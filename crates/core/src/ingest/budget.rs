//! The memory a load may use, and its accounting.
//!
//! A small file can hold a great many events (a 4 MB gzip file can inflate
//! to 100 million tiny records), so the size limits of [`LoadOptions`] do
//! not bound memory. A load therefore has a memory budget
//! ([`LoadOptions::max_memory_bytes`], by default half of the machine's
//! memory): every batch being built estimates what it and its events will
//! cost once in the store ([`BATCH_BYTES_PER_EVENT`],
//! [`STORE_BYTES_PER_EVENT`], raw chunk bytes), and when the batches of the
//! load would go over the budget the file being read stops there with a
//! problem, the events already read are kept, and no further file is read.
//!
//! The decompressed text of files being read is bounded too: the workers
//! share a [`TextGate`] that lets at most a quarter of the budget of text
//! be in flight at once (one file at a time is always allowed).
//!
//! [`LoadOptions`]: crate::ingest::LoadOptions
//! [`LoadOptions::max_memory_bytes`]: crate::ingest::LoadOptions::max_memory_bytes

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};

/// Budget used when the machine's memory cannot be read: 8 GiB.
pub const FALLBACK_MEMORY_BUDGET: u64 = 8 << 30;

/// Estimated bytes of one event in a batch being built (13 string ids,
/// time, flags, event ID, raw location, record index) with the slack of
/// growing vectors.
pub const BATCH_BYTES_PER_EVENT: u64 = 160;

/// Estimated bytes of one event in the store (the columns of
/// [`crate::store::Store::memory_report`] and the duplicate index).
pub const STORE_BYTES_PER_EVENT: u64 = 120;

/// The default budget: half of the machine's physical memory (from
/// `/proc/meminfo` on Linux), else [`FALLBACK_MEMORY_BUDGET`].
pub fn default_memory_budget() -> u64 {
    static BUDGET: OnceLock<u64> = OnceLock::new();
    *BUDGET.get_or_init(|| physical_memory().map_or(FALLBACK_MEMORY_BUDGET, |m| m / 2))
}

/// Physical memory in bytes, when the system says.
fn physical_memory() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        // A small, bounded read of a pseudo-file.
        let text = crate::ingest::side_file::read_limited(
            std::path::Path::new("/proc/meminfo"),
            1 << 20,
            "memory information",
        )
        .ok()?;
        parse_meminfo(&String::from_utf8_lossy(&text))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

/// `MemTotal` of a `/proc/meminfo` text, in bytes.
fn parse_meminfo(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let mut words = line.split_whitespace().skip(1);
    let n: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") | None => n.checked_mul(1024),
        _ => None,
    }
}

/// The memory accounting of one load, shared by its workers.
#[derive(Debug)]
pub struct LoadBudget {
    limit: u64,
    /// Estimated bytes of the batches finished so far.
    committed: AtomicU64,
    exceeded: AtomicBool,
    text: TextGate,
}

impl LoadBudget {
    pub fn new(limit: u64) -> Arc<LoadBudget> {
        Arc::new(LoadBudget {
            limit,
            committed: AtomicU64::new(0),
            exceeded: AtomicBool::new(false),
            text: TextGate::new((limit / 4).max(1)),
        })
    }

    /// The budget in bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Bytes a batch may still grow to before the load goes over budget.
    pub fn remaining(&self) -> u64 {
        self.limit
            .saturating_sub(self.committed.load(Ordering::Relaxed))
    }

    /// Counts a finished batch.
    pub fn commit(&self, bytes: u64) {
        self.committed.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Marks the budget as spent: no further file is read.
    pub fn set_exceeded(&self) {
        self.exceeded.store(true, Ordering::Relaxed);
    }

    pub fn is_exceeded(&self) -> bool {
        self.exceeded.load(Ordering::Relaxed)
    }

    /// Waits until `bytes` of decompressed text may be held (see
    /// [`TextGate`]); the permit gives them back when dropped.
    pub fn hold_text(self: &Arc<Self>, bytes: u64) -> TextPermit {
        self.text.acquire(bytes);
        TextPermit {
            budget: Arc::clone(self),
            bytes,
        }
    }

    /// Bytes of text held now (for tests).
    pub fn text_in_flight(&self) -> u64 {
        *self
            .text
            .used
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Bounds the decompressed text held by all workers of a load at once.
/// A worker waits while others hold text and its own would go over the
/// cap; a worker alone may always go ahead (its file is bounded by the
/// decompressed-size limit).
#[derive(Debug)]
struct TextGate {
    cap: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

impl TextGate {
    fn new(cap: u64) -> TextGate {
        TextGate {
            cap,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    fn acquire(&self, bytes: u64) {
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        while *used > 0 && used.saturating_add(bytes) > self.cap {
            used = self
                .freed
                .wait(used)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *used = used.saturating_add(bytes);
    }

    fn release(&self, bytes: u64) {
        let mut used = self.used.lock().unwrap_or_else(PoisonError::into_inner);
        *used = used.saturating_sub(bytes);
        self.freed.notify_all();
    }
}

/// Decompressed text held by one worker; given back when dropped.
#[derive(Debug)]
pub struct TextPermit {
    budget: Arc<LoadBudget>,
    bytes: u64,
}

impl Drop for TextPermit {
    fn drop(&mut self) {
        self.budget.text.release(self.bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo_total_in_bytes() {
        let text = "MemTotal:       24576000 kB\nMemFree:  1 kB\n";
        assert_eq!(parse_meminfo(text), Some(24_576_000 * 1024));
        assert_eq!(parse_meminfo("nothing"), None);
        assert!(default_memory_budget() > 0);
    }

    #[test]
    fn text_gate_lets_one_through_and_waits_for_room() {
        let budget = LoadBudget::new(400); // text cap 100
        let big = budget.hold_text(1000); // alone: always allowed
        assert_eq!(budget.text_in_flight(), 1000);
        let b2 = Arc::clone(&budget);
        let waiter = std::thread::spawn(move || {
            let _p = b2.hold_text(50);
            b2.text_in_flight()
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        // Still waiting: the first permit holds more than the cap.
        assert_eq!(budget.text_in_flight(), 1000);
        drop(big);
        assert_eq!(waiter.join().ok(), Some(50));
        assert_eq!(budget.text_in_flight(), 0);
    }

    #[test]
    fn commit_and_remaining() {
        let budget = LoadBudget::new(1000);
        budget.commit(300);
        assert_eq!(budget.remaining(), 700);
        budget.commit(900);
        assert_eq!(budget.remaining(), 0);
        assert!(!budget.is_exceeded());
        budget.set_exceeded();
        assert!(budget.is_exceeded());
    }
}
