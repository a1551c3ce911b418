//! Detection hits marked on the activity histogram: a downward triangle
//! over each bin holding events a Sigma rule matched, in the colour of the
//! highest level among them (the Detections window's level colours), and
//! a legend entry naming them.

use egui_plot::{MarkerShape, PlotPoints, Points};

use crate::gui::windows::detections::level_color;
use trailview_core::sigma::Level;
use trailview_session::summary::Summary;

/// The legend entry, when the summary has hits.
pub fn legend(ui: &mut egui::Ui, summary: &Summary) {
    let Some(d) = &summary.detections else { return };
    let hits: u32 = d.bins.iter().map(|b| b.1).sum();
    if hits > 0 {
        ui.colored_label(level_color(Level::High), "▼ Detections")
            .on_hover_text(format!(
                "{hits} events matched detection rules (View → Detections…); the mark's colour is the highest level in the bin"
            ));
    }
}

/// One series of marks per level, placed over the bars.
pub fn series(summary: &Summary) -> Vec<Points<'static>> {
    let Some(d) = &summary.detections else {
        return Vec::new();
    };
    let h = &summary.histogram;
    let w = h.bin_ms as f64 / 1000.0;
    let x0 = h.start as f64 / 1000.0;
    let mut out = Vec::new();
    for (li, level) in Level::ALL.iter().enumerate() {
        let pts: Vec<[f64; 2]> = d
            .bins
            .iter()
            .enumerate()
            .filter(|(_, b)| usize::from(b.0) == li + 1)
            .map(|(i, _)| {
                let top = [&h.read, &h.write, &h.error]
                    .iter()
                    .map(|v| f64::from(v.get(i).copied().unwrap_or(0)))
                    .sum::<f64>();
                [x0 + (i as f64 + 0.5) * w, top]
            })
            .collect();
        if pts.is_empty() {
            continue;
        }
        out.push(
            Points::new(
                format!("detections ({})", level.as_str()),
                PlotPoints::from(pts),
            )
            .shape(MarkerShape::Down)
            .radius(5.0)
            .filled(true)
            .color(level_color(*level)),
        );
    }
    out
}
