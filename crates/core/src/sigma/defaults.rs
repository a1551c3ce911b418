//! Trailview's default rule set: Sigma rules written by the Trailview team
//! (their own words and ids, under the project's licence), embedded in the
//! binary from `assets/rules/`.

/// (file name, YAML text) of every default rule.
pub const RULES: &[(&str, &str)] = &[];
