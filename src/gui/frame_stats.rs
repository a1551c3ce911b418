//! Frame-time measurement of `TrailviewApp::show`. With the environment
//! variable `TRAILVIEW_FRAME_STATS` set, a summary of every 300 frames is
//! printed to stderr.

#[derive(Default, Debug, Clone)]
pub struct FrameStats {
    pub last_ms: f64,
    pub max_ms: f64,
    pub frames: u64,
    pub total_ms: f64,
    window: Vec<f64>,
}

impl FrameStats {
    /// Records one frame that took `ms` with `events` loaded.
    pub fn record(&mut self, ms: f64, events: usize) {
        self.last_ms = ms;
        self.max_ms = self.max_ms.max(ms);
        self.frames += 1;
        self.total_ms += ms;
        if std::env::var_os("TRAILVIEW_FRAME_STATS").is_none() {
            return;
        }
        self.window.push(ms);
        if self.window.len() >= 300 {
            let mut w = std::mem::take(&mut self.window);
            w.sort_by(f64::total_cmp);
            let mean = w.iter().sum::<f64>() / w.len() as f64;
            let p95 = w[w.len() * 95 / 100];
            let max = w[w.len() - 1];
            eprintln!(
                "frame-stats events={events} frames={} mean_ms={mean:.2} p95_ms={p95:.2} max_ms={max:.2}",
                w.len()
            );
        }
    }

    /// Forgets the frames so far (after a load: later frames describe
    /// browsing, not loading).
    pub fn restart_window(&mut self) {
        self.window.clear();
    }
}
