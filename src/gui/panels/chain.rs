//! The detail pane's "Credential chain" section: the selected event's
//! chain from [`trailview_core::credentials`], one hop per line, origin
//! first, each with the time and source IP of the event that issued its
//! credentials and a button that jumps to that event.

use crate::gui::actions::Action;
use crate::gui::settings::Settings;
use trailview_core::model::{Column, EventIdx};
use trailview_core::store::Store;
use trailview_core::timefmt::{self, NO_TIME};

/// Draws the chain of event `idx` (nothing before the graph is built).
pub fn show(
    ui: &mut egui::Ui,
    store: &Store,
    idx: EventIdx,
    settings: &Settings,
    actions: &mut Vec<Action>,
) {
    let Some(graph) = store.credential_graph() else {
        return;
    };
    let hops = graph.chain_hops(store, idx);
    if hops.is_empty() {
        return;
    }
    ui.separator();
    ui.label(egui::RichText::new("Credential chain").strong())
        .on_hover_text(
            "Who is behind this event: each hop's credentials were issued by a call made with the previous hop's",
        );
    ui.horizontal_wrapped(|ui| {
        ui.weak("Origin:");
        ui.label(store.value(Column::Origin, idx));
        let hops_n = store.value(Column::Hops, idx);
        let unit = if hops_n == "1" { "hop" } else { "hops" };
        ui.weak(format!("· {hops_n} {unit}"));
        let session = store.value(Column::Session, idx);
        if !session.is_empty() {
            ui.weak("· session");
            if ui
                .link(session.as_ref())
                .on_hover_text("Filter the table to this session")
                .clicked()
            {
                actions.push(Action::Pivot {
                    field: "session".to_owned(),
                    value: session.into_owned(),
                    exclude: false,
                });
            }
        }
    });
    for (n, hop) in hops.iter().enumerate() {
        let arrow = if n == 0 { "" } else { "→ " };
        // Role session names are long single words: break them anywhere
        // rather than leave the arrow alone on its line.
        let mut job = egui::text::LayoutJob::single_section(
            format!("{arrow}{}", hop.label),
            egui::TextFormat {
                font_id: egui::TextStyle::Body.resolve(ui.style()),
                color: ui.visuals().text_color(),
                ..Default::default()
            },
        );
        job.wrap = egui::text::TextWrapping {
            max_width: ui.available_width(),
            break_anywhere: true,
            ..Default::default()
        };
        ui.label(job);
        if hop.time == NO_TIME && hop.source_ip.is_empty() && hop.issued_by.is_none() {
            continue;
        }
        ui.horizontal_wrapped(|ui| {
            ui.add_space(12.0);
            if hop.time != NO_TIME {
                let time = if settings.local_time {
                    timefmt::format_local(hop.time)
                } else {
                    format!("{} UTC", timefmt::format_utc(hop.time))
                };
                ui.weak(time);
            }
            if !hop.source_ip.is_empty() {
                ui.weak(format!("from {}", hop.source_ip));
            }
            if let Some(ev) = hop.issued_by {
                let name = store.value(Column::EventName, ev);
                if ui
                    .small_button(format!("{name} ↗"))
                    .on_hover_text("Jump to the event that issued these credentials")
                    .clicked()
                {
                    actions.push(Action::JumpToEvent(ev));
                }
            }
        });
    }
}
