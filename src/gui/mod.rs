//! The desktop application (egui/eframe) over a [`trailview_session::Session`].
//!
//! - [`app`]: `TrailviewApp`, the frame loop and the layout; [`apply`]:
//!   what each [`actions::Action`] does; [`modal`]: which window is open;
//! - [`panels`]: the main view's parts (menu, query bar, facets,
//!   histogram, table, detail, timeline, status bar, start screen);
//! - [`windows`]: windows over it (load report, integrity, export,
//!   columns, tags);
//! - [`widgets`]: pieces several panels use (mark chips, the row marker);
//! - [`settings`], [`keys`], [`picker`], [`theme`], [`sample`],
//!   [`frame_stats`]: preferences, keyboard, file dialogs, colours, the
//!   sample trail, frame timing.
//!
//! Views draw the session's state and collect actions; only [`apply`]
//! changes anything. Nothing under `gui` imports from a view above it.

pub mod actions;
pub mod app;
pub mod apply;
pub mod frame_stats;
pub mod keys;
pub mod modal;
pub mod panels;
pub mod picker;
pub mod sample;
pub mod settings;
pub mod settings_file;
pub mod theme;
pub mod widgets;
pub mod windows;

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
    if let Some(said) = settings_file::path("trailview")
        .and_then(|f| settings_file::guard(&f, settings_file::MAX_SETTINGS_BYTES))
    {
        log::warn!("{said}");
        eprintln!("trailview: {said}");
    }
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
                .with_autosave(trailview_core::case::autosave_dir())
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
