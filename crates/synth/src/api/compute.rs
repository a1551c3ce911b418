//! EC2, Lambda, SSM, ECR and CloudWatch Logs calls.

use serde_json::{Value, json};

use super::super::call::{Call, Ctx};
use super::super::large;

const EC2: &str = "ec2.amazonaws.com";

fn instance_id(ctx: &mut Ctx) -> String {
    format!("i-0{}", ctx.pooled("instance", 60).hex(16))
}

pub fn ec2_describe(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let name = *ctx.rng.pick(&[
        "DescribeInstances",
        "DescribeSecurityGroups",
        "DescribeVolumes",
        "DescribeSubnets",
        "DescribeVpcs",
        "DescribeInstanceStatus",
        "DescribeImages",
        "DescribeSnapshots",
        "DescribeRegions",
    ]);
    let req = match name {
        "DescribeInstances" => {
            json!({"instancesSet": {}, "filterSet": {"items": [{"name": "instance-state-name", "valueSet": {"items": [{"value": "running"}]}}]}})
        }
        "DescribeSnapshots" => {
            json!({"snapshotSet": {}, "ownersSet": {"items": [{"owner": "self"}]}, "sharedUsers": {}, "filterSet": {}})
        }
        "DescribeInstanceStatus" => {
            json!({"instancesSet": {"items": [{"instanceId": instance_id(ctx)}]}, "includeAllInstances": true})
        }
        _ => json!({"filterSet": {}}),
    };
    out.push(Call::new(EC2, name, true).req(req));
}

pub fn ec2_change(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let id = instance_id(ctx);
    let rid = ctx.rng.uuid();
    match ctx.rng.below(4) {
        0 => {
            let (req, resp) = large::run_instances(ctx);
            out.push(Call::new(EC2, "RunInstances", false).req(req).resp(resp));
        }
        1 => {
            let sg = format!("sg-0{}", ctx.pooled("sg", 12).hex(16));
            let cidr = format!(
                "{}.{}.0.0/16",
                ctx.rng.range(10, 200),
                ctx.rng.range(0, 255)
            );
            out.push(
                Call::new(EC2, "AuthorizeSecurityGroupIngress", false)
                    .req(json!({"groupId": sg, "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "groups": {}, "ipRanges": {"items": [{"cidrIp": cidr}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}}))
                    .resp(json!({"requestId": rid, "_return": true, "securityGroupRuleSet": {"items": [{"groupOwnerId": ctx.account, "groupId": sg, "securityGroupRuleId": format!("sgr-0{}", ctx.rng.hex(16)), "isEgress": false, "ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "cidrIpv4": cidr}]}})),
            );
        }
        2 => {
            let name = *ctx
                .rng
                .pick(&["StopInstances", "StartInstances", "RebootInstances"]);
            out.push(
                Call::new(EC2, name, false)
                    .req(json!({"instancesSet": {"items": [{"instanceId": id}]}, "force": false}))
                    .resp(json!({"requestId": rid, "instancesSet": {"items": [{"instanceId": id, "currentState": {"code": 64, "name": "stopping"}, "previousState": {"code": 16, "name": "running"}}]}})),
            );
        }
        _ => {
            out.push(
                Call::new(EC2, "CreateTags", false)
                    .req(json!({"resourcesSet": {"items": [{"resourceId": id}]}, "tagSet": {"items": [{"key": "Owner", "value": "platform"}]}}))
                    .resp(json!({"requestId": rid, "_return": true})),
            );
        }
    }
}

pub fn lambda(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let f = *ctx.rng.pick(&[
        "orders-processor",
        "thumbnailer",
        "slack-notifier",
        "nightly-report",
    ]);
    let arn = ctx.arn("lambda", &format!("function:{f}"));
    let call = match ctx.rng.below(4) {
        0 => Call::new("lambda.amazonaws.com", "ListFunctions20150331", true),
        1 => Call::new("lambda.amazonaws.com", "GetFunction20150331v2", true)
            .req(json!({"functionName": f})),
        2 => Call::new("lambda.amazonaws.com", "Invoke", false)
            .req(json!({"functionName": arn, "invocationType": "Event"}))
            .resources(
                json!([{"accountId": ctx.account, "type": "AWS::Lambda::Function", "ARN": arn}]),
            )
            .data(),
        _ => {
            let sha = ctx.rng.alnum(43);
            Call::new("lambda.amazonaws.com", "UpdateFunctionCode20150331v2", false)
                .req(json!({"functionName": f, "publish": true, "dryRun": false}))
                .resp(json!({"functionName": f, "functionArn": arn, "runtime": "python3.11", "role": ctx.iam_arn("role/lambda-orders-processor-role"), "handler": "app.handler", "codeSize": ctx.rng.range(1000, 9_000_000), "timeout": 30, "memorySize": 256, "codeSha256": format!("{sha}="), "version": ctx.rng.range(1, 80).to_string(), "state": "Pending", "packageType": "Zip", "architectures": ["arm64"]}))
        }
    };
    out.push(call);
}

pub fn ssm(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let param = format!(
        "/{}/{}",
        ctx.rng.pick(&["prod", "staging"]),
        ctx.rng.pick(&[
            "db/password",
            "api/stripe-key",
            "app/config",
            "feature/flags"
        ])
    );
    let call = match ctx.rng.below(4) {
        0 => Call::new("ssm.amazonaws.com", "GetParameter", true).req(json!({"name": param, "withDecryption": true})),
        1 => Call::new("ssm.amazonaws.com", "GetParameters", true).req(json!({"names": [param, "/prod/app/region"], "withDecryption": true})),
        2 => Call::new("ssm.amazonaws.com", "UpdateInstanceInformation", false).req(json!({"instanceId": instance_id(ctx), "agentVersion": "3.3.40.0", "platformType": "Linux", "platformName": "Amazon Linux", "platformVersion": "2023", "iPAddress": format!("10.0.{}.{}", ctx.rng.range(0, 255), ctx.rng.range(1, 254)), "hostname": format!("ip-10-0-{}-{}.ec2.internal", ctx.rng.range(0, 255), ctx.rng.range(1, 254)), "agentStatus": "Active"})),
        _ => {
            let id = ctx.rng.uuid();
            Call::new("ssm.amazonaws.com", "SendCommand", false)
                .req(json!({"instanceIds": [instance_id(ctx)], "documentName": "AWS-RunShellScript", "parameters": "HIDDEN_DUE_TO_SECURITY_REASONS", "interactive": false}))
                .resp(json!({"command": {"commandId": id, "documentName": "AWS-RunShellScript", "status": "Pending", "targetCount": 1}}))
        }
    };
    out.push(call);
}

pub fn ecr_logs(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let call = if ctx.rng.chance(0.5) {
        Call::new("ecr.amazonaws.com", "GetAuthorizationToken", true)
    } else {
        let group = format!(
            "/aws/lambda/{}",
            ctx.rng
                .pick(&["orders-processor", "thumbnailer", "slack-notifier"])
        );
        let stream = format!("2024/03/12/[$LATEST]{}", ctx.rng.hex(32));
        Call::new("logs.amazonaws.com", "CreateLogStream", false)
            .req(json!({"logGroupName": group, "logStreamName": stream}))
    };
    out.push(call);
}

/// A service-originated event (`AwsServiceEvent`).
pub fn service_event(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let mut call = Call::new(EC2, "SharedSnapshotVolumeCreated", false);
    call.event_type = "AwsServiceEvent";
    call.request = Value::Null;
    call.service_details = Some(json!({"snapshotId": format!("snap-0{}", ctx.rng.hex(16))}));
    call.shared_event_id = Some(ctx.rng.uuid());
    out.push(call);
}
