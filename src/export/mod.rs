//! Evidence export: the selected events, in the given order, as JSON
//! (`{"Records":[...]}` with each event's original bytes unchanged),
//! NDJSON or CSV. Every export is written to a temporary file in the
//! target folder and renamed into place when complete ([`atomic`]), and
//! is refused inside the folders being read.
//!
//! The evidence manifest (`<name>.manifest.json`, `manifest.rs`, owned by
//! the integrity module) is written by the caller after [`export`]
//! returns, from the [`ExportSummary`] (path, event count, size, SHA-256).

pub mod atomic;
pub mod csv;
pub mod fetch;
pub mod json;
pub mod manifest;
pub mod ndjson;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::model::{Column, ColumnSpec, EventIdx};
use crate::query::{Annotations, NoAnnotations};
use crate::store::Store;
use atomic::{AtomicFile, check_outside_inputs};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
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
    written.map_err(|e| ExportError::io(&req.out, e))?;
    let (bytes, sha256) = file.commit()?;
    Ok(ExportSummary {
        events: rows.len(),
        bytes,
        path: req.out.clone(),
        format: req.format,
        sha256,
    })
}

#[cfg(test)]
mod tests;
