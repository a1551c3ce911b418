//! Fuzz target `digest`: CloudTrail digest parsing and verification.
//!
//! The input is one flags byte and a digest file's uncompressed content.
//! The content is parsed in memory (`integrity::digest::Digest::parse`),
//! then written as a digest file of a small trail in a fresh temporary
//! folder (real S3 layout, one log file) and the trail is verified the way
//! `trailview verify` does (`integrity::verify`: walk, `Digest::read`,
//! chain, log files, signatures), and the report is rendered.
//!
//! Flags (first byte): bit 0 writes the digest gzip-compressed; bit 1
//! checks signatures against a fixed `list-public-keys` file (a 1024-bit
//! RSA key made once per process from a fixed seed); bit 2 adds the
//! trail's first digest `D0` (valid, signed, listing the log file); bit 3
//! adds a next digest that names the fuzzed one as its previous digest
//! (with its real hash and a made-up signature), so the fuzzed digest's
//! own signature is checked too.
//!
//! Placeholders in the content are replaced before it is written, so a
//! seed can be a valid successor of `D0`: `@@D0_KEY@@`, `@@D0_SHA256@@`,
//! `@@D0_SIGNATURE@@`, `@@LOG_KEY@@`, `@@LOG_SHA256@@`, `@@FINGERPRINT@@`.
//!
//! Checked: no panic; reading the file gives what parsing the content
//! gave (when the content is not itself gzip written plain: then the
//! reader rightly inflates it); the report has one result per digest file.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use rand08::SeedableRng;
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::{Digest as _, Sha256};
use trailview_core::integrity::{self, Digest, PublicKeys, s3_key};
use trailview_fuzz::gzip;

const ACCOUNT: &str = "111122223333";
const BUCKET: &str = "evidence-bucket";
const FINGERPRINT: &str = "0123456789abcdef0123456789abcdef";
const LOG_DIR: &str = "AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/01";
const DIGEST_DIR: &str = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/01/01";
const LOG_NAME: &str = "111122223333_CloudTrail_us-east-1_20240101T0010Z_abcdefghijklmnop.json.gz";

fn digest_key(hour: u32) -> String {
    format!(
        "{DIGEST_DIR}/{ACCOUNT}_CloudTrail-Digest_us-east-1_main-trail_us-east-1_20240101T{hour:02}0000Z.json.gz"
    )
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The fixed parts of the trail, made once per process.
struct Fixture {
    log_body: Vec<u8>,
    /// Uncompressed content of the first digest and its signature (hex).
    d0: Vec<u8>,
    d0_signature: String,
    /// The `list-public-keys` file's content.
    keys_json: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // A fixed seed: the same key (and so the same signatures) in every
        // run, so a crash reproduces.
        let mut rng = rand08::rngs::StdRng::seed_from_u64(0x7a11_d16e);
        let key = RsaPrivateKey::new(&mut rng, 1024).expect("generate the test key");
        let der = key
            .to_public_key()
            .to_pkcs1_der()
            .expect("encode the test public key");
        let keys_json = serde_json::json!({"PublicKeyList": [{
            "Value": base64::engine::general_purpose::STANDARD.encode(der.as_bytes()),
            "Fingerprint": FINGERPRINT,
            "ValidityStartTime": "2020-01-01T00:00:00Z",
            "ValidityEndTime": "2030-01-01T00:00:00Z",
        }]})
        .to_string()
        .into_bytes();
        let log_body = br#"{"Records":[{"eventVersion":"1.08","eventID":"0b0b7c1e-0000-4000-8000-000000000001","eventTime":"2024-01-01T00:10:00Z","eventName":"GetObject","eventSource":"s3.amazonaws.com","awsRegion":"us-east-1","recipientAccountId":"111122223333"}]}"#.to_vec();
        let d0 = serde_json::json!({
            "awsAccountId": ACCOUNT,
            "digestStartTime": "2024-01-01T00:00:00Z",
            "digestEndTime": "2024-01-01T01:00:00Z",
            "digestS3Bucket": BUCKET,
            "digestS3Object": digest_key(1),
            "digestPublicKeyFingerprint": FINGERPRINT,
            "digestSignatureAlgorithm": "SHA256withRSA",
            "newestEventTime": "2024-01-01T00:10:00Z",
            "oldestEventTime": "2024-01-01T00:10:00Z",
            "previousDigestS3Bucket": null,
            "previousDigestS3Object": null,
            "previousDigestHashValue": null,
            "previousDigestHashAlgorithm": null,
            "previousDigestSignature": null,
            "logFiles": [{
                "s3Bucket": BUCKET,
                "s3Object": format!("{LOG_DIR}/{LOG_NAME}"),
                "hashValue": sha(&log_body),
                "hashAlgorithm": "SHA-256",
                "newestEventTime": "2024-01-01T00:10:00Z",
                "oldestEventTime": "2024-01-01T00:10:00Z",
            }],
        })
        .to_string()
        .into_bytes();
        let message = format!(
            "2024-01-01T01:00:00Z\n{BUCKET}/{}\n{}\nnull",
            digest_key(1),
            sha(&d0)
        );
        let signature = key
            .sign(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(message.as_bytes()),
            )
            .expect("sign the first digest");
        Fixture {
            log_body,
            d0,
            d0_signature: hex::encode(signature),
            keys_json,
        }
    })
}

/// `haystack` with every `needle` replaced by `with`.
fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// The content with the placeholders filled in.
fn fill_placeholders(content: &[u8], fx: &Fixture) -> Vec<u8> {
    if !content.windows(2).any(|w| w == b"@@") {
        return content.to_vec();
    }
    let log_key = format!("{LOG_DIR}/{LOG_NAME}");
    let pairs = [
        ("@@D0_KEY@@", digest_key(1)),
        ("@@D0_SHA256@@", sha(&fx.d0)),
        ("@@D0_SIGNATURE@@", fx.d0_signature.clone()),
        ("@@LOG_KEY@@", log_key),
        ("@@LOG_SHA256@@", sha(&fx.log_body)),
        ("@@FINGERPRINT@@", FINGERPRINT.to_owned()),
    ];
    let mut out = content.to_vec();
    for (needle, with) in pairs {
        out = replace_all(&out, needle.as_bytes(), with.as_bytes());
    }
    out
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("a file in a folder"))
        .expect("create the trail folders");
    std::fs::write(path, bytes).expect("write a trail file");
}

/// Calls the S3 key helpers that digest fields go through.
fn poke_key_parsers(text: &str) {
    let _ = s3_key::parse_file_name(text);
    let _ = s3_key::awslogs_suffix(text);
    let _ = s3_key::canonical_suffix(text);
    let _ = s3_key::key_file_name(text);
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, content)) = data.split_first() else {
        return;
    };
    let (gzipped, with_keys, with_d0, with_next) = (
        flags & 1 != 0,
        flags & 2 != 0,
        flags & 4 != 0,
        flags & 8 != 0,
    );
    let fx = fixture();
    let content = fill_placeholders(content, fx);

    // In memory.
    let fuzzed_key = digest_key(2);
    let dir = tempfile::tempdir().expect("temporary folder for the trail");
    let root = dir.path().join("trail");
    let fuzzed_path: PathBuf = root.join(&fuzzed_key);
    let parsed = Digest::parse(&fuzzed_path, &content);
    let _ = PublicKeys::parse(&content);
    if let Ok(text) = std::str::from_utf8(&content) {
        poke_key_parsers(text);
    }
    if let Ok(d) = &parsed {
        for key in [&d.s3_object, &d.previous_s3_object].into_iter().flatten() {
            poke_key_parsers(key);
        }
        let _ = integrity::chain::chain_id(d);
        let _ = integrity::signature::string_to_sign(d);
    }

    // On disk, in a trail.
    write(&root.join(LOG_DIR).join(LOG_NAME), &gzip(&fx.log_body));
    let on_disk = if gzipped {
        gzip(&content)
    } else {
        content.clone()
    };
    write(&fuzzed_path, &on_disk);
    let mut digests = 1;
    if with_d0 {
        write(&root.join(digest_key(1)), &gzip(&fx.d0));
        digests += 1;
    }
    if with_next {
        let next = serde_json::json!({
            "awsAccountId": ACCOUNT,
            "digestStartTime": "2024-01-01T02:00:00Z",
            "digestEndTime": "2024-01-01T03:00:00Z",
            "digestS3Bucket": BUCKET,
            "digestS3Object": digest_key(3),
            "digestPublicKeyFingerprint": FINGERPRINT,
            "digestSignatureAlgorithm": "SHA256withRSA",
            "previousDigestS3Bucket": BUCKET,
            "previousDigestS3Object": fuzzed_key,
            "previousDigestHashValue": sha(&content),
            "previousDigestHashAlgorithm": "SHA-256",
            "previousDigestSignature": "ab".repeat(128),
            "logFiles": [],
        })
        .to_string();
        write(&root.join(digest_key(3)), &gzip(next.as_bytes()));
        digests += 1;
    }

    // Reading the file gives what parsing the content gave, unless plain
    // content that is itself gzip was written (the reader inflates it).
    let read = Digest::read(&fuzzed_path);
    if gzipped || !content.starts_with(&[0x1f, 0x8b]) {
        match (&parsed, &read) {
            (Ok(p), Ok(r)) => {
                assert_eq!(p.sha256, r.sha256, "sha256 of parse and read differ");
                assert_eq!(
                    p.log_files, r.log_files,
                    "log files of parse and read differ"
                );
                assert_eq!(p.warnings, r.warnings, "warnings of parse and read differ");
            }
            (Err(_), Err(_)) => {}
            (p, r) => panic!(
                "parse and read disagree: parse ok = {}, read ok = {}",
                p.is_ok(),
                r.is_ok()
            ),
        }
    }

    let keys_path = dir.path().join("public-keys.json");
    std::fs::write(&keys_path, &fx.keys_json).expect("write the keys file");
    let keys = with_keys.then_some(keys_path.as_path());
    let report = match integrity::verify(std::slice::from_ref(&root), keys) {
        Ok(report) => report,
        Err(e) => panic!("verify could not run on a trail that exists: {e}"),
    };
    assert_eq!(
        report.summary.digests_total, digests,
        "one result per digest file"
    );
    let _ = report.render_text();
    let _ = report.to_json();
    let _ = report.summary_line();
    let _ = report.status_of_file(&root.join(LOG_DIR).join(LOG_NAME));
});
