//! What the analyst added to events (tags, notes, stars) and what the
//! integrity check found, as the query evaluator sees them. The case and
//! integrity modules supply an implementation; without one, `tag:`,
//! `has:note`, `is:starred` and `integrity:` match nothing. Detections
//! (`rule:`, `level:`, `attack:`, `has:detection`) come the same way: the
//! query module knows a rule only by its [`RuleLabel`].

use crate::model::EventIdx;

/// What the query language knows of a Sigma rule an event matched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleLabel {
    pub id: String,
    pub title: String,
    /// 0 informational, 1 low, 2 medium, 3 high, 4 critical.
    pub level: u8,
    /// ATT&CK tags without the `attack.` prefix, lower-cased
    /// (`t1078`, `privilege_escalation`, `privilege-escalation`).
    pub attack: Vec<String>,
}

/// The level names in order, for `level:` (index = [`RuleLabel::level`]).
pub const LEVELS: [&str; 5] = ["informational", "low", "medium", "high", "critical"];

/// Per-event annotations for `tag:`, `has:note`, `is:starred` and
/// `integrity:`. Every method has a "nothing" default.
pub trait Annotations: Sync {
    /// True when the evaluation is no longer wanted (a newer query came):
    /// selection stops between chunks and returns what it has, which the
    /// caller throws away.
    fn cancelled(&self) -> bool {
        false
    }
    /// The tags on an event.
    fn tags(&self, _idx: EventIdx) -> &[String] {
        &[]
    }
    /// Whether the event has a note.
    fn has_note(&self, _idx: EventIdx) -> bool {
        false
    }
    /// The event's note, empty when it has none.
    fn note(&self, _idx: EventIdx) -> &str {
        ""
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
    /// The detection rules the event matched (none without detections).
    fn rules(&self, _idx: EventIdx) -> Vec<&RuleLabel> {
        Vec::new()
    }
}

/// The text of an annotation column for one event (tags joined with
/// ", ", the note, "★" or empty, the integrity status).
pub fn mark_text(ann: &dyn Annotations, mark: crate::model::Mark, idx: EventIdx) -> String {
    use crate::model::Mark;
    match mark {
        Mark::Tags => ann.tags(idx).join(", "),
        Mark::Note => ann.note(idx).to_owned(),
        Mark::Starred => if ann.is_starred(idx) { "★" } else { "" }.to_owned(),
        Mark::Integrity => ann.integrity(idx).to_owned(),
        Mark::Detections => ann
            .rules(idx)
            .iter()
            .map(|r| r.title.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// No annotations at all.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAnnotations;

impl Annotations for NoAnnotations {}
