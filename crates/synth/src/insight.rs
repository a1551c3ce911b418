//! CloudTrail Insights events: a Start and an End record sharing one
//! `sharedEventID`, delivered in `CloudTrail-Insight` files.

use serde_json::{Value, json};

use super::rng::Rng;
use trailview_core::timefmt::format_rfc3339;

/// What an insight is about.
pub struct Anomaly<'a> {
    pub source: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub actor_arn: &'a str,
    pub agent: &'a str,
}

fn attributions(a: &Anomaly, insight: f64, baseline: f64) -> Value {
    json!([
        {"attribute": "userIdentityArn", "insight": [{"value": a.actor_arn, "average": insight}], "baseline": [{"value": a.actor_arn, "average": baseline}]},
        {"attribute": "userAgent", "insight": [{"value": a.agent, "average": insight}], "baseline": [{"value": a.agent, "average": baseline}]},
        {"attribute": "errorCode", "insight": [{"value": "null", "average": insight}], "baseline": [{"value": "null", "average": baseline}]}
    ])
}

/// The Start and End records of one insight beginning at `start_ms`.
pub fn pair(rng: &mut Rng, account: &str, region: &str, start_ms: i64, a: &Anomaly) -> [Value; 2] {
    let shared = rng.uuid();
    let minutes = rng.range(3, 40);
    let baseline = (rng.range(1, 200) as f64) / 1000.0;
    let insight = baseline * rng.range(20, 400) as f64;
    let end_ms = start_ms + minutes as i64 * 60_000;
    let one = |rng: &mut Rng, state: &str, t: i64, stats: Value| {
        json!({
            "eventVersion": "1.08",
            "eventTime": format_rfc3339(t - t.rem_euclid(60_000)),
            "awsRegion": region,
            "eventID": rng.uuid(),
            "eventType": "AwsCloudTrailInsight",
            "recipientAccountId": account,
            "sharedEventID": shared,
            "insightDetails": {
                "state": state,
                "eventSource": a.source,
                "eventName": a.name,
                "insightType": a.kind,
                "insightContext": {"statistics": stats, "attributions": attributions(a, insight, baseline)}
            },
            "eventCategory": "Insight"
        })
    };
    let start = one(
        rng,
        "Start",
        start_ms,
        json!({"baseline": {"average": baseline}, "insight": {"average": insight}}),
    );
    let end = one(
        rng,
        "End",
        end_ms,
        json!({"baseline": {"average": baseline}, "insight": {"average": insight}, "insightDuration": minutes, "baselineDuration": 10079}),
    );
    [start, end]
}
