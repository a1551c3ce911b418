//! Expands the paths a user gave (files and folders, any mix) into the
//! sorted list of files to look at, deciding which are inputs.
//!
//! Folders are walked recursively, so a whole S3 trail layout
//! (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/`, with or without an
//! organization segment, under any prefix) or any partial copy of it loads
//! as it is. Inside folders, only files whose name ends in one of
//! [`INPUT_EXTENSIONS`] are read; everything else (READMEs, licences) is
//! counted as "other" without being opened. A file named explicitly is
//! always read, whatever its name.
//!
//! The walk takes time linear in the number of entries, however deep the
//! tree: folders are recognised by device and inode (no path is resolved
//! again at every level), visited once each, and a link back to an
//! enclosing folder is reported instead of followed. Only regular files
//! are read: pipes, sockets and devices are reported, never opened.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Name endings (lower case) of the files read inside folders.
pub const INPUT_EXTENSIONS: [&str; 6] = [".json", ".gz", ".csv", ".log", ".jsonl", ".ndjson"];

/// What to do with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Read it.
    Input,
    /// Count it as "other" without reading it.
    Other,
    /// It could not be looked at (the reason says why).
    Unreadable(String),
}

/// One file found by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    /// Size on disk (0 when unknown).
    pub size: u64,
    pub role: Role,
}

/// True when a file name looks like one the loader reads.
pub fn is_input_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    INPUT_EXTENSIONS.iter().any(|ext| name.ends_with(ext))
}

/// Lists every file under `paths`, sorted by path, each path once.
pub fn walk(paths: &[PathBuf]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut seen_dirs = HashSet::new();
    for p in paths {
        match fs::metadata(p) {
            Ok(m) if m.is_dir() => walk_dir(p, &m, &mut out, &mut seen_dirs),
            Ok(m) => out.push(file_entry(p.clone(), &m, true)),
            Err(e) => out.push(Entry {
                path: p.clone(),
                size: 0,
                role: Role::Unreadable(io_reason(&e)),
            }),
        }
    }
    // A file named explicitly and also found in a folder stays an input.
    out.sort_by(|a, b| (&a.path, a.role != Role::Input).cmp(&(&b.path, b.role != Role::Input)));
    out.dedup_by(|later, kept| later.path == kept.path);
    out
}

/// The entry of a file that is not a folder. Only regular files are read:
/// a named pipe would block the load, a device may never end.
fn file_entry(path: PathBuf, m: &fs::Metadata, named: bool) -> Entry {
    if !m.is_file() {
        let kind = crate::ingest::side_file::non_regular_kind(m);
        return Entry {
            path,
            size: 0,
            role: Role::Unreadable(format!("not a regular file ({kind}); not read")),
        };
    }
    let role = if named || is_input_name(&path) {
        Role::Input
    } else {
        Role::Other
    };
    Entry {
        path,
        size: m.len(),
        role,
    }
}

/// The entry reporting a folder that could not be listed.
fn unlistable(dir: &Path, e: &std::io::Error) -> Entry {
    Entry {
        path: dir.to_path_buf(),
        size: 0,
        role: Role::Unreadable(format!("cannot list folder: {}", io_reason(e))),
    }
}

/// What identifies a folder on disk however it is reached: device and
/// inode number on Unix, the resolved path elsewhere.
#[cfg(unix)]
type DirKey = (u64, u64);
#[cfg(not(unix))]
type DirKey = PathBuf;

#[cfg(unix)]
fn dir_key(_path: &Path, m: &fs::Metadata) -> DirKey {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn dir_key(path: &Path, _m: &fs::Metadata) -> DirKey {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// One folder being walked: the subfolders still to visit.
struct Level {
    key: DirKey,
    subdirs: std::vec::IntoIter<(PathBuf, DirKey)>,
}

/// Walks the folder `root` (whose metadata is `meta`) without recursion,
/// in time linear in the number of entries. Each real folder is visited
/// once (`seen_dirs`), however many links lead to it; a link back to a
/// folder that encloses it (a loop) is reported and not followed.
#[allow(
    clippy::clone_on_copy,
    reason = "DirKey is Copy on Unix only (a PathBuf elsewhere)"
)]
fn walk_dir(root: &Path, meta: &fs::Metadata, out: &mut Vec<Entry>, seen: &mut HashSet<DirKey>) {
    let key = dir_key(root, meta);
    if !seen.insert(key.clone()) {
        return;
    }
    // The folders enclosing the one being listed (for loop reports).
    let mut enclosing: HashSet<DirKey> = HashSet::new();
    let mut stack: Vec<Level> = Vec::new();
    let subdirs = list_dir(root, out);
    enclosing.insert(key.clone());
    stack.push(Level {
        key,
        subdirs: subdirs.into_iter(),
    });
    while let Some(level) = stack.last_mut() {
        let Some((dir, key)) = level.subdirs.next() else {
            if let Some(done) = stack.pop() {
                enclosing.remove(&done.key);
            }
            continue;
        };
        if enclosing.contains(&key) {
            out.push(Entry {
                path: dir,
                size: 0,
                role: Role::Unreadable(
                    "link back to a folder that contains it (a loop); not followed".to_owned(),
                ),
            });
            continue;
        }
        if !seen.insert(key.clone()) {
            // Reached another way already: its files are listed once.
            continue;
        }
        let subdirs = list_dir(&dir, out);
        enclosing.insert(key.clone());
        stack.push(Level {
            key,
            subdirs: subdirs.into_iter(),
        });
    }
}

/// Lists one folder: its files go to `out`, its subfolders (links
/// followed) are returned with their keys. The folder is closed before
/// any subfolder is opened, so depth costs no file handles.
fn list_dir(dir: &Path, out: &mut Vec<Entry>) -> Vec<(PathBuf, DirKey)> {
    let mut subdirs = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            out.push(unlistable(dir, &e));
            return subdirs;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                out.push(unlistable(dir, &e));
                continue;
            }
        };
        let path = entry.path();
        // Follow symbolic links to what they point at.
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                let key = dir_key(&path, &m);
                subdirs.push((path, key));
            }
            Ok(m) => out.push(file_entry(path, &m, false)),
            Err(e) => out.push(Entry {
                path,
                size: 0,
                role: Role::Unreadable(io_reason(&e)),
            }),
        }
    }
    subdirs
}

/// A short reason for an I/O error, without the OS error number.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_recursively_and_classifies() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        let day = root.join("AWSLogs/o-abc123defg/111122223333/CloudTrail/us-east-1/2024/01/02");
        fs::create_dir_all(&day).expect("mkdir");
        fs::write(day.join("b.json.gz"), b"x").expect("write");
        fs::write(day.join("a.JSON"), b"xy").expect("write");
        fs::write(root.join("README.md"), b"hello").expect("write");
        fs::write(root.join("events.ndjson"), b"{}").expect("write");
        let entries = walk(&[root.to_path_buf(), root.join("missing")]);
        let names: Vec<(String, Role)> = entries
            .iter()
            .map(|e| {
                (
                    e.path
                        .strip_prefix(root)
                        .expect("under root")
                        .to_string_lossy()
                        .into_owned(),
                    e.role.clone(),
                )
            })
            .collect();
        assert_eq!(
            names,
            vec![
                (
                    "AWSLogs/o-abc123defg/111122223333/CloudTrail/us-east-1/2024/01/02/a.JSON"
                        .to_owned(),
                    Role::Input
                ),
                (
                    "AWSLogs/o-abc123defg/111122223333/CloudTrail/us-east-1/2024/01/02/b.json.gz"
                        .to_owned(),
                    Role::Input
                ),
                ("README.md".to_owned(), Role::Other),
                ("events.ndjson".to_owned(), Role::Input),
                (
                    "missing".to_owned(),
                    Role::Unreadable("no such file or folder".to_owned())
                ),
            ]
        );
        assert_eq!(entries[0].size, 2);
    }

    #[test]
    fn explicit_file_is_always_an_input_and_listed_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("NOTES");
        fs::write(&f, b"{}").expect("write");
        let entries = walk(&[dir.path().to_path_buf(), f.clone(), f.clone()]);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].role, Role::Input);
    }
}
