//! The CloudTrail console's "Download as CSV" of Event history.
//!
//! Such a file has no full events: each row has a handful of columns
//! (`User name,Event time,Event source,Event name,AWS region,...`). Each row
//! becomes a small JSON object with the CloudTrail field names (`eventTime`,
//! `eventName`, `userIdentity: {"userName": ...}`, `resources` as parsed
//! JSON...) and that object's text is the event's raw text: what the row had
//! is kept, nothing is invented. Columns are found by header name, so the
//! console may reorder or add columns; unknown columns are kept under their
//! header text.

use serde_json::{Map, Value};

use crate::ingest::sink::Sink;

/// Where a CSV column goes in the event object.
enum Target {
    Top(&'static str),
    Identity(&'static str),
    Resources,
    ReadOnly,
    Unknown(String),
}

fn target_of(header: &str) -> Target {
    match header.trim().to_ascii_lowercase().as_str() {
        "user name" | "username" => Target::Identity("userName"),
        "aws access key" | "access key id" | "access key" => Target::Identity("accessKeyId"),
        "event time" => Target::Top("eventTime"),
        "event source" => Target::Top("eventSource"),
        "event name" => Target::Top("eventName"),
        "aws region" | "region" => Target::Top("awsRegion"),
        "source ip address" => Target::Top("sourceIPAddress"),
        "user agent" => Target::Top("userAgent"),
        "error code" => Target::Top("errorCode"),
        "request id" => Target::Top("requestID"),
        "event id" => Target::Top("eventID"),
        "event type" => Target::Top("eventType"),
        "recipient account id" => Target::Top("recipientAccountId"),
        "event category" => Target::Top("eventCategory"),
        "read-only" | "read only" => Target::ReadOnly,
        "resources" => Target::Resources,
        _ => Target::Unknown(header.trim().to_owned()),
    }
}

/// True when the first line is a console Event history header.
pub fn is_history_header(first_line: &str) -> bool {
    let cols: Vec<String> = first_line
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_ascii_lowercase())
        .collect();
    ["event time", "event name", "event source"]
        .iter()
        .all(|need| cols.iter().any(|c| c == need))
}

/// Reads every row into the sink, or says why the file is not an Event
/// history download.
pub fn read_history(text: &str, sink: &mut Sink) -> Result<(), String> {
    let first_line = text.lines().next().unwrap_or("");
    if !is_history_header(first_line) {
        return Err(
            "not CloudTrail: a CSV file without the Event time, Event name and \
                    Event source columns of a console Event history download"
                .to_owned(),
        );
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let targets: Vec<Target> = match reader.headers() {
        Ok(h) => h.iter().map(target_of).collect(),
        Err(e) => return Err(format!("unreadable CSV header: {e}")),
    };
    for row in reader.records() {
        if sink.stopped().is_some() {
            break; // memory budget: the rest is not read
        }
        match row {
            Ok(row) => {
                let event = row_to_event(&targets, row.iter());
                sink.push(&Value::Object(event).to_string());
            }
            Err(e) => sink.problem(format!("unreadable CSV row: {e}")),
        }
    }
    Ok(())
}

fn row_to_event<'a>(
    targets: &[Target],
    cells: impl Iterator<Item = &'a str>,
) -> Map<String, Value> {
    let mut event = Map::new();
    for (target, cell) in targets.iter().zip(cells) {
        if cell.is_empty() {
            continue;
        }
        let text = Value::String(cell.to_owned());
        match target {
            Target::Top(key) => {
                event.insert((*key).to_owned(), text);
            }
            Target::Identity(key) => {
                let ui = event
                    .entry("userIdentity")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(ui) = ui {
                    ui.insert((*key).to_owned(), text);
                }
            }
            Target::Resources => {
                let v = serde_json::from_str::<Value>(cell).unwrap_or(text);
                event.insert("resources".to_owned(), v);
            }
            Target::ReadOnly => {
                let v = match cell.to_ascii_lowercase().as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => text,
                };
                event.insert("readOnly".to_owned(), v);
            }
            Target::Unknown(key) => {
                event.insert(key.clone(), text);
            }
        }
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    const HEADER: &str = "User name,Event time,Event source,Event name,AWS region,Source IP address,User agent,Error code,Resources,Request ID,Event ID,Read-only,Event type,Recipient Account Id,Event category";

    #[test]
    fn rows_become_cloudtrail_shaped_objects() {
        let text = format!(
            "{HEADER}\nalice,2021-10-27T20:39:21Z,ec2.amazonaws.com,RunInstances,us-east-1,1.2.3.4,console.amazonaws.com,,\"[{{\"\"resourceType\"\":\"\"AWS::EC2::Instance\"\",\"\"resourceName\"\":\"\"i-1\"\"}}]\",r-1,3038ebd2-c98a-4c65-9b6e-e22506292313,FALSE,AwsApiCall,046411772487,Management\n,2021-10-27T20:40:00Z,s3.amazonaws.com,ListBuckets\n"
        );
        let mut sink = Sink::new("h.csv".into());
        read_history(&text, &mut sink).expect("history");
        let mut store = Store::new();
        store.append(sink.finish());
        assert_eq!(store.len(), 2);
        let v = store.json(0).expect("json");
        assert_eq!(v["userIdentity"]["userName"], "alice");
        assert_eq!(v["eventName"], "RunInstances");
        assert_eq!(v["readOnly"], false);
        assert_eq!(v["resources"][0]["resourceName"], "i-1");
        assert_eq!(v["recipientAccountId"], "046411772487");
        assert!(v.get("errorCode").is_none());
        assert_eq!(store.value(crate::model::Column::Actor, 0), "alice");
        assert_eq!(
            store.value(crate::model::Column::Time, 0),
            "2021-10-27 20:39:21"
        );
        let v = store.json(1).expect("json");
        assert!(v.get("userIdentity").is_none());
        assert_eq!(v["eventSource"], "s3.amazonaws.com");
    }

    #[test]
    fn other_csv_is_not_cloudtrail() {
        let text = "Event Type,Event Name,Request ID,User ID,Event ID,Event DateTime\nAwsApiCall,ListObjects,1,x,2,2022\n";
        let mut sink = Sink::new("h.csv".into());
        let e = read_history(text, &mut sink).expect_err("not history");
        assert!(e.starts_with("not CloudTrail"), "{e}");
        assert!(sink.is_empty());
    }
}
