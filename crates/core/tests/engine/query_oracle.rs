//! The query engine against a straightforward reference: ~40 queries run
//! on the real third-party corpus, once through `query::parse` + `select`
//! and once as a hand-written predicate over each event's parsed
//! `serde_json::Value` (or, for derived columns, the store's cell text).
//! The two match sets must be identical.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;
use trailview_core::ingest::store_from_texts;
use trailview_core::model::{Column, EventIdx};
use trailview_core::query;
use trailview_core::store::Store;
use trailview_core::timefmt::{NO_TIME, parse_millis};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

/// Each source's `<source>/<source>.json.gz` Records file, one batch each.
fn load_corpus() -> Store {
    let mut sources: Vec<(String, Vec<String>)> = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        let gz = dir.join(format!("{name}.json.gz"));
        let Ok(file) = std::fs::File::open(&gz) else {
            continue;
        };
        let mut text = String::new();
        flate2::read::GzDecoder::new(file)
            .read_to_string(&mut text)
            .expect("gunzip");
        #[derive(serde::Deserialize)]
        struct Records<'a> {
            #[serde(borrow, rename = "Records")]
            records: Vec<&'a serde_json::value::RawValue>,
        }
        let r: Records = serde_json::from_str(&text).expect("Records file");
        let events = r.records.iter().map(|v| v.get().to_owned()).collect();
        sources.push((gz.to_string_lossy().into_owned(), events));
    }
    let owned: Vec<(String, Vec<&str>)> = sources
        .iter()
        .map(|(p, evs)| (p.clone(), evs.iter().map(String::as_str).collect()))
        .collect();
    let batches: Vec<(&str, &[&str])> = owned
        .iter()
        .map(|(p, evs)| (p.as_str(), evs.as_slice()))
        .collect();
    store_from_texts(&batches)
}

/// One event as the reference sees it.
struct Ev<'a> {
    v: &'a Value,
    raw: &'a str,
    store: &'a Store,
    idx: EventIdx,
}

impl Ev<'_> {
    /// Texts at a dot path: arrays searched element-wise, keys compared
    /// case-insensitively, scalars as text, null skipped.
    fn at(&self, path: &str) -> Vec<String> {
        self.at_keys(path, true)
    }

    /// Like `at` with exact key names: how the store's columns read the
    /// CloudTrail fields (Panther's lower-cased copies are not columns).
    fn col_at(&self, path: &str) -> Vec<String> {
        self.at_keys(path, false)
    }

    fn at_keys(&self, path: &str, any_case: bool) -> Vec<String> {
        let mut cur = vec![self.v];
        for seg in path.split('.') {
            let mut next = Vec::new();
            let mut stack = cur;
            while let Some(v) = stack.pop() {
                match v {
                    Value::Object(m) => {
                        next.extend(
                            m.iter()
                                .filter(|(k, _)| {
                                    if any_case {
                                        k.eq_ignore_ascii_case(seg)
                                    } else {
                                        k.as_str() == seg
                                    }
                                })
                                .map(|(_, c)| c),
                        );
                    }
                    Value::Array(items) => stack.extend(items.iter()),
                    _ => {}
                }
            }
            cur = next;
        }
        let mut out = Vec::new();
        let mut stack = cur;
        while let Some(v) = stack.pop() {
            match v {
                Value::Null => {}
                Value::String(s) => out.push(s.clone()),
                Value::Bool(b) => out.push(b.to_string()),
                Value::Number(n) => out.push(n.to_string()),
                Value::Array(items) => stack.extend(items.iter()),
                Value::Object(m) if m.is_empty() => {}
                Value::Object(_) => out.push(v.to_string()),
            }
        }
        out
    }

    /// Column-backed fields read with exact keys, JSON paths without.
    fn texts(&self, path: &str) -> Vec<String> {
        if COLUMN_FIELDS.contains(&path) {
            self.col_at(path)
        } else {
            self.at(path)
        }
    }

    fn is(&self, path: &str, want: &str) -> bool {
        self.texts(path)
            .iter()
            .any(|t| t.to_lowercase() == want.to_lowercase())
    }

    fn present(&self, path: &str) -> bool {
        self.texts(path).iter().any(|t| !t.is_empty())
    }

    fn starts(&self, path: &str, prefix: &str) -> bool {
        self.texts(path)
            .iter()
            .any(|t| t.to_lowercase().starts_with(&prefix.to_lowercase()))
    }

    fn has(&self, path: &str, part: &str) -> bool {
        self.texts(path)
            .iter()
            .any(|t| t.to_lowercase().contains(&part.to_lowercase()))
    }

    fn text(&self, needle: &str) -> bool {
        self.raw.to_lowercase().contains(&needle.to_lowercase())
    }

    fn col(&self, c: Column) -> String {
        self.store.value(c, self.idx).into_owned()
    }

    fn time(&self) -> i64 {
        self.store.time(self.idx)
    }

    fn num(&self, path: &str) -> Vec<f64> {
        self.at(path)
            .iter()
            .filter_map(|t| t.parse().ok())
            .collect()
    }
}

fn ms(s: &str) -> i64 {
    parse_millis(s).expect("time")
}

type Reference = fn(&Ev) -> bool;

/// Fields the query reads from store columns (exact CloudTrail keys).
const COLUMN_FIELDS: [&str; 9] = [
    "eventName",
    "eventSource",
    "awsRegion",
    "sourceIPAddress",
    "errorCode",
    "userIdentity.type",
    "userIdentity.accessKeyId",
    "readOnly",
    "userAgent",
];

fn cases() -> Vec<(&'static str, Reference)> {
    vec![
        ("decrypt", |e| e.text("decrypt")),
        ("AccessDenied", |e| e.text("accessdenied")),
        ("\"AWS Internal\"", |e| e.text("aws internal")),
        ("eventName:ConsoleLogin", |e| {
            e.is("eventName", "consolelogin")
        }),
        ("name:assumerole", |e| e.is("eventName", "AssumeRole")),
        ("name:Delete*", |e| e.starts("eventName", "delete")),
        ("name:*Parameter*", |e| e.has("eventName", "parameter")),
        ("name:/^(Get|List)[A-Z]/", |e| {
            e.texts("eventName").iter().any(|t| {
                let l = t.to_lowercase();
                (l.starts_with("get") || l.starts_with("list"))
                    && t.len() > 3
                    && t[if l.starts_with("get") { 3 } else { 4 }..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic())
            })
        }),
        ("source:s3.amazonaws.com", |e| {
            e.is("eventSource", "s3.amazonaws.com")
        }),
        ("region:us-west-2", |e| e.is("awsRegion", "us-west-2")),
        ("ip:\"AWS Internal\"", |e| {
            e.is("sourceIPAddress", "AWS Internal")
        }),
        ("ip:192.168.*", |e| e.starts("sourceIPAddress", "192.168.")),
        ("error:*", |e| e.present("errorCode")),
        ("error:\"\"", |e| !e.present("errorCode")),
        ("-error:*", |e| !e.present("errorCode")),
        ("error:AccessDenied OR error:ThrottlingException", |e| {
            e.is("errorCode", "AccessDenied") || e.is("errorCode", "ThrottlingException")
        }),
        (
            "error:(AccessDenied OR Client.UnauthorizedOperation)",
            |e| {
                e.is("errorCode", "AccessDenied")
                    || e.is("errorCode", "Client.UnauthorizedOperation")
            },
        ),
        ("type:AssumedRole", |e| {
            e.is("userIdentity.type", "AssumedRole")
        }),
        ("userIdentity.type:Root", |e| {
            e.is("userIdentity.type", "root")
        }),
        ("userIdentity.arn:*assumed-role*", |e| {
            e.has("userIdentity.arn", "assumed-role")
        }),
        ("userIdentity.sessionContext.sessionIssuer.type:Role", |e| {
            e.is("userIdentity.sessionContext.sessionIssuer.type", "Role")
        }),
        ("key:AKIA*", |e| {
            e.starts("userIdentity.accessKeyId", "akia")
        }),
        ("readOnly:false", |e| e.is("readOnly", "false")),
        ("readOnly:true name:Get*", |e| {
            e.is("readOnly", "true") && e.starts("eventName", "get")
        }),
        ("requestParameters.bucketName:*", |e| {
            e.present("requestParameters.bucketName")
        }),
        (
            "requestParameters.bucketName:stratus-red-team-ctlr-bucket-zqfsvooxqj",
            |e| {
                e.is(
                    "requestParameters.bucketName",
                    "stratus-red-team-ctlr-bucket-zqfsvooxqj",
                )
            },
        ),
        ("resources.ARN:*", |e| e.present("resources.ARN")),
        ("resources.type:AWS::S3::Bucket", |e| {
            e.is("resources.type", "AWS::S3::Bucket")
        }),
        ("tlsDetails.tlsVersion:TLSv1.3", |e| {
            e.is("tlsDetails.tlsVersion", "TLSv1.3")
        }),
        ("additionalEventData.bytesTransferredOut:>300", |e| {
            e.num("additionalEventData.bytesTransferredOut")
                .iter()
                .any(|&n| n > 300.0)
        }),
        ("additionalEventData.bytesTransferredOut:0", |e| {
            e.is("additionalEventData.bytesTransferredOut", "0")
        }),
        ("responseElements:\"\"", |e| !e.present("responseElements")),
        ("time:>=2024-01-01", |e| {
            e.time() != NO_TIME && e.time() >= ms("2024-01-01")
        }),
        ("time:<2023-07-10T12:00Z", |e| {
            e.time() != NO_TIME && e.time() < ms("2023-07-10T12:00:00Z")
        }),
        ("time:2023-07-01..2023-08-01", |e| {
            let t = e.time();
            t != NO_TIME && t >= ms("2023-07-01") && t < ms("2023-08-01")
        }),
        ("time:2024-08", |e| {
            let t = e.time();
            t != NO_TIME && t >= ms("2024-08-01") && t < ms("2024-09-01")
        }),
        ("time:\"\"", |e| e.time() == NO_TIME),
        ("cred:root", |e| e.col(Column::Credential) == "root"),
        ("actor:* -cred:iam-user", |e| {
            !e.col(Column::Actor).is_empty() && e.col(Column::Credential) != "iam-user"
        }),
        ("account:123837392027 name:Describe*", |e| {
            e.col(Column::Account) == "123837392027" && e.starts("eventName", "describe")
        }),
        (
            "source:iam.amazonaws.com (AttachUserPolicy OR CreateAccessKey) -error:*",
            |e| {
                e.is("eventSource", "iam.amazonaws.com")
                    && (e.text("attachuserpolicy") || e.text("createaccesskey"))
                    && !e.present("errorCode")
            },
        ),
        ("NOT (readOnly:true OR readOnly:false)", |e| {
            !(e.is("readOnly", "true") || e.is("readOnly", "false"))
        }),
        ("/\\bAKIA[0-9A-Z]{16}\\b/", |e| {
            let r = regex::bytes::RegexBuilder::new(r"\bAKIA[0-9A-Z]{16}\b")
                .case_insensitive(true)
                .build()
                .expect("re");
            r.is_match(e.raw.as_bytes())
        }),
        ("agent:*boto3*", |e| e.has("userAgent", "boto3")),
    ]
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn engine_matches_reference_scan_on_the_corpus() {
    let store = load_corpus();
    assert!(store.len() > 3000, "corpus loaded: {}", store.len());
    let rows = store.all_rows();
    let raws: Vec<String> = rows
        .iter()
        .map(|&i| store.raw_text(i).expect("readable"))
        .collect();
    let values: Vec<Value> = raws
        .iter()
        .map(|r| serde_json::from_str(r).expect("stored events are JSON"))
        .collect();
    let mut empty = Vec::new();
    for (q, reference) in cases() {
        let parsed = query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        let got = parsed.select(&store, &rows);
        let want: Vec<EventIdx> = rows
            .iter()
            .copied()
            .filter(|&i| {
                reference(&Ev {
                    v: &values[i as usize],
                    raw: &raws[i as usize],
                    store: &store,
                    idx: i,
                })
            })
            .collect();
        if got != want {
            let extra: Vec<_> = got.iter().filter(|i| !want.contains(i)).take(3).collect();
            let missing: Vec<_> = want.iter().filter(|i| !got.contains(i)).take(3).collect();
            panic!(
                "{q}: engine {} vs reference {}; extra {extra:?} missing {missing:?}\n{}",
                got.len(),
                want.len(),
                missing
                    .first()
                    .or(extra.first())
                    .map(|&&i| raws[i as usize].chars().take(600).collect::<String>())
                    .unwrap_or_default()
            );
        }
        if want.is_empty() || want.len() == rows.len() {
            empty.push(q);
        }
        // Shuffled input order: same set, input order kept.
        let mut rev = rows.clone();
        rev.reverse();
        let mut got_rev = parsed.select(&store, &rev);
        got_rev.reverse();
        assert_eq!(got_rev, want, "{q} on reversed rows");
    }
    assert!(
        empty.len() <= 2,
        "queries that select nothing or everything prove little: {empty:?}"
    );
}
