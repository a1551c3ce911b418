//! The export window: format; all filtered events, only the selected rows,
//! the events with one tag, or the starred events; then a save dialog;
//! shows how many events went where. Where no file dialog can open (no
//! desktop portal, no zenity), the path field beside it does the same.

use crate::gui::actions::Action;
use crate::gui::theme::Palette;
use trailview_core::export::ExportFormat;
use trailview_session::Session;
use trailview_session::evidence::ExportScope;
use trailview_session::fmt::thousands;

#[derive(Default)]
pub struct ExportDialog {
    pub format: ExportFormat,
    pub scope: ExportScope,
    /// The tag "Export tagged events" uses.
    pub tag: String,
    pub last_result: Option<Result<String, String>>,
    /// The built-in path field (used without a file dialog).
    pub path: String,
}

impl ExportDialog {
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        session: &Session,
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
                for f in ExportFormat::ALL {
                    ui.radio_value(&mut self.format, f, f.describe());
                }
                ui.separator();
                let n = self.scope_choice(ui, session);
                if self.format == ExportFormat::Csv {
                    ui.weak("CSV uses the table's columns.");
                }
                ui.weak("A manifest (<name>.manifest.json) with hashes, tags and notes is written next to the file.");
                ui.separator();
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(n > 0, egui::Button::new("Choose file and export…"))
                        .clicked()
                    {
                        actions.push(Action::ExportTo {
                            format: self.format,
                            scope: self.scope.clone(),
                        });
                    }
                    if ui.button("Close").clicked() {
                        close = true;
                    }
                });
                ui.horizontal(|ui| {
                    let label = ui.label("or to");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.path)
                            .hint_text("/path/to/export.json")
                            .desired_width(260.0),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("A file path, used as typed (for machines without a file dialog)");
                    if ui
                        .add_enabled(
                            n > 0 && !self.path.trim().is_empty(),
                            egui::Button::new("Export to path"),
                        )
                        .clicked()
                    {
                        actions.push(Action::ExportToPath {
                            format: self.format,
                            scope: self.scope.clone(),
                            path: self.path.trim().into(),
                        });
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

    /// The scope radio buttons; returns how many events the chosen scope
    /// exports.
    fn scope_choice(&mut self, ui: &mut egui::Ui, session: &Session) -> u64 {
        if self.tag.is_empty() || session.case().tag_def(&self.tag).is_none() {
            self.tag = session
                .case()
                .tags
                .first()
                .map(|t| t.name.clone())
                .unwrap_or_default();
        }
        let all = session.rows().len() as u64;
        let marked = session.export_rows(true).len() as u64;
        let (tagged, starred) = {
            let store = session.read();
            (
                session.case().rows_with_tag(&store, &self.tag).len() as u64,
                session.case().starred_rows(&store).len() as u64,
            )
        };
        ui.radio_value(
            &mut self.scope,
            ExportScope::All,
            format!(
                "All filtered events ({}) in the table's sort order",
                thousands(all)
            ),
        );
        ui.add_enabled_ui(marked > 0, |ui| {
            ui.radio_value(
                &mut self.scope,
                ExportScope::Selected,
                format!("Only the selected rows ({})", thousands(marked)),
            );
        });
        ui.horizontal(|ui| {
            let on = matches!(self.scope, ExportScope::Tagged(_));
            if ui.radio(on, "Export tagged events:").clicked() {
                self.scope = ExportScope::Tagged(self.tag.clone());
            }
            egui::ComboBox::from_id_salt("export_tag")
                .selected_text(&self.tag)
                .show_ui(ui, |ui| {
                    for t in &session.case().tags {
                        ui.selectable_value(&mut self.tag, t.name.clone(), &t.name);
                    }
                });
            ui.label(format!("({})", thousands(tagged)));
        });
        if matches!(self.scope, ExportScope::Tagged(_)) {
            self.scope = ExportScope::Tagged(self.tag.clone());
        }
        ui.radio_value(
            &mut self.scope,
            ExportScope::Starred,
            format!("Starred events ({})", thousands(starred)),
        );
        if marked == 0 && self.scope == ExportScope::Selected {
            self.scope = ExportScope::All;
        }
        match self.scope {
            ExportScope::All => all,
            ExportScope::Selected => marked,
            ExportScope::Tagged(_) => tagged,
            ExportScope::Starred => starred,
        }
    }
}
