//! Splits query text into tokens with their byte positions: words, quoted
//! phrases, `/regex/`, `field:` prefixes, parentheses, `-` and the
//! keywords `AND`, `OR`, `NOT` (any case).

use super::errors::QueryError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokKind {
    LParen,
    RParen,
    /// `NOT` keyword.
    Not,
    /// `-` directly in front of a term.
    Minus,
    And,
    Or,
    /// `name:`, the name without the colon.
    Field(String),
    /// Unquoted text.
    Word(String),
    /// `"..."` with its escapes resolved.
    Quoted(String),
    /// `/.../` body with `\/` resolved.
    Regex(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: TokKind,
    pub start: usize,
    pub end: usize,
}

/// Word prefixes that look like `field:` but start a value (`arn:aws:...`,
/// `https://...`): such words are searched as text.
const NOT_FIELDS: [&str; 4] = ["arn", "http", "https", "s3"];

pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, QueryError> {
    let mut lx = Lexer {
        text,
        pos: 0,
        out: Vec::new(),
        after_field: false,
    };
    lx.run()?;
    Ok(lx.out)
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    out: Vec<Token>,
    /// The previous token was `field:`, so the next word is its value.
    after_field: bool,
}

fn is_boundary(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c.is_whitespace() || c == ')' || c == '(',
    }
}

fn ends_word(c: char) -> bool {
    c.is_whitespace() || c == '(' || c == ')' || c == '"'
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|s| s.chars().next())
    }

    fn push(&mut self, kind: TokKind, start: usize, end: usize) {
        self.after_field = matches!(kind, TokKind::Field(_));
        self.out.push(Token { kind, start, end });
    }

    fn run(&mut self) -> Result<(), QueryError> {
        loop {
            while let Some(c) = self.peek() {
                if !c.is_whitespace() {
                    break;
                }
                if self.after_field {
                    return Err(self.missing_value());
                }
                self.pos += c.len_utf8();
            }
            let Some(c) = self.peek() else {
                if self.after_field {
                    return Err(self.missing_value());
                }
                return Ok(());
            };
            let start = self.pos;
            match c {
                '(' => {
                    self.pos += 1;
                    self.push(TokKind::LParen, start, self.pos);
                }
                ')' => {
                    if self.after_field {
                        return Err(self.missing_value());
                    }
                    self.pos += 1;
                    self.push(TokKind::RParen, start, self.pos);
                }
                '"' => self.quoted()?,
                '/' => self.regex()?,
                '-' if !self.after_field => {
                    let next = self.peek_at(start + 1);
                    if next.is_none_or(|c| c.is_whitespace() || c == ')') {
                        return Err(QueryError::new("expected a term after \"-\"", start));
                    }
                    self.pos += 1;
                    self.push(TokKind::Minus, start, self.pos);
                }
                _ => self.word(),
            }
        }
    }

    fn missing_value(&self) -> QueryError {
        let (name, at) = match self.out.last() {
            Some(Token {
                kind: TokKind::Field(n),
                start,
                ..
            }) => (n.as_str(), *start),
            _ => ("", self.pos),
        };
        QueryError::new(format!("expected a value after \"{name}:\""), at)
    }

    fn quoted(&mut self) -> Result<(), QueryError> {
        let start = self.pos;
        let mut value = String::new();
        let mut chars = self.text[start + 1..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos = start + 1 + i + 1;
                    self.push(TokKind::Quoted(value), start, self.pos);
                    return Ok(());
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => value.push(e),
                    Some((_, e)) => {
                        value.push('\\');
                        value.push(e);
                    }
                    None => break,
                },
                _ => value.push(c),
            }
        }
        Err(QueryError::new("unclosed quote", start))
    }

    fn regex(&mut self) -> Result<(), QueryError> {
        let start = self.pos;
        let body_start = start + 1;
        let bytes = self.text.as_bytes();
        let mut i = body_start;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'/' if is_boundary(self.peek_at(i + 1)) => {
                    let body = self.text[body_start..i].replace("\\/", "/");
                    self.pos = i + 1;
                    self.push(TokKind::Regex(body), start, self.pos);
                    return Ok(());
                }
                _ => i += 1,
            }
        }
        Err(QueryError::new(
            "unclosed regex (end it with / or quote a value that starts with /)",
            start,
        ))
    }

    fn word(&mut self) {
        let start = self.pos;
        let rest = &self.text[start..];
        let len = rest.find(ends_word).unwrap_or(rest.len());
        let word = &rest[..len];
        if !self.after_field {
            if let Some(colon) = word.find(':')
                && is_field_name(&word[..colon])
            {
                self.pos = start + colon + 1;
                self.push(TokKind::Field(word[..colon].to_owned()), start, self.pos);
                return;
            }
            let keyword = if word.eq_ignore_ascii_case("AND") {
                Some(TokKind::And)
            } else if word.eq_ignore_ascii_case("OR") {
                Some(TokKind::Or)
            } else if word.eq_ignore_ascii_case("NOT") {
                Some(TokKind::Not)
            } else {
                None
            };
            if let Some(k) = keyword {
                self.pos = start + len;
                self.push(k, start, self.pos);
                return;
            }
        }
        self.pos = start + len;
        self.push(TokKind::Word(word.to_owned()), start, self.pos);
    }
}

/// `eventName`, `userIdentity.type`, `@timestamp`, `p_any_ip`: a letter,
/// `_` or `@` first, then letters, digits, `_`, `.`, `@`, `-`.
pub(crate) fn is_field_name(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '@') {
        return false;
    }
    if NOT_FIELDS.iter().any(|n| n.eq_ignore_ascii_case(s)) {
        return false;
    }
    chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokKind> {
        tokenize(text)
            .expect("tokens")
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    fn word(s: &str) -> TokKind {
        TokKind::Word(s.into())
    }

    #[test]
    fn words_fields_and_keywords() {
        use TokKind::*;
        assert_eq!(
            kinds("a name:Get* OR -(b and not c)"),
            vec![
                word("a"),
                Field("name".into()),
                word("Get*"),
                Or,
                Minus,
                LParen,
                word("b"),
                And,
                Not,
                word("c"),
                RParen
            ]
        );
    }

    #[test]
    fn values_keep_colons_dashes_and_keywords() {
        use TokKind::*;
        assert_eq!(
            kinds("time:2024-03-01T12:00Z x:-1 y:OR"),
            vec![
                Field("time".into()),
                word("2024-03-01T12:00Z"),
                Field("x".into()),
                word("-1"),
                Field("y".into()),
                word("OR"),
            ]
        );
    }

    #[test]
    fn arn_and_urls_are_text_not_fields() {
        assert_eq!(
            kinds("arn:aws:iam::1:role/x https://a 10:15"),
            vec![
                word("arn:aws:iam::1:role/x"),
                word("https://a"),
                word("10:15")
            ]
        );
    }

    #[test]
    fn quotes_with_escapes_and_positions() {
        let t = tokenize(r#"  "a \"b\" \\ c\d""#).expect("tokens");
        assert_eq!(t[0].kind, TokKind::Quoted(r#"a "b" \ c\d"#.into()));
        assert_eq!(t[0].start, 2);
        let t = tokenize(r#"name:"x y""#).expect("tokens");
        assert_eq!(t[1].kind, TokKind::Quoted("x y".into()));
    }

    #[test]
    fn regex_tokens() {
        assert_eq!(
            kinds(r"/a\/b/ x:/^De.*/"),
            vec![
                TokKind::Regex("a/b".into()),
                TokKind::Field("x".into()),
                TokKind::Regex("^De.*".into())
            ]
        );
        assert_eq!(kinds("/a/b/"), vec![TokKind::Regex("a/b".into())]);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = tokenize(r#"name:x "abc"#).expect_err("unclosed");
        assert_eq!(e.to_string(), "unclosed quote at 7");
        let e = tokenize("a eventName:").expect_err("no value");
        assert_eq!(e.to_string(), "expected a value after \"eventName:\" at 2");
        let e = tokenize("eventName: x").expect_err("space");
        assert_eq!(e.message, "expected a value after \"eventName:\"");
        let e = tokenize("(name:)").expect_err("paren");
        assert_eq!(e.position, 1);
        let e = tokenize("a - b").expect_err("dash");
        assert_eq!(e.to_string(), "expected a term after \"-\" at 2");
        let e = tokenize("x /abc").expect_err("regex");
        assert!(e.message.starts_with("unclosed regex"), "{e}");
        assert_eq!(e.position, 2);
    }

    #[test]
    fn field_names() {
        assert!(is_field_name("userIdentity.type"));
        assert!(is_field_name("@timestamp"));
        assert!(!is_field_name("1x"));
        assert!(!is_field_name(""));
        assert!(!is_field_name("ARN"));
        assert!(!is_field_name("a/b"));
    }
}
