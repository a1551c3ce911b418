//! Reading CloudTrail digest files, leniently: every field is optional,
//! wrong types and unreadable times become warnings on the digest instead of
//! errors, so one broken digest never hides the others.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::hashing::{self, HashError};
use crate::timefmt::parse_millis;

/// Digests list one hour of log files: even a very busy trail stays far
/// below this. Larger "digests" are refused rather than read into memory.
pub const MAX_DIGEST_BYTES: u64 = 256 << 20;

/// One `logFiles[]` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFileEntry {
    pub s3_bucket: String,
    pub s3_object: String,
    pub hash_value: String,
    pub hash_algorithm: String,
}

/// A parsed digest file.
#[derive(Clone, Debug, Default)]
pub struct Digest {
    /// Where the digest was read from.
    pub path: PathBuf,
    /// SHA-256 (hex) of the uncompressed digest content.
    pub sha256: String,
    pub account: String,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub s3_bucket: Option<String>,
    pub s3_object: Option<String>,
    pub fingerprint: Option<String>,
    pub signature_algorithm: Option<String>,
    pub previous_s3_bucket: Option<String>,
    pub previous_s3_object: Option<String>,
    pub previous_hash: Option<String>,
    pub previous_hash_algorithm: Option<String>,
    /// Hex signature of the previous digest, exactly as written.
    pub previous_signature: Option<String>,
    pub log_files: Vec<LogFileEntry>,
    /// What was odd about the content (bad times, non-hex values, ...).
    pub warnings: Vec<String>,
    /// `logFiles` entries that cannot be used to check a log file (no
    /// `s3Object`, a `hashValue` that is not a SHA-256): the digest cannot
    /// vouch for those files, so these make it not valid.
    pub log_file_problems: Vec<String>,
}

/// Why a file could not be read as a digest at all.
#[derive(Debug)]
pub enum DigestError {
    Read(HashError),
    NotJson(String),
    NotADigest,
}

impl std::fmt::Display for DigestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DigestError::Read(e) => write!(f, "{e}"),
            DigestError::NotJson(e) => write!(f, "not valid JSON: {e}"),
            DigestError::NotADigest => {
                f.write_str("JSON object without digest fields (digestS3Object, logFiles)")
            }
        }
    }
}

impl std::error::Error for DigestError {}

impl Digest {
    /// True when this is a starting digest (no previous digest fields).
    pub fn is_start(&self) -> bool {
        self.previous_s3_object.is_none()
            && self.previous_hash.is_none()
            && self.previous_signature.is_none()
    }

    /// Reads and parses a digest file (gzip or not).
    pub fn read(path: &Path) -> Result<Digest, DigestError> {
        let content =
            hashing::read_uncompressed(path, MAX_DIGEST_BYTES).map_err(DigestError::Read)?;
        Digest::parse(path, &content)
    }

    /// Parses uncompressed digest content.
    pub fn parse(path: &Path, content: &[u8]) -> Result<Digest, DigestError> {
        let value: Value =
            serde_json::from_slice(content).map_err(|e| DigestError::NotJson(e.to_string()))?;
        let Value::Object(map) = &value else {
            return Err(DigestError::NotADigest);
        };
        if !map.contains_key("digestS3Object") && !map.contains_key("logFiles") {
            return Err(DigestError::NotADigest);
        }
        let mut d = Digest {
            path: path.to_path_buf(),
            sha256: hashing::sha256_hex(content),
            ..Digest::default()
        };
        let mut warnings = Vec::new();
        let mut text = |key: &str| -> Option<String> {
            match map.get(key) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => {
                    warnings.push(format!("{key} is not a string: {other}"));
                    None
                }
            }
        };
        d.account = text("awsAccountId").unwrap_or_default();
        d.start_time = text("digestStartTime");
        d.end_time = text("digestEndTime");
        d.s3_bucket = text("digestS3Bucket");
        d.s3_object = text("digestS3Object");
        d.fingerprint = text("digestPublicKeyFingerprint");
        d.signature_algorithm = text("digestSignatureAlgorithm");
        d.previous_s3_bucket = text("previousDigestS3Bucket");
        d.previous_s3_object = text("previousDigestS3Object");
        d.previous_hash = text("previousDigestHashValue");
        d.previous_hash_algorithm = text("previousDigestHashAlgorithm");
        d.previous_signature = text("previousDigestSignature");
        let newest = text("newestEventTime");
        let oldest = text("oldestEventTime");
        d.warnings = warnings;
        d.start_ms = d.time_field("digestStartTime", d.start_time.clone());
        d.end_ms = d.time_field("digestEndTime", d.end_time.clone());
        d.time_field("newestEventTime", newest);
        d.time_field("oldestEventTime", oldest);
        if let Some(h) = &d.previous_hash
            && !is_hex(h, 64)
        {
            d.warnings.push(format!(
                "previousDigestHashValue is not a SHA-256 hex value: {h:?}"
            ));
        }
        if let Some(s) = &d.previous_signature
            && !is_hex(s, 0)
        {
            d.warnings
                .push(format!("previousDigestSignature is not hex: {s:?}"));
        }
        d.read_log_files(map.get("logFiles"));
        Ok(d)
    }

    fn time_field(&mut self, key: &str, text: Option<String>) -> Option<i64> {
        let t = text?;
        let ms = parse_millis(&t);
        if ms.is_none() {
            self.warnings.push(format!("{key} is not a time: {t:?}"));
        }
        ms
    }

    fn read_log_files(&mut self, value: Option<&Value>) {
        let items = match value {
            None | Some(Value::Null) => {
                self.warnings.push("logFiles is missing".to_owned());
                return;
            }
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.warnings.push("logFiles is not a list".to_owned());
                return;
            }
        };
        for (i, item) in items.iter().enumerate() {
            let field = |k: &str| {
                item.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let entry = LogFileEntry {
                s3_bucket: field("s3Bucket"),
                s3_object: field("s3Object"),
                hash_value: field("hashValue").to_ascii_lowercase(),
                hash_algorithm: field("hashAlgorithm"),
            };
            if !item.is_object() {
                self.log_file_problems
                    .push(format!("logFiles[{i}] is not an object: {item}"));
                continue;
            }
            if entry.s3_object.is_empty() {
                self.log_file_problems
                    .push(format!("logFiles[{i}] has no s3Object; skipped"));
                continue;
            }
            for k in ["newestEventTime", "oldestEventTime"] {
                if let Some(t) = item.get(k).and_then(Value::as_str)
                    && parse_millis(t).is_none()
                {
                    self.warnings
                        .push(format!("logFiles[{i}].{k} is not a time: {t:?}"));
                }
            }
            if !is_hex(&entry.hash_value, 64) {
                self.log_file_problems.push(format!(
                    "logFiles[{i}].hashValue is not a SHA-256 hex value: {:?}",
                    entry.hash_value
                ));
            }
            self.log_files.push(entry);
        }
    }
}

/// Hex digits only, of exactly `len` characters (any non-zero even length
/// when `len` is 0).
pub fn is_hex(s: &str, len: usize) -> bool {
    let ok_len = if len == 0 {
        !s.is_empty() && s.len().is_multiple_of(2)
    } else {
        s.len() == len
    };
    ok_len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// True when the start of a file's content looks like a digest.
pub fn looks_like_digest(head: &[u8]) -> bool {
    memchr::memmem::find(head, b"\"digestS3Object\"").is_some()
        || memchr::memmem::find(head, b"\"digestPublicKeyFingerprint\"").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_digest_and_flags_a_broken_one() {
        let good = br#"{"awsAccountId":"1","digestStartTime":"2020-09-11T18:36:49Z","digestEndTime":"2020-09-11T19:36:49Z","digestS3Bucket":"b","digestS3Object":"AWSLogs/1/CloudTrail-Digest/r/x.json.gz","previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestSignature":null,"logFiles":[{"s3Bucket":"b","s3Object":"AWSLogs/1/CloudTrail/r/f.json.gz","hashValue":"420784A5BBC12E9AC442451E8EC1356744FDEABF4FEE0D2222508DB6D448139C","hashAlgorithm":"SHA-256"}]}"#;
        let d = Digest::parse(Path::new("d.json"), good).expect("digest");
        assert!(d.is_start());
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert_eq!(d.log_files.len(), 1);
        assert!(d.log_files[0].hash_value.starts_with("420784a5"));
        assert_eq!(d.end_ms, parse_millis("2020-09-11T19:36:49Z"));

        let broken = br#"{"digestS3Object":"k","digestEndTime":"2025-10-21TT00:52:27Z","previousDigestSignature":"hash-of-previous-digest","logFiles":[{"s3Object":"o","hashValue":"zz"}]}"#;
        let d = Digest::parse(Path::new("b.json"), broken).expect("lenient");
        assert!(!d.is_start());
        assert_eq!(d.end_ms, None);
        let w = d.warnings.join("\n");
        assert!(w.contains("digestEndTime is not a time"), "{w}");
        assert!(w.contains("previousDigestSignature is not hex"), "{w}");
        assert!(
            d.log_file_problems
                .join("\n")
                .contains("hashValue is not a SHA-256")
        );

        assert!(matches!(
            Digest::parse(Path::new("r.json"), br#"{"Records":[]}"#),
            Err(DigestError::NotADigest)
        ));
        assert!(matches!(
            Digest::parse(Path::new("r.json"), b"{"),
            Err(DigestError::NotJson(_))
        ));
    }
}
