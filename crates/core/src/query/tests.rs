//! Evaluation tests: every construct of the language on a small store.

use super::*;
use crate::ingest::store_from_texts;

const EVENTS: &[&str] = &[
    // 0
    r#"{"eventVersion":"1.08","eventID":"00000000-0000-0000-0000-000000000000","eventTime":"2024-03-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"1.2.3.4","userAgent":"aws-cli/2.0 Python","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111:assumed-role/Admin/bob","accountId":"111","accessKeyId":"ASIAXYZ"},"requestParameters":{"bucketName":"logs","key":"a/b.txt"},"readOnly":true,"resources":[{"ARN":"arn:aws:s3:::logs","type":"AWS::S3::Bucket"},{"ARN":"arn:aws:s3:::logs/a/b.txt"}],"recipientAccountId":"111"}"#,
    // 1
    r#"{"eventID":"e1","eventTime":"2024-03-02T00:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"eu-west-1","sourceIPAddress":"5.6.7.8","userIdentity":{"type":"IAMUser","userName":"alice","accountId":"222"},"requestParameters":{"bucketName":"Other"},"readOnly":false,"errorCode":"AccessDenied","errorMessage":"no"}"#,
    // 2
    r#"{"eventID":"e2","eventTime":"2024-02-29T23:59:59Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucket","userIdentity":{"type":"Root","arn":"arn:aws:iam::333:root","accountId":"333"},"requestParameters":null,"errorCode":""}"#,
    // 3: no time
    r#"{"eventID":"e3","eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","additionalEventData":{"MFAUsed":"Yes","n":42},"bytes":1.5}"#,
    // 4
    r#"{"eventID":"e4","eventTime":"2024-03-01T12:30:00Z","eventName":"StartQueryExecution","eventSource":"athena.amazonaws.com","responseElements":{"queryExecutionId":"abc-123"}}"#,
    // 5
    r#"{"eventID":"e5","eventTime":"2024-03-01T12:31:00Z","eventName":"GetQueryResults","eventSource":"athena.amazonaws.com","requestParameters":{"queryExecutionId":"abc-123"}}"#,
    // 6: pretty-printed with non-ASCII
    "{\n  \"eventID\": \"e6\",\n  \"eventName\": \"Ünïcode Thing\",\n  \"eventTime\": \"2024-03-01T12:00:30Z\"\n}",
];

fn store() -> Store {
    store_from_texts(&[("a.json", &EVENTS[..4]), ("b.json", &EVENTS[4..])])
}

fn sel(q: &str) -> Vec<EventIdx> {
    let s = store();
    let query = parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    let rows = s.all_rows();
    let got = query.select(&s, &rows);
    // The one-event path agrees with the bulk path.
    let one: Vec<EventIdx> = rows
        .iter()
        .copied()
        .filter(|&i| query.matches(&s, i))
        .collect();
    assert_eq!(got, one, "select vs matches for {q}");
    // Reversed input order gives reversed output.
    let mut rev = rows.clone();
    rev.reverse();
    let mut got_rev = query.select(&s, &rev);
    got_rev.reverse();
    assert_eq!(got, got_rev, "order for {q}");
    got
}

#[test]
fn full_text_terms_and_phrases() {
    assert_eq!(sel("getobject"), vec![0]);
    assert_eq!(sel("ACCESSDENIED"), vec![1]);
    assert_eq!(sel("\"aws-cli/2.0 python\""), vec![0]);
    assert_eq!(sel("abc-123"), vec![4, 5]);
    assert_eq!(sel("ünïcode"), vec![6]);
    assert_eq!(sel("ÜNÏCODE"), vec![6]);
    assert_eq!(sel("Get*Results"), vec![5]);
    assert_eq!(sel("/query(execution|results)/"), vec![4, 5]);
    assert_eq!(sel("arn:aws:iam::333:root"), vec![2]);
    assert_eq!(sel("nothing-like-this"), Vec::<EventIdx>::new());
    assert_eq!(sel("*").len(), EVENTS.len());
    assert_eq!(sel("").len(), EVENTS.len());
}

#[test]
fn columns_and_aliases() {
    assert_eq!(sel("eventName:getobject"), vec![0]);
    assert_eq!(sel("name:GetObject"), vec![0]);
    assert_eq!(sel("source:s3.amazonaws.com"), vec![0, 1, 2]);
    assert_eq!(sel("region:us-east-1"), vec![0]);
    assert_eq!(sel("ip:5.6.7.8"), vec![1]);
    assert_eq!(sel("error:AccessDenied"), vec![1]);
    assert_eq!(sel("type:AssumedRole"), vec![0]);
    assert_eq!(sel("userIdentity.type:root"), vec![2]);
    assert_eq!(sel("key:asiaxyz"), vec![0]);
    assert_eq!(sel("agent:\"aws-cli/2.0 Python\""), vec![0]);
    assert_eq!(sel("id:e3"), vec![3]);
    assert_eq!(sel("id:00000000-0000-0000-0000-000000000000"), vec![0]);
    assert_eq!(sel("account:222"), vec![1]);
    assert_eq!(sel("actor:alice"), vec![1]);
    assert_eq!(sel("cred:root"), vec![2]);
    assert_eq!(sel("cred:iam-user"), vec![1]);
    assert_eq!(sel("file:b.json"), vec![4, 5, 6]);
    assert_eq!(sel("file:*a.json"), vec![0, 1, 2, 3]);
    assert_eq!(
        sel("name:Get"),
        Vec::<EventIdx>::new(),
        "exact, not substring"
    );
}

#[test]
fn wildcards_regex_presence_and_empty() {
    assert_eq!(sel("name:Get*"), vec![0, 5]);
    assert_eq!(sel("name:*object"), vec![0, 1]);
    assert_eq!(sel("name:*Query*"), vec![4, 5]);
    assert_eq!(sel("name:/^(put|delete)/"), vec![1, 2]);
    assert_eq!(sel("name:/object$/"), vec![0, 1]);
    assert_eq!(sel("error:*"), vec![1]);
    // Absent, null and "" are all empty.
    assert_eq!(sel("error:\"\""), vec![0, 2, 3, 4, 5, 6]);
    assert_eq!(sel("-error:*"), sel("error:\"\""));
    assert_eq!(sel("requestParameters:*"), vec![0, 1, 5]);
    assert_eq!(sel("requestParameters:\"\""), vec![2, 3, 4, 6]);
    assert_eq!(sel("has:errorCode"), vec![1]);
    assert_eq!(sel("errorMessage:*"), vec![1]);
}

#[test]
fn json_paths_arrays_booleans_numbers() {
    assert_eq!(sel("requestParameters.bucketName:logs"), vec![0]);
    assert_eq!(sel("requestParameters.bucketName:OTHER"), vec![1]);
    assert_eq!(sel("requestparameters.bucketname:logs"), vec![0]);
    assert_eq!(sel("requestParameters.key:\"a/b.txt\""), vec![0]);
    assert_eq!(sel("resources.ARN:arn:aws:s3:::logs"), vec![0]);
    assert_eq!(sel("resources.ARN:*b.txt"), vec![0]);
    assert_eq!(
        sel("resources.1.ARN:arn:aws:s3:::logs"),
        Vec::<EventIdx>::new()
    );
    assert_eq!(sel("resources.type:*"), vec![0]);
    assert_eq!(sel("readOnly:false"), vec![1]);
    assert_eq!(sel("readOnly:true"), vec![0]);
    assert_eq!(sel("additionalEventData.n:42"), vec![3]);
    assert_eq!(sel("additionalEventData.n:>41"), vec![3]);
    assert_eq!(sel("additionalEventData.n:<42"), Vec::<EventIdx>::new());
    assert_eq!(sel("additionalEventData.n:40..50"), vec![3]);
    assert_eq!(sel("bytes:1.5"), vec![3]);
    assert_eq!(sel("bytes:>=1.5"), vec![3]);
    assert_eq!(sel("additionalEventData.MFAUsed:yes"), vec![3]);
    assert_eq!(sel("userIdentity.arn:/assumed-role\\/admin/"), vec![0]);
    assert_eq!(sel("nosuch.field:*"), Vec::<EventIdx>::new());
    assert_eq!(sel("nosuch.field:\"\"").len(), EVENTS.len());
}

#[test]
fn boolean_logic() {
    assert_eq!(sel("source:s3.amazonaws.com -name:GetObject"), vec![1, 2]);
    assert_eq!(
        sel("source:s3.amazonaws.com NOT name:GetObject"),
        vec![1, 2]
    );
    assert_eq!(sel("name:GetObject OR name:PutObject"), vec![0, 1]);
    assert_eq!(sel("name:(GetObject OR PutObject)"), vec![0, 1]);
    assert_eq!(sel("name:(GetObject OR PutObject) -alice"), vec![0]);
    assert_eq!(
        sel("source:athena.amazonaws.com AND (name:Start* OR error:*)"),
        vec![4]
    );
    assert_eq!(sel("a OR b c").len(), sel("a OR (b c)").len());
    assert_eq!(sel("NOT *"), Vec::<EventIdx>::new());
    assert_eq!(sel("-(-getobject)"), vec![0]);
}

#[test]
fn time_conditions() {
    assert_eq!(sel("time:2024-03-01"), vec![0, 4, 5, 6]);
    assert_eq!(sel("time:>=2024-03-01"), vec![0, 1, 4, 5, 6]);
    assert_eq!(sel("time:<2024-03-01"), vec![2]);
    assert_eq!(sel("time:<2024-03-01T12:00Z"), vec![0, 2]);
    assert_eq!(sel("time:2024-03-01T12:00..2024-03-01T12:31"), vec![4, 6]);
    assert_eq!(sel("time:2024-03-01..2024-03-02"), vec![0, 4, 5, 6]);
    assert_eq!(sel("time:>2024-03-02"), Vec::<EventIdx>::new());
    assert_eq!(sel("time:>=2024-03-02"), vec![1]);
    assert_eq!(sel("time:2024-03-01T12:30Z"), vec![4]);
    assert_eq!(sel("time:2024"), vec![0, 1, 2, 4, 5, 6]);
    assert_eq!(sel("time:*"), vec![0, 1, 2, 4, 5, 6]);
    assert_eq!(sel("time:\"\""), vec![3]);
    assert_eq!(sel("time:2024-03-01T14:00+02:00"), vec![6]);
}

struct Marks;

impl Annotations for Marks {
    fn tags(&self, idx: EventIdx) -> &[String] {
        static T: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let t = T.get_or_init(|| vec!["Exfil".to_owned(), "reviewed".to_owned()]);
        if idx == 1 { t } else { &[] }
    }
    fn has_note(&self, idx: EventIdx) -> bool {
        idx == 2
    }
    fn is_starred(&self, idx: EventIdx) -> bool {
        idx == 3
    }
    fn integrity(&self, idx: EventIdx) -> &str {
        if idx < 4 { "valid" } else { "" }
    }
}

#[test]
fn annotation_fields_use_the_hook() {
    let s = store();
    let rows = s.all_rows();
    let run = |q: &str, ann: &dyn Annotations| parse(q).expect("query").select_with(&s, &rows, ann);
    assert_eq!(run("tag:exfil", &Marks), vec![1]);
    assert_eq!(run("tag:rev*", &Marks), vec![1]);
    assert_eq!(run("has:tag", &Marks), vec![1]);
    assert_eq!(run("has:note", &Marks), vec![2]);
    assert_eq!(run("is:starred", &Marks), vec![3]);
    assert_eq!(run("integrity:valid", &Marks), vec![0, 1, 2, 3]);
    assert_eq!(run("integrity:\"\"", &Marks), vec![4, 5, 6]);
    assert_eq!(run("tag:exfil", &NoAnnotations), Vec::<EventIdx>::new());
    assert!(parse("tag:x").expect("q").uses_annotations());
    assert!(!parse("name:x").expect("q").uses_annotations());
    let q = parse("is:starred").expect("q");
    assert!(q.matches_with(&s, 3, &Marks));
    assert!(!q.matches(&s, 3));
}

#[test]
fn rows_subsets_duplicates_and_out_of_range() {
    let s = store();
    let q = parse("s3.amazonaws.com").expect("q");
    assert_eq!(q.select(&s, &[2, 0, 99, 2]), vec![2, 0, 2]);
    assert_eq!(q.select(&s, &[]), Vec::<EventIdx>::new());
    let q = parse("name:GetObject").expect("q");
    assert_eq!(q.select(&s, &[5, 0, 99]), vec![0]);
    assert!(!q.matches(&s, 99));
    assert_eq!(Query::all().select(&s, &[1, 99]), vec![1]);
}

#[test]
fn query_facts() {
    assert!(parse("").expect("q").is_match_all());
    assert!(parse(" * ").expect("q").is_match_all());
    assert!(!parse("a").expect("q").is_match_all());
    assert_eq!(
        parse("Foo -bar name:x \"a b\"").expect("q").text_terms(),
        vec!["foo", "bar", "a b"]
    );
    let q: Query = "name:x".parse().expect("q");
    assert_eq!(q.to_string(), "name:x");
}

/// Nesting past the limit is an error with a position, for every shape
/// that nests (before the limit, these crashed the process with a stack
/// overflow); nesting up to the limit parses and evaluates.
#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    use super::parser::MAX_DEPTH;
    let cases = [
        ("(".repeat(10_000) + "x" + &")".repeat(10_000), MAX_DEPTH),
        (
            "name:(".repeat(10_000) + "x" + &")".repeat(10_000),
            MAX_DEPTH * 6 + 5,
        ),
        ("NOT ".repeat(30_000) + "x", MAX_DEPTH * 4),
        ("-".repeat(30_000) + "x", MAX_DEPTH),
        (
            "NOT (".repeat(5_000) + "x" + &")".repeat(5_000),
            (MAX_DEPTH / 2) * 5,
        ),
    ];
    for (text, position) in cases {
        let e = parse(&text).expect_err("too deep");
        assert!(e.message.contains("nested too deeply"), "{e}");
        assert_eq!(e.position, position, "{}", &text[..20]);
    }
    // At the limit: parsed, and evaluated on a worker thread's stack.
    let s = store();
    let not = "NOT ".repeat(MAX_DEPTH) + "name:GetObject";
    let q = parse(&not).expect("256 NOTs");
    assert_eq!(q.select(&s, &s.all_rows()), vec![0]);
    let parens = "(".repeat(MAX_DEPTH) + "name:GetObject" + &")".repeat(MAX_DEPTH);
    let q = parse(&parens).expect("256 parentheses");
    assert_eq!(q.select(&s, &s.all_rows()), vec![0]);
    let field = "name:(".repeat(MAX_DEPTH) + "GetObject" + &")".repeat(MAX_DEPTH);
    assert!(parse(&field).is_ok());
}

#[test]
fn reads_raw_text_names_the_queries_that_scan_every_event() {
    for q in [
        "AccessDenied",
        "\"assumed role\"",
        "/Get[A-Z]+/",
        "requestParameters.bucketName:*",
        "name:A OR x",
    ] {
        assert!(parse(q).expect(q).reads_raw_text(), "{q}");
    }
    for q in [
        "",
        "name:GetObject",
        "error:* -readOnly:true",
        "actor:alice*",
        "tag:evidence",
    ] {
        assert!(!parse(q).expect(q).reads_raw_text(), "{q}");
    }
}
