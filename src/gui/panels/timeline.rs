//! The per-user timeline: one lane per actor (or role, or access key) with
//! its name, event count, errors, distinct source IPs and first and last
//! event, and a track showing where its activity is heavy or light (bar
//! height by events per bin, writes and errors coloured on top, access-key
//! sessions as thin bars underneath).
//!
//! The track has its own time window, shared with the histogram: Ctrl +
//! wheel zooms around the pointer, Shift + wheel (or a sideways wheel)
//! pans, a drag zooms to the dragged range, Shift + drag sets the time
//! filter instead, double-click or "Back" zooms out one step. Click a lane's
//! name to filter to it, right-click for pins and pivots; pinned lanes stay
//! on top so chosen actors can be compared side by side. Hover a bin for
//! its counts (or its event), click it to select its first event.

use std::collections::BTreeSet;

use crate::gui::actions::Action;
use crate::gui::panels::time_window::{TimeWindow, axis_label, zone_name};
use crate::gui::settings::Settings;
use crate::gui::theme::Palette;
use trailview_core::model::Column;
use trailview_core::store::Store;
use trailview_core::timefmt;
use trailview_session::Session;
use trailview_session::detection_summary::MAX_LANE_HITS;
use trailview_session::fmt::thousands;
use trailview_session::outcome::Outcome;
use trailview_session::summary::{BinCounts, Lane, LaneGrouping, Timeline};

const LANE_H: f32 = 20.0;
/// Width of the pin, count, error, IP and first/last columns.
const PIN_W: f32 = 18.0;
const COUNT_W: f32 = 62.0;
const ERR_W: f32 = 44.0;
const IPS_W: f32 = 34.0;
const SEEN_W: f32 = 82.0;
/// Pixels per detection mark.
const HIT_PX: f32 = 7.0;
/// Pixels per density bin.
const BIN_PX: f32 = 3.0;

/// What lanes are sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LaneSort {
    #[default]
    Events,
    Errors,
    Ips,
    FirstSeen,
    LastSeen,
    Name,
}

impl LaneSort {
    fn header(self) -> &'static str {
        match self {
            LaneSort::Events => "Events",
            LaneSort::Errors => "Errors",
            LaneSort::Ips => "IPs",
            LaneSort::FirstSeen => "First seen",
            LaneSort::LastSeen => "Last seen",
            LaneSort::Name => "Lane",
        }
    }

    /// The natural direction: busiest, earliest, A first.
    fn descending_by_default(self) -> bool {
        matches!(self, LaneSort::Events | LaneSort::Errors | LaneSort::Ips)
    }
}

/// The timeline's own state (the window is shared with the histogram and
/// passed in).
#[derive(Default)]
pub struct TimelineView {
    sort: LaneSort,
    /// Reversed from the sort's natural direction.
    reversed: bool,
    /// Pinned lane names, in pin order; shown first.
    pinned: Vec<String>,
    /// Only pinned lanes are shown (compare mode).
    pinned_only: bool,
    /// A drag across the tracks: start and current x, in points.
    drag: Option<(f32, f32)>,
    /// Lane order, cached until the summary, sort or pins change.
    order: Option<(OrderKey, Vec<usize>)>,
}

#[derive(PartialEq)]
struct OrderKey {
    summary: usize,
    sort: LaneSort,
    reversed: bool,
    pinned: Vec<String>,
    pinned_only: bool,
}

/// The geometry of one frame: where the columns and the track are.
#[derive(Clone, Copy)]
struct Columns {
    name: f32,
    track_x: f32,
    window: (i64, i64),
}

impl Columns {
    fn track(&self, row: egui::Rect) -> egui::Rect {
        egui::Rect::from_min_max(egui::pos2(self.track_x, row.min.y), row.max)
    }

    fn x_of(&self, track: egui::Rect, t: i64) -> f32 {
        let (a, b) = self.window;
        track.min.x + ((t - a) as f64 / (b - a).max(1) as f64) as f32 * track.width()
    }

    fn t_of(&self, track: egui::Rect, x: f32) -> i64 {
        let (a, b) = self.window;
        let f = f64::from((x - track.min.x) / track.width().max(1.0));
        a + ((b - a) as f64 * f) as i64
    }
}

impl TimelineView {
    pub fn pinned(&self) -> &[String] {
        &self.pinned
    }

    fn toggle_pin(&mut self, name: &str) {
        if let Some(i) = self.pinned.iter().position(|p| p == name) {
            self.pinned.remove(i);
        } else {
            self.pinned.push(name.to_owned());
        }
    }

    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        store: &Store,
        session: &Session,
        settings: &mut Settings,
        window: &mut TimeWindow,
        actions: &mut Vec<Action>,
    ) {
        let pal = Palette::of(ui);
        ui.add_space(2.0);
        let summary = session.summary().cloned();
        self.header(
            ui,
            settings,
            window,
            summary.as_deref().map(|s| &s.timeline),
            actions,
        );
        let Some(summary) = summary else {
            crate::gui::widgets::busy::spinner(ui, "Building the timeline");
            return;
        };
        let tl = &summary.timeline;
        if tl.lanes.is_empty() {
            ui.weak("No events with a time to show.");
            return;
        }
        let order = self.lane_order(tl, std::sync::Arc::as_ptr(&summary) as usize);
        let full = ui.available_width();
        let name_w = settings.timeline_name_w.clamp(80.0, (full * 0.5).max(80.0));
        let stats_w = PIN_W + name_w + COUNT_W + ERR_W + IPS_W + 2.0 * SEEN_W;
        let cols = Columns {
            name: name_w,
            track_x: ui.cursor().min.x + stats_w + 8.0,
            window: window.resolve(tl.start, tl.end),
        };
        if let Some(w) = self.column_headers(ui, cols, settings.local_time, pal) {
            settings.timeline_name_w = w;
        }
        let grouping = tl.grouping;
        let pinned: BTreeSet<&str> = self.pinned.iter().map(String::as_str).collect();
        let mut toggle_pin = None;
        let mut track_rects: Vec<egui::Rect> = Vec::new();
        let scroll = egui::ScrollArea::vertical()
            .id_salt("timeline_lanes")
            .auto_shrink([false, false])
            .show_rows(ui, LANE_H, order.len(), |ui, range| {
                let shown: Vec<&Lane> =
                    order[range.clone()].iter().map(|&i| &tl.lanes[i]).collect();
                let track_w = (ui.available_width() - (cols.track_x - ui.cursor().min.x)).max(10.0);
                let bins = ((track_w / BIN_PX) as usize).max(1);
                let densities: Vec<Vec<BinCounts>> = shown
                    .iter()
                    .map(|l| l.density(cols.window.0, cols.window.1, bins))
                    .collect();
                let peak = densities
                    .iter()
                    .flat_map(|d| d.iter().map(|b| b.all))
                    .max()
                    .unwrap_or(1)
                    .max(1);
                for (n, (lane, density)) in shown.iter().zip(&densities).enumerate() {
                    let row_no = range.start + n;
                    let hits = summary
                        .detections
                        .as_ref()
                        .and_then(|d| d.lanes.get(order[row_no]))
                        .map_or(&[][..], Vec::as_slice);
                    let is_pinned = pinned.contains(lane.name.as_str());
                    let drawn = LaneRow {
                        lane,
                        density,
                        hits,
                        peak,
                        cols,
                        grouping,
                        pinned: is_pinned,
                        striped: row_no % 2 == 1,
                        last_pinned: is_pinned
                            && order
                                .get(row_no + 1)
                                .is_none_or(|&i| !pinned.contains(tl.lanes[i].name.as_str())),
                    }
                    .show(ui, store, settings, pal, actions);
                    if drawn.toggle_pin {
                        toggle_pin = Some(lane.name.clone());
                    }
                    track_rects.push(drawn.track);
                }
            });
        if let Some(name) = toggle_pin {
            self.toggle_pin(&name);
        }
        let tracks = track_rects
            .iter()
            .copied()
            .reduce(|a, b| a.union(b))
            .map(|r| r.intersect(scroll.inner_rect));
        if let Some(tracks) = tracks {
            self.gestures(ui, tracks, cols, window, actions, pal);
        }
    }

    fn header(
        &mut self,
        ui: &mut egui::Ui,
        settings: &Settings,
        window: &mut TimeWindow,
        tl: Option<&Timeline>,
        actions: &mut Vec<Action>,
    ) {
        let pal = Palette::of(ui);
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new("Timeline").strong());
            ui.label("lanes by");
            let mut g = settings.lane_grouping;
            for opt in LaneGrouping::ALL {
                ui.selectable_value(&mut g, opt, opt.label());
            }
            if g != settings.lane_grouping {
                actions.push(Action::SetGrouping(g));
            }
            ui.separator();
            let pins = self.pinned.len();
            ui.add_enabled_ui(pins > 0 || self.pinned_only, |ui| {
                ui.checkbox(&mut self.pinned_only, format!("Pinned only ({pins})"))
                    .on_hover_text(
                        "Compare the pinned lanes side by side (right-click a lane to pin it)",
                    );
            });
            ui.separator();
            if ui
                .add_enabled(window.can_go_back(), egui::Button::new("◀ Back"))
                .on_hover_text("Zoom out one step (or double-click the lanes)")
                .clicked()
            {
                window.back();
            }
            if ui
                .add_enabled(window.range().is_some(), egui::Button::new("Whole span"))
                .clicked()
            {
                window.reset();
            }
            if let Some((a, b)) = window.range()
                && ui
                    .button("Filter to window")
                    .on_hover_text("Set the time filter to the zoomed window")
                    .clicked()
            {
                actions.push(Action::SetTimeRange(Some((a, b))));
            }
            ui.separator();
            for o in [Outcome::Read, Outcome::Write, Outcome::Error] {
                ui.colored_label(pal.outcome(o), format!("■ {}", o.label()));
            }
            // No lanes (no event with a time): no span to name.
            if let Some(tl) = tl.filter(|tl| !tl.lanes.is_empty()) {
                if tl.distinct > tl.lanes.len() {
                    ui.weak(format!(
                        "top {} of {} lanes",
                        tl.lanes.len(),
                        thousands(tl.distinct as u64)
                    ));
                }
                let (a, b) = window.resolve(tl.start, tl.end);
                ui.weak(format!(
                    "{} — {} {}",
                    timefmt::format_shown(a, settings.local_time),
                    timefmt::format_shown(b, settings.local_time),
                    zone_name(settings.local_time)
                ))
                .on_hover_text(
                    "Ctrl+wheel: zoom · Shift+wheel: pan · drag: zoom to range · \
                     Shift+drag: time filter · double-click: back",
                );
            }
        });
    }

    /// The header row: sortable column titles, a handle to resize the name
    /// column, and the time axis over the tracks. Returns a new name width
    /// while the handle is dragged.
    fn column_headers(
        &mut self,
        ui: &mut egui::Ui,
        cols: Columns,
        local: bool,
        pal: Palette,
    ) -> Option<f32> {
        let (rect, _) =
            ui.allocate_exact_size(egui::vec2(ui.available_width(), 18.0), egui::Sense::hover());
        let mut x = rect.min.x + PIN_W;
        let mut resized = None;
        let columns = [
            (LaneSort::Name, cols.name),
            (LaneSort::Events, COUNT_W),
            (LaneSort::Errors, ERR_W),
            (LaneSort::Ips, IPS_W),
            (LaneSort::FirstSeen, SEEN_W),
            (LaneSort::LastSeen, SEEN_W),
        ];
        for (sort, w) in columns {
            let cell = egui::Rect::from_min_size(egui::pos2(x, rect.min.y), egui::vec2(w, 18.0));
            let arrow = if self.sort == sort {
                if self.reversed != sort.descending_by_default() {
                    " ⏷"
                } else {
                    " ⏶"
                }
            } else {
                ""
            };
            let resp = ui.put(
                cell,
                egui::Button::new(egui::RichText::new(format!("{}{arrow}", sort.header())).small())
                    .frame(false),
            );
            if resp
                .on_hover_text(format!("Sort lanes by {}", sort.header().to_lowercase()))
                .clicked()
            {
                if self.sort == sort {
                    self.reversed = !self.reversed;
                } else {
                    self.sort = sort;
                    self.reversed = false;
                }
            }
            if sort == LaneSort::Name {
                let handle = egui::Rect::from_min_max(
                    egui::pos2(x + w - 3.0, rect.min.y),
                    egui::pos2(x + w + 3.0, rect.max.y),
                );
                let h = ui
                    .interact(
                        handle,
                        egui::Id::unique("timeline_lane_name_resize"),
                        egui::Sense::drag(),
                    )
                    .on_hover_cursor(egui::CursorIcon::ResizeHorizontal);
                if h.dragged() {
                    resized = Some(w + h.drag_delta().x);
                }
                ui.painter()
                    .vline(x + w, rect.y_range(), egui::Stroke::new(1.0, pal.muted()));
            }
            x += w;
        }
        let track = egui::Rect::from_min_max(egui::pos2(cols.track_x, rect.min.y), rect.max);
        let (a, b) = cols.window;
        let ticks = ((track.width() / 150.0).floor() as i64).clamp(1, 10);
        let step = (b - a) / ticks;
        for i in 0..=ticks {
            let t = a + step * i;
            let x = cols.x_of(track, t);
            let align = if i == 0 {
                egui::Align2::LEFT_CENTER
            } else if i == ticks {
                egui::Align2::RIGHT_CENTER
            } else {
                egui::Align2::CENTER_CENTER
            };
            ui.painter().text(
                egui::pos2(x, rect.center().y),
                align,
                axis_label(t, step, local),
                egui::FontId::proportional(11.0),
                pal.muted(),
            );
        }
        resized
    }

    /// The lanes in display order: pinned first (in pin order), then the
    /// rest by the chosen sort.
    fn lane_order(&mut self, tl: &Timeline, summary: usize) -> Vec<usize> {
        let key = OrderKey {
            summary,
            sort: self.sort,
            reversed: self.reversed,
            pinned: self.pinned.clone(),
            pinned_only: self.pinned_only,
        };
        if let Some((k, order)) = &self.order
            && *k == key
        {
            return order.clone();
        }
        let mut rest: Vec<usize> = (0..tl.lanes.len())
            .filter(|&i| !self.pinned.contains(&tl.lanes[i].name))
            .collect();
        let lanes = &tl.lanes;
        let by = |a: &usize, b: &usize| {
            let (x, y) = (&lanes[*a], &lanes[*b]);
            let natural = match self.sort {
                LaneSort::Events => y.total.cmp(&x.total),
                LaneSort::Errors => y.errors.cmp(&x.errors),
                LaneSort::Ips => y.ips.cmp(&x.ips),
                LaneSort::FirstSeen => x.first().cmp(&y.first()),
                LaneSort::LastSeen => y.last().cmp(&x.last()),
                LaneSort::Name => x.name.to_lowercase().cmp(&y.name.to_lowercase()),
            };
            let natural = if self.reversed {
                natural.reverse()
            } else {
                natural
            };
            natural.then_with(|| x.name.cmp(&y.name))
        };
        rest.sort_by(by);
        let mut order: Vec<usize> = self
            .pinned
            .iter()
            .filter_map(|p| lanes.iter().position(|l| &l.name == p))
            .collect();
        if !self.pinned_only || self.pinned.is_empty() {
            order.extend(rest);
        }
        self.order = Some((key, order.clone()));
        order
    }

    /// Zoom, pan and range drags over the tracks.
    fn gestures(
        &mut self,
        ui: &mut egui::Ui,
        tracks: egui::Rect,
        cols: Columns,
        window: &mut TimeWindow,
        actions: &mut Vec<Action>,
        pal: Palette,
    ) {
        let resp = ui.interact(
            tracks,
            egui::Id::unique("timeline_tracks"),
            egui::Sense::click_and_drag(),
        );
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Pane, true, "Timeline tracks"));
        let (zoom, scroll, shift) =
            ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta, i.modifiers.shift));
        let hover = ui
            .input(|i| i.pointer.hover_pos())
            .filter(|p| tracks.contains(*p));
        if let Some(p) = hover {
            if zoom != 1.0 {
                let at = cols.t_of(tracks, p.x);
                window.zoom_around(cols.window, at, 1.0 / f64::from(zoom));
            }
            let sideways = if scroll.x != 0.0 {
                scroll.x
            } else if shift {
                scroll.y
            } else {
                0.0
            };
            if sideways != 0.0 {
                let span = (cols.window.1 - cols.window.0) as f64;
                let delta = -(f64::from(sideways / tracks.width()) * span) as i64;
                window.pan(cols.window, delta);
            }
        }
        if resp.double_clicked() {
            window.back();
        }
        if resp.drag_started_by(egui::PointerButton::Primary)
            && let Some(p) = resp.interact_pointer_pos()
        {
            self.drag = Some((p.x, p.x));
        }
        if let (Some(d), Some(p)) = (&mut self.drag, resp.interact_pointer_pos()) {
            d.1 = p.x.clamp(tracks.min.x, tracks.max.x);
        }
        if let Some((a, b)) = self.drag {
            let sel = egui::Rect::from_x_y_ranges(a.min(b)..=a.max(b), tracks.y_range());
            ui.painter().rect_filled(sel, 0.0, pal.selection_fill());
        }
        if resp.drag_stopped()
            && let Some((a, b)) = self.drag.take()
            && (a - b).abs() >= 4.0
        {
            let (from, to) = (cols.t_of(tracks, a.min(b)), cols.t_of(tracks, a.max(b)));
            if shift {
                actions.push(Action::SetTimeRange(Some((from, to.max(from + 1000)))));
            } else {
                window.zoom_to(from, to);
            }
        }
        if !resp.dragged()
            && !resp.drag_stopped()
            && self.drag.is_some()
            && !resp.is_pointer_button_down_on()
        {
            self.drag = None;
        }
    }
}

/// One lane row, drawn.
struct LaneRow<'a> {
    lane: &'a Lane,
    density: &'a [BinCounts],
    /// Detection hits (time, level) in this lane, in time order.
    hits: &'a [(i64, u8)],
    peak: u32,
    cols: Columns,
    grouping: LaneGrouping,
    pinned: bool,
    striped: bool,
    /// The last pinned lane: a line separates the pins from the rest.
    last_pinned: bool,
}

struct Drawn {
    track: egui::Rect,
    toggle_pin: bool,
}

impl LaneRow<'_> {
    fn show(
        self,
        ui: &mut egui::Ui,
        store: &Store,
        settings: &Settings,
        pal: Palette,
        actions: &mut Vec<Action>,
    ) -> Drawn {
        let lane = self.lane;
        let (row, _) = ui.allocate_exact_size(
            egui::vec2(ui.available_width(), LANE_H),
            egui::Sense::hover(),
        );
        let painter = ui.painter().clone();
        if self.striped {
            painter.rect_filled(row, 0.0, ui.visuals().faint_bg_color);
        }
        let mut toggle_pin = false;
        // Pin.
        let pin_rect = egui::Rect::from_min_size(row.min, egui::vec2(PIN_W, LANE_H));
        let pin = ui.interact(
            pin_rect,
            egui::Id::unique(("timeline_pin", &lane.name)),
            egui::Sense::click(),
        );
        let pin_label = if self.pinned { "Unpin" } else { "Pin" };
        pin.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Button,
                true,
                format!("{pin_label} {}", lane.name),
            )
        });
        painter.text(
            pin_rect.center(),
            egui::Align2::CENTER_CENTER,
            if self.pinned { "★" } else { "☆" },
            egui::FontId::proportional(12.0),
            if self.pinned || pin.hovered() {
                pal.accent()
            } else {
                pal.muted()
            },
        );
        if pin
            .on_hover_text(format!("{pin_label} this lane"))
            .clicked()
        {
            toggle_pin = true;
        }
        // Name: click filters to the lane, right-click for more.
        let name_rect = egui::Rect::from_min_size(
            egui::pos2(row.min.x + PIN_W, row.min.y),
            egui::vec2(self.cols.name - 4.0, LANE_H),
        );
        let name = ui.interact(
            name_rect,
            egui::Id::unique(("timeline_lane", &lane.name)),
            egui::Sense::click(),
        );
        name.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Lane {}", lane.name))
        });
        let name_color = if name.hovered() {
            ui.visuals().strong_text_color()
        } else {
            ui.visuals().text_color()
        };
        painter.with_clip_rect(name_rect).text(
            egui::pos2(name_rect.min.x + 2.0, name_rect.center().y),
            egui::Align2::LEFT_CENTER,
            &lane.name,
            egui::FontId::proportional(13.0),
            name_color,
        );
        let field = self.grouping.column().name();
        if name.clicked() {
            actions.push(Action::Pivot {
                field: field.to_owned(),
                value: lane.name.clone(),
                exclude: false,
            });
        }
        let name = name.on_hover_ui(|ui| lane_tooltip(ui, lane, self.hits, settings));
        name.context_menu(|ui| {
            if ui.button(format!("{pin_label} lane")).clicked() {
                toggle_pin = true;
                ui.close();
            }
            crate::gui::panels::table::pivot_menu(ui, field, &lane.name, actions);
        });
        // Figures.
        let mut x = name_rect.max.x + 4.0;
        let local = settings.local_time;
        let figures = [
            (COUNT_W, thousands(lane.total), ui.visuals().text_color()),
            (
                ERR_W,
                if lane.errors == 0 {
                    "·".to_owned()
                } else {
                    thousands(lane.errors)
                },
                if lane.errors == 0 {
                    pal.muted()
                } else {
                    pal.error()
                },
            ),
            (IPS_W, lane.ips.to_string(), pal.muted()),
            (SEEN_W, short_time(lane.first(), local), pal.muted()),
            (SEEN_W, short_time(lane.last(), local), pal.muted()),
        ];
        for (w, text, color) in figures {
            painter.text(
                egui::pos2(x + w - 6.0, row.center().y),
                egui::Align2::RIGHT_CENTER,
                text,
                egui::FontId::monospace(11.0),
                color,
            );
            x += w;
        }
        // Track.
        let track = self.cols.track(row);
        painter.vline(
            track.min.x - 1.0,
            row.y_range(),
            egui::Stroke::new(1.0, pal.muted()),
        );
        let track_painter = painter.with_clip_rect(track);
        self.draw_sessions(&track_painter, track, pal);
        self.draw_density(&track_painter, track, pal);
        self.draw_hits(&track_painter, track);
        if self.last_pinned {
            painter.hline(
                row.x_range(),
                row.max.y,
                egui::Stroke::new(1.0, pal.accent()),
            );
        }
        // Hover and click on a bin.
        if let Some(p) = ui.input(|i| i.pointer.hover_pos())
            && track.contains(p)
            && ui.rect_contains_pointer(track)
        {
            let bins = self.density.len().max(1);
            let bin = (((p.x - track.min.x) / track.width()) * bins as f32) as usize;
            let (a, b) = self.cols.window;
            let edge = |k: usize| a + ((b - a) as i128 * k as i128 / bins as i128) as i64;
            // A mark a few pixels wide is easy to hit: look one bin around.
            let (from, to) = (edge(bin.saturating_sub(1)), edge((bin + 2).min(bins)));
            let counts = lane.counts(from, to);
            if let Some(first) = lane.first_in(from, to) {
                let clicked = ui.input(|i| i.pointer.primary_clicked() && !i.modifiers.shift);
                if clicked {
                    actions.push(Action::FocusEvent(first));
                }
                egui::Tooltip::always_open(
                    ui.ctx().clone(),
                    ui.layer_id(),
                    egui::Id::unique("timeline_lane_tip"),
                    egui::PopupAnchor::Pointer,
                )
                .show(|ui| {
                    let lo = self.hits.partition_point(|h| h.0 < from);
                    let hi = self.hits.partition_point(|h| h.0 < to);
                    let bin = Bin {
                        first,
                        counts,
                        span: (from, to),
                        hits: self.hits.get(lo..hi).unwrap_or_default(),
                    };
                    bin_tooltip(ui, store, lane, &bin, settings);
                });
            }
        }
        Drawn { track, toggle_pin }
    }

    fn draw_density(&self, painter: &egui::Painter, track: egui::Rect, pal: Palette) {
        let bins = self.density.len().max(1);
        let bw = track.width() / bins as f32;
        let full = LANE_H - 6.0;
        let scale = (1.0 + self.peak as f32).ln();
        let base = track.max.y - 3.0;
        for (k, c) in self.density.iter().enumerate() {
            if c.all == 0 {
                continue;
            }
            // Log scale: one event is visible beside a million.
            let h = (full * (1.0 + c.all as f32).ln() / scale).max(3.0);
            let x0 = track.min.x + k as f32 * bw;
            let w = bw.max(1.0) - if bw > 2.0 { 0.5 } else { 0.0 };
            let bar = |from: f32, to: f32, color| {
                painter.rect_filled(
                    egui::Rect::from_min_max(
                        egui::pos2(x0, base - to),
                        egui::pos2(x0 + w, base - from),
                    ),
                    0.0,
                    color,
                );
            };
            let share = |n: u32| h * n as f32 / c.all as f32;
            let (we, ee) = (share(c.write), share(c.error));
            // Errors never vanish into a busy bin: at least 2 points.
            let ee = if c.error > 0 { ee.max(2.0).min(h) } else { 0.0 };
            let we = if c.write > 0 {
                we.max(1.0).min(h - ee)
            } else {
                0.0
            };
            let read = h - we - ee;
            bar(0.0, read, pal.outcome(Outcome::Read));
            bar(read, read + we, pal.outcome(Outcome::Write));
            bar(read + we, h, pal.outcome(Outcome::Error));
        }
    }

    /// A small ▼ at the top of the track over each stretch holding
    /// detection hits, in the colour of the highest level there (as on the
    /// histogram).
    fn draw_hits(&self, painter: &egui::Painter, track: egui::Rect) {
        let (a, b) = self.cols.window;
        let from = self.hits.partition_point(|h| h.0 < a);
        let to = self.hits.partition_point(|h| h.0 < b);
        let Some(in_window) = self.hits.get(from..to) else {
            return;
        };
        let cells = ((track.width() / HIT_PX) as usize).max(1);
        let mut best: Vec<Option<u8>> = vec![None; cells];
        for &(t, level) in in_window {
            let x = self.cols.x_of(track, t) - track.min.x;
            let k = ((x / HIT_PX) as usize).min(cells - 1);
            best[k] = best[k].max(Some(level));
        }
        for (k, level) in best.iter().enumerate() {
            let Some(level) = level else { continue };
            let level = trailview_core::sigma::Level::from_index(*level);
            let cx = track.min.x + (k as f32 + 0.5) * HIT_PX;
            let top = track.min.y + 1.0;
            painter.add(egui::Shape::convex_polygon(
                vec![
                    egui::pos2(cx - 3.5, top),
                    egui::pos2(cx + 3.5, top),
                    egui::pos2(cx, top + 5.0),
                ],
                crate::gui::windows::detections::level_color(level),
                egui::Stroke::NONE,
            ));
        }
    }

    fn draw_sessions(&self, painter: &egui::Painter, track: egui::Rect, pal: Palette) {
        let (a, b) = self.cols.window;
        let y = track.max.y - 1.5;
        for s in &self.lane.sessions {
            if s.last < a || s.first >= b {
                continue;
            }
            let x0 = self.cols.x_of(track, s.first);
            let x1 = self.cols.x_of(track, s.last).max(x0 + 2.0);
            let color = if s.errors > 0 {
                pal.error().gamma_multiply(0.7)
            } else {
                pal.accent().gamma_multiply(0.7)
            };
            painter.line_segment(
                [egui::pos2(x0, y), egui::pos2(x1, y)],
                egui::Stroke::new(2.0, color),
            );
        }
    }
}

/// `07-10 11:45` for the first/last columns.
fn short_time(ms: Option<i64>, local: bool) -> String {
    ms.map(|t| axis_label(t, 60_000, local)).unwrap_or_default()
}

/// "N events with detection hits (highest: high)" in the colour of the
/// highest level; nothing without hits. `whole_lane`: the count may be
/// capped at [`MAX_LANE_HITS`].
fn hits_line(ui: &mut egui::Ui, hits: &[(i64, u8)], whole_lane: bool) {
    let Some(top) = hits.iter().map(|h| h.1).max() else {
        return;
    };
    let level = trailview_core::sigma::Level::from_index(top);
    let capped = whole_lane && hits.len() >= MAX_LANE_HITS;
    ui.colored_label(
        crate::gui::windows::detections::level_color(level),
        format!(
            "{}{} event{} with detection hits (highest: {})",
            thousands(hits.len() as u64),
            if capped { "+" } else { "" },
            if hits.len() == 1 { "" } else { "s" },
            level.as_str()
        ),
    );
}

fn lane_tooltip(ui: &mut egui::Ui, lane: &Lane, hits: &[(i64, u8)], settings: &Settings) {
    let local = settings.local_time;
    ui.label(egui::RichText::new(&lane.name).strong());
    ui.label(format!(
        "{} events · {} writes · {} errors",
        thousands(lane.total),
        thousands(lane.writes),
        thousands(lane.errors)
    ));
    if let (Some(a), Some(b)) = (lane.first(), lane.last()) {
        ui.label(format!(
            "first {}\nlast  {} ({})",
            timefmt::format_shown(a, local),
            timefmt::format_shown(b, local),
            zone_name(local)
        ));
    }
    ui.label(format!(
        "{} source IPs{}",
        lane.ips,
        if lane.top_ip.is_empty() {
            String::new()
        } else {
            format!(", most often {}", lane.top_ip)
        }
    ));
    ui.label(format!("{} access-key sessions", lane.sessions.len()));
    hits_line(ui, hits, true);
    ui.weak("click: filter to this lane · right-click: pin, pivots");
}

/// The stretch of a lane under the pointer.
struct Bin<'a> {
    /// Its first event.
    first: u32,
    counts: BinCounts,
    span: (i64, i64),
    /// Its detection hits.
    hits: &'a [(i64, u8)],
}

fn bin_tooltip(ui: &mut egui::Ui, store: &Store, lane: &Lane, bin: &Bin<'_>, settings: &Settings) {
    let Bin {
        first,
        counts,
        span: (from, to),
        hits,
    } = *bin;
    let local = settings.local_time;
    if counts.all > 1 {
        ui.label(
            egui::RichText::new(format!(
                "{} events: {} writes, {} errors",
                thousands(u64::from(counts.all)),
                thousands(u64::from(counts.write)),
                thousands(u64::from(counts.error))
            ))
            .strong(),
        );
        ui.weak(format!(
            "{} — {} {}",
            timefmt::format_shown(from, local),
            timefmt::format_shown(to, local),
            zone_name(local)
        ));
        ui.separator();
        ui.weak("first of them:");
    }
    ui.label(egui::RichText::new(store.value(Column::EventName, first)).strong());
    ui.label(format!(
        "{} {}",
        timefmt::format_shown(store.time(first), local),
        zone_name(local)
    ));
    ui.label(format!(
        "{} · {} · {}",
        lane.name,
        store.value(Column::EventSource, first),
        store.value(Column::SourceIp, first)
    ));
    let err = store.value(Column::ErrorCode, first);
    if !err.is_empty() {
        ui.colored_label(Palette::of(ui).error(), err);
    }
    hits_line(ui, hits, false);
    ui.weak("click: select it in the table");
}
