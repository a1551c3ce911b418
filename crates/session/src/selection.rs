//! The analyst's selection in the current rows: the focused event (shown
//! in the detail pane) and the set of marked rows (Ctrl/Shift-click), kept
//! across recomputed rows.

use std::collections::BTreeSet;

use trailview_core::model::EventIdx;

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

    /// Finds the focused event again after the rows changed; when it is no
    /// longer among them, nothing is focused (the detail pane follows the
    /// rows, never showing an event the view left out). Marked rows stay
    /// marked: exports of "selected rows" take those still shown.
    pub fn relocate(&mut self, rows: &[EventIdx]) {
        self.focus_pos = self.focus.and_then(|f| match self.focus_pos {
            Some(p) if rows.get(p) == Some(&f) => Some(p),
            _ => rows.iter().position(|&r| r == f),
        });
        if self.focus_pos.is_none() {
            self.focus = None;
        }
    }

    pub fn clear(&mut self) {
        *self = Selection::default();
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
        assert_eq!(s.focus, None, "the focus follows the rows");
        assert_eq!(s.marked.len(), 3);
    }
}
