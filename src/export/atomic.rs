//! Writing an output file all or nothing: bytes go to a temporary file in
//! the target folder, which is renamed over the target only when complete.
//! Also the guard that keeps exports out of the folders being read.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use super::ExportError;

/// A file being written: counts and hashes what goes through it.
pub struct AtomicFile {
    temp: BufWriter<NamedTempFile>,
    target: PathBuf,
    bytes: u64,
    hasher: Sha256,
}

impl AtomicFile {
    /// Starts a temporary file next to `target`.
    pub fn create(target: &Path) -> Result<AtomicFile, ExportError> {
        let dir = parent_dir(target);
        if !dir.is_dir() {
            return Err(ExportError::NoFolder(dir.to_path_buf()));
        }
        let temp = tempfile::Builder::new()
            .prefix(".trailview-export-")
            .suffix(".part")
            .tempfile_in(dir)
            .map_err(|e| ExportError::io(target, e))?;
        Ok(AtomicFile {
            temp: BufWriter::with_capacity(1 << 20, temp),
            target: target.to_path_buf(),
            bytes: 0,
            hasher: Sha256::new(),
        })
    }

    /// Flushes, syncs and renames the file into place; returns the bytes
    /// written and their SHA-256 (hex).
    pub fn commit(self) -> Result<(u64, String), ExportError> {
        let target = self.target;
        let temp = self
            .temp
            .into_inner()
            .map_err(|e| ExportError::io(&target, e.into_error()))?;
        temp.as_file()
            .sync_all()
            .map_err(|e| ExportError::io(&target, e))?;
        let file: File = temp
            .persist(&target)
            .map_err(|e| ExportError::io(&target, e.error))?;
        drop(file);
        Ok((self.bytes, hex::encode(self.hasher.finalize())))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.temp.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

fn parent_dir(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Refuses `out` when it is one of the input files or lies inside one of
/// the input folders (Trailview never writes where it reads).
pub fn check_outside_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), ExportError> {
    let Ok(dir) = parent_dir(out).canonicalize() else {
        return Err(ExportError::NoFolder(parent_dir(out).to_path_buf()));
    };
    let out_abs = match out.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    };
    for input in inputs {
        let Ok(inp) = input.canonicalize() else {
            continue;
        };
        let inside = if inp.is_dir() {
            out_abs.starts_with(&inp)
        } else {
            out_abs == inp
        };
        if inside {
            return Err(ExportError::InsideInput {
                out: out.to_path_buf(),
                input: input.clone(),
            });
        }
    }
    Ok(())
}
