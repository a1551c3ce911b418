//! The case file (`*.trailview`): versioned JSON holding the loaded paths,
//! the view (query, sort, columns), the tag definitions and every event's
//! tags, note and star. Written atomically (temporary file, then rename) and
//! never inside a folder being read as evidence.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::marks::{EventKey, EventMarks};
use super::tags::TagDef;

/// The case file format version this build writes and reads.
pub const CASE_VERSION: u32 = 1;

/// The extension of case files.
pub const CASE_EXTENSION: &str = "trailview";

/// Sort state as stored: a column name (see [`crate::model::ColumnSpec`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortState {
    pub column: String,
    #[serde(default)]
    pub descending: bool,
}

/// One event's marks as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    #[serde(flatten)]
    pub key: EventKey,
    #[serde(flatten)]
    pub marks: EventMarks,
}

/// The on-disk shape of a case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseFile {
    pub version: u32,
    /// `trailview <version>` that wrote the file.
    #[serde(default)]
    pub written_by: String,
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub sort: Option<SortState>,
    #[serde(default)]
    pub columns: Vec<String>,
    #[serde(default)]
    pub tags: Vec<TagDef>,
    #[serde(default)]
    pub events: Vec<EventRecord>,
    /// The detection rules the case ran (absent in cases written before
    /// they were recorded: the current rules stay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<CaseRules>,
}

/// Which Sigma rules a case runs: Trailview's defaults or not, the rule
/// files and folders added, and the ids of rules turned off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaseRules {
    #[serde(default = "yes")]
    pub defaults: bool,
    #[serde(default)]
    pub paths: Vec<PathBuf>,
    #[serde(default)]
    pub disabled: Vec<String>,
    /// Only rules at this level or above (`informational` … `critical`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_level: Option<String>,
}

fn yes() -> bool {
    true
}

/// Why a case could not be opened or saved.
#[derive(Debug)]
pub enum CaseError {
    Io(PathBuf, std::io::Error),
    Format(PathBuf, String),
    /// The file was written by a newer Trailview.
    TooNew(PathBuf, u32),
    /// The target lies inside a folder loaded as evidence.
    InsideEvidence {
        target: PathBuf,
        folder: PathBuf,
    },
    /// There is no user data folder for the autosave.
    NoDataDir,
}

impl std::fmt::Display for CaseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CaseError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            CaseError::Format(p, m) => write!(f, "{}: not a Trailview case file: {m}", p.display()),
            CaseError::TooNew(p, v) => write!(
                f,
                "{}: case file version {v} was written by a newer Trailview (this one reads version {CASE_VERSION})",
                p.display()
            ),
            CaseError::InsideEvidence { target, folder } => write!(
                f,
                "refusing to write {} inside the evidence folder {}: choose a place outside the loaded data",
                target.display(),
                folder.display()
            ),
            CaseError::NoDataDir => f.write_str("no user data folder found for the autosave"),
        }
    }
}

impl std::error::Error for CaseError {}

impl CaseFile {
    /// Reads a case file.
    pub fn open(path: &Path) -> Result<CaseFile, CaseError> {
        let bytes = crate::ingest::side_file::read_limited(
            path,
            crate::ingest::side_file::MAX_CASE_BYTES,
            "case file",
        )
        .map_err(|e| CaseError::Io(path.to_path_buf(), e.into_io()))?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| CaseError::Format(path.to_path_buf(), e.to_string()))?;
        let version = value
            .get("version")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| CaseError::Format(path.to_path_buf(), "no \"version\"".to_owned()))?;
        if version > u64::from(CASE_VERSION) {
            return Err(CaseError::TooNew(path.to_path_buf(), version as u32));
        }
        serde_json::from_value(value)
            .map_err(|e| CaseError::Format(path.to_path_buf(), e.to_string()))
    }

    /// Writes the case to `target` atomically, refusing any place inside
    /// the loaded evidence folders.
    pub fn save(&self, target: &Path) -> Result<(), CaseError> {
        check_outside_evidence(target, &self.paths)?;
        let text = serde_json::to_vec_pretty(self)
            .map_err(|e| CaseError::Format(target.to_path_buf(), e.to_string()))?;
        write_atomic(target, &text)
    }
}

/// Writes bytes to `target` through a temporary file in the same folder
/// and a rename, so a crash never leaves half a file.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> Result<(), CaseError> {
    let io = |e| CaseError::Io(target.to_path_buf(), e);
    std::fs::create_dir_all(crate::atomic_write::folder_of(target)).map_err(io)?;
    crate::atomic_write::write_all_or_nothing(target, bytes).map_err(io)
}

/// The folders that hold evidence: each loaded folder, and the folder of
/// each loaded file.
pub fn evidence_folders(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter_map(|p| {
            if p.is_dir() {
                Some(p.clone())
            } else {
                p.parent().map(Path::to_path_buf)
            }
        })
        .filter(|p| !p.as_os_str().is_empty())
        .collect()
}

/// Refuses `target` when it lies inside any evidence folder of `paths`.
pub fn check_outside_evidence(target: &Path, paths: &[PathBuf]) -> Result<(), CaseError> {
    let target_dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(target_dir) = std::fs::canonicalize(&target_dir) else {
        // A folder that does not exist yet is not inside existing evidence
        // unless its nearest existing ancestor is.
        return match target_dir.ancestors().skip(1).find(|a| a.exists()) {
            Some(existing) => check_outside_evidence(&existing.join("x"), paths),
            None => Ok(()),
        };
    };
    for folder in evidence_folders(paths) {
        if let Ok(f) = std::fs::canonicalize(&folder)
            && target_dir.starts_with(&f)
        {
            return Err(CaseError::InsideEvidence {
                target: target.to_path_buf(),
                folder,
            });
        }
    }
    Ok(())
}

/// Environment variable naming the folder for the autosave instead of the
/// user data folder (for tests and portable setups).
pub const DATA_DIR_ENV: &str = "TRAILVIEW_DATA_DIR";

/// The folder of the autosaves: `$TRAILVIEW_DATA_DIR/autosaves` when that
/// variable is set, else `<user data dir>/Trailview/autosaves`. Each set of
/// loaded paths has its own file there ([`autosave_slot`]), so opening other
/// data never overwrites the marks made on the last one.
pub fn autosave_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir).join("autosaves")),
        _ => directories::ProjectDirs::from("", "", "Trailview")
            .map(|d| d.data_dir().join("autosaves")),
    }
}

/// The autosave file in `dir` for a set of loaded paths: a readable part
/// (the first path's name) and a hash of all of them, in any order, so the
/// same folders opened again find their marks and other folders never
/// share the file. `copy` > 0 gives the alternative names used when the
/// file is taken by another session's marks.
pub fn autosave_slot(dir: &Path, paths: &[PathBuf], copy: u32) -> PathBuf {
    use sha2::{Digest, Sha256};
    let mut sorted: Vec<&PathBuf> = paths.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut hash = Sha256::new();
    for p in &sorted {
        hash.update(p.as_os_str().as_encoded_bytes());
        hash.update([0u8]);
    }
    let digest = hex::encode(&hash.finalize()[..8]);
    let readable: String = sorted
        .first()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    let suffix = if copy == 0 {
        String::new()
    } else {
        format!("-{copy}")
    };
    let stem = if readable.is_empty() {
        digest
    } else {
        format!("{readable}-{digest}")
    };
    dir.join(format!("{stem}{suffix}.{CASE_EXTENSION}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_write_inside_evidence_and_round_trips() {
        let dir = tempfile::tempdir().expect("tempdir");
        let evidence = dir.path().join("evidence");
        std::fs::create_dir_all(evidence.join("sub")).expect("mkdir");
        let file = CaseFile {
            version: CASE_VERSION,
            written_by: String::new(),
            paths: vec![evidence.clone()],
            query: "tag:evidence".into(),
            sort: Some(SortState {
                column: "eventTime".into(),
                descending: true,
            }),
            columns: vec!["eventTime".into()],
            tags: super::super::tags::default_tags(),
            events: Vec::new(),
            rules: Some(CaseRules {
                defaults: false,
                paths: vec![dir.path().join("rules")],
                disabled: vec!["some-id".into()],
                min_level: Some("medium".into()),
            }),
        };
        for bad in [
            evidence.join("c.trailview"),
            evidence.join("sub/c.trailview"),
            evidence.join("new/deeper/c.trailview"),
        ] {
            let err = file.save(&bad).expect_err("inside evidence");
            assert!(matches!(err, CaseError::InsideEvidence { .. }), "{err}");
            assert!(!bad.exists());
        }
        let good = dir.path().join("cases/c.trailview");
        file.save(&good).expect("save");
        assert_eq!(CaseFile::open(&good).expect("open"), file);
        // No temporary files are left behind.
        let left: Vec<_> = std::fs::read_dir(dir.path().join("cases"))
            .expect("dir")
            .collect();
        assert_eq!(left.len(), 1);
    }

    #[test]
    fn rejects_newer_versions_and_non_cases() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("x.trailview");
        std::fs::write(&p, r#"{"version":99}"#).expect("write");
        assert!(matches!(CaseFile::open(&p), Err(CaseError::TooNew(_, 99))));
        std::fs::write(&p, r#"{"Records":[]}"#).expect("write");
        assert!(matches!(CaseFile::open(&p), Err(CaseError::Format(..))));
    }
}
