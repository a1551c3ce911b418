//! Fuzz target `query`: the query language's parser and planner.
//!
//! The input, when it is UTF-8, is parsed with `trailview_core::query::parse`;
//! a parse error is a legitimate outcome. A query that parses is run over a
//! small fixed store (built once with `ingest::store_from_texts`: events of
//! every identity type, errors, flags, lists, nested parameters, numbers,
//! non-ASCII text, an event without time) selecting every row.
//!
//! Checked: no panic and no stack overflow, and the two ways the engine
//! runs a query agree: `select` (the planned, parallel path with lookup
//! tables) gives exactly the rows for which `matches` (one event at a
//! time) is true, in the order of the rows given, also for the rows in
//! reverse.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use trailview_core::ingest::store_from_texts;
use trailview_core::model::EventIdx;
use trailview_core::query;
use trailview_core::store::Store;

/// The events of the fixed store, two files.
const FILE_A: &[&str] = &[
    r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"alice"},"eventTime":"2024-03-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"81.2.69.142","userAgent":"aws-cli/2.15.0","requestParameters":{"bucketName":"logs","key":"a/b.txt"},"responseElements":null,"additionalEventData":{"bytesTransferredOut":1048576},"eventID":"0b0b7c1e-0000-4000-8000-000000000001","readOnly":true,"resources":[{"ARN":"arn:aws:s3:::logs/a/b.txt","type":"AWS::S3::Object"},{"ARN":"arn:aws:s3:::logs"}],"eventType":"AwsApiCall","recipientAccountId":"111122223333","eventCategory":"Data"}"#,
    r#"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:session","arn":"arn:aws:sts::111122223333:assumed-role/Admin/session","accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role","userName":"Admin","arn":"arn:aws:iam::111122223333:role/Admin"},"attributes":{"creationDate":"2024-03-01T11:00:00Z","mfaAuthenticated":"true"}}},"eventTime":"2024-03-01T12:05:00Z","eventSource":"iam.amazonaws.com","eventName":"DeleteUser","awsRegion":"us-east-1","sourceIPAddress":"81.2.69.142, 192.168.10.10","userAgent":"console.amazonaws.com","errorCode":"AccessDenied","errorMessage":"User is not authorized","requestParameters":{"userName":"bob"},"eventID":"0b0b7c1e-0000-4000-8000-000000000002","readOnly":false,"eventType":"AwsApiCall","sessionCredentialFromConsole":"true"}"#,
    r#"{"eventVersion":"1.05","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"},"eventTime":"2024-03-02T00:00:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","awsRegion":"us-east-1","sourceIPAddress":"08.1.250.216","userAgent":"Mozilla/5.0","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"No","LoginTo":"https://console.aws.amazon.com/"},"eventID":"not-a-uuid","eventType":"AwsConsoleSignIn","recipientAccountId":"111122223333"}"#,
];
const FILE_B: &[&str] = &[
    r#"{"eventVersion":"1.08","userIdentity":{"type":"AWSService","invokedBy":"ec2.amazonaws.com"},"eventTime":"2024-03-03T08:30:00.123Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"megov-westwest-1r","sourceIPAddress":"ec2.amazonaws.com","userAgent":"ec2.amazonaws.com","requestParameters":{"roleArn":"arn:aws:iam::444455556666:role/ü-rôle","durationSeconds":3600,"tags":[{"key":"k","value":"v"}],"deep":[[{"k":1}],[{"k":2}]]},"eventID":"0b0b7c1e-0000-4000-8000-000000000004","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"444455556666","sharedEventID":"x"}"#,
    r#"{"eventVersion":"1.08","userIdentity":{"type":"IdentityCenterUser","accountId":"111122223333","onBehalfOf":{"userId":"u-1","identityStoreArn":"arn:aws:identitystore::111122223333:identitystore/d-1"},"credentialId":"c-1"},"@timestamp":"2024-03-04T00:00:00Z","eventSource":"sso.amazonaws.com","eventName":"ListApplications","awsRegion":"eu-west-1","sourceIPAddress":"AWS Internal","errorCode":"","eventID":"0b0b7c1e-0000-4000-8000-000000000005","readOnly":"TRUE","eventCategory":"Management"}"#,
    r#"{"eventVersion":"1.07","eventTime":"2024-03-05T00:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"ApiCallRateInsight","awsRegion":"us-west-2","eventID":"0b0b7c1e-0000-4000-8000-000000000006","eventType":"AwsCloudTrailInsight","eventCategory":"Insight","insightDetails":{"state":"Start","eventName":"PutObject","insightContext":{"statistics":{"baseline":{"average":0.5},"insight":{"average":12.25}}}}}"#,
    r#"{"eventName":"NoTime","userIdentity":{"type":"FederatedUser","userName":"fed"},"sourceIPAddress":"2001:db8::1","requestParameters":{"policy":"{\"Version\":\"2012-10-17\"}","n":-0.5,"big":1e21}}"#,
    r#"{"eventName":"Unicode \u00e9\u20ac\ud83d\ude00","userIdentity":{"type":"SAMLUser","userName":"saml"},"eventTime":"2024-03-06T00:00:00Z","errorCode":"Client.UnauthorizedOperation","eventID":"0b0b7c1e-0000-4000-8000-000000000002"}"#,
];

fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let store = store_from_texts(&[("a/events.json", FILE_A), ("b/events.json", FILE_B)]);
        assert!(store.len() >= 7, "the fixed store holds its events");
        store
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(q) = query::parse(text) else {
        return;
    };
    let store = store();
    let rows = store.all_rows();
    let selected = q.select(store, &rows);
    let one_by_one: Vec<EventIdx> = rows
        .iter()
        .copied()
        .filter(|&i| q.matches(store, i))
        .collect();
    assert_eq!(
        selected, one_by_one,
        "select and matches disagree on {text:?}"
    );
    let reversed: Vec<EventIdx> = rows.iter().rev().copied().collect();
    let mut selected_reversed = q.select(store, &reversed);
    selected_reversed.reverse();
    assert_eq!(
        selected, selected_reversed,
        "select depends on the order of the rows for {text:?}"
    );
    // The other things the app asks of a query.
    let _ = q.text_terms();
    let _ = q.uses_annotations();
    let _ = q.is_match_all();
    assert_eq!(
        q.to_string(),
        text,
        "a query shows the text it was parsed from"
    );
});
