//! String interning: each distinct value of a column is stored once and
//! events hold a `u32` id. Id 0 is always the empty string (absent value).

use std::sync::Arc;

use rustc_hash::FxHashMap;

/// A dictionary of distinct strings with dense ids.
#[derive(Debug, Clone)]
pub struct Interner {
    values: Vec<Arc<str>>,
    ids: FxHashMap<Arc<str>, u32>,
}

impl Default for Interner {
    fn default() -> Self {
        let empty: Arc<str> = Arc::from("");
        let mut ids = FxHashMap::default();
        ids.insert(empty.clone(), 0);
        Interner {
            values: vec![empty],
            ids,
        }
    }
}

impl Interner {
    /// Makes room for `additional` new values, or says the memory cannot
    /// be had (nothing changes then).
    pub fn try_reserve(
        &mut self,
        additional: usize,
    ) -> Result<(), std::collections::TryReserveError> {
        self.values.try_reserve(additional)?;
        self.ids.try_reserve(additional)
    }

    /// The id of `value`, adding it if new.
    pub fn intern(&mut self, value: &str) -> u32 {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        let id = u32::try_from(self.values.len()).unwrap_or(u32::MAX);
        let v: Arc<str> = Arc::from(value);
        self.values.push(v.clone());
        self.ids.insert(v, id);
        id
    }

    /// The id of `value` if it is known.
    pub fn lookup(&self, value: &str) -> Option<u32> {
        self.ids.get(value).copied()
    }

    /// The string for `id` (empty for an unknown id).
    pub fn get(&self, id: u32) -> &str {
        self.values.get(id as usize).map(|s| &**s).unwrap_or("")
    }

    /// Number of distinct values, the empty string included.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.len() <= 1
    }

    /// All values in id order.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|s| &**s)
    }

    /// The rank of every id in case-insensitive alphabetical order of the
    /// values (ties broken by the exact bytes); the empty string ranks
    /// last so that absent values sort after present ones.
    pub fn sort_ranks(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.values.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (self.get(a), self.get(b));
            (x.is_empty(), lowercase_cmp_key(x), x).cmp(&(y.is_empty(), lowercase_cmp_key(y), y))
        });
        let mut ranks = vec![0u32; order.len()];
        for (rank, id) in order.into_iter().enumerate() {
            ranks[id as usize] = rank as u32;
        }
        ranks
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        let strings: usize = self.values.iter().map(|s| s.len() + 16).sum();
        strings + self.values.capacity() * 16 + self.ids.capacity() * 24
    }
}

fn lowercase_cmp_key(s: &str) -> impl Ord + '_ {
    s.bytes()
        .map(|b| b.to_ascii_lowercase())
        .collect::<Vec<u8>>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_once_and_keeps_empty_at_zero() {
        let mut i = Interner::default();
        assert_eq!(i.intern(""), 0);
        let a = i.intern("a");
        assert_eq!(i.intern("a"), a);
        assert_eq!(i.get(a), "a");
        assert_eq!(i.lookup("b"), None);
        assert_eq!(i.len(), 2);
    }

    #[test]
    fn ranks_are_case_insensitive_with_empty_last() {
        let mut i = Interner::default();
        let b = i.intern("beta");
        let a = i.intern("Alpha");
        let c = i.intern("alpha");
        let r = i.sort_ranks();
        assert!(r[a as usize] < r[b as usize]);
        assert!(r[c as usize] < r[b as usize]);
        assert!(r[0] > r[b as usize]);
    }
}
