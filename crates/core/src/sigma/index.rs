//! The detections of a store as the rest of Trailview reads them: a
//! [`RuleSet`], its [`Detections`] (sparse hits) and one [`RuleLabel`] per
//! rule for the query language (`rule:`, `level:`, `attack:`,
//! `has:detection`) and the `detections` column.

use std::sync::Arc;

use super::RuleSet;
use super::eval::Detections;
use crate::model::EventIdx;
use crate::query::RuleLabel;

/// Rules, their hits and their labels. Cheap to share (`Arc`).
#[derive(Debug, Clone, Default)]
pub struct DetectionIndex {
    pub set: Arc<RuleSet>,
    pub detections: Detections,
    labels: Vec<RuleLabel>,
}

impl DetectionIndex {
    pub fn new(set: Arc<RuleSet>, detections: Detections) -> DetectionIndex {
        let labels = set.rules.iter().map(|r| label(&r.rule)).collect();
        DetectionIndex {
            set,
            detections,
            labels,
        }
    }

    /// The labels of the rules `row` matched, in rule order.
    pub fn labels_of(&self, row: EventIdx) -> Vec<&RuleLabel> {
        self.detections
            .rules_of(row)
            .filter_map(|r| self.labels.get(r as usize))
            .collect()
    }

    /// The label of rule `i` (an index into `set.rules`).
    pub fn label(&self, i: u32) -> Option<&RuleLabel> {
        self.labels.get(i as usize)
    }
}

/// A rule's label: ATT&CK tags lower-cased without `attack.`, with `-`
/// read as `_` (`privilege-escalation` → `privilege_escalation`).
pub fn label(r: &super::Rule) -> RuleLabel {
    RuleLabel {
        id: r.id.clone(),
        title: r.title.clone(),
        level: r.level as u8,
        attack: r
            .tags
            .iter()
            .filter_map(|t| {
                let t = t.to_lowercase();
                t.strip_prefix("attack.").map(|x| x.replace('-', "_"))
            })
            .collect(),
    }
}
