//! The pivot menus: right-click a value to filter to it (in its field or
//! in any field), exclude it or copy it; right-click an event to see what
//! happened around it or the first and last events of its actor.

use crate::gui::actions::Action;
use trailview_core::model::{Column, EventIdx};
use trailview_core::store::Store;

/// Minutes offered for "Events ±N minutes around this one".
const AROUND_MINUTES: [i64; 3] = [1, 5, 30];

/// The menu for one value of a field (a table cell, a detail row, a lane).
pub fn pivot_menu(ui: &mut egui::Ui, field: &str, value: &str, actions: &mut Vec<Action>) {
    let shown: String = if value.chars().count() > 48 {
        format!("{}…", value.chars().take(48).collect::<String>())
    } else if value.is_empty() {
        "(empty)".to_owned()
    } else {
        value.to_owned()
    };
    ui.label(egui::RichText::new(format!("{field} = {shown}")).weak());
    ui.separator();
    if ui.button("Filter to this value").clicked() {
        actions.push(Action::Pivot {
            field: field.to_owned(),
            value: value.to_owned(),
            exclude: false,
        });
        ui.close();
    }
    if ui.button("Exclude this value").clicked() {
        actions.push(Action::Pivot {
            field: field.to_owned(),
            value: value.to_owned(),
            exclude: true,
        });
        ui.close();
    }
    if !value.is_empty()
        && ui
            .button("Filter everywhere")
            .on_hover_text(
                "Every event holding this value in any field (for example an access key: \
                 the call that issued it and every call made with it)",
            )
            .clicked()
    {
        actions.push(Action::FilterEverywhere(value.to_owned()));
        ui.close();
    }
    if ui.button("Copy").clicked() {
        actions.push(Action::Copy(value.to_owned()));
        ui.close();
    }
}

/// The menu for one event: its surroundings in time and its actor's
/// first and last events.
pub fn event_menu(ui: &mut egui::Ui, store: &Store, idx: EventIdx, actions: &mut Vec<Action>) {
    ui.separator();
    if store.time(idx) != trailview_core::timefmt::NO_TIME {
        ui.menu_button("Events around this one", |ui| {
            for minutes in AROUND_MINUTES {
                if ui
                    .button(format!("±{minutes} minutes"))
                    .on_hover_text("Every event in that time, whoever made it")
                    .clicked()
                {
                    actions.push(Action::AroundEvent { idx, minutes });
                    ui.close();
                }
            }
        });
    }
    let actor = store.value(Column::Actor, idx);
    if !actor.is_empty() {
        if ui.button("This actor's first events").clicked() {
            actions.push(Action::ActorEdges { idx, last: false });
            ui.close();
        }
        if ui.button("This actor's last events").clicked() {
            actions.push(Action::ActorEdges { idx, last: true });
            ui.close();
        }
    }
}
