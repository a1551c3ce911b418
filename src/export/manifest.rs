//! The evidence manifest written next to every export
//! (`<exported file name>.manifest.json`): which tool and version made the
//! export and when, the query, sort and columns, how many events, the
//! SHA-256 of the exported file, every source file that contributed events
//! with the SHA-256 of its bytes on disk and its integrity status, and the
//! tags and notes of the exported events.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::case::{Case, EventMarks};
use crate::integrity::IntegrityReport;
use crate::integrity::hashing::sha256_file;
use crate::model::{ColumnSpec, EventIdx};
use crate::store::Store;
use crate::store::sort::Order;

/// What an export was made of.
pub struct ManifestInput<'a> {
    /// The file the export wrote (already complete on disk).
    pub exported_file: &'a Path,
    /// `csv`, `json`, `ndjson`, ...
    pub format: &'a str,
    pub query: &'a str,
    pub sort: Option<(&'a ColumnSpec, Order)>,
    /// The columns written (empty for formats that write whole events).
    pub columns: &'a [ColumnSpec],
    /// The exported events, in export order.
    pub rows: &'a [EventIdx],
    pub store: &'a Store,
    /// The integrity check of the loaded data, if one was run.
    pub integrity: Option<&'a IntegrityReport>,
    /// The case holding tags and notes, if any.
    pub case: Option<&'a Case>,
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
    pub sort: Option<SortInfo>,
    pub columns: Vec<String>,
    pub event_count: usize,
    /// The integrity summary line, or why there is none.
    pub integrity: String,
    pub sources: Vec<SourceFile>,
    pub annotations: Vec<EventAnnotation>,
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
            name: env!("CARGO_PKG_NAME").to_owned(),
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
        sort: input.sort.map(|(c, o)| SortInfo {
            column: c.name().to_owned(),
            descending: o == Order::Descending,
        }),
        columns: input.columns.iter().map(|c| c.name().to_owned()).collect(),
        event_count: input.rows.len(),
        integrity,
        sources,
        annotations,
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
