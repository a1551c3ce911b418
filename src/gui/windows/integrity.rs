//! The Integrity window: the summary of the last integrity check (digests
//! and log files valid, modified, missing, not covered, chain breaks,
//! signatures), the public keys in use, and a tab per kind of row (log
//! files, digests, chain breaks; see [`crate::gui::windows::integrity_tables`]). Also the
//! text of the status-bar badge.

use crate::gui::actions::Action;
use crate::gui::theme::Palette;
use crate::gui::windows::integrity_tables;
use trailview_core::integrity::{IntegrityReport, Summary};
use trailview_session::Session;
use trailview_session::integrity_check::IntegrityChecks;

/// Which rows the window lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Logs,
    Digests,
    Breaks,
}

/// The window's own session.
#[derive(Debug, Default)]
pub struct IntegrityView {
    pub problems_only: bool,
    pub tab: Tab,
}

/// Where the window opens: below the menu and query bar.
const TOP: f32 = 110.0;

/// What the view says when no digest was loaded.
pub const NO_DIGESTS: &str = "No CloudTrail-Digest files were loaded, so nothing could be validated. \
Download the digest folder too (AWSLogs/<account>/CloudTrail-Digest/... next to AWSLogs/<account>/CloudTrail/...) \
and open it with the logs.";

/// The status-bar badge: "Integrity: valid" or the failures, most serious
/// first ("Integrity: 2 modified, 1 chain break").
pub fn badge_text(s: &Summary) -> String {
    if s.all_valid() && s.digests_total > 0 {
        return "Integrity: valid".to_owned();
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let invalid_digests = s.digests_total - s.digests_valid;
    let parts: Vec<String> = [
        (s.modified, plural(s.modified, "modified", "modified")),
        (s.missing, plural(s.missing, "missing", "missing")),
        (
            s.not_covered,
            plural(s.not_covered, "not covered", "not covered"),
        ),
        (
            s.chain_breaks,
            plural(s.chain_breaks, "chain break", "chain breaks"),
        ),
        (
            invalid_digests,
            plural(invalid_digests, "invalid digest", "invalid digests"),
        ),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(_, t)| t)
    .collect();
    if parts.is_empty() {
        "Integrity: nothing checked".to_owned()
    } else {
        format!("Integrity: {}", parts.join(", "))
    }
}

/// The signatures line of the summary.
pub fn signatures_text(s: &Summary, keys_loaded: bool) -> String {
    if !s.signatures_checked {
        return if keys_loaded {
            "not checked".to_owned()
        } else {
            "not checked: no public keys loaded (save the output of `aws cloudtrail list-public-keys` and load it)".to_owned()
        };
    }
    let mut t = format!(
        "checked: {} valid, {} not valid",
        s.signatures_valid, s.signatures_failed
    );
    if s.signatures_not_available > 0 {
        t.push_str(&format!(
            ", {} not available offline (the newest digest of a chain is signed only in S3 object metadata)",
            s.signatures_not_available
        ));
    }
    t
}

impl IntegrityView {
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        session: &Session,
        open: &mut bool,
        actions: &mut Vec<Action>,
    ) {
        let checks = session.integrity_checks();
        // Between the query bar and the status bar, so queries can be typed
        // and the badge seen with the window open.
        let screen = ctx.content_rect();
        let below_query_bar = egui::Rect::from_min_max(
            egui::pos2(screen.min.x, screen.min.y + TOP - 10.0),
            egui::pos2(screen.max.x, screen.max.y - 30.0),
        );
        egui::Window::new("Integrity")
            .constrain_to(below_query_bar)
            .open(open)
            .default_pos([60.0, TOP])
            .default_width(1100.0)
            .resizable(true)
            .show(ctx, |ui| self.contents(ui, session, checks, actions));
    }

    fn contents(
        &mut self,
        ui: &mut egui::Ui,
        session: &Session,
        checks: &IntegrityChecks,
        actions: &mut Vec<Action>,
    ) {
        keys_row(ui, checks, actions);
        ui.separator();
        if checks.busy() {
            ui.horizontal(|ui| {
                crate::gui::widgets::busy::spinner(ui, "Checking integrity");
                ui.label("Checking integrity…");
            });
            return;
        }
        let Some(report) = session.integrity().map(|r| &**r) else {
            if session.is_loading() {
                ui.label("The check runs when loading has finished.");
            } else {
                ui.add(egui::Label::new(NO_DIGESTS).wrap());
            }
            return;
        };
        summary_grid(ui, report, checks.keys.is_some());
        ui.separator();
        ui.horizontal(|ui| {
            let s = &report.summary;
            let logs_bad = s.modified + s.missing + s.not_covered;
            let digests_bad = s.digests_total - s.digests_valid;
            let tabs = [
                (
                    Tab::Logs,
                    format!("Log files ({})", report.logs.len()),
                    logs_bad,
                ),
                (
                    Tab::Digests,
                    format!("Digests ({})", report.digests.len()),
                    digests_bad,
                ),
                (
                    Tab::Breaks,
                    format!("Chain breaks ({})", report.chain_breaks.len()),
                    s.chain_breaks,
                ),
            ];
            for (tab, label, bad) in tabs {
                let text = if bad > 0 {
                    egui::RichText::new(label).color(Palette::of(ui).error())
                } else {
                    egui::RichText::new(label)
                };
                ui.selectable_value(&mut self.tab, tab, text);
            }
            ui.separator();
            ui.checkbox(&mut self.problems_only, "Show only problems");
        });
        ui.add_space(4.0);
        match self.tab {
            Tab::Logs => integrity_tables::logs(ui, report, self.problems_only, actions),
            Tab::Digests => integrity_tables::digests(ui, report, self.problems_only),
            Tab::Breaks => integrity_tables::breaks(ui, report),
        }
    }
}

fn keys_row(ui: &mut egui::Ui, checks: &IntegrityChecks, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!checks.busy(), egui::Button::new("Load public keys…"))
            .on_hover_text(
                "A JSON file saved from `aws cloudtrail list-public-keys`; the check runs again with signatures",
            )
            .clicked()
        {
            actions.push(Action::PickPublicKeys);
        }
        match &checks.keys {
            Some(k) => {
                ui.label(format!(
                    "Public keys: {} ({} keys)",
                    k.path.display(),
                    k.keys.keys.len()
                ));
            }
            None => {
                ui.weak("No public keys loaded: signatures are not checked");
            }
        }
    });
    if let Some(e) = &checks.keys_error {
        let pal = Palette::of(ui);
        ui.add(
            egui::Label::new(
                egui::RichText::new(format!("Public keys not used: {e}")).color(pal.error()),
            )
            .wrap(),
        );
    }
}

fn summary_grid(ui: &mut egui::Ui, report: &IntegrityReport, keys_loaded: bool) {
    let s = &report.summary;
    let pal = Palette::of(ui);
    let (verdict, colour) = if s.all_valid() {
        (
            "Everything checked is valid",
            integrity_tables::ok_colour(ui),
        )
    } else {
        (
            "Problems found: the loaded data does not match its digests",
            pal.error(),
        )
    };
    ui.label(egui::RichText::new(verdict).strong().color(colour));
    egui::Grid::new("integrity_summary")
        .num_columns(2)
        .spacing([16.0, 3.0])
        .show(ui, |ui| {
            let count = |ui: &mut egui::Ui, label: &str, n: usize| {
                ui.label(label);
                if n > 0 {
                    ui.colored_label(pal.error(), n.to_string());
                } else {
                    ui.label("0");
                }
                ui.end_row();
            };
            ui.label("Digests valid");
            ui.label(format!("{}/{}", s.digests_valid, s.digests_total));
            ui.end_row();
            ui.label("Log files valid");
            ui.label(format!("{}/{}", s.logs_valid, s.logs_total));
            ui.end_row();
            count(ui, "Modified", s.modified);
            count(ui, "Missing", s.missing);
            count(ui, "Not covered", s.not_covered);
            count(ui, "Chain breaks", s.chain_breaks);
            ui.label("Files without digest");
            ui.label(s.no_digest.to_string());
            ui.end_row();
        });
    // Outside the grid: a long wrapped cell would make the grid's value
    // column narrow and the row tall.
    ui.add(egui::Label::new(format!("Signatures {}", signatures_text(s, keys_loaded))).wrap());
    // Notes (a chain that starts before the download, a restarted chain)
    // are not failures: one or two show as they are, more fold away so
    // that the file tables keep their room.
    let note = |ui: &mut egui::Ui, n: &String| {
        ui.add(egui::Label::new(egui::RichText::new(format!("Note: {n}")).weak()).wrap());
    };
    if report.notes.len() <= 2 {
        report.notes.iter().for_each(|n| note(ui, n));
    } else {
        egui::CollapsingHeader::new(format!("{} notes (not failures)", report.notes.len()))
            .id_salt("integrity_notes")
            .show(ui, |ui| report.notes.iter().for_each(|n| note(ui, n)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badge_names_the_failures_or_says_valid() {
        let mut s = Summary {
            digests_total: 4,
            digests_valid: 4,
            logs_total: 6,
            logs_valid: 6,
            ..Summary::default()
        };
        assert_eq!(badge_text(&s), "Integrity: valid");
        s.modified = 2;
        s.chain_breaks = 1;
        s.digests_valid = 3;
        assert_eq!(
            badge_text(&s),
            "Integrity: 2 modified, 1 chain break, 1 invalid digest"
        );
        s.modified = 0;
        s.chain_breaks = 2;
        s.missing = 1;
        assert_eq!(
            badge_text(&s),
            "Integrity: 1 missing, 2 chain breaks, 1 invalid digest"
        );
    }

    #[test]
    fn signatures_text_says_why_they_were_not_checked() {
        let mut s = Summary::default();
        assert!(signatures_text(&s, false).contains("list-public-keys"));
        s.signatures_checked = true;
        s.signatures_valid = 3;
        s.signatures_not_available = 1;
        let t = signatures_text(&s, true);
        assert!(
            t.starts_with("checked: 3 valid, 0 not valid, 1 not available offline"),
            "{t}"
        );
    }
}
