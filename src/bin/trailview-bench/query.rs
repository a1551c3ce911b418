//! `trailview-bench query [--events N] [CORPUS_DIR]`: builds a store of N
//! events (default 1,000,000) by replicating the events of the corpus's
//! `*.json.gz` files (each copy with a fresh eventID and shifted time), then
//! times filters, full-text search, JSON-path filters, sorts and facets,
//! printing the median of several runs.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use trailview::model::{Column, EventIdx};
use trailview::query;
use trailview::store::Store;
use trailview::store::batch::BatchBuilder;
use trailview::store::sort::Order;

/// Runs the query benchmark with its own argument list.
pub fn run(args: &[String]) {
    let mut events = 1_000_000usize;
    let mut dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"));
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--events" {
            events = it.next().and_then(|n| n.parse().ok()).unwrap_or(events);
        } else {
            dir = PathBuf::from(a);
        }
    }
    let seeds = corpus_events(&dir);
    if seeds.is_empty() {
        eprintln!("no events found under {}", dir.display());
        std::process::exit(1);
    }
    let t = Instant::now();
    let store = replicate(&seeds, events);
    println!(
        "store: {} events from {} seed events, built in {:.1} s; raw {} MB in {} chunks",
        store.len(),
        seeds.len(),
        t.elapsed().as_secs_f64(),
        store.raw_store().sizes().1 >> 20,
        store.raw_store().chunk_count()
    );
    let all = store.all_rows();
    probe(&store);
    let common = store
        .facet(&all, Column::EventName, 1)
        .top
        .first()
        .map(|v| v.value.clone())
        .unwrap_or_default();
    println!("{:<48} {:>10} {:>10}", "operation", "median ms", "matched");
    for q in [
        format!("eventName:{common}"),
        "name:Delete*".to_owned(),
        "error:* -readOnly:true".to_owned(),
        "time:>=2023-01-01 cred:role-session".to_owned(),
        "AccessDenied".to_owned(),
        "\"assumed-role\"".to_owned(),
        "zzzznotfound".to_owned(),
        "requestParameters.bucketName:*".to_owned(),
        "userIdentity.sessionContext.sessionIssuer.userName:*admin*".to_owned(),
        "/Get[A-Z]+Policy/".to_owned(),
    ] {
        let parsed = match query::parse(&q) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("bad query {q}: {e}");
                continue;
            }
        };
        let mut n = 0;
        let d = median(5, || n = parsed.select(&store, &all).len());
        report(&format!("filter {q}"), d, n);
    }
    // Filtering a shuffled (sorted by another column) row list.
    let mut by_ip = all.clone();
    store.sort_rows(&mut by_ip, Column::SourceIp, Order::Ascending);
    if let Ok(q) = query::parse("AccessDenied") {
        let mut n = 0;
        let d = median(3, || n = q.select(&store, &by_ip).len());
        report("filter AccessDenied on rows sorted by ip", d, n);
    }
    for col in [
        Column::Time,
        Column::EventName,
        Column::Actor,
        Column::SourceIp,
        Column::UserAgent,
        Column::EventId,
        Column::Credential,
        Column::SourceFile,
    ] {
        let d = median(3, || {
            let mut rows = all.clone();
            store.sort_rows(&mut rows, col, Order::Descending);
        });
        report(&format!("sort all by {}", col.name()), d, all.len());
    }
    let half: Vec<EventIdx> = all.iter().copied().filter(|i| i % 2 == 0).collect();
    for (label, rows) in [("all", &all), ("half", &half)] {
        let d = median(5, || {
            for col in Column::FACETS {
                let _ = store.facet(rows, col, 10);
            }
        });
        report(&format!("facets (9 columns) of {label}"), d, rows.len());
    }
    for col in Column::FACETS {
        let d = median(5, || {
            let _ = store.facet(&all, col, 10);
        });
        report(&format!("facet {} of all", col.name()), d, all.len());
    }
}

fn report(label: &str, d: Duration, n: usize) {
    println!("{label:<48} {:>10.1} {n:>10}", d.as_secs_f64() * 1000.0);
}

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// Raw texts of every event in the `*.json.gz` Records files under `dir`.
fn corpus_events(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            out.extend(corpus_events(&p));
        } else if p.to_string_lossy().ends_with(".json.gz") {
            let Ok(file) = std::fs::File::open(&p) else {
                continue;
            };
            let mut text = String::new();
            if flate2::read::GzDecoder::new(file)
                .read_to_string(&mut text)
                .is_err()
            {
                continue;
            }
            #[derive(serde::Deserialize)]
            struct Records<'a> {
                #[serde(borrow, rename = "Records")]
                records: Vec<&'a serde_json::value::RawValue>,
            }
            if let Ok(r) = serde_json::from_str::<Records>(&text) {
                out.extend(r.records.iter().map(|v| v.get().to_owned()));
            }
        }
    }
    out
}

/// A store of `n` events: copies of the seeds with a fresh eventID and the
/// time moved by a day per copy, 10,000 events per pseudo-file.
fn replicate(seeds: &[String], n: usize) -> Store {
    let parsed: Vec<serde_json::Value> = seeds
        .iter()
        .filter_map(|s| serde_json::from_str(s).ok())
        .collect();
    let mut store = Store::new();
    let mut made = 0usize;
    let mut file = 0usize;
    while made < n {
        let mut b = BatchBuilder::new(PathBuf::from(format!("bench/file-{file:05}.json")));
        for k in 0..10_000.min(n - made) {
            let i = made + k;
            let mut v = parsed[i % parsed.len()].clone();
            let copy = (i / parsed.len()) as i64;
            if let Some(obj) = v.as_object_mut() {
                obj.insert(
                    "eventID".into(),
                    serde_json::Value::String(format!("{i:08x}-0000-4000-8000-{copy:012x}")),
                );
                let shifted = obj
                    .get("eventTime")
                    .and_then(|t| t.as_str())
                    .and_then(trailview::timefmt::parse_millis)
                    .map(|ms| trailview::timefmt::format_rfc3339(ms + copy * 86_400_000));
                if let Some(t) = shifted {
                    obj.insert("eventTime".into(), serde_json::Value::String(t));
                }
            }
            let _ = b.push_raw(&v.to_string(), k as u32);
        }
        made += b.len().max(1);
        store.append(b.finish());
        file += 1;
    }
    store
}

/// The floor for full-text search: decompressing every raw block once,
/// in parallel.
fn probe(store: &Store) {
    use rayon::prelude::*;
    let raw = store.raw_store();
    let n = raw.chunk_count() as u32;
    let d = median(3, || {
        (0..n).into_par_iter().for_each(|b| {
            let _ = raw.chunk(b).map(|x| x.decompress());
        })
    });
    report("decompress every raw block (floor)", d, n as usize);
}
