//! Loads the third-party corpus (`../shared/corpus`) and checks the counts
//! against what each folder's SOURCE.md says.
//!
//! Every folder holds the original files *and* a `<source>.json.gz` that
//! wraps the same events in `{"Records":[...]}`. Loading a whole folder so
//! reads every event twice: the second copy of an event that has an
//! `eventID` is an exact duplicate and is dropped; events without an
//! `eventID` are never deduplicated, so they count twice.

use std::path::{Path, PathBuf};

use trailview_core::ingest::{LoadOptions, LoadReport, load_paths};
use trailview_core::model::Column;
use trailview_core::store::Store;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn load(rel: &[&str]) -> (Store, LoadReport) {
    let paths: Vec<PathBuf> = rel.iter().map(|r| corpus().join(r)).collect();
    let mut store = Store::new();
    let report = load_paths(&paths, &LoadOptions::default(), &mut store);
    (store, report)
}

/// Events without an eventID (never deduplicated).
fn without_id(store: &Store) -> usize {
    (0..store.len() as u32)
        .filter(|&i| store.event_id(i).is_empty())
        .count()
}

/// One folder: SOURCE.md's record count, read from the wrapper alone, from
/// the original files alone, and from the whole folder.
struct Source {
    folder: &'static str,
    records: usize,
    /// The original files (not the wrapper), relative to the folder.
    originals: &'static [&'static str],
}

const SOURCES: [Source; 9] = [
    Source {
        folder: "invictus-ir-aws-dataset",
        records: 2900,
        originals: &["CloudTrail"],
    },
    Source {
        folder: "panther-analysis",
        records: 461,
        originals: &["rule-tests.ndjson"],
    },
    Source {
        folder: "stratus-red-team",
        records: 310,
        originals: &["detonation-logs"],
    },
    Source {
        folder: "otrf-security-datasets",
        records: 103,
        originals: &["ec2_proxy_s3_exfiltration_2020-09-14011940.json"],
    },
    Source {
        folder: "suzaku",
        records: 33,
        originals: &["test_files"],
    },
    Source {
        folder: "elastic-integrations",
        records: 25,
        originals: &["pipeline-tests"],
    },
    Source {
        folder: "awsdocs-cloudtrail-user-guide",
        records: 25,
        originals: &["events", "lookup-events"],
    },
    Source {
        folder: "otel-collector-contrib",
        records: 8,
        originals: &[
            "testdata/cloudtrail_log.json",
            "testdata/cloudtrail_log_cw.json",
        ],
    },
    Source {
        folder: "aws-cli-examples",
        records: 1,
        originals: &["lookup-events-output.json"],
    },
];

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn each_wrapper_holds_the_records_source_md_counts() {
    for s in &SOURCES {
        let wrapper = format!("{0}/{0}.json.gz", s.folder);
        let (store, report) = load(&[&wrapper]);
        assert_eq!(report.files.log + report.files.insight, 1, "{}", s.folder);
        // Panther's test events carry `"eventTime": "redacted"`: kept,
        // without a time, and said so.
        let (times, other): (Vec<_>, Vec<_>) = report
            .problems
            .iter()
            .partition(|p| p.reason.contains("not a readable time"));
        assert!(other.is_empty(), "{}: {:?}", s.folder, other);
        assert_eq!(
            times.len(),
            usize::from(s.folder == "panther-analysis"),
            "{}: {:?}",
            s.folder,
            times
        );
        // Exact duplicates inside one source (the same doc example twice)
        // are dropped, never lost from the count.
        assert_eq!(report.events + report.duplicates, s.records, "{}", s.folder);
        assert_eq!(store.len(), report.events, "{}", s.folder);
    }
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn originals_hold_the_same_events_as_the_wrapper() {
    for s in &SOURCES {
        let originals: Vec<String> = s
            .originals
            .iter()
            .map(|o| format!("{}/{o}", s.folder))
            .collect();
        let refs: Vec<&str> = originals.iter().map(String::as_str).collect();
        let (orig_store, orig) = load(&refs);
        assert_eq!(
            orig.events + orig.duplicates,
            s.records,
            "{}: {:?}",
            s.folder,
            orig.problems
        );
        let wrapper = format!("{0}/{0}.json.gz", s.folder);
        let (wrap_store, wrap) = load(&[&wrapper]);
        // Same unique events either way ...
        assert_eq!(orig.events, wrap.events, "{}", s.folder);
        // ... and loading both drops the second copy of every event that
        // has an eventID.
        let mut both = refs.clone();
        both.push(&wrapper);
        let (both_store, both_report) = load(&both);
        let no_id = without_id(&wrap_store);
        assert_eq!(without_id(&orig_store), no_id, "{}", s.folder);
        assert_eq!(both_report.events, wrap.events + no_id, "{}", s.folder);
        assert_eq!(both_store.len(), both_report.events, "{}", s.folder);
        assert_eq!(
            both_report.duplicates,
            2 * s.records - both_report.events,
            "{}",
            s.folder
        );
    }
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn invictus_trail_layout_matches_the_delivery_files() {
    let (store, report) = load(&["invictus-ir-aws-dataset/trail-layout"]);
    assert_eq!(report.files.log, 55);
    assert_eq!(report.events, 2900);
    assert_eq!(report.duplicates, 0);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // The delivery-file account differs from the events' account.
    assert_eq!(store.value(Column::Account, 0), "123837392027");
    let (_, plain) = load(&["invictus-ir-aws-dataset/CloudTrail"]);
    assert_eq!(plain.first_time, report.first_time);
    assert_eq!(plain.last_time, report.last_time);
    assert!(report.first_time.is_some());
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn whole_corpus_loads_with_an_honest_report() {
    let (store, report) = load(&[""]);
    assert_eq!(store.len(), report.events);
    // 5 digests: elastic (.json.gz and its .log copy), awsdocs 2, otel 2.
    assert_eq!(report.files.digest, 6, "{:?}", report.digests);
    // No event is lost: what is not kept is a counted duplicate.
    let total_records: usize = SOURCES.iter().map(|s| s.records).sum();
    assert_eq!(total_records, 3866);
    // The negative sample is a problem, not events.
    let honey: Vec<_> = report
        .problems
        .iter()
        .filter(|p| {
            p.path
                .ends_with("otrf-security-datasets/derived/AWS_S3_HoneyBucketLogs.csv")
        })
        .collect();
    assert_eq!(honey.len(), 1, "{:?}", report.problems);
    assert!(honey[0].reason.starts_with("not CloudTrail"));
    // That is the only problem in the whole corpus, besides the events
    // kept without a time: Panther's two "redacted" times, in its wrapper
    // and in its NDJSON copy.
    let (times, other): (Vec<_>, Vec<_>) = report
        .problems
        .iter()
        .partition(|p| p.reason.contains("not a readable time"));
    assert_eq!(other.len(), 1, "{:?}", report.problems);
    assert_eq!(times.len(), 2, "{times:?}");
    for t in &times {
        assert!(
            t.path.to_string_lossy().contains("panther-analysis")
                && t.reason.starts_with(
                    "2 events have an eventTime that is not a readable time (first: \"redacted\")"
                ),
            "{t:?}"
        );
    }
    // Digests are never events nor problems.
    for d in &report.digests {
        assert!(!report.problems.iter().any(|p| &p.path == d));
    }
    // Every other file of the corpus is a README, licence or manifest.
    assert!(report.files.other >= 20);
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn lookup_events_and_cloudwatch_envelopes_load() {
    let (store, report) = load(&["aws-cli-examples/lookup-events-output.json"]);
    assert_eq!(report.events, 1);
    assert_eq!(store.value(Column::EventName, 0), "ConsoleLogin");
    // The event's bytes are the decoded CloudTrailEvent string.
    let raw = store.raw_text(0).expect("readable");
    assert!(raw.starts_with("{\"eventVersion\":\"1.02\""), "{raw}");

    let (store, report) = load(&["awsdocs-cloudtrail-user-guide/lookup-events"]);
    assert_eq!(report.events, 2);
    assert_eq!(report.files.insight, 1);
    assert_eq!(store.value(Column::EventType, 0), "AwsCloudTrailInsight");

    let (store, report) = load(&[
        "otel-collector-contrib/testdata/cloudtrail_log_cw.json",
        "otel-collector-contrib/testdata/cloudtrail_log_cw_reordered.json",
    ]);
    assert_eq!(report.files.log, 2);
    assert_eq!(report.events, 1);
    assert_eq!(report.duplicates, 1);
    assert_eq!(store.value(Column::EventName, 0), "PutObject");
    assert_eq!(store.value(Column::Actor, 0), "s3.amazonaws.com");
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn odd_shapes_of_the_corpus() {
    // Empty array and empty Records: valid logs with no events.
    let (_, report) = load(&[
        "suzaku/test_files/PutEventSelectors.json",
        "otel-collector-contrib/testdata/cloudtrail_log_empty.json",
    ]);
    assert_eq!(report.files.log, 2);
    assert_eq!(report.events, 0);
    assert!(report.problems.is_empty());
    // NDJSON with Python-style separators.
    let (_, report) =
        load(&["elastic-integrations/pipeline-tests/test-assume-role-aws-service-json.log"]);
    assert_eq!(report.events, 1);
    // A digest in an NDJSON .log file.
    let (_, report) =
        load(&["elastic-integrations/pipeline-tests/test-cloudtrail-digest-json.log"]);
    assert_eq!((report.files.digest, report.events), (1, 0));
    // Logstash export: no eventTime, @timestamp instead.
    let (store, report) =
        load(&["otrf-security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json"]);
    assert_eq!(report.events, 103);
    assert!((0..store.len() as u32).all(|i| store.time(i) != trailview_core::timefmt::NO_TIME));
    // Insights events inside an ordinary Records file are events; the file
    // stays a log file.
    let (store, report) = load(&["otel-collector-contrib/testdata/cloudtrail_log.json"]);
    assert_eq!(report.files.log, 1);
    assert_eq!(report.events, 7);
    assert_eq!(
        (0..store.len() as u32)
            .filter(|&i| store.value(Column::EventType, i) == "AwsCloudTrailInsight")
            .count(),
        1
    );
}
