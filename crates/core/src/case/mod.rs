//! The analyst's case: what was loaded and how it was viewed (query, sort,
//! columns), the tag definitions, and the tags, notes and stars put on
//! events. Independent of any GUI: the desktop app reads the view back with
//! the accessors below and calls the mark methods on key presses.
//! Stored as a `*.trailview` file ([`file`]); marks are in [`marks`], tag
//! definitions in [`tags`].

pub mod annotate;
pub mod file;
pub mod marks;
pub mod tags;

use std::path::{Path, PathBuf};

use crate::model::Direction;
use crate::model::{ColumnSpec, EventIdx};
use crate::store::Store;
pub use annotate::{EventAnnotations, IntegrityIndex};
pub use file::{
    CaseError, CaseFile, CaseRules, EventRecord, SortState, autosave_dir, autosave_slot,
};
pub use marks::{EventKey, EventMarks, Marks};
pub use tags::{TagDef, default_tags};

/// An open case.
#[derive(Clone, Debug)]
pub struct Case {
    /// The files and folders loaded.
    pub paths: Vec<PathBuf>,
    pub query: String,
    pub sort: Option<SortState>,
    /// Visible columns, by name (store columns or JSON paths).
    pub columns: Vec<String>,
    pub tags: Vec<TagDef>,
    pub marks: Marks,
    /// The detection rules (`None`: a case from before rules were
    /// recorded, or none recorded yet).
    pub rules: Option<CaseRules>,
    /// Where the case was last saved or opened from.
    pub file: Option<PathBuf>,
    /// Changed since the last save.
    pub dirty: bool,
    /// Counts every change (for autosave: "changed since I last wrote it").
    pub revision: u64,
}

impl Default for Case {
    fn default() -> Case {
        Case {
            paths: Vec::new(),
            query: String::new(),
            sort: None,
            columns: Vec::new(),
            tags: default_tags(),
            marks: Marks::default(),
            rules: None,
            file: None,
            dirty: false,
            revision: 0,
        }
    }
}

impl Case {
    pub fn new() -> Case {
        Case::default()
    }

    /// Records a change: unsaved, and newer than any autosave.
    fn touch(&mut self) {
        self.dirty = true;
        self.revision += 1;
    }

    // ---- view state -------------------------------------------------

    /// True when [`Case::set_view`] with these arguments would change
    /// nothing (lets a caller avoid taking a mutable copy every frame).
    pub fn view_matches(
        &self,
        paths: &[PathBuf],
        query: &str,
        sort: Option<(&ColumnSpec, Direction)>,
        columns: &[ColumnSpec],
    ) -> bool {
        self.paths == paths
            && self.query == query
            && self
                .sort
                .as_ref()
                .map(|s| (s.column.as_str(), s.descending))
                == sort.map(|(c, o)| (c.name(), o == Direction::Descending))
            && self.columns.len() == columns.len()
            && self.columns.iter().zip(columns).all(|(a, b)| a == b.name())
    }

    /// Records the view the analyst has now.
    pub fn set_view(
        &mut self,
        paths: &[PathBuf],
        query: &str,
        sort: Option<(&ColumnSpec, Direction)>,
        columns: &[ColumnSpec],
    ) {
        let sort = sort.map(|(c, o)| SortState {
            column: c.name().to_owned(),
            descending: o == Direction::Descending,
        });
        let columns: Vec<String> = columns.iter().map(|c| c.name().to_owned()).collect();
        if self.paths != paths
            || self.query != query
            || self.sort != sort
            || self.columns != columns
        {
            self.paths = paths.to_vec();
            self.query = query.to_owned();
            self.sort = sort;
            self.columns = columns;
            self.touch();
        }
    }

    /// Records the detection rules the analyst runs now.
    pub fn set_rules(&mut self, rules: CaseRules) {
        if self.rules.as_ref() != Some(&rules) {
            self.rules = Some(rules);
            self.touch();
        }
    }

    /// The saved sort column and direction.
    pub fn sort_spec(&self) -> Option<(ColumnSpec, Direction)> {
        self.sort.as_ref().map(|s| {
            let order = if s.descending {
                Direction::Descending
            } else {
                Direction::Ascending
            };
            (ColumnSpec::parse(&s.column), order)
        })
    }

    /// The saved visible columns (empty: use the default table).
    pub fn column_specs(&self) -> Vec<ColumnSpec> {
        self.columns.iter().map(|c| ColumnSpec::parse(c)).collect()
    }

    // ---- tag definitions --------------------------------------------

    pub fn tag_def(&self, name: &str) -> Option<&TagDef> {
        self.tags.iter().find(|t| t.name == name)
    }

    /// The tag a shortcut digit toggles.
    pub fn tag_for_shortcut(&self, digit: u8) -> Option<&TagDef> {
        self.tags.iter().find(|t| t.shortcut == Some(digit))
    }

    /// Adds or replaces a tag definition. A shortcut taken by another tag
    /// moves to this one.
    pub fn define_tag(&mut self, def: TagDef) -> Result<(), String> {
        let name = tags::valid_tag_name(&def.name)?.to_owned();
        let def = TagDef { name, ..def };
        if let Some(digit) = def.shortcut {
            for t in self.tags.iter_mut().filter(|t| t.shortcut == Some(digit)) {
                t.shortcut = None;
            }
        }
        match self.tags.iter_mut().find(|t| t.name == def.name) {
            Some(t) => *t = def,
            None => self.tags.push(def),
        }
        self.touch();
        Ok(())
    }

    /// Renames a tag, on its definition and on every event.
    pub fn rename_tag(&mut self, from: &str, to: &str) -> Result<(), String> {
        let to = tags::valid_tag_name(to)?;
        if self.tag_def(to).is_some() {
            return Err(format!("a tag named {to:?} exists already"));
        }
        let def = self
            .tags
            .iter_mut()
            .find(|t| t.name == from)
            .ok_or_else(|| format!("no tag named {from:?}"))?;
        def.name = to.to_owned();
        self.marks.rename_tag(from, to);
        self.touch();
        Ok(())
    }

    /// Removes a tag definition and the tag from every event.
    pub fn remove_tag(&mut self, name: &str) {
        self.tags.retain(|t| t.name != name);
        self.marks.drop_tag(name);
        self.touch();
    }

    // ---- marks ------------------------------------------------------

    /// Builds the row index for a freshly loaded store. Call after loading.
    pub fn bind(&mut self, store: &Store) {
        self.marks.bind(store);
    }

    /// Puts a tag on or takes it off an event. An unknown tag name is
    /// defined with a neutral colour.
    pub fn set_tag(&mut self, store: &Store, idx: EventIdx, tag: &str, on: bool) {
        if on && self.tag_def(tag).is_none() {
            let _ = self.define_tag(TagDef::new(tag, [120, 120, 120], None));
        }
        self.marks.update(store, idx, |m| {
            if on {
                m.add_tag(tag);
            } else {
                m.remove_tag(tag);
            }
        });
        self.touch();
    }

    /// Toggles a tag on an event; returns whether it is now set.
    pub fn toggle_tag(&mut self, store: &Store, idx: EventIdx, tag: &str) -> bool {
        let on = !self.has_tag(idx, tag);
        self.set_tag(store, idx, tag, on);
        on
    }

    /// Sets (or, with empty text, clears) an event's note.
    pub fn set_note(&mut self, store: &Store, idx: EventIdx, note: &str) {
        self.marks.update(store, idx, |m| m.note = note.to_owned());
        self.touch();
    }

    pub fn set_starred(&mut self, store: &Store, idx: EventIdx, starred: bool) {
        self.marks.update(store, idx, |m| m.starred = starred);
        self.touch();
    }

    /// Toggles the star; returns whether the event is now starred.
    pub fn toggle_star(&mut self, store: &Store, idx: EventIdx) -> bool {
        let on = !self.is_starred(idx);
        self.set_starred(store, idx, on);
        on
    }

    // ---- lookups by row (for the table, the query language, exports) --

    /// The marks of a row (of the store the case is bound to).
    pub fn marks_of(&self, idx: EventIdx) -> Option<&EventMarks> {
        self.marks.get(idx)
    }

    pub fn has_tag(&self, idx: EventIdx, tag: &str) -> bool {
        self.marks_of(idx).is_some_and(|m| m.has_tag(tag))
    }

    /// The tags of a row, in name order.
    pub fn tags_of(&self, idx: EventIdx) -> &[String] {
        self.marks_of(idx).map(|m| m.tags.as_slice()).unwrap_or(&[])
    }

    pub fn note(&self, idx: EventIdx) -> Option<&str> {
        self.marks_of(idx)
            .map(|m| m.note.as_str())
            .filter(|n| !n.trim().is_empty())
    }

    pub fn has_note(&self, idx: EventIdx) -> bool {
        self.note(idx).is_some()
    }

    pub fn is_starred(&self, idx: EventIdx) -> bool {
        self.marks_of(idx).is_some_and(|m| m.starred)
    }

    /// Exactly the events of `store` carrying `tag`, in load order (for
    /// "Export tagged events").
    pub fn rows_with_tag(&self, store: &Store, tag: &str) -> Vec<EventIdx> {
        self.marks.rows_where(store, |m| m.has_tag(tag))
    }

    /// Starred events of `store`, in load order.
    pub fn starred_rows(&self, store: &Store) -> Vec<EventIdx> {
        self.marks.rows_where(store, |m| m.starred)
    }

    // ---- files -------------------------------------------------------

    /// The on-disk form.
    pub fn to_file(&self) -> CaseFile {
        CaseFile {
            version: file::CASE_VERSION,
            written_by: format!("trailview {}", env!("CARGO_PKG_VERSION")),
            paths: self.paths.clone(),
            query: self.query.clone(),
            sort: self.sort.clone(),
            columns: self.columns.clone(),
            tags: self.tags.clone(),
            events: self
                .marks
                .entries()
                .map(|(k, m)| EventRecord {
                    key: k.clone(),
                    marks: m.clone(),
                })
                .collect(),
            rules: self.rules.clone(),
        }
    }

    /// A case from its on-disk form (call [`Case::bind`] once the store is
    /// loaded).
    pub fn from_file(file: CaseFile, path: Option<&Path>) -> Case {
        Case {
            paths: file.paths,
            query: file.query,
            sort: file.sort,
            columns: file.columns,
            tags: file.tags,
            marks: Marks::from_entries(file.events.into_iter().map(|e| (e.key, e.marks))),
            rules: file.rules,
            file: path.map(Path::to_path_buf),
            dirty: false,
            revision: 0,
        }
    }

    /// Opens a `*.trailview` file.
    pub fn open(path: &Path) -> Result<Case, CaseError> {
        Ok(Case::from_file(CaseFile::open(path)?, Some(path)))
    }

    /// Saves to the file it came from (or was last saved as).
    pub fn save(&mut self) -> Result<PathBuf, CaseError> {
        let target = self.file.clone().ok_or_else(|| {
            CaseError::Io(
                PathBuf::from("(unsaved case)"),
                std::io::Error::other("the case has no file yet: use save as"),
            )
        })?;
        self.save_as(&target)?;
        Ok(target)
    }

    /// Saves to `target` (never inside the loaded evidence folders) and
    /// remembers it for [`Case::save`].
    pub fn save_as(&mut self, target: &Path) -> Result<(), CaseError> {
        self.to_file().save(target)?;
        self.file = Some(target.to_path_buf());
        self.dirty = false;
        Ok(())
    }

    /// Writes the autosave to `target` (same checks as a save), leaving
    /// the case's own file and unsaved flag alone.
    pub fn autosave_to(&self, target: &Path) -> Result<(), CaseError> {
        self.to_file().save(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::store_from_texts;
    use crate::model::Column;

    #[test]
    fn every_change_bumps_the_revision_and_view_matches_tracks_set_view() {
        let store = store_from_texts(&[(
            "a.json",
            &[r#"{"eventID":"e1","eventName":"A","eventTime":"2023-01-01T00:00:00Z"}"#],
        )]);
        let mut case = Case::new();
        case.bind(&store);
        assert_eq!((case.revision, case.dirty), (0, false));
        case.toggle_tag(&store, 0, "evidence");
        let r1 = case.revision;
        assert!(r1 > 0 && case.dirty);
        case.set_note(&store, 0, "why");
        case.toggle_star(&store, 0);
        assert!(case.revision > r1);

        let paths = vec![PathBuf::from("/evidence")];
        let time = ColumnSpec::Column(Column::Time);
        let cols = [time.clone(), ColumnSpec::Path("requestParameters.x".into())];
        let sort = Some((&time, Direction::Descending));
        assert!(!case.view_matches(&paths, "tag:evidence", sort, &cols));
        let before = case.revision;
        case.set_view(&paths, "tag:evidence", sort, &cols);
        assert!(case.revision > before);
        assert!(case.view_matches(&paths, "tag:evidence", sort, &cols));
        assert!(!case.view_matches(
            &paths,
            "tag:evidence",
            Some((&time, Direction::Ascending)),
            &cols
        ));
        assert!(!case.view_matches(&paths, "tag:evidence", sort, &cols[..1]));
        // Setting the same view again is not a change.
        let same = case.revision;
        case.set_view(&paths, "tag:evidence", sort, &cols);
        assert_eq!(case.revision, same);
    }
}
