//! Ingest: turning files on disk into batches of events.

pub mod record;
