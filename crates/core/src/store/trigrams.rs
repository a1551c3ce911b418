//! Per-chunk trigram bitmaps for full-text search. A chunk's bitmap has one
//! bit per hashed trigram of its lower-cased text (64 Ki bits, 8 KB); a
//! search term any of whose trigrams is missing cannot occur in the chunk,
//! which is then skipped without being decompressed. Bitmaps are built
//! after a load, in the background (`RawStore::prepare_for_search`), or by
//! the first full-text search that decompresses a chunk (its text is hot
//! then); loading pays nothing for them.

/// Bits per bitmap (a power of two).
pub const BITS: usize = 1 << 16;

/// The trigram bitmap of one chunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigrams(Box<[u64; BITS / 64]>);

impl Trigrams {
    /// The bitmap of `lower`, a text already lower-cased (ASCII).
    pub fn of_lower(lower: &[u8]) -> Trigrams {
        let mut bits = Box::new([0u64; BITS / 64]);
        if let [a, b, rest @ ..] = lower {
            let mut w = (u32::from(*a) << 8) | u32::from(*b);
            for &c in rest {
                w = (w << 8) | u32::from(c);
                // `slot` keeps the index in range, so no bounds check.
                let s = slot(w & 0x00ff_ffff);
                bits[(s >> 6) & (BITS / 64 - 1)] |= 1 << (s & 63);
            }
        }
        Trigrams(bits)
    }

    /// False when `lower_needle` (lower-cased) certainly does not occur in
    /// the text; true when it may. Needles under three bytes always may.
    pub fn may_contain(&self, lower_needle: &[u8]) -> bool {
        lower_needle.windows(3).all(|t| {
            let w = (u32::from(t[0]) << 16) | (u32::from(t[1]) << 8) | u32::from(t[2]);
            let s = slot(w);
            self.0[(s >> 6) & (BITS / 64 - 1)] & (1 << (s & 63)) != 0
        })
    }

    /// Share of bits set (0 to 1): near 1, the bitmap rules nothing out.
    pub fn fill(&self) -> f64 {
        let set: u32 = self.0.iter().map(|w| w.count_ones()).sum();
        f64::from(set) / BITS as f64
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.0.len() * 8
    }
}

/// The bit of a trigram: a multiplicative hash, top bits kept.
fn slot(w: u32) -> usize {
    (w.wrapping_mul(0x9e37_79b1) >> (32 - BITS.trailing_zeros())) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_terms_may_occur_and_absent_ones_mostly_do_not() {
        let text =
            br#"{"eventname":"getobject","errorcode":"accessdenied","sourceipaddress":"10.1.2.3"}"#;
        let t = Trigrams::of_lower(text);
        for term in ["accessdenied", "getobject", "10.1.2.3", "ce", "x", ""] {
            assert!(t.may_contain(term.as_bytes()), "{term}");
        }
        // With a few dozen trigrams in 64 Ki bits, absent terms are ruled out.
        for term in ["zzzznotfound", "deleteuser", "192.168.0.1"] {
            assert!(!t.may_contain(term.as_bytes()), "{term}");
        }
        assert!(!Trigrams::of_lower(b"ab").may_contain(b"abc"));
        assert_eq!(t.heap_bytes(), BITS / 8);
    }
}
