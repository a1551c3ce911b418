//! The app's integration tests, one binary: the desktop app driven through
//! its accessibility labels (egui_kittest), snapshots, the `trailview`
//! binary's command line, and the packaging files.

mod athena_sql;
mod cli_detections;
mod cli_sessions;
mod cli_stats_list;
mod gui_app;
mod gui_athena;
mod gui_case;
mod gui_credentials;
mod gui_detail;
mod gui_detections;
mod gui_export_path;
mod gui_harness;
mod gui_integrity;
mod gui_keys;
mod gui_pivots;
mod gui_snapshots;
mod gui_table;
mod gui_timeline;
mod integrity_cli;
mod packaging_files;
mod parity;
#[path = "../../crates/core/tests/engine/signed_trail.rs"]
mod signed_trail;
