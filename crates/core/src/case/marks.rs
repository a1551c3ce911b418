//! What the analyst put on events: tags, a note and a star, keyed by
//! eventID (or by file and record position when an event has none), with an
//! index from the loaded store's event numbers to those keys so lookups by
//! row are one hash probe.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::model::EventIdx;
use crate::store::Store;

/// How an event is recognised across sessions.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventKey {
    Id {
        #[serde(rename = "eventID")]
        event_id: String,
    },
    Origin {
        file: PathBuf,
        record: u32,
    },
}

impl EventKey {
    /// The key of a loaded event: its eventID, else its file and position.
    pub fn of(store: &Store, idx: EventIdx) -> Option<EventKey> {
        let id = store.event_id(idx);
        if !id.is_empty() {
            return Some(EventKey::Id {
                event_id: id.into_owned(),
            });
        }
        let origin = store.origin(idx)?;
        Some(EventKey::Origin {
            file: origin.path.to_path_buf(),
            record: origin.record_index,
        })
    }
}

/// The marks on one event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMarks {
    /// Sorted, without repeats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub starred: bool,
}

impl EventMarks {
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.binary_search_by(|t| t.as_str().cmp(tag)).is_ok()
    }

    /// Adds a tag (keeping the list sorted); false when it was there.
    pub fn add_tag(&mut self, tag: &str) -> bool {
        match self.tags.binary_search_by(|t| t.as_str().cmp(tag)) {
            Ok(_) => false,
            Err(pos) => {
                self.tags.insert(pos, tag.to_owned());
                true
            }
        }
    }

    /// Removes a tag; false when it was not there.
    pub fn remove_tag(&mut self, tag: &str) -> bool {
        match self.tags.binary_search_by(|t| t.as_str().cmp(tag)) {
            Ok(pos) => {
                self.tags.remove(pos);
                true
            }
            Err(_) => false,
        }
    }

    /// Sorts and deduplicates tags read from a file.
    fn normalise(mut self) -> EventMarks {
        self.tags.sort();
        self.tags.dedup();
        self
    }

    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.note.trim().is_empty() && !self.starred
    }
}

/// All marks, plus the row index for one store.
#[derive(Clone, Debug, Default)]
pub struct Marks {
    by_key: BTreeMap<EventKey, EventMarks>,
    /// Marked rows of the bound store.
    rows: FxHashMap<EventIdx, EventKey>,
    /// Number of events of the store the index was built for.
    bound_len: Option<usize>,
}

impl Marks {
    pub fn from_entries(entries: impl IntoIterator<Item = (EventKey, EventMarks)>) -> Marks {
        Marks {
            by_key: entries
                .into_iter()
                .map(|(k, m)| (k, m.normalise()))
                .filter(|(_, m)| !m.is_empty())
                .collect(),
            ..Marks::default()
        }
    }

    /// Every marked event, by key.
    pub fn entries(&self) -> impl Iterator<Item = (&EventKey, &EventMarks)> {
        self.by_key.iter()
    }

    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Builds the row index for `store` (once after loading; each event's
    /// key is computed only when there are marks at all).
    pub fn bind(&mut self, store: &Store) {
        self.rows = self.scan(store).collect();
        self.bound_len = Some(store.len());
    }

    /// True when the row index was built for a store of this size.
    pub fn is_bound_to(&self, store: &Store) -> bool {
        self.bound_len == Some(store.len())
    }

    fn scan<'a>(&'a self, store: &'a Store) -> impl Iterator<Item = (EventIdx, EventKey)> + 'a {
        let any = !self.by_key.is_empty();
        (0..store.len() as EventIdx)
            .filter(move |_| any)
            .filter_map(move |i| {
                let key = EventKey::of(store, i)?;
                self.by_key.contains_key(&key).then_some((i, key))
            })
    }

    /// The marks of a row of the bound store.
    pub fn get(&self, idx: EventIdx) -> Option<&EventMarks> {
        self.by_key.get(self.rows.get(&idx)?)
    }

    /// The marks of an event by key.
    pub fn get_key(&self, key: &EventKey) -> Option<&EventMarks> {
        self.by_key.get(key)
    }

    /// Changes the marks of one row; rows without marks are forgotten.
    pub fn update(&mut self, store: &Store, idx: EventIdx, f: impl FnOnce(&mut EventMarks)) {
        let Some(key) = EventKey::of(store, idx) else {
            return;
        };
        let marks = self.by_key.entry(key.clone()).or_default();
        f(marks);
        if marks.is_empty() {
            self.by_key.remove(&key);
            self.rows.remove(&idx);
        } else {
            self.rows.insert(idx, key);
        }
    }

    /// Removes a tag from every event.
    pub fn drop_tag(&mut self, tag: &str) {
        for m in self.by_key.values_mut() {
            m.remove_tag(tag);
        }
        self.by_key.retain(|_, m| !m.is_empty());
        let by_key = &self.by_key;
        self.rows.retain(|_, k| by_key.contains_key(k));
    }

    /// Renames a tag on every event.
    pub fn rename_tag(&mut self, from: &str, to: &str) {
        for m in self.by_key.values_mut() {
            if m.remove_tag(from) {
                m.add_tag(to);
            }
        }
    }

    /// Marked rows of `store` matching `pred`, in row order. Uses the row
    /// index when it was built for this store, else scans it.
    pub fn rows_where(&self, store: &Store, pred: impl Fn(&EventMarks) -> bool) -> Vec<EventIdx> {
        let mut rows: Vec<EventIdx> = if self.is_bound_to(store) {
            self.rows
                .iter()
                .filter(|(_, k)| self.by_key.get(*k).is_some_and(&pred))
                .map(|(i, _)| *i)
                .collect()
        } else {
            self.scan(store)
                .filter(|(_, k)| self.by_key.get(k).is_some_and(&pred))
                .map(|(i, _)| i)
                .collect()
        };
        rows.sort_unstable();
        rows
    }
}
