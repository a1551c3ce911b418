//! The app's side of marks and case files: applies the mark and case
//! actions (through [`super::marks_ops`] and [`super::case_session`]),
//! handles the case file dialogs' answers and opens a case. A child of
//! `app` so it can use the app's pickers and loader without widening them.

use std::path::PathBuf;

use super::{PickPurpose, TrailviewApp};
use crate::gui::actions::Action;
use crate::gui::case_session;
use crate::gui::marks_ops;
use crate::gui::picker::PickKind;

impl TrailviewApp {
    /// Applies a mark or case action.
    pub(super) fn apply_case_action(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::ToggleTag { tag, target } => {
                marks_ops::toggle_tag(&mut self.state, &tag, &target)
            }
            Action::ToggleTagShortcut(d) => marks_ops::toggle_shortcut(&mut self.state, d),
            Action::ToggleStar(target) => marks_ops::toggle_star(&mut self.state, &target),
            Action::SetNote { idx, text } => marks_ops::set_note(&mut self.state, idx, &text),
            Action::FocusNote => self.focus_note(),
            Action::ShowTagManager => self.flags.show_tags = true,
            Action::EditTags(edit) => marks_ops::edit_tags(&mut self.state, edit),
            Action::OpenCase => self.ask_open_case(ctx),
            Action::SaveCase => self.save_case(ctx),
            Action::SaveCaseAs => {
                let suggested = case_session::suggested_name(&self.state);
                let kind = PickKind::CaseFile {
                    save_as: Some(suggested),
                };
                self.pick(kind, PickPurpose::SaveCase, ctx);
            }
            Action::ResumeSession => match self.session.open_autosave() {
                Ok(case) => self.open_case(case),
                Err(e) => self
                    .state
                    .error(format!("Cannot resume the last session: {e}")),
            },
            _ => {}
        }
    }

    /// "Open case…": asks for the file, unless that would drop unsaved
    /// marks; then it warns once and goes ahead on the second request.
    fn ask_open_case(&mut self, ctx: &egui::Context) {
        if !self.may_drop_case("choose Open case… again to replace it") {
            return;
        }
        self.pick(
            PickKind::CaseFile { save_as: None },
            PickPurpose::OpenCase,
            ctx,
        );
    }

    /// Whether an action that replaces the case may go ahead: yes when
    /// nothing unsaved would be lost; otherwise it warns once (saying how
    /// to go ahead: `again`) and says yes on the next request.
    pub(super) fn may_drop_case(&mut self, again: &str) -> bool {
        let unsaved = self.state.case.dirty && !self.state.case.marks.is_empty();
        let armed = self.session.discard_armed.take();
        if unsaved && armed.as_deref() != Some(again) {
            self.state.error(format!(
                "The current case has unsaved tags, notes or stars: save it (Ctrl+S), or {again}"
            ));
            self.session.discard_armed = Some(again.to_owned());
            return false;
        }
        true
    }

    /// `n`: the note editor of the focused event takes the keyboard.
    fn focus_note(&mut self) {
        if self.state.selection.focus.is_some() {
            self.settings.show_detail = true;
            self.detail.marks.focus_note = true;
        }
    }

    /// Ctrl+S: saves to the case's file, or asks for one.
    fn save_case(&mut self, ctx: &egui::Context) {
        if !case_session::save(&mut self.state, &self.settings) && self.state.case.file.is_none() {
            self.apply(Action::SaveCaseAs, ctx);
        }
    }

    /// The answer of a case file dialog.
    pub(super) fn case_picked(&mut self, purpose: PickPurpose, paths: Vec<PathBuf>) {
        match purpose {
            PickPurpose::OpenCase => {
                if let Some(path) = paths.into_iter().next() {
                    match crate::case::Case::open(&path) {
                        Ok(case) => self.open_case(case),
                        Err(e) => self.state.error(format!("Case not opened: {e}")),
                    }
                }
            }
            PickPurpose::SaveCase => {
                if let Some(path) = paths.into_iter().next() {
                    case_session::save_as(&mut self.state, &self.settings, &path);
                }
            }
            _ => {}
        }
    }

    /// Replaces what is loaded with `case`: its paths load, its view and
    /// marks come back.
    pub(super) fn open_case(&mut self, case: crate::case::Case) {
        self.close_all();
        let name = case
            .file
            .as_deref()
            .and_then(|f| f.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "the last session".to_owned());
        let marked = case.marks.len();
        let paths = case_session::restore(&mut self.state, &mut self.settings, case);
        self.session.force_next();
        self.open_paths(paths);
        self.state.info(format!(
            "Opened {name}: {marked} marked events; loading its data…"
        ));
    }
}
