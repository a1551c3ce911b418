//! The detail pane's "Detections" section: the Sigma rules the selected
//! event matched, each with its level (coloured), title (click: filter
//! the table to the rule), author, and the fields it matched on with the
//! event's values there; a correlation says how many events its match
//! spans.

use crate::gui::actions::Action;
use crate::gui::windows::detections::level_color;
use trailview_core::model::EventIdx;
use trailview_core::sigma::eval::{JsonEvent, explain};
use trailview_core::sigma::rule::Body;
use trailview_core::store::Store;
use trailview_session::Session;

/// Draws the section for event `idx` (nothing when no rule matched).
pub fn show(
    ui: &mut egui::Ui,
    session: &Session,
    store: &Store,
    idx: EventIdx,
    json: &serde_json::Value,
    actions: &mut Vec<Action>,
) {
    let Some(index) = session.detections() else {
        return;
    };
    let rules: Vec<u32> = index.detections.rules_of(idx).collect();
    if rules.is_empty() {
        return;
    }
    let text = store.raw_text(idx).unwrap_or_default();
    let event = JsonEvent {
        root: json.clone(),
        text: &text,
    };
    ui.separator();
    ui.label(egui::RichText::new(format!("Detections ({})", rules.len())).strong())
        .on_hover_text("Sigma rules this event matched");
    for r in rules {
        let Some(loaded) = index.set.rules.get(r as usize) else {
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
            Body::Detection {
                searches,
                aggregation,
                ..
            } => {
                for (field, values) in explain(searches, &event) {
                    ui.label(
                        egui::RichText::new(format!("    {field} = {}", values.join(", ")))
                            .monospace(),
                    )
                    .on_hover_text("A field this rule matched on, with the event's value");
                }
                if aggregation.is_some() {
                    ui.weak("    (an aggregation over several events)");
                }
            }
            Body::Correlation(_) => {
                let n = index
                    .detections
                    .correlations
                    .iter()
                    .filter(|m| m.rule == r && m.rows.contains(&idx))
                    .map(|m| m.rows.len())
                    .max()
                    .unwrap_or(0);
                ui.weak(format!("    correlation: a match of {n} events"));
            }
        }
    }
}
