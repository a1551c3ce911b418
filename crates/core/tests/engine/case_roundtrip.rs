//! Tags, notes and stars survive a save and reopen (keyed by eventID, or by
//! file and position when an event has none) and the view comes back.

use trailview_core::case::{Case, CaseError, TagDef};
use trailview_core::ingest::store_from_texts;
use trailview_core::model::Direction;
use trailview_core::model::{Column, ColumnSpec};

const A: &str = r#"{"eventID":"3038ebd2-c98a-4c65-9b6e-e22506292313","eventName":"GetObject","eventTime":"2023-01-02T00:00:00Z"}"#;
const B: &str = r#"{"eventID":"x-1","eventName":"PutObject","eventTime":"2023-01-01T00:00:00Z"}"#;
const NO_ID: &str = r#"{"eventName":"Anon","eventTime":"2023-01-03T00:00:00Z"}"#;
const NO_ID2: &str = r#"{"eventName":"Anon2","eventTime":"2023-01-04T00:00:00Z"}"#;

#[test]
fn marks_and_view_survive_save_and_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let evidence = dir.path().join("evidence");
    std::fs::create_dir_all(&evidence).expect("mkdir");
    let store = store_from_texts(&[("f1.json", &[A, B]), ("f2.json", &[NO_ID, NO_ID2])]);

    let mut case = Case::new();
    case.bind(&store);
    case.set_view(
        std::slice::from_ref(&evidence),
        "tag:evidence or has:note",
        Some((&ColumnSpec::Column(Column::Time), Direction::Descending)),
        &[
            ColumnSpec::Column(Column::Time),
            ColumnSpec::Path("requestParameters.bucketName".into()),
        ],
    );
    assert!(case.toggle_tag(&store, 0, "evidence"));
    case.set_tag(&store, 2, "evidence", true);
    case.set_tag(&store, 2, "suspicious", true);
    case.set_note(&store, 1, "first write by the attacker");
    assert!(case.toggle_star(&store, 3));
    case.define_tag(TagDef::new("exfil", [1, 2, 3], Some(1)))
        .expect("define");
    // The shortcut moved from `evidence` to `exfil`.
    assert_eq!(
        case.tag_for_shortcut(1).map(|t| t.name.as_str()),
        Some("exfil")
    );
    assert_eq!(case.rows_with_tag(&store, "evidence"), vec![0, 2]);
    assert!(case.dirty);

    let err = case
        .save_as(&evidence.join("case.trailview"))
        .expect_err("inside evidence");
    assert!(matches!(err, CaseError::InsideEvidence { .. }));
    let target = dir.path().join("case.trailview");
    case.save_as(&target).expect("save");
    assert!(!case.dirty);
    let text = std::fs::read_to_string(&target).expect("read");
    assert!(text.contains("\"version\": 1"), "{text}");
    assert!(text.contains("\"eventID\": \"x-1\""), "{text}");
    assert!(text.contains("\"record\": 0"), "{text}");

    // Reopen against a store loaded in another order: keys, not row
    // numbers, carry the marks.
    let reloaded = store_from_texts(&[("f2.json", &[NO_ID, NO_ID2]), ("f1.json", &[A, B])]);
    let mut back = Case::open(&target).expect("open");
    back.bind(&reloaded);
    assert_eq!(back.query, "tag:evidence or has:note");
    assert_eq!(
        back.sort_spec(),
        Some((ColumnSpec::Column(Column::Time), Direction::Descending))
    );
    assert_eq!(
        back.column_specs()[1],
        ColumnSpec::Path("requestParameters.bucketName".into())
    );
    assert_eq!(back.paths, vec![evidence]);
    // f2 rows are now 0,1 and f1 rows 2,3.
    assert_eq!(back.rows_with_tag(&reloaded, "evidence"), vec![0, 2]);
    assert_eq!(back.tags_of(0), ["evidence", "suspicious"]);
    assert!(back.is_starred(1));
    assert_eq!(back.note(3), Some("first write by the attacker"));
    assert!(back.has_note(3));
    assert!(!back.has_note(2));
    assert_eq!(back.tag_def("exfil").map(|t| t.color), Some([1, 2, 3]));
    assert_eq!(back.file.as_deref(), Some(target.as_path()));

    // Clearing everything on an event forgets it.
    back.set_tag(&reloaded, 2, "evidence", false);
    assert!(back.marks_of(2).is_none());
    back.remove_tag("suspicious");
    assert_eq!(back.tags_of(0), ["evidence"]);
    back.save().expect("save again");
    let again = Case::open(&target).expect("open again");
    assert_eq!(again.marks.len(), 3);
}

#[test]
fn rows_with_tag_scans_an_unbound_store() {
    let store = store_from_texts(&[("f.json", &[A, B, NO_ID])]);
    let mut case = Case::new();
    case.bind(&store);
    case.set_tag(&store, 1, "evidence", true);
    let bigger = store_from_texts(&[("g.json", &[NO_ID2]), ("f.json", &[A, B, NO_ID])]);
    // Not bound to `bigger`: found by scanning.
    assert_eq!(case.rows_with_tag(&bigger, "evidence"), vec![2]);
}

#[test]
fn annotations_combine_marks_and_integrity() {
    use trailview_core::case::{EventAnnotations, IntegrityIndex};
    let store = store_from_texts(&[("f.json", &[A, B])]);
    let mut case = Case::new();
    case.bind(&store);
    case.set_tag(&store, 1, "evidence", true);
    case.set_note(&store, 0, "look");
    let report = trailview_core::integrity::IntegrityReport::default();
    let index = IntegrityIndex::new(&store, &report);
    let ann = EventAnnotations::new(&store, Some(&case), Some(&index));
    assert_eq!(ann.tags(1), ["evidence"]);
    assert!(ann.tags(0).is_empty());
    assert!(ann.has_note(0) && !ann.has_note(1));
    // The file was not part of any check.
    assert_eq!(ann.integrity(0), "");
    let none = EventAnnotations::new(&store, None, None);
    assert!(none.tags(1).is_empty() && !none.is_starred(1));
}

#[test]
fn queries_filter_on_tags_notes_and_stars() {
    use trailview_core::case::EventAnnotations;
    let store = store_from_texts(&[("f.json", &[A, B]), ("g.json", &[NO_ID, NO_ID2])]);
    let mut case = Case::new();
    case.bind(&store);
    case.set_tag(&store, 1, "evidence", true);
    case.set_tag(&store, 2, "evidence", true);
    case.set_note(&store, 2, "why");
    case.set_starred(&store, 3, true);
    let ann = EventAnnotations::new(&store, Some(&case), None);
    let rows = store.all_rows();
    let run = |q: &str| {
        trailview_core::query::parse(q)
            .expect("query")
            .select_with(&store, &rows, &ann)
    };
    assert_eq!(run("tag:evidence"), vec![1, 2]);
    assert_eq!(run("has:note"), vec![2]);
    assert_eq!(run("is:starred"), vec![3]);
    assert_eq!(run("tag:evidence and not has:note"), vec![1]);
}
