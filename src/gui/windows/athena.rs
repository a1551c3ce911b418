//! The Athena window: the `CREATE EXTERNAL TABLE` for the trail the loaded
//! folders came from (bucket, prefix, table and database typed here) and
//! the SQL for the current view, each with a Copy button (docs/athena.md).
//! The query bar's "Copy as Athena SQL" uses the table and database set
//! here.

use trailview_core::athena::{DEFAULT_TABLE, DdlOptions};
use trailview_session::Session;
use trailview_session::athena::{store_ddl, view_sql};

use crate::gui::actions::Action;

pub struct AthenaWindow {
    pub bucket: String,
    pub prefix: String,
    pub table: String,
    pub database: String,
}

impl Default for AthenaWindow {
    fn default() -> Self {
        AthenaWindow {
            bucket: String::new(),
            prefix: String::new(),
            table: DEFAULT_TABLE.to_owned(),
            database: String::new(),
        }
    }
}

impl AthenaWindow {
    /// The database, when one was typed.
    pub fn database(&self) -> Option<&str> {
        let d = self.database.trim();
        (!d.is_empty()).then_some(d)
    }

    /// The table name (the default when the field is blank).
    pub fn table(&self) -> &str {
        let t = self.table.trim();
        if t.is_empty() { DEFAULT_TABLE } else { t }
    }

    /// The SQL for the session's current view, or why there is none.
    pub fn sql(&self, session: &Session) -> Result<String, String> {
        view_sql(session.view(), self.table(), self.database()).map_err(|e| e.to_string())
    }

    pub fn show(
        &mut self,
        ctx: &egui::Context,
        session: &Session,
        open: &mut bool,
        actions: &mut Vec<Action>,
    ) {
        egui::Window::new("Athena")
            .open(open)
            .default_width(640.0)
            .show(ctx, |ui| {
                ui.label(
                    "Run the same investigation on the whole trail in S3 with Amazon Athena: \
                     create the table once, then paste the SQL.",
                );
                egui::Grid::new("athena_fields")
                    .num_columns(2)
                    .show(ui, |ui| {
                        for (label, value, hint) in [
                            ("S3 bucket", &mut self.bucket, "my-cloudtrail-bucket"),
                            ("Prefix", &mut self.prefix, "(none)"),
                            ("Table", &mut self.table, DEFAULT_TABLE),
                            ("Database", &mut self.database, "default"),
                        ] {
                            let l = ui.label(label);
                            ui.add(egui::TextEdit::singleline(value).hint_text(hint))
                                .labelled_by(l.id);
                            ui.end_row();
                        }
                    });
                ui.separator();
                let bucket = self.bucket.trim();
                let ddl = if bucket.is_empty() {
                    None
                } else {
                    let store = session.read();
                    Some(store_ddl(
                        &store,
                        &DdlOptions {
                            bucket: bucket.to_owned(),
                            prefix: self.prefix.clone(),
                            table: self.table().to_owned(),
                            database: self.database().map(str::to_owned),
                        },
                    ))
                };
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new("Table (DDL)").strong());
                    if let Some(ddl) = &ddl
                        && ui.button("Copy DDL").clicked()
                    {
                        actions.push(Action::Copy(ddl.clone()));
                    }
                    if ui.button("Copy as Athena SQL").clicked() {
                        actions.push(Action::CopyAthenaSql);
                    }
                });
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| match &ddl {
                        Some(ddl) => {
                            let mut text = ddl.as_str();
                            ui.add(
                                egui::TextEdit::multiline(&mut text)
                                    .font(egui::TextStyle::Monospace)
                                    .desired_width(f32::INFINITY),
                            );
                        }
                        None => {
                            ui.weak(
                                "Type the trail's S3 bucket to see the CREATE TABLE statement.",
                            );
                        }
                    });
            });
    }
}
