//! The event table: virtual rows (only visible rows are built), click a
//! header to sort, row colours by outcome, click / Ctrl / Shift to select,
//! right-click a cell to pivot or tag; marks show at the start of a row.

use egui_extras::{Column as TableColumn, TableBuilder};

use crate::gui::actions::Action;
use crate::gui::settings::Settings;
use crate::gui::theme::Palette;
pub use crate::gui::widgets::pivots::{event_menu, pivot_menu};
use trailview_core::model::Direction;
use trailview_core::model::{Column, ColumnSpec};
use trailview_core::store::Store;
use trailview_session::Session;
use trailview_session::cells::{cell_text, path_value};
use trailview_session::outcome::outcome;

const ROW_HEIGHT: f32 = 20.0;

fn initial_width(spec: &ColumnSpec, local: bool) -> f32 {
    match spec {
        ColumnSpec::Column(Column::Time) => {
            if local {
                190.0
            } else {
                132.0
            }
        }
        ColumnSpec::Column(Column::Region) => 86.0,
        ColumnSpec::Column(Column::Credential | Column::ReadOnly | Column::Mfa) => 100.0,
        ColumnSpec::Column(Column::SourceIp) => 106.0,
        ColumnSpec::Column(Column::ErrorCode) => 106.0,
        ColumnSpec::Column(Column::Account) => 120.0,
        ColumnSpec::Column(Column::Actor) => 140.0,
        ColumnSpec::Column(Column::EventName) => 146.0,
        ColumnSpec::Column(Column::EventId) => 260.0,
        _ => 140.0,
    }
}

/// Where the table scrolls on the next frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scroll {
    /// Where the analyst left it.
    #[default]
    Stay,
    /// To the focused row (it moved, or new rows still hold it).
    ToSelection,
    /// To the first row (new rows for a changed view).
    ToTop,
}

pub fn show(
    ui: &mut egui::Ui,
    store: &Store,
    session: &Session,
    settings: &Settings,
    scroll: Scroll,
    actions: &mut Vec<Action>,
) {
    let columns = &session.view().columns;
    if session.rows().is_empty() {
        ui.centered_and_justified(|ui| {
            if session.is_loading() || session.store_len() == 0 {
                ui.weak("Loading events…");
            } else {
                ui.label("No events match the filter. Clear the query or the time range to see all events.");
            }
        });
        return;
    }
    egui::ScrollArea::horizontal()
        .id_salt("events_h")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            build(ui, store, session, settings, columns, scroll, actions);
        });
}

fn build(
    ui: &mut egui::Ui,
    store: &Store,
    session: &Session,
    settings: &Settings,
    columns: &[ColumnSpec],
    scroll: Scroll,
    actions: &mut Vec<Action>,
) {
    let pal = Palette::of(ui);
    let rows = session.rows().clone();
    let outer_clip = ui.clip_rect();
    let mut table = TableBuilder::new(ui)
        .id_salt("events")
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .min_scrolled_height(0.0)
        .animate_scrolling(false);
    for (n, spec) in columns.iter().enumerate() {
        let col = if n + 1 == columns.len() {
            TableColumn::remainder().at_least(140.0).clip(true)
        } else {
            let room = if n == 0 {
                crate::gui::widgets::marks_table::MARKER_ROOM
            } else {
                0.0
            };
            TableColumn::initial(initial_width(spec, settings.local_time) + room)
                .at_least(40.0)
                .clip(true)
        };
        table = table.column(col);
    }
    match (scroll, session.selection().focus_pos) {
        (Scroll::ToSelection, Some(pos)) => table = table.scroll_to_row(pos, None),
        (Scroll::ToTop, _) => table = table.scroll_to_row(0, Some(egui::Align::TOP)),
        _ => {}
    }
    let needs_json = columns.iter().any(|c| matches!(c, ColumnSpec::Path(_)));
    let ann = session.annotations(store);
    table
        .header(24.0, |mut header| {
            for spec in columns {
                header.col(|ui| header_cell(ui, spec, session, actions));
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, rows.len(), |mut row| {
                let pos = row.index();
                let idx = rows[pos];
                row.set_selected(session.selection().marked.contains(&idx));
                let o = outcome(store, idx);
                let tint = pal.row_tint(o);
                let json = if needs_json { store.json(idx) } else { None };
                for (n, spec) in columns.iter().enumerate() {
                    let text = match (spec, &json) {
                        (ColumnSpec::Path(p), Some(j)) => path_value(j, p),
                        _ => cell_text(store, &ann, idx, spec, settings.local_time),
                    };
                    let (_, resp) = row.col(|ui| {
                        if let Some(t) = tint {
                            let gap = ui.spacing().item_spacing;
                            let r = ui
                                .max_rect()
                                .expand2(egui::vec2(gap.x / 2.0 + 0.5, gap.y / 2.0 + 0.5));
                            ui.painter()
                                .with_clip_rect(r.intersect(outer_clip))
                                .rect_filled(r, 0.0, t);
                        }
                        let mut rt = egui::RichText::new(&text);
                        if matches!(
                            spec,
                            ColumnSpec::Column(Column::EventName | Column::ErrorCode)
                        ) && let Some(c) = pal.outcome_text(o)
                        {
                            rt = rt.color(c);
                        }
                        if n == 0 {
                            crate::gui::widgets::marks_table::marker(ui, session.case(), idx);
                        }
                        ui.add(egui::Label::new(rt).truncate().selectable(false));
                    });
                    if resp.secondary_clicked() && !session.selection().marked.contains(&idx) {
                        // The menu acts on the row under the pointer: select it.
                        actions.push(Action::ClickRow {
                            pos,
                            ctrl: false,
                            shift: false,
                        });
                    }
                    resp.context_menu(|ui| {
                        crate::gui::widgets::marks_table::row_menu(ui, session, idx, actions);
                        pivot_menu(ui, spec.name(), &text, actions);
                        event_menu(ui, store, idx, actions);
                    });
                }
                let resp = row.response();
                if resp.clicked() {
                    let m = resp.ctx.input(|i| i.modifiers);
                    actions.push(Action::ClickRow {
                        pos,
                        ctrl: m.command,
                        shift: m.shift,
                    });
                }
                if resp.double_clicked() {
                    actions.push(Action::ShowDetail);
                }
            });
        });
}

fn header_cell(ui: &mut egui::Ui, spec: &ColumnSpec, session: &Session, actions: &mut Vec<Action>) {
    let (title, hover, text) = match spec {
        ColumnSpec::Column(Column::Time) => ("Time", spec.name(), egui::RichText::new("Time")),
        ColumnSpec::Column(c) => (c.title(), c.name(), egui::RichText::new(c.title())),
        ColumnSpec::Mark(m) => (m.title(), m.name(), egui::RichText::new(m.title())),
        ColumnSpec::Path(p) => (p.as_str(), "JSON path", egui::RichText::new(p).italics()),
    };
    let resp = ui
        .add(egui::Button::new(text.strong()).frame(false))
        .on_hover_text(format!("{hover} — click to sort, click again to reverse"));
    if resp.clicked() {
        actions.push(Action::SortBy(spec.clone()));
    }
    if session.applied_view().sort.column == *spec {
        let arrow = match session.applied_view().sort.direction {
            Direction::Ascending => "⏶",
            Direction::Descending => "⏷",
        };
        ui.label(egui::RichText::new(arrow).strong())
            .on_hover_text(format!("sorted by {title}"));
    }
}
