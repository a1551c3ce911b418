//! Value counts per column over a set of rows: the facet panel's numbers
//! and `trailview stats --facets`.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::model::{Column, EventIdx};
use crate::store::{Store, StrCol};

/// One value of a column and how many rows have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueCount {
    pub value: String,
    pub count: u64,
}

/// The counts of one column over a set of rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facet {
    /// The most frequent values, most frequent first (ties by value).
    pub top: Vec<ValueCount>,
    /// Number of distinct values among the rows (the empty value included).
    pub distinct: usize,
    /// Rows counted.
    pub total: u64,
}

const CHUNK: usize = 64 * 1024;

impl Store {
    /// Counts the values of `col` over `rows` and keeps the `top_n` most
    /// frequent. An absent value counts as the empty string.
    pub fn facet(&self, rows: &[EventIdx], col: Column, top_n: usize) -> Facet {
        let counts: Vec<(String, u64)> = if let Some(sc) = StrCol::of(col) {
            let ids = self.str_ids(sc);
            let dict = self.dict(sc);
            let counts = count_dense(rows, dict.len(), |i| ids[i as usize] as usize);
            counts
                .into_iter()
                .enumerate()
                .filter(|(_, c)| *c > 0)
                .map(|(id, c)| (dict.get(id as u32).to_owned(), c))
                .collect()
        } else {
            match col {
                Column::Credential => {
                    let c = self.credentials();
                    let counts = count_dense(rows, 256, |i| c[i as usize] as usize);
                    counts
                        .into_iter()
                        .enumerate()
                        .filter(|(_, n)| *n > 0)
                        .map(|(v, n)| {
                            (
                                crate::model::Credential::from_u8(v as u8)
                                    .as_str()
                                    .to_owned(),
                                n,
                            )
                        })
                        .collect()
                }
                Column::SourceFile => {
                    let f = self.file_ids();
                    let counts = count_dense(rows, self.files().len(), |i| f[i as usize] as usize);
                    counts
                        .into_iter()
                        .enumerate()
                        .filter(|(_, n)| *n > 0)
                        .map(|(v, n)| (self.files()[v].to_string_lossy().into_owned(), n))
                        .collect()
                }
                _ => {
                    let mut map: FxHashMap<String, u64> = FxHashMap::default();
                    for &i in rows {
                        *map.entry(self.value(col, i).into_owned()).or_default() += 1;
                    }
                    map.into_iter().collect()
                }
            }
        };
        let distinct = counts.len();
        let mut top = counts;
        top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(top_n);
        Facet {
            top: top
                .into_iter()
                .map(|(value, count)| ValueCount { value, count })
                .collect(),
            distinct,
            total: rows.len() as u64,
        }
    }
}

/// Counts small integer keys over rows, in parallel chunks.
fn count_dense(rows: &[EventIdx], size: usize, key: impl Fn(EventIdx) -> usize + Sync) -> Vec<u64> {
    rows.par_chunks(CHUNK)
        .map(|chunk| {
            let mut c = vec![0u64; size];
            for &i in chunk {
                if let Some(slot) = c.get_mut(key(i)) {
                    *slot += 1;
                }
            }
            c
        })
        .reduce(
            || vec![0u64; size],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::store_from_texts;

    #[test]
    fn counts_top_values_over_the_given_rows() {
        let store = store_from_texts(&[(
            "f",
            &[
                r#"{"eventName":"A"}"#,
                r#"{"eventName":"B"}"#,
                r#"{"eventName":"A"}"#,
                r#"{}"#,
            ],
        )]);
        let f = store.facet(&store.all_rows(), Column::EventName, 10);
        assert_eq!(f.total, 4);
        assert_eq!(f.distinct, 3);
        assert_eq!(
            f.top[0],
            ValueCount {
                value: "A".into(),
                count: 2
            }
        );
        let f = store.facet(&[1, 3], Column::EventName, 1);
        assert_eq!(f.top.len(), 1);
        assert_eq!(f.distinct, 2);
        let f = store.facet(&store.all_rows(), Column::Credential, 5);
        assert_eq!(
            f.top,
            vec![ValueCount {
                value: "unknown".into(),
                count: 4
            }]
        );
    }
}
