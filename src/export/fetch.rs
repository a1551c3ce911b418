//! Reading the raw bytes of many rows in their given order without
//! decompressing a block per row: rows are taken in windows, the blocks a
//! window needs are decompressed once each (in parallel), and the rows are
//! then handed out in order.

use rayon::prelude::*;

use crate::model::EventIdx;
use crate::store::Store;
use crate::store::raw::RawLoc;

/// Rows per window at most.
const WINDOW_ROWS: usize = 32 * 1024;
/// Raw bytes per window at most (the window's events are held in memory).
const WINDOW_BYTES: usize = 64 << 20;

/// Calls `f(idx, bytes)` for every row in order with the event's exact
/// original bytes. Stops at the first error `f` returns.
pub fn for_each_raw<E>(
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
        for (&idx, bytes) in window.iter().zip(&slots) {
            f(idx, bytes)?;
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
) -> Vec<Vec<u8>> {
    // (block, position in window) for every row with bytes.
    let mut order: Vec<(u32, usize)> = window
        .iter()
        .enumerate()
        .filter_map(|(pos, &i)| loc_of(i).map(|l| (l.chunk, pos)))
        .collect();
    order.sort_unstable();
    let groups: Vec<&[(u32, usize)]> = order.chunk_by(|a, b| a.0 == b.0).collect();
    let pieces: Vec<Vec<(usize, Vec<u8>)>> = groups
        .par_iter()
        .map(|group| {
            let block = store
                .raw_store()
                .chunk(group[0].0)
                .map(|b| b.decompress())
                .unwrap_or_default();
            group
                .iter()
                .map(|&(_, pos)| {
                    let bytes = loc_of(window[pos])
                        .and_then(|l| {
                            let s = l.offset as usize;
                            block.get(s..s + l.len as usize)
                        })
                        .map(<[u8]>::to_vec)
                        .unwrap_or_default();
                    (pos, bytes)
                })
                .collect()
        })
        .collect();
    let mut slots = vec![Vec::new(); window.len()];
    for (pos, bytes) in pieces.into_iter().flatten() {
        slots[pos] = bytes;
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::store_from_texts;

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
        let rows: Vec<EventIdx> = (0..3000u32)
            .rev()
            .step_by(7)
            .chain([5, 5, 99_999])
            .collect();
        let mut got = Vec::new();
        for_each_raw(&store, &rows, |i, b| {
            got.push((i, b.to_vec()));
            Ok::<(), ()>(())
        })
        .expect("no error");
        assert_eq!(got.len(), rows.len());
        for ((i, b), &r) in got.iter().zip(&rows) {
            assert_eq!(*i, r);
            let want = texts.get(r as usize).map(|t| t.as_bytes()).unwrap_or(b"");
            assert_eq!(b.as_slice(), want);
        }
    }
}
