//! Per-event answers for the table and the query language: an event's tags,
//! note and star from the [`Case`], and the integrity status of the file it
//! came from from an [`IntegrityReport`] (see [`IntegrityIndex`]).

use crate::integrity::{FileStatus, IntegrityReport};
use crate::model::EventIdx;
use crate::query::RuleLabel;
use crate::sigma::DetectionIndex;
use crate::store::Store;

use super::Case;

/// The integrity status of each file of a store, by file id, so a
/// per-event lookup is two index operations. Build it once after loading
/// and after each integrity check.
#[derive(Clone, Debug, Default)]
pub struct IntegrityIndex {
    per_file: Vec<FileStatus>,
}

impl IntegrityIndex {
    pub fn new(store: &Store, report: &IntegrityReport) -> IntegrityIndex {
        IntegrityIndex {
            per_file: report.statuses_for(store.files()),
        }
    }

    /// The status of an event's file.
    pub fn status(&self, store: &Store, idx: EventIdx) -> FileStatus {
        if (idx as usize) >= store.len() {
            return FileStatus::Unknown;
        }
        self.per_file
            .get(store.file_id(idx) as usize)
            .copied()
            .unwrap_or(FileStatus::Unknown)
    }
}

/// Everything known about events beyond their own fields.
#[derive(Clone, Copy)]
pub struct EventAnnotations<'a> {
    pub store: &'a Store,
    pub case: Option<&'a Case>,
    pub integrity: Option<&'a IntegrityIndex>,
    /// Says when the evaluation using these annotations is no longer
    /// wanted (see [`crate::query::Annotations::cancelled`]).
    pub cancel: Option<&'a (dyn Fn() -> bool + Sync)>,
    /// The Sigma detections, when they ran.
    pub detections: Option<&'a DetectionIndex>,
}

impl<'a> EventAnnotations<'a> {
    pub fn new(
        store: &'a Store,
        case: Option<&'a Case>,
        integrity: Option<&'a IntegrityIndex>,
    ) -> EventAnnotations<'a> {
        EventAnnotations {
            store,
            case,
            integrity,
            cancel: None,
            detections: None,
        }
    }

    /// The same with the detections `rule:`, `level:`, `attack:`,
    /// `has:detection` and the `detections` column read.
    pub fn with_detections(mut self, d: Option<&'a DetectionIndex>) -> EventAnnotations<'a> {
        self.detections = d;
        self
    }

    pub fn tags(&self, idx: EventIdx) -> &'a [String] {
        match self.case {
            Some(c) => c.tags_of(idx),
            None => &[],
        }
    }

    pub fn has_note(&self, idx: EventIdx) -> bool {
        self.case.is_some_and(|c| c.has_note(idx))
    }

    pub fn is_starred(&self, idx: EventIdx) -> bool {
        self.case.is_some_and(|c| c.is_starred(idx))
    }

    pub fn note(&self, idx: EventIdx) -> &'a str {
        self.case.and_then(|c| c.note(idx)).unwrap_or("")
    }

    /// `valid`, `modified`, `not-covered`, `no-digest`, or empty when the
    /// file's status is unknown or no check ran.
    pub fn integrity(&self, idx: EventIdx) -> &'static str {
        match self.integrity.map(|i| i.status(self.store, idx)) {
            None | Some(FileStatus::Unknown) => "",
            Some(s) => s.as_str(),
        }
    }
}

impl crate::query::Annotations for EventAnnotations<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.is_some_and(|c| c())
    }

    fn tags(&self, idx: EventIdx) -> &[String] {
        EventAnnotations::tags(self, idx)
    }
    fn has_note(&self, idx: EventIdx) -> bool {
        EventAnnotations::has_note(self, idx)
    }
    fn is_starred(&self, idx: EventIdx) -> bool {
        EventAnnotations::is_starred(self, idx)
    }
    fn note(&self, idx: EventIdx) -> &str {
        EventAnnotations::note(self, idx)
    }
    fn integrity(&self, idx: EventIdx) -> &str {
        EventAnnotations::integrity(self, idx)
    }
    fn rules(&self, idx: EventIdx) -> Vec<&RuleLabel> {
        match self.detections {
            Some(d) => d.labels_of(idx),
            None => Vec::new(),
        }
    }
}
