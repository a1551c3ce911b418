//! The credential chain in the app, driven through its accessibility
//! labels on the stratus-red-team corpus (real AssumeRole sequences):
//! select an event and see its chain, jump to the issuing event, open the
//! Sessions window and filter by a session, group the timeline by origin.

#![cfg(feature = "gui")]

use crate::gui_harness;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use gui_harness::settle;
use trailview::gui::TrailviewApp;
use trailview::gui::settings::Settings;
use trailview_core::model::Column;
use trailview_session::summary::LaneGrouping;

fn loaded() -> Harness<'static, TrailviewApp> {
    crate::gui_harness::open_corpus("stratus-red-team", Settings::default())
}

fn filter(h: &mut Harness<'static, TrailviewApp>, text: &str) {
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text(text);
    settle(h);
}

fn column(h: &Harness<'static, TrailviewApp>, col: Column) -> Vec<String> {
    let app = h.state();
    let store = app.session.read();
    app.session
        .rows()
        .iter()
        .map(|&i| store.value(col, i).into_owned())
        .collect()
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn selecting_an_event_shows_its_chain_and_jumps_to_the_issuing_event() {
    let mut h = loaded();
    // The default table shows the origin.
    assert!(
        h.state()
            .session
            .view()
            .columns
            .contains(&trailview_core::model::ColumnSpec::Column(Column::Origin))
    );
    filter(&mut h, "hops:1 origin:christophe name:RunInstances");
    let rows = column(&h, Column::Chain);
    assert!(!rows.is_empty(), "linked events on the corpus");
    h.get_all_by_label("RunInstances")
        .next()
        .expect("a cell")
        .click();
    settle(&mut h);
    h.get_by_label("Credential chain");
    h.get_by_label_contains("christophe (AKIA");
    // Jump to the AssumeRole that issued the role session's key: the
    // query hides it (hops 0), so it is cleared and the event focused.
    h.get_all_by_label_contains("AssumeRole ↗")
        .last()
        .expect("a jump button")
        .click();
    settle(&mut h);
    let app = h.state();
    let focus = app.session.selection().focus.expect("focused");
    let store = app.session.read();
    assert_eq!(store.value(Column::EventName, focus), "AssumeRole");
    assert_eq!(app.session.view().query, "");
    assert!(app.session.rows().contains(&focus));
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn the_sessions_window_lists_sessions_and_filters_the_table_to_one() {
    let mut h = loaded();
    filter(&mut h, "key:ASIA*");
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Sessions…").click();
    settle(&mut h);
    h.get_by_label_contains("sessions among the events of the current query");
    let key = {
        let keys = column(&h, Column::Session);
        keys.into_iter()
            .find(|k| k.starts_with("ASIA"))
            .expect("an ASIA session")
    };
    // Sort by events, then click the session.
    h.get_by_label("Events").click();
    h.run_steps(2);
    h.get_all_by_label(&key)
        .next()
        .expect("the session's row")
        .click();
    settle(&mut h);
    assert!(
        h.state()
            .session
            .view()
            .query
            .contains(&format!("session:{key}"))
    );
    let sessions = column(&h, Column::Session);
    assert!(!sessions.is_empty());
    assert!(sessions.iter().all(|s| *s == key));
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn the_timeline_groups_lanes_by_origin() {
    let mut h = loaded();
    // "Origin" is both the table's header and the timeline's grouping.
    let n = h.get_all_by_label("Origin").count();
    for i in 0..n {
        if h.state().settings.lane_grouping == LaneGrouping::Origin {
            break;
        }
        h.get_all_by_label("Origin").nth(i).expect("a node").click();
        settle(&mut h);
    }
    assert_eq!(h.state().settings.lane_grouping, LaneGrouping::Origin);
    let summary = h.state().session.summary().cloned().expect("a summary");
    let lanes: Vec<String> = summary
        .timeline
        .lanes
        .iter()
        .map(|l| l.name.clone())
        .collect();
    assert!(lanes.iter().any(|l| l == "christophe"), "{lanes:?}");
    assert!(
        !lanes.iter().any(|l| l.contains('/')),
        "origins, not role sessions: {lanes:?}"
    );
}
