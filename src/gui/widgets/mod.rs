//! Pieces several panels draw: the marks (tag chips, star, note) of an
//! event, and the row marker and menu of the table.

pub mod marks_panel;
pub mod marks_table;
