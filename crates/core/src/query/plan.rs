//! Binds a parsed query to a store: every condition on an interned column
//! becomes a table over the column's dictionary (each distinct value is
//! tested once), conditions that need the raw event get a literal to
//! prefilter with, and ANDs/ORs are ordered cheapest first.

use memchr::memmem::Finder;
use rayon::prelude::*;

use super::ast::{Cond, Expr, Field, TextTest, TimeTest, ValueTest};
use crate::model::{Column, Credential, Flag};
use crate::store::{Store, StrCol};

/// An executable query tree.
pub(crate) enum PNode<'s> {
    All,
    And(Vec<PNode<'s>>),
    Or(Vec<PNode<'s>>),
    Not(Box<PNode<'s>>),
    Leaf(Leaf<'s>),
}

pub(crate) enum Leaf<'s> {
    /// An id column (string column or file id) and the ids that pass.
    Ids {
        ids: &'s [u32],
        pass: Vec<bool>,
    },
    /// A byte column (credential, flags) and the bytes that pass.
    Bytes {
        bytes: &'s [u8],
        pass: Box<[bool; 256]>,
    },
    /// A column tested on its text, event by event.
    ColumnText {
        col: Column,
        test: ValueTest,
    },
    Time {
        times: &'s [i64],
        test: TimeTest,
    },
    /// Full text: an ASCII literal searched in lower-cased bytes (the
    /// finder is `needles[slot]`).
    Literal {
        slot: usize,
    },
    Pattern {
        re: regex::bytes::Regex,
    },
    /// A JSON path; `prefilter` is a needle slot whose literal must occur
    /// in the (lower-cased) event for the value to possibly match.
    Json {
        segs: Vec<String>,
        test: ValueTest,
        prefilter: Option<usize>,
    },
    Tags(ValueTest),
    Note,
    Starred,
    Integrity(ValueTest),
    Rule(ValueTest),
    Level {
        lo: u8,
        hi: u8,
    },
    Attack(ValueTest),
    Detected,
}

/// A compiled query.
pub(crate) struct Plan<'s> {
    pub root: PNode<'s>,
    pub store: &'s Store,
    /// Lower-case ASCII needles searched in lower-cased raw bytes.
    pub needles: Vec<Finder<'static>>,
    pub needs_raw: bool,
    /// Some condition reads the original (not lower-cased) bytes.
    pub needs_original: bool,
}

impl<'s> Plan<'s> {
    /// `tables`: precompute dictionary tables (for many events); without
    /// it, columns are tested on their text (for one event).
    pub fn compile(expr: &Expr, store: &'s Store, tables: bool) -> Plan<'s> {
        let mut b = Builder {
            store,
            tables,
            needles: Vec::new(),
            needs_raw: false,
            needs_original: false,
        };
        let root = b.node(expr);
        Plan {
            root,
            store,
            needles: b.needles,
            needs_raw: b.needs_raw,
            needs_original: b.needs_original,
        }
    }
}

struct Builder<'s> {
    store: &'s Store,
    tables: bool,
    needles: Vec<Finder<'static>>,
    needs_raw: bool,
    needs_original: bool,
}

impl<'s> Builder<'s> {
    fn node(&mut self, e: &Expr) -> PNode<'s> {
        match e {
            Expr::All => PNode::All,
            Expr::Not(x) => PNode::Not(Box::new(self.node(x))),
            Expr::And(xs) => PNode::And(self.ordered(xs)),
            Expr::Or(xs) => PNode::Or(self.ordered(xs)),
            Expr::Cond(c) => PNode::Leaf(self.leaf(c)),
        }
    }

    fn ordered(&mut self, xs: &[Expr]) -> Vec<PNode<'s>> {
        let mut nodes: Vec<PNode<'s>> = xs.iter().map(|x| self.node(x)).collect();
        nodes.sort_by_key(cost);
        nodes
    }

    fn needle(&mut self, lower: &[u8]) -> usize {
        self.needles.push(Finder::new(lower).into_owned());
        self.needles.len() - 1
    }

    fn leaf(&mut self, c: &Cond) -> Leaf<'s> {
        match c {
            Cond::Text(TextTest::Literal(s)) => {
                self.needs_raw = true;
                Leaf::Literal {
                    slot: self.needle(s.as_bytes()),
                }
            }
            Cond::Text(TextTest::Pattern { re, .. }) => {
                self.needs_raw = true;
                self.needs_original = true;
                Leaf::Pattern { re: re.clone() }
            }
            Cond::Time(t) => Leaf::Time {
                times: self.store.times(),
                test: *t,
            },
            Cond::Field(Field::Column(col), test) => self.column(*col, test),
            Cond::Field(Field::Path(segs), test) => {
                self.needs_raw = true;
                self.needs_original = true;
                let prefilter = prefilter_literal(segs, test).map(|l| self.needle(l.as_bytes()));
                Leaf::Json {
                    segs: segs.clone(),
                    test: test.clone(),
                    prefilter,
                }
            }
            Cond::Tag(t) => Leaf::Tags(t.clone()),
            Cond::Note => Leaf::Note,
            Cond::Starred => Leaf::Starred,
            Cond::Integrity(t) => Leaf::Integrity(t.clone()),
            Cond::Rule(t) => Leaf::Rule(t.clone()),
            Cond::Level { lo, hi } => Leaf::Level { lo: *lo, hi: *hi },
            Cond::Attack(t) => Leaf::Attack(t.clone()),
            Cond::Detected => Leaf::Detected,
        }
    }

    fn column(&mut self, col: Column, test: &ValueTest) -> Leaf<'s> {
        let store = self.store;
        if col == Column::Time {
            // Not produced by the parser; keep a sane meaning anyway.
            return Leaf::ColumnText {
                col,
                test: test.clone(),
            };
        }
        if !self.tables {
            return Leaf::ColumnText {
                col,
                test: test.clone(),
            };
        }
        if let Some(sc) = StrCol::of(col) {
            let dict = store.dict(sc);
            let pass: Vec<bool> = (0..dict.len() as u32)
                .into_par_iter()
                .with_min_len(4096)
                .map(|id| test.matches(dict.get(id)))
                .collect();
            return Leaf::Ids {
                ids: store.str_ids(sc),
                pass,
            };
        }
        match col {
            Column::Credential => {
                let mut pass = [false; 256];
                for (v, p) in pass.iter_mut().enumerate() {
                    *p = test.matches(Credential::from_u8(v as u8).as_str());
                }
                Leaf::Bytes {
                    bytes: store.credentials(),
                    pass: Box::new(pass),
                }
            }
            Column::ReadOnly | Column::Mfa | Column::Console => {
                let mut pass = [false; 256];
                for (v, p) in pass.iter_mut().enumerate() {
                    *p = test.matches(Flag::from_u8(v as u8).as_str());
                }
                Leaf::Bytes {
                    bytes: store.flags(col).unwrap_or(&[]),
                    pass: Box::new(pass),
                }
            }
            Column::SourceFile => Leaf::Ids {
                ids: store.file_ids(),
                pass: store
                    .files()
                    .iter()
                    .map(|p| test.matches(&p.to_string_lossy()))
                    .collect(),
            },
            _ => Leaf::ColumnText {
                col,
                test: test.clone(),
            },
        }
    }
}

/// A lower-case literal that must occur in the raw text of any event in
/// which `segs` has a value passing `test`, when one is known. Literals a
/// JSON writer might escape (quotes, backslashes, slashes, control or
/// non-ASCII characters) are never used.
fn prefilter_literal(segs: &[String], test: &ValueTest) -> Option<String> {
    let safe = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\\' | b'/') || b == b' ')
    };
    let lit = match test {
        ValueTest::Exact(v) => Some(v.clone()),
        ValueTest::Wildcard { src, .. } => src
            .split('*')
            .filter(|p| safe(p))
            .max_by_key(|p| p.len())
            .map(str::to_owned),
        ValueTest::Present => segs
            .iter()
            .rev()
            .find(|s| s.parse::<usize>().is_err())
            .cloned(),
        _ => None,
    }?;
    let lit = lit.to_ascii_lowercase();
    safe(&lit).then_some(lit)
}

/// Rough cost of evaluating a node, to test cheap conditions first.
fn cost(n: &PNode<'_>) -> u8 {
    match n {
        PNode::All => 0,
        PNode::Leaf(l) => match l {
            Leaf::Ids { .. } | Leaf::Bytes { .. } | Leaf::Time { .. } => 0,
            Leaf::ColumnText { .. } => 1,
            Leaf::Tags(_) | Leaf::Note | Leaf::Starred | Leaf::Integrity(_) => 1,
            Leaf::Detected | Leaf::Level { .. } | Leaf::Rule(_) | Leaf::Attack(_) => 1,
            Leaf::Literal { .. } => 2,
            Leaf::Pattern { .. } => 3,
            Leaf::Json { .. } => 4,
        },
        PNode::Not(x) => cost(x),
        PNode::And(xs) | PNode::Or(xs) => xs.iter().map(cost).max().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<String> {
        p.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn prefilter_literals_are_safe_substrings() {
        let exact = ValueTest::Exact("logs".into());
        assert_eq!(prefilter_literal(&segs("a.b"), &exact), Some("logs".into()));
        let slash = ValueTest::Exact("a/b".into());
        assert_eq!(prefilter_literal(&segs("a"), &slash), None);
        let uni = ValueTest::Exact("é".into());
        assert_eq!(prefilter_literal(&segs("a"), &uni), None);
        assert_eq!(
            prefilter_literal(&segs("resources.0"), &ValueTest::Present),
            Some("resources".into())
        );
        assert_eq!(prefilter_literal(&segs("a"), &ValueTest::Empty), None);
        let wild = ValueTest::Wildcard {
            re: regex::Regex::new("x").expect("re"),
            src: "ab*longest*c".into(),
        };
        assert_eq!(prefilter_literal(&segs("a"), &wild), Some("longest".into()));
    }
}
