//! Readies the raw chunks for full-text search on a background thread once
//! a load has finished (chunks re-encoded as LZ4, trigram bitmaps
//! built; see `RawStore::prepare_for_search`), so the analyst's first
//! full-text search is as fast as the later ones. A new load or "Close all" stops it.
//!
//! It gives way to the analyst: between batches of chunks it waits while a
//! view (query, sort, summary) is being computed, so a search typed during
//! the preparation has both cores; and it reports its progress so the
//! front end can say "Preparing search: 40 %".

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::view_jobs::{SharedStore, read_store};

/// The running indexing pass, if any.
#[derive(Default)]
pub struct SearchPrep {
    stop: Option<Arc<AtomicBool>>,
    /// Chunks seen (high 32 bits) and total (low 32 bits); 0 when idle.
    progress: Arc<AtomicU64>,
}

impl SearchPrep {
    /// Stops any running pass and starts a new one over `store`. While
    /// `busy` is above zero (views being computed) it pauses between
    /// batches.
    pub fn start(&mut self, store: SharedStore, busy: Arc<AtomicUsize>) {
        self.stop();
        let stop = Arc::new(AtomicBool::new(false));
        self.stop = Some(stop.clone());
        let progress = Arc::new(AtomicU64::new(0));
        self.progress = progress.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let store = read_store(&store);
            let stopped = || stop.load(Ordering::Relaxed);
            let between = |seen: usize, total: usize| {
                let packed = ((seen.min(u32::MAX as usize) as u64) << 32)
                    | total.min(u32::MAX as usize) as u64;
                progress.store(packed, Ordering::Relaxed);
                while busy.load(Ordering::Relaxed) > 0 && !stopped() {
                    std::thread::sleep(Duration::from_millis(5));
                }
            };
            let n = store
                .raw_store()
                .prepare_for_search_paced(&stopped, &between);
            crate::log::timing(
                "search preparation",
                started.elapsed(),
                format_args!("{n} chunks{}", if stopped() { " (stopped)" } else { "" }),
            );
            progress.store(0, Ordering::Relaxed);
        });
    }

    /// `(chunks done, chunks)` while a pass runs, `None` otherwise.
    pub fn progress(&self) -> Option<(usize, usize)> {
        let p = self.progress.load(Ordering::Relaxed);
        let (seen, total) = ((p >> 32) as usize, (p & 0xffff_ffff) as usize);
        (self.stop.is_some() && total > 0 && seen < total).then_some((seen, total))
    }

    /// Asks a running pass to stop (it releases the store's lock soon after).
    pub fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            s.store(true, Ordering::Relaxed);
        }
    }
}
