//! Evidence export, for the app and the command line alike: writes the
//! rows of a view with [`trailview_core::export`], then the evidence
//! manifest beside the file (the view's query, sort and columns, the
//! integrity of the sources, the case's marks). The integrity report is
//! the session's, computed once per load, never again for the export.

use std::path::PathBuf;
use std::sync::Arc;

use crate::session::Session;
use crate::view::ViewSpec;
use trailview_core::case::{Case, EventAnnotations, IntegrityIndex};
use trailview_core::export::manifest::{self, ManifestInput};
use trailview_core::export::{self, ExportFormat, ExportRequest};
use trailview_core::integrity::IntegrityReport;
use trailview_core::model::{ColumnSpec, EventIdx};
use trailview_core::sigma::DetectionIndex;
use trailview_core::store::Store;

/// Which events an export writes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ExportScope {
    /// Every filtered event, in the table's order.
    #[default]
    All,
    /// The selected rows, in the table's order.
    Selected,
    /// Exactly the events carrying this tag (filter or not), in the
    /// table's sort order.
    Tagged(String),
    /// Exactly the starred events, in the table's sort order.
    Starred,
}

impl ExportScope {
    /// The rows this scope exports, in the table's sort order.
    pub fn rows(&self, state: &Session) -> Vec<EventIdx> {
        let store = state.read();
        let mut rows = match self {
            ExportScope::All => return state.export_rows(false),
            ExportScope::Selected => return state.export_rows(true),
            ExportScope::Tagged(tag) => state.case().rows_with_tag(&store, tag),
            ExportScope::Starred => state.case().starred_rows(&store),
        };
        let ann = state.annotations(&store);
        trailview_core::query::sort::sort_rows(
            &store,
            &mut rows,
            &state.applied.sort.column,
            state.applied.sort.direction,
            &ann,
        );
        rows
    }

    /// Part of the suggested file name.
    pub fn file_stem(&self) -> String {
        match self {
            ExportScope::All | ExportScope::Selected => "trailview-export".to_owned(),
            ExportScope::Tagged(tag) => format!("trailview-{tag}"),
            ExportScope::Starred => "trailview-starred".to_owned(),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub events: usize,
    pub bytes: u64,
    pub sha256: String,
    pub format: ExportFormat,
    pub path: PathBuf,
    /// The manifest beside it, unless the job asked for none.
    pub manifest: Option<PathBuf>,
    /// Temporary files an interrupted export had left in the folder,
    /// removed before this one was written.
    pub stale_temp_files_removed: usize,
}

/// Everything an export needs besides the store.
#[derive(Clone)]
pub struct ExportJob {
    /// The rows to write, in order.
    pub rows: Vec<EventIdx>,
    pub format: ExportFormat,
    /// The view the rows come from: its query and sort go into the
    /// manifest, its columns into a CSV file.
    pub view: ViewSpec,
    pub out: PathBuf,
    /// Paths the export must never write into (the loaded inputs).
    pub protected: Vec<PathBuf>,
    /// Write `<out>.manifest.json` too.
    pub manifest: bool,
    /// The last integrity check, for the manifest, and its per-file index
    /// for the `integrity` CSV column.
    pub integrity: Option<Arc<IntegrityReport>>,
    pub integrity_index: Option<Arc<IntegrityIndex>>,
    /// Tags and notes for CSV annotation columns and the manifest.
    pub case: Option<Arc<Case>>,
    /// Sigma hits for the `detections` CSV column and the manifest.
    pub detections: Option<Arc<DetectionIndex>>,
}

impl ExportJob {
    /// The columns written: the view's for CSV; none for JSON and NDJSON,
    /// which keep whole events.
    pub fn columns(&self) -> Vec<ColumnSpec> {
        match self.format {
            ExportFormat::Csv => self.view.columns.clone(),
            _ => Vec::new(),
        }
    }
}

/// Writes the events of `job` and `<out>.manifest.json` together: the
/// export is written and synced under a temporary name, then the manifest,
/// and only then are both renamed into place (one right after the other),
/// so an export never stands without its manifest. Nothing is left behind
/// when either fails.
pub fn write(store: &Store, job: &ExportJob) -> Result<Written, String> {
    let ann = EventAnnotations::new(store, job.case.as_deref(), job.integrity_index.as_deref())
        .with_detections(job.detections.as_deref());
    let columns = job.columns();
    let pending = export::export_pending(
        store,
        &ExportRequest {
            rows: &job.rows,
            format: job.format,
            columns: columns.clone(),
            out: job.out.clone(),
            protected_inputs: job.protected.clone(),
        },
        &export::Progress::default(),
        &ann,
    )
    .map_err(|e| e.to_string())?;
    let (summary, manifest) = if job.manifest {
        let input = ManifestInput {
            exported_file: &job.out,
            format: job.format.name(),
            query: &job.view.query,
            time_range: job.view.time_range,
            sort: Some((&job.view.sort.column, job.view.sort.direction)),
            columns: &columns,
            rows: &job.rows,
            store,
            integrity: job.integrity.as_deref(),
            case: job.case.as_deref(),
            detections: job.detections.as_deref(),
        };
        let (summary, path) = manifest::write_with_export(&input, pending)
            .map_err(|e| format!("nothing written (export with its manifest): {e}"))?;
        (summary, Some(path))
    } else {
        (pending.commit().map_err(|e| e.to_string())?, None)
    };
    Ok(Written {
        events: summary.events,
        bytes: summary.bytes,
        sha256: summary.sha256,
        format: job.format,
        path: summary.path,
        manifest,
        stale_temp_files_removed: summary.stale_temp_files_removed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailview_core::ingest::store_from_texts;
    use trailview_core::model::Column;

    #[test]
    fn csv_and_manifest_carry_the_cases_tags_and_notes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = store_from_texts(&[(
            "a.json",
            &[
                r#"{"eventID":"e0","eventName":"A","eventTime":"2023-01-01T00:00:00Z"}"#,
                r#"{"eventID":"e1","eventName":"B","eventTime":"2023-01-01T00:00:01Z"}"#,
            ],
        )]);
        let mut case = Case::new();
        case.bind(&store);
        case.set_tag(&store, 1, "evidence", true);
        case.set_note(&store, 1, "exfil, then \"cleanup\"");
        let out = dir.path().join("out.csv");
        let job = ExportJob {
            rows: vec![0, 1],
            format: ExportFormat::Csv,
            view: ViewSpec {
                columns: vec![
                    ColumnSpec::Column(Column::EventName),
                    ColumnSpec::parse("tags"),
                    ColumnSpec::parse("note"),
                ],
                ..ViewSpec::default()
            },
            out: out.clone(),
            protected: Vec::new(),
            manifest: true,
            integrity: None,
            integrity_index: None,
            case: Some(Arc::new(case)),
            detections: None,
        };
        let w = write(&store, &job).expect("export");
        assert!(w.manifest.is_some());
        let text = std::fs::read_to_string(&out).expect("csv");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "A,,");
        assert_eq!(lines[2], r#"B,evidence,"exfil, then ""cleanup""""#);
        let m: serde_json::Value = serde_json::from_slice(
            &std::fs::read(manifest::manifest_path(&out)).expect("manifest"),
        )
        .expect("json");
        assert_eq!(m["annotations"][0]["eventID"], "e1");
        assert_eq!(m["annotations"][0]["position"], 1);
        assert_eq!(m["annotations"][0]["tags"][0], "evidence");
        assert!(m.get("timeRange").is_none(), "no time range was set");
        // A drag-only selection is recorded: the time range, not just "".
        let out = dir.path().join("range.json");
        let job = ExportJob {
            rows: vec![1],
            format: ExportFormat::Json,
            view: ViewSpec {
                time_range: Some((store.time(1), store.time(1) + 1000)),
                ..ViewSpec::default()
            },
            out: out.clone(),
            ..job
        };
        write(&store, &job).expect("export");
        let m: serde_json::Value = serde_json::from_slice(
            &std::fs::read(manifest::manifest_path(&out)).expect("manifest"),
        )
        .expect("json");
        assert_eq!(m["query"], "");
        assert_eq!(m["timeRange"]["from"], "2023-01-01T00:00:01Z");
        assert_eq!(m["timeRange"]["to"], "2023-01-01T00:00:02Z");
    }
}
