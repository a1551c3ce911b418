//! The marks section of the detail pane: a star toggle, one toggle chip
//! per tag (in the tag's colour, with its shortcut digit) and the note
//! editor, whose text is saved as it changes. Also the shared helpers for
//! drawing tag colours.

use crate::gui::actions::Action;
use trailview_core::case::TagDef;
use trailview_core::model::EventIdx;
use trailview_session::Session;
use trailview_session::marks::MarkTarget;

/// The note editor's text between frames.
#[derive(Default)]
pub struct MarksPanel {
    /// The event whose note is in `text`.
    note_for: Option<EventIdx>,
    text: String,
    /// Set by the `n` key: focus the note editor next frame.
    pub focus_note: bool,
}

/// A tag's colour.
pub fn tag_color(def: &TagDef) -> egui::Color32 {
    let [r, g, b] = def.color;
    egui::Color32::from_rgb(r, g, b)
}

/// Black or white, whichever reads better on `fill`.
pub fn text_on(fill: egui::Color32) -> egui::Color32 {
    let l = 0.299 * f32::from(fill.r()) + 0.587 * f32::from(fill.g()) + 0.114 * f32::from(fill.b());
    if l > 150.0 {
        egui::Color32::BLACK
    } else {
        egui::Color32::WHITE
    }
}

/// The label of a tag's chip: `1 evidence`, or the bare name without a
/// shortcut.
pub fn chip_label(def: &TagDef) -> String {
    match def.shortcut {
        Some(d) => format!("{d} {}", def.name),
        None => def.name.clone(),
    }
}

impl MarksPanel {
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        session: &Session,
        idx: EventIdx,
        actions: &mut Vec<Action>,
    ) {
        let case = &session.case();
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().button_padding = egui::vec2(6.0, 2.0);
            ui.spacing_mut().item_spacing.x = 5.0;
            let starred = case.is_starred(idx);
            let star = if starred { "★ Starred" } else { "☆ Star" };
            let gold = egui::Color32::from_rgb(240, 190, 40);
            let text = egui::RichText::new(star).color(if starred {
                gold
            } else {
                ui.visuals().text_color()
            });
            if ui
                .add(egui::Button::new(text).selected(starred))
                .on_hover_text("Star or unstar this event (s)")
                .clicked()
            {
                actions.push(Action::ToggleStar(MarkTarget::Row(idx)));
            }
            for def in &case.tags {
                let on = case.has_tag(idx, &def.name);
                let color = tag_color(def);
                let mut rt = egui::RichText::new(chip_label(def));
                let mut button = if on {
                    rt = rt.color(text_on(color)).strong();
                    egui::Button::new(rt).fill(color)
                } else {
                    egui::Button::new(rt).fill(egui::Color32::TRANSPARENT)
                };
                button = button
                    .selected(on)
                    .stroke(egui::Stroke::new(1.5, color))
                    .corner_radius(10.0);
                let hover = match def.shortcut {
                    Some(d) => format!("Tag or untag {} (key {d})", def.name),
                    None => format!("Tag or untag {}", def.name),
                };
                if ui.add(button).on_hover_text(hover).clicked() {
                    actions.push(Action::ToggleTag {
                        tag: def.name.clone(),
                        target: MarkTarget::Row(idx),
                    });
                }
            }
        });
        self.note_editor(ui, session, idx, actions);
    }

    fn note_editor(
        &mut self,
        ui: &mut egui::Ui,
        session: &Session,
        idx: EventIdx,
        actions: &mut Vec<Action>,
    ) {
        let id = egui::Id::unique("event_note");
        let editing = ui.memory(|m| m.has_focus(id));
        // Follow the case unless the analyst is typing in this event's note.
        if self.note_for != Some(idx) || !editing {
            self.note_for = Some(idx);
            self.text = session
                .case()
                .marks_of(idx)
                .map(|m| m.note.clone())
                .unwrap_or_default();
        }
        let label = ui
            .horizontal(|ui| {
                let label = ui.weak("Note");
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui
                        .small_button("Edit tags…")
                        .on_hover_text("Define, rename, recolour or delete tags")
                        .clicked()
                    {
                        actions.push(Action::ShowTagManager);
                    }
                });
                label
            })
            .inner;
        let resp = ui
            .add(
                egui::TextEdit::multiline(&mut self.text)
                    .id(id)
                    .hint_text("Why this event matters… (n to focus, Esc to leave)")
                    .desired_rows(2)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut self.focus_note) {
            resp.request_focus();
        }
        if resp.changed() || resp.lost_focus() {
            actions.push(Action::SetNote {
                idx,
                text: self.text.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chip_labels_show_the_shortcut_and_text_contrasts_with_the_fill() {
        let defs = trailview_core::case::default_tags();
        assert_eq!(chip_label(&defs[0]), "1 evidence");
        assert_eq!(chip_label(&TagDef::new("x", [0, 0, 0], None)), "x");
        assert_eq!(
            text_on(egui::Color32::from_rgb(255, 152, 0)),
            egui::Color32::BLACK
        );
        assert_eq!(
            text_on(egui::Color32::from_rgb(214, 39, 40)),
            egui::Color32::WHITE
        );
    }
}
