//! The Athena SQL is executed, not only compared as text: the generated
//! Trino SQL for many queries is transpiled by sqlglot and run by DuckDB
//! over the corpus loaded in the AWS table's shape, and must select the
//! events `trailview list` shows (tests/athena/duckdb_check.py). Skips,
//! saying why, when python3, duckdb or sqlglot is missing.

use std::path::PathBuf;
use std::process::Command;

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn athena_sql_selects_the_same_events_in_duckdb() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("tests/athena/duckdb_check.py");
    let corpus = root.join("../shared/corpus");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let out = match Command::new(&python)
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_trailview"))
        .arg(&corpus)
        .arg(root.join("tests/athena/shapes"))
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!(
                "SKIP athena_sql_selects_the_same_events_in_duckdb: cannot run {python}: {e}"
            );
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(77) {
        eprintln!(
            "SKIP athena_sql_selects_the_same_events_in_duckdb: {}",
            stdout.trim()
        );
        return;
    }
    assert!(out.status.success(), "{stdout}\n{stderr}");
    // Every query ran: the summary names exact matches and no failures.
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("summary:"))
        .unwrap_or_default();
    assert!(summary.contains("'exact'"), "{stdout}");
    assert!(!summary.contains("'bad'"), "{stdout}");
    eprintln!("{summary}");
}
