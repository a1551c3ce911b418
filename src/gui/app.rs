//! `TrailviewApp`: owns the state, the background jobs and the views; lays
//! out the window each frame and applies the actions the views collected.
//! [`TrailviewApp::show`] is used by eframe and by the UI tests alike.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use super::actions::Action;
use super::jobs::{ViewJobs, ViewRequest, ViewResult, read_store};
use super::loading::{self, LoadJob};
use super::picker::{PickKind, Picker};
use super::settings::{Settings, ThemeChoice};
use super::state::AppState;
use super::{
    case_session, column_chooser, detail, export_dialog, facets, filter, fmt, histogram,
    integrity_job, integrity_view, keys, load_report, marks_ops, menu_bar, progress, query_bar,
    search_index, start_screen, table, tag_manager, timeline,
};
use crate::ingest::LoadMessage;
use crate::store::batch::Batch;
use crate::store::sort::Order;

#[path = "case_actions.rs"]
mod case_actions;

/// Folder of the sample trail shipped with the app.
pub const SAMPLE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample");

/// What a pending file dialog is for.
enum PickPurpose {
    Open,
    Export {
        format: super::exporter::Format,
        scope: export_dialog::ExportScope,
    },
    PublicKeys,
    OpenCase,
    SaveCase,
}

/// Open windows and one-shot UI requests.
#[derive(Default)]
pub struct UiFlags {
    pub show_report: bool,
    pub show_export: bool,
    pub show_columns: bool,
    pub show_tags: bool,
    pub focus_query: bool,
    pub scroll_to_selection: bool,
    pub dropping: bool,
}

/// Frame-time measurement of [`TrailviewApp::show`]. With the environment
/// variable `TRAILVIEW_FRAME_STATS` set, a summary of every 300 frames is
/// printed to stderr.
#[derive(Default, Debug, Clone)]
pub struct FrameStats {
    pub last_ms: f64,
    pub max_ms: f64,
    pub frames: u64,
    pub total_ms: f64,
    window: Vec<f64>,
}

impl FrameStats {
    fn record(&mut self, ms: f64, events: usize) {
        self.last_ms = ms;
        self.max_ms = self.max_ms.max(ms);
        self.frames += 1;
        self.total_ms += ms;
        if std::env::var_os("TRAILVIEW_FRAME_STATS").is_none() {
            return;
        }
        self.window.push(ms);
        if self.window.len() >= 300 {
            let mut w = std::mem::take(&mut self.window);
            w.sort_by(f64::total_cmp);
            let mean = w.iter().sum::<f64>() / w.len() as f64;
            let p95 = w[w.len() * 95 / 100];
            let max = w[w.len() - 1];
            eprintln!(
                "frame-stats events={events} frames={} mean_ms={mean:.2} p95_ms={p95:.2} max_ms={max:.2}",
                w.len()
            );
        }
    }
}

pub struct TrailviewApp {
    pub state: AppState,
    pub settings: Settings,
    pub flags: UiFlags,
    pub export: export_dialog::ExportDialog,
    pub columns: column_chooser::ColumnChooser,
    pub histogram: histogram::HistogramView,
    pub timeline: timeline::TimelineView,
    pub detail: detail::DetailView,
    pub integrity_view: integrity_view::IntegrityView,
    pub integrity_checks: integrity_job::IntegrityChecks,
    search_index: search_index::SearchIndexer,
    pub tags: tag_manager::TagManager,
    /// Case file autosave and "Resume last session".
    pub session: case_session::CaseSession,
    pub stats: FrameStats,
    jobs: ViewJobs,
    load: Option<LoadJob>,
    queued: VecDeque<Batch>,
    picker: Box<dyn Picker>,
    pending_pick: Option<(PickPurpose, Receiver<Vec<PathBuf>>)>,
    last_view: Instant,
    last_title: String,
    ctx: Option<egui::Context>,
    startup_paths: Vec<PathBuf>,
    export_job: Option<Receiver<Result<super::exporter::Written, String>>>,
    applied_theme: Option<ThemeChoice>,
}

/// Batches taken off the loader's channel but not yet in the store.
const MAX_QUEUED_BATCHES: usize = 16;
/// UI-thread time per frame spent appending batches while loading.
const APPEND_BUDGET: Duration = Duration::from_millis(25);
/// How often the table, facets and timelines catch up while loading. Each
/// refresh holds the store's read lock and competes with the loader for the
/// cores, so it is rare.
const LOADING_REFRESH: Duration = Duration::from_millis(2500);

impl TrailviewApp {
    pub fn new(settings: Settings, picker: Box<dyn Picker>) -> TrailviewApp {
        TrailviewApp {
            state: AppState::default(),
            export: export_dialog::ExportDialog::default(),
            columns: column_chooser::ColumnChooser::default(),
            histogram: histogram::HistogramView::default(),
            timeline: timeline::TimelineView,
            detail: detail::DetailView::default(),
            integrity_view: Default::default(),
            integrity_checks: Default::default(),
            search_index: Default::default(),
            tags: tag_manager::TagManager::default(),
            session: case_session::CaseSession::default(),
            stats: FrameStats::default(),
            settings,
            flags: UiFlags::default(),
            jobs: ViewJobs::default(),
            load: None,
            queued: VecDeque::new(),
            picker,
            pending_pick: None,
            last_view: Instant::now(),
            last_title: String::new(),
            ctx: None,
            startup_paths: Vec::new(),
            export_job: None,
            applied_theme: None,
        }
    }

    /// Paths to load on the first frame (command line).
    pub fn with_paths(mut self, paths: Vec<PathBuf>) -> Self {
        self.startup_paths = paths;
        self
    }

    /// Autosaves the case to `path` (`None`: no autosave, the default) and
    /// offers the session found there on the start screen.
    pub fn with_autosave(mut self, path: Option<PathBuf>) -> Self {
        self.session = case_session::CaseSession::with_autosave(path);
        self
    }

    /// True when nothing is loading, computing, exporting or waiting for a dialog.
    pub fn is_idle(&self) -> bool {
        self.load.is_none()
            && self.queued.is_empty()
            && !self.jobs.busy()
            && !self.state.view_dirty
            && self.pending_pick.is_none()
            && self.export_job.is_none()
            && !self.integrity_checks.busy()
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
            let paths = std::mem::take(&mut self.startup_paths);
            if !paths.is_empty() {
                self.open_paths(paths);
            }
        }
        self.poll_background();
        let mut actions = Vec::new();
        self.handle_drops(&ctx, &mut actions);
        keys::collect(&ctx, &mut actions);
        self.layout(ui, &mut actions);
        for a in actions {
            self.apply(a, &ctx);
        }
        if self.state.view_dirty {
            self.refresh_view();
        }
        case_session::record_view(&mut self.state, &self.settings);
        if let Some(wait) = self.session.tick(&mut self.state, Instant::now()) {
            ctx.request_repaint_after(wait);
        }
        self.update_title(&ctx);
        if self.load.is_some() || !self.queued.is_empty() {
            ctx.request_repaint_after(Duration::from_millis(10));
        } else if !self.is_idle() {
            ctx.request_repaint_after(Duration::from_millis(30));
        }
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let events = self.state.store_len();
        self.stats.record(ms, events);
    }

    fn layout(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let has_data = self.state.store_len() > 0 || self.state.report.report.files.total() > 0;
        egui::Panel::top("menu").show(ui, |ui| {
            menu_bar::show(ui, &mut self.settings, &self.state, actions);
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            progress::show(ui, &self.state, self.load.as_ref(), &self.stats, actions);
        });
        if !has_data && !self.state.is_loading() {
            egui::CentralPanel::default().show(ui, |ui| {
                let resume = self.session.resume.as_ref();
                start_screen::show(ui, &self.settings, resume, self.flags.dropping, actions);
            });
            self.windows(ui, actions);
            return;
        }
        egui::Panel::top("query").show(ui, |ui| {
            query_bar::show(ui, &mut self.state, &mut self.flags, actions);
        });
        let store = self.state.store.clone();
        let store = read_store(&store);
        if self.settings.show_facets {
            egui::Panel::left("facets")
                .resizable(true)
                .default_size(230.0)
                .min_size(170.0)
                .show(ui, |ui| {
                    facets::show(ui, &self.state, &self.state.applied_query, actions);
                });
        }
        if self.settings.show_detail {
            egui::Panel::right("detail")
                .resizable(true)
                .default_size(360.0)
                .min_size(260.0)
                .show(ui, |ui| {
                    self.detail
                        .show(ui, &store, &self.state, &self.settings, actions);
                });
        }
        if self.settings.show_histogram {
            egui::Panel::top("histogram")
                .resizable(true)
                .default_size(120.0)
                .min_size(70.0)
                .show(ui, |ui| {
                    self.histogram.show(ui, &self.state, actions);
                });
        }
        if self.settings.show_timeline {
            egui::Panel::bottom("timeline")
                .resizable(true)
                .default_size(190.0)
                .min_size(80.0)
                .show(ui, |ui| {
                    self.timeline
                        .show(ui, &store, &self.state, &self.settings, actions);
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            let scroll = std::mem::take(&mut self.flags.scroll_to_selection);
            table::show(ui, &store, &self.state, &self.settings, scroll, actions);
        });
        drop(store);
        self.windows(ui, actions);
        if self.flags.dropping {
            start_screen::drop_overlay(ui);
        }
    }

    fn windows(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let ctx = ui.ctx().clone();
        if self.flags.show_report {
            load_report::show(&ctx, &self.state, &mut self.flags.show_report);
        }
        if self.integrity_view.open {
            self.integrity_view
                .show(&ctx, &self.state, &self.integrity_checks, actions);
        }
        if self.flags.show_export {
            self.export
                .show(&ctx, &self.state, &mut self.flags.show_export, actions);
        }
        if self.flags.show_tags {
            self.tags
                .show(&ctx, &self.state, &mut self.flags.show_tags, actions);
        }
        if self.flags.show_columns {
            let mut specs = self.settings.column_specs();
            if self
                .columns
                .show(&ctx, &mut specs, &mut self.flags.show_columns)
            {
                self.settings.set_columns(&specs);
            }
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
        self.flags.dropping = hovering;
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

    fn wake(&self) -> impl Fn() + Send + 'static {
        let ctx = self.ctx.clone();
        move || {
            if let Some(c) = &ctx {
                c.request_repaint();
            }
        }
    }

    /// Starts loading `paths`, adding to what is loaded.
    pub fn open_paths(&mut self, paths: Vec<PathBuf>) {
        if paths.is_empty() {
            return;
        }
        if let Some(old) = self.load.take() {
            old.cancel();
        }
        for p in &paths {
            self.settings.remember(p);
            if !self.state.loaded_paths.contains(p) {
                self.state.loaded_paths.push(p.clone());
            }
        }
        self.state.report.report.cancelled = false;
        self.integrity_checks.cancel();
        self.search_index.stop();
        self.state.progress = Some(Default::default());
        self.state
            .info(format!("Loading {}…", describe_paths(&paths)));
        self.load = Some(loading::start(paths));
    }

    fn poll_background(&mut self) {
        self.poll_load();
        if self.integrity_checks.poll(&mut self.state) {
            self.state.view_dirty = true;
        }
        for r in self.jobs.poll() {
            match r {
                ViewResult::Rows {
                    rows,
                    store_len,
                    elapsed,
                    ..
                } => {
                    self.state.rows = rows;
                    self.state.rows_of = store_len;
                    self.state.rows_took = Some(elapsed);
                    self.state.selection.relocate(&self.state.rows);
                    if self.state.selection.focus_pos.is_some() {
                        self.flags.scroll_to_selection = true;
                    }
                }
                ViewResult::Summary { summary, .. } => self.state.summary = Some(summary),
            }
        }
        self.state.rows_pending = self.jobs.rows_pending();
        if let Some((_, rx)) = &self.pending_pick
            && let Ok(paths) = rx.try_recv()
            && let Some((purpose, _)) = self.pending_pick.take()
        {
            match purpose {
                PickPurpose::Open => self.open_paths(paths),
                PickPurpose::Export { format, scope } => {
                    if let Some(path) = paths.into_iter().next() {
                        self.start_export(path, format, scope);
                    }
                }
                p @ (PickPurpose::OpenCase | PickPurpose::SaveCase) => self.case_picked(p, paths),
                PickPurpose::PublicKeys => {
                    if let Some(path) = paths.into_iter().next() {
                        self.check_integrity(Some(path));
                    }
                }
            }
        }
        if let Some(rx) = &self.export_job
            && let Ok(result) = rx.try_recv()
        {
            self.export_job = None;
            match result {
                Ok(w) => {
                    let mut text = format!(
                        "Exported {} events ({}) to {}",
                        fmt::thousands(w.events as u64),
                        fmt::bytes(w.bytes),
                        w.path.display()
                    );
                    match (&w.manifest, &w.manifest_error) {
                        (Some(m), _) => text.push_str(&format!(" · manifest {}", m.display())),
                        (None, Some(e)) => text.push_str(&format!(" · manifest NOT written: {e}")),
                        (None, None) => {}
                    }
                    self.export.last_result = Some(Ok(text.clone()));
                    self.state.info(text);
                }
                Err(e) => {
                    self.export.last_result = Some(Err(e.clone()));
                    self.state.error(format!("Export failed: {e}"));
                }
            }
        }
    }

    fn poll_load(&mut self) {
        let mut finished = false;
        if let Some(job) = &self.load {
            // Take messages while few batches wait for the store; beyond
            // that the loader's bounded channel makes it wait, so a UI that
            // appends slower than workers read never piles batches up in
            // memory.
            while self.queued.len() < MAX_QUEUED_BATCHES {
                match job.receiver().try_recv() {
                    Ok(LoadMessage::Batch(b)) => {
                        self.state.report.report.record_batch(&b);
                        self.queued.push_back(b);
                    }
                    Ok(LoadMessage::File(f)) => self.state.report.report.record_file(&f),
                    Ok(LoadMessage::Progress(p)) => self.state.progress = Some(p),
                    Ok(LoadMessage::Finished)
                    | Err(crossbeam_channel::TryRecvError::Disconnected) => {
                        finished = true;
                        break;
                    }
                    Err(crossbeam_channel::TryRecvError::Empty) => break,
                }
            }
        }
        let budget = Instant::now() + APPEND_BUDGET;
        if !self.queued.is_empty()
            && let Ok(mut store) = self.state.store.try_write()
        {
            while let Some(b) = self.queued.pop_front() {
                let out = store.append(b);
                self.state.report.report.record_append(out);
                if Instant::now() > budget {
                    break;
                }
            }
            drop(store);
            // Refresh the view now and then while loading, never stacking
            // jobs (a running job holds the store's read lock).
            let due = self.last_view.elapsed() > LOADING_REFRESH;
            if self.state.rows.is_empty() || (due && !self.jobs.busy()) {
                self.state.view_dirty = true;
            }
        }
        if finished && self.queued.is_empty() {
            if let Some(job) = self.load.take() {
                // Frame statistics after a load describe browsing, not loading.
                self.stats.window.clear();
                let secs = job.started.elapsed().as_secs_f64();
                self.state.report.last_load_secs = Some(secs);
                self.state.report.report.cancelled = job.is_cancelled();
                let n = self.state.store_len();
                let problems = self.state.report.report.problems.len();
                let mut text = format!(
                    "Loaded {} events from {} files in {}",
                    fmt::thousands(n as u64),
                    fmt::thousands(self.state.report.report.files.total() as u64),
                    fmt::duration(secs)
                );
                if problems > 0 {
                    text.push_str(&format!(
                        " — {problems} problem{} (see Load report)",
                        if problems == 1 { "" } else { "s" }
                    ));
                }
                if job.is_cancelled() {
                    text.push_str(" — cancelled");
                }
                self.state.info(text);
            }
            self.state.progress = None;
            self.state.view_dirty = true;
            self.check_integrity(None);
            self.search_index.start(self.state.store.clone());
        }
    }

    /// Checks everything loaded against its digests in the background,
    /// reading `new_keys` first when given.
    fn check_integrity(&mut self, new_keys: Option<PathBuf>) {
        let wake = self.wake();
        self.integrity_checks.start(&mut self.state, new_keys, wake);
    }

    /// Recompiles the query and starts recomputing the rows.
    fn refresh_view(&mut self) {
        self.state.view_dirty = false;
        marks_ops::ensure_bound(&mut self.state);
        let filter = match filter::compile(&self.state.query_text) {
            Ok(f) => {
                self.state.query_error = None;
                f.map(Arc::new)
            }
            Err(e) => {
                self.state.query_error = Some(e);
                return;
            }
        };
        self.state.applied_query = self.state.query_text.clone();
        let req = ViewRequest {
            filter,
            time_range: self.state.time_range,
            sort: Some((self.state.sort.column.clone(), self.state.sort.order)),
            grouping: self.settings.lane_grouping,
            facet_top: self.settings.facet_top,
            case: Some(self.state.case.clone()),
            integrity: self.state.integrity_index.clone(),
        };
        self.last_view = Instant::now();
        let wake = self.wake();
        self.jobs.submit(self.state.store.clone(), req, wake);
    }

    fn pick(&mut self, kind: PickKind, purpose: PickPurpose, ctx: &egui::Context) {
        let rx = self.picker.request(kind, ctx);
        self.pending_pick = Some((purpose, rx));
    }

    fn start_export(
        &mut self,
        path: PathBuf,
        format: super::exporter::Format,
        scope: export_dialog::ExportScope,
    ) {
        marks_ops::ensure_bound(&mut self.state);
        let job = super::exporter::Job {
            rows: scope.rows(&self.state),
            format,
            columns: self.settings.column_specs(),
            out: path,
            protected: self.state.loaded_paths.clone(),
            query: self.state.applied_query.clone(),
            sort: (self.state.sort.column.clone(), self.state.sort.order),
            integrity: self.state.integrity.clone(),
            integrity_index: self.state.integrity_index.clone(),
            case: Some(self.state.case.clone()),
        };
        let store = self.state.store.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let wake = self.wake();
        std::thread::spawn(move || {
            let store = read_store(&store);
            let r = super::exporter::write(&store, &job);
            let _ = tx.send(r);
            wake();
        });
        self.export_job = Some(rx);
        self.state.info("Exporting…");
    }

    fn apply(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::PickFolder => self.pick(PickKind::Folder, PickPurpose::Open, ctx),
            Action::PickFiles => self.pick(PickKind::Files, PickPurpose::Open, ctx),
            Action::OpenPaths(p) => self.open_paths(p),
            Action::OpenSample => {
                let dir = PathBuf::from(SAMPLE_DIR);
                if dir.is_dir() {
                    self.open_paths(vec![dir]);
                } else {
                    self.state.error(format!(
                        "Sample data is missing: {} does not exist",
                        dir.display()
                    ));
                }
            }
            Action::CloseAll => {
                if self.may_drop_case("choose Close all again to discard them") {
                    self.close_all();
                    self.state.info("Closed all data");
                }
            }
            Action::CancelLoad => {
                if let Some(job) = &self.load {
                    job.cancel();
                }
            }
            Action::QueryChanged => self.state.view_dirty = true,
            Action::Pivot {
                field,
                value,
                exclude,
            } => {
                let clause = if exclude {
                    filter::exclude_clause(&field, &value)
                } else {
                    filter::include_clause(&field, &value)
                };
                self.state.query_text = filter::toggle_clause(&self.state.query_text, &clause);
                self.state.view_dirty = true;
            }
            Action::OpenQueryPivot(id) => {
                self.state.query_text = format!("\"{id}\"");
                self.state.view_dirty = true;
            }
            Action::SetTimeRange(r) => {
                self.state.time_range = r;
                self.state.view_dirty = true;
            }
            Action::SortBy(col) => {
                let s = &mut self.state.sort;
                if s.column == col {
                    s.order = match s.order {
                        Order::Ascending => Order::Descending,
                        Order::Descending => Order::Ascending,
                    };
                } else {
                    s.column = col;
                    s.order = Order::Ascending;
                }
                self.state.view_dirty = true;
            }
            Action::ClickRow { pos, ctrl, shift } => {
                let rows = self.state.rows.clone();
                let sel = &mut self.state.selection;
                if shift {
                    sel.extend_to(&rows, pos);
                } else if ctrl {
                    sel.toggle(&rows, pos);
                } else {
                    sel.select_only(&rows, pos);
                }
            }
            Action::FocusEvent(idx) => {
                if let Some(pos) = self.state.rows.iter().position(|&r| r == idx) {
                    let rows = self.state.rows.clone();
                    self.state.selection.select_only(&rows, pos);
                    self.flags.scroll_to_selection = true;
                }
            }
            Action::MoveSelection(delta) => self.move_selection(delta),
            Action::SelectFirst => self.move_to(0),
            Action::SelectLast => self.move_to(self.state.rows.len().saturating_sub(1)),
            Action::ShowDetail => self.settings.show_detail = true,
            Action::FocusQuery => self.flags.focus_query = true,
            Action::ShowExport => {
                self.export.last_result = None;
                self.flags.show_export = true;
            }
            Action::ExportTo { format, scope } => {
                let suggested = format!("{}.{}", scope.file_stem(), format.extension());
                self.pick(
                    PickKind::Save { suggested },
                    PickPurpose::Export { format, scope },
                    ctx,
                );
            }
            Action::ShowReport => self.flags.show_report = true,
            Action::ShowIntegrity => self.integrity_view.open = true,
            Action::PickPublicKeys => self.pick(PickKind::PublicKeys, PickPurpose::PublicKeys, ctx),
            Action::ShowColumns => self.flags.show_columns = true,
            Action::SetGrouping(g) => {
                self.settings.lane_grouping = g;
                self.state.view_dirty = true;
            }
            Action::Copy(text) => ctx.copy_text(text),
            a @ (Action::ToggleTag { .. }
            | Action::ToggleTagShortcut(_)
            | Action::ToggleStar(_)
            | Action::SetNote { .. }
            | Action::FocusNote
            | Action::ShowTagManager
            | Action::EditTags(_)
            | Action::OpenCase
            | Action::SaveCase
            | Action::SaveCaseAs
            | Action::ResumeSession) => self.apply_case_action(a, ctx),
        }
    }

    /// Drops every event, the case and any load in progress.
    fn close_all(&mut self) {
        if let Some(job) = self.load.take() {
            job.cancel();
        }
        self.queued.clear();
        self.integrity_checks.cancel();
        self.search_index.stop();
        self.integrity_view.open = false;
        self.state.close_all();
        self.jobs = ViewJobs::default();
        // The next case starts its revisions again: autosave it whatever
        // its revision.
        self.session.force_next();
    }

    fn move_to(&mut self, pos: usize) {
        if self.state.rows.is_empty() {
            return;
        }
        let rows = self.state.rows.clone();
        self.state
            .selection
            .select_only(&rows, pos.min(rows.len() - 1));
        self.flags.scroll_to_selection = true;
    }

    fn move_selection(&mut self, delta: i64) {
        let len = self.state.rows.len() as i64;
        if len == 0 {
            return;
        }
        let cur = self
            .state
            .selection
            .focus_pos
            .map(|p| p as i64)
            .unwrap_or(-1);
        let next = if cur < 0 && delta < 0 {
            0
        } else {
            (cur + delta).clamp(0, len - 1)
        };
        self.move_to(next as usize);
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let n = self.state.store_len();
        let mut title = if self.state.loaded_paths.is_empty() {
            "Trailview".to_owned()
        } else {
            format!(
                "Trailview — {} ({} events)",
                describe_paths(&self.state.loaded_paths),
                fmt::thousands(n as u64)
            )
        };
        if let Some(case) = case_session::title_part(&self.state.case) {
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

/// `name` for one path, `name + 2 more` for several.
pub fn describe_paths(paths: &[PathBuf]) -> String {
    let name = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| p.display().to_string())
    };
    match paths {
        [] => String::new(),
        [one] => name(one),
        [first, rest @ ..] => format!("{} + {} more", name(first), rest.len()),
    }
}

impl eframe::App for TrailviewApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.save(storage);
        // Also called on exit: the case's last changes reach the autosave.
        if let Err(e) = self.session.flush(&self.state) {
            log::warn!("autosave failed: {e}");
        }
    }
}
