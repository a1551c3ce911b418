//! Pieces several panels draw: the marks (tag chips, star, note) of an
//! event, the row marker and menu of the table, the pivot menus and the
//! busy indicator.

pub mod busy;
pub mod marks_panel;
pub mod marks_table;
pub mod pivots;
