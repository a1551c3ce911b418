//! The activity histogram: filtered events per time bin, stacked read /
//! write / error. Drag across it to filter to a time range; scroll to pan,
//! Ctrl+scroll to zoom, double-click to reset.

use egui_plot::{Bar, BarChart, Legend, Plot, Span};

use crate::gui::actions::Action;
use crate::gui::theme::Palette;
use trailview_core::timefmt;
use trailview_session::Session;
use trailview_session::outcome::Outcome;

#[derive(Default)]
pub struct HistogramView {
    drag_from: Option<f64>,
    drag_to: Option<f64>,
}

fn label_time(secs: f64, span_secs: f64) -> String {
    let ms = (secs * 1000.0) as i64;
    let full = timefmt::format_utc(ms);
    if span_secs < 2.0 * 86_400.0 {
        full.get(5..16).unwrap_or(&full).to_owned()
    } else {
        full.get(..10).unwrap_or(&full).to_owned()
    }
}

/// The smallest height of the plot, in points.
const PLOT_HEIGHT: f32 = 92.0;

impl HistogramView {
    pub fn show(&mut self, ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
        let pal = Palette::of(ui);
        let Some(summary) = &session.summary() else {
            ui.horizontal(|ui| {
                ui.label(egui::RichText::new("Activity").strong());
                ui.spinner();
            });
            let room = egui::vec2(ui.available_width(), ui.available_height().max(PLOT_HEIGHT));
            ui.allocate_space(room);
            return;
        };
        let h = &summary.histogram;
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new("Activity").strong());
            if !h.is_empty() {
                ui.weak(format!(
                    "{} bins · {} UTC — {} UTC · drag: time filter",
                    bin_label(h.bin_ms),
                    timefmt::format_utc(h.start),
                    timefmt::format_utc(h.end())
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
        let span_secs = (h.end() - h.start) as f64 / 1000.0;
        let mut drag = (self.drag_from, self.drag_to);
        let mut finished = None;
        // The panel sizes itself to what it holds: the plot takes the room
        // the analyst gave the panel, and at least PLOT_HEIGHT, whether or
        // not the first frame had a summary yet (the spinner holds the same
        // room), so the layout never depends on timing.
        let height = ui.available_height().max(PLOT_HEIGHT);
        Plot::new("histogram")
            .height(height)
            .legend(Legend::default().position(egui_plot::Corner::RightTop))
            .allow_drag(false)
            .allow_zoom(true)
            .allow_scroll(true)
            .allow_boxed_zoom(false)
            .show_y(false)
            .y_axis_min_width(30.0)
            .include_y(0.0)
            .x_axis_formatter(move |mark, _| label_time(mark.value, span_secs))
            .label_formatter(move |hover| match hover {
                egui_plot::HoverPosition::NearDataPoint {
                    plot_name,
                    position,
                    ..
                } => Some(format!(
                    "{plot_name}: {}\n{} UTC",
                    position.y,
                    timefmt::format_utc((position.x * 1000.0) as i64)
                )),
                egui_plot::HoverPosition::Elsewhere { position } => Some(format!(
                    "{} UTC",
                    timefmt::format_utc((position.x * 1000.0) as i64)
                )),
            })
            .show(ui, |p| {
                p.bar_chart(read);
                p.bar_chart(write);
                p.bar_chart(error);
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

fn bin_label(ms: i64) -> String {
    match ms {
        m if m % 86_400_000 == 0 => format!("{}-day", m / 86_400_000),
        m if m % 3_600_000 == 0 => format!("{}-hour", m / 3_600_000),
        m if m % 60_000 == 0 => format!("{}-minute", m / 60_000),
        m => format!("{}-second", m / 1000),
    }
}
