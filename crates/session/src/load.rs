//! A load in progress: the ingest engine's background load
//! ([`trailview_core::ingest::start_load`]) with the time it started, for
//! rates and the time left. The session drains its messages (see
//! `Session::poll`).

use std::path::PathBuf;
use std::time::Instant;

use trailview_core::ingest::{LoadHandle, LoadMessage, LoadOptions, start_load};

/// A load in progress.
pub struct LoadJob {
    handle: LoadHandle,
    pub started: Instant,
}

impl LoadJob {
    /// Starts loading `paths` (files or folders) on a worker thread.
    pub fn start(paths: Vec<PathBuf>, options: LoadOptions) -> LoadJob {
        LoadJob {
            handle: start_load(paths, options),
            started: Instant::now(),
        }
    }

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
