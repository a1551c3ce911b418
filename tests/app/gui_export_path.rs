//! Export where no file dialog can open: the dialog's empty answer is
//! said, not swallowed, and the Export window's path field exports; a
//! timeline drag's time range goes into the manifest.

#![cfg(feature = "gui")]

use crate::gui_harness::settle;
use crate::gui_timeline::{loaded, trail};

use egui_kittest::kittest::Queryable;

#[test]
fn without_a_file_dialog_the_path_field_exports_and_the_manifest_has_the_range() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let evidence = tmp.path().join("evidence");
    std::fs::create_dir(&evidence).expect("mkdir");
    trail(&evidence);
    let mut h = loaded(&evidence);
    // A time range set without typing a query (as a drag does).
    let start = h.state().session.summary().expect("summary").timeline.start;
    h.state_mut()
        .session
        .update_view(|v| v.time_range = Some((start, start + 30 * 60_000)));
    settle(&mut h);
    let n = h.state().session.rows().len();
    assert!(n > 0 && n < 46);

    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run_steps(2);
    // The fake picker has no answer for a save dialog, as on a machine
    // without a portal: the app says so.
    h.get_by_label("Choose file and export…").click();
    settle(&mut h);
    let said = h.state().session.status().map(|s| s.text.clone());
    assert!(
        said.as_deref()
            .is_some_and(|t| t.contains("No file chosen")),
        "{said:?}"
    );

    let out = tmp.path().join("out/evidence.json");
    std::fs::create_dir_all(out.parent().expect("parent")).expect("mkdir");
    h.get_by_label("or to").click();
    h.run_steps(1);
    h.get_by_label("or to")
        .type_text(&out.display().to_string());
    h.run_steps(2);
    h.get_by_label("Export to path").click();
    settle(&mut h);
    let text = std::fs::read_to_string(&out).expect("export file");
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["Records"].as_array().map(Vec::len), Some(n));
    let manifest = trailview_core::export::manifest::manifest_path(&out);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest).expect("manifest")).expect("json");
    assert_eq!(m["timeRange"]["to"], "2024-03-01T00:30:00Z", "{m}");
    assert_eq!(m["eventCount"], n, "{m}");
}
