//! Athena and Glue: an Athena query is three or more events sharing one
//! `queryExecutionId` (start, poll, fetch results).

use serde_json::json;

use super::super::call::{Call, Ctx};

const ATHENA: &str = "athena.amazonaws.com";
const QUERIES: &[&str] = &[
    "SELECT order_id, customer_email, total FROM orders WHERE dt = '2024-03-11' LIMIT 100",
    "SELECT count(*) FROM datalake.clickstream WHERE event_date >= date '2024-03-01'",
    "SELECT useridentity.arn, eventname, count(*) AS n FROM cloudtrail_logs GROUP BY 1, 2 ORDER BY n DESC LIMIT 50",
    "MSCK REPAIR TABLE datalake.orders",
];

/// Start a query, poll it, fetch its results.
pub fn query(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let sql = *ctx.rng.pick(QUERIES);
    athena_session(ctx, out, sql, "primary");
}

/// The Athena events of one query, all with the same execution id.
pub fn athena_session(ctx: &mut Ctx, out: &mut Vec<Call>, sql: &str, workgroup: &str) {
    let qid = ctx.rng.uuid();
    let token = ctx.rng.uuid();
    let output = format!("s3://acme-athena-results/{workgroup}/");
    out.push(
        Call::new(ATHENA, "StartQueryExecution", false)
            .req(json!({"queryString": sql, "clientRequestToken": token, "queryExecutionContext": {"database": "datalake"}, "resultConfiguration": {"outputLocation": output}, "workGroup": workgroup}))
            .resp(json!({"queryExecutionId": qid})),
    );
    let polls = ctx.rng.range(1, 3);
    for _ in 0..polls {
        let wait = ctx.rng.range(300, 2500) as i64;
        out.push(
            Call::new(ATHENA, "GetQueryExecution", true)
                .req(json!({"queryExecutionId": qid}))
                .after(wait),
        );
    }
    out.push(
        Call::new(ATHENA, "GetQueryResults", true)
            .req(json!({"queryExecutionId": qid, "maxResults": 1000}))
            .after(400),
    );
}

pub fn glue(ctx: &mut Ctx, out: &mut Vec<Call>) {
    let table = *ctx
        .rng
        .pick(&["orders", "clickstream", "cloudtrail_logs", "customers"]);
    let call = if ctx.rng.chance(0.5) {
        Call::new("glue.amazonaws.com", "GetTable", true)
            .req(json!({"databaseName": "datalake", "name": table}))
    } else {
        Call::new("glue.amazonaws.com", "GetPartitions", true).req(json!({"databaseName": "datalake", "tableName": table, "expression": "dt >= '2024-03-01'"}))
    };
    out.push(call);
}
