//! The evidence manifest written next to every export
//! (`<exported file name>.manifest.json`): which tool and version made the
//! export and when, the query, sort and columns, how many events, the
//! SHA-256 of the exported file, every source file that contributed events
//! with the SHA-256 of its bytes on disk and its integrity status, and the
//! tags and notes of the exported events, and the Sigma rules that matched
//! them ([`super::manifest_detections`]).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::manifest_detections::ManifestDetections;
use crate::case::{Case, EventMarks};
use crate::export::{ExportError, ExportSummary, PendingExport};
use crate::integrity::IntegrityReport;
use crate::integrity::hashing::sha256_file;
use crate::model::Direction;
use crate::model::{ColumnSpec, EventIdx};
use crate::sigma::DetectionIndex;
use crate::store::Store;

/// What an export was made of.
pub struct ManifestInput<'a> {
    /// The file the export wrote (already complete on disk).
    pub exported_file: &'a Path,
    /// `csv`, `json`, `ndjson`, ...
    pub format: &'a str,
    pub query: &'a str,
    /// The time range of the view (`start <= time < end`, epoch
    /// milliseconds), when one was set (a histogram or timeline drag).
    pub time_range: Option<(i64, i64)>,
    pub sort: Option<(&'a ColumnSpec, Direction)>,
    /// The columns written (empty for formats that write whole events).
    pub columns: &'a [ColumnSpec],
    /// The exported events, in export order.
    pub rows: &'a [EventIdx],
    pub store: &'a Store,
    /// The integrity check of the loaded data, if one was run.
    pub integrity: Option<&'a IntegrityReport>,
    /// The case holding tags and notes, if any.
    pub case: Option<&'a Case>,
    /// The detections, when they ran: the `detections` section.
    pub detections: Option<&'a DetectionIndex>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedFile {
    pub path: PathBuf,
    pub format: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortInfo {
    pub column: String,
    pub descending: bool,
}

/// One source file that contributed events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceFile {
    pub path: PathBuf,
    /// SHA-256 of the file's bytes on disk at export time (absent when the
    /// file could no longer be read; see `error`).
    pub sha256: Option<String>,
    pub bytes: Option<u64>,
    /// Number of exported events from this file.
    pub events: usize,
    /// `valid`, `modified`, `not-covered`, `no-digest`, `unknown`, or
    /// `not checked` when no integrity check was run.
    pub integrity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The tags, note and star of one exported event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventAnnotation {
    /// Position of the event in the export (0-based).
    pub position: usize,
    #[serde(rename = "eventID", default, skip_serializing_if = "String::is_empty")]
    pub event_id: String,
    pub file: PathBuf,
    pub record: u32,
    /// `tags`, `note` and `starred`, as in a case file.
    #[serde(flatten)]
    pub marks: EventMarks,
}

/// The manifest as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub tool: Tool,
    /// RFC 3339 UTC.
    pub exported_at: String,
    pub export: ExportedFile,
    pub query: String,
    /// The view's time range besides the query, when one was set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_range: Option<TimeRange>,
    pub sort: Option<SortInfo>,
    pub columns: Vec<String>,
    pub event_count: usize,
    /// The integrity summary line, or why there is none.
    pub integrity: String,
    pub sources: Vec<SourceFile>,
    pub annotations: Vec<EventAnnotation>,
    /// The Sigma rules that matched exported events (absent when no
    /// detections ran).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detections: Option<ManifestDetections>,
}

/// A time range of the view: events from `from` (inclusive) to `to`
/// (exclusive), RFC 3339 UTC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    pub from: String,
    pub to: String,
}

/// `<dir>/<file name>.manifest.json` for an exported file.
pub fn manifest_path(exported: &Path) -> PathBuf {
    let mut name = exported
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "export".into());
    name.push(".manifest.json");
    exported.with_file_name(name)
}

/// Builds the manifest (hashing the exported file and every source file).
pub fn build(input: &ManifestInput<'_>) -> std::io::Result<Manifest> {
    let export_bytes = std::fs::metadata(input.exported_file)?.len();
    let export_sha = sha256_file(input.exported_file)?;
    build_for(input, export_bytes, export_sha)
}

/// Builds the manifest of an export whose size and SHA-256 are known
/// (hashing every source file).
fn build_for(
    input: &ManifestInput<'_>,
    export_bytes: u64,
    export_sha: String,
) -> std::io::Result<Manifest> {
    let mut per_file: BTreeMap<u32, usize> = BTreeMap::new();
    for &idx in input.rows {
        *per_file.entry(input.store.file_id(idx)).or_default() += 1;
    }
    let files = input.store.files();
    let sources = per_file
        .into_iter()
        .filter_map(|(fid, events)| files.get(fid as usize).map(|p| (p, events)))
        .map(|(path, events)| source_file(path, events, input.integrity))
        .collect();
    let annotations = match input.case {
        Some(case) => annotations(input.store, case, input.rows),
        None => Vec::new(),
    };
    let integrity = match input.integrity {
        Some(r) => r.summary_line(),
        None => "not checked".to_owned(),
    };
    Ok(Manifest {
        tool: Tool {
            // The product, whichever crate of the workspace writes it.
            name: "trailview".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
        exported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        export: ExportedFile {
            path: input.exported_file.to_path_buf(),
            format: input.format.to_owned(),
            bytes: export_bytes,
            sha256: export_sha,
        },
        query: input.query.to_owned(),
        time_range: input.time_range.map(|(from, to)| TimeRange {
            from: crate::timefmt::format_rfc3339(from),
            to: crate::timefmt::format_rfc3339(to),
        }),
        sort: input.sort.map(|(c, o)| SortInfo {
            column: c.name().to_owned(),
            descending: o == Direction::Descending,
        }),
        columns: input.columns.iter().map(|c| c.name().to_owned()).collect(),
        event_count: input.rows.len(),
        integrity,
        sources,
        annotations,
        detections: input
            .detections
            .map(|d| super::manifest_detections::section(d, input.rows)),
    })
}

fn source_file(path: &Path, events: usize, report: Option<&IntegrityReport>) -> SourceFile {
    let integrity = match report {
        Some(r) => r.status_of_file(path).as_str().to_owned(),
        None => "not checked".to_owned(),
    };
    let (sha256, bytes, error) = match (sha256_file(path), std::fs::metadata(path)) {
        (Ok(h), Ok(m)) => (Some(h), Some(m.len()), None),
        (Err(e), _) | (_, Err(e)) => (None, None, Some(format!("cannot read: {e}"))),
    };
    SourceFile {
        path: path.to_path_buf(),
        sha256,
        bytes,
        events,
        integrity,
        error,
    }
}

fn annotations(store: &Store, case: &Case, rows: &[EventIdx]) -> Vec<EventAnnotation> {
    rows.iter()
        .enumerate()
        .filter_map(|(position, &idx)| {
            let marks = case.marks_of(idx)?;
            let origin = store.origin(idx)?;
            Some(EventAnnotation {
                position,
                event_id: store.event_id(idx).into_owned(),
                file: origin.path.to_path_buf(),
                record: origin.record_index,
                marks: marks.clone(),
            })
        })
        .collect()
}

/// Builds the manifest and writes it next to the exported file (through a
/// temporary file and a rename). Returns the manifest's path.
pub fn write(input: &ManifestInput<'_>) -> std::io::Result<PathBuf> {
    let manifest = build(input)?;
    let target = manifest_path(input.exported_file);
    let text = serde_json::to_vec_pretty(&manifest).map_err(std::io::Error::other)?;
    let mut text = text;
    text.push(b'\n');
    crate::atomic_write::write_all_or_nothing(&target, &text)?;
    Ok(target)
}

/// Writes a pending export and its manifest so that they appear
/// together: the manifest is written and synced under its temporary name
/// first, then the export is renamed into place, then the manifest. If
/// the manifest cannot be written, neither is put in place. Returns what
/// the export wrote and the manifest's path. `input.exported_file` must
/// be the export's target.
pub fn write_with_export(
    input: &ManifestInput<'_>,
    pending: PendingExport,
) -> Result<(ExportSummary, PathBuf), ExportError> {
    let target = manifest_path(input.exported_file);
    let summary = pending.summary();
    let manifest = build_for(input, summary.bytes, summary.sha256.clone())
        .map_err(|e| ExportError::io(&target, e))?;
    let mut text = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| ExportError::io(&target, std::io::Error::other(e)))?;
    text.push(b'\n');
    let mut temp =
        crate::atomic_write::temp_file_beside(&target).map_err(|e| ExportError::io(&target, e))?;
    temp.write_all(&text)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| ExportError::io(&target, e))?;
    let summary = pending.commit()?;
    crate::atomic_write::commit(temp, &target).map_err(|e| ExportError::io(&target, e))?;
    Ok((summary, target))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_sits_next_to_the_export() {
        assert_eq!(
            manifest_path(Path::new("/out/evidence.csv")),
            PathBuf::from("/out/evidence.csv.manifest.json")
        );
        assert_eq!(
            manifest_path(Path::new("x.json")),
            PathBuf::from("x.json.manifest.json")
        );
    }
}
