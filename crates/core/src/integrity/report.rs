//! The result of an integrity check: a status per log file and per digest,
//! the chain breaks, a summary, per-file lookups for the event table and
//! query language, and the text the `verify` command prints.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::s3_key::MatchKind;

/// The integrity status of one log file (and so of every event read from it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileStatus {
    /// Listed in a digest and its uncompressed content has the listed hash.
    Valid,
    /// Listed in a digest but the content differs (or is not valid gzip).
    Modified,
    /// Listed in a digest but not found on disk.
    Missing,
    /// On disk, not listed by any digest, although digests cover its
    /// account, region and delivery time: it may have been added.
    NotCovered,
    /// No digest covers it at all (not a failure: nothing to check against).
    NoDigest,
    /// Not part of the integrity check (e.g. not loaded from a trail folder).
    Unknown,
}

impl FileStatus {
    /// The name used in the `integrity` column and `integrity:` queries.
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Valid => "valid",
            FileStatus::Modified => "modified",
            FileStatus::Missing => "missing",
            FileStatus::NotCovered => "not-covered",
            FileStatus::NoDigest => "no-digest",
            FileStatus::Unknown => "unknown",
        }
    }

    /// True for the statuses that make a check fail.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            FileStatus::Modified | FileStatus::Missing | FileStatus::NotCovered
        )
    }

    /// Direction of badness when one file gets two verdicts.
    fn severity(self) -> u8 {
        match self {
            FileStatus::Unknown => 0,
            FileStatus::NoDigest => 1,
            FileStatus::Valid => 2,
            FileStatus::NotCovered => 3,
            FileStatus::Missing => 4,
            FileStatus::Modified => 5,
        }
    }
}

/// One log file's verdict.
#[derive(Clone, Debug, Serialize)]
pub struct LogResult {
    /// The local file (absent when missing).
    pub path: Option<PathBuf>,
    /// The S3 key the digest lists (absent when no digest lists the file).
    pub s3_key: Option<String>,
    pub status: FileStatus,
    /// How the local file was found from the S3 key.
    pub matched_by: Option<MatchKind>,
    /// The digest that lists the file.
    pub digest: Option<PathBuf>,
    /// Why, in words (e.g. the two hashes).
    pub detail: String,
}

/// What is known about a digest's signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureStatus {
    Valid,
    Failed,
    /// The fingerprint has no key in the keys file.
    KeyNotFound,
    /// The fingerprint's keys were not valid when the digest was signed.
    KeyNotValidAtTime,
    /// The signature or the fields it covers are malformed.
    Malformed,
    /// The signature is in the next digest, which is not here (the newest
    /// digest's signature is only in S3 object metadata).
    NotAvailableOffline,
    /// No public keys were given.
    NotChecked,
}

impl SignatureStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            SignatureStatus::Valid => "valid",
            SignatureStatus::Failed => "failed",
            SignatureStatus::KeyNotFound => "public key not found",
            SignatureStatus::KeyNotValidAtTime => "public key not valid at signing time",
            SignatureStatus::Malformed => "malformed",
            SignatureStatus::NotAvailableOffline => "signature not available offline",
            SignatureStatus::NotChecked => "not checked",
        }
    }

    /// True when this status makes the digest not valid.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            SignatureStatus::Failed
                | SignatureStatus::KeyNotFound
                | SignatureStatus::KeyNotValidAtTime
                | SignatureStatus::Malformed
        )
    }
}

/// One digest's verdict.
#[derive(Clone, Debug, Serialize)]
pub struct DigestResult {
    pub path: PathBuf,
    /// `digestS3Object` as written in the digest.
    pub s3_key: Option<String>,
    /// The chain it belongs to: `account/region/trail/home-region`.
    pub chain: String,
    pub digest_end_time: Option<String>,
    pub valid: bool,
    pub signature: SignatureStatus,
    /// What makes it not valid.
    pub problems: Vec<String>,
    /// Oddities that do not make it invalid.
    pub warnings: Vec<String>,
}

/// How a chain is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BreakKind {
    /// The previous digest is not on disk.
    MissingDigest,
    /// The previous digest's content does not have the recorded hash.
    HashMismatch,
    /// The digest does not start where the previous one ended.
    TimeGap,
}

impl BreakKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BreakKind::MissingDigest => "missing digest",
            BreakKind::HashMismatch => "hash mismatch",
            BreakKind::TimeGap => "time gap",
        }
    }
}

/// A break in a digest chain.
#[derive(Clone, Debug, Serialize)]
pub struct ChainBreak {
    pub kind: BreakKind,
    /// The previous digest, as the successor's `previousDigestS3Object` names it.
    pub digest: String,
    /// Where that digest was found locally, if it was.
    pub local_path: Option<PathBuf>,
    /// The digest that points at it.
    pub pointed_at_by: PathBuf,
    pub detail: String,
}

/// Counts for the summary line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub digests_valid: usize,
    pub digests_total: usize,
    pub logs_valid: usize,
    /// Log files with a verdict (valid, modified, missing, not covered).
    pub logs_total: usize,
    pub modified: usize,
    pub missing: usize,
    pub not_covered: usize,
    pub no_digest: usize,
    pub chain_breaks: usize,
    pub signatures_checked: bool,
    pub signatures_valid: usize,
    pub signatures_failed: usize,
    pub signatures_not_available: usize,
}

impl Summary {
    /// True when everything that was checked is valid.
    pub fn all_valid(&self) -> bool {
        self.digests_valid == self.digests_total
            && self.modified == 0
            && self.missing == 0
            && self.not_covered == 0
            && self.chain_breaks == 0
    }
}

/// Everything an integrity check found.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IntegrityReport {
    pub summary: Summary,
    pub digests: Vec<DigestResult>,
    pub logs: Vec<LogResult>,
    pub chain_breaks: Vec<ChainBreak>,
    /// Facts worth knowing that are not failures.
    pub notes: Vec<String>,
    #[serde(skip)]
    by_path: HashMap<PathBuf, FileStatus>,
    /// The same, keyed by canonical path (relative/absolute spellings).
    #[serde(skip)]
    by_canonical: HashMap<PathBuf, FileStatus>,
}

impl IntegrityReport {
    /// Assembles a report and computes its summary and lookups.
    pub fn new(
        digests: Vec<DigestResult>,
        logs: Vec<LogResult>,
        chain_breaks: Vec<ChainBreak>,
        notes: Vec<String>,
        signatures_checked: bool,
    ) -> IntegrityReport {
        let mut by_path: HashMap<PathBuf, FileStatus> = HashMap::new();
        for log in &logs {
            if let Some(p) = &log.path {
                let slot = by_path.entry(p.clone()).or_insert(log.status);
                if log.status.severity() > slot.severity() {
                    *slot = log.status;
                }
            }
        }
        let count = |s: FileStatus| logs.iter().filter(|l| l.status == s).count();
        let sig = |s: SignatureStatus| digests.iter().filter(|d| d.signature == s).count();
        let summary = Summary {
            digests_valid: digests.iter().filter(|d| d.valid).count(),
            digests_total: digests.len(),
            logs_valid: count(FileStatus::Valid),
            logs_total: logs
                .iter()
                .filter(|l| !matches!(l.status, FileStatus::NoDigest | FileStatus::Unknown))
                .count(),
            modified: count(FileStatus::Modified),
            missing: count(FileStatus::Missing),
            not_covered: count(FileStatus::NotCovered),
            no_digest: count(FileStatus::NoDigest),
            chain_breaks: chain_breaks.len(),
            signatures_checked,
            signatures_valid: sig(SignatureStatus::Valid),
            signatures_failed: digests.iter().filter(|d| d.signature.is_failure()).count(),
            signatures_not_available: sig(SignatureStatus::NotAvailableOffline),
        };
        let by_canonical = by_path
            .iter()
            .filter_map(|(p, s)| Some((std::fs::canonicalize(p).ok()?, *s)))
            .collect();
        IntegrityReport {
            summary,
            digests,
            logs,
            chain_breaks,
            notes,
            by_path,
            by_canonical,
        }
    }

    /// True when everything that was checked is valid.
    pub fn all_valid(&self) -> bool {
        self.summary.all_valid()
    }

    /// True when any digest was found (so integrity data exists at all).
    pub fn has_digests(&self) -> bool {
        !self.digests.is_empty()
    }

    /// The status of a local log file; `Unknown` for files the check did
    /// not see. Paths are compared as given, then canonicalised.
    pub fn status_of_file(&self, path: &Path) -> FileStatus {
        if let Some(s) = self.by_path.get(path) {
            return *s;
        }
        std::fs::canonicalize(path)
            .ok()
            .and_then(|c| self.by_canonical.get(&c).copied())
            .unwrap_or(FileStatus::Unknown)
    }

    /// The status of each file in `paths` (e.g. `store.files()`), so a
    /// per-event lookup is one index operation.
    pub fn statuses_for(&self, paths: &[PathBuf]) -> Vec<FileStatus> {
        paths.iter().map(|p| self.status_of_file(p)).collect()
    }

    /// The report as one JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The one-line summary.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        let sig = if s.signatures_checked {
            format!(
                "signatures checked: {} valid, {} not valid, {} not available offline",
                s.signatures_valid, s.signatures_failed, s.signatures_not_available
            )
        } else {
            "signatures not checked (no public keys given)".to_owned()
        };
        format!(
            "{}/{} digests valid, {}/{} log files valid, {} modified, {} missing, {} not covered, {} chain breaks, {} files without digest; {}",
            s.digests_valid,
            s.digests_total,
            s.logs_valid,
            s.logs_total,
            s.modified,
            s.missing,
            s.not_covered,
            s.chain_breaks,
            s.no_digest,
            sig
        )
    }

    /// The human-readable report: summary, then each problem with its path.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.summary_line());
        if !self.has_digests() {
            let _ = writeln!(
                out,
                "No CloudTrail-Digest files found: nothing could be validated."
            );
        }
        for b in &self.chain_breaks {
            let local = b
                .local_path
                .as_ref()
                .map(|p| format!(" (local copy {})", p.display()))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "CHAIN BREAK ({}): {}{} pointed at by {}: {}",
                b.kind.as_str(),
                b.digest,
                local,
                b.pointed_at_by.display(),
                b.detail
            );
        }
        for d in &self.digests {
            for p in &d.problems {
                let _ = writeln!(out, "INVALID DIGEST: {}: {p}", d.path.display());
            }
        }
        for l in self.logs.iter().filter(|l| l.status.is_failure()) {
            let what = match l.status {
                FileStatus::Modified => "MODIFIED",
                FileStatus::Missing => "MISSING",
                _ => "NOT COVERED",
            };
            let path = l
                .path
                .as_ref()
                .map(|p| p.display().to_string())
                .or_else(|| l.s3_key.clone())
                .unwrap_or_default();
            let _ = writeln!(out, "{what}: {path}: {}", l.detail);
        }
        for d in &self.digests {
            for w in &d.warnings {
                let _ = writeln!(out, "warning: {}: {w}", d.path.display());
            }
        }
        for n in &self.notes {
            let _ = writeln!(out, "note: {n}");
        }
        out
    }
}
