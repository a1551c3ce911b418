//! The session layer: one investigation, headless, for the desktop app and
//! the command line alike.
//!
//! [`Session`] owns the store and the running load, the integrity check,
//! the search preparation, the case (tags, notes, stars) and the one
//! [`ViewSpec`] (query, time range, sort, columns) that says what is shown.
//! Both front ends go through it, so a query, a sort or an export gives
//! the same rows, bytes and manifest in both by construction:
//!
//! - [`view`]: the spec and the one pipeline from spec to rows;
//! - [`view_jobs`]: computing rows and summaries on worker threads, newest
//!   request wins;
//! - [`summary`]: facets, histogram and timeline lanes of a row set, with
//!   [`outcome`] (error / write / read) and [`cells`] (a cell's text);
//! - [`load`], [`integrity_check`], [`search_prep`], [`detect_job`]:
//!   background jobs after opening paths (the last runs the Sigma rules);
//! - [`marks`], [`selection`], [`case_file`]: the analyst's marks, the
//!   selection they apply to, case files and the autosave;
//! - [`sessions`]: the credential graph's rebuild after a load and one row
//!   per credential session;
//! - [`evidence`]: export with its manifest;
//! - [`athena`]: the Athena table and SQL for the loaded trail and a view;
//! - [`fmt`]: numbers, sizes and durations as the status line says them.
//!
//! Nothing here depends on a GUI toolkit.

pub mod athena;
pub mod case_file;
pub mod cells;
pub mod detect_job;
pub mod detection_summary;
pub mod evidence;
pub mod fmt;
pub mod integrity_check;
mod lane_keys;
pub mod load;
pub mod log;
pub mod marks;
pub mod outcome;
pub mod search_prep;
pub mod selection;
pub mod session;
pub mod sessions;
pub mod summary;
pub mod view;
pub mod view_jobs;

pub use session::{Session, SessionEvent, SessionOptions, Status};
pub use view::ViewSpec;

#[cfg(test)]
mod detect_tests;
