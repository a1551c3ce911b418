//! The parts of the main view, each drawing the session's state and
//! collecting actions.

pub mod chain;
pub mod detail;
pub mod detection_marks;
pub mod detections_detail;
pub mod facets;
pub mod histogram;
pub mod menu_bar;
pub mod query_bar;
pub mod start_screen;
pub mod status_bar;
pub mod table;
pub mod time_window;
pub mod timeline;
