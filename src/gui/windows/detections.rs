//! The Detections window (View → Detections…): one row per Sigma rule with
//! hits over everything loaded — level (coloured), title, hits, first and
//! last hit, distinct actors, ATT&CK, author — most severe first. Clicking
//! a title filters the table to `rule:<id>`; hovering it shows the rule's
//! description, false positives, references and file. Rules that could
//! not be used are counted, with the Load report one click away.

use std::sync::Arc;

use crate::gui::actions::Action;
use trailview_core::sigma::summary::{RuleHits, rule_hits_in};
use trailview_core::sigma::{DetectionIndex, Level};
use trailview_core::timefmt::format_shown;
use trailview_session::Session;

/// The colour of a level's badge (the table, the detail pane, the marks).
pub fn level_color(level: Level) -> egui::Color32 {
    match level {
        Level::Critical => egui::Color32::from_rgb(0xd0, 0x30, 0xd0),
        Level::High => egui::Color32::from_rgb(0xe0, 0x40, 0x40),
        Level::Medium => egui::Color32::from_rgb(0xe8, 0x90, 0x20),
        Level::Low => egui::Color32::from_rgb(0x40, 0x90, 0xe0),
        Level::Informational => egui::Color32::GRAY,
    }
}

const HEADERS: [&str; 7] = ["Level", "Rule", "Hits", "First", "Last", "Actors", "Author"];
const WIDTHS: [f32; 7] = [90.0, 360.0, 60.0, 160.0, 160.0, 55.0, 200.0];
/// Width of the leading "Run" checkbox column.
const RUN_W: f32 = 34.0;

/// The rows computed for one detection run (and row set, when scoped to
/// the query), in the order asked for.
pub struct DetectionsView {
    key: Option<(usize, usize, bool, bool)>,
    /// Rules with hits, then the rules turned off (and, with `show_all`,
    /// every other rule) with no hits.
    rows: Vec<RuleHits>,
    /// List every loaded rule, not only those with hits.
    pub show_all: bool,
    /// Count only the events the table shows (the current query and time
    /// range), not everything loaded.
    pub scoped: bool,
    /// Index into `HEADERS` and whether descending.
    sort: (usize, bool),
    sorted: Option<(usize, bool)>,
}

impl Default for DetectionsView {
    fn default() -> Self {
        DetectionsView {
            key: None,
            rows: Vec::new(),
            show_all: false,
            scoped: true,
            // Level, most severe first (then hits), as computed.
            sort: (0, true),
            sorted: None,
        }
    }
}

impl DetectionsView {
    /// `local`: first and last hits in local time, as the table shows
    /// times.
    pub fn show(
        &mut self,
        ctx: &egui::Context,
        session: &Session,
        local: bool,
        open: &mut bool,
        actions: &mut Vec<Action>,
    ) {
        let index = session.detections().cloned();
        self.refresh(session, index.as_ref());
        egui::Window::new("Detections")
            .open(open)
            .default_size([1100.0, 420.0])
            .resizable(true)
            .show(ctx, |ui| {
                rule_settings(ui, session, actions);
                ui.separator();
                let Some(index) = index else {
                    ui.label(if session.detecting() {
                        "Running the detection rules…"
                    } else {
                        "No detections yet: load CloudTrail files."
                    });
                    return;
                };
                let set = &index.set;
                let min_level = session.rule_options().min_level;
                let enabled = set.rules.iter().filter(|r| r.enabled).count();
                ui.horizontal(|ui| {
                    ui.weak(format!(
                        "{} rules with hits{} · {enabled} rules run · {} skipped (not CloudTrail) · {} could not be used{}",
                        self.rows.iter().filter(|r| r.hits > 0).count(),
                        if self.scoped { " in the table" } else { "" },
                        set.skipped,
                        set.problems.len(),
                        session
                            .detection_took()
                            .map(|t| format!(" · {} ms", t.as_millis()))
                            .unwrap_or_default(),
                    ));
                    if !set.problems.is_empty() && ui.link("Load report…").clicked() {
                        actions.push(Action::ShowReport);
                    }
                });
                ui.horizontal(|ui| {
                    ui.checkbox(&mut self.scoped, "Only the events in the table")
                        .on_hover_text("Count the hits among the events the current query and time range keep; off: everything loaded");
                    ui.checkbox(&mut self.show_all, "Every rule")
                        .on_hover_text("List every loaded rule, with or without hits (rules turned off are always listed)");
                    ui.weak("Click a rule to filter the table to its events; click a header to sort.");
                });
                ui.separator();
                egui::ScrollArea::horizontal().show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.add_sized([RUN_W, 18.0], egui::Label::new(egui::RichText::new("Run").strong()))
                            .on_hover_text("Untick to turn a rule off (remembered); its hits go away until it is on again");
                        for (i, (t, w)) in HEADERS.iter().zip(WIDTHS).enumerate() {
                            let arrow = match self.sort {
                                (c, true) if c == i => " ⏷",
                                (c, false) if c == i => " ⏶",
                                _ => "",
                            };
                            let head = egui::Button::new(egui::RichText::new(format!("{t}{arrow}")).strong())
                                .frame(false);
                            if ui
                                .add_sized([w, 18.0], head)
                                .on_hover_text(format!("Sort by {t}; again to reverse"))
                                .clicked()
                            {
                                self.sort = if self.sort.0 == i {
                                    (i, !self.sort.1)
                                } else {
                                    // Numbers and levels: largest first.
                                    (i, !matches!(i, 1 | 6))
                                };
                            }
                        }
                    });
                    ui.separator();
                    let h = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
                    egui::ScrollArea::vertical().auto_shrink([false, false]).show_rows(
                        ui,
                        h,
                        self.rows.len(),
                        |ui, range| {
                            for r in &self.rows[range] {
                                row(ui, &index, min_level, r, local, actions);
                            }
                        },
                    );
                });
            });
    }

    fn refresh(&mut self, session: &Session, index: Option<&Arc<DetectionIndex>>) {
        let rows = session.rows();
        let key = index.map(|i| {
            (
                Arc::as_ptr(i) as usize,
                if self.scoped {
                    Arc::as_ptr(rows) as usize
                } else {
                    0
                },
                self.scoped,
                self.show_all,
            )
        });
        if self.key != key {
            self.key = key;
            self.sorted = None;
            self.rows = match index {
                Some(i) => {
                    let scope = self.scoped.then_some(rows.as_slice());
                    let mut out = rule_hits_in(&i.detections, &i.set, &session.read(), scope);
                    let listed: std::collections::HashSet<u32> =
                        out.iter().map(|r| r.rule).collect();
                    for (n, r) in i.set.rules.iter().enumerate() {
                        let n = n as u32;
                        if !listed.contains(&n) && (self.show_all || !r.enabled) {
                            out.push(RuleHits {
                                rule: n,
                                hits: 0,
                                first: i64::MAX,
                                last: i64::MIN,
                                actors: 0,
                            });
                        }
                    }
                    out
                }
                None => Vec::new(),
            };
        }
        if self.sorted != Some(self.sort)
            && let Some(i) = index
        {
            sort_rows(&mut self.rows, &i.set, self.sort);
            self.sorted = Some(self.sort);
        }
    }
}

/// Orders the rules by the column `HEADERS[sort.0]`, descending when
/// `sort.1`; ties by level, then hits, then load order.
fn sort_rows(rows: &mut [RuleHits], set: &trailview_core::sigma::RuleSet, sort: (usize, bool)) {
    let rule = |r: &RuleHits| set.rules.get(r.rule as usize).map(|l| &l.rule);
    let level = |r: &RuleHits| rule(r).map(|x| x.level);
    rows.sort_by(|a, b| {
        let by = match sort.0 {
            0 => level(a).cmp(&level(b)),
            1 => {
                let t = |r: &RuleHits| rule(r).map(|x| x.title.to_lowercase());
                t(a).cmp(&t(b))
            }
            2 => a.hits.cmp(&b.hits),
            3 => a.first.cmp(&b.first),
            4 => a.last.cmp(&b.last),
            5 => a.actors.cmp(&b.actors),
            _ => {
                let t = |r: &RuleHits| rule(r).map(|x| x.author.to_lowercase());
                t(a).cmp(&t(b))
            }
        };
        let by = if sort.1 { by.reverse() } else { by };
        by.then(level(b).cmp(&level(a)))
            .then(b.hits.cmp(&a.hits))
            .then(a.rule.cmp(&b.rule))
    });
}

/// Which rules run: the defaults (a checkbox) and the rule folders (each
/// removable), with "Add rule folder…".
fn rule_settings(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    let options = session.rule_options();
    ui.horizontal_wrapped(|ui| {
        let mut defaults = options.defaults;
        if ui
            .checkbox(&mut defaults, "Trailview's default rules")
            .on_hover_text("The 15 rules shipped with Trailview")
            .changed()
        {
            actions.push(Action::SetDefaultRules(defaults));
        }
        let names = |l: Option<Level>| match l {
            None => "Every level".to_owned(),
            Some(Level::Critical) => "Critical only".to_owned(),
            Some(l) => format!("{} and above", l.as_str()),
        };
        let mut min = options.min_level;
        egui::ComboBox::from_label("Rule levels")
            .selected_text(names(min))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut min, None, names(None));
                for l in Level::ALL.into_iter().skip(1) {
                    ui.selectable_value(&mut min, Some(l), names(Some(l)));
                }
            })
            .response
            .on_hover_text("Run only the rules at this level or above (remembered)");
        if min != options.min_level {
            actions.push(Action::SetMinLevel(min));
        }
        if ui
            .button("Add rule folder…")
            .on_hover_text("A folder of Sigma rules (.yml) to run after each load; remembered")
            .clicked()
        {
            actions.push(Action::PickRuleFolder);
        }
        if session.detecting() {
            crate::gui::widgets::busy::spinner(ui, "Running the rules");
            ui.weak("Running the rules…");
        }
    });
    for (i, p) in options.paths.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.monospace(p.display().to_string());
            if ui
                .small_button("Remove")
                .on_hover_text(format!("Stop running the rules of {}", p.display()))
                .clicked()
            {
                actions.push(Action::RemoveRuleFolder(i));
            }
        });
    }
}

/// A hit's time as the table writes it ("" when no hit has a time).
fn time(t: i64, local: bool) -> String {
    if t == i64::MIN || t == i64::MAX || t == trailview_core::timefmt::NO_TIME {
        String::new()
    } else {
        format_shown(t, local)
    }
}

fn row(
    ui: &mut egui::Ui,
    index: &DetectionIndex,
    min_level: Option<Level>,
    r: &RuleHits,
    local: bool,
    actions: &mut Vec<Action>,
) {
    let Some(loaded) = index.set.rules.get(r.rule as usize) else {
        return;
    };
    let rule = &loaded.rule;
    ui.horizontal(|ui| {
        let mut on = loaded.enabled;
        let check = ui
            .add_sized([RUN_W, 16.0], egui::Checkbox::without_text(&mut on))
            .on_hover_text(if loaded.enabled {
                "Turn this rule off (remembered)"
            } else {
                "Turn this rule on again"
            });
        check.widget_info(|| {
            egui::WidgetInfo::selected(
                egui::Role::CheckBox,
                true,
                loaded.enabled,
                format!("Run {}", rule.title),
            )
        });
        if check.changed() {
            actions.push(Action::SetRuleEnabled {
                id: rule.id.clone(),
                on,
            });
        }
        let level = egui::RichText::new(rule.level.as_str())
            .color(level_color(rule.level))
            .strong();
        ui.add_sized([WIDTHS[0], 16.0], egui::Label::new(level));
        let mut hover = format!("{}\n", rule.description);
        if !rule.falsepositives.is_empty() {
            hover.push_str(&format!(
                "\nFalse positives: {}",
                rule.falsepositives.join("; ")
            ));
        }
        if !rule.tags.is_empty() {
            hover.push_str(&format!("\nATT&CK: {}", rule.tags.join(", ")));
        }
        for re in &rule.references {
            hover.push_str(&format!("\n{re}"));
        }
        hover.push_str(&format!(
            "\nAuthor: {}\nId: {}\nFile: {}\n\nFilter the table to this rule",
            rule.author, rule.id, loaded.path
        ));
        let title = if loaded.enabled {
            egui::RichText::new(rule.title.as_str())
        } else if min_level.is_some_and(|m| rule.level < m) {
            egui::RichText::new(format!("{} (below the level)", rule.title)).weak()
        } else {
            egui::RichText::new(format!("{} (off)", rule.title)).weak()
        };
        let link = ui
            .add_sized([WIDTHS[1], 16.0], egui::Link::new(title))
            .on_hover_text(hover);
        if link.clicked() {
            actions.push(Action::FilterToRule(rule.id.clone()));
        }
        let cells = [
            r.hits.to_string(),
            time(r.first, local),
            time(r.last, local),
            r.actors.to_string(),
            rule.author.clone(),
        ];
        for (text, w) in cells.iter().zip(&WIDTHS[2..]) {
            ui.add_sized([*w, 16.0], egui::Label::new(text.as_str()).truncate());
        }
    });
}
