//! S3 keys of CloudTrail objects: splitting an `AWSLogs/...` key (or a
//! local path that ends in one) into its parts, parsing log and digest file
//! names, and finding the local copy of an S3 object wherever the folder was
//! downloaded to ([`LocalIndex`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// The parts of a CloudTrail file name
/// (`<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz` or
/// `<acct>_CloudTrail-Digest_<region>_<trail>_<home>_<YYYYMMDDTHHMMSSZ>.json.gz`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileName {
    pub account: String,
    pub digest: bool,
    /// The region the file was delivered from (the source region).
    pub region: String,
    /// Digest only: the trail name and its home region.
    pub trail: Option<String>,
    pub home_region: Option<String>,
    /// Delivery time (log files) or digest end time (digests) in epoch ms.
    pub time_ms: i64,
}

/// Parses a CloudTrail log or digest file name (leniently: `.json`,
/// `.json.gz`, no `_` before the unique string, `_backfill` suffix).
pub fn parse_file_name(name: &str) -> Option<FileName> {
    let (account, rest) = name.split_once('_')?;
    if account.is_empty() || !account.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(rest) = rest.strip_prefix("CloudTrail-Digest_") {
        let stem = strip_extensions(rest);
        let stem = stem.strip_suffix("_backfill").unwrap_or(stem);
        // <region>_<trail>_<home>_<timestamp>; trail names may hold `_`.
        let (region, rest) = stem.split_once('_')?;
        let (rest, stamp) = rest.rsplit_once('_')?;
        let (trail, home) = rest.rsplit_once('_')?;
        let time_ms = parse_compact_time(stamp)?;
        return Some(FileName {
            account: account.to_owned(),
            digest: true,
            region: region.to_owned(),
            trail: Some(trail.to_owned()),
            home_region: Some(home.to_owned()),
            time_ms,
        });
    }
    let rest = rest.strip_prefix("CloudTrail_")?;
    let (region, rest) = rest.split_once('_')?;
    // YYYYMMDDTHHmmZ is 14 characters; the unique string may follow with or
    // without an underscore.
    let stamp = rest.get(..14)?;
    let time_ms = parse_compact_time(stamp)?;
    Some(FileName {
        account: account.to_owned(),
        digest: false,
        region: region.to_owned(),
        trail: None,
        home_region: None,
        time_ms,
    })
}

fn strip_extensions(name: &str) -> &str {
    let name = name.strip_suffix(".gz").unwrap_or(name);
    name.strip_suffix(".json").unwrap_or(name)
}

/// `YYYYMMDDTHHmmZ` or `YYYYMMDDTHHmmssZ` to epoch milliseconds.
fn parse_compact_time(stamp: &str) -> Option<i64> {
    // chrono needs seconds; append them for the minute form.
    let text = match stamp.len() {
        14 => format!("{}00Z", stamp.get(..13)?),
        16 => stamp.to_owned(),
        _ => return None,
    };
    let dt = chrono::NaiveDateTime::parse_from_str(&text, "%Y%m%dT%H%M%SZ").ok()?;
    Some(dt.and_utc().timestamp_millis())
}

/// The `AWSLogs/...` tail of an S3 key or local path, with `/` separators.
pub fn awslogs_suffix(key: &str) -> Option<String> {
    let norm = key.replace('\\', "/");
    let pos = if norm.starts_with("AWSLogs/") {
        0
    } else {
        norm.find("/AWSLogs/")? + 1
    };
    Some(norm[pos..].to_owned())
}

/// The `AWSLogs/...` tail without an organization (`o-...`) segment, so an
/// organization trail's key matches a copy that kept or dropped it.
pub fn canonical_suffix(key: &str) -> Option<String> {
    let suffix = awslogs_suffix(key)?;
    let rest = &suffix["AWSLogs/".len()..];
    match rest.split_once('/') {
        Some((org, tail)) if org.starts_with("o-") => Some(format!("AWSLogs/{tail}")),
        _ => Some(suffix),
    }
}

/// The last `/`-separated part of a key.
pub fn key_file_name(key: &str) -> &str {
    key.rsplit(['/', '\\']).next().unwrap_or(key)
}

/// How a local file was matched to an S3 key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchKind {
    /// The local path ends in the key's `AWSLogs/...` part.
    S3Key,
    /// Only the file name matched (the copy dropped the folder layout).
    FileName,
}

impl MatchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchKind::S3Key => "s3-key",
            MatchKind::FileName => "file-name",
        }
    }
}

/// Local files by their `AWSLogs/...` suffix and by file name, so S3 keys
/// found in digests can be rerouted to where the files are now. A key
/// ending `.gz` also finds a decompressed copy without `.gz`.
#[derive(Debug, Default)]
pub struct LocalIndex {
    by_suffix: HashMap<String, Vec<PathBuf>>,
    by_name: HashMap<String, Vec<PathBuf>>,
}

impl LocalIndex {
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a PathBuf>) -> LocalIndex {
        let mut index = LocalIndex::default();
        for p in paths {
            index.add(p);
        }
        index
    }

    pub fn add(&mut self, path: &Path) {
        let text = path.to_string_lossy();
        if let Some(suffix) = canonical_suffix(&text) {
            self.by_suffix
                .entry(suffix)
                .or_default()
                .push(path.to_path_buf());
        }
        let name = key_file_name(&text).to_owned();
        self.by_name
            .entry(name)
            .or_default()
            .push(path.to_path_buf());
    }

    /// The local copies of an S3 object: by `AWSLogs/...` suffix when any
    /// match, else by file name alone. Empty when nothing matches.
    pub fn find(&self, key: &str) -> (Vec<PathBuf>, MatchKind) {
        if let Some(suffix) = canonical_suffix(key) {
            let mut hits = Vec::new();
            for k in variants(&suffix) {
                if let Some(v) = self.by_suffix.get(&k) {
                    hits.extend(v.iter().cloned());
                }
            }
            if !hits.is_empty() {
                return (hits, MatchKind::S3Key);
            }
        }
        let name = key_file_name(key);
        let mut hits = Vec::new();
        for k in variants(name) {
            if let Some(v) = self.by_name.get(&k) {
                // A copy under some other AWSLogs key is a different object.
                hits.extend(
                    v.iter()
                        .filter(|p| {
                            awslogs_suffix(&p.to_string_lossy()).is_none()
                                || awslogs_suffix(key).is_none()
                        })
                        .cloned(),
                );
            }
        }
        (hits, MatchKind::FileName)
    }
}

/// The key itself and, for `*.gz`, the name without `.gz`.
fn variants(key: &str) -> Vec<String> {
    let mut v = vec![key.to_owned()];
    if let Some(stripped) = key.strip_suffix(".gz") {
        v.push(stripped.to_owned());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_log_and_digest_names() {
        let log = parse_file_name(
            "111122223333_CloudTrail_us-east-2_20150801T0210Z_Mu0KsOhtH1ar15ZZ.json.gz",
        )
        .expect("log name");
        assert_eq!(log.account, "111122223333");
        assert_eq!(log.region, "us-east-2");
        assert!(!log.digest);
        assert_eq!(
            crate::timefmt::format_rfc3339(log.time_ms),
            "2015-08-01T02:10:00Z"
        );
        let no_sep = parse_file_name(
            "123456789012_CloudTrail_us-west-1_20140620T1255ZHdkvFTXOA3Vnhbc.json.gz",
        )
        .expect("no separator");
        assert_eq!(no_sep.region, "us-west-1");
        let d = parse_file_name(
            "123456789123_CloudTrail-Digest_us-west-2_leh-ct-test_us-west-2_20200911T193649Z.json.gz",
        )
        .expect("digest name");
        assert!(d.digest);
        assert_eq!(d.trail.as_deref(), Some("leh-ct-test"));
        assert_eq!(d.home_region.as_deref(), Some("us-west-2"));
        let t = parse_file_name(
            "1_CloudTrail-Digest_eu-west-1_my_trail_us-east-1_20200911T193649Z.json.gz",
        )
        .expect("underscore trail");
        assert_eq!(t.trail.as_deref(), Some("my_trail"));
        assert!(parse_file_name("cloudtrail_digest.json").is_none());
        assert!(parse_file_name("abc_CloudTrail_x_20200101T0000Z.json").is_none());
    }

    #[test]
    fn suffix_finds_awslogs_with_org_segment() {
        assert_eq!(
            awslogs_suffix("/mnt/case/bucket/prefix/AWSLogs/o-abc/1/CloudTrail/r/x.json.gz")
                .as_deref(),
            Some("AWSLogs/o-abc/1/CloudTrail/r/x.json.gz")
        );
        assert_eq!(awslogs_suffix("/tmp/x.json.gz"), None);
        assert_eq!(
            canonical_suffix("AWSLogs/o-abc1234567/1/CloudTrail/r/x.json.gz").as_deref(),
            Some("AWSLogs/1/CloudTrail/r/x.json.gz")
        );
    }

    #[test]
    fn index_prefers_key_then_file_name() {
        let paths = [
            PathBuf::from("/a/AWSLogs/1/CloudTrail/r/2020/01/01/f1.json.gz"),
            PathBuf::from("/b/flat/f2.json"),
            PathBuf::from("/c/AWSLogs/9/CloudTrail/r/2020/01/01/f3.json.gz"),
        ];
        let idx = LocalIndex::new(paths.iter());
        let (hits, kind) = idx.find("AWSLogs/1/CloudTrail/r/2020/01/01/f1.json.gz");
        assert_eq!((hits.len(), kind), (1, MatchKind::S3Key));
        let (hits, kind) = idx.find("AWSLogs/o-org1234567/1/CloudTrail/r/2020/01/01/f1.json.gz");
        assert_eq!((hits.len(), kind), (1, MatchKind::S3Key));
        let (hits, kind) = idx.find("AWSLogs/1/CloudTrail/r/2020/01/01/f2.json.gz");
        assert_eq!(kind, MatchKind::FileName);
        assert_eq!(hits, vec![PathBuf::from("/b/flat/f2.json")]);
        // f3 exists only under another account's key: not a match.
        let (hits, _) = idx.find("AWSLogs/1/CloudTrail/r/2020/01/01/f3.json.gz");
        assert!(hits.is_empty());
    }
}
