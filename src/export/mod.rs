//! TODO module export
pub mod manifest;
