//! Tests of the raw chunk store through real loads: gzip files kept as
//! their own chunks, zstd blocks for everything else, duplicates compared
//! across chunks, chunks of all-duplicate files not kept.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::ingest::{LoadOptions, load_paths};
use crate::store::Store;

const A: &str = r#"{"eventID":"3038ebd2-c98a-4c65-9b6e-e22506292313","eventName":"GetObject","eventTime":"2023-01-02T00:00:00Z"}"#;
const A_CHANGED: &str = r#"{"eventID":"3038ebd2-c98a-4c65-9b6e-e22506292313","eventName":"GetObject","eventTime":"2023-01-02T00:00:01Z"}"#;
const B: &str = r#"{"eventID":"x-1","eventName":"PutObject","eventTime":"2023-01-01T00:00:00Z"}"#;
const C: &str = r#"{"eventID":"x-2","eventName":"ListBuckets","eventTime":"2023-01-03T00:00:00Z"}"#;
const D: &str = r#"{"eventID":"x-3","eventName":"Decrypt","eventTime":"2023-01-04T00:00:00Z"}"#;

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

fn records(events: &[&str]) -> String {
    format!("{{\"Records\":[{}]}}\n", events.join(",\n "))
}

fn load(dir: &Path) -> Store {
    let mut store = Store::new();
    let report = load_paths(&[dir.to_path_buf()], &LoadOptions::default(), &mut store);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    store
}

#[test]
fn gzip_files_are_chunks_and_everything_else_zstd() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes);
    let a = gz(records(&[A, B]).as_bytes());
    write("a.json.gz", &a).expect("write");
    // Every event of b is a duplicate: its chunk must not be kept.
    write("b.json.gz", &gz(records(&[A]).as_bytes())).expect("write");
    // Two gzip members, the cut inside a record; one event differs from A
    // by a byte only (same eventID): not a duplicate.
    let text = records(&[A_CHANGED, C]);
    let mut c = gz(&text.as_bytes()[..40]);
    c.extend(gz(&text.as_bytes()[40..]));
    write("c.json.gz", &c).expect("write");
    // Plain JSON: zstd block.
    write("d.json", records(&[D]).as_bytes()).expect("write");
    // A byte-order mark before the text of a gzip file.
    let mut bom = vec![0xef, 0xbb, 0xbf];
    bom.extend_from_slice(records(&[B, C]).as_bytes());
    let e = gz(&bom);
    write("e.json.gz", &e).expect("write");

    let store = load(dir.path());
    // a: A, B; b: nothing; c: A_CHANGED, C; d: D; e: B and C again.
    assert_eq!(store.len(), 5);
    assert_eq!(store.duplicates(), 3);
    let raws: Vec<Vec<u8>> = (0..5).map(|i| store.raw(i).expect("readable")).collect();
    let want: Vec<&[u8]> = vec![
        A.as_bytes(),
        B.as_bytes(),
        A_CHANGED.as_bytes(),
        C.as_bytes(),
        D.as_bytes(),
    ];
    assert_eq!(raws, want);
    let raw = store.raw_store();
    // a, c and d are kept; b's and e's chunks had only duplicates.
    assert_eq!(raw.chunk_count(), 3);
    let kinds: Vec<bool> = (0..3)
        .map(|n| raw.chunk(n).is_some_and(|c| c.is_gzip()))
        .collect();
    assert_eq!(kinds, vec![true, true, false]);
    assert_eq!(raw.gzip_sizes().0, a.len() + c.len());
}

#[test]
fn bom_and_damaged_files_keep_exact_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bom = vec![0xef, 0xbb, 0xbf];
    bom.extend_from_slice(records(&[B, C]).as_bytes());
    std::fs::write(dir.path().join("bom.json.gz"), gz(&bom)).expect("write");
    let store = load(dir.path());
    assert_eq!(store.len(), 2);
    assert_eq!(store.raw(0).expect("readable"), B.as_bytes());
    assert_eq!(store.raw(1).expect("readable"), C.as_bytes());
    assert!(store.raw_store().chunk(0).is_some_and(|c| c.is_gzip()));

    // A truncated file: the records before the cut load, their bytes go to
    // zstd (the gzip file cannot be read back whole).
    let dir = tempfile::tempdir().expect("tempdir");
    let many: Vec<String> = (0..2000)
        .map(|i| format!(r#"{{"eventID":"id-{i}","eventName":"E","eventTime":"2023-01-01T00:00:00Z","n":"{i:08}"}}"#))
        .collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let z = gz(records(&refs).as_bytes());
    std::fs::write(dir.path().join("cut.json.gz"), &z[..z.len() / 2]).expect("write");
    let mut store = Store::new();
    let report = load_paths(
        &[dir.path().to_path_buf()],
        &LoadOptions::default(),
        &mut store,
    );
    assert!(!report.problems.is_empty());
    assert!(store.len() > 10);
    for i in 0..store.len() as u32 {
        assert_eq!(store.raw(i).expect("readable"), many[i as usize].as_bytes());
    }
    assert!(!store.raw_store().chunk(0).is_some_and(|c| c.is_gzip()));
}

#[test]
fn searches_give_the_same_rows_before_and_after_trigram_bitmaps() {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in 0..6 {
        let events: Vec<String> = (0..50)
            .map(|i| {
                let extra = if (f + i) % 7 == 0 { "AccessDenied" } else { "ok" };
                format!(r#"{{"eventID":"f{f}-{i}","eventName":"E{i}","errorCode":"{extra}","sourceIPAddress":"10.0.{f}.{i}"}}"#)
            })
            .collect();
        let refs: Vec<&str> = events.iter().map(String::as_str).collect();
        let name = format!("f{f}.json.gz");
        std::fs::write(dir.path().join(name), gz(records(&refs).as_bytes())).expect("write");
    }
    // A plain JSON file: its events go into a zstd block.
    std::fs::write(dir.path().join("plain.json"), records(&[D]).as_bytes()).expect("write");
    let store = load(dir.path());
    let rows = store.all_rows();
    let queries = [
        "accessdenied",
        "10.0.3.7",
        "zzzznotfound",
        "\"E4\" OR 10.0.5",
        "-accessdenied",
        "errorCode:AccessDenied",
    ];
    let first: Vec<Vec<u32>> = queries
        .iter()
        .map(|q| crate::query::parse(q).expect("query").select(&store, &rows))
        .collect();
    assert!(store.memory_report().text_index > 0, "bitmaps were built");
    for (q, want) in queries.iter().zip(&first) {
        let again = crate::query::parse(q).expect("query").select(&store, &rows);
        assert_eq!(&again, want, "{q}");
    }
    assert_eq!(first[1].len(), 1);
    assert!(first[2].is_empty());
    assert_eq!(first[0].len() + first[4].len(), rows.len());
}

#[test]
fn preparing_for_search_recodes_and_indexes_every_chunk_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in 0..4 {
        let events: Vec<String> = (0..20)
            .map(|i| format!(r#"{{"eventID":"g{f}-{i}","eventName":"Ev{f}x{i}"}}"#))
            .collect();
        let refs: Vec<&str> = events.iter().map(String::as_str).collect();
        let name = format!("g{f}.json.gz");
        std::fs::write(dir.path().join(name), gz(records(&refs).as_bytes())).expect("write");
    }
    // A plain JSON file: its events go into a zstd block.
    std::fs::write(dir.path().join("plain.json"), records(&[D]).as_bytes()).expect("write");
    let store = load(dir.path());
    let raw = store.raw_store();
    let before = crate::query::parse("ev2x7").expect("query");
    let rows = store.all_rows();
    let texts: Vec<String> = rows
        .iter()
        .map(|&i| store.raw_text(i).expect("readable"))
        .collect();
    let chunk_texts = |raw: &crate::store::raw::RawStore| -> Vec<Vec<u8>> {
        (0..raw.chunk_count() as u32)
            .filter_map(|c| raw.chunk(c).map(|c| c.decompress().expect("readable")))
            .collect()
    };
    let decoded = chunk_texts(raw);
    let gzip_bytes = raw.gzip_sizes().0;
    assert!(gzip_bytes > 0);
    let gzip_chunks = (0..raw.chunk_count() as u32)
        .filter(|&c| raw.chunk(c).is_some_and(|c| c.is_gzip()))
        .count();
    assert_eq!((gzip_chunks, raw.chunk_count()), (4, 5));
    assert!((0..5).all(|c| raw.chunk(c).is_some_and(|c| !c.is_search_ready())));
    assert_eq!(
        raw.prepare_for_search(&|| true),
        0,
        "a stop request indexes nothing"
    );
    assert!(raw.chunk(0).is_some_and(|c| c.is_gzip()));
    let n = raw.prepare_for_search(&|| false);
    assert_eq!(n, raw.chunk_count());
    assert!((0..n as u32).all(|c| raw.chunk(c).is_some_and(|c| c.trigrams().is_some())));
    // Every gzip and zstd chunk is LZ4 now, and reads back the same text.
    assert_eq!(raw.gzip_sizes(), (0, 0));
    assert!((0..n as u32).all(|c| raw.chunk(c).is_some_and(|c| c.is_search_ready())));
    assert_eq!(chunk_texts(raw), decoded);
    let after: Vec<String> = rows
        .iter()
        .map(|&i| store.raw_text(i).expect("readable"))
        .collect();
    assert_eq!(after, texts);
    assert_eq!(raw.prepare_for_search(&|| false), 0, "already prepared");
    assert_eq!(before.select(&store, &rows).len(), 1);
    let decrypt = crate::query::parse("decrypt").expect("query");
    assert_eq!(decrypt.select(&store, &rows).len(), 1);
}
