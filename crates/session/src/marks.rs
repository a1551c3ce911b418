//! What marking does to the session: toggling tags and stars on
//! the focused or selected events, writing notes, editing tag definitions.
//! Each change says in the status bar what happened; the session re-runs
//! the view by itself when its query or sort reads marks (the case's
//! revision is part of what the view depends on). No drawing here.

use std::sync::Arc;

use crate::session::Session;
use crate::view_jobs::read_store;
use trailview_core::case::{Case, TagDef};
use trailview_core::model::EventIdx;
use trailview_core::store::Store;

/// Which events a mark action works on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkTarget {
    /// The selected rows when several are selected, else the focused event.
    Selection,
    /// One event (a row's context menu on an unselected row).
    Row(EventIdx),
}

/// A change to the tag definitions (tag manager).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagEdit {
    Define(TagDef),
    Rename { from: String, to: String },
    Remove(String),
}

/// The events `target` names, in row order, all within the store.
pub fn targets(state: &Session, store_len: usize, target: &MarkTarget) -> Vec<EventIdx> {
    let mut rows: Vec<EventIdx> = match target {
        MarkTarget::Row(idx) => vec![*idx],
        MarkTarget::Selection if state.selection.marked.len() > 1 => {
            state.selection.marked.iter().copied().collect()
        }
        MarkTarget::Selection => state.selection.focus.into_iter().collect(),
    };
    rows.retain(|&i| (i as usize) < store_len);
    rows
}

fn events(n: usize) -> String {
    if n == 1 {
        "1 event".to_owned()
    } else {
        format!("{n} events")
    }
}

/// Runs `f` with the store and a mutable case; returns its answer.
fn with_case<R>(state: &mut Session, f: impl FnOnce(&Store, &mut Case) -> R) -> R {
    state.ensure_bound();
    let store = state.store.clone();
    let store = read_store(&store);
    f(&store, Arc::make_mut(&mut state.case))
}

/// Toggles `tag` on the target events: when any of them lacks it, all get
/// it; when all have it, it comes off all of them.
pub fn toggle_tag(state: &mut Session, tag: &str, target: &MarkTarget) {
    let rows = targets(state, state.store_len(), target);
    if rows.is_empty() {
        state.error("Select an event first to tag it");
        return;
    }
    let on = with_case(state, |store, case| {
        let on = rows.iter().any(|&i| !case.has_tag(i, tag));
        for &i in &rows {
            case.set_tag(store, i, tag, on);
        }
        on
    });
    let n = events(rows.len());
    state.info(if on {
        format!("Tagged {n} as {tag}")
    } else {
        format!("Removed tag {tag} from {n}")
    });
}

/// Toggles the tag whose shortcut is `digit` on the selection.
pub fn toggle_shortcut(state: &mut Session, digit: u8) {
    match state.case.tag_for_shortcut(digit).map(|t| t.name.clone()) {
        Some(tag) => toggle_tag(state, &tag, &MarkTarget::Selection),
        None => state.info(format!(
            "No tag has the shortcut {digit} (define one in Tags…)"
        )),
    }
}

/// Toggles the star like [`toggle_tag`] toggles a tag.
pub fn toggle_star(state: &mut Session, target: &MarkTarget) {
    let rows = targets(state, state.store_len(), target);
    if rows.is_empty() {
        state.error("Select an event first to star it");
        return;
    }
    let on = with_case(state, |store, case| {
        let on = rows.iter().any(|&i| !case.is_starred(i));
        for &i in &rows {
            case.set_starred(store, i, on);
        }
        on
    });
    let n = events(rows.len());
    state.info(if on {
        format!("Starred {n}")
    } else {
        format!("Removed the star from {n}")
    });
}

/// Writes (or with blank text clears) the note of one event.
pub fn set_note(state: &mut Session, idx: EventIdx, text: &str) {
    if (idx as usize) >= state.store_len() {
        return;
    }
    let before = state.case.has_note(idx);
    if state
        .case
        .marks_of(idx)
        .map(|m| m.note.as_str())
        .unwrap_or("")
        == text
    {
        return;
    }
    with_case(state, |store, case| case.set_note(store, idx, text));
    let after = state.case.has_note(idx);
    if before != after {
        state.info(if after { "Note added" } else { "Note removed" });
    }
}

/// Applies a tag manager edit and says what changed.
pub fn edit_tags(state: &mut Session, edit: TagEdit) {
    let case = Arc::make_mut(&mut state.case);
    let result = match &edit {
        TagEdit::Define(def) => {
            let existed = case.tag_def(def.name.trim()).is_some();
            case.define_tag(def.clone()).map(|()| {
                if existed {
                    format!("Tag {} changed", def.name.trim())
                } else {
                    format!("Tag {} defined", def.name.trim())
                }
            })
        }
        TagEdit::Rename { from, to } => case
            .rename_tag(from, to)
            .map(|()| format!("Tag {from} renamed to {}", to.trim())),
        TagEdit::Remove(name) => {
            let store = state.store.clone();
            let store = read_store(&store);
            let n = case.rows_with_tag(&store, name).len();
            case.remove_tag(name);
            Ok(format!("Tag {name} deleted (it was on {})", events(n)))
        }
    };
    match result {
        Ok(text) => {
            state.info(text);
        }
        Err(e) => state.error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::RwLock;
    use trailview_core::ingest::store_from_texts;

    fn state() -> Session {
        let store = store_from_texts(&[(
            "a.json",
            &[
                r#"{"eventID":"e0","eventName":"A","eventTime":"2023-01-01T00:00:00Z"}"#,
                r#"{"eventID":"e1","eventName":"B","eventTime":"2023-01-01T00:00:01Z"}"#,
                r#"{"eventID":"e2","eventName":"C","eventTime":"2023-01-01T00:00:02Z"}"#,
            ],
        )]);
        let mut s = Session::default();
        s.store = Arc::new(RwLock::new(store));
        s.rows = Arc::new(vec![0, 1, 2]);
        s
    }

    #[test]
    fn shortcut_tags_the_focus_or_every_selected_row_and_toggles_back() {
        let mut s = state();
        let rows = s.rows.clone();
        s.selection.select_only(&rows, 1);
        toggle_shortcut(&mut s, 1);
        assert!(s.case.has_tag(1, "evidence"));
        assert!(!s.case.has_tag(0, "evidence"));
        assert_eq!(
            s.status.as_ref().map(|x| x.text.as_str()),
            Some("Tagged 1 event as evidence")
        );
        // Two rows selected, one already tagged: both get it.
        s.selection.toggle(&rows, 0);
        toggle_shortcut(&mut s, 1);
        assert!(s.case.has_tag(0, "evidence") && s.case.has_tag(1, "evidence"));
        // All tagged: the tag comes off all of them.
        toggle_shortcut(&mut s, 1);
        assert!(!s.case.has_tag(0, "evidence") && !s.case.has_tag(1, "evidence"));
        toggle_shortcut(&mut s, 9);
        assert!(s.status.as_ref().is_some_and(|x| x.text.contains("No tag")));
    }

    #[test]
    fn nothing_selected_is_an_error_not_a_silent_no_op() {
        let mut s = state();
        toggle_star(&mut s, &MarkTarget::Selection);
        assert!(s.status.as_ref().is_some_and(|x| x.is_error));
        assert_eq!(s.case.marks.len(), 0);
    }

    #[test]
    fn marks_rerun_only_queries_that_read_them() {
        let mut s = state();
        s.update_view(|v| v.query = "eventName:A".into());
        let _ = s.rows_blocking().expect("rows");
        assert!(!s.needs_refresh());
        toggle_star(&mut s, &MarkTarget::Row(2));
        assert!(s.case.is_starred(2));
        assert!(!s.needs_refresh(), "the query does not read marks");
        s.update_view(|v| v.query = "is:starred".into());
        let rows = s.rows_blocking().expect("rows");
        assert_eq!(rows.as_slice(), &[2]);
        set_note(&mut s, 1, "exfil");
        assert_eq!(s.case.note(1), Some("exfil"));
        toggle_star(&mut s, &MarkTarget::Row(1));
        assert!(s.needs_refresh(), "a new star changes is:starred");
        let rows = s.rows_blocking().expect("rows");
        assert_eq!(rows.as_slice(), &[1, 2]);
    }

    #[test]
    fn tag_manager_edits_report_and_refuse_bad_names() {
        let mut s = state();
        toggle_tag(&mut s, "suspicious", &MarkTarget::Row(0));
        edit_tags(
            &mut s,
            TagEdit::Rename {
                from: "suspicious".into(),
                to: "lateral".into(),
            },
        );
        assert!(s.case.has_tag(0, "lateral"));
        edit_tags(
            &mut s,
            TagEdit::Define(TagDef::new("two words", [1, 2, 3], None)),
        );
        assert!(s.status.as_ref().is_some_and(|x| x.is_error));
        edit_tags(&mut s, TagEdit::Remove("lateral".into()));
        assert_eq!(
            s.status.as_ref().map(|x| x.text.as_str()),
            Some("Tag lateral deleted (it was on 1 event)")
        );
        assert!(!s.case.has_tag(0, "lateral"));
        assert!(s.case.tag_def("lateral").is_none());
    }
}
