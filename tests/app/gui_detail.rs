//! The detail pane follows the selection: a newly selected event's JSON
//! starts at the top, whatever the previous one was scrolled to.

#![cfg(feature = "gui")]

use crate::gui_harness::settle;
use crate::gui_timeline::{loaded, trail};

use egui::{Event, Key, Modifiers, MouseWheelUnit, vec2};
use egui_kittest::kittest::Queryable;

#[test]
fn a_new_event_opens_at_the_top_of_its_json() {
    let tmp = tempfile::tempdir().expect("tempdir");
    trail(tmp.path());
    let mut h = loaded(tmp.path());
    h.key_press(Key::ArrowDown);
    settle(&mut h);
    let top = h.get_by_label("Event JSON").rect().min.y;
    // Scroll the pane down.
    let pane = h.get_by_label("Event JSON").rect().center();
    h.event(Event::PointerMoved(pane));
    for _ in 0..5 {
        h.event(Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: vec2(0.0, -120.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.run_steps(3);
    let scrolled = h.query_by_label("Event JSON").map(|n| n.rect().min.y);
    assert!(
        scrolled.is_none_or(|y| y < top - 5.0),
        "the pane scrolled ({scrolled:?} from {top})"
    );
    // Another event: back at the top.
    h.key_press(Key::ArrowDown);
    settle(&mut h);
    assert_eq!(h.get_by_label("Event JSON").rect().min.y, top);
}
