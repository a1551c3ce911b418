//! `CREATE EXTERNAL TABLE` for a CloudTrail trail in S3, as AWS documents it
//! in "Create the table for CloudTrail logs in Athena using partition
//! projection" (docs/athena.md records the page and when it was read):
//! the documented columns and types, the CloudTrail input format with the
//! Hive JSON SerDe, and partition projection on the delivery date
//! (`yyyy/MM/dd`, from the loaded data's first day to `NOW`), plus account
//! and region keys (enums of the loaded values) when more than one of
//! either was loaded.

use chrono::{NaiveDate, TimeZone, Utc};

use super::layout::TrailLayout;
use super::{DATE_KEY, lit, table_ref};

/// The column list of AWS's CloudTrail table (partition projection page),
/// in its order and with its types. [`super::fields`] and
/// [`super::sql`] only read columns listed here.
pub const COLUMNS: &str = "\
    eventversion STRING,
    useridentity STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        invokedby: STRING,
        accesskeyid: STRING,
        username: STRING,
        onbehalfof: STRUCT<
            userid: STRING,
            identitystorearn: STRING>,
        sessioncontext: STRUCT<
            attributes: STRUCT<
                mfaauthenticated: STRING,
                creationdate: STRING>,
            sessionissuer: STRUCT<
                type: STRING,
                principalid: STRING,
                arn: STRING,
                accountid: STRING,
                username: STRING>,
            ec2roledelivery: STRING,
            webidfederationdata: STRUCT<
                federatedprovider: STRING,
                attributes: MAP<STRING,STRING>>
        >
    >,
    eventtime STRING,
    eventsource STRING,
    eventname STRING,
    awsregion STRING,
    sourceipaddress STRING,
    useragent STRING,
    errorcode STRING,
    errormessage STRING,
    requestparameters STRING,
    responseelements STRING,
    additionaleventdata STRING,
    requestid STRING,
    eventid STRING,
    readonly STRING,
    resources ARRAY<STRUCT<
        arn: STRING,
        accountid: STRING,
        type: STRING>>,
    eventtype STRING,
    apiversion STRING,
    recipientaccountid STRING,
    serviceeventdetails STRING,
    sharedeventid STRING,
    vpcendpointid STRING,
    vpcendpointaccountid STRING,
    eventcategory STRING,
    addendum STRUCT<
        reason: STRING,
        updatedfields: STRING,
        originalrequestid: STRING,
        originaleventid: STRING>,
    sessioncredentialfromconsole STRING,
    edgedevicedetails STRING,
    tlsdetails STRUCT<
        tlsversion: STRING,
        ciphersuite: STRING,
        clientprovidedhostheader: STRING>";

/// Where the trail is and what to call the table.
#[derive(Debug, Clone)]
pub struct DdlOptions {
    /// The S3 bucket the trail delivers to.
    pub bucket: String,
    /// The trail's S3 key prefix (may be empty).
    pub prefix: String,
    pub table: String,
    pub database: Option<String>,
}

/// Placeholder used when no loaded file showed an account or region.
const NO_ACCOUNT: &str = "ACCOUNT_ID";
const NO_REGION: &str = "REGION";

/// One path segment of the template: a fixed value when one was loaded,
/// a projected key when several were.
fn segment(values: &[&str], key: &str, placeholder: &str) -> (String, bool) {
    match values {
        [] => (placeholder.to_owned(), false),
        [one] => ((*one).to_owned(), false),
        _ => (format!("${{{key}}}"), true),
    }
}

/// The `CREATE EXTERNAL TABLE` statement for the trail these files came
/// from. `first_event_ms` (the earliest event time, epoch ms) gives the
/// first day when no file was in the S3 layout.
pub fn create_table(
    opts: &DdlOptions,
    layout: &TrailLayout,
    first_event_ms: Option<i64>,
) -> String {
    let fallback_first_day: Option<NaiveDate> = first_event_ms
        .and_then(|t| Utc.timestamp_millis_opt(t).single())
        .map(|d| d.date_naive());
    let bucket = opts
        .bucket
        .trim()
        .trim_start_matches("s3://")
        .trim_end_matches('/');
    let prefix = opts.prefix.trim().trim_matches('/');
    let mut base = format!("s3://{bucket}/");
    if !prefix.is_empty() {
        base.push_str(prefix);
        base.push('/');
    }
    base.push_str("AWSLogs/");
    let mut notes = Vec::new();
    if let Some(org) = layout.org_ids.iter().next() {
        base.push_str(org);
        base.push('/');
        if layout.org_ids.len() > 1 {
            notes.push(format!(
                "several organization ids were loaded; this table reads {org} only"
            ));
        }
    }
    let accounts: Vec<&str> = layout.accounts.iter().map(String::as_str).collect();
    let regions: Vec<&str> = layout.regions.iter().map(String::as_str).collect();
    if accounts.is_empty() {
        notes.push(format!(
            "no loaded file was in the AWSLogs/<account>/CloudTrail/<region>/ layout: replace {NO_ACCOUNT} and {NO_REGION}"
        ));
    }
    let (acct_seg, acct_key) = segment(&accounts, "account", NO_ACCOUNT);
    let (region_seg, region_key) = segment(&regions, "region", NO_REGION);
    let template = format!("{base}{acct_seg}/CloudTrail/{region_seg}/${{{DATE_KEY}}}");
    let location = if acct_key {
        base.clone()
    } else if region_key {
        format!("{base}{acct_seg}/CloudTrail/")
    } else {
        format!("{base}{acct_seg}/CloudTrail/{region_seg}/")
    };
    let first = layout
        .first_day
        .or(fallback_first_day)
        .map(|d| d.format("%Y/%m/%d").to_string())
        .unwrap_or_else(|| {
            notes.push("no date was found in the loaded data: set the projection range".into());
            "2020/01/01".into()
        });

    let mut out = String::new();
    out.push_str("-- CloudTrail table with partition projection, written by Trailview\n");
    out.push_str(
        "-- (AWS: \"Create the table for CloudTrail logs in Athena using partition projection\").\n",
    );
    out.push_str(&format!(
        "-- Loaded: {} account(s), {} region(s), first delivery day {first}.\n",
        accounts.len(),
        regions.len()
    ));
    for n in &notes {
        out.push_str(&format!("-- NOTE: {n}\n"));
    }
    let name = table_ref(opts.database.as_deref(), &opts.table).replace('"', "`");
    out.push_str(&format!("CREATE EXTERNAL TABLE {name} (\n"));
    out.push_str("    ");
    out.push_str(COLUMNS);
    out.push_str("\n)\n");
    let mut keys = vec![format!("`{DATE_KEY}` STRING")];
    if acct_key {
        keys.push("`account` STRING".into());
    }
    if region_key {
        keys.push("`region` STRING".into());
    }
    out.push_str(&format!("PARTITIONED BY ({})\n", keys.join(", ")));
    out.push_str("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\n");
    out.push_str("STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'\n");
    out.push_str("OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n");
    out.push_str(&format!("LOCATION {}\n", lit(&location)));
    let mut props: Vec<(String, String)> = vec![
        ("projection.enabled".into(), "true".into()),
        (format!("projection.{DATE_KEY}.type"), "date".into()),
        (format!("projection.{DATE_KEY}.format"), "yyyy/MM/dd".into()),
        (format!("projection.{DATE_KEY}.interval"), "1".into()),
        (
            format!("projection.{DATE_KEY}.interval.unit"),
            "DAYS".into(),
        ),
        (
            format!("projection.{DATE_KEY}.range"),
            format!("{first},NOW"),
        ),
    ];
    if acct_key {
        props.push(("projection.account.type".into(), "enum".into()));
        props.push(("projection.account.values".into(), accounts.join(",")));
    }
    if region_key {
        props.push(("projection.region.type".into(), "enum".into()));
        props.push(("projection.region.values".into(), regions.join(",")));
    }
    props.push(("storage.location.template".into(), template));
    out.push_str("TBLPROPERTIES (\n");
    let n = props.len();
    for (i, (k, v)) in props.iter().enumerate() {
        let comma = if i + 1 < n { "," } else { "" };
        out.push_str(&format!("    {}={}{comma}\n", lit(k), lit(v)));
    }
    out.push_str(");\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn opts() -> DdlOptions {
        DdlOptions {
            bucket: "s3://trail-bucket/".into(),
            prefix: "/org/".into(),
            table: "cloudtrail_logs_pp".into(),
            database: Some("security".into()),
        }
    }

    #[test]
    fn one_account_one_region_is_fixed_in_the_template() {
        let p = PathBuf::from("AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/02/f.json.gz");
        let ddl = create_table(&opts(), &TrailLayout::from_paths([p.as_path()]), None);
        assert!(ddl.contains("CREATE EXTERNAL TABLE `security`.`cloudtrail_logs_pp`"));
        assert!(ddl.contains("PARTITIONED BY (`timestamp` STRING)\n"));
        assert!(ddl.contains("'projection.timestamp.range'='2024/03/02,NOW'"));
        assert!(ddl.contains(
            "'storage.location.template'='s3://trail-bucket/org/AWSLogs/111122223333/CloudTrail/us-east-1/${timestamp}'"
        ));
        assert!(ddl.contains(
            "LOCATION 's3://trail-bucket/org/AWSLogs/111122223333/CloudTrail/us-east-1/'"
        ));
        assert!(ddl.contains("tlsdetails STRUCT<"));
        assert!(ddl.contains("'org.apache.hive.hcatalog.data.JsonSerDe'"));
    }

    #[test]
    fn several_accounts_and_regions_become_enum_keys() {
        let a = PathBuf::from("AWSLogs/o-x1/1111/CloudTrail/us-east-1/2024/03/02/f.json.gz");
        let b = PathBuf::from("AWSLogs/o-x1/2222/CloudTrail/eu-west-1/2024/03/01/f.json.gz");
        let ddl = create_table(
            &opts(),
            &TrailLayout::from_paths([a.as_path(), b.as_path()]),
            None,
        );
        assert!(
            ddl.contains("PARTITIONED BY (`timestamp` STRING, `account` STRING, `region` STRING)")
        );
        assert!(ddl.contains("'projection.account.values'='1111,2222'"));
        assert!(ddl.contains("'projection.region.values'='eu-west-1,us-east-1'"));
        assert!(ddl.contains(
            "'storage.location.template'='s3://trail-bucket/org/AWSLogs/o-x1/${account}/CloudTrail/${region}/${timestamp}'"
        ));
        assert!(ddl.contains("'projection.timestamp.range'='2024/03/01,NOW'"));
    }
}
