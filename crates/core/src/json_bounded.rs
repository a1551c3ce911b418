//! Parsing one event's JSON with bounded nesting: serde_json refuses values
//! nested more than 128 levels, and a whole-event parse fails when *any*
//! value is that deep. [`parse_bounded`] reads the event anyway and gives
//! the text [`TOO_DEEP`] in place of a value nested deeper than
//! [`MAX_VALUE_DEPTH`], so a cell is never silently empty for a value that
//! exists. A leaf: the store (`Store::json`) and the query language's paths
//! both use it.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Shown in place of a value nested too deeply to be read.
pub const TOO_DEEP: &str = "(unreadable: nested too deep)";

/// Deepest nesting read into a [`Value`] (below serde_json's 128, so the
/// parser's own limit is never hit, and bounded stack use).
pub const MAX_VALUE_DEPTH: usize = 100;

/// Parses one JSON value; containers nested deeper than
/// [`MAX_VALUE_DEPTH`] become the string [`TOO_DEEP`]. `None` for text
/// that is not one JSON value.
pub fn parse_bounded(raw: &[u8]) -> Option<Value> {
    let mut de = serde_json::Deserializer::from_slice(raw);
    let v = Bounded {
        left: MAX_VALUE_DEPTH,
    }
    .deserialize(&mut de)
    .ok()?;
    de.end().ok()?;
    Some(v)
}

/// Reads a value, giving up [`TOO_DEEP`] for containers past `left` levels
/// (a seed for serde, also used by the path reader of `query::json_field`).
#[derive(Clone, Copy)]
pub struct Bounded {
    pub left: usize,
}

impl<'de> DeserializeSeed<'de> for Bounded {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bounded {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.left == 0 {
            // Skipped without recursion (serde_json's ignore is a loop).
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Value::String(TOO_DEEP.to_owned()));
        }
        let inner = Bounded {
            left: self.left - 1,
        };
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(inner)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.left == 0 {
            while map.next_key::<IgnoredAny>()?.is_some() {
                map.next_value::<IgnoredAny>()?;
            }
            return Ok(Value::String(TOO_DEEP.to_owned()));
        }
        let inner = Bounded {
            left: self.left - 1,
        };
        let mut out = serde_json::Map::new();
        while let Some(k) = map.next_key::<String>()? {
            let v = map.next_value_seed(inner)?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}
