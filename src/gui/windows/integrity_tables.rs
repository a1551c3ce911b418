//! The row tables of the Integrity window: one row per log file (status in
//! colour, the digest that lists it, a button filtering the event table to
//! its events), one row per digest (status and signature), and the chain
//! breaks naming both digests involved. Rows are virtual, so a trail with
//! many thousands of files stays fast.

use std::path::Path;

use egui::Color32;
use egui_extras::{Column, TableBuilder};

use crate::gui::actions::Action;
use crate::gui::theme::Palette;
use trailview_core::integrity::{DigestResult, FileStatus, IntegrityReport, LogResult};

const ROW_HEIGHT: f32 = 20.0;

/// Green for "valid", in both themes.
pub fn ok_colour(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(110, 200, 120)
    } else {
        Color32::from_rgb(20, 130, 40)
    }
}

/// The colour of a log file's status: green valid, red modified or
/// missing, amber not covered, grey when nothing could be checked.
fn status_colour(ui: &egui::Ui, s: FileStatus) -> Color32 {
    let pal = Palette::of(ui);
    match s {
        FileStatus::Valid => ok_colour(ui),
        FileStatus::Modified | FileStatus::Missing => pal.error(),
        FileStatus::NotCovered => pal.warning(),
        FileStatus::NoDigest | FileStatus::Unknown => ui.visuals().weak_text_color(),
    }
}

/// The last part of a path or S3 key.
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn path_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// A digest's distinguishing part: its end time stamp
/// (`…_20240101T030000Z.json.gz`); the whole name when it has no `_`.
pub fn digest_short_name(p: &Path) -> String {
    let name = path_name(p);
    match name.rsplit_once('_') {
        Some((_, stamp)) => format!("…_{stamp}"),
        None => name,
    }
}

/// The name a log row shows: the local file's name, else the S3 key's.
pub fn log_name(l: &LogResult) -> String {
    match (&l.path, &l.s3_key) {
        (Some(p), _) => path_name(p),
        (None, Some(k)) => file_name(k).to_owned(),
        (None, None) => String::new(),
    }
}

fn log_hover(l: &LogResult) -> String {
    let mut t = String::new();
    if let Some(p) = &l.path {
        t.push_str(&format!("Local file: {}\n", p.display()));
    }
    if let Some(k) = &l.s3_key {
        t.push_str(&format!("S3 key in digest: {k}\n"));
    }
    if let Some(m) = &l.matched_by {
        t.push_str(&format!("Found by: {m:?}\n"));
    }
    if let Some(d) = &l.digest {
        t.push_str(&format!("Digest: {}\n", d.display()));
    }
    t.push_str(&l.detail);
    t
}

/// The height the table may scroll in: what the window leaves, but never
/// past the bottom of the screen (egui sizes a new window before placing
/// it, and a table as tall as its rows would push the window up over the
/// query bar).
fn table_height(ui: &egui::Ui) -> f32 {
    let to_screen_bottom = ui.ctx().content_rect().max.y - 40.0 - ui.cursor().top();
    ui.available_height().min(to_screen_bottom).max(80.0)
}

/// Indices of the rows to show.
pub fn visible<T>(rows: &[T], problems_only: bool, is_problem: impl Fn(&T) -> bool) -> Vec<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| !problems_only || is_problem(r))
        .map(|(i, _)| i)
        .collect()
}

fn cell(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>, hover: &str) {
    let r = ui.add(egui::Label::new(text).truncate());
    if !hover.is_empty() {
        r.on_hover_text(hover);
    }
}

pub fn logs(
    ui: &mut egui::Ui,
    report: &IntegrityReport,
    problems_only: bool,
    actions: &mut Vec<Action>,
) {
    let shown = visible(&report.logs, problems_only, |l| l.status.is_failure());
    if shown.is_empty() {
        ui.label(if problems_only {
            "No problem with any log file."
        } else {
            "No log files were checked."
        });
        return;
    }
    let height = table_height(ui);
    TableBuilder::new(ui)
        .id_salt("integrity_logs")
        .striped(true)
        .resizable(true)
        .auto_shrink([false, true])
        .max_scroll_height(height)
        .column(Column::exact(80.0))
        .column(Column::initial(520.0).at_least(120.0).clip(true))
        .column(Column::initial(110.0).at_least(105.0))
        .column(Column::initial(190.0).at_least(100.0).clip(true))
        .column(Column::remainder().at_least(120.0).clip(true))
        .header(ROW_HEIGHT, |mut h| {
            for t in ["Status", "Log file", "Events", "Listed by digest", "Detail"] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, shown.len(), |mut row| {
                let l = &report.logs[shown[row.index()]];
                let hover = log_hover(l);
                row.col(|ui| {
                    let c = status_colour(ui, l.status);
                    ui.colored_label(c, l.status.as_str());
                });
                row.col(|ui| cell(ui, log_name(l), &hover));
                row.col(|ui| {
                    if let Some(p) = &l.path
                        && l.status != FileStatus::Missing
                        && ui
                            .small_button("Show events")
                            .on_hover_text("Filter the event table to the events of this file")
                            .clicked()
                    {
                        actions.push(Action::Pivot {
                            field: "file".to_owned(),
                            value: p.display().to_string(),
                            exclude: false,
                        });
                    }
                });
                row.col(|ui| {
                    let d = l
                        .digest
                        .as_deref()
                        .map(digest_short_name)
                        .unwrap_or_default();
                    let full = l
                        .digest
                        .as_ref()
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    cell(ui, d, &full);
                });
                row.col(|ui| cell(ui, l.detail.as_str(), &l.detail));
            });
        });
}

fn digest_hover(d: &DigestResult) -> String {
    let mut t = format!("Local file: {}\n", d.path.display());
    if let Some(k) = &d.s3_key {
        t.push_str(&format!("digestS3Object: {k}\n"));
    }
    t.push_str(&format!("Chain: {}", d.chain));
    for p in &d.problems {
        t.push_str(&format!("\nProblem: {p}"));
    }
    for w in &d.warnings {
        t.push_str(&format!("\nWarning: {w}"));
    }
    t
}

pub fn digests(ui: &mut egui::Ui, report: &IntegrityReport, problems_only: bool) {
    let shown = visible(&report.digests, problems_only, |d| !d.valid);
    if shown.is_empty() {
        ui.label(if problems_only {
            "Every digest is valid."
        } else {
            "No digests."
        });
        return;
    }
    let pal = Palette::of(ui);
    let height = table_height(ui);
    TableBuilder::new(ui)
        .id_salt("integrity_digests")
        .striped(true)
        .resizable(true)
        .auto_shrink([false, true])
        .max_scroll_height(height)
        .column(Column::exact(80.0))
        .column(Column::initial(170.0).at_least(100.0).clip(true))
        .column(Column::initial(590.0).at_least(120.0).clip(true))
        .column(Column::initial(150.0).at_least(80.0).clip(true))
        .column(Column::remainder().at_least(120.0).clip(true))
        .header(ROW_HEIGHT, |mut h| {
            for t in ["Status", "Signature", "Digest", "Ends", "Problems"] {
                h.col(|ui| {
                    ui.strong(t);
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, shown.len(), |mut row| {
                let d = &report.digests[shown[row.index()]];
                let hover = digest_hover(d);
                row.col(|ui| {
                    if d.valid {
                        let c = ok_colour(ui);
                        ui.colored_label(c, "valid");
                    } else {
                        ui.colored_label(pal.error(), "not valid");
                    }
                });
                row.col(|ui| {
                    let c = if d.signature.is_failure() {
                        pal.error()
                    } else if d.signature == trailview_core::integrity::SignatureStatus::Valid {
                        ok_colour(ui)
                    } else {
                        ui.visuals().weak_text_color()
                    };
                    cell(ui, egui::RichText::new(d.signature.as_str()).color(c), "");
                });
                row.col(|ui| cell(ui, path_name(&d.path), &hover));
                row.col(|ui| cell(ui, d.digest_end_time.as_deref().unwrap_or(""), ""));
                row.col(|ui| {
                    let text = d.problems.join("; ");
                    cell(ui, text.as_str(), &text);
                });
            });
        });
}

pub fn breaks(ui: &mut egui::Ui, report: &IntegrityReport) {
    if report.chain_breaks.is_empty() {
        ui.label("No chain breaks: every digest links to the previous one.");
        return;
    }
    let pal = Palette::of(ui);
    let height = table_height(ui);
    egui::ScrollArea::vertical()
        .id_salt("integrity_breaks")
        .auto_shrink([false, true])
        .max_height(height)
        .show(ui, |ui| {
            for b in &report.chain_breaks {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(pal.error(), b.kind.as_str());
                    ui.label(format!(
                        "{} (pointed at by {})",
                        file_name(&b.digest),
                        path_name(&b.pointed_at_by)
                    ))
                    .on_hover_text(format!(
                        "Previous digest: {}\n{}Pointed at by: {}",
                        b.digest,
                        b.local_path
                            .as_ref()
                            .map(|p| format!("Local copy: {}\n", p.display()))
                            .unwrap_or_default(),
                        b.pointed_at_by.display()
                    ));
                });
                ui.add(egui::Label::new(egui::RichText::new(&b.detail).weak()).wrap());
                ui.add_space(4.0);
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_local_path_else_the_s3_key() {
        let mut l = LogResult {
            path: None,
            s3_key: Some("AWSLogs/1/CloudTrail/r/2024/01/01/a_b.json.gz".into()),
            status: FileStatus::Missing,
            matched_by: None,
            digest: None,
            detail: String::new(),
        };
        assert_eq!(log_name(&l), "a_b.json.gz");
        l.path = Some("/x/y/local.json.gz".into());
        assert_eq!(log_name(&l), "local.json.gz");
        assert_eq!(file_name("plain"), "plain");
        assert_eq!(file_name(r"c:\x\y.json"), "y.json");
        assert_eq!(
            digest_short_name(Path::new(
                "/d/1_CloudTrail-Digest_us-east-1_t_us-east-1_20240101T030000Z.json.gz"
            )),
            "…_20240101T030000Z.json.gz"
        );
        assert_eq!(
            digest_short_name(Path::new("/d/digest.json")),
            "digest.json"
        );
    }

    #[test]
    fn problems_only_keeps_the_failing_rows_in_order() {
        let rows = [1, 2, 3, 4, 5];
        assert_eq!(visible(&rows, true, |&r| r % 2 == 0), [1, 3]);
        assert_eq!(visible(&rows, false, |&r| r % 2 == 0), [0, 1, 2, 3, 4]);
    }
}
