//! The text of one table cell: a store column, an annotation (tags, note,
//! star, integrity) or a JSON path into the
//! event, with times in UTC or local time.

use trailview_core::case::EventAnnotations;
use trailview_core::model::{Column, ColumnSpec, EventIdx};
use trailview_core::query::mark_text;
use trailview_core::store::Store;
use trailview_core::timefmt;

/// The text shown for `spec` of event `idx`.
pub fn cell_text(
    store: &Store,
    ann: &EventAnnotations<'_>,
    idx: EventIdx,
    spec: &ColumnSpec,
    local_time: bool,
) -> String {
    match spec {
        ColumnSpec::Mark(m) => mark_text(ann, *m, idx),
        ColumnSpec::Column(Column::Time) if local_time => timefmt::format_local(store.time(idx)),
        ColumnSpec::Column(c) => store.value(*c, idx).into_owned(),
        ColumnSpec::Path(p) => store
            .json(idx)
            .map(|j| path_value(&j, p))
            .unwrap_or_default(),
    }
}

/// The values at a dotted path (`requestParameters.bucketName`,
/// `resources.0.ARN`, `resources.ARN` for every element) as text: the
/// rules of the query language, `trailview list --columns` and CSV export.
pub fn path_value(json: &serde_json::Value, path: &str) -> String {
    trailview_core::query::json_field::cell_text(&trailview_core::query::json_field::lookup(
        json, path,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_value_walks_objects_and_arrays() {
        let j: serde_json::Value =
            serde_json::from_str(r#"{"a":{"b":"x","n":3,"arr":[{"k":"v"}]},"z":null}"#)
                .expect("json");
        assert_eq!(path_value(&j, "a.b"), "x");
        assert_eq!(path_value(&j, "a.n"), "3");
        assert_eq!(path_value(&j, "a.arr.0.k"), "v");
        assert_eq!(path_value(&j, "z"), "");
        assert_eq!(path_value(&j, "a.missing"), "");
        // Key names ignore case; a list is searched element by element.
        assert_eq!(path_value(&j, "A.B"), "x");
        assert_eq!(path_value(&j, "a.arr.k"), "v");
    }
}
