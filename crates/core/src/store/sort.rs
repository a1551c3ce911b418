//! Sorting event rows by a store column ([`Store::sort_by_column`]); sorting
//! by any table column (annotations, JSON paths) builds on it in
//! `query::sort`. The sort is stable, with event time (then load
//! order) as the tie-break, in parallel. String columns sort by a rank
//! computed once per dictionary, so comparing two rows never touches text.

use rayon::prelude::*;

use crate::model::{Column, Direction, EventIdx};
use crate::store::{Store, StrCol, batch};

impl Store {
    /// Sorts `rows` by `col`. Equal keys keep chronological order (events
    /// without a time last), then load order, in both directions.
    pub fn sort_by_column(&self, rows: &mut [EventIdx], col: Column, order: Direction) {
        let key = self.sort_keys(col);
        let times = self.times();
        let desc = order == Direction::Descending;
        // Compute each row's full key once, then sort the keys: comparing
        // precomputed tuples is far cheaper than chasing three arrays per
        // comparison.
        let mut keyed: Vec<(u64, u64, EventIdx)> = rows
            .par_iter()
            .map(|&i| {
                let k = key(i);
                let primary = if desc { u64::MAX - k } else { k };
                (primary, time_key(times[i as usize]), i)
            })
            .collect();
        keyed.par_sort_unstable();
        rows.par_iter_mut()
            .zip(keyed.par_iter())
            .for_each(|(row, &(_, _, i))| *row = i);
    }

    /// A function giving each row's primary sort key as a `u64`.
    fn sort_keys(&self, col: Column) -> Box<dyn Fn(EventIdx) -> u64 + Sync + '_> {
        if let Some(sc) = StrCol::of(col) {
            let ranks = self.dict(sc).sort_ranks();
            let ids = self.str_ids(sc);
            return Box::new(move |i| u64::from(ranks[ids[i as usize] as usize]));
        }
        match col {
            Column::Time => {
                let t = self.times();
                Box::new(move |i| {
                    let v = t[i as usize];
                    if v == i64::MIN {
                        u64::MAX
                    } else {
                        (v as u64) ^ (1 << 63)
                    }
                })
            }
            Column::Credential => {
                let c = self.credentials();
                let mut rank = [0u64; 256];
                for (v, r) in rank.iter_mut().enumerate() {
                    *r = credential_rank(crate::model::Credential::from_u8(v as u8).as_str());
                }
                Box::new(move |i| rank[c[i as usize] as usize])
            }
            Column::ReadOnly | Column::Mfa | Column::Console => {
                let f = self.flags(col).unwrap_or(&[]);
                // false < true < unset
                Box::new(move |i| match f.get(i as usize) {
                    Some(1) => 0,
                    Some(2) => 1,
                    _ => 2,
                })
            }
            c if crate::credentials::is_derived(c) => match self.credential_graph() {
                Some(g) => g.sort_keys(self, c),
                None => Box::new(|_| 0),
            },
            Column::SourceFile => {
                let files = self.files();
                let mut order: Vec<u32> = (0..files.len() as u32).collect();
                order.sort_by(|&a, &b| files[a as usize].cmp(&files[b as usize]));
                let mut rank = vec![0u64; files.len()];
                for (r, f) in order.into_iter().enumerate() {
                    rank[f as usize] = r as u64;
                }
                let ids = self.file_ids();
                Box::new(move |i| rank[ids[i as usize] as usize])
            }
            _ => {
                let rank = self.event_id_ranks();
                Box::new(move |i| rank[i as usize])
            }
        }
    }

    /// The rank of every event's ID in text order (equal IDs share a
    /// rank; events without an ID rank last). Canonical UUIDs are
    /// fixed-width lower-case hex, so their numeric order is their text
    /// order and only UUID-vs-other comparisons format text.
    fn event_id_ranks(&self) -> Vec<u64> {
        use std::cmp::Ordering;
        let kind = &self.id_kind;
        let value = &self.id_value;
        if kind.iter().all(|&k| k <= 1) {
            return self.uuid_ranks();
        }
        let cmp = |a: EventIdx, b: EventIdx| -> Ordering {
            let (a, b) = (a as usize, b as usize);
            match (kind[a], kind[b]) {
                (0, 0) => Ordering::Equal,
                (0, _) => Ordering::Greater,
                (_, 0) => Ordering::Less,
                (1, 1) => value[a].cmp(&value[b]),
                (2, 2) => self
                    .other_ids
                    .get(value[a] as u32)
                    .cmp(self.other_ids.get(value[b] as u32)),
                (1, _) => batch::format_uuid(value[a])
                    .as_str()
                    .cmp(self.other_ids.get(value[b] as u32)),
                _ => self
                    .other_ids
                    .get(value[a] as u32)
                    .cmp(batch::format_uuid(value[b]).as_str()),
            }
        };
        let mut order: Vec<EventIdx> = (0..self.len() as EventIdx).collect();
        order.par_sort_unstable_by(|&a, &b| cmp(a, b));
        let mut rank = vec![0u64; order.len()];
        let mut r = 0u64;
        for (n, &i) in order.iter().enumerate() {
            if n > 0 && cmp(order[n - 1], i) != Ordering::Equal {
                r += 1;
            }
            rank[i as usize] = r;
        }
        rank
    }
}

impl Store {
    /// [`Self::event_id_ranks`] when every ID is a canonical UUID (or
    /// missing), as in a real trail: the 128-bit keys are sorted in place,
    /// which is several times faster than an index sort that looks each
    /// key up.
    fn uuid_ranks(&self) -> Vec<u64> {
        let mut keyed: Vec<(bool, u128, EventIdx)> = self
            .id_kind
            .iter()
            .zip(&self.id_value)
            .enumerate()
            .map(|(i, (&k, &v))| (k == 0, if k == 0 { 0 } else { v }, i as EventIdx))
            .collect();
        keyed.par_sort_unstable();
        let mut rank = vec![0u64; keyed.len()];
        let mut r = 0u64;
        for (n, &(missing, v, i)) in keyed.iter().enumerate() {
            if n > 0 && (keyed[n - 1].0, keyed[n - 1].1) != (missing, v) {
                r += 1;
            }
            if let Some(slot) = rank.get_mut(i as usize) {
                *slot = r;
            }
        }
        rank
    }
}

/// Orders times as unsigned keys, events without a time last.
fn time_key(t: i64) -> u64 {
    if t == crate::timefmt::NO_TIME {
        u64::MAX
    } else {
        (t as u64) ^ (1 << 63)
    }
}

fn credential_rank(name: &str) -> u64 {
    let mut names: Vec<&str> = crate::model::Credential::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    names.sort_unstable();
    names.iter().position(|n| *n == name).unwrap_or(names.len()) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::store_from_texts;

    fn names(store: &Store, rows: &[EventIdx]) -> Vec<String> {
        rows.iter()
            .map(|&i| store.value(Column::EventName, i).into_owned())
            .collect()
    }

    #[test]
    fn sorts_by_string_with_time_tie_break_and_empty_last() {
        let store = store_from_texts(&[(
            "f",
            &[
                r#"{"eventName":"b","eventTime":"2023-01-03T00:00:00Z"}"#,
                r#"{"eventName":"a","eventTime":"2023-01-02T00:00:00Z"}"#,
                r#"{"eventName":"B","eventTime":"2023-01-01T00:00:00Z"}"#,
                r#"{"eventTime":"2023-01-01T00:00:00Z"}"#,
                r#"{"eventName":"a"}"#,
            ],
        )]);
        let mut rows = store.all_rows();
        store.sort_by_column(&mut rows, Column::EventName, Direction::Ascending);
        assert_eq!(rows, vec![1, 4, 2, 0, 3]);
        assert_eq!(names(&store, &rows), vec!["a", "a", "B", "b", ""]);
        store.sort_by_column(&mut rows, Column::EventName, Direction::Descending);
        assert_eq!(rows, vec![3, 0, 2, 1, 4]);
        store.sort_by_column(&mut rows, Column::Time, Direction::Ascending);
        assert_eq!(rows, vec![2, 3, 1, 0, 4]);
    }

    #[test]
    fn sorts_every_column_without_panicking() {
        let store = store_from_texts(&[(
            "f",
            &[
                r#"{"eventID":"b","readOnly":true,"userIdentity":{"type":"Root"}}"#,
                r#"{"eventID":"a","readOnly":false}"#,
            ],
        )]);
        for col in Column::ALL {
            let mut rows = store.all_rows();
            store.sort_by_column(&mut rows, col, Direction::Ascending);
            assert_eq!(rows.len(), 2, "{col}");
        }
        let mut rows = store.all_rows();
        store.sort_by_column(&mut rows, Column::EventId, Direction::Ascending);
        assert_eq!(rows, vec![1, 0]);
        store.sort_by_column(&mut rows, Column::ReadOnly, Direction::Ascending);
        assert_eq!(rows, vec![1, 0]);
    }

    /// One event per ID, in order (an empty ID: no eventID field).
    fn store_with_ids(ids: &[&str]) -> Store {
        let texts: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(n, id)| {
                if id.is_empty() {
                    format!(r#"{{"n":{n}}}"#)
                } else {
                    format!(r#"{{"eventID":"{id}","n":{n}}}"#)
                }
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        store_from_texts(&[("f", &refs)])
    }

    #[test]
    fn event_ids_sort_as_text_across_uuid_and_other_ids() {
        let ids = [
            "b0000000-0000-0000-0000-000000000000",
            "x-1",
            "",
            "a0000000-0000-0000-0000-000000000000",
            "B-upper",
            "a0000000-0000-0000-0000-000000000000",
            "c",
        ];
        let store = store_with_ids(&ids);
        let mut rows = store.all_rows();
        store.sort_by_column(&mut rows, Column::EventId, Direction::Ascending);
        let got: Vec<String> = rows
            .iter()
            .map(|&i| store.event_id(i).into_owned())
            .collect();
        let mut want: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        want.sort_by(|x, y| (x.is_empty(), x).cmp(&(y.is_empty(), y)));
        assert_eq!(got, want);
        // Equal IDs keep load order (same rank, time/idx tie-break).
        assert_eq!(&rows[1..3], &[3, 5]);

        // Only UUIDs and missing IDs (the fast path): the same order.
        let uuids: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| id.is_empty() || id.len() == 36)
            .collect();
        let store = store_with_ids(&uuids);
        let mut rows = store.all_rows();
        store.sort_by_column(&mut rows, Column::EventId, Direction::Ascending);
        let got: Vec<&str> = rows.iter().map(|&i| uuids[i as usize]).collect();
        let mut want = uuids.clone();
        want.sort_by(|x, y| (x.is_empty(), x).cmp(&(y.is_empty(), y)));
        assert_eq!(got, want);
        assert_eq!(&rows[..2], &[2, 3], "equal IDs keep load order");
        store.sort_by_column(&mut rows, Column::EventId, Direction::Descending);
        assert_eq!(&rows[..2], &[1, 0], "missing first, then the highest ID");
    }
}
