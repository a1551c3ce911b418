//! Keys that must never take what the analyst types: a letter typed right
//! after Ctrl+F (in the same frame, as on a busy frame at a million
//! events) goes into the filter box, not to the `n` / `s` shortcuts.

#![cfg(feature = "gui")]

use crate::gui_harness::settle;
use crate::gui_timeline::{loaded, trail};

use egui::{Event, Key, Modifiers};

#[test]
fn text_typed_with_ctrl_f_in_one_frame_goes_to_the_filter_box() {
    let tmp = tempfile::tempdir().expect("tempdir");
    trail(tmp.path());
    let mut h = loaded(tmp.path());
    // Select an event, so that `n` (note) and `s` (star) would act.
    h.key_press(Key::ArrowDown);
    settle(&mut h);
    let focus = h.state().session.selection().focus.expect("focus");
    let press = |key: Key, modifiers: Modifiers, pressed: bool| Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers,
    };
    h.event(press(Key::F, Modifiers::COMMAND, true));
    h.event(press(Key::F, Modifiers::COMMAND, false));
    for c in ["n", "s"] {
        let key = if c == "n" { Key::N } else { Key::S };
        h.event(press(key, Modifiers::NONE, true));
        h.event(Event::Text(c.into()));
        h.event(press(key, Modifiers::NONE, false));
    }
    settle(&mut h);
    assert_eq!(h.state().query_text, "ns");
    assert!(!h.state().session.case().is_starred(focus), "s starred");
    assert!(!h.state().detail.marks.focus_note, "n went to the note");
    // The box has the keyboard now: more typing lands there.
    h.event(Event::Text("x".into()));
    h.run_steps(2);
    assert_eq!(h.state().query_text, "nsx");
}
