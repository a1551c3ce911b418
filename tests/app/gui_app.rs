//! Drives the real app through its accessibility labels: load a corpus
//! folder, sort, filter, facet, select, export, drop, problems, keys.

#![cfg(feature = "gui")]

use crate::gui_harness;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gui_harness::{app_harness, settle};
use trailview::gui::TrailviewApp;

use trailview::gui::picker::FakePicker;
use trailview::gui::settings::Settings;
use trailview_core::model::{Column, ColumnSpec};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn harness(picker: FakePicker) -> Harness<'static, TrailviewApp> {
    let app = TrailviewApp::new(Settings::default(), Box::new(picker));
    app_harness(app)
}

fn loaded(folder: &str) -> Harness<'static, TrailviewApp> {
    let mut h = harness(FakePicker {
        folder: Some(corpus().join(folder)),
        ..FakePicker::default()
    });
    h.run_steps(2);
    h.get_by_label("Open folder…").click();
    settle(&mut h);
    h
}

fn names(h: &Harness<'static, TrailviewApp>) -> Vec<String> {
    let app = h.state();
    let store = app.session.read();
    app.session
        .rows()
        .iter()
        .map(|&i| store.value(Column::EventName, i).into_owned())
        .collect()
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn open_folder_loads_events_drops_duplicates_and_sets_title() {
    let h = loaded("stratus-red-team");
    let app = h.state();
    // The folder holds the 35 detonation files and the same 310 events
    // wrapped again in one .json.gz: the copies are exact duplicates.
    assert_eq!(app.session.store_len(), 310);
    assert_eq!(app.session.report().duplicates, 310);
    assert_eq!(app.session.rows().len(), 310);
    assert!(
        app.title().starts_with("Trailview — stratus-red-team"),
        "{}",
        app.title()
    );
    h.get_by_label("310 events");
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn header_click_sorts_and_reverses() {
    let mut h = loaded("stratus-red-team");
    h.get_by_label("Event name").click();
    settle(&mut h);
    let asc = names(&h);
    let mut sorted = asc.clone();
    sorted.sort_by_key(|s| s.to_lowercase());
    assert_eq!(asc, sorted);
    h.get_by_label("Event name").click();
    settle(&mut h);
    let desc = names(&h);
    assert_eq!(desc.first(), asc.last());
    assert_ne!(desc, asc);
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn typing_a_query_filters_and_shows_the_count() {
    let mut h = loaded("stratus-red-team");
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text("eventName:GetSecretValue");
    settle(&mut h);
    let n = names(&h);
    assert_eq!(n.len(), 20);
    assert!(n.iter().all(|s| s == "GetSecretValue"));
    h.get_by_label("20 of 310 events");
    // Beside the count: how long the filter took.
    let took = h.state().session.rows_took().expect("the filter was timed");
    h.get_by_label(&format!("in {} ms", took.as_millis()));
    // Cleared, the count is the total and says no time.
    h.get_by_label("Clear").click();
    settle(&mut h);
    h.get_by_label("310 events");
    let took = h.state().session.rows_took().expect("the view was timed");
    assert!(
        h.query_by_label(&format!("in {} ms", took.as_millis()))
            .is_none()
    );
}

/// A query that scans every event's text starts once typing pauses (the
/// words typed on the way would each start a scan); a column filter
/// applies at once.
#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn a_full_text_query_waits_for_typing_to_pause_and_a_column_filter_does_not() {
    let mut h = loaded("stratus-red-team");
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text("AccessDenied");
    h.run_steps(2);
    assert_eq!(h.state().session.view().query, "", "not while typing");
    assert!(!h.state().is_idle(), "a query is still to come");
    let typed = Instant::now();
    settle(&mut h);
    assert!(typed.elapsed() >= trailview::gui::app::TYPING_PAUSE);
    assert_eq!(h.state().session.view().query, "AccessDenied");
    assert!(!h.state().session.rows().is_empty());
    h.get_by_label("Clear").click();
    settle(&mut h);
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text("name:GetSecretValue");
    h.run_steps(1);
    assert_eq!(h.state().session.view().query, "name:GetSecretValue");
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn malformed_query_shows_error_and_keeps_rows() {
    let mut h = loaded("stratus-red-team");
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text("eventName:\"Get");
    settle(&mut h);
    assert!(h.state().session.query_error().is_some());
    assert_eq!(h.state().session.rows().len(), 310);
    h.get_by_label_contains("unclosed quote");
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn a_mistyped_field_is_named_with_the_closest_known_name() {
    let mut h = loaded("stratus-red-team");
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text("ame:GetSecretValue");
    settle(&mut h);
    assert!(h.state().session.query_error().is_none());
    assert_eq!(h.state().session.rows().len(), 0);
    h.get_by_label_contains("did you mean \"name\"?");
    // Fixing the field makes the hint go away and the rows come back.
    h.get_by_label("Clear").click();
    settle(&mut h);
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text("name:GetSecretValue");
    settle(&mut h);
    assert_eq!(h.state().session.rows().len(), 20);
    assert!(h.query_by_label_contains("did you mean").is_none());
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn facet_click_includes_and_shift_click_excludes() {
    let mut h = loaded("stratus-red-team");
    h.get_by_label("eventName = GetPasswordData").click();
    settle(&mut h);
    assert_eq!(h.state().query_text, "eventName:GetPasswordData");
    assert_eq!(names(&h).len(), 30);
    // Click again removes the clause.
    h.get_by_label("eventName = GetPasswordData").click();
    settle(&mut h);
    assert_eq!(h.state().query_text, "");
    h.get_by_label("eventName = DescribeInstances")
        .click_modifiers(egui::Modifiers::SHIFT);
    settle(&mut h);
    assert_eq!(h.state().query_text, "-eventName:DescribeInstances");
    assert_eq!(names(&h).len(), 310 - 33);
    assert!(!names(&h).iter().any(|n| n == "DescribeInstances"));
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn selecting_a_row_shows_its_detail_and_keys_move_it() {
    let mut h = loaded("stratus-red-team");
    let first_id = {
        let app = h.state();
        let store = app.session.read();
        store.event_id(app.session.rows()[0]).into_owned()
    };
    let first_name = names(&h)[0].clone();
    // Click the first row's event-name cell.
    h.get_all_by_label(&first_name)
        .next()
        .expect("a cell")
        .click();
    settle(&mut h);
    assert_eq!(h.state().session.selection().focus_pos, Some(0));
    h.get_by_label("Copy JSON");
    h.get_by_label(&format!("\"{first_id}\""));
    h.key_press(egui::Key::J);
    settle(&mut h);
    assert_eq!(h.state().session.selection().focus_pos, Some(1));
    h.key_press(egui::Key::ArrowUp);
    settle(&mut h);
    assert_eq!(h.state().session.selection().focus_pos, Some(0));
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn the_detail_pane_follows_the_rows_after_a_filter() {
    let mut h = loaded("stratus-red-team");
    let first_name = names(&h)[0].clone();
    h.get_all_by_label(&first_name)
        .next()
        .expect("a cell")
        .click();
    settle(&mut h);
    h.get_by_label("Copy JSON");
    // A filter that leaves the focused event out: nothing is focused, and
    // the pane closes instead of showing an event the table no longer has
    // (it takes no room while there is nothing to show).
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text(&format!("-name:{first_name}"));
    settle(&mut h);
    assert!(!names(&h).contains(&first_name));
    assert_eq!(h.state().session.selection().focus, None);
    assert!(h.query_by_label("Copy JSON").is_none());
    assert!(h.query_by_label("Event JSON").is_none());
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn export_writes_filtered_events_with_original_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.json");
    let mut h = harness(FakePicker {
        folder: Some(corpus().join("stratus-red-team")),
        save: Some(out.clone()),
        ..FakePicker::default()
    });
    h.run_steps(2);
    h.get_by_label("Open folder…").click();
    settle(&mut h);
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text("eventName:GetSecretValue");
    settle(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run_steps(2);
    h.get_by_label("Choose file and export…").click();
    settle(&mut h);
    let text = std::fs::read_to_string(&out).expect("export file");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let records = v["Records"].as_array().expect("Records");
    assert_eq!(records.len(), 20);
    let app = h.state();
    let store = app.session.read();
    // Every event's original bytes, in the table's order.
    let mut at = 0;
    for &i in app.session.rows().iter() {
        let raw = String::from_utf8(store.raw(i).expect("readable")).expect("utf8");
        let found = text[at..]
            .find(&raw)
            .expect("event bytes in export, in order");
        at += found + raw.len();
    }
    let manifest = trailview_core::export::manifest::manifest_path(&out);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest).expect("manifest")).expect("json");
    assert_eq!(m["query"], "eventName:GetSecretValue", "{m}");
    assert!(
        app.session
            .status()
            .is_some_and(|s| s.text.starts_with("Exported 20 events"))
    );
}

#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn dropping_a_file_loads_it_and_adds_to_what_is_loaded() {
    let mut h = harness(FakePicker::default());
    h.run_steps(2);
    let file = corpus().join("otel-collector-contrib/otel-collector-contrib.json.gz");
    h.input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(file)));
    settle(&mut h);
    let first = h.state().session.store_len();
    assert!(first > 0);
    let more = corpus().join("stratus-red-team/stratus-red-team.json.gz");
    h.input_mut()
        .dropped_files
        .push(Arc::new(DroppedPath(more)));
    settle(&mut h);
    assert_eq!(h.state().session.store_len(), first + 310);
    assert_eq!(h.state().session.loaded_paths().len(), 2);
}

#[test]
fn corrupt_file_is_listed_in_the_load_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bad = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
    bad.extend_from_slice(b"this is not deflate data at all");
    std::fs::write(dir.path().join("broken.json.gz"), bad).expect("write");
    std::fs::write(
        dir.path().join("good.json"),
        r#"{"Records":[{"eventID":"e1","eventName":"GetObject","eventTime":"2023-01-01T00:00:00Z"}]}"#,
    )
    .expect("write");
    let mut h = harness(FakePicker {
        folder: Some(dir.path().to_path_buf()),
        ..FakePicker::default()
    });
    h.run_steps(2);
    h.get_by_label("Open folder…").click();
    settle(&mut h);
    assert_eq!(h.state().session.store_len(), 1);
    h.get_by_label_contains("Load report (1)").click();
    h.run_steps(3);
    // Full path and full reason, each in its cell (truncated to the
    // column's width on screen, whole on hover).
    let problem = h.state().session.report().problems[0].clone();
    let path = problem.path.display().to_string();
    assert!(path.ends_with("broken.json.gz"), "{path}");
    h.get_by_label(&path);
    h.get_by_label(&problem.reason);
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn close_all_returns_to_the_start_screen() {
    let mut h = loaded("stratus-red-team");
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label("Close all").click();
    settle(&mut h);
    assert_eq!(h.state().session.store_len(), 0);
    h.get_by_label("Open sample data");
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn json_path_column_added_in_the_chooser_sorts_by_its_value() {
    let mut h = loaded("stratus-red-team");
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Columns…").click();
    settle(&mut h);
    assert!(
        h.state().modal == Some(trailview::gui::modal::Modal::Columns),
        "the Columns window did not open"
    );
    let field = h.get_by_label("JSON path");
    field.click();
    field.type_text("userIdentity.arn");
    h.run_steps(2);
    h.get_by_label("Add").click();
    h.run_steps(2);
    let path = ColumnSpec::Path("userIdentity.arn".into());
    assert_eq!(h.state().settings.column_specs().last(), Some(&path));
    // The new column is the last, beyond the window's right edge: keep
    // only the time and it, as if the analyst hid the others.
    h.state_mut().modal = None;
    h.state_mut()
        .set_columns(vec![ColumnSpec::Column(Column::Time), path]);
    settle(&mut h);
    h.get_by_label("userIdentity.arn").click();
    settle(&mut h);
    let arns = |h: &Harness<'static, TrailviewApp>| -> Vec<String> {
        let app = h.state();
        let store = app.session.read();
        app.session
            .rows()
            .iter()
            .map(|&i| {
                store
                    .json(i)
                    .and_then(|j| {
                        j.pointer("/userIdentity/arn")
                            .and_then(|v| v.as_str())
                            .map(str::to_lowercase)
                    })
                    .unwrap_or_default()
            })
            .collect()
    };
    let asc = arns(&h);
    let mut sorted = asc.clone();
    sorted.sort();
    assert_eq!(asc, sorted);
    assert!(asc.iter().any(|b| !b.is_empty()), "no ARNs: {asc:?}");
    h.get_by_label("userIdentity.arn").click();
    settle(&mut h);
    let desc = arns(&h);
    assert_eq!(desc.first(), asc.last());
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn search_preparation_reencodes_and_indexes_in_the_background_after_a_load() {
    let h = loaded("stratus-red-team");
    let store = h.state().session.store().clone();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let s = store.read().unwrap_or_else(|e| e.into_inner());
        let raw = s.raw_store();
        let missing = (0..raw.chunk_count() as u32)
            .filter_map(|n| raw.chunk(n))
            .filter(|c| c.raw_len() > 0 && c.trigrams().is_none())
            .count();
        if missing == 0 {
            assert!(raw.chunk_count() > 0);
            // The same pass re-encoded every chunk for fast reading (the
            // bitmap is built after the swap).
            assert!(
                (0..raw.chunk_count() as u32)
                    .filter_map(|n| raw.chunk(n))
                    .all(|c| c.is_search_ready())
            );
            break;
        }
        drop(s);
        assert!(
            Instant::now() < deadline,
            "{missing} chunks still without bitmaps"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_query_over_a_second_can_be_cancelled_keeping_the_previous_results() {
    let tmp = tempfile::tempdir().expect("tempdir");
    crate::gui_timeline::trail(tmp.path());
    let mut h = crate::gui_timeline::loaded(tmp.path());
    let before = h.state().session.rows().len();
    assert_eq!(before, 46);
    // Queries wait at the gate while the test holds it: this one runs
    // for as long as the test needs.
    let gate = h.state().session.query_gate();
    let hold = gate.lock().expect("gate");
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text("name:PutObject");
    h.run_steps(3);
    assert!(h.state().session.rows_pending());
    assert!(
        h.query_by_label("Cancel query").is_none(),
        "no Cancel button for a query under a second"
    );
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(1200) {
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    h.run_steps(2);
    h.get_by_label("Cancel query").click();
    h.run_steps(3);
    assert!(!h.state().session.rows_pending(), "the query was stopped");
    assert_eq!(
        h.state().session.rows().len(),
        before,
        "previous results kept"
    );
    assert!(h.query_by_label("Cancel query").is_none());
    drop(hold);
    settle(&mut h);
    assert_eq!(h.state().session.rows().len(), before);
}
