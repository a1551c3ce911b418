//! The Sessions window: one row per credential session among the current
//! rows (so it follows the query), sortable by any column; clicking a
//! session adds `session:<id>` to the query. Rows come from
//! `trailview_session::sessions`, as for `trailview sessions`.

use std::sync::Arc;

use crate::gui::actions::Action;
use trailview_core::model::EventIdx;
use trailview_session::Session;
use trailview_session::sessions::{SessionRow, session_rows, sort_sessions};

/// Columns shown: (title, sort key).
const COLUMNS: [(&str, &str); 10] = [
    ("Session", "session"),
    ("Origin", "origin"),
    ("Principal", "principal"),
    ("First", "first"),
    ("Duration", "duration"),
    ("Events", "events"),
    ("Errors", "errors"),
    ("Denied", "access_denied"),
    ("IPs", "ips"),
    ("First seen", "first_seen"),
];

/// Every column fits the default 1280-pixel window (the last one is
/// cut with "…"; its whole text is in the session's tooltip).
const WIDTHS: [f32; 10] = [
    160.0, 180.0, 180.0, 140.0, 70.0, 55.0, 50.0, 50.0, 35.0, 200.0,
];

/// The window's state: the sort and the rows computed for a row set.
#[derive(Default)]
pub struct SessionsView {
    sort: Option<(&'static str, bool)>,
    /// (rows the sessions were computed from, store length, graph length).
    key: Option<(usize, usize, usize, usize)>,
    rows: Vec<SessionRow>,
}

impl SessionsView {
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        session: &Session,
        open: &mut bool,
        actions: &mut Vec<Action>,
    ) {
        self.refresh(session);
        egui::Window::new("Sessions")
            .open(open)
            .default_size([1210.0, 420.0])
            .resizable(true)
            .show(ctx, |ui| {
                ui.weak(format!(
                    "{} sessions among the events of the current query. Click a session to filter the table to it.",
                    self.rows.len()
                ));
                ui.separator();
                egui::ScrollArea::horizontal().show(ui, |ui| {
                    ui.horizontal(|ui| {
                        for ((title, key), w) in COLUMNS.iter().zip(WIDTHS) {
                            let arrow = match self.sort {
                                Some((k, desc)) if k == *key => if desc { " ⏷" } else { " ⏶" },
                                _ => "",
                            };
                            let b = egui::Button::new(egui::RichText::new(format!("{title}{arrow}")).strong())
                                .frame(false);
                            if ui.add_sized([w, 18.0], b).on_hover_text(format!("Sort by {title}")).clicked() {
                                let desc = matches!(self.sort, Some((k, d)) if k == *key && !d);
                                self.sort = Some((key, desc));
                                sort_sessions(&mut self.rows, key, desc);
                            }
                        }
                    });
                    ui.separator();
                    let h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
                    egui::ScrollArea::vertical().auto_shrink([false, false]).show_rows(
                        ui,
                        h,
                        self.rows.len(),
                        |ui, range| {
                            for r in &self.rows[range] {
                                row(ui, r, actions);
                            }
                        },
                    );
                });
            });
    }

    fn refresh(&mut self, session: &Session) {
        let rows: &Arc<Vec<EventIdx>> = session.rows();
        let store = session.read();
        let key = (
            Arc::as_ptr(rows) as usize,
            rows.len(),
            store.len(),
            store.credential_graph_len(),
        );
        if self.key == Some(key) {
            return;
        }
        self.key = Some(key);
        self.rows = session_rows(&store, rows);
        if let Some((k, desc)) = self.sort {
            sort_sessions(&mut self.rows, k, desc);
        }
    }
}

fn row(ui: &mut egui::Ui, r: &SessionRow, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        let cells = [
            r.session.clone(),
            r.origin.clone(),
            r.principal.clone(),
            r.first.clone(),
            trailview_session::fmt::duration(r.duration_secs as f64),
            r.events.to_string(),
            r.errors.to_string(),
            r.access_denied.to_string(),
            r.source_ips.len().to_string(),
            r.first_seen.join(", "),
        ];
        for (n, (text, w)) in cells.iter().zip(WIDTHS).enumerate() {
            if n == 0 {
                // A link that keeps to its column: a long key is cut with
                // "…" (the whole key is in the tooltip), never pushing the
                // row's other cells out of line.
                let link_text =
                    egui::RichText::new(text.as_str()).color(ui.visuals().hyperlink_color);
                let link = ui
                    .add_sized(
                        [w, 16.0],
                        egui::Button::new(link_text).frame(false).truncate(),
                    )
                    .on_hover_cursor(egui::CursorIcon::PointingHand)
                    .on_hover_text(format!(
                        "{}\n{}\nIPs: {}\nUser agents: {}\nRegions: {}\nServices: {}\nFirst seen: {}\nFilter the table to this session",
                        r.session,
                        r.chain,
                        r.source_ips.join(", "),
                        r.user_agents.join(", "),
                        r.regions.join(", "),
                        r.services.join(", "),
                        r.first_seen.join(", ")
                    ));
                if link.clicked() {
                    actions.push(Action::Pivot {
                        field: "session".to_owned(),
                        value: r.session.clone(),
                        exclude: false,
                    });
                }
            } else {
                ui.add_sized([w, 16.0], egui::Label::new(text.as_str()).truncate());
            }
        }
    });
}
