//! Dot paths into an event's JSON (`requestParameters.bucketName`,
//! `resources.0.ARN`): looking a field up and showing it as text.

use serde_json::Value;

/// Top-level fields of CloudTrail events (record contents, CloudTrail user
/// guide), plus the `@timestamp` some exports add. A column path whose
/// first segment is one of these is accepted without looking at the data.
pub const TOP_LEVEL_FIELDS: [&str; 33] = [
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "requestID",
    "eventID",
    "readOnly",
    "resources",
    "eventType",
    "apiVersion",
    "managementEvent",
    "recipientAccountId",
    "serviceEventDetails",
    "sharedEventID",
    "vpcEndpointId",
    "vpcEndpointAccountId",
    "eventCategory",
    "addendum",
    "sessionCredentialFromConsole",
    "edgeDeviceDetails",
    "tlsDetails",
    "insightDetails",
    "@timestamp",
    "annotation",
];

/// Looks up a dot path: object keys by name, list items by number.
pub fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for seg in path.split('.') {
        cur = match cur {
            Value::Object(map) => map.get(seg)?,
            Value::Array(items) => items.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// A JSON value as cell text: strings as themselves, `null` as empty,
/// anything else as compact JSON.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// True when `path` is a well-formed dot path: non-empty segments of
/// letters, digits and `_ - @ $ :`.
pub fn is_well_formed(path: &str) -> bool {
    !path.is_empty()
        && path.split('.').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '@' | '$' | ':'))
        })
}

/// True when the path starts with a known CloudTrail top-level field.
pub fn is_known_root(path: &str) -> bool {
    let root = path.split('.').next().unwrap_or("");
    TOP_LEVEL_FIELDS.contains(&root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn looks_up_keys_and_indices() {
        let v = json!({"requestParameters": {"bucketName": "b", "n": 3},
                       "resources": [{"ARN": "arn:1"}, {"ARN": "arn:2"}],
                       "responseElements": null});
        assert_eq!(
            lookup(&v, "requestParameters.bucketName"),
            Some(&json!("b"))
        );
        assert_eq!(lookup(&v, "resources.1.ARN"), Some(&json!("arn:2")));
        assert_eq!(lookup(&v, "resources.x"), None);
        assert_eq!(lookup(&v, "requestParameters.bucketName.deeper"), None);
        assert_eq!(lookup(&v, "nope"), None);
        assert_eq!(value_text(&json!(null)), "");
        assert_eq!(value_text(&json!("s")), "s");
        assert_eq!(value_text(&json!(3)), "3");
        assert_eq!(value_text(&json!({"a": [1]})), "{\"a\":[1]}");
        assert_eq!(
            lookup(&v, "requestParameters").map(value_text).as_deref(),
            Some("{\"bucketName\":\"b\",\"n\":3}")
        );
    }

    #[test]
    fn path_checks() {
        assert!(is_well_formed("requestParameters.bucketName"));
        assert!(is_well_formed("@timestamp"));
        assert!(!is_well_formed("a..b"));
        assert!(!is_well_formed("has space"));
        assert!(!is_well_formed(""));
        assert!(is_known_root("requestParameters.x"));
        assert!(!is_known_root("evntName"));
    }
}
