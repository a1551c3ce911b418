//! SHA-256 the way CloudTrail computes it: over the *uncompressed* content
//! of a log or digest file. Gzip is recognised by its magic bytes (so a
//! decompressed copy hashes the same); concatenated gzip members are read in
//! turn; bytes after the last member that are not another member make the
//! file invalid, as in `aws cloudtrail validate-logs`. Also the plain hash of
//! the bytes on disk, for export manifests.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use flate2::bufread::GzDecoder;
use sha2::{Digest as _, Sha256};

/// Why a file could not be hashed.
#[derive(Debug)]
pub enum HashError {
    /// The file could not be read.
    Io(io::Error),
    /// Gzip data that is corrupt or followed by other bytes.
    InvalidFormat(String),
}

impl std::fmt::Display for HashError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HashError::Io(e) => write!(f, "cannot read: {e}"),
            HashError::InvalidFormat(m) => write!(f, "invalid format: {m}"),
        }
    }
}

impl std::error::Error for HashError {}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// True when the bytes start with the gzip magic.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&GZIP_MAGIC)
}

/// Lower-case hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Lower-case hex SHA-256 of a file's bytes as stored on disk.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    let mut file = BufReader::with_capacity(1 << 16, File::open(path)?);
    io::copy(&mut file, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// SHA-256 (hex) of a file's uncompressed content.
pub fn sha256_uncompressed(path: &Path) -> Result<String, HashError> {
    let bytes = crate::ingest::side_file::read_limited(
        path,
        crate::ingest::options::DEFAULT_MAX_FILE_BYTES,
        "log file",
    )
    .map_err(|e| HashError::Io(e.into_io()))?;
    sha256_uncompressed_bytes(&bytes)
}

/// SHA-256 (hex) of uncompressed content given the bytes on disk.
pub fn sha256_uncompressed_bytes(bytes: &[u8]) -> Result<String, HashError> {
    let mut hasher = Sha256::new();
    if is_gzip(bytes) {
        gunzip_into(bytes, &mut hasher)?;
    } else {
        hasher.update(bytes);
    }
    Ok(hex::encode(hasher.finalize()))
}

/// The uncompressed content of a file (gzip or not), refusing more than
/// `limit` bytes (decompression bombs).
pub fn read_uncompressed(path: &Path, limit: u64) -> Result<Vec<u8>, HashError> {
    let bytes = crate::ingest::side_file::read_limited(path, limit, "file")
        .map_err(|e| HashError::Io(e.into_io()))?;
    if !is_gzip(&bytes) {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(8).min(1 << 24));
    let mut sink = LimitedSink {
        out: &mut out,
        limit,
    };
    gunzip_into(&bytes, &mut sink)?;
    Ok(out)
}

/// A writer that fails past a size limit.
struct LimitedSink<'a> {
    out: &'a mut Vec<u8>,
    limit: u64,
}

impl io::Write for LimitedSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if (self.out.len() + buf.len()) as u64 > self.limit {
            return Err(io::Error::other(format!(
                "more than {} bytes uncompressed",
                self.limit
            )));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Streams every gzip member of `bytes` into `sink`. Anything after the
/// last member that is not another gzip member is an error.
fn gunzip_into(mut bytes: &[u8], sink: &mut impl io::Write) -> Result<(), HashError> {
    let mut member = 0;
    loop {
        let mut decoder = GzDecoder::new(bytes);
        io::copy(&mut decoder, sink).map_err(|e| {
            HashError::InvalidFormat(format!("gzip member {} is corrupt: {e}", member + 1))
        })?;
        bytes = decoder.into_inner();
        member += 1;
        if bytes.is_empty() {
            return Ok(());
        }
        if !is_gzip(bytes) {
            return Err(HashError::InvalidFormat(format!(
                "unexpected data after end of compressed stream ({} bytes)",
                bytes.len()
            )));
        }
    }
}

/// Reads at most `limit` uncompressed bytes from the start of a file (for
/// sniffing what kind of file it is).
pub fn read_head(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let mut reader = BufReader::new(file);
    let mut magic = [0u8; 2];
    let n = reader.read(&mut magic)?;
    let chained = io::Cursor::new(magic[..n].to_vec()).chain(reader);
    let mut out = Vec::new();
    if n == 2 && is_gzip(&magic) {
        let mut dec = flate2::read::MultiGzDecoder::new(chained).take(limit as u64);
        // A corrupt file is sniffed as far as it goes.
        let _ = dec.read_to_end(&mut out);
    } else {
        chained.take(limit as u64).read_to_end(&mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).expect("write");
        e.finish().expect("finish")
    }

    #[test]
    fn hashes_uncompressed_content() {
        let plain = b"{\"Records\":[]}";
        let want = sha256_hex(plain);
        assert_eq!(sha256_uncompressed_bytes(plain).expect("plain"), want);
        assert_eq!(sha256_uncompressed_bytes(&gz(plain)).expect("gz"), want);
    }

    #[test]
    fn reads_every_member_and_rejects_trailing_garbage() {
        let mut two = gz(b"hello ");
        two.extend(gz(b"world"));
        assert_eq!(
            sha256_uncompressed_bytes(&two).expect("two members"),
            sha256_hex(b"hello world")
        );
        let mut junk = gz(b"hello");
        junk.extend_from_slice(b"garbage");
        let err = sha256_uncompressed_bytes(&junk).expect_err("trailing bytes");
        assert!(err.to_string().contains("unexpected data"), "{err}");
        let dir = tempfile::tempdir().expect("tempdir");
        let big = dir.path().join("big.json.gz");
        std::fs::write(&big, gz(&vec![b' '; 10_000])).expect("write");
        assert!(read_uncompressed(&big, 1000).is_err());
        assert_eq!(read_uncompressed(&big, 10_000).expect("fits").len(), 10_000);
        let mut cut = gz(b"hello world, long enough to be cut");
        cut.truncate(cut.len() - 6);
        assert!(matches!(
            sha256_uncompressed_bytes(&cut),
            Err(HashError::InvalidFormat(_))
        ));
    }
}
