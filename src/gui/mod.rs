//! The desktop application (egui/eframe) over the core engine. State lives
//! in [`state`], background work in [`jobs`], one module per panel or view;
//! [`app::TrailviewApp::show`] draws a frame (used by eframe and by tests).

pub mod actions;
pub mod app;
pub mod case_session;
pub mod cells;
pub mod column_chooser;
pub mod detail;
pub mod export_dialog;
pub mod exporter;
pub mod facets;
pub mod filter;
pub mod fmt;
pub mod histogram;
pub mod integrity_job;
pub mod integrity_tables;
pub mod integrity_view;
pub mod jobs;
pub mod keys;
pub mod load_report;
pub mod loading;
pub mod marks_ops;
pub mod marks_panel;
pub mod marks_table;
pub mod menu_bar;
pub mod outcome;
pub mod picker;
pub mod progress;
pub mod query_bar;
pub mod search_index;
pub mod settings;
pub mod start_screen;
pub mod state;
pub mod summary;
pub mod table;
pub mod tag_manager;
pub mod theme;
pub mod timeline;

use std::path::PathBuf;

pub use app::TrailviewApp;

/// The window icon.
const ICON_PNG: &[u8] = include_bytes!("../../assets/icon-256.png");

/// Opens the main window, loading `paths` at start.
pub fn run(paths: Vec<PathBuf>) -> Result<(), String> {
    let viewport = egui::ViewportBuilder::default()
        .with_title("Trailview")
        .with_app_id("trailview")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([800.0, 500.0])
        .with_drag_and_drop(true);
    let viewport = match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => viewport.with_icon(icon),
        Err(e) => {
            log::warn!("window icon not usable: {e}");
            viewport
        }
    };
    let options = eframe::NativeOptions {
        viewport,
        renderer: renderer_from_env(),
        persist_window: true,
        ..eframe::NativeOptions::default()
    };
    eframe::run_native(
        "Trailview",
        options,
        Box::new(move |cc| {
            let settings = settings::Settings::load(cc.storage);
            let app = TrailviewApp::new(settings, Box::new(picker::RfdPicker))
                .with_autosave(crate::case::autosave_path())
                .with_paths(paths);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}

/// Glow by default; `TRAILVIEW_RENDERER=wgpu` picks wgpu.
fn renderer_from_env() -> eframe::Renderer {
    match std::env::var("TRAILVIEW_RENDERER").as_deref() {
        Ok("wgpu") => eframe::Renderer::Wgpu,
        _ => eframe::Renderer::Glow,
    }
}
