//! Fuzz target `load_file`: the whole loader on one file's bytes.
//!
//! The input is written to a file in a fresh temporary folder and loaded
//! with `trailview_core::ingest::load_paths`, as the app and the command
//! line load a file, under small limits (64 MiB of decompressed text,
//! 256 MiB of memory budget). A first byte 0x01..=0x06 picks how the file
//! is written (gzip, `.csv` name, digest name, two gzip members, cut-short
//! gzip: see `trailview_fuzz::FileMode`); any other input is the file as
//! it is, so a real CloudTrail file (plain or `.json.gz`) is a seed.
//!
//! Checked: no panic, and the report agrees with the store: one file seen,
//! `report.events == store.len()`, every stored event's original bytes
//! read back (`store.raw(i)`) and are UTF-8 (events are read from text),
//! every column of every event can be shown, and the time range is
//! ordered.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trailview_core::ingest::{LoadOptions, load_paths};
use trailview_core::model::Column;
use trailview_core::store::Store;
use trailview_fuzz::FileMode;

fuzz_target!(|data: &[u8]| {
    let (mode, content) = FileMode::split(data);
    // A temporary folder per input: nothing is left behind between runs.
    let dir = tempfile::tempdir().expect("temporary folder for the input file");
    let path = dir.path().join(mode.file_name());
    std::fs::write(&path, mode.file_bytes(content)).expect("write the input file");

    let options = LoadOptions {
        max_decompressed_bytes: 64 << 20,
        max_memory_bytes: 256 << 20,
        ..LoadOptions::default()
    };
    let mut store = Store::new();
    let report = load_paths(std::slice::from_ref(&path), &options, &mut store);

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
