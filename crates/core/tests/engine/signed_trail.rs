//! A small signed CloudTrail trail built in a temp dir with the real S3
//! layout: an RSA key pair made for the test, hourly log files, a digest
//! chain signed like CloudTrail signs it, and the `list-public-keys` file.
//! Shared by the integrity tests (a module of each test binary that uses it).

#![allow(dead_code)]

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
use trailview_core::integrity::{self, IntegrityReport};

pub const ACCT: &str = "111122223333";
pub const REGION: &str = "us-east-1";
pub const TRAIL: &str = "main-trail";
pub const BUCKET: &str = "evidence-bucket";
pub const FINGERPRINT: &str = "0123456789abcdef0123456789abcdef";
pub const HOURS: usize = 4;

pub fn private_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut rng = rand08::thread_rng();
        RsaPrivateKey::new(&mut rng, 1024).expect("generate key")
    })
}

pub fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

pub fn gunzip(data: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(data)
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

pub fn sha(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A signed trail on disk: hour `h` has two log files and digest `h`
/// covers hour `h` (the last digest is empty).
pub struct Trail {
    pub dir: tempfile::TempDir,
    /// Local paths of the digests, oldest first.
    pub digests: Vec<PathBuf>,
    /// S3 keys of the digests.
    pub digest_keys: Vec<String>,
    /// Local paths of the log files, by hour.
    pub logs: Vec<Vec<PathBuf>>,
    pub keys_file: PathBuf,
}

pub fn stamp(h: usize, m: usize) -> String {
    format!("20240101T{h:02}{m:02}Z")
}

pub fn time(h: usize) -> String {
    format!("2024-01-01T{h:02}:00:00Z")
}

pub fn sign(digest_text: &[u8]) -> String {
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
    pub fn build() -> Trail {
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

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("download")
    }

    pub fn verify(&self) -> IntegrityReport {
        integrity::verify(&[self.root()], Some(&self.keys_file)).expect("verify")
    }

    pub fn rewrite_digest(&self, i: usize, f: impl FnOnce(&mut Value)) {
        let mut v: Value =
            serde_json::from_slice(&gunzip(&std::fs::read(&self.digests[i]).expect("read")))
                .expect("json");
        f(&mut v);
        let content = serde_json::to_vec(&v).expect("json");
        std::fs::write(&self.digests[i], gz(&content)).expect("write");
    }

    /// Changes one byte of a log file's uncompressed content (the first
    /// `G`, as in `GetObject`, becomes `P`) and writes it back gzipped.
    pub fn tamper_log(&self, path: &Path) {
        let mut plain = gunzip(&std::fs::read(path).expect("read"));
        let pos = plain.iter().position(|&b| b == b'G').expect("G");
        plain[pos] = b'P';
        std::fs::write(path, gz(&plain)).expect("write");
    }
}
