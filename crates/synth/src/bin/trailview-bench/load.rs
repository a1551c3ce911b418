//! `trailview-bench load [--prepare] PATH...`: loads trails into the store,
//! sorts every row by eventName, and prints times, rates and memory; with
//! `--prepare`, then runs the search preparation the app runs in the
//! background after a load and prints its time and the memory after it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use trailview_core::ingest::{LoadOptions, load_paths};
use trailview_core::model::Column;
use trailview_core::model::Direction;
use trailview_core::store::Store;

/// A memory figure of this process from `/proc/self/status`, in bytes
/// (`VmHWM`: peak resident memory so far; `VmRSS`: resident now).
fn status_bytes(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn peak_rss_bytes() -> Option<u64> {
    status_bytes("VmHWM:")
}

/// What the search preparation cost, and the store after it.
struct Prepared {
    seconds: f64,
    store_bytes: usize,
    raw_compressed: usize,
    text_index: usize,
    peak: Option<u64>,
    now: Option<u64>,
}

/// Runs the search preparation over the whole store and measures it.
fn prepare(store: &Store) -> Prepared {
    let t = Instant::now();
    store.raw_store().prepare_for_search(&|| false);
    let seconds = t.elapsed().as_secs_f64();
    let mem = store.memory_report();
    Prepared {
        seconds,
        store_bytes: mem.total(),
        raw_compressed: mem.raw_compressed,
        text_index: mem.text_index,
        peak: peak_rss_bytes(),
        now: status_bytes("VmRSS:"),
    }
}

/// Loads `paths`, sorts by eventName and prints the figures; with
/// `prepare`, also readies the store for search and measures that.
pub fn run(paths: &[PathBuf], json: bool, prepare_too: bool, graph: bool) -> ExitCode {
    let mut store = Store::new();
    let t0 = Instant::now();
    let report = load_paths(paths, &LoadOptions::default(), &mut store);
    let load_s = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let mut rows = store.all_rows();
    store.sort_by_column(&mut rows, Column::EventName, Direction::Ascending);
    let sort_s = t1.elapsed().as_secs_f64();
    let events = store.len();
    let mem = store.memory_report();
    let peak = peak_rss_bytes();
    let per_event = |b: u64| b as f64 / events.max(1) as f64;
    // Keep the sorted rows alive until measured, so the sort is not elided.
    let first = rows
        .first()
        .map(|&r| store.value(Column::EventName, r).into_owned())
        .unwrap_or_default();
    let graphed = graph.then(|| crate::graph::measure(&mut store));
    let prepared = prepare_too.then(|| prepare(&store));
    if json {
        let v = serde_json::json!({
            "events": events,
            "duplicates": report.duplicates,
            "files": report.files.total(),
            "problems": report.problems.len(),
            "input_bytes": report.bytes,
            "load_seconds": load_s,
            "sort_seconds": sort_s,
            "total_seconds": load_s + sort_s,
            "events_per_second": events as f64 / load_s.max(1e-9),
            "store_bytes": mem.total(),
            "store_bytes_per_event": per_event(mem.total() as u64),
            "raw_compressed_bytes": mem.raw_compressed,
            "raw_gzip_bytes": mem.raw_gzip,
            "raw_uncompressed_bytes": mem.raw_uncompressed,
            "peak_rss_bytes": peak,
            "peak_rss_bytes_per_event": peak.map(per_event),
            "first_sorted": first,
            "graph": graphed.as_ref().map(|g| g.json(load_s, events)),
            "prepare": prepared.as_ref().map(|p| serde_json::json!({
                "seconds": p.seconds,
                "store_bytes": p.store_bytes,
                "store_bytes_per_event": per_event(p.store_bytes as u64),
                "raw_compressed_bytes": p.raw_compressed,
                "text_index_bytes": p.text_index,
                "peak_rss_bytes": p.peak,
                "peak_rss_bytes_per_event": p.peak.map(per_event),
                "rss_bytes": p.now,
            })),
        });
        println!("{v}");
        return ExitCode::SUCCESS;
    }
    println!(
        "loaded   {events} events from {} files ({} duplicates dropped, {} problems), {:.1} MB read",
        report.files.total(),
        report.duplicates,
        report.problems.len(),
        report.bytes as f64 / 1e6
    );
    println!(
        "load     {load_s:.3} s  ({:.0} events/s)",
        events as f64 / load_s.max(1e-9)
    );
    println!("sort     {sort_s:.3} s  (by eventName; first: {first})");
    println!("total    {:.3} s", load_s + sort_s);
    println!(
        "store    {:.1} MB = columns {:.1} + dictionaries {:.1} + dedupe index {:.1} + raw {:.1} ({:.1} of it gzip files kept as read; of {:.1} MB JSON, {:.1}x); {:.0} B/event",
        mem.total() as f64 / 1e6,
        mem.columns as f64 / 1e6,
        mem.dictionaries as f64 / 1e6,
        mem.dedupe_index as f64 / 1e6,
        mem.raw_compressed as f64 / 1e6,
        mem.raw_gzip as f64 / 1e6,
        mem.raw_uncompressed as f64 / 1e6,
        mem.raw_uncompressed as f64 / mem.raw_compressed.max(1) as f64,
        per_event(mem.total() as u64)
    );
    match peak {
        Some(p) => println!(
            "peak RSS {:.1} MB ({:.0} B/event)",
            p as f64 / 1e6,
            per_event(p)
        ),
        None => println!("peak RSS unknown here: use /usr/bin/time -v"),
    }
    if let Some(g) = &graphed {
        g.print(load_s, events);
    }
    if let Some(p) = &prepared {
        println!(
            "prepare  {:.3} s  (LZ4 re-encode + trigram bitmaps); store {:.1} MB = raw {:.1} + bitmaps {:.1} + the rest; {:.0} B/event",
            p.seconds,
            p.store_bytes as f64 / 1e6,
            p.raw_compressed as f64 / 1e6,
            p.text_index as f64 / 1e6,
            per_event(p.store_bytes as u64)
        );
        if let (Some(peak), Some(now)) = (p.peak, p.now) {
            println!(
                "peak RSS after preparing {:.1} MB ({:.0} B/event); resident now {:.1} MB ({:.0} B/event)",
                peak as f64 / 1e6,
                per_event(peak),
                now as f64 / 1e6,
                per_event(now)
            );
        }
    }
    for p in report.problems.iter().take(5) {
        println!("problem  {}: {}", p.path.display(), p.reason);
    }
    ExitCode::SUCCESS
}
