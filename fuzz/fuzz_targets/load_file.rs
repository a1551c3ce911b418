//! Fuzz target `load_file`: the whole loader on one file's bytes.
//!
//! The input is written to a file in a fresh temporary folder and loaded
//! with `trailview_core::ingest::load_paths`, as the app and the command
//! line load a file, under small limits ([`TEXT_LIMIT`] of decompressed
//! text, [`MEMORY_BUDGET`] of memory budget). A first byte 0x01..=0x07
//! picks how the file is written (gzip, `.csv` name, digest name, two gzip
//! members, cut-short gzip, a short unit repeated to megabytes: see
//! `trailview_fuzz::FileMode`); any other input is the file as it is, so a
//! real CloudTrail file (plain or `.json.gz`) is a seed.
//!
//! Checked: no panic, and the report agrees with the store: one file seen,
//! `report.events == store.len()`, every stored event's original bytes
//! read back (`store.raw(i)`) and are UTF-8 (events are read from text),
//! every column of every event can be shown, and the time range is
//! ordered.
//!
//! Memory (issue 12), measured by a counting global allocator around the
//! load: no single allocation is bigger than a small multiple of what the
//! file really holds (its bytes and its text as an independent decoder
//! inflates it) or than what deflate could make of the file's bytes
//! (`gunzip::MAX_RATIO`, the engine's rule for believing a gzip trailer,
//! whose buffer is fresh zeroed memory); and the peak of the load stays
//! within the memory budget plus a few times the text limit. libFuzzer's
//! `-malloc_limit_mb` / `-rss_limit_mb` (fuzz/run) catch the rest.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trailview_core::ingest::{LoadOptions, load_paths};
use trailview_core::model::Column;
use trailview_core::store::Store;
use trailview_fuzz::{Counting, FileMode, inflated_len};

#[global_allocator]
static ALLOC: Counting = Counting;

/// Decompressed text a file may hold in this target.
const TEXT_LIMIT: u64 = 4 << 20;
/// The load's memory budget in this target.
const MEMORY_BUDGET: u64 = 8 << 20;
/// Deflate's largest expansion (`trailview_core::gunzip::MAX_RATIO`).
const MAX_RATIO: u64 = 1032;
const MIB: u64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let (mode, content) = FileMode::split(data);
    // A temporary folder per input: nothing is left behind between runs.
    let dir = tempfile::tempdir().expect("temporary folder for the input file");
    let path = dir.path().join(mode.file_name());
    let bytes = mode.file_bytes(content);
    std::fs::write(&path, &bytes).expect("write the input file");
    let file_len = bytes.len() as u64;
    let text_len = inflated_len(&bytes, TEXT_LIMIT).min(TEXT_LIMIT);
    drop(bytes);

    let options = LoadOptions {
        max_decompressed_bytes: TEXT_LIMIT,
        max_memory_bytes: MEMORY_BUDGET,
        ..LoadOptions::default()
    };
    let mut store = Store::new();
    let before = Counting::reset() as u64;
    let report = load_paths(std::slice::from_ref(&path), &options, &mut store);
    let largest = Counting::largest() as u64;
    let peak = (Counting::peak() as u64).saturating_sub(before);
    if std::env::var_os("FUZZ_VERBOSE").is_some() {
        eprintln!(
            "load_file: file {file_len} B, text {text_len} B, {} events, largest allocation {largest} B, peak {peak} B",
            store.len()
        );
    }
    let held = file_len + text_len;
    let trailer_bound = (MAX_RATIO * file_len).min(TEXT_LIMIT + 1);
    let allowed = (16 * held).max(trailer_bound) + MIB;
    assert!(
        largest <= allowed,
        "one allocation of {largest} bytes for a file of {file_len} bytes holding {text_len} bytes of text (allowed {allowed})"
    );
    let allowed_peak = MEMORY_BUDGET + 2 * TEXT_LIMIT + 16 * MIB;
    assert!(
        peak <= allowed_peak,
        "the load peaked at {peak} bytes, over the budget of {MEMORY_BUDGET} (allowed {allowed_peak}); {} events",
        store.len()
    );

    assert_eq!(report.files.total(), 1, "one file given, one file counted");
    assert_eq!(
        report.events,
        store.len(),
        "report.events disagrees with the store"
    );
    if let (Some(first), Some(last)) = (report.first_time, report.last_time) {
        assert!(first <= last, "time range reversed: {first} > {last}");
    }
    for i in store.all_rows() {
        let raw = match store.raw(i) {
            Ok(raw) => raw,
            Err(e) => panic!("event {i} of {}: raw bytes unreadable: {e:?}", store.len()),
        };
        assert!(
            std::str::from_utf8(&raw).is_ok(),
            "event {i}: raw bytes are not UTF-8"
        );
        for col in Column::ALL {
            let _ = store.value(col, i);
        }
        let _ = store.json(i);
    }
});
