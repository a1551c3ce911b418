//! Log files against the digests that list them: hashing each local copy,
//! naming the ones that are missing, and classifying the local log files no
//! digest lists as "not covered" (digests exist for their account, region
//! and delivery time) or "no digest".

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use rayon::prelude::*;

use super::digest::Digest;
use super::hashing::{self, HashError};
use super::report::{FileStatus, LogResult};
use super::s3_key::{self, LocalIndex};
use crate::timefmt::format_rfc3339;

/// Checks every log file listed in `digests` against the local `logs`, and
/// classifies the local logs no digest lists.
pub fn check(digests: &[Digest], logs: &[PathBuf]) -> Vec<LogResult> {
    let index = LocalIndex::new(logs.iter());
    // (digest, entry, local copies, match kind)
    let mut listed = Vec::new();
    for (di, d) in digests.iter().enumerate() {
        for (ei, e) in d.log_files.iter().enumerate() {
            let (hits, kind) = index.find(&e.s3_object);
            listed.push((di, ei, hits, kind));
        }
    }
    let to_hash: HashSet<&PathBuf> = listed.iter().flat_map(|l| l.2.iter()).collect();
    let hashes: HashMap<&PathBuf, Result<String, HashError>> = to_hash
        .into_par_iter()
        .map(|p| (p, hashing::sha256_uncompressed(p)))
        .collect();

    let mut out = Vec::new();
    let mut covered: HashSet<&PathBuf> = HashSet::new();
    for (di, ei, hits, kind) in &listed {
        let d = &digests[*di];
        let e = &d.log_files[*ei];
        if hits.is_empty() {
            out.push(LogResult {
                path: None,
                s3_key: Some(e.s3_object.clone()),
                status: FileStatus::Missing,
                matched_by: None,
                digest: Some(d.path.clone()),
                detail: format!("listed in {} but not on disk", d.path.display()),
            });
            continue;
        }
        for p in hits {
            covered.insert(p);
            let (status, detail) = match hashes.get(p) {
                Some(Ok(h)) if *h == e.hash_value => (FileStatus::Valid, String::new()),
                Some(Ok(h)) => (
                    FileStatus::Modified,
                    format!(
                        "hash value doesn't match: digest has {}, file has {h}",
                        e.hash_value
                    ),
                ),
                Some(Err(err)) => (FileStatus::Modified, err.to_string()),
                None => (FileStatus::Modified, "not hashed".to_owned()),
            };
            out.push(LogResult {
                path: Some(p.clone()),
                s3_key: Some(e.s3_object.clone()),
                status,
                matched_by: Some(*kind),
                digest: Some(d.path.clone()),
                detail,
            });
        }
    }

    let spans = coverage_spans(digests);
    for p in logs.iter().filter(|p| !covered.contains(p)) {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parsed = s3_key::parse_file_name(&name).filter(|n| !n.digest);
        let span = parsed.as_ref().and_then(|n| {
            spans
                .get(&(n.account.clone(), n.region.clone()))
                .filter(|(start, end)| n.time_ms >= *start && n.time_ms <= *end)
                .map(|s| (n.time_ms, *s))
        });
        let (status, detail) = match span {
            Some((t, (start, end))) => (
                FileStatus::NotCovered,
                format!(
                    "delivered {} but no digest lists it, although digests cover {} to {} for this account and region (added?)",
                    format_rfc3339(t),
                    format_rfc3339(start),
                    format_rfc3339(end)
                ),
            ),
            None if parsed.is_some() => (
                FileStatus::NoDigest,
                "no digest covers this account, region and time".to_owned(),
            ),
            None => (
                FileStatus::NoDigest,
                "not a CloudTrail delivery file name: account, region and time unknown".to_owned(),
            ),
        };
        out.push(LogResult {
            path: Some(p.clone()),
            s3_key: None,
            status,
            matched_by: None,
            digest: None,
            detail,
        });
    }
    out
}

/// Per (account, source region): the earliest digest start and the latest
/// digest end.
fn coverage_spans(digests: &[Digest]) -> HashMap<(String, String), (i64, i64)> {
    let mut spans: HashMap<(String, String), (i64, i64)> = HashMap::new();
    for d in digests {
        let name = d
            .s3_object
            .as_deref()
            .and_then(|k| s3_key::parse_file_name(s3_key::key_file_name(k)))
            .or_else(|| {
                d.path
                    .file_name()
                    .and_then(|n| s3_key::parse_file_name(&n.to_string_lossy()))
            });
        let (Some(name), Some(start), Some(end)) = (name, d.start_ms, d.end_ms) else {
            continue;
        };
        let slot = spans
            .entry((name.account, name.region))
            .or_insert((start, end));
        slot.0 = slot.0.min(start);
        slot.1 = slot.1.max(end);
    }
    spans
}
