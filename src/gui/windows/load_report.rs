//! The load report window: files by kind, events, duplicates dropped, and
//! every problem with its path and reason (a table with resizable columns;
//! a cell shows its full text on hover and copies it from its menu).

use crate::gui::theme::Palette;
use trailview_session::Session;
use trailview_session::fmt::{duration, thousands};

pub fn show(ctx: &egui::Context, session: &Session, open: &mut bool) {
    egui::Window::new("Load report")
        .open(open)
        .default_size([1180.0, 420.0])
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
            problems_table(ui, &r.problems);
        });
}

/// Row height of the problems table: one line, the rest on hover.
const PROBLEM_ROW: f32 = 20.0;

fn problems_table(ui: &mut egui::Ui, problems: &[trailview_core::ingest::Problem]) {
    use egui_extras::{Column, TableBuilder};
    TableBuilder::new(ui)
        .id_salt("load_problems")
        .striped(true)
        .resizable(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::initial(360.0).at_least(80.0).clip(true))
        .column(Column::remainder().at_least(120.0).clip(true))
        .min_scrolled_height(0.0)
        .header(22.0, |mut h| {
            h.col(|ui| {
                ui.strong("File");
            });
            h.col(|ui| {
                ui.strong("Reason");
            });
        })
        .body(|body| {
            body.rows(PROBLEM_ROW, problems.len(), |mut row| {
                let p = &problems[row.index()];
                let path = p.path.display().to_string();
                for text in [&path, &p.reason] {
                    row.col(|ui| {
                        let resp = ui
                            .add(egui::Label::new(text.as_str()).truncate())
                            .on_hover_text(text.as_str());
                        resp.context_menu(|ui| {
                            if ui.button("Copy").clicked() {
                                ui.ctx().copy_text(text.clone());
                                ui.close();
                            }
                        });
                    });
                }
            });
        });
}
