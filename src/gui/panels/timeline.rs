//! The per-user timeline: one lane per actor (or role, or access key), top
//! lanes by activity, each event a mark at its time coloured by outcome.
//! Hover a mark to see the event, click it to select it in the table.

use crate::gui::actions::Action;
use crate::gui::settings::Settings;
use crate::gui::theme::Palette;
use trailview_core::model::Column;
use trailview_core::store::Store;
use trailview_core::timefmt;
use trailview_session::Session;
use trailview_session::fmt::thousands;
use trailview_session::outcome::Outcome;
use trailview_session::summary::{LaneGrouping, Mark, Timeline};

const LANE_H: f32 = 18.0;
const NAME_W: f32 = 190.0;

#[derive(Default)]
pub struct TimelineView;

impl TimelineView {
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        store: &Store,
        session: &Session,
        settings: &Settings,
        actions: &mut Vec<Action>,
    ) {
        let pal = Palette::of(ui);
        ui.add_space(2.0);
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new("Timeline").strong());
            ui.label("lanes by");
            let mut g = settings.lane_grouping;
            for opt in LaneGrouping::ALL {
                ui.selectable_value(&mut g, opt, opt.label());
            }
            ui.separator();
            if g != settings.lane_grouping {
                actions.push(Action::SetGrouping(g));
            }
            for o in [Outcome::Read, Outcome::Write, Outcome::Error] {
                ui.colored_label(pal.outcome(o), format!("■ {}", o.label()));
            }
            if let Some(s) = &session.summary() {
                let tl = &s.timeline;
                if tl.distinct > tl.lanes.len() {
                    ui.weak(format!(
                        "top {} of {} lanes",
                        tl.lanes.len(),
                        thousands(tl.distinct as u64)
                    ));
                }
            }
        });
        let Some(summary) = &session.summary() else {
            ui.spinner();
            return;
        };
        let tl = &summary.timeline;
        if tl.lanes.is_empty() {
            ui.weak("No events with a time to show.");
            return;
        }
        axis(ui, tl, pal);
        egui::ScrollArea::vertical()
            .id_salt("timeline_lanes")
            .auto_shrink([false, false])
            .show_rows(ui, LANE_H, tl.lanes.len(), |ui, range| {
                for lane_no in range {
                    let lane = &tl.lanes[lane_no];
                    let (rect, resp) = ui.allocate_exact_size(
                        egui::vec2(ui.available_width(), LANE_H),
                        egui::Sense::click(),
                    );
                    let track = egui::Rect::from_min_max(
                        egui::pos2(rect.min.x + NAME_W, rect.min.y),
                        rect.max,
                    );
                    let painter = ui.painter();
                    if lane_no % 2 == 1 {
                        painter.rect_filled(rect, 0.0, ui.visuals().faint_bg_color);
                    }
                    let name_clip = egui::Rect::from_min_max(
                        rect.min,
                        egui::pos2(track.min.x - 6.0, rect.max.y),
                    );
                    painter.with_clip_rect(name_clip).text(
                        egui::pos2(rect.min.x + 4.0, rect.center().y),
                        egui::Align2::LEFT_CENTER,
                        &lane.name,
                        egui::FontId::proportional(13.0),
                        ui.visuals().text_color(),
                    );
                    let x_of = |m: &Mark| {
                        track.min.x + (m.bucket as f32 + 0.5) / tl.buckets as f32 * track.width()
                    };
                    for m in &lane.marks {
                        let x = x_of(m);
                        let r = egui::Rect::from_center_size(
                            egui::pos2(x, rect.center().y),
                            egui::vec2(3.0, LANE_H - 6.0),
                        );
                        painter.rect_filled(r, 1.0, pal.outcome(m.outcome));
                    }
                    let hovered = resp.hover_pos().and_then(|p| {
                        lane.marks
                            .iter()
                            .map(|m| (m, (x_of(m) - p.x).abs()))
                            .filter(|(_, d)| *d <= 4.0)
                            .min_by(|a, b| a.1.total_cmp(&b.1))
                            .map(|(m, _)| *m)
                    });
                    let resp = match hovered {
                        Some(m) => {
                            if resp.clicked() {
                                actions.push(Action::FocusEvent(m.first));
                            }
                            resp.on_hover_ui_at_pointer(|ui| {
                                mark_tooltip(ui, store, lane.name.as_str(), &m, settings)
                            })
                        }
                        None => resp.on_hover_text(format!(
                            "{} — {} events",
                            lane.name,
                            thousands(lane.total)
                        )),
                    };
                    resp.context_menu(|ui| {
                        crate::gui::panels::table::pivot_menu(
                            ui,
                            tl.grouping.column().name(),
                            &lane.name,
                            actions,
                        )
                    });
                }
            });
    }
}

fn axis(ui: &mut egui::Ui, tl: &Timeline, pal: Palette) {
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), 16.0), egui::Sense::hover());
    let track = egui::Rect::from_min_max(egui::pos2(rect.min.x + NAME_W, rect.min.y), rect.max);
    let ticks = ((track.width() / 160.0).floor() as u32).clamp(2, 10);
    for i in 0..=ticks {
        let f = i as f32 / ticks as f32;
        let x = track.min.x + f * track.width();
        let t = tl.start + ((tl.end - tl.start) as f64 * f64::from(f)) as i64;
        let align = if i == 0 {
            egui::Align2::LEFT_CENTER
        } else if i == ticks {
            egui::Align2::RIGHT_CENTER
        } else {
            egui::Align2::CENTER_CENTER
        };
        ui.painter().text(
            egui::pos2(x, rect.center().y),
            align,
            timefmt::format_utc(t),
            egui::FontId::proportional(11.0),
            pal.muted(),
        );
    }
}

fn mark_tooltip(ui: &mut egui::Ui, store: &Store, lane: &str, m: &Mark, settings: &Settings) {
    let idx = m.first;
    let time = if settings.local_time {
        timefmt::format_local(store.time(idx))
    } else {
        format!("{} UTC", timefmt::format_utc(store.time(idx)))
    };
    ui.label(egui::RichText::new(store.value(Column::EventName, idx)).strong());
    ui.label(time);
    ui.label(format!(
        "{lane} · {}",
        store.value(Column::EventSource, idx)
    ));
    let err = store.value(Column::ErrorCode, idx);
    if !err.is_empty() {
        ui.colored_label(Palette::of(ui).error(), err);
    }
    if m.count > 1 {
        ui.weak(format!("+{} more events here", m.count - 1));
    }
    ui.weak("click to select it in the table");
}
