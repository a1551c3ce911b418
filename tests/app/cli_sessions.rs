//! `trailview sessions` and the credential columns of `list` on the
//! stratus-red-team corpus (real AssumeRole sequences).

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn trailview(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailview"))
        .args(args)
        .output()
        .expect("run trailview")
}

fn stratus() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/stratus-red-team/stratus-red-team.json.gz")
        .to_string_lossy()
        .into_owned()
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn sessions_json_follows_the_filter_and_sort() {
    let out = trailview(&[
        "sessions",
        "--json",
        "--filter",
        "key:ASIA*",
        "--sort",
        "events",
        "--desc",
        &stratus(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let rows = v.as_array().expect("an array");
    assert!(rows.len() >= 5);
    assert!(
        rows.iter()
            .all(|r| r["session"].as_str().is_some_and(|s| s.starts_with("ASIA")))
    );
    let events: Vec<u64> = rows
        .iter()
        .map(|r| r["events"].as_u64().unwrap_or(0))
        .collect();
    assert!(events.windows(2).all(|w| w[0] >= w[1]), "{events:?}");
    assert!(
        rows.iter()
            .any(|r| r["origin"] == "christophe" && r["hops"] == 1)
    );
    assert!(rows[0]["source_ips"].is_array() && rows[0]["first_seen"].is_array());
    let bad = trailview(&["sessions", "--sort", "nope", &stratus()]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn list_prints_the_chain_columns_and_filters_on_them() {
    let out = trailview(&[
        "list",
        "--columns",
        "origin,chain,hops,session,source_identity",
        "--filter",
        "hops:>=1 origin:christophe",
        &stratus(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("origin\tchain\thops\tsession\tsource_identity")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= 40, "{}", rows.len());
    for r in rows {
        let cells: Vec<&str> = r.split('\t').collect();
        assert_eq!(cells[0], "christophe");
        assert!(
            cells[1].starts_with("christophe (AKIA") && cells[1].contains(" → "),
            "{r}"
        );
        assert_eq!(cells[2], "1");
        assert!(cells[3].starts_with("ASIA"));
    }
}
