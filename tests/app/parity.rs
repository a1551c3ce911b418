//! The app and the command line are one pipeline: for the same folder and
//! query, the app's rows and the CLI's `stats --filter` count agree, and
//! the app's export and `trailview export` write the same bytes (JSON,
//! and CSV with the app's columns) and the same manifest (but for the
//! time it was written and the output's own name).

use std::path::{Path, PathBuf};
use std::process::Command;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::Value;
use trailview::gui::TrailviewApp;
use trailview::gui::picker::FakePicker;
use trailview::gui::settings::Settings;

use crate::gui_harness::{app_harness, settle};

const FOLDER: &str = "stratus-red-team";

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(FOLDER)
}

/// Loads the folder in the app, types `query`, exports to `out` in the
/// format the export window's `format_label` radio button names. Returns
/// the app's row count.
fn app_export(query: &str, format_label: &str, out: &Path) -> usize {
    let app = TrailviewApp::new(
        Settings::default(),
        Box::new(FakePicker {
            folder: Some(folder()),
            save: Some(out.to_path_buf()),
            ..FakePicker::default()
        }),
    );
    let mut h: Harness<'static, TrailviewApp> = app_harness(app);
    h.run_steps(2);
    h.get_by_label("Open folder…").click();
    settle(&mut h);
    if !query.is_empty() {
        let q = h.get_by_label("Filter");
        q.click();
        q.type_text(query);
        settle(&mut h);
    }
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run_steps(2);
    h.get_by_label(format_label).click();
    h.run_steps(1);
    h.get_by_label("Choose file and export…").click();
    settle(&mut h);
    assert!(
        out.is_file(),
        "the app wrote no export: {:?}",
        h.state().session.status()
    );
    h.state().session.rows().len()
}

fn cli(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_trailview"))
        .args(args)
        .output()
        .expect("run trailview");
    assert!(
        out.status.success(),
        "trailview {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn cli_count(query: &str) -> u64 {
    let dir = folder();
    let mut args = vec!["stats", "--json"];
    if !query.is_empty() {
        args.extend(["--filter", query]);
    }
    let path = dir.to_string_lossy().into_owned();
    args.push(&path);
    let v: Value = serde_json::from_slice(&cli(&args).stdout).expect("json");
    v.get("matched")
        .and_then(Value::as_u64)
        .unwrap_or_else(|| v["events"].as_u64().expect("events"))
}

/// The manifest without what differs between two writes of the same
/// evidence: when, and the file's own name.
fn manifest_core(path: &Path) -> Value {
    let text = std::fs::read_to_string(trailview_core::export::manifest::manifest_path(path))
        .expect("manifest");
    let mut v: Value = serde_json::from_str(&text).expect("manifest json");
    if let Some(obj) = v.as_object_mut() {
        assert!(obj.remove("exportedAt").is_some(), "{text}");
        let file = obj.get_mut("export").and_then(Value::as_object_mut);
        assert!(file.expect("export").remove("path").is_some());
    }
    v
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn app_and_cli_give_the_same_rows_bytes_and_manifest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = folder().to_string_lossy().into_owned();
    for (n, query) in [
        "",
        "eventName:GetSecretValue",
        "-name:List* (error:* OR readOnly:false)",
    ]
    .into_iter()
    .enumerate()
    {
        let app_out = dir.path().join(format!("app-{n}.json"));
        let cli_out = dir.path().join(format!("cli-{n}.json"));
        let rows = app_export(query, "JSON (CloudTrail Records, original bytes)", &app_out);
        assert_eq!(rows as u64, cli_count(query), "row count for {query:?}");
        let out = cli_out.to_string_lossy().into_owned();
        let mut args = vec!["export", "--out", &out];
        if !query.is_empty() {
            args.extend(["--filter", query]);
        }
        args.push(&path);
        cli(&args);
        let a = std::fs::read(&app_out).expect("app export");
        let c = std::fs::read(&cli_out).expect("cli export");
        assert!(a == c, "export bytes differ for {query:?}");
        assert_eq!(
            manifest_core(&app_out),
            manifest_core(&cli_out),
            "{query:?}"
        );
    }
    // CSV with the app's columns.
    let query = "eventSource:secretsmanager.amazonaws.com";
    let app_out = dir.path().join("app.csv");
    let cli_out = dir.path().join("cli.csv");
    app_export(query, "CSV (table columns)", &app_out);
    let columns = Settings::default().columns.join(",");
    let out = cli_out.to_string_lossy().into_owned();
    cli(&[
        "export",
        "--out",
        &out,
        "--filter",
        query,
        "--columns",
        &columns,
        &path,
    ]);
    let a = std::fs::read(&app_out).expect("app csv");
    let c = std::fs::read(&cli_out).expect("cli csv");
    assert!(a == c, "CSV bytes differ");
}
