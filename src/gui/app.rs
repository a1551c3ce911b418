//! `TrailviewApp`: the window over one [`Session`]. It lays out the panels
//! each frame, lets them draw the session's state and collect actions, and
//! hands the actions to [`crate::gui::apply`]. Everything that is not
//! drawing (loading, the view's rows, marks, integrity, export) is the
//! session's. [`TrailviewApp::show`] is used by eframe and by the UI tests
//! alike.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use crate::gui::actions::Action;
use crate::gui::frame_stats::FrameStats;
use crate::gui::keys;
use crate::gui::modal::Modal;
use crate::gui::panels::{
    detail, facets, histogram, menu_bar, query_bar, start_screen, status_bar, table, time_window,
    timeline,
};
use crate::gui::picker::{PickKind, Picker};
use crate::gui::settings::{Settings, ThemeChoice};
use crate::gui::windows::{column_chooser, export_dialog, integrity, load_report, tag_manager};
use trailview_core::export::ExportFormat;
use trailview_core::model::ColumnSpec;
use trailview_session::evidence::ExportScope;
use trailview_session::fmt;
use trailview_session::session::describe_paths;
use trailview_session::summary::SummaryOptions;
use trailview_session::{Session, SessionEvent, SessionOptions};

/// How often the window redraws while a load runs (progress only).
const LOADING_FRAME: Duration = Duration::from_millis(100);

/// What a pending file dialog is for.
pub(crate) enum PickPurpose {
    Open,
    Export {
        format: ExportFormat,
        scope: ExportScope,
    },
    PublicKeys,
    OpenCase,
    SaveCase,
    RuleFolder,
}

/// One-shot requests between frames.
#[derive(Default)]
pub struct UiRequests {
    /// The query box takes the keyboard on the next frame.
    pub focus_query: bool,
    /// Where the table scrolls on the next frame.
    pub scroll: table::Scroll,
    /// Files are being dragged over the window.
    pub dropping: bool,
}

pub struct TrailviewApp {
    /// The investigation: data, view, marks, integrity, export.
    pub session: Session,
    /// The text in the query box (the session's view gets it as typed).
    pub query_text: String,
    pub settings: Settings,
    /// The open window, if any.
    pub modal: Option<Modal>,
    pub requests: UiRequests,
    pub export: export_dialog::ExportDialog,
    pub columns: column_chooser::ColumnChooser,
    pub athena: crate::gui::windows::athena::AthenaWindow,
    pub histogram: histogram::HistogramView,
    pub timeline: timeline::TimelineView,
    /// The time window the histogram and the timeline show (not a filter).
    pub window: time_window::TimeWindow,
    pub detail: detail::DetailView,
    pub integrity_view: integrity::IntegrityView,
    pub tags: tag_manager::TagManager,
    pub sessions: crate::gui::windows::sessions::SessionsView,
    pub detections: crate::gui::windows::detections::DetectionsView,
    pub stats: FrameStats,
    /// The action ("Open case…", "Close all") that was refused once because
    /// of unsaved marks; asked again, it goes ahead.
    pub(crate) discard_armed: Option<String>,
    pub(crate) picker: Box<dyn Picker>,
    pub(crate) pending_pick: Option<(PickPurpose, Receiver<Vec<PathBuf>>)>,
    last_title: String,
    ctx: Option<egui::Context>,
    startup_paths: Vec<PathBuf>,
    applied_theme: Option<ThemeChoice>,
    /// When the query box last changed to a query that scans the raw
    /// text; it is applied once typing pauses for [`TYPING_PAUSE`].
    pub(crate) query_edit: Option<Instant>,
}

/// How long typing must pause before a query that scans every event's
/// text starts: the words typed on the way (`r`, `re`, …) would each start
/// a scan of their own, and on two cores those take the CPU from the query
/// wanted and from the frames that read the keys.
pub const TYPING_PAUSE: Duration = Duration::from_millis(150);

impl TrailviewApp {
    pub fn new(settings: Settings, picker: Box<dyn Picker>) -> TrailviewApp {
        let mut options = SessionOptions::interactive();
        options.rules = settings.rule_options();
        let mut session = Session::new(options);
        session.update_view(|v| v.columns = settings.column_specs());
        session.set_summary_options(SummaryOptions {
            grouping: settings.lane_grouping,
            facet_top: settings.facet_top,
        });
        TrailviewApp {
            session,
            query_text: String::new(),
            modal: None,
            requests: UiRequests::default(),
            export: export_dialog::ExportDialog::default(),
            columns: column_chooser::ColumnChooser::default(),
            athena: Default::default(),
            histogram: histogram::HistogramView::default(),
            timeline: timeline::TimelineView::default(),
            window: time_window::TimeWindow::default(),
            detail: detail::DetailView::default(),
            integrity_view: Default::default(),
            tags: tag_manager::TagManager::default(),
            sessions: Default::default(),
            detections: Default::default(),
            stats: FrameStats::default(),
            settings,
            discard_armed: None,
            picker,
            pending_pick: None,
            last_title: String::new(),
            ctx: None,
            startup_paths: Vec::new(),
            applied_theme: None,
            query_edit: None,
        }
    }

    /// Paths to load on the first frame (command line).
    pub fn with_paths(mut self, paths: Vec<PathBuf>) -> Self {
        self.startup_paths = paths;
        self
    }

    /// Autosaves the case into the folder `dir`, one file per set of
    /// loaded paths (`None`: no autosave, the default), and offers the
    /// newest session found there on the start screen.
    pub fn with_autosave(mut self, dir: Option<PathBuf>) -> Self {
        self.session.set_autosave(dir);
        self
    }

    /// Shows `columns` in the table (and CSV exports), and remembers them
    /// for the next start.
    pub fn set_columns(&mut self, columns: Vec<ColumnSpec>) {
        self.settings.set_columns(&columns);
        self.session.update_view(|v| v.columns = columns);
    }

    /// True when nothing is loading, computing, exporting or waiting for a dialog.
    pub fn is_idle(&self) -> bool {
        self.session.is_idle() && self.pending_pick.is_none() && self.query_edit.is_none()
    }

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let started = Instant::now();
        let ctx = ui.ctx().clone();
        if self.applied_theme != Some(self.settings.theme) {
            self.applied_theme = Some(self.settings.theme);
            self.apply_theme(&ctx);
        }
        if self.ctx.is_none() {
            self.ctx = Some(ctx.clone());
            install_fonts(&ctx);
            let repaint = ctx.clone();
            self.session
                .set_waker(Arc::new(move || repaint.request_repaint()));
            let paths = std::mem::take(&mut self.startup_paths);
            if !paths.is_empty() {
                self.open_paths(paths);
            }
        }
        self.poll_background();
        if self.query_edit.is_some_and(|t| t.elapsed() >= TYPING_PAUSE) {
            self.set_query(self.query_text.clone());
        }
        let mut actions = Vec::new();
        self.handle_drops(&ctx, &mut actions);
        keys::collect(&ctx, &mut actions);
        self.layout(ui, &mut actions);
        for a in actions {
            self.apply(a, &ctx);
        }
        // Actions may have changed the view: start computing it now.
        let events = self.session.poll();
        self.take_events(events);
        if let Some(wait) = self.session.tick_autosave(Instant::now()) {
            ctx.request_repaint_after(wait);
        }
        self.update_title(&ctx);
        if self.session.is_loading() {
            // Ten progress frames a second: a frame is drawn on the CPU
            // where there is no GPU, and every frame drawn during a load is
            // taken from the loader's cores (at 10 ms the app loaded 1.5x
            // slower than `trailview stats`).
            ctx.request_repaint_after(LOADING_FRAME);
        } else if !self.is_idle() {
            // Background jobs wake the UI when they finish (the session's
            // waker): in between, frames only move the spinners. At 30
            // frames a second, software rendering took a core from the
            // scans (queries over the raw text ran 1.6-1.7x the engine's
            // time).
            ctx.request_repaint_after(crate::gui::widgets::busy::FRAME);
        }
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let events = self.session.store_len();
        self.stats.record(ms, events);
    }

    fn layout(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let session = &self.session;
        let has_data = session.store_len() > 0 || session.report().files.total() > 0;
        egui::Panel::top("menu").show(ui, |ui| {
            menu_bar::show(ui, &mut self.settings, session, actions);
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            status_bar::show(ui, session, &self.stats, actions);
        });
        if !has_data && !session.is_loading() {
            egui::CentralPanel::default().show(ui, |ui| {
                let resume = session.autosave().resume.as_ref();
                let dropping = self.requests.dropping;
                start_screen::show(ui, &self.settings, resume, dropping, actions);
            });
            self.windows(ui, actions);
            return;
        }
        egui::Panel::top("query").show(ui, |ui| {
            query_bar::show(
                ui,
                session,
                &mut self.query_text,
                &mut self.requests.focus_query,
                actions,
            );
        });
        let store = session.read();
        if self.settings.show_facets {
            egui::Panel::left("facets")
                .resizable(true)
                .default_size(190.0)
                .min_size(170.0)
                .show(ui, |ui| {
                    facets::show(ui, session, &session.applied_view().query, actions);
                });
        }
        // The detail pane takes room only when there is an event to show.
        if self.settings.show_detail && session.selection().focus.is_some() {
            egui::Panel::right("detail")
                .resizable(true)
                .default_size(300.0)
                .min_size(240.0)
                .show(ui, |ui| {
                    self.detail
                        .show(ui, &store, session, &self.settings, actions);
                });
        }
        if self.settings.show_histogram {
            egui::Panel::top("histogram")
                .resizable(true)
                .default_size(120.0)
                .min_size(70.0)
                .show(ui, |ui| {
                    self.histogram
                        .show(ui, session, &self.settings, &mut self.window, actions);
                });
        }
        if self.settings.show_timeline {
            egui::Panel::bottom("timeline")
                .resizable(true)
                .default_size(190.0)
                .min_size(80.0)
                .show(ui, |ui| {
                    self.timeline.show(
                        ui,
                        &store,
                        session,
                        &mut self.settings,
                        &mut self.window,
                        actions,
                    );
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            let scroll = std::mem::take(&mut self.requests.scroll);
            table::show(ui, &store, session, &self.settings, scroll, actions);
        });
        drop(store);
        self.windows(ui, actions);
        if self.requests.dropping {
            start_screen::drop_overlay(ui);
        }
    }

    /// The open window, if any; closing it clears [`Self::modal`].
    fn windows(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let Some(modal) = self.modal else {
            return;
        };
        let ctx = ui.ctx().clone();
        let session = &self.session;
        let mut open = true;
        match modal {
            Modal::LoadReport => load_report::show(&ctx, session, &mut open),
            Modal::Integrity => self.integrity_view.show(&ctx, session, &mut open, actions),
            Modal::Export => self.export.show(&ctx, session, &mut open, actions),
            Modal::Tags => self.tags.show(&ctx, session, &mut open, actions),
            Modal::Athena => self.athena.show(&ctx, session, &mut open, actions),
            Modal::Sessions => self.sessions.show(&ctx, session, &mut open, actions),
            Modal::Detections => {
                let local = self.settings.local_time;
                self.detections
                    .show(&ctx, session, local, &mut open, actions)
            }
            Modal::Columns => {
                let mut specs = session.view().columns.clone();
                if self.columns.show(&ctx, &mut specs, &mut open) {
                    actions.push(Action::SetColumns(specs));
                }
            }
        }
        if !open && self.modal == Some(modal) {
            self.modal = None;
        }
    }

    fn handle_drops(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let (hovering, dropped) = ctx.input(|i| {
            (
                !i.raw.hovered_files.is_empty(),
                i.raw
                    .dropped_files
                    .iter()
                    .map(|f| f.path().to_path_buf())
                    .collect::<Vec<_>>(),
            )
        });
        self.requests.dropping = hovering;
        if !dropped.is_empty() {
            actions.push(Action::OpenPaths(dropped));
        }
    }

    fn apply_theme(&self, ctx: &egui::Context) {
        ctx.set_visuals(match self.settings.theme {
            ThemeChoice::Dark => egui::Visuals::dark(),
            ThemeChoice::Light => egui::Visuals::light(),
        });
    }

    /// Starts loading `paths`, adding to what is loaded.
    pub fn open_paths(&mut self, paths: Vec<PathBuf>) {
        for p in &paths {
            self.settings.remember(p);
        }
        self.session.open(paths);
    }

    fn poll_background(&mut self) {
        let events = self.session.poll();
        self.take_events(events);
        if let Some((_, rx)) = &self.pending_pick
            && let Ok(paths) = rx.try_recv()
            && let Some((purpose, _)) = self.pending_pick.take()
        {
            self.picked(purpose, paths);
        }
    }

    /// Reacts to what the session's background work did.
    fn take_events(&mut self, events: Vec<SessionEvent>) {
        for e in events {
            match e {
                SessionEvent::RowsChanged {
                    focus_present,
                    new_view,
                } => {
                    if focus_present {
                        self.requests.scroll = table::Scroll::ToSelection;
                    } else if new_view {
                        self.requests.scroll = table::Scroll::ToTop;
                    }
                }
                SessionEvent::LoadFinished => self.stats.restart_window(),
                SessionEvent::ExportFinished(result) => {
                    self.export.last_result = Some(match result {
                        Ok(w) => Ok(trailview_session::session::export_message(&w)),
                        Err(e) => Err(e),
                    });
                }
            }
        }
    }

    pub(crate) fn pick(&mut self, kind: PickKind, purpose: PickPurpose, ctx: &egui::Context) {
        let rx = self.picker.request(kind, ctx);
        self.pending_pick = Some((purpose, rx));
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let n = self.session.store_len();
        let paths = self.session.loaded_paths();
        let mut title = if paths.is_empty() {
            "Trailview".to_owned()
        } else if self.session.is_loading() {
            // Not the live count: a new title asks for a new frame, and a
            // count that changes with every frame kept the app drawing as
            // fast as it could for the whole load (taking a core from the
            // loader where frames are drawn on the CPU).
            format!("Trailview — {} (loading…)", describe_paths(paths))
        } else {
            format!(
                "Trailview — {} ({} events)",
                describe_paths(paths),
                fmt::thousands(n as u64)
            )
        };
        if let Some(case) = trailview_session::case_file::title_part(self.session.case()) {
            title.push_str(&format!(" — {case}"));
        }
        if title != self.last_title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.last_title = title;
        }
    }

    /// The window title last sent.
    pub fn title(&self) -> &str {
        &self.last_title
    }
}

impl eframe::App for TrailviewApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.set_columns(&self.session.view().columns);
        self.settings.save(storage);
        // Also called on exit: the case's last changes reach the autosave.
        if let Err(e) = self.session.flush_autosave() {
            log::warn!("autosave failed: {e}");
        }
    }
}

/// The proportional font falls back to the monospace one (Hack) for the
/// glyphs Ubuntu lacks: the arrows of credential chains (`→`) are in cells,
/// the detail pane and the Sessions window.
fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    let mono = fonts
        .families
        .get(&egui::FontFamily::Monospace)
        .and_then(|f| f.first())
        .cloned();
    if let (Some(mono), Some(prop)) = (
        mono,
        fonts.families.get_mut(&egui::FontFamily::Proportional),
    ) && !prop.contains(&mono)
    {
        prop.push(mono);
    }
    ctx.set_fonts(fonts);
}
