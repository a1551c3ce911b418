//! The detail pane's "Detections" section: the Sigma rules the selected
//! event matched, each with its level (coloured), title (click: filter
//! the table to the rule), author, and the fields it matched on with the
//! values that matched; a correlation lists the other events of its match
//! (click: select one). `Matches` also tells the JSON tree which values
//! to highlight.

use std::collections::HashMap;

use crate::gui::actions::Action;
use crate::gui::windows::detections::level_color;
use trailview_core::model::{Column, EventIdx};
use trailview_core::sigma::Level;
use trailview_core::sigma::eval::{JsonEvent, explain};
use trailview_core::sigma::rule::Body;
use trailview_core::store::Store;
use trailview_session::Session;

/// Most events of a correlation match listed under its rule.
const MAX_LISTED: usize = 50;

/// What one rule matched on the event: its index in the rule set, and
/// each field with the values that matched there (empty for a
/// correlation).
struct RuleMatch {
    rule: u32,
    fields: Vec<(String, Vec<String>)>,
}

/// The rules the selected event matched, computed once per frame for the
/// section and the JSON tree.
#[derive(Default)]
pub struct Matches {
    rules: Vec<RuleMatch>,
    /// Field path (Sigma's, without list indices) → (value, level, rule
    /// title) of every matched value there.
    by_field: HashMap<String, Vec<(String, Level, String)>>,
}

impl Matches {
    /// The rules event `idx` matched (empty without detections).
    pub fn of(session: &Session, store: &Store, idx: EventIdx, json: &serde_json::Value) -> Self {
        let Some(index) = session.detections() else {
            return Self::default();
        };
        let ids: Vec<u32> = index.detections.rules_of(idx).collect();
        if ids.is_empty() {
            return Self::default();
        }
        let text = store.raw_text(idx).unwrap_or_default();
        let event = JsonEvent {
            root: json.clone(),
            text: &text,
        };
        let mut out = Self::default();
        for rule in ids {
            let Some(loaded) = index.set.rules.get(rule as usize) else {
                continue;
            };
            let fields = match &loaded.rule.body {
                Body::Detection {
                    searches,
                    condition,
                    ..
                } => explain(searches, condition, &event),
                Body::Correlation(_) => Vec::new(),
            };
            for (field, values) in &fields {
                let entry = out.by_field.entry(field.clone()).or_default();
                for v in values {
                    entry.push((v.clone(), loaded.rule.level, loaded.rule.title.clone()));
                }
            }
            out.rules.push(RuleMatch { rule, fields });
        }
        out
    }

    /// The highest level and the titles of the rules that matched the
    /// JSON tree's value `value` at `path` (the tree's dotted path, list
    /// indices included).
    pub fn at(&self, path: &str, value: &str) -> Option<(Level, Vec<&str>)> {
        if self.by_field.is_empty() {
            return None;
        }
        let hits = self.by_field.get(&sigma_path(path))?;
        let mut level = None;
        let mut titles = Vec::new();
        for (_, l, t) in hits.iter().filter(|(v, _, _)| v == value) {
            level = level.max(Some(*l));
            if !titles.contains(&t.as_str()) {
                titles.push(t.as_str());
            }
        }
        level.map(|l| (l, titles))
    }

    /// True when the tree's node at `path` is a matched field or holds
    /// one (its header opens so the highlighted value is in view).
    pub fn under(&self, path: &str) -> bool {
        let p = sigma_path(path);
        self.by_field.keys().any(|f| {
            f.strip_prefix(p.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
        })
    }
}

/// A JSON tree path with its list indices dropped: Sigma's field name.
fn sigma_path(path: &str) -> String {
    path.split('.')
        .filter(|s| s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()))
        .collect::<Vec<_>>()
        .join(".")
}

/// Draws the section for event `idx` (nothing when no rule matched).
pub fn show(
    ui: &mut egui::Ui,
    session: &Session,
    store: &Store,
    idx: EventIdx,
    matches: &Matches,
    actions: &mut Vec<Action>,
) {
    let Some(index) = session.detections() else {
        return;
    };
    if matches.rules.is_empty() {
        return;
    }
    ui.separator();
    ui.label(egui::RichText::new(format!("Detections ({})", matches.rules.len())).strong())
        .on_hover_text("Sigma rules this event matched; their matched values are highlighted in the JSON below");
    for m in &matches.rules {
        let Some(loaded) = index.set.rules.get(m.rule as usize) else {
            continue;
        };
        let rule = &loaded.rule;
        ui.horizontal_wrapped(|ui| {
            ui.label(
                egui::RichText::new(rule.level.as_str())
                    .color(level_color(rule.level))
                    .strong(),
            );
            if ui
                .link(rule.title.as_str())
                .on_hover_text(format!(
                    "{}\nId: {}\nFile: {}\nFilter the table to this rule",
                    rule.description, rule.id, loaded.path
                ))
                .clicked()
            {
                actions.push(Action::FilterToRule(rule.id.clone()));
            }
            ui.weak(format!("by {}", rule.author));
        });
        match &rule.body {
            Body::Detection { aggregation, .. } => {
                for (field, values) in &m.fields {
                    let shown = if values.is_empty() {
                        "(absent)".to_owned()
                    } else {
                        values.join(", ")
                    };
                    ui.label(egui::RichText::new(format!("    {field} = {shown}")).monospace())
                        .on_hover_text("A field this rule matched on, with the value that matched");
                }
                if aggregation.is_some() {
                    ui.weak("    (an aggregation over several events)");
                    correlation_events(ui, session, store, idx, m.rule, actions);
                }
            }
            Body::Correlation(_) => correlation_events(ui, session, store, idx, m.rule, actions),
        }
    }
}

/// The events of the largest match of correlation `rule` that holds
/// `idx`: time, name and actor of each, a click selects it.
fn correlation_events(
    ui: &mut egui::Ui,
    session: &Session,
    store: &Store,
    idx: EventIdx,
    rule: u32,
    actions: &mut Vec<Action>,
) {
    let Some(index) = session.detections() else {
        return;
    };
    let Some(m) = index
        .detections
        .correlations
        .iter()
        .filter(|m| m.rule == rule && m.rows.contains(&idx))
        .max_by_key(|m| m.rows.len())
    else {
        return;
    };
    ui.weak(format!(
        "    correlation: a match of {} events",
        m.rows.len()
    ));
    for &row in m.rows.iter().take(MAX_LISTED) {
        if row as usize >= store.len() {
            continue;
        }
        let text = format!(
            "{}  {}  {}",
            trailview_core::timefmt::format_utc(store.time(row)),
            store.value(Column::EventName, row),
            store.value(Column::Actor, row)
        );
        ui.horizontal(|ui| {
            ui.add_space(24.0);
            if row == idx {
                ui.label(egui::RichText::new(format!("{text}  (this event)")).monospace());
            } else if ui
                .link(egui::RichText::new(text).monospace())
                .on_hover_text("Select this event of the match")
                .clicked()
            {
                actions.push(Action::JumpToEvent(row));
            }
        });
    }
    if m.rows.len() > MAX_LISTED {
        ui.weak(format!(
            "    … and {} more: filter the table to the rule to see them all",
            m.rows.len() - MAX_LISTED
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::sigma_path;

    #[test]
    fn tree_paths_become_sigma_fields() {
        assert_eq!(
            sigma_path("requestParameters.names.1"),
            "requestParameters.names"
        );
        assert_eq!(sigma_path("resources.0.ARN"), "resources.ARN");
        assert_eq!(sigma_path("eventName"), "eventName");
    }
}
