//! The view computed on worker threads: a [`ViewRequest`] (a spec, its
//! compiled query, the annotations it reads) gives rows, then a summary.
//! Every request gets a generation number; results of anything but the
//! newest request are dropped, and workers stop early once they are stale.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::summary::{Summary, SummaryOptions, summarize_until};
use crate::view::{ViewSpec, compute_rows};
use trailview_core::case::{Case, EventAnnotations, IntegrityIndex};
use trailview_core::model::EventIdx;
use trailview_core::query::Query;
use trailview_core::sigma::DetectionIndex;
use trailview_core::store::Store;

/// Shared, lockable event store.
pub type SharedStore = Arc<RwLock<Store>>;

/// Reads the store even if a thread panicked while holding the lock.
pub fn read_store(store: &SharedStore) -> std::sync::RwLockReadGuard<'_, Store> {
    store.read().unwrap_or_else(|e| e.into_inner())
}

/// One computation: a view spec with its compiled query, what the summary
/// should hold, and the annotations the query and sort may read.
#[derive(Clone, Default)]
pub struct ViewRequest {
    pub spec: ViewSpec,
    /// `spec.query`, compiled (`None`: every event).
    pub query: Option<Arc<Query>>,
    pub summary: SummaryOptions,
    /// Tags, notes and stars for `tag:`, `has:note`, `is:starred`.
    pub case: Option<Arc<Case>>,
    /// File statuses for `integrity:`.
    pub integrity: Option<Arc<IntegrityIndex>>,
    /// Sigma hits for `rule:`, `level:`, `attack:`, `has:detection`.
    pub detections: Option<Arc<DetectionIndex>>,
}

impl ViewRequest {
    /// The rows of `store` this request shows.
    pub fn rows(&self, store: &Store) -> Vec<EventIdx> {
        self.rows_until(store, &|| false)
    }

    /// [`Self::rows`], abandoned (with a partial answer to throw away) as
    /// soon as `cancelled` says so.
    pub fn rows_until(
        &self,
        store: &Store,
        cancelled: &(dyn Fn() -> bool + Sync),
    ) -> Vec<EventIdx> {
        let mut ann = EventAnnotations::new(store, self.case.as_deref(), self.integrity.as_deref())
            .with_detections(self.detections.as_deref());
        ann.cancel = Some(cancelled);
        compute_rows(store, &self.spec, self.query.as_deref(), &ann)
    }
}

pub enum ViewResult {
    Rows {
        generation: u64,
        rows: Arc<Vec<EventIdx>>,
        elapsed: Duration,
    },
    Summary {
        generation: u64,
        summary: Arc<Summary>,
    },
}

/// Runs view requests off the UI thread.
pub struct ViewJobs {
    latest: Arc<AtomicU64>,
    /// Requests being computed right now (the search preparation waits
    /// while this is above zero).
    running: Arc<AtomicUsize>,
    tx: Sender<ViewResult>,
    rx: Receiver<ViewResult>,
    /// Generation whose rows have not arrived yet.
    pending_rows: Option<u64>,
    pending_summary: Option<u64>,
    /// Every request waits for this before it starts: a test seam (a test
    /// holds it to keep a query running for as long as it needs, e.g. to
    /// see the Cancel button of a query over a second). Uncontended
    /// otherwise: one lock per request.
    gate: Arc<std::sync::Mutex<()>>,
}

impl Default for ViewJobs {
    fn default() -> Self {
        let (tx, rx) = unbounded();
        ViewJobs {
            latest: Arc::new(AtomicU64::new(0)),
            running: Arc::new(AtomicUsize::new(0)),
            tx,
            rx,
            pending_rows: None,
            pending_summary: None,
            gate: Arc::default(),
        }
    }
}

/// Counts a running request for as long as it lives.
struct Running(Arc<AtomicUsize>);

impl Running {
    fn new(n: &Arc<AtomicUsize>) -> Running {
        n.fetch_add(1, Ordering::SeqCst);
        Running(n.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl ViewJobs {
    /// The gate every request passes before it starts (see the field).
    pub fn gate(&self) -> Arc<std::sync::Mutex<()>> {
        self.gate.clone()
    }

    /// The number of requests being computed, shared.
    pub fn running(&self) -> Arc<AtomicUsize> {
        self.running.clone()
    }

    /// Starts computing `req`; earlier requests become stale.
    pub fn submit(
        &mut self,
        store: SharedStore,
        req: ViewRequest,
        wake: impl Fn() + Send + 'static,
    ) -> u64 {
        let generation = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        self.pending_rows = Some(generation);
        self.pending_summary = Some(generation);
        let latest = self.latest.clone();
        let tx = self.tx.clone();
        let running = Running::new(&self.running);
        let gate = self.gate.clone();
        std::thread::spawn(move || {
            let _running = running;
            drop(gate.lock());
            let stale = || latest.load(Ordering::SeqCst) != generation;
            let started = Instant::now();
            let store = read_store(&store);
            if stale() {
                return;
            }
            let rows = req.rows_until(&store, &stale);
            if stale() {
                crate::log::timing(
                    "cancelled query",
                    started.elapsed(),
                    format_args!("{:?}", req.spec.query),
                );
                return;
            }
            let rows = Arc::new(rows);
            let elapsed = started.elapsed();
            crate::log::timing(
                "query and sort",
                elapsed,
                format_args!(
                    "{} of {} events for {:?} sorted by {}",
                    rows.len(),
                    store.len(),
                    req.spec.query,
                    req.spec.sort.column.name()
                ),
            );
            let _ = tx.send(ViewResult::Rows {
                generation,
                rows: rows.clone(),
                elapsed,
            });
            wake();
            let summary_started = Instant::now();
            let Some(mut summary) = summarize_until(&store, &rows, req.summary, &stale) else {
                crate::log::timing(
                    "cancelled summary",
                    summary_started.elapsed(),
                    format_args!("{:?}", req.spec.query),
                );
                return;
            };
            if let Some(d) = &req.detections {
                summary.detections = Some(crate::detection_summary::summarize(
                    &store,
                    d,
                    &rows,
                    &summary.histogram,
                    &summary.timeline,
                    req.summary.facet_top,
                ));
            }
            if stale() {
                return;
            }
            crate::log::timing(
                "summary",
                summary_started.elapsed(),
                format_args!(
                    "facets, histogram and {} timeline lanes",
                    summary.timeline.lanes.len()
                ),
            );
            let _ = tx.send(ViewResult::Summary {
                generation,
                summary: Arc::new(summary),
            });
            wake();
        });
        generation
    }

    /// Results of the newest request that have arrived.
    pub fn poll(&mut self) -> Vec<ViewResult> {
        let latest = self.latest.load(Ordering::SeqCst);
        let mut out = Vec::new();
        while let Ok(r) = self.rx.try_recv() {
            match &r {
                ViewResult::Rows { generation, .. } if *generation == latest => {
                    self.pending_rows = None;
                    out.push(r);
                }
                ViewResult::Summary { generation, .. } if *generation == latest => {
                    self.pending_summary = None;
                    out.push(r);
                }
                _ => {}
            }
        }
        out
    }

    /// Abandons the running request: its thread stops between chunks and
    /// nothing it computed arrives.
    pub fn cancel(&mut self) {
        self.latest.fetch_add(1, Ordering::SeqCst);
        self.pending_rows = None;
        self.pending_summary = None;
    }

    /// True while the newest request's rows are still being computed.
    pub fn rows_pending(&self) -> bool {
        self.pending_rows.is_some()
    }

    /// True while anything of the newest request is still being computed.
    pub fn busy(&self) -> bool {
        self.pending_rows.is_some() || self.pending_summary.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailview_core::ingest::store_from_texts;
    use trailview_core::model::{Column, ColumnSpec, Direction, SortKey};

    fn shared() -> SharedStore {
        Arc::new(RwLock::new(store_from_texts(&[(
            "a.json",
            &[
                r#"{"eventName":"B","eventTime":"2023-01-01T00:00:02Z"}"#,
                r#"{"eventName":"A","eventTime":"2023-01-01T00:00:01Z"}"#,
                r#"{"eventName":"C","eventTime":"2023-01-01T00:00:03Z"}"#,
            ],
        )])))
    }

    #[test]
    fn only_the_newest_request_is_delivered() {
        let store = shared();
        let mut jobs = ViewJobs::default();
        jobs.submit(store.clone(), ViewRequest::default(), || {});
        let newest = jobs.submit(
            store,
            ViewRequest {
                spec: ViewSpec {
                    sort: SortKey {
                        column: ColumnSpec::Column(Column::EventName),
                        direction: Direction::Descending,
                    },
                    ..ViewSpec::default()
                },
                ..ViewRequest::default()
            },
            || {},
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut rows = None;
        while jobs.busy() && Instant::now() < deadline {
            for r in jobs.poll() {
                if let ViewResult::Rows {
                    generation,
                    rows: r,
                    ..
                } = r
                {
                    assert_eq!(generation, newest);
                    rows = Some(r);
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(rows.as_deref().map(Vec::as_slice), Some(&[2u32, 0, 1][..]));
        assert!(!jobs.busy());
    }
}
