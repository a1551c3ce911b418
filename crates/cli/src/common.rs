//! What every subcommand shares: the input paths and limits, loading them,
//! errors with an exit status, and writing to a stdout that may close early.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use trailview_core::ingest::LoadOptions;
use trailview_session::detect_job::RuleOptions;
use trailview_session::{Session, SessionOptions};

/// Files and folders to load, and the per-file limits.
#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// CloudTrail files or folders (walked recursively).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Skip files bigger than this on disk [default: 4 GiB].
    #[arg(long, value_name = "BYTES")]
    pub max_file_bytes: Option<u64>,
    /// Stop reading a file past this many decompressed bytes
    /// (decompression bombs) [default: 2 GiB].
    #[arg(long, value_name = "BYTES")]
    pub max_decompressed_bytes: Option<u64>,
    /// Stop loading when the loaded events would take more memory than
    /// this (estimated) [default: half of the machine's memory].
    #[arg(long, value_name = "BYTES")]
    pub max_memory: Option<u64>,
}

impl InputArgs {
    pub fn options(&self) -> LoadOptions {
        let d = LoadOptions::default();
        LoadOptions {
            max_file_bytes: self.max_file_bytes.unwrap_or(d.max_file_bytes),
            max_decompressed_bytes: self
                .max_decompressed_bytes
                .unwrap_or(d.max_decompressed_bytes),
            max_memory_bytes: self.max_memory.unwrap_or(d.max_memory_bytes),
        }
    }

    /// Every path must exist (a typo is a bad argument, not a problem).
    pub fn check(&self) -> Result<(), CliError> {
        for p in &self.paths {
            if std::fs::symlink_metadata(p).is_err() {
                return Err(CliError::usage(format!(
                    "no such file or folder: {}",
                    p.to_string_lossy()
                )));
            }
        }
        Ok(())
    }

    /// Checks the paths, then loads them into a new headless session (the
    /// app's loader and store; no integrity check or search preparation
    /// unless the command asks).
    pub fn open(&self) -> Result<Session, CliError> {
        self.open_with(RuleOptions::default())
    }

    /// [`Self::open`] with these detection rules (they run when the
    /// command reads detections: `Session::detect_blocking`).
    pub fn open_with(&self, rules: RuleOptions) -> Result<Session, CliError> {
        self.check()?;
        let mut options = SessionOptions::headless(self.options());
        options.rules = rules;
        let mut session = Session::new(options);
        session.open_blocking(self.paths.clone());
        Ok(session)
    }
}

/// A failed command: a one-line reason and an exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    /// Bad arguments: exit status 2.
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            code: 2,
            message: message.into(),
        }
    }

    /// Something failed while running: exit status 1.
    pub fn failure(message: impl Into<String>) -> CliError {
        CliError {
            code: 1,
            message: message.into(),
        }
    }

    /// Prints the reason on stderr and gives the exit status.
    pub fn exit(&self) -> ExitCode {
        if !self.message.is_empty() {
            eprintln!("trailview: error: {}", self.message);
        }
        ExitCode::from(self.code)
    }
}

/// A write error on stdout. A reader that went away (`| head`) is not an
/// error worth a message: the command stops quietly with status 0.
pub fn write_error(e: io::Error) -> CliError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CliError {
            code: 0,
            message: String::new(),
        }
    } else {
        CliError::failure(format!("cannot write output: {e}"))
    }
}

/// Writes `text` to stdout in one go.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(write_error)
}
