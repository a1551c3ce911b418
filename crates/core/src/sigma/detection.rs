//! One Sigma detection: search identifiers (maps of field conditions,
//! lists of maps, keyword lists) built from YAML, the value modifiers of
//! the Sigma specification's appendix, and matching against the values an
//! event holds at a field's path.
//!
//! Semantics (docs/detections.md): a map is an AND of its fields, a list of
//! values an OR (AND with `all`); plain values compare ignoring case, with
//! `*`/`?` wildcards and `\` escapes; `re` is case-sensitive unless `i` is
//! given, and searches (unanchored) with the linear-time `regex` crate;
//! `null` matches an absent field or a JSON null, never the empty string.

use std::net::IpAddr;

use base64::Engine;
use regex::{Regex, RegexBuilder};
use yaml_rust2::Yaml;

/// Most values one field condition may list (a clear error beyond).
pub const MAX_VALUES: usize = 10_000;
/// Largest compiled regex, bytes (the `regex` crate stays linear-time).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// What an event holds at one path, as Sigma compares it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// A string, a number's or a boolean's text, or an object's JSON text.
    Text(String),
    Null,
}

/// A compiled string pattern.
#[derive(Debug, Clone)]
pub enum Pattern {
    /// Exact text (lower-cased when `!cased`).
    Exact(String),
    Contains(String),
    StartsWith(String),
    EndsWith(String),
    /// A wildcard pattern or a `re` value.
    Regex(Regex),
    /// A `re` value without anchors: a match in a value is also a match
    /// in the event's compact JSON text (see [`FieldCond::refuted_by_raw`]).
    Unanchored(Regex),
}

impl Pattern {
    fn is_match(&self, text: &str, cased: bool) -> bool {
        match self {
            Pattern::Regex(r) | Pattern::Unanchored(r) => r.is_match(text),
            _ => {
                let lowered;
                let t = if cased {
                    text
                } else {
                    lowered = text.to_lowercase();
                    lowered.as_str()
                };
                match self {
                    Pattern::Exact(p) => t == p,
                    Pattern::Contains(p) => t.contains(p.as_str()),
                    Pattern::StartsWith(p) => t.starts_with(p.as_str()),
                    Pattern::EndsWith(p) => t.ends_with(p.as_str()),
                    Pattern::Regex(_) | Pattern::Unanchored(_) => false,
                }
            }
        }
    }
}

/// One value of a field condition, compiled.
#[derive(Debug, Clone)]
pub enum ValueMatcher {
    /// Any of these patterns (several with `windash` / `base64offset`).
    Str { pats: Vec<Pattern>, cased: bool },
    /// `null`: the field is absent or JSON null.
    Null,
    /// `exists: true/false`.
    Exists(bool),
    /// `gt`/`gte`/`lt`/`lte` against a number.
    Cmp(CmpOp, f64),
    /// `cidr`.
    Cidr(IpAddr, u8),
    /// `fieldref`: equal (or contains/startswith/endswith) another field's value.
    FieldRef {
        path: String,
        how: Anchor,
        cased: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Gt,
    Gte,
    Lt,
    Lte,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Exact,
    Contains,
    StartsWith,
    EndsWith,
}

/// A field's condition: its path, its values and whether all must match.
#[derive(Debug, Clone)]
pub struct FieldCond {
    /// The field name as written (a dot path into the event).
    pub field: String,
    pub values: Vec<ValueMatcher>,
    /// `all`: every value must match (else any).
    pub all: bool,
}

/// A search identifier's body.
#[derive(Debug, Clone)]
pub enum Search {
    /// OR of maps, each an AND of field conditions (a single map is a
    /// one-element list).
    Maps(Vec<Vec<FieldCond>>),
    /// Field-less keywords: any (or all) found in the event's text.
    Keywords { pats: Vec<Pattern>, all: bool },
}

/// Reads every field value for one event: `values(path)` lists what the
/// event holds at `path` (empty when absent).
pub trait EventFields {
    fn values(&self, path: &str) -> Vec<FieldValue>;
    /// The whole event's text (for keywords).
    fn full_text(&self) -> &str;
    /// True when `f` holds for one of the event's string values (for
    /// keywords: a value's text without its JSON escapes).
    fn any_string(&self, f: &mut dyn FnMut(&str) -> bool) -> bool;
}

impl Pattern {
    /// False when the pattern surely matches no value of an event whose
    /// compact JSON text is `raw` (`lower`: the same, ASCII lower-cased).
    /// `cased`: the pattern's text was not lower-cased when compiled.
    fn may_match_raw(&self, raw: &str, lower: &str, cased: bool) -> bool {
        match self {
            Pattern::Exact(p)
            | Pattern::Contains(p)
            | Pattern::StartsWith(p)
            | Pattern::EndsWith(p) => {
                // An uncased pattern is lower-cased already (no ASCII
                // capital left): no copy per event.
                p.is_empty()
                    || if cased {
                        lower.contains(p.to_ascii_lowercase().as_str())
                    } else {
                        lower.contains(p.as_str())
                    }
            }
            Pattern::Unanchored(r) => r.is_match(raw),
            Pattern::Regex(_) => true,
        }
    }
}

impl FieldCond {
    /// True when no value of the event can satisfy this condition, judged
    /// from the event's text alone. Only sound for a *compact* event text
    /// (ASCII, no backslash, no whitespace outside strings: see
    /// `eval::compact_ascii`), where every value's text, and every
    /// object's compact JSON text, is a substring of the event's text.
    pub fn refuted_by_raw(&self, raw: &str, lower: &str) -> bool {
        let refuted = |m: &ValueMatcher| match m {
            ValueMatcher::Str { pats, cased } => {
                pats.iter().all(|p| !p.may_match_raw(raw, lower, *cased))
            }
            _ => false,
        };
        if self.all {
            self.values.iter().any(refuted)
        } else {
            self.values.iter().all(refuted)
        }
    }

    /// True when the event satisfies this field condition.
    pub fn matches(&self, ev: &dyn EventFields) -> bool {
        let vals = ev.values(&self.field);
        let one = |m: &ValueMatcher| value_matches(m, &vals, ev);
        if self.all {
            self.values.iter().all(one)
        } else {
            self.values.iter().any(one)
        }
    }

    /// The event's values at this field that satisfy one of the
    /// condition's values on their own: what the detail pane highlights.
    /// Every text value when none does alone (`all` over values that
    /// only hold together, `null`, `exists: false`).
    pub fn matching_values(&self, ev: &dyn EventFields) -> Vec<String> {
        let vals = ev.values(&self.field);
        let texts = vals.iter().filter_map(|v| match v {
            FieldValue::Text(t) => Some(t),
            FieldValue::Null => None,
        });
        let alone: Vec<String> = texts
            .clone()
            .filter(|t| {
                let one = [FieldValue::Text((*t).clone())];
                self.values.iter().any(|m| {
                    !matches!(m, ValueMatcher::Exists(false) | ValueMatcher::Null)
                        && value_matches(m, &one, ev)
                })
            })
            .cloned()
            .collect();
        if alone.is_empty() {
            texts.cloned().collect()
        } else {
            alone
        }
    }

    /// The same test on a single known value (`None`: absent), for
    /// evaluating once per distinct value of a store column. `None` when
    /// the answer needs other fields (`fieldref`).
    pub fn matches_value(&self, v: Option<&str>) -> Option<bool> {
        if self
            .values
            .iter()
            .any(|m| matches!(m, ValueMatcher::FieldRef { .. }))
        {
            return None;
        }
        let vals: Vec<FieldValue> = v
            .map(|s| FieldValue::Text(s.to_owned()))
            .into_iter()
            .collect();
        let one = |m: &ValueMatcher| value_matches(m, &vals, &NoFields);
        Some(if self.all {
            self.values.iter().all(one)
        } else {
            self.values.iter().any(one)
        })
    }
}

struct NoFields;
impl EventFields for NoFields {
    fn values(&self, _: &str) -> Vec<FieldValue> {
        Vec::new()
    }
    fn full_text(&self) -> &str {
        ""
    }
    fn any_string(&self, _: &mut dyn FnMut(&str) -> bool) -> bool {
        false
    }
}

fn value_matches(m: &ValueMatcher, vals: &[FieldValue], ev: &dyn EventFields) -> bool {
    let texts = || {
        vals.iter().filter_map(|v| match v {
            FieldValue::Text(t) => Some(t.as_str()),
            FieldValue::Null => None,
        })
    };
    match m {
        ValueMatcher::Null => vals.is_empty() || vals.contains(&FieldValue::Null),
        ValueMatcher::Exists(want) => texts().next().is_some() == *want,
        ValueMatcher::Str { pats, cased } => {
            texts().any(|t| pats.iter().any(|p| p.is_match(t, *cased)))
        }
        ValueMatcher::Cmp(op, n) => texts().any(|t| match t.trim().parse::<f64>() {
            Ok(x) => match op {
                CmpOp::Gt => x > *n,
                CmpOp::Gte => x >= *n,
                CmpOp::Lt => x < *n,
                CmpOp::Lte => x <= *n,
            },
            Err(_) => false,
        }),
        ValueMatcher::Cidr(net, bits) => texts().any(|t| in_cidr(t, *net, *bits)),
        ValueMatcher::FieldRef { path, how, cased } => {
            let other = ev.values(path);
            let norm = |s: &str| {
                if *cased {
                    s.to_owned()
                } else {
                    s.to_lowercase()
                }
            };
            texts().any(|t| {
                let t = norm(t);
                other.iter().any(|o| match o {
                    FieldValue::Text(o) => {
                        let o = norm(o);
                        match how {
                            Anchor::Exact => t == o,
                            Anchor::Contains => t.contains(&o),
                            Anchor::StartsWith => t.starts_with(&o),
                            Anchor::EndsWith => t.ends_with(&o),
                        }
                    }
                    FieldValue::Null => false,
                })
            })
        }
    }
}

fn in_cidr(text: &str, net: IpAddr, bits: u8) -> bool {
    let Ok(ip) = text.trim().parse::<IpAddr>() else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(bits))
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(bits))
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// Keyword search over an event: a keyword is found in the event's whole
/// text (keys, numbers and all: the "full log message") or in one of its
/// string values (where a `\` or a `"` is itself, not a JSON escape).
pub fn keywords_match(pats: &[Pattern], all: bool, ev: &dyn EventFields) -> bool {
    let found = |p: &Pattern| {
        p.is_match(ev.full_text(), false) || ev.any_string(&mut |v| p.is_match(v, false))
    };
    if all {
        pats.iter().all(found)
    } else {
        pats.iter().any(found)
    }
}

/// Why a detection could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectionError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, DetectionError> {
    Err(DetectionError(msg.into()))
}

/// Builds a search identifier from its YAML.
pub fn parse_search(name: &str, y: &Yaml) -> Result<Search, DetectionError> {
    match y {
        Yaml::Hash(h) => {
            if let Some(kw) = keyword_map(name, h)? {
                return Ok(kw);
            }
            Ok(Search::Maps(vec![parse_map(name, h)?]))
        }
        Yaml::Array(items) => {
            if items.len() > MAX_VALUES {
                return err(format!(
                    "`{name}` lists {} items (at most {MAX_VALUES})",
                    items.len()
                ));
            }
            if !items.is_empty() && items.iter().all(|i| matches!(i, Yaml::Hash(_))) {
                let mut maps = Vec::new();
                for i in items {
                    if let Yaml::Hash(h) = i {
                        maps.push(parse_map(name, h)?);
                    }
                }
                Ok(Search::Maps(maps))
            } else if items
                .iter()
                .any(|i| matches!(i, Yaml::Hash(_) | Yaml::Array(_)))
            {
                err(format!("`{name}` mixes maps and plain values in one list"))
            } else {
                let mut pats = Vec::new();
                for i in items {
                    let Some(s) = scalar_text(i) else {
                        return err(format!("`{name}`: a keyword must be a plain value"));
                    };
                    pats.push(wildcard_pattern(&s, Anchor::Contains, false)?);
                }
                Ok(Search::Keywords { pats, all: false })
            }
        }
        Yaml::String(_) | Yaml::Integer(_) | Yaml::Real(_) | Yaml::Boolean(_) => {
            let s = scalar_text(y).unwrap_or_default();
            Ok(Search::Keywords {
                pats: vec![wildcard_pattern(&s, Anchor::Contains, false)?],
                all: false,
            })
        }
        _ => err(format!(
            "`{name}` must be a map, a list of maps or a list of keywords"
        )),
    }
}

/// A field-less map, `'|all': [keywords]` (the specification's keywords
/// that must all be found); `None` for an ordinary map.
fn keyword_map(name: &str, h: &yaml_rust2::yaml::Hash) -> Result<Option<Search>, DetectionError> {
    let mut keys = h.iter();
    let (Some((Yaml::String(k), v)), None) = (keys.next(), keys.next()) else {
        return Ok(None);
    };
    let Some(mods) = k.strip_prefix('|') else {
        return Ok(None);
    };
    let mut all = false;
    for m in mods.split('|') {
        match m {
            "all" => all = true,
            // Keywords are found anywhere already.
            "contains" => {}
            other => {
                return err(format!(
                    "`{name}`: modifier `{other}` is not supported on keywords"
                ));
            }
        }
    }
    let items: Vec<&Yaml> = match v {
        Yaml::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    if items.is_empty() || items.len() > MAX_VALUES {
        return err(format!(
            "`{name}`: a keyword list holds 1 to {MAX_VALUES} values"
        ));
    }
    let mut pats = Vec::new();
    for i in items {
        let Some(s) = scalar_text(i) else {
            return err(format!("`{name}`: a keyword must be a plain value"));
        };
        pats.push(wildcard_pattern(&s, Anchor::Contains, false)?);
    }
    Ok(Some(Search::Keywords { pats, all }))
}

fn scalar_text(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Real(r) => Some(r.clone()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn parse_map(name: &str, h: &yaml_rust2::yaml::Hash) -> Result<Vec<FieldCond>, DetectionError> {
    let mut out = Vec::new();
    for (k, v) in h {
        let Some(key) = scalar_text(k) else {
            return err(format!("`{name}`: a field name must be text"));
        };
        out.push(parse_field(name, &key, v)?);
    }
    Ok(out)
}

/// Modifiers read from `field|mod1|mod2`.
#[derive(Default)]
struct Mods {
    anchor: Option<Anchor>,
    all: bool,
    re: bool,
    re_i: bool,
    re_m: bool,
    re_s: bool,
    cidr: bool,
    exists: bool,
    cmp: Option<CmpOp>,
    fieldref: bool,
    cased: bool,
    base64: bool,
    base64offset: bool,
    windash: bool,
}

fn parse_field(name: &str, key: &str, v: &Yaml) -> Result<FieldCond, DetectionError> {
    let mut parts = key.split('|');
    let field = parts.next().unwrap_or("").to_owned();
    let mut m = Mods::default();
    for md in parts {
        match md {
            "contains" => m.anchor = Some(Anchor::Contains),
            "startswith" => m.anchor = Some(Anchor::StartsWith),
            "endswith" => m.anchor = Some(Anchor::EndsWith),
            "all" => m.all = true,
            "re" => m.re = true,
            "i" => m.re_i = true,
            "m" => m.re_m = true,
            "s" => m.re_s = true,
            "cidr" => m.cidr = true,
            "exists" => m.exists = true,
            "gt" => m.cmp = Some(CmpOp::Gt),
            "gte" => m.cmp = Some(CmpOp::Gte),
            "lt" => m.cmp = Some(CmpOp::Lt),
            "lte" => m.cmp = Some(CmpOp::Lte),
            "fieldref" => m.fieldref = true,
            "cased" => m.cased = true,
            "base64" => m.base64 = true,
            "base64offset" => m.base64offset = true,
            "windash" => m.windash = true,
            "expand" => {
                return err(format!(
                    "`{name}`: field `{field}` uses `expand` (a placeholder such as %name% needs values before the rule can run)"
                ));
            }
            "utf16le" | "utf16be" | "utf16" | "wide" => {
                return err(format!(
                    "`{name}`: modifier `{md}` (UTF-16 encodings) is not supported for CloudTrail's UTF-8 JSON"
                ));
            }
            other => {
                return err(format!(
                    "`{name}`: unknown modifier `{other}` on field `{field}`"
                ));
            }
        }
    }
    if (m.re_i || m.re_m || m.re_s) && !m.re {
        return err(format!(
            "`{name}`: `i`, `m` and `s` are flags of `re` on field `{field}`"
        ));
    }
    let raw_values: Vec<&Yaml> = match v {
        Yaml::Array(a) => {
            if a.len() > MAX_VALUES {
                return err(format!(
                    "`{name}`: field `{field}` lists {} values (at most {MAX_VALUES})",
                    a.len()
                ));
            }
            a.iter().collect()
        }
        other => vec![other],
    };
    if raw_values.is_empty() {
        return err(format!(
            "`{name}`: field `{field}` has an empty list of values"
        ));
    }
    let mut values = Vec::new();
    for rv in raw_values {
        values.push(compile_value(name, &field, &m, rv)?);
    }
    Ok(FieldCond {
        field,
        values,
        all: m.all,
    })
}

fn compile_value(
    name: &str,
    field: &str,
    m: &Mods,
    v: &Yaml,
) -> Result<ValueMatcher, DetectionError> {
    let ctx = |what: &str| format!("`{name}`: field `{field}`: {what}");
    if m.exists {
        return match v {
            Yaml::Boolean(b) => Ok(ValueMatcher::Exists(*b)),
            Yaml::String(s) if s.eq_ignore_ascii_case("true") => Ok(ValueMatcher::Exists(true)),
            Yaml::String(s) if s.eq_ignore_ascii_case("false") => Ok(ValueMatcher::Exists(false)),
            _ => err(ctx("`exists` takes true or false")),
        };
    }
    if matches!(v, Yaml::Null) {
        if m.anchor.is_some() || m.re || m.cidr || m.cmp.is_some() || m.fieldref {
            return err(ctx("a modifier cannot apply to null"));
        }
        return Ok(ValueMatcher::Null);
    }
    let Some(text) = scalar_text(v) else {
        return err(ctx(
            "a value must be a plain value or null (not a map or a list)",
        ));
    };
    if let Some(op) = m.cmp {
        let n = text
            .trim()
            .parse::<f64>()
            .map_err(|_| DetectionError(ctx(&format!("`{text}` is not a number"))))?;
        return Ok(ValueMatcher::Cmp(op, n));
    }
    if m.cidr {
        let (addr, bits) = text.split_once('/').unwrap_or((text.as_str(), ""));
        let ip: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| DetectionError(ctx(&format!("`{text}` is not a CIDR range"))))?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let bits: u8 = if bits.is_empty() {
            max
        } else {
            bits.trim()
                .parse()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| DetectionError(ctx(&format!("`{text}` has a bad prefix length"))))?
        };
        return Ok(ValueMatcher::Cidr(ip, bits));
    }
    if m.fieldref {
        return Ok(ValueMatcher::FieldRef {
            path: text,
            how: m.anchor.unwrap_or(Anchor::Exact),
            cased: m.cased,
        });
    }
    if m.re {
        if m.anchor.is_some() {
            return err(ctx(
                "`re` cannot be combined with contains/startswith/endswith",
            ));
        }
        let r = RegexBuilder::new(&text)
            .case_insensitive(m.re_i)
            .multi_line(m.re_m)
            .dot_matches_new_line(m.re_s)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| {
                DetectionError(ctx(&format!(
                    "bad regular expression: {}",
                    first_line(&e.to_string())
                )))
            })?;
        return Ok(ValueMatcher::Str {
            pats: vec![if ["^", "$", "\\A", "\\z", "\\B"]
                .iter()
                .any(|a| text.contains(a))
            {
                Pattern::Regex(r)
            } else {
                Pattern::Unanchored(r)
            }],
            cased: true,
        });
    }
    let anchor = m.anchor.unwrap_or(Anchor::Exact);
    let mut texts = vec![text];
    let cased = m.cased;
    if m.windash {
        texts = texts.iter().flat_map(|t| windash_variants(t)).collect();
        if texts.len() > 1024 {
            return err(ctx("`windash` gives more than 1024 variants"));
        }
    }
    if m.base64 || m.base64offset {
        // Wildcards do not apply to the encoded text. It compares ignoring
        // case unless `cased` is given, like every Sigma value (the
        // specification's default; rsigma and pySigma's backends agree).
        let mut out = Vec::new();
        for t in &texts {
            if m.base64offset {
                out.extend(base64offset_variants(t.as_bytes()));
            } else {
                out.push(base64::engine::general_purpose::STANDARD.encode(t.as_bytes()));
            }
        }
        let pats = out
            .into_iter()
            .map(|s| literal_pattern(&s, anchor, cased))
            .collect();
        return Ok(ValueMatcher::Str { pats, cased });
    }
    let mut pats = Vec::new();
    for t in &texts {
        pats.push(wildcard_pattern(t, anchor, cased)?);
    }
    Ok(ValueMatcher::Str { pats, cased })
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_owned()
}

fn literal_pattern(s: &str, anchor: Anchor, cased: bool) -> Pattern {
    let s = if cased {
        s.to_owned()
    } else {
        s.to_lowercase()
    };
    match anchor {
        Anchor::Exact => Pattern::Exact(s),
        Anchor::Contains => Pattern::Contains(s),
        Anchor::StartsWith => Pattern::StartsWith(s),
        Anchor::EndsWith => Pattern::EndsWith(s),
    }
}

/// Pieces of a Sigma string value: literal text and wildcards.
#[derive(Debug, PartialEq)]
enum Piece {
    Lit(String),
    Star,
    One,
}

/// Splits a value on unescaped `*` and `?`. `\*`, `\?` and `\\` are the
/// literal characters; any other backslash is itself.
fn pieces(s: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(&n @ ('*' | '?' | '\\')) => {
                    lit.push(n);
                    chars.next();
                }
                _ => lit.push('\\'),
            },
            '*' | '?' => {
                if !lit.is_empty() {
                    out.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                out.push(if c == '*' { Piece::Star } else { Piece::One });
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    out
}

/// Compiles a plain value with its anchor into the cheapest pattern.
pub fn wildcard_pattern(s: &str, anchor: Anchor, cased: bool) -> Result<Pattern, DetectionError> {
    let ps = pieces(s);
    if !ps.iter().any(|p| matches!(p, Piece::Star | Piece::One)) {
        let lit = match ps.first() {
            Some(Piece::Lit(l)) => l.clone(),
            _ => String::new(),
        };
        return Ok(literal_pattern(&lit, anchor, cased));
    }
    let mut re = String::from(if cased { "(?s)" } else { "(?si)" });
    if matches!(anchor, Anchor::Exact | Anchor::StartsWith) {
        re.push('^');
    }
    for p in &ps {
        match p {
            Piece::Lit(l) => re.push_str(&regex::escape(l)),
            Piece::Star => re.push_str(".*"),
            Piece::One => re.push('.'),
        }
    }
    if matches!(anchor, Anchor::Exact | Anchor::EndsWith) {
        re.push('$');
    }
    RegexBuilder::new(&re)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map(Pattern::Regex)
        .map_err(|e| DetectionError(format!("value `{s}`: {}", first_line(&e.to_string()))))
}

/// The three base64 encodings of `v` at offsets 0, 1 and 2, without the
/// characters that depend on what surrounds it (as pySigma does).
pub fn base64offset_variants(v: &[u8]) -> Vec<String> {
    let start = [0usize, 2, 3];
    let end_trim = [0usize, 3, 2];
    let eng = base64::engine::general_purpose::STANDARD;
    (0..3)
        .map(|i| {
            let mut buf = vec![b' '; i];
            buf.extend_from_slice(v);
            let enc = eng.encode(&buf);
            let trim = end_trim[(v.len() + i) % 3];
            let end = enc.len().saturating_sub(trim);
            enc.get(start[i]..end.max(start[i]))
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

/// Dash characters `windash` tries for a `-` or `/` that starts a word.
const DASHES: [char; 5] = ['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

/// Every variant of `s` with each option dash (`-` or `/` at a word start)
/// replaced by each of [`DASHES`].
pub fn windash_variants(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = vec![String::new()];
    for (i, &c) in chars.iter().enumerate() {
        let prev_word = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let next_word = chars
            .get(i + 1)
            .is_some_and(|n| n.is_alphanumeric() || *n == '_');
        if (c == '-' || c == '/') && !prev_word && next_word && out.len() <= 1024 {
            out = out
                .into_iter()
                .flat_map(|o| {
                    DASHES.iter().map(move |d| {
                        let mut o = o.clone();
                        o.push(*d);
                        o
                    })
                })
                .collect();
        } else {
            for o in &mut out {
                o.push(c);
            }
        }
    }
    out
}

/// Field paths a search reads (for choosing store columns).
pub fn search_fields(s: &Search) -> Vec<&str> {
    match s {
        Search::Maps(maps) => maps.iter().flatten().map(|f| f.field.as_str()).collect(),
        Search::Keywords { .. } => Vec::new(),
    }
}

pub fn is_cased(m: &ValueMatcher) -> bool {
    matches!(m, ValueMatcher::Str { cased: true, .. })
}
