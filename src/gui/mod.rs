//! GUI (placeholder until the desktop app lands; the GUI helper replaces
//! this file).

use std::path::PathBuf;

/// Opens the desktop app on `paths`.
pub fn run(_paths: Vec<PathBuf>) -> Result<(), String> {
    Err("GUI not built yet; use `trailview stats PATH` or `trailview list PATH`".into())
}
