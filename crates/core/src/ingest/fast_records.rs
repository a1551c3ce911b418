//! Fast path for the one shape that matters for speed: a trail's delivery
//! file, `{"Records":[{...},{...}]}`.
//!
//! Instead of a validating pass to cut the records out (serde's `RawValue`)
//! followed by a second, field-reading pass per record, each record is read
//! once: its fields are read and validated by a reader that stops at the
//! record's end, which is where the next one starts. That reader is the
//! hand-written [`crate::ingest::record_scan`]; a record it gives up on is
//! read by serde's reader of the same fields, exactly as before. A record that reader
//! cannot take (not an object, an unexpected field shape) is cut out by a
//! structural scan that skips string contents a word at a time and read
//! the general way. Anything unexpected (another top-level key, a malformed
//! record, junk after the document) makes the fast path give up, and the
//! general reader in [`crate::ingest::containers`] reads the file instead.

use crate::ingest::record::RecordFields;
use crate::ingest::record_scan;
use crate::ingest::sink::{Pushed, Sink};

/// Tries the fast path. On `false` the sink may hold partial results and
/// must be reset before another reader runs.
pub fn read_records(text: &str, sink: &mut Sink) -> bool {
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return false;
    }
    i = skip_ws(b, i + 1);
    if !b[i..].starts_with(b"\"Records\"") {
        return false;
    }
    i = skip_ws(b, i + 9);
    if b.get(i) != Some(&b':') {
        return false;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) != Some(&b'[') {
        return false;
    }
    i = skip_ws(b, i + 1);
    if b.get(i) == Some(&b']') {
        return closes_document(b, i + 1);
    }
    loop {
        if sink.stopped().is_some() {
            // Out of memory budget: the rest of the file is not read (the
            // file's outcome says so); scanning it would only cost time.
            return true;
        }
        let end = match read_object(text, i, sink) {
            Some(end) => end,
            None => {
                let Some(end) = value_end(b, i) else {
                    return false;
                };
                // `i..end` are ASCII structural boundaries, so this cannot
                // split a character; `get` keeps it panic-free regardless.
                let Some(record) = text.get(i..end) else {
                    return false;
                };
                if sink.push_checked(record) == Pushed::Malformed {
                    return false;
                }
                end
            }
        };
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b']') => return closes_document(b, i + 1),
            _ => return false,
        }
    }
}

/// Reads the object record starting at `i` in one pass: its fields are
/// read, and where it ends is where the reader stopped. `None` (nothing
/// added) when the record is not an object or the borrowed reader cannot
/// read it; the caller then cuts it out by structure and reads it the
/// general way.
fn read_object(text: &str, i: usize, sink: &mut Sink) -> Option<usize> {
    let rest = text.get(i..)?;
    if !rest.starts_with('{') {
        return None;
    }
    // The hand-written reader first; it gives up on anything it is not sure
    // about, and serde then reads the record exactly as before.
    if let Some((fields, end)) = record_scan::read_record(text, i) {
        sink.push_parsed(text.get(i..end)?, &fields);
        return Some(end);
    }
    let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<RecordFields<'_>>();
    let fields = stream.next()?.ok()?;
    let end = i + stream.byte_offset();
    sink.push_parsed(text.get(i..end)?, &fields);
    Some(end)
}

/// After the Records list: `}` and nothing but whitespace.
fn closes_document(b: &[u8], i: usize) -> bool {
    let i = skip_ws(b, i);
    b.get(i) == Some(&b'}') && skip_ws(b, i + 1) == b.len()
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(c) = b.get(i) {
        if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
            break;
        }
        i += 1;
    }
    i
}

/// The end (exclusive) of the JSON value starting at `start`, found by
/// structure only: brackets are counted outside strings; strings are
/// skipped a word at a time. Scalars end at the next delimiter. The value is
/// not validated here.
fn value_end(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    let mut depth = 0usize;
    loop {
        match *b.get(i)? {
            b'"' => i = string_end(b, i + 1)?,
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                if depth == 0 {
                    // A scalar directly followed by the list's end.
                    return Some(i);
                }
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            b',' if depth == 0 => return Some(i),
            _ => i += 1,
        }
        if depth == 0 && i > start && matches!(b.get(start), Some(b'"')) {
            return Some(i);
        }
    }
}

/// The index just after the closing quote of a string whose contents start
/// at `i`. Eight bytes are tested at a time (most strings are short, so a
/// word-at-a-time scan beats a `memchr` call per string).
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has = |w: u64, c: u8| {
        let x = w ^ (ONES * u64::from(c));
        x.wrapping_sub(ONES) & !x & HIGHS
    };
    loop {
        while let Some(chunk) = b.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let hits = has(w, b'"') | has(w, b'\\');
            if hits != 0 {
                // The lowest flagged byte is always a real match.
                i += (hits.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        match *b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn read(text: &str) -> Option<Vec<String>> {
        let mut sink = Sink::new("t".into());
        if !read_records(text, &mut sink) {
            return None;
        }
        let mut s = Store::new();
        s.append(sink.finish());
        Some(
            (0..s.len() as u32)
                .map(|i| s.raw_text(i).expect("readable"))
                .collect(),
        )
    }

    #[test]
    fn cuts_records_exactly() {
        let a = r#"{"eventName":"A","x":"q\"}{[,","y":[1,{"z":"]"}]}"#;
        let b = r#"{ "eventName" : "B\\" }"#;
        assert_eq!(
            read(&format!("{{\"Records\":[{a},{b}]}}")),
            Some(vec![a.to_owned(), b.to_owned()])
        );
        assert_eq!(
            read(&format!(" {{ \"Records\" :\n [\n  {a} ,\n  {b}\n ]\n}}\n")),
            Some(vec![a.to_owned(), b.to_owned()])
        );
        let long = r#"{"policy":"abcdefghijklmnop\"qrstuvwxyz0123456789\\\\ABCDEFGHIJ\\","k":"é€😀 and more text"}"#;
        assert_eq!(
            read(&format!("{{\"Records\":[{long},{a}]}}")),
            Some(vec![long.to_owned(), a.to_owned()])
        );
        for cut in 0..long.len() {
            // Every prefix of a record either fails or is cut exactly.
            if let Some(prefix) = long.get(..cut) {
                let _ = read(&format!("{{\"Records\":[{prefix}]}}"));
            }
        }
        assert_eq!(read("{\"Records\":[]}"), Some(vec![]));
        assert_eq!(read("{\"Records\": [ ] }"), Some(vec![]));
    }

    #[test]
    fn non_objects_are_record_problems() {
        let mut sink = Sink::new("t".into());
        assert!(read_records(
            r#"{"Records":[{"eventName":"A"},42,"s",[1],{"eventName":"B"}]}"#,
            &mut sink
        ));
        let batch = sink.finish();
        assert_eq!(batch.len(), 2);
        assert_eq!(batch.problems.len(), 3);
        assert_eq!(batch.record_index, vec![0, 4]);
    }

    #[test]
    fn gives_up_on_anything_else() {
        for text in [
            "[{}]",
            "{\"Events\":[]}",
            "{\"Records\":[{}],\"more\":1}",
            "{\"Records\":[{}]} junk",
            "{\"Records\":[{\"a\": tru}]}",
            "{\"Records\":[{\"a\":1}",
            "{\"Records\":[{\"a\":\"unterminated}]}",
            "{\"Records\":[{},]}",
            "{\"Records\":{}}",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }
}
