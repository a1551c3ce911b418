//! [`Session`]: one investigation, headless. It owns the store and the
//! running load, the integrity check, the search preparation, the case
//! (tags, notes, stars) and the one [`ViewSpec`] that says what is shown;
//! it computes the view's rows and summary in the background, recomputing
//! only when what they depend on changed (the spec, the store's size, the
//! marks a query reads, the integrity index), and exports evidence with
//! the integrity report it already has. The desktop app calls
//! [`Session::poll`] once per frame; the command line calls the blocking
//! variants ([`Session::open_blocking`], [`Session::rows_blocking`]).

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::case_file::{self, Autosave};
use crate::detect_job::{DetectionJobs, RuleOptions};
use crate::evidence::{self, ExportJob, Written};
use crate::fmt::{bytes, duration, thousands};
use crate::integrity_check::IntegrityChecks;
use crate::load::LoadJob;
use crate::search_prep::SearchPrep;
use crate::selection::Selection;
use crate::summary::{Summary, SummaryOptions};
use crate::view::ViewSpec;
use crate::view_jobs::{SharedStore, ViewJobs, ViewRequest, ViewResult, read_store};
use trailview_core::case::{Case, EventAnnotations, IntegrityIndex};
use trailview_core::export::ExportFormat;
use trailview_core::ingest::{LoadOptions, LoadReport, Progress};
use trailview_core::integrity::IntegrityReport;
use trailview_core::model::EventIdx;
use trailview_core::query::hints::UnknownField;
use trailview_core::query::{Query, QueryError};
use trailview_core::sigma::DetectionIndex;
use trailview_core::store::Store;

/// What loading has done so far, across every load since "Close all".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadSummary {
    pub report: LoadReport,
    /// Seconds the last load took.
    pub last_load_secs: Option<f64>,
    /// Time the last load's appender thread spent putting batches into
    /// the store.
    pub append_time: Duration,
}

/// A short message for the status bar (the command line prints errors).
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub text: String,
    pub is_error: bool,
}

/// How a session works in the background.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub load: LoadOptions,
    /// Check the loaded data against its digests after each load (the
    /// app); the command line asks for it when it needs it.
    pub check_integrity: bool,
    /// Ready the raw chunks for full-text search after each load (the app;
    /// a one-shot command would only wait for it).
    pub prepare_search: bool,
    /// Run the detection rules after each load (the app); the command
    /// line asks for it when a query, column or export reads detections.
    pub detect: bool,
    /// Which detection rules run.
    pub rules: RuleOptions,
}

impl SessionOptions {
    /// The desktop app: everything in the background.
    pub fn interactive() -> SessionOptions {
        SessionOptions {
            load: LoadOptions::default(),
            check_integrity: true,
            prepare_search: true,
            detect: true,
            rules: RuleOptions::default(),
        }
    }

    /// One command: nothing the command did not ask for.
    pub fn headless(load: LoadOptions) -> SessionOptions {
        SessionOptions {
            load,
            check_integrity: false,
            prepare_search: false,
            detect: false,
            rules: RuleOptions::default(),
        }
    }
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions::interactive()
    }
}

/// Something that happened in [`Session::poll`] that a front end may act on.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionEvent {
    /// New rows arrived. `focus_present`: the focused event is still in
    /// them (a table scrolls to it). `new_view`: they answer a changed view
    /// (query, time range, sort), not only a store that grew while loading
    /// (a table starts again at the top).
    RowsChanged { focus_present: bool, new_view: bool },
    /// A load finished (or was cancelled).
    LoadFinished,
    /// An export finished: what was written, or why not.
    ExportFinished(Result<Written, String>),
}

/// Wakes the front end when background work has something for it.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// What the rows of the view depend on. When it changes, the rows are
/// computed again; when it does not, nothing runs.
#[derive(Debug, Clone, PartialEq)]
struct ViewKey {
    spec: ViewSpec,
    summary: SummaryOptions,
    store_len: usize,
    /// The case's revision, when the query or sort reads marks.
    marks: Option<u64>,
    integrity: u64,
    /// Events the credential graph covers (its columns change when built).
    creds: usize,
    /// Bumped whenever the detections change.
    detections: u64,
}

/// A query text compiled: `None` when it keeps every event.
type Compiled = Result<Option<Arc<Query>>, QueryError>;

/// How often the report of a running load is copied for the front end.
const REPORT_COPY: Duration = Duration::from_millis(500);
/// How often the rows catch up while loading. Each refresh holds the
/// store's read lock and competes with the loader for the cores, so it is
/// rare.
const LOADING_REFRESH: Duration = Duration::from_millis(2500);

/// One investigation.
pub struct Session {
    pub(crate) store: SharedStore,
    /// Every path opened since "Close all".
    pub(crate) loaded_paths: Vec<PathBuf>,
    report: LoadSummary,
    progress: Option<Progress>,
    load: Option<LoadJob>,
    /// When the report was last copied from the running load.
    report_copied: Instant,
    /// The rules run once the rows of the finished load are shown: the
    /// first view after a load has both cores (the rules take a second or
    /// two of both at 1M events, and made the table wait as long).
    detect_after_rows: bool,
    /// The view asked for.
    pub(crate) view: ViewSpec,
    /// The view the rows were computed with (the last one whose query
    /// compiled).
    pub(crate) applied: ViewSpec,
    query_error: Option<QueryError>,
    /// The query text last compiled, and the result.
    compiled: Option<(String, Compiled)>,
    summary_options: SummaryOptions,
    pub(crate) rows: Arc<Vec<EventIdx>>,
    rows_took: Option<Duration>,
    /// The view (and its key) of the request being computed, and of the
    /// rows shown: a cancelled query goes back to the latter.
    inflight: Option<(ViewSpec, ViewKey)>,
    shown: Option<(ViewSpec, ViewKey)>,
    /// When the request being computed was submitted.
    submitted_at: Option<Instant>,
    summary: Option<Arc<Summary>>,
    /// What the newest view job was started for.
    computed: Option<ViewKey>,
    /// Whether the newest view job answers a changed view rather than a
    /// store that only grew.
    submitted_new_view: bool,
    last_refresh: Instant,
    jobs: ViewJobs,
    pub(crate) selection: Selection,
    pub(crate) status: Option<Status>,
    pub(crate) case: Arc<Case>,
    integrity: Option<Arc<IntegrityReport>>,
    integrity_index: Option<Arc<IntegrityIndex>>,
    /// Bumped whenever the integrity index changes.
    integrity_generation: u64,
    /// How long the last credential graph build took.
    pub credential_graph_took: Option<Duration>,
    integrity_checks: IntegrityChecks,
    detection_jobs: DetectionJobs,
    search_prep: SearchPrep,
    /// Marks restored from the autosave by the running load's `open`.
    restored_marks: Option<usize>,
    export_job: Option<Receiver<Result<Written, String>>>,
    pub(crate) autosave: Autosave,
    options: SessionOptions,
    wake: Waker,
}

impl Default for Session {
    fn default() -> Self {
        Session::new(SessionOptions::default())
    }
}

impl Session {
    pub fn new(options: SessionOptions) -> Session {
        let mut detection_jobs = DetectionJobs::default();
        detection_jobs.set_options(options.rules.clone());
        Session {
            store: Arc::new(RwLock::new(Store::new())),
            loaded_paths: Vec::new(),
            report: LoadSummary::default(),
            progress: None,
            load: None,
            report_copied: Instant::now(),
            detect_after_rows: false,
            view: ViewSpec::default(),
            applied: ViewSpec::default(),
            query_error: None,
            compiled: None,
            summary_options: SummaryOptions::default(),
            rows: Arc::new(Vec::new()),
            rows_took: None,
            inflight: None,
            shown: None,
            submitted_at: None,
            summary: None,
            computed: None,
            submitted_new_view: false,
            last_refresh: Instant::now(),
            jobs: ViewJobs::default(),
            selection: Selection::default(),
            status: None,
            case: Arc::new(Case::default()),
            integrity: None,
            integrity_index: None,
            integrity_generation: 0,
            credential_graph_took: None,
            integrity_checks: IntegrityChecks::default(),
            detection_jobs,
            search_prep: SearchPrep::default(),
            restored_marks: None,
            export_job: None,
            autosave: Autosave::default(),
            options,
            wake: Arc::new(|| {}),
        }
    }

    /// Called from background threads when they have something for
    /// [`Session::poll`] (the app asks for a repaint).
    pub fn set_waker(&mut self, wake: Waker) {
        self.wake = wake;
    }

    /// Autosaves the case into the folder `dir` (`None`: no autosave, the
    /// default), one file per set of loaded paths, and offers the newest
    /// session found there ("Resume last session").
    pub fn set_autosave(&mut self, dir: Option<PathBuf>) {
        self.autosave = Autosave::with_dir(dir);
    }

    /// Reopens the session the start screen offers, marks and view.
    pub fn resume_last_session(&mut self) {
        match self.autosave.open_autosave() {
            Ok(case) => self.open_case(case),
            Err(e) => self.error(format!("Cannot resume the last session: {e}")),
        }
    }

    fn waker(&self) -> impl Fn() + Send + 'static {
        let wake = self.wake.clone();
        move || wake()
    }

    // ----- reading -----

    pub fn store(&self) -> &SharedStore {
        &self.store
    }

    /// The store, read-locked.
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, Store> {
        read_store(&self.store)
    }

    pub fn store_len(&self) -> usize {
        self.read().len()
    }

    pub fn loaded_paths(&self) -> &[PathBuf] {
        &self.loaded_paths
    }

    pub fn load_summary(&self) -> &LoadSummary {
        &self.report
    }

    pub fn report(&self) -> &LoadReport {
        &self.report.report
    }

    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// When the running load started.
    pub fn load_started(&self) -> Option<Instant> {
        self.load.as_ref().map(|l| l.started)
    }

    pub fn is_loading(&self) -> bool {
        self.load.is_some()
    }

    /// The view asked for.
    pub fn view(&self) -> &ViewSpec {
        &self.view
    }

    /// The view the rows show.
    pub fn applied_view(&self) -> &ViewSpec {
        &self.applied
    }

    /// Why the view's query does not compile, with a position.
    pub fn query_error(&self) -> Option<&QueryError> {
        self.query_error.as_ref()
    }

    /// Fields of the view's query that are neither columns nor CloudTrail
    /// fields (probably mistyped), with the closest known name.
    pub fn query_hints(&self) -> Vec<UnknownField> {
        match &self.compiled {
            Some((t, Ok(Some(q)))) if *t == self.view.query => q.unknown_fields(),
            _ => Vec::new(),
        }
    }

    /// The view's rows, in order.
    pub fn rows(&self) -> &Arc<Vec<EventIdx>> {
        &self.rows
    }

    /// How long computing the rows took (off the caller's thread).
    pub fn rows_took(&self) -> Option<Duration> {
        self.rows_took
    }

    /// True while newer rows are being computed.
    pub fn rows_pending(&self) -> bool {
        self.jobs.rows_pending()
    }

    /// How long the rows being computed have been waited for.
    pub fn rows_pending_for(&self) -> Option<Duration> {
        self.submitted_at
            .filter(|_| self.jobs.rows_pending())
            .map(|t| t.elapsed())
    }

    /// A test seam: while a test holds this lock, queries submitted wait
    /// before they start (so a test can see a query that takes long).
    #[doc(hidden)]
    pub fn query_gate(&self) -> std::sync::Arc<std::sync::Mutex<()>> {
        self.jobs.gate()
    }

    /// Stops the query being computed (its worker stops between chunks)
    /// and goes back to the view whose rows are shown. False when nothing
    /// was running or nothing was shown yet.
    pub fn cancel_view(&mut self) -> bool {
        if !self.jobs.rows_pending() {
            return false;
        }
        let Some((view, key)) = self.shown.clone() else {
            return false;
        };
        self.jobs.cancel();
        self.inflight = None;
        self.view = view.clone();
        self.applied = view;
        self.computed = Some(key);
        self.info("Query cancelled: showing the previous results");
        true
    }

    /// `(chunks done, chunks)` while the search preparation runs.
    pub fn search_progress(&self) -> Option<(usize, usize)> {
        self.search_prep.progress()
    }

    pub fn summary(&self) -> Option<&Arc<Summary>> {
        self.summary.as_ref()
    }

    pub fn summary_options(&self) -> SummaryOptions {
        self.summary_options
    }

    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    pub fn case(&self) -> &Arc<Case> {
        &self.case
    }

    pub fn integrity(&self) -> Option<&Arc<IntegrityReport>> {
        self.integrity.as_ref()
    }

    pub fn integrity_index(&self) -> Option<&Arc<IntegrityIndex>> {
        self.integrity_index.as_ref()
    }

    pub fn integrity_checks(&self) -> &IntegrityChecks {
        &self.integrity_checks
    }

    pub fn autosave(&self) -> &Autosave {
        &self.autosave
    }

    /// Tags, notes, stars and integrity status of events of `store`.
    pub fn annotations<'a>(&'a self, store: &'a Store) -> EventAnnotations<'a> {
        EventAnnotations::new(store, Some(&self.case), self.integrity_index.as_deref())
            .with_detections(self.detection_jobs.index.as_deref())
    }

    // ----- detections -----

    /// The last finished detection run (rules, hits), if any.
    pub fn detections(&self) -> Option<&Arc<DetectionIndex>> {
        self.detection_jobs.index.as_ref()
    }

    /// True while the rules run.
    pub fn detecting(&self) -> bool {
        self.detection_jobs.busy()
    }

    /// How long the last detection run took.
    pub fn detection_took(&self) -> Option<Duration> {
        self.detection_jobs.last_took
    }

    pub fn rule_options(&self) -> &RuleOptions {
        self.detection_jobs.options()
    }

    /// Changes which rules run; with events loaded, they run again from
    /// the first event (in the background).
    pub fn set_rule_options(&mut self, rules: RuleOptions) {
        if &rules == self.detection_jobs.options() {
            return;
        }
        self.options.rules = rules.clone();
        self.detection_jobs.set_options(rules);
        if !self.loaded_paths.is_empty() {
            case_file::record_rules(self);
        }
        if self.store_len() > 0 && !self.is_loading() {
            self.start_detections();
        }
    }

    /// The rules that could not be used (path and reason), once read.
    pub fn rule_problems(&self) -> &[trailview_core::sigma::Problem] {
        self.detection_jobs.problems()
    }

    fn start_detections(&mut self) {
        self.detect_after_rows = false;
        let wake = self.waker();
        let store = self.store.clone();
        self.detection_jobs.start(&store, wake);
        self.note_rule_problems();
    }

    /// Adds the rules that could not be used to the load report's
    /// problems (path and reason), once each.
    fn note_rule_problems(&mut self) {
        let problems = &mut self.report.report.problems;
        for p in self.detection_jobs.problems() {
            let path = PathBuf::from(&p.path);
            let reason = format!("rule: {}", p.reason);
            if !problems
                .iter()
                .any(|q| q.path == path && q.reason == reason)
            {
                problems.push(trailview_core::ingest::Problem { path, reason });
            }
        }
    }

    /// Runs the rules over the events not yet evaluated and waits (the
    /// command line).
    pub fn detect_blocking(&mut self) -> Option<Arc<DetectionIndex>> {
        let evaluated = self
            .detection_jobs
            .index
            .as_ref()
            .map(|i| i.detections.evaluated);
        if evaluated != Some(self.store_len()) {
            self.start_detections();
            self.detection_jobs.wait();
        }
        self.detection_jobs.index.clone()
    }

    /// True when nothing is loading, computing, checking or exporting.
    pub fn is_idle(&self) -> bool {
        !self.is_loading()
            && !self.jobs.busy()
            && !self.needs_refresh()
            && self.export_job.is_none()
            && !self.integrity_checks.busy()
            && !self.detection_jobs.busy()
            && !self.detect_after_rows
    }

    // ----- status -----

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            is_error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            is_error: true,
        });
    }

    // ----- the view -----

    /// Shows `spec`. Nothing is computed here: [`Session::poll`] starts the
    /// computation when the spec differs from the one the rows show.
    pub fn set_view(&mut self, spec: ViewSpec) {
        self.view = spec;
    }

    /// Changes the view in place.
    pub fn update_view(&mut self, f: impl FnOnce(&mut ViewSpec)) {
        f(&mut self.view);
    }

    pub fn set_summary_options(&mut self, options: SummaryOptions) {
        self.summary_options = options;
    }

    pub fn selection_mut(&mut self) -> &mut Selection {
        &mut self.selection
    }

    /// The compiled query of the view asked for (cached by text).
    fn compiled(&mut self) -> Compiled {
        let text = &self.view.query;
        match &self.compiled {
            Some((t, r)) if t == text => r.clone(),
            _ => {
                let r = self.view.compile().map(|q| q.map(Arc::new));
                self.compiled = Some((text.clone(), r.clone()));
                r
            }
        }
    }

    fn key(&self, compiled: Option<&Query>) -> ViewKey {
        ViewKey {
            spec: self.view.clone(),
            summary: self.summary_options,
            store_len: self.store_len(),
            marks: self
                .view
                .uses_annotations(compiled)
                .then_some(self.case.revision),
            integrity: self.integrity_generation,
            creds: self.read().credential_graph_len(),
            detections: self.detection_jobs.generation,
        }
    }

    /// True when the rows do not describe the current view, store, marks
    /// and integrity.
    pub fn needs_refresh(&self) -> bool {
        let compiled = match &self.compiled {
            Some((t, Ok(q))) if *t == self.view.query => q.clone(),
            // Nothing to compute until the query text changes.
            Some((t, Err(_))) if *t == self.view.query => return false,
            _ => return true,
        };
        self.computed.as_ref() != Some(&self.key(compiled.as_deref()))
    }

    /// Starts computing the rows when what they depend on changed. While
    /// loading, a growing store alone refreshes the rows only every few
    /// seconds (and when there are none yet).
    fn refresh(&mut self) {
        let compiled = match self.compiled() {
            Ok(q) => q,
            Err(e) => {
                if self.query_error.as_ref() != Some(&e) {
                    self.query_error = Some(e);
                }
                return;
            }
        };
        self.query_error = None;
        let key = self.key(compiled.as_deref());
        if self.computed.as_ref() == Some(&key) {
            return;
        }
        if let Some(old) = &self.computed {
            // Columns alone do not change the rows (a sort by a column is
            // the sort's business): take them without computing again.
            let mut with_columns = old.clone();
            with_columns.spec.columns = key.spec.columns.clone();
            if with_columns == key {
                self.applied.columns = self.view.columns.clone();
                case_file::record_view(self);
                self.computed = Some(self.key(compiled.as_deref()));
                return;
            }
            let only_grew = ViewKey {
                store_len: key.store_len,
                ..old.clone()
            } == key;
            let due = self.last_refresh.elapsed() >= LOADING_REFRESH;
            if self.is_loading() && only_grew && !self.rows.is_empty() && (!due || self.jobs.busy())
            {
                return;
            }
        }
        self.submitted_new_view = self.computed.as_ref().is_none_or(|old| {
            old.spec.query != key.spec.query
                || old.spec.time_range != key.spec.time_range
                || old.spec.sort != key.spec.sort
        });
        self.ensure_bound();
        self.applied = self.view.clone();
        case_file::record_view(self);
        // Recording the view may change the case's revision: key again.
        let key = self.key(compiled.as_deref());
        let req = self.request(compiled);
        self.inflight = Some((self.view.clone(), key.clone()));
        self.submitted_at = Some(Instant::now());
        self.computed = Some(key);
        self.last_refresh = Instant::now();
        let wake = self.waker();
        self.jobs.submit(self.store.clone(), req, wake);
    }

    /// The computation of the view asked for, with `compiled` its query.
    fn request(&self, compiled: Option<Arc<Query>>) -> ViewRequest {
        ViewRequest {
            spec: self.view.clone(),
            query: compiled,
            summary: self.summary_options,
            case: Some(self.case.clone()),
            integrity: self.integrity_index.clone(),
            detections: self.detection_jobs.index.clone(),
        }
    }

    /// Builds the case's row index when it was built for another store size
    /// (after a load, an append or opening a case).
    pub(crate) fn ensure_bound(&mut self) {
        let store = self.store.clone();
        let store = read_store(&store);
        if !self.case.marks.is_bound_to(&store) {
            Arc::make_mut(&mut self.case).bind(&store);
        }
    }

    // ----- background work -----

    /// Takes what background work has done: appends loaded batches (within
    /// a time budget), takes integrity results, new rows and summaries and
    /// export results, and starts recomputing the view when it is out of
    /// date. Returns what a front end may want to react to.
    pub fn poll(&mut self) -> Vec<SessionEvent> {
        let mut events = Vec::new();
        self.poll_load(&mut events);
        self.poll_integrity();
        self.detection_jobs.poll();
        for r in self.jobs.poll() {
            match r {
                ViewResult::Rows { rows, elapsed, .. } => {
                    if let Some(v) = self.inflight.take() {
                        self.shown = Some(v);
                    }
                    self.rows = rows;
                    self.rows_took = Some(elapsed);
                    self.selection.relocate(&self.rows);
                    events.push(SessionEvent::RowsChanged {
                        focus_present: self.selection.focus_pos.is_some(),
                        new_view: self.submitted_new_view,
                    });
                }
                ViewResult::Summary { summary, .. } => self.summary = Some(summary),
            }
        }
        if let Some(rx) = &self.export_job
            && let Ok(result) = rx.try_recv()
        {
            self.export_job = None;
            match &result {
                Ok(w) => self.info(export_message(w)),
                Err(e) => self.error(format!("Export failed: {e}")),
            }
            events.push(SessionEvent::ExportFinished(result));
        }
        self.refresh();
        if self.detect_after_rows && !self.jobs.rows_pending() && !self.needs_refresh() {
            self.start_detections();
        }
        events
    }

    /// How long the front end may wait before polling again for the case's
    /// autosave (`None`: nothing pending).
    pub fn tick_autosave(&mut self, now: Instant) -> Option<Duration> {
        let case = self.case.clone();
        let (wait, failed) = self.autosave.tick(&case, now);
        if let Some(e) = failed {
            self.error(e);
        }
        wait
    }

    /// Writes the autosave now if the case changed (on exit).
    pub fn flush_autosave(&mut self) -> Result<(), String> {
        self.autosave.flush(&self.case).map_err(|e| e.to_string())
    }

    /// Starts loading `paths`, adding to what is loaded.
    pub fn open(&mut self, paths: Vec<PathBuf>) {
        if paths.is_empty() {
            return;
        }
        self.abandon_load();
        for p in &paths {
            if !self.loaded_paths.contains(p) {
                self.loaded_paths.push(p.clone());
            }
        }
        self.report.report.cancelled = false;
        self.report.append_time = Duration::ZERO;
        self.integrity_checks.cancel();
        self.search_prep.stop();
        self.progress = Some(Progress::default());
        self.info(format!("Loading {}…", describe_paths(&paths)));
        let wake = self.waker();
        self.load = Some(LoadJob::start(
            paths,
            self.options.load.clone(),
            self.store.clone(),
            self.report.report.clone(),
            wake,
        ));
        self.report_copied = Instant::now();
        self.restore_autosaved_marks();
    }

    /// Brings back the marks an earlier session autosaved for exactly the
    /// paths now loaded (after a crash, a kill or a plain relaunch), when
    /// this case has none of its own; the autosave then goes on in the
    /// same file, so nothing in it is lost.
    pub(crate) fn restore_autosaved_marks(&mut self) {
        if !self.case.marks.is_empty() {
            return;
        }
        let paths: Vec<PathBuf> = self
            .loaded_paths
            .iter()
            .map(|p| case_file::absolute(p))
            .collect();
        let Some(saved) = self.autosave.take_marks_for(&paths) else {
            return;
        };
        let marked = saved.marks.len();
        let case = Arc::make_mut(&mut self.case);
        case.tags = saved.tags;
        case.marks = saved.marks;
        if let Ok(store) = self.store.read() {
            case.bind(&store);
        }
        // Not in any case file yet: Save asks for a name.
        case.dirty = true;
        self.info(format!(
            "Restored {marked} marked events autosaved for these paths"
        ));
        // Said again when the load finishes (its message replaces this one).
        self.restored_marks = Some(marked);
    }

    /// Asks the running load to stop; what it loaded stays.
    pub fn cancel_load(&mut self) {
        if let Some(job) = &self.load {
            job.cancel();
        }
    }

    /// Takes the running load's progress; at its end, its report, and
    /// finishes it. The report is copied every [`REPORT_COPY`] meanwhile
    /// (the Load report window shows it as it grows).
    fn poll_load(&mut self, events: &mut Vec<SessionEvent>) {
        let Some(job) = &self.load else {
            return;
        };
        let finished = {
            let mut a = job.appended();
            self.progress = a.progress.or(self.progress);
            self.report.append_time = a.append_time;
            if a.finished {
                self.report.report = std::mem::take(&mut a.report);
            } else if self.report_copied.elapsed() >= REPORT_COPY {
                self.report.report = a.report.clone();
                self.report_copied = Instant::now();
            }
            a.finished
        };
        if finished {
            self.finish_load();
            events.push(SessionEvent::LoadFinished);
        }
    }

    /// Stops the running load, if any, keeping what it stored and its
    /// report so far.
    fn abandon_load(&mut self) {
        if let Some(job) = self.load.take() {
            job.abandon();
            // Its report holds the one it started from plus what it read,
            // whether or not it finished since the last poll.
            let mut a = job.appended();
            self.report.report = std::mem::take(&mut a.report);
            if !a.finished {
                self.report.report.cancelled = true;
            }
        }
    }

    fn finish_load(&mut self) {
        let Some(mut job) = self.load.take() else {
            return;
        };
        job.wait();
        let secs = job.started.elapsed().as_secs_f64();
        self.report.last_load_secs = Some(secs);
        crate::log::timing(
            "load",
            job.started.elapsed(),
            format_args!(
                "{} events from {} files ({} ms appending to the store)",
                self.store_len(),
                self.report.report.files.total(),
                self.report.append_time.as_millis()
            ),
        );
        self.report.report.cancelled = job.is_cancelled();
        self.credential_graph_took = Some(crate::sessions::rebuild_graph(&self.store));
        let n = self.store_len();
        let problems = self.report.report.problems.len();
        let mut text = format!(
            "Loaded {} events from {} files in {}",
            thousands(n as u64),
            thousands(self.report.report.files.total() as u64),
            duration(secs)
        );
        if problems > 0 {
            text.push_str(&format!(
                " — {problems} problem{} (see Load report)",
                if problems == 1 { "" } else { "s" }
            ));
        }
        if let Some(marked) = self.restored_marks.take() {
            text.push_str(&format!(
                " — Restored {marked} marked events autosaved for these paths"
            ));
        }
        if job.is_cancelled() {
            text.push_str(" — cancelled");
        }
        self.info(text);
        self.progress = None;
        if self.options.check_integrity {
            self.check_integrity(None);
        }
        if self.options.detect {
            self.detection_jobs.set_options(self.options.rules.clone());
            self.detect_after_rows = true;
        }
        if self.options.prepare_search {
            self.search_prep
                .start(self.store.clone(), self.jobs.running());
        }
    }

    /// Loads `paths` and returns when every event is in the store (the
    /// command line): the same loader and appender as [`Session::open`],
    /// waited for.
    pub fn open_blocking(&mut self, paths: Vec<PathBuf>) {
        self.open(paths);
        if let Some(job) = &mut self.load {
            job.wait();
        }
        let mut events = Vec::new();
        self.poll_load(&mut events);
    }

    /// Checks everything loaded against its digests in the background,
    /// reading `new_keys` first when given.
    pub fn check_integrity(&mut self, new_keys: Option<PathBuf>) {
        let wake = self.waker();
        let report = self.report.report.clone();
        if self
            .integrity_checks
            .start(&self.store, &report, new_keys, wake)
        {
            self.info("Checking integrity…");
        } else {
            self.set_integrity(None);
        }
    }

    /// Checks integrity now and waits for it (the command line). Returns
    /// the report, `None` when no digest was loaded.
    pub fn check_integrity_blocking(&mut self) -> Option<Arc<IntegrityReport>> {
        self.check_integrity(None);
        if let Some(r) = self.integrity_checks.wait() {
            self.take_integrity(r);
        }
        self.integrity.clone()
    }

    fn poll_integrity(&mut self) {
        if let Some(r) = self.integrity_checks.poll() {
            self.take_integrity(r);
        }
    }

    fn take_integrity(&mut self, r: Result<crate::integrity_check::CheckResult, String>) {
        match r {
            Err(e) => self.error(e),
            Ok(result) => match result.report {
                Some((report, index)) => {
                    self.info(format!("Integrity: {}", report.summary_line()));
                    self.set_integrity(Some((report, index)));
                }
                None => {
                    self.set_integrity(None);
                    if let Some(e) = result.keys_error {
                        self.error(e);
                    }
                }
            },
        }
    }

    fn set_integrity(&mut self, r: Option<(Arc<IntegrityReport>, Arc<IntegrityIndex>)>) {
        let (report, index) = r.unzip();
        self.integrity = report;
        self.integrity_index = index;
        self.integrity_generation += 1;
    }

    /// The view's rows, computed on this thread (the command line): the
    /// same pipeline as the background jobs. A query that does not compile
    /// is an error.
    pub fn rows_blocking(&mut self) -> Result<Arc<Vec<EventIdx>>, QueryError> {
        let compiled = self.compiled()?;
        self.ensure_bound();
        let req = self.request(compiled.clone());
        let started = Instant::now();
        let rows = Arc::new(req.rows(&self.read()));
        self.rows_took = Some(started.elapsed());
        self.rows = rows.clone();
        self.applied = self.view.clone();
        self.query_error = None;
        self.computed = Some(self.key(compiled.as_deref()));
        Ok(rows)
    }

    // ----- export -----

    /// The rows an export works on: the marked rows in table order when
    /// `selected_only`, else every row of the view.
    pub fn export_rows(&self, selected_only: bool) -> Vec<EventIdx> {
        if selected_only {
            self.rows
                .iter()
                .copied()
                .filter(|i| self.selection.marked.contains(i))
                .collect()
        } else {
            self.rows.as_ref().clone()
        }
    }

    /// The export of `rows` of the applied view to `out`, with the
    /// session's integrity report, case and protected inputs.
    pub fn export_job(&self, rows: Vec<EventIdx>, format: ExportFormat, out: PathBuf) -> ExportJob {
        ExportJob {
            rows,
            format,
            view: self.applied.clone(),
            out,
            protected: self.loaded_paths.clone(),
            manifest: true,
            integrity: self.integrity.clone(),
            integrity_index: self.integrity_index.clone(),
            case: Some(self.case.clone()),
            detections: self.detection_jobs.index.clone(),
        }
    }

    /// Writes `job` on a worker thread; [`Session::poll`] reports the end.
    pub fn start_export(&mut self, job: ExportJob) {
        self.ensure_bound();
        let store = self.store.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let wake = self.waker();
        std::thread::spawn(move || {
            let store = read_store(&store);
            let r = evidence::write(&store, &job);
            let _ = tx.send(r);
            wake();
        });
        self.export_job = Some(rx);
        self.info("Exporting…");
    }

    /// Writes `job` on this thread (the command line).
    pub fn export_blocking(&mut self, job: &ExportJob) -> Result<Written, String> {
        self.ensure_bound();
        let store = self.store.clone();
        let store = read_store(&store);
        evidence::write(&store, job)
    }

    // ----- case -----

    /// Drops every event, the case and any load in progress. The view's
    /// query, sort and columns stay.
    pub fn close_all(&mut self) {
        if let Some(job) = self.load.take() {
            // Once abandoned nothing more is appended: clearing is final.
            job.abandon();
        }
        self.detect_after_rows = false;
        self.integrity_checks.cancel();
        self.detection_jobs.clear();
        self.search_prep.stop();
        if let Ok(mut s) = self.store.write() {
            s.clear();
        }
        self.loaded_paths.clear();
        self.report = LoadSummary::default();
        self.progress = None;
        self.rows = Arc::new(Vec::new());
        self.rows_took = None;
        self.summary = None;
        self.computed = None;
        self.jobs = ViewJobs::default();
        self.selection.clear();
        self.status = None;
        self.case = Arc::new(Case::default());
        self.set_integrity(None);
        self.view.time_range = None;
        // The next case starts its revisions again: autosave it whatever
        // its revision.
        self.autosave.force_next();
    }

    /// Replaces what is loaded with `case`: its view and marks come back
    /// and its paths load.
    pub fn open_case(&mut self, case: Case) {
        self.close_all();
        let name = case
            .file
            .as_deref()
            .and_then(Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "the last session".to_owned());
        let marked = case.marks.len();
        let paths = case_file::restore(self, case);
        self.autosave.force_next();
        self.open(paths);
        self.info(format!(
            "Opened {name}: {marked} marked events; loading its data…"
        ));
    }

    /// True when the case has tags, notes or stars that are not saved.
    pub fn has_unsaved_marks(&self) -> bool {
        self.case.dirty && !self.case.marks.is_empty()
    }
}

/// The status line of a finished export.
pub fn export_message(w: &Written) -> String {
    let mut text = format!(
        "Exported {} events ({}) to {}",
        thousands(w.events as u64),
        bytes(w.bytes),
        w.path.display()
    );
    if let Some(m) = &w.manifest {
        text.push_str(&format!(" · manifest {}", m.display()));
    }
    if w.stale_temp_files_removed > 0 {
        text.push_str(&format!(
            " · removed {} temporary files an interrupted export had left there",
            w.stale_temp_files_removed
        ));
    }
    text
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

#[cfg(test)]
mod tests {
    use super::*;
    use trailview_core::ingest::store_from_texts;
    use trailview_core::model::{Column, ColumnSpec};

    fn session() -> Session {
        let store = store_from_texts(&[(
            "a.json",
            &[
                r#"{"eventName":"B","eventTime":"2023-01-01T00:00:02Z"}"#,
                r#"{"eventName":"A","eventTime":"2023-01-01T00:00:01Z"}"#,
            ],
        )]);
        let mut s = Session::new(SessionOptions::headless(LoadOptions::default()));
        s.store = Arc::new(RwLock::new(store));
        s
    }

    fn trail_file(dir: &std::path::Path, name: &str, id: &str) -> PathBuf {
        let p = dir.join(name);
        let ev = format!(
            r#"{{"Records":[{{"eventID":"{id}","eventName":"GetObject","eventTime":"2023-01-01T00:00:00Z"}}]}}"#
        );
        std::fs::write(&p, ev).expect("write");
        p
    }

    #[test]
    fn a_load_finished_but_not_yet_polled_keeps_its_report_when_another_starts() {
        let dir = tempfile::tempdir().expect("dir");
        let a = trail_file(dir.path(), "a.json", "e1");
        let b = trail_file(dir.path(), "b.json", "e2");
        let mut s = Session::new(SessionOptions::headless(LoadOptions::default()));
        s.open(vec![a]);
        // The appender stores the event without the session polling.
        let deadline = Instant::now() + Duration::from_secs(10);
        while s.load.as_ref().is_some_and(|j| !j.appended().finished) {
            assert!(Instant::now() < deadline, "the appender did not finish");
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(s.store_len(), 1);
        s.open(vec![b]);
        while s.is_loading() {
            s.poll();
            assert!(Instant::now() < deadline, "the second load did not finish");
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(s.store_len(), 2);
        assert_eq!(s.report().files.log, 2, "both files in the report");
        assert!(!s.report().cancelled);
    }

    #[test]
    fn close_all_during_a_load_leaves_nothing_of_it_in_the_store() {
        let dir = tempfile::tempdir().expect("dir");
        let files: Vec<PathBuf> = (0..200)
            .map(|i| trail_file(dir.path(), &format!("f{i}.json"), &format!("e{i}")))
            .collect();
        let mut s = Session::new(SessionOptions::headless(LoadOptions::default()));
        s.open(files);
        s.close_all();
        // Whatever the appender was doing, nothing arrives after the clear.
        std::thread::sleep(Duration::from_millis(200));
        s.poll();
        assert_eq!(s.store_len(), 0);
        assert!(!s.is_loading());
    }

    /// Waits for the newest view job.
    fn settle(s: &mut Session) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !s.is_idle() {
            s.poll();
            assert!(Instant::now() < deadline, "did not settle");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn the_view_is_computed_once_per_change_and_columns_alone_do_not_recompute() {
        let mut s = session();
        settle(&mut s);
        assert_eq!(s.rows().as_slice(), &[1, 0]);
        assert!(!s.needs_refresh());
        s.update_view(|v| v.query = "name:B".into());
        assert!(s.needs_refresh());
        settle(&mut s);
        assert_eq!(s.rows().as_slice(), &[0]);
        assert_eq!(s.applied_view().query, "name:B");
        // A new column: the applied view (exports, the case) has it at
        // once, and no job runs for it.
        let took = s.rows_took();
        s.update_view(|v| v.columns.push(ColumnSpec::Column(Column::EventId)));
        s.poll();
        assert!(!s.rows_pending() && s.is_idle());
        assert_eq!(s.rows_took(), took, "the rows were not computed again");
        assert_eq!(s.applied_view().columns, s.view().columns);
        assert_eq!(s.case().column_specs(), s.view().columns);
    }

    #[test]
    fn a_bad_query_keeps_the_rows_and_says_where() {
        let mut s = session();
        settle(&mut s);
        s.update_view(|v| v.query = "name:(A".into());
        settle(&mut s);
        assert!(s.query_error().is_some());
        assert_eq!(s.rows().len(), 2, "the last rows stay");
        assert_eq!(s.applied_view().query, "");
    }

    #[test]
    fn a_cancelled_query_stops_and_the_shown_rows_and_view_come_back() {
        let mut s = session();
        s.update_view(|v| v.query = "name:A".into());
        settle(&mut s);
        assert_eq!(s.rows().as_slice(), &[1]);
        // Until the next poll, whatever the worker did, its rows are
        // pending: the cancel always comes first.
        s.update_view(|v| v.query = "name:B".into());
        s.refresh();
        assert!(s.rows_pending());
        assert!(s.rows_pending_for().is_some());
        assert!(s.cancel_view());
        assert_eq!(s.view().query, "name:A");
        std::thread::sleep(Duration::from_millis(50));
        s.poll();
        assert!(!s.rows_pending(), "the shown view is not computed again");
        assert_eq!(
            s.rows().as_slice(),
            &[1],
            "nothing of the cancelled query arrives"
        );
        assert!(!s.cancel_view(), "nothing left to cancel");
    }
}
