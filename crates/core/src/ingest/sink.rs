//! Where the shape readers put records: numbers them in file order, turns
//! each into a batch row (or a record problem), and notes whether any of
//! them looks like a CloudTrail event at all. It also stops taking events
//! when the load's memory budget is spent or memory runs out (see
//! [`Stop`]): later records are only counted, so the readers can run to
//! the end of the text without holding anything more.

use std::path::PathBuf;
use std::sync::Arc;

use crate::ingest::budget::{LoadBudget, STORE_BYTES_PER_EVENT};
use crate::ingest::record::{RecordError, RecordFields, parse_record};
use crate::ingest::rows::PushRecord;
use crate::store::batch::{Batch, BatchBuilder, TextSpan};

/// What [`Sink::push_checked`] did with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    /// Added as an event.
    Event,
    /// Valid JSON but not an object: recorded as a record problem.
    Problem,
    /// Not valid JSON: nothing recorded (the caller decides).
    Malformed,
}

/// Why a sink stopped taking events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The load's memory budget would be exceeded.
    Budget,
    /// An allocation for more events failed.
    OutOfMemory,
}

/// Events between two checks of the memory budget.
const BUDGET_CHECK_EVERY: usize = 4096;

/// Collects the records of one file.
pub struct Sink {
    budget: Option<Arc<LoadBudget>>,
    stopped: Option<Stop>,
    path: PathBuf,
    builder: BatchBuilder,
    next_index: u32,
    cloudtrail_like: usize,
    span: Option<TextSpan>,
    /// The gzip file the text came from, and the size it inflates to.
    gzip: Option<(Box<[u8]>, u32)>,
}

impl Sink {
    pub fn new(path: PathBuf) -> Sink {
        Sink::with_gzip(path, None)
    }

    /// A sink for records cut from the text of a gzip file held in memory:
    /// `span` says where that text is, `gzip` is the file and the size it
    /// inflates to. Records that are slices of the text are kept as spans
    /// of the file (see [`TextSpan`]).
    pub fn with_gzip(path: PathBuf, source: Option<(TextSpan, Box<[u8]>, u32)>) -> Sink {
        let (span, gzip) = match source {
            Some((span, bytes, len)) => (Some(span), Some((bytes, len))),
            None => (None, None),
        };
        Sink {
            budget: None,
            stopped: None,
            builder: BatchBuilder::with_span(path.clone(), span),
            path,
            next_index: 0,
            cloudtrail_like: 0,
            span,
            gzip,
        }
    }

    /// Counts this sink's events against `budget`.
    pub fn set_budget(&mut self, budget: Arc<LoadBudget>) {
        self.budget = Some(budget);
    }

    /// Why the sink stopped taking events, if it did.
    pub fn stopped(&self) -> Option<Stop> {
        self.stopped
    }

    /// False once the sink has stopped; checks the budget now and then.
    fn accepting(&mut self) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        if self.builder.is_out_of_memory() {
            self.stopped = Some(Stop::OutOfMemory);
            return false;
        }
        let n = self.builder.len();
        if n > 0
            && n.is_multiple_of(BUDGET_CHECK_EVERY)
            && let Some(budget) = &self.budget
        {
            let store = (n as u64).saturating_mul(STORE_BYTES_PER_EVENT);
            let held = (self.builder.bytes_held() as u64).saturating_add(store);
            if held > budget.remaining() {
                self.stopped = Some(Stop::Budget);
                return false;
            }
        }
        true
    }

    /// Adds one record given as its exact JSON text. A record that is not a
    /// JSON object becomes a record problem.
    pub fn push(&mut self, raw: &str) {
        if self.push_checked(raw) == Pushed::Malformed {
            let index = self.take_index();
            let reason = parse_record(raw)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            self.builder.push_problem(index, reason);
        }
    }

    /// Like [`Self::push`], but a record that is not valid JSON is left to
    /// the caller instead of becoming a record problem.
    pub fn push_checked(&mut self, raw: &str) -> Pushed {
        if !self.accepting() {
            self.take_index();
            return Pushed::Event;
        }
        match parse_record(raw) {
            Ok(fields) => {
                self.push_parsed(raw, &fields);
                Pushed::Event
            }
            Err(RecordError::Malformed(_)) => Pushed::Malformed,
            Err(e) => {
                let index = self.take_index();
                self.builder.push_problem(index, e.to_string());
                Pushed::Problem
            }
        }
    }

    /// Adds one record whose fields were already read from `raw` (its
    /// exact JSON text).
    pub fn push_parsed(&mut self, raw: &str, fields: &RecordFields<'_>) {
        let index = self.take_index();
        if !self.accepting() {
            return;
        }
        if looks_like_event(fields) {
            self.cloudtrail_like += 1;
        }
        self.builder.push_fields(raw, fields, index);
    }

    /// Records a problem with the next record.
    pub fn problem(&mut self, reason: String) {
        let index = self.take_index();
        if self.stopped.is_some() {
            return;
        }
        self.builder.push_problem(index, reason);
    }

    fn take_index(&mut self) -> u32 {
        let i = self.next_index;
        self.next_index = self.next_index.saturating_add(1);
        i
    }

    /// Forgets everything (to read the file again another way).
    pub fn reset(&mut self) {
        self.builder = BatchBuilder::with_span(self.path.clone(), self.span);
        self.stopped = None;
        self.next_index = 0;
        self.cloudtrail_like = 0;
    }

    /// Events added so far.
    pub fn len(&self) -> usize {
        self.builder.len()
    }

    pub fn is_empty(&self) -> bool {
        self.builder.is_empty()
    }

    /// Records seen so far (events and problems).
    pub fn records_seen(&self) -> u32 {
        self.next_index
    }

    /// Events that have at least one CloudTrail event field.
    pub fn cloudtrail_like(&self) -> usize {
        self.cloudtrail_like
    }

    pub fn finish(mut self) -> Batch {
        // An allocation that failed on the last record is noticed here.
        let _ = self.accepting();
        self.builder.finish_with_gzip(self.gzip)
    }
}

/// True when a record has any field only a CloudTrail event has.
fn looks_like_event(f: &RecordFields<'_>) -> bool {
    f.user_identity.is_some()
        || !f.event_time.is_empty()
        || !f.event_name.is_empty()
        || !f.event_source.is_empty()
        || !f.event_id.is_empty()
        || !f.event_type.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_records_and_counts_cloudtrail_like_ones() {
        let mut s = Sink::new("f.json".into());
        s.push(r#"{"eventName":"A"}"#);
        s.push("42");
        s.problem("line 3: malformed JSON".into());
        s.push(r#"{"colour":"red"}"#);
        assert_eq!(s.len(), 2);
        assert_eq!(s.cloudtrail_like(), 1);
        assert_eq!(s.records_seen(), 4);
        let b = s.finish();
        assert_eq!(b.record_index, vec![0, 3]);
        assert_eq!(b.problems.len(), 2);
        assert_eq!(b.problems[0].index, 1);
        assert_eq!(b.problems[1].index, 2);
    }

    #[test]
    fn stops_at_the_budget_and_only_counts_later_records() {
        // Room for a few thousand events, not for twenty thousand.
        let budget = LoadBudget::new(2_000_000);
        let mut s = Sink::new("f.json".into());
        s.set_budget(Arc::clone(&budget));
        for _ in 0..20_000 {
            s.push(r#"{"eventName":"A"}"#);
        }
        s.problem("bad".into());
        assert_eq!(s.stopped(), Some(Stop::Budget));
        assert_eq!(s.records_seen(), 20_001);
        let kept = s.len();
        assert!(
            kept > 0 && kept.is_multiple_of(BUDGET_CHECK_EVERY),
            "{kept}"
        );
        assert!(kept < 20_000);
        let b = s.finish();
        assert_eq!(b.len(), kept);
        assert!(
            b.problems.is_empty(),
            "problems after the stop are not kept"
        );
        // Without a budget everything is taken.
        let mut s = Sink::new("f.json".into());
        for _ in 0..20_000 {
            s.push(r#"{"eventName":"A"}"#);
        }
        assert_eq!((s.len(), s.stopped()), (20_000, None));
    }

    #[test]
    fn reset_forgets() {
        let mut s = Sink::new("f.json".into());
        s.push(r#"{"eventName":"A"}"#);
        s.reset();
        assert!(s.is_empty());
        assert_eq!(s.records_seen(), 0);
        assert_eq!(s.finish().path, PathBuf::from("f.json"));
    }
}
