//! One API call before it becomes an event: what was called, with which
//! request and response, and what went wrong. Catalogue functions in
//! [`super::api`] produce these; [`super::event`] wraps them in the
//! CloudTrail envelope.

use serde_json::Value;

use super::rng::Rng;
use super::world::{Principal, World};

/// Where and by whom a call is made, plus the random source.
pub struct Ctx<'a> {
    pub rng: &'a mut Rng,
    pub world: &'a World,
    pub account: &'a str,
    pub region: &'static str,
    pub caller: &'a Principal,
}

impl Ctx<'_> {
    /// An ARN in this account and region.
    pub fn arn(&self, service: &str, rest: &str) -> String {
        format!("arn:aws:{service}:{}:{}:{rest}", self.region, self.account)
    }

    /// One of `pool` stable ids of kind `what` in this account (KMS keys,
    /// instances...): the same few ids recur, as in a real account.
    pub fn pooled(&mut self, what: &str, pool: u64) -> Rng {
        let n = self.rng.below(pool);
        Rng::stable(&format!("{}/{}/{what}", self.account, self.region), n)
    }

    /// An IAM ARN (global: no region).
    pub fn iam_arn(&self, rest: &str) -> String {
        format!("arn:aws:iam::{}:{rest}", self.account)
    }
}

#[derive(Debug, Clone)]
pub struct Call {
    pub source: &'static str,
    pub name: &'static str,
    /// `None` leaves `readOnly` out, as some services do.
    pub read_only: Option<bool>,
    pub request: Value,
    pub response: Value,
    pub resources: Option<Value>,
    pub additional: Option<Value>,
    pub service_details: Option<Value>,
    pub error: Option<(String, String)>,
    pub event_type: &'static str,
    pub category: &'static str,
    /// IAM, STS (global endpoint), sign-in: logged in us-east-1.
    pub global: bool,
    /// Milliseconds after the previous call of the same activity.
    pub delay_ms: i64,
    pub shared_event_id: Option<String>,
    /// Scripted: never given a random error.
    pub exact: bool,
}

impl Call {
    pub fn new(source: &'static str, name: &'static str, read_only: bool) -> Call {
        Call {
            source,
            name,
            read_only: Some(read_only),
            request: Value::Null,
            response: Value::Null,
            resources: None,
            additional: None,
            service_details: None,
            error: None,
            event_type: "AwsApiCall",
            category: "Management",
            global: matches!(source, "iam.amazonaws.com" | "signin.amazonaws.com"),
            delay_ms: 0,
            shared_event_id: None,
            exact: false,
        }
    }

    pub fn req(mut self, v: Value) -> Call {
        self.request = v;
        self
    }

    pub fn resp(mut self, v: Value) -> Call {
        self.response = v;
        self
    }

    pub fn resources(mut self, v: Value) -> Call {
        self.resources = Some(v);
        self
    }

    pub fn additional(mut self, v: Value) -> Call {
        self.additional = Some(v);
        self
    }

    pub fn data(mut self) -> Call {
        self.category = "Data";
        self
    }

    pub fn error(mut self, code: &str, message: &str) -> Call {
        self.error = Some((code.to_owned(), message.to_owned()));
        self.response = Value::Null;
        self
    }

    /// Marks a scripted call: no random error is added.
    pub fn exact(mut self) -> Call {
        self.exact = true;
        self
    }

    pub fn after(mut self, ms: i64) -> Call {
        self.delay_ms = ms;
        self
    }
}
