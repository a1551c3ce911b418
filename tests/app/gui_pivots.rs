//! Pivots from a right-click: the row under the pointer is selected, a
//! value filters everywhere, "events around this one" shows everyone's
//! events near it, and an actor's first and last events are one click
//! away.

#![cfg(feature = "gui")]

use crate::gui_harness::settle;
use crate::gui_timeline::{loaded, trail};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trailview::gui::TrailviewApp;
use trailview_core::model::Column;

/// Right-clicks a table cell showing `text` (not a facet, the detail pane
/// or a row half under the header).
fn right_click_cell(h: &mut Harness<'static, TrailviewApp>, text: &str) {
    let header = h.get_by_label("Time").rect().max.y;
    let node = h
        .get_all_by_label(text)
        .find(|n| {
            let r = n.rect();
            r.min.x > 200.0 && r.max.x < 960.0 && r.min.y >= header && r.max.y < 640.0
        })
        .unwrap_or_else(|| panic!("no table cell {text}"));
    node.click_secondary();
    h.run_steps(3);
}

fn type_query(h: &mut Harness<'static, TrailviewApp>, q: &str) {
    let f = h.get_by_label("Filter");
    f.click();
    f.type_text(q);
    settle(h);
}

fn first_row(h: &Harness<'static, TrailviewApp>) -> (String, String) {
    let app = h.state();
    let store = app.session.read();
    let idx = app.session.rows()[0];
    (
        store.value(Column::Actor, idx).into_owned(),
        trailview_core::timefmt::format_utc(store.time(idx)),
    )
}

#[test]
fn right_click_selects_the_row_and_shows_events_around_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    trail(tmp.path());
    let mut h = loaded(tmp.path());
    type_query(&mut h, "actor:carol");
    assert!(h.state().session.selection().focus.is_none());
    right_click_cell(&mut h, "DeleteBucket");
    settle(&mut h);
    let focus = h.state().session.selection().focus.expect("row selected");
    assert_eq!(
        h.state().session.read().value(Column::EventName, focus),
        "DeleteBucket"
    );
    h.get_by_label("Events around this one").click();
    h.run_steps(2);
    h.get_by_label("±30 minutes").click();
    settle(&mut h);
    // carol at 03:00 alone: bob (02:00) and alice (00:xx) are further.
    assert_eq!(h.state().session.rows().len(), 1);
    assert!(h.state().session.view().time_range.is_some());
    assert_eq!(h.state().session.selection().focus, Some(focus));
}

#[test]
fn filter_everywhere_and_an_actors_last_events() {
    let tmp = tempfile::tempdir().expect("tempdir");
    trail(tmp.path());
    let mut h = loaded(tmp.path());
    type_query(&mut h, "actor:carol");
    right_click_cell(&mut h, "192.0.2.7");
    h.get_by_label("Filter everywhere").click();
    settle(&mut h);
    assert_eq!(h.state().query_text, "\"192.0.2.7\"");
    assert_eq!(h.state().session.rows().len(), 1);

    h.get_by_label("Clear").click();
    settle(&mut h);
    let n = h.state().session.rows().len();
    assert_eq!(n, 46);
    right_click_cell(&mut h, "alice");
    h.get_by_label("This actor's last events").click();
    settle(&mut h);
    assert_eq!(h.state().session.rows().len(), 40);
    assert_eq!(
        first_row(&h),
        ("alice".into(), "2024-03-01 00:39:00".into())
    );
    right_click_cell(&mut h, "alice");
    h.get_by_label("This actor's first events").click();
    settle(&mut h);
    assert_eq!(
        first_row(&h),
        ("alice".into(), "2024-03-01 00:00:00".into())
    );
}
