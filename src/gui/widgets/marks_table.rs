//! Marks in the event table: the compact marker (a star and one dot per
//! tag, in the tag's colour, plus a pencil for a note) drawn at the start
//! of each row, and the "Tag" / "Star" entries of a row's context menu.

use crate::gui::actions::Action;
use crate::gui::widgets::marks_panel::tag_color;
use trailview_core::case::Case;
use trailview_core::model::EventIdx;
use trailview_session::Session;
use trailview_session::marks::MarkTarget;

const DOT: f32 = 6.0;
const GAP: f32 = 2.0;
/// Room for a star and a note sign.
const SIGN: f32 = 10.0;
/// Extra width the first column starts with, so a star and two tag dots
/// fit beside the value (more marks truncate the value, up to the marker's
/// cap; the column can be widened), without pushing other columns off the
/// table.
pub const MARKER_ROOM: f32 = (SIGN + GAP) + 2.0 * (DOT + GAP) + 4.0;

/// Tags shown as dots; beyond that, two dots and a "+N" count.
const MAX_DOTS: usize = 3;
/// Room for the "+N" count.
const MORE: f32 = 14.0;

/// How many tag dots to draw for `n` tags, and how many tags are left
/// over for the "+N" count.
fn dots_and_more(n: usize) -> (usize, usize) {
    if n <= MAX_DOTS {
        (n, 0)
    } else {
        (MAX_DOTS - 1, n - (MAX_DOTS - 1))
    }
}

/// Draws the event's marks, if any, taking only the room they need (never
/// more than a star, three tag marks and a note sign).
pub fn marker(ui: &mut egui::Ui, case: &Case, idx: EventIdx) {
    let Some(m) = case.marks_of(idx) else {
        return;
    };
    let star = m.starred;
    let note = !m.note.trim().is_empty();
    let n = m.tags.len();
    let (dots, more) = dots_and_more(n);
    let width = dots as f32 * (DOT + GAP)
        + if more > 0 { MORE + GAP } else { 0.0 }
        + if star { SIGN + GAP } else { 0.0 }
        + if note { SIGN + GAP } else { 0.0 };
    if width <= 0.0 {
        return;
    }
    let height = ui.available_height().min(16.0);
    let (rect, resp) = ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let mut x = rect.left();
    let y = rect.center().y;
    if star {
        painter.text(
            egui::pos2(x + SIGN / 2.0, y),
            egui::Align2::CENTER_CENTER,
            "★",
            egui::FontId::proportional(11.0),
            egui::Color32::from_rgb(240, 190, 40),
        );
        x += SIGN + GAP;
    }
    for t in m.tags.iter().take(dots) {
        let color = case
            .tag_def(t)
            .map(tag_color)
            .unwrap_or(egui::Color32::GRAY);
        painter.circle_filled(egui::pos2(x + DOT / 2.0, y), DOT / 2.0, color);
        x += DOT + GAP;
    }
    if more > 0 {
        painter.text(
            egui::pos2(x + MORE / 2.0, y),
            egui::Align2::CENTER_CENTER,
            format!("+{more}"),
            egui::FontId::proportional(9.0),
            ui.visuals().weak_text_color(),
        );
        x += MORE + GAP;
    }
    if note {
        painter.text(
            egui::pos2(x + SIGN / 2.0, y),
            egui::Align2::CENTER_CENTER,
            "✏",
            egui::FontId::proportional(11.0),
            ui.visuals().weak_text_color(),
        );
    }
    let mut hover = Vec::new();
    if star {
        hover.push("starred".to_owned());
    }
    if n > 0 {
        hover.push(format!("tags: {}", m.tags.join(", ")));
    }
    if note {
        hover.push(format!("note: {}", m.note.trim()));
    }
    resp.on_hover_text(hover.join("\n"));
}

/// The rows a context menu on row `idx` works on: the selection when the
/// row is one of several selected rows, else that row alone.
pub fn menu_target(session: &Session, idx: EventIdx) -> MarkTarget {
    let sel = &session.selection().marked;
    if sel.len() > 1 && sel.contains(&idx) {
        MarkTarget::Selection
    } else {
        MarkTarget::Row(idx)
    }
}

/// "Tag ▸ (each tag)" and "Star" for a row's context menu.
pub fn row_menu(ui: &mut egui::Ui, session: &Session, idx: EventIdx, actions: &mut Vec<Action>) {
    let target = menu_target(session, idx);
    let case = &session.case();
    let several = matches!(target, MarkTarget::Selection);
    let title = if several {
        format!("Tag {} selected events", session.selection().marked.len())
    } else {
        "Tag".to_owned()
    };
    ui.menu_button(title, |ui| {
        for def in &case.tags {
            let on = case.has_tag(idx, &def.name);
            let key = def.shortcut.map(|d| d.to_string()).unwrap_or_default();
            let text = egui::RichText::new(format!("{} {}", if on { "✔" } else { "  " }, def.name))
                .color(tag_color(def));
            if ui.add(egui::Button::new(text).shortcut_text(key)).clicked() {
                actions.push(Action::ToggleTag {
                    tag: def.name.clone(),
                    target: target.clone(),
                });
                ui.close();
            }
        }
        ui.separator();
        if ui.button("Tags…").clicked() {
            actions.push(Action::ShowTagManager);
            ui.close();
        }
    });
    let star = if case.is_starred(idx) {
        "Unstar"
    } else {
        "Star"
    };
    if ui.add(egui::Button::new(star).shortcut_text("S")).clicked() {
        actions.push(Action::ToggleStar(target));
        ui.close();
    }
    ui.separator();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_tags_collapse_into_a_count() {
        assert_eq!(dots_and_more(0), (0, 0));
        assert_eq!(dots_and_more(3), (3, 0));
        assert_eq!(dots_and_more(4), (2, 2));
        assert_eq!(dots_and_more(9), (2, 7));
    }
}
