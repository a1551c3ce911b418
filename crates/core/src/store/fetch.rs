//! Reading the raw bytes of many rows in their given order without
//! decompressing a block per row: rows are taken in windows, the blocks a
//! window needs are decompressed once each (in parallel), and the rows are
//! then handed out in order.

use rayon::prelude::*;

use crate::model::EventIdx;
use crate::store::Store;
use crate::store::raw::{RawError, RawLoc, slice_of};

/// Rows per window at most.
const WINDOW_ROWS: usize = 32 * 1024;
/// Raw bytes per window at most (the window's events are held in memory).
const WINDOW_BYTES: usize = 64 << 20;

/// Calls `f(idx, bytes)` for every row in order with the event's exact
/// original bytes. Stops at the first error `f` returns, and with an
/// error at the first event whose bytes cannot be read back (nothing is
/// ever handed out in their place).
pub fn for_each_raw<E: From<RawError>>(
    store: &Store,
    rows: &[EventIdx],
    mut f: impl FnMut(EventIdx, &[u8]) -> Result<(), E>,
) -> Result<(), E> {
    let locs = store.raw_locs();
    let loc_of = |i: EventIdx| locs.get(i as usize).copied();
    let mut start = 0;
    while start < rows.len() {
        let mut end = start;
        let mut bytes = 0usize;
        while end < rows.len() && end - start < WINDOW_ROWS && bytes < WINDOW_BYTES {
            bytes += loc_of(rows[end]).map_or(0, |l| l.len as usize);
            end += 1;
        }
        let window = &rows[start..end];
        let slots = fetch_window(store, window, &loc_of);
        for (&idx, bytes) in window.iter().zip(slots) {
            f(idx, &bytes?)?;
        }
        start = end;
    }
    Ok(())
}

/// The bytes of each row of `window`, in order.
fn fetch_window(
    store: &Store,
    window: &[EventIdx],
    loc_of: &(impl Fn(EventIdx) -> Option<RawLoc> + Sync),
) -> Vec<Result<Vec<u8>, RawError>> {
    // (block, position in window) for every row with bytes.
    let mut order: Vec<(u32, usize)> = window
        .iter()
        .enumerate()
        .filter_map(|(pos, &i)| loc_of(i).map(|l| (l.chunk, pos)))
        .collect();
    order.sort_unstable();
    let groups: Vec<&[(u32, usize)]> = order.chunk_by(|a, b| a.0 == b.0).collect();
    type Piece = (usize, Result<Vec<u8>, RawError>);
    let pieces: Vec<Vec<Piece>> = groups
        .par_iter()
        .map(|group| {
            let n = group[0].0;
            let block = store
                .raw_store()
                .chunk(n)
                .ok_or_else(|| "no such chunk".to_owned())
                .and_then(|b| b.decompress())
                .map_err(|reason| RawError { chunk: n, reason });
            group
                .iter()
                .map(|&(_, pos)| {
                    let bytes = match (&block, loc_of(window[pos])) {
                        (Ok(block), Some(loc)) => slice_of(block, loc),
                        (Err(e), _) => Err(e.clone()),
                        (Ok(_), None) => Err(RawError {
                            chunk: n,
                            reason: "no location".into(),
                        }),
                    };
                    (pos, bytes)
                })
                .collect()
        })
        .collect();
    let mut slots: Vec<Result<Vec<u8>, RawError>> = (0..window.len())
        .map(|pos| {
            Err(RawError {
                chunk: u32::MAX,
                reason: format!("no bytes recorded for event {}", window[pos]),
            })
        })
        .collect();
    for (pos, bytes) in pieces.into_iter().flatten() {
        slots[pos] = bytes;
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::store_from_texts;

    #[test]
    fn gives_exact_bytes_in_row_order() {
        let texts: Vec<String> = (0..3000)
            .map(|i| {
                format!(
                    "{{\"eventID\":\"id-{i}\",\"pad\":\"{}\"}}",
                    "x".repeat(i % 500)
                )
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let store = store_from_texts(&[("f", &refs)]);
        assert!(store.raw_store().chunk_count() > 1);
        let rows: Vec<EventIdx> = (0..3000u32).rev().step_by(7).chain([5, 5]).collect();
        let mut got = Vec::new();
        for_each_raw(&store, &rows, |i, b| {
            got.push((i, b.to_vec()));
            Ok::<(), RawError>(())
        })
        .expect("no error");
        assert_eq!(got.len(), rows.len());
        for ((i, b), &r) in got.iter().zip(&rows) {
            assert_eq!(*i, r);
            assert_eq!(b.as_slice(), texts[r as usize].as_bytes());
        }
    }

    #[test]
    fn an_event_that_cannot_be_read_is_an_error_not_empty_bytes() {
        let store = store_from_texts(&[("f", &[r#"{"eventID":"a"}"#, r#"{"eventID":"b"}"#])]);
        let mut seen = Vec::new();
        let err = for_each_raw(&store, &[0, 7, 1], |i, _| {
            seen.push(i);
            Ok::<(), RawError>(())
        })
        .expect_err("row 7 does not exist");
        assert_eq!(seen, vec![0], "nothing after the unreadable event");
        assert!(err.to_string().contains("cannot be read back"), "{err}");
        assert!(store.raw(7).is_err());
    }
}
