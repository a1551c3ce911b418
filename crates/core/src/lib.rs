//! The Trailview engine: everything that turns CloudTrail files into
//! answers, with no notion of a window or a command line.
//!
//! Bottom up: [`model`] (the vocabulary), [`timefmt`], [`gunzip`],
//! [`json_bounded`] and [`atomic_write`] are leaves; the [`store`] keeps events column by
//! column; [`ingest`] turns file bytes into store batches, naming each
//! event's actor through [`identity`] (ingest and identity are one layer:
//! identity reads the fields `ingest::record` parsed); [`credentials`] derives
//! each event's credential chain from the store (the store holds the built
//! graph, the one upward reference); [`query`] selects and orders rows;
//! [`integrity`] checks CloudTrail digests; [`case`] keeps the analyst's
//! tags and notes; [`export`] writes evidence; [`athena`] writes the same
//! investigation as Athena DDL and SQL. A module only imports from
//! modules listed before it (tests aside). The session layer
//! (`trailview-session`) drives all of it for the app and the command line.

pub mod atomic_write;
pub mod gunzip;
pub mod json_bounded;
pub mod model;
pub mod timefmt;

pub mod store;

pub mod credentials;

pub mod identity;
pub mod ingest;

pub mod query;

pub mod sigma;

pub mod integrity;

pub mod case;

pub mod export;

pub mod athena;
