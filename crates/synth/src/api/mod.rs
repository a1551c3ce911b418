//! The catalogue of API calls, and which calls each kind of caller makes.
//! Weights are shares of the events a caller of that kind produces.

pub mod analytics;
pub mod compute;
pub mod identity;
pub mod security;
pub mod storage;

use super::call::{Call, Ctx};
use super::world::Kind;

type Builder = fn(&mut Ctx, &mut Vec<Call>);

/// What people, roles and machine users do.
const GENERAL: &[(u32, Builder)] = &[
    (10, storage::list_buckets),
    (12, storage::bucket_read),
    (8, storage::list_objects),
    (12, storage::object_io),
    (1, storage::put_bucket_policy),
    (6, storage::dynamodb),
    (10, identity::iam_read),
    (2, identity::iam_write),
    (10, identity::assume_role),
    (6, identity::caller_identity),
    (1, identity::session_token),
    (14, compute::ec2_describe),
    (2, compute::ec2_change),
    (4, compute::lambda),
    (5, compute::ssm),
    (4, compute::ecr_logs),
    (8, security::kms),
    (3, security::cloudtrail),
    (3, security::secrets),
    (1, security::guardduty),
    (2, analytics::query),
    (2, analytics::glue),
];

/// What an AWS service calls on a customer's behalf, by `invokedBy`.
fn service_calls(service: &str) -> &'static [(u32, Builder)] {
    match service {
        "cloudtrail.amazonaws.com" => &[(1, storage::bucket_read), (3, storage::object_io)],
        "config.amazonaws.com" => &[
            (3, security::config),
            (2, storage::bucket_read),
            (2, compute::ec2_describe),
            (1, identity::iam_read),
        ],
        "athena.amazonaws.com" => &[
            (2, analytics::glue),
            (2, storage::object_io),
            (1, security::kms),
        ],
        "ssm.amazonaws.com" => &[(2, compute::ssm), (1, security::kms)],
        "elasticloadbalancing.amazonaws.com" | "autoscaling.amazonaws.com" => {
            &[(3, compute::ec2_describe), (1, compute::ec2_change)]
        }
        _ => &[
            (3, identity::assume_role),
            (4, security::kms),
            (1, compute::service_event),
        ],
    }
}

fn pick(ctx: &mut Ctx, table: &[(u32, Builder)]) -> Builder {
    let weights: Vec<u32> = table.iter().map(|t| t.0).collect();
    table[ctx.rng.weighted(&weights)].1
}

/// Appends the events of one activity of `ctx.caller`.
pub fn activity(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let builder: Builder = match ctx.caller.kind {
        Kind::AwsService => {
            let table = service_calls(&ctx.caller.name);
            pick(ctx, table)
        }
        Kind::Untyped => compute::service_event,
        Kind::AwsAccount => pick(
            ctx,
            &[
                (3, identity::assume_role),
                (3, security::kms),
                (1, storage::object_io),
            ],
        ),
        Kind::Saml | Kind::WebIdentity | Kind::IdentityCenter => identity::federated_login,
        Kind::Root if ctx.rng.chance(0.3) => identity::console_login,
        Kind::Federated if ctx.rng.chance(0.1) => identity::federation_token,
        Kind::IamUser if ctx.caller.name.contains('.') && ctx.rng.chance(0.04) => {
            identity::console_login
        }
        _ => pick(ctx, GENERAL),
    };
    builder(ctx, out);
}
