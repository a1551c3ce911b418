//! TODO module case
