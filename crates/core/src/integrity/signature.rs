//! Digest signatures: loading the public keys saved from
//! `aws cloudtrail list-public-keys`, building the string CloudTrail signs
//! and checking a SHA256withRSA (PKCS#1 v1.5) signature with the key whose
//! fingerprint the digest names, among the keys whose validity period
//! covers the time the digest was signed (see [`SIGNING_GRACE_MS`]).

use std::path::Path;

use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest as _, Sha256};

use super::digest::{Digest, is_hex};
use crate::timefmt::{format_rfc3339, parse_millis};

/// How long after its `digestEndTime` a digest may have been signed.
///
/// The signing time itself is only in S3 object metadata, which a download
/// loses, so the check uses `digestEndTime` (part of the signed string).
/// CloudTrail signs a digest when it delivers it, shortly after the hour it
/// covers ends, so a key that became valid within this margin after
/// `digestEndTime` may still have signed it. A key whose validity ended
/// before `digestEndTime` never could have.
pub const SIGNING_GRACE_MS: i64 = 60 * 60 * 1000;

/// One public key from `list-public-keys`.
#[derive(Clone, Debug)]
pub struct PublicKey {
    pub fingerprint: String,
    pub key: RsaPublicKey,
    pub valid_from_ms: Option<i64>,
    pub valid_to_ms: Option<i64>,
}

/// The keys of a `list-public-keys` JSON file.
#[derive(Clone, Debug, Default)]
pub struct PublicKeys {
    pub keys: Vec<PublicKey>,
    /// Entries that could not be used, with the reason.
    pub skipped: Vec<String>,
}

impl PublicKeys {
    /// Reads a file holding `{"PublicKeyList":[{Value, Fingerprint,
    /// ValidityStartTime, ValidityEndTime}, ...]}`.
    pub fn load(path: &Path) -> Result<PublicKeys, String> {
        let text = crate::ingest::side_file::read_limited(
            path,
            crate::ingest::side_file::MAX_PUBLIC_KEYS_BYTES,
            "public keys",
        )
        .map_err(|e| e.to_string())?;
        PublicKeys::parse(&text).map_err(|e| format!("public keys file {}: {e}", path.display()))
    }

    pub fn parse(text: &[u8]) -> Result<PublicKeys, String> {
        let value: serde_json::Value =
            serde_json::from_slice(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let list = value
            .get("PublicKeyList")
            .and_then(|v| v.as_array())
            .ok_or(
                "no PublicKeyList array (save the output of `aws cloudtrail list-public-keys`)",
            )?;
        let mut out = PublicKeys::default();
        for (i, item) in list.iter().enumerate() {
            let fingerprint = item
                .get("Fingerprint")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_ascii_lowercase();
            let Some(b64) = item.get("Value").and_then(|v| v.as_str()) else {
                out.skipped.push(format!("PublicKeyList[{i}] has no Value"));
                continue;
            };
            let der = match base64::engine::general_purpose::STANDARD.decode(b64.trim()) {
                Ok(d) => d,
                Err(e) => {
                    out.skipped
                        .push(format!("PublicKeyList[{i}] Value is not base64: {e}"));
                    continue;
                }
            };
            let key = match RsaPublicKey::from_pkcs1_der(&der) {
                Ok(k) => k,
                Err(e) => {
                    out.skipped.push(format!(
                        "PublicKeyList[{i}] Value is not a PKCS#1 RSA public key: {e}"
                    ));
                    continue;
                }
            };
            out.keys.push(PublicKey {
                fingerprint,
                key,
                valid_from_ms: time_of(item.get("ValidityStartTime")),
                valid_to_ms: time_of(item.get("ValidityEndTime")),
            });
        }
        Ok(out)
    }

    /// The keys with this fingerprint (case-insensitive).
    pub fn by_fingerprint<'a>(
        &'a self,
        fingerprint: &'a str,
    ) -> impl Iterator<Item = &'a PublicKey> {
        self.keys
            .iter()
            .filter(move |k| k.fingerprint.eq_ignore_ascii_case(fingerprint))
    }
}

impl PublicKey {
    /// Why this key cannot have signed a digest that ended at `end_ms`, or
    /// `None` when its validity period allows it. Unknown bounds are open.
    pub fn validity_problem(&self, end_ms: i64) -> Option<String> {
        if let Some(to) = self.valid_to_ms
            && to < end_ms
        {
            return Some(format!(
                "public key {} expired at {}, before the digest ended at {}",
                self.fingerprint,
                format_rfc3339(to),
                format_rfc3339(end_ms)
            ));
        }
        if let Some(from) = self.valid_from_ms
            && from > end_ms.saturating_add(SIGNING_GRACE_MS)
        {
            return Some(format!(
                "public key {} became valid at {}, after the digest was signed (it ended at {})",
                self.fingerprint,
                format_rfc3339(from),
                format_rfc3339(end_ms)
            ));
        }
        None
    }
}

/// A time as the CLI prints it: ISO text or epoch seconds.
fn time_of(v: Option<&serde_json::Value>) -> Option<i64> {
    match v? {
        serde_json::Value::String(s) => parse_millis(s),
        serde_json::Value::Number(n) => n.as_f64().map(|s| (s * 1000.0) as i64),
        _ => None,
    }
}

/// The string CloudTrail signs for a digest:
/// `{digestEndTime}\n{digestS3Bucket}/{digestS3Object}\n{sha256 hex of the
/// uncompressed digest}\n{previousDigestSignature or null}`.
pub fn string_to_sign(digest: &Digest) -> Option<String> {
    Some(format!(
        "{}\n{}/{}\n{}\n{}",
        digest.end_time.as_deref()?,
        digest.s3_bucket.as_deref()?,
        digest.s3_object.as_deref()?,
        digest.sha256,
        digest.previous_signature.as_deref().unwrap_or("null")
    ))
}

/// The outcome of checking one digest's signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    /// The signature does not verify with the named key.
    Failed,
    /// No key in the keys file has the digest's fingerprint.
    KeyNotFound(String),
    /// Keys with the fingerprint exist, but none was valid when the digest
    /// was signed; the reason names the key's validity period.
    KeyNotValidAtTime(String),
    /// The digest or the signature is malformed.
    Malformed(String),
}

/// Verifies `signature_hex` (taken from the next digest's
/// `previousDigestSignature`) for `digest`.
pub fn verify(digest: &Digest, signature_hex: &str, keys: &PublicKeys) -> SignatureCheck {
    let Some(fingerprint) = digest.fingerprint.as_deref() else {
        return SignatureCheck::Malformed("digestPublicKeyFingerprint is missing".to_owned());
    };
    let Some(message) = string_to_sign(digest) else {
        return SignatureCheck::Malformed(
            "digestEndTime, digestS3Bucket or digestS3Object is missing".to_owned(),
        );
    };
    if !is_hex(signature_hex, 0) {
        return SignatureCheck::Malformed(format!("signature is not hex: {signature_hex:?}"));
    }
    let Ok(signature) = hex::decode(signature_hex) else {
        return SignatureCheck::Malformed("signature is not hex".to_owned());
    };
    let hashed = Sha256::digest(message.as_bytes());
    let mut found = false;
    let mut out_of_validity = None;
    for key in keys.by_fingerprint(fingerprint) {
        if let Some(reason) = digest.end_ms.and_then(|end| key.validity_problem(end)) {
            out_of_validity.get_or_insert(reason);
            continue;
        }
        found = true;
        if key
            .key
            .verify(Pkcs1v15Sign::new::<Sha256>(), &hashed, &signature)
            .is_ok()
        {
            return SignatureCheck::Valid;
        }
    }
    if found {
        SignatureCheck::Failed
    } else if let Some(reason) = out_of_validity {
        SignatureCheck::KeyNotValidAtTime(reason)
    } else {
        SignatureCheck::KeyNotFound(fingerprint.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn string_to_sign_uses_literal_null_for_a_starting_digest() {
        let d = Digest {
            path: PathBuf::from("x"),
            sha256: "ab".repeat(32),
            end_time: Some("2020-09-11T19:36:49Z".into()),
            s3_bucket: Some("bucket".into()),
            s3_object: Some("AWSLogs/1/CloudTrail-Digest/r/k.json.gz".into()),
            ..Digest::default()
        };
        assert_eq!(
            string_to_sign(&d).expect("complete"),
            format!(
                "2020-09-11T19:36:49Z\nbucket/AWSLogs/1/CloudTrail-Digest/r/k.json.gz\n{}\nnull",
                "ab".repeat(32)
            )
        );
    }

    #[test]
    fn rejects_key_files_without_a_list_and_skips_bad_entries() {
        assert!(PublicKeys::parse(b"{}").is_err());
        let keys = PublicKeys::parse(
            br#"{"PublicKeyList":[{"Value":"!!","Fingerprint":"ab"},{"Fingerprint":"cd"}]}"#,
        )
        .expect("list");
        assert!(keys.keys.is_empty());
        assert_eq!(keys.skipped.len(), 2);
    }

    /// A signed digest ending at 2024-01-01T01:00:00Z, its signature, and a
    /// key list whose one key has the given validity period.
    fn signed(valid_from: &str, valid_to: &str) -> (Digest, String, PublicKeys) {
        use rsa::RsaPrivateKey;
        use rsa::pkcs1::EncodeRsaPublicKey;
        let private = RsaPrivateKey::new(&mut rand08::thread_rng(), 1024).expect("key");
        let end = "2024-01-01T01:00:00Z";
        let d = Digest {
            path: PathBuf::from("d.json.gz"),
            sha256: "cd".repeat(32),
            end_time: Some(end.into()),
            end_ms: parse_millis(end),
            s3_bucket: Some("b".into()),
            s3_object: Some("AWSLogs/1/CloudTrail-Digest/r/k.json.gz".into()),
            fingerprint: Some("ff00".into()),
            ..Digest::default()
        };
        let hashed = Sha256::digest(string_to_sign(&d).expect("complete").as_bytes());
        let sig = private
            .sign(Pkcs1v15Sign::new::<Sha256>(), &hashed)
            .expect("sign");
        let der = private.to_public_key().to_pkcs1_der().expect("der");
        let list = serde_json::json!({"PublicKeyList": [{
            "Value": base64::engine::general_purpose::STANDARD.encode(der.as_bytes()),
            "Fingerprint": "FF00",
            "ValidityStartTime": valid_from,
            "ValidityEndTime": valid_to,
        }]});
        let keys = PublicKeys::parse(list.to_string().as_bytes()).expect("keys");
        (d, hex::encode(sig), keys)
    }

    #[test]
    fn a_key_valid_at_the_digest_end_time_verifies() {
        let (d, sig, keys) = signed("2023-12-01T00:00:00Z", "2024-02-01T00:00:00Z");
        assert_eq!(verify(&d, &sig, &keys), SignatureCheck::Valid);
        // Open bounds and a key that started within the signing grace
        // period after the digest ended are accepted too.
        let (d, sig, keys) = signed("2024-01-01T01:30:00Z", "2024-02-01T00:00:00Z");
        assert_eq!(verify(&d, &sig, &keys), SignatureCheck::Valid);
    }

    #[test]
    fn an_expired_key_does_not_validate_a_good_signature() {
        let (d, sig, keys) = signed("2023-01-01T00:00:00Z", "2024-01-01T00:59:59Z");
        match verify(&d, &sig, &keys) {
            SignatureCheck::KeyNotValidAtTime(reason) => {
                assert!(
                    reason.contains("expired at 2024-01-01T00:59:59"),
                    "{reason}"
                );
                assert!(reason.contains("ff00"), "{reason}");
            }
            other => panic!("expected KeyNotValidAtTime, got {other:?}"),
        }
    }

    #[test]
    fn a_key_that_became_valid_later_does_not_validate() {
        let (d, sig, keys) = signed("2024-01-01T03:00:00Z", "2024-06-01T00:00:00Z");
        match verify(&d, &sig, &keys) {
            SignatureCheck::KeyNotValidAtTime(reason) => {
                assert!(
                    reason.contains("became valid at 2024-01-01T03:00:00"),
                    "{reason}"
                )
            }
            other => panic!("expected KeyNotValidAtTime, got {other:?}"),
        }
    }

    #[test]
    fn validity_bounds_are_inclusive_and_open_when_unknown() {
        let (_, _, keys) = signed("2024-01-01T01:00:00Z", "2024-01-01T01:00:00Z");
        let key = &keys.keys[0];
        let end = parse_millis("2024-01-01T01:00:00Z").expect("time");
        assert_eq!(key.validity_problem(end), None);
        assert!(key.validity_problem(end + 1).is_some());
        assert_eq!(key.validity_problem(end - SIGNING_GRACE_MS), None);
        assert!(key.validity_problem(end - SIGNING_GRACE_MS - 1).is_some());
        let open = PublicKey {
            valid_from_ms: None,
            valid_to_ms: None,
            ..key.clone()
        };
        assert_eq!(open.validity_problem(0), None);
        assert_eq!(open.validity_problem(i64::MAX), None);
    }
}
