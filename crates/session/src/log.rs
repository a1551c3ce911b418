//! Timing lines for measuring the app from outside: with the environment
//! variable `TRAILVIEW_LOG` set to `info` (or `debug`, `trace`, `1`), the
//! session writes one line to standard error per load, query, sort,
//! summary and search preparation, with how long it took. Off by default;
//! nothing else is logged.

use std::fmt::Arguments;
use std::sync::OnceLock;
use std::time::Duration;

/// Whether timing lines are written (read once from the environment).
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        std::env::var("TRAILVIEW_LOG").is_ok_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "info" | "debug" | "trace" | "1"
            )
        })
    })
}

/// `trailview: <what> took <ms> ms: <detail>` on standard error.
pub fn timing(what: &str, took: Duration, detail: Arguments<'_>) {
    if enabled() {
        eprintln!(
            "trailview: {what} took {:.1} ms: {detail}",
            took.as_secs_f64() * 1000.0
        );
    }
}
