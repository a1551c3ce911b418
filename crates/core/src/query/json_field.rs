//! JSON dot paths into an event (`requestParameters.bucketName`,
//! `resources.ARN`, `resources.0.ARN`): finding the values at a path in a
//! parsed tree or straight from raw bytes (skipping everything off the
//! path), and the text a value is matched and shown as.
//!
//! Rules: key names compare ASCII case-insensitively (`eventname` finds
//! `eventName`); a list on the way is searched element by element, so a
//! path can yield several values; a numeric segment picks one list element.
//!
//! Depth: serde_json refuses values nested more than 128 levels, and a
//! whole-event parse fails when *any* value is that deep. So events are
//! parsed with [`parse_bounded`], and paths read with [`lookup_raw`], which
//! both skip unrelated values without recursion, and give the text
//! [`TOO_DEEP`] in place of a value nested deeper than [`MAX_VALUE_DEPTH`]:
//! a cell is never silently empty for a value that exists.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::json_bounded::Bounded;
pub use crate::json_bounded::{MAX_VALUE_DEPTH, TOO_DEEP, parse_bounded};

/// Splits `a.b.c` into its segments (`None` when a segment is empty).
pub fn split_path(path: &str) -> Option<Vec<String>> {
    let segs: Vec<String> = path.split('.').map(str::to_owned).collect();
    if segs.iter().any(String::is_empty) {
        return None;
    }
    Some(segs)
}

/// All values at `path` (dot-separated) in `root`.
/// Keys are compared ignoring ASCII case (the query language's reading).
pub fn lookup<'v>(root: &'v Value, path: &str) -> Vec<&'v Value> {
    let segs: Vec<&str> = path.split('.').collect();
    let mut out = Vec::new();
    collect(root, &segs, false, &mut out);
    out
}

/// All values at `path` in `root`, keys compared exactly (Sigma's
/// reading: a rule's field is a field of the log as spelled there).
pub fn lookup_cased<'v>(root: &'v Value, path: &str) -> Vec<&'v Value> {
    let segs: Vec<&str> = path.split('.').collect();
    let mut out = Vec::new();
    collect(root, &segs, true, &mut out);
    out
}

fn collect<'v>(v: &'v Value, segs: &[&str], cased: bool, out: &mut Vec<&'v Value>) {
    let Some((first, rest)) = segs.split_first() else {
        out.push(v);
        return;
    };
    match v {
        Value::Object(map) => {
            if cased {
                if let Some(child) = map.get(*first) {
                    collect(child, rest, cased, out);
                }
                return;
            }
            for (k, child) in map {
                if k.eq_ignore_ascii_case(first) {
                    collect(child, rest, cased, out);
                }
            }
        }
        Value::Array(items) => match first.parse::<usize>() {
            Ok(n) => {
                if let Some(item) = items.get(n) {
                    collect(item, rest, cased, out);
                }
            }
            Err(_) => {
                for item in items {
                    collect(item, segs, cased, out);
                }
            }
        },
        _ => {}
    }
}

/// All values at the path `segs` in the raw JSON text of one event,
/// parsing only what lies on the path. Unreadable JSON gives what was
/// found before the problem.
pub fn lookup_raw(raw: &[u8], segs: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(raw);
    let _ = PathSeed {
        segs,
        depth: 0,
        out: &mut out,
    }
    .deserialize(&mut de);
    out
}

struct PathSeed<'p, 'o> {
    segs: &'p [String],
    /// Containers entered on the way here.
    depth: usize,
    out: &'o mut Vec<Value>,
}

impl<'de> DeserializeSeed<'de> for PathSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.segs.is_empty() {
            let left = MAX_VALUE_DEPTH.saturating_sub(self.depth);
            let v = Bounded { left }.deserialize(d)?;
            self.out.push(v);
            return Ok(());
        }
        if self.depth >= MAX_VALUE_DEPTH {
            // Lists in lists on the path, deeper than can be followed:
            // say so rather than show nothing.
            d.deserialize_ignored_any(IgnoredAny)?;
            self.out.push(Value::String(TOO_DEEP.to_owned()));
            return Ok(());
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for PathSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (first, rest) = match self.segs.split_first() {
            Some(x) => x,
            None => return Ok(()),
        };
        while let Some(hit) = map.next_key_seed(KeyIs(first))? {
            if hit {
                map.next_value_seed(PathSeed {
                    segs: rest,
                    depth: self.depth + 1,
                    out: &mut *self.out,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let index = self.segs.first().and_then(|s| s.parse::<usize>().ok());
        let mut i = 0usize;
        loop {
            let found = match index {
                Some(n) if i == n => seq
                    .next_element_seed(PathSeed {
                        segs: &self.segs[1..],
                        depth: self.depth + 1,
                        out: &mut *self.out,
                    })?
                    .is_some(),
                Some(_) => seq.next_element::<IgnoredAny>()?.is_some(),
                None => seq
                    .next_element_seed(PathSeed {
                        segs: self.segs,
                        depth: self.depth + 1,
                        out: &mut *self.out,
                    })?
                    .is_some(),
            };
            if !found {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Reads a map key and tells whether it is the wanted one (ASCII
/// case-insensitively), without allocating.
struct KeyIs<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v.eq_ignore_ascii_case(self.0))
    }
}

/// The texts a value is matched as: strings as themselves, numbers and
/// booleans as their JSON text, lists element by element, objects as
/// compact JSON; `null` gives nothing.
pub fn value_texts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Null => {}
        Value::String(s) => out.push(s.clone()),
        Value::Bool(b) => out.push(b.to_string()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => {
            for item in items {
                value_texts(item, out);
            }
        }
        Value::Object(map) if map.is_empty() => {}
        Value::Object(_) => out.push(v.to_string()),
    }
}

/// [`cell_text`] of the values at `segs` in one event's raw JSON text,
/// parsing only what lies on the path.
pub fn raw_cell_text(raw: &[u8], segs: &[String]) -> String {
    let values = lookup_raw(raw, segs);
    cell_text(&values.iter().collect::<Vec<_>>())
}

/// How a table or CSV cell shows the values at a path: one value as its
/// text, several joined with `, `.
pub fn cell_text(values: &[&Value]) -> String {
    let mut texts = Vec::new();
    for v in values {
        match v {
            Value::Array(_) => {
                if !v.as_array().is_some_and(Vec::is_empty) {
                    texts.push(v.to_string());
                }
            }
            other => value_texts(other, &mut texts),
        }
    }
    texts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EVENT: &str = r#"{"eventName":"GetObject","readOnly":false,"n":5,
        "requestParameters":{"bucketName":"logs","x":null,"e":{}},
        "resources":[{"ARN":"arn:a","type":"T"},{"ARN":"arn:b"},{"type":"U"}],
        "deep":[[{"k":1}],[{"k":2}]]}"#;

    fn raw(path: &str) -> Vec<Value> {
        let segs = split_path(path).expect("path");
        lookup_raw(EVENT.as_bytes(), &segs)
    }

    #[test]
    fn raw_lookup_matches_tree_lookup() {
        let tree: Value = serde_json::from_str(EVENT).expect("json");
        for path in [
            "eventName",
            "eventname",
            "readOnly",
            "n",
            "requestParameters.bucketName",
            "requestParameters.x",
            "requestParameters",
            "resources.ARN",
            "resources.1.ARN",
            "resources.type",
            "deep.k",
            "missing.path",
            "eventName.x",
        ] {
            let a: Vec<Value> = lookup(&tree, path).into_iter().cloned().collect();
            assert_eq!(a, raw(path), "{path}");
        }
        assert_eq!(raw("resources.ARN"), vec![json!("arn:a"), json!("arn:b")]);
        assert_eq!(raw("resources.1.ARN"), vec![json!("arn:b")]);
        assert_eq!(raw("deep.k"), vec![json!(1), json!(2)]);
        assert_eq!(raw("EVENTNAME"), vec![json!("GetObject")]);
    }

    #[test]
    fn texts_and_cells() {
        let mut out = Vec::new();
        value_texts(&json!([1, "a", null, true, {}, {"k": "v"}]), &mut out);
        assert_eq!(out, vec!["1", "a", "true", r#"{"k":"v"}"#]);
        let a = json!("x");
        let b = json!(2);
        assert_eq!(cell_text(&[&a, &b]), "x, 2");
        assert_eq!(cell_text(&[&json!(null)]), "");
        assert_eq!(cell_text(&[&json!(["p", "q"])]), r#"["p","q"]"#);
    }

    /// `{"requestParameters":{"bucketName":"b"},"x":[[[...]]]}` with the
    /// list nested `depth` levels, before or after the wanted value.
    fn deep_event(depth: usize, deep_first: bool) -> String {
        let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        if deep_first {
            format!(r#"{{"x":{deep},"requestParameters":{{"bucketName":"b"}}}}"#)
        } else {
            format!(r#"{{"requestParameters":{{"bucketName":"b"}},"x":{deep}}}"#)
        }
    }

    #[test]
    fn deep_unrelated_values_never_hide_a_path() {
        let segs = split_path("requestParameters.bucketName").expect("path");
        for depth in [126, 127, 128, 129, 200, 5000] {
            for first in [true, false] {
                let ev = deep_event(depth, first);
                // serde_json alone gives up on the whole event...
                assert!(serde_json::from_str::<Value>(&ev).is_err() || depth < 128);
                // ...the bounded reads do not.
                assert_eq!(raw_cell_text(ev.as_bytes(), &segs), "b", "{depth} {first}");
                let tree = parse_bounded(ev.as_bytes()).expect("bounded parse");
                assert_eq!(
                    cell_text(&lookup(&tree, "requestParameters.bucketName")),
                    "b"
                );
                assert_eq!(
                    cell_text(&lookup(&tree, "x")),
                    format!("[{}]", nest(MAX_VALUE_DEPTH - 2))
                );
            }
        }
    }

    /// `MAX_VALUE_DEPTH - 1` levels of lists read, then the marker.
    fn nest(levels: usize) -> String {
        format!(
            "{}{}{}",
            "[".repeat(levels),
            serde_json::to_string(TOO_DEEP).unwrap_or_default(),
            "]".repeat(levels)
        )
    }

    #[test]
    fn a_value_too_deep_to_read_shows_a_marker_not_nothing() {
        let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        let ev = format!(r#"{{"requestParameters":{{"policy":{deep}}}}}"#);
        let segs = split_path("requestParameters.policy").expect("path");
        assert!(raw_cell_text(ev.as_bytes(), &segs).contains(TOO_DEEP));
        let tree = parse_bounded(ev.as_bytes()).expect("parse");
        assert!(cell_text(&lookup(&tree, "requestParameters.policy")).contains(TOO_DEEP));
        // A path that runs through lists nested too deep.
        let segs = split_path("requestParameters.policy.k").expect("path");
        assert_eq!(lookup_raw(ev.as_bytes(), &segs), vec![json!(TOO_DEEP)]);
        // Shallow events parse exactly as serde_json does.
        let tree: Value = serde_json::from_str(EVENT).expect("json");
        assert_eq!(parse_bounded(EVENT.as_bytes()), Some(tree));
        assert_eq!(parse_bounded(b"{} x"), None);
    }

    #[test]
    fn bad_paths_and_bad_json() {
        assert_eq!(split_path("a..b"), None);
        assert_eq!(split_path(".a"), None);
        let segs = split_path("a").expect("path");
        assert_eq!(
            lookup_raw(br#"{"a":1,"b":"#, &segs),
            vec![json!(1)],
            "values before the damage are kept"
        );
        assert!(lookup_raw(b"not json", &segs).is_empty());
    }
}
