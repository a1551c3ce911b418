//! Tests of [`super::read_record`] against serde's reader of the same
//! fields: hand-made cases, every object in the real corpus and the bundled
//! sample, and many randomly damaged records.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::read_record;
use crate::ingest::decode::read_text;
use crate::ingest::options::LoadOptions;
use crate::ingest::record::RecordFields;

/// serde's reading of the record at `start`: its fields and where it ends
/// (exactly what `fast_records` did before the hand-written reader).
fn serde_read(text: &str, start: usize) -> Option<(RecordFields<'_>, usize)> {
    let mut stream =
        serde_json::Deserializer::from_str(text.get(start..)?).into_iter::<RecordFields<'_>>();
    let fields = stream.next()?.ok()?;
    Some((fields, start + stream.byte_offset()))
}

/// Checks the contract at `start` and says whether the scanner read it.
fn check(text: &str, start: usize) -> bool {
    let Some((fields, end)) = read_record(text, start) else {
        return false;
    };
    let Some((expected, expected_end)) = serde_read(text, start) else {
        panic!("scanner accepted what serde refuses: {:?}", &text[start..]);
    };
    assert_eq!(fields, expected, "fields differ: {:?}", &text[start..]);
    assert_eq!(end, expected_end, "ends differ: {:?}", &text[start..]);
    true
}

fn decoded_files() -> Vec<String> {
    // The workspace root, two levels above this crate.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = vec![root.join("../shared/corpus"), root.join("assets/sample")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(meta) = entry.metadata()
                && let Ok(d) = read_text(&path, meta.len(), &LoadOptions::default())
            {
                files.push(d.text);
            }
        }
    }
    files
}

#[test]
fn hand_made_cases_match_serde() {
    let cases = [
        r#"{}"#,
        r#"{ "eventName" : "A" , "x" : [ 1 , { } , [ ] ] }"#,
        r#"{"eventName":"A\"B","readOnly":true,"awsRegion":null,"errorCode":false}"#,
        r#"{"sourceIPAddress":["81.2.69.142","192.168.10.10"],"eventID":12,"eventType":-1.5e3}"#,
        r#"{"userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"userName":"r","arn":"a"},"attributes":{"mfaAuthenticated":"true"}},"onBehalfOf":{"userId":"u"}}}"#,
        r#"{"userIdentity":null,"additionalEventData":{"UserName":"bob","x":{"y":[null]}}}"#,
        r#"{"userIdentity":{"sessionContext":{"ec2RoleDelivery":"2.0","sourceIdentity":"alice","attributes":{"creationDate":"2024-01-01T00:00:00Z","mfaAuthenticated":"false"}}}}"#,
        r#"{"userIdentity":{"sessionContext":{"ec2RoleDelivery":2,"sourceIdentity":null,"attributes":{"creationDate":{"x":1}}}}}"#,
        r#"{"userIdentity":{"sessionContext":null,"onBehalfOf":null,"arn":{"nested":1}}}"#,
        r#"{"requestParameters":{"policy":"{\"Version\":\"2012-10-17\"}","n":[0,-0.5,1E+2]}}"#,
        r#"{"eventName":"é€😀","userAgent":"\u00e9"}"#,
    ];
    for case in cases {
        assert!(check(case, 0), "scanner should read {case}");
    }
    let (f, end) = read_record(r#"  {"eventName":"X"},{"#, 2).expect("reads");
    assert_eq!(end, 19);
    assert!(matches!(f.event_name.0, Some(Cow::Borrowed("X"))));
}

#[test]
fn gives_up_where_serde_differs_or_refuses() {
    for case in [
        r#"{"eventName":"A","eventName":"B"}"#,
        r#"{"event\u004eame":"A"}"#,
        r#"{"userIdentity":"weird"}"#,
        r#"{"userIdentity":["IAMUser"]}"#,
        r#"{"userIdentity":{"type":"a","type":"b"}}"#,
        r#"{"userIdentity":{"sessionContext":{"sessionIssuer":{"arn":1,"arn":2}}}}"#,
        r#"{"userIdentity":{"sessionContext":{"sourceIdentity":"a","sourceIdentity":"b"}}}"#,
        r#"{"userIdentity":{"sessionContext":{"attributes":{"creationDate":"a","creationDate":"b"}}}}"#,
        r#"{"eventName":"\uD800"}"#,
        r#"{"eventTime":1e400}"#,
        "{\"x\":\"a\u{1}b\"}",
        r#"{"x":01}"#,
        r#"{"x":1.}"#,
        r#"{"x":[1,]}"#,
        r#"{"x":1,}"#,
        r#"{"x" 1}"#,
        r#"{"x":1"#,
        r#"[{"x":1}]"#,
    ] {
        assert!(read_record(case, 0).is_none(), "{case}");
    }
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn every_object_in_the_corpus_reads_as_serde_does() {
    let files = decoded_files();
    assert!(files.len() > 50, "corpus and sample found: {}", files.len());
    let (mut objects, mut read, mut events) = (0usize, 0usize, 0usize);
    for text in &files {
        for (start, _) in text.match_indices('{') {
            objects += 1;
            if check(text, start) {
                read += 1;
                if read_record(text, start).is_some_and(|(f, _)| !f.event_name.is_empty()) {
                    events += 1;
                }
            }
        }
    }
    // Every object start is tried (nested ones too); most real objects are
    // valid JSON the scanner reads, and thousands of them are events.
    assert!(read * 2 > objects, "read {read} of {objects} objects");
    assert!(events > 2000, "{events} events read");
}

/// Records to damage: events from the corpus and the sample.
fn sample_records(files: &[String]) -> Vec<String> {
    let mut records = Vec::new();
    for text in files {
        for (start, _) in text.match_indices('{') {
            if let Some((f, end)) = serde_read(text, start)
                && !f.event_name.is_empty()
                && f.user_identity.is_some()
            {
                records.push(text[start..end].to_owned());
            }
        }
    }
    records.sort();
    records.dedup();
    records
}

const BYTES: &[u8] = b"\"\\{}[],:0123456789-+.eEtrufalsn \t\n\r\x01\x1f\x7fu/bxA";
const SNIPPETS: &[&str] = &[
    "01",
    "1.",
    "-",
    "1e",
    "1e+",
    "-0",
    "0.5e-3",
    "1E400",
    "\\x",
    "\\u12",
    "\\uD800",
    "\\u00e9",
    "\\\"",
    "\t",
    "\u{1}",
    "{\"a\":",
    "\"eventName\":\"dup\",",
    "\"userIdentity\":null,",
    "\"readOnly\":1,",
    "\"k\":1,",
    "true",
    "nul",
    "tru",
    ",",
    ":",
    "\"\"",
    "[]",
    "{}",
    "null,",
    "\"eventID\":[1,{\"a\":2}],",
    "\"errorCode\":\"a\\\"b\",",
    "\"@timestamp\":-1.5,",
    "\"userIdentity\":{\"type\":1,\"type\":2},",
    "\"additionalEventData\":[],",
];

fn mutate(rng: &mut StdRng, record: &str) -> Vec<u8> {
    let mut b = record.as_bytes().to_vec();
    let pos = rng.random_range(0..=b.len());
    match rng.random_range(0..8) {
        0 if pos < b.len() => {
            b.remove(pos);
        }
        1 => b.insert(pos, BYTES[rng.random_range(0..BYTES.len())]),
        2 if pos < b.len() => b[pos] = BYTES[rng.random_range(0..BYTES.len())],
        3 => b.truncate(pos),
        4 | 5 => {
            let s = SNIPPETS[rng.random_range(0..SNIPPETS.len())];
            b.splice(pos..pos, s.bytes());
        }
        6 => {
            // Right after the opening brace: a (possibly duplicated) field.
            let s = SNIPPETS[rng.random_range(16..SNIPPETS.len())];
            b.splice(1..1, s.bytes());
        }
        _ => {
            let depth = rng.random_range(1..100);
            let nest = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            b.splice(pos..pos, nest.bytes());
        }
    }
    b
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn damaged_records_never_break_the_contract() {
    let files = decoded_files();
    let records = sample_records(&files);
    assert!(records.len() > 500, "{} records", records.len());
    let mut rng = StdRng::seed_from_u64(0x7a11_f1e3);
    let (mut tried, mut read, mut serde_only) = (0usize, 0usize, 0usize);
    for round in 0..20_000 {
        let record = &records[rng.random_range(0..records.len())];
        let mut bytes = mutate(&mut rng, record);
        if round % 3 == 0 {
            // A second mutation now and then.
            let once = String::from_utf8_lossy(&bytes).into_owned();
            bytes = mutate(&mut rng, &once);
        }
        let Ok(mut text) = String::from_utf8(bytes) else {
            continue;
        };
        text.push_str(",{\"eventName\":\"next\"}]}");
        tried += 1;
        if check(&text, 0) {
            read += 1;
        } else if serde_read(&text, 0).is_some() {
            serde_only += 1;
        }
    }
    // Many damaged records are still valid JSON that the scanner must read
    // (a changed letter in a string...); many others must be refused.
    assert!(tried > 15_000, "{tried}");
    assert!(read > tried / 5, "read {read} of {tried}");
    assert!(read < tried * 9 / 10, "read {read} of {tried}");
    // Records serde reads but the scanner leaves to it (duplicates, odd
    // shapes, deep lists) stay a minority.
    assert!(
        serde_only < tried / 5,
        "{serde_only} of {tried} left to serde"
    );
}
