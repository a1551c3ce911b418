//! The `trailview` binary: subcommands run headless; paths alone open the
//! desktop app.

#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use trailview_cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => run(command),
        None => open_gui(cli.paths),
    }
}

#[cfg(feature = "gui")]
fn open_gui(paths: Vec<PathBuf>) -> ExitCode {
    match trailview::gui::run(paths) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("trailview: error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_gui(_paths: Vec<PathBuf>) -> ExitCode {
    eprintln!(
        "trailview: error: this build has no desktop app (feature `gui`); \
         use `trailview stats` or `trailview list`"
    );
    ExitCode::from(2)
}
