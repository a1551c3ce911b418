//! `trailview-bench query [--events N] [--trail DIR] [--no-prepare] [CORPUS_DIR]`: builds a
//! store of N events (default 1,000,000) by replicating the events of the
//! corpus's `*.json.gz` files (each copy with a fresh eventID and shifted
//! time), or loads a real trail folder with `--trail`, then times filters,
//! full-text search, JSON-path filters, sorts and facets, printing the
//! median of several runs. Unless `--no-prepare`, the store is first
//! readied for search as the app does in the background after a load.
//!
//! The replicated events are packed like a trail's delivery files, 1,000
//! per `{"Records":[...]}` text, gzipped and read through the same shape
//! reader a load uses, so the store holds the same gzip chunks a real load
//! would.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use trailview_core::ingest::shapes::read_shapes;
use trailview_core::ingest::sink::Sink;
use trailview_core::ingest::{LoadOptions, load_paths};
use trailview_core::model::Direction;
use trailview_core::model::{Column, EventIdx};
use trailview_core::query;
use trailview_core::store::Store;
use trailview_core::store::batch::{Batch, TextSpan};

/// Runs the query benchmark with its own argument list.
pub fn run(args: &[String]) {
    let mut events = 1_000_000usize;
    let mut dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus"
    ));
    let mut trail: Option<PathBuf> = None;
    let mut prepare = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--no-prepare" {
            prepare = false;
        } else if a == "--events" {
            events = it.next().and_then(|n| n.parse().ok()).unwrap_or(events);
        } else if a == "--trail" {
            trail = it.next().map(PathBuf::from);
        } else {
            dir = PathBuf::from(a);
        }
    }
    let t = Instant::now();
    let (store, source) = match trail {
        Some(path) => {
            let mut store = Store::new();
            let _ = load_paths(
                std::slice::from_ref(&path),
                &LoadOptions::default(),
                &mut store,
            );
            (store, format!("loaded from {}", path.display()))
        }
        None => {
            let seeds = corpus_events(&dir);
            if seeds.is_empty() {
                eprintln!("no events found under {}", dir.display());
                std::process::exit(1);
            }
            let n = seeds.len();
            (replicate(&seeds, events), format!("from {n} seed events"))
        }
    };
    let (compressed, raw) = store.raw_store().sizes();
    println!(
        "store: {} events {source}, built in {:.1} s; raw {} MB in {} chunks ({} MB compressed, {} MB of it gzip)",
        store.len(),
        t.elapsed().as_secs_f64(),
        raw >> 20,
        store.raw_store().chunk_count(),
        compressed >> 20,
        store.raw_store().gzip_sizes().0 >> 20,
    );
    let all = store.all_rows();
    probe(&store);
    if prepare {
        // What the app does on a background thread once a load ends.
        let t = Instant::now();
        let n = store.raw_store().prepare_for_search(&|| false);
        let (compressed, _) = store.raw_store().sizes();
        println!(
            "search preparation (LZ4 re-encode + trigram bitmaps): {n} chunks in {:.2} s; raw now {} MB compressed, {} MB of it gzip",
            t.elapsed().as_secs_f64(),
            compressed >> 20,
            store.raw_store().gzip_sizes().0 >> 20,
        );
        floor(&store);
        admitted(&store);
    }
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
        "10.20.30.40".to_owned(),
        "AKIAZZZZZZZZZZZZZZZZ".to_owned(),
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
        // The first run of a raw-text term also builds trigram bitmaps.
        let first = median(1, || n = parsed.select(&store, &all).len());
        let d = median(5, || n = parsed.select(&store, &all).len());
        report(&format!("filter {q}"), d, n);
        if first > d * 2 {
            report(&format!("  (first run of {q})"), first, n);
        }
    }
    let mem = store.memory_report();
    let raw = store.raw_store();
    let fills: Vec<f64> = (0..raw.chunk_count() as u32)
        .filter_map(|n| raw.chunk(n)?.trigrams().map(|t| t.fill()))
        .collect();
    println!(
        "trigram bitmaps after the searches above: {:.1} MB ({:.1} B/event), {} chunks, mean fill {:.0} %",
        mem.text_index as f64 / 1e6,
        mem.text_index as f64 / store.len().max(1) as f64,
        fills.len(),
        100.0 * fills.iter().sum::<f64>() / fills.len().max(1) as f64
    );
    // Filtering a shuffled (sorted by another column) row list.
    let mut by_ip = all.clone();
    store.sort_by_column(&mut by_ip, Column::SourceIp, Direction::Ascending);
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
            store.sort_by_column(&mut rows, col, Direction::Descending);
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
    cancel_latency(&store, &all);
}

/// A scan cancelled 100 ms after it started (as a keystroke replaces the
/// query typed so far): how long it goes on after the flag is raised.
fn cancel_latency(store: &Store, all: &[EventIdx]) {
    use std::sync::atomic::{AtomicBool, Ordering};
    struct Flag<'a>(&'a AtomicBool);
    impl query::Annotations for Flag<'_> {
        fn cancelled(&self) -> bool {
            self.0.load(Ordering::Relaxed)
        }
    }
    for text in ["r", "AccessDenied", "requestParameters.bucketName:*"] {
        let Ok(q) = query::parse(text) else { continue };
        let mut late = Vec::new();
        for _ in 0..3 {
            let flag = AtomicBool::new(false);
            let raised = std::sync::Mutex::new(None::<Instant>);
            std::thread::scope(|s| {
                s.spawn(|| {
                    std::thread::sleep(Duration::from_millis(100));
                    if let Ok(mut r) = raised.lock() {
                        *r = Some(Instant::now());
                    }
                    flag.store(true, Ordering::Relaxed);
                });
                let _ = q.select_with(store, all, &Flag(&flag));
            });
            let done = Instant::now();
            if let Some(at) = raised.lock().ok().and_then(|r| *r) {
                late.push(done.saturating_duration_since(at));
            }
        }
        late.sort();
        if let Some(m) = late.get(late.len() / 2) {
            report(&format!("cancel latency {text:?}"), *m, 0);
        }
    }
}

fn report(label: &str, d: Duration, n: usize) {
    println!("{label:<48} {:>10.1} {n:>10}", d.as_secs_f64() * 1000.0);
}

pub(crate) fn median(runs: usize, mut f: impl FnMut()) -> Duration {
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
pub(crate) fn corpus_events(dir: &Path) -> Vec<String> {
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

/// Events per pseudo delivery file (real ones hold 100-1,000).
const PER_FILE: usize = 1000;

/// A store of `n` events: copies of the seeds with a fresh eventID and the
/// time moved by a day per copy, packed 1,000 to a gzipped Records text.
pub(crate) fn replicate(seeds: &[String], n: usize) -> Store {
    use rayon::prelude::*;
    let parsed: Vec<serde_json::Value> = seeds
        .iter()
        .filter_map(|s| serde_json::from_str(s).ok())
        .collect();
    let mut store = Store::new();
    let files = n.div_ceil(PER_FILE);
    // A few hundred files at a time, built in parallel, appended in order.
    for group in (0..files).collect::<Vec<_>>().chunks(256) {
        let batches: Vec<_> = group
            .par_iter()
            .map(|&file| {
                let first = file * PER_FILE;
                let events = (first..n.min(first + PER_FILE)).map(|i| copy_of(&parsed, i));
                pseudo_file(file, events)
            })
            .collect();
        for b in batches {
            store.append(b);
        }
    }
    store
}

/// Copy `i` of the seeds: a fresh eventID, time moved by a day per round.
fn copy_of(parsed: &[serde_json::Value], i: usize) -> String {
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
            .and_then(trailview_core::timefmt::parse_millis)
            .map(|ms| trailview_core::timefmt::format_rfc3339(ms + copy * 86_400_000));
        if let Some(t) = shifted {
            obj.insert("eventTime".into(), serde_json::Value::String(t));
        }
    }
    v.to_string()
}

/// The batch a load would make of a `.json.gz` file holding `events`.
fn pseudo_file(file: usize, events: impl Iterator<Item = String>) -> Batch {
    use std::io::Write;
    let mut text = String::from("{\"Records\":[");
    for (k, e) in events.enumerate() {
        if k > 0 {
            text.push(',');
        }
        text.push_str(&e);
    }
    text.push_str("]}");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let gz = enc
        .write_all(text.as_bytes())
        .and_then(|()| enc.finish())
        .unwrap_or_default();
    let path = PathBuf::from(format!("bench/file-{file:05}.json.gz"));
    let span = TextSpan::of(&text, 0);
    let mut sink = Sink::with_gzip(path, Some((span, gz.into_boxed_slice(), text.len() as u32)));
    let _ = read_shapes(&text, false, &mut sink);
    sink.finish()
}

/// The floor for full-text search: decompressing every raw chunk once,
/// in parallel; and, for comparison, the same texts as zstd blocks of
/// ~256 KB (how the store kept every event before gzip chunks).
fn probe(store: &Store) {
    use rayon::prelude::*;
    use trailview_core::store::raw::{BLOCK_TARGET, Chunk};
    let raw = store.raw_store();
    let n = floor(store);
    let zstd: Vec<Chunk> = (0..n)
        .into_par_iter()
        .flat_map_iter(|b| {
            let text = raw
                .chunk(b)
                .and_then(|x| x.decompress().ok())
                .unwrap_or_default();
            text.chunks(BLOCK_TARGET)
                .map(Chunk::compress)
                .collect::<Vec<_>>()
        })
        .collect();
    let d = median(3, || {
        zstd.par_iter().for_each(|c| {
            let _ = c.decompress();
        })
    });
    report("same texts as zstd blocks (comparison)", d, zstd.len());
}

/// Times decompressing every raw chunk once, in parallel: the floor for a
/// full-text search that no bitmap helps. Returns the number of chunks.
fn floor(store: &Store) -> u32 {
    use rayon::prelude::*;
    let raw = store.raw_store();
    let n = raw.chunk_count() as u32;
    let d = median(3, || {
        (0..n).into_par_iter().for_each(|b| {
            let _ = raw.chunk(b).map(|x| x.decompress());
        })
    });
    report("decompress every raw chunk (floor)", d, n as usize);
    n
}

/// How many chunks each search term's trigrams leave to decompress: a
/// term found in most chunks costs about the floor, whatever its matches.
fn admitted(store: &Store) {
    let raw = store.raw_store();
    let n = raw.chunk_count() as u32;
    for needle in [
        "accessdenied",
        "assumed-role",
        "zzzznotfound",
        "10.20.30.40",
        "akiazzzzzzzzzzzzzzzz",
    ] {
        let admitted = (0..n)
            .filter(|&c| {
                raw.chunk(c)
                    .and_then(|c| c.trigrams())
                    .is_none_or(|t| t.may_contain(needle.as_bytes()))
            })
            .count();
        println!("chunks the bitmaps leave for {needle:<22} {admitted:>10} of {n}");
    }
}
