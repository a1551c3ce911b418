//! Athena for the session's investigation, shared by `trailview athena`
//! and the app: the `CREATE EXTERNAL TABLE` for the trail the loaded files
//! came from, and the `SELECT` for a view (query, time range, sort,
//! columns). The translation itself is `trailview_core::athena`.

use std::fmt;

use trailview_core::athena::{self, DdlOptions, Refusal, SqlOptions, TrailLayout};
use trailview_core::query::{self, QueryError};
use trailview_core::store::Store;
use trailview_core::timefmt::NO_TIME;

use crate::view::ViewSpec;

/// Why a view has no SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlError {
    /// The query does not parse.
    Query(String),
    /// A term cannot be translated.
    Refused(Refusal),
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlError::Query(e) => write!(f, "bad query: {e}"),
            SqlError::Refused(r) => write!(f, "{r}"),
        }
    }
}

impl From<QueryError> for SqlError {
    fn from(e: QueryError) -> Self {
        SqlError::Query(e.to_string())
    }
}

/// The Athena SQL for a view over `table` (optionally in `database`).
pub fn view_sql(view: &ViewSpec, table: &str, database: Option<&str>) -> Result<String, SqlError> {
    let q = query::parse(&view.query)?;
    let opts = SqlOptions {
        table: table.to_owned(),
        database: database.map(str::to_owned),
        time_range: view.time_range,
        sort: Some(view.sort.clone()),
        columns: view.columns.clone(),
    };
    athena::to_sql(&q, &opts).map_err(SqlError::Refused)
}

/// The DDL for the trail the store's files came from: accounts, regions
/// and first day from the S3 layout of their paths (else the first
/// event's day).
pub fn store_ddl(store: &Store, opts: &DdlOptions) -> String {
    let layout = TrailLayout::from_paths(store.files().iter().map(|p| p.as_path()));
    let first = store
        .times()
        .iter()
        .copied()
        .filter(|&t| t != NO_TIME)
        .min();
    athena::create_table(opts, &layout, first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_sql_carries_sort_columns_and_time_range() {
        let mut view = ViewSpec {
            query: "name:GetObject".into(),
            ..ViewSpec::default()
        };
        view.time_range = Some((1_709_251_200_000, 1_709_337_600_000)); // 2024-03-01 .. 03-02
        let sql = view_sql(&view, "t", Some("db")).expect("translates");
        assert!(sql.contains("FROM \"db\".\"t\""));
        assert!(sql.contains("ORDER BY eventtime ASC"));
        assert!(sql.contains("AS \"actor\""));
        assert!(sql.contains("\"timestamp\" >= '2024/03/01'"));
        assert!(sql.contains("\"timestamp\" <= '2024/03/02'"));
        view.query = "is:starred".into();
        assert!(matches!(
            view_sql(&view, "t", None),
            Err(SqlError::Refused(_))
        ));
        view.query = "name:(".into();
        assert!(matches!(
            view_sql(&view, "t", None),
            Err(SqlError::Query(_))
        ));
    }
}
