//! Windows over the main view; the app's [`crate::gui::modal::Modal`]
//! says which one is open.

pub mod athena;
pub mod column_chooser;
pub mod detections;
pub mod export_dialog;
pub mod integrity;
pub mod integrity_tables;
pub mod load_report;
pub mod sessions;
pub mod tag_manager;
