//! `trailview-bench detect [--events N] [--rules DIR]... [--no-prepare] [--per-rule] [CORPUS_DIR]`:
//! builds the same replicated store as `query` (default 1,000,000 events),
//! readies it for search as the app does after a load, then times Sigma
//! detection (Trailview's default rules plus every `--rules` folder;
//! default: SigmaHQ's CloudTrail rules in `../shared/sigma-rules/rules`)
//! and prints the median of several runs, the events whose JSON had to be
//! read, the hits and the bytes per event the results hold.

use std::path::PathBuf;

use trailview_core::sigma::{Detections, RuleSet};

use crate::query::{corpus_events, median, replicate};

pub fn run(args: &[String]) {
    let mut events = 1_000_000usize;
    let mut dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ));
    let mut rules: Vec<PathBuf> = Vec::new();
    let mut prepare = true;
    let mut per_rule = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--no-prepare" => prepare = false,
            "--per-rule" => per_rule = true,
            "--events" => events = it.next().and_then(|n| n.parse().ok()).unwrap_or(events),
            "--rules" => rules.extend(it.next().map(PathBuf::from)),
            _ => dir = PathBuf::from(a),
        }
    }
    if rules.is_empty() {
        rules.push(PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/sigma-rules/rules"
        )));
    }
    let seeds = corpus_events(&dir);
    if seeds.is_empty() {
        eprintln!("no events found under {}", dir.display());
        std::process::exit(1);
    }
    let store = replicate(&seeds, events);
    if prepare {
        store.raw_store().prepare_for_search(&|| false);
    }
    let mut set = RuleSet::defaults();
    for r in &rules {
        set.add_path(r);
    }
    set.resolve();
    println!(
        "store: {} events from {} seeds; rules: {} loaded, {} problems",
        store.len(),
        seeds.len(),
        set.rules.len(),
        set.problems.len()
    );
    let mut d = Detections::default();
    let t = median(5, || d = Detections::run(&store, &set));
    println!(
        "detect: median {:.0} ms over 5 runs (last: columns {:.0} ms, JSON {:.0} ms); {} events read back, {} parsed as JSON; {} hits on {} events; {} correlation matches; results {:.2} B/event",
        t.as_secs_f64() * 1e3,
        d.column_ms,
        d.json_ms,
        d.json_reads,
        d.json_parsed,
        d.hits.len(),
        d.rows().len(),
        d.correlations.len(),
        d.heap_bytes() as f64 / store.len().max(1) as f64
    );
    let mut costly: Vec<(usize, &str)> = d
        .undecided
        .iter()
        .zip(&set.rules)
        .filter(|(n, _)| **n > 0)
        .map(|(n, r)| (*n, r.rule.title.as_str()))
        .collect();
    costly.sort_unstable_by(|a, b| b.cmp(a));
    for (n, title) in costly.iter().take(8) {
        println!("  undecided by the columns: {n:>8} events  {title}");
    }
    if per_rule {
        let mut hits = vec![0usize; set.rules.len()];
        for h in &d.hits {
            hits[h.rule as usize] += 1;
        }
        for (n, r) in hits.iter().zip(&set.rules) {
            println!("  hits: {n:>8}  {}", r.rule.title);
        }
    }
}
