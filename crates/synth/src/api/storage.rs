//! S3 and DynamoDB calls, management and data events.

use serde_json::{Value, json};

use super::super::call::{Call, Ctx};

const S3: &str = "s3.amazonaws.com";
pub const BUCKETS: &[&str] = &[
    "acme-app-assets",
    "acme-customer-data",
    "acme-logs-archive",
    "acme-terraform-state",
    "acme-datalake-raw",
    "acme-athena-results",
];
const PREFIXES: &[&str] = &[
    "exports/2024/",
    "images/",
    "invoices/",
    "backups/db/",
    "raw/orders/",
    "tf/",
];

fn bucket(ctx: &mut Ctx) -> &'static str {
    BUCKETS[ctx.rng.below(BUCKETS.len() as u64) as usize]
}

fn host(ctx: &Ctx, b: &str) -> String {
    format!("{b}.s3.{}.amazonaws.com", ctx.region)
}

fn object_key(ctx: &mut Ctx) -> String {
    let p = ctx.rng.pick(PREFIXES);
    format!(
        "{p}{}-{}.{}",
        ctx.rng.hex(8),
        ctx.rng.range(1, 99999),
        ctx.rng.pick(&["json", "csv.gz", "parquet", "png", "pdf"])
    )
}

fn bucket_resources(ctx: &Ctx, b: &str) -> Value {
    json!([{"type": "AWS::S3::Bucket", "ARN": format!("arn:aws:s3:::{b}"), "accountId": ctx.account}])
}

fn s3_additional(ctx: &mut Ctx, bytes_out: u64) -> Value {
    json!({
        "SignatureVersion": "SigV4",
        "CipherSuite": "TLS_AES_128_GCM_SHA256",
        "bytesTransferredIn": 0,
        "AuthenticationMethod": "AuthHeader",
        "x-amz-id-2": format!("{}=", ctx.rng.alnum(76)),
        "bytesTransferredOut": bytes_out
    })
}

pub fn list_buckets(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let h = format!("s3.{}.amazonaws.com", ctx.region);
    let add = s3_additional(ctx, 2153);
    out.push(
        Call::new(S3, "ListBuckets", true)
            .req(json!({"Host": h}))
            .additional(add),
    );
}

pub fn bucket_read(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let b = bucket(ctx);
    let (name, sub) = *ctx.rng.pick(&[
        ("GetBucketAcl", "acl"),
        ("GetBucketPolicy", "policy"),
        ("GetBucketLocation", "location"),
        ("GetBucketVersioning", "versioning"),
        ("GetBucketEncryption", "encryption"),
        ("GetBucketPublicAccessBlock", "publicAccessBlock"),
    ]);
    let add = s3_additional(ctx, 512);
    let res = bucket_resources(ctx, b);
    out.push(
        Call::new(S3, name, true)
            .req(json!({"bucketName": b, "Host": host(ctx, b), sub: ""}))
            .additional(add)
            .resources(res),
    );
}

pub fn list_objects(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let b = bucket(ctx);
    let prefix = *ctx.rng.pick(PREFIXES);
    let bytes = ctx.rng.range(300, 90_000);
    let add = s3_additional(ctx, bytes);
    let res = bucket_resources(ctx, b);
    out.push(
        Call::new(S3, "ListObjectsV2", true)
            .req(json!({"list-type": "2", "bucketName": b, "prefix": prefix, "encoding-type": "url", "Host": host(ctx, b)}))
            .additional(add)
            .resources(res)
            .data(),
    );
}

pub fn object_io(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let b = bucket(ctx);
    let n = ctx.rng.range(1, 6);
    for i in 0..n {
        let key = object_key(ctx);
        let size = ctx.rng.range(200, 50_000_000);
        let read = ctx.rng.chance(0.7);
        let mut add = s3_additional(ctx, if read { size } else { 0 });
        if !read {
            add["bytesTransferredIn"] = json!(size);
        }
        let res = json!([
            {"type": "AWS::S3::Object", "ARN": format!("arn:aws:s3:::{b}/{key}")},
            {"accountId": ctx.account, "type": "AWS::S3::Bucket", "ARN": format!("arn:aws:s3:::{b}")}
        ]);
        let call = if read {
            Call::new(S3, "GetObject", true)
                .req(json!({"bucketName": b, "Host": host(ctx, b), "key": key}))
        } else {
            let etag = ctx.rng.hex(32);
            Call::new(S3, "PutObject", false)
                .req(json!({"bucketName": b, "Host": host(ctx, b), "key": key, "x-amz-server-side-encryption": "aws:kms"}))
                .resp(json!({"x-amz-server-side-encryption": "aws:kms", "x-amz-version-id": ctx.rng.alnum(32), "ETag": etag}))
        };
        out.push(
            call.additional(add)
                .resources(res)
                .data()
                .after(if i == 0 { 0 } else { 180 }),
        );
    }
}

pub fn put_bucket_policy(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let b = bucket(ctx);
    let policy = super::super::large::bucket_policy(ctx, b);
    let res = bucket_resources(ctx, b);
    out.push(
        Call::new(S3, "PutBucketPolicy", false)
            .req(json!({"bucketPolicy": policy, "bucketName": b, "Host": host(ctx, b), "policy": ""}))
            .resources(res),
    );
}

pub fn dynamodb(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let table = *ctx
        .rng
        .pick(&["orders", "sessions", "inventory", "feature-flags"]);
    let arn = ctx.arn("dynamodb", &format!("table/{table}"));
    let (name, ro, data) = *ctx.rng.pick(&[
        ("DescribeTable", true, false),
        ("GetItem", true, true),
        ("PutItem", false, true),
        ("Query", true, true),
        ("ListTables", true, false),
    ]);
    let req = if name == "ListTables" {
        Value::Null
    } else if data {
        json!({"tableName": table, "key": {"pk": format!("ORDER#{}", ctx.rng.range(1, 9_999_999))}, "consistentRead": false})
    } else {
        json!({"tableName": table})
    };
    let mut call = Call::new("dynamodb.amazonaws.com", name, ro)
        .req(req)
        .resources(json!([{"accountId": ctx.account, "type": "AWS::DynamoDB::Table", "ARN": arn}]));
    if data {
        call = call.data();
    }
    out.push(call);
}
