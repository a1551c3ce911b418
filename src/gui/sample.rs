//! Where the sample trail ("Open sample data") is, found at run time: next
//! to the executable (a portable install or a macOS bundle), in the
//! platform's data folders (`/usr/share/trailview/sample` from the `.deb`),
//! then the source tree when running from a checkout.

use std::path::{Path, PathBuf};

/// The folder name the sample has everywhere it is installed.
const SAMPLE: &str = "sample";

/// The places the sample may be, best first.
pub fn candidates(exe: Option<&Path>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(dir) = exe.and_then(Path::parent) {
        out.push(dir.join(SAMPLE));
        out.push(dir.join("assets").join(SAMPLE));
        // bin/ beside share/ (a prefix install) and Contents/MacOS beside
        // Contents/Resources (a macOS bundle).
        out.push(dir.join("../share/trailview").join(SAMPLE));
        out.push(dir.join("../Resources").join(SAMPLE));
    }
    if let Some(dirs) = directories::ProjectDirs::from("io.github", "trailview", "Trailview") {
        out.push(dirs.data_dir().join(SAMPLE));
    }
    for prefix in ["/usr/share", "/usr/local/share"] {
        out.push(Path::new(prefix).join("trailview").join(SAMPLE));
    }
    out.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets")
            .join(SAMPLE),
    );
    out
}

/// The first candidate that holds a trail (an `AWSLogs` folder).
pub fn find() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().ok();
    let places = candidates(exe.as_deref());
    places
        .iter()
        .find(|p| p.join("AWSLogs").is_dir())
        .cloned()
        .ok_or_else(|| {
            format!(
                "Sample data is not installed (looked in {})",
                places
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_installed_places_come_before_the_source_tree() {
        let c = candidates(Some(Path::new("/opt/trailview/bin/trailview")));
        assert_eq!(c[0], PathBuf::from("/opt/trailview/bin/sample"));
        assert!(c.contains(&PathBuf::from("/usr/share/trailview/sample")));
        let deb = c
            .iter()
            .position(|p| p == Path::new("/usr/share/trailview/sample"))
            .expect("deb place");
        let source = c.len() - 1;
        assert!(deb < source);
        assert!(c[source].ends_with("assets/sample"));
    }

    #[test]
    fn a_sample_beside_the_executable_is_found_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("sample/AWSLogs")).expect("mkdir");
        let exe = dir.path().join("trailview");
        let found = candidates(Some(&exe))
            .into_iter()
            .find(|p| p.join("AWSLogs").is_dir());
        assert_eq!(found, Some(dir.path().join("sample")));
    }
}
