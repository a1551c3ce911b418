//! The bundled sample trail (`assets/sample/`): a day of ordinary activity
//! plus a small incident. A CI access key leaks; from a Tor exit address
//! someone enumerates IAM, S3, EC2 and secrets, creates a backdoor admin user
//! with its own key and console password, runs Athena queries over customer
//! data, downloads exports from S3 and stops CloudTrail logging.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde_json::json;

use super::api::analytics::athena_session;
use super::call::{Call, Ctx};
use super::event::{self, Place};
use super::files;
use super::insight::{self, Anomaly};
use super::rng::Rng;
use super::world::{Kind, Principal, World};
use super::{SynthConfig, SynthSummary};

/// The sample's fixed seed.
pub const SEED: u64 = 20_240_312;
/// Background events around the incident.
pub const NOISE_EVENTS: u64 = 300;
/// The attacker's address (a Tor exit in the documentation of this story).
pub const ATTACKER_IP: &str = "185.220.101.47";
/// The backdoor user the attacker creates.
pub const BACKDOOR_USER: &str = "svc-backup-sync";
/// The IAM user whose key leaked.
pub const LEAKED_USER: &str = "ci-deploy";
const ATTACKER_BROWSER: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0";
const ATTACKER_AGENT: &str = "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.6.9-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#kali.2024 md/prompt#off";

/// 2024-03-12T13:58:00Z, the first attacker call.
const INCIDENT_START_MS: i64 = 1_710_251_880_000;

/// One scripted event: seconds after the start, region, caller, call.
struct Step {
    at_s: i64,
    region: &'static str,
    caller: usize,
    call: Call,
}

/// Writes the sample trail under `out` (`out/AWSLogs/...`).
pub fn write_sample(out: &Path) -> io::Result<SynthSummary> {
    let cfg = SynthConfig {
        events: NOISE_EVENTS,
        seed: SEED,
        accounts: 2,
        days: 1,
        // 2024-03-11T14:55:00Z: the day of noise ends as the incident does.
        start_ms: INCIDENT_START_MS - 86_400_000 + 180_000,
        per_file: (4, 30),
    };
    let mut summary = super::generate(&cfg, out)?;
    let world = World::new(SEED, 2);
    let mut rng = Rng::derive(SEED, 0x5EED);
    let victim = world.accounts[0].id.clone();
    let (leaked, backdoor) = attackers(&world, &mut rng);
    let mut in_browser = backdoor.clone();
    in_browser.agents = vec![ATTACKER_BROWSER];
    let actors = [leaked, backdoor, in_browser];
    let steps = script(&world, &victim, &actors, &mut rng);

    // Group the scripted records by delivery window and region, one file each.
    let mut by_file: BTreeMap<(i64, &'static str), Vec<String>> = BTreeMap::new();
    for step in steps {
        let t = INCIDENT_START_MS + step.at_s * 1000;
        let region = if step.call.global {
            "us-east-1"
        } else {
            step.region
        };
        let place = Place {
            world: &world,
            account: &victim,
            region,
        };
        let record = event::record(&place, &actors[step.caller], step.call, t, &mut rng);
        by_file
            .entry((t - t.rem_euclid(files::WINDOW_MS), region))
            .or_default()
            .push(record.to_string());
    }
    let arn = format!("arn:aws:iam::{victim}:user/{LEAKED_USER}");
    let anomaly = Anomaly {
        source: "secretsmanager.amazonaws.com",
        name: "GetSecretValue",
        kind: "ApiErrorRateInsight",
        actor_arn: &arn,
        agent: ATTACKER_AGENT,
    };
    let pair = insight::pair(
        &mut rng,
        &victim,
        "us-east-1",
        INCIDENT_START_MS + 120_000,
        &anomaly,
    );
    let mut files_out: Vec<(i64, &str, bool, Vec<String>)> = by_file
        .into_iter()
        .map(|((w, region), records)| (w, region, false, records))
        .collect();
    files_out.push((
        INCIDENT_START_MS + 1_800_000,
        "us-east-1",
        true,
        pair.iter().map(|v| v.to_string()).collect(),
    ));
    for (window, region, is_insight, mut records) in files_out {
        rng.shuffle(&mut records);
        let delivery = window + files::WINDOW_MS + rng.below(files::WINDOW_MS as u64) as i64;
        let path = files::file_path(out, &victim, region, delivery, is_insight, &mut rng);
        let (json_bytes, gzip_bytes) = files::write_records(&path, &records)?;
        summary.files += 1;
        summary.records += records.len() as u64;
        summary.insight_events += if is_insight { records.len() as u64 } else { 0 };
        summary.json_bytes += json_bytes;
        summary.gzip_bytes += gzip_bytes;
        summary.paths.push(path);
    }
    summary.paths.sort();
    Ok(summary)
}

/// The leaked CI user as the attacker uses it, and the backdoor user.
fn attackers(world: &World, rng: &mut Rng) -> (Principal, Principal) {
    let mut leaked = world
        .find(0, LEAKED_USER)
        .cloned()
        .unwrap_or_else(|| world.principals[0].clone());
    leaked.ips = vec![ATTACKER_IP.to_owned()];
    leaked.agents = vec![ATTACKER_AGENT];
    let backdoor = Principal {
        kind: Kind::IamUser,
        account: 0,
        name: BACKDOOR_USER.to_owned(),
        principal_id: format!("AIDA{}", rng.upper(17)),
        key: format!("AKIA{}", rng.upper(16)),
        sessions: Vec::new(),
        ips: vec![ATTACKER_IP.to_owned()],
        agents: vec![ATTACKER_AGENT],
        weight: 0,
    };
    (leaked, backdoor)
}

fn script(world: &World, victim: &str, actors: &[Principal; 3], rng: &mut Rng) -> Vec<Step> {
    const US: &str = "us-east-1";
    let mut steps = Vec::new();
    let mut push = |at_s: i64, region: &'static str, caller: usize, call: Call| {
        steps.push(Step {
            at_s,
            region,
            caller,
            call: call.exact(),
        })
    };
    let iam = "iam.amazonaws.com";
    let denied = |action: &str| {
        format!(
            "User: arn:aws:iam::{victim}:user/{LEAKED_USER} is not authorized to perform: {action}"
        )
    };
    // Reconnaissance with the leaked key.
    push(
        12,
        US,
        0,
        Call::new("sts.amazonaws.com", "GetCallerIdentity", true),
    );
    push(40, US, 0, Call::new(iam, "ListUsers", true));
    push(41, US, 0, Call::new(iam, "ListRoles", true));
    push(
        43,
        US,
        0,
        Call::new(iam, "ListAttachedUserPolicies", true).req(json!({"userName": LEAKED_USER})),
    );
    push(
        62,
        US,
        0,
        Call::new(iam, "GetAccountAuthorizationDetails", true)
            .req(json!({"filter": ["User", "Role", "Group", "LocalManagedPolicy"]}))
            .error(
                "AccessDenied",
                &denied("iam:GetAccountAuthorizationDetails"),
            ),
    );
    push(
        90,
        US,
        0,
        Call::new("s3.amazonaws.com", "ListBuckets", true)
            .req(json!({"Host": "s3.us-east-1.amazonaws.com"})),
    );
    for (i, region) in ["us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"]
        .into_iter()
        .enumerate()
    {
        let call = Call::new("ec2.amazonaws.com", "DescribeInstances", true)
            .req(json!({"instancesSet": {}, "filterSet": {}}));
        let call = if i == 1 {
            call.error(
                "Client.UnauthorizedOperation",
                "You are not authorized to perform this operation.",
            )
        } else {
            call
        };
        push(110 + i as i64 * 4, region, 0, call);
    }
    push(
        130,
        US,
        0,
        Call::new("secretsmanager.amazonaws.com", "ListSecrets", true),
    );
    for (i, name) in [
        "prod/db/master",
        "prod/stripe",
        "prod/github-token",
        "staging/db/master",
        "prod/sendgrid",
        "prod/datadog",
    ]
    .into_iter()
    .enumerate()
    {
        let arn = format!("arn:aws:secretsmanager:us-east-1:{victim}:secret:{name}");
        push(
            140 + i as i64 * 3,
            US,
            0,
            Call::new("secretsmanager.amazonaws.com", "GetSecretValue", true)
                .req(json!({"secretId": arn}))
                .error(
                    "AccessDeniedException",
                    &denied("secretsmanager:GetSecretValue"),
                ),
        );
    }
    // Persistence: a new admin user with a key and a console password.
    let new_key = actors[1].key.clone();
    let user_arn = format!("arn:aws:iam::{victim}:user/{BACKDOOR_USER}");
    push(305, US, 0, Call::new(iam, "CreateUser", false).req(json!({"userName": BACKDOOR_USER, "tags": [{"key": "team", "value": "backup"}]})).resp(json!({"user": {"path": "/", "userName": BACKDOOR_USER, "userId": actors[1].principal_id, "arn": user_arn, "createDate": "Mar 12, 2024, 2:03:05 PM"}})));
    push(307, US, 0, Call::new(iam, "CreateAccessKey", false).req(json!({"userName": BACKDOOR_USER})).resp(json!({"accessKey": {"userName": BACKDOOR_USER, "accessKeyId": new_key, "status": "Active", "createDate": "Mar 12, 2024, 2:03:07 PM"}})));
    push(309, US, 0, Call::new(iam, "AttachUserPolicy", false).req(json!({"userName": BACKDOOR_USER, "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})));
    push(312, US, 0, Call::new(iam, "CreateLoginProfile", false).req(json!({"userName": BACKDOOR_USER, "passwordResetRequired": false})).resp(json!({"loginProfile": {"userName": BACKDOOR_USER, "createDate": "Mar 12, 2024, 2:03:12 PM", "passwordResetRequired": false}})));
    let mut login = Call::new("signin.amazonaws.com", "ConsoleLogin", false)
        .resp(json!({"ConsoleLogin": "Success"}))
        .additional(json!({"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true", "MobileVersion": "No", "MFAUsed": "No"}));
    login.event_type = "AwsConsoleSignIn";
    push(520, US, 2, login);
    // Collection: Athena over customer data, with the backdoor key.
    let mut athena = Vec::new();
    let mut backdoor = actors[1].clone();
    backdoor.agents = vec![ATTACKER_AGENT];
    {
        let mut ctx = Ctx {
            rng,
            world,
            account: victim,
            region: US,
            caller: &backdoor,
        };
        athena_session(
            &mut ctx,
            &mut athena,
            "SELECT * FROM datalake.customers LIMIT 100000",
            "primary",
        );
        athena_session(
            &mut ctx,
            &mut athena,
            "SELECT email, card_last4, billing_address FROM datalake.orders WHERE dt >= '2024-01-01'",
            "primary",
        );
    }
    let mut t_ms = 600_000;
    for call in athena {
        t_ms += call.delay_ms.max(1) + 2_000;
        push(t_ms / 1000, US, 1, call);
    }
    // Exfiltration from S3 (data events).
    let bucket = "acme-customer-data";
    let host = format!("{bucket}.s3.us-east-1.amazonaws.com");
    let resources = |key: &str| json!([{"type": "AWS::S3::Object", "ARN": format!("arn:aws:s3:::{bucket}/{key}")}, {"accountId": victim, "type": "AWS::S3::Bucket", "ARN": format!("arn:aws:s3:::{bucket}")}]);
    push(1020, US, 1, Call::new("s3.amazonaws.com", "ListObjectsV2", true).req(json!({"list-type": "2", "bucketName": bucket, "prefix": "exports/", "Host": host})).resources(json!([{"accountId": victim, "type": "AWS::S3::Bucket", "ARN": format!("arn:aws:s3:::{bucket}")}])).data());
    for i in 0..24 {
        let key = format!("exports/2024/customers-part-{i:04}.csv.gz");
        let add = json!({"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0, "AuthenticationMethod": "AuthHeader", "x-amz-id-2": format!("{}=", rng.alnum(76)), "bytesTransferredOut": 48_000_000 + rng.below(4_000_000)});
        push(
            1040 + i * 21,
            US,
            1,
            Call::new("s3.amazonaws.com", "GetObject", true)
                .req(json!({"bucketName": bucket, "Host": host, "key": key}))
                .additional(add)
                .resources(resources(&key))
                .data(),
        );
    }
    // Defence evasion: look at the trail, then stop it.
    let trail = format!("arn:aws:cloudtrail:us-east-1:{victim}:trail/org-trail");
    push(
        2400,
        US,
        1,
        Call::new("cloudtrail.amazonaws.com", "DescribeTrails", true)
            .req(json!({"includeShadowTrails": true})),
    );
    push(
        2410,
        US,
        1,
        Call::new("cloudtrail.amazonaws.com", "GetTrailStatus", true).req(json!({"name": trail})),
    );
    push(
        2460,
        US,
        1,
        Call::new("cloudtrail.amazonaws.com", "StopLogging", false)
            .req(json!({"name": trail}))
            .resources(
                json!([{"accountId": victim, "type": "AWS::CloudTrail::Trail", "ARN": trail}]),
            ),
    );
    steps
}
