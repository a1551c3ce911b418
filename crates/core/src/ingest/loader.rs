//! Runs a load on a background thread and streams its results.
//!
//! The loader walks the inputs, then worker threads (one per core, as many
//! as rayon's pool has) take files in sorted order and read each into a
//! [`Batch`]. A coordinator hands batches, file outcomes and progress to
//! the consumer in file order, so that loads are deterministic (the same
//! copy of a duplicated event is kept every time) while the consumer
//! already shows the first files. The channels are bounded: workers cannot
//! run far ahead of a slow consumer, which keeps peak memory low. A load
//! can be cancelled between files.
//!
//! The memory of a load is bounded by [`crate::ingest::budget`]: once the
//! budget is spent, the file being read stops there (with a problem), and
//! later files are not read; they are reported together in one problem.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

use crossbeam_channel::{Receiver, Sender, bounded};

use crate::ingest::budget::LoadBudget;
use crate::ingest::file::read_file_in;
use crate::ingest::options::LoadOptions;
use crate::ingest::report::{FileOutcome, LoadReport, Problem};
use crate::ingest::walk::{Entry, Role, walk};
use crate::model::FileKind;
use crate::store::Store;
use crate::store::batch::Batch;

/// Messages buffered between the loader and its consumer.
const CHANNEL_CAPACITY: usize = 64;

/// How far a load has come.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub files_done: usize,
    pub files_total: usize,
    /// Bytes on disk of the files read so far, and of all files to read.
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// Events read so far (before duplicates are dropped).
    pub events: usize,
}

/// What a running load sends, in this order per file: its `Batch` (when it
/// had events), its `File` outcome, then `Progress`. `Finished` comes last.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "a batch is moved once per file through a short channel; boxing buys nothing"
)]
pub enum LoadMessage {
    Batch(Batch),
    File(FileOutcome),
    Progress(Progress),
    Finished,
}

/// A load running in the background.
pub struct LoadHandle {
    pub receiver: Receiver<LoadMessage>,
    cancel: Arc<AtomicBool>,
}

impl LoadHandle {
    /// Asks the load to stop after the files being read now.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Starts loading `paths` (files and folders) on a background thread and
/// returns at once.
pub fn start_load(paths: Vec<PathBuf>, options: LoadOptions) -> LoadHandle {
    let (tx, rx) = bounded(CHANNEL_CAPACITY);
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&cancel);
    let fallback = tx.clone();
    let spawned = thread::Builder::new()
        .name("trailview-load".to_owned())
        .spawn(move || run_load(&paths, &options, &tx, &flag));
    if spawned.is_err() {
        // No thread: finish at once rather than leave the consumer waiting.
        let _ = fallback.send(LoadMessage::Finished);
    }
    LoadHandle {
        receiver: rx,
        cancel,
    }
}

/// Loads `paths` into `store` and returns the report (blocking; used by the
/// command line, tests and benchmarks).
pub fn load_paths(paths: &[PathBuf], options: &LoadOptions, store: &mut Store) -> LoadReport {
    let handle = start_load(paths.to_vec(), options.clone());
    collect(&handle, store)
}

/// Receives every message of a load into `store` until it finishes.
pub fn collect(handle: &LoadHandle, store: &mut Store) -> LoadReport {
    let mut report = LoadReport::default();
    for msg in handle.receiver.iter() {
        if report.apply_message(msg, store) {
            break;
        }
    }
    report.cancelled = handle.is_cancelled();
    report
}

impl LoadReport {
    /// Applies one message of a load: appends a batch to the store, counts
    /// a file. Returns true on `Finished`.
    pub fn apply_message(&mut self, msg: LoadMessage, store: &mut Store) -> bool {
        match msg {
            LoadMessage::Batch(batch) => {
                self.append_batch(store, batch);
            }
            LoadMessage::File(outcome) => self.record_file(&outcome),
            LoadMessage::Progress(_) => {}
            LoadMessage::Finished => return true,
        }
        false
    }
}

type Done = (usize, Option<Batch>, FileOutcome);

fn run_load(
    paths: &[PathBuf],
    options: &LoadOptions,
    tx: &Sender<LoadMessage>,
    cancel: &AtomicBool,
) {
    let entries = walk(paths);
    let mut progress = Progress {
        files_total: entries.len(),
        bytes_total: entries
            .iter()
            .filter(|e| e.role == Role::Input)
            .map(|e| e.size)
            .sum(),
        ..Progress::default()
    };
    let budget = LoadBudget::new(options.max_memory_bytes);
    if tx.send(LoadMessage::Progress(progress)).is_ok() {
        let workers = rayon::current_num_threads().clamp(1, entries.len().max(1));
        let (done_tx, done_rx) = bounded::<Done>(workers * 2);
        let next = AtomicUsize::new(0);
        thread::scope(|s| {
            let mut handles = Vec::with_capacity(workers);
            for n in 0..workers {
                let done_tx = done_tx.clone();
                let (entries, next, budget) = (&entries, &next, &budget);
                let worker = thread::Builder::new()
                    .name(format!("trailview-ingest-{n}"))
                    .spawn_scoped(s, move || {
                        work(entries, next, options, budget, &done_tx, cancel);
                    });
                handles.extend(worker.ok());
            }
            drop(done_tx);
            if !handles.is_empty() {
                forward_in_order(done_rx, tx, cancel, &mut progress);
                // Joined, not only waited for by the scope: a join returns
                // once the thread has fully exited (its thread-locals
                // freed), so nothing of it is alive after the load (the
                // fuzzer's leak check saw the scope's early return).
                for h in handles {
                    let _ = h.join();
                }
            } else {
                // No worker thread could start: read the files here.
                let inline = entries
                    .iter()
                    .enumerate()
                    .take_while(|_| !cancel.load(Ordering::Relaxed))
                    .map(|(i, e)| {
                        let (batch, outcome) = read_or_skip(e, options, &budget);
                        (i, batch, outcome)
                    });
                forward_in_order(inline, tx, cancel, &mut progress);
            }
        });
    }
    let _ = tx.send(LoadMessage::Finished);
}

/// The problem of a file not read because the budget was already spent
/// (collapsed into one problem by [`forward_in_order`]).
const NOT_READ: &str = "not read: the memory budget of the load was exceeded";

/// True for the problem of a file whose reading stopped for memory (see
/// `ingest::file`).
fn is_stop_reason(reason: &str) -> bool {
    reason.starts_with("memory budget exceeded after ")
        || reason.starts_with("out of memory after ")
}

/// Reads one file, unless the load's memory budget is already spent.
fn read_or_skip(
    entry: &Entry,
    options: &LoadOptions,
    budget: &Arc<LoadBudget>,
) -> (Option<Batch>, FileOutcome) {
    if budget.is_exceeded() {
        let outcome = FileOutcome {
            path: entry.path.clone(),
            kind: FileKind::Other,
            events: 0,
            bytes: 0,
            problems: vec![Problem::new(&entry.path, NOT_READ)],
        };
        return (None, outcome);
    }
    read_file_in(entry, options, budget)
}

/// A worker: takes the next file in order until none are left.
fn work(
    entries: &[Entry],
    next: &AtomicUsize,
    options: &LoadOptions,
    budget: &Arc<LoadBudget>,
    done: &Sender<Done>,
    cancel: &AtomicBool,
) {
    while !cancel.load(Ordering::Relaxed) {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(entry) = entries.get(i) else { return };
        let (batch, outcome) = read_or_skip(entry, options, budget);
        if done.send((i, batch, outcome)).is_err() {
            return;
        }
    }
}

/// Hands results to the consumer in file order. When the consumer has gone
/// away the load is cancelled (results still drain so workers never block).
fn forward_in_order(
    done: impl IntoIterator<Item = Done>,
    tx: &Sender<LoadMessage>,
    cancel: &AtomicBool,
    progress: &mut Progress,
) {
    let mut pending: BTreeMap<usize, (Option<Batch>, FileOutcome)> = BTreeMap::new();
    let mut next = 0;
    let send = |batch: Option<Batch>, outcome: FileOutcome, progress: &mut Progress| {
        progress.files_done += 1;
        progress.bytes_done += outcome.bytes;
        progress.events += outcome.events;
        let mut ok = true;
        if let Some(b) = batch {
            ok &= tx.send(LoadMessage::Batch(b)).is_ok();
        }
        ok &= tx.send(LoadMessage::File(outcome)).is_ok();
        ok &= tx.send(LoadMessage::Progress(*progress)).is_ok();
        if !ok {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    // Files not read for the budget: all but the last go out without
    // their problem; the last one carries one problem for all of them.
    // Files after the one where the budget ran out are not kept even when
    // a worker read them first, so the result does not depend on timing.
    let mut not_read: Option<(FileOutcome, usize)> = None;
    let mut budget_spent = false;
    let mut emit = |batch: Option<Batch>, mut outcome: FileOutcome, progress: &mut Progress| {
        let skipped =
            budget_spent || outcome.problems.len() == 1 && outcome.problems[0].reason == NOT_READ;
        if !skipped {
            budget_spent = outcome.problems.iter().any(|p| is_stop_reason(&p.reason));
            return send(batch, outcome, progress);
        }
        drop(batch);
        outcome.problems.clear();
        outcome.kind = FileKind::Other;
        outcome.events = 0;
        outcome.bytes = 0;
        let count = match not_read.take() {
            Some((held, n)) => {
                send(None, held, progress);
                n + 1
            }
            None => 1,
        };
        not_read = Some((outcome, count));
    };
    for (i, batch, outcome) in done {
        pending.insert(i, (batch, outcome));
        while let Some((batch, outcome)) = pending.remove(&next) {
            emit(batch, outcome, progress);
            next += 1;
        }
    }
    // Cancelled: files skipped leave gaps; hand over what was read.
    for (_, (batch, outcome)) in std::mem::take(&mut pending) {
        emit(batch, outcome, progress);
    }
    if let Some((mut last, count)) = not_read {
        let reason = if count == 1 {
            NOT_READ.to_owned()
        } else {
            format!(
                "not read, with the {} files before it: the memory budget of the load was exceeded",
                count - 1
            )
        };
        last.problems.push(Problem::new(&last.path, reason));
        send(None, last, progress);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn corpus_like_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..20 {
            let text = format!(
                "{{\"Records\":[{{\"eventID\":\"id-{i}\",\"eventName\":\"E{i}\",\"eventTime\":\"2024-01-01T00:00:{:02}Z\"}}]}}",
                i
            );
            std::fs::write(dir.path().join(format!("f{i:02}.json")), text).expect("write");
        }
        std::fs::write(dir.path().join("README.md"), "hi").expect("write");
        std::fs::write(dir.path().join("bad.json"), "{").expect("write");
        dir
    }

    #[test]
    fn streams_in_file_order_with_progress() {
        let dir = corpus_like_dir();
        let handle = start_load(vec![dir.path().to_path_buf()], LoadOptions::default());
        let mut files = Vec::new();
        let mut last = Progress::default();
        let mut finished = false;
        for msg in handle.receiver.iter() {
            match msg {
                LoadMessage::File(f) => files.push(f),
                LoadMessage::Progress(p) => last = p,
                LoadMessage::Finished => {
                    finished = true;
                    break;
                }
                LoadMessage::Batch(_) => {}
            }
        }
        assert!(finished);
        let names: Vec<String> = files
            .iter()
            .map(|f| {
                f.path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert_eq!(last.files_done, 22);
        assert_eq!(last.files_total, 22);
        assert_eq!(last.events, 20);
        assert_eq!(last.bytes_done, last.bytes_total);
    }

    #[test]
    fn load_paths_reports_everything() {
        let dir = corpus_like_dir();
        let mut store = Store::new();
        let report = load_paths(
            &[dir.path().to_path_buf()],
            &LoadOptions::default(),
            &mut store,
        );
        assert_eq!(store.len(), 20);
        assert_eq!(report.events, 20);
        assert_eq!(report.files.log, 20);
        assert_eq!(report.files.other, 2);
        assert_eq!(report.problems.len(), 1);
        assert!(report.problems[0].path.ends_with("bad.json"));
        assert_eq!(report.log_files.len(), 20);
        assert!(!report.cancelled);
        // Load order is file order.
        assert_eq!(store.value(crate::model::Column::EventName, 0), "E0");
        assert_eq!(store.value(crate::model::Column::EventName, 19), "E19");
        assert_eq!(
            report.first_time,
            crate::timefmt::parse_millis("2024-01-01T00:00:00Z")
        );
    }

    #[test]
    fn cancel_stops_and_finishes() {
        let dir = corpus_like_dir();
        let handle = start_load(vec![dir.path().to_path_buf()], LoadOptions::default());
        handle.cancel();
        let mut store = Store::new();
        let report = collect(&handle, &mut store);
        assert!(report.cancelled);
        assert!(report.files.total() <= 22);
    }
}
