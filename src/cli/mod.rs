//! TODO module cli
pub mod verify;
