//! Trailview: a fast viewer for AWS CloudTrail logs.
//!
//! The library is the core engine and knows nothing of any GUI toolkit:
//! file bytes are turned into events by [`ingest`], kept column by column in
//! the [`store`], named by [`identity`], selected by [`query`], written out by
//! [`export`] and checked against CloudTrail digests by [`integrity`].
//! [`case`] keeps the analyst's tags and notes. The desktop application lives
//! in `gui` (feature `gui`) and the command line in [`cli`].

pub mod atomic_write;
pub mod case;
pub mod cli;
pub mod export;
pub mod identity;
pub mod ingest;
pub mod integrity;
pub mod model;
pub mod query;
pub mod store;
pub mod synth;
pub mod timefmt;

#[cfg(feature = "gui")]
pub mod gui;
