//! Pieces several panels draw: the marks (tag chips, star, note) of an
//! event, the row marker and menu of the table, and the pivot menus.

pub mod marks_panel;
pub mod marks_table;
pub mod pivots;
