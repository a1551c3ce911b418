//! The load report window: files by kind, events, duplicates dropped, and
//! every problem with its path and reason.

use crate::gui::theme::Palette;
use trailview_session::Session;
use trailview_session::fmt::{duration, thousands};

pub fn show(ctx: &egui::Context, session: &Session, open: &mut bool) {
    egui::Window::new("Load report")
        .open(open)
        .default_size([720.0, 420.0])
        .resizable(true)
        .show(ctx, |ui| {
            let r = &session.report();
            let pal = Palette::of(ui);
            egui::Grid::new("load_counts")
                .num_columns(2)
                .spacing([16.0, 4.0])
                .show(ui, |ui| {
                    let rows = [
                        ("Log files", r.files.log),
                        ("Digest files", r.files.digest),
                        ("Insights files", r.files.insight),
                        ("Other files (ignored)", r.files.other),
                    ];
                    for (label, n) in rows {
                        ui.label(label);
                        ui.label(thousands(n as u64));
                        ui.end_row();
                    }
                    ui.label("Events loaded");
                    ui.label(thousands(session.store_len() as u64));
                    ui.end_row();
                    ui.label("Exact duplicates dropped");
                    ui.label(thousands(r.duplicates as u64));
                    ui.end_row();
                    if let (Some(a), Some(b)) = (r.first_time, r.last_time) {
                        ui.label("Events from");
                        ui.label(format!(
                            "{} — {} UTC",
                            trailview_core::timefmt::format_utc(a),
                            trailview_core::timefmt::format_utc(b)
                        ));
                        ui.end_row();
                    }
                    if let Some(s) = session.load_summary().last_load_secs {
                        ui.label("Last load took");
                        ui.label(duration(s));
                        ui.end_row();
                    }
                    if r.cancelled {
                        ui.label("Status");
                        ui.colored_label(pal.warning(), "cancelled — not everything was loaded");
                        ui.end_row();
                    }
                });
            ui.separator();
            if r.problems.is_empty() {
                ui.label("No problems: every file was read.");
                return;
            }
            ui.colored_label(pal.error(), format!("Problems ({})", r.problems.len()));
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    egui::Grid::new("problems")
                        .num_columns(2)
                        .striped(true)
                        .spacing([16.0, 4.0])
                        .show(ui, |ui| {
                            ui.strong("File");
                            ui.strong("Reason");
                            ui.end_row();
                            for p in &r.problems {
                                ui.add(egui::Label::new(p.path.display().to_string()).wrap());
                                ui.add(egui::Label::new(&p.reason).wrap());
                                ui.end_row();
                            }
                        });
                });
        });
}
