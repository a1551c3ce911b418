//! Offline integrity validation on a small signed trail built in a temp dir
//! with the real S3 layout, then tampered with in each way an attacker or an
//! accident could: every change must be detected and named.

use crate::signed_trail;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use signed_trail::*;
use trailview_core::ingest::PushRecord;
use trailview_core::integrity::{
    self, BreakKind, FileStatus, IntegrityReport, SignatureStatus, s3_key::MatchKind,
};

fn problems(report: &IntegrityReport) -> String {
    report.render_text()
}

#[test]
fn untouched_trail_is_valid_and_signed() {
    let t = Trail::build();
    let r = t.verify();
    let s = &r.summary;
    assert!(r.all_valid(), "{}", problems(&r));
    assert_eq!((s.digests_valid, s.digests_total), (HOURS, HOURS));
    assert_eq!((s.logs_valid, s.logs_total), (6, 6));
    assert!(s.signatures_checked);
    assert_eq!(s.signatures_valid, HOURS - 1);
    assert_eq!(s.signatures_not_available, 1);
    let newest = r
        .digests
        .iter()
        .find(|d| d.path == t.digests[HOURS - 1])
        .expect("newest");
    assert_eq!(newest.signature, SignatureStatus::NotAvailableOffline);
    assert!(newest.valid);
    assert_eq!(r.status_of_file(&t.logs[0][0]), FileStatus::Valid);
    assert!(
        r.logs
            .iter()
            .all(|l| l.matched_by == Some(MatchKind::S3Key))
    );
    assert!(
        r.summary_line()
            .starts_with("4/4 digests valid, 6/6 log files valid"),
        "{}",
        r.summary_line()
    );
}

#[test]
fn without_keys_signatures_are_not_checked() {
    let t = Trail::build();
    let r = integrity::verify(&[t.root()], None).expect("verify");
    assert!(r.all_valid(), "{}", problems(&r));
    assert!(!r.summary.signatures_checked);
    assert!(
        r.digests
            .iter()
            .all(|d| d.signature == SignatureStatus::NotChecked)
    );
    assert!(r.render_text().contains("signatures not checked"));
}

#[test]
fn one_changed_byte_in_a_log_file_is_modified() {
    let t = Trail::build();
    let victim = &t.logs[1][0];
    t.tamper_log(victim);
    let r = t.verify();
    assert!(!r.all_valid());
    assert_eq!(r.summary.modified, 1);
    assert_eq!(r.status_of_file(victim), FileStatus::Modified);
    assert_eq!(r.status_of_file(&t.logs[1][1]), FileStatus::Valid);
    assert!(problems(&r).contains(&format!("MODIFIED: {}", victim.display())));
    // The digests themselves are untouched.
    assert_eq!(r.summary.digests_valid, HOURS);
    // Events read from the modified file are marked as such.
    let mut store = trailview_core::store::Store::new();
    for (i, p) in [victim, &t.logs[1][1]].into_iter().enumerate() {
        let mut b = trailview_core::store::batch::BatchBuilder::new(p.clone());
        let _ = b.push_raw(&format!(r#"{{"eventID":"e{i}","eventName":"X"}}"#), 0);
        store.append(b.finish());
    }
    let index = trailview_core::case::IntegrityIndex::new(&store, &r);
    let ann = trailview_core::case::EventAnnotations::new(&store, None, Some(&index));
    assert_eq!(ann.integrity(0), "modified");
    assert_eq!(ann.integrity(1), "valid");
}

#[test]
fn trailing_garbage_after_gzip_is_invalid_format() {
    let t = Trail::build();
    let victim = &t.logs[0][1];
    let mut bytes = std::fs::read(victim).expect("read");
    bytes.extend_from_slice(b"\0\0junk");
    std::fs::write(victim, bytes).expect("write");
    let r = t.verify();
    let log = r
        .logs
        .iter()
        .find(|l| l.path.as_deref() == Some(victim.as_path()))
        .expect("row");
    assert_eq!(log.status, FileStatus::Modified);
    assert!(log.detail.contains("invalid format"), "{}", log.detail);
}

#[test]
fn a_deleted_log_file_is_missing() {
    let t = Trail::build();
    std::fs::remove_file(&t.logs[2][1]).expect("rm");
    let r = t.verify();
    assert_eq!(r.summary.missing, 1);
    let name = t.logs[2][1]
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let missing = r
        .logs
        .iter()
        .find(|l| l.status == FileStatus::Missing)
        .expect("missing row");
    assert!(
        missing
            .s3_key
            .as_deref()
            .is_some_and(|k| k.ends_with(&name))
    );
    assert_eq!(missing.digest.as_deref(), Some(t.digests[2].as_path()));
    assert!(problems(&r).contains("MISSING: AWSLogs/"));
}

#[test]
fn an_added_log_file_is_not_covered() {
    let t = Trail::build();
    let dir = t.logs[1][0].parent().expect("dir");
    let added = dir.join(format!(
        "{ACCT}_CloudTrail_{REGION}_{}_ADDEDaaaaaaaaaaa.json.gz",
        stamp(1, 45)
    ));
    std::fs::write(&added, gz(br#"{"Records":[{"eventID":"evil"}]}"#)).expect("write");
    // A file from long after the digests is simply without digest.
    let later = dir.join(format!(
        "{ACCT}_CloudTrail_{REGION}_20240105T0000Z_LATERaaaaaaaaaaa.json.gz"
    ));
    std::fs::write(&later, gz(br#"{"Records":[]}"#)).expect("write");
    let r = t.verify();
    assert_eq!(r.status_of_file(&added), FileStatus::NotCovered);
    assert_eq!(r.status_of_file(&later), FileStatus::NoDigest);
    assert_eq!(r.summary.not_covered, 1);
    assert!(!r.all_valid());
    assert!(problems(&r).contains(&format!("NOT COVERED: {}", added.display())));
}

#[test]
fn a_deleted_digest_breaks_the_chain_and_is_named() {
    let t = Trail::build();
    std::fs::remove_file(&t.digests[1]).expect("rm");
    let r = t.verify();
    assert!(!r.all_valid());
    let b = r
        .chain_breaks
        .iter()
        .find(|b| b.kind == BreakKind::MissingDigest)
        .expect("break");
    assert_eq!(b.digest, t.digest_keys[1]);
    assert_eq!(b.pointed_at_by, t.digests[2]);
    // The logs it listed are no longer covered by any digest.
    assert_eq!(r.status_of_file(&t.logs[1][0]), FileStatus::NotCovered);
    // Digest 0's signature lived in the deleted digest.
    let d0 = r
        .digests
        .iter()
        .find(|d| d.path == t.digests[0])
        .expect("d0");
    assert_eq!(d0.signature, SignatureStatus::NotAvailableOffline);
    // Deleting the oldest digest is indistinguishable from a partial
    // download: a note, not a break.
    let t2 = Trail::build();
    std::fs::remove_file(&t2.digests[0]).expect("rm");
    let r2 = t2.verify();
    assert!(r2.chain_breaks.is_empty(), "{}", problems(&r2));
    assert!(
        r2.notes
            .iter()
            .any(|n| n.contains("before the loaded digests"))
    );
}

#[test]
fn reordered_digests_are_detected() {
    let t = Trail::build();
    let a = std::fs::read(&t.digests[1]).expect("read");
    let b = std::fs::read(&t.digests[2]).expect("read");
    std::fs::write(&t.digests[1], b).expect("write");
    std::fs::write(&t.digests[2], a).expect("write");
    let r = t.verify();
    assert!(!r.all_valid());
    let text = problems(&r);
    for i in [1, 2] {
        let d = r
            .digests
            .iter()
            .find(|d| d.path == t.digests[i])
            .expect("digest");
        assert!(!d.valid, "{text}");
        assert!(
            d.problems.iter().any(|p| p.contains("moved or swapped")),
            "{text}"
        );
    }
    assert!(
        r.chain_breaks
            .iter()
            .any(|b| b.kind == BreakKind::HashMismatch),
        "{text}"
    );
}

#[test]
fn a_swapped_signature_fails_and_names_the_digest() {
    let t = Trail::build();
    // Digest 2 carries digest 1's signature; give it digest 0's instead.
    let other = {
        let v: Value =
            serde_json::from_slice(&gunzip(&std::fs::read(&t.digests[1]).expect("read")))
                .expect("json");
        v["previousDigestSignature"].clone()
    };
    t.rewrite_digest(2, |v| v["previousDigestSignature"] = other);
    let r = t.verify();
    let d1 = r
        .digests
        .iter()
        .find(|d| d.path == t.digests[1])
        .expect("d1");
    assert_eq!(d1.signature, SignatureStatus::Failed, "{}", problems(&r));
    assert!(!d1.valid);
    assert!(problems(&r).contains(&format!(
        "INVALID DIGEST: {}: signature verification failed",
        t.digests[1].display()
    )));
    // Rewriting digest 2 also changed its hash, which digest 3 recorded.
    let b = r
        .chain_breaks
        .iter()
        .find(|b| b.kind == BreakKind::HashMismatch)
        .expect("hash break");
    assert_eq!(b.digest, t.digest_keys[2]);
    assert_eq!(b.pointed_at_by, t.digests[3]);
}

#[test]
fn an_unknown_fingerprint_counts_as_not_valid() {
    let t = Trail::build();
    t.rewrite_digest(0, |v| {
        v["digestPublicKeyFingerprint"] = json!("ffffffffffffffffffffffffffffffff")
    });
    let r = t.verify();
    let d0 = r
        .digests
        .iter()
        .find(|d| d.path == t.digests[0])
        .expect("d0");
    assert_eq!(d0.signature, SignatureStatus::KeyNotFound);
    assert!(!d0.valid);
    assert!(
        d0.problems
            .iter()
            .any(|p| p.contains("ffffffffffffffffffffffffffffffff"))
    );
}

#[test]
fn a_time_gap_between_digests_is_a_break() {
    let t = Trail::build();
    // Re-sign nothing: the gap alone must be reported (the hash break that
    // comes with editing digest 2 is expected as well).
    t.rewrite_digest(2, |v| v["digestStartTime"] = json!("2024-01-01T02:30:00Z"));
    let r = t.verify();
    let gap = r
        .chain_breaks
        .iter()
        .find(|b| b.kind == BreakKind::TimeGap)
        .expect("gap");
    assert_eq!(gap.digest, t.digest_keys[1]);
    assert_eq!(gap.pointed_at_by, t.digests[2]);
}

#[test]
fn a_flattened_copy_is_matched_by_file_name() {
    let t = Trail::build();
    let flat = t.dir.path().join("flat");
    std::fs::create_dir_all(&flat).expect("mkdir");
    let mut copied = Vec::new();
    for p in t.digests.iter().chain(t.logs.iter().flatten()) {
        let dest = flat.join(p.file_name().expect("name"));
        std::fs::copy(p, &dest).expect("copy");
        copied.push(dest);
    }
    // One log kept decompressed, without `.gz`.
    let plain_src = &t.logs[0][0];
    let plain_dest = flat.join(
        plain_src
            .file_name()
            .expect("name")
            .to_string_lossy()
            .trim_end_matches(".gz"),
    );
    std::fs::remove_file(flat.join(plain_src.file_name().expect("name"))).expect("rm");
    std::fs::write(
        &plain_dest,
        gunzip(&std::fs::read(plain_src).expect("read")),
    )
    .expect("write");
    let r = integrity::verify(&[flat], Some(&t.keys_file)).expect("verify");
    assert!(r.all_valid(), "{}", problems(&r));
    assert!(
        r.logs
            .iter()
            .all(|l| l.matched_by == Some(MatchKind::FileName))
    );
    assert_eq!(r.status_of_file(&plain_dest), FileStatus::Valid);
    assert_eq!(r.summary.signatures_valid, HOURS - 1);
}

#[test]
fn bad_arguments_are_errors() {
    let t = Trail::build();
    assert!(integrity::verify(&[t.root().join("nope")], None).is_err());
    let bad_keys = t.dir.path().join("bad.json");
    std::fs::write(&bad_keys, "{}").expect("write");
    assert!(integrity::verify(&[t.root()], Some(&bad_keys)).is_err());
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn every_real_digest_in_the_corpus_parses() {
    let dirs = [
        "elastic-integrations/digest",
        "awsdocs-cloudtrail-user-guide/digest",
        "otel-collector-contrib/testdata",
    ];
    let mut parsed = 0;
    for d in dirs {
        let (files, errors) = integrity::files::collect(&[corpus().join(d)]);
        assert!(errors.is_empty(), "{errors:?}");
        for p in &files.digests {
            let digest = integrity::Digest::read(p).expect("parse real digest");
            parsed += 1;
            if p.ends_with("cloudtrail_digest.json") {
                let w = digest.warnings.join("\n");
                assert!(w.contains("2025-10-21TT00:52:27Z"), "{w}");
                assert!(w.contains("previousDigestSignature is not hex"), "{w}");
            }
        }
    }
    assert_eq!(parsed, 5);
    // The whole check over the corpus runs and reports instead of failing.
    // It also finds the copy of elastic's digest kept under a `.log` name
    // (recognised by its content, as the loader does).
    let r = integrity::verify(&[corpus()], None).expect("verify corpus");
    assert_eq!(r.summary.digests_total, 6);
    assert!(r.digests.iter().any(|d| {
        d.path
            .ends_with("pipeline-tests/test-cloudtrail-digest-json.log")
    }));
    assert!(
        r.summary.missing > 0,
        "the corpus holds no listed log files"
    );
}

/// `trailview verify PATH` and the app's check after loading PATH look at
/// the same files and reach the same verdict.
#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn verify_and_the_check_after_a_load_agree_on_the_corpus() {
    let walked = integrity::verify(&[corpus()], None).expect("verify corpus");
    let mut store = trailview_core::store::Store::new();
    let report = trailview_core::ingest::load_paths(
        &[corpus()],
        &trailview_core::ingest::LoadOptions::default(),
        &mut store,
    );
    let loaded = integrity::verify_loaded(&report, None).expect("the corpus has digests");
    assert_eq!(walked.summary_line(), loaded.summary_line());
    let paths = |r: &IntegrityReport| -> Vec<PathBuf> {
        let mut p: Vec<PathBuf> = r.digests.iter().map(|d| d.path.clone()).collect();
        p.sort();
        p
    };
    assert_eq!(paths(&walked), paths(&loaded));
}

#[test]
fn a_restarted_chain_is_a_note_not_a_break() {
    let t = Trail::build();
    let last = HOURS - 1;
    t.rewrite_digest(last, |v| {
        for k in [
            "previousDigestS3Bucket",
            "previousDigestS3Object",
            "previousDigestHashValue",
            "previousDigestHashAlgorithm",
            "previousDigestSignature",
        ] {
            v[k] = Value::Null;
        }
    });
    let r = t.verify();
    assert!(r.all_valid(), "{}", problems(&r));
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("a new chain starts here"))
    );
    // The digest before the restart has no successor carrying its signature.
    let prev = r
        .digests
        .iter()
        .find(|d| d.path == t.digests[last - 1])
        .expect("digest");
    assert_eq!(prev.signature, SignatureStatus::NotAvailableOffline);
}

#[test]
fn an_organization_segment_on_disk_still_matches() {
    let t = Trail::build();
    let aws_logs = t.root().join("bucket-copy/AWSLogs");
    let org = aws_logs.join("o-exampleorg1");
    std::fs::create_dir_all(&org).expect("mkdir");
    std::fs::rename(aws_logs.join(ACCT), org.join(ACCT)).expect("move");
    let r = t.verify();
    assert!(r.all_valid(), "{}", problems(&r));
    assert_eq!(r.summary.logs_valid, 6);
    assert!(
        r.logs
            .iter()
            .all(|l| l.matched_by == Some(MatchKind::S3Key))
    );
    assert_eq!(r.summary.signatures_valid, HOURS - 1);
}

#[test]
fn the_loaders_lists_are_reused_and_a_corrupt_log_is_modified_not_missing() {
    let t = Trail::build();
    // Make one listed log unreadable as CloudTrail: the loader reports a
    // problem and keeps no events from it.
    std::fs::write(&t.logs[0][0], gz(b"{\"Records\":[ not json")).expect("write");
    let mut store = trailview_core::store::Store::new();
    let load = trailview_core::ingest::load_paths(
        &[t.root()],
        &trailview_core::ingest::LoadOptions::default(),
        &mut store,
    );
    assert_eq!(load.digests.len(), HOURS, "{:?}", load.problems);
    let r = integrity::verify_loaded(&load, None).expect("digests were loaded");
    assert_eq!(r.summary.digests_total, HOURS);
    assert_eq!(r.summary.missing, 0, "{}", problems(&r));
    assert_eq!(r.status_of_file(&t.logs[0][0]), FileStatus::Modified);
    assert_eq!(r.summary.logs_valid, 5);
    let index = trailview_core::case::IntegrityIndex::new(&store, &r);
    let ann = trailview_core::case::EventAnnotations::new(&store, None, Some(&index));
    assert!(!store.is_empty());
    assert!((0..store.len() as u32).all(|i| ann.integrity(i) == "valid"));
}
