//! `trailview sessions`: one row per credential session (what one set of
//! credentials did) among the events matching `--filter`, as TSV or JSON.
//! The rows come from `trailview_session::sessions`, as in the app's
//! Sessions window.

use std::io::{self, BufWriter, Write};

use clap::Args;

use crate::common::{CliError, InputArgs, write_error};
use crate::filter::FilterArgs;
use crate::list::{apply_view, view_of};
use trailview_core::model::{Column, ColumnSpec};
use trailview_session::sessions::{SORT_COLUMNS, SessionRow, session_rows, sort_sessions};

#[derive(Args, Debug, Clone)]
pub struct SessionsArgs {
    /// Sort by: session, origin, principal, first, last, duration, events,
    /// errors, access_denied, ips, hops, first_seen (default: first).
    #[arg(long, value_name = "COL")]
    pub sort: Option<String>,
    /// Sort in descending order.
    #[arg(long)]
    pub desc: bool,
    /// Print one JSON array instead of TSV.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

pub fn run(args: &SessionsArgs) -> Result<(), CliError> {
    let sort = args.sort.as_deref().unwrap_or("first");
    if !SORT_COLUMNS.contains(&sort.to_ascii_lowercase().as_str()) {
        return Err(CliError::usage(format!(
            "unknown sort column {sort:?} (one of {})",
            SORT_COLUMNS.join(", ")
        )));
    }
    args.filter.query()?;
    let mut session = args.input.open()?;
    let view = view_of(
        &args.filter,
        ColumnSpec::Column(Column::Time),
        false,
        vec![ColumnSpec::Column(Column::Time)],
    );
    let rows = apply_view(&mut session, view, false)?;
    let store = session.read();
    let mut sessions = session_rows(&store, &rows);
    sort_sessions(&mut sessions, sort, args.desc);
    let mut out = BufWriter::new(io::stdout().lock());
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &sessions)
            .map_err(io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        write_tsv(&mut out, &sessions)
    };
    written.and_then(|()| out.flush()).map_err(write_error)
}

const HEADER: [&str; 15] = [
    "session",
    "origin",
    "principal",
    "first",
    "last",
    "duration_secs",
    "events",
    "errors",
    "access_denied",
    "source_ips",
    "user_agents",
    "regions",
    "services",
    "first_seen",
    "chain",
];

fn write_tsv(out: &mut impl Write, rows: &[SessionRow]) -> io::Result<()> {
    writeln!(out, "{}", HEADER.join("\t"))?;
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let list = |v: &[String]| clean(&v.join(","));
    for r in rows {
        let cells = [
            clean(&r.session),
            clean(&r.origin),
            clean(&r.principal),
            r.first.clone(),
            r.last.clone(),
            r.duration_secs.to_string(),
            r.events.to_string(),
            r.errors.to_string(),
            r.access_denied.to_string(),
            list(&r.source_ips),
            list(&r.user_agents),
            list(&r.regions),
            list(&r.services),
            list(&r.first_seen),
            clean(&r.chain),
        ];
        writeln!(out, "{}", cells.join("\t"))?;
    }
    Ok(())
}
