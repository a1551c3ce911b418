//! The export window: format, all filtered events or only the selected
//! rows, then a save dialog; shows how many events went where.

use super::actions::Action;
use super::exporter::Format;
use super::fmt::thousands;
use super::state::AppState;
use super::theme::Palette;

#[derive(Default)]
pub struct ExportDialog {
    pub format: Format,
    pub selected_only: bool,
    pub last_result: Option<Result<String, String>>,
}

impl ExportDialog {
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        state: &AppState,
        open: &mut bool,
        actions: &mut Vec<Action>,
    ) {
        let mut close = false;
        egui::Window::new("Export events")
            .open(open)
            .collapsible(false)
            .resizable(false)
            .default_width(440.0)
            .show(ctx, |ui| {
                let pal = Palette::of(ui);
                ui.label("Format");
                for f in Format::ALL {
                    ui.radio_value(&mut self.format, f, f.label());
                }
                ui.separator();
                let all = state.rows.len() as u64;
                let marked = state.export_rows(true).len() as u64;
                ui.radio_value(
                    &mut self.selected_only,
                    false,
                    format!(
                        "All filtered events ({}) in the table's sort order",
                        thousands(all)
                    ),
                );
                ui.add_enabled_ui(marked > 0, |ui| {
                    ui.radio_value(
                        &mut self.selected_only,
                        true,
                        format!("Only the selected rows ({})", thousands(marked)),
                    );
                });
                if marked == 0 {
                    self.selected_only = false;
                }
                if self.format == Format::Csv {
                    ui.weak("CSV uses the table's columns.");
                }
                ui.separator();
                ui.horizontal(|ui| {
                    let n = if self.selected_only { marked } else { all };
                    if ui
                        .add_enabled(n > 0, egui::Button::new("Choose file and export…"))
                        .clicked()
                    {
                        actions.push(Action::ExportTo {
                            format: self.format,
                            selected_only: self.selected_only,
                        });
                    }
                    if ui.button("Close").clicked() {
                        close = true;
                    }
                });
                match &self.last_result {
                    Some(Ok(t)) => {
                        ui.label(t);
                    }
                    Some(Err(e)) => {
                        ui.colored_label(pal.error(), e);
                    }
                    None => {}
                }
            });
        if close {
            *open = false;
        }
    }
}
