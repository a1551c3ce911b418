//! `trailview athena ddl` and `trailview athena sql`: the Athena table for
//! the trail the given folders came from, and the SQL for a query over it
//! (docs/athena.md). Both go through the session layer
//! (`trailview_session::athena`), like the app's "Copy as Athena SQL".

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::common::{CliError, InputArgs, write_error};
use crate::filter::FilterArgs;
use crate::list::{parse_columns, parse_sort};
use trailview_core::athena::{DEFAULT_TABLE, DdlOptions};
use trailview_core::model::{Direction, SortKey};
use trailview_session::ViewSpec;
use trailview_session::athena::{SqlError, store_ddl, view_sql};

#[derive(Args, Debug, Clone)]
pub struct AthenaArgs {
    #[command(subcommand)]
    pub command: AthenaCommand,
}

#[derive(Subcommand, Debug, Clone)]
pub enum AthenaCommand {
    /// Print the CREATE EXTERNAL TABLE (partition projection) for the
    /// trail the given folders were downloaded from.
    Ddl(DdlArgs),
    /// Print the Athena SQL that selects the events `trailview list
    /// --filter Q` shows.
    Sql(SqlArgs),
}

#[derive(Args, Debug, Clone)]
pub struct DdlArgs {
    /// The S3 bucket the trail delivers to.
    #[arg(long, value_name = "BUCKET")]
    pub bucket: String,
    /// The trail's S3 key prefix, if any.
    #[arg(long, value_name = "PREFIX", default_value = "")]
    pub prefix: String,
    /// Table name.
    #[arg(long, value_name = "TABLE", default_value = DEFAULT_TABLE)]
    pub table: String,
    /// Database (Glue catalog) name.
    #[arg(long, value_name = "DB")]
    pub database: Option<String>,
    #[command(flatten)]
    pub input: InputArgs,
}

#[derive(Args, Debug, Clone)]
pub struct SqlArgs {
    /// Table name.
    #[arg(long, value_name = "TABLE", default_value = DEFAULT_TABLE)]
    pub table: String,
    /// Database (Glue catalog) name.
    #[arg(long, value_name = "DB")]
    pub database: Option<String>,
    /// Column to sort by (default: eventTime).
    #[arg(long, value_name = "COL")]
    pub sort: Option<String>,
    /// Sort in descending order.
    #[arg(long)]
    pub desc: bool,
    /// Columns to select, comma-separated (as `trailview list --columns`).
    #[arg(long, value_name = "a,b,...", value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// The downloaded folders (accepted for symmetry with `list`; the SQL
    /// does not depend on them).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: &AthenaArgs) -> Result<(), CliError> {
    let text = match &args.command {
        AthenaCommand::Ddl(a) => ddl(a)?,
        AthenaCommand::Sql(a) => sql(a)?,
    };
    let mut out = io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(write_error)
}

fn ddl(a: &DdlArgs) -> Result<String, CliError> {
    if a.bucket
        .trim()
        .trim_start_matches("s3://")
        .trim_matches('/')
        .is_empty()
    {
        return Err(CliError::usage("--bucket needs a bucket name"));
    }
    let session = a.input.open()?;
    let store = session.read();
    let opts = DdlOptions {
        bucket: a.bucket.clone(),
        prefix: a.prefix.clone(),
        table: a.table.clone(),
        database: a.database.clone(),
    };
    Ok(store_ddl(&store, &opts))
}

fn sql(a: &SqlArgs) -> Result<String, CliError> {
    for p in &a.paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(CliError::usage(format!(
                "no such file or folder: {}",
                p.to_string_lossy()
            )));
        }
    }
    let columns = parse_columns(a.columns.as_deref())?;
    let sort = parse_sort(a.sort.as_deref())?;
    a.filter.query()?;
    let view = ViewSpec {
        query: a.filter.filter.clone().unwrap_or_default(),
        time_range: None,
        sort: SortKey {
            column: sort,
            direction: Direction::descending_if(a.desc),
        },
        columns,
    };
    view_sql(&view, &a.table, a.database.as_deref()).map_err(|e| match e {
        SqlError::Query(m) => CliError::usage(format!("bad query: {m}")),
        SqlError::Refused(r) => CliError::usage(r.to_string()),
    })
}
