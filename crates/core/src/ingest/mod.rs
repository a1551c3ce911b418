//! Ingest: turning files on disk into batches of events.
//!
//! [`walk`] lists the files under the inputs; [`decode`] reads one into
//! text (gzip or plain, within limits; [`gunzip`] inflates); [`shapes`] recognises what the text
//! is and, with [`fast_records`] (trail delivery files, whose records
//! [`record_scan`] reads in one pass over [`json_scan`]), [`containers`] (every
//! other JSON shape) and [`csv_history`], streams its records into
//! a [`sink::Sink`] that builds the file's batch; [`file`] ties these
//! together for one file; [`loader`] runs all files in parallel on a
//! background thread and streams the results; [`report`] is the honest
//! account of a load; [`budget`] bounds the memory a load may use;
//! [`side_file`] reads small files whole within a size limit; [`issuing`]
//! captures what the credential graph needs from the few records that
//! issue credentials.

pub mod budget;
pub mod containers;
pub mod csv_history;
pub mod decode;
pub mod fast_records;
pub mod file;
pub mod issuing;
pub mod json_scan;
pub mod loader;
pub mod options;
pub mod record;
pub mod record_scan;
pub mod report;
pub mod rows;
pub mod shapes;
pub mod side_file;
pub mod sink;
pub mod walk;

pub use loader::{LoadHandle, LoadMessage, Progress, collect, load_paths, start_load};
pub use options::LoadOptions;
pub use report::{FileCounts, FileOutcome, LoadReport, Problem};
pub use rows::{PushRecord, store_from_texts};
