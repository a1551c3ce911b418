//! `trailview detect`: runs Sigma rules (Trailview's defaults and any
//! `--rules` folders) over the loaded events and prints one line per rule
//! with hits and the rules that could not be used; `--json` prints one
//! object `{rules, events, problems, ...}` (docs/detections.md).
//! [`RuleArgs`] is shared with the subcommands that can show detections.

use std::path::PathBuf;

use clap::Args;
use serde_json::{Value, json};

use crate::common::{CliError, InputArgs, print};
use trailview_core::sigma::summary::rule_hits;
use trailview_core::sigma::{Level, RuleSet};
use trailview_core::timefmt::format_rfc3339;
use trailview_session::detect_job::RuleOptions;

/// Which Sigma rules run.
#[derive(Args, Debug, Clone, Default)]
pub struct RuleArgs {
    /// A Sigma rule file or folder (walked recursively); repeatable.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Do not run Trailview's default rules.
    #[arg(long)]
    pub no_default_rules: bool,
    /// Run only rules at this level or above
    /// (informational, low, medium, high, critical).
    #[arg(long, value_name = "LEVEL")]
    pub min_level: Option<String>,
    /// Do not run the rule with this id; repeatable.
    #[arg(long = "disable-rule", value_name = "ID")]
    pub disable_rule: Vec<String>,
}

impl RuleArgs {
    /// The rules these arguments name, for the session (every rule path
    /// must exist; a bad rule inside is a problem, not an error).
    pub fn options(&self) -> Result<RuleOptions, CliError> {
        for p in &self.rules {
            if std::fs::symlink_metadata(p).is_err() {
                return Err(CliError::usage(format!(
                    "no such rule file or folder: {}",
                    p.to_string_lossy()
                )));
            }
        }
        let min_level = match &self.min_level {
            Some(l) => Some(Level::parse(l).ok_or_else(|| {
                CliError::usage(format!(
                    "unknown level `{l}` (informational, low, medium, high, critical)"
                ))
            })?),
            None => None,
        };
        let mut options = RuleOptions {
            defaults: !self.no_default_rules,
            paths: self.rules.clone(),
            min_level,
            disabled: Vec::new(),
        };
        options.set_disabled(self.disable_rule.iter().cloned());
        Ok(options)
    }

    /// The rule set these arguments name.
    pub fn rule_set(&self) -> Result<RuleSet, CliError> {
        Ok(self.options()?.load())
    }
}

#[derive(Args, Debug, Clone)]
pub struct DetectArgs {
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

fn time(t: i64) -> Value {
    if t == i64::MIN || t == i64::MAX || t == trailview_core::timefmt::NO_TIME {
        Value::Null
    } else {
        Value::String(format_rfc3339(t))
    }
}

pub fn run(args: &DetectArgs) -> Result<(), CliError> {
    let mut session = args.input.open_with(args.rules.options()?)?;
    let index = session.detect_blocking().unwrap_or_default();
    let (set, d) = (&*index.set, &index.detections);
    let store = session.read();
    let summary = rule_hits(d, set, &store);
    let rules: Vec<Value> = summary
        .iter()
        .map(|s| {
            let r = &set.rules[s.rule as usize];
            json!({
                "id": r.rule.id,
                "title": r.rule.title,
                "level": r.rule.level.as_str(),
                "author": r.rule.author,
                "path": r.path,
                "sha256": r.sha256,
                "attack": r.rule.techniques(),
                "tactics": r.rule.tactics(),
                "hits": s.hits,
                "first": time(s.first),
                "last": time(s.last),
                "actors": s.actors,
            })
        })
        .collect();
    let mut events = Vec::new();
    let mut i = 0;
    while i < d.hits.len() {
        let row = d.hits[i].row;
        let mut ids = Vec::new();
        while i < d.hits.len() && d.hits[i].row == row {
            ids.push(set.rules[d.hits[i].rule as usize].rule.id.clone());
            i += 1;
        }
        events.push(json!({ "eventID": store.event_id(row), "rules": ids }));
    }
    let enabled = set.rules.iter().filter(|r| r.enabled).count();
    let out = json!({
        "events_evaluated": store.len(),
        "rules_loaded": set.rules.len(),
        "rules_enabled": enabled,
        "rules_skipped": set.skipped,
        "rules_failed": set.problems.len(),
        "rules": rules,
        "events": events,
        "problems": set.problems,
    });
    let text = if args.json {
        format!("{out:#}\n")
    } else {
        text_report(&out)
    };
    print(&text)
}

fn text_report(v: &Value) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let n = |k: &str| v[k].as_u64().unwrap_or(0);
    let _ = writeln!(
        s,
        "Rules:  {} loaded ({} enabled), {} skipped (not CloudTrail), {} failed",
        n("rules_loaded"),
        n("rules_enabled"),
        n("rules_skipped"),
        n("rules_failed")
    );
    let events = v["events"].as_array().map_or(0, Vec::len);
    let _ = writeln!(
        s,
        "Events: {} evaluated, {} with detections",
        n("events_evaluated"),
        events
    );
    if let Some(rules) = v["rules"].as_array() {
        if !rules.is_empty() {
            let _ = writeln!(s, "\n{:<13} {:>7} {:>6}  RULE", "LEVEL", "HITS", "ACTORS");
        }
        for r in rules {
            let _ = writeln!(
                s,
                "{:<13} {:>7} {:>6}  {} [{}] ({})",
                r["level"].as_str().unwrap_or(""),
                r["hits"].as_u64().unwrap_or(0),
                r["actors"].as_u64().unwrap_or(0),
                r["title"].as_str().unwrap_or(""),
                r["id"].as_str().unwrap_or(""),
                r["author"].as_str().unwrap_or(""),
            );
        }
    }
    if let Some(ps) = v["problems"].as_array()
        && !ps.is_empty()
    {
        let _ = writeln!(s, "\nProblems:");
        for p in ps {
            let _ = writeln!(
                s,
                "  {}: {}",
                p["path"].as_str().unwrap_or(""),
                p["reason"].as_str().unwrap_or("")
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn arguments_parse() {
        let cli = crate::Cli::try_parse_from([
            "trailview",
            "detect",
            "--rules",
            "a",
            "--rules",
            "b",
            "--no-default-rules",
            "--min-level",
            "high",
            "--json",
            "trail",
        ])
        .expect("parses");
        match cli.command {
            Some(crate::Command::Detect(d)) => {
                assert_eq!(d.rules.rules, vec![PathBuf::from("a"), PathBuf::from("b")]);
                assert!(d.rules.no_default_rules && d.json);
                assert_eq!(d.rules.min_level.as_deref(), Some("high"));
                assert_eq!(d.input.paths, vec![PathBuf::from("trail")]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rule_sets_and_usage_errors() {
        let set = RuleArgs::default().rule_set().expect("defaults");
        assert!(set.rules.len() >= 15 && set.problems.is_empty());
        let none = RuleArgs {
            no_default_rules: true,
            ..Default::default()
        };
        assert!(none.rule_set().expect("empty").rules.is_empty());
        let bad_level = RuleArgs {
            min_level: Some("severe".into()),
            ..Default::default()
        };
        assert_eq!(bad_level.rule_set().map_err(|e| e.code).err(), Some(2));
        let missing = RuleArgs {
            rules: vec![PathBuf::from("/no/such/rules")],
            ..Default::default()
        };
        assert_eq!(missing.rule_set().map_err(|e| e.code).err(), Some(2));
        let high = RuleArgs {
            min_level: Some("high".into()),
            ..Default::default()
        };
        let set = high.rule_set().expect("high");
        assert!(
            set.rules
                .iter()
                .filter(|r| r.enabled)
                .all(|r| r.rule.level >= Level::High)
        );
        assert!(set.rules.iter().any(|r| !r.enabled));
    }

    #[test]
    fn a_bad_rule_file_is_a_problem_not_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("bad.yml"), "title: [").expect("write");
        std::fs::write(
            dir.path().join("good.yml"),
            "title: g\nlogsource:\n    product: aws\n    service: cloudtrail\ndetection:\n    s:\n        eventName: X\n    condition: s\n",
        )
        .expect("write");
        let args = RuleArgs {
            rules: vec![dir.path().to_owned()],
            no_default_rules: true,
            ..Default::default()
        };
        let set = args.rule_set().expect("loads");
        assert_eq!(set.rules.len(), 1);
        assert_eq!(set.problems.len(), 1);
        assert!(set.problems[0].path.ends_with("bad.yml"));
        assert!(set.problems[0].reason.contains("not valid YAML"));
    }
}
