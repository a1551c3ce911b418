//! Keyboard shortcuts: arrows or j/k move the selection, Enter opens the
//! detail, Ctrl+F focuses the filter, Ctrl+E exports, Ctrl+O opens,
//! Ctrl+S saves the case; digits 1-9 toggle tags, s the star, n the note
//! (single keys only act while no text field has the keyboard).

use egui::{Key, Modifiers};

use crate::gui::actions::Action;
use trailview_session::marks::MarkTarget;

/// Shortcut and what it does, for the help menu.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("↓ / j", "next event"),
    ("↑ / k", "previous event"),
    ("PgDn / PgUp", "move 20 events"),
    ("Home / End", "first / last event"),
    ("Enter", "show the event's detail"),
    ("Ctrl+F", "focus the filter"),
    ("Ctrl+E", "export…"),
    ("Ctrl+O", "open a folder…"),
    ("Ctrl+S", "save the case"),
    (
        "1 … 9",
        "toggle the tag with that digit on the selected events",
    ),
    ("s", "star / unstar the selected events"),
    ("n", "write a note on the event"),
    ("Esc", "leave the note or filter box"),
];

const DIGITS: [Key; 9] = [
    Key::Num1,
    Key::Num2,
    Key::Num3,
    Key::Num4,
    Key::Num5,
    Key::Num6,
    Key::Num7,
    Key::Num8,
    Key::Num9,
];

/// Adds the actions of this frame's key presses.
pub fn collect(ctx: &egui::Context, actions: &mut Vec<Action>) {
    let mut typing = ctx.text_edit_focused();
    ctx.input_mut(|i| {
        if i.consume_key(Modifiers::COMMAND, Key::F) {
            actions.push(Action::FocusQuery);
            // Text typed right after Ctrl+F in the same frame (a busy frame
            // at a million events) belongs to the filter box, not to the
            // single-key shortcuts: hand it over and stop here.
            let mut typed = String::new();
            i.events.retain(|e| match e {
                egui::Event::Text(t) => {
                    typed.push_str(t);
                    false
                }
                _ => true,
            });
            if !typed.is_empty() {
                actions.push(Action::TypeIntoQuery(typed));
            }
            typing = true;
        }
        if i.consume_key(Modifiers::COMMAND, Key::E) {
            actions.push(Action::ShowExport);
        }
        if i.consume_key(Modifiers::COMMAND, Key::O) {
            actions.push(Action::PickFolder);
        }
        if i.consume_key(Modifiers::COMMAND, Key::S) {
            actions.push(Action::SaveCase);
        }
        if typing {
            return;
        }
        let moves: [(Key, Action); 8] = [
            (Key::ArrowDown, Action::MoveSelection(1)),
            (Key::J, Action::MoveSelection(1)),
            (Key::ArrowUp, Action::MoveSelection(-1)),
            (Key::K, Action::MoveSelection(-1)),
            (Key::PageDown, Action::MoveSelection(20)),
            (Key::PageUp, Action::MoveSelection(-20)),
            (Key::Home, Action::SelectFirst),
            (Key::End, Action::SelectLast),
        ];
        for (key, action) in moves {
            if i.consume_key(Modifiers::NONE, key) {
                actions.push(action);
            }
        }
        if i.consume_key(Modifiers::NONE, Key::Enter) {
            actions.push(Action::ShowDetail);
        }
        for (n, key) in DIGITS.into_iter().enumerate() {
            if i.consume_key(Modifiers::NONE, key) {
                actions.push(Action::ToggleTagShortcut(n as u8 + 1));
            }
        }
        if i.consume_key(Modifiers::NONE, Key::S) {
            actions.push(Action::ToggleStar(MarkTarget::Selection));
        }
        if i.consume_key(Modifiers::NONE, Key::N) {
            actions.push(Action::FocusNote);
        }
    });
}
