//! `{"Records":[ ... ]}` with every event's original bytes unchanged, in
//! row order: what a trail delivers, so `jq`, Athena and Trailview itself
//! read it back.

use std::io::{self, Write};

use super::Progress;
use crate::model::EventIdx;
use crate::store::Store;
use crate::store::fetch::for_each_raw;

pub fn write(
    store: &Store,
    rows: &[EventIdx],
    out: &mut impl Write,
    progress: &Progress,
) -> io::Result<()> {
    out.write_all(b"{\"Records\":[")?;
    let mut first = true;
    for_each_raw(store, rows, |_, bytes| {
        progress.step()?;
        out.write_all(if first { b"\n" } else { b",\n" })?;
        first = false;
        out.write_all(bytes)
    })?;
    out.write_all(if first { b"]}\n" } else { b"\n]}\n" })
}
