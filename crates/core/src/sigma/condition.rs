//! Sigma conditions: `and`, `or`, `not`, parentheses, `1 of x*`,
//! `all of x*`, `1 of them`, `all of them`, over a rule's search
//! identifiers. The parser is recursive descent with a depth bound, so a
//! hostile condition gives an error, never a stack overflow. The legacy
//! aggregation tail (`| count() by x > N`) is split off here and read by
//! `correlation`.

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// A search identifier, by index into the rule's searches.
    Id(usize),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    /// Constant (e.g. `1 of x*` where no identifier matches `x*`).
    Const(bool),
}

/// Deepest nesting of parentheses and `not` accepted.
pub const MAX_DEPTH: usize = 64;
/// Longest condition accepted, characters.
pub const MAX_LEN: usize = 8192;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Of,
    One,
    All,
    Them,
    Word(String),
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' {
            out.push(Tok::LParen);
            chars.next();
        } else if c == ')' {
            out.push(Tok::RParen);
            chars.next();
        } else if c.is_alphanumeric() || matches!(c, '_' | '*' | '-' | '.') {
            let mut w = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_alphanumeric() || matches!(c, '_' | '*' | '-' | '.') {
                    w.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(match w.to_ascii_lowercase().as_str() {
                "and" => Tok::And,
                "or" => Tok::Or,
                "not" => Tok::Not,
                "of" => Tok::Of,
                "1" | "any" => Tok::One,
                "all" => Tok::All,
                "them" => Tok::Them,
                _ => Tok::Word(w),
            });
        } else {
            return Err(format!("unexpected character `{c}` in the condition"));
        }
    }
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    names: &'a [String],
}

/// Parses `text` against the rule's search identifier `names`.
pub fn parse(text: &str, names: &[String]) -> Result<Cond, String> {
    if text.len() > MAX_LEN {
        return Err(format!("condition longer than {MAX_LEN} characters"));
    }
    let toks = lex(text)?;
    if toks.is_empty() {
        return Err("empty condition".into());
    }
    let mut p = Parser {
        toks,
        pos: 0,
        names,
    };
    let c = p.or(0)?;
    if p.pos < p.toks.len() {
        return Err(format!(
            "unexpected `{}` in the condition",
            show(&p.toks[p.pos])
        ));
    }
    Ok(c)
}

fn show(t: &Tok) -> String {
    match t {
        Tok::LParen => "(".into(),
        Tok::RParen => ")".into(),
        Tok::And => "and".into(),
        Tok::Or => "or".into(),
        Tok::Not => "not".into(),
        Tok::Of => "of".into(),
        Tok::One => "1".into(),
        Tok::All => "all".into(),
        Tok::Them => "them".into(),
        Tok::Word(w) => w.clone(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn or(&mut self, depth: usize) -> Result<Cond, String> {
        let mut items = vec![self.and(depth)?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            items.push(self.and(depth)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::Or(items)
        })
    }

    fn and(&mut self, depth: usize) -> Result<Cond, String> {
        let mut items = vec![self.not(depth)?];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            items.push(self.not(depth)?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Cond::And(items)
        })
    }

    fn not(&mut self, depth: usize) -> Result<Cond, String> {
        if depth > MAX_DEPTH {
            return Err(format!("condition nested deeper than {MAX_DEPTH} levels"));
        }
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            return Ok(Cond::Not(Box::new(self.not(depth + 1)?)));
        }
        self.primary(depth)
    }

    fn primary(&mut self, depth: usize) -> Result<Cond, String> {
        let Some(t) = self.peek().cloned() else {
            return Err("the condition ends too early".into());
        };
        self.pos += 1;
        match t {
            Tok::LParen => {
                let c = self.or(depth + 1)?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err("missing `)` in the condition".into());
                }
                self.pos += 1;
                Ok(c)
            }
            Tok::One | Tok::All => {
                if self.peek() != Some(&Tok::Of) {
                    return Err(format!("expected `of` after `{}`", show(&t)));
                }
                self.pos += 1;
                let targets: Vec<usize> = match self.peek().cloned() {
                    Some(Tok::Them) => (0..self.names.len())
                        .filter(|&i| !self.names[i].starts_with('_'))
                        .collect(),
                    Some(Tok::Word(w)) => {
                        let found: Vec<usize> = (0..self.names.len())
                            .filter(|&i| glob(&w, &self.names[i]))
                            .collect();
                        if found.is_empty() && !w.contains('*') {
                            return Err(format!("unknown search identifier `{w}`"));
                        }
                        found
                    }
                    _ => return Err("expected an identifier pattern or `them` after `of`".into()),
                };
                self.pos += 1;
                let items: Vec<Cond> = targets.into_iter().map(Cond::Id).collect();
                Ok(match (t, items.len()) {
                    (Tok::One, 0) => Cond::Const(false),
                    (_, 0) => Cond::Const(true),
                    (Tok::One, _) => Cond::Or(items),
                    _ => Cond::And(items),
                })
            }
            Tok::Word(w) => match self.names.iter().position(|n| *n == w) {
                Some(i) => Ok(Cond::Id(i)),
                None => Err(format!("unknown search identifier `{w}`")),
            },
            other => Err(format!("unexpected `{}` in the condition", show(&other))),
        }
    }
}

/// `*` wildcard match of an identifier pattern.
fn glob(pat: &str, name: &str) -> bool {
    let parts: Vec<&str> = pat.split('*').collect();
    if parts.len() == 1 {
        return pat == name;
    }
    let mut rest = name;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(p) => rest = &rest[p + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Three-valued evaluation (`None` = unknown) of a condition, given each
/// identifier's value; Kleene logic.
pub fn eval3(c: &Cond, id: &mut dyn FnMut(usize) -> Option<bool>) -> Option<bool> {
    match c {
        Cond::Id(i) => id(*i),
        Cond::Const(b) => Some(*b),
        Cond::Not(x) => eval3(x, id).map(|b| !b),
        Cond::And(xs) => {
            let mut unknown = false;
            for x in xs {
                match eval3(x, id) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown { None } else { Some(true) }
        }
        Cond::Or(xs) => {
            let mut unknown = false;
            for x in xs {
                match eval3(x, id) {
                    Some(true) => return Some(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            if unknown { None } else { Some(false) }
        }
    }
}

/// Two-valued evaluation.
pub fn eval(c: &Cond, id: &mut dyn FnMut(usize) -> bool) -> bool {
    eval3(c, &mut |i| Some(id(i))).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn precedence_and_of() {
        let n = names(&["sel", "filter_a", "filter_b", "_x"]);
        let c = parse("sel and not 1 of filter_*", &n).unwrap();
        assert_eq!(
            c,
            Cond::And(vec![
                Cond::Id(0),
                Cond::Not(Box::new(Cond::Or(vec![Cond::Id(1), Cond::Id(2)])))
            ])
        );
        let c = parse("all of them", &n).unwrap();
        assert_eq!(c, Cond::And(vec![Cond::Id(0), Cond::Id(1), Cond::Id(2)]));
        let c = parse("sel or filter_a and filter_b", &n).unwrap();
        assert_eq!(
            c,
            Cond::Or(vec![Cond::Id(0), Cond::And(vec![Cond::Id(1), Cond::Id(2)])])
        );
        assert_eq!(parse("1 of nothing*", &n).unwrap(), Cond::Const(false));
    }

    #[test]
    fn errors_are_clear() {
        let n = names(&["sel"]);
        assert!(parse("sel and", &n).unwrap_err().contains("ends too early"));
        assert!(
            parse("nope", &n)
                .unwrap_err()
                .contains("unknown search identifier `nope`")
        );
        assert!(parse("(sel", &n).unwrap_err().contains("missing `)`"));
        assert!(parse("sel $", &n).is_err());
        assert!(parse("", &n).is_err());
        let deep = format!("{}sel{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep, &n).is_err());
        let deep = format!("{}sel", "not ".repeat(2000));
        assert!(parse(&deep, &n).is_err());
    }
}
