//! Readies the raw chunks for full-text search on a background thread once
//! a load has finished (chunks re-encoded as LZ4, trigram bitmaps
//! built; see `RawStore::prepare_for_search`), so the analyst's first
//! full-text search is as fast as the later ones. A new load or "Close all" stops it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::view_jobs::{SharedStore, read_store};

/// The running indexing pass, if any.
#[derive(Default)]
pub struct SearchPrep {
    stop: Option<Arc<AtomicBool>>,
}

impl SearchPrep {
    /// Stops any running pass and starts a new one over `store`.
    pub fn start(&mut self, store: SharedStore) {
        self.stop();
        let stop = Arc::new(AtomicBool::new(false));
        self.stop = Some(stop.clone());
        std::thread::spawn(move || {
            let store = read_store(&store);
            store
                .raw_store()
                .prepare_for_search(&|| stop.load(Ordering::Relaxed));
        });
    }

    /// Asks a running pass to stop (it releases the store's lock soon after).
    pub fn stop(&mut self) {
        if let Some(s) = self.stop.take() {
            s.store(true, Ordering::Relaxed);
        }
    }
}
