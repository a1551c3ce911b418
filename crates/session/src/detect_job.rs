//! Sigma detections as a background job after each load. [`DetectionJobs`]
//! keeps the rule set (the defaults plus the rule folders of the options,
//! loaded once per rule configuration), and after each load evaluates the
//! rows added since the previous run (`Detections::extend`: single-event
//! rules over new rows only, correlations recomputed over every hit) on a
//! worker thread, then hands a new [`DetectionIndex`] to the session.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::time::{Duration, Instant};

use crate::view_jobs::{SharedStore, read_store};
use trailview_core::sigma::{DetectionIndex, Detections, Level, Problem, RuleSet};

/// Which rules run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOptions {
    /// Trailview's embedded rules.
    pub defaults: bool,
    /// Rule files or folders added by the user.
    pub paths: Vec<PathBuf>,
    /// Only rules at this level or above run.
    pub min_level: Option<Level>,
    /// Ids of rules turned off (sorted, no duplicates: see
    /// [`RuleOptions::set_disabled`]).
    pub disabled: Vec<String>,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            defaults: true,
            paths: Vec::new(),
            min_level: None,
            disabled: Vec::new(),
        }
    }
}

impl RuleOptions {
    /// Reads the rules: problems (unreadable files, bad YAML, unsupported
    /// features) are in the set's `problems`, every other rule is kept.
    pub fn load(&self) -> RuleSet {
        let mut set = if self.defaults {
            RuleSet::defaults()
        } else {
            RuleSet::default()
        };
        for p in &self.paths {
            set.add_path(p);
        }
        set.resolve();
        if let Some(l) = self.min_level {
            set.set_min_level(l);
        }
        // An id that names no rule (a typo, a folder removed since) turns
        // nothing off: said as a problem, never silently.
        for id in set.disable(&self.disabled) {
            set.problems.push(trailview_core::sigma::Problem {
                path: "(rules turned off)".to_owned(),
                reason: format!("no loaded rule has the id `{id}`; nothing was turned off"),
            });
        }
        set
    }

    /// Turns the rules `ids` off (kept sorted and without duplicates, so
    /// equal choices compare equal).
    pub fn set_disabled(&mut self, ids: impl IntoIterator<Item = String>) {
        let mut ids: Vec<String> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        self.disabled = ids;
    }
}

/// What a worker returns: the new index and how long it took.
struct Outcome {
    index: Arc<DetectionIndex>,
    took: Duration,
}

/// The detections of a session: the rules, the last result, a running
/// worker.
#[derive(Default)]
pub struct DetectionJobs {
    options: RuleOptions,
    /// Rules loaded for `options` (`None`: not yet read).
    set: Option<Arc<RuleSet>>,
    running: Option<Receiver<Outcome>>,
    /// The last finished evaluation.
    pub index: Option<Arc<DetectionIndex>>,
    /// Bumped whenever `index` changes.
    pub generation: u64,
    pub last_took: Option<Duration>,
}

impl DetectionJobs {
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    pub fn options(&self) -> &RuleOptions {
        &self.options
    }

    /// Changes the rules: the next run starts again from the first row.
    pub fn set_options(&mut self, options: RuleOptions) {
        if options != self.options {
            self.options = options;
            self.set = None;
            self.running = None;
            self.index = None;
            self.generation += 1;
        }
    }

    /// The rule set, read now if it was not yet.
    pub fn rules(&mut self) -> Arc<RuleSet> {
        self.set
            .get_or_insert_with(|| Arc::new(self.options.load()))
            .clone()
    }

    /// The rule problems (path and reason), once rules were read.
    pub fn problems(&self) -> &[Problem] {
        self.set.as_deref().map_or(&[], |s| &s.problems)
    }

    /// Forgets results and a running worker (Close all).
    pub fn clear(&mut self) {
        self.running = None;
        if self.index.take().is_some() {
            self.generation += 1;
        }
    }

    /// Evaluates the rows not yet evaluated in the background.
    pub fn start(&mut self, store: &SharedStore, wake: impl Fn() + Send + 'static) {
        let set = self.rules();
        let previous = self
            .index
            .as_ref()
            .filter(|i| Arc::ptr_eq(&i.set, &set))
            .map(|i| i.detections.clone())
            .unwrap_or_default();
        let store = store.clone();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let t0 = Instant::now();
            let mut d: Detections = previous;
            {
                let store = read_store(&store);
                d.extend(&store, &set);
            }
            let index = Arc::new(DetectionIndex::new(set, d));
            let _ = tx.send(Outcome {
                index,
                took: t0.elapsed(),
            });
            wake();
        });
        self.running = Some(rx);
    }

    /// Takes a finished result; true when the index changed.
    pub fn poll(&mut self) -> bool {
        let Some(rx) = &self.running else {
            return false;
        };
        match rx.try_recv() {
            Ok(o) => {
                self.take(o);
                true
            }
            Err(TryRecvError::Empty) => false,
            Err(TryRecvError::Disconnected) => {
                self.running = None;
                false
            }
        }
    }

    /// Waits for the running worker (the command line).
    pub fn wait(&mut self) {
        if let Some(rx) = self.running.take()
            && let Ok(o) = rx.recv()
        {
            self.take(o);
        }
    }

    fn take(&mut self, o: Outcome) {
        self.running = None;
        self.index = Some(o.index);
        self.last_took = Some(o.took);
        self.generation += 1;
    }
}
