//! Case files: recording the session's view (paths, query, sort, columns)
//! and detection rules in the case, Save / Save as, restoring an opened case, the window
//! title's case part, and the debounced autosave with the "Resume last
//! session" offer. The autosave target is given by the caller
//! (`None` in tests unless they pass a temporary folder), so nothing here
//! reads or writes the real user data folder on its own.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant, SystemTime};

use crate::detect_job::RuleOptions;
use crate::session::Session;
use trailview_core::case::file::CASE_EXTENSION;
use trailview_core::case::{Case, CaseError, CaseFile, CaseRules};
use trailview_core::model::SortKey;
use trailview_core::sigma::Level;

/// How long after the last change the autosave waits: short, so that
/// marks survive a crash or a kill (each write is atomic).
pub const AUTOSAVE_DELAY: Duration = Duration::from_millis(300);

/// Most alternative autosave names tried for one set of paths.
const MAX_SLOT_COPIES: u32 = 100;

/// What the start screen says about the last session.
#[derive(Debug, Clone, PartialEq)]
pub struct ResumeInfo {
    /// The autosave file.
    pub file: PathBuf,
    pub paths: Vec<PathBuf>,
    pub query: String,
    /// Events with a tag, note or star.
    pub marked: usize,
    /// When the autosave was written (UTC milliseconds).
    pub saved_ms: Option<i64>,
}

impl ResumeInfo {
    /// Reads the autosave at `path`; `None` when there is none or it
    /// loaded nothing.
    pub fn read(path: &Path) -> Option<ResumeInfo> {
        let file = CaseFile::open(path).ok()?;
        if file.paths.is_empty() {
            return None;
        }
        let saved_ms = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map(|d| d.as_millis() as i64);
        Some(ResumeInfo {
            file: path.to_path_buf(),
            paths: file.paths,
            query: file.query,
            marked: file.events.len(),
            saved_ms,
        })
    }

    /// The session to offer from the autosaves in `dir`: the newest one
    /// with marks, else the newest one.
    pub fn newest(dir: &Path) -> Option<ResumeInfo> {
        let entries = std::fs::read_dir(dir).ok()?;
        let mut found: Vec<ResumeInfo> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == CASE_EXTENSION))
            .filter_map(|p| ResumeInfo::read(&p))
            .collect();
        found.sort_by_key(|r| (r.marked > 0, r.saved_ms));
        found.pop()
    }
}

/// The autosave's state. Every set of loaded paths has its own file in
/// the autosave folder; a file that holds another session's marks is never
/// overwritten (an alternative name is taken instead).
#[derive(Default)]
pub struct Autosave {
    /// The autosave folder; `None` turns autosave off.
    pub dir: Option<PathBuf>,
    /// The file this session writes, and the paths it is for.
    slot: Option<(Vec<PathBuf>, PathBuf)>,
    /// The case revision last written to the autosave (`None`: write the
    /// next case with paths whatever its revision).
    written: Option<u64>,
    /// The newest revision seen and when it was first seen.
    changed: Option<(u64, Instant)>,
    pub(crate) job: Option<(u64, Receiver<Result<(), CaseError>>)>,
    /// The last session, for the start screen.
    pub resume: Option<ResumeInfo>,
    /// The action ("Open case…", "Close all") that was refused once because
    /// of unsaved marks; asked again, it goes ahead.
    pub discard_armed: Option<String>,
}

impl Autosave {
    /// Autosaves into the folder `dir` and offers its newest session.
    pub fn with_dir(dir: Option<PathBuf>) -> Autosave {
        let resume = dir.as_deref().and_then(ResumeInfo::newest);
        Autosave {
            dir,
            resume,
            ..Autosave::default()
        }
    }

    /// The file this session autosaves `case` to, choosing (once per set
    /// of paths) a file that holds no other session's marks.
    pub fn target_for(&mut self, case: &Case) -> Option<PathBuf> {
        let dir = self.dir.as_deref()?;
        if case.paths.is_empty() {
            return None;
        }
        if let Some((paths, file)) = &self.slot
            && *paths == case.paths
        {
            return Some(file.clone());
        }
        let free = (0..MAX_SLOT_COPIES)
            .map(|copy| trailview_core::case::autosave_slot(dir, &case.paths, copy))
            .find(|file| match CaseFile::open(file) {
                Ok(old) => old.events.is_empty(),
                // Missing: free. Unreadable: keep it for a human to look at.
                Err(_) => !file.exists(),
            })?;
        self.slot = Some((case.paths.clone(), free.clone()));
        Some(free)
    }

    /// The marks autosaved for `paths` by an earlier session, if any; the
    /// file becomes this session's autosave (its marks are carried on).
    pub fn take_marks_for(&mut self, paths: &[PathBuf]) -> Option<Case> {
        let dir = self.dir.as_deref()?;
        let file = trailview_core::case::autosave_slot(dir, paths, 0);
        let case = Case::from_file(CaseFile::open(&file).ok()?, None);
        if case.marks.is_empty() {
            return None;
        }
        self.slot = Some((paths.to_vec(), file));
        Some(case)
    }

    /// The next autosave writes the case even if it did not change (after
    /// opening a case, so the next start offers it).
    pub fn force_next(&mut self) {
        self.written = None;
        self.changed = None;
    }

    fn needs_write(&self, case: &Case) -> bool {
        !case.paths.is_empty() && self.written != Some(case.revision)
    }

    /// Starts a background autosave when `case` changed at least
    /// [`AUTOSAVE_DELAY`] ago; returns how long to wait before asking
    /// again, if anything is pending, and why the last autosave failed.
    pub fn tick(&mut self, case: &Arc<Case>, now: Instant) -> (Option<Duration>, Option<String>) {
        if self.dir.is_none() {
            return (None, None);
        }
        let mut failed = None;
        if let Some((rev, rx)) = &self.job
            && let Ok(result) = rx.try_recv()
        {
            let rev = *rev;
            self.job = None;
            match result {
                Ok(()) => {
                    self.written = Some(rev);
                    if let Some((_, file)) = &self.slot {
                        self.resume = ResumeInfo::read(file);
                    }
                }
                Err(e) => {
                    // Do not retry the same revision in a loop.
                    self.written = Some(rev);
                    failed = Some(format!("Autosave failed: {e}"));
                }
            }
        }
        if self.job.is_some() {
            return (Some(Duration::from_millis(100)), failed);
        }
        if !self.needs_write(case) {
            return (None, failed);
        }
        let since = match self.changed {
            Some((rev, at)) if rev == case.revision => at,
            _ => {
                self.changed = Some((case.revision, now));
                now
            }
        };
        let waited = now.saturating_duration_since(since);
        if waited < AUTOSAVE_DELAY {
            return (Some(AUTOSAVE_DELAY - waited), failed);
        }
        let Some(target) = self.target_for(case) else {
            self.written = Some(case.revision);
            return (
                None,
                Some("Autosave failed: every autosave name for these paths is taken".into()),
            );
        };
        let snapshot = Arc::clone(case);
        let rev = snapshot.revision;
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let _ = tx.send(snapshot.autosave_to(&target));
        });
        self.job = Some((rev, rx));
        (Some(Duration::from_millis(100)), failed)
    }

    /// Writes the autosave now if the case changed (on exit).
    pub fn flush(&mut self, case: &Case) -> Result<(), CaseError> {
        if let Some((_, rx)) = self.job.take() {
            let _ = rx.recv();
        }
        if !self.needs_write(case) {
            return Ok(());
        }
        let Some(target) = self.target_for(case) else {
            return Ok(());
        };
        case.autosave_to(&target)?;
        self.written = Some(case.revision);
        Ok(())
    }

    /// Reads the offered autosave for "Resume last session".
    pub fn open_autosave(&mut self) -> Result<Case, String> {
        let info = self.resume.as_ref().ok_or("there is no last session")?;
        let file = info.file.clone();
        let mut case = Case::open(&file).map_err(|e| e.to_string())?;
        // The autosave is not the analyst's case file: Save asks for a name.
        case.file = None;
        case.dirty = !case.marks.is_empty();
        // Resumed, the session goes on writing into the same file.
        self.slot = Some((case.paths.clone(), file));
        Ok(case)
    }
}

/// A loaded path as the case stores it: absolute, so the case opens from
/// any working folder (the path is not resolved further: no file access).
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Copies the session's applied view into the case when it differs.
pub fn record_view(state: &mut Session) {
    let view = &state.applied;
    let sort = Some((&view.sort.column, view.sort.direction));
    let paths: Vec<PathBuf> = state.loaded_paths.iter().map(|p| absolute(p)).collect();
    if !state
        .case
        .view_matches(&paths, &view.query, sort, &view.columns)
    {
        Arc::make_mut(&mut state.case).set_view(&paths, &view.query, sort, &view.columns);
    }
    record_rules(state);
}

/// Copies the session's detection rules into the case when they differ.
pub fn record_rules(state: &mut Session) {
    let rules = case_rules(state.rule_options());
    if state.case.rules.as_ref() != Some(&rules) {
        Arc::make_mut(&mut state.case).set_rules(rules);
    }
}

/// The rules a case records.
fn case_rules(o: &RuleOptions) -> CaseRules {
    CaseRules {
        defaults: o.defaults,
        paths: o.paths.iter().map(|p| absolute(p)).collect(),
        disabled: o.disabled.clone(),
        min_level: o.min_level.map(|l| l.as_str().to_owned()),
    }
}

/// Puts an opened case's view into the session and returns the paths to
/// load. Marks attach to rows as the events load.
pub fn restore(state: &mut Session, mut case: Case) -> Vec<PathBuf> {
    let mut view = state.view.clone();
    view.query = case.query.clone();
    if let Some((column, direction)) = case.sort_spec() {
        view.sort = SortKey { column, direction };
    }
    let columns = case.column_specs();
    if !columns.is_empty() {
        view.columns = columns;
    }
    let paths = case.paths.clone();
    // A case from before rules were recorded keeps the current rules, and
    // recording them is not a change.
    let rules = case
        .rules
        .get_or_insert_with(|| case_rules(state.rule_options()))
        .clone();
    let mut options = RuleOptions {
        defaults: rules.defaults,
        paths: rules.paths,
        min_level: rules.min_level.as_deref().and_then(Level::parse),
        disabled: Vec::new(),
    };
    options.set_disabled(rules.disabled);
    state.set_rule_options(options);
    state.case = Arc::new(case);
    state.applied = view.clone();
    state.view = view;
    paths
}

/// Saves to `target` after recording the view; says what happened.
pub fn save_as(state: &mut Session, target: &Path) -> bool {
    record_view(state);
    let target = with_extension(target);
    match Arc::make_mut(&mut state.case).save_as(&target) {
        Ok(()) => {
            state.info(format!(
                "Case saved to {} ({} marked events)",
                target.display(),
                state.case.marks.len()
            ));
            true
        }
        Err(e) => {
            state.error(format!("Case not saved: {e}"));
            false
        }
    }
}

/// Saves to the case's own file; false when it has none yet.
pub fn save(state: &mut Session) -> bool {
    match state.case.file.clone() {
        Some(path) => save_as(state, &path),
        None => false,
    }
}

/// `name.trailview` unless the name has that extension already.
pub fn with_extension(path: &Path) -> PathBuf {
    if path.extension().is_some_and(|e| e == CASE_EXTENSION) {
        path.to_path_buf()
    } else {
        let mut s = path.as_os_str().to_owned();
        s.push(format!(".{CASE_EXTENSION}"));
        PathBuf::from(s)
    }
}

/// The file name Save as suggests: the case's own, else the first loaded
/// path's name.
pub fn suggested_name(state: &Session) -> String {
    let from = state
        .case
        .file
        .as_deref()
        .and_then(Path::file_stem)
        .or_else(|| state.loaded_paths.first().and_then(|p| p.file_name()))
        .map(|n| n.to_string_lossy().into_owned());
    format!("{}.{CASE_EXTENSION}", from.as_deref().unwrap_or("case"))
}

/// The case's part of the window title: its file name and `•` when it
/// has unsaved changes; `None` for an unsaved case without marks.
pub fn title_part(case: &Case) -> Option<String> {
    let dot = if case.dirty { " •" } else { "" };
    match &case.file {
        Some(f) => Some(format!(
            "{}{dot}",
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        )),
        None if !case.marks.is_empty() => Some(format!("unsaved case{dot}")),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::RwLock;
    use trailview_core::ingest::store_from_texts;
    use trailview_core::model::Direction;
    use trailview_core::model::{Column, ColumnSpec};

    fn loaded_state(paths: &[PathBuf]) -> Session {
        let store = store_from_texts(&[(
            "a.json",
            &[r#"{"eventID":"e0","eventName":"A","eventTime":"2023-01-01T00:00:00Z"}"#],
        )]);
        let mut s = Session::default();
        s.store = Arc::new(RwLock::new(store));
        s.loaded_paths = paths.to_vec();
        s
    }

    /// Ticks `state`'s autosave until it has written what it had pending.
    fn settle_autosave(state: &mut Session, now: Instant) {
        let deadline = Instant::now() + Duration::from_secs(10);
        // The first tick sees the change, the second finds it old enough.
        state.tick_autosave(now);
        let now = now + AUTOSAVE_DELAY;
        state.tick_autosave(now);
        while state.autosave().job.is_some() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
            state.tick_autosave(now);
        }
    }

    #[test]
    fn autosave_waits_for_the_delay_then_writes_once_per_change() {
        let dir = tempfile::tempdir().expect("tempdir");
        let autosaves = dir.path().join("data/autosaves");
        let evidence = tempfile::tempdir().expect("tempdir");
        let paths = vec![evidence.path().to_path_buf()];
        let target = trailview_core::case::autosave_slot(&autosaves, &paths, 0);
        let mut state = loaded_state(&paths);
        state.set_autosave(Some(autosaves.clone()));
        assert!(state.autosave().resume.is_none());
        let t0 = Instant::now();
        // Nothing loaded in the case yet: nothing to write.
        assert_eq!(state.tick_autosave(t0), None);
        record_view(&mut state);
        assert!(state.tick_autosave(t0).is_some());
        assert!(!target.exists(), "written before the delay");
        settle_autosave(&mut state, t0 + AUTOSAVE_DELAY);
        assert!(target.exists(), "{:?}", state.status());
        let info = state.autosave().resume.clone().expect("resume info");
        assert_eq!(info.paths, paths);
        assert_eq!(info.file, target);
        assert!(info.saved_ms.is_some());
        // No change: nothing more to do.
        assert_eq!(state.tick_autosave(t0 + 2 * AUTOSAVE_DELAY), None);
        assert!(state.flush_autosave().is_ok());
    }

    #[test]
    fn each_set_of_paths_has_its_own_autosave_and_gets_its_marks_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let autosaves = dir.path().join("autosaves");
        let one = tempfile::tempdir().expect("tempdir");
        let two = tempfile::tempdir().expect("tempdir");
        let first = vec![one.path().to_path_buf()];
        let second = vec![two.path().to_path_buf()];
        let t0 = Instant::now();

        // A session marks an event on the first folder, then is killed
        // (no flush: only what the autosave wrote as the marks changed).
        let mut a = loaded_state(&first);
        a.set_autosave(Some(autosaves.clone()));
        record_view(&mut a);
        crate::marks::set_note(&mut a, 0, "seen in the breach");
        assert_eq!(a.case.marks.len(), 1);
        settle_autosave(&mut a, t0 + AUTOSAVE_DELAY);
        assert!(
            a.status().is_none_or(|s| !s.text.contains("failed")),
            "{:?}",
            a.status()
        );
        drop(a);

        // The app relaunched on another folder writes elsewhere.
        let mut b = loaded_state(&second);
        b.set_autosave(Some(autosaves.clone()));
        b.restore_autosaved_marks();
        assert!(b.case.marks.is_empty(), "marks of other paths restored");
        record_view(&mut b);
        crate::marks::set_note(&mut b, 0, "other case");
        settle_autosave(&mut b, t0 + AUTOSAVE_DELAY);
        let files = std::fs::read_dir(&autosaves).expect("autosaves").count();
        assert_eq!(files, 2, "one autosave per set of paths");
        drop(b);

        // Opening the first folder again brings its note back.
        let mut c = loaded_state(&first);
        c.set_autosave(Some(autosaves.clone()));
        c.restore_autosaved_marks();
        assert_eq!(c.case.note(0), Some("seen in the breach"));
        assert!(c.case.dirty, "restored marks are not in a case file");
        // ... and goes on writing into the same file.
        record_view(&mut c);
        crate::marks::set_note(&mut c, 0, "seen in the breach, twice");
        settle_autosave(&mut c, t0 + AUTOSAVE_DELAY);
        let file = trailview_core::case::autosave_slot(&autosaves, &first, 0);
        let back = Case::open(&file).expect("autosave");
        assert_eq!(back.marks.len(), 1);
        assert_eq!(std::fs::read_dir(&autosaves).expect("dir").count(), 2);
    }

    #[test]
    fn an_autosave_with_marks_of_another_run_is_never_overwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let autosaves = dir.path().join("autosaves");
        let evidence = tempfile::tempdir().expect("tempdir");
        let paths = vec![evidence.path().to_path_buf()];
        let t0 = Instant::now();
        let mut a = loaded_state(&paths);
        a.set_autosave(Some(autosaves.clone()));
        record_view(&mut a);
        crate::marks::set_note(&mut a, 0, "first run");
        settle_autosave(&mut a, t0 + AUTOSAVE_DELAY);
        // A second run on the same paths that does not take the marks
        // (a case opened from a file, say) and marks something else.
        let mut b = loaded_state(&paths);
        b.set_autosave(Some(autosaves.clone()));
        record_view(&mut b);
        crate::marks::set_note(&mut b, 0, "second run");
        settle_autosave(&mut b, t0 + AUTOSAVE_DELAY);
        let first = Case::open(&trailview_core::case::autosave_slot(&autosaves, &paths, 0))
            .expect("first autosave");
        let second = Case::open(&trailview_core::case::autosave_slot(&autosaves, &paths, 1))
            .expect("second autosave");
        let note = |c: &Case| c.marks.entries().next().map(|(_, m)| m.note.clone());
        assert_eq!(note(&first).as_deref(), Some("first run"));
        assert_eq!(note(&second).as_deref(), Some("second run"));
    }

    /// The rules a session runs go into its case (a change made after
    /// the load too), survive a save and come back when the case opens
    /// in another session.
    #[test]
    fn a_case_records_and_restores_its_detection_rules() {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = vec![PathBuf::from("/nowhere/evidence")];
        let mut a = loaded_state(&paths);
        record_view(&mut a);
        let mut rules = RuleOptions {
            defaults: false,
            paths: vec![PathBuf::from("/nowhere/rules")],
            min_level: Some(Level::High),
            disabled: Vec::new(),
        };
        rules.set_disabled(["b-id".to_owned(), "a-id".to_owned()]);
        let rev = a.case.revision;
        a.set_rule_options(rules.clone());
        assert!(
            a.case.revision > rev,
            "a rule change is a change of the case"
        );
        let target = dir.path().join("c.trailview");
        assert!(save_as(&mut a, &target));
        let file = trailview_core::case::CaseFile::open(&target).expect("open");
        assert_eq!(
            file.rules,
            Some(CaseRules {
                defaults: false,
                paths: vec![PathBuf::from("/nowhere/rules")],
                disabled: vec!["a-id".into(), "b-id".into()],
                min_level: Some("high".into()),
            })
        );
        let mut b = Session::default();
        restore(&mut b, Case::open(&target).expect("case"));
        assert_eq!(b.rule_options(), &rules);
        // A case written before rules were recorded keeps the current ones.
        let mut old = Case::open(&target).expect("case");
        old.rules = None;
        let mut c = Session::default();
        let before = c.rule_options().clone();
        restore(&mut c, old);
        assert_eq!(c.rule_options(), &before);
    }

    #[test]
    fn restore_puts_the_view_back_and_record_view_keeps_it_clean() {
        let mut case = Case::new();
        let time = ColumnSpec::Column(Column::EventName);
        let cols = [
            ColumnSpec::Column(Column::Time),
            ColumnSpec::Path("requestParameters.bucketName".into()),
        ];
        let paths = vec![PathBuf::from("/nowhere/evidence")];
        case.set_view(
            &paths,
            "tag:evidence",
            Some((&time, Direction::Descending)),
            &cols,
        );
        case.dirty = false;
        let mut state = Session::default();
        let back = restore(&mut state, case);
        assert_eq!(back, paths);
        assert_eq!(state.view().query, "tag:evidence");
        assert_eq!(
            state.view().sort.column,
            ColumnSpec::Column(Column::EventName)
        );
        assert_eq!(state.view().sort.direction, Direction::Descending);
        assert_eq!(state.view().columns, cols.to_vec());
        state.loaded_paths = paths;
        record_view(&mut state);
        assert!(!state.case.dirty, "the restored view is not a change");
    }

    #[test]
    fn relative_paths_are_stored_absolute() {
        let mut state = loaded_state(&[PathBuf::from("logs/incident")]);
        record_view(&mut state);
        let stored = &state.case.paths[0];
        assert!(stored.is_absolute(), "{}", stored.display());
        assert!(stored.ends_with("logs/incident"));
        // Recording again is not a change.
        let rev = state.case.revision;
        record_view(&mut state);
        assert_eq!(state.case.revision, rev);
    }

    #[test]
    fn names_and_titles() {
        assert_eq!(
            with_extension(Path::new("/x/c")),
            PathBuf::from("/x/c.trailview")
        );
        assert_eq!(
            with_extension(Path::new("/x/c.trailview")),
            PathBuf::from("/x/c.trailview")
        );
        let mut state = loaded_state(&[PathBuf::from("/logs/incident-42")]);
        assert_eq!(suggested_name(&state), "incident-42.trailview");
        assert_eq!(title_part(&state.case), None);
        state.case = Arc::new(Case {
            file: Some(PathBuf::from("/cases/c.trailview")),
            dirty: true,
            ..Case::default()
        });
        assert_eq!(suggested_name(&state), "c.trailview");
        assert_eq!(title_part(&state.case).as_deref(), Some("c.trailview •"));
    }
}
