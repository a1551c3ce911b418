//! A busy indicator that costs a few frames a second, not all of them.
//!
//! egui's `Spinner` asks for a new frame on every frame it is drawn. Where
//! there is no GPU every frame is drawn on the CPU (a 1280×800 frame takes
//! tens of milliseconds of two llvmpipe threads), so during a load four
//! spinners (facets, histogram, timeline, query bar) took about a third of
//! the machine from the loader. This one draws the same arc but asks for
//! the next frame only after [`FRAME`].

use std::time::Duration;

/// Time between two frames of the animation.
pub const FRAME: Duration = Duration::from_millis(125);

/// A spinner the size of a line of text; hover text as given.
pub fn spinner(ui: &mut egui::Ui, hover: &str) -> egui::Response {
    let size = ui.style().spacing.interact_size.y;
    let (rect, resp) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    if ui.is_rect_visible(rect) {
        let color = ui.visuals().strong_text_color();
        let radius = rect.height().min(rect.width()) * 0.5 - 2.0;
        let time = ui.input(|i| i.time);
        let start = time * std::f64::consts::TAU;
        let end = start + 240f64.to_radians() * time.sin();
        let n = 16;
        let points: Vec<egui::Pos2> = (0..=n)
            .map(|i| {
                let a = start + (end - start) * f64::from(i) / f64::from(n);
                let (sin, cos) = a.sin_cos();
                rect.center() + radius * egui::vec2(cos as f32, sin as f32)
            })
            .collect();
        ui.painter()
            .add(egui::Shape::line(points, egui::Stroke::new(3.0, color)));
        ui.ctx().request_repaint_after(FRAME);
    }
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ProgressIndicator, true, hover));
    resp.on_hover_text(hover)
}
