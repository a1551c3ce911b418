//! `trailview list`: events as rows with chosen columns (store columns or
//! JSON paths into the event), sorted, as TSV or as one JSON array.

use std::io::{self, BufWriter, Write};

use clap::{Args, ValueEnum};
use serde_json::{Map, Value};

use crate::common::{CliError, InputArgs, write_error};
use crate::filter::FilterArgs;
use trailview_core::case::EventAnnotations;
use trailview_core::model::{Column, ColumnSpec, Direction, EventIdx, Mark, SortKey};
use trailview_core::query::json_field::{cell_text, lookup};
use trailview_core::query::mark_text;
use trailview_core::store::Store;
use trailview_core::store::path::{is_known_root, is_well_formed};
use trailview_core::timefmt::format_rfc3339;
use trailview_session::{Session, ViewSpec};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A header line, then one tab-separated line per event.
    Tsv,
    /// One JSON array of objects keyed by column name.
    Json,
}

#[derive(Args, Debug, Clone)]
pub struct ListArgs {
    /// Column to sort by (any column name; default: eventTime). Sorting is
    /// stable, with time then load order as the tie-break.
    #[arg(long, value_name = "COL")]
    pub sort: Option<String>,
    /// Sort in descending order.
    #[arg(long)]
    pub desc: bool,
    /// Columns to print, comma-separated: column names (eventTime, actor,
    /// credential, eventName, eventSource, awsRegion, account,
    /// sourceIPAddress, errorCode, mfa, ...) or JSON paths into the event
    /// (requestParameters.bucketName, resources.0.ARN).
    #[arg(long, value_name = "a,b,...", value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Print at most N events.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Tsv)]
    pub format: Format,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub rules: crate::detect::RuleArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Parses `--columns` (or the default table columns).
pub fn parse_columns(names: Option<&[String]>) -> Result<Vec<ColumnSpec>, CliError> {
    let Some(names) = names else {
        return Ok(Column::DEFAULT_TABLE
            .iter()
            .map(|&c| ColumnSpec::Column(c))
            .collect());
    };
    names
        .iter()
        .map(|n| {
            let spec = ColumnSpec::parse(n);
            match &spec {
                ColumnSpec::Path(p) if !is_well_formed(p) => Err(CliError::usage(format!(
                    "unknown column {n:?}: not a column name nor a JSON path"
                ))),
                ColumnSpec::Mark(m) if !matches!(m, Mark::Integrity | Mark::Detections) => {
                    Err(CliError::usage(format!(
                        "column {n:?} is a case annotation; open the case in the app to see it"
                    )))
                }
                _ => Ok(spec),
            }
        })
        .collect()
}

/// Parses `--sort`: a column name, `integrity`, or a JSON path.
pub fn parse_sort(name: Option<&str>) -> Result<ColumnSpec, CliError> {
    let Some(n) = name else {
        return Ok(ColumnSpec::Column(Column::Time));
    };
    match ColumnSpec::parse(n) {
        ColumnSpec::Path(p) if !is_well_formed(&p) => {
            Err(CliError::usage(format!("unknown sort column {n:?}")))
        }
        ColumnSpec::Mark(m) if !matches!(m, Mark::Integrity | Mark::Detections) => {
            Err(CliError::usage(format!(
                "cannot sort by {n:?}: it is a case annotation; open the case in the app"
            )))
        }
        spec => Ok(spec),
    }
}

/// The view the command line asks for: `--filter`, `--sort`/`--desc` and
/// the columns, over every time.
pub fn view_of(
    filter: &FilterArgs,
    sort: ColumnSpec,
    desc: bool,
    columns: Vec<ColumnSpec>,
) -> ViewSpec {
    ViewSpec {
        query: filter.filter.clone().unwrap_or_default(),
        time_range: None,
        sort: SortKey {
            column: sort,
            direction: Direction::descending_if(desc),
        },
        columns,
    }
}

/// Sets the session's view (query, sort, columns) from the command line,
/// checks that every JSON path among the columns and the sort exists, and
/// runs the integrity check and the detection rules once when the view
/// reads them (the `integrity` or `detections` column, sort or query) or
/// `always` asks for them (an export's manifest).
/// Returns the view's rows.
pub fn apply_view(
    session: &mut Session,
    view: ViewSpec,
    always_integrity: bool,
) -> Result<std::sync::Arc<Vec<EventIdx>>, CliError> {
    {
        let store = session.read();
        check_paths_exist(&store, &view.columns)?;
        check_paths_exist(&store, std::slice::from_ref(&view.sort.column))?;
    }
    let integrity = ColumnSpec::Mark(Mark::Integrity);
    let reads_integrity = view.columns.contains(&integrity)
        || view.sort.column == integrity
        || view
            .compile()
            .ok()
            .flatten()
            .is_some_and(|q| q.uses_annotations());
    let detections = ColumnSpec::Mark(Mark::Detections);
    let reads_detections = view.columns.contains(&detections)
        || view.sort.column == detections
        || view
            .compile()
            .ok()
            .flatten()
            .is_some_and(|q| q.uses_detections());
    session.set_view(view);
    if always_integrity || reads_integrity {
        session.check_integrity_blocking();
    }
    if always_integrity || reads_detections {
        session.detect_blocking();
    }
    session
        .rows_blocking()
        .map_err(|e| CliError::usage(format!("bad query: {e}")))
}

/// A JSON path whose first field is not a CloudTrail field must exist in
/// at least one loaded event, so that a typo is an error, not an empty
/// column.
pub fn check_paths_exist(store: &Store, columns: &[ColumnSpec]) -> Result<(), CliError> {
    for spec in columns {
        let ColumnSpec::Path(p) = spec else { continue };
        if is_known_root(p) || store.is_empty() {
            continue;
        }
        let root = p.split('.').next().unwrap_or("");
        let needle = format!("\"{root}\"");
        let finder = memchr::memmem::Finder::new(needle.as_bytes());
        let found = (0..store.len() as EventIdx).any(|i| {
            store.raw(i).is_ok_and(|raw| finder.find(&raw).is_some())
                && store.json(i).is_some_and(|v| !lookup(&v, p).is_empty())
        });
        if !found {
            return Err(CliError::usage(format!(
                "unknown column {p:?}: not a column name, and no loaded event has that field"
            )));
        }
    }
    Ok(())
}

pub fn run(args: &ListArgs) -> Result<(), CliError> {
    let columns = parse_columns(args.columns.as_deref())?;
    let sort = parse_sort(args.sort.as_deref())?;
    args.filter.query()?;
    let mut session = args.input.open_with(args.rules.options()?)?;
    let view = view_of(&args.filter, sort, args.desc, columns);
    let rows = apply_view(&mut session, view, false)?;
    let rows = &rows[..args.limit.unwrap_or(rows.len()).min(rows.len())];
    let columns = &session.applied_view().columns;
    let store = session.read();
    let ann = session.annotations(&store);
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match args.format {
        Format::Tsv => write_tsv(&mut out, &ann, rows, columns),
        Format::Json => write_json(&mut out, &ann, rows, columns),
    };
    written.and_then(|()| out.flush()).map_err(write_error)
}

/// The cells of one row for `--format json`: text for store columns and
/// annotations; for a path, its JSON value (a list of them when the path
/// reaches several, `None` when it reaches none).
fn row_values(
    ann: &EventAnnotations<'_>,
    idx: EventIdx,
    columns: &[ColumnSpec],
) -> Vec<Option<Value>> {
    let store = ann.store;
    let event = event_if_paths(store, idx, columns);
    columns
        .iter()
        .map(|spec| match spec {
            ColumnSpec::Column(Column::Time) => {
                Some(Value::String(format_rfc3339(store.time(idx))))
            }
            ColumnSpec::Column(c) => Some(Value::String(store.value(*c, idx).into_owned())),
            ColumnSpec::Mark(m) => Some(Value::String(mark_text(ann, *m, idx))),
            ColumnSpec::Path(p) => {
                let mut values = event.as_ref().map(|v| lookup(v, p)).unwrap_or_default();
                match values.len() {
                    0 => None,
                    1 => values.pop().cloned(),
                    _ => Some(Value::Array(values.into_iter().cloned().collect())),
                }
            }
        })
        .collect()
}

/// The parsed event, when some column is a JSON path.
fn event_if_paths(store: &Store, idx: EventIdx, columns: &[ColumnSpec]) -> Option<Value> {
    let needs_json = columns.iter().any(|c| matches!(c, ColumnSpec::Path(_)));
    if needs_json { store.json(idx) } else { None }
}

/// The text cells of one row, as the app's table and CSV export show them.
fn row_texts(ann: &EventAnnotations<'_>, idx: EventIdx, columns: &[ColumnSpec]) -> Vec<String> {
    let store = ann.store;
    let event = event_if_paths(store, idx, columns);
    columns
        .iter()
        .map(|spec| match spec {
            ColumnSpec::Column(Column::Time) => format_rfc3339(store.time(idx)),
            ColumnSpec::Column(c) => store.value(*c, idx).into_owned(),
            ColumnSpec::Mark(m) => mark_text(ann, *m, idx),
            ColumnSpec::Path(p) => event
                .as_ref()
                .map(|v| cell_text(&lookup(v, p)))
                .unwrap_or_default(),
        })
        .collect()
}

/// Escapes a TSV cell: backslash, tab, newline and carriage return.
pub fn tsv_escape(cell: &str) -> String {
    let mut s = String::with_capacity(cell.len());
    for c in cell.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '\t' => s.push_str("\\t"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            c => s.push(c),
        }
    }
    s
}

pub fn write_tsv(
    out: &mut impl Write,
    ann: &EventAnnotations<'_>,
    rows: &[EventIdx],
    columns: &[ColumnSpec],
) -> io::Result<()> {
    let header: Vec<String> = columns.iter().map(|c| tsv_escape(c.name())).collect();
    writeln!(out, "{}", header.join("\t"))?;
    for &idx in rows {
        let cells: Vec<String> = row_texts(ann, idx, columns)
            .iter()
            .map(|v| tsv_escape(v))
            .collect();
        writeln!(out, "{}", cells.join("\t"))?;
    }
    Ok(())
}

pub fn write_json(
    out: &mut impl Write,
    ann: &EventAnnotations<'_>,
    rows: &[EventIdx],
    columns: &[ColumnSpec],
) -> io::Result<()> {
    out.write_all(b"[")?;
    for (n, &idx) in rows.iter().enumerate() {
        let mut obj = Map::new();
        for (spec, v) in columns.iter().zip(row_values(ann, idx, columns)) {
            obj.insert(spec.name().to_owned(), v.unwrap_or(Value::Null));
        }
        out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &Value::Object(obj))?;
    }
    out.write_all(if rows.is_empty() { b"]\n" } else { b"\n]\n" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailview_core::ingest::store_from_texts;

    fn store() -> Store {
        store_from_texts(&[(
            "a.json",
            &[
                r#"{"eventName":"B","eventTime":"2024-01-02T00:00:00Z","requestParameters":{"bucketName":"x\ty"}}"#,
                r#"{"eventName":"A","eventTime":"2024-01-01T00:00:00Z","p_log_type":"AWS.CloudTrail"}"#,
            ],
        )])
    }

    #[test]
    fn columns_and_sort_are_checked() {
        let cols = parse_columns(Some(&[
            "eventName".into(),
            "requestParameters.bucketName".into(),
        ]))
        .expect("columns");
        assert_eq!(cols[0], ColumnSpec::Column(Column::EventName));
        assert_eq!(
            cols[1],
            ColumnSpec::Path("requestParameters.bucketName".into())
        );
        assert_eq!(
            parse_columns(Some(&["no such".into()]))
                .expect_err("bad")
                .code,
            2
        );
        assert_eq!(
            parse_columns(None).expect("default").len(),
            Column::DEFAULT_TABLE.len()
        );
        assert_eq!(
            parse_sort(Some("name")).expect("sort"),
            ColumnSpec::Column(Column::EventName)
        );
        assert_eq!(
            parse_sort(Some("requestParameters.bucketName")).expect("path"),
            ColumnSpec::Path("requestParameters.bucketName".into())
        );
        assert_eq!(parse_sort(Some("tags")).expect_err("case only").code, 2);
        assert_eq!(parse_sort(Some("a..b")).expect_err("bad").code, 2);
        let s = store();
        // A sort by an unknown field is caught like an unknown column.
        let bogus = parse_sort(Some("bogus")).expect("well-formed");
        assert!(check_paths_exist(&s, &[bogus]).is_err());
        assert!(check_paths_exist(&s, &[ColumnSpec::Path("p_log_type".into())]).is_ok());
        assert!(check_paths_exist(&s, &[ColumnSpec::Path("evntName".into())]).is_err());
    }

    #[test]
    fn tsv_and_json_rows() {
        let s = store();
        let cols = parse_columns(Some(&[
            "time".into(),
            "eventName".into(),
            "requestParameters.bucketName".into(),
        ]))
        .expect("columns");
        let mut rows = s.all_rows();
        s.sort_by_column(&mut rows, Column::Time, Direction::Ascending);
        let mut tsv = Vec::new();
        write_tsv(
            &mut tsv,
            &EventAnnotations::new(&s, None, None),
            &rows,
            &cols,
        )
        .expect("tsv");
        assert_eq!(
            String::from_utf8(tsv).expect("utf8"),
            "eventTime\teventName\trequestParameters.bucketName\n\
             2024-01-01T00:00:00Z\tA\t\n\
             2024-01-02T00:00:00Z\tB\tx\\ty\n"
        );
        let mut js = Vec::new();
        write_json(
            &mut js,
            &EventAnnotations::new(&s, None, None),
            &rows,
            &cols,
        )
        .expect("json");
        let v: Value = serde_json::from_slice(&js).expect("valid json");
        assert_eq!(v[0]["eventName"], "A");
        assert_eq!(v[0]["requestParameters.bucketName"], Value::Null);
        assert_eq!(v[1]["requestParameters.bucketName"], "x\ty");
        let mut empty = Vec::new();
        write_json(
            &mut empty,
            &EventAnnotations::new(&s, None, None),
            &[],
            &cols,
        )
        .expect("json");
        assert_eq!(empty, b"[]\n");
    }
}
