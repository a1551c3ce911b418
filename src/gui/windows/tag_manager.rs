//! The tag manager window: every tag with its colour, shortcut digit and
//! how many loaded events carry it; change the colour or shortcut, rename
//! or delete a tag, and define a new one. Edits go out as actions.

use crate::gui::actions::Action;
use crate::gui::widgets::marks_panel::tag_color;
use trailview_core::case::TagDef;
use trailview_session::Session;
use trailview_session::marks::TagEdit;

/// The window's form session.
pub struct TagManager {
    new_name: String,
    new_color: [u8; 3],
    new_shortcut: Option<u8>,
    /// The tag being renamed and the name typed so far.
    renaming: Option<(String, String)>,
    /// The tag whose Delete was clicked once (a second click deletes).
    confirm_delete: Option<String>,
}

impl Default for TagManager {
    fn default() -> Self {
        TagManager {
            new_name: String::new(),
            new_color: [31, 119, 180],
            new_shortcut: None,
            renaming: None,
            confirm_delete: None,
        }
    }
}

fn shortcut_text(s: Option<u8>) -> String {
    s.map(|d| d.to_string())
        .unwrap_or_else(|| "none".to_owned())
}

/// A combo box choosing a digit 1-9 or none.
fn shortcut_combo(ui: &mut egui::Ui, id: &str, value: &mut Option<u8>) -> bool {
    let before = *value;
    egui::ComboBox::from_id_salt(id)
        .width(60.0)
        .selected_text(shortcut_text(*value))
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, "none");
            for d in 1..=9u8 {
                ui.selectable_value(value, Some(d), d.to_string());
            }
        });
    *value != before
}

impl TagManager {
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        session: &Session,
        open: &mut bool,
        actions: &mut Vec<Action>,
    ) {
        egui::Window::new("Tags")
            .open(open)
            .collapsible(false)
            .resizable(false)
            .default_width(460.0)
            .show(ctx, |ui| {
                ui.weak("Press a tag's digit to toggle it on the selected events.");
                ui.add_space(4.0);
                self.tag_grid(ui, session, actions);
                ui.separator();
                self.new_tag_form(ui, actions);
            });
    }

    fn tag_grid(&mut self, ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
        let store = session.read();
        egui::Grid::new("tag_grid")
            .num_columns(5)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                ui.strong("Colour");
                ui.strong("Tag");
                ui.strong("Key");
                ui.strong("Events");
                ui.label("");
                ui.end_row();
                for def in &session.case().tags {
                    let mut color = def.color;
                    if ui.color_edit_button_srgb(&mut color).changed() {
                        actions.push(Action::EditTags(TagEdit::Define(TagDef {
                            color,
                            ..def.clone()
                        })));
                    }
                    match &mut self.renaming {
                        Some((from, to)) if *from == def.name => {
                            let r = ui.add(
                                egui::TextEdit::singleline(to)
                                    .desired_width(140.0)
                                    .hint_text("new name"),
                            );
                            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                                actions.push(Action::EditTags(TagEdit::Rename {
                                    from: from.clone(),
                                    to: to.clone(),
                                }));
                                self.renaming = None;
                            }
                        }
                        _ => {
                            ui.label(
                                egui::RichText::new(&def.name)
                                    .color(tag_color(def))
                                    .strong(),
                            );
                        }
                    }
                    let mut key = def.shortcut;
                    if shortcut_combo(ui, &format!("key_{}", def.name), &mut key) {
                        actions.push(Action::EditTags(TagEdit::Define(TagDef {
                            shortcut: key,
                            ..def.clone()
                        })));
                    }
                    let count = session.case().rows_with_tag(&store, &def.name).len();
                    ui.label(count.to_string());
                    ui.horizontal(|ui| {
                        let renaming = self.renaming.as_ref().is_some_and(|(f, _)| *f == def.name);
                        if renaming {
                            if ui.small_button("OK").clicked()
                                && let Some((from, to)) = self.renaming.take()
                            {
                                actions.push(Action::EditTags(TagEdit::Rename { from, to }));
                            }
                            if ui.small_button("Cancel").clicked() {
                                self.renaming = None;
                            }
                        } else if ui.small_button("Rename").clicked() {
                            self.renaming = Some((def.name.clone(), def.name.clone()));
                        }
                        if self.confirm_delete.as_deref() == Some(def.name.as_str()) {
                            let text = if count == 1 {
                                "Delete from 1 event".to_owned()
                            } else {
                                format!("Delete from {count} events")
                            };
                            if ui.small_button(text).clicked() {
                                actions.push(Action::EditTags(TagEdit::Remove(def.name.clone())));
                                self.confirm_delete = None;
                            }
                            if ui.small_button("Keep").clicked() {
                                self.confirm_delete = None;
                            }
                        } else if ui
                            .small_button("Delete")
                            .on_hover_text("Delete the tag and take it off every event")
                            .clicked()
                        {
                            if count == 0 {
                                actions.push(Action::EditTags(TagEdit::Remove(def.name.clone())));
                            } else {
                                self.confirm_delete = Some(def.name.clone());
                            }
                        }
                    });
                    ui.end_row();
                }
            });
    }

    fn new_tag_form(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        ui.strong("New tag");
        ui.horizontal(|ui| {
            ui.color_edit_button_srgb(&mut self.new_color);
            let label = ui.label("Name");
            ui.add(
                egui::TextEdit::singleline(&mut self.new_name)
                    .desired_width(150.0)
                    .hint_text("e.g. lateral-movement"),
            )
            .labelled_by(label.id);
            ui.label("Key");
            shortcut_combo(ui, "new_tag_key", &mut self.new_shortcut);
            if ui
                .add_enabled(
                    !self.new_name.trim().is_empty(),
                    egui::Button::new("Add tag"),
                )
                .clicked()
            {
                actions.push(Action::EditTags(TagEdit::Define(TagDef::new(
                    self.new_name.trim(),
                    self.new_color,
                    self.new_shortcut,
                ))));
                self.new_name.clear();
                self.new_shortcut = None;
            }
        });
    }
}
