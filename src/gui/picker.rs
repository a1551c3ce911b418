//! File dialogs behind a trait: the real one (rfd) runs on its own thread
//! so the UI never blocks; tests inject [`FakePicker`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel};

/// What to ask the user for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickKind {
    Folder,
    Files,
    /// A file to save to, with a suggested name.
    Save {
        suggested: String,
    },
    /// One JSON file of public keys (`aws cloudtrail list-public-keys`).
    PublicKeys,
}

pub trait Picker {
    /// Opens a dialog; the answer (empty when cancelled) arrives later on
    /// the receiver.
    fn request(&mut self, kind: PickKind, ctx: &egui::Context) -> Receiver<Vec<PathBuf>>;
}

/// Native dialogs through rfd, each on a worker thread.
pub struct RfdPicker;

impl Picker for RfdPicker {
    fn request(&mut self, kind: PickKind, ctx: &egui::Context) -> Receiver<Vec<PathBuf>> {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let answer = match kind {
                PickKind::Folder => rfd::FileDialog::new()
                    .set_title("Open a folder of CloudTrail logs")
                    .pick_folder()
                    .into_iter()
                    .collect(),
                PickKind::Files => rfd::FileDialog::new()
                    .set_title("Open CloudTrail log files")
                    .add_filter("CloudTrail logs", &["json", "gz", "ndjson", "jsonl"])
                    .add_filter("All files", &["*"])
                    .pick_files()
                    .unwrap_or_default(),
                PickKind::Save { suggested } => rfd::FileDialog::new()
                    .set_title("Export events")
                    .set_file_name(suggested)
                    .save_file()
                    .into_iter()
                    .collect(),
                PickKind::PublicKeys => rfd::FileDialog::new()
                    .set_title("Load public keys (saved output of aws cloudtrail list-public-keys)")
                    .add_filter("JSON", &["json"])
                    .add_filter("All files", &["*"])
                    .pick_file()
                    .into_iter()
                    .collect(),
            };
            let _ = tx.send(answer);
            ctx.request_repaint();
        });
        rx
    }
}

/// A picker for tests: answers at once with fixed paths and counts calls.
#[derive(Debug, Clone, Default)]
pub struct FakePicker {
    pub folder: Option<PathBuf>,
    pub files: Vec<PathBuf>,
    pub save: Option<PathBuf>,
    pub public_keys: Option<PathBuf>,
    pub calls: Arc<AtomicUsize>,
}

impl Picker for FakePicker {
    fn request(&mut self, kind: PickKind, _ctx: &egui::Context) -> Receiver<Vec<PathBuf>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let (tx, rx) = channel();
        let answer = match kind {
            PickKind::Folder => self.folder.iter().cloned().collect(),
            PickKind::Files => self.files.clone(),
            PickKind::Save { .. } => self.save.iter().cloned().collect(),
            PickKind::PublicKeys => self.public_keys.iter().cloned().collect(),
        };
        let _ = tx.send(answer);
        rx
    }
}
