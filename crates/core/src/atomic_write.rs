//! Writing a file all or nothing: the bytes go to a temporary file in the
//! target's folder, which is synced and renamed over the target only once
//! complete, so a crash or a full disk never leaves half a file. Exports,
//! their manifests and case files are all written this way.
//!
//! A process killed while writing (kill -9, power loss) leaves its
//! temporary file behind. Each temporary file is locked (an advisory
//! lock, `File::try_lock`) by the process writing it for as long as it
//! lives, so [`remove_stale_temp_files`] can tell a leftover (nobody holds
//! the lock) from a file being written right now, and removes leftovers
//! of Trailview's own naming only.

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

/// Name prefix and suffix of Trailview's temporary files.
pub const TEMP_PREFIX: &str = ".trailview-";
pub const TEMP_SUFFIX: &str = ".part";

/// A new temporary file in `target`'s folder (`.trailview-*.part`),
/// locked by this process until it is dropped or renamed. It gets the
/// permissions `File::create` would give the target (0666 less the
/// umask), not a temporary file's private 0600: what Trailview writes is
/// an ordinary file of the user's.
pub fn temp_file_beside(target: &Path) -> io::Result<NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let folder = folder_of(target);
    let mut last = io::Error::other("could not lock a temporary file");
    for _ in 0..8 {
        let temp = builder.tempfile_in(&folder)?;
        match temp.as_file().try_lock() {
            Ok(()) => return Ok(temp),
            // Another Trailview's cleanup took it between its creation and
            // the lock (it is removing it): use another one.
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {
                // No locks on this file system: unprotected, but written.
                return Ok(temp);
            }
            Err(std::fs::TryLockError::Error(e)) => last = e,
        }
    }
    Err(last)
}

/// True for a name Trailview gives its temporary files.
pub fn is_temp_name(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| {
        n.len() > TEMP_PREFIX.len() + TEMP_SUFFIX.len()
            && n.starts_with(TEMP_PREFIX)
            && n.ends_with(TEMP_SUFFIX)
    })
}

/// Removes the temporary files Trailview left in `folder` when it was
/// killed while writing: regular files named `.trailview-*.part` that no
/// running process holds locked. Returns how many were removed. Files in
/// use, other files and subfolders are never touched; errors are skipped.
pub fn remove_stale_temp_files(folder: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        if !is_temp_name(&entry.file_name()) {
            continue;
        }
        let path = entry.path();
        // Never follow a link, never open a pipe.
        let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
        if !regular {
            continue;
        }
        let Ok(file) = std::fs::File::open(&path) else {
            continue;
        };
        if file.try_lock().is_ok() && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
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

    #[test]
    fn stale_temporary_files_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("x.json");
        // A live one: this process holds its lock.
        let live = temp_file_beside(&target).expect("temp");
        // Leftovers of a killed process: nobody holds a lock on them.
        std::fs::write(dir.path().join(".trailview-abc123.part"), b"half").expect("w");
        std::fs::write(dir.path().join(".trailview-zz.part"), b"").expect("w");
        // Not ours: kept.
        std::fs::write(dir.path().join("trailview-abc.part"), b"x").expect("w");
        std::fs::write(dir.path().join(".trailview-abc.json"), b"x").expect("w");
        std::fs::create_dir(dir.path().join(".trailview-dir.part")).expect("mkdir");
        assert_eq!(remove_stale_temp_files(dir.path()), 2);
        assert!(
            live.path().exists(),
            "a file being written is never removed"
        );
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        let live_name = live
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut want = vec![
            ".trailview-abc.json".to_owned(),
            ".trailview-dir.part".to_owned(),
            "trailview-abc.part".to_owned(),
            live_name,
        ];
        want.sort();
        assert_eq!(names, want);
        // Once written and renamed, nothing is left to clean.
        commit(live, &target).expect("commit");
        assert_eq!(remove_stale_temp_files(dir.path()), 0);
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
