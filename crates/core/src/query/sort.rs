//! Ordering rows by any table column: a store column (fast, by dictionary
//! rank, see [`crate::store::sort`]), an annotation column (tags, note,
//! star, integrity) or a JSON path into the events. Text keys compare
//! case-insensitively; equal keys keep chronological order, then load
//! order, in both directions, exactly like the store's own sort.

use rayon::prelude::*;

use super::Annotations;
use super::annotations::mark_text;
use super::json_field::{raw_cell_text, split_path};
use crate::model::Direction;
use crate::model::{ColumnSpec, EventIdx};
use crate::store::Store;
use crate::store::fetch::for_each_raw;
use crate::store::raw::RawError;
use crate::timefmt::NO_TIME;

/// Rows whose raw bytes are read and parsed at once when keying by a
/// JSON path.
const PATH_CHUNK: usize = 16 * 1024;

/// Sorts `rows` by `spec`. JSON-path keys are read from every row's raw
/// event (in parallel, a chunk of rows at a time), so that sort costs
/// about as much as a JSON-path filter.
pub fn sort_rows(
    store: &Store,
    rows: &mut [EventIdx],
    spec: &ColumnSpec,
    order: Direction,
    ann: &dyn Annotations,
) {
    let keys: Vec<String> = match spec {
        ColumnSpec::Column(c) => return store.sort_by_column(rows, *c, order),
        ColumnSpec::Mark(crate::model::Mark::Detections) => {
            rows.par_iter().map(|&i| detection_key(ann, i)).collect()
        }
        ColumnSpec::Mark(m) => rows
            .par_iter()
            .map(|&i| mark_text(ann, *m, i).to_lowercase())
            .collect(),
        ColumnSpec::Path(p) => path_keys(store, rows, p),
    };
    sort_by_keys(store, rows, keys, order);
}

/// The detections column sorts by the highest level an event matched,
/// then by how many rules, then by their titles: descending puts the
/// critical hits first and the events without hits last.
fn detection_key(ann: &dyn Annotations, idx: EventIdx) -> String {
    let rules = ann.rules(idx);
    let Some(level) = rules.iter().map(|r| r.level).max() else {
        return String::new();
    };
    format!(
        "{level}{:06}{}",
        rules.len().min(999_999),
        mark_text(ann, crate::model::Mark::Detections, idx).to_lowercase()
    )
}

/// The lower-cased text at `path` of each row, as the table shows it.
fn path_keys(store: &Store, rows: &[EventIdx], path: &str) -> Vec<String> {
    let mut keys = Vec::with_capacity(rows.len());
    let Some(segs) = split_path(path) else {
        return vec![String::new(); rows.len()];
    };
    for chunk in rows.chunks(PATH_CHUNK) {
        let mut raws: Vec<Vec<u8>> = Vec::with_capacity(chunk.len());
        let read = for_each_raw(store, chunk, |_, raw| {
            raws.push(raw.to_vec());
            Ok::<(), RawError>(())
        });
        if read.is_err() {
            // One event cannot be read back: key the others one by one; an
            // unreadable event sorts as if the path were absent.
            raws = chunk
                .iter()
                .map(|&i| store.raw(i).unwrap_or_default())
                .collect();
        }
        // Only what lies on the path is parsed.
        keys.par_extend(
            raws.par_iter()
                .map(|raw| raw_cell_text(raw, &segs).to_lowercase()),
        );
    }
    keys
}

/// Sorts `rows` by `keys` (one per row, same order), then time, then
/// load order. Empty keys sort first ascending, last descending.
fn sort_by_keys(store: &Store, rows: &mut [EventIdx], keys: Vec<String>, order: Direction) {
    let times = store.times();
    let mut keyed: Vec<(String, i64, EventIdx)> = keys
        .into_iter()
        .zip(rows.iter())
        .map(|(k, &i)| {
            let t = times.get(i as usize).copied().unwrap_or(NO_TIME);
            // Events without a time sort after every timed event.
            (k, if t == NO_TIME { i64::MAX } else { t }, i)
        })
        .collect();
    let desc = order == Direction::Descending;
    keyed.par_sort_unstable_by(|a, b| {
        let primary = if desc { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) };
        primary.then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
    });
    for (row, (_, _, i)) in rows.iter_mut().zip(keyed) {
        *row = i;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::store_from_texts;
    use crate::model::Mark;
    use crate::query::{NoAnnotations, RuleLabel};

    fn store() -> Store {
        store_from_texts(&[(
            "a.json",
            &[
                r#"{"eventTime":"2023-01-01T00:00:03Z","requestParameters":{"bucketName":"beta"}}"#,
                r#"{"eventTime":"2023-01-01T00:00:02Z","requestParameters":{"bucketName":"Alpha"}}"#,
                r#"{"eventTime":"2023-01-01T00:00:01Z"}"#,
                r#"{"eventTime":"2023-01-01T00:00:00Z","requestParameters":{"bucketName":"beta"}}"#,
                r#"{"resources":[{"ARN":"arn:b"}],"requestParameters":{"bucketName":"alpha"}}"#,
            ],
        )])
    }

    fn sorted(spec: &str, order: Direction) -> Vec<EventIdx> {
        let s = store();
        let mut rows = s.all_rows();
        sort_rows(
            &s,
            &mut rows,
            &ColumnSpec::parse(spec),
            order,
            &NoAnnotations,
        );
        rows
    }

    /// Rules per event: 0 low "Zeta"; 1 high "Alpha"; 2 none; 3 high
    /// "Beta" and low "Zeta"; 4 critical "Omega".
    struct Hits(Vec<Vec<RuleLabel>>);

    impl Annotations for Hits {
        fn rules(&self, idx: EventIdx) -> Vec<&RuleLabel> {
            self.0[idx as usize].iter().collect()
        }
    }

    fn rule(title: &str, level: u8) -> RuleLabel {
        RuleLabel {
            id: title.to_lowercase(),
            title: title.into(),
            level,
            attack: Vec::new(),
        }
    }

    #[test]
    fn detections_sort_by_highest_level_then_rule_count() {
        let hits = Hits(vec![
            vec![rule("Zeta", 1)],
            vec![rule("Alpha", 3)],
            vec![],
            vec![rule("Beta", 3), rule("Zeta", 1)],
            vec![rule("Omega", 4)],
        ]);
        let s = store();
        let spec = ColumnSpec::Mark(Mark::Detections);
        let mut rows = s.all_rows();
        sort_rows(&s, &mut rows, &spec, Direction::Descending, &hits);
        // Critical, then high with two rules, high with one, low, none
        // (by text, "Zeta" would come before "Omega" and "Alpha" last).
        assert_eq!(rows, [4, 3, 1, 0, 2]);
        sort_rows(&s, &mut rows, &spec, Direction::Ascending, &hits);
        assert_eq!(rows, [2, 0, 1, 3, 4]);
    }

    #[test]
    fn json_path_sorts_case_insensitively_with_time_then_load_order() {
        // "" < "alpha" (row 1 timed, row 4 untimed) < "beta" (3 then 0 by time).
        assert_eq!(
            sorted("requestParameters.bucketName", Direction::Ascending),
            [2, 1, 4, 3, 0]
        );
        // Descending reverses the key only: ties stay chronological.
        assert_eq!(
            sorted("requestParameters.bucketName", Direction::Descending),
            [3, 0, 1, 4, 2]
        );
        assert_eq!(sorted("resources.0.ARN", Direction::Descending)[0], 4);
    }

    #[test]
    fn store_columns_use_the_store_sort() {
        assert_eq!(sorted("eventTime", Direction::Ascending), [3, 2, 1, 0, 4]);
    }

    #[test]
    fn annotation_columns_sort_by_their_text() {
        struct Starred;
        impl Annotations for Starred {
            fn is_starred(&self, idx: EventIdx) -> bool {
                idx == 2
            }
        }
        let s = store();
        let mut rows = s.all_rows();
        let spec = ColumnSpec::Mark(Mark::Starred);
        sort_rows(&s, &mut rows, &spec, Direction::Descending, &Starred);
        assert_eq!(rows[0], 2);
    }
}
