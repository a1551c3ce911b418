//! Reads one file into text: gzip (detected by its magic bytes, any number
//! of members) or plain, within the size limits, checked to be UTF-8.
//!
//! The file is read whole into memory and inflated in one call (see
//! [`gunzip`]). When it inflated cleanly, its gzip bytes are handed back
//! too, so that the store can keep them as the raw chunk of the file's
//! events instead of compressing the text again.
//!
//! A gzip stream that breaks part way (truncated download, damaged member)
//! still gives the text before the damage, with the damage reported, so the
//! records before it can be kept.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::gunzip::{gunzip, is_gzip, plausible_size};
use crate::ingest::budget::{LoadBudget, TextPermit};
use crate::ingest::options::LoadOptions;
use crate::ingest::walk::io_reason;

/// The text of one file.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// Set when the gzip stream broke part way: `text` is what came before.
    pub damage: Option<String>,
    pub gzip: bool,
    /// The file's gzip bytes when it inflated cleanly; `text` is then their
    /// output from byte [`Self::text_offset`] on (after a byte-order mark).
    pub gzip_source: Option<Box<[u8]>>,
    pub text_offset: u32,
    /// The text's share of the load's memory for text in flight, given
    /// back when this is dropped (see [`crate::ingest::budget`]).
    pub permit: Option<TextPermit>,
}

/// Reads a file of `size` bytes into text, or says why it cannot.
pub fn read_text(path: &Path, size: u64, options: &LoadOptions) -> Result<Decoded, String> {
    read_text_in(path, size, options, None)
}

/// Like [`read_text`], holding the text against `budget`'s bound on text
/// in flight across the load's workers.
pub fn read_text_in(
    path: &Path,
    size: u64,
    options: &LoadOptions,
    budget: Option<&Arc<LoadBudget>>,
) -> Result<Decoded, String> {
    if size > options.max_file_bytes {
        return Err(format!(
            "file is {size} bytes, over the size limit of {} bytes",
            options.max_file_bytes
        ));
    }
    let limit = options.max_decompressed_bytes;
    let file = File::open(path).map_err(|e| format!("cannot open: {}", io_reason(&e)))?;
    // Read the whole file (it may have grown since it was listed: the read
    // is bounded by the size limits, not by the listed size).
    let cap = usize::try_from(size.min(options.max_file_bytes)).unwrap_or(usize::MAX);
    // Exactly the listed size, so that a gzip file can be kept as read
    // without reallocating (the end of the file is found by a small probe).
    let mut raw = Vec::new();
    raw.try_reserve_exact(cap)
        .map_err(|_| format!("out of memory: cannot allocate {cap} bytes to read the file"))?;
    file.take(options.max_file_bytes.max(limit).saturating_add(1))
        .read_to_end(&mut raw)
        .map_err(|e| format!("cannot read: {}", io_reason(&e)))?;
    let gzip = is_gzip(&raw);
    // What the text will hold: the file itself, or for gzip the trailer's
    // size when it is believable, else a small multiple of the file.
    let text_estimate = if gzip {
        plausible_size(&raw, limit).map_or(raw.len().saturating_mul(8), |n| n)
    } else {
        raw.len()
    } as u64;
    let permit = budget.map(|b| b.hold_text(text_estimate.min(limit)));
    let (bytes, damage, source) = if gzip {
        let out = gunzip(&raw, limit)?;
        let source = out.damage.is_none().then(|| raw.into_boxed_slice());
        (out.bytes, out.damage, source)
    } else {
        if raw.len() as u64 > limit {
            return Err(format!("decompressed size exceeds limit of {limit} bytes"));
        }
        (raw, None, None)
    };
    let bom = bytes.starts_with(&BOM);
    let named_gz = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().ends_with(".gz"));
    let raw_len = bytes.len();
    let text = to_text(bytes, damage.is_some()).map_err(|reason| {
        if !gzip && named_gz {
            format!("named .gz but is neither gzip data nor UTF-8 text ({reason})")
        } else {
            reason
        }
    })?;
    let text_offset = if bom { BOM.len() as u32 } else { 0 };
    // Spans are kept as u32 offsets: a bigger text keeps its raw bytes the
    // other way.
    let gzip_source = source.filter(|_| u32::try_from(raw_len).is_ok());
    Ok(Decoded {
        text,
        damage,
        gzip,
        gzip_source,
        text_offset,
        permit,
    })
}

const BOM: [u8; 3] = [0xef, 0xbb, 0xbf];

/// UTF-32 or UTF-16, by byte-order mark or, without one, by the zero
/// bytes ASCII text has in those encodings. UTF-32 is tested first: its
/// little-endian mark starts with UTF-16's.
fn wide_encoding(b: &[u8]) -> Option<&'static str> {
    match b {
        [0xff, 0xfe, 0, 0, ..] | [0, 0, 0xfe, 0xff, ..] => Some("UTF-32"),
        [0xff, 0xfe, ..] | [0xfe, 0xff, ..] => Some("UTF-16"),
        [a, 0, 0, 0, ..] | [0, 0, 0, a, ..] if *a != 0 => Some("UTF-32"),
        [a, 0, c, 0, ..] | [0, a, 0, c, ..] if *a != 0 && *c != 0 => Some("UTF-16"),
        _ => None,
    }
}

/// Checks the bytes are UTF-8 (dropping a byte-order mark). When the data
/// was cut short, an incomplete character at the very end is dropped.
fn to_text(mut bytes: Vec<u8>, cut_short: bool) -> Result<String, String> {
    if bytes.starts_with(&BOM) {
        bytes.drain(..3);
    }
    if let Some(encoding) = wide_encoding(&bytes) {
        return Err(format!(
            "content is {encoding} text; only UTF-8 is supported"
        ));
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let err = e.utf8_error();
            if cut_short && err.error_len().is_none() {
                let mut bytes = e.into_bytes();
                bytes.truncate(err.valid_up_to());
                // Only the incomplete tail was invalid, so this cannot fail.
                return String::from_utf8(bytes).map_err(|e| e.to_string());
            }
            Err(format!(
                "content is not UTF-8 text (invalid byte at offset {})",
                err.valid_up_to()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        e.write_all(data).expect("gzip");
        e.finish().expect("gzip")
    }

    fn read(bytes: &[u8], name: &str, options: &LoadOptions) -> Result<Decoded, String> {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        read_text(&p, bytes.len() as u64, options)
    }

    #[test]
    fn reads_plain_gzip_and_multi_member_gzip() {
        let o = LoadOptions::default();
        let d = read(b"\xef\xbb\xbf{\"a\":1}", "x.json", &o).expect("plain");
        assert_eq!(d.text, "{\"a\":1}");
        assert!(!d.gzip);
        // Detected by magic bytes even without a .gz name.
        let d = read(&gz(b"[1]"), "x.json", &o).expect("gzip");
        assert_eq!(d.text, "[1]");
        assert!(d.gzip);
        let mut two = gz(b"{\"Records\":[");
        two.extend(gz(b"{}]}"));
        let d = read(&two, "x.json.gz", &o).expect("two members");
        assert_eq!(d.text, "{\"Records\":[{}]}");
    }

    #[test]
    fn truncated_gzip_keeps_text_before_the_cut() {
        let o = LoadOptions::default();
        let data = "{\"Records\":[".to_owned() + &"{\"eventName\":\"A\"},".repeat(5000) + "{}]}";
        let z = gz(data.as_bytes());
        let d = read(&z[..z.len() / 2], "x.json.gz", &o).expect("partial");
        assert!(
            d.damage
                .as_deref()
                .unwrap_or("")
                .contains("corrupt or truncated gzip")
        );
        assert!(d.text.starts_with("{\"Records\":[{\"eventName\""));
        let e = read(&z[..8], "x.json.gz", &o).expect_err("nothing readable");
        assert!(e.contains("corrupt or truncated gzip"), "{e}");
    }

    #[test]
    fn limits_and_bad_content_are_reasons() {
        let small = LoadOptions {
            max_file_bytes: 10_000,
            max_decompressed_bytes: 1000,
            ..LoadOptions::default()
        };
        let bomb = gz(&vec![b' '; 100_000]);
        let e = read(&bomb, "bomb.json.gz", &small).expect_err("bomb");
        assert_eq!(e, "decompressed size exceeds limit of 1000 bytes");
        let e = read(&[b'x'; 20_000], "big.json", &small).expect_err("too big");
        assert_eq!(e, "file is 20000 bytes, over the size limit of 10000 bytes");
        let utf32: Vec<u8> = "{\"Records\":[]}"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        for (name, bytes) in [
            ("UTF-32", [b"\xff\xfe\x00\x00".as_slice(), &utf32].concat()),
            ("UTF-32", utf32.clone()),
            ("UTF-32", b"\x00\x00\xfe\xff\x00\x00\x00{".to_vec()),
            ("UTF-16", b"\xff\xfe{\x00}\x00".to_vec()),
            ("UTF-16", b"{\x00\"\x00".to_vec()),
            ("UTF-16", b"\x00{\x00\"".to_vec()),
        ] {
            let e = read(&bytes, "x.json", &small).expect_err("wide");
            assert_eq!(
                e,
                format!("content is {name} text; only UTF-8 is supported")
            );
        }
        let e = read(b"ab\xff\xfe", "x.json", &small).expect_err("utf8");
        assert_eq!(e, "content is not UTF-8 text (invalid byte at offset 2)");
        let e = read(b"\x00\x9f\x92\x96", "x.json.gz", &small).expect_err("not gzip");
        assert!(
            e.starts_with("named .gz but is neither gzip data nor UTF-8 text"),
            "{e}"
        );
    }
}
