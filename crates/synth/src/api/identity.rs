//! IAM, STS, console sign-in and IAM Identity Center calls.

use serde_json::{Value, json};

use super::super::call::{Call, Ctx};
use super::super::large;
use super::super::rng::Rng;
use super::super::world::Kind;

const IAM: &str = "iam.amazonaws.com";
const STS: &str = "sts.amazonaws.com";

fn sts_credentials(ctx: &mut Ctx) -> Value {
    json!({
        "accessKeyId": format!("ASIA{}", ctx.rng.upper(16)),
        "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
        "expiration": "Mar 12, 2024, 5:01:44 PM"
    })
}

pub fn iam_read(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let user = ctx.world.principals[ctx.rng.below(ctx.world.principals.len() as u64) as usize]
        .name
        .clone();
    let role = format!("app-role-{}", ctx.rng.range(1, 40));
    let (name, req) = match ctx.rng.below(8) {
        0 => ("ListUsers", Value::Null),
        1 => ("ListRoles", Value::Null),
        2 => ("GetUser", json!({"userName": user})),
        3 => ("ListAttachedRolePolicies", json!({"roleName": role})),
        4 => ("ListRolePolicies", json!({"roleName": role})),
        5 => ("ListAccessKeys", json!({"userName": user})),
        6 => ("GetRole", json!({"roleName": role})),
        _ => (
            "ListPolicies",
            json!({"scope": "Local", "onlyAttached": false}),
        ),
    };
    out.push(Call::new(IAM, name, true).req(req));
}

pub fn iam_write(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let role = format!("app-role-{}", ctx.rng.range(1, 40));
    match ctx.rng.below(4) {
        0 => {
            let doc = large::policy_document(ctx);
            let name = format!("inline-{}", ctx.rng.hex(6));
            out.push(
                Call::new(IAM, "PutRolePolicy", false)
                    .req(json!({"roleName": role, "policyName": name, "policyDocument": doc})),
            );
        }
        1 => {
            let doc = large::policy_document(ctx);
            let name = format!("team-policy-{}", ctx.rng.hex(6));
            let arn = ctx.iam_arn(&format!("policy/{name}"));
            let id = format!("ANPA{}", ctx.rng.upper(17));
            out.push(
                Call::new(IAM, "CreatePolicy", false)
                    .req(json!({"policyName": name, "policyDocument": doc}))
                    .resp(json!({"policy": {"policyName": name, "policyId": id, "arn": arn, "path": "/", "defaultVersionId": "v1", "attachmentCount": 0, "permissionsBoundaryUsageCount": 0, "isAttachable": true, "createDate": "Mar 12, 2024, 4:01:44 PM", "updateDate": "Mar 12, 2024, 4:01:44 PM"}})),
            );
        }
        2 => {
            let policy = "arn:aws:iam::aws:policy/ReadOnlyAccess";
            out.push(
                Call::new(IAM, "AttachRolePolicy", false)
                    .req(json!({"roleName": role, "policyArn": policy})),
            );
        }
        _ => {
            let tags = json!([{"key": "team", "value": "platform"}, {"key": "cost-center", "value": format!("cc-{}", ctx.rng.range(100, 999))}]);
            out.push(Call::new(IAM, "TagRole", false).req(json!({"roleName": role, "tags": tags})));
        }
    }
}

pub fn assume_role(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let role = ctx.rng.pick(&[
        "app-ec2-instance-role",
        "datalake-athena-role",
        "OrganizationAccountAccessRole",
        "eks-node-group-role",
    ]);
    let role_arn = ctx.iam_arn(&format!("role/{role}"));
    let session = format!("session-{}", ctx.rng.range(1_000_000, 9_999_999));
    let creds = sts_credentials(ctx);
    let rid = format!("AROA{}", Rng::stable(role, 0).upper(17));
    let assumed = format!("arn:aws:sts::{}:assumed-role/{role}/{session}", ctx.account);
    let mut call = Call::new(STS, "AssumeRole", true)
        .req(json!({"roleArn": role_arn, "roleSessionName": session, "durationSeconds": 3600}))
        .resp(json!({"credentials": creds, "assumedRoleUser": {"assumedRoleId": format!("{rid}:{session}"), "arn": assumed}}))
        .resources(json!([{"accountId": ctx.account, "type": "AWS::IAM::Role", "ARN": role_arn}]));
    call.shared_event_id = Some(ctx.rng.uuid());
    out.push(call);
}

pub fn caller_identity(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let _ = ctx;
    out.push(Call::new(STS, "GetCallerIdentity", true));
}

pub fn session_token(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let creds = sts_credentials(ctx);
    out.push(
        Call::new(STS, "GetSessionToken", true)
            .req(json!({"durationSeconds": 43200}))
            .resp(json!({"credentials": creds})),
    );
}

pub fn federation_token(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let creds = sts_credentials(ctx);
    let fed = format!("arn:aws:sts::{}:federated-user/partner-portal", ctx.account);
    out.push(
        Call::new(STS, "GetFederationToken", true)
            .req(json!({"name": "partner-portal", "durationSeconds": 3600}))
            .resp(json!({"credentials": creds, "federatedUser": {"federatedUserId": format!("{}:partner-portal", ctx.account), "arn": fed}, "packedPolicySize": 6})),
    );
}

pub fn console_login(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let mfa = ctx.caller.kind != Kind::Root && ctx.rng.chance(0.8);
    let failed = ctx.rng.chance(0.06);
    let mut call = Call::new("signin.amazonaws.com", "ConsoleLogin", false)
        .resp(json!({"ConsoleLogin": if failed { "Failure" } else { "Success" }}))
        .additional(json!({"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true", "MobileVersion": "No", "MFAUsed": if mfa { "Yes" } else { "No" }}));
    if failed {
        call.error = Some((String::new(), "Failed authentication".to_owned()));
    }
    call.event_type = "AwsConsoleSignIn";
    out.push(call);
}

/// Calls only a SAML, web-identity or Identity Center caller makes.
pub fn federated_login(ctx: &mut Ctx, out: &mut Vec<Call>) {
    match ctx.caller.kind {
        Kind::Saml => {
            let role = ctx.iam_arn("role/AWSReservedSSO_ReadOnlyAccess_0b9e1d7c5a3f2e48");
            let provider = ctx.iam_arn("saml-provider/ExampleIdP");
            let creds = sts_credentials(ctx);
            out.push(
                Call::new(STS, "AssumeRoleWithSAML", true)
                    .req(json!({"sAMLAssertionID": format!("_{}", ctx.rng.hex(32)), "roleSessionName": ctx.caller.name, "roleArn": role, "principalArn": provider, "durationSeconds": 3600}))
                    .resp(json!({"credentials": creds, "subject": ctx.caller.name, "subjectType": "persistent", "issuer": "https://idp.example.com/saml", "audience": "https://signin.aws.amazon.com/saml"})),
            );
        }
        Kind::WebIdentity => {
            let role = ctx.iam_arn("role/GitHubActionsDeployRole");
            let creds = sts_credentials(ctx);
            out.push(
                Call::new(STS, "AssumeRoleWithWebIdentity", true)
                    .req(json!({"roleArn": role, "roleSessionName": format!("GitHubActions-{}", ctx.rng.range(1_000_000_000, 9_999_999_999)), "durationSeconds": 3600}))
                    .resp(json!({"credentials": creds, "subjectFromWebIdentityToken": ctx.caller.name, "provider": ctx.iam_arn("oidc-provider/token.actions.githubusercontent.com"), "audience": "sts.amazonaws.com"})),
            );
        }
        _ => {
            let (source, name) = *ctx.rng.pick(&[
                ("signin.amazonaws.com", "UserAuthentication"),
                ("sso.amazonaws.com", "ListAccounts"),
                ("sso.amazonaws.com", "GetRoleCredentials"),
                ("sso.amazonaws.com", "ListAccountRoles"),
            ]);
            let mut call = Call::new(source, name, true)
                .additional(json!({"UserName": ctx.caller.name, "CredentialType": "EXTERNAL_IDP"}));
            if name == "UserAuthentication" {
                call.event_type = "AwsServiceEvent";
                call.read_only = Some(false);
                call.service_details = Some(json!({"UserAuthentication": "Success"}));
            }
            out.push(call);
        }
    }
}
