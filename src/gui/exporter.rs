//! Adapter between the GUI and the export engine: writes events to a file
//! as JSON `{"Records":[...]}` (original bytes), NDJSON or CSV.
//!
//! Stand-in until `crate::export::export` lands.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::{ColumnSpec, EventIdx};
use crate::store::Store;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Json,
    Ndjson,
    Csv,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Json, Format::Ndjson, Format::Csv];

    pub fn label(self) -> &'static str {
        match self {
            Format::Json => "JSON (CloudTrail Records, original bytes)",
            Format::Ndjson => "NDJSON (one event per line, original bytes)",
            Format::Csv => "CSV (table columns)",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Ndjson => "ndjson",
            Format::Csv => "csv",
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub events: usize,
    pub bytes: u64,
    pub path: PathBuf,
}

/// Writes `rows` to `out`. Refuses to write inside any of `protected`.
pub fn write(
    store: &Store,
    rows: &[EventIdx],
    format: Format,
    columns: &[ColumnSpec],
    out: &Path,
    protected: &[PathBuf],
) -> Result<Written, String> {
    let parent = out
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let parent_abs = std::fs::canonicalize(&parent).unwrap_or(parent);
    for p in protected {
        let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        if p.is_dir() && parent_abs.starts_with(&p) {
            return Err(format!(
                "refusing to write into the evidence folder {}",
                p.display()
            ));
        }
        if out == p {
            return Err(format!("refusing to overwrite the input {}", p.display()));
        }
    }
    let file =
        std::fs::File::create(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let io = |e: std::io::Error| format!("cannot write {}: {e}", out.display());
    match format {
        Format::Json => {
            w.write_all(b"{\"Records\":[").map_err(io)?;
            for (n, &i) in rows.iter().enumerate() {
                if n > 0 {
                    w.write_all(b",").map_err(io)?;
                }
                w.write_all(&store.raw(i)).map_err(io)?;
            }
            w.write_all(b"]}\n").map_err(io)?;
        }
        Format::Ndjson => {
            for &i in rows {
                w.write_all(&store.raw(i)).map_err(io)?;
                w.write_all(b"\n").map_err(io)?;
            }
        }
        Format::Csv => {
            let mut c = csv::Writer::from_writer(&mut w);
            c.write_record(columns.iter().map(ColumnSpec::name))
                .map_err(|e| e.to_string())?;
            for &i in rows {
                let rec: Vec<String> = columns
                    .iter()
                    .map(|s| super::cells::cell_text(store, i, s, false))
                    .collect();
                c.write_record(&rec).map_err(|e| e.to_string())?;
            }
            c.flush().map_err(io)?;
        }
    }
    w.flush().map_err(io)?;
    drop(w);
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(Written {
        events: rows.len(),
        bytes,
        path: out.to_path_buf(),
    })
}
