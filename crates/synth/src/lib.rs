//! Synthetic CloudTrail trails for benchmarks, tests and the bundled sample:
//! realistic events (many services, every identity type, errors, very large
//! request bodies, Athena query sessions, Insights, a few duplicates) written
//! in the real S3 layout as gzip files of `{"Records":[...]}` with events in
//! random order. Deterministic for a given seed.
//!
//! [`generate`] writes a trail of any size; [`sample::write_sample`] writes
//! the small incident story shipped in `assets/sample/`.

mod api;
mod call;
mod event;
mod files;
mod insight;
mod large;
pub mod rng;
pub mod sample;
mod world;

use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use call::{Call, Ctx};
use event::Place;
use files::FilePlan;
use rng::Rng;
pub use world::World;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    /// Records to write, duplicates and Insights included.
    pub events: u64,
    pub seed: u64,
    pub accounts: usize,
    pub days: u32,
    /// Start of the trail's time range, epoch milliseconds.
    pub start_ms: i64,
    /// Smallest and largest number of records in one file.
    pub per_file: (u64, u64),
}

impl Default for SynthConfig {
    fn default() -> SynthConfig {
        SynthConfig {
            events: 10_000,
            seed: 1,
            accounts: 3,
            days: 7,
            // 2024-03-01T00:00:00Z
            start_ms: 1_709_251_200_000,
            per_file: (100, 1000),
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SynthSummary {
    pub files: u64,
    /// Records written, duplicates included.
    pub records: u64,
    /// Records that repeat an earlier one exactly.
    pub duplicates: u64,
    pub insight_events: u64,
    pub json_bytes: u64,
    pub gzip_bytes: u64,
    pub paths: Vec<PathBuf>,
}

impl SynthSummary {
    fn add(&mut self, other: SynthSummary) {
        self.files += other.files;
        self.records += other.records;
        self.duplicates += other.duplicates;
        self.insight_events += other.insight_events;
        self.json_bytes += other.json_bytes;
        self.gzip_bytes += other.gzip_bytes;
        self.paths.extend(other.paths);
    }
}

/// Files generated in memory at once; bounds memory whatever the size.
const CHUNK: usize = 64;

/// Writes a synthetic trail under `out` (`out/AWSLogs/...`).
pub fn generate(cfg: &SynthConfig, out: &Path) -> io::Result<SynthSummary> {
    let world = World::new(cfg.seed, cfg.accounts);
    let plans = files::plan(cfg, &world);
    let mut summary = SynthSummary::default();
    for chunk in plans.chunks(CHUNK) {
        let parts: Vec<io::Result<SynthSummary>> = chunk
            .par_iter()
            .map(|plan| write_planned(cfg.seed, &world, plan, out))
            .collect();
        for part in parts {
            summary.add(part?);
        }
    }
    summary.paths.sort();
    Ok(summary)
}

fn write_planned(
    seed: u64,
    world: &World,
    plan: &FilePlan,
    out: &Path,
) -> io::Result<SynthSummary> {
    let mut rng = Rng::derive(seed, plan.index);
    let account = world.accounts[plan.account].id.as_str();
    let mut records = if plan.insight {
        insight_records(&mut rng, world, plan)
    } else {
        api_records(&mut rng, world, plan)
    };
    for i in 0..plan.duplicates {
        let copy = records[i * 7 % records.len()].clone();
        records.push(copy);
    }
    rng.shuffle(&mut records);
    let delivery = plan.window_ms + files::WINDOW_MS + rng.below(files::WINDOW_MS as u64) as i64;
    let path = files::file_path(out, account, plan.region, delivery, plan.insight, &mut rng);
    let (json_bytes, gzip_bytes) = files::write_records(&path, &records)?;
    Ok(SynthSummary {
        files: 1,
        records: records.len() as u64,
        duplicates: plan.duplicates as u64,
        insight_events: if plan.insight {
            records.len() as u64
        } else {
            0
        },
        json_bytes,
        gzip_bytes,
        paths: vec![path],
    })
}

/// The fresh API-call records of one file (its duplicates are added later).
fn api_records(rng: &mut Rng, world: &World, plan: &FilePlan) -> Vec<String> {
    let account = world.accounts[plan.account].id.as_str();
    let place = Place {
        world,
        account,
        region: plan.region,
    };
    let want = plan.records - plan.duplicates;
    let mut out = Vec::with_capacity(plan.records);
    let mut calls: Vec<Call> = Vec::new();
    while out.len() < want {
        let caller = world.pick_in_account(rng, plan.account);
        calls.clear();
        let mut ctx = Ctx {
            rng,
            world,
            account,
            region: plan.region,
            caller,
        };
        api::activity(&mut ctx, &mut calls);
        // Global services (IAM, sign-in) are logged in us-east-1 only.
        if plan.region != "us-east-1" && calls.iter().any(|c| c.global) {
            continue;
        }
        let mut t = plan.window_ms + rng.below(files::WINDOW_MS as u64) as i64;
        for c in calls.drain(..) {
            if out.len() >= want {
                break;
            }
            t += c.delay_ms;
            out.push(event::record(&place, caller, c, t, rng).to_string());
        }
    }
    out
}

fn insight_records(rng: &mut Rng, world: &World, plan: &FilePlan) -> Vec<String> {
    let account = world.accounts[plan.account].id.as_str();
    let mut out = Vec::with_capacity(plan.records);
    while out.len() < plan.records {
        let (source, name) = *rng.pick(&[
            ("iam.amazonaws.com", "ListUsers"),
            ("s3.amazonaws.com", "ListBuckets"),
            ("ec2.amazonaws.com", "DescribeInstances"),
            ("kms.amazonaws.com", "Decrypt"),
        ]);
        let who = world.pick_in_account(rng, plan.account);
        let arn = format!("arn:aws:iam::{account}:user/{}", who.name);
        let anomaly = insight::Anomaly {
            source,
            name,
            kind: if rng.chance(0.7) {
                "ApiCallRateInsight"
            } else {
                "ApiErrorRateInsight"
            },
            actor_arn: &arn,
            agent: who.agents.first().copied().unwrap_or("aws-cli/2.15.30"),
        };
        let start = plan.window_ms + rng.below(files::WINDOW_MS as u64) as i64;
        for r in insight::pair(rng, account, plan.region, start, &anomaly) {
            out.push(r.to_string());
        }
    }
    out
}
