//! `trailview export`: load, filter, sort, and write the events as JSON,
//! NDJSON or CSV (atomically, never inside the inputs), with the evidence
//! manifest next to the file.

use std::path::PathBuf;

use clap::Args;

use crate::case::EventAnnotations;
use crate::cli::common::{CliError, InputArgs, print};
use crate::cli::filter::{FilterArgs, select};
use crate::cli::list::{check_columns, parse_columns, parse_sort};
use crate::export::manifest::{self, ManifestInput};
use crate::export::{self, ExportFormat, ExportRequest};
use crate::query::order::sort_rows;
use crate::store::sort::Order;

#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Column to sort by (default: eventTime).
    #[arg(long, value_name = "COL")]
    pub sort: Option<String>,
    /// Sort in descending order.
    #[arg(long)]
    pub desc: bool,
    /// The file to write (its folder must exist and must not be one of
    /// the inputs).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// json, ndjson or csv [default: from the --out extension].
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// CSV columns, comma-separated: column names or JSON paths
    /// [default: the table's columns and eventID].
    #[arg(long, value_name = "a,b,...", value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Do not write `<FILE>.manifest.json`.
    #[arg(long)]
    pub no_manifest: bool,
    #[command(flatten)]
    pub input: InputArgs,
}

impl ExportArgs {
    fn format(&self) -> Result<ExportFormat, CliError> {
        match &self.format {
            Some(f) => f.parse().map_err(CliError::usage),
            None => ExportFormat::from_extension(&self.out).ok_or_else(|| {
                CliError::usage(format!(
                    "cannot tell the format from {}; use --format json|ndjson|csv",
                    self.out.display()
                ))
            }),
        }
    }
}

pub fn run(args: &ExportArgs) -> Result<(), CliError> {
    let query = args.filter.query()?;
    let format = args.format()?;
    let sort = parse_sort(args.sort.as_deref())?;
    let columns = match (&args.columns, format) {
        (Some(c), ExportFormat::Csv) => parse_columns(Some(c))?,
        (Some(_), _) => {
            return Err(CliError::usage(
                "--columns applies to CSV only (JSON and NDJSON keep whole events)",
            ));
        }
        (None, ExportFormat::Csv) => export::default_columns(),
        (None, _) => Vec::new(),
    };
    let (store, report) = args.input.load()?;
    let integrity = check_columns(&store, &report, &columns, &sort)?;
    let ann = EventAnnotations::new(&store, None, integrity.as_ref());
    let mut rows = select(&store, query.as_ref());
    let order = Order::descending_if(args.desc);
    sort_rows(&store, &mut rows, &sort, order, &ann);
    let req = ExportRequest {
        rows: &rows,
        format,
        columns: columns.clone(),
        out: args.out.clone(),
        protected_inputs: args.input.paths.clone(),
    };
    let summary = export::export_annotated(&store, &req, &export::Progress::default(), &ann)
        .map_err(|e| CliError::failure(e.to_string()))?;
    let mut text = format!(
        "Exported {} events to {} ({}, {} bytes, sha256 {})\n",
        summary.events,
        summary.path.display(),
        summary.format,
        summary.bytes,
        summary.sha256
    );
    if !args.no_manifest {
        let written = manifest::write(&ManifestInput {
            exported_file: &summary.path,
            format: format.name(),
            query: args.filter.filter.as_deref().unwrap_or(""),
            sort: Some((&sort, order)),
            columns: &columns,
            rows: &rows,
            store: &store,
            integrity: crate::integrity::verify_loaded(&report, None).as_ref(),
            case: None,
        })
        .map_err(|e| CliError::failure(format!("export written, but not its manifest: {e}")))?;
        text.push_str(&format!("Manifest: {}\n", written.display()));
    }
    print(&text)
}
