//! Damaged and hostile inputs: each gives a problem naming its path while
//! every good file beside it still loads.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use trailview_core::ingest::{LoadOptions, LoadReport, load_paths};
use trailview_core::store::Store;

const GOOD: &str = r#"{"Records":[{"eventVersion":"1.08","eventID":"11111111-1111-4111-8111-111111111111","eventTime":"2024-03-01T10:00:00Z","eventName":"GetObject","eventSource":"s3.amazonaws.com","userIdentity":{"type":"IAMUser","userName":"alice"}},{"eventID":"22222222-2222-4222-8222-222222222222","eventTime":"2024-03-01T11:00:00Z","eventName":"PutObject","userIdentity":{"type":"Root"}}]}"#;

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

/// Pseudo-random bytes (a fixed xorshift, so the test is repeatable).
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn problems_for<'a>(report: &'a LoadReport, path: &Path) -> Vec<&'a str> {
    report
        .problems
        .iter()
        .filter(|p| p.path == path)
        .map(|p| p.reason.as_str())
        .collect()
}

struct Case {
    name: PathBuf,
    want: &'static str,
}

#[test]
fn every_bad_file_is_a_problem_and_good_files_load() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let write = |name: &str, bytes: &[u8]| {
        let p = root.join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    };
    let good_plain = write("good.json", GOOD.as_bytes());
    let good_gz_data = gz(GOOD
        .replace("GetObject", "ListBuckets")
        .replace("1111", "3333")
        .as_bytes());
    let good_gz = write("good.json.gz", &good_gz_data);

    let mut cases = Vec::new();
    let big = "{\"Records\":[".to_owned()
        + &(0..2000)
            .map(|i| {
                format!(
                    "{{\"eventID\":\"t-{i}\",\"eventName\":\"Describe\",\"pad\":\"{}\"}}",
                    "x".repeat(i % 97)
                )
            })
            .collect::<Vec<_>>()
            .join(",")
        + "]}";
    let big_gz = gz(big.as_bytes());
    cases.push(Case {
        name: write("truncated.json.gz", &big_gz[..big_gz.len() / 2]),
        want: "corrupt or truncated gzip",
    });
    cases.push(Case {
        name: write("random.json.gz", &noise(4096, 7)),
        want: "named .gz but is neither gzip data nor UTF-8 text",
    });
    let mut fake_gz = vec![0x1f, 0x8b];
    fake_gz.extend(noise(4096, 9));
    cases.push(Case {
        name: write("random-magic.json.gz", &fake_gz),
        want: "corrupt or truncated gzip",
    });
    cases.push(Case {
        name: write("random.json", &noise(4096, 11)),
        want: "content is not UTF-8 text",
    });
    cases.push(Case {
        name: write("zero.json", b""),
        want: "empty file",
    });
    cases.push(Case {
        name: write("blank.json", b"  \n\n\t "),
        want: "empty file",
    });
    cases.push(Case {
        name: write("not-an-object.json", br#"{"Records":[{"eventID":"a","eventName":"A"}, 42, {"eventID":"b","eventName":"B"}]}"#),
        want: "record 1: record is a number, not a JSON object",
    });
    cases.push(Case {
        name: write(
            "malformed.json",
            b"{\"Records\": [{\"eventName\": \"A\"} {]}",
        ),
        want: "malformed JSON",
    });
    cases.push(Case {
        name: write("package.json", br#"{"name":"left-pad","version":"1.0.0"}"#),
        want: "not CloudTrail",
    });
    cases.push(Case {
        name: write("bomb.json.gz", &gz(&vec![b' '; 10 << 20])),
        want: "decompressed size exceeds limit of 1048576 bytes",
    });

    // A file whose name is not UTF-8: reported, and still loaded.
    #[cfg(unix)]
    let odd_name = {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"odd-\xff\xfe-name.json");
        let p = root.join(name);
        std::fs::write(
            &p,
            GOOD.replace("GetObject", "OddName").replace("1111", "4444"),
        )
        .expect("write");
        p
    };

    // A digest: counted as a digest, never as events or a problem.
    let digest = write(
        "111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20240301T110000Z.json.gz",
        &gz(br#"{"awsAccountId":"111122223333","digestPublicKeyFingerprint":"ab","logFiles":[]}"#),
    );

    let options = LoadOptions {
        max_file_bytes: 64 << 20,
        max_decompressed_bytes: 1 << 20,
        ..LoadOptions::default()
    };
    let mut store = Store::new();
    let report = load_paths(&[root.to_path_buf()], &options, &mut store);

    for case in &cases {
        let got = problems_for(&report, &case.name);
        assert!(
            got.iter().any(|r| r.contains(case.want)),
            "{}: want a problem containing {:?}, got {:?}",
            case.name.display(),
            case.want,
            got
        );
    }
    // The good files, the two good records around the bad one and the
    // records before the gzip damage all loaded.
    assert!(problems_for(&report, &good_plain).is_empty());
    assert!(problems_for(&report, &good_gz).is_empty());
    let names: Vec<String> = (0..store.len() as u32)
        .map(|i| {
            store
                .value(trailview_core::model::Column::EventName, i)
                .into_owned()
        })
        .collect();
    for want in ["GetObject", "ListBuckets", "A", "B"] {
        assert!(
            names.iter().any(|n| n == want),
            "{want} missing from {names:?}"
        );
    }
    let salvaged = names.iter().filter(|n| *n == "Describe").count();
    assert!(salvaged > 0 && salvaged < 2000, "salvaged {salvaged}");

    #[cfg(unix)]
    {
        let got = problems_for(&report, &odd_name);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("not valid UTF-8"));
        assert!(
            names.iter().any(|n| n == "OddName"),
            "non-UTF-8 name still loads"
        );
    }

    assert_eq!(report.files.digest, 1);
    assert_eq!(report.digests, vec![digest.clone()]);
    assert!(problems_for(&report, &digest).is_empty());
    // good.json, good.json.gz, not-an-object, truncated and malformed (the
    // records before the damage), odd name.
    assert_eq!(report.files.log, if cfg!(unix) { 6 } else { 5 });
    assert_eq!(report.events, store.len());
    assert!(!report.cancelled);
}

#[test]
fn missing_path_is_a_problem_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("nope");
    let mut store = Store::new();
    let report = load_paths(
        std::slice::from_ref(&missing),
        &LoadOptions::default(),
        &mut store,
    );
    assert_eq!(store.len(), 0);
    assert_eq!(
        problems_for(&report, &missing),
        vec!["no such file or folder"]
    );
}

#[test]
fn over_size_limit_is_a_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("big.json");
    std::fs::write(&p, GOOD).expect("write");
    let mut store = Store::new();
    let options = LoadOptions {
        max_file_bytes: 10,
        ..LoadOptions::default()
    };
    let report = load_paths(std::slice::from_ref(&p), &options, &mut store);
    assert_eq!(store.len(), 0);
    let got = problems_for(&report, &p);
    assert_eq!(got.len(), 1);
    assert!(
        got[0].contains("over the size limit of 10 bytes"),
        "{got:?}"
    );
}
