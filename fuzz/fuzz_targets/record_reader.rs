//! Fuzz target `record_reader`: the hand-written record reader
//! (`trailview_core::ingest::record_scan::read_record`) against serde's
//! reader of the same fields (`ingest::record::RecordFields`), the
//! contract its tests (`record_scan_tests.rs`) check on the corpus.
//!
//! The input is read as UTF-8 (invalid sequences replaced) and the record
//! reader is tried at offset 0 and at the first [`MAX_STARTS`] `{` in it
//! (nested objects included, as the corpus test does). Whenever the fast
//! reader returns fields, serde must accept the record too, with equal
//! fields and the same end offset. Where the fast reader gives up (`None`)
//! anything goes: the loader then reads the record the serde way.

#![no_main]

use libfuzzer_sys::fuzz_target;
use trailview_core::ingest::record::RecordFields;
use trailview_core::ingest::record_scan::read_record;

/// Object starts tried per input: enough to reach nested objects and the
/// records after the first, few enough to keep executions fast.
const MAX_STARTS: usize = 32;

/// serde's reading of the record at `start`: its fields and where it ends
/// (exactly `serde_read` in `record_scan_tests.rs`).
fn serde_read(text: &str, start: usize) -> Option<(RecordFields<'_>, usize)> {
    let mut stream =
        serde_json::Deserializer::from_str(text.get(start..)?).into_iter::<RecordFields<'_>>();
    let fields = stream.next()?.ok()?;
    Some((fields, start + stream.byte_offset()))
}

/// The contract at `start` (exactly `check` in `record_scan_tests.rs`).
fn check(text: &str, start: usize) {
    let Some((fields, end)) = read_record(text, start) else {
        return;
    };
    let Some((expected, expected_end)) = serde_read(text, start) else {
        panic!("scanner accepted what serde refuses: {:?}", &text[start..]);
    };
    assert_eq!(fields, expected, "fields differ: {:?}", &text[start..]);
    assert_eq!(end, expected_end, "ends differ: {:?}", &text[start..]);
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    if text.is_empty() {
        return;
    }
    check(text, 0);
    for (start, _) in text.match_indices('{').take(MAX_STARTS) {
        if start != 0 {
            check(text, start);
        }
    }
});
