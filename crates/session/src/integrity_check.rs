//! The integrity check of the loaded data as a background job. It hashes
//! every log file, so it never runs on the UI thread: [`IntegrityChecks`]
//! starts a worker after each load (and after public keys are chosen),
//! keeps the public keys for the session, and hands the report and its
//! per-file index to the session when the worker is done.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use crate::view_jobs::{SharedStore, read_store};
use trailview_core::case::IntegrityIndex;
use trailview_core::ingest::LoadReport;
use trailview_core::integrity::{self, InputFiles, IntegrityReport, PublicKeys};

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

/// What a finished check changes in the session.
pub struct CheckResult {
    /// The report and per-file index; `None` when no digest was loaded.
    pub report: Option<(Arc<IntegrityReport>, Arc<IntegrityIndex>)>,
    /// Why a public keys file just chosen could not be used.
    pub keys_error: Option<String>,
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

    /// Checks the files of `report` (every load since "Close all") with
    /// the session's keys, or first reads `new_keys` (falling back to the
    /// session's keys when that file is not usable). Returns false when
    /// there is nothing to check (no digest and no new keys).
    pub fn start(
        &mut self,
        store: &SharedStore,
        report: &LoadReport,
        new_keys: Option<PathBuf>,
        wake: impl Fn() + Send + 'static,
    ) -> bool {
        if report.digests.is_empty() && new_keys.is_none() {
            return false;
        }
        let report = report.clone();
        let store = store.clone();
        let keys = self.keys.clone();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let outcome = run(&store, &report, keys, new_keys);
            let _ = tx.send(outcome);
            wake();
        });
        self.running = Some(rx);
        true
    }

    /// Takes the worker's result, if it is done; `Err` when the worker
    /// died.
    pub fn poll(&mut self) -> Option<Result<CheckResult, String>> {
        let rx = self.running.as_ref()?;
        let outcome = match rx.try_recv() {
            Ok(o) => o,
            Err(std::sync::mpsc::TryRecvError::Empty) => return None,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.running = None;
                return Some(Err("The integrity check stopped unexpectedly".into()));
            }
        };
        Some(Ok(self.finish(outcome)))
    }

    /// Waits for the running worker, if any (the command line).
    pub fn wait(&mut self) -> Option<Result<CheckResult, String>> {
        let rx = self.running.as_ref()?;
        match rx.recv() {
            Ok(o) => Some(Ok(self.finish(o))),
            Err(_) => {
                self.running = None;
                Some(Err("The integrity check stopped unexpectedly".into()))
            }
        }
    }

    fn finish(&mut self, outcome: Outcome) -> CheckResult {
        self.running = None;
        match outcome.new_keys {
            Some(Ok(k)) => {
                self.keys = Some(k);
                self.keys_error = None;
            }
            Some(Err(e)) => self.keys_error = Some(e),
            None => {}
        }
        CheckResult {
            report: outcome.report,
            keys_error: self.keys_error.clone(),
        }
    }
}

/// `trailview verify`: checks the digests and log files under `paths`
/// without loading their events, with the same walk (the loader's) and the
/// same checks as the check after a load, so the command line and the app
/// agree on every file.
pub fn verify_paths(
    paths: &[PathBuf],
    public_keys: Option<&std::path::Path>,
) -> Result<IntegrityReport, integrity::IntegrityError> {
    integrity::verify(paths, public_keys)
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
    fn without_digests_nothing_runs() {
        let store = SharedStore::default();
        let mut checks = IntegrityChecks::default();
        assert!(!checks.start(&store, &LoadReport::default(), None, || {}));
        assert!(!checks.busy());
        assert!(checks.poll().is_none());
    }

    #[test]
    fn a_bad_keys_file_is_reported_and_the_old_keys_stay() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bad = dir.path().join("keys.json");
        std::fs::write(&bad, b"{\"nope\":1}").expect("write");
        let store = SharedStore::default();
        let mut checks = IntegrityChecks::default();
        assert!(checks.start(&store, &LoadReport::default(), Some(bad), || {}));
        let result = checks.wait().expect("ran").expect("finished");
        assert!(result.report.is_none());
        let e = result.keys_error.expect("error");
        assert!(e.contains("PublicKeyList"), "{e}");
        assert!(checks.keys.is_none());
    }
}
