//! KMS, CloudTrail, Secrets Manager, Config and GuardDuty calls.

use serde_json::json;

use super::super::call::{Call, Ctx};
use super::super::rng::Rng;

pub fn kms(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let id = ctx.pooled("kms-key", 4).uuid();
    let key = ctx.arn("kms", &format!("key/{id}"));
    let name = *ctx.rng.pick(&[
        "Decrypt",
        "Decrypt",
        "GenerateDataKey",
        "Encrypt",
        "DescribeKey",
    ]);
    let ctx_key = *ctx
        .rng
        .pick(&["aws:s3:arn", "aws:lambda:FunctionArn", "aws:ebs:id"]);
    let call = Call::new("kms.amazonaws.com", name, true)
        .req(json!({"encryptionContext": {ctx_key: format!("arn:aws:s3:::acme-datalake-raw/raw/orders/{}", ctx.rng.hex(12))}, "encryptionAlgorithm": "SYMMETRIC_DEFAULT", "keyId": key}))
        .resources(json!([{"accountId": ctx.account, "type": "AWS::KMS::Key", "ARN": key}]));
    let mut call = call;
    if ctx.rng.chance(0.5) {
        call.shared_event_id = Some(ctx.rng.uuid());
    }
    out.push(call);
}

pub fn cloudtrail(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let trail = ctx.arn("cloudtrail", "trail/org-trail");
    let call = match ctx.rng.below(5) {
        0 => Call::new("cloudtrail.amazonaws.com", "DescribeTrails", true).req(json!({"includeShadowTrails": true})),
        1 => Call::new("cloudtrail.amazonaws.com", "GetTrailStatus", true).req(json!({"name": trail})),
        2 => Call::new("cloudtrail.amazonaws.com", "GetEventSelectors", true).req(json!({"trailName": trail})),
        _ => Call::new("cloudtrail.amazonaws.com", "LookupEvents", true).req(json!({"maxResults": 50, "lookupAttributes": [{"attributeKey": "EventName", "attributeValue": "ConsoleLogin"}]})),
    };
    out.push(call);
}

pub fn secrets(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let name = *ctx.rng.pick(&[
        "prod/db/master",
        "prod/stripe",
        "staging/db/master",
        "prod/github-token",
    ]);
    let suffix = Rng::stable(name, 0).alnum(6);
    let arn = ctx.arn("secretsmanager", &format!("secret:{name}-{suffix}"));
    let call = if ctx.rng.chance(0.25) {
        Call::new("secretsmanager.amazonaws.com", "ListSecrets", true)
    } else {
        Call::new("secretsmanager.amazonaws.com", "GetSecretValue", true)
            .req(json!({"secretId": arn}))
    };
    out.push(call);
}

pub fn config(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let evals: Vec<_> = (0..ctx.rng.range(1, 6))
        .map(|_| json!({"complianceResourceType": "AWS::S3::Bucket", "complianceResourceId": "acme-app-assets", "complianceType": "COMPLIANT", "orderingTimestamp": "Mar 12, 2024, 3:55:01 PM"}))
        .collect();
    out.push(
        Call::new("config.amazonaws.com", "PutEvaluations", false)
            .req(json!({"evaluations": evals, "resultToken": "HIDDEN_DUE_TO_SECURITY_REASONS", "testMode": false}))
            .resp(json!({"failedEvaluations": []})),
    );
}

pub fn guardduty(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let det = ctx.pooled("guardduty", 1).hex(32);
    out.push(Call::new("guardduty.amazonaws.com", "ListFindings", true).req(json!({"detectorId": det, "maxResults": 50, "findingCriteria": {"criterion": {"service.archived": {"eq": ["false"]}}}})));
}
