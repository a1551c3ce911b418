//! The start screen: open a folder, files or a case, resume the last
//! session, the drop zone, recent paths and the sample trail; and the
//! overlay shown while files hover the window.

use crate::gui::actions::Action;
use crate::gui::settings::Settings;
use crate::gui::theme::Palette;
use trailview_core::timefmt;
use trailview_session::case_file::ResumeInfo;
use trailview_session::session::describe_paths;

pub fn show(
    ui: &mut egui::Ui,
    settings: &Settings,
    resume: Option<&ResumeInfo>,
    dropping: bool,
    actions: &mut Vec<Action>,
) {
    let pal = Palette::of(ui);
    ui.vertical_centered(|ui| {
        ui.add_space((ui.available_height() * 0.12).min(80.0));
        ui.heading(egui::RichText::new("Trailview").size(30.0).strong());
        ui.label("A fast viewer for AWS CloudTrail logs: open, filter, pivot, see who did what, export evidence.");
        ui.add_space(20.0);
        ui.horizontal(|ui| {
            let w = 4.0 * 170.0 + 3.0 * ui.spacing().item_spacing.x;
            ui.add_space(((ui.available_width() - w) / 2.0).max(0.0));
            let size = egui::vec2(170.0, 36.0);
            if ui.add_sized(size, egui::Button::new("Open folder…")).on_hover_text("Ctrl+O").clicked() {
                actions.push(Action::PickFolder);
            }
            if ui.add_sized(size, egui::Button::new("Open files…")).clicked() {
                actions.push(Action::PickFiles);
            }
            if ui
                .add_sized(size, egui::Button::new("Open sample data"))
                .on_hover_text("A small realistic trail shipped with Trailview")
                .clicked()
            {
                actions.push(Action::OpenSample);
            }
            if ui
                .add_sized(size, egui::Button::new("Open case…"))
                .on_hover_text("Open a saved *.trailview case: its data, view, tags and notes")
                .clicked()
            {
                actions.push(Action::OpenCase);
            }
        });
        if let Some(info) = resume {
            ui.add_space(12.0);
            resume_offer(ui, info, actions);
        }
        ui.add_space(16.0);
        let stroke_color = if dropping { pal.json_key() } else { pal.muted() };
        let (rect, _) = ui.allocate_exact_size(egui::vec2(540.0, 110.0), egui::Sense::hover());
        ui.painter().rect(
            rect,
            8.0,
            if dropping { pal.selection_fill() } else { egui::Color32::TRANSPARENT },
            egui::Stroke::new(1.5, stroke_color),
            egui::StrokeKind::Inside,
        );
        ui.painter().text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            "Drop CloudTrail folders or files here\n.json  .json.gz  NDJSON  digests",
            egui::FontId::proportional(15.0),
            stroke_color,
        );
        ui.add_space(20.0);
        ui.label(egui::RichText::new("Recent").strong());
        if settings.recent.is_empty() {
            ui.weak("Nothing opened yet.");
        }
        for p in settings.recent.iter().take(8) {
            let text = p.display().to_string();
            if ui.link(&text).on_hover_text("Open again").clicked() {
                actions.push(Action::OpenPaths(vec![p.clone()]));
            }
        }
    });
}

/// "Resume last session" with what it holds.
fn resume_offer(ui: &mut egui::Ui, info: &ResumeInfo, actions: &mut Vec<Action>) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_max_width(540.0);
        ui.vertical_centered(|ui| {
            if ui
                .add_sized([220.0, 30.0], egui::Button::new("Resume last session"))
                .on_hover_text(
                    info.paths
                        .iter()
                        .map(|p| p.display().to_string())
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
                .clicked()
            {
                actions.push(Action::ResumeSession);
            }
            let when = info
                .saved_ms
                .map(|ms| format!(" · saved {} UTC", timefmt::format_utc(ms)))
                .unwrap_or_default();
            let query = if info.query.is_empty() {
                String::new()
            } else {
                format!(" · query {}", info.query)
            };
            ui.weak(format!(
                "{} · {} marked event{}{query}{when}",
                describe_paths(&info.paths),
                info.marked,
                if info.marked == 1 { "" } else { "s" }
            ));
        });
    });
}

/// Dims the window and says what a drop will do.
pub fn drop_overlay(ui: &mut egui::Ui) {
    let ctx = ui.ctx().clone();
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop_overlay"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(170));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop to add these files to what is loaded",
        egui::FontId::proportional(24.0),
        egui::Color32::WHITE,
    );
}
