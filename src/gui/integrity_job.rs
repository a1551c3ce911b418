//! The integrity check of the loaded data as a background job. It hashes
//! every log file, so it never runs on the UI thread: [`IntegrityChecks`]
//! starts a worker after each load (and after public keys are chosen),
//! keeps the public keys for the session, and hands the report and its
//! per-file index to the [`AppState`] when the worker is done.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use super::jobs::{SharedStore, read_store};
use super::state::AppState;
use crate::case::IntegrityIndex;
use crate::ingest::LoadReport;
use crate::integrity::{self, InputFiles, IntegrityReport, PublicKeys};

/// Public keys the user chose, with the file they came from.
#[derive(Clone)]
pub struct LoadedKeys {
    pub path: PathBuf,
    pub keys: Arc<PublicKeys>,
}

/// What one worker found.
struct Outcome {
    /// `None` when no digest was loaded.
    report: Option<(Arc<IntegrityReport>, Arc<IntegrityIndex>)>,
    /// Keys newly read from a file, or why the file could not be used.
    new_keys: Option<Result<LoadedKeys, String>>,
}

/// The integrity checks of this session: the running worker, if any, and
/// the public keys (kept across "Close all").
#[derive(Default)]
pub struct IntegrityChecks {
    running: Option<Receiver<Outcome>>,
    pub keys: Option<LoadedKeys>,
    /// Why the last public keys file chosen could not be used.
    pub keys_error: Option<String>,
}

impl IntegrityChecks {
    /// True while a worker runs.
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Forgets a running worker (its result would describe other data).
    pub fn cancel(&mut self) {
        self.running = None;
    }

    /// Checks everything `state` has loaded, with the session's keys, or
    /// first reads `new_keys` (falling back to the session's keys when
    /// that file is not usable).
    pub fn start(
        &mut self,
        state: &mut AppState,
        new_keys: Option<PathBuf>,
        wake: impl Fn() + Send + 'static,
    ) {
        let report = state.report.report.clone();
        if report.digests.is_empty() && new_keys.is_none() {
            state.integrity = None;
            state.integrity_index = None;
            return;
        }
        let store = state.store.clone();
        let keys = self.keys.clone();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let outcome = run(&store, &report, keys, new_keys);
            let _ = tx.send(outcome);
            wake();
        });
        self.running = Some(rx);
        state.info("Checking integrity…");
    }

    /// Takes the worker's result, if it is done. Returns true when the
    /// state changed (the view must be recomputed).
    pub fn poll(&mut self, state: &mut AppState) -> bool {
        let Some(rx) = &self.running else {
            return false;
        };
        let outcome = match rx.try_recv() {
            Ok(o) => o,
            Err(std::sync::mpsc::TryRecvError::Empty) => return false,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.running = None;
                state.error("The integrity check stopped unexpectedly");
                return false;
            }
        };
        self.running = None;
        match outcome.new_keys {
            Some(Ok(k)) => {
                self.keys = Some(k);
                self.keys_error = None;
            }
            Some(Err(e)) => self.keys_error = Some(e),
            None => {}
        }
        match outcome.report {
            Some((report, index)) => {
                state.info(format!("Integrity: {}", report.summary_line()));
                state.integrity = Some(report);
                state.integrity_index = Some(index);
            }
            None => {
                state.integrity = None;
                state.integrity_index = None;
                if let Some(e) = &self.keys_error {
                    state.error(e.clone());
                }
            }
        }
        true
    }
}

/// The worker: reads new keys, checks the files the loads found, and maps
/// each store file to its status.
fn run(
    store: &SharedStore,
    report: &LoadReport,
    keys: Option<LoadedKeys>,
    new_keys: Option<PathBuf>,
) -> Outcome {
    let new_keys = new_keys.map(|path| {
        PublicKeys::load(&path).map(|k| LoadedKeys {
            path,
            keys: Arc::new(k),
        })
    });
    let keys = match &new_keys {
        Some(Ok(k)) => Some(k.clone()),
        _ => keys,
    };
    let checked = (!report.digests.is_empty()).then(|| {
        let r = integrity::verify_files(&inputs(report), keys.as_ref().map(|k| &*k.keys));
        let index = IntegrityIndex::new(&read_store(store), &r);
        (Arc::new(r), Arc::new(index))
    });
    Outcome {
        report: checked,
        new_keys,
    }
}

/// The files every load since "Close all" found, sorted and without
/// repeats (the same folder may be opened twice).
fn inputs(report: &LoadReport) -> InputFiles {
    let mut files = InputFiles::from(report);
    for list in [&mut files.digests, &mut files.logs] {
        list.sort();
        list.dedup();
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_sorted_and_deduplicated_across_loads() {
        let report = LoadReport {
            digests: vec!["b/d2".into(), "a/d1".into(), "b/d2".into()],
            log_files: vec!["z.json".into(), "a.json".into(), "z.json".into()],
            ..LoadReport::default()
        };
        let files = inputs(&report);
        assert_eq!(files.digests, [PathBuf::from("a/d1"), "b/d2".into()]);
        assert_eq!(files.logs, [PathBuf::from("a.json"), "z.json".into()]);
    }

    #[test]
    fn without_digests_nothing_runs_and_old_results_are_dropped() {
        let mut state = AppState {
            integrity: Some(Arc::new(IntegrityReport::default())),
            ..AppState::default()
        };
        let mut checks = IntegrityChecks::default();
        checks.start(&mut state, None, || {});
        assert!(!checks.busy());
        assert!(state.integrity.is_none());
    }

    #[test]
    fn a_bad_keys_file_is_reported_and_the_old_keys_stay() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bad = dir.path().join("keys.json");
        std::fs::write(&bad, b"{\"nope\":1}").expect("write");
        let mut state = AppState::default();
        let mut checks = IntegrityChecks::default();
        checks.start(&mut state, Some(bad), || {});
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !checks.poll(&mut state) {
            assert!(std::time::Instant::now() < deadline, "check did not finish");
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let e = checks.keys_error.as_deref().expect("error");
        assert!(e.contains("PublicKeyList"), "{e}");
        assert!(checks.keys.is_none());
        assert!(state.status.as_ref().is_some_and(|s| s.is_error));
    }
}
