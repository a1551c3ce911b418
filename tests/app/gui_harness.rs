//! The egui_kittest harness every GUI test drives the real app with: a
//! 1280×800 window, and `settle`, which steps frames until loading,
//! filtering, checking and exporting are done. Shared by the GUI tests
//! (a module of the app test binary).

#![allow(dead_code)]

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use trailview::gui::TrailviewApp;

/// A harness around `app` in a 1280×800 window.
pub fn app_harness(app: TrailviewApp) -> Harness<'static, TrailviewApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(64)
        .build_ui_state(|ui, app: &mut TrailviewApp| app.show(ui), app)
}

/// Steps the UI until the app is idle twice in a row (at most a minute).
pub fn settle(h: &mut Harness<'static, TrailviewApp>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        h.step();
        if h.state().is_idle() {
            h.step();
            if h.state().is_idle() {
                break;
            }
        }
        assert!(Instant::now() < deadline, "app did not settle");
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(2);
}

/// The app with `settings`, a corpus folder (`../shared/corpus/FOLDER`)
/// opened through "Open folder…", settled.
pub fn open_corpus(
    folder: &str,
    settings: trailview::gui::settings::Settings,
) -> Harness<'static, TrailviewApp> {
    use egui_kittest::kittest::Queryable;
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(folder);
    let app = TrailviewApp::new(
        settings,
        Box::new(trailview::gui::picker::FakePicker {
            folder: Some(folder),
            ..trailview::gui::picker::FakePicker::default()
        }),
    );
    let mut h = app_harness(app);
    h.run_steps(2);
    h.get_by_label("Open folder…").click();
    settle(&mut h);
    h
}
