//! The export's output file: written all or nothing (through
//! [`crate::atomic_write`]), counted and hashed on the way. Also the guard
//! that keeps exports out of the folders being read.

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
        let dir = crate::atomic_write::folder_of(target);
        if !dir.is_dir() {
            return Err(ExportError::NoFolder(dir));
        }
        let temp = crate::atomic_write::temp_file_beside(target)
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
        self.finish()?.commit()
    }

    /// Flushes and syncs the file, without putting it in place yet (see
    /// [`Finished::commit`]).
    pub fn finish(self) -> Result<Finished, ExportError> {
        let target = self.target;
        let temp = self
            .temp
            .into_inner()
            .map_err(|e| ExportError::io(&target, e.into_error()))?;
        temp.as_file()
            .sync_all()
            .map_err(|e| ExportError::io(&target, e))?;
        Ok(Finished {
            temp,
            target,
            bytes: self.bytes,
            sha256: hex::encode(self.hasher.finalize()),
        })
    }
}

/// A complete, synced file still under its temporary name.
pub struct Finished {
    temp: NamedTempFile,
    target: PathBuf,
    pub bytes: u64,
    pub sha256: String,
}

impl Finished {
    /// Renames the file into place; returns the bytes written and their
    /// SHA-256 (hex).
    pub fn commit(self) -> Result<(u64, String), ExportError> {
        let target = self.target;
        crate::atomic_write::commit(self.temp, &target).map_err(|e| ExportError::io(&target, e))?;
        Ok((self.bytes, self.sha256))
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

/// Refuses `out` when it is one of the input files, lies inside one of
/// the input folders, or lies in the folder of an input file (Trailview
/// never writes where it reads, nor beside the evidence it reads).
pub fn check_outside_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), ExportError> {
    let folder = crate::atomic_write::folder_of(out);
    let Ok(dir) = folder.canonicalize() else {
        return Err(ExportError::NoFolder(folder));
    };
    let out_abs = match out.file_name() {
        Some(name) => dir.join(name),
        None => dir.clone(),
    };
    for input in inputs {
        let Ok(inp) = input.canonicalize() else {
            continue;
        };
        let inside = if inp.is_dir() {
            out_abs.starts_with(&inp)
        } else {
            out_abs == inp || inp.parent().is_some_and(|p| p == dir)
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
