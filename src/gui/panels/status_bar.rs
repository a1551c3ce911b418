//! The status bar: load progress (files, events, MB/s, time left) with a
//! Cancel button while loading; otherwise the last message, the selection
//! and the UI frame time.

use crate::gui::actions::Action;
use crate::gui::frame_stats::FrameStats;
use crate::gui::theme::Palette;
use trailview_session::Session;
use trailview_session::fmt::{bytes, duration, thousands};

pub fn show(ui: &mut egui::Ui, session: &Session, stats: &FrameStats, actions: &mut Vec<Action>) {
    let pal = Palette::of(ui);
    ui.horizontal(|ui| {
        if let (Some(p), Some(started)) = (session.progress(), session.load_started()) {
            let secs = started.elapsed().as_secs_f64().max(0.001);
            let frac = if p.bytes_total > 0 {
                p.bytes_done as f32 / p.bytes_total as f32
            } else {
                0.0
            };
            let rate = p.bytes_done as f64 / secs;
            let left = if rate > 0.0 && p.bytes_total > p.bytes_done {
                format!(
                    " · {} left",
                    duration((p.bytes_total - p.bytes_done) as f64 / rate)
                )
            } else {
                String::new()
            };
            if ui
                .button("Cancel")
                .on_hover_text("Stop loading; keep what is loaded")
                .clicked()
            {
                actions.push(Action::CancelLoad);
            }
            ui.add(
                egui::ProgressBar::new(frac)
                    .desired_width(260.0)
                    .show_percentage(),
            );
            ui.label(format!(
                "{} / {} files · {} events · {}/s{}",
                thousands(p.files_done as u64),
                thousands(p.files_total as u64),
                thousands(p.events as u64),
                bytes(rate as u64),
                left
            ));
        } else if let Some(s) = &session.status() {
            if s.is_error {
                ui.colored_label(pal.error(), &s.text);
            } else {
                ui.label(&s.text);
            }
        } else {
            ui.weak("Ready");
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.weak(format!("UI {:.1} ms", stats.last_ms))
                .on_hover_text("Time spent building the last frame");
            integrity_badge(ui, session, actions);
            if let Some((done, total)) = session.search_progress() {
                let pct = done * 100 / total.max(1);
                ui.weak(format!("Preparing search: {pct} %")).on_hover_text(
                    "Full-text search is being indexed in the background; searches work \
                     meanwhile (the indexing waits while one runs) and get faster when it is done",
                );
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_millis(250));
            }
            let marked = session.selection().marked.len();
            if marked > 1 {
                ui.label(format!("{} selected ·", thousands(marked as u64)));
            }
        });
    });
}

/// "Integrity: valid" / "Integrity: 2 modified" once a check ran; a click
/// opens the Integrity window.
fn integrity_badge(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    let Some(report) = &session.integrity() else {
        return;
    };
    let text = crate::gui::windows::integrity::badge_text(&report.summary);
    let pal = Palette::of(ui);
    let colour = if report.all_valid() {
        crate::gui::windows::integrity_tables::ok_colour(ui)
    } else {
        pal.error()
    };
    if ui
        .button(egui::RichText::new(text).color(colour))
        .on_hover_text("Open the Integrity window")
        .clicked()
    {
        actions.push(Action::ShowIntegrity);
    }
}
