//! Whole-buffer gzip decoding. A file held in memory is inflated in one
//! call by libdeflate when it is plainly one gzip member whose size the
//! trailer gives (the common case of a trail delivery file); anything else
//! (several members, trailing bytes, damage, a trailer that lies, output
//! over the limit) goes through flate2's streaming decoder, which gives the
//! text before any damage and says what broke.

use std::cell::RefCell;
use std::io::Read;

use flate2::read::MultiGzDecoder;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// Every gzip member starts with these bytes (magic and deflate method).
const MEMBER_START: [u8; 3] = [0x1f, 0x8b, 0x08];
/// Smallest possible gzip member: 10 bytes of header, 8 of trailer.
const MIN_MEMBER: usize = 18;

thread_local! {
    /// This thread's libdeflate decompressor (allocating one per call
    /// costs more than inflating a small file).
    static DECOMPRESSOR: RefCell<Option<libdeflater::Decompressor>> = const { RefCell::new(None) };
    /// A spent output buffer of this thread, reused for the next file (no
    /// allocation, page faults or zeroing of fresh memory per file).
    static SPARE: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Spare buffers bigger than this are freed rather than kept.
const MAX_SPARE: usize = 16 << 20;

/// Gives a spent output buffer (such as a file's text once its records
/// are read) back for reuse by this thread's next [`gunzip`].
pub fn recycle(buf: Vec<u8>) {
    if buf.capacity() <= MAX_SPARE {
        SPARE.with(|cell| {
            let mut spare = cell.borrow_mut();
            if buf.capacity() > spare.capacity() {
                *spare = buf;
            }
        });
    }
}

/// A buffer of `len` bytes whose contents are to be overwritten.
fn buffer(len: usize) -> Vec<u8> {
    let mut buf = SPARE.with(|cell| std::mem::take(&mut *cell.borrow_mut()));
    // Only bytes past the old length are zeroed.
    buf.resize(len, 0);
    buf
}

/// True when `data` starts like gzip.
pub fn is_gzip(data: &[u8]) -> bool {
    data.starts_with(&GZIP_MAGIC)
}

/// The result of inflating a whole file.
#[derive(Debug)]
pub struct Inflated {
    pub bytes: Vec<u8>,
    /// Set when the stream broke part way: `bytes` is what came before.
    pub damage: Option<String>,
}

/// Inflates a whole gzip file (any number of members). At most `limit`
/// bytes of output are produced: more is an error, as is a stream that
/// gives nothing before breaking.
pub fn gunzip(data: &[u8], limit: u64) -> Result<Inflated, String> {
    if let Some(bytes) = single_member(data, limit) {
        return Ok(Inflated {
            bytes,
            damage: None,
        });
    }
    let cap = usize::try_from(limit).unwrap_or(usize::MAX);
    // deflate cannot compress better than about 1032:1, which bounds an
    // honest size hint from the trailer.
    let hint = trailer_size(data)
        .min(data.len().saturating_mul(1032))
        .min(cap)
        .max(data.len().saturating_mul(4).min(cap));
    let mut bytes = Vec::with_capacity(hint.saturating_add(1));
    let mut damage = None;
    let mut dec = MultiGzDecoder::new(data).take(limit.saturating_add(1));
    if let Err(e) = dec.read_to_end(&mut bytes) {
        if bytes.is_empty() {
            return Err(format!("corrupt or truncated gzip: {}", reason(&e)));
        }
        damage = Some(format!("corrupt or truncated gzip: {}", reason(&e)));
    }
    if bytes.len() as u64 > limit {
        return Err(format!("decompressed size exceeds limit of {limit} bytes"));
    }
    Ok(Inflated { bytes, damage })
}

/// Inflates a gzip file known to decompress cleanly to exactly `len`
/// bytes (a chunk of the raw store). `None` when it does not.
pub fn inflate_exact(data: &[u8], len: usize) -> Option<Vec<u8>> {
    if let Some(bytes) = single_member(data, len as u64) {
        return (bytes.len() == len).then_some(bytes);
    }
    let mut bytes = Vec::with_capacity(len.saturating_add(1));
    MultiGzDecoder::new(data)
        .take(len as u64 + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() == len).then_some(bytes)
}

/// The fast path: one member, no bytes after it, output size from the
/// trailer within `limit`. `None` sends the caller to the general decoder.
fn single_member(data: &[u8], limit: u64) -> Option<Vec<u8>> {
    if data.len() < MIN_MEMBER || !is_gzip(data) {
        return None;
    }
    let size = trailer_size(data);
    if size as u64 > limit {
        return None;
    }
    // A second member would start with MEMBER_START; if those bytes occur
    // anywhere after the first header (even by chance inside compressed
    // data) the general decoder decides.
    if memchr::memmem::find(&data[10..], &MEMBER_START).is_some() {
        return None;
    }
    let mut out = buffer(size);
    let n = DECOMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let d = slot.get_or_insert_with(libdeflater::Decompressor::new);
        d.gzip_decompress(data, &mut out).ok()
    });
    // libdeflate checked the member's own trailer; the file's last eight
    // bytes must be that trailer, or something follows the member.
    let crc = u32::from_le_bytes(data[data.len() - 8..data.len() - 4].try_into().ok()?);
    if n != Some(size) || libdeflater::crc32(&out) != crc {
        recycle(out);
        return None;
    }
    Some(out)
}

/// The size the last member's trailer gives (ISIZE; 0 for short input).
fn trailer_size(data: &[u8]) -> usize {
    if data.len() < MIN_MEMBER {
        return 0;
    }
    let mut tail = [0u8; 4];
    tail.copy_from_slice(&data[data.len() - 4..]);
    u32::from_le_bytes(tail) as usize
}

fn reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "unexpected end of data".to_owned(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).expect("gzip");
        e.finish().expect("gzip")
    }

    fn text(n: usize) -> Vec<u8> {
        (0..n)
            .map(|i| format!("{{\"eventID\":\"{i}\",\"x\":\"{}\"}}", "ab".repeat(i % 50)))
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn single_member_takes_the_fast_path() {
        let t = text(3000);
        let z = gz(&t);
        assert_eq!(single_member(&z, u64::MAX).as_deref(), Some(t.as_slice()));
        let out = gunzip(&z, u64::MAX).expect("gunzip");
        assert_eq!(out.bytes, t);
        assert!(out.damage.is_none());
        assert_eq!(inflate_exact(&z, t.len()).as_deref(), Some(t.as_slice()));
        assert_eq!(inflate_exact(&z, t.len() - 1), None);
    }

    #[test]
    fn several_members_and_trailing_bytes_are_exact() {
        let (a, b) = (text(500), text(700));
        let mut two = gz(&a);
        two.extend(gz(&b));
        assert_eq!(single_member(&two, u64::MAX), None);
        let want: Vec<u8> = [a.clone(), b.clone()].concat();
        assert_eq!(gunzip(&two, u64::MAX).expect("two").bytes, want);
        assert_eq!(inflate_exact(&two, want.len()), Some(want));
        // The same member twice: equal trailers must not fool the fast path.
        let mut same = gz(&a);
        same.extend(gz(&a));
        let out = gunzip(&same, u64::MAX).expect("same twice");
        assert_eq!(out.bytes.len(), 2 * a.len());
        // Junk after one member is damage, never silently ignored.
        let mut junk = gz(&a);
        junk.extend_from_slice(b"0123456789abcdefghij");
        let out = gunzip(&junk, u64::MAX).expect("junk");
        assert_eq!(out.bytes, a);
        assert!(out.damage.is_some());
    }

    #[test]
    fn damage_limits_and_lies() {
        let t = text(5000);
        let z = gz(&t);
        let cut = gunzip(&z[..z.len() / 2], u64::MAX).expect("partial");
        assert!(cut.damage.is_some());
        assert!(t.starts_with(&cut.bytes));
        let e = gunzip(&z[..8], u64::MAX).expect_err("nothing");
        assert!(e.starts_with("corrupt or truncated gzip"), "{e}");
        let e = gunzip(&z, 1000).expect_err("limit");
        assert_eq!(e, "decompressed size exceeds limit of 1000 bytes");
        // A trailer that understates the size falls back and still reads all.
        let mut lie = z.clone();
        let n = lie.len();
        lie[n - 4..].copy_from_slice(&10u32.to_le_bytes());
        let out = gunzip(&lie, u64::MAX).expect("lying trailer");
        assert!(out.damage.is_some() || out.bytes == t);
    }
}
