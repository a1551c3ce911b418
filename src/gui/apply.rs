//! What each [`Action`] does: most change the session (its view, marks,
//! case or an export) through its operations; the rest open windows or
//! file dialogs. The answers of file dialogs come back here too.

use std::path::PathBuf;

use crate::gui::actions::Action;
use crate::gui::app::{PickPurpose, TrailviewApp};
use crate::gui::modal::Modal;
use crate::gui::picker::PickKind;
use crate::gui::sample;
use trailview_core::case::Case;
use trailview_core::model::SortKey;
use trailview_core::query;
use trailview_session::case_file;
use trailview_session::marks;
use trailview_session::summary::SummaryOptions;

impl TrailviewApp {
    /// Applies one action collected while drawing.
    pub(crate) fn apply(&mut self, action: Action, ctx: &egui::Context) {
        match action {
            Action::PickFolder => self.pick(PickKind::Folder, PickPurpose::Open, ctx),
            Action::PickFiles => self.pick(PickKind::Files, PickPurpose::Open, ctx),
            Action::OpenPaths(p) => self.open_paths(p),
            Action::OpenSample => match sample::find() {
                Ok(dir) => self.open_paths(vec![dir]),
                Err(e) => self.session.error(e),
            },
            Action::CloseAll => {
                if self.may_drop_case("choose Close all again to discard them") {
                    self.close_all();
                    self.session.info("Closed all data");
                }
            }
            Action::CancelLoad => self.session.cancel_load(),
            Action::QueryChanged => {
                // A scan of every event waits for typing to pause; a
                // column filter (or a query with an error to show) is
                // applied at once.
                let scans = trailview_core::query::parse(&self.query_text)
                    .is_ok_and(|q| q.reads_raw_text());
                if scans {
                    self.query_edit = Some(std::time::Instant::now());
                    ctx.request_repaint_after(crate::gui::app::TYPING_PAUSE);
                } else {
                    self.set_query(self.query_text.clone());
                }
            }
            Action::Pivot {
                field,
                value,
                exclude,
            } => {
                let clause = if exclude {
                    query::exclude_clause(&field, &value)
                } else {
                    query::field_clause(&field, &value)
                };
                let text = query::toggle_clause(&self.query_text, &clause);
                self.set_query(text);
            }
            Action::OpenQueryPivot(id) => self.set_query(format!("\"{id}\"")),
            Action::TypeIntoQuery(text) => {
                let q = format!("{}{text}", self.query_text);
                self.set_query(q);
            }
            Action::CancelQuery => {
                if self.session.cancel_view() {
                    self.query_text = self.session.view().query.clone();
                }
            }
            Action::FilterEverywhere(value) => self.set_query(query::phrase(&value)),
            Action::AroundEvent { idx, minutes } => {
                let t = self.session.read().time(idx);
                let half = minutes * 60_000;
                self.set_query(String::new());
                self.session
                    .update_view(|v| v.time_range = Some((t - half, t + half + 1)));
                // The rows arrive later; the table scrolls to the focus then.
                let sel = self.session.selection_mut();
                sel.marked.clear();
                sel.marked.insert(idx);
                sel.focus = Some(idx);
                sel.focus_pos = None;
            }
            Action::ActorEdges { idx, last } => {
                let actor = self
                    .session
                    .read()
                    .value(trailview_core::model::Column::Actor, idx)
                    .into_owned();
                self.set_query(query::field_clause("actor", &actor));
                self.session.update_view(|v| {
                    v.time_range = None;
                    v.sort = SortKey {
                        column: trailview_core::model::ColumnSpec::Column(
                            trailview_core::model::Column::Time,
                        ),
                        direction: if last {
                            trailview_core::model::Direction::Descending
                        } else {
                            trailview_core::model::Direction::Ascending
                        },
                    };
                });
                self.requests.scroll = crate::gui::panels::table::Scroll::ToTop;
            }
            Action::SetTimeRange(r) => self.session.update_view(|v| v.time_range = r),
            Action::SortBy(column) => self.session.update_view(|v| {
                v.sort = if v.sort.column == column {
                    SortKey {
                        column,
                        direction: v.sort.direction.reversed(),
                    }
                } else {
                    SortKey {
                        column,
                        direction: Default::default(),
                    }
                };
            }),
            Action::SetColumns(columns) => self.set_columns(columns),
            Action::ClickRow { pos, ctrl, shift } => {
                let rows = self.session.rows().clone();
                let sel = self.session.selection_mut();
                if shift {
                    sel.extend_to(&rows, pos);
                } else if ctrl {
                    sel.toggle(&rows, pos);
                } else {
                    sel.select_only(&rows, pos);
                }
            }
            Action::FocusEvent(idx) => {
                let rows = self.session.rows().clone();
                if let Some(pos) = rows.iter().position(|&r| r == idx) {
                    self.session.selection_mut().select_only(&rows, pos);
                    self.requests.scroll = crate::gui::panels::table::Scroll::ToSelection;
                }
            }
            Action::MoveSelection(delta) => self.move_selection(delta),
            Action::SelectFirst => self.move_to(0),
            Action::SelectLast => self.move_to(self.session.rows().len().saturating_sub(1)),
            Action::ShowDetail => self.settings.show_detail = true,
            Action::FocusQuery => self.requests.focus_query = true,
            Action::ShowExport => {
                self.export.last_result = None;
                self.modal = Some(Modal::Export);
            }
            Action::ExportTo { format, scope } => {
                let suggested = format!("{}.{}", scope.file_stem(), format.extension());
                self.pick(
                    PickKind::Save { suggested },
                    PickPurpose::Export { format, scope },
                    ctx,
                );
            }
            Action::ExportToPath {
                format,
                scope,
                path,
            } => {
                if path.is_dir() {
                    self.export.last_result =
                        Some(Err(format!("{} is a folder: name a file", path.display())));
                } else {
                    self.picked(PickPurpose::Export { format, scope }, vec![path]);
                }
            }
            Action::ShowReport => self.modal = Some(Modal::LoadReport),
            Action::ShowIntegrity => self.modal = Some(Modal::Integrity),
            Action::PickPublicKeys => self.pick(PickKind::PublicKeys, PickPurpose::PublicKeys, ctx),
            Action::ShowColumns => self.modal = Some(Modal::Columns),
            Action::ShowSessions => self.modal = Some(Modal::Sessions),
            Action::ShowDetections => self.modal = Some(Modal::Detections),
            Action::FilterToRule(id) => self.set_query(query::field_clause("rule", &id)),
            Action::PickRuleFolder => self.pick(PickKind::Folder, PickPurpose::RuleFolder, ctx),
            Action::RemoveRuleFolder(i) => {
                if i < self.settings.rule_folders.len() {
                    self.settings.rule_folders.remove(i);
                }
                self.session.set_rule_options(self.settings.rule_options());
            }
            Action::SetRuleEnabled { id, on } => {
                self.settings.disabled_rules.retain(|d| *d != id);
                if !on {
                    self.settings.disabled_rules.push(id);
                }
                self.session.set_rule_options(self.settings.rule_options());
            }
            Action::SetMinLevel(level) => {
                self.settings.min_rule_level = level.map(|l| l.as_str().to_owned());
                self.session.set_rule_options(self.settings.rule_options());
            }
            Action::SetDefaultRules(on) => {
                self.settings.default_rules = on;
                self.session.set_rule_options(self.settings.rule_options());
            }
            Action::JumpToEvent(idx) => self.jump_to_event(idx),
            Action::SetGrouping(g) => {
                self.settings.lane_grouping = g;
                self.session.set_summary_options(SummaryOptions {
                    grouping: g,
                    facet_top: self.settings.facet_top,
                });
            }
            Action::Copy(text) => ctx.copy_text(text),
            Action::CopyAthenaSql => match self.athena.sql(&self.session) {
                Ok(sql) => {
                    ctx.copy_text(sql);
                    self.session.info("Copied the view as Athena SQL");
                }
                Err(e) => self.session.error(format!("No Athena SQL: {e}")),
            },
            Action::ShowAthena => self.modal = Some(Modal::Athena),
            Action::ToggleTag { tag, target } => {
                marks::toggle_tag(&mut self.session, &tag, &target)
            }
            Action::ToggleTagShortcut(d) => marks::toggle_shortcut(&mut self.session, d),
            Action::ToggleStar(target) => marks::toggle_star(&mut self.session, &target),
            Action::SetNote { idx, text } => marks::set_note(&mut self.session, idx, &text),
            Action::FocusNote => {
                if self.session.selection().focus.is_some() {
                    self.settings.show_detail = true;
                    self.detail.marks.focus_note = true;
                }
            }
            Action::ShowTagManager => self.modal = Some(Modal::Tags),
            Action::EditTags(edit) => marks::edit_tags(&mut self.session, edit),
            Action::OpenCase => {
                if self.may_drop_case("choose Open case… again to replace it") {
                    self.pick(
                        PickKind::CaseFile { save_as: None },
                        PickPurpose::OpenCase,
                        ctx,
                    );
                }
            }
            Action::SaveCase => {
                if !case_file::save(&mut self.session) && self.session.case().file.is_none() {
                    self.apply(Action::SaveCaseAs, ctx);
                }
            }
            Action::SaveCaseAs => {
                let suggested = case_file::suggested_name(&self.session);
                let kind = PickKind::CaseFile {
                    save_as: Some(suggested),
                };
                self.pick(kind, PickPurpose::SaveCase, ctx);
            }
            Action::ResumeSession => {
                self.modal = None;
                self.session.resume_last_session();
                self.after_case_opened();
            }
        }
    }

    /// The query box's text becomes the view's query.
    /// Focuses `idx`; when the current rows hide it, clears the query and
    /// the time range first (the focus is kept across the new rows).
    fn jump_to_event(&mut self, idx: trailview_core::model::EventIdx) {
        let rows = self.session.rows().clone();
        if let Some(pos) = rows.iter().position(|&r| r == idx) {
            self.session.selection_mut().select_only(&rows, pos);
        } else {
            let sel = self.session.selection_mut();
            sel.focus = Some(idx);
            sel.focus_pos = None;
            sel.marked.clear();
            sel.marked.insert(idx);
            self.session.update_view(|v| v.time_range = None);
            self.set_query(String::new());
        }
        self.requests.scroll = crate::gui::panels::table::Scroll::ToSelection;
    }

    pub(crate) fn set_query(&mut self, text: String) {
        self.query_edit = None;
        self.query_text = text.clone();
        self.session.update_view(|v| v.query = text);
    }

    /// Runs the rules of `path` too (kept in the settings).
    pub(crate) fn add_rule_folder(&mut self, path: PathBuf) {
        if !self.settings.rule_folders.contains(&path) {
            self.settings.rule_folders.push(path);
        }
        self.session.set_rule_options(self.settings.rule_options());
    }

    /// The answer of a file dialog.
    pub(crate) fn picked(&mut self, purpose: PickPurpose, paths: Vec<PathBuf>) {
        let Some(first) = paths.first().cloned() else {
            // Cancelled, or no dialog could open: say so, never nothing.
            let text = match purpose {
                PickPurpose::Export { .. } => {
                    let t = "No file chosen (the dialog was cancelled or none is available \
                             here): nothing exported. Type a path in the Export window instead.";
                    self.export.last_result = Some(Err(t.to_owned()));
                    t
                }
                PickPurpose::Open => {
                    "No folder or file chosen (the dialog was cancelled or none is available \
                     here): pass paths on the command line or drop them on the window."
                }
                PickPurpose::PublicKeys => "No public-key file chosen.",
                PickPurpose::RuleFolder => "No rule folder chosen.",
                PickPurpose::OpenCase => "No case file chosen.",
                PickPurpose::SaveCase => "Case not saved: no file chosen.",
            };
            self.session.info(text.to_owned());
            return;
        };
        match purpose {
            PickPurpose::Open => self.open_paths(paths),
            PickPurpose::Export { format, scope } => {
                let rows = scope.rows(&self.session);
                let job = self.session.export_job(rows, format, first);
                self.session.start_export(job);
            }
            PickPurpose::PublicKeys => self.session.check_integrity(Some(first)),
            PickPurpose::RuleFolder => self.add_rule_folder(first),
            PickPurpose::OpenCase => match Case::open(&first) {
                Ok(case) => self.open_case(case),
                Err(e) => self.session.error(format!("Case not opened: {e}")),
            },
            PickPurpose::SaveCase => {
                case_file::save_as(&mut self.session, &first);
            }
        }
    }

    /// Whether an action that replaces the case may go ahead: yes when
    /// nothing unsaved would be lost; otherwise it warns once (saying how
    /// to go ahead: `again`) and says yes on the next request.
    fn may_drop_case(&mut self, again: &str) -> bool {
        let armed = self.discard_armed.take();
        if self.session.has_unsaved_marks() && armed.as_deref() != Some(again) {
            self.session.error(format!(
                "The current case has unsaved tags, notes or stars: save it (Ctrl+S), or {again}"
            ));
            self.discard_armed = Some(again.to_owned());
            return false;
        }
        true
    }

    /// Replaces what is loaded with `case`: its view and marks come back,
    /// its paths load.
    fn open_case(&mut self, case: Case) {
        self.modal = None;
        self.session.open_case(case);
        self.after_case_opened();
    }

    /// The query box, the columns and the recent paths follow the case
    /// the session opened.
    fn after_case_opened(&mut self) {
        self.query_text = self.session.view().query.clone();
        self.settings.set_columns(&self.session.view().columns);
        // The case's rules become the rules the Detections window edits.
        let rules = self.session.rule_options();
        self.settings.default_rules = rules.defaults;
        self.settings.rule_folders = rules.paths.clone();
        self.settings.disabled_rules = rules.disabled.clone();
        self.settings.min_rule_level = rules.min_level.map(|l| l.as_str().to_owned());
        for p in self.session.loaded_paths().to_vec() {
            self.settings.remember(&p);
        }
    }

    /// Drops every event, the case and any load in progress.
    fn close_all(&mut self) {
        self.session.close_all();
        if self.modal == Some(Modal::Integrity) {
            self.modal = None;
        }
    }

    fn move_to(&mut self, pos: usize) {
        let rows = self.session.rows().clone();
        if rows.is_empty() {
            return;
        }
        self.session
            .selection_mut()
            .select_only(&rows, pos.min(rows.len() - 1));
        self.requests.scroll = crate::gui::panels::table::Scroll::ToSelection;
    }

    fn move_selection(&mut self, delta: i64) {
        let len = self.session.rows().len() as i64;
        if len == 0 {
            return;
        }
        let cur = self
            .session
            .selection()
            .focus_pos
            .map(|p| p as i64)
            .unwrap_or(-1);
        let next = if cur < 0 && delta < 0 {
            0
        } else {
            (cur + delta).clamp(0, len - 1)
        };
        self.move_to(next as usize);
    }
}
