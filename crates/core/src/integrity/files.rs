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

/// Walks files and folders the way the loader does ([`crate::ingest::walk`]:
/// recursively, in name order; inside folders only the file names the
/// loader reads; a file named explicitly whatever its name), so that
/// `trailview verify` and the app's check of a load look at the same files,
/// and sorts them into digests and log files. Unreadable files and folders
/// are reported in the error list; the rest goes on.
pub fn collect(paths: &[PathBuf]) -> (InputFiles, Vec<String>) {
    use crate::ingest::walk::{Role, walk};
    let mut out = InputFiles::default();
    let mut errors = Vec::new();
    for entry in walk(paths) {
        match entry.role {
            Role::Input if is_digest(&entry.path) => out.digests.push(entry.path),
            Role::Input => out.logs.push(entry.path),
            Role::Other => {}
            Role::Unreadable(reason) => {
                errors.push(format!("cannot read {}: {reason}", entry.path.display()));
            }
        }
    }
    (out, errors)
}

/// True for a digest: named like one, kept under a `CloudTrail-Digest`
/// folder, or (for any other name that is not a log file's) starting like
/// one.
pub fn is_digest(path: &Path) -> bool {
    let text = path.to_string_lossy();
    let name = s3_key::key_file_name(&text);
    if name.contains("_CloudTrail-Digest_")
        || text.replace('\\', "/").contains("/CloudTrail-Digest/")
    {
        return true;
    }
    if s3_key::parse_file_name(name).is_some() {
        return false;
    }
    looks_like_digest(&read_head(path, 4096).unwrap_or_default())
}
