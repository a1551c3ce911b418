//! Detections in the app, driven through its accessibility labels on the
//! stratus-red-team corpus (real attack simulations the default rules
//! hit): the Detections window lists rules and a click filters the table
//! to one; the detail pane names the rules an event matched and the
//! fields they matched on; the histogram marks hits; the facets count
//! rules; an export's manifest lists the rules; rule folders from the
//! settings run (SigmaHQ's rules, by path) and can be removed.

#![cfg(feature = "gui")]

use crate::gui_harness;

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use gui_harness::settle;
use trailview::gui::TrailviewApp;
use trailview::gui::settings::Settings;
use trailview_core::model::Column;

const SECRETS: &str = "Many different secrets read by one actor";
/// A SigmaHQ rule (high level: near the top of the Detections window).
const SSM: &str = "Potential Malicious Usage of CloudTrail System Manager";

fn loaded(settings: Settings) -> Harness<'static, TrailviewApp> {
    crate::gui_harness::open_corpus("stratus-red-team", settings)
}

fn open_detections(h: &mut Harness<'static, TrailviewApp>) {
    h.get_by_label("View").click();
    h.run_steps(2);
    h.get_by_label("Detections…").click();
    settle(h);
}

/// A link to another event of the correlation match shown in the detail
/// pane ("time  name  actor", not "(this event)").
fn other_event<'h>(h: &'h Harness<'static, TrailviewApp>, name: &'h str) -> egui_kittest::Node<'h> {
    h.get_all_by_label_contains(name)
        .find(|n| text_of(n).is_some_and(|l| l.contains("  ") && !l.contains("(this event)")))
        .expect("another event of the match")
}

/// A node's text: its label, else its value (a plain label's text).
fn text_of(n: &egui_kittest::Node<'_>) -> Option<String> {
    n.accesskit_node().label().or_else(|| n.value())
}

/// The titles of the rules event `row` matched, from the session.
fn rules_of(h: &Harness<'static, TrailviewApp>, row: u32) -> Vec<String> {
    let d = h
        .state()
        .session
        .detections()
        .cloned()
        .expect("detections ran");
    d.detections
        .rules_of(row)
        .map(|r| d.set.rules[r as usize].rule.title.clone())
        .collect()
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn the_detections_window_filters_the_table_to_a_rule() {
    let mut h = loaded(Settings::default());
    open_detections(&mut h);
    h.get_by_label_contains("rules with hits");
    assert!(h.get_all_by_label_contains("Trailview team").count() >= 3);
    h.get_by_label(SECRETS).click();
    settle(&mut h);
    let id = {
        let d = h.state().session.detections().cloned().expect("ran");
        d.set
            .rules
            .iter()
            .find(|r| r.rule.title == SECRETS)
            .expect("the rule")
            .rule
            .id
            .clone()
    };
    assert_eq!(h.state().session.view().query, format!("rule:{id}"));
    let rows = h.state().session.rows().to_vec();
    assert!(rows.len() >= 5, "{}", rows.len());
    for &r in &rows {
        assert!(rules_of(&h, r).iter().any(|t| t == SECRETS));
    }
    // The facets count the rules and levels of these rows.
    h.get_by_label_contains("Detection rule");
    h.get_by_label(&format!("rule = {SECRETS}"));
    h.get_by_label("level = high");
    // The window counts the events in the table: the rule filtered to
    // comes with only the rules those events also matched; unticked,
    // every rule with hits again.
    let scoped = h.get_all_by_label_contains("Trailview team").count();
    let all_rules = rule_count(&h);
    assert!(
        scoped < all_rules,
        "{scoped} rows scoped, {all_rules} rules with hits"
    );
    h.get_by_label("Only the events in the table").click();
    settle(&mut h);
    h.get_by_label_contains(&format!("{all_rules} rules with hits ·"));
    // Sorted by Hits, most first: the busiest rule leads.
    h.get_by_label("Hits").click();
    settle(&mut h);
    h.get_by_label("Hits ⏷");
}

/// How many rules have hits over everything loaded.
fn rule_count(h: &Harness<'static, TrailviewApp>) -> usize {
    let d = h.state().session.detections().cloned().expect("ran");
    let mut rules: Vec<u32> = d.detections.hits.iter().map(|x| x.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    rules.len()
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn the_detail_pane_lists_the_rules_and_matched_fields_and_the_histogram_marks_hits() {
    let mut h = loaded(Settings::default());
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text("name:ScheduleKeyDeletion OR name:DeleteTrail OR name:StopLogging");
    settle(&mut h);
    let rows = h.state().session.rows().to_vec();
    assert!(!rows.is_empty());
    let name = {
        let store = h.state().session.read();
        store.value(Column::EventName, rows[0]).into_owned()
    };
    h.get_all_by_label(&name).next().expect("a cell").click();
    settle(&mut h);
    let focus = h.state().session.selection().focus.expect("focused");
    let titles = rules_of(&h, focus);
    assert!(!titles.is_empty(), "the event matched a rule");
    h.get_by_label(&format!("Detections ({})", titles.len()));
    for t in &titles {
        h.get_by_label(t);
    }
    // The field the default rule matched on, with the event's value.
    assert!(
        h.get_all_by_label_contains(&format!("eventName = {name}"))
            .next()
            .is_some()
    );
    // The matched value is marked in the JSON tree, with the rules on hover.
    assert!(
        h.get_all_by_label("← matched").count() >= 1,
        "the JSON tree marks the value the rule matched"
    );
    // The histogram marks the hits.
    h.get_by_label("▼ Detections");
    let s = h.state().session.summary().cloned().expect("summary");
    let d = s.detections.as_ref().expect("detection summary");
    assert_eq!(
        d.bins.iter().map(|b| u64::from(b.1)).sum::<u64>(),
        rows.iter()
            .filter(|&&r| !rules_of(&h, r).is_empty())
            .count() as u64
    );
    // The timeline's lanes carry the same hits for their marks.
    assert_eq!(
        d.lanes.iter().map(Vec::len).sum::<usize>() as u64,
        d.bins.iter().map(|b| u64::from(b.1)).sum::<u64>()
    );
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn the_detections_column_sorts_by_level_and_shows_a_badge_and_tactics_are_a_facet() {
    use trailview_core::model::{ColumnSpec, Mark};
    let mut h = loaded(Settings::default());
    // Second, so that its header is in view at 1280 pixels.
    let mut columns = h.state().settings.column_specs();
    columns.insert(1, ColumnSpec::Mark(Mark::Detections));
    h.state_mut().set_columns(columns);
    settle(&mut h);
    // Click the header twice: descending, the most severe first.
    h.get_by_label("Detections").click();
    settle(&mut h);
    h.get_by_label("Detections").click();
    settle(&mut h);
    let d = h
        .state()
        .session
        .detections()
        .cloned()
        .expect("detections ran");
    let level = |row: u32| {
        d.detections
            .rules_of(row)
            .filter_map(|r| d.label(r).map(|l| l.level))
            .max()
    };
    let rows = h.state().session.rows().clone();
    let levels: Vec<Option<u8>> = rows.iter().map(|&r| level(r)).collect();
    assert!(levels[0].is_some(), "a hit first");
    assert!(
        levels.windows(2).all(|w| w[0] >= w[1]),
        "highest level first, events without hits last: {levels:?}"
    );
    let top = trailview_core::query::LEVELS[usize::from(levels[0].unwrap_or(0))];
    assert!(
        h.query_all_by_label_contains(&top.to_uppercase())
            .next()
            .is_some(),
        "the badge names the level {top}"
    );
    // The ATT&CK tactic facet: a click filters to the tactic.
    let summary = h.state().session.summary().cloned().expect("summary");
    let tactics = &summary.detections.as_ref().expect("detections").tactics;
    let Some(first) = tactics.top.first() else {
        panic!("no ATT&CK tactic facet value");
    };
    let tactic = format!("attack = {}", first.value);
    // Below the column facets: scrolled into view first, as a user would.
    h.get_by_label(&tactic).scroll_to_me();
    h.run_steps(3);
    h.get_by_label(&tactic).click();
    settle(&mut h);
    assert!(
        h.state().query_text.starts_with("attack:"),
        "{}",
        h.state().query_text
    );
    assert!(!h.state().session.rows().is_empty());
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn rule_folders_from_the_settings_run_and_can_be_removed_and_exports_list_the_rules() {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/sigma-rules/rules");
    let settings = Settings {
        rule_folders: vec![rules.clone()],
        ..Settings::default()
    };
    let mut h = loaded(settings);
    open_detections(&mut h);
    h.get_by_label(&rules.display().to_string());
    h.get_by_label(SSM).click();
    settle(&mut h);
    let n = h.state().session.rows().len();
    assert!(n > 0);

    // Export the filtered rows: the manifest names the rule and its author.
    let tmp = tempfile::tempdir().expect("dir");
    let out = tmp.path().join("hits.json");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::E);
    h.run_steps(2);
    h.get_by_label("or to").click();
    h.run_steps(1);
    h.get_by_label("or to")
        .type_text(&out.display().to_string());
    h.run_steps(2);
    h.get_by_label("Export to path").click();
    settle(&mut h);
    let manifest = trailview_core::export::manifest::manifest_path(&out);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest).expect("manifest")).expect("json");
    let listed = m["detections"]["rules"].as_array().expect("rules");
    let sts = listed
        .iter()
        .find(|r| r["title"] == SSM)
        .expect("the rule in the manifest");
    assert_eq!(sts["hits"], n);
    assert_eq!(sts["author"], "jamesc-grafana");

    // Remove the folder: its rules no longer run.
    h.key_press(egui::Key::Escape);
    open_detections(&mut h);
    h.get_by_label("Remove").click();
    settle(&mut h);
    assert!(h.state().settings.rule_folders.is_empty());
    let d = h.state().session.detections().cloned().expect("ran again");
    assert!(d.set.rules.iter().all(|r| r.path.starts_with("default:")));
    assert!(
        h.state().session.rows().is_empty(),
        "rule:<id> of a removed rule matches nothing"
    );
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn a_correlation_lists_the_other_events_of_its_match_and_a_click_selects_one() {
    let mut h = loaded(Settings::default());
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text(&format!("rule:\"{SECRETS}\""));
    settle(&mut h);
    let rows = h.state().session.rows().to_vec();
    assert!(rows.len() >= 2, "the correlation matched several events");
    let name = {
        let store = h.state().session.read();
        store.value(Column::EventName, rows[0]).into_owned()
    };
    h.get_all_by_label(&name).next().expect("a cell").click();
    settle(&mut h);
    let first = h.state().session.selection().focus.expect("focused");
    let listed = text_of(&h.get_by_label_contains("correlation: a match of"));
    let n: usize = listed
        .as_deref()
        .and_then(|l| l.split_whitespace().nth(4))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count of events in {listed:?}"));
    assert!(n >= 2, "{listed:?}");
    h.get_by_label_contains("(this event)");
    // Another event of the match is a link: a click selects it.
    other_event(&h, &name).scroll_to_me();
    h.run_steps(2);
    let other = other_event(&h, &name);
    other.click();
    settle(&mut h);
    let now = h.state().session.selection().focus.expect("focused");
    assert_ne!(now, first, "the click selected another event of the match");
    assert!(rules_of(&h, now).iter().any(|t| t == SECRETS));
}

/// Turning one rule off in the Detections window: its hits go, it stays
/// listed "(off)", the settings remember it, and it can be turned on again.
#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn a_rule_can_be_turned_off_and_on_again_in_the_detections_window() {
    const LOGGING: &str = "CloudTrail logging stopped, deleted or changed";
    let mut h = loaded(Settings::default());
    open_detections(&mut h);
    let hits_of = |h: &Harness<'static, TrailviewApp>| -> usize {
        let d = h.state().session.detections().cloned().expect("ran");
        let r = d
            .set
            .rules
            .iter()
            .position(|r| r.rule.title == LOGGING)
            .expect("the rule is loaded");
        d.detections.rows_of_rule(r as u32).len()
    };
    assert!(hits_of(&h) > 0, "the rule has hits on stratus-red-team");
    h.get_by_label(&format!("Run {LOGGING}")).click();
    settle(&mut h);
    assert_eq!(hits_of(&h), 0, "turned off: no hits");
    assert_eq!(h.state().settings.disabled_rules.len(), 1, "remembered");
    h.get_by_label(&format!("{LOGGING} (off)"));
    // Other rules still run.
    h.get_by_label(SECRETS);
    h.get_by_label(&format!("Run {LOGGING}")).click();
    settle(&mut h);
    assert!(hits_of(&h) > 0, "on again: hits again");
    assert!(h.state().settings.disabled_rules.is_empty());
    // A level floor: only high and critical rules run.
    h.get_by_label("Rule levels").click();
    h.run_steps(2);
    h.get_by_label("high and above").click();
    settle(&mut h);
    assert_eq!(h.state().settings.min_rule_level.as_deref(), Some("high"));
    let d = h.state().session.detections().cloned().expect("ran");
    assert!(
        d.detections
            .hits
            .iter()
            .all(|x| d.set.rules[x.rule as usize].rule.level >= trailview_core::sigma::Level::High),
        "no hit below high"
    );
    h.get_by_label("Every rule").click();
    h.run_steps(2);
    h.get_by_label("Console sign-in without MFA (below the level)");
}
