//! The same investigation on the whole trail in S3: Amazon Athena DDL and
//! SQL (docs/athena.md).
//!
//! - [`layout`] reads the S3 layout of the loaded files
//!   (`AWSLogs/[o-…/]<account>/CloudTrail/<region>/YYYY/MM/DD/`): accounts,
//!   regions, organization id, first day.
//! - [`ddl`] writes the `CREATE EXTERNAL TABLE` AWS documents for CloudTrail
//!   with partition projection, for that layout.
//! - [`fields`] writes each Trailview field as an SQL expression over that
//!   table (the actor and credential rules of [`crate::identity`] included).
//! - [`sql`] translates a parsed query, the time range, the sort and the
//!   columns into one Athena engine v3 (Trino) `SELECT`, or refuses with
//!   the term and the reason.

pub mod ddl;
pub mod fields;
pub mod layout;
pub mod sql;

pub use ddl::{DdlOptions, create_table};
pub use layout::TrailLayout;
pub use sql::{Refusal, SqlOptions, to_sql};

/// The table name `trailview athena` uses unless told otherwise (the one
/// AWS's page uses).
pub const DEFAULT_TABLE: &str = "cloudtrail_logs_pp";

/// The date partition key of the table (AWS's name for it).
pub const DATE_KEY: &str = "timestamp";

/// `'text'` as an SQL string literal.
pub(crate) fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `"name"` as a quoted SQL identifier.
pub(crate) fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `db.table` quoted as needed.
pub(crate) fn table_ref(database: Option<&str>, table: &str) -> String {
    match database {
        Some(d) if !d.is_empty() => format!("{}.{}", ident(d), ident(table)),
        _ => ident(table),
    }
}
