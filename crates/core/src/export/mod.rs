//! Evidence export: the selected events, in the given order, as JSON
//! (`{"Records":[...]}` with each event's original bytes unchanged),
//! NDJSON or CSV. Every export is written to a temporary file in the
//! target folder and renamed into place when complete ([`atomic`]), and
//! is refused inside the folders being read and beside the files being
//! read.
//!
//! The evidence manifest (`<name>.manifest.json`, `manifest.rs`) is
//! written either by the caller after [`export`] returns, from the
//! [`ExportSummary`] (path, event count, size, SHA-256), or together with
//! the export: [`export_pending`] writes and syncs the export under its
//! temporary name, [`manifest::write_with_export`] writes and syncs the
//! manifest the same way, then renames the export and at once the
//! manifest, so an export never appears long without its manifest.
//!
//! Every export first removes the temporary files an earlier, killed
//! Trailview left in the target folder (see
//! [`crate::atomic_write::remove_stale_temp_files`]) and reports how many.

pub mod atomic;
pub mod csv;
pub mod json;
pub mod manifest;
pub mod manifest_detections;
pub mod ndjson;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::model::{Column, ColumnSpec, EventIdx};
use crate::query::{Annotations, NoAnnotations};
use crate::store::Store;
use crate::store::raw::RawError;
use atomic::{AtomicFile, Finished, check_outside_inputs};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ExportFormat {
    #[default]
    Json,
    Ndjson,
    Csv,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] =
        [ExportFormat::Json, ExportFormat::Ndjson, ExportFormat::Csv];

    /// The format a file name asks for: `.json`, `.ndjson`/`.jsonl`, `.csv`.
    pub fn from_extension(path: &Path) -> Option<ExportFormat> {
        let ext = path.extension()?.to_str()?;
        ext.parse().ok()
    }

    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Ndjson => "ndjson",
            ExportFormat::Csv => "csv",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        self.name()
    }

    /// What the format keeps, for a person choosing one.
    pub fn describe(self) -> &'static str {
        match self {
            ExportFormat::Json => "JSON (CloudTrail Records, original bytes)",
            ExportFormat::Ndjson => "NDJSON (one event per line, original bytes)",
            ExportFormat::Csv => "CSV (table columns)",
        }
    }
}

impl FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<ExportFormat, String> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(ExportFormat::Json),
            "ndjson" | "jsonl" => Ok(ExportFormat::Ndjson),
            "csv" => Ok(ExportFormat::Csv),
            other => Err(format!(
                "unknown export format \"{other}\" (expected json, ndjson or csv)"
            )),
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What to export and where.
#[derive(Debug, Clone)]
pub struct ExportRequest<'a> {
    /// Events to write, in this order.
    pub rows: &'a [EventIdx],
    pub format: ExportFormat,
    /// CSV columns (empty: [`default_columns`]); ignored for JSON/NDJSON.
    pub columns: Vec<ColumnSpec>,
    pub out: PathBuf,
    /// The loaded input files and folders: the output may not be inside them.
    pub protected_inputs: Vec<PathBuf>,
}

/// The CSV columns used when none are given: the default table columns
/// and the event ID.
pub fn default_columns() -> Vec<ColumnSpec> {
    Column::DEFAULT_TABLE
        .iter()
        .copied()
        .chain([Column::EventId])
        .map(ColumnSpec::Column)
        .collect()
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub events: usize,
    pub bytes: u64,
    pub path: PathBuf,
    pub format: ExportFormat,
    /// SHA-256 of the written file, lower-case hex.
    pub sha256: String,
    /// Temporary files left in the target folder by an earlier export
    /// that was killed, removed before this one was written.
    pub stale_temp_files_removed: usize,
}

/// Why an export did not happen. Nothing is left at the target.
#[derive(Debug)]
pub enum ExportError {
    /// The output would be inside an input folder (or be an input file).
    InsideInput {
        out: PathBuf,
        input: PathBuf,
    },
    /// The folder to write into does not exist.
    NoFolder(PathBuf),
    Io {
        path: PathBuf,
        source: io::Error,
    },
    Cancelled,
    /// An event's original bytes cannot be read back: the export stops
    /// and leaves no file, never writing evidence with a hole in it.
    Unreadable(RawError),
}

impl ExportError {
    pub(crate) fn io(path: &Path, source: io::Error) -> ExportError {
        ExportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::InsideInput { out, input } if input.is_file() => write!(
                f,
                "refusing to write {}: it is beside {}, in the folder of a file being read (Trailview never writes where it reads)",
                out.display(),
                input.display()
            ),
            ExportError::InsideInput { out, input } => write!(
                f,
                "refusing to write {}: it is inside {}, which is being read (Trailview never writes where it reads)",
                out.display(),
                input.display()
            ),
            ExportError::NoFolder(dir) => {
                write!(
                    f,
                    "cannot write there: folder {} does not exist",
                    dir.display()
                )
            }
            ExportError::Io { path, source } => {
                write!(f, "cannot write {}: {source}", path.display())
            }
            ExportError::Cancelled => f.write_str("export cancelled"),
            ExportError::Unreadable(e) => write!(f, "nothing written: {e}"),
        }
    }
}

impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExportError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Progress of a running export, shared with a UI: events written so far
/// and a cancel switch (checked before every event).
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicUsize,
    cancel: AtomicBool,
}

impl Progress {
    pub fn done(&self) -> usize {
        self.done.load(Ordering::Relaxed)
    }

    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Counts one event; fails when cancelled.
    pub(crate) fn step(&self) -> io::Result<()> {
        if self.is_cancelled() {
            return Err(io::Error::other("export cancelled"));
        }
        self.done.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Writes the export. See [`export_with_progress`].
pub fn export(store: &Store, req: &ExportRequest<'_>) -> Result<ExportSummary, ExportError> {
    export_with_progress(store, req, &Progress::default())
}

/// Writes the export atomically, reporting progress and honouring cancel.
/// Rows that are not in the store are skipped.
pub fn export_with_progress(
    store: &Store,
    req: &ExportRequest<'_>,
    progress: &Progress,
) -> Result<ExportSummary, ExportError> {
    export_annotated(store, req, progress, &NoAnnotations)
}

/// Like [`export_with_progress`]; CSV annotation columns (`tags`, `note`,
/// `starred`, `integrity`) are read from `ann`.
pub fn export_annotated(
    store: &Store,
    req: &ExportRequest<'_>,
    progress: &Progress,
    ann: &dyn Annotations,
) -> Result<ExportSummary, ExportError> {
    export_pending(store, req, progress, ann)?.commit()
}

/// An export written and synced under its temporary name, not yet in
/// place: [`PendingExport::commit`] renames it; dropping it removes it.
pub struct PendingExport {
    file: Finished,
    summary: ExportSummary,
}

impl PendingExport {
    /// What the export will be once committed.
    pub fn summary(&self) -> &ExportSummary {
        &self.summary
    }

    /// Renames the export into place.
    pub fn commit(self) -> Result<ExportSummary, ExportError> {
        self.file.commit()?;
        Ok(self.summary)
    }
}

/// Writes the export to a temporary file in the target folder and syncs
/// it, without renaming it into place (see [`PendingExport`]).
pub fn export_pending(
    store: &Store,
    req: &ExportRequest<'_>,
    progress: &Progress,
    ann: &dyn Annotations,
) -> Result<PendingExport, ExportError> {
    check_outside_inputs(&req.out, &req.protected_inputs)?;
    let valid;
    let rows: &[EventIdx] = if req.rows.iter().all(|&i| (i as usize) < store.len()) {
        req.rows
    } else {
        valid = req
            .rows
            .iter()
            .copied()
            .filter(|&i| (i as usize) < store.len())
            .collect::<Vec<_>>();
        &valid
    };
    let folder = crate::atomic_write::folder_of(&req.out);
    let stale_temp_files_removed = if folder.is_dir() {
        crate::atomic_write::remove_stale_temp_files(&folder)
    } else {
        0
    };
    let mut file = AtomicFile::create(&req.out)?;
    let written = match req.format {
        ExportFormat::Json => json::write(store, rows, &mut file, progress),
        ExportFormat::Ndjson => ndjson::write(store, rows, &mut file, progress),
        ExportFormat::Csv => {
            let columns = if req.columns.is_empty() {
                default_columns()
            } else {
                req.columns.clone()
            };
            csv::write(store, rows, &columns, &mut file, progress, ann)
        }
    };
    if progress.is_cancelled() {
        return Err(ExportError::Cancelled);
    }
    written.map_err(
        |e| match e.get_ref().and_then(|r| r.downcast_ref::<RawError>()) {
            Some(raw) => ExportError::Unreadable(raw.clone()),
            None => ExportError::io(&req.out, e),
        },
    )?;
    let file = file.finish()?;
    let summary = ExportSummary {
        events: rows.len(),
        bytes: file.bytes,
        path: req.out.clone(),
        format: req.format,
        sha256: file.sha256.clone(),
        stale_temp_files_removed,
    };
    Ok(PendingExport { file, summary })
}

#[cfg(test)]
mod tests;
