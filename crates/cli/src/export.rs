//! `trailview export`: load, filter, sort, and write the events as JSON,
//! NDJSON or CSV (atomically, never inside the inputs), with the evidence
//! manifest next to the file.

use std::path::PathBuf;

use clap::Args;

use crate::common::{CliError, InputArgs, print};
use crate::filter::FilterArgs;
use crate::list::{apply_view, parse_columns, parse_sort, view_of};
use trailview_core::export::{self, ExportFormat};

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
    pub rules: crate::detect::RuleArgs,
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
    args.filter.query()?;
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
    let mut session = args.input.open_with(args.rules.options()?)?;
    let view = view_of(&args.filter, sort, args.desc, columns);
    // The manifest records the sources' integrity: checked once, here,
    // and shared with the `integrity` column when there is one.
    let rows = apply_view(&mut session, view, !args.no_manifest)?;
    let mut job = session.export_job(rows.to_vec(), format, args.out.clone());
    job.protected = args.input.paths.clone();
    job.manifest = !args.no_manifest;
    let written = session.export_blocking(&job).map_err(CliError::failure)?;
    let mut text = format!(
        "Exported {} events to {} ({}, {} bytes, sha256 {})\n",
        written.events,
        written.path.display(),
        written.format,
        written.bytes,
        written.sha256
    );
    if let Some(m) = &written.manifest {
        text.push_str(&format!("Manifest: {}\n", m.display()));
    }
    if written.stale_temp_files_removed > 0 {
        text.push_str(&format!(
            "Removed {} temporary files left there by an interrupted export\n",
            written.stale_temp_files_removed
        ));
    }
    print(&text)
}
