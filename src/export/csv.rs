//! CSV with a header row of column names, RFC 4180 quoting, times in
//! RFC 3339 UTC, and cells that a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-`, `@`, tab or CR) prefixed with `'`.

use std::io::{self, Write};

use super::Progress;
use super::fetch::for_each_raw;
use crate::model::{Column, ColumnSpec, EventIdx};
use crate::query::json_field::{raw_cell_text, split_path};
use crate::query::{Annotations, mark_text};
use crate::store::Store;
use crate::timefmt;

pub fn write(
    store: &Store,
    rows: &[EventIdx],
    columns: &[ColumnSpec],
    out: &mut impl Write,
    progress: &Progress,
    ann: &dyn Annotations,
) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(columns.iter().map(ColumnSpec::name))?;
    let paths: Vec<Option<Vec<String>>> = columns
        .iter()
        .map(|c| match c {
            ColumnSpec::Path(p) => split_path(p),
            ColumnSpec::Column(_) | ColumnSpec::Mark(_) => None,
        })
        .collect();
    let mut row_cells = |idx: EventIdx, raw: &[u8]| -> io::Result<()> {
        progress.step()?;
        let cells = columns.iter().zip(&paths).map(|(spec, path)| {
            let text = match spec {
                ColumnSpec::Column(Column::Time) => timefmt::format_rfc3339(store.time(idx)),
                ColumnSpec::Column(c) => store.value(*c, idx).into_owned(),
                ColumnSpec::Mark(m) => mark_text(ann, *m, idx),
                ColumnSpec::Path(_) => match path {
                    Some(segs) => raw_cell_text(raw, segs),
                    None => String::new(),
                },
            };
            neutralise(text)
        });
        w.write_record(cells)?;
        Ok(())
    };
    if paths.iter().any(Option::is_some) {
        for_each_raw(store, rows, &mut row_cells)?;
    } else {
        for &idx in rows {
            row_cells(idx, b"")?;
        }
    }
    w.flush()
}

/// Prefixes `'` to a cell a spreadsheet would read as a formula.
pub fn neutralise(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formula_starts_only() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(bad.into()), format!("'{bad}"));
        }
        for ok in ["a=1", "1-2", "", "x@y", " =1"] {
            assert_eq!(neutralise(ok.into()), ok);
        }
    }
}
