//! Reading a small file whole, safely: public keys, case files, rule and
//! settings files, pseudo-files such as `/proc/meminfo`. Whatever the path
//! names, at most a given number of bytes is read, and only from a regular
//! file (a FIFO would block forever, `/dev/zero` never ends), so a wrong
//! path is a clear error, never a hang or gigabytes of memory.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Largest public keys file read: the output of `list-public-keys` for
/// any account is a few kilobytes.
pub const MAX_PUBLIC_KEYS_BYTES: u64 = 16 << 20;
/// Largest case file read (tags and notes of up to millions of events).
pub const MAX_CASE_BYTES: u64 = 512 << 20;
/// Largest settings or rule file read.
pub const MAX_SETTINGS_BYTES: u64 = 16 << 20;

/// Why a side file could not be read.
#[derive(Debug)]
pub enum SideFileError {
    Io {
        what: String,
        path: PathBuf,
        source: io::Error,
    },
    NotRegular {
        what: String,
        path: PathBuf,
        kind: &'static str,
    },
    TooBig {
        what: String,
        path: PathBuf,
        max: u64,
    },
}

impl SideFileError {
    /// As an I/O error whose text is the reason alone (no path, no "what"),
    /// for callers that report errors as `path: io error`.
    pub fn into_io(self) -> io::Error {
        match self {
            SideFileError::Io { source, .. } => source,
            SideFileError::NotRegular { kind, .. } => io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("not a regular file ({kind})"),
            ),
            SideFileError::TooBig { max, .. } => io::Error::new(
                io::ErrorKind::InvalidData,
                format!("bigger than the limit of {max} bytes"),
            ),
        }
    }

    /// The I/O error, when that is what it was.
    pub fn io_error(&self) -> Option<&io::Error> {
        match self {
            SideFileError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl fmt::Display for SideFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SideFileError::Io { what, path, source } => {
                write!(f, "cannot read {what} {}: {source}", path.display())
            }
            SideFileError::NotRegular { what, path, kind } => write!(
                f,
                "cannot read {what} {}: not a regular file ({kind})",
                path.display()
            ),
            SideFileError::TooBig { what, path, max } => write!(
                f,
                "cannot read {what} {}: bigger than the limit of {max} bytes",
                path.display()
            ),
        }
    }
}

impl std::error::Error for SideFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SideFileError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What a file that is not a regular file is, in words.
pub fn non_regular_kind(m: &std::fs::Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "not a file"
}

/// Reads the regular file at `path` whole, refusing anything else and
/// anything over `max` bytes. `what` names the file in errors ("public
/// keys", "case file"). Files that report a size of 0 but have content
/// (`/proc` pseudo-files) are read up to `max` bytes too.
pub fn read_limited(path: &Path, max: u64, what: &str) -> Result<Vec<u8>, SideFileError> {
    let io_err = |source: io::Error| SideFileError::Io {
        what: what.to_owned(),
        path: path.to_path_buf(),
        source,
    };
    // Look before opening: opening a FIFO for reading blocks.
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if !meta.is_file() {
        return Err(SideFileError::NotRegular {
            what: what.to_owned(),
            path: path.to_path_buf(),
            kind: non_regular_kind(&meta),
        });
    }
    let too_big = || SideFileError::TooBig {
        what: what.to_owned(),
        path: path.to_path_buf(),
        max,
    };
    if meta.len() > max {
        return Err(too_big());
    }
    let file = File::open(path).map_err(io_err)?;
    // Checked again on the open file: the path may have been swapped.
    let meta = file.metadata().map_err(io_err)?;
    if !meta.is_file() {
        return Err(SideFileError::NotRegular {
            what: what.to_owned(),
            path: path.to_path_buf(),
            kind: non_regular_kind(&meta),
        });
    }
    let mut bytes = Vec::new();
    let first = usize::try_from(meta.len().min(max)).unwrap_or(0);
    bytes
        .try_reserve_exact(first.saturating_add(1))
        .map_err(|_| io_err(io::Error::from(io::ErrorKind::OutOfMemory)))?;
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > max {
        return Err(too_big());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_small_files_and_refuses_big_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("keys.json");
        std::fs::write(&p, b"0123456789").expect("write");
        assert_eq!(read_limited(&p, 10, "keys").expect("read"), b"0123456789");
        let e = read_limited(&p, 9, "public keys").expect_err("too big");
        assert_eq!(
            e.to_string(),
            format!(
                "cannot read public keys {}: bigger than the limit of 9 bytes",
                p.display()
            )
        );
        let e = read_limited(dir.path(), 9, "case file").expect_err("folder");
        assert!(
            e.to_string().ends_with("not a regular file (a folder)"),
            "{e}"
        );
        let e = read_limited(&dir.path().join("nope"), 9, "x").expect_err("missing");
        assert!(e.io_error().is_some());
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_pipes_are_refused_at_once() {
        let e = read_limited(Path::new("/dev/zero"), 1 << 20, "public keys").expect_err("dev");
        assert!(
            e.to_string().ends_with("not a regular file (a device)"),
            "{e}"
        );
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // Would block forever if it were opened.
            let e = read_limited(&fifo, 1 << 20, "case file").expect_err("fifo");
            assert!(e.to_string().ends_with("(a named pipe)"), "{e}");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn pseudo_files_with_no_size_are_read_within_the_limit() {
        let text = read_limited(Path::new("/proc/self/status"), 1 << 20, "status").expect("proc");
        assert!(!text.is_empty());
        let e = read_limited(Path::new("/proc/self/status"), 10, "status").expect_err("limit");
        assert!(matches!(e, SideFileError::TooBig { .. }));
    }
}
