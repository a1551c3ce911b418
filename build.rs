//! Build script. On Windows it embeds the app icon and the version
//! information (from Cargo.toml) into the executables, using `winresource`;
//! on other platforms it does nothing.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/trailview.ico");
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
