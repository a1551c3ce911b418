//! Reads one file from start to end: decode, recognise the shape, build the
//! batch, and say honestly what happened in a [`FileOutcome`].

use std::path::Path;

use crate::ingest::decode::read_text;
use crate::ingest::gunzip;
use crate::ingest::options::LoadOptions;
use crate::ingest::report::{FileOutcome, Problem};
use crate::ingest::shapes::{Shape, read_shapes};
use crate::ingest::sink::Sink;
use crate::ingest::walk::{Entry, Role};
use crate::model::FileKind;
use crate::store::batch::{Batch, TextSpan};

/// At most this many record problems are listed per file; the rest are
/// summed up in one more line.
pub const MAX_RECORD_PROBLEMS: usize = 100;

/// Reads one file. The batch is `None` when the file held no events.
pub fn read_file(entry: &Entry, options: &LoadOptions) -> (Option<Batch>, FileOutcome) {
    let mut outcome = FileOutcome {
        path: entry.path.clone(),
        kind: FileKind::Other,
        events: 0,
        bytes: 0,
        problems: Vec::new(),
    };
    match &entry.role {
        Role::Other => return (None, outcome),
        Role::Unreadable(reason) => {
            outcome
                .problems
                .push(Problem::new(&entry.path, reason.clone()));
            return (None, outcome);
        }
        Role::Input => outcome.bytes = entry.size,
    }
    if entry.path.to_str().is_none() {
        outcome.problems.push(Problem::new(
            &entry.path,
            "file name is not valid UTF-8 (shown with replacement characters); read anyway",
        ));
    }
    if entry.size == 0 {
        outcome
            .problems
            .push(Problem::new(&entry.path, "empty file"));
        return (None, outcome);
    }
    let decoded = match read_text(&entry.path, entry.size, options) {
        Ok(d) => d,
        Err(reason) => {
            outcome.problems.push(Problem::new(&entry.path, reason));
            return (None, outcome);
        }
    };
    if let Some(damage) = &decoded.damage {
        outcome
            .problems
            .push(Problem::new(&entry.path, damage.clone()));
    }
    if is_digest_name(&entry.path) {
        outcome.kind = FileKind::Digest;
        return (None, outcome);
    }
    let mut decoded = decoded;
    let source = decoded.gzip_source.take().map(|gz| {
        let len = decoded.text_offset + decoded.text.len() as u32;
        (TextSpan::of(&decoded.text, decoded.text_offset), gz, len)
    });
    let mut sink = Sink::with_gzip(entry.path.clone(), source);
    let text_outcome = read_shapes(&decoded.text, is_csv_name(&entry.path), &mut sink);
    gunzip::recycle(decoded.text.into_bytes());
    if let Some(reason) = text_outcome.problem {
        outcome.problems.push(Problem::new(&entry.path, reason));
    }
    match text_outcome.shape {
        Shape::Digest => {
            outcome.kind = FileKind::Digest;
            (None, outcome)
        }
        Shape::NotCloudTrail(_) => (None, outcome),
        Shape::Events => {
            let batch = sink.finish();
            add_record_problems(&batch, &mut outcome);
            outcome.events = batch.len();
            outcome.kind = if !batch.is_empty() && batch.insight_events == batch.len() {
                FileKind::Insight
            } else {
                FileKind::Log
            };
            let batch = if batch.is_empty() { None } else { Some(batch) };
            (batch, outcome)
        }
    }
}

fn add_record_problems(batch: &Batch, outcome: &mut FileOutcome) {
    for p in batch.problems.iter().take(MAX_RECORD_PROBLEMS) {
        outcome.problems.push(Problem::new(
            &outcome.path,
            format!("record {}: {}", p.index, p.reason),
        ));
    }
    let rest = batch.problems.len().saturating_sub(MAX_RECORD_PROBLEMS);
    if rest > 0 {
        outcome.problems.push(Problem::new(
            &outcome.path,
            format!("{rest} more unreadable records not listed"),
        ));
    }
}

fn lower_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// CloudTrail names digest files `<account>_CloudTrail-Digest_<region>_...`.
pub fn is_digest_name(path: &Path) -> bool {
    lower_name(path).contains("cloudtrail-digest")
}

fn is_csv_name(path: &Path) -> bool {
    let n = lower_name(path);
    n.ends_with(".csv") || n.ends_with(".csv.gz")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_for(dir: &Path, name: &str, bytes: &[u8]) -> Entry {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        Entry {
            path,
            size: bytes.len() as u64,
            role: Role::Input,
        }
    }

    #[test]
    fn kinds_and_problems() {
        let dir = tempfile::tempdir().expect("tempdir");
        let o = LoadOptions::default();
        let e = entry_for(
            dir.path(),
            "a.json",
            br#"{"Records":[{"eventName":"A"},7]}"#,
        );
        let (b, out) = read_file(&e, &o);
        assert_eq!(out.kind, FileKind::Log);
        assert_eq!(out.events, 1);
        assert_eq!(b.map(|b| b.len()), Some(1));
        assert_eq!(out.problems.len(), 1);
        assert_eq!(
            out.problems[0].reason,
            "record 1: record is a number, not a JSON object"
        );

        let e = entry_for(
            dir.path(),
            "i.json",
            br#"[{"eventType":"AwsCloudTrailInsight"}]"#,
        );
        assert_eq!(read_file(&e, &o).1.kind, FileKind::Insight);

        let e = entry_for(dir.path(), "1_CloudTrail-Digest_x.json", b"{}");
        let (b, out) = read_file(&e, &o);
        assert_eq!(
            (b.is_none(), out.kind, out.problems.len()),
            (true, FileKind::Digest, 0)
        );

        let e = entry_for(dir.path(), "zero.json", b"");
        let (_, out) = read_file(&e, &o);
        assert_eq!(out.kind, FileKind::Other);
        assert_eq!(out.problems[0].reason, "empty file");

        let e = entry_for(dir.path(), "pkg.json", br#"{"name":"x"}"#);
        let (b, out) = read_file(&e, &o);
        assert!(b.is_none());
        assert_eq!(out.kind, FileKind::Other);
        assert!(out.problems[0].reason.starts_with("not CloudTrail"));

        let e = entry_for(dir.path(), "empty.json", br#"{"Records":[]}"#);
        let (b, out) = read_file(&e, &o);
        assert!(b.is_none());
        assert_eq!(
            (out.kind, out.events, out.problems.len()),
            (FileKind::Log, 0, 0)
        );
    }

    #[test]
    fn record_problems_are_capped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = format!("[{{\"eventName\":\"A\"}}{}]", ",1".repeat(150));
        let e = entry_for(dir.path(), "many.json", text.as_bytes());
        let (_, out) = read_file(&e, &LoadOptions::default());
        assert_eq!(out.problems.len(), MAX_RECORD_PROBLEMS + 1);
        assert_eq!(
            out.problems[100].reason,
            "50 more unreadable records not listed"
        );
    }
}
