//! The per-user timeline driven as an analyst would: lanes with their
//! figures, click a lane to filter, pin and compare, sort, drag to zoom and
//! step back, Shift+drag to set the time filter, and a click on a bin
//! selecting its event.

#![cfg(feature = "gui")]

use crate::gui_harness;

use std::path::Path;

use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_harness::{app_harness, settle};
use trailview::gui::TrailviewApp;
use trailview::gui::picker::FakePicker;
use trailview::gui::settings::Settings;
use trailview_core::model::Column;

/// alice: 40 events over the first hour, two of them errors; bob: 5
/// events at 02:00; carol: 1 event at 03:00 from another IP.
pub(crate) fn trail(dir: &Path) {
    let mut records = Vec::new();
    let ev = |user: &str, h: u32, m: u32, s: u32, name: &str, err: bool, ip: &str| {
        let err = if err {
            r#","errorCode":"AccessDenied""#
        } else {
            ""
        };
        format!(
            r#"{{"eventVersion":"1.08","eventID":"{user}-{h}-{m}-{s}","eventName":"{name}","eventSource":"s3.amazonaws.com","awsRegion":"us-east-1","readOnly":{},"eventTime":"2024-03-01T{h:02}:{m:02}:{s:02}Z","sourceIPAddress":"{ip}","userIdentity":{{"type":"IAMUser","userName":"{user}","accessKeyId":"AKIA{user}"}}{err}}}"#,
            name.starts_with("Get")
        )
    };
    for i in 0..40 {
        records.push(ev("alice", 0, i, 0, "GetObject", i % 20 == 3, "10.0.0.1"));
    }
    for i in 0..5 {
        records.push(ev("bob", 2, 0, i, "PutObject", false, "10.0.0.2"));
    }
    records.push(ev("carol", 3, 0, 0, "DeleteBucket", false, "192.0.2.7"));
    let body = format!("{{\"Records\":[{}]}}", records.join(","));
    std::fs::write(dir.join("trail.json"), body).expect("write trail");
}

pub(crate) fn loaded(dir: &Path) -> Harness<'static, TrailviewApp> {
    let app = TrailviewApp::new(Settings::default(), Box::new(FakePicker::default()))
        .with_paths(vec![dir.to_path_buf()]);
    let mut h = app_harness(app);
    h.run_steps(2);
    settle(&mut h);
    assert_eq!(h.state().session.store_len(), 46);
    h
}

fn lane_y(h: &Harness<'static, TrailviewApp>, name: &str) -> f32 {
    h.get_by_label(&format!("Lane {name}")).rect().center().y
}

/// A point on alice's track at `frac` of its width.
fn on_track(h: &Harness<'static, TrailviewApp>, frac: f32) -> Pos2 {
    let lane = h.get_by_label("Lane alice").rect();
    let tracks = h.get_by_label("Timeline tracks").rect();
    let (left, right) = (tracks.min.x + 1.0, tracks.max.x - 1.0);
    Pos2::new(left + (right - left) * frac, lane.center().y)
}

fn drag(h: &mut Harness<'static, TrailviewApp>, from: Pos2, to: Pos2, modifiers: Modifiers) {
    if modifiers != Modifiers::NONE {
        h.event(Event::ModifiersChanged(modifiers));
    }
    h.event(Event::PointerMoved(from));
    h.step();
    h.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers,
    });
    h.step();
    for k in 1..=4 {
        let p = from + (to - from) * (k as f32 / 4.0);
        h.event(Event::PointerMoved(p));
        h.step();
    }
    h.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers,
    });
    h.step();
    if modifiers != Modifiers::NONE {
        h.event(Event::ModifiersChanged(Modifiers::NONE));
    }
    h.run_steps(2);
}

#[test]
fn lanes_show_each_actor_by_volume_and_a_click_filters_to_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    trail(tmp.path());
    let mut h = loaded(tmp.path());
    // Busiest first.
    assert!(lane_y(&h, "alice") < lane_y(&h, "bob"));
    assert!(lane_y(&h, "bob") < lane_y(&h, "carol"));
    let tl = h
        .state()
        .session
        .summary()
        .map(|s| s.timeline.clone())
        .expect("summary");
    let alice = &tl.lanes[0];
    assert_eq!((alice.total, alice.errors, alice.ips), (40, 2, 1));
    assert_eq!(alice.sessions.len(), 1);

    h.get_by_label("Lane bob").click();
    settle(&mut h);
    assert!(
        h.state().query_text.contains("bob"),
        "{}",
        h.state().query_text
    );
    assert_eq!(h.state().session.rows().len(), 5);
}

#[test]
fn pinned_lanes_come_first_and_can_be_compared_alone() {
    let tmp = tempfile::tempdir().expect("tempdir");
    trail(tmp.path());
    let mut h = loaded(tmp.path());
    h.get_by_label("Pin carol").click();
    h.run_steps(2);
    assert_eq!(h.state().timeline.pinned(), ["carol"]);
    assert!(lane_y(&h, "carol") < lane_y(&h, "alice"));
    h.get_by_label("Pinned only (1)").click();
    h.run_steps(2);
    assert!(h.query_by_label("Lane alice").is_none());
    assert!(h.query_by_label("Lane carol").is_some());
    h.get_by_label("Unpin carol").click();
    h.run_steps(2);
    assert!(h.state().timeline.pinned().is_empty());
    // With no pins left, every lane is back.
    assert!(h.query_by_label("Lane alice").is_some());
}

#[test]
fn lanes_sort_by_name_and_first_seen() {
    let tmp = tempfile::tempdir().expect("tempdir");
    trail(tmp.path());
    let mut h = loaded(tmp.path());
    h.get_by_label("Last seen").click();
    h.run_steps(2);
    // Most recent activity first: carol (03:00), bob, alice.
    assert!(lane_y(&h, "carol") < lane_y(&h, "bob"));
    assert!(lane_y(&h, "bob") < lane_y(&h, "alice"));
    h.get_by_label("First seen").click();
    h.run_steps(2);
    assert!(lane_y(&h, "alice") < lane_y(&h, "bob"));
    assert!(lane_y(&h, "bob") < lane_y(&h, "carol"));
}

#[test]
fn a_drag_zooms_back_steps_out_and_shift_drag_sets_the_time_filter() {
    let tmp = tempfile::tempdir().expect("tempdir");
    trail(tmp.path());
    let mut h = loaded(tmp.path());
    assert_eq!(h.state().window.range(), None);
    let (p, q) = (on_track(&h, 0.0), on_track(&h, 0.3));
    drag(&mut h, p, q, Modifiers::NONE);
    let (a, b) = h.state().window.range().expect("zoomed");
    let tl_span = {
        let s = h.state().session.summary().expect("summary");
        s.timeline.end - s.timeline.start
    };
    assert!(b - a < tl_span / 2, "window {a}..{b} of {tl_span}");
    // Zooming is not filtering.
    assert_eq!(h.state().session.rows().len(), 46);
    assert_eq!(h.state().session.view().time_range, None);
    // Again, deeper, then back twice.
    let (p, q) = (on_track(&h, 0.0), on_track(&h, 0.5));
    drag(&mut h, p, q, Modifiers::NONE);
    let (c, d) = h.state().window.range().expect("zoomed twice");
    assert!(d - c < b - a);
    h.get_by_label("◀ Back").click();
    h.run_steps(2);
    assert_eq!(h.state().window.range(), Some((a, b)));
    h.get_by_label("◀ Back").click();
    h.run_steps(2);
    assert_eq!(h.state().window.range(), None);

    // Shift + drag over the first third: alice's hour only.
    let (p, q) = (on_track(&h, 0.0), on_track(&h, 0.3));
    drag(&mut h, p, q, Modifiers::SHIFT);
    settle(&mut h);
    assert!(h.state().session.view().time_range.is_some());
    let rows = h.state().session.rows().len();
    let range = h.state().session.view().time_range;
    let start = h.state().session.read().time(0);
    assert!(
        rows > 0 && rows <= 40,
        "{rows} rows after a Shift+drag to {range:?} (first event {start})"
    );
}

#[test]
fn clicking_activity_selects_its_event() {
    let tmp = tempfile::tempdir().expect("tempdir");
    trail(tmp.path());
    let mut h = loaded(tmp.path());
    // carol's one event sits at the very end of the span.
    let y = lane_y(&h, "carol");
    let p = Pos2::new(h.get_by_label("Timeline tracks").rect().max.x - 2.0, y);
    h.event(Event::PointerMoved(p));
    h.run_steps(2);
    h.event(Event::PointerButton {
        pos: p,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.event(Event::PointerButton {
        pos: p,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    settle(&mut h);
    let app = h.state();
    let idx = app.session.selection().focus.expect("an event is selected");
    let store = app.session.read();
    assert_eq!(store.value(Column::EventName, idx), "DeleteBucket");
}

#[test]
fn a_lane_and_a_mark_say_how_many_events_had_detection_hits() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // alice: three reads, then a bucket policy and an ACL change in the
    // same second (the default rule "S3 bucket policy, ACL or public
    // access block changed", medium).
    let ev = |s: u32, name: &str| {
        format!(
            r#"{{"eventVersion":"1.08","eventID":"a-{s}-{name}","eventName":"{name}","eventSource":"s3.amazonaws.com","awsRegion":"us-east-1","eventTime":"2024-03-01T00:00:{s:02}Z","sourceIPAddress":"10.0.0.1","userIdentity":{{"type":"IAMUser","userName":"alice","accessKeyId":"AKIAalice"}}}}"#
        )
    };
    let records = [
        ev(0, "GetObject"),
        ev(1, "GetObject"),
        ev(2, "GetObject"),
        ev(59, "PutBucketPolicy"),
        ev(59, "PutBucketAcl"),
    ];
    std::fs::write(
        tmp.path().join("trail.json"),
        format!("{{\"Records\":[{}]}}", records.join(",")),
    )
    .expect("write trail");
    let app = TrailviewApp::new(Settings::default(), Box::new(FakePicker::default()))
        .with_paths(vec![tmp.path().to_path_buf()]);
    let mut h = app_harness(app);
    h.run_steps(2);
    settle(&mut h);
    let hits = "2 events with detection hits (highest: medium)";
    assert!(!shows(&h, hits));
    // The lane's name: the whole lane's count.
    h.get_by_label("Lane alice").hover();
    h.run_steps(40);
    assert!(shows(&h, hits), "the lane's tooltip counts its hits");
    // A mark at the end of the track: the hits of that stretch.
    let y = lane_y(&h, "alice");
    let p = Pos2::new(h.get_by_label("Timeline tracks").rect().max.x - 2.0, y);
    h.event(Event::PointerMoved(p));
    h.run_steps(3);
    assert!(shows(&h, hits), "the mark's tooltip counts its hits");
    // At the start, only reads: no hits named.
    let p = Pos2::new(h.get_by_label("Timeline tracks").rect().min.x + 2.0, y);
    h.event(Event::PointerMoved(p));
    h.run_steps(3);
    assert!(!shows(&h, hits));
    assert!(shows(&h, "GetObject"), "the tooltip of the first reads");
}

/// Whether a widget or a plain label shows exactly `text`.
fn shows(h: &Harness<'static, TrailviewApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text)
        .any(|n| n.accesskit_node().label().or_else(|| n.value()).as_deref() == Some(text))
}
