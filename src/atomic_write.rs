//! Writing a file all or nothing: the bytes go to a temporary file in the
//! target's folder, which is synced and renamed over the target only once
//! complete, so a crash or a full disk never leaves half a file. Exports,
//! their manifests and case files are all written this way.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// The folder `target` goes into (`.` for a bare file name).
pub fn folder_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A new temporary file in `target`'s folder (`.trailview-*.part`). It
/// gets the permissions `File::create` would give the target (0666 less
/// the umask), not a temporary file's private 0600: what Trailview writes
/// is an ordinary file of the user's.
pub fn temp_file_beside(target: &Path) -> io::Result<NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".trailview-").suffix(".part");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(folder_of(target))
}

/// Syncs `temp` to disk and renames it over `target`.
pub fn commit(temp: NamedTempFile, target: &Path) -> io::Result<()> {
    temp.as_file().sync_all()?;
    temp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `bytes` to `target` all or nothing.
pub fn write_all_or_nothing(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut temp = temp_file_beside(target)?;
    temp.write_all(bytes)?;
    commit(temp, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_target_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("case.trailview");
        std::fs::write(&target, b"old").expect("write");
        write_all_or_nothing(&target, b"new text").expect("write");
        assert_eq!(std::fs::read(&target).expect("read"), b"new text");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("case.trailview")]);
        // A folder that does not exist: an error, and nothing written.
        let missing = dir.path().join("no/such/x");
        assert!(write_all_or_nothing(&missing, b"x").is_err());
        assert!(!missing.exists());
    }

    /// What Trailview writes is readable by whoever could read any file
    /// the user creates there, not private like a temporary file.
    #[cfg(unix)]
    #[test]
    fn written_files_get_the_permissions_of_an_ordinary_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("x.json");
        write_all_or_nothing(&target, b"{}").expect("write");
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).expect("create");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&target), mode(&plain));
    }
}
