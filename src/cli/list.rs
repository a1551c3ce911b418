//! `trailview list`: events as rows with chosen columns (store columns or
//! JSON paths into the event), sorted, as TSV or as one JSON array.

use std::io::{self, BufWriter, Write};

use clap::{Args, ValueEnum};
use serde_json::{Map, Value};

use crate::case::{EventAnnotations, IntegrityIndex};
use crate::cli::common::{CliError, InputArgs, write_error};
use crate::cli::filter::{FilterArgs, select};
use crate::ingest::LoadReport;
use crate::model::{Column, ColumnSpec, EventIdx, Mark};
use crate::query::json_field::{cell_text, lookup};
use crate::query::mark_text;
use crate::query::order::sort_rows;
use crate::store::Store;
use crate::store::path::{is_known_root, is_well_formed};
use crate::store::sort::Order;
use crate::timefmt::format_rfc3339;

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
                ColumnSpec::Mark(m) if *m != Mark::Integrity => Err(CliError::usage(format!(
                    "column {n:?} is a case annotation; open the case in the app to see it"
                ))),
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
        ColumnSpec::Mark(m) if m != Mark::Integrity => Err(CliError::usage(format!(
            "cannot sort by {n:?}: it is a case annotation; open the case in the app"
        ))),
        spec => Ok(spec),
    }
}

/// Checks that every JSON path among `columns` and `sort` exists, then
/// runs the integrity check when `integrity` is among them (and digests
/// were loaded): the status of every loaded file.
pub fn check_columns(
    store: &Store,
    report: &LoadReport,
    columns: &[ColumnSpec],
    sort: &ColumnSpec,
) -> Result<Option<IntegrityIndex>, CliError> {
    check_paths_exist(store, columns)?;
    check_paths_exist(store, std::slice::from_ref(sort))?;
    let integrity = ColumnSpec::Mark(Mark::Integrity);
    if !columns.contains(&integrity) && *sort != integrity {
        return Ok(None);
    }
    Ok(crate::integrity::verify_loaded(report, None).map(|r| IntegrityIndex::new(store, &r)))
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
            finder.find(&store.raw(i)).is_some()
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
    let query = args.filter.query()?;
    let (store, report) = args.input.load()?;
    let integrity = check_columns(&store, &report, &columns, &sort)?;
    let ann = EventAnnotations::new(&store, None, integrity.as_ref());
    let mut rows = select(&store, query.as_ref());
    sort_rows(
        &store,
        &mut rows,
        &sort,
        Order::descending_if(args.desc),
        &ann,
    );
    if let Some(n) = args.limit {
        rows.truncate(n);
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match args.format {
        Format::Tsv => write_tsv(&mut out, &ann, &rows, &columns),
        Format::Json => write_json(&mut out, &ann, &rows, &columns),
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
    use crate::store::store_from_texts;

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
        s.sort_rows(&mut rows, Column::Time, Order::Ascending);
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
