//! Trailview, the desktop app: the `gui` module over the session layer
//! (`trailview-session`) and the engine (`trailview-core`). The binary
//! (`main.rs`) runs a command-line subcommand (`trailview-cli`) or opens
//! this app. Built without the `gui` feature, the binary is the command
//! line alone.

#[cfg(feature = "gui")]
pub mod gui;
