//! The detail pane: the selected event's tags, star and note (drawn by
//! [`crate::gui::widgets::marks_panel`]), its identity summary, a note for redacted
//! values, and its JSON as a collapsible, syntax-coloured tree in
//! original key order, with the pivot menu on every value; values a
//! Sigma rule matched carry a "← matched" mark and their headers open.

use std::sync::Arc;

use crate::gui::actions::Action;
use crate::gui::panels::detections_detail::Matches;
use crate::gui::panels::table::{event_menu, pivot_menu};
use crate::gui::settings::Settings;
use crate::gui::theme::Palette;
use crate::gui::windows::detections::level_color;
use trailview_core::model::{Column, EventIdx};
use trailview_core::sigma::Level;
use trailview_core::store::Store;
use trailview_core::timefmt;
use trailview_session::Session;

/// The event, store size and detection run (`DetectionIndex` address) a
/// [`Matches`] was worked out for.
type MatchesKey = (EventIdx, usize, usize);

/// Values CloudTrail puts in place of redacted data.
const REDACTED: [&str; 4] = [
    "***OMITTED***",
    "HIDDEN_DUE_TO_SECURITY_REASONS",
    "<sensitiveDataRemoved>",
    "Value hidden due to security reasons.",
];

/// Keeps the parsed JSON of the shown event between frames.
#[derive(Default)]
pub struct DetailView {
    cached: Option<(EventIdx, usize, Arc<serde_json::Value>)>,
    /// What the rules matched on the shown event, for the event, store
    /// size and detection run it was worked out for (it reads the event's
    /// raw text: not once per frame).
    matches: Option<(MatchesKey, Arc<Matches>)>,
    /// Tag chips, star and note editor.
    pub marks: crate::gui::widgets::marks_panel::MarksPanel,
    /// The event shown last frame: a new one starts at the top.
    shown: Option<EventIdx>,
}

impl DetailView {
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        store: &Store,
        session: &Session,
        settings: &Settings,
        actions: &mut Vec<Action>,
    ) {
        ui.add_space(4.0);
        let Some(idx) = session
            .selection()
            .focus
            .filter(|&i| (i as usize) < store.len())
        else {
            ui.heading("Event detail");
            ui.add_space(20.0);
            ui.weak("Select an event in the table (click it, or use the arrow keys or j/k) to see it here.");
            return;
        };
        let json = match &self.cached {
            Some((i, n, j)) if *i == idx && *n == store.len() => j.clone(),
            _ => {
                let j = Arc::new(store.json(idx).unwrap_or(serde_json::Value::Null));
                self.cached = Some((idx, store.len(), j.clone()));
                j
            }
        };
        ui.horizontal(|ui| {
            ui.heading(store.value(Column::EventName, idx));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button("Copy JSON")
                    .on_hover_text("Copy the event's original JSON")
                    .clicked()
                {
                    match store.raw_text(idx) {
                        Ok(text) => actions.push(Action::Copy(text)),
                        Err(e) => log::warn!("nothing copied: {e}"),
                    }
                }
            });
        });
        let time = if settings.local_time {
            timefmt::format_local(store.time(idx))
        } else {
            format!("{} UTC", timefmt::format_utc(store.time(idx)))
        };
        ui.label(format!(
            "{time} · {}",
            store.value(Column::EventSource, idx)
        ));
        ui.add_space(2.0);
        self.marks.show(ui, session, idx, actions);
        ui.separator();
        let mut scroll = egui::ScrollArea::vertical()
            .id_salt("detail")
            .auto_shrink([false, false]);
        if self.shown.replace(idx) != Some(idx) {
            scroll = scroll.vertical_scroll_offset(0.0);
        }
        let key: MatchesKey = (
            idx,
            store.len(),
            session.detections().map_or(0, |d| Arc::as_ptr(d) as usize),
        );
        let matches = match &self.matches {
            Some((k, m)) if *k == key => m.clone(),
            _ => {
                let m = Arc::new(Matches::of(session, store, idx, &json));
                self.matches = Some((key, m.clone()));
                m
            }
        };
        scroll.show(ui, |ui| {
            identity_summary(ui, store, idx, actions);
            crate::gui::panels::chain::show(ui, store, idx, settings, actions);
            crate::gui::panels::detections_detail::show(ui, session, store, idx, &matches, actions);
            redaction_note(ui, &json, actions);
            ui.separator();
            ui.label(egui::RichText::new("Event JSON").strong());
            if json.is_null() {
                match store.raw_text(idx) {
                    Ok(text) => {
                        ui.colored_label(
                            Palette::of(ui).error(),
                            "This event's bytes are not valid JSON.",
                        );
                        ui.monospace(text);
                    }
                    Err(e) => {
                        ui.colored_label(
                            Palette::of(ui).error(),
                            format!("This event cannot be shown: {e}."),
                        );
                    }
                }
            } else {
                json_tree(ui, &json, "", 0, &matches, actions);
            }
            if let Some(o) = store.origin(idx) {
                ui.separator();
                ui.weak(format!(
                    "From {} (record {})",
                    o.path.display(),
                    o.record_index + 1
                ));
            }
        });
    }
}

fn identity_summary(ui: &mut egui::Ui, store: &Store, idx: EventIdx, actions: &mut Vec<Action>) {
    let rows: [(&str, Column); 10] = [
        ("Actor", Column::Actor),
        ("Credential", Column::Credential),
        ("Identity type", Column::UserType),
        ("MFA", Column::Mfa),
        ("Console", Column::Console),
        ("Access key", Column::AccessKey),
        ("Account", Column::Account),
        ("Source IP", Column::SourceIp),
        ("Region", Column::Region),
        ("Error", Column::ErrorCode),
    ];
    egui::Grid::new("identity")
        .num_columns(2)
        .spacing([12.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            for (label, col) in rows {
                let v = store.value(col, idx);
                let shown = match (col, v.as_ref()) {
                    (Column::Mfa | Column::Console, "") => "not stated".to_owned(),
                    (Column::Mfa | Column::Console, "true") => "yes".to_owned(),
                    (Column::Mfa | Column::Console, "false") => "no".to_owned(),
                    (Column::ErrorCode, "") => continue,
                    (_, "") => "—".to_owned(),
                    (_, s) => s.to_owned(),
                };
                ui.weak(label);
                let mut rt = egui::RichText::new(&shown);
                if col == Column::ErrorCode {
                    rt = rt.color(Palette::of(ui).error());
                }
                let r = ui.add(egui::Label::new(rt).truncate().sense(egui::Sense::click()));
                r.context_menu(|ui| {
                    pivot_menu(ui, col.name(), &v, actions);
                    event_menu(ui, store, idx, actions);
                });
                ui.end_row();
            }
        });
}

fn find_redacted(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) if REDACTED.iter().any(|r| s.contains(r)) => {
            out.push(path.to_owned())
        }
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                find_redacted(v, &join(path, k), out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                find_redacted(v, &join(path, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

fn redaction_note(ui: &mut egui::Ui, json: &serde_json::Value, actions: &mut Vec<Action>) {
    let mut paths = Vec::new();
    find_redacted(json, "", &mut paths);
    if paths.is_empty() {
        return;
    }
    let pal = Palette::of(ui);
    ui.add_space(6.0);
    egui::Frame::group(ui.style()).stroke(egui::Stroke::new(1.0, pal.warning())).show(ui, |ui| {
        ui.colored_label(pal.warning(), format!("⚠ Redacted by CloudTrail: {}", paths.join(", ")));
        let qid = json
            .pointer("/responseElements/queryExecutionId")
            .or_else(|| json.pointer("/requestParameters/queryExecutionId"))
            .and_then(|v| v.as_str());
        if json.get("eventSource").and_then(|v| v.as_str()) == Some("athena.amazonaws.com") || qid.is_some() {
            ui.label(
                "CloudTrail does not record Athena query text. To get the real query, call \
                 GetQueryExecution with the queryExecutionId (the query history is kept for 45 days):",
            );
            if let Some(id) = qid {
                let cmd = format!("aws athena get-query-execution --query-execution-id {id}");
                ui.add(egui::Label::new(egui::RichText::new(&cmd).monospace()).wrap());
                ui.horizontal(|ui| {
                    if ui.button("Copy command").clicked() {
                        actions.push(Action::Copy(cmd.clone()));
                    }
                    if ui
                        .button("Follow this query")
                        .on_hover_text("Filter to every event with this queryExecutionId")
                        .clicked()
                    {
                        actions.push(Action::OpenQueryPivot(id.to_owned()));
                    }
                });
            }
        } else {
            ui.label("The original value is not in the log; ask the service's own API or history for it.");
        }
    });
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn json_tree(
    ui: &mut egui::Ui,
    v: &serde_json::Value,
    path: &str,
    depth: usize,
    hl: &Matches,
    actions: &mut Vec<Action>,
) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, child) in m {
                entry(ui, k, child, &join(path, k), depth, hl, actions);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                entry(
                    ui,
                    &format!("[{i}]"),
                    child,
                    &join(path, &i.to_string()),
                    depth,
                    hl,
                    actions,
                );
            }
        }
        _ => {}
    }
}

/// The mark beside a value a Sigma rule matched: "← matched" in the
/// level's colour, the rules' titles on hover.
fn matched_badge(ui: &mut egui::Ui, level: Level, titles: &[&str]) {
    ui.label(
        egui::RichText::new("← matched")
            .color(level_color(level))
            .strong(),
    )
    .on_hover_text(format!("Matched by: {}", titles.join("; ")));
}

fn entry(
    ui: &mut egui::Ui,
    key: &str,
    v: &serde_json::Value,
    path: &str,
    depth: usize,
    hl: &Matches,
    actions: &mut Vec<Action>,
) {
    let pal = Palette::of(ui);
    match v {
        serde_json::Value::Object(m) if !m.is_empty() => {
            let title = egui::RichText::new(format!("{key}  {{{}}}", m.len()))
                .color(pal.json_key())
                .monospace();
            egui::CollapsingHeader::new(title)
                .id_salt(path)
                .default_open(depth < 3 || hl.under(path))
                .show(ui, |ui| json_tree(ui, v, path, depth + 1, hl, actions));
        }
        serde_json::Value::Array(a) if !a.is_empty() => {
            let title = egui::RichText::new(format!("{key}  [{}]", a.len()))
                .color(pal.json_key())
                .monospace();
            egui::CollapsingHeader::new(title)
                .id_salt(path)
                .default_open((depth < 3 && a.len() <= 20) || hl.under(path))
                .show(ui, |ui| json_tree(ui, v, path, depth + 1, hl, actions));
        }
        leaf => {
            let (text, color, value) = match leaf {
                serde_json::Value::String(s) => (format!("\"{s}\""), pal.json_string(), s.clone()),
                serde_json::Value::Number(n) => (n.to_string(), pal.json_number(), n.to_string()),
                serde_json::Value::Bool(b) => (b.to_string(), pal.json_literal(), b.to_string()),
                serde_json::Value::Null => ("null".to_owned(), pal.json_literal(), String::new()),
                serde_json::Value::Object(_) => ("{}".to_owned(), pal.muted(), String::new()),
                serde_json::Value::Array(_) => ("[]".to_owned(), pal.muted(), String::new()),
            };
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing.x = 6.0;
                ui.label(
                    egui::RichText::new(format!("{key}:"))
                        .color(pal.json_key())
                        .monospace(),
                );
                let r = ui.add(
                    egui::Label::new(egui::RichText::new(text).color(color).monospace())
                        .wrap()
                        .sense(egui::Sense::click()),
                );
                r.on_hover_text(path)
                    .context_menu(|ui| pivot_menu(ui, path, &value, actions));
                if let Some((level, titles)) = hl.at(path, &value) {
                    matched_badge(ui, level, &titles);
                }
            });
        }
    }
}
