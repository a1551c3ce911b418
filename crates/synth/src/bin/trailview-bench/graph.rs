//! `trailview-bench load --graph`: the credential graph's build time and
//! the peak memory it adds, measured in the same run as the load (the
//! load's time and peak first, then the build's).

use std::time::Instant;

use trailview_core::credentials::CredGraph;
use trailview_core::model::Column;
use trailview_core::store::Store;

/// What building the graph cost.
pub struct Graphed {
    seconds: f64,
    peak_before: Option<u64>,
    peak_after: Option<u64>,
    linked: usize,
}

fn peak() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Builds the graph over the whole store, installs it, and measures.
pub fn measure(store: &mut Store) -> Graphed {
    let peak_before = peak();
    let t = Instant::now();
    let g = CredGraph::build(store);
    let seconds = t.elapsed().as_secs_f64();
    store.set_credential_graph(std::sync::Arc::new(g));
    let peak_after = peak();
    let linked = (0..store.len() as u32)
        .filter(|&i| {
            store.value(Column::Hops, i) != "0"
                && !store.value(Column::Origin, i).starts_with("unknown")
        })
        .count();
    Graphed {
        seconds,
        peak_before,
        peak_after,
        linked,
    }
}

impl Graphed {
    fn added_per_event(&self, events: usize) -> Option<f64> {
        Some((self.peak_after? - self.peak_before?) as f64 / events.max(1) as f64)
    }

    pub fn json(&self, load_s: f64, events: usize) -> serde_json::Value {
        serde_json::json!({
            "seconds": self.seconds,
            "ratio_to_load": self.seconds / load_s.max(1e-9),
            "peak_rss_before": self.peak_before,
            "peak_rss_after": self.peak_after,
            "peak_added_bytes_per_event": self.added_per_event(events),
            "events_linked_by_a_hop": self.linked,
        })
    }

    pub fn print(&self, load_s: f64, events: usize) {
        println!(
            "graph    {:.3} s  (+{:.1} % of the load); {} events linked through an issued key; peak RSS added {}",
            self.seconds,
            100.0 * self.seconds / load_s.max(1e-9),
            self.linked,
            self.added_per_event(events)
                .map_or("unknown".to_owned(), |b| format!("{b:.1} B/event"))
        );
    }
}
