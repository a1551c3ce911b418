//! Tag definitions: the analyst's own labels, each with a colour and an
//! optional keyboard shortcut digit.

use serde::{Deserialize, Serialize};

/// One tag an analyst can put on events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagDef {
    pub name: String,
    /// sRGB colour.
    pub color: [u8; 3],
    /// Keyboard digit 1-9 that toggles the tag on the selected events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortcut: Option<u8>,
}

impl TagDef {
    pub fn new(name: &str, color: [u8; 3], shortcut: Option<u8>) -> TagDef {
        TagDef {
            name: name.to_owned(),
            color,
            shortcut,
        }
    }
}

/// The tags a new case starts with: `evidence` (1), `suspicious` (2),
/// `benign` (3).
pub fn default_tags() -> Vec<TagDef> {
    vec![
        TagDef::new("evidence", [214, 39, 40], Some(1)),
        TagDef::new("suspicious", [255, 152, 0], Some(2)),
        TagDef::new("benign", [44, 160, 44], Some(3)),
    ]
}

/// A tag name as typed: trimmed; empty names and names with whitespace,
/// `:` or quotes are refused (they could not be written in a query).
pub fn valid_tag_name(name: &str) -> Result<&str, String> {
    let n = name.trim();
    if n.is_empty() {
        return Err("a tag needs a name".to_owned());
    }
    if n.chars()
        .any(|c| c.is_whitespace() || matches!(c, ':' | '"' | '\'' | '(' | ')'))
    {
        return Err(format!(
            "tag {n:?}: use letters, digits, '-' or '_' (no spaces, quotes, ':' or brackets)"
        ));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_have_distinct_shortcuts_and_names_are_checked() {
        let tags = default_tags();
        let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["evidence", "suspicious", "benign"]);
        let keys: Vec<Option<u8>> = tags.iter().map(|t| t.shortcut).collect();
        assert_eq!(keys, [Some(1), Some(2), Some(3)]);
        assert_eq!(valid_tag_name(" lateral-movement "), Ok("lateral-movement"));
        assert!(valid_tag_name("two words").is_err());
        assert!(valid_tag_name("tag:x").is_err());
        assert!(valid_tag_name("  ").is_err());
    }
}
