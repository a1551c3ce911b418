//! Checks on the dot paths a user names as columns
//! (`requestParameters.bucketName`, `resources.0.ARN`): well-formed, and
//! rooted at a known CloudTrail field. Looking paths up is
//! [`crate::query::json_field`]'s, so that the table, `list`, CSV export,
//! sorting and queries all read a path the same way.

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
