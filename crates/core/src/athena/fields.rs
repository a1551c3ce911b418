//! Trailview's fields as SQL expressions over AWS's CloudTrail table
//! ([`super::ddl::COLUMNS`]).
//!
//! Store columns become expressions that are never NULL and give the text
//! the store shows (`''` when absent): `account` is `recipientaccountid`
//! else `useridentity.accountid`, and `actor`, `credential` and `role`
//! are the rules of [`crate::identity`] written as `CASE` over
//! `useridentity` (README, "Who did it"). JSON paths resolve to a
//! [`PathExpr`]: a scalar column, a struct field, a field of every
//! `resources` element, or a JSON path into one of the JSON-string
//! columns (`requestparameters`, ...).

use crate::model::Column;

use super::lit;

/// Top-level string columns of the table, by their CloudTrail key
/// (lower-cased).
const SCALARS: &[&str] = &[
    "eventversion",
    "eventtime",
    "eventsource",
    "eventname",
    "awsregion",
    "sourceipaddress",
    "useragent",
    "errorcode",
    "errormessage",
    "requestid",
    "eventid",
    "readonly",
    "eventtype",
    "apiversion",
    "recipientaccountid",
    "sharedeventid",
    "vpcendpointid",
    "vpcendpointaccountid",
    "eventcategory",
    "sessioncredentialfromconsole",
];

/// Columns holding a JSON object as text.
pub const JSON_COLUMNS: &[&str] = &[
    "requestparameters",
    "responseelements",
    "additionaleventdata",
    "serviceeventdetails",
    "edgedevicedetails",
];

/// Struct leaves (lower-cased dotted path under the column).
const STRUCT_LEAVES: &[&str] = &[
    "useridentity.type",
    "useridentity.principalid",
    "useridentity.arn",
    "useridentity.accountid",
    "useridentity.invokedby",
    "useridentity.accesskeyid",
    "useridentity.username",
    "useridentity.onbehalfof.userid",
    "useridentity.onbehalfof.identitystorearn",
    "useridentity.sessioncontext.attributes.mfaauthenticated",
    "useridentity.sessioncontext.attributes.creationdate",
    "useridentity.sessioncontext.sessionissuer.type",
    "useridentity.sessioncontext.sessionissuer.principalid",
    "useridentity.sessioncontext.sessionissuer.arn",
    "useridentity.sessioncontext.sessionissuer.accountid",
    "useridentity.sessioncontext.sessionissuer.username",
    "useridentity.sessioncontext.ec2roledelivery",
    "useridentity.sessioncontext.webidfederationdata.federatedprovider",
    "addendum.reason",
    "addendum.updatedfields",
    "addendum.originalrequestid",
    "addendum.originaleventid",
    "tlsdetails.tlsversion",
    "tlsdetails.ciphersuite",
    "tlsdetails.clientprovidedhostheader",
];

/// Struct nodes that have children (Present / Empty only).
const STRUCT_NODES: &[&str] = &[
    "useridentity",
    "useridentity.onbehalfof",
    "useridentity.sessioncontext",
    "useridentity.sessioncontext.attributes",
    "useridentity.sessioncontext.sessionissuer",
    "useridentity.sessioncontext.webidfederationdata",
    "addendum",
    "tlsdetails",
];

/// Fields of each `resources` element.
const RESOURCE_FIELDS: &[&str] = &["arn", "accountid", "type"];

/// Every string the table holds, for the full-text approximation:
/// scalar columns, struct leaves, JSON-text columns and the resources.
pub fn text_columns() -> Vec<String> {
    let mut out: Vec<String> = SCALARS.iter().map(|s| (*s).to_owned()).collect();
    out.extend(STRUCT_LEAVES.iter().map(|s| (*s).to_owned()));
    out.extend(JSON_COLUMNS.iter().map(|s| (*s).to_owned()));
    out.push(
        "array_join(transform(resources, r -> concat_ws(' ', r.arn, r.accountid, r.type)), ' ')"
            .to_owned(),
    );
    out
}

/// Every key name a CloudTrail event's JSON has outside the JSON-text
/// columns (lower-cased), including keys the AWS table drops: a raw-text
/// term inside one of them cannot be ruled out by looking at values.
pub const KNOWN_KEYS: &[&str] = &[
    "eventversion",
    "useridentity",
    "type",
    "principalid",
    "arn",
    "accountid",
    "invokedby",
    "accesskeyid",
    "username",
    "onbehalfof",
    "userid",
    "identitystorearn",
    "sessioncontext",
    "attributes",
    "mfaauthenticated",
    "creationdate",
    "sessionissuer",
    "ec2roledelivery",
    "webidfederationdata",
    "federatedprovider",
    "sourceidentity",
    "credentialid",
    "assumedroot",
    "eventtime",
    "eventsource",
    "eventname",
    "awsregion",
    "sourceipaddress",
    "useragent",
    "errorcode",
    "errormessage",
    "requestparameters",
    "responseelements",
    "additionaleventdata",
    "requestid",
    "eventid",
    "readonly",
    "resources",
    "eventtype",
    "apiversion",
    "managementevent",
    "recipientaccountid",
    "serviceeventdetails",
    "sharedeventid",
    "vpcendpointid",
    "vpcendpointaccountid",
    "eventcategory",
    "addendum",
    "reason",
    "updatedfields",
    "originalrequestid",
    "originaleventid",
    "sessioncredentialfromconsole",
    "edgedevicedetails",
    "tlsdetails",
    "tlsversion",
    "ciphersuite",
    "clientprovidedhostheader",
    "insightdetails",
    "records",
    "true",
    "false",
    "null",
];

fn nz(e: &str) -> String {
    format!("nullif({e}, '')")
}

/// The last `/` segment of the ARN's resource part (`identity::arn_last_segment`).
fn arn_last_segment() -> String {
    nz("regexp_extract(useridentity.arn, '^(?:[^:]*:){5}(?:.*/)?([^/]*)$', 1)")
}

/// `fallback` of `identity`: ARN's last segment, principalId, invokedBy.
fn fallback() -> String {
    format!(
        "coalesce({}, {}, {})",
        arn_last_segment(),
        nz("useridentity.principalid"),
        nz("useridentity.invokedby")
    )
}

/// The `actor` column (`identity::derive`).
pub fn actor() -> String {
    let last = arn_last_segment();
    let fb = fallback();
    let role = format!(
        "coalesce({}, {})",
        nz("useridentity.sessioncontext.sessionissuer.username"),
        nz("regexp_extract(useridentity.arn, '^(?:[^:]*:){5}assumed-role/([^/]*)', 1)")
    );
    let fed = nz("regexp_extract(useridentity.arn, '^(?:[^:]*:){5}federated-user/(.*)$', 1)");
    let user = nz("useridentity.username");
    let invoked = nz("useridentity.invokedby");
    let acct = nz("useridentity.accountid");
    let ic_user = nz("json_extract_scalar(additionaleventdata, '$.UserName')");
    let on_behalf = nz("useridentity.onbehalfof.userid");
    let principal = nz("useridentity.principalid");
    // `a || b` is NULL when either is: `coalesce(a || '/' || b, a, ...)`
    // is "a/b, else a, else ...".
    format!(
        "coalesce(CASE useridentity.type
        WHEN 'Root' THEN 'root'
        WHEN 'IAMUser' THEN coalesce({user}, {last}, {fb})
        WHEN 'AssumedRole' THEN coalesce({role} || '/' || {last}, {role}, {fb})
        WHEN 'Role' THEN coalesce({issuer}, {fb})
        WHEN 'FederatedUser' THEN coalesce({fed}, {fb})
        WHEN 'AWSService' THEN coalesce({invoked}, {fb})
        WHEN 'AWSAccount' THEN coalesce({acct} || ' via ' || {invoked}, {acct}, {fb})
        WHEN 'IdentityCenterUser' THEN coalesce({ic_user}, {on_behalf}, {fb})
        WHEN 'SAMLUser' THEN coalesce({user}, {fb})
        WHEN 'WebIdentityUser' THEN coalesce({user}, {fb})
        WHEN 'Directory' THEN coalesce({user}, {fb})
        ELSE coalesce({user}, {principal}, {invoked})
    END, '')",
        issuer = nz("useridentity.sessioncontext.sessionissuer.username"),
    )
}

/// The `credential` column.
pub fn credential() -> String {
    "CASE useridentity.type \
WHEN 'Root' THEN 'root' \
WHEN 'IAMUser' THEN 'iam-user' \
WHEN 'AssumedRole' THEN 'role-session' \
WHEN 'Role' THEN 'role-session' \
WHEN 'FederatedUser' THEN 'federated' \
WHEN 'AWSService' THEN 'aws-service' \
WHEN 'AWSAccount' THEN 'aws-account' \
WHEN 'IdentityCenterUser' THEN 'identity-center' \
WHEN 'SAMLUser' THEN 'federated' \
WHEN 'WebIdentityUser' THEN 'federated' \
WHEN 'Directory' THEN 'federated' \
ELSE 'unknown' END"
        .to_owned()
}

/// A yes / no / unset flag as the store shows it (`true`, `false`, ``).
fn flag(e: &str) -> String {
    format!("CASE lower({e}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE '' END")
}

/// A store column as a never-NULL SQL string; `None` for `file` (a local
/// path, which Athena does not have: its object key is `"$path"`).
pub fn column(col: Column) -> Option<String> {
    let c = |s: &str| format!("coalesce({s}, '')");
    Some(match col {
        Column::Time => c("eventtime"),
        Column::Actor => actor(),
        Column::Credential => credential(),
        Column::EventName => c("eventname"),
        Column::EventSource => c("eventsource"),
        Column::Region => c("awsregion"),
        Column::Account => format!(
            "coalesce({}, useridentity.accountid, '')",
            nz("recipientaccountid")
        ),
        Column::SourceIp => c("sourceipaddress"),
        Column::UserAgent => c("useragent"),
        Column::ErrorCode => c("errorcode"),
        Column::EventType => c("eventtype"),
        Column::EventCategory => c("eventcategory"),
        Column::ReadOnly => flag("readonly"),
        Column::AccessKey => c("useridentity.accesskeyid"),
        Column::EventId => c("eventid"),
        Column::UserType => c("useridentity.type"),
        Column::Mfa => flag("useridentity.sessioncontext.attributes.mfaauthenticated"),
        Column::Console => flag("sessioncredentialfromconsole"),
        Column::Role => format!(
            "CASE WHEN {} = 'role-session' THEN split_part({a}, '/', 1) ELSE {a} END",
            credential(),
            a = actor()
        ),
        Column::SourceFile => return None,
        // Derived by linking events across the loaded trail (credential
        // chains): no single-row SQL expression gives them; refused.
        Column::Origin
        | Column::Chain
        | Column::Hops
        | Column::Session
        | Column::SourceIdentity => return None,
    })
}

/// Where a JSON path's values are in the table.
#[derive(Debug, Clone, PartialEq)]
pub enum PathExpr {
    /// One string (NULL when absent): a scalar column or a struct leaf.
    Scalar(String),
    /// A struct with children: only presence can be tested.
    Node(String),
    /// `resources.<field>`: the field of every element.
    Resources(String),
    /// `resources` itself.
    ResourcesList,
    /// A path into the text of a JSON column: its segments lower-cased
    /// (the predicate reads the lower-cased text, see [`json_texts`]),
    /// and the JSONPath with the keys as typed (`$["a"]["b"]`, for the
    /// select list).
    Json {
        column: &'static str,
        lower_segs: Vec<String>,
        typed_path: String,
    },
}

/// Resolves a Trailview JSON path (segments as typed). `Err` says why it
/// is not in the table.
pub fn path(segs: &[String]) -> Result<PathExpr, String> {
    let lower: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let Some(first) = lower.first() else {
        return Err("empty path".into());
    };
    if let Some(col) = JSON_COLUMNS.iter().find(|c| *c == first) {
        if segs.len() == 1 {
            return Ok(PathExpr::Scalar((*col).to_owned()));
        }
        let mut typed_path = String::from("$");
        for s in &segs[1..] {
            match s.parse::<usize>() {
                Ok(n) => typed_path.push_str(&format!("[{n}]")),
                Err(_) => typed_path.push_str(&key_path(s)[1..]),
            }
        }
        return Ok(PathExpr::Json {
            column: col,
            lower_segs: lower[1..].to_vec(),
            typed_path,
        });
    }
    if first == "resources" {
        return match &lower[1..] {
            [] => Ok(PathExpr::ResourcesList),
            [f] if RESOURCE_FIELDS.contains(&f.as_str()) => Ok(PathExpr::Resources(f.clone())),
            [n, f] if n.parse::<usize>().is_ok() && RESOURCE_FIELDS.contains(&f.as_str()) => {
                let i = n.parse::<usize>().unwrap_or(0) + 1;
                Ok(PathExpr::Scalar(format!("element_at(resources, {i}).{f}")))
            }
            _ => Err("the AWS table keeps only ARN, accountId and type of each resource".into()),
        };
    }
    let dotted = lower.join(".");
    if lower.len() == 1 && SCALARS.contains(&dotted.as_str()) {
        return Ok(PathExpr::Scalar(dotted));
    }
    if STRUCT_LEAVES.contains(&dotted.as_str()) {
        return Ok(PathExpr::Scalar(dotted));
    }
    if STRUCT_NODES.contains(&dotted.as_str()) {
        return Ok(PathExpr::Node(dotted));
    }
    Err("this field is not a column of the AWS CloudTrail table".into())
}

/// How many lists in lists [`json_texts`] follows at each step of a path
/// (and at its end); deeper nesting is not followed (docs/athena.md).
pub const LIST_LEVELS: usize = 2;

/// The JSONPath of one key (`$["k"]`, quotes and backslashes escaped).
fn key_path(key: &str) -> String {
    format!("$[\"{}\"]", key.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The JSON value at one segment of `e` (a JSON or JSON-text expression):
/// the key's value of an object; for a number, the element of a list or
/// else the key of that name (as Trailview reads `resources.0`).
fn step(e: &str, seg: &str) -> String {
    match seg.parse::<usize>() {
        Ok(n) => format!(
            "coalesce(json_extract({e}, '$[{n}]'), json_extract({e}, {}))",
            lit(&key_path(seg))
        ),
        Err(_) => format!("json_extract({e}, {})", lit(&key_path(seg))),
    }
}

/// `nodes` (an `array(json)`) with each list replaced by its elements,
/// `levels` times.
fn unwrap_lists(mut nodes: String, levels: usize) -> String {
    for _ in 0..levels {
        nodes = format!(
            "flatten(transform({nodes}, n -> coalesce(try_cast(n AS array(json)), ARRAY[n])))"
        );
    }
    nodes
}

/// The texts Trailview matches at the JSON path `lower_segs` of
/// `column`, as an `array(varchar)` (NULL elements for JSON nulls):
/// keys compared lower-cased; a list on the way is searched element by
/// element (a numeric segment picks one element instead), as
/// `crate::query::json_field` does; at the end, lists give their
/// elements, strings themselves, numbers and booleans their JSON text,
/// and objects their JSON text (`{}` none).
pub fn json_texts(column: &str, lower_segs: &[String]) -> String {
    let doc = format!("lower({column})");
    let Some((first, rest)) = lower_segs.split_first() else {
        return format!("ARRAY[{doc}]");
    };
    let mut nodes = format!("ARRAY[{}]", step(&doc, first));
    for seg in rest {
        if seg.parse::<usize>().is_err() {
            nodes = unwrap_lists(nodes, LIST_LEVELS);
        }
        nodes = format!("transform({nodes}, n -> {})", step("n", seg));
    }
    let nodes = unwrap_lists(nodes, LIST_LEVELS + 1);
    // An object's text is tested before `json_extract_scalar`, which
    // gives NULL for it in Trino but its text in other engines.
    format!(
        "transform({nodes}, n -> CASE WHEN json_format(n) LIKE '{{%' THEN nullif(json_format(n), '{{}}') WHEN json_format(n) LIKE '[%' THEN NULL ELSE json_extract_scalar(n, '$') END)"
    )
}

/// Quoting helper for callers that build literals.
pub fn string_literal(s: &str) -> String {
    lit(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        p.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn paths_resolve_to_table_shapes() {
        assert_eq!(
            path(&segs("eventName")),
            Ok(PathExpr::Scalar("eventname".into()))
        );
        assert_eq!(
            path(&segs("userIdentity.sessionContext.sessionIssuer.userName")),
            Ok(PathExpr::Scalar(
                "useridentity.sessioncontext.sessionissuer.username".into()
            ))
        );
        assert_eq!(
            path(&segs("resources.ARN")),
            Ok(PathExpr::Resources("arn".into()))
        );
        assert_eq!(
            path(&segs("resources.0.ARN")),
            Ok(PathExpr::Scalar("element_at(resources, 1).arn".into()))
        );
        assert_eq!(
            path(&segs("requestParameters.bucketName")),
            Ok(PathExpr::Json {
                column: "requestparameters",
                lower_segs: vec!["bucketname".into()],
                typed_path: "$[\"bucketName\"]".into(),
            })
        );
        assert!(path(&segs("userIdentity.sessionContext.sourceIdentity")).is_err());
        assert!(path(&segs("insightDetails.state")).is_err());
        assert!(column(Column::SourceFile).is_none());
    }
}
