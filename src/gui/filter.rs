//! Adapter between the GUI and the query language ([`crate::query`]):
//! compile the text in the query box, select rows with it, and build the
//! clauses that facet clicks and pivot menus add to the query text.

use crate::model::EventIdx;
use crate::query::{self, Query};
use crate::store::Store;

pub use crate::query::QueryError as FilterError;

/// A compiled query.
#[derive(Debug, Clone)]
pub struct Filter {
    query: Query,
}

/// Compiles `text`. Text that matches everything gives `None`.
pub fn compile(text: &str) -> Result<Option<Filter>, FilterError> {
    let query = query::parse(text)?;
    Ok((!query.is_match_all()).then_some(Filter { query }))
}

impl Filter {
    /// The rows of `rows` the query keeps, in the same order.
    pub fn select(&self, store: &Store, rows: &[EventIdx]) -> Vec<EventIdx> {
        self.query.select(store, rows)
    }

    /// Like [`Filter::select`], with tags, notes, stars and integrity.
    pub fn select_with(
        &self,
        store: &Store,
        rows: &[EventIdx],
        ann: &dyn query::Annotations,
    ) -> Vec<EventIdx> {
        self.query.select_with(store, rows, ann)
    }

    /// True when the query reads tags, notes, stars or integrity, so it
    /// must run again when those change.
    pub fn uses_annotations(&self) -> bool {
        self.query.uses_annotations()
    }
}

/// The clause keeping events whose `field` is `value`.
pub fn include_clause(field: &str, value: &str) -> String {
    query::field_clause(field, value)
}

/// The clause dropping events whose `field` is `value`.
pub fn exclude_clause(field: &str, value: &str) -> String {
    query::exclude_clause(field, value)
}

/// Adds `clause` to `query`, or removes it when already there.
pub fn toggle_clause(text: &str, clause: &str) -> String {
    query::toggle_clause(text, clause)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_clicks_toggle_clauses_and_errors_have_positions() {
        let q = toggle_clause("", &include_clause("eventName", "GetObject"));
        let q = toggle_clause(&q, &exclude_clause("awsRegion", "us-east-1"));
        assert!(q.contains("eventName:GetObject"), "{q}");
        let q = toggle_clause(&q, &include_clause("eventName", "GetObject"));
        assert!(!q.contains("eventName:GetObject"), "{q}");
        assert!(compile("").expect("empty is fine").is_none());
        let e = compile("eventName:\"Get").expect_err("unclosed quote");
        assert!(e.position <= 14, "{e:?}");
    }
}
