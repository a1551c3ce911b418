//! TODO module query
