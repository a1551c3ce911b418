//! Adapter between the GUI and the ingest engine: starts a background load
//! ([`crate::ingest::start_load`]) and keeps when it started, for rates and
//! the time left. The UI drains its messages each frame.

use std::path::PathBuf;
use std::time::Instant;

use crate::ingest::{LoadHandle, LoadMessage, LoadOptions, start_load};

pub use crate::ingest::Progress as LoadProgress;

/// A load in progress.
pub struct LoadJob {
    handle: LoadHandle,
    pub started: Instant,
}

impl LoadJob {
    pub fn receiver(&self) -> &crossbeam_channel::Receiver<LoadMessage> {
        &self.handle.receiver
    }

    pub fn cancel(&self) {
        self.handle.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.handle.is_cancelled()
    }
}

/// Starts loading `paths` (files or folders) on a worker thread.
pub fn start(paths: Vec<PathBuf>) -> LoadJob {
    LoadJob {
        handle: start_load(paths, LoadOptions::default()),
        started: Instant::now(),
    }
}
