//! NDJSON: one event per line. An event is written as its original bytes
//! unless they contain a line break (pretty-printed sources); such an event
//! has the whitespace outside its strings removed, byte by byte, so it is
//! the same JSON (same keys, same order, same values) on one line.

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
    let mut buf = Vec::new();
    for_each_raw(store, rows, |_, bytes| {
        progress.step()?;
        if memchr::memchr2(b'\n', b'\r', bytes).is_some() {
            minify_into(bytes, &mut buf);
            out.write_all(&buf)?;
        } else {
            out.write_all(bytes)?;
        }
        out.write_all(b"\n")
    })
}

/// Copies JSON text without the whitespace between tokens. Strings are
/// copied exactly (JSON strings cannot hold raw line breaks).
pub fn minify_into(json: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            if b == b'"' {
                in_string = true;
            }
            out.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minify_keeps_strings_and_order() {
        let pretty = "{\n  \"b\" : \"a \\\" }\\n x\",\n\t\"a\": [ 1, 2 ]\r\n}";
        let mut out = Vec::new();
        minify_into(pretty.as_bytes(), &mut out);
        assert_eq!(
            String::from_utf8(out.clone()).expect("utf8"),
            "{\"b\":\"a \\\" }\\n x\",\"a\":[1,2]}"
        );
        let a: serde_json::Value = serde_json::from_str(pretty).expect("json");
        let b: serde_json::Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(a, b);
    }
}
