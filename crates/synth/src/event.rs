//! Wraps a [`Call`] in the CloudTrail record envelope: the caller's
//! `userIdentity`, address, user agent, times, ids, TLS details and (on a
//! share of calls) an error, with the fields in CloudTrail's own order.

use serde_json::{Map, Value, json};

use super::call::Call;
use super::rng::Rng;
use super::world::{Kind, Principal, World};
use trailview_core::timefmt::format_rfc3339;

/// Where an event is recorded.
pub struct Place<'a> {
    pub world: &'a World,
    pub account: &'a str,
    pub region: &'static str,
}

/// Share of caller-made calls that fail.
const ERROR_RATE: f64 = 0.07;

fn time_text(ms: i64) -> String {
    format_rfc3339(ms - ms.rem_euclid(1000))
}

/// How the caller is seen: identity, address, agent, console session.
struct Seen {
    identity: Value,
    arn: String,
    ip: String,
    agent: String,
    console: bool,
}

fn session_context(rng: &mut Rng, time_ms: i64, mfa: bool, issuer: Value) -> Value {
    let created = time_text(time_ms - rng.range(1, 3_600_000) as i64);
    json!({
        "sessionIssuer": issuer,
        "webIdFederationData": {},
        "attributes": {"creationDate": created, "mfaAuthenticated": if mfa { "true" } else { "false" }}
    })
}

/// The temporary key of a console session: one per caller and hour.
fn console_key(p: &Principal, time_ms: i64) -> String {
    format!(
        "ASIA{}",
        Rng::stable(&p.principal_id, (time_ms / 3_600_000) as u64).upper(16)
    )
}

fn seen(place: &Place, p: &Principal, rng: &mut Rng, time_ms: i64) -> Seen {
    let acct = &place.world.accounts[p.account].id;
    let mut ip = rng.pick(&p.ips).clone();
    let mut agent = (*rng.pick(&p.agents)).to_owned();
    let console = agent.starts_with("Mozilla") || agent == "AWS Internal";
    if agent == "AWS Internal" && rng.chance(0.5) {
        ip = "AWS Internal".to_owned();
    }
    let human = p.name.contains('.') || p.name.contains('@');
    let (identity, arn) = match p.kind {
        Kind::IamUser => {
            let arn = format!("arn:aws:iam::{acct}:user/{}", p.name);
            let mut id = json!({"type": "IAMUser", "principalId": p.principal_id, "arn": arn, "accountId": acct, "accessKeyId": p.key, "userName": p.name});
            if console {
                id["accessKeyId"] = json!(console_key(p, time_ms));
                id["sessionContext"] = session_context(rng, time_ms, human, json!({}));
            }
            (id, arn)
        }
        Kind::AssumedRole => {
            let s = rng.pick(&p.sessions);
            let arn = format!("arn:aws:sts::{acct}:assumed-role/{}/{}", p.name, s.name);
            let issuer = json!({"type": "Role", "principalId": p.principal_id, "arn": format!("arn:aws:iam::{acct}:role/{}", p.name), "accountId": acct, "userName": p.name});
            let mut sc = session_context(rng, time_ms, false, issuer);
            if s.name.starts_with("i-") {
                sc["ec2RoleDelivery"] = json!("2.0");
            }
            let id = json!({"type": "AssumedRole", "principalId": format!("{}:{}", p.principal_id, s.name), "arn": arn, "accountId": acct, "accessKeyId": s.key, "sessionContext": sc});
            (id, arn)
        }
        Kind::Root => {
            let arn = format!("arn:aws:iam::{acct}:root");
            let mut id = json!({"type": "Root", "principalId": acct, "arn": arn, "accountId": acct, "accessKeyId": console_key(p, time_ms)});
            let mfa = rng.chance(0.5);
            id["sessionContext"] = session_context(rng, time_ms, mfa, json!({}));
            (id, arn)
        }
        Kind::AwsService => {
            ip = p.name.clone();
            agent = p.name.clone();
            (
                json!({"type": "AWSService", "invokedBy": p.name}),
                p.name.clone(),
            )
        }
        Kind::Federated => {
            let arn = format!("arn:aws:sts::{acct}:federated-user/{}", p.name);
            let issuer = json!({"type": "IAMUser", "principalId": p.principal_id, "arn": format!("arn:aws:iam::{acct}:user/partner-broker"), "accountId": acct, "userName": "partner-broker"});
            let sc = session_context(rng, time_ms, false, issuer);
            let id = json!({"type": "FederatedUser", "principalId": format!("{acct}:{}", p.name), "arn": arn, "accountId": acct, "accessKeyId": console_key(p, time_ms), "sessionContext": sc});
            (id, arn)
        }
        Kind::AwsAccount => {
            let h = p
                .principal_id
                .bytes()
                .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
            let other = format!("{:012}", 100_000_000_000 + h % 900_000_000_000);
            let mut id = json!({"type": "AWSAccount", "principalId": format!("{}:{}", p.principal_id, rng.pick(&["lambda-name", "cross-account-reader", "backup"])), "accountId": other});
            if rng.chance(0.5) {
                id["invokedBy"] = json!("backup.amazonaws.com");
            }
            (id, format!("arn:aws:iam::{other}:root"))
        }
        Kind::IdentityCenter => {
            let uid = format!(
                "{}-{}",
                Rng::stable(&p.principal_id, 1).hex(10),
                p.principal_id.to_lowercase()
            );
            let id = json!({"type": "IdentityCenterUser", "accountId": acct, "onBehalfOf": {"userId": uid, "identityStoreArn": format!("arn:aws:identitystore::{acct}:identitystore/d-90670c1a2b")}, "credentialId": Rng::stable(&p.principal_id, (time_ms / 3_600_000) as u64).alnum(20)});
            (id, String::new())
        }
        Kind::Saml => {
            let id = json!({"type": "SAMLUser", "principalId": format!("O3vV7ZfEXAMPLE=:{}", p.name), "userName": p.name, "identityProvider": "O3vV7ZfEXAMPLEbcGM0p3V4ExAMPLE="});
            (id, String::new())
        }
        Kind::WebIdentity => {
            let provider =
                format!("arn:aws:iam::{acct}:oidc-provider/token.actions.githubusercontent.com");
            let id = json!({"type": "WebIdentityUser", "principalId": format!("{provider}:sts.amazonaws.com:{}", p.name), "userName": p.name, "identityProvider": provider});
            (id, String::new())
        }
        Kind::Untyped => {
            ip = "ec2.amazonaws.com".to_owned();
            agent = ip.clone();
            (
                json!({"accountId": acct, "invokedBy": "ec2.amazonaws.com"}),
                String::new(),
            )
        }
    };
    Seen {
        identity,
        arn,
        ip,
        agent,
        console,
    }
}

fn error_for(call: &Call, arn: &str, rng: &mut Rng) -> (String, String) {
    let service = call.source.split('.').next().unwrap_or("");
    let action = format!("{service}:{}", call.name);
    let denied = format!(
        "User: {arn} is not authorized to perform: {action} because no identity-based policy allows the {action} action"
    );
    match (service, rng.below(4)) {
        ("ec2", 0..=2) => (
            "Client.UnauthorizedOperation".into(),
            "You are not authorized to perform this operation.".into(),
        ),
        ("ec2", _) => (
            "Client.InvalidInstanceID.NotFound".into(),
            "The instance ID does not exist".into(),
        ),
        ("s3", 0..=2) => ("AccessDenied".into(), "Access Denied".into()),
        ("s3", _) => (
            "NoSuchBucketPolicy".into(),
            "The bucket policy does not exist".into(),
        ),
        ("iam", 3) => (
            "NoSuchEntityException".into(),
            "The role with name app-role-7 cannot be found.".into(),
        ),
        ("iam" | "sts", _) => ("AccessDenied".into(), denied),
        (_, 3) => ("ThrottlingException".into(), "Rate exceeded".into()),
        (_, 2) => (
            "ResourceNotFoundException".into(),
            "Requested resource not found".into(),
        ),
        _ => ("AccessDeniedException".into(), denied),
    }
}

/// The record of `call` by `caller` at `time_ms`, as a JSON object.
pub fn record(place: &Place, caller: &Principal, call: Call, time_ms: i64, rng: &mut Rng) -> Value {
    let s = seen(place, caller, rng, time_ms);
    let region = if call.global {
        "us-east-1"
    } else {
        place.region
    };
    let mut error = call.error.clone();
    let service_caller = matches!(caller.kind, Kind::AwsService | Kind::Untyped);
    if error.is_none()
        && !call.exact
        && !service_caller
        && call.event_type == "AwsApiCall"
        && rng.chance(ERROR_RATE)
    {
        error = Some(error_for(&call, &s.arn, rng));
    }
    let mut m = Map::new();
    let version = *rng.pick(&["1.08", "1.08", "1.09", "1.10"]);
    m.insert("eventVersion".into(), json!(version));
    m.insert("userIdentity".into(), s.identity);
    m.insert("eventTime".into(), json!(time_text(time_ms)));
    m.insert("eventSource".into(), json!(call.source));
    m.insert("eventName".into(), json!(call.name));
    m.insert("awsRegion".into(), json!(region));
    m.insert("sourceIPAddress".into(), json!(s.ip));
    m.insert("userAgent".into(), json!(s.agent));
    let failed = error.is_some();
    if let Some((code, message)) = error {
        if !code.is_empty() {
            m.insert("errorCode".into(), json!(code));
        }
        m.insert("errorMessage".into(), json!(message));
    }
    m.insert("requestParameters".into(), call.request);
    let response = if failed && call.name != "ConsoleLogin" {
        Value::Null
    } else {
        call.response
    };
    m.insert("responseElements".into(), response);
    if let Some(a) = call.additional {
        m.insert("additionalEventData".into(), a);
    } else if caller.kind == Kind::IdentityCenter {
        m.insert(
            "additionalEventData".into(),
            json!({"UserName": caller.name}),
        );
    }
    if call.event_type != "AwsServiceEvent" || rng.chance(0.5) {
        m.insert("requestID".into(), json!(rng.uuid()));
    }
    m.insert("eventID".into(), json!(rng.uuid()));
    if let Some(ro) = call.read_only {
        m.insert("readOnly".into(), json!(ro));
    }
    if let Some(r) = call.resources {
        m.insert("resources".into(), r);
    }
    m.insert("eventType".into(), json!(call.event_type));
    m.insert(
        "managementEvent".into(),
        json!(call.category == "Management"),
    );
    m.insert("recipientAccountId".into(), json!(place.account));
    if let Some(id) = call.shared_event_id {
        m.insert("sharedEventID".into(), json!(id));
    }
    if let Some(d) = call.service_details {
        m.insert("serviceEventDetails".into(), d);
    }
    if !service_caller && rng.chance(0.03) {
        m.insert(
            "vpcEndpointId".into(),
            json!(format!(
                "vpce-0{}",
                Rng::stable(place.account, rng.below(2)).hex(16)
            )),
        );
    }
    m.insert("eventCategory".into(), json!(call.category));
    if s.console && call.name != "ConsoleLogin" {
        m.insert("sessionCredentialFromConsole".into(), json!("true"));
    }
    if !service_caller && s.ip != "AWS Internal" {
        let service = call.source.split('.').next().unwrap_or("");
        let host = if call.global {
            format!("{service}.amazonaws.com")
        } else {
            format!("{service}.{region}.amazonaws.com")
        };
        let (tls, cipher) = if rng.chance(0.7) {
            ("TLSv1.3", "TLS_AES_128_GCM_SHA256")
        } else {
            ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256")
        };
        m.insert(
            "tlsDetails".into(),
            json!({"tlsVersion": tls, "cipherSuite": cipher, "clientProvidedHostHeader": host}),
        );
    }
    Value::Object(m)
}
