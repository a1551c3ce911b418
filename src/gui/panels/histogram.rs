//! The activity histogram: filtered events per time bin, stacked read /
//! write / error. Drag across it to filter to a time range; scroll to pan,
//! Ctrl+scroll to zoom, double-click to reset. Its zoom and pan are the
//! [`TimeWindow`] the per-user timeline shows too, in both directions.

use egui_plot::{Bar, BarChart, GridInput, GridMark, Plot, Span};

use crate::gui::actions::Action;
use crate::gui::panels::time_window::{TimeWindow, axis_label, zone_name};
use crate::gui::settings::Settings;
use crate::gui::theme::Palette;
use trailview_core::timefmt;
use trailview_session::Session;
use trailview_session::outcome::Outcome;

#[derive(Default)]
pub struct HistogramView {
    drag_from: Option<f64>,
    drag_to: Option<f64>,
    /// The window version the plot's bounds were last set from.
    applied: Option<u64>,
    /// The data span the plot was last fitted to.
    fitted: Option<(i64, i64)>,
}

/// The smallest height of the plot, in points.
const PLOT_HEIGHT: f32 = 92.0;

impl HistogramView {
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        session: &Session,
        settings: &Settings,
        window: &mut TimeWindow,
        actions: &mut Vec<Action>,
    ) {
        let local = settings.local_time;
        let zone = zone_name(local);
        let pal = Palette::of(ui);
        let Some(summary) = &session.summary() else {
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new("Activity").strong());
                crate::gui::widgets::busy::spinner(ui, "Counting events over time");
            });
            let room = egui::vec2(ui.available_width(), ui.available_height().max(PLOT_HEIGHT));
            ui.allocate_space(room);
            return;
        };
        let h = &summary.histogram;
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new("Activity").strong());
            // The legend sits here, not over the newest bars.
            for o in [Outcome::Read, Outcome::Write, Outcome::Error] {
                ui.colored_label(pal.outcome(o), format!("■ {}", o.label()));
            }
            crate::gui::panels::detection_marks::legend(ui, summary);
            if !h.is_empty() {
                ui.weak(format!(
                    "{} bins · {} — {} {zone} · drag: time filter · Ctrl+wheel: zoom",
                    bin_label(h.bin_ms),
                    timefmt::format_shown(h.start, local),
                    timefmt::format_shown(h.end(), local)
                ));
            }
        });
        if h.is_empty() {
            ui.weak("No event times to plot.");
            return;
        }
        let w = h.bin_ms as f64 / 1000.0;
        let x0 = h.start as f64 / 1000.0;
        let bars = |v: &[u32]| -> Vec<Bar> {
            v.iter()
                .enumerate()
                .map(|(i, &c)| Bar::new(x0 + (i as f64 + 0.5) * w, f64::from(c)).width(w * 0.9))
                .collect()
        };
        let read = BarChart::new("read", bars(&h.read)).color(pal.outcome(Outcome::Read));
        let write = BarChart::new("write", bars(&h.write))
            .color(pal.outcome(Outcome::Write))
            .stack_on(&[&read]);
        let error = BarChart::new("error", bars(&h.error))
            .color(pal.outcome(Outcome::Error))
            .stack_on(&[&read, &write]);
        let marks = crate::gui::panels::detection_marks::series(summary);
        let mut drag = (self.drag_from, self.drag_to);
        let mut finished = None;
        // The panel sizes itself to what it holds: the plot takes the room
        // the analyst gave the panel, and at least PLOT_HEIGHT, whether or
        // not the first frame had a summary yet (the spinner holds the same
        // room), so the layout never depends on timing.
        let height = ui.available_height().max(PLOT_HEIGHT);
        let data = (h.start, h.end());
        let follow = if self.applied != Some(window.version()) || self.fitted != Some(data) {
            Some(window.resolve(h.start, h.end()))
        } else {
            None
        };
        let plot = Plot::new("histogram")
            .height(height)
            .allow_drag(false)
            .allow_zoom(true)
            .allow_scroll(true)
            .allow_boxed_zoom(false)
            .show_y(false)
            .y_axis_min_width(30.0)
            .include_y(0.0)
            .x_grid_spacer(time_grid)
            .x_axis_formatter(move |mark, _| {
                axis_label(
                    (mark.value * 1000.0) as i64,
                    (mark.step_size * 1000.0) as i64,
                    local,
                )
            })
            .label_formatter(move |hover| match hover {
                egui_plot::HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => Some(format!(
                    "{plot_name}: {}\n{} {zone}",
                    position.y,
                    timefmt::format_shown((position.x * 1000.0) as i64, local)
                )),
                egui_plot::HoverPosition::Elsewhere { position } => Some(format!(
                    "{} {zone}",
                    timefmt::format_shown((position.x * 1000.0) as i64, local)
                )),
            });
        let shown = plot.show(ui, |p| {
            if let Some((a, b)) = follow {
                p.set_plot_bounds_x(a as f64 / 1000.0..=b as f64 / 1000.0);
                p.set_auto_bounds([false, true]);
            }
            p.bar_chart(read);
            p.bar_chart(write);
            p.bar_chart(error);
            for m in marks {
                p.points(m);
            }
            let resp = p.response().clone();
            if resp.drag_started_by(egui::PointerButton::Primary) {
                drag = (p.pointer_coordinate().map(|c| c.x), None);
            }
            if resp.dragged_by(egui::PointerButton::Primary)
                && let Some(c) = p.pointer_coordinate()
            {
                drag.1 = Some(c.x);
            }
            if let (Some(a), Some(b)) = drag {
                p.span(Span::new("selection", a.min(b)..=a.max(b)).fill(pal.selection_fill()));
            }
            if resp.drag_stopped() {
                if let (Some(a), Some(b)) = drag {
                    finished = Some((a.min(b), a.max(b)));
                }
                drag = (None, None);
            }
        });
        if follow.is_some() {
            self.applied = Some(window.version());
            self.fitted = Some(data);
        } else {
            // The analyst zoomed or panned the plot: the timeline follows.
            let resp = &shown.response;
            let moved = resp.hovered()
                && ui.input(|i| i.zoom_delta() != 1.0 || i.smooth_scroll_delta != egui::Vec2::ZERO);
            if resp.double_clicked() {
                window.reset();
                self.applied = None;
            } else if moved {
                let b = shown.transform.bounds();
                let (a, z) = ((b.min()[0] * 1000.0) as i64, (b.max()[0] * 1000.0) as i64);
                if z > a {
                    window.follow(a, z);
                    self.applied = Some(window.version());
                }
            }
        }
        (self.drag_from, self.drag_to) = drag;
        if let Some((a, b)) = finished {
            let (lo, hi) = ((a * 1000.0).floor() as i64, (b * 1000.0).ceil() as i64);
            if hi - lo >= 1000 {
                actions.push(Action::SetTimeRange(Some((lo, hi))));
            }
        }
        let _ = session;
    }
}

/// Round time steps for the axis, in seconds.
const TIME_STEPS: [f64; 17] = [
    1.0,
    5.0,
    15.0,
    30.0,
    60.0,
    300.0,
    900.0,
    1800.0,
    3600.0,
    10800.0,
    21600.0,
    43200.0,
    86400.0,
    172_800.0,
    604_800.0,
    2_592_000.0,
    31_536_000.0,
];

/// Grid marks at round times (a minute, an hour, a day…) far enough apart
/// for their labels never to overlap, whatever the zoom.
fn time_grid(input: GridInput) -> Vec<GridMark> {
    // base_step_size spans the plot's minimum grid spacing (a few points);
    // a label needs about twelve times that.
    let want = input.base_step_size * 12.0;
    let step = TIME_STEPS
        .iter()
        .copied()
        .find(|s| *s >= want)
        .unwrap_or(want.max(1.0));
    let (lo, hi) = input.bounds;
    let mut marks = Vec::new();
    let mut v = (lo / step).ceil() * step;
    while v <= hi && marks.len() < 200 {
        marks.push(GridMark {
            value: v,
            step_size: step,
        });
        v += step;
    }
    marks
}

fn bin_label(ms: i64) -> String {
    match ms {
        m if m % 86_400_000 == 0 => format!("{}-day", m / 86_400_000),
        m if m % 3_600_000 == 0 => format!("{}-hour", m / 3_600_000),
        m if m % 60_000 == 0 => format!("{}-minute", m / 60_000),
        m => format!("{}-second", m / 1000),
    }
}
