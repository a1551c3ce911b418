//! Offline integrity validation on a small signed trail built in a temp dir
//! with the real S3 layout, then tampered with in each way an attacker or an
//! accident could: every change must be detected and named.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine as _;
use flate2::Compression;
use flate2::write::GzEncoder;
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use trailview::integrity::{
    self, BreakKind, FileStatus, IntegrityReport, SignatureStatus, s3_key::MatchKind,
};

const ACCT: &str = "111122223333";
const REGION: &str = "us-east-1";
const TRAIL: &str = "main-trail";
const BUCKET: &str = "evidence-bucket";
const FINGERPRINT: &str = "0123456789abcdef0123456789abcdef";
const HOURS: usize = 4;

fn private_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut rng = rand08::thread_rng();
        RsaPrivateKey::new(&mut rng, 1024).expect("generate key")
    })
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(data)
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

fn sha(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A signed trail on disk: hour `h` has two log files and digest `h`
/// covers hour `h` (the last digest is empty).
struct Trail {
    dir: tempfile::TempDir,
    /// Local paths of the digests, oldest first.
    digests: Vec<PathBuf>,
    /// S3 keys of the digests.
    digest_keys: Vec<String>,
    /// Local paths of the log files, by hour.
    logs: Vec<Vec<PathBuf>>,
    keys_file: PathBuf,
}

fn stamp(h: usize, m: usize) -> String {
    format!("20240101T{h:02}{m:02}Z")
}

fn time(h: usize) -> String {
    format!("2024-01-01T{h:02}:00:00Z")
}

fn sign(digest_text: &[u8]) -> String {
    let v: Value = serde_json::from_slice(digest_text).expect("digest json");
    let prev = v["previousDigestSignature"].as_str().unwrap_or("null");
    let message = format!(
        "{}\n{}/{}\n{}\n{}",
        v["digestEndTime"].as_str().expect("end"),
        v["digestS3Bucket"].as_str().expect("bucket"),
        v["digestS3Object"].as_str().expect("object"),
        sha(digest_text),
        prev
    );
    let hashed = Sha256::digest(message.as_bytes());
    let sig = private_key()
        .sign(Pkcs1v15Sign::new::<Sha256>(), &hashed)
        .expect("sign");
    hex::encode(sig)
}

impl Trail {
    fn build() -> Trail {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("download/bucket-copy");
        let log_dir = format!("AWSLogs/{ACCT}/CloudTrail/{REGION}/2024/01/01");
        let digest_dir = format!("AWSLogs/{ACCT}/CloudTrail-Digest/{REGION}/2024/01/01");
        std::fs::create_dir_all(root.join(&log_dir)).expect("mkdir");
        std::fs::create_dir_all(root.join(&digest_dir)).expect("mkdir");
        let mut trail = Trail {
            keys_file: dir.path().join("keys.json"),
            dir,
            digests: Vec::new(),
            digest_keys: Vec::new(),
            logs: Vec::new(),
        };
        let mut previous: Option<(String, Vec<u8>, String)> = None; // key, content, signature
        for h in 0..HOURS {
            let mut entries = Vec::new();
            let mut paths = Vec::new();
            let n_logs = if h == HOURS - 1 { 0 } else { 2 };
            for i in 0..n_logs {
                let name = format!(
                    "{ACCT}_CloudTrail_{REGION}_{}_U{h}{i}abcdefghijklmn.json.gz",
                    stamp(h, 10 + 20 * i)
                );
                let key = format!("{log_dir}/{name}");
                let body = format!(
                    r#"{{"Records":[{{"eventVersion":"1.08","eventID":"{h}-{i}","eventTime":"2024-01-01T{h:02}:0{i}:00Z","eventName":"GetObject"}}]}}"#
                );
                let path = root.join(&key);
                std::fs::write(&path, gz(body.as_bytes())).expect("write log");
                entries.push(json!({
                    "s3Bucket": BUCKET, "s3Object": key, "hashValue": sha(body.as_bytes()),
                    "hashAlgorithm": "SHA-256",
                    "newestEventTime": time(h), "oldestEventTime": time(h)
                }));
                paths.push(path);
            }
            let end = h + 1;
            let key = format!(
                "{digest_dir}/{ACCT}_CloudTrail-Digest_{REGION}_{TRAIL}_{REGION}_20240101T{end:02}0000Z.json.gz"
            );
            let (pkey, phash, psig) = match &previous {
                Some((k, c, s)) => (json!(k), json!(sha(c)), json!(s)),
                None => (Value::Null, Value::Null, Value::Null),
            };
            let digest = json!({
                "awsAccountId": ACCT,
                "digestStartTime": time(h), "digestEndTime": time(end),
                "digestS3Bucket": BUCKET, "digestS3Object": key,
                "digestPublicKeyFingerprint": FINGERPRINT,
                "digestSignatureAlgorithm": "SHA256withRSA",
                "newestEventTime": if n_logs > 0 { json!(time(h)) } else { Value::Null },
                "oldestEventTime": if n_logs > 0 { json!(time(h)) } else { Value::Null },
                "previousDigestS3Bucket": if previous.is_some() { json!(BUCKET) } else { Value::Null },
                "previousDigestS3Object": pkey,
                "previousDigestHashValue": phash,
                "previousDigestHashAlgorithm": if previous.is_some() { json!("SHA-256") } else { Value::Null },
                "previousDigestSignature": psig,
                "logFiles": entries,
            });
            let content = serde_json::to_vec(&digest).expect("json");
            let path = root.join(&key);
            std::fs::write(&path, gz(&content)).expect("write digest");
            let signature = sign(&content);
            previous = Some((key.clone(), content, signature));
            trail.digests.push(path);
            trail.digest_keys.push(key);
            trail.logs.push(paths);
        }
        let der = private_key().to_public_key().to_pkcs1_der().expect("der");
        let keys = json!({"PublicKeyList": [
            {"Value": base64::engine::general_purpose::STANDARD.encode(der.as_bytes()),
             "ValidityStartTime": "2023-12-01T00:00:00+00:00",
             "ValidityEndTime": "2024-02-01T00:00:00+00:00",
             "Fingerprint": FINGERPRINT}
        ]});
        std::fs::write(&trail.keys_file, keys.to_string()).expect("keys");
        trail
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("download")
    }

    fn verify(&self) -> IntegrityReport {
        integrity::verify(&[self.root()], Some(&self.keys_file)).expect("verify")
    }

    fn rewrite_digest(&self, i: usize, f: impl FnOnce(&mut Value)) {
        let mut v: Value =
            serde_json::from_slice(&gunzip(&std::fs::read(&self.digests[i]).expect("read")))
                .expect("json");
        f(&mut v);
        let content = serde_json::to_vec(&v).expect("json");
        std::fs::write(&self.digests[i], gz(&content)).expect("write");
    }
}

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
    let mut plain = gunzip(&std::fs::read(victim).expect("read"));
    let pos = plain.iter().position(|&b| b == b'G').expect("G");
    plain[pos] = b'P';
    std::fs::write(victim, gz(&plain)).expect("write");
    let r = t.verify();
    assert!(!r.all_valid());
    assert_eq!(r.summary.modified, 1);
    assert_eq!(r.status_of_file(victim), FileStatus::Modified);
    assert_eq!(r.status_of_file(&t.logs[1][1]), FileStatus::Valid);
    assert!(problems(&r).contains(&format!("MODIFIED: {}", victim.display())));
    // The digests themselves are untouched.
    assert_eq!(r.summary.digests_valid, HOURS);
    // Events read from the modified file are marked as such.
    let mut store = trailview::store::Store::new();
    for (i, p) in [victim, &t.logs[1][1]].into_iter().enumerate() {
        let mut b = trailview::store::batch::BatchBuilder::new(p.clone());
        let _ = b.push_raw(&format!(r#"{{"eventID":"e{i}","eventName":"X"}}"#), 0);
        store.append(b.finish());
    }
    let index = trailview::case::IntegrityIndex::new(&store, &r);
    let ann = trailview::case::EventAnnotations::new(&store, None, Some(&index));
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
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

#[test]
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
    let r = integrity::verify(&[corpus()], None).expect("verify corpus");
    assert_eq!(r.summary.digests_total, 5);
    assert!(
        r.summary.missing > 0,
        "the corpus holds no listed log files"
    );
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
    let mut store = trailview::store::Store::new();
    let load = trailview::ingest::load_paths(
        &[t.root()],
        &trailview::ingest::LoadOptions::default(),
        &mut store,
    );
    assert_eq!(load.digests.len(), HOURS, "{:?}", load.problems);
    let r = integrity::verify_loaded(&load, None).expect("digests were loaded");
    assert_eq!(r.summary.digests_total, HOURS);
    assert_eq!(r.summary.missing, 0, "{}", problems(&r));
    assert_eq!(r.status_of_file(&t.logs[0][0]), FileStatus::Modified);
    assert_eq!(r.summary.logs_valid, 5);
    let index = trailview::case::IntegrityIndex::new(&store, &r);
    let ann = trailview::case::EventAnnotations::new(&store, None, Some(&index));
    assert!(!store.is_empty());
    assert!((0..store.len() as u32).all(|i| ann.integrity(i) == "valid"));
}
