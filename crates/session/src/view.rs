//! What is shown: the [`ViewSpec`] (query, time range, sort, columns), the
//! one source of truth for the table, the CLI's `list` and `export`, the
//! case file's saved view and the export manifest; and [`compute_rows`],
//! the one pipeline that turns a spec into rows (time range, then query,
//! then sort) for the app and the command line alike.

use trailview_core::case::EventAnnotations;
use trailview_core::model::{Column, ColumnSpec, EventIdx, SortKey};
use trailview_core::query::{self, Query, QueryError};
use trailview_core::store::Store;

/// One view of the loaded events.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ViewSpec {
    /// Query text (docs/query-language.md); empty keeps every event.
    pub query: String,
    /// Keep events with `start <= time < end` (epoch milliseconds).
    pub time_range: Option<(i64, i64)>,
    pub sort: SortKey,
    /// The table's (and CSV export's) columns.
    pub columns: Vec<ColumnSpec>,
}

impl Default for ViewSpec {
    fn default() -> Self {
        ViewSpec {
            query: String::new(),
            time_range: None,
            sort: SortKey::default(),
            columns: Column::DEFAULT_TABLE
                .iter()
                .map(|&c| ColumnSpec::Column(c))
                .collect(),
        }
    }
}

impl ViewSpec {
    /// The parsed query; `None` when it keeps every event.
    pub fn compile(&self) -> Result<Option<Query>, QueryError> {
        let q = query::parse(&self.query)?;
        Ok((!q.is_match_all()).then_some(q))
    }

    /// True when the rows depend on tags, notes, stars or integrity
    /// through the query or the sort.
    pub fn uses_annotations(&self, compiled: Option<&Query>) -> bool {
        compiled.is_some_and(Query::uses_annotations)
            || matches!(self.sort.column, ColumnSpec::Mark(_))
    }
}

/// The rows of `store` that `spec` shows, in its order: events in the time
/// range, matching `query` (the spec's compiled query), sorted.
pub fn compute_rows(
    store: &Store,
    spec: &ViewSpec,
    query: Option<&Query>,
    ann: &EventAnnotations<'_>,
) -> Vec<EventIdx> {
    let mut rows = store.all_rows();
    if let Some((lo, hi)) = spec.time_range {
        let times = store.times();
        rows.retain(|&i| {
            let t = times[i as usize];
            t >= lo && t < hi
        });
    }
    if let Some(q) = query {
        rows = q.select_with(store, &rows, ann);
    }
    trailview_core::query::sort::sort_rows(
        store,
        &mut rows,
        &spec.sort.column,
        spec.sort.direction,
        ann,
    );
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailview_core::ingest::store_from_texts;
    use trailview_core::model::Direction;

    fn store() -> Store {
        store_from_texts(&[(
            "a.json",
            &[
                r#"{"eventName":"B","eventTime":"2023-01-01T00:00:02Z"}"#,
                r#"{"eventName":"A","eventTime":"2023-01-01T00:00:01Z"}"#,
                r#"{"eventName":"C","eventTime":"2023-01-01T00:00:03Z"}"#,
            ],
        )])
    }

    fn rows(store: &Store, spec: &ViewSpec) -> Vec<EventIdx> {
        let q = spec.compile().expect("query");
        let ann = EventAnnotations::new(store, None, None);
        compute_rows(store, spec, q.as_ref(), &ann)
    }

    #[test]
    fn time_range_keeps_half_open_interval() {
        let s = store();
        let spec = ViewSpec {
            time_range: Some((s.time(1), s.time(2))),
            ..ViewSpec::default()
        };
        assert_eq!(rows(&s, &spec), vec![1, 0]);
    }

    #[test]
    fn query_then_sort() {
        let s = store();
        let spec = ViewSpec {
            query: "-name:A".into(),
            sort: SortKey {
                column: ColumnSpec::Column(Column::EventName),
                direction: Direction::Descending,
            },
            ..ViewSpec::default()
        };
        assert_eq!(rows(&s, &spec), vec![2, 0]);
        let bad = ViewSpec {
            query: "name:(".into(),
            ..ViewSpec::default()
        };
        assert!(bad.compile().is_err());
    }
}
