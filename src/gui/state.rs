//! The application's data, with no drawing: the store, what was loaded and
//! what went wrong, the current query and its result, sort, time range and
//! selection.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use super::jobs::SharedStore;
use super::loading::LoadProgress;
use super::summary::Summary;
use crate::case::{Case, EventAnnotations, IntegrityIndex};
use crate::ingest::LoadReport;
use crate::integrity::IntegrityReport;
use crate::model::{Column, ColumnSpec, EventIdx};
use crate::store::Store;
use crate::store::sort::Order;

/// What loading has done so far, across every load since "Close all".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadSummary {
    pub report: LoadReport,
    /// Seconds the last load took.
    pub last_load_secs: Option<f64>,
}

/// Selected rows: a focused event (shown in the detail pane) and the set
/// of marked events ("export selected rows").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub focus: Option<EventIdx>,
    /// Position of `focus` in the current rows.
    pub focus_pos: Option<usize>,
    pub marked: BTreeSet<EventIdx>,
}

impl Selection {
    /// Selects only the row at `pos`.
    pub fn select_only(&mut self, rows: &[EventIdx], pos: usize) {
        if let Some(&idx) = rows.get(pos) {
            self.focus = Some(idx);
            self.focus_pos = Some(pos);
            self.marked.clear();
            self.marked.insert(idx);
        }
    }

    /// Ctrl-click: adds or removes the row at `pos` and focuses it.
    pub fn toggle(&mut self, rows: &[EventIdx], pos: usize) {
        if let Some(&idx) = rows.get(pos) {
            if !self.marked.remove(&idx) {
                self.marked.insert(idx);
            }
            self.focus = Some(idx);
            self.focus_pos = Some(pos);
        }
    }

    /// Shift-click: marks every row from the focus to `pos`.
    pub fn extend_to(&mut self, rows: &[EventIdx], pos: usize) {
        let from = self.focus_pos.unwrap_or(pos);
        let (lo, hi) = (from.min(pos), from.max(pos));
        for &idx in rows.iter().take(hi + 1).skip(lo) {
            self.marked.insert(idx);
        }
        if let Some(&idx) = rows.get(pos) {
            self.focus = Some(idx);
            self.focus_pos = Some(pos);
        }
    }

    /// Finds the focused event again after the rows changed.
    pub fn relocate(&mut self, rows: &[EventIdx]) {
        self.focus_pos = self.focus.and_then(|f| match self.focus_pos {
            Some(p) if rows.get(p) == Some(&f) => Some(p),
            _ => rows.iter().position(|&r| r == f),
        });
    }

    pub fn clear(&mut self) {
        *self = Selection::default();
    }
}

/// Sort state of the table: any column, annotation or JSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortState {
    pub column: ColumnSpec,
    pub order: Order,
}

impl Default for SortState {
    fn default() -> Self {
        SortState {
            column: ColumnSpec::Column(Column::Time),
            order: Order::Ascending,
        }
    }
}

/// A short message in the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub text: String,
    pub is_error: bool,
}

pub struct AppState {
    pub store: SharedStore,
    /// Every path the user opened since "Close all".
    pub loaded_paths: Vec<PathBuf>,
    pub report: LoadSummary,
    pub progress: Option<LoadProgress>,
    /// Text in the query box.
    pub query_text: String,
    /// The query the rows were computed with.
    pub applied_query: String,
    pub query_error: Option<super::filter::FilterError>,
    pub time_range: Option<(i64, i64)>,
    pub sort: SortState,
    /// The filtered, sorted rows the table shows.
    pub rows: Arc<Vec<EventIdx>>,
    /// Number of events in the store when `rows` were computed.
    pub rows_of: usize,
    /// How long filtering and sorting `rows` took (off the UI thread).
    pub rows_took: Option<std::time::Duration>,
    /// True while newer rows are being computed.
    pub rows_pending: bool,
    pub summary: Option<Arc<Summary>>,
    pub selection: Selection,
    pub status: Option<Status>,
    /// Set when the view must be recomputed.
    pub view_dirty: bool,
    /// Tags, notes, stars and the saved view. Shared with view jobs as a
    /// snapshot; change it with `Arc::make_mut`.
    pub case: Arc<Case>,
    /// The last integrity check of the loaded data, and its per-file index.
    pub integrity: Option<Arc<IntegrityReport>>,
    pub integrity_index: Option<Arc<IntegrityIndex>>,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            store: Arc::new(RwLock::new(Store::new())),
            loaded_paths: Vec::new(),
            report: LoadSummary::default(),
            progress: None,
            query_text: String::new(),
            applied_query: String::new(),
            query_error: None,
            time_range: None,
            sort: SortState::default(),
            rows: Arc::new(Vec::new()),
            rows_of: 0,
            rows_took: None,
            rows_pending: false,
            summary: None,
            selection: Selection::default(),
            status: None,
            view_dirty: false,
            case: Arc::new(Case::default()),
            integrity: None,
            integrity_index: None,
        }
    }
}

impl AppState {
    pub fn store_len(&self) -> usize {
        super::jobs::read_store(&self.store).len()
    }

    pub fn is_loading(&self) -> bool {
        self.progress.is_some()
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            is_error: false,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            is_error: true,
        });
    }

    /// Tags, notes, stars and integrity status of events of `store`.
    pub fn annotations<'a>(&'a self, store: &'a Store) -> EventAnnotations<'a> {
        EventAnnotations::new(store, Some(&self.case), self.integrity_index.as_deref())
    }

    /// The rows an export or a keyboard action works on: the marked rows
    /// in table order when `selected_only`, else every filtered row.
    pub fn export_rows(&self, selected_only: bool) -> Vec<EventIdx> {
        if selected_only {
            self.rows
                .iter()
                .copied()
                .filter(|i| self.selection.marked.contains(i))
                .collect()
        } else {
            self.rows.as_ref().clone()
        }
    }

    /// Drops every event and resets the view.
    pub fn close_all(&mut self) {
        if let Ok(mut s) = self.store.write() {
            s.clear();
        }
        let query = std::mem::take(&mut self.query_text);
        *self = AppState {
            store: self.store.clone(),
            query_text: query,
            ..AppState::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_click_ctrl_shift_and_relocate() {
        let rows = vec![10, 11, 12, 13, 14];
        let mut s = Selection::default();
        s.select_only(&rows, 1);
        s.toggle(&rows, 3);
        assert_eq!(s.marked.iter().copied().collect::<Vec<_>>(), [11, 13]);
        s.extend_to(&rows, 4);
        assert_eq!(s.marked.len(), 3);
        assert_eq!(s.focus, Some(14));
        s.relocate(&[14, 13]);
        assert_eq!(s.focus_pos, Some(0));
        s.relocate(&[1, 2]);
        assert_eq!(s.focus_pos, None);
    }
}
