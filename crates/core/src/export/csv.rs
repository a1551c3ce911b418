//! CSV with a header row of column names, RFC 4180 quoting, times in
//! RFC 3339 UTC, and cells that a spreadsheet would run as a formula
//! prefixed with `'` (see [`neutralise`] for the rule; docs/evidence.md).

use std::io::{self, Write};

use super::Progress;
use crate::model::{Column, ColumnSpec, EventIdx};
use crate::query::json_field::{raw_cell_text, split_path};
use crate::query::{Annotations, mark_text};
use crate::store::Store;
use crate::store::fetch::for_each_raw;
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
///
/// The rule: a cell is neutralised when it starts with a tab or a carriage
/// return, or when the first character a spreadsheet would read — after
/// skipping what spreadsheets skip or do not show (whitespace of any kind,
/// including no-break and ideographic spaces; control characters such as
/// NUL, vertical tab and form feed; zero-width and other format characters,
/// including the byte-order mark; other default-ignorable characters) and
/// after Unicode compatibility normalisation (NFKC, which makes fullwidth
/// `＝` an `=`) — is `=`, `+`, `-` or `@` (or the minus sign `−`).
pub fn neutralise(cell: String) -> String {
    if is_formula_like(&cell) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// True when a spreadsheet could read `cell` as a formula (see
/// [`neutralise`]).
pub fn is_formula_like(cell: &str) -> bool {
    if cell.starts_with(['\t', '\r']) {
        return true;
    }
    cell.chars()
        .find(|&c| !is_skipped(c))
        .is_some_and(|c| matches!(nfkc_formula_start(c), '=' | '+' | '-' | '@' | '\u{2212}'))
}

/// Characters a spreadsheet skips or does not show before a cell's
/// content: Unicode whitespace, control characters (Cc), format
/// characters (Cf: zero-width spaces and joiners, bidirectional marks,
/// the byte-order mark, soft hyphen, ...) and the other default-ignorable
/// characters (variation selectors, Hangul fillers, the combining
/// grapheme joiner).
fn is_skipped(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c as u32,
            // Format characters (general category Cf).
            0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2
                | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064
                | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD
                | 0x13430..=0x13438 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
                | 0xE0001 | 0xE0020..=0xE007F
                // Other default-ignorable code points.
                | 0x34F | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180D
                | 0x180F | 0x3164 | 0xFE00..=0xFE0F | 0xFFA0 | 0xE0100..=0xE01EF
        )
}

/// The first character of `c`'s NFKC normalisation, for the characters
/// whose normalisation starts with `=`, `+`, `-`, `@` or `−` (the complete
/// list from the Unicode data: fullwidth, small, superscript and subscript
/// forms); any other character is returned as it is.
fn nfkc_formula_start(c: char) -> char {
    match c {
        '\u{FF1D}' | '\u{FE66}' | '\u{207C}' | '\u{208C}' | '\u{2A75}' | '\u{2A76}' => '=',
        '\u{FF0B}' | '\u{FE62}' | '\u{207A}' | '\u{208A}' | '\u{FB29}' => '+',
        '\u{FF0D}' | '\u{FE63}' => '-',
        '\u{207B}' | '\u{208B}' => '\u{2212}',
        '\u{FF20}' | '\u{FE6B}' => '@',
        other => other,
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
        for ok in [
            "a=1",
            "1-2",
            "",
            "x@y",
            "   ",
            "\u{200B}",
            "plain =1",
            "\u{3000}x",
        ] {
            assert_eq!(neutralise(ok.into()), ok);
        }
    }

    #[test]
    fn neutralises_formulas_behind_what_spreadsheets_skip() {
        for bad in [
            " =1+1",
            "   =1+1",
            "\u{200B}=1+1",         // zero-width space
            "\u{FEFF}=1+1",         // byte-order mark
            "\u{A0}=1+1",           // no-break space
            "\u{3000}=1+1",         // ideographic space
            "\u{B}=1+1",            // vertical tab
            "\u{0}=1+1",            // NUL
            "\u{C}=1+1",            // form feed
            "\n=1+1",               // line feed
            "\u{200D}\u{2060}+1",   // joiner, word joiner
            "\u{202E}@SUM(A1)",     // right-to-left override
            "\u{FF1D}1+1",          // fullwidth =
            "\u{FF0B}1",            // fullwidth +
            "\u{FF0D}1",            // fullwidth -
            "\u{FF20}SUM(A1)",      // fullwidth @
            "\u{FE66}1",            // small =
            " \u{3000}\u{FF1D}1+1", // mixed
            "\u{2212}1",            // minus sign
            "\u{AD}=1",             // soft hyphen
        ] {
            assert_eq!(neutralise(bad.into()), format!("'{bad}"), "{bad:?}");
        }
    }
}
