//! Turning a trail into files: how many events go in which file (account,
//! region, five-minute delivery window), the S3 object key of each file, and
//! writing it as gzip-compressed `{"Records":[...]}` with its events in
//! random order.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

use super::SynthConfig;
use super::rng::Rng;
use super::world::World;
use trailview_core::timefmt::format_rfc3339;

/// Five minutes, CloudTrail's usual delivery interval.
pub const WINDOW_MS: i64 = 300_000;

/// One file to write.
#[derive(Debug, Clone)]
pub struct FilePlan {
    pub index: u64,
    pub account: usize,
    pub region: &'static str,
    /// Start of the window the file's events fall in.
    pub window_ms: i64,
    /// Records in the file, duplicates included.
    pub records: usize,
    /// How many of them repeat another record (same bytes, same eventID).
    pub duplicates: usize,
    /// Insight pairs instead of API events.
    pub insight: bool,
}

/// Splits `events` records into files, deterministically for `seed`.
pub fn plan(cfg: &SynthConfig, world: &World) -> Vec<FilePlan> {
    let (events, days, start_ms) = (cfg.events, cfg.days, cfg.start_ms);
    let (min_per_file, max_per_file) = (
        cfg.per_file.0.max(1),
        cfg.per_file.1.max(cfg.per_file.0).max(1),
    );
    let mut rng = Rng::derive(cfg.seed, u64::MAX - 1);
    let windows = (u64::from(days.max(1)) * 86_400_000 / WINDOW_MS as u64).max(1);
    let insight_pairs = events / 5_000;
    let mut left = events - insight_pairs * 2;
    let mut pairs_left = insight_pairs;
    let mut plans = Vec::new();
    let pick_place = |rng: &mut Rng| {
        let account = if world.accounts.len() == 1 || rng.chance(0.5) {
            0
        } else {
            rng.below(world.accounts.len() as u64) as usize
        };
        let regions = &world.accounts[account].regions;
        let region = if rng.chance(0.5) {
            regions[0]
        } else {
            *rng.pick(regions)
        };
        let mut w = rng.below(windows);
        // Busier in office hours (UTC 08:00 to 18:00).
        if rng.chance(0.5) {
            let day = w / 288;
            w = day * 288 + rng.range(96, 215).min(287);
            w = w.min(windows - 1);
        }
        (account, region, start_ms + w as i64 * WINDOW_MS)
    };
    while left > 0 || pairs_left > 0 {
        let index = plans.len() as u64;
        let (account, region, window_ms) = pick_place(&mut rng);
        let insight = pairs_left > 0 && (left == 0 || rng.chance(0.02));
        let records = if insight {
            let p = rng.range(1, 3).min(pairs_left);
            pairs_left -= p;
            (p * 2) as usize
        } else {
            let n = rng.range(min_per_file, max_per_file).min(left);
            left -= n;
            n as usize
        };
        let duplicates = if !insight && records >= 20 && rng.chance(0.03) {
            rng.range(1, 5) as usize
        } else {
            0
        };
        plans.push(FilePlan {
            index,
            account,
            region,
            window_ms,
            records,
            duplicates,
            insight,
        });
    }
    plans
}

/// The object key of a file delivered at `delivery_ms`, under `out`.
pub fn file_path(
    out: &Path,
    account: &str,
    region: &str,
    delivery_ms: i64,
    insight: bool,
    rng: &mut Rng,
) -> PathBuf {
    let t = format_rfc3339(delivery_ms - delivery_ms.rem_euclid(60_000));
    // 2024-03-12T16:05:00Z -> date parts and 20240312T1605Z
    let (y, m, d) = (&t[0..4], &t[5..7], &t[8..10]);
    let stamp = format!("{y}{m}{d}T{}{}Z", &t[11..13], &t[14..16]);
    let folder = if insight {
        "CloudTrail-Insight"
    } else {
        "CloudTrail"
    };
    let name = format!(
        "{account}_{folder}_{region}_{stamp}_{}.json.gz",
        rng.alnum(16)
    );
    out.join("AWSLogs")
        .join(account)
        .join(folder)
        .join(region)
        .join(y)
        .join(m)
        .join(d)
        .join(name)
}

/// Writes `records` (each one compact JSON object) as a gzip trail file.
/// Returns the uncompressed and compressed sizes.
pub fn write_records(path: &Path, records: &[String]) -> io::Result<(u64, u64)> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let mut json = Vec::with_capacity(records.iter().map(|r| r.len() + 1).sum::<usize>() + 16);
    json.extend_from_slice(b"{\"Records\":[");
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        json.extend_from_slice(r.as_bytes());
    }
    json.extend_from_slice(b"]}");
    let mut enc = GzEncoder::new(Vec::with_capacity(json.len() / 6), Compression::default());
    enc.write_all(&json)?;
    let gz = enc.finish()?;
    fs::write(path, &gz)?;
    Ok((json.len() as u64, gz.len() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_path_follows_the_s3_layout() {
        let mut rng = Rng::new(3);
        // 2024-03-12T16:07:31Z
        let p = file_path(
            Path::new("/o"),
            "111122223333",
            "eu-west-1",
            1_710_259_651_000,
            false,
            &mut rng,
        );
        let s = p.to_string_lossy();
        assert!(s.starts_with("/o/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/12/111122223333_CloudTrail_eu-west-1_20240312T1607Z_"), "{s}");
        assert!(s.ends_with(".json.gz"));
        let unique = &s[s.len() - 24..s.len() - 8];
        assert!(
            unique.chars().all(|c| c.is_ascii_alphanumeric()),
            "{unique}"
        );
        let i = file_path(
            Path::new("/o"),
            "111122223333",
            "eu-west-1",
            1_710_259_651_000,
            true,
            &mut rng,
        );
        assert!(
            i.to_string_lossy()
                .contains("/CloudTrail-Insight/eu-west-1/")
        );
    }

    #[test]
    fn plan_counts_add_up_and_stay_in_file_sizes() {
        let world = World::new(9, 2);
        let cfg = SynthConfig {
            events: 123_457,
            seed: 9,
            days: 3,
            start_ms: 0,
            ..SynthConfig::default()
        };
        let plans = plan(&cfg, &world);
        let total: usize = plans.iter().map(|p| p.records).sum();
        assert_eq!(total, 123_457);
        let api: Vec<_> = plans.iter().filter(|p| !p.insight).collect();
        assert!(
            api[..api.len() - 1]
                .iter()
                .all(|p| (100..=1000).contains(&p.records))
        );
        let insight: usize = plans.iter().filter(|p| p.insight).map(|p| p.records).sum();
        assert_eq!(insight, 123_457 / 5000 * 2);
        assert!(
            plans
                .iter()
                .all(|p| p.window_ms >= 0 && p.window_ms < 3 * 86_400_000)
        );
        assert!(plans.iter().any(|p| p.duplicates > 0));
    }
}
