//! The packaging files agree with each other and with the assets: every
//! file the .deb installs exists, the icons have the sizes their folders
//! name, the desktop entry opens folders and logs with `trailview`, and the
//! ids used for Linux, macOS and AppStream are the same.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let b = fs::read(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    assert_eq!(&b[..8], b"\x89PNG\r\n\x1a\n", "{path:?} is not a PNG");
    let w = u32::from_be_bytes([b[16], b[17], b[18], b[19]]);
    let h = u32::from_be_bytes([b[20], b[21], b[22], b[23]]);
    (w, h)
}

#[test]
fn icons_exist_in_every_size() {
    for n in [16, 32, 48, 64, 128, 256, 512] {
        let p = root().join(format!("assets/icons/hicolor/{n}x{n}/apps/trailview.png"));
        assert_eq!(png_size(&p), (n, n), "{p:?}");
    }
    assert_eq!(png_size(&root().join("assets/icon-256.png")), (256, 256));
    assert!(read("assets/icon.svg").contains("<svg"));
    let ico = fs::read(root().join("assets/trailview.ico")).expect("ico");
    assert_eq!(&ico[..4], &[0, 0, 1, 0], "ICO header");
    assert!(
        u16::from_le_bytes([ico[4], ico[5]]) >= 4,
        "ICO holds several sizes"
    );
    let icns = fs::read(root().join("assets/trailview.icns")).expect("icns");
    assert_eq!(&icns[..4], b"icns");
}

#[test]
fn desktop_entry_opens_folders_and_logs_with_trailview() {
    let d = read("packaging/linux/trailview.desktop");
    let get = |key: &str| {
        d.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("no {key}"))
            .to_owned()
    };
    assert_eq!(get("Type"), "Application");
    assert_eq!(get("Icon"), "trailview");
    assert_eq!(get("Terminal"), "false");
    let exec = get("Exec");
    assert!(exec.starts_with("trailview "), "{exec}");
    assert!(exec.contains("%F") || exec.contains("%U"), "{exec}");
    let mime = get("MimeType");
    for m in [
        "inode/directory",
        "application/gzip",
        "application/json",
        "text/csv",
    ] {
        assert!(mime.split(';').any(|x| x == m), "{m} missing from {mime}");
    }
}

#[test]
fn ids_agree_across_platforms() {
    let cargo = read("Cargo.toml");
    let meta = read("packaging/linux/io.github.trailview.Trailview.metainfo.xml");
    assert!(meta.contains("<id>io.github.trailview.Trailview</id>"));
    assert!(meta.contains("<launchable type=\"desktop-id\">trailview.desktop</launchable>"));
    assert!(cargo.contains("identifier = \"io.github.trailview.Trailview\""));
    let version = cargo
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("package version");
    assert!(
        meta.contains(&format!("<release version=\"{version}\"")),
        "metainfo lacks release {version}"
    );
    assert!(
        read("packaging/macos/document-types.plist").contains("<string>public.folder</string>")
    );
}

#[test]
fn every_deb_asset_exists() {
    let cargo = read("Cargo.toml");
    let start = cargo.find("[package.metadata.deb]").expect("deb section");
    let section = &cargo[start..];
    let section = &section[..section[1..].find("\n[").map_or(section.len(), |i| i + 1)];
    let mut count = 0;
    for line in section
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("[\""))
    {
        let src = line[2..].split('"').next().expect("source");
        count += 1;
        if src.starts_with("target/") {
            continue; // built by cargo deb
        }
        if src.contains('*') {
            let base = src.split('*').next().expect("base");
            assert!(root().join(base).is_dir(), "{base}");
        } else {
            assert!(
                root().join(src).is_file(),
                "{src} (a .deb asset) is missing"
            );
        }
    }
    assert!(count >= 12, "only {count} assets");
}
