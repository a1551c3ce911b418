//! The S3 layout of a trail, read back from the paths of its downloaded
//! files: `…/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/file.json.gz`,
//! with an organization segment for organization trails
//! (`AWSLogs/o-…/<account>/…`). Digest and Insights folders
//! (`CloudTrail-Digest`, `CloudTrail-Insight`) are not the log table's.

use std::collections::BTreeSet;
use std::path::{Component, Path};

use chrono::NaiveDate;

/// What the loaded files say about the trail's S3 layout.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrailLayout {
    /// Account ids seen (`AWSLogs/<account>/CloudTrail/…`).
    pub accounts: BTreeSet<String>,
    /// Regions seen (`…/CloudTrail/<region>/…`).
    pub regions: BTreeSet<String>,
    /// Organization ids seen (`AWSLogs/o-…/…`).
    pub org_ids: BTreeSet<String>,
    /// The earliest delivery day among the files in the layout.
    pub first_day: Option<NaiveDate>,
    /// How many files were in the layout (the others say nothing).
    pub files_in_layout: usize,
}

/// One file's place in the layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutPath {
    pub org_id: Option<String>,
    pub account: String,
    pub region: String,
    pub day: NaiveDate,
}

/// Reads one path; `None` when it is not a CloudTrail log file in the
/// S3 layout.
pub fn parse_path(path: &Path) -> Option<LayoutPath> {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str().map(str::to_owned),
            _ => None,
        })
        .collect();
    let start = parts.iter().rposition(|p| p == "AWSLogs")?;
    let rest = &parts[start + 1..];
    let (org_id, rest) = match rest.first() {
        Some(o) if o.starts_with("o-") => (Some(o.clone()), &rest[1..]),
        _ => (None, rest),
    };
    // account, CloudTrail, region, YYYY, MM, DD, file
    if rest.len() < 7 || rest[1] != "CloudTrail" {
        return None;
    }
    let account = rest[0].clone();
    let region = rest[2].clone();
    let num = |s: &str| s.parse::<u32>().ok();
    let y = num(&rest[3])?;
    let m = num(&rest[4])?;
    let d = num(&rest[5])?;
    let day = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    if account.is_empty() || region.is_empty() {
        return None;
    }
    Some(LayoutPath {
        org_id,
        account,
        region,
        day,
    })
}

impl TrailLayout {
    /// The layout of these files.
    pub fn from_paths<'a>(paths: impl IntoIterator<Item = &'a Path>) -> TrailLayout {
        let mut out = TrailLayout::default();
        for p in paths {
            let Some(lp) = parse_path(p) else { continue };
            out.files_in_layout += 1;
            out.accounts.insert(lp.account);
            out.regions.insert(lp.region);
            if let Some(o) = lp.org_id {
                out.org_ids.insert(o);
            }
            out.first_day = Some(match out.first_day {
                Some(d) if d <= lp.day => d,
                _ => lp.day,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn reads_plain_and_organization_paths() {
        let a = PathBuf::from("/x/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/02/f.json.gz");
        let b = PathBuf::from(
            "dl/AWSLogs/o-abc123/444455556666/CloudTrail/eu-west-1/2024/02/29/g.json.gz",
        );
        let digest = PathBuf::from(
            "/x/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/01/01/d.json.gz",
        );
        let other = PathBuf::from("/tmp/events.json");
        let l =
            TrailLayout::from_paths([a.as_path(), b.as_path(), digest.as_path(), other.as_path()]);
        assert_eq!(l.files_in_layout, 2);
        assert_eq!(
            l.accounts.iter().cloned().collect::<Vec<_>>(),
            vec!["111122223333", "444455556666"]
        );
        assert_eq!(l.regions.len(), 2);
        assert_eq!(
            l.org_ids.iter().cloned().collect::<Vec<_>>(),
            vec!["o-abc123"]
        );
        assert_eq!(l.first_day, NaiveDate::from_ymd_opt(2024, 2, 29));
        assert!(parse_path(&digest).is_none());
        let bad_day = PathBuf::from("AWSLogs/1/CloudTrail/r/2024/02/30/f.json.gz");
        assert!(parse_path(&bad_day).is_none());
    }
}
