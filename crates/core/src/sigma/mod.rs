//! Sigma detections over the loaded trail (docs/detections.md).
//!
//! [`rule`] reads Sigma YAML, [`detection`] compiles search identifiers
//! and modifiers, [`condition`] parses conditions, [`correlation`] handles
//! multi-event rules, [`eval`] runs a [`RuleSet`] over the store's columns
//! and raw events, and [`defaults`] embeds Trailview's own rule set.
//! Loading never stops at a bad rule: each one is a [`Problem`] with its
//! path and the reason, and every other rule still runs.

pub mod condition;
pub mod correlation;
pub mod defaults;
pub mod detection;
pub mod eval;
pub mod index;
pub mod rule;
pub mod summary;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use eval::{Detections, Hit};
pub use index::DetectionIndex;
pub use rule::{Level, Rule};

/// A rule file (or document) that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub path: String,
    pub reason: String,
}

/// A loaded rule and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedRule {
    pub rule: Rule,
    /// The file (`default:<name>` for the embedded set).
    pub path: String,
    /// SHA-256 of the rule file's bytes, hex.
    pub sha256: String,
    pub enabled: bool,
}

/// Rules ready to run, and what happened loading them.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<LoadedRule>,
    pub problems: Vec<Problem>,
    /// Rules whose `logsource` is not AWS CloudTrail.
    pub skipped: usize,
}

/// Most rule files read from one folder tree.
pub const MAX_RULE_FILES: usize = 20_000;

impl RuleSet {
    /// Trailview's embedded default rules.
    pub fn defaults() -> RuleSet {
        let mut set = RuleSet::default();
        for (name, text) in defaults::RULES {
            set.add_text(&format!("default:{name}"), text.as_bytes());
        }
        set
    }

    /// Adds every `.yml`/`.yaml` file under `path` (a file or a folder,
    /// walked recursively in sorted order).
    pub fn add_path(&mut self, path: &Path) {
        let mut files = Vec::new();
        if let Err(reason) = collect_files(path, &mut files, 0) {
            self.problems.push(Problem {
                path: path.display().to_string(),
                reason,
            });
            return;
        }
        if files.is_empty() && path.is_dir() {
            self.problems.push(Problem {
                path: path.display().to_string(),
                reason: "no .yml or .yaml rule files in this folder".into(),
            });
        }
        for f in files {
            match crate::ingest::side_file::read_limited(
                &f,
                rule::MAX_RULE_BYTES as u64,
                "rule file",
            ) {
                Ok(bytes) => self.add_text(&f.display().to_string(), &bytes),
                Err(e) => self.problems.push(Problem {
                    path: f.display().to_string(),
                    reason: format!("cannot read: {e}"),
                }),
            }
        }
    }

    /// Adds the rules of one file's bytes.
    pub fn add_text(&mut self, path: &str, bytes: &[u8]) {
        let problem = |reason: String| Problem {
            path: path.to_owned(),
            reason,
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            self.problems.push(problem("not UTF-8 text".into()));
            return;
        };
        let sha256 = hex::encode(Sha256::digest(bytes));
        match rule::parse_text(text) {
            Err(e) => self.problems.push(problem(e.0)),
            Ok(docs) => {
                let many = docs.len() > 1;
                for (i, d) in docs.into_iter().enumerate() {
                    let at = if many {
                        format!(" (document {})", i + 1)
                    } else {
                        String::new()
                    };
                    match d {
                        Err(e) => self.problems.push(problem(format!("{}{at}", e.0))),
                        Ok(r) if !r.is_cloudtrail() => self.skipped += 1,
                        Ok(r) => self.rules.push(LoadedRule {
                            rule: r,
                            path: path.to_owned(),
                            sha256: sha256.clone(),
                            enabled: true,
                        }),
                    }
                }
            }
        }
    }

    /// Disables the rules whose id is in `ids` (the analyst turned them
    /// off). Returns the ids that name no loaded rule.
    pub fn disable(&mut self, ids: &[String]) -> Vec<String> {
        let mut unknown = Vec::new();
        for id in ids {
            let mut found = false;
            for r in self.rules.iter_mut().filter(|r| r.rule.id == *id) {
                r.enabled = false;
                found = true;
            }
            if !found {
                unknown.push(id.clone());
            }
        }
        unknown
    }

    /// Disables rules below `min`.
    pub fn set_min_level(&mut self, min: Level) {
        for r in &mut self.rules {
            r.enabled = r.enabled && r.rule.level >= min;
        }
    }

    /// Checks the references of correlations; unknown ones become problems
    /// and the correlation is dropped.
    pub fn resolve(&mut self) {
        let known: Vec<(String, String)> = self
            .rules
            .iter()
            .filter(|r| matches!(r.rule.body, rule::Body::Detection { .. }))
            .map(|r| (r.rule.id.clone(), r.rule.name.clone()))
            .collect();
        let mut problems = Vec::new();
        self.rules.retain(|r| {
            let rule::Body::Correlation(c) = &r.rule.body else {
                return true;
            };
            for want in &c.rules {
                if !known
                    .iter()
                    .any(|(id, name)| id == want || (!name.is_empty() && name == want))
                {
                    problems.push(Problem {
                        path: r.path.clone(),
                        reason: format!(
                            "correlation `{}` refers to rule `{want}`, which is not loaded",
                            r.rule.title
                        ),
                    });
                    return false;
                }
            }
            true
        });
        self.problems.extend(problems);
    }
}

fn collect_files(path: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<(), String> {
    if depth > 32 {
        return Err("folders nested too deeply".into());
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot open: {e}"))?;
    if meta.is_file() {
        out.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("cannot list: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        if out.len() >= MAX_RULE_FILES {
            return Err(format!("more than {MAX_RULE_FILES} rule files"));
        }
        if e.is_dir() {
            collect_files(&e, out, depth + 1)?;
        } else if e
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| x.eq_ignore_ascii_case("yml") || x.eq_ignore_ascii_case("yaml"))
        {
            out.push(e);
        }
    }
    Ok(())
}
