//! The menu bar (File, View, Help) and the toolbar toggles on its right:
//! time zone and theme.

use crate::gui::actions::Action;
use crate::gui::settings::{Settings, ThemeChoice};
use trailview_session::Session;

pub fn show(
    ui: &mut egui::Ui,
    settings: &mut Settings,
    session: &Session,
    actions: &mut Vec<Action>,
) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu(ui, settings, session, actions));
        ui.menu_button("View", |ui| view_menu(ui, settings, actions));
        ui.menu_button("Help", help_menu);
        ui.separator();
        ui.strong("Trailview");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let theme_label = match settings.theme {
                ThemeChoice::Dark => "☀ Light",
                ThemeChoice::Light => "🌙 Dark",
            };
            if ui
                .button(theme_label)
                .on_hover_text("Switch between dark and light theme")
                .clicked()
            {
                settings.theme = match settings.theme {
                    ThemeChoice::Dark => ThemeChoice::Light,
                    ThemeChoice::Light => ThemeChoice::Dark,
                };
            }
            let tz = if settings.local_time {
                "Local time"
            } else {
                "UTC"
            };
            if ui
                .button(tz)
                .on_hover_text("Show times in UTC or in this machine's time zone (with offset)")
                .clicked()
            {
                settings.local_time = !settings.local_time;
            }
            ui.separator();
            if session.store_len() > 0 {
                if ui.button("Export…").on_hover_text("Ctrl+E").clicked() {
                    actions.push(Action::ShowExport);
                }
                let problems = session.report().problems.len();
                let label = if problems > 0 {
                    format!("⚠ Load report ({problems})")
                } else {
                    "Load report".to_owned()
                };
                if ui.button(label).clicked() {
                    actions.push(Action::ShowReport);
                }
            }
        });
    });
}

fn file_menu(ui: &mut egui::Ui, settings: &Settings, session: &Session, actions: &mut Vec<Action>) {
    if ui
        .add(egui::Button::new("Open folder…").shortcut_text("Ctrl+O"))
        .clicked()
    {
        actions.push(Action::PickFolder);
    }
    if ui.button("Open files…").clicked() {
        actions.push(Action::PickFiles);
    }
    if ui.button("Open sample data").clicked() {
        actions.push(Action::OpenSample);
    }
    ui.menu_button("Open recent", |ui| {
        if settings.recent.is_empty() {
            ui.weak("Nothing opened yet");
        }
        for p in &settings.recent {
            if ui.button(p.display().to_string()).clicked() {
                actions.push(Action::OpenPaths(vec![p.clone()]));
            }
        }
    });
    ui.separator();
    case_menu(ui, session, actions);
    ui.separator();
    let has = session.store_len() > 0;
    if ui
        .add_enabled(has, egui::Button::new("Export…").shortcut_text("Ctrl+E"))
        .clicked()
    {
        actions.push(Action::ShowExport);
    }
    if ui.button("Load report").clicked() {
        actions.push(Action::ShowReport);
    }
    ui.separator();
    if ui
        .add_enabled(has || session.is_loading(), egui::Button::new("Close all"))
        .clicked()
    {
        actions.push(Action::CloseAll);
    }
    if ui.button("Quit").clicked() {
        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

fn case_menu(ui: &mut egui::Ui, session: &Session, actions: &mut Vec<Action>) {
    if ui.button("Open case…").clicked() {
        actions.push(Action::OpenCase);
    }
    if ui
        .add(egui::Button::new("Save case").shortcut_text("Ctrl+S"))
        .clicked()
    {
        actions.push(Action::SaveCase);
    }
    if ui.button("Save case as…").clicked() {
        actions.push(Action::SaveCaseAs);
    }
    if ui
        .add_enabled(session.store_len() > 0, egui::Button::new("Tags…"))
        .clicked()
    {
        actions.push(Action::ShowTagManager);
    }
}

fn view_menu(ui: &mut egui::Ui, settings: &mut Settings, actions: &mut Vec<Action>) {
    ui.checkbox(&mut settings.show_facets, "Facets");
    ui.checkbox(&mut settings.show_histogram, "Activity histogram");
    ui.checkbox(&mut settings.show_timeline, "Per-user timeline");
    ui.checkbox(&mut settings.show_detail, "Detail pane");
    ui.separator();
    if ui.button("Columns…").clicked() {
        actions.push(Action::ShowColumns);
    }
    if ui.button("Integrity…").clicked() {
        actions.push(Action::ShowIntegrity);
    }
    if ui.button("Sessions…").clicked() {
        actions.push(Action::ShowSessions);
    }
    if ui.button("Detections…").clicked() {
        actions.push(Action::ShowDetections);
    }
    ui.separator();
    ui.radio_value(&mut settings.local_time, false, "Times in UTC");
    ui.radio_value(&mut settings.local_time, true, "Times in local time");
    ui.separator();
    ui.radio_value(&mut settings.theme, ThemeChoice::Dark, "Dark theme");
    ui.radio_value(&mut settings.theme, ThemeChoice::Light, "Light theme");
}

fn help_menu(ui: &mut egui::Ui) {
    ui.label(egui::RichText::new("Keyboard").strong());
    for (k, what) in crate::gui::keys::SHORTCUTS {
        ui.horizontal(|ui| {
            ui.monospace(format!("{k:<12}"));
            ui.label(*what);
        });
    }
    ui.separator();
    ui.label(egui::RichText::new("Query syntax").strong());
    ui.label(trailview_core::query::SYNTAX_HELP);
}
