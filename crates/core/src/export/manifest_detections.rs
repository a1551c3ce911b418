//! The `detections` section of the evidence manifest: every Sigma rule
//! that matched an exported event, with its id, title, level, author (kept
//! for the Detection Rule License 1.1, which asks for the author's
//! attribution wherever a rule or its match is shipped), the rule file's
//! path and SHA-256, its hit count among the exported events and their
//! positions in the export.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::EventIdx;
use crate::sigma::DetectionIndex;

/// What the rules found in the exported events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ManifestDetections {
    /// Rules that ran (enabled), of `rulesLoaded`.
    pub rules_run: usize,
    pub rules_loaded: usize,
    /// Exported events with at least one hit.
    pub events_with_hits: usize,
    /// Rules with at least one hit among the exported events, most
    /// severe first, then most hits.
    pub rules: Vec<ManifestRule>,
}

/// One rule that matched exported events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestRule {
    pub id: String,
    pub title: String,
    pub level: String,
    pub author: String,
    /// The rule file (`default:<name>` for Trailview's own rules).
    pub path: String,
    pub sha256: String,
    /// Exported events it matched.
    pub hits: usize,
    /// Their positions in the export (0 = the first exported event).
    pub positions: Vec<usize>,
}

/// The section for `rows` (in export order).
pub fn section(d: &DetectionIndex, rows: &[EventIdx]) -> ManifestDetections {
    let mut per: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    let mut events_with_hits = 0;
    for (pos, &row) in rows.iter().enumerate() {
        let mut any = false;
        for r in d.detections.rules_of(row) {
            per.entry(r).or_default().push(pos);
            any = true;
        }
        events_with_hits += usize::from(any);
    }
    let mut rules: Vec<(crate::sigma::Level, ManifestRule)> = per
        .into_iter()
        .filter_map(|(i, positions)| {
            let r = d.set.rules.get(i as usize)?;
            Some((
                r.rule.level,
                ManifestRule {
                    id: r.rule.id.clone(),
                    title: r.rule.title.clone(),
                    level: r.rule.level.as_str().to_owned(),
                    author: r.rule.author.clone(),
                    path: r.path.clone(),
                    sha256: r.sha256.clone(),
                    hits: positions.len(),
                    positions,
                },
            ))
        })
        .collect();
    rules.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.hits.cmp(&a.1.hits)));
    ManifestDetections {
        rules_run: d.set.rules.iter().filter(|r| r.enabled).count(),
        rules_loaded: d.set.rules.len(),
        events_with_hits,
        rules: rules.into_iter().map(|(_, r)| r).collect(),
    }
}
