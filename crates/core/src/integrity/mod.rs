//! Offline CloudTrail log file integrity validation.
//!
//! `aws cloudtrail validate-logs` only validates objects in S3. This module
//! validates a downloaded trail on local disk: each log file listed in a
//! digest is found by its S3 key ([`s3_key`]) and hashed over its
//! uncompressed content ([`hashing`]); digests are linked into chains and
//! their recorded hashes, time continuity and (with public keys) signatures
//! are checked ([`chain`], [`signature`]); log files that no digest lists are
//! classified ([`logs`]). The result is an [`IntegrityReport`].

pub mod chain;
pub mod digest;
pub mod files;
pub mod hashing;
pub mod logs;
pub mod report;
pub mod s3_key;
pub mod signature;

use std::path::{Path, PathBuf};

pub use digest::Digest;
pub use files::InputFiles;
pub use report::{
    BreakKind, ChainBreak, DigestResult, FileStatus, IntegrityReport, LogResult, SignatureStatus,
    Summary,
};
pub use signature::PublicKeys;

/// Why a check could not run at all.
#[derive(Debug)]
pub enum IntegrityError {
    /// A path given to check does not exist.
    NotFound(PathBuf),
    /// The public keys file is unreadable or not a `list-public-keys` output.
    PublicKeys(String),
}

impl std::fmt::Display for IntegrityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntegrityError::NotFound(p) => write!(f, "{}: no such file or folder", p.display()),
            IntegrityError::PublicKeys(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for IntegrityError {}

/// Walks `paths` (files or folders), then checks every digest and log file
/// found. `public_keys` is a saved `aws cloudtrail list-public-keys` output.
pub fn verify(
    paths: &[PathBuf],
    public_keys: Option<&Path>,
) -> Result<IntegrityReport, IntegrityError> {
    if let Some(missing) = paths.iter().find(|p| !p.exists()) {
        return Err(IntegrityError::NotFound(missing.clone()));
    }
    let keys = public_keys
        .map(PublicKeys::load)
        .transpose()
        .map_err(IntegrityError::PublicKeys)?;
    let (input, walk_errors) = files::collect(paths);
    let mut report = verify_files(&input, keys.as_ref());
    report.notes.extend(walk_errors);
    Ok(report)
}

/// Checks what a load found, without walking again. `None` when the load
/// found no digest (there is nothing to check against).
pub fn verify_loaded(
    report: &crate::ingest::LoadReport,
    keys: Option<&PublicKeys>,
) -> Option<IntegrityReport> {
    if report.digests.is_empty() {
        return None;
    }
    Some(verify_files(&InputFiles::from(report), keys))
}

/// Checks already-sorted files (e.g. the loader's digest and log lists).
pub fn verify_files(input: &InputFiles, keys: Option<&PublicKeys>) -> IntegrityReport {
    let mut digests = Vec::new();
    let mut unreadable = Vec::new();
    for p in &input.digests {
        match Digest::read(p) {
            Ok(d) => digests.push(d),
            Err(e) => unreadable.push(DigestResult {
                path: p.clone(),
                s3_key: None,
                chain: String::new(),
                digest_end_time: None,
                valid: false,
                signature: if keys.is_some() {
                    SignatureStatus::Malformed
                } else {
                    SignatureStatus::NotChecked
                },
                problems: vec![format!("cannot be read as a digest: {e}")],
                warnings: Vec::new(),
            }),
        }
    }
    let outcome = chain::check(&digests, keys);
    let log_results = logs::check(&digests, &input.logs);
    let mut results = outcome.results;
    results.extend(unreadable);
    let mut notes = outcome.notes;
    if let Some(k) = keys {
        notes.extend(k.skipped.iter().map(|s| format!("public keys: {s}")));
    }
    IntegrityReport::new(results, log_results, outcome.breaks, notes, keys.is_some())
}
