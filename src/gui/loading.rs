//! Adapter between the GUI and the ingest engine: starts a background load
//! of files and folders and turns what it reports into [`LoadEvent`]s the
//! UI drains each frame. Nothing here draws.
//!
//! This is a thin stand-in until `crate::ingest::start_load` lands: it walks
//! folders, reads `{"Records":[...]}` / array files (optionally gzipped) on a
//! worker thread and builds one [`Batch`] per file.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::model::FileKind;
use crate::store::batch::{Batch, BatchBuilder};

/// Running totals of a load.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LoadProgress {
    pub files_done: usize,
    pub files_total: usize,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub events: u64,
}

/// What happened to one input file.
#[derive(Debug, Clone, PartialEq)]
pub struct FileResult {
    pub path: PathBuf,
    pub kind: FileKind,
    pub events: usize,
    /// Why the file (or some of its records) could not be read.
    pub problems: Vec<String>,
}

/// One message from the loader.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum LoadEvent {
    Batch(Batch),
    File(FileResult),
    Progress(LoadProgress),
    Finished,
}

/// A load in progress. Dropping it does not stop the worker; call
/// [`LoadJob::cancel`].
pub struct LoadJob {
    pub receiver: Receiver<LoadEvent>,
    cancel: Arc<AtomicBool>,
    pub started: Instant,
}

impl LoadJob {
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// Starts loading `paths` (files or folders) on a worker thread. `wake`
/// is called after each message so the UI repaints.
pub fn start(paths: Vec<PathBuf>, wake: impl Fn() + Send + 'static) -> LoadJob {
    let (tx, rx) = unbounded();
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    std::thread::spawn(move || run(paths, &tx, &flag, &wake));
    LoadJob {
        receiver: rx,
        cancel,
        started: Instant::now(),
    }
}

fn run(paths: Vec<PathBuf>, tx: &Sender<LoadEvent>, cancel: &AtomicBool, wake: &dyn Fn()) {
    let mut files = Vec::new();
    for p in &paths {
        walk(p, &mut files);
    }
    files.sort();
    let mut progress = LoadProgress {
        files_total: files.len(),
        bytes_total: files
            .iter()
            .filter_map(|f| std::fs::metadata(f).ok())
            .map(|m| m.len())
            .sum(),
        ..LoadProgress::default()
    };
    let _ = tx.send(LoadEvent::Progress(progress));
    for file in files {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let (batch, result) = read_file(&file);
        progress.files_done += 1;
        progress.bytes_done += size;
        progress.events += result.events as u64;
        if let Some(b) = batch {
            let _ = tx.send(LoadEvent::Batch(b));
        }
        let _ = tx.send(LoadEvent::File(result));
        let _ = tx.send(LoadEvent::Progress(progress));
        wake();
    }
    let _ = tx.send(LoadEvent::Finished);
    wake();
}

fn walk(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            out.push(path.to_path_buf());
            return;
        };
        for e in entries.flatten() {
            walk(&e.path(), out);
        }
    } else {
        out.push(path.to_path_buf());
    }
}

fn read_file(path: &Path) -> (Option<Batch>, FileResult) {
    let mut result = FileResult {
        path: path.to_path_buf(),
        kind: FileKind::Other,
        events: 0,
        problems: Vec::new(),
    };
    let name = path.to_string_lossy();
    let looks_json = name.ends_with(".json") || name.ends_with(".json.gz") || name.ends_with(".gz");
    if !looks_json {
        return (None, result);
    }
    let text = match read_text(path) {
        Ok(t) => t,
        Err(e) => {
            result.problems.push(e);
            return (None, result);
        }
    };
    if name.contains("CloudTrail-Digest") || text.contains("\"digestStartTime\"") {
        result.kind = FileKind::Digest;
        return (None, result);
    }
    #[derive(serde::Deserialize)]
    struct Records<'a> {
        #[serde(borrow, rename = "Records")]
        records: Vec<&'a serde_json::value::RawValue>,
    }
    let records: Vec<&serde_json::value::RawValue> =
        match serde_json::from_str::<Records<'_>>(&text) {
            Ok(r) => r.records,
            Err(e) => match serde_json::from_str::<Vec<&serde_json::value::RawValue>>(&text) {
                Ok(r) => r,
                Err(_) => {
                    result
                        .problems
                        .push(format!("not a CloudTrail log file: {e}"));
                    return (None, result);
                }
            },
        };
    let mut b = BatchBuilder::new(path.to_path_buf());
    for (i, r) in records.iter().enumerate() {
        if let Err(e) = b.push_raw(r.get(), i as u32) {
            result.problems.push(format!("record {i}: {e}"));
        }
    }
    result.kind = FileKind::Log;
    result.events = b.len();
    (Some(b.finish()), result)
}

fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut s = String::new();
        flate2::read::MultiGzDecoder::new(&bytes[..])
            .read_to_string(&mut s)
            .map_err(|e| format!("bad gzip data: {e}"))?;
        Ok(s)
    } else {
        String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))
    }
}
