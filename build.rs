//! Build script. On Windows it embeds the app icon and the version
//! information (from Cargo.toml) into the executables, using `winresource`.
//! Everywhere it sets `cfg(has_corpus)` when the shared real-data corpus
//! (`../shared/corpus`) is there: tests that need it are ignored, with that
//! reason, on a checkout without it (`.ci/run` requires it).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/trailview.ico");
    println!("cargo::rustc-check-cfg=cfg(has_corpus)");
    println!("cargo:rerun-if-changed=../shared/corpus");
    if std::path::Path::new("../shared/corpus/README.md").is_file() {
        println!("cargo:rustc-cfg=has_corpus");
    }
    #[cfg(windows)]
    windows::embed_resources();
}

#[cfg(windows)]
mod windows {
    pub fn embed_resources() {
        if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
            return;
        }
        let mut res = winresource::WindowsResource::new();
        res.set_icon("assets/trailview.ico");
        if let Err(e) = res.compile() {
            // A missing resource compiler must not stop the build.
            println!("cargo:warning=Windows icon and version info not embedded: {e}");
        }
    }
}
