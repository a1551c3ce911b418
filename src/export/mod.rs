//! TODO module export
