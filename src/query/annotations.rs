//! What the analyst added to events (tags, notes, stars) and what the
//! integrity check found, as the query evaluator sees them. The case and
//! integrity modules supply an implementation; without one, `tag:`,
//! `has:note`, `is:starred` and `integrity:` match nothing.

use crate::model::EventIdx;

/// Per-event annotations for `tag:`, `has:note`, `is:starred` and
/// `integrity:`. Every method has a "nothing" default.
pub trait Annotations: Sync {
    /// The tags on an event.
    fn tags(&self, _idx: EventIdx) -> &[String] {
        &[]
    }
    /// Whether the event has a note.
    fn has_note(&self, _idx: EventIdx) -> bool {
        false
    }
    /// Whether the event is starred.
    fn is_starred(&self, _idx: EventIdx) -> bool {
        false
    }
    /// The integrity status of the event's file (`valid`, `tampered`, ...),
    /// empty when unknown.
    fn integrity(&self, _idx: EventIdx) -> &str {
        ""
    }
}

/// No annotations at all.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAnnotations;

impl Annotations for NoAnnotations {}
