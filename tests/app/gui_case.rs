//! Drives the real app through tags, stars and notes, case files, the
//! autosave and "Export tagged events", on a copy of the app's sample
//! trail in a temporary folder (so a failed "never write into evidence"
//! check could only ever write into that copy).

#![cfg(feature = "gui")]

use crate::gui_harness;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui::accesskit::Toggled;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_harness::{app_harness, settle};
use sha2::{Digest, Sha256};
use trailview::gui::TrailviewApp;

use trailview::gui::picker::FakePicker;
use trailview::gui::settings::Settings;
use trailview_core::model::Direction;
use trailview_core::model::{Column, ColumnSpec, EventIdx};

/// A temporary copy of `assets/sample` (the evidence folder).
fn sample_copy(dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample");
    let to = dir.join("sample");
    copy_dir(&from, &to);
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

fn harness(picker: FakePicker, autosave: Option<PathBuf>) -> Harness<'static, TrailviewApp> {
    let app = TrailviewApp::new(Settings::default(), Box::new(picker)).with_autosave(autosave);
    app_harness(app)
}

fn open_folder(h: &mut Harness<'static, TrailviewApp>) {
    h.run_steps(2);
    h.get_by_label("Open folder…").click();
    settle(h);
    assert!(h.state().session.store_len() > 300);
}

fn event_id(h: &Harness<'static, TrailviewApp>, idx: EventIdx) -> String {
    h.state().session.read().event_id(idx).into_owned()
}

/// The eventIDs of the rows the table shows.
fn shown_ids(h: &Harness<'static, TrailviewApp>) -> Vec<String> {
    let app = h.state();
    let store = app.session.read();
    app.session
        .rows()
        .iter()
        .map(|&i| store.event_id(i).into_owned())
        .collect()
}

fn row_of(h: &Harness<'static, TrailviewApp>, id: &str) -> EventIdx {
    let store = h.state().session.read();
    (0..store.len() as EventIdx)
        .find(|&i| store.event_id(i) == id)
        .expect("event loaded")
}

fn type_query(h: &mut Harness<'static, TrailviewApp>, text: &str) {
    if !h.state().query_text.is_empty() {
        h.get_by_label("Clear").click();
        settle(h);
    }
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text(text);
    settle(h);
    // Leave the box so single-key shortcuts act on the table again.
    h.key_press(egui::Key::Escape);
    settle(h);
}

fn chip_on(h: &Harness<'static, TrailviewApp>, label: &str) -> bool {
    h.get_by_label(label).accesskit_node().toggled() == Some(Toggled::True)
}

/// The single-line text box holding `value`.
fn text_box<'a>(h: &'a Harness<'static, TrailviewApp>, value: &str) -> egui_kittest::Node<'a> {
    h.get_all_by_role(egui::accesskit::Role::TextInput)
        .find(|n| n.accesskit_node().value().as_deref() == Some(value))
        .expect("text box")
}

fn menu(h: &mut Harness<'static, TrailviewApp>, item: &str) {
    h.get_by_label("File").click();
    h.run_steps(2);
    h.get_by_label(item).click();
    settle(h);
}

fn status(h: &Harness<'static, TrailviewApp>) -> String {
    h.state()
        .session
        .status()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// Tags the focused event with `1`, stars it with `s`, writes a note
/// with `n`; returns the eventIDs of the evidence rows and the noted one.
fn mark_events(h: &mut Harness<'static, TrailviewApp>) -> (Vec<String>, String) {
    // j selects the first row; the detail pane shows its chips.
    h.key_press(egui::Key::J);
    settle(h);
    let first = h.state().session.selection().focus.expect("focus");
    assert!(!chip_on(h, "1 evidence"));
    h.key_press(egui::Key::Num1);
    settle(h);
    assert!(chip_on(h, "1 evidence"), "chip not on after pressing 1");
    assert!(h.state().session.case().has_tag(first, "evidence"));
    assert_eq!(status(h), "Tagged 1 event as evidence");
    // The third row gets evidence and suspicious, and a star.
    h.key_press(egui::Key::J);
    h.key_press(egui::Key::J);
    settle(h);
    let third = h.state().session.selection().focus.expect("focus");
    assert_ne!(first, third);
    h.key_press(egui::Key::Num1);
    h.key_press(egui::Key::Num2);
    h.key_press(egui::Key::S);
    settle(h);
    assert!(chip_on(h, "2 suspicious"));
    assert!(h.state().session.case().is_starred(third));
    h.get_by_label("★ Starred");
    // n focuses the note editor; what is typed is the event's note.
    h.key_press(egui::Key::N);
    settle(h);
    h.get_by_label("Note").type_text("key used from a Tor exit");
    settle(h);
    h.key_press(egui::Key::Escape);
    settle(h);
    assert_eq!(
        h.state().session.case().note(third),
        Some("key used from a Tor exit")
    );
    let mut evidence = vec![event_id(h, first), event_id(h, third)];
    evidence.sort();
    (evidence, event_id(h, third))
}

#[test]
fn tag_star_note_filter_save_reopen_and_export_tagged() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let evidence = sample_copy(tmp.path());
    let case_path = tmp.path().join("cases/incident.trailview");
    let mut h = harness(
        FakePicker {
            folder: Some(evidence.clone()),
            save: Some(case_path.clone()),
            ..FakePicker::default()
        },
        None,
    );
    open_folder(&mut h);
    let (tagged, noted) = mark_events(&mut h);

    // Queries on marks show exactly the marked events.
    type_query(&mut h, "tag:evidence");
    let mut shown = shown_ids(&h);
    shown.sort();
    assert_eq!(shown, tagged);
    type_query(&mut h, "has:note");
    assert_eq!(shown_ids(&h), vec![noted.clone()]);
    type_query(&mut h, "is:starred");
    assert_eq!(shown_ids(&h), vec![noted.clone()]);
    // Taking the star off re-runs the query that reads it; the event is
    // gone from the rows, so nothing is focused any more.
    h.key_press(egui::Key::S);
    settle(&mut h);
    assert!(shown_ids(&h).is_empty());
    assert_eq!(h.state().session.selection().focus, None);
    // Star it again from a view that shows it.
    type_query(&mut h, "has:note");
    h.key_press(egui::Key::J);
    settle(&mut h);
    h.key_press(egui::Key::S);
    settle(&mut h);
    type_query(&mut h, "is:starred");
    assert_eq!(shown_ids(&h), vec![noted.clone()]);

    // A view worth restoring: sorted by event name, descending; the
    // annotation columns added; a query on tags.
    let mut shown = h.state().session.view().columns.clone();
    shown.extend([ColumnSpec::parse("tags"), ColumnSpec::parse("starred")]);
    h.state_mut().set_columns(shown);
    type_query(&mut h, "tag:evidence or tag:suspicious");
    h.get_by_label("Event name").click();
    settle(&mut h);
    h.get_by_label("Event name").click();
    settle(&mut h);
    assert_eq!(
        h.state().session.applied_view().sort.direction,
        Direction::Descending
    );
    let columns = h.state().settings.columns.clone();

    menu(&mut h, "Save case as…");
    assert!(case_path.exists(), "{}", status(&h));
    assert!(status(&h).starts_with("Case saved to"), "{}", status(&h));
    assert!(
        h.state().title().ends_with("incident.trailview"),
        "{}",
        h.state().title()
    );
    // A change shows the unsaved dot; Ctrl+S saves to the same file.
    h.key_press(egui::Key::J);
    h.key_press(egui::Key::Num3);
    settle(&mut h);
    assert!(h.state().title().ends_with("incident.trailview •"));
    h.key_press(egui::Key::Num3);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    settle(&mut h);
    assert!(h.state().title().ends_with("incident.trailview"));
    drop(h);

    // A new app opens the case: same data, view and marks.
    let export = tmp.path().join("exports/tagged.json");
    std::fs::create_dir_all(tmp.path().join("exports")).expect("mkdir");
    let mut h = harness(
        FakePicker {
            files: vec![case_path.clone()],
            save: Some(export.clone()),
            ..FakePicker::default()
        },
        None,
    );
    h.run_steps(2);
    h.get_by_label("Open case…").click();
    settle(&mut h);
    let app = h.state();
    assert_eq!(app.session.loaded_paths(), vec![evidence.clone()]);
    assert_eq!(app.query_text, "tag:evidence or tag:suspicious");
    assert_eq!(
        app.session.applied_view().sort.column,
        ColumnSpec::Column(Column::EventName)
    );
    assert_eq!(
        app.session.applied_view().sort.direction,
        Direction::Descending
    );
    assert_eq!(app.settings.columns, columns);
    let mut shown = shown_ids(&h);
    shown.sort();
    assert_eq!(shown, tagged);
    let noted_row = row_of(&h, &noted);
    let case = &h.state().session.case();
    assert_eq!(case.note(noted_row), Some("key used from a Tor exit"));
    assert!(case.is_starred(noted_row));
    assert_eq!(case.tags_of(noted_row), ["evidence", "suspicious"]);
    assert_eq!(case.marks.len(), 2);

    // Export tagged events ignores the filter and takes exactly the
    // events with the tag, in the table's sort order.
    type_query(&mut h, "tag:suspicious");
    assert_eq!(shown_ids(&h).len(), 1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run_steps(2);
    h.get_by_label("Export tagged events:").click();
    h.run_steps(2);
    h.get_by_label_contains("Choose file and export").click();
    settle(&mut h);
    assert!(
        status(&h).starts_with("Exported 2 events"),
        "{}",
        status(&h)
    );
    let bytes = std::fs::read(&export).expect("export");
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    let ids: Vec<String> = v["Records"]
        .as_array()
        .expect("Records")
        .iter()
        .map(|r| r["eventID"].as_str().expect("id").to_owned())
        .collect();
    let mut expected: Vec<EventIdx> = tagged.iter().map(|id| row_of(&h, id)).collect();
    {
        let store = h.state().session.read();
        store.sort_by_column(&mut expected, Column::EventName, Direction::Descending);
    }
    let expected: Vec<String> = expected.iter().map(|&i| event_id(&h, i)).collect();
    assert_eq!(ids, expected);

    let manifest_path = trailview_core::export::manifest::manifest_path(&export);
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(manifest_path).expect("manifest")).expect("json");
    assert_eq!(m["eventCount"], 2, "{m}");
    assert_eq!(
        m["export"]["sha256"].as_str(),
        Some(hex::encode(Sha256::digest(&bytes)).as_str())
    );
    let ann = m["annotations"].as_array().expect("annotations");
    assert_eq!(ann.len(), 2, "{m}");
    for a in ann {
        let pos = a["position"].as_u64().expect("position") as usize;
        assert_eq!(a["eventID"], expected[pos].as_str());
        assert!(
            a["tags"]
                .as_array()
                .is_some_and(|t| t.iter().any(|t| t == "evidence"))
        );
        if a["eventID"] == noted.as_str() {
            assert_eq!(a["note"], "key used from a Tor exit");
            assert_eq!(a["starred"], true);
        }
    }
    for s in m["sources"].as_array().expect("sources") {
        let path = s["path"].as_str().expect("path");
        let disk = std::fs::read(path).expect("source file");
        assert_eq!(
            s["sha256"].as_str(),
            Some(hex::encode(Sha256::digest(&disk)).as_str())
        );
    }
}

#[test]
fn saving_the_case_inside_the_evidence_folder_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let evidence = sample_copy(tmp.path());
    let inside = evidence.join("AWSLogs/case.trailview");
    let mut h = harness(
        FakePicker {
            folder: Some(evidence.clone()),
            save: Some(inside.clone()),
            ..FakePicker::default()
        },
        None,
    );
    open_folder(&mut h);
    h.key_press(egui::Key::J);
    h.key_press(egui::Key::Num1);
    settle(&mut h);
    menu(&mut h, "Save case as…");
    assert!(!inside.exists());
    let s = h.state().session.status().cloned().expect("status");
    assert!(s.is_error);
    assert!(
        s.text.contains("refusing to write") && s.text.contains("evidence folder"),
        "{}",
        s.text
    );
    h.get_by_label_contains("refusing to write");
    assert!(h.state().session.case().file.is_none());
}

#[test]
fn autosave_is_offered_as_resume_last_session_on_the_next_start() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let evidence = sample_copy(tmp.path());
    let autosave = tmp.path().join("data/autosaves");
    let mut h = harness(
        FakePicker {
            folder: Some(evidence.clone()),
            ..FakePicker::default()
        },
        Some(autosave.clone()),
    );
    h.run_steps(2);
    assert!(h.query_by_label("Resume last session").is_none());
    open_folder(&mut h);
    let (tagged, noted) = mark_events(&mut h);
    // One detection rule turned off: the case keeps it.
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Detections…").click();
    settle(&mut h);
    h.get_by_label("Every rule").click();
    h.run_steps(2);
    h.get_by_label("Run Root user activity").click();
    settle(&mut h);
    assert_eq!(h.state().settings.disabled_rules.len(), 1);
    h.get_by_label("Close window").click();
    h.run_steps(2);
    type_query(&mut h, "has:note");
    // The autosave follows shortly after the last change.
    let deadline = Instant::now() + Duration::from_secs(30);
    while h
        .state()
        .session
        .autosave()
        .resume
        .as_ref()
        .map(|r| r.query.as_str())
        != Some("has:note")
    {
        assert!(Instant::now() < deadline, "no autosave");
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(h);

    let mut h = harness(FakePicker::default(), Some(autosave.clone()));
    h.run_steps(2);
    h.get_by_label_contains("2 marked events");
    h.get_by_label("Resume last session").click();
    settle(&mut h);
    let app = h.state();
    assert_eq!(app.session.loaded_paths(), vec![evidence]);
    assert_eq!(app.query_text, "has:note");
    assert_eq!(shown_ids(&h), vec![noted.clone()]);
    for id in &tagged {
        let row = row_of(&h, id);
        assert!(h.state().session.case().has_tag(row, "evidence"));
    }
    // The rule turned off in that session is off again, in the session
    // and in the Detections window's settings.
    assert_eq!(app.session.rule_options().disabled.len(), 1);
    assert_eq!(
        app.settings.disabled_rules,
        app.session.rule_options().disabled
    );
    // Resumed marks are not in any case file yet.
    assert!(h.state().session.case().file.is_none());
    assert!(
        h.state().title().ends_with("unsaved case •"),
        "{}",
        h.state().title()
    );
}

#[test]
fn tag_manager_defines_renames_and_deletes_and_the_row_menu_stars() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let evidence = sample_copy(tmp.path());
    let mut h = harness(
        FakePicker {
            folder: Some(evidence),
            ..FakePicker::default()
        },
        None,
    );
    open_folder(&mut h);
    h.key_press(egui::Key::J);
    settle(&mut h);
    let first = h.state().session.selection().focus.expect("focus");

    // Define a tag in the Tags window.
    menu(&mut h, "Tags…");
    let name = h.get_by_label("Name");
    name.click();
    name.type_text("lateral");
    h.run_steps(2);
    h.get_by_label("Add tag").click();
    settle(&mut h);
    assert_eq!(status(&h), "Tag lateral defined");
    assert!(h.state().session.case().tag_def("lateral").is_some());
    h.get_by_label("Close window").click();
    settle(&mut h);

    // Its chip in the detail pane tags the event.
    h.get_by_label("lateral").click();
    settle(&mut h);
    assert!(h.state().session.case().has_tag(first, "lateral"));

    // Rename it (on the event too), then delete it (after confirming).
    menu(&mut h, "Tags…");
    h.get_all_by_label("Rename")
        .nth(3)
        .expect("4th tag")
        .click();
    h.run_steps(2);
    text_box(&h, "lateral").focus();
    h.run_steps(1);
    h.key_press(egui::Key::End);
    h.run_steps(1);
    text_box(&h, "lateral").type_text("-movement");
    h.run_steps(2);
    h.get_by_label("OK").click();
    settle(&mut h);
    assert_eq!(status(&h), "Tag lateral renamed to lateral-movement");
    assert!(h.state().session.case().has_tag(first, "lateral-movement"));
    h.get_all_by_label("Delete")
        .nth(3)
        .expect("4th tag")
        .click();
    h.run_steps(2);
    assert!(
        h.state()
            .session
            .case()
            .tag_def("lateral-movement")
            .is_some()
    );
    h.get_by_label("Delete from 1 event").click();
    settle(&mut h);
    assert!(
        h.state()
            .session
            .case()
            .tag_def("lateral-movement")
            .is_none()
    );
    assert!(!h.state().session.case().has_tag(first, "lateral-movement"));
    assert_eq!(
        status(&h),
        "Tag lateral-movement deleted (it was on 1 event)"
    );
    h.get_by_label("Close window").click();
    settle(&mut h);

    // A row's context menu stars that row.
    let second = h.state().session.rows()[1];
    let second_time = {
        let store = h.state().session.read();
        trailview_core::timefmt::format_utc(store.time(second))
    };
    h.get_all_by_label(&second_time)
        .next()
        .expect("time cell")
        .click_secondary();
    h.run_steps(2);
    // The menu item's label includes its key.
    h.get_by_label("Star S").click();
    settle(&mut h);
    assert!(h.state().session.case().is_starred(second));
    assert!(!h.state().session.case().is_starred(first));

    // Opening another case over unsaved marks warns first.
    menu(&mut h, "Open case…");
    let s = h.state().session.status().cloned().expect("status");
    assert!(s.is_error && s.text.contains("unsaved"), "{}", s.text);
    assert!(h.state().session.case().is_starred(second));

    // So does Close all (a warning for Open case… does not count for it);
    // asked again, it discards them.
    menu(&mut h, "Close all");
    let s = h.state().session.status().cloned().expect("status");
    assert!(
        s.is_error && s.text.contains("Close all again"),
        "{}",
        s.text
    );
    assert!(h.state().session.store_len() > 0, "nothing closed yet");
    menu(&mut h, "Close all");
    assert_eq!(h.state().session.store_len(), 0);
    assert!(h.state().session.case().marks.is_empty());
}

/// Steps the app until its autosave holds `marked` marked events.
fn wait_for_autosave(h: &mut Harness<'static, TrailviewApp>, marked: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while h
        .state()
        .session
        .autosave()
        .resume
        .as_ref()
        .map(|r| r.marked)
        != Some(marked)
    {
        assert!(Instant::now() < deadline, "no autosave with {marked} marks");
        h.step();
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn launch_on(path: &Path, autosaves: &Path) -> Harness<'static, TrailviewApp> {
    let app = TrailviewApp::new(Settings::default(), Box::new(FakePicker::default()))
        .with_autosave(Some(autosaves.to_path_buf()))
        .with_paths(vec![path.to_path_buf()]);
    let mut h = app_harness(app);
    h.run_steps(2);
    settle(&mut h);
    assert!(h.state().session.store_len() > 300);
    h
}

#[test]
fn marks_survive_a_kill_and_a_relaunch_on_other_data() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let evidence = sample_copy(tmp.path());
    let other_tmp = tempfile::tempdir().expect("tempdir");
    let other = sample_copy(other_tmp.path());
    let autosaves = tmp.path().join("data/autosaves");

    // Marks on the first folder, then the process is killed: no Quit, no
    // exit flush, only what was written as the marks changed.
    let mut h = harness(
        FakePicker {
            folder: Some(evidence.clone()),
            ..FakePicker::default()
        },
        Some(autosaves.clone()),
    );
    open_folder(&mut h);
    let (tagged, noted) = mark_events(&mut h);
    wait_for_autosave(&mut h, 2);
    drop(h);

    // Relaunched on another folder: its own case, and a star of its own.
    let mut h = launch_on(&other, &autosaves);
    assert!(h.state().session.case().marks.is_empty());
    h.key_press(egui::Key::J);
    h.key_press(egui::Key::S);
    settle(&mut h);
    wait_for_autosave(&mut h, 1);
    drop(h);
    assert_eq!(std::fs::read_dir(&autosaves).expect("autosaves").count(), 2);

    // Relaunched on the first folder: every mark is back, and said so.
    let h = launch_on(&evidence, &autosaves);
    assert!(
        status(&h).contains("Restored 2 marked events"),
        "{}",
        status(&h)
    );
    for id in &tagged {
        let row = row_of(&h, id);
        assert!(h.state().session.case().has_tag(row, "evidence"));
    }
    let row = row_of(&h, &noted);
    assert_eq!(
        h.state().session.case().note(row),
        Some("key used from a Tor exit")
    );
}
