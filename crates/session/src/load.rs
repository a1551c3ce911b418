//! A load in progress: the ingest engine's background load
//! ([`trailview_core::ingest::start_load`]) and the thread that puts its
//! batches into the store as they arrive, for the app and the command line
//! alike.
//!
//! Why a thread of its own: the batches used to be appended by whoever
//! polled the session, within a time budget per poll. The command line
//! polls all the time, the app once per frame; at ten frames a second the
//! app appended a quarter of the time and loaded 1M events 4x slower than
//! `trailview stats`, and drawing more frames to catch up took the cores
//! from the loader where frames are drawn on the CPU. Now the appender
//! takes each batch off the loader's bounded channel at once (so the
//! loader's workers never wait on the front end) and the front end only
//! reads the progress and, at the end, the report.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use trailview_core::ingest::{
    LoadHandle, LoadMessage, LoadOptions, LoadReport, Progress, start_load,
};

use crate::view_jobs::SharedStore;

/// What the appender shares with the session.
#[derive(Debug, Default)]
pub struct Appended {
    /// The report so far: the one the load started from, plus this load's
    /// files, batches and appends.
    pub report: LoadReport,
    pub progress: Option<Progress>,
    /// Time spent in `Store::append`.
    pub append_time: Duration,
    /// The loader said it finished (or went away) and every batch it sent
    /// is in the store.
    pub finished: bool,
    /// Set by the session when it no longer wants this load (a cancel, a
    /// new load, "Close all"): nothing more is appended or recorded.
    abandoned: bool,
}

/// A load in progress.
pub struct LoadJob {
    handle: LoadHandle,
    shared: Arc<Mutex<Appended>>,
    appender: Option<JoinHandle<()>>,
    pub started: Instant,
}

impl LoadJob {
    /// Starts loading `paths` (files or folders) on worker threads and
    /// appending what they read into `store`; `report` is the report to
    /// add to; `wake` is called once everything is in.
    pub fn start(
        paths: Vec<PathBuf>,
        options: LoadOptions,
        store: SharedStore,
        report: LoadReport,
        wake: impl Fn() + Send + 'static,
    ) -> LoadJob {
        let handle = start_load(paths, options);
        let shared = Arc::new(Mutex::new(Appended {
            report,
            ..Appended::default()
        }));
        let rx = handle.receiver.clone();
        let state = shared.clone();
        let appender = std::thread::Builder::new()
            .name("trailview-append".into())
            .spawn(move || {
                append_all(&rx, &store, &state);
                lock(&state).finished = true;
                wake();
            });
        let appender = match appender {
            Ok(h) => Some(h),
            Err(e) => {
                // No thread: nothing will be appended; say so and finish.
                let mut s = lock(&shared);
                s.report.problems.push(trailview_core::ingest::Problem {
                    path: PathBuf::from("(load)"),
                    reason: format!("cannot start the thread that stores events: {e}"),
                });
                s.finished = true;
                None
            }
        };
        LoadJob {
            handle,
            shared,
            appender,
            started: Instant::now(),
        }
    }

    /// What the appender has done so far.
    pub fn appended(&self) -> MutexGuard<'_, Appended> {
        lock(&self.shared)
    }

    /// Asks the loader to stop; what it already read still goes in.
    pub fn cancel(&self) {
        self.handle.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.handle.is_cancelled()
    }

    /// Stops the load and its appends. Once this returns nothing more of
    /// this load reaches the store (an append under way has finished).
    pub fn abandon(&self) {
        self.handle.cancel();
        lock(&self.shared).abandoned = true;
    }

    /// Waits until every batch the loader sends is in the store (the
    /// command line).
    pub fn wait(&mut self) {
        if let Some(h) = self.appender.take() {
            let _ = h.join();
        }
    }
}

fn lock(m: &Mutex<Appended>) -> MutexGuard<'_, Appended> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Takes the loader's messages until it finishes, appending each batch.
/// The shared state is locked for one message at a time, so the session
/// reads the progress between two appends and an abandon waits for at most
/// one append.
fn append_all(
    rx: &crossbeam_channel::Receiver<LoadMessage>,
    store: &SharedStore,
    shared: &Mutex<Appended>,
) {
    for m in rx.iter() {
        let mut s = lock(shared);
        if s.abandoned {
            return;
        }
        match m {
            LoadMessage::Batch(b) => {
                let started = Instant::now();
                let mut st = store.write().unwrap_or_else(|e| e.into_inner());
                s.report.append_batch(&mut st, b);
                drop(st);
                s.append_time += started.elapsed();
            }
            LoadMessage::File(f) => s.report.record_file(&f),
            LoadMessage::Progress(p) => s.progress = Some(p),
            LoadMessage::Finished => return,
        }
    }
}
