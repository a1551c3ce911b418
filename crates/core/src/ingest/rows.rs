//! From a record's fields to a store row: names the actor and credential
//! ([`crate::identity`]), reads the time, picks the account, and hands the
//! values to a [`BatchBuilder`]. This is where ingest meets the store, so
//! the store never needs to know what a CloudTrail record looks like.

use std::path::Path;

use crate::identity;
use crate::ingest::issuing;
use crate::ingest::record::{RecordError, RecordFields, parse_record};
use crate::model::Flag;
use crate::store::batch::{BatchBuilder, EventRow};
use crate::store::{EXACT_SEP, N_STR, Store, StrCol};
use crate::timefmt::{self, NO_TIME};

/// Adding CloudTrail records to a [`BatchBuilder`].
pub trait PushRecord {
    /// Adds one record given as its raw JSON text. A record that is not a
    /// JSON object is recorded as a problem and skipped.
    fn push_raw(&mut self, raw: &str, index: u32) -> Result<(), RecordError>;

    /// Adds one record whose fields were already read.
    fn push_fields(&mut self, raw: &str, f: &RecordFields<'_>, index: u32);
}

impl PushRecord for BatchBuilder {
    fn push_raw(&mut self, raw: &str, index: u32) -> Result<(), RecordError> {
        match parse_record(raw) {
            Ok(fields) => {
                self.push_fields(raw, &fields, index);
                Ok(())
            }
            Err(e) => {
                self.push_problem(index, e.to_string());
                Err(e)
            }
        }
    }

    fn push_fields(&mut self, raw: &str, f: &RecordFields<'_>, index: u32) {
        let id = identity::derive(f);
        let time_text = f.event_time.get().or_else(|| f.at_timestamp.get());
        let time = time_text.and_then(timefmt::parse_millis).unwrap_or(NO_TIME);
        let account = f.recipient_account_id.get().unwrap_or_else(|| {
            f.user_identity
                .as_ref()
                .map(|u| u.account_id.as_str())
                .unwrap_or("")
        });
        let ui = f.user_identity.as_ref();
        let role = identity::role_of(&id.actor, id.credential);
        let mut strs = [""; N_STR];
        strs[StrCol::Actor as usize] = &id.actor;
        strs[StrCol::EventName as usize] = f.event_name.as_str();
        strs[StrCol::EventSource as usize] = f.event_source.as_str();
        strs[StrCol::Region as usize] = f.aws_region.as_str();
        strs[StrCol::Account as usize] = account;
        strs[StrCol::SourceIp as usize] = f.source_ip.as_str();
        strs[StrCol::UserAgent as usize] = f.user_agent.as_str();
        strs[StrCol::ErrorCode as usize] = f.error_code.as_str();
        strs[StrCol::EventType as usize] = f.event_type.as_str();
        strs[StrCol::EventCategory as usize] = f.event_category.as_str();
        strs[StrCol::AccessKey as usize] = ui.map(|u| u.access_key_id.as_str()).unwrap_or("");
        strs[StrCol::UserType as usize] = ui.map(|u| u.kind.as_str()).unwrap_or("");
        strs[StrCol::Role as usize] = role;
        let exact = exact_pair(f);
        strs[StrCol::Exact as usize] = &exact;
        let row = EventRow {
            strs,
            time,
            credential: id.credential,
            read_only: flag_of(f.read_only.as_str()),
            mfa: id.mfa,
            console: id.console,
            event_id: f.event_id.as_str(),
            insight: f.event_type.as_str() == "AwsCloudTrailInsight",
        };
        let at = self.len();
        self.push_row(raw, &row, index);
        if self.len() > at {
            if time == NO_TIME
                && let Some(text) = time_text.filter(|t| !t.trim().is_empty())
            {
                self.note_unreadable_time(text);
            }
            capture_creds(self, at, raw, f, !id.actor.is_empty());
        }
    }
}

/// Records event `at`'s credential facts in the batch
/// ([`crate::ingest::issuing`]): the issued key of an issuing call, a
/// successful sign-in, and its key's hints while the key is new.
fn capture_creds(b: &mut BatchBuilder, at: usize, raw: &str, f: &RecordFields<'_>, actor: bool) {
    let local = at as u32;
    if issuing::may_capture(f) {
        match issuing::capture_fields(f, raw) {
            Some(issuing::Captured::Issue(i)) => b.creds_mut().push_issue(local, i),
            Some(issuing::Captured::Login) => b.creds_mut().push_login(local),
            None => {}
        }
    }
    let key = b.local_str(StrCol::AccessKey as usize, at);
    if key == u32::MAX {
        return;
    }
    let ui = f.user_identity.as_ref();
    let ctx = ui.and_then(|u| u.session_context.as_ref());
    let hint = (
        ctx.is_some_and(|c| c.ec2_role_delivery.get().is_some()),
        ctx.map_or("", |c| c.source_identity.as_str()),
    );
    let labels = actor && ui.is_none_or(|u| u.kind.as_str() != "AWSAccount");
    let created = if f.console.as_str().eq_ignore_ascii_case("true") {
        ctx.and_then(|c| c.attributes.as_ref())
            .map_or("", |a| a.creation_date.as_str())
    } else {
        ""
    };
    b.creds_mut().see_key(key, labels, hint, created);
}

fn flag_of(s: &str) -> Flag {
    if s.eq_ignore_ascii_case("true") {
        Flag::True
    } else if s.eq_ignore_ascii_case("false") {
        Flag::False
    } else {
        Flag::Unset
    }
}

/// A store holding the given events, one batch per `(path, records)`:
/// for tests and examples across the workspace. Records that are not JSON
/// objects are skipped.
pub fn store_from_texts(files: &[(&str, &[&str])]) -> Store {
    let mut store = Store::new();
    for (path, events) in files {
        let mut b = BatchBuilder::new(Path::new(path).to_path_buf());
        for (i, e) in events.iter().enumerate() {
            let _ = b.push_raw(e, i as u32);
        }
        store.append(b.finish());
    }
    store
}

/// The value of [`StrCol::Exact`]: the exact `userIdentity.arn` and
/// `sessionIssuer.type` joined by [`EXACT_SEP`] (empty when both are
/// absent: no allocation for most service events).
fn exact_pair<'a>(f: &'a RecordFields<'_>) -> std::borrow::Cow<'a, str> {
    let ui = f.user_identity.as_ref();
    let part = |s: &'a str| {
        // A raw control character the scanner let through would split
        // the pair wrongly: such a value is not plain.
        if s.contains(EXACT_SEP) {
            crate::ingest::record::NOT_PLAIN
        } else {
            s
        }
    };
    let arn = part(ui.map_or("", |u| u.arn.exact_str()));
    let kind = part(
        ui.and_then(|u| u.session_context.as_ref())
            .and_then(|c| c.session_issuer.as_ref())
            .map_or("", |i| i.kind.exact_str()),
    );
    if arn.is_empty() && kind.is_empty() {
        std::borrow::Cow::Borrowed("")
    } else {
        std::borrow::Cow::Owned(format!("{arn}{EXACT_SEP}{kind}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn unreadable_times_are_kept_without_a_time_and_counted() {
        let mut b = BatchBuilder::new(PathBuf::from("x.json"));
        for raw in [
            r#"{"eventName":"A","eventTime":"2024-02-30T25:61:00Z"}"#,
            r#"{"eventName":"B","eventTime":1709251200}"#,
            r#"{"eventName":"C"}"#,
            r#"{"eventName":"D","eventTime":""}"#,
            r#"{"eventName":"E","eventTime":"2024-03-01T00:00:00Z"}"#,
        ] {
            assert!(b.push_raw(raw, 0).is_ok());
        }
        let batch = b.finish();
        assert_eq!(batch.len(), 5);
        assert_eq!(batch.time.iter().filter(|&&t| t == NO_TIME).count(), 4);
        // Absent and empty times are not values: only A and B are counted.
        assert_eq!(batch.unreadable_times, 2);
        assert_eq!(batch.unreadable_time_example, "2024-02-30T25:61:00Z");
    }

    #[test]
    fn builder_keeps_problems_and_events() {
        let mut b = BatchBuilder::new(PathBuf::from("x.json"));
        assert!(
            b.push_raw(r#"{"eventName":"A","eventTime":"2023-01-01T00:00:00Z"}"#, 0)
                .is_ok()
        );
        assert!(b.push_raw("7", 1).is_err());
        assert!(b.push_raw(r#"{"eventName":"A"}"#, 2).is_ok());
        let batch = b.finish();
        assert_eq!(batch.len(), 2);
        assert_eq!(batch.problems.len(), 1);
        assert_eq!(batch.problems[0].index, 1);
        assert_eq!(
            batch.dicts[StrCol::EventName as usize]
                .values()
                .collect::<Vec<_>>(),
            vec!["A"]
        );
        assert_eq!(batch.time[1], NO_TIME);
        assert_eq!(batch.record_index, vec![0, 2]);
    }
}
