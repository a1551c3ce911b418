//! Hints about a query that parses but probably does not say what the
//! analyst meant: a field that is neither a column nor a CloudTrail field
//! (`ame:StartQueryExecution`) is read as a JSON path, scans every event and
//! matches nothing. The hint names the field and the closest known name.

use super::ast::{Cond, Field};
use crate::model::Column;
use crate::store::path::TOP_LEVEL_FIELDS;

/// Short names and column names a query accepts (see `Column::parse`),
/// besides the CloudTrail fields.
const SHORT_NAMES: [&str; 22] = [
    "actor",
    "user",
    "cred",
    "credential",
    "name",
    "source",
    "region",
    "account",
    "ip",
    "agent",
    "error",
    "type",
    "key",
    "id",
    "role",
    "mfa",
    "console",
    "file",
    "time",
    "category",
    "tag",
    "integrity",
];

/// One field of a query that is not a known name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    /// The first segment of the path, as typed.
    pub field: String,
    /// The known name closest to it, if one is close.
    pub suggestion: Option<String>,
}

impl std::fmt::Display for UnknownField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} is not a column nor a CloudTrail field (read as a JSON path)",
            self.field
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, "; did you mean {s:?}?")?;
        }
        Ok(())
    }
}

impl super::Query {
    /// The fields of this query whose first segment is neither a column
    /// (or short name) nor a CloudTrail top-level field, each once, in the
    /// order they appear.
    pub fn unknown_fields(&self) -> Vec<UnknownField> {
        let mut out: Vec<UnknownField> = Vec::new();
        if let Some(e) = &self.expr {
            e.for_each_cond(&mut |c| {
                let Cond::Field(Field::Path(segs), _) = c else {
                    return;
                };
                let Some(root) = segs.first() else { return };
                if is_known(root) || out.iter().any(|u| u.field.eq_ignore_ascii_case(root)) {
                    return;
                }
                out.push(UnknownField {
                    field: root.clone(),
                    suggestion: closest(root),
                });
            });
        }
        out
    }
}

fn is_known(root: &str) -> bool {
    TOP_LEVEL_FIELDS
        .iter()
        .any(|f| f.eq_ignore_ascii_case(root))
        || Column::parse(root).is_some()
}

/// The known name within a small edit distance of `typed` (case ignored).
fn closest(typed: &str) -> Option<String> {
    let typed = typed.to_ascii_lowercase();
    let limit = if typed.len() <= 4 { 1 } else { 2 };
    SHORT_NAMES
        .iter()
        .copied()
        .chain(TOP_LEVEL_FIELDS)
        .chain(Column::ALL.iter().map(|c| c.name()))
        .map(|name| (edit_distance(&typed, &name.to_ascii_lowercase()), name))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, name)| (*d, name.len()))
        .map(|(_, name)| name.to_owned())
}

/// Levenshtein distance over bytes (names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use crate::query::parse;

    fn hints(q: &str) -> Vec<String> {
        parse(q)
            .expect("parses")
            .unknown_fields()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_mistyped_field_is_named_with_the_closest_known_name() {
        assert_eq!(
            hints("ame:StartQueryExecution"),
            [
                "\"ame\" is not a column nor a CloudTrail field (read as a JSON path); did you mean \"name\"?"
            ]
        );
        let h = hints("requestParamters.bucketName:logs -eventNme:x");
        assert!(h[0].contains("\"requestParameters\""), "{h:?}");
        assert!(h[1].contains("\"eventName\""), "{h:?}");
    }

    #[test]
    fn known_fields_short_names_and_text_give_no_hint() {
        for q in [
            "name:GetObject",
            "eventname:x requestParameters.bucketName:* USERIDENTITY.arn:*",
            "tag:evidence has:note is:starred integrity:valid time:2024",
            "decrypt \"assumed-role\" /AKIA[0-9A-Z]{16}/",
            "",
        ] {
            assert!(hints(q).is_empty(), "{q}: {:?}", hints(q));
        }
    }

    #[test]
    fn a_field_far_from_every_name_is_named_without_a_guess() {
        let q = parse("p_log_type:AWS.CloudTrail p_log_type:x").expect("parses");
        let u = q.unknown_fields();
        assert_eq!(u.len(), 1, "each field once");
        assert_eq!(u[0].field, "p_log_type");
        assert_eq!(u[0].suggestion, None);
    }
}
