//! The headless command line: `trailview stats`, `list`, `export`,
//! `verify`, `athena`, `detect` and `sessions`.
//! Each subcommand lives in its own file with its arguments and its run
//! function; shared input handling and error reporting are in [`common`].
//! Every subcommand works through a headless `trailview_session::Session`
//! (the app's loader, view pipeline, integrity check and export), so the
//! command line and the app give the same answers.
//! (`trailview [PATH]...` with no subcommand opens the desktop app; that
//! dispatch is in `main.rs`, so this module never touches the GUI.)

pub mod athena;
pub mod common;
pub mod detect;
pub mod export;
pub mod filter;
pub mod list;
pub mod sessions;
pub mod stats;
pub mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Trailview: a fast viewer for AWS CloudTrail logs.
///
/// With paths and no subcommand, opens them in the desktop app. To open a
/// folder named like a subcommand, write it as a path (`./stats`).
#[derive(Parser, Debug)]
#[command(name = "trailview", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// CloudTrail files or folders to open in the desktop app.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Load files and folders and print the load report: files by kind,
    /// events, duplicates dropped, problems, time range, top actors.
    Stats(stats::StatsArgs),
    /// Load files and folders and print events as rows (TSV or JSON).
    List(list::ListArgs),
    /// Load, filter and sort events and write them as JSON (original
    /// bytes), NDJSON or CSV, with an evidence manifest.
    Export(export::ExportArgs),
    /// Validate CloudTrail digest chains, signatures and log files offline.
    Verify(verify::VerifyArgs),
    /// Amazon Athena: the table for the trail in S3 (`ddl`) and the SQL
    /// for a query (`sql`), for the whole trail (docs/athena.md).
    Athena(athena::AthenaArgs),
    /// Run Sigma detection rules over CloudTrail files and folders.
    Detect(detect::DetectArgs),
    /// Load files and folders and print one row per credential session:
    /// origin, principal, first/last, events, errors, IPs, first-seen calls.
    Sessions(sessions::SessionsArgs),
}

/// Runs a subcommand. Exit status 0 on success, 2 on bad arguments.
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Stats(args) => stats::run(&args),
        Command::List(args) => list::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Detect(args) => detect::run(&args),
        Command::Verify(args) => return verify::run(&args),
        Command::Athena(args) => athena::run(&args),
        Command::Sessions(args) => sessions::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.exit(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_alone_open_the_app_even_when_named_like_a_subcommand() {
        let cli = Cli::try_parse_from(["trailview", "./stats", "logs"]).expect("parses");
        assert!(cli.command.is_none());
        assert_eq!(
            cli.paths,
            vec![PathBuf::from("./stats"), PathBuf::from("logs")]
        );
        let cli = Cli::try_parse_from(["trailview"]).expect("parses");
        assert!(cli.command.is_none() && cli.paths.is_empty());
    }

    #[test]
    fn subcommands_parse() {
        let cli = Cli::try_parse_from(["trailview", "stats", "--json", "a", "b"]).expect("parses");
        match cli.command {
            Some(Command::Stats(s)) => {
                assert!(s.json);
                assert_eq!(s.input.paths.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        let cli = Cli::try_parse_from([
            "trailview",
            "list",
            "--columns",
            "eventName,actor",
            "--limit",
            "5",
            "--format",
            "json",
            "x",
        ])
        .expect("parses");
        match cli.command {
            Some(Command::List(l)) => {
                assert_eq!(
                    l.columns,
                    Some(vec!["eventName".to_owned(), "actor".to_owned()])
                );
                assert_eq!(l.limit, Some(5));
                assert_eq!(l.format, list::Format::Json);
            }
            other => panic!("{other:?}"),
        }
        assert!(Cli::try_parse_from(["trailview", "list", "--limit", "x", "p"]).is_err());
    }
}
