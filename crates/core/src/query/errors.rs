//! The one error a query can produce: what is wrong and where (a byte
//! offset into the query text), so a text box can point at the problem.

use std::fmt;

/// A malformed query. `position` is a byte offset into the query text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub message: String,
    pub position: usize,
}

impl QueryError {
    pub fn new(message: impl Into<String>, position: usize) -> QueryError {
        QueryError {
            message: message.into(),
            position,
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.message, self.position)
    }
}

impl std::error::Error for QueryError {}
