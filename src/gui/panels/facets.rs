//! The facet panel: the top values of each facet column over the filtered
//! events. Click a value to filter to it (click again to undo), Shift+click
//! or the right-click menu to exclude it.

use crate::gui::actions::Action;
use crate::gui::theme::Palette;
use trailview_core::query;
use trailview_core::store::facets::Facet;
use trailview_session::Session;
use trailview_session::fmt::thousands;

pub fn show(ui: &mut egui::Ui, session: &Session, query: &str, actions: &mut Vec<Action>) {
    ui.add_space(4.0);
    ui.heading("Facets");
    ui.weak("Click: filter to · Shift+click: exclude");
    ui.separator();
    let Some(summary) = &session.summary() else {
        ui.horizontal(|ui| {
            crate::gui::widgets::busy::spinner(ui, "Counting the values");
            ui.label("Counting…");
        });
        return;
    };
    let clauses: Vec<&str> = query.split_whitespace().collect();
    egui::ScrollArea::vertical()
        .id_salt("facets")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for (n, (col, facet)) in summary.facets.iter().enumerate() {
                let title = format!(
                    "{}  ({} distinct)",
                    col.title(),
                    thousands(facet.distinct as u64)
                );
                egui::CollapsingHeader::new(title)
                    .id_salt(col.name())
                    .default_open(n < 6)
                    .show(ui, |ui| {
                        facet_values(ui, col.name(), facet, &clauses, actions)
                    });
            }
            // The Sigma detections: rule titles, levels and ATT&CK tactics
            // (`rule:`, `level:`, `attack:`).
            if let Some(d) = &summary.detections {
                for (title, field, facet) in [
                    ("Detection rule", "rule", &d.rules),
                    ("Detection level", "level", &d.levels),
                    ("ATT&CK tactic", "attack", &d.tactics),
                ] {
                    let head = format!("{title}  ({} distinct)", thousands(facet.distinct as u64));
                    egui::CollapsingHeader::new(head)
                        .id_salt(field)
                        .default_open(true)
                        .show(ui, |ui| facet_values(ui, field, facet, &clauses, actions));
                }
            }
        });
}

fn facet_values(
    ui: &mut egui::Ui,
    field: &str,
    facet: &Facet,
    clauses: &[&str],
    actions: &mut Vec<Action>,
) {
    let pal = Palette::of(ui);
    let max = facet.top.first().map(|v| v.count).unwrap_or(1).max(1);
    if facet.top.is_empty() {
        ui.weak("no values");
    }
    for v in &facet.top {
        let include = query::field_clause(field, &v.value);
        let exclude = query::exclude_clause(field, &v.value);
        let included = clauses.contains(&include.as_str());
        let excluded = clauses.contains(&exclude.as_str());
        let width = ui.available_width();
        let (rect, resp) = ui.allocate_exact_size(egui::vec2(width, 18.0), egui::Sense::click());
        let label = format!("{} = {}", field, v.value);
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, label.clone()));
        if ui.is_rect_visible(rect) {
            let painter = ui.painter();
            let frac = v.count as f32 / max as f32;
            let mut bar = rect;
            bar.set_width(rect.width() * frac);
            painter.rect_filled(bar, 2.0, pal.selection_fill());
            if resp.hovered() {
                painter.rect_stroke(
                    rect,
                    2.0,
                    ui.visuals().widgets.hovered.bg_stroke,
                    egui::StrokeKind::Inside,
                );
            }
            let text_color = if excluded {
                pal.muted()
            } else if included {
                pal.json_key()
            } else {
                ui.visuals().text_color()
            };
            let shown = if v.value.is_empty() {
                "(empty)"
            } else {
                v.value.as_str()
            };
            let prefix = if included {
                "✔ "
            } else if excluded {
                "✖ "
            } else {
                ""
            };
            let font = egui::TextStyle::Body.resolve(ui.style());
            let count = thousands(v.count);
            let count_galley = painter.layout_no_wrap(count, font.clone(), pal.muted());
            let avail = rect.width() - count_galley.size().x - 12.0;
            let galley =
                painter.layout(format!("{prefix}{shown}"), font, text_color, f32::INFINITY);
            let clip =
                egui::Rect::from_min_size(rect.min, egui::vec2(avail.max(10.0), rect.height()));
            painter.with_clip_rect(clip).galley(
                egui::pos2(rect.min.x + 4.0, rect.center().y - galley.size().y / 2.0),
                galley,
                text_color,
            );
            painter.galley(
                egui::pos2(
                    rect.max.x - count_galley.size().x - 4.0,
                    rect.center().y - count_galley.size().y / 2.0,
                ),
                count_galley,
                pal.muted(),
            );
        }
        let resp = resp.on_hover_text(format!(
            "{} = {}\n{} events\nclick: filter to it · Shift+click: exclude it",
            field,
            v.value,
            thousands(v.count)
        ));
        if resp.clicked() {
            let shift = ui.input(|i| i.modifiers.shift);
            actions.push(Action::Pivot {
                field: field.to_owned(),
                value: v.value.clone(),
                exclude: shift,
            });
        }
        resp.context_menu(|ui| crate::gui::panels::table::pivot_menu(ui, field, &v.value, actions));
    }
    if facet.distinct > facet.top.len() {
        ui.weak(format!(
            "… and {} more values",
            thousands((facet.distinct - facet.top.len()) as u64)
        ));
    }
}
