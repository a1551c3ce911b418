//! The load report: what was looked at, what was loaded, and every problem
//! with the path and reason, so that nothing is dropped silently.

use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

use crate::model::FileKind;
use crate::store::batch::Batch;
use crate::store::{AppendOutcome, Store};
use crate::timefmt;

/// A file, or a record in a file, that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file (shown lossily when its name is not UTF-8).
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    pub reason: String,
}

impl Problem {
    pub fn new(path: &Path, reason: impl Into<String>) -> Problem {
        Problem {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.to_string_lossy(), self.reason)
    }
}

fn lossy_path<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub kind: FileKind,
    /// Events read from the file (before duplicates are dropped).
    pub events: usize,
    /// Size of the file on disk when it was read (0 for files not read).
    pub bytes: u64,
    /// Problems with the file or with records in it.
    pub problems: Vec<Problem>,
}

/// Number of files seen, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FileCounts {
    pub log: usize,
    pub digest: usize,
    pub insight: usize,
    pub other: usize,
}

impl FileCounts {
    pub fn get(&self, kind: FileKind) -> usize {
        match kind {
            FileKind::Log => self.log,
            FileKind::Digest => self.digest,
            FileKind::Insight => self.insight,
            FileKind::Other => self.other,
        }
    }

    pub fn add(&mut self, kind: FileKind) {
        match kind {
            FileKind::Log => self.log += 1,
            FileKind::Digest => self.digest += 1,
            FileKind::Insight => self.insight += 1,
            FileKind::Other => self.other += 1,
        }
    }

    /// All files seen.
    pub fn total(&self) -> usize {
        self.log + self.digest + self.insight + self.other
    }
}

/// The honest account of a load.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadReport {
    /// Files seen by kind.
    pub files: FileCounts,
    /// Events now in the store from this load (duplicates not counted).
    pub events: usize,
    /// Exact duplicates dropped (same eventID and same bytes).
    pub duplicates: usize,
    /// Every file or record that could not be read, in load order.
    pub problems: Vec<Problem>,
    /// Digest files, for the integrity checker.
    pub digests: Vec<PathBuf>,
    /// Files that held events (kind log or insight), in load order.
    pub log_files: Vec<PathBuf>,
    /// Earliest and latest event time (epoch milliseconds).
    pub first_time: Option<i64>,
    pub last_time: Option<i64>,
    /// True when the load was cancelled before every file was read.
    pub cancelled: bool,
    /// Bytes read from disk (file sizes, compressed where compressed).
    pub bytes: u64,
}

impl LoadReport {
    /// Counts one file and keeps its problems.
    pub fn record_file(&mut self, f: &FileOutcome) {
        self.files.add(f.kind);
        self.bytes += f.bytes;
        self.problems.extend(f.problems.iter().cloned());
        match f.kind {
            FileKind::Digest => self.digests.push(f.path.clone()),
            FileKind::Log | FileKind::Insight => self.log_files.push(f.path.clone()),
            FileKind::Other => {}
        }
    }

    /// Counts what appending one batch to the store did.
    pub fn record_append(&mut self, o: AppendOutcome) {
        self.events += o.added;
        self.duplicates += o.duplicates;
    }

    /// Widens the time range to `range` (a batch's, once it is in the
    /// store).
    fn widen(&mut self, range: Option<(i64, i64)>) {
        if let Some((a, b)) = range {
            self.first_time = Some(self.first_time.map_or(a, |f| f.min(a)));
            self.last_time = Some(self.last_time.map_or(b, |l| l.max(b)));
        }
    }

    /// Records a batch's time range, appends it to the store and counts
    /// the outcome: what a consumer does with every `Batch` message. When
    /// the store cannot get the memory for the batch, nothing of it is
    /// added and the file gets a problem saying so (no abort).
    pub fn append_batch(&mut self, store: &mut Store, batch: Batch) -> AppendOutcome {
        let range = timefmt::span(batch.time.iter().copied());
        match store.try_append(batch) {
            Ok(outcome) => {
                self.widen(range);
                self.record_append(outcome);
                outcome
            }
            Err(not) => {
                self.problems.push(Problem::new(
                    &not.path,
                    format!(
                        "out of memory: the {} events read from this file could not be added \
                         to the store; the events loaded before it are kept",
                        not.events
                    ),
                ));
                AppendOutcome::default()
            }
        }
    }

    /// True when nothing went wrong.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::rows::PushRecord;
    use crate::store::batch::BatchBuilder;

    #[test]
    fn counts_files_problems_and_times() {
        let mut r = LoadReport::default();
        r.record_file(&FileOutcome {
            path: "a.json".into(),
            kind: FileKind::Log,
            events: 2,
            bytes: 10,
            problems: vec![Problem::new(Path::new("a.json"), "record 1: bad")],
        });
        r.record_file(&FileOutcome {
            path: "d.json".into(),
            kind: FileKind::Digest,
            events: 0,
            bytes: 5,
            problems: vec![],
        });
        let mut store = Store::new();
        let mut b = BatchBuilder::new("a.json".into());
        b.push_raw(r#"{"eventID":"1","eventTime":"2023-01-02T00:00:00Z"}"#, 0)
            .expect("event");
        b.push_raw(r#"{"eventID":"2","eventTime":"2023-01-01T00:00:00Z"}"#, 1)
            .expect("event");
        b.push_raw(r#"{"eventID":"3"}"#, 2).expect("event");
        r.append_batch(&mut store, b.finish());
        assert_eq!(r.files.log, 1);
        assert_eq!(r.files.digest, 1);
        assert_eq!(r.files.total(), 2);
        assert_eq!(r.bytes, 15);
        assert_eq!(r.events, 3);
        assert_eq!(r.digests, vec![PathBuf::from("d.json")]);
        assert_eq!(r.log_files, vec![PathBuf::from("a.json")]);
        assert_eq!(
            r.first_time,
            crate::timefmt::parse_millis("2023-01-01T00:00:00Z")
        );
        assert_eq!(
            r.last_time,
            crate::timefmt::parse_millis("2023-01-02T00:00:00Z")
        );
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].to_string(), "a.json: record 1: bad");
    }

    #[test]
    fn problem_serialises_path_as_text() {
        let p = Problem::new(Path::new("x/y.json"), "empty file");
        let v = serde_json::to_value(&p).expect("json");
        assert_eq!(
            v,
            serde_json::json!({"path": "x/y.json", "reason": "empty file"})
        );
    }
}
