//! The event table: virtual rows (only visible rows are built), click a
//! header to sort, row colours by outcome, click / Ctrl / Shift to select,
//! right-click a cell to pivot or tag; marks show at the start of a row.

use egui_extras::{Column as TableColumn, TableBuilder};

use crate::gui::actions::Action;
use crate::gui::settings::Settings;
use crate::gui::theme::Palette;
pub use crate::gui::widgets::pivots::{event_menu, pivot_menu};
use trailview_core::model::Direction;
use trailview_core::model::{Column, ColumnSpec, Mark};
use trailview_core::query::Annotations;
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
    let mut frozen = Frozen::default();
    let out = egui::ScrollArea::horizontal()
        .id_salt("events_h")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let t = Table {
                store,
                session,
                settings,
                columns,
            };
            build(ui, &t, scroll, &mut frozen, actions);
        });
    if out.state.clamped_offset().x > 0.5 {
        frozen.show(ui, out.inner_rect, store, session, actions);
    }
}

/// The first column's cells as drawn this frame, to draw them again over
/// the table's left edge once it is scrolled sideways (the time stays in
/// view whatever column the analyst reads).
#[derive(Default)]
struct Frozen {
    header: Option<(egui::Rect, String)>,
    /// The first column's field name, for the row menu's pivots.
    field: String,
    cells: Vec<FrozenCell>,
}

struct FrozenCell {
    /// Where the cell was drawn (scrolled off to the left).
    rect: egui::Rect,
    pos: usize,
    idx: trailview_core::model::EventIdx,
    /// The cell's text, and as drawn.
    value: String,
    text: egui::RichText,
    tint: Option<egui::Color32>,
    selected: bool,
}

impl Frozen {
    fn show(
        &self,
        ui: &mut egui::Ui,
        area: egui::Rect,
        store: &Store,
        session: &Session,
        actions: &mut Vec<Action>,
    ) {
        let Some((head, title)) = &self.header else {
            return;
        };
        // The header's rect comes back clipped to what is in view; a body
        // cell's layout rect has the column's full width.
        let width = self
            .cells
            .first()
            .map_or(head.width(), |c| c.rect.width())
            .min(area.width() / 2.0);
        let visuals = ui.visuals().clone();
        let left = area.left();
        let strip = egui::Rect::from_x_y_ranges(left..=left + width, area.y_range());
        let body = egui::Rect::from_x_y_ranges(strip.x_range(), head.bottom()..=area.bottom());
        let painter = ui.painter_at(strip);
        let head_rect = egui::Rect::from_x_y_ranges(strip.x_range(), head.y_range());
        painter.rect_filled(head_rect.intersect(strip), 0.0, visuals.panel_fill);
        let mut head_ui = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(head_rect.shrink2(egui::vec2(4.0, 0.0)))
                .layout(egui::Layout::left_to_right(egui::Align::Center)),
        );
        head_ui.set_clip_rect(head_rect.intersect(strip));
        head_ui
            .label(egui::RichText::new(title).strong())
            .on_hover_text("This column stays in view when the table scrolls sideways");
        for c in &self.cells {
            let rect = egui::Rect::from_x_y_ranges(strip.x_range(), c.rect.y_range());
            let clip = rect.intersect(body);
            if clip.height() <= 0.0 {
                continue;
            }
            let fill = if c.selected {
                visuals.selection.bg_fill
            } else if c.pos % 2 == 1 {
                visuals.faint_bg_color
            } else {
                visuals.panel_fill
            };
            // Cover the scrolled cells beneath, gaps included.
            let cover = rect.expand2(egui::vec2(0.0, ui.spacing().item_spacing.y / 2.0 + 0.5));
            let p = ui.painter().with_clip_rect(cover.intersect(body));
            p.rect_filled(cover, 0.0, visuals.panel_fill);
            p.rect_filled(cover, 0.0, fill);
            if let Some(t) = c.tint {
                p.rect_filled(cover, 0.0, t);
            }
            let mut cell = ui.new_child(
                egui::UiBuilder::new()
                    .max_rect(rect.shrink2(egui::vec2(4.0, 0.0)))
                    .layout(egui::Layout::left_to_right(egui::Align::Center)),
            );
            cell.set_clip_rect(clip);
            crate::gui::widgets::marks_table::marker(&mut cell, session.case(), c.idx);
            cell.add(
                egui::Label::new(c.text.clone())
                    .truncate()
                    .selectable(false),
            );
            let resp = ui.interact(
                clip,
                egui::Id::unique(("events_frozen_row", c.pos)),
                egui::Sense::click(),
            );
            let row = RowAt {
                pos: c.pos,
                idx: c.idx,
            };
            row.clicks(&resp, actions);
            row.menu(&resp, (&self.field, &c.value), store, session, actions);
        }
        let edge = visuals.widgets.noninteractive.bg_stroke;
        painter.vline(strip.right(), strip.y_range(), edge);
    }
}

/// A row of the table, wherever it is drawn (the scrolling body or the
/// frozen first column): both answer clicks and the menu the same way.
#[derive(Clone, Copy)]
struct RowAt {
    pos: usize,
    idx: trailview_core::model::EventIdx,
}

impl RowAt {
    /// A click selects the row (Ctrl adds, Shift extends); a double click
    /// opens the detail.
    fn clicks(self, resp: &egui::Response, actions: &mut Vec<Action>) {
        if resp.clicked() {
            let m = resp.ctx.input(|i| i.modifiers);
            actions.push(Action::ClickRow {
                pos: self.pos,
                ctrl: m.command,
                shift: m.shift,
            });
        }
        if resp.double_clicked() {
            actions.push(Action::ShowDetail);
        }
    }

    /// Right-click on the cell showing `(field, value)`: the row is
    /// selected unless it already is (the menu acts on the selection),
    /// then marks, pivots on the value and the event's own actions.
    fn menu(
        self,
        resp: &egui::Response,
        (field, value): (&str, &str),
        store: &Store,
        session: &Session,
        actions: &mut Vec<Action>,
    ) {
        if resp.secondary_clicked() && !session.selection().marked.contains(&self.idx) {
            actions.push(Action::ClickRow {
                pos: self.pos,
                ctrl: false,
                shift: false,
            });
        }
        resp.context_menu(|ui| {
            crate::gui::widgets::marks_table::row_menu(ui, session, self.idx, actions);
            pivot_menu(ui, field, value, actions);
            event_menu(ui, store, self.idx, actions);
        });
    }
}

/// What a frame of the table reads.
struct Table<'a> {
    store: &'a Store,
    session: &'a Session,
    settings: &'a Settings,
    columns: &'a [ColumnSpec],
}

fn build(
    ui: &mut egui::Ui,
    t: &Table,
    scroll: Scroll,
    frozen: &mut Frozen,
    actions: &mut Vec<Action>,
) {
    let Table {
        store,
        session,
        settings,
        columns,
    } = *t;
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
            for (n, spec) in columns.iter().enumerate() {
                let (rect, _) = header.col(|ui| header_cell(ui, spec, session, actions));
                if n == 0 {
                    frozen.header = Some((rect, column_title(spec).to_owned()));
                    frozen.field = spec.name().to_owned();
                }
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
                        if matches!(spec, ColumnSpec::Mark(Mark::Detections)) {
                            detection_badge(ui, &ann, idx);
                        }
                        if n == 0 {
                            crate::gui::widgets::marks_table::marker(ui, session.case(), idx);
                            frozen.cells.push(FrozenCell {
                                rect: ui.max_rect(),
                                pos,
                                idx,
                                value: text.clone(),
                                text: rt.clone(),
                                tint,
                                selected: session.selection().marked.contains(&idx),
                            });
                        }
                        ui.add(egui::Label::new(rt).truncate().selectable(false));
                    });
                    RowAt { pos, idx }.menu(&resp, (spec.name(), &text), store, session, actions);
                }
                RowAt { pos, idx }.clicks(&row.response(), actions);
            });
        });
}

/// The highest level an event's rules have, as a coloured badge with the
/// number of rules ("HIGH 2"), before their titles.
fn detection_badge(ui: &mut egui::Ui, ann: &dyn Annotations, idx: trailview_core::model::EventIdx) {
    let rules = ann.rules(idx);
    let Some(level) = rules.iter().map(|r| r.level).max() else {
        return;
    };
    let level = trailview_core::sigma::Level::from_index(level);
    let name = level.as_str().to_uppercase();
    let text = if rules.len() > 1 {
        format!("{name} {}", rules.len())
    } else {
        name
    };
    egui::Frame::new()
        .fill(crate::gui::windows::detections::level_color(level))
        .corner_radius(3.0)
        .inner_margin(egui::Margin::symmetric(4, 0))
        .show(ui, |ui| {
            ui.label(
                egui::RichText::new(text)
                    .small()
                    .strong()
                    .color(egui::Color32::WHITE),
            );
        })
        .response
        .on_hover_text("Highest level of the rules this event matched, and how many rules");
}

fn column_title(spec: &ColumnSpec) -> &str {
    match spec {
        ColumnSpec::Column(c) => c.title(),
        ColumnSpec::Mark(m) => m.title(),
        ColumnSpec::Path(p) => p.as_str(),
    }
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
