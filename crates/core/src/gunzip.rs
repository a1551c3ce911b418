//! Whole-buffer gzip decoding. A file held in memory is inflated in one
//! call by libdeflate when it is plainly one gzip member whose size the
//! trailer gives (the common case of a trail delivery file); anything else
//! (several members, trailing bytes, damage, a trailer that lies, output
//! over the limit) goes through flate2's streaming decoder, which gives the
//! text before any damage and says what broke.
//!
//! The size in a gzip trailer is a hint written by whoever made the file,
//! never an allocation size: it is believed only when deflate could
//! possibly produce it from the bytes at hand ([`MAX_RATIO`]) and it is
//! within the limit; a buffer bigger than the spare one comes from fresh
//! zeroed memory, which costs nothing until it is written. The streaming
//! decoder ignores the trailer and grows its buffer as output really
//! arrives, so a 60-byte file that claims 2 GB costs kilobytes.

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

/// Deflate cannot expand input by more than about 1032:1 (258-byte
/// matches coded in two bits); a trailer claiming more is a lie.
pub const MAX_RATIO: usize = 1032;

/// First buffer of the streaming decoder: this many times the input (at
/// least [`MIN_STREAM_BUFFER`]), grown by doubling as output arrives.
const STREAM_START_RATIO: usize = 8;
const MIN_STREAM_BUFFER: usize = 64 << 10;

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

/// A buffer of `len` bytes whose contents are to be overwritten: this
/// thread's spare buffer when it is big enough, else fresh zeroed memory
/// (pages the system hands out zeroed are not touched until written, so a
/// buffer that is never filled costs no real memory). `None` when the
/// memory cannot be had.
fn buffer(len: usize) -> Option<Vec<u8>> {
    let mut buf = SPARE.with(|cell| std::mem::take(&mut *cell.borrow_mut()));
    if buf.capacity() >= len {
        // Only bytes past the old length are zeroed.
        buf.resize(len, 0);
        return Some(buf);
    }
    recycle(buf);
    zeroed(len)
}

/// `len` zero bytes from the allocator's zeroed allocation (calloc), or
/// `None` when the allocation fails (never an abort).
fn zeroed(len: usize) -> Option<Vec<u8>> {
    if len == 0 {
        return Some(Vec::new());
    }
    let layout = std::alloc::Layout::array::<u8>(len).ok()?;
    // SAFETY: `layout` has a non-zero size (len > 0), as `alloc_zeroed`
    // requires.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
    if ptr.is_null() {
        return None;
    }
    // SAFETY: `ptr` was allocated by the global allocator with the layout
    // of `len` bytes (what a Vec<u8> of capacity `len` uses), and all `len`
    // bytes are initialised (zero).
    Some(unsafe { Vec::from_raw_parts(ptr, len, len) })
}

/// The trailer's size when it can be believed for `data`: within `limit`
/// and no more than deflate could produce from this many bytes.
pub fn plausible_size(data: &[u8], limit: u64) -> Option<usize> {
    let size = trailer_size(data);
    (size as u64 <= limit && size <= data.len().saturating_mul(MAX_RATIO)).then_some(size)
}

/// The buffer the streaming decoder starts with for `data`: a small
/// multiple of the input, never the trailer's word.
fn stream_start(data: &[u8], cap: usize) -> usize {
    data.len()
        .saturating_mul(STREAM_START_RATIO)
        .max(MIN_STREAM_BUFFER)
        .min(cap)
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
    // The trailer is not trusted here (it may be why the fast path was
    // not taken): start small and let `read_to_end` grow the buffer as
    // output arrives (doubling, fallibly).
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(stream_start(data, cap).saturating_add(1))
        .map_err(|_| out_of_memory(stream_start(data, cap)))?;
    let mut damage = None;
    let mut dec = MultiGzDecoder::new(data).take(limit.saturating_add(1));
    if let Err(e) = dec.read_to_end(&mut bytes) {
        if e.kind() == std::io::ErrorKind::OutOfMemory {
            return Err(out_of_memory(bytes.len().saturating_mul(2)));
        }
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

/// The reason given when memory for `bytes` of output cannot be had.
fn out_of_memory(bytes: usize) -> String {
    format!("out of memory: cannot allocate {bytes} bytes for the decompressed text")
}

/// Inflates a gzip file known to decompress cleanly to exactly `len`
/// bytes (a chunk of the raw store). `None` when it does not.
pub fn inflate_exact(data: &[u8], len: usize) -> Option<Vec<u8>> {
    if let Some(bytes) = single_member(data, len as u64) {
        return (bytes.len() == len).then_some(bytes);
    }
    let mut bytes = Vec::new();
    bytes.try_reserve_exact(len.saturating_add(1)).ok()?;
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
    let size = plausible_size(data, limit)?;
    // A second member would start with MEMBER_START; if those bytes occur
    // anywhere after the first header (even by chance inside compressed
    // data) the general decoder decides.
    if memchr::memmem::find(&data[10..], &MEMBER_START).is_some() {
        return None;
    }
    let mut out = buffer(size)?;
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
