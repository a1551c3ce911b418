//! The time window the histogram and the per-user timeline show: zoomed
//! and panned in either of them, shown in both, without filtering the
//! events (a filter is the view's time range; the window is only where the
//! eye is). Zooming in remembers where it came from, so zooming out goes
//! back step by step.

/// Most zoom steps remembered.
const MAX_BACK: usize = 64;

/// Shared between the histogram and the timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeWindow {
    /// Epoch milliseconds `[from, to)`; `None`: the whole filtered span.
    range: Option<(i64, i64)>,
    /// Earlier windows, most recent last.
    back: Vec<Option<(i64, i64)>>,
    /// Bumped on every change, so each view can tell it must follow.
    version: u64,
    /// The last change was part of a continuous gesture.
    following: bool,
}

impl TimeWindow {
    pub fn range(&self) -> Option<(i64, i64)> {
        self.range
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// Whether there is a step to go back to.
    pub fn can_go_back(&self) -> bool {
        !self.back.is_empty()
    }

    /// Zooms to `[from, to)` (at least one second), remembering the window
    /// it leaves.
    pub fn zoom_to(&mut self, from: i64, to: i64) {
        let (from, to) = (from.min(to), from.max(to).max(from.min(to) + 1000));
        if self.range == Some((from, to)) {
            return;
        }
        self.remember();
        self.range = Some((from, to));
        self.following = false;
        self.version += 1;
    }

    fn remember(&mut self) {
        if self.back.len() == MAX_BACK {
            self.back.remove(0);
        }
        self.back.push(self.range);
    }

    /// Moves to `[from, to)` as the result of a continuous gesture (pan,
    /// wheel zoom): the step back stays the window before the gesture.
    pub fn follow(&mut self, from: i64, to: i64) {
        if self.range == Some((from, to)) {
            return;
        }
        if !self.following {
            self.remember();
            self.following = true;
        }
        self.range = Some((from.min(to), from.max(to).max(from.min(to) + 1)));
        self.version += 1;
    }

    /// One zoom step back; `false` if there was none.
    pub fn back(&mut self) -> bool {
        let Some(prev) = self.back.pop() else {
            return false;
        };
        self.range = prev;
        self.following = false;
        self.version += 1;
        true
    }

    /// Back to the whole span, forgetting the steps.
    pub fn reset(&mut self) {
        if self.range.is_none() && self.back.is_empty() {
            return;
        }
        self.range = None;
        self.back.clear();
        self.following = false;
        self.version += 1;
    }

    /// The window to draw over data spanning `[start, end)`.
    pub fn resolve(&self, start: i64, end: i64) -> (i64, i64) {
        match self.range {
            Some((a, b)) if b > a => (a, b),
            _ => (start, end.max(start + 1)),
        }
    }

    /// Zooms by `factor` (< 1 zooms in) around the time `at`.
    pub fn zoom_around(&mut self, span: (i64, i64), at: i64, factor: f64) {
        let (a, b) = span;
        let left = ((at - a) as f64 * factor) as i64;
        let right = ((b - at) as f64 * factor) as i64;
        let (from, to) = (at - left, at + right);
        if to - from >= 1000 {
            self.follow(from, to);
        }
    }

    /// Moves the window by `delta` milliseconds.
    pub fn pan(&mut self, span: (i64, i64), delta: i64) {
        if delta != 0 {
            self.follow(span.0 + delta, span.1 + delta);
        }
    }
}

/// A time axis label for `ms` when marks are `step_ms` apart: the date
/// for steps of days, the time of day (and the date) for shorter steps,
/// seconds only when the steps are under a minute. In the machine's zone
/// when `local` (as the table shows it), else UTC.
pub fn axis_label(ms: i64, step_ms: i64, local: bool) -> String {
    let full = trailview_core::timefmt::format_shown(ms, local);
    let part = if step_ms >= 86_400_000 {
        full.get(..10)
    } else if step_ms >= 60_000 {
        full.get(5..16)
    } else {
        full.get(11..19)
    };
    part.unwrap_or(&full).to_owned()
}

/// "UTC" or "local time", for headers.
pub fn zone_name(local: bool) -> &'static str {
    if local { "local time" } else { "UTC" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_labels_follow_the_step() {
        let t = 1_688_989_503_000; // 2023-07-10 11:45:03 UTC
        assert_eq!(axis_label(t, 86_400_000, false), "2023-07-10");
        assert_eq!(axis_label(t, 3_600_000, false), "07-10 11:45");
        assert_eq!(axis_label(t, 5_000, false), "11:45:03");
    }

    #[test]
    fn zooming_in_then_back_retraces_every_step() {
        let mut w = TimeWindow::default();
        assert_eq!(w.resolve(0, 100_000), (0, 100_000));
        w.zoom_to(10_000, 50_000);
        w.zoom_to(20_000, 30_000);
        assert_eq!(w.range(), Some((20_000, 30_000)));
        assert!(w.back());
        assert_eq!(w.range(), Some((10_000, 50_000)));
        assert!(w.back());
        assert_eq!(w.range(), None);
        assert!(!w.back());
    }

    #[test]
    fn a_wheel_gesture_from_the_full_span_is_one_step_back() {
        let mut w = TimeWindow::default();
        w.zoom_around((0, 100_000), 50_000, 0.5);
        w.zoom_around((25_000, 75_000), 50_000, 0.5);
        w.pan((37_500, 62_500), 1_000);
        assert_eq!(w.range(), Some((38_500, 63_500)));
        assert!(w.back());
        assert_eq!(w.range(), None);
    }

    #[test]
    fn every_change_bumps_the_version_and_reset_forgets() {
        let mut w = TimeWindow::default();
        let v0 = w.version();
        w.zoom_to(0, 5_000);
        assert!(w.version() > v0);
        w.zoom_to(0, 5_000);
        let v1 = w.version();
        w.zoom_to(0, 5_000);
        assert_eq!(w.version(), v1, "the same window is no change");
        w.reset();
        assert_eq!((w.range(), w.can_go_back()), (None, false));
    }
}
