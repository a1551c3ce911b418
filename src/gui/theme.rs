//! Colours: row tints for errors and writes, outcome colours for charts,
//! and JSON syntax colours, for dark and light themes.

use egui::Color32;

use trailview_session::outcome::Outcome;

/// The palette of the current theme.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub dark: bool,
}

impl Palette {
    pub fn of(ui: &egui::Ui) -> Palette {
        Palette {
            dark: ui.visuals().dark_mode,
        }
    }

    /// Bar / mark colour for an outcome.
    pub fn outcome(self, o: Outcome) -> Color32 {
        match (o, self.dark) {
            (Outcome::Read, true) => Color32::from_rgb(90, 140, 200),
            (Outcome::Read, false) => Color32::from_rgb(70, 120, 190),
            (Outcome::Write, true) => Color32::from_rgb(230, 160, 60),
            (Outcome::Write, false) => Color32::from_rgb(205, 125, 20),
            (Outcome::Error, true) => Color32::from_rgb(235, 85, 85),
            (Outcome::Error, false) => Color32::from_rgb(205, 40, 40),
        }
    }

    /// Background tint of a table row, none for read-only successes.
    pub fn row_tint(self, o: Outcome) -> Option<Color32> {
        match (o, self.dark) {
            (Outcome::Read, _) => None,
            (Outcome::Write, true) => Some(Color32::from_rgba_unmultiplied(230, 160, 60, 28)),
            (Outcome::Write, false) => Some(Color32::from_rgba_unmultiplied(240, 170, 40, 45)),
            (Outcome::Error, true) => Some(Color32::from_rgba_unmultiplied(235, 70, 70, 45)),
            (Outcome::Error, false) => Some(Color32::from_rgba_unmultiplied(230, 60, 60, 45)),
        }
    }

    /// Text colour of the event name cell for an outcome.
    pub fn outcome_text(self, o: Outcome) -> Option<Color32> {
        match o {
            Outcome::Read => None,
            _ => Some(self.outcome(o)),
        }
    }

    pub fn json_key(self) -> Color32 {
        if self.dark {
            Color32::from_rgb(140, 190, 250)
        } else {
            Color32::from_rgb(20, 80, 170)
        }
    }

    pub fn json_string(self) -> Color32 {
        if self.dark {
            Color32::from_rgb(160, 210, 130)
        } else {
            Color32::from_rgb(30, 120, 30)
        }
    }

    pub fn json_number(self) -> Color32 {
        if self.dark {
            Color32::from_rgb(230, 180, 110)
        } else {
            Color32::from_rgb(170, 90, 0)
        }
    }

    pub fn json_literal(self) -> Color32 {
        if self.dark {
            Color32::from_rgb(200, 150, 230)
        } else {
            Color32::from_rgb(130, 40, 160)
        }
    }

    pub fn muted(self) -> Color32 {
        if self.dark {
            Color32::from_gray(140)
        } else {
            Color32::from_gray(110)
        }
    }

    pub fn warning(self) -> Color32 {
        self.outcome(Outcome::Write)
    }

    pub fn error(self) -> Color32 {
        self.outcome(Outcome::Error)
    }

    /// Pins and session bars.
    pub fn accent(self) -> Color32 {
        if self.dark {
            Color32::from_rgb(110, 160, 255)
        } else {
            Color32::from_rgb(40, 90, 210)
        }
    }

    pub fn selection_fill(self) -> Color32 {
        if self.dark {
            Color32::from_rgba_unmultiplied(100, 150, 255, 40)
        } else {
            Color32::from_rgba_unmultiplied(60, 110, 230, 40)
        }
    }
}
