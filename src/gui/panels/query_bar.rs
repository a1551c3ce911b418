//! The query box: the filter text, syntax help, the error under it when
//! the query is malformed, the time-range chip and the matched count.

use crate::gui::actions::Action;
use crate::gui::theme::Palette;
use trailview_core::query::SYNTAX_HELP;
use trailview_core::timefmt;
use trailview_session::Session;
use trailview_session::fmt::thousands;

pub fn show(
    ui: &mut egui::Ui,
    session: &Session,
    text: &mut String,
    focus: &mut bool,
    actions: &mut Vec<Action>,
) {
    let pal = Palette::of(ui);
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let label = ui.label(egui::RichText::new("Filter").strong());
        let count = count_text(session);
        let count_w = 310.0;
        let edit_w = (ui.available_width() - count_w - 360.0).max(200.0);
        let edit = egui::TextEdit::singleline(text)
            .id_salt("query")
            .hint_text("eventName:ConsoleLogin -errorCode:*   (Ctrl+F)")
            .font(egui::TextStyle::Monospace)
            .desired_width(edit_w);
        let resp = ui.add(edit).labelled_by(label.id);
        if *focus {
            *focus = false;
            resp.request_focus();
        }
        if resp.changed() {
            actions.push(Action::QueryChanged);
        }
        if ui
            .add_enabled(!text.is_empty(), egui::Button::new("Clear"))
            .clicked()
        {
            text.clear();
            actions.push(Action::QueryChanged);
        }
        let help = ui.button("?").on_hover_text("Query syntax");
        egui::Popup::from_toggle_button_response(&help).show(|ui| {
            ui.label(egui::RichText::new("Query syntax").strong());
            ui.add(egui::Label::new(egui::RichText::new(SYNTAX_HELP).monospace()).extend());
        });
        if ui
            .button("Copy as Athena SQL")
            .on_hover_text("The same filter, time range, sort and columns as Amazon Athena SQL")
            .clicked()
        {
            actions.push(Action::CopyAthenaSql);
        }
        if ui
            .small_button("Athena…")
            .on_hover_text("The Athena table (DDL) for the trail in S3")
            .clicked()
        {
            actions.push(Action::ShowAthena);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(egui::RichText::new(count).strong());
            if session.rows_pending() {
                let waited = session.rows_pending_for().unwrap_or_default();
                if waited >= std::time::Duration::from_secs(1) {
                    if ui
                        .button("Cancel query")
                        .on_hover_text("Stop this query and keep the previous results")
                        .clicked()
                    {
                        actions.push(Action::CancelQuery);
                    }
                } else {
                    ui.ctx()
                        .request_repaint_after(std::time::Duration::from_millis(200));
                }
                crate::gui::widgets::busy::spinner(ui, "Filtering and sorting…");
            } else if let Some(took) = took_text(session) {
                ui.weak(took)
                    .on_hover_text("Time the last filter and sort took");
            }
        });
    });
    if let Some(err) = &session.query_error() {
        ui.horizontal(|ui| {
            ui.add_space(44.0);
            ui.colored_label(
                pal.error(),
                format!("⚠ {} (at character {})", err.message, err.position + 1),
            );
        });
    } else {
        for hint in session.query_hints() {
            ui.horizontal(|ui| {
                ui.add_space(44.0);
                ui.colored_label(pal.warning(), format!("⚠ {hint}"));
            });
        }
    }
    if let Some((lo, hi)) = session.view().time_range {
        ui.horizontal(|ui| {
            ui.add_space(44.0);
            ui.label(
                egui::RichText::new(format!(
                    "Time {} — {} UTC",
                    timefmt::format_utc(lo),
                    timefmt::format_utc(hi)
                ))
                .color(pal.json_key()),
            );
            if ui
                .small_button("🗙 Clear time range")
                .on_hover_text("Show all times again")
                .clicked()
            {
                actions.push(Action::SetTimeRange(None));
            }
        });
    }
    ui.add_space(2.0);
}

/// "in 187 ms" after a filter or time range was applied (a plain list of
/// every event says nothing).
pub fn took_text(session: &Session) -> Option<String> {
    if session.applied_view().query.trim().is_empty() && session.view().time_range.is_none() {
        return None;
    }
    let took = session.rows_took()?;
    Some(if took.as_secs_f64() < 10.0 {
        format!("in {} ms", took.as_millis())
    } else {
        format!("in {:.0} s", took.as_secs_f64())
    })
}

/// "12,345 of 1,000,000 events".
pub fn count_text(session: &Session) -> String {
    let total = session.store_len() as u64;
    let shown = session.rows().len() as u64;
    if session.applied_view().query.trim().is_empty() && session.view().time_range.is_none() {
        format!("{} events", thousands(total))
    } else {
        format!("{} of {} events", thousands(shown), thousands(total))
    }
}
