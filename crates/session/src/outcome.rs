//! How an event turned out, for colouring: an error, a write (changes
//! something) or a read-only success.

use trailview_core::model::{Column, EventIdx, Flag};
use trailview_core::store::{Store, StrCol};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Read,
    Write,
    Error,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Read => "read",
            Outcome::Write => "write",
            Outcome::Error => "error",
        }
    }
}

const READ_PREFIXES: [&str; 10] = [
    "Get", "List", "Describe", "Head", "Lookup", "Search", "BatchGet", "Select", "Query", "Scan",
];

/// Error when `errorCode` is set; else write when `readOnly` is false (or
/// absent and the name does not read like a read call); else read.
pub fn outcome(store: &Store, idx: EventIdx) -> Outcome {
    if !store.str_value(StrCol::ErrorCode, idx).is_empty() {
        return Outcome::Error;
    }
    match store.flag(Column::ReadOnly, idx) {
        Flag::True => Outcome::Read,
        Flag::False => Outcome::Write,
        Flag::Unset => {
            let name = store.str_value(StrCol::EventName, idx);
            if name.is_empty() || READ_PREFIXES.iter().any(|p| name.starts_with(p)) {
                Outcome::Read
            } else {
                Outcome::Write
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailview_core::ingest::store_from_texts;

    #[test]
    fn classifies_error_write_and_read() {
        let store = store_from_texts(&[(
            "a.json",
            &[
                r#"{"eventName":"PutObject","errorCode":"AccessDenied","readOnly":false}"#,
                r#"{"eventName":"PutObject","readOnly":false}"#,
                r#"{"eventName":"GetObject","readOnly":true}"#,
                r#"{"eventName":"DeleteBucket"}"#,
                r#"{"eventName":"DescribeInstances"}"#,
            ],
        )]);
        let got: Vec<Outcome> = (0..5).map(|i| outcome(&store, i)).collect();
        assert_eq!(
            got,
            [
                Outcome::Error,
                Outcome::Write,
                Outcome::Read,
                Outcome::Write,
                Outcome::Read
            ]
        );
    }
}
