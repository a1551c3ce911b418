//! Adapter between the GUI and the export engine ([`crate::export`]):
//! writes the events, then the evidence manifest next to the file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::case::{EventAnnotations, IntegrityIndex};
use crate::export::manifest::{self, ManifestInput};
use crate::export::{self, ExportFormat, ExportRequest};
use crate::integrity::IntegrityReport;
use crate::model::{ColumnSpec, EventIdx};
use crate::store::Store;
use crate::store::sort::Order;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Json,
    Ndjson,
    Csv,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Json, Format::Ndjson, Format::Csv];

    pub fn label(self) -> &'static str {
        match self {
            Format::Json => "JSON (CloudTrail Records, original bytes)",
            Format::Ndjson => "NDJSON (one event per line, original bytes)",
            Format::Csv => "CSV (table columns)",
        }
    }

    pub fn extension(self) -> &'static str {
        self.engine().extension()
    }

    fn engine(self) -> ExportFormat {
        match self {
            Format::Json => ExportFormat::Json,
            Format::Ndjson => ExportFormat::Ndjson,
            Format::Csv => ExportFormat::Csv,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub events: usize,
    pub bytes: u64,
    pub path: PathBuf,
    pub manifest: Option<PathBuf>,
    /// Set when the events were written but the manifest was not.
    pub manifest_error: Option<String>,
}

/// Everything an export needs besides the store.
pub struct Job {
    pub rows: Vec<EventIdx>,
    pub format: Format,
    pub columns: Vec<ColumnSpec>,
    pub out: PathBuf,
    pub protected: Vec<PathBuf>,
    pub query: String,
    pub sort: (ColumnSpec, Order),
    /// The last integrity check, for the manifest, and its per-file index
    /// for the `integrity` CSV column.
    pub integrity: Option<Arc<IntegrityReport>>,
    pub integrity_index: Option<Arc<IntegrityIndex>>,
}

/// Writes the events of `job`, then `<out>.manifest.json`.
pub fn write(store: &Store, job: &Job) -> Result<Written, String> {
    let annotations = EventAnnotations::new(store, None, job.integrity_index.as_deref());
    let summary = export::export_annotated(
        store,
        &ExportRequest {
            rows: &job.rows,
            format: job.format.engine(),
            columns: job.columns.clone(),
            out: job.out.clone(),
            protected_inputs: job.protected.clone(),
        },
        &export::Progress::default(),
        &annotations,
    )
    .map_err(|e| e.to_string())?;
    let manifest = manifest::write(&ManifestInput {
        exported_file: &summary.path,
        format: job.format.engine().name(),
        query: &job.query,
        sort: Some((&job.sort.0, job.sort.1)),
        columns: &job.columns,
        rows: &job.rows,
        store,
        integrity: job.integrity.as_deref(),
        case: None,
    });
    let (manifest, manifest_error) = match manifest {
        Ok(p) => (Some(p), None),
        Err(e) => (None, Some(e.to_string())),
    };
    Ok(Written {
        events: summary.events,
        bytes: summary.bytes,
        path: summary.path,
        manifest,
        manifest_error,
    })
}

/// The manifest path the engine uses for `exported`.
pub fn manifest_path(exported: &Path) -> PathBuf {
    manifest::manifest_path(exported)
}
