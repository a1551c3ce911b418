//! Reads one file from start to end: decode, recognise the shape, build the
//! batch, and say honestly what happened in a [`FileOutcome`].

use std::path::Path;
use std::sync::Arc;

use crate::gunzip;
use crate::ingest::budget::{LoadBudget, STORE_BYTES_PER_EVENT};
use crate::ingest::decode::read_text_in;
use crate::ingest::options::LoadOptions;
use crate::ingest::report::{FileOutcome, Problem};
use crate::ingest::shapes::{Shape, read_shapes};
use crate::ingest::sink::{Sink, Stop};
use crate::ingest::walk::{Entry, Role};
use crate::model::FileKind;
use crate::store::batch::{Batch, TextSpan};

/// At most this many record problems are listed per file; the rest are
/// summed up in one more line.
pub const MAX_RECORD_PROBLEMS: usize = 100;

/// Reads one file. The batch is `None` when the file held no events.
pub fn read_file(entry: &Entry, options: &LoadOptions) -> (Option<Batch>, FileOutcome) {
    let budget = LoadBudget::new(options.max_memory_bytes);
    read_file_in(entry, options, &budget)
}

/// Like [`read_file`], as one file of a load whose memory is `budget`.
pub fn read_file_in(
    entry: &Entry,
    options: &LoadOptions,
    budget: &Arc<LoadBudget>,
) -> (Option<Batch>, FileOutcome) {
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
        let reason = if has_content(&entry.path) {
            // /proc and /sys files say 0 bytes and yet have content.
            "not a regular file (its size is 0 but it has content: a system pseudo-file); not read"
        } else {
            "empty file"
        };
        outcome.problems.push(Problem::new(&entry.path, reason));
        return (None, outcome);
    }
    let decoded = match read_text_in(&entry.path, entry.size, options, Some(budget)) {
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
        check_digest(&entry.path, &decoded.text, &mut outcome);
        return (None, outcome);
    }
    let mut decoded = decoded;
    let source = decoded.gzip_source.take().map(|gz| {
        let len = decoded.text_offset + decoded.text.len() as u32;
        (TextSpan::of(&decoded.text, decoded.text_offset), gz, len)
    });
    let mut sink = Sink::with_gzip(entry.path.clone(), source);
    sink.set_budget(Arc::clone(budget));
    let text_outcome = read_shapes(&decoded.text, is_csv_name(&entry.path), &mut sink);
    // A digest recognised by its content is checked below, from its text.
    let digest_text = if text_outcome.shape == Shape::Digest {
        std::mem::take(&mut decoded.text)
    } else {
        String::new()
    };
    gunzip::recycle(decoded.text.into_bytes());
    drop(decoded.permit);
    if let Some(reason) = text_outcome.problem {
        outcome.problems.push(Problem::new(&entry.path, reason));
    }
    match text_outcome.shape {
        Shape::Digest => {
            outcome.kind = FileKind::Digest;
            check_digest(&entry.path, &digest_text, &mut outcome);
            (None, outcome)
        }
        Shape::NotCloudTrail(_) => (None, outcome),
        Shape::Events => {
            let stopped = sink.stopped();
            let batch = sink.finish();
            add_record_problems(&batch, &mut outcome);
            if batch.unreadable_times > 0 {
                let n = batch.unreadable_times;
                outcome.problems.push(Problem::new(
                    &entry.path,
                    format!(
                        "{n} event{s} ha{v} an eventTime that is not a readable time (first: {:?}); \
                         {they} loaded without a time (time filters never match {them})",
                        batch.unreadable_time_example,
                        s = if n == 1 { "" } else { "s" },
                        v = if n == 1 { "s" } else { "ve" },
                        they = if n == 1 { "it is" } else { "they are" },
                        them = if n == 1 { "it" } else { "them" },
                    ),
                ));
            }
            if let Some(stop) = stopped {
                budget.set_exceeded();
                outcome.problems.push(Problem::new(
                    &entry.path,
                    stop_reason(stop, batch.len(), &entry.path, budget.limit()),
                ));
            }
            budget.commit(store_bytes(&batch));
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

/// A digest file that does not read as a digest is a problem of the load,
/// as it is for `verify` (same reader, same words).
fn check_digest(path: &Path, text: &str, outcome: &mut FileOutcome) {
    if let Err(e) = crate::integrity::digest::Digest::parse(path, text.as_bytes()) {
        outcome.problems.push(Problem::new(
            path,
            format!("cannot be read as a digest: {e}"),
        ));
    }
}

/// Estimated bytes a batch will hold once in the store.
fn store_bytes(batch: &Batch) -> u64 {
    (batch.len() as u64)
        .saturating_mul(STORE_BYTES_PER_EVENT)
        .saturating_add((batch.chunk_bytes() + batch.dict_bytes()) as u64)
}

/// The problem of a file whose reading stopped part way for memory.
fn stop_reason(stop: Stop, events: usize, path: &Path, limit: u64) -> String {
    let file = path.to_string_lossy();
    match stop {
        Stop::Budget => format!(
            "memory budget exceeded after {events} events in {file}: the events read so far \
             are kept; the rest of this file and any later files are not read (budget \
             {limit} bytes; raise it with --max-memory)"
        ),
        Stop::OutOfMemory => format!(
            "out of memory after {events} events in {file}: the events read so far are kept; \
             the rest of this file and any later files are not read"
        ),
    }
}

fn add_record_problems(batch: &Batch, outcome: &mut FileOutcome) {
    for p in batch.problems.iter().take(MAX_RECORD_PROBLEMS) {
        outcome.problems.push(Problem::new(
            &outcome.path,
            format!("record {}: {}", p.index, p.reason),
        ));
    }
    let rest = batch.problem_count().saturating_sub(MAX_RECORD_PROBLEMS);
    if rest > 0 {
        outcome.problems.push(Problem::new(
            &outcome.path,
            format!("{rest} more unreadable records not listed"),
        ));
    }
}

/// True when a file listed with size 0 gives bytes when read (one byte
/// is read at most).
fn has_content(path: &Path) -> bool {
    use std::io::Read;
    let mut byte = [0u8; 1];
    std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut byte))
        .is_ok_and(|n| n > 0)
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

        let e = entry_for(
            dir.path(),
            "1_CloudTrail-Digest_x.json",
            br#"{"digestS3Object":"k","logFiles":[]}"#,
        );
        let (b, out) = read_file(&e, &o);
        assert_eq!(
            (b.is_none(), out.kind, out.problems.len()),
            (true, FileKind::Digest, 0)
        );
        // Named like a digest but not one: still a digest, with a problem
        // (verify calls it an invalid digest).
        let e = entry_for(dir.path(), "2_CloudTrail-Digest_x.json", b"{}");
        let (_, out) = read_file(&e, &o);
        assert_eq!(out.kind, FileKind::Digest);
        assert_eq!(
            out.problems[0].reason,
            "cannot be read as a digest: JSON object without digest fields (digestS3Object, logFiles)"
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
