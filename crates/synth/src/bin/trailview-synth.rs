//! `trailview-synth`: writes a synthetic CloudTrail trail (real S3 layout,
//! gzip, unsorted events) for benchmarks and demos. See the `trailview_synth` library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use trailview_synth::SynthConfig;

#[derive(Parser, Debug)]
#[command(
    name = "trailview-synth",
    version,
    about = "Write a synthetic CloudTrail trail in the S3 layout"
)]
struct Args {
    /// Records to write (duplicates and Insights events included).
    #[arg(long, default_value_t = 10_000)]
    events: u64,
    /// Output folder; `AWSLogs/...` is created inside it.
    #[arg(long)]
    out: PathBuf,
    /// Random seed: the same seed writes the same trail.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of AWS accounts.
    #[arg(long, default_value_t = 3)]
    accounts: usize,
    /// Days the trail spans (from 2024-03-01).
    #[arg(long, default_value_t = 7)]
    days: u32,
    /// Write the small incident sample (as in `assets/sample/`) instead.
    #[arg(long, conflicts_with_all = ["events", "accounts", "days"])]
    sample: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let started = Instant::now();
    let result = if args.sample {
        trailview_synth::sample::write_sample(&args.out)
    } else {
        let cfg = SynthConfig {
            events: args.events,
            seed: args.seed,
            accounts: args.accounts.max(1),
            days: args.days.max(1),
            ..SynthConfig::default()
        };
        trailview_synth::generate(&cfg, &args.out)
    };
    match result {
        Ok(s) => {
            let secs = started.elapsed().as_secs_f64();
            println!(
                "wrote {} records ({} duplicates, {} Insights) in {} files under {}",
                s.records,
                s.duplicates,
                s.insight_events,
                s.files,
                args.out.display()
            );
            println!(
                "json {:.1} MB ({:.0} B/record), gzip {:.1} MB, {:.1} s",
                s.json_bytes as f64 / 1e6,
                s.json_bytes as f64 / s.records.max(1) as f64,
                s.gzip_bytes as f64 / 1e6,
                secs
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "trailview-synth: cannot write to {}: {e}",
                args.out.display()
            );
            ExitCode::FAILURE
        }
    }
}
