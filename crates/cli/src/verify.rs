//! `trailview verify [--public-keys FILE] [--json] PATH...`: offline
//! validation of CloudTrail digest chains and the log files they list.
//! Exit status 0 when everything checked is valid, 1 when anything is
//! modified, missing, not covered or broken, 2 on bad arguments.

use std::path::PathBuf;

use clap::Args;

use trailview_core::integrity::IntegrityError;
use trailview_session::integrity_check::verify_paths;

/// Arguments of `trailview verify`.
#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    /// The output of `aws cloudtrail list-public-keys` saved as JSON; without
    /// it, signatures are not checked.
    #[arg(long, value_name = "FILE")]
    pub public_keys: Option<PathBuf>,
    /// Print the whole report as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Trail folders or files (digests and log files, walked recursively).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

/// What the command prints and its exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyOutcome {
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the check and renders the result (no printing: see [`run`]).
pub fn execute(args: &VerifyArgs) -> VerifyOutcome {
    let report = match verify_paths(&args.paths, args.public_keys.as_deref()) {
        Ok(r) => r,
        Err(e @ (IntegrityError::NotFound(_) | IntegrityError::PublicKeys(_))) => {
            return VerifyOutcome {
                code: 2,
                stdout: String::new(),
                stderr: format!("trailview: error: {e}\n"),
            };
        }
    };
    let stdout = if args.json {
        let mut text = serde_json::to_string_pretty(&report.to_json()).unwrap_or_default();
        text.push('\n');
        text
    } else {
        report.render_text()
    };
    VerifyOutcome {
        code: if report.all_valid() { 0 } else { 1 },
        stdout,
        stderr: String::new(),
    }
}

/// Runs `verify`, prints the report and returns the exit status.
pub fn run(args: &VerifyArgs) -> std::process::ExitCode {
    use std::io::Write;
    let outcome = execute(args);
    let mut out = std::io::stdout().lock();
    // A reader that went away (`| head`) is not worth a message.
    let _ = out
        .write_all(outcome.stdout.as_bytes())
        .and_then(|()| out.flush());
    if !outcome.stderr.is_empty() {
        eprint!("{}", outcome.stderr);
    }
    std::process::ExitCode::from(outcome.code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: VerifyArgs,
    }

    #[test]
    fn bad_arguments_exit_2() {
        let w = Wrapper::try_parse_from(["verify", "/no/such/trail"]).expect("parses");
        let out = execute(&w.args);
        assert_eq!(out.code, 2);
        assert!(out.stderr.contains("/no/such/trail"), "{}", out.stderr);
        assert!(Wrapper::try_parse_from(["verify"]).is_err());
    }

    #[test]
    fn json_output_is_one_object() {
        let dir = tempfile::tempdir().expect("tempdir");
        let w = Wrapper::try_parse_from(["verify", "--json", &dir.path().to_string_lossy()])
            .expect("parses");
        let out = execute(&w.args);
        assert_eq!(out.code, 0, "{}", out.stdout);
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON object");
        assert_eq!(v["summary"]["digests_total"], 0);
    }
}
