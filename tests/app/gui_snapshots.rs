//! A few reference images of the app (wgpu on a software adapter).
//! Create or refresh with `UPDATE_SNAPSHOTS=1 WGPU_BACKEND=gl cargo test --test gui_snapshots`.

#![cfg(feature = "gui")]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trailview::gui::TrailviewApp;
use trailview::gui::picker::FakePicker;
use trailview::gui::settings::{Settings, ThemeChoice};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn harness(settings: Settings, picker: FakePicker) -> Harness<'static, TrailviewApp> {
    let app = TrailviewApp::new(settings, Box::new(picker));
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(64)
        .build_ui_state(|ui, app: &mut TrailviewApp| app.show(ui), app)
}

fn settle(h: &mut Harness<'static, TrailviewApp>) {
    let deadline = Instant::now() + Duration::from_secs(60);
    h.step();
    while !h.state().is_idle() {
        h.step();
        assert!(Instant::now() < deadline, "app did not settle");
        std::thread::sleep(Duration::from_millis(10));
    }
    h.run_steps(4);
}

#[test]
fn start_screen() {
    let settings = Settings {
        recent: vec![PathBuf::from("/cases/2024-incident/AWSLogs")],
        ..Settings::default()
    };
    let mut h = harness(settings, FakePicker::default());
    h.run_steps(3);
    h.snapshot("start_screen");
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn main_view_dark() {
    main_view(ThemeChoice::Dark);
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn main_view_light() {
    main_view(ThemeChoice::Light);
}

fn main_view(theme: ThemeChoice) {
    {
        let settings = Settings {
            theme,
            ..Settings::default()
        };
        let mut h = harness(
            settings,
            FakePicker {
                folder: Some(corpus().join("stratus-red-team")),
                ..FakePicker::default()
            },
        );
        h.run_steps(2);
        h.get_by_label("Open folder…").click();
        settle(&mut h);
        h.get_all_by_label("GetPasswordData")
            .nth(3)
            .expect("a GetPasswordData cell")
            .click();
        settle(&mut h);
        let name = match theme {
            ThemeChoice::Dark => "main_view_dark",
            ThemeChoice::Light => "main_view_light",
        };
        // The status bar shows timings that differ between runs.
        h.mask(egui::Rect::from_min_max(
            egui::pos2(0.0, 770.0),
            egui::pos2(1280.0, 800.0),
        ));
        h.snapshot(name);
    }
}
