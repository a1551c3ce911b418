//! The query language (documented in `docs/query-language.md`): query
//! text is tokenised ([`lexer`]), parsed into a tree ([`parser`],
//! [`ast`]), bound to a store ([`plan`]) and run over events in parallel
//! ([`eval`]). [`clause`] builds and edits query text for click-to-filter.
//!
//! ```
//! use trailview_core::query;
//! use trailview_core::ingest::store_from_texts;
//!
//! let store = store_from_texts(&[(
//!     "f.json",
//!     &[r#"{"eventName":"GetObject","readOnly":true}"#, r#"{"eventName":"PutObject"}"#],
//! )]);
//! let q = query::parse("name:*Object -readOnly:true").expect("valid query");
//! assert_eq!(q.select(&store, &store.all_rows()), vec![1]);
//! ```

pub mod annotations;
pub(crate) mod ast;
mod clause;
pub mod errors;
mod eval;
pub mod help;
pub mod hints;
pub mod json_field;
mod lexer;
mod parser;
mod plan;
pub mod sort;
pub mod timespec;

use std::fmt;
use std::str::FromStr;

pub use annotations::{Annotations, LEVELS, NoAnnotations, RuleLabel, mark_text};
pub use clause::{exclude_clause, field_clause, phrase, quote_value, toggle_clause};
pub use errors::QueryError;
pub use help::SYNTAX_HELP;

use crate::model::EventIdx;
use crate::store::Store;
use ast::{Cond, Expr, Field, TextTest};
use plan::Plan;

/// A parsed query. Cheap to clone; independent of any store.
#[derive(Debug, Clone, Default)]
pub struct Query {
    text: String,
    expr: Option<Expr>,
}

/// Parses query text. Empty or blank text matches every event.
pub fn parse(text: &str) -> Result<Query, QueryError> {
    let parsed = parser::parse_text(text)?;
    Ok(Query {
        text: text.to_owned(),
        expr: parsed.expr,
    })
}

impl Query {
    /// The query that matches everything.
    pub fn all() -> Query {
        Query::default()
    }

    /// The text the query was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parsed tree (`None` for an empty query): for translators
    /// such as [`crate::athena`].
    pub(crate) fn expr(&self) -> Option<&Expr> {
        self.expr.as_ref()
    }

    /// True when the query selects every event (empty text or `*`).
    pub fn is_match_all(&self) -> bool {
        matches!(self.expr, None | Some(Expr::All))
    }

    /// True when the query uses `tag:`, `has:note`, `is:starred` or
    /// `integrity:` (so results change when annotations change).
    pub fn uses_annotations(&self) -> bool {
        let mut uses = false;
        if let Some(e) = &self.expr {
            e.for_each_cond(&mut |c| {
                uses |= matches!(
                    c,
                    Cond::Tag(_) | Cond::Note | Cond::Starred | Cond::Integrity(_)
                );
            });
        }
        uses || self.uses_detections()
    }

    /// True when the query uses `rule:`, `level:`, `attack:` or
    /// `has:detection` (so results change when detections change).
    pub fn uses_detections(&self) -> bool {
        let mut uses = false;
        if let Some(e) = &self.expr {
            e.for_each_cond(&mut |c| {
                uses |= matches!(
                    c,
                    Cond::Rule(_) | Cond::Level { .. } | Cond::Attack(_) | Cond::Detected
                );
            });
        }
        uses
    }

    /// True when the query reads the events' raw text (a full-text term,
    /// a `/regex/` or a JSON path): a scan of every event, which the app
    /// starts only once typing pauses.
    pub fn reads_raw_text(&self) -> bool {
        let mut raw = false;
        if let Some(e) = &self.expr {
            e.for_each_cond(&mut |c| {
                raw |= matches!(c, Cond::Text(_) | Cond::Field(Field::Path(_), _));
            });
        }
        raw
    }

    /// The plain words and phrases searched as full text (for
    /// highlighting), lower-cased.
    pub fn text_terms(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(e) = &self.expr {
            e.for_each_cond(&mut |c| {
                if let Cond::Text(TextTest::Literal(s)) = c {
                    out.push(s.clone());
                }
            });
        }
        out
    }

    /// The rows of `rows` that match, in the order of `rows` (parallel).
    pub fn select(&self, store: &Store, rows: &[EventIdx]) -> Vec<EventIdx> {
        self.select_with(store, rows, &NoAnnotations)
    }

    /// Like [`Query::select`], with the analyst's annotations.
    pub fn select_with(
        &self,
        store: &Store,
        rows: &[EventIdx],
        ann: &dyn Annotations,
    ) -> Vec<EventIdx> {
        match &self.expr {
            None | Some(Expr::All) => rows
                .iter()
                .copied()
                .filter(|&i| (i as usize) < store.len())
                .collect(),
            Some(e) => Plan::compile(e, store, true).select(rows, ann),
        }
    }

    /// Does one event match?
    pub fn matches(&self, store: &Store, idx: EventIdx) -> bool {
        self.matches_with(store, idx, &NoAnnotations)
    }

    /// Does one event match, with annotations?
    pub fn matches_with(&self, store: &Store, idx: EventIdx, ann: &dyn Annotations) -> bool {
        match &self.expr {
            None => (idx as usize) < store.len(),
            Some(e) => Plan::compile(e, store, false).matches_one(idx, ann),
        }
    }
}

impl FromStr for Query {
    type Err = QueryError;
    fn from_str(s: &str) -> Result<Query, QueryError> {
        parse(s)
    }
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod detection_tests;
#[cfg(test)]
mod tests;
