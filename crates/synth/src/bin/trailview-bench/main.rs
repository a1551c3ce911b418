//! `trailview-bench`: benchmarks, run from a release build. Each measurement
//! is a subcommand: `load` (load.rs) loads trails into the store and sorts
//! them by eventName (`--prepare`: then readies them for search). `query` (query.rs) times filters,
//! full-text search, sorts and facets. `detect` (detect.rs) times Sigma rules. Peak memory of a run is
//! best measured from outside: `/usr/bin/time -v trailview-bench load ...`
//! ("Maximum resident set size"); on Linux the bench also prints the kernel's
//! high-water mark (VmHWM) itself.

mod detect;
mod graph;
mod load;
mod query;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "trailview-bench",
    version,
    about = "Trailview benchmarks (use a release build)"
)]
struct Args {
    #[command(subcommand)]
    bench: Bench,
}

#[derive(Subcommand, Debug)]
enum Bench {
    /// Load PATHs (folders or files) into the store, then sort every row by
    /// eventName; print times, rates and memory.
    Load {
        /// Folders or files to load.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Then run the search preparation the app runs after a load (LZ4
        /// re-encode, trigram bitmaps) and print its time and the memory
        /// after it.
        #[arg(long)]
        prepare: bool,
        /// Then build the credential graph (origin, chain, hops, session)
        /// as the session does after a load, and print its time and the
        /// peak memory it added.
        #[arg(long)]
        graph: bool,
    },
    /// Build a store of N events by replicating the corpus's events, then
    /// time filters, full-text search, JSON paths, sorts and facets.
    Query {
        /// Arguments: `[--events N] [--trail DIR] [CORPUS_DIR]`; `--trail`
        /// loads a real trail folder instead of replicating corpus events.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// The `query` store, then Sigma detections over it (detect.rs).
    Detect {
        /// Arguments: `[--events N] [--rules DIR]... [--no-prepare] [CORPUS_DIR]`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    match args.bench {
        Bench::Load {
            paths,
            json,
            prepare,
            graph,
        } => load::run(&paths, json, prepare, graph),
        Bench::Detect { args } => {
            detect::run(&args);
            ExitCode::SUCCESS
        }
        Bench::Query { args } => {
            query::run(&args);
            ExitCode::SUCCESS
        }
    }
}
