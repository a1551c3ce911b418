//! The settings file eframe reads at start (`app.ron` in its storage
//! folder), bounded before eframe sees it: eframe reads it whole, so a
//! huge file, a FIFO or a device there would stall or exhaust the app at
//! start. Such a file is moved aside (`app.ron.rejected`, in the app's own
//! folder) and the app starts with default settings, saying why.

use std::path::{Path, PathBuf};

/// Far more than any real settings file (a few KB).
pub const MAX_SETTINGS_BYTES: u64 = 4 * 1024 * 1024;

/// Where eframe keeps the settings of the app with `app_id`.
pub fn path(app_id: &str) -> Option<PathBuf> {
    eframe::storage_dir(app_id).map(|d| d.join("app.ron"))
}

/// Moves `file` aside when it is not a regular file or is larger than
/// `max`; returns what was done, for the log.
pub fn guard(file: &Path, max: u64) -> Option<String> {
    let meta = std::fs::symlink_metadata(file).ok()?;
    let reason = if !meta.is_file() {
        format!(
            "is not a regular file ({})",
            trailview_core::ingest::side_file::non_regular_kind(&meta)
        )
    } else if meta.len() > max {
        format!("is {} bytes (more than {max})", meta.len())
    } else {
        return None;
    };
    let aside = file.with_extension("ron.rejected");
    Some(match std::fs::rename(file, &aside) {
        Ok(()) => format!(
            "settings file {} {reason}: moved to {}; starting with default settings",
            file.display(),
            aside.display()
        ),
        Err(e) => format!(
            "settings file {} {reason} and cannot be moved aside ({e}); remove it",
            file.display()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oversized_settings_file_is_moved_aside_and_a_small_one_kept() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("app.ron");
        std::fs::write(&file, vec![b' '; 100]).expect("write");
        assert_eq!(guard(&file, 1000), None);
        assert!(file.exists());
        let said = guard(&file, 10).expect("moved");
        assert!(said.contains("100 bytes"), "{said}");
        assert!(!file.exists());
        assert!(dir.path().join("app.ron.rejected").exists());
        // Nothing there: nothing to do.
        assert_eq!(guard(&file, 10), None);
    }

    #[test]
    fn a_folder_in_place_of_the_settings_file_is_moved_aside() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("app.ron");
        std::fs::create_dir(&file).expect("mkdir");
        let said = guard(&file, MAX_SETTINGS_BYTES).expect("moved");
        assert!(said.contains("not a regular file"), "{said}");
        assert!(!file.exists());
    }
}
