//! A Sigma rule read from YAML (yaml-rust2): metadata (`title`, `id`,
//! `status`, `level`, `description`, `author`, `references`, `tags`,
//! `falsepositives`, `logsource`), its detection (search identifiers and
//! condition) or, for a Sigma v2 correlation document, its correlation.
//! A file may hold several documents separated by `---`.

use yaml_rust2::{Yaml, YamlLoader};

use super::condition::{self, Cond};
use super::correlation::{self, Correlation};
use super::detection::{self, Search};

/// Largest rule file read, bytes.
pub const MAX_RULE_BYTES: usize = 1 << 20;
/// Deepest YAML nesting accepted in a rule.
pub const MAX_YAML_DEPTH: usize = 32;

/// Sigma levels, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Informational,
        Level::Low,
        Level::Medium,
        Level::High,
        Level::Critical,
    ];

    pub fn parse(s: &str) -> Option<Level> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "informational" | "info" => Level::Informational,
            "low" => Level::Low,
            "medium" => Level::Medium,
            "high" => Level::High,
            "critical" => Level::Critical,
            _ => return None,
        })
    }

    /// The level of a [`crate::query::RuleLabel::level`] index (0
    /// informational … 4 critical); informational when out of range.
    pub fn from_index(i: u8) -> Level {
        Level::ALL
            .get(usize::from(i))
            .copied()
            .unwrap_or(Level::Informational)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Informational => "informational",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }
}

/// What a rule detects with.
#[derive(Debug, Clone)]
pub enum Body {
    /// Single-event detection.
    Detection {
        names: Vec<String>,
        searches: Vec<Search>,
        condition: Cond,
        /// A legacy `| count() ...` aggregation, read as a correlation over
        /// this rule's own matches.
        aggregation: Option<Correlation>,
    },
    /// A Sigma v2 correlation over other rules.
    Correlation(Correlation),
}

/// One rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub title: String,
    pub id: String,
    /// `name` (what correlations refer to), if any.
    pub name: String,
    pub status: String,
    pub level: Level,
    pub description: String,
    pub author: String,
    pub references: Vec<String>,
    pub tags: Vec<String>,
    pub falsepositives: Vec<String>,
    pub product: String,
    pub service: String,
    pub category: String,
    pub body: Body,
}

/// True when an ATT&CK tag (without its `attack.` prefix) names a tactic
/// (`persistence`), not a technique (`t1078.004`), a group (`g0016`) or
/// software (`s0002`).
pub fn is_tactic(tag: &str) -> bool {
    let b = tag.as_bytes();
    !(b.len() >= 2
        && matches!(b[0], b't' | b'T' | b'g' | b'G' | b's' | b'S')
        && b[1].is_ascii_digit())
}

impl Rule {
    /// ATT&CK technique ids (`T1078`, `T1550.001`) from the tags.
    pub fn techniques(&self) -> Vec<String> {
        self.tags
            .iter()
            .filter_map(|t| t.strip_prefix("attack."))
            .filter(|t| {
                let b = t.as_bytes();
                b.len() >= 5 && (b[0] == b't' || b[0] == b'T') && b[1].is_ascii_digit()
            })
            .map(|t| t.to_ascii_uppercase())
            .collect()
    }

    /// ATT&CK tactics (`persistence`, `lateral-movement`) from the tags.
    pub fn tactics(&self) -> Vec<String> {
        self.tags
            .iter()
            .filter_map(|t| t.strip_prefix("attack."))
            .filter(|t| is_tactic(t))
            .map(str::to_owned)
            .collect()
    }

    /// True for `product: aws` + `service: cloudtrail` (or no logsource
    /// product/service other than these).
    pub fn is_cloudtrail(&self) -> bool {
        let p_ok = self.product.is_empty() || self.product.eq_ignore_ascii_case("aws");
        let s_ok = self.service.is_empty() || self.service.eq_ignore_ascii_case("cloudtrail");
        let any = !self.product.is_empty() || !self.service.is_empty();
        (p_ok && s_ok && any) || matches!(self.body, Body::Correlation(_))
    }
}

/// Why a rule document could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError(pub String);

fn depth_ok(y: &Yaml, depth: usize) -> bool {
    if depth > MAX_YAML_DEPTH {
        return false;
    }
    match y {
        Yaml::Array(a) => a.iter().all(|i| depth_ok(i, depth + 1)),
        Yaml::Hash(h) => h
            .iter()
            .all(|(k, v)| depth_ok(k, depth + 1) && depth_ok(v, depth + 1)),
        _ => true,
    }
}

/// Parses a file's text into its rule documents. An error for the whole
/// file when the YAML cannot be read; else one result per document.
pub fn parse_text(text: &str) -> Result<Vec<Result<Rule, RuleError>>, RuleError> {
    if text.len() > MAX_RULE_BYTES {
        return Err(RuleError(format!(
            "file larger than {} KiB",
            MAX_RULE_BYTES / 1024
        )));
    }
    let docs =
        YamlLoader::load_from_str(text).map_err(|e| RuleError(format!("not valid YAML: {e}")))?;
    if docs.is_empty() {
        return Err(RuleError("no YAML document".into()));
    }
    Ok(docs.iter().map(parse_doc).collect())
}

fn get<'y>(y: &'y Yaml, key: &str) -> Option<&'y Yaml> {
    match y {
        Yaml::Hash(h) => h.get(&Yaml::String(key.to_owned())),
        _ => None,
    }
}

pub(crate) fn text_of(y: Option<&Yaml>) -> String {
    match y {
        Some(Yaml::String(s)) => s.clone(),
        Some(Yaml::Integer(i)) => i.to_string(),
        Some(Yaml::Real(r)) => r.clone(),
        Some(Yaml::Boolean(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn list_of(y: Option<&Yaml>) -> Vec<String> {
    match y {
        Some(Yaml::Array(a)) => a
            .iter()
            .map(|i| text_of(Some(i)))
            .filter(|s| !s.is_empty())
            .collect(),
        Some(other) => {
            let s = text_of(Some(other));
            if s.is_empty() { Vec::new() } else { vec![s] }
        }
        None => Vec::new(),
    }
}

/// Parses one YAML document into a rule.
pub fn parse_doc(doc: &Yaml) -> Result<Rule, RuleError> {
    if !matches!(doc, Yaml::Hash(_)) {
        return Err(RuleError("a rule must be a YAML map".into()));
    }
    if !depth_ok(doc, 0) {
        return Err(RuleError(format!(
            "YAML nested deeper than {MAX_YAML_DEPTH} levels"
        )));
    }
    let title = text_of(get(doc, "title"));
    if title.trim().is_empty() {
        return Err(RuleError("missing `title`".into()));
    }
    let level_text = text_of(get(doc, "level"));
    let level = if level_text.is_empty() {
        Level::Medium
    } else {
        Level::parse(&level_text)
            .ok_or_else(|| RuleError(format!("unknown level `{level_text}`")))?
    };
    let logsource = get(doc, "logsource");
    let ls = |k: &str| text_of(logsource.and_then(|l| get(l, k)));
    let body = if let Some(corr) = get(doc, "correlation") {
        Body::Correlation(correlation::parse(corr).map_err(RuleError)?)
    } else {
        let det = get(doc, "detection").ok_or_else(|| RuleError("missing `detection`".into()))?;
        parse_detection(det, get(doc, "timeframe"))?
    };
    Ok(Rule {
        title,
        id: text_of(get(doc, "id")),
        name: text_of(get(doc, "name")),
        status: text_of(get(doc, "status")),
        level,
        description: text_of(get(doc, "description")),
        author: text_of(get(doc, "author")),
        references: list_of(get(doc, "references")),
        tags: list_of(get(doc, "tags")),
        falsepositives: list_of(get(doc, "falsepositives")),
        product: ls("product"),
        service: ls("service"),
        category: ls("category"),
        body,
    })
}

fn parse_detection(det: &Yaml, outer_timeframe: Option<&Yaml>) -> Result<Body, RuleError> {
    let Yaml::Hash(h) = det else {
        return Err(RuleError("`detection` must be a map".into()));
    };
    let mut names = Vec::new();
    let mut searches = Vec::new();
    let mut cond_texts: Vec<String> = Vec::new();
    let mut timeframe = text_of(outer_timeframe);
    for (k, v) in h {
        let key = text_of(Some(k));
        match key.as_str() {
            "condition" => match v {
                Yaml::Array(a) => cond_texts.extend(a.iter().map(|i| text_of(Some(i)))),
                other => cond_texts.push(text_of(Some(other))),
            },
            "timeframe" => timeframe = text_of(Some(v)),
            _ => {
                let s = detection::parse_search(&key, v).map_err(|e| RuleError(e.0))?;
                names.push(key);
                searches.push(s);
            }
        }
    }
    if cond_texts.is_empty() || cond_texts.iter().all(|c| c.trim().is_empty()) {
        return Err(RuleError("missing `detection.condition`".into()));
    }
    let mut conds = Vec::new();
    let mut aggregation = None;
    for ct in &cond_texts {
        let (search_part, agg_part) = match ct.split_once('|') {
            Some((a, b)) => (a, Some(b)),
            None => (ct.as_str(), None),
        };
        conds.push(
            condition::parse(search_part, &names)
                .map_err(|e| RuleError(format!("condition `{}`: {e}", ct.trim())))?,
        );
        if let Some(agg) = agg_part {
            if cond_texts.len() > 1 {
                return Err(RuleError(
                    "an aggregation (`| count() ...`) in a list of conditions is not supported"
                        .into(),
                ));
            }
            aggregation = Some(
                correlation::parse_legacy(agg, &timeframe)
                    .map_err(|e| RuleError(format!("aggregation `{}`: {e}", agg.trim())))?,
            );
        }
    }
    if aggregation.is_none() && !timeframe.trim().is_empty() {
        return Err(RuleError(format!(
            "`timeframe: {}` without an aggregation: the condition is evaluated on single events, so a rule meant to correlate several events (e.g. `selection1 and selection2`) would never match; write it as a Sigma correlation (temporal) instead",
            timeframe.trim()
        )));
    }
    let condition = if conds.len() == 1 {
        conds.remove(0)
    } else {
        Cond::Or(conds)
    };
    Ok(Body::Detection {
        names,
        searches,
        condition,
        aggregation,
    })
}
