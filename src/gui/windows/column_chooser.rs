//! The column chooser: tick store columns on and off, reorder them, and
//! add any JSON path (`requestParameters.bucketName`) as a column.

use trailview_core::model::{Column, ColumnSpec, Mark};

#[derive(Default)]
pub struct ColumnChooser {
    new_path: String,
}

impl ColumnChooser {
    /// Returns true when `columns` changed.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        columns: &mut Vec<ColumnSpec>,
        open: &mut bool,
    ) -> bool {
        let mut changed = false;
        egui::Window::new("Columns")
            .open(open)
            .default_width(360.0)
            .show(ctx, |ui| {
                ui.label("Shown columns, in order:");
                let mut remove = None;
                let mut swap = None;
                for (i, spec) in columns.iter().enumerate() {
                    ui.horizontal(|ui| {
                        let name = match spec {
                            ColumnSpec::Column(c) => format!("{} ({})", c.title(), c.name()),
                            ColumnSpec::Mark(m) => format!("{} ({})", m.title(), m.name()),
                            ColumnSpec::Path(p) => format!("{p} (JSON path)"),
                        };
                        if ui.small_button("⏶").on_hover_text("Move left").clicked() && i > 0 {
                            swap = Some((i - 1, i));
                        }
                        if ui.small_button("⏷").on_hover_text("Move right").clicked()
                            && i + 1 < columns.len()
                        {
                            swap = Some((i, i + 1));
                        }
                        if ui.small_button("🗙").on_hover_text("Hide").clicked() && columns.len() > 1
                        {
                            remove = Some(i);
                        }
                        ui.label(name);
                    });
                }
                if let Some((a, b)) = swap {
                    columns.swap(a, b);
                    changed = true;
                }
                if let Some(i) = remove {
                    columns.remove(i);
                    changed = true;
                }
                ui.separator();
                ui.label("Add a column:");
                ui.horizontal_wrapped(|ui| {
                    for c in Column::ALL {
                        let spec = ColumnSpec::Column(c);
                        if !columns.contains(&spec) && ui.button(c.title()).clicked() {
                            columns.push(spec);
                            changed = true;
                        }
                    }
                    for m in Mark::ALL {
                        let spec = ColumnSpec::Mark(m);
                        if !columns.contains(&spec) && ui.button(m.name()).clicked() {
                            columns.push(spec);
                            changed = true;
                        }
                    }
                });
                ui.horizontal(|ui| {
                    let label = ui.label("JSON path");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.new_path)
                            .hint_text("requestParameters.bucketName")
                            .desired_width(220.0),
                    )
                    .labelled_by(label.id);
                    let path = self.new_path.trim().to_owned();
                    if ui
                        .add_enabled(!path.is_empty(), egui::Button::new("Add"))
                        .clicked()
                    {
                        columns.push(ColumnSpec::parse(&path));
                        self.new_path.clear();
                        changed = true;
                    }
                });
                ui.separator();
                if ui.button("Reset to defaults").clicked() {
                    *columns = Column::DEFAULT_VIEW
                        .iter()
                        .map(|&c| ColumnSpec::Column(c))
                        .collect();
                    changed = true;
                }
            });
        changed
    }
}
