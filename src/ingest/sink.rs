//! Where the shape readers put records: numbers them in file order, turns
//! each into a batch row (or a record problem), and notes whether any of
//! them looks like a CloudTrail event at all.

use std::path::PathBuf;

use crate::ingest::record::{RecordError, RecordFields, parse_record};
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

/// Collects the records of one file.
pub struct Sink {
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
            builder: BatchBuilder::with_span(path.clone(), span),
            path,
            next_index: 0,
            cloudtrail_like: 0,
            span,
            gzip,
        }
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
        if looks_like_event(fields) {
            self.cloudtrail_like += 1;
        }
        self.builder.push_fields(raw, fields, index);
    }

    /// Records a problem with the next record.
    pub fn problem(&mut self, reason: String) {
        let index = self.take_index();
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

    pub fn finish(self) -> Batch {
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
    fn reset_forgets() {
        let mut s = Sink::new("f.json".into());
        s.push(r#"{"eventName":"A"}"#);
        s.reset();
        assert!(s.is_empty());
        assert_eq!(s.records_seen(), 0);
        assert_eq!(s.finish().path, PathBuf::from("f.json"));
    }
}
