//! Build script: sets `cfg(has_corpus)` when the shared real-data corpus
//! (`../shared/corpus` beside the checkout) is there, so that the tests
//! needing it are ignored, with that reason, on a checkout without it
//! (`.ci/run` requires it, so CI never skips them). Likewise
//! `cfg(has_sigma_rules)` when SigmaHQ's CloudTrail rules
//! (`../shared/sigma-rules`) are there: the Sigma tests read them by path.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(has_corpus)");
    println!("cargo:rerun-if-changed=../../../shared/corpus");
    if std::path::Path::new("../../../shared/corpus/README.md").is_file() {
        println!("cargo:rustc-cfg=has_corpus");
    }
    println!("cargo::rustc-check-cfg=cfg(has_sigma_rules)");
    println!("cargo:rerun-if-changed=../../../shared/sigma-rules");
    if std::path::Path::new("../../../shared/sigma-rules/rules").is_dir() {
        println!("cargo:rustc-cfg=has_sigma_rules");
    }
}
