//! The Integrity view, driven through the real app: a signed trail built in
//! a temp dir is checked after loading, a tampered log file is named and
//! its events found with `integrity:modified`, public keys are loaded
//! through the file dialog, and exports carry the integrity status.

#![cfg(feature = "gui")]

use crate::gui_harness;

use crate::signed_trail;

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gui_harness::{app_harness, settle};
use signed_trail::{HOURS, Trail};
use trailview::gui::TrailviewApp;

use trailview::gui::picker::FakePicker;
use trailview::gui::settings::Settings;
use trailview_core::model::{ColumnSpec, Mark};

fn harness(picker: FakePicker) -> Harness<'static, TrailviewApp> {
    let app = TrailviewApp::new(Settings::default(), Box::new(picker));
    app_harness(app)
}

fn open_folder(picker: FakePicker) -> Harness<'static, TrailviewApp> {
    let mut h = harness(picker);
    h.run_steps(2);
    h.get_by_label("Open folder…").click();
    settle(&mut h);
    h
}

fn picker(t: &Trail) -> FakePicker {
    FakePicker {
        folder: Some(t.root()),
        public_keys: Some(t.keys_file.clone()),
        ..FakePicker::default()
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().expect("name").to_string_lossy().into_owned()
}

/// Event IDs of the table's rows, and the files they came from.
fn rows(h: &Harness<'static, TrailviewApp>) -> Vec<(String, PathBuf)> {
    let app = h.state();
    let store = app.session.read();
    app.session
        .rows()
        .iter()
        .map(|&i| {
            let file = store.files()[store.file_id(i) as usize].clone();
            (store.event_id(i).into_owned(), file)
        })
        .collect()
}

/// Moves the pointer onto the widget for a frame, then clicks it (a click
/// that moves the pointer in the same frame can miss right after a window
/// opened under the pointer's old tooltip).
fn click(h: &mut Harness<'static, TrailviewApp>, label: &str) {
    h.get_by_label(label).hover();
    h.run_steps(2);
    h.get_by_label(label).click();
    h.run_steps(3);
}

fn open_integrity_from_menu(h: &mut Harness<'static, TrailviewApp>) {
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Integrity…").click();
    h.run_steps(3);
}

#[test]
fn a_valid_signed_trail_is_summarised_in_the_integrity_view() {
    let t = Trail::build();
    let mut h = open_folder(picker(&t));
    let report = h.state().session.integrity().cloned().expect("check ran");
    assert!(report.all_valid(), "{}", report.render_text());
    assert!(h.state().session.integrity_index().is_some());
    // The badge opens the window.
    h.get_by_label("Integrity: valid").click();
    h.run_steps(3);
    h.get_by_label("Everything checked is valid");
    h.get_by_label(&format!("{HOURS}/{HOURS}"));
    h.get_by_label("6/6");
    h.get_by_label_contains("not checked: no public keys loaded");
    h.get_by_label("Log files (6)");
    // Every log file is listed as valid, by name.
    for p in t.logs.iter().flatten() {
        h.get_by_label(&file_name(p));
    }
    assert_eq!(h.get_all_by_label("valid").count(), 6);
    // The digests tab lists each digest with its signature status.
    click(&mut h, &format!("Digests ({HOURS})"));
    assert_eq!(h.get_all_by_label("not checked").count(), HOURS);
}

#[test]
fn a_tampered_log_is_named_and_integrity_modified_finds_its_events() {
    let t = Trail::build();
    let mut h = open_folder(picker(&t));
    assert!(
        h.state()
            .session
            .integrity()
            .as_ref()
            .expect("ran")
            .all_valid()
    );
    // Tamper with one byte of one log file, then load again.
    let victim = t.logs[1][0].clone();
    t.tamper_log(&victim);
    click(&mut h, "File");
    click(&mut h, "Close all");
    settle(&mut h);
    assert!(
        h.state().session.integrity().is_none(),
        "Close all clears it"
    );
    h.get_by_label("Open folder…").click();
    settle(&mut h);
    h.get_by_label("Integrity: 1 modified").click();
    h.run_steps(3);
    h.get_by_label("Problems found: the loaded data does not match its digests");
    click(&mut h, "Show only problems");
    assert!(h.state().integrity_view.problems_only);
    // Only the modified file is listed, in the log files tab.
    h.get_by_label(&file_name(&victim));
    assert!(h.query_by_label(&file_name(&t.logs[1][1])).is_none());
    h.get_by_label("modified");
    // The query language finds exactly that file's events.
    click(&mut h, "Filter");
    h.get_by_label("Filter").type_text("integrity:modified");
    settle(&mut h);
    let found = rows(&h);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0], ("1-0".to_owned(), victim.clone()));
    // The row's button filters the table to the file's events too.
    h.state_mut().query_text.clear();
    h.state_mut().session.update_view(|v| v.query.clear());
    settle(&mut h);
    assert_eq!(rows(&h).len(), 6);
    click(&mut h, "Show events");
    settle(&mut h);
    assert!(
        h.state().query_text.starts_with("file:"),
        "{}",
        h.state().query_text
    );
    assert_eq!(rows(&h), [("1-0".to_owned(), victim)]);
}

#[test]
fn public_keys_from_the_file_dialog_check_the_signatures() {
    let t = Trail::build();
    let mut h = open_folder(picker(&t));
    open_integrity_from_menu(&mut h);
    h.get_by_label("No public keys loaded: signatures are not checked");
    h.get_by_label("Load public keys…").click();
    settle(&mut h);
    let report = h.state().session.integrity().cloned().expect("check ran");
    assert!(report.summary.signatures_checked);
    assert_eq!(report.summary.signatures_valid, HOURS - 1);
    h.get_by_label(&format!("Public keys: {} (1 keys)", t.keys_file.display()));
    h.get_by_label(&format!(
        "Signatures {}",
        trailview::gui::windows::integrity::signatures_text(&report.summary, true)
    ));
    assert!(
        trailview::gui::windows::integrity::signatures_text(&report.summary, true)
            .starts_with("checked: 3 valid, 0 not valid, 1 not available offline")
    );
    click(&mut h, &format!("Digests ({HOURS})"));
    assert_eq!(h.get_all_by_label("valid").count(), HOURS + (HOURS - 1));
    h.get_by_label("signature not available offline");
    // The keys are remembered for the session: a new load checks them too.
    click(&mut h, "File");
    click(&mut h, "Close all");
    settle(&mut h);
    h.get_by_label("Open folder…").click();
    settle(&mut h);
    let again = h.state().session.integrity().cloned().expect("check ran");
    assert!(again.summary.signatures_checked);
}

#[test]
fn a_bad_public_keys_file_shows_a_clear_error_and_keeps_the_check() {
    let t = Trail::build();
    let bad = t.dir.path().join("not-keys.json");
    std::fs::write(&bad, "[1, 2, 3]").expect("write");
    let mut h = open_folder(FakePicker {
        folder: Some(t.root()),
        public_keys: Some(bad),
        ..FakePicker::default()
    });
    open_integrity_from_menu(&mut h);
    h.get_by_label("Load public keys…").click();
    settle(&mut h);
    h.get_by_label_contains("Public keys not used:");
    h.get_by_label_contains("no PublicKeyList array");
    let report = h.state().session.integrity().cloned().expect("check kept");
    assert!(!report.summary.signatures_checked);
    assert!(report.all_valid());
}

/// The corpus's digests are fragments of longer chains: one note each,
/// folded under one header so the file tables keep their room.
#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn many_notes_fold_under_one_header_on_the_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut h = open_folder(FakePicker {
        folder: Some(corpus),
        ..FakePicker::default()
    });
    let notes = h
        .state()
        .session
        .integrity()
        .as_ref()
        .map(|r| r.notes.len());
    assert_eq!(notes, Some(6));
    h.get_by_label("Integrity: 8 missing").click();
    h.run_steps(3);
    assert!(h.query_by_label_contains("Note: ").is_none());
    // With the notes folded, the log file table has room for every missing
    // file; per file on disk it has a way to its events.
    h.get_by_label("Events");
    assert_eq!(h.get_all_by_label("missing").count(), 8);
    click(&mut h, "6 notes (not failures)");
    assert_eq!(
        h.get_all_by_label_contains("the chain continues before the loaded digests")
            .count(),
        6
    );
}

#[test]
fn without_digests_the_view_says_so_plainly() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("events.json"),
        r#"{"Records":[{"eventID":"e1","eventName":"GetObject","eventTime":"2023-01-01T00:00:00Z"}]}"#,
    )
    .expect("write");
    let mut h = open_folder(FakePicker {
        folder: Some(dir.path().to_path_buf()),
        ..FakePicker::default()
    });
    assert!(h.state().session.integrity().is_none());
    assert!(h.query_by_label_contains("Integrity:").is_none());
    open_integrity_from_menu(&mut h);
    h.get_by_label_contains(
        "No CloudTrail-Digest files were loaded, so nothing could be validated",
    );
}

#[test]
fn exports_carry_the_integrity_status_in_the_manifest_and_csv() {
    let t = Trail::build();
    let victim = t.logs[2][1].clone();
    t.tamper_log(&victim);
    let out_dir = tempfile::tempdir().expect("tempdir");
    let out = out_dir.path().join("events.csv");
    let mut h = open_folder(FakePicker {
        save: Some(out.clone()),
        ..picker(&t)
    });
    let mut columns = h.state().settings.column_specs();
    columns.push(ColumnSpec::Mark(Mark::Integrity));
    h.state_mut().set_columns(columns);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run_steps(2);
    h.get_by_label("CSV (table columns)").click();
    h.run_steps(2);
    h.get_by_label("Choose file and export…").click();
    settle(&mut h);
    let csv = std::fs::read_to_string(&out).expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 7, "{csv}");
    assert!(lines[0].ends_with(",integrity"), "{}", lines[0]);
    let modified: Vec<&&str> = lines.iter().filter(|l| l.ends_with(",modified")).collect();
    assert_eq!(modified.len(), 1, "{csv}");
    assert!(modified[0].contains("PetObject"), "{csv}");
    assert_eq!(lines.iter().filter(|l| l.ends_with(",valid")).count(), 5);
    let manifest = trailview_core::export::manifest::manifest_path(&out);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest).expect("manifest")).expect("json");
    assert!(
        m["integrity"]
            .as_str()
            .is_some_and(|s| s.contains("1 modified")),
        "{m}"
    );
    let sources = m["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 6);
    for s in sources {
        let want = if s["path"].as_str() == Some(&victim.display().to_string()) {
            "modified"
        } else {
            "valid"
        };
        assert_eq!(s["integrity"], want, "{s}");
    }
}
