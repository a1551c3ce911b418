//! The query syntax cheat sheet: the one text the app's "?" popup and
//! menu show, and that `docs/query-language.md` quotes (a test keeps the
//! two the same).

/// The whole language on one screen.
pub const SYNTAX_HELP: &str = "\
field:value          the field equals value (any case); field:pre* wildcards
field:*  field:\"\"    the field is present / absent or empty
word  \"two words\"    the text anywhere in the event (any case)
/regex/  field:/re/  regular expression, case-insensitive, unanchored
a b   a AND b        both          a OR b      either
-a    NOT a          not a         (a OR b) c  grouping
name:(A OR B)        each value applies to that field
field:>10  field:1..5   numbers: > >= < <= and ranges
time:2024-03-01      that day (also 2024-03, 2024-03-01T12, T12:00)
time:>=2024-03-01T12:00Z   time:2024-03-01..2024-03-02   times are UTC
tag:exfil  has:note  is:starred  integrity:valid   case work
rule:*MFA*  level:>=high  attack:t1078  has:detection   Sigma hits

fields: actor cred name source region account ip agent error type
        key id role mfa console readOnly category file eventType,
        or any JSON path: requestParameters.bucketName, resources.ARN

examples:
  name:ConsoleLogin -error:*
  level:>=high -rule:\"Secret value read\"
  source:s3.amazonaws.com readOnly:false (name:Put* OR name:Delete*)
  responseElements.queryExecutionId:*";

#[cfg(test)]
mod tests {
    use super::*;

    /// Every example in the help parses.
    #[test]
    fn examples_parse() {
        let examples = SYNTAX_HELP
            .split("examples:")
            .nth(1)
            .expect("examples section");
        for line in examples.lines().map(str::trim).filter(|l| !l.is_empty()) {
            crate::query::parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        }
    }

    /// docs/query-language.md quotes this text exactly.
    #[test]
    fn the_docs_quote_the_help() {
        let docs = include_str!("../../../../docs/query-language.md");
        let quoted = format!("```text\n{SYNTAX_HELP}\n```");
        assert!(
            docs.contains(&quoted),
            "docs/query-language.md must contain the help of query/help.rs in a ```text block"
        );
    }
}
