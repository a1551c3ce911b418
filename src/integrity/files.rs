//! Finding the files an integrity check looks at: walking the given paths
//! and sorting what is found into digests and log files.

use std::path::{Path, PathBuf};

use super::digest::looks_like_digest;
use super::hashing::read_head;
use super::s3_key;

/// The files of a check, already sorted by kind (the loader can hand over
/// its own lists instead of walking again).
#[derive(Clone, Debug, Default)]
pub struct InputFiles {
    pub digests: Vec<PathBuf>,
    pub logs: Vec<PathBuf>,
}

impl From<&crate::ingest::LoadReport> for InputFiles {
    /// The digests and log files the loader found (no second walk). Files
    /// the loader could not read are kept as log files too: a corrupted log
    /// file must show as modified, not as missing.
    fn from(report: &crate::ingest::LoadReport) -> InputFiles {
        let mut logs = report.log_files.clone();
        let known: std::collections::HashSet<&PathBuf> =
            report.log_files.iter().chain(&report.digests).collect();
        let mut extra: Vec<PathBuf> = report
            .problems
            .iter()
            .map(|p| &p.path)
            .filter(|p| !known.contains(p) && p.is_file())
            .cloned()
            .collect();
        extra.sort();
        extra.dedup();
        logs.extend(extra);
        InputFiles {
            digests: report.digests.clone(),
            logs,
        }
    }
}

/// Walks files and folders (recursively, in name order) and sorts the files
/// into digests and log files. Hidden entries (`.name`) are skipped.
/// Unreadable folders are reported in the error list; the rest goes on.
pub fn collect(paths: &[PathBuf]) -> (InputFiles, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        walk(p, &mut files, &mut errors);
    }
    let mut out = InputFiles::default();
    for f in files {
        match classify(&f) {
            Some(true) => out.digests.push(f),
            Some(false) => out.logs.push(f),
            None => {}
        }
    }
    (out, errors)
}

fn walk(path: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    if path.is_file() {
        files.push(path.to_path_buf());
        return;
    }
    let entries = match std::fs::read_dir(path) {
        Ok(e) => e,
        Err(e) => {
            errors.push(format!("cannot read {}: {e}", path.display()));
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for c in children {
        let hidden = c
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !hidden {
            walk(&c, files, errors);
        }
    }
}

/// `Some(true)` for a digest, `Some(false)` for a possible log file, `None`
/// for files that are neither (no `.json`/`.gz` name).
pub fn classify(path: &Path) -> Option<bool> {
    let text = path.to_string_lossy();
    let name = s3_key::key_file_name(&text);
    let lower = name.to_ascii_lowercase();
    let jsonish = [".json", ".json.gz", ".gz", ".jsonl", ".ndjson"]
        .iter()
        .any(|e| lower.ends_with(e));
    if !jsonish {
        return None;
    }
    if name.contains("_CloudTrail-Digest_")
        || text.replace('\\', "/").contains("/CloudTrail-Digest/")
    {
        return Some(true);
    }
    if s3_key::parse_file_name(name).is_some() {
        return Some(false);
    }
    let head = read_head(path, 4096).unwrap_or_default();
    Some(looks_like_digest(&head))
}
