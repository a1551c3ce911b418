//! Digest chains: linking each digest to the previous one it names, checking
//! the recorded hash and the time continuity, checking that each digest lies
//! where its own `digestS3Object` says, and checking each digest's signature
//! (found in its successor) when public keys are given.

use std::collections::HashMap;
use std::path::PathBuf;

use super::digest::Digest;
use super::report::{BreakKind, ChainBreak, DigestResult, SignatureStatus};
use super::s3_key::{self, LocalIndex};
use super::signature::{self, PublicKeys, SignatureCheck};
use crate::timefmt::format_rfc3339;

/// What checking the digests found.
#[derive(Debug, Default)]
pub struct ChainOutcome {
    pub results: Vec<DigestResult>,
    pub breaks: Vec<ChainBreak>,
    pub notes: Vec<String>,
}

/// The chain a digest belongs to: `account/region/trail/home-region` from
/// its `digestS3Object` file name (or its local file name).
pub fn chain_id(d: &Digest) -> String {
    let from_key = d
        .s3_object
        .as_deref()
        .and_then(|k| s3_key::parse_file_name(s3_key::key_file_name(k)));
    let from_path = || {
        d.path
            .file_name()
            .and_then(|n| s3_key::parse_file_name(&n.to_string_lossy()))
    };
    match from_key.or_else(from_path) {
        Some(n) => format!(
            "{}/{}/{}/{}",
            n.account,
            n.region,
            n.trail.unwrap_or_default(),
            n.home_region.unwrap_or_default()
        ),
        None => format!("{}/?", d.account),
    }
}

/// Checks every digest's link to its predecessor, its location and its
/// signature.
pub fn check(digests: &[Digest], keys: Option<&PublicKeys>) -> ChainOutcome {
    let mut out = ChainOutcome::default();
    let paths: Vec<PathBuf> = digests.iter().map(|d| d.path.clone()).collect();
    let index = LocalIndex::new(paths.iter());
    let by_path: HashMap<&PathBuf, usize> = paths.iter().enumerate().map(|(i, p)| (p, i)).collect();
    let chains: Vec<String> = digests.iter().map(chain_id).collect();
    let oldest = oldest_end_per_chain(digests, &chains);
    let mut problems: Vec<Vec<String>> = vec![Vec::new(); digests.len()];
    // successor[j] = the digest that names j as its previous digest.
    let mut successor: Vec<Option<usize>> = vec![None; digests.len()];

    for (i, d) in digests.iter().enumerate() {
        if let Some(p) = location_problem(d) {
            problems[i].push(p);
        }
        let Some(prev_key) = d.previous_s3_object.as_deref() else {
            if !d.is_start() {
                problems[i].push(
                    "previousDigestS3Object is missing although other previousDigest fields are set"
                        .to_owned(),
                );
            }
            continue;
        };
        let (hits, _) = index.find(prev_key);
        let candidates: Vec<usize> = hits
            .iter()
            .filter_map(|p| by_path.get(p).copied())
            .collect();
        if candidates.is_empty() {
            if is_oldest_in_chain(digests, &chains, &oldest, i) {
                out.notes.push(format!(
                    "{}: the chain continues before the loaded digests (previous digest {prev_key} is not loaded)",
                    d.path.display()
                ));
            } else {
                out.breaks.push(ChainBreak {
                    kind: BreakKind::MissingDigest,
                    digest: prev_key.to_owned(),
                    local_path: None,
                    pointed_at_by: d.path.clone(),
                    detail: "the previous digest is not on disk (deleted?)".to_owned(),
                });
            }
            continue;
        }
        let want = d
            .previous_hash
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let matching = candidates
            .iter()
            .copied()
            .find(|&j| digests[j].sha256 == want);
        let j = match matching {
            Some(j) => j,
            None => {
                let j = candidates[0];
                out.breaks.push(ChainBreak {
                    kind: BreakKind::HashMismatch,
                    digest: prev_key.to_owned(),
                    local_path: Some(digests[j].path.clone()),
                    pointed_at_by: d.path.clone(),
                    detail: format!(
                        "previousDigestHashValue is {want}, the local copy hashes to {}",
                        digests[j].sha256
                    ),
                });
                problems[j].push(format!(
                    "content differs from the hash recorded in the next digest {}",
                    d.path.display()
                ));
                j
            }
        };
        if let Some(other) = successor[j] {
            problems[i].push(format!(
                "names the same previous digest as {} (chain forks)",
                digests[other].path.display()
            ));
        } else {
            successor[j] = Some(i);
        }
        if let (Some(start), Some(prev_end)) = (d.start_ms, digests[j].end_ms)
            && (start - prev_end).abs() > 1000
        {
            out.breaks.push(ChainBreak {
                kind: BreakKind::TimeGap,
                digest: prev_key.to_owned(),
                local_path: Some(digests[j].path.clone()),
                pointed_at_by: d.path.clone(),
                detail: format!(
                    "previous digest ends {}, this one starts {}",
                    format_rfc3339(prev_end),
                    format_rfc3339(start)
                ),
            });
        }
    }
    note_restarts(digests, &chains, &oldest, &mut out.notes);

    for (j, d) in digests.iter().enumerate() {
        let signature = match (keys, successor[j]) {
            (None, _) => SignatureStatus::NotChecked,
            (Some(_), None) => SignatureStatus::NotAvailableOffline,
            (Some(keys), Some(i)) => {
                let status = match digests[i].previous_signature.as_deref() {
                    None => SignatureCheck::Malformed(
                        "the next digest has no previousDigestSignature".to_owned(),
                    ),
                    Some(sig) => signature::verify(d, sig, keys),
                };
                signature_status(status, &digests[i].path, &mut problems[j])
            }
        };
        let mut p = std::mem::take(&mut problems[j]);
        p.extend(d.log_file_problems.iter().cloned());
        p.dedup();
        out.results.push(DigestResult {
            path: d.path.clone(),
            s3_key: d.s3_object.clone(),
            chain: chains[j].clone(),
            digest_end_time: d.end_time.clone(),
            valid: p.is_empty() && !signature.is_failure(),
            signature,
            problems: p,
            warnings: d.warnings.clone(),
        });
    }
    out
}

fn signature_status(
    check: SignatureCheck,
    next: &std::path::Path,
    problems: &mut Vec<String>,
) -> SignatureStatus {
    match check {
        SignatureCheck::Valid => SignatureStatus::Valid,
        SignatureCheck::Failed => {
            problems.push(format!(
                "signature verification failed (signature from {})",
                next.display()
            ));
            SignatureStatus::Failed
        }
        SignatureCheck::KeyNotFound(fp) => {
            problems.push(format!("public key not found for fingerprint {fp}"));
            SignatureStatus::KeyNotFound
        }
        SignatureCheck::KeyNotValidAtTime(reason) => {
            problems.push(reason);
            SignatureStatus::KeyNotValidAtTime
        }
        SignatureCheck::Malformed(m) => {
            problems.push(format!("signature cannot be checked: {m}"));
            SignatureStatus::Malformed
        }
    }
}

/// A digest stored under a different `AWSLogs/...` key (or file name) than
/// its own `digestS3Object` says was moved or swapped.
fn location_problem(d: &Digest) -> Option<String> {
    let key = d.s3_object.as_deref()?;
    let local = d.path.to_string_lossy();
    let strip = |s: String| s.strip_suffix(".gz").map(str::to_owned).unwrap_or(s);
    let same = match (
        s3_key::canonical_suffix(&local),
        s3_key::canonical_suffix(key),
    ) {
        (Some(l), Some(k)) => strip(l) == strip(k),
        _ => {
            let name = |s: &str| strip(s3_key::key_file_name(s).to_owned());
            // Files that were renamed on download (no CloudTrail name) are
            // not judged by name.
            s3_key::parse_file_name(s3_key::key_file_name(&local)).is_none()
                || name(&local) == name(key)
        }
    };
    (!same).then(|| {
        format!("stored at a different place than its digestS3Object {key} (moved or swapped)")
    })
}

/// The earliest `digestEndTime` of each chain.
fn oldest_end_per_chain<'a>(digests: &[Digest], chains: &'a [String]) -> HashMap<&'a str, i64> {
    let mut oldest: HashMap<&str, i64> = HashMap::new();
    for (d, c) in digests.iter().zip(chains) {
        if let Some(end) = d.end_ms {
            let slot = oldest.entry(c.as_str()).or_insert(end);
            *slot = (*slot).min(end);
        }
    }
    oldest
}

/// True when no digest of the same chain ended earlier than digest `i`.
fn is_oldest_in_chain(
    digests: &[Digest],
    chains: &[String],
    oldest: &HashMap<&str, i64>,
    i: usize,
) -> bool {
    match (digests[i].end_ms, oldest.get(chains[i].as_str())) {
        (Some(end), Some(&min)) => end <= min,
        _ => true,
    }
}

/// A starting digest that is not the oldest in its chain means validation
/// or logging was off for a while: normal, but worth saying.
fn note_restarts(
    digests: &[Digest],
    chains: &[String],
    oldest: &HashMap<&str, i64>,
    notes: &mut Vec<String>,
) {
    for (i, d) in digests.iter().enumerate() {
        if d.is_start() && !is_oldest_in_chain(digests, chains, oldest, i) {
            notes.push(format!(
                "{}: a new chain starts here (validation or logging was restarted)",
                d.path.display()
            ));
        }
    }
}
