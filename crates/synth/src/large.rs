//! The very large request and response bodies real trails carry: IAM policy
//! documents (kilobytes of escaped JSON in a string), S3 bucket policies and
//! RunInstances launching many instances at once.

use serde_json::{Value, json};

use super::call::Ctx;

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:DeleteObject",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "ssm:GetParameter",
    "secretsmanager:GetSecretValue",
    "ec2:DescribeInstances",
    "athena:StartQueryExecution",
    "glue:GetTable",
];

/// An IAM policy as the JSON text CloudTrail logs for `policyDocument`:
/// usually a few hundred bytes, sometimes tens of kilobytes.
pub fn policy_document(ctx: &mut Ctx) -> String {
    let statements = if ctx.rng.chance(0.3) {
        ctx.rng.range(20, 120)
    } else {
        ctx.rng.range(1, 4)
    };
    let stmts: Vec<Value> = (0..statements)
        .map(|i| {
            let n = ctx.rng.range(1, 8) as usize;
            let actions: Vec<&str> = (0..n).map(|_| *ctx.rng.pick(ACTIONS)).collect();
            let resources: Vec<String> = (0..ctx.rng.range(1, 5))
                .map(|_| {
                    format!(
                        "arn:aws:s3:::acme-{}-{}/*",
                        ctx.rng.pick(&["data", "logs", "app", "ml"]),
                        ctx.rng.hex(6)
                    )
                })
                .collect();
            json!({
                "Sid": format!("Stmt{i}{}", ctx.rng.range(1000, 9999)),
                "Effect": "Allow",
                "Action": actions,
                "Resource": resources,
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": ctx.world.org_id}}
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({"Version": "2012-10-17", "Statement": stmts}))
        .unwrap_or_default()
}

/// A bucket policy as S3 logs it (an object, not a string).
pub fn bucket_policy(ctx: &mut Ctx, bucket: &str) -> Value {
    let stmts: Vec<Value> = (0..ctx.rng.range(2, 40))
        .map(|i| {
            json!({
                "Sid": format!("AllowAccount{i}"),
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:aws:iam::{:012}:root", ctx.rng.range(100_000_000_000, 999_999_999_999))},
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]
            })
        })
        .collect();
    json!({"Version": "2012-10-17", "Statement": stmts})
}

/// RunInstances launching 1 to 25 instances: request and response.
pub fn run_instances(ctx: &mut Ctx) -> (Value, Value) {
    let n = if ctx.rng.chance(0.3) {
        ctx.rng.range(5, 25)
    } else {
        1
    };
    let ami = format!("ami-0{}", ctx.pooled("ami", 5).hex(16));
    let itype = *ctx
        .rng
        .pick(&["t3.micro", "m6i.large", "c7g.xlarge", "r6i.2xlarge"]);
    let subnet = format!("subnet-0{}", ctx.pooled("subnet", 6).hex(16));
    let vpc = format!("vpc-0{}", ctx.pooled("vpc", 1).hex(16));
    let sg = format!("sg-0{}", ctx.pooled("sg", 12).hex(16));
    let az = format!("{}a", ctx.region);
    let req = json!({
        "instancesSet": {"items": [{"imageId": ami, "minCount": n, "maxCount": n}]},
        "instanceType": itype,
        "blockDeviceMapping": {"items": [{"deviceName": "/dev/xvda", "ebs": {"volumeSize": 30, "deleteOnTermination": true, "volumeType": "gp3", "encrypted": true}}]},
        "monitoring": {"enabled": false},
        "disableApiTermination": false,
        "disableApiStop": false,
        "clientToken": ctx.rng.uuid(),
        "networkInterfaceSet": {"items": [{"deviceIndex": 0, "subnetId": subnet, "associatePublicIpAddress": false, "groupSet": {"items": [{"groupId": sg}]}}]},
        "iamInstanceProfile": {"name": "app-ec2-instance-profile"},
        "tagSpecificationSet": {"items": [{"resourceType": "instance", "tags": [{"key": "Name", "value": "app-worker"}, {"key": "team", "value": "platform"}]}]},
        "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 2, "httpEndpoint": "enabled"}
    });
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let ip = format!("10.0.{}.{}", ctx.rng.range(0, 255), ctx.rng.range(1, 254));
            let eni = format!("eni-0{}", ctx.rng.hex(16));
            let nic = json!({"networkInterfaceId": eni, "subnetId": subnet, "vpcId": vpc, "ownerId": ctx.account, "status": "in-use", "macAddress": format!("0e:{}:{}:{}:{}:{}", ctx.rng.hex(2), ctx.rng.hex(2), ctx.rng.hex(2), ctx.rng.hex(2), ctx.rng.hex(2)), "privateIpAddress": ip, "sourceDestCheck": true, "interfaceType": "interface", "groupSet": {"items": [{"groupId": sg, "groupName": "app-workers"}]}, "attachment": {"attachmentId": format!("eni-attach-0{}", ctx.rng.hex(16)), "deviceIndex": 0, "networkCardIndex": 0, "status": "attaching", "attachTime": 1_710_259_301_000u64, "deleteOnTermination": true}, "privateIpAddressesSet": {"item": [{"privateIpAddress": ip, "primary": true}]}, "ipv6AddressesSet": {}, "tagSet": {}});
            json!({
                "instanceId": format!("i-0{}", ctx.rng.hex(16)),
                "imageId": ami,
                "currentInstanceBootMode": "uefi",
                "instanceState": {"code": 0, "name": "pending"},
                "privateDnsName": format!("ip-{}.ec2.internal", ip.replace('.', "-")),
                "amiLaunchIndex": i,
                "productCodes": {},
                "instanceType": itype,
                "launchTime": 1_710_259_301_000u64,
                "placement": {"availabilityZone": az, "tenancy": "default"},
                "monitoring": {"state": "disabled"},
                "subnetId": subnet,
                "vpcId": vpc,
                "privateIpAddress": ip,
                "stateReason": {"code": "pending", "message": "pending"},
                "architecture": "x86_64",
                "rootDeviceType": "ebs",
                "rootDeviceName": "/dev/xvda",
                "blockDeviceMapping": {},
                "virtualizationType": "hvm",
                "clientToken": ctx.rng.uuid(),
                "tagSet": {"items": [{"key": "Name", "value": "app-worker"}, {"key": "team", "value": "platform"}]},
                "groupSet": {"items": [{"groupId": sg, "groupName": "app-workers"}]},
                "sourceDestCheck": true,
                "hypervisor": "xen",
                "networkInterfaceSet": {"items": [nic]},
                "iamInstanceProfile": {"arn": ctx.iam_arn("instance-profile/app-ec2-instance-profile"), "id": format!("AIPA{}", ctx.rng.upper(17))},
                "ebsOptimized": false,
                "enaSupport": true,
                "cpuOptions": {"coreCount": 1, "threadsPerCore": 2},
                "capacityReservationSpecification": {"capacityReservationPreference": "open"},
                "enclaveOptions": {"enabled": false},
                "metadataOptions": {"state": "pending", "httpTokens": "required", "httpPutResponseHopLimit": 2, "httpEndpoint": "enabled", "httpProtocolIpv4": "enabled", "httpProtocolIpv6": "disabled", "instanceMetadataTags": "disabled"},
                "maintenanceOptions": {"autoRecovery": "default"},
                "privateDnsNameOptions": {"hostnameType": "ip-name", "enableResourceNameDnsARecord": false, "enableResourceNameDnsAAAARecord": false}
            })
        })
        .collect();
    let resp = json!({
        "requestId": ctx.rng.uuid(),
        "reservationId": format!("r-0{}", ctx.rng.hex(16)),
        "ownerId": ctx.account,
        "groupSet": {},
        "instancesSet": {"items": items}
    });
    (req, resp)
}
