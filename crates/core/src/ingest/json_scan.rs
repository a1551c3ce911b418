//! Validating JSON scanning primitives over bytes: whitespace, strings,
//! numbers, literals and whole values.
//!
//! Each function takes the index where a token starts and returns the index
//! just after it, or `None` when the bytes are not JSON that `serde_json`
//! would accept. The rules are serde_json's (raw control characters are not
//! allowed in strings, only its escapes are, numbers follow the JSON
//! grammar); where in doubt these functions reject more, never less, so a
//! caller that falls back to serde on `None` never changes behaviour.

/// Deepest nesting [`skip_value`] follows; deeper values are rejected
/// (serde_json itself refuses some values past 128 levels).
pub const MAX_DEPTH: u32 = 64;

/// The first index at or after `i` that is not JSON whitespace.
#[inline]
pub fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while let Some(c) = b.get(i) {
        if !matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
            break;
        }
        i += 1;
    }
    i
}

/// A string whose contents start at `i` (just after the opening quote):
/// the index just after its closing quote, and whether it holds any escape.
/// Raw control characters and invalid escapes are rejected. A block of
/// bytes is tested at a time for a quote, a backslash or a control
/// character (see [`first_special`]).
#[inline]
pub fn string_end(b: &[u8], mut i: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    loop {
        while let Some(chunk) = b.get(i..i + BLOCK) {
            if let Some(k) = first_special(chunk) {
                i += k;
                break;
            }
            i += BLOCK;
        }
        let c = *b.get(i)?;
        match c {
            b'"' => return Some((i + 1, escaped)),
            b'\\' => {
                escaped = true;
                i = escape_end(b, i + 1)?;
            }
            0..0x20 => return None,
            _ => i += 1,
        }
    }
}

/// Bytes tested at a time by [`first_special`].
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
const BLOCK: usize = 16;

/// The index of the first quote, backslash or control character in a
/// block of [`BLOCK`] bytes, with one SSE2 compare per kind.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn first_special(chunk: &[u8]) -> Option<usize> {
    let block: &[u8; 16] = chunk.try_into().ok()?;
    // SAFETY: the only requirement of `specials_sse2` is that the CPU has
    // SSE2. This code is compiled only when SSE2 is enabled for the whole
    // build (`cfg(target_feature = "sse2")`, part of the x86_64 baseline),
    // so every CPU that can run the program has it.
    let mask = unsafe { specials_sse2(block) };
    (mask != 0).then(|| mask.trailing_zeros() as usize)
}

/// Bit `k` is set when byte `k` is `"`, `\\` or below 0x20.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[target_feature(enable = "sse2")]
fn specials_sse2(block: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x,
        _mm_set1_epi8,
    };
    let half = |k: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&block[k..k + 8]);
        i64::from_le_bytes(word)
    };
    let v = _mm_set_epi64x(half(8), half(0));
    let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
    let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
    // Unsigned `v <= 0x1f` is `min(v, 0x1f) == v`.
    let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
    _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
const BLOCK: usize = 8;

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
#[inline]
fn first_special(chunk: &[u8]) -> Option<usize> {
    first_special_word(chunk)
}

/// The index of the first quote, backslash or control character in the
/// first eight bytes of `chunk`, tested as one 64-bit word.
#[cfg(any(test, not(all(target_arch = "x86_64", target_feature = "sse2"))))]
#[inline]
fn first_special_word(chunk: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut word = [0u8; 8];
    word.copy_from_slice(chunk.get(..8)?);
    let w = u64::from_le_bytes(word);
    let q = w ^ (ONES * u64::from(b'"'));
    let s = w ^ (ONES * u64::from(b'\\'));
    // A byte is flagged when it is zero after the xor (quote, backslash)
    // or below 0x20 (control). Borrows can only flag bytes above a real
    // hit, so the lowest flag is always real.
    let hits =
        (q.wrapping_sub(ONES) & !q | s.wrapping_sub(ONES) & !s | w.wrapping_sub(ONES * 0x20) & !w)
            & HIGHS;
    (hits != 0).then(|| (hits.trailing_zeros() / 8) as usize)
}

/// After a backslash at `i - 1`: the index just after the escape.
#[inline]
fn escape_end(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(i + 1),
        b'u' => {
            let hex = b.get(i + 1..i + 5)?;
            hex.iter().all(u8::is_ascii_hexdigit).then_some(i + 5)
        }
        _ => None,
    }
}

/// A number starting at `i` (`-` or a digit), by the JSON grammar: no
/// leading zeros, digits after `.`, digits after the exponent's sign.
#[inline]
pub fn number_end(b: &[u8], mut i: usize) -> Option<usize> {
    let digits = |mut i: usize| {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > start).then_some(i)
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match *b.get(i)? {
        b'0' => {
            i += 1;
            if b.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
        }
        b'1'..=b'9' => i = digits(i)?,
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        i = digits(i + 1)?;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(i)?;
    }
    Some(i)
}

/// `word` (a literal such as `true`) at `i`: the index after it.
#[inline]
pub fn literal_end(b: &[u8], i: usize, word: &[u8]) -> Option<usize> {
    b.get(i..)?.starts_with(word).then_some(i + word.len())
}

/// The end (exclusive) of the JSON value starting at `i` (no leading
/// whitespace), validated along the way. Nesting deeper than
/// [`MAX_DEPTH`] is rejected.
pub fn skip_value(b: &[u8], mut i: usize) -> Option<usize> {
    // One bit per open container: 1 for an object, 0 for a list.
    let mut stack: u64 = 0;
    let mut depth: u32 = 0;
    loop {
        // A value starts at `i`.
        match *b.get(i)? {
            b'"' => i = string_end(b, i + 1)?.0,
            b'{' | b'[' => {
                let object = b[i] == b'{';
                if depth >= MAX_DEPTH {
                    return None;
                }
                stack = (stack << 1) | u64::from(object);
                depth += 1;
                i = skip_ws(b, i + 1);
                let close = if object { b'}' } else { b']' };
                if b.get(i) == Some(&close) {
                    // Empty container: it is the value just read.
                    depth -= 1;
                    stack >>= 1;
                    i += 1;
                } else {
                    if object {
                        i = key_colon(b, i)?;
                    }
                    continue;
                }
            }
            b't' => i = literal_end(b, i, b"true")?,
            b'f' => i = literal_end(b, i, b"false")?,
            b'n' => i = literal_end(b, i, b"null")?,
            b'-' | b'0'..=b'9' => i = number_end(b, i)?,
            _ => return None,
        }
        // A value ended at `i`: close containers or move to the next value.
        loop {
            if depth == 0 {
                return Some(i);
            }
            let object = stack & 1 == 1;
            i = skip_ws(b, i);
            match *b.get(i)? {
                b',' => {
                    i = skip_ws(b, i + 1);
                    if object {
                        i = key_colon(b, i)?;
                    }
                    break;
                }
                b'}' if object => {}
                b']' if !object => {}
                _ => return None,
            }
            i += 1;
            depth -= 1;
            stack >>= 1;
        }
    }
}

/// An object key at `i`, its colon, and the whitespace up to its value.
#[inline]
fn key_colon(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let i = skip_ws(b, string_end(b, i + 1)?.0);
    if b.get(i) != Some(&b':') {
        return None;
    }
    Some(skip_ws(b, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(s: &str) -> Option<usize> {
        skip_value(s.as_bytes(), 0)
    }

    #[test]
    fn strings_validate_escapes_and_controls() {
        let end = |s: &str| string_end(s.as_bytes(), 1);
        for (s, escaped) in [
            (r#""abc""#, false),
            (r#""a long string without escapes..""#, false),
            (r#""a\"b\\c\/\b\f\n\r\t\u00e9\uD83D""#, true),
            ("\"é€😀 0123456789\"", false),
            (r#""0123456789abcdef\"0123456789""#, true),
        ] {
            assert_eq!(end(s), Some((s.len(), escaped)), "{s}");
        }
        assert_eq!(end("\"tab\there\""), None);
        assert_eq!(end("\"0123456789\u{1f}abc\""), None);
        assert_eq!(end(r#""bad \x escape""#), None);
        assert_eq!(end(r#""bad \u12g4""#), None);
        assert_eq!(end(r#""short \u12"#), None);
        assert_eq!(end(r#""unterminated"#), None);
    }

    #[test]
    fn block_tests_find_the_first_special_byte() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let pool = [
            b'a', b'"', b'\\', 0, 0x1f, 0x20, 0x7f, 0x80, 0xff, b'Z', 0xc3,
        ];
        for _ in 0..20_000 {
            let mut block = [b'x'; 16];
            for byte in block.iter_mut() {
                if rng.random_range(0..6) == 0 {
                    *byte = pool[rng.random_range(0..pool.len())];
                }
            }
            let naive = block
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20);
            let words = first_special_word(&block[..8])
                .or_else(|| first_special_word(&block[8..]).map(|k| k + 8));
            assert_eq!(words, naive, "{block:?}");
            let blocks = first_special(&block[..BLOCK])
                .or_else(|| first_special(&block[BLOCK..]).map(|k| k + BLOCK));
            assert_eq!(blocks, naive, "{block:?}");
        }
    }

    #[test]
    fn numbers_follow_the_grammar() {
        for good in ["0", "-0", "12", "-1.5", "1e5", "1E+5", "1.25e-3", "0.0"] {
            assert_eq!(number_end(good.as_bytes(), 0), Some(good.len()), "{good}");
        }
        for bad in [
            "-", "01", "1.", "1e", "1e+", "-a", ".5", "+1", "-01", "1.e5",
        ] {
            assert_eq!(number_end(bad.as_bytes(), 0), None, "{bad}");
        }
    }

    #[test]
    fn values_are_skipped_exactly() {
        let v = r#"{"a":[1,{"b":null},"x\"]"],"c":{},"d":[],"e":true,"f":-1.5e3}"#;
        assert_eq!(skip(&format!("{v},")), Some(v.len()));
        assert_eq!(skip("[ 1 , 2 ]x"), Some(9));
        assert_eq!(skip("\"s\" "), Some(3));
        assert_eq!(skip("false}"), Some(5));
        for bad in [
            "{",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{1:2}",
            "[1 2]",
            "tru",
            "nul",
            "[}",
            "{]",
            "{\"a\":[1}",
            "\"\u{7}\"",
            "-",
            "[01]",
        ] {
            assert_eq!(skip(bad), None, "{bad}");
        }
        let deep = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert_eq!(skip(&deep), Some(128));
        let deeper = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(skip(&deeper), None);
    }
}
