//! Multi-event rules: Sigma v2 correlations (`event_count`,
//! `value_count`, `temporal`, `temporal_ordered`, with `group-by` and
//! `timespan`) and the legacy `| count() by x > N` + `timeframe` form,
//! read as the equivalent `event_count` / `value_count`.
//!
//! Evaluation works on the (sparse) matches of the referenced rules: per
//! group, a window slides over the matches in time order; every match in a
//! window that satisfies the condition is a hit of the correlation.

use std::collections::HashMap;

use yaml_rust2::Yaml;

use super::rule::text_of;

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    EventCount,
    /// Distinct values of a field.
    ValueCount(String),
    Temporal,
    TemporalOrdered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Neq,
}

impl Op {
    fn holds(self, x: u64, n: u64) -> bool {
        match self {
            Op::Gt => x > n,
            Op::Gte => x >= n,
            Op::Lt => x < n,
            Op::Lte => x <= n,
            Op::Eq => x == n,
            Op::Neq => x != n,
        }
    }
}

/// A correlation.
#[derive(Debug, Clone, PartialEq)]
pub struct Correlation {
    pub kind: Kind,
    /// Referenced rules (id or name); empty for a legacy aggregation
    /// (the rule's own matches).
    pub rules: Vec<String>,
    pub group_by: Vec<String>,
    /// Window length in milliseconds (`i64::MAX`: the whole trail).
    pub timespan_ms: i64,
    /// Count conditions, all of which must hold (none for temporal kinds).
    pub conds: Vec<(Op, u64)>,
}

/// Parses `1h`, `10m`, `30s`, `2d`, `1w` (Sigma's timespan units).
pub fn parse_timespan(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("missing timespan".into());
    }
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num.parse().map_err(|_| format!("bad timespan `{s}`"))?;
    let mult = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        "M" => 30 * 86_400_000,
        "y" => 365 * 86_400_000,
        _ => return Err(format!("bad timespan unit in `{s}` (s, m, h, d, w, M, y)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("timespan `{s}` too large"))
}

fn get<'y>(y: &'y Yaml, key: &str) -> Option<&'y Yaml> {
    match y {
        Yaml::Hash(h) => h.get(&Yaml::String(key.to_owned())),
        _ => None,
    }
}

fn strings(y: Option<&Yaml>) -> Vec<String> {
    match y {
        Some(Yaml::Array(a)) => a.iter().map(|i| text_of(Some(i))).collect(),
        Some(o) => vec![text_of(Some(o))],
        None => Vec::new(),
    }
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect()
}

fn op_of(k: &str) -> Option<Op> {
    Some(match k {
        "gt" => Op::Gt,
        "gte" => Op::Gte,
        "lt" => Op::Lt,
        "lte" => Op::Lte,
        "eq" => Op::Eq,
        "neq" => Op::Neq,
        _ => return None,
    })
}

/// Parses a `correlation:` section.
pub fn parse(y: &Yaml) -> Result<Correlation, String> {
    let ty = text_of(get(y, "type"));
    let rules = strings(get(y, "rules"));
    if rules.is_empty() {
        return Err("correlation without `rules`".into());
    }
    let group_by = strings(get(y, "group-by"));
    let timespan_ms = parse_timespan(&text_of(get(y, "timespan").or_else(|| get(y, "timeframe"))))?;
    let mut conds = Vec::new();
    let mut field = String::new();
    if let Some(Yaml::Hash(h)) = get(y, "condition") {
        for (k, v) in h {
            let k = text_of(Some(k));
            if k == "field" {
                field = text_of(Some(v));
                continue;
            }
            let op = op_of(&k).ok_or_else(|| format!("unknown condition operator `{k}`"))?;
            let n = match v {
                Yaml::Integer(i) if *i >= 0 => *i as u64,
                _ => return Err(format!("condition `{k}` needs a non-negative integer")),
            };
            conds.push((op, n));
        }
    }
    let kind = match ty.as_str() {
        "event_count" => Kind::EventCount,
        "value_count" => {
            if field.is_empty() {
                return Err("value_count without `condition.field`".into());
            }
            Kind::ValueCount(field)
        }
        "temporal" => Kind::Temporal,
        "temporal_ordered" => Kind::TemporalOrdered,
        "" => return Err("correlation without `type`".into()),
        other => return Err(format!("unsupported correlation type `{other}`")),
    };
    if matches!(kind, Kind::EventCount | Kind::ValueCount(_)) && conds.is_empty() {
        return Err("count correlation without a `condition`".into());
    }
    Ok(Correlation {
        kind,
        rules,
        group_by,
        timespan_ms,
        conds,
    })
}

/// Reads a legacy aggregation tail: `count() > 50`, `count(field) by x >= 3`.
pub fn parse_legacy(agg: &str, timeframe: &str) -> Result<Correlation, String> {
    let a = agg.trim();
    let rest = a
        .strip_prefix("count")
        .ok_or_else(|| {
            "only `count()` aggregations are supported (not min, max, avg, sum, near)".to_string()
        })?
        .trim_start();
    let rest = rest.strip_prefix('(').ok_or("expected `(` after count")?;
    let (field, rest) = rest.split_once(')').ok_or("missing `)` after count(")?;
    let field = field.trim();
    let mut rest = rest.trim();
    let mut group_by = Vec::new();
    if let Some(r) = rest.strip_prefix("by ") {
        let r = r.trim_start();
        let end = r
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '=' | '!'))
            .unwrap_or(r.len());
        group_by.push(r[..end].to_owned());
        rest = r[end..].trim();
    }
    let (op, num) = if let Some(n) = rest.strip_prefix(">=") {
        (Op::Gte, n)
    } else if let Some(n) = rest.strip_prefix("<=") {
        (Op::Lte, n)
    } else if let Some(n) = rest.strip_prefix("!=") {
        (Op::Neq, n)
    } else if let Some(n) = rest.strip_prefix('>') {
        (Op::Gt, n)
    } else if let Some(n) = rest.strip_prefix('<') {
        (Op::Lt, n)
    } else if let Some(n) = rest.strip_prefix("==").or_else(|| rest.strip_prefix('=')) {
        (Op::Eq, n)
    } else {
        return Err("expected a comparison (>, >=, <, <=, =) after count()".into());
    };
    let n: u64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{}` is not a count", num.trim()))?;
    let timespan_ms = if timeframe.trim().is_empty() {
        i64::MAX
    } else {
        parse_timespan(timeframe)?
    };
    let kind = if field.is_empty() {
        Kind::EventCount
    } else {
        Kind::ValueCount(field.to_owned())
    };
    Ok(Correlation {
        kind,
        rules: Vec::new(),
        group_by,
        timespan_ms,
        conds: vec![(op, n)],
    })
}

/// One match of a referenced rule, as a correlation sees it.
#[derive(Debug, Clone)]
pub struct Member {
    pub row: u32,
    pub time: i64,
    /// Which referenced rule (index into `Correlation::rules`; 0 for a
    /// legacy aggregation).
    pub which: usize,
    pub group: String,
    /// The `value_count` field's value (None: absent).
    pub value: Option<String>,
}

/// The rows (sorted) that belong to a satisfied window, and the windows
/// themselves (each the rows of one match, for the detail pane).
pub fn evaluate(c: &Correlation, mut members: Vec<Member>) -> Vec<Vec<u32>> {
    members.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then(a.time.cmp(&b.time))
            .then(a.row.cmp(&b.row))
    });
    let mut out = Vec::new();
    let mut start = 0;
    while start < members.len() {
        let mut end = start;
        while end < members.len() && members[end].group == members[start].group {
            end += 1;
        }
        group_windows(c, &members[start..end], &mut out);
        start = end;
    }
    out
}

fn group_windows(c: &Correlation, g: &[Member], out: &mut Vec<Vec<u32>>) {
    let n_rules = c.rules.len().max(1);
    let mut i = 0;
    let mut counts: HashMap<&str, u64> = HashMap::new();
    let mut per_rule = vec![0u64; n_rules];
    // Last window emitted (start, end) so overlapping ones merge.
    let mut last: Option<(usize, usize)> = None;
    for j in 0..g.len() {
        if let Some(v) = &g[j].value {
            *counts.entry(v.as_str()).or_default() += 1;
        }
        if let Some(r) = per_rule.get_mut(g[j].which) {
            *r += 1;
        }
        while g[j].time.saturating_sub(g[i].time) > c.timespan_ms {
            if let Some(v) = &g[i].value
                && let Some(n) = counts.get_mut(v.as_str())
            {
                *n -= 1;
                if *n == 0 {
                    counts.remove(v.as_str());
                }
            }
            if let Some(r) = per_rule.get_mut(g[i].which) {
                *r -= 1;
            }
            i += 1;
        }
        let ok = match &c.kind {
            Kind::EventCount => {
                let n = (j - i + 1) as u64;
                c.conds.iter().all(|(op, k)| op.holds(n, *k))
            }
            Kind::ValueCount(_) => {
                let n = counts.len() as u64;
                c.conds.iter().all(|(op, k)| op.holds(n, *k))
            }
            Kind::Temporal => per_rule.iter().all(|&r| r > 0),
            Kind::TemporalOrdered => per_rule.iter().all(|&r| r > 0) && ordered(&g[i..=j], n_rules),
        };
        if ok {
            match last {
                Some((s, e)) if i <= e => last = Some((s, j)),
                _ => {
                    if let Some((s, e)) = last {
                        out.push(g[s..=e].iter().map(|m| m.row).collect());
                    }
                    last = Some((i, j));
                }
            }
        }
    }
    if let Some((s, e)) = last {
        out.push(g[s..=e].iter().map(|m| m.row).collect());
    }
}

/// True when the window holds rule 0, then rule 1, ... in time order.
fn ordered(w: &[Member], n_rules: usize) -> bool {
    let mut want = 0;
    for m in w {
        if m.which == want {
            want += 1;
            if want == n_rules {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(row: u32, time: i64, which: usize, group: &str, value: Option<&str>) -> Member {
        Member {
            row,
            time,
            which,
            group: group.into(),
            value: value.map(str::to_owned),
        }
    }

    #[test]
    fn legacy_forms() {
        let c = parse_legacy(" count() > 50", "10m").unwrap();
        assert_eq!(c.kind, Kind::EventCount);
        assert_eq!(c.conds, vec![(Op::Gt, 50)]);
        assert_eq!(c.timespan_ms, 600_000);
        let c = parse_legacy("count(eventName) by userIdentity.arn >= 3", "1h").unwrap();
        assert_eq!(c.kind, Kind::ValueCount("eventName".into()));
        assert_eq!(c.group_by, vec!["userIdentity.arn".to_string()]);
        assert!(
            parse_legacy("max(x) > 3", "")
                .unwrap_err()
                .contains("only `count()`")
        );
        assert!(parse_legacy("count() > x", "").is_err());
        assert!(parse_timespan("10q").is_err());
    }

    #[test]
    fn event_count_window() {
        let c = Correlation {
            kind: Kind::EventCount,
            rules: vec![],
            group_by: vec![],
            timespan_ms: 10,
            conds: vec![(Op::Gte, 3)],
        };
        // 3 within 10 ms in group a; 3 spread out in group b.
        let ms = vec![
            m(1, 0, 0, "a", None),
            m(2, 5, 0, "a", None),
            m(3, 9, 0, "a", None),
            m(4, 0, 0, "b", None),
            m(5, 20, 0, "b", None),
            m(6, 40, 0, "b", None),
        ];
        assert_eq!(evaluate(&c, ms), vec![vec![1, 2, 3]]);
    }

    #[test]
    fn value_count_and_temporal() {
        let c = Correlation {
            kind: Kind::ValueCount("f".into()),
            rules: vec![],
            group_by: vec![],
            timespan_ms: 100,
            conds: vec![(Op::Gte, 2)],
        };
        let same = vec![m(1, 0, 0, "", Some("x")), m(2, 1, 0, "", Some("x"))];
        assert!(evaluate(&c, same).is_empty());
        let diff = vec![m(1, 0, 0, "", Some("x")), m(2, 1, 0, "", Some("y"))];
        assert_eq!(evaluate(&c, diff), vec![vec![1, 2]]);
        let t = Correlation {
            kind: Kind::TemporalOrdered,
            rules: vec!["a".into(), "b".into()],
            group_by: vec![],
            timespan_ms: 100,
            conds: vec![],
        };
        let wrong_order = vec![m(1, 0, 1, "", None), m(2, 1, 0, "", None)];
        assert!(evaluate(&t, wrong_order.clone()).is_empty());
        let t2 = Correlation {
            kind: Kind::Temporal,
            ..t.clone()
        };
        assert_eq!(evaluate(&t2, wrong_order), vec![vec![1, 2]]);
        let right = vec![m(1, 0, 0, "", None), m(2, 1, 1, "", None)];
        assert_eq!(evaluate(&t, right), vec![vec![1, 2]]);
    }
}
