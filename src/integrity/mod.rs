//! TODO module integrity
