//! The event table read at 1280×800: the first column (the time) stays in
//! view when the table scrolls sideways, and a click on it selects the row.

#![cfg(feature = "gui")]

use crate::gui_harness::settle;

use egui::{Event, Modifiers, MouseWheelUnit, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trailview::gui::TrailviewApp;
use trailview::gui::settings::Settings;
use trailview_core::model::{Column, ColumnSpec};
use trailview_session::cells::cell_text;

fn loaded() -> Harness<'static, TrailviewApp> {
    crate::gui_harness::open_corpus("stratus-red-team", Settings::default())
}

/// The time shown in the row at `pos`.
fn time_text(h: &Harness<'static, TrailviewApp>, pos: usize) -> String {
    let app = h.state();
    let store = app.session.read();
    let ann = app.session.annotations(&store);
    let idx = app.session.rows()[pos];
    cell_text(
        &store,
        &ann,
        idx,
        &ColumnSpec::Column(Column::Time),
        app.settings.local_time,
    )
}

/// Two rows near the top whose time no other row near the top shows (two
/// events in one second would share their text).
fn unique_rows(h: &Harness<'static, TrailviewApp>) -> (usize, usize) {
    let n = h.state().session.rows().len().min(20);
    let texts: Vec<String> = (0..n).map(|p| time_text(h, p)).collect();
    let mut unique = (0..n).filter(|&p| texts.iter().filter(|t| **t == texts[p]).count() == 1);
    match (unique.next(), unique.next()) {
        (Some(a), Some(b)) => (a, b),
        _ => panic!("no two distinct times among the first rows: {texts:?}"),
    }
}

fn scroll_sideways(h: &mut Harness<'static, TrailviewApp>, dx: f32) {
    h.event(Event::PointerMoved(egui::pos2(640.0, 500.0)));
    for _ in 0..6 {
        h.event(Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: vec2(dx, 0.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers: Modifiers::NONE,
        });
        h.run_steps(1);
    }
    h.run_steps(3);
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn the_time_column_stays_in_view_when_the_table_scrolls_sideways() {
    let mut h = loaded();
    // Every column: far wider than the window.
    let all: Vec<ColumnSpec> = Column::ALL.iter().map(|&c| ColumnSpec::Column(c)).collect();
    h.state_mut().set_columns(all);
    settle(&mut h);
    let (a, b) = unique_rows(&h);
    let first = time_text(&h, a);
    assert_eq!(
        h.query_all_by_label(&first).count(),
        1,
        "one cell before scrolling"
    );
    let cell_x = h.get_by_label(&first).rect().min.x;
    let cell_w = h.get_by_label(&first).rect().width();

    scroll_sideways(&mut h, -400.0);
    // The scrolled cell and its frozen copy at the table's left edge.
    let xs: Vec<f32> = h
        .query_all_by_label(&first)
        .map(|n| n.rect().min.x)
        .collect();
    assert_eq!(
        xs.len(),
        2,
        "the frozen copy of the first time cell: {xs:?}"
    );
    let frozen = xs.iter().copied().fold(f32::MIN, f32::max);
    let scrolled = xs.iter().copied().fold(f32::MAX, f32::min);
    assert!(
        scrolled < cell_x - 100.0,
        "the table scrolled: {xs:?} from {cell_x}"
    );
    assert!(
        (frozen - cell_x).abs() < 24.0,
        "frozen where it was: {xs:?} vs {cell_x}"
    );

    // Whole, not truncated: the strip is as wide as the column.
    let frozen_w = h
        .query_all_by_label(&first)
        .max_by(|a, b| a.rect().min.x.total_cmp(&b.rect().min.x))
        .map(|n| n.rect().width());
    assert!(
        frozen_w.is_some_and(|w| w >= cell_w - 1.0),
        "frozen cell {frozen_w:?} wide, the column's {cell_w}"
    );
    // A click on a frozen cell selects its row.
    let second = time_text(&h, b);
    let target = h
        .query_all_by_label(&second)
        .max_by(|a, b| a.rect().min.x.total_cmp(&b.rect().min.x))
        .map(|n| n.rect().center());
    let Some(target) = target else {
        panic!("no frozen cell for the second row");
    };
    h.event(Event::PointerMoved(target));
    h.event(Event::PointerButton {
        pos: target,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.event(Event::PointerButton {
        pos: target,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    settle(&mut h);
    assert_eq!(h.state().session.selection().focus_pos, Some(b));

    // A right-click on a frozen cell selects its row and opens the same
    // menu as the scrolled cells: marks, pivots on its value, the event's
    // actions.
    let target = h
        .query_all_by_label(&first)
        .max_by(|a, b| a.rect().min.x.total_cmp(&b.rect().min.x))
        .map(|n| n.rect().center())
        .expect("a frozen cell for the first row");
    h.event(Event::PointerMoved(target));
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: target,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    settle(&mut h);
    assert_eq!(h.state().session.selection().focus_pos, Some(a));
    h.get_by_label("Filter to this value");
    h.get_by_label("Events around this one");
    h.key_press(egui::Key::Escape);
    h.run_steps(2);

    // Back at the left: one cell again.
    scroll_sideways(&mut h, 4000.0);
    assert_eq!(h.query_all_by_label(&first).count(), 1);
}
