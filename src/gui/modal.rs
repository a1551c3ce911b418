//! Which window is open over the main view. One at a time, owned by the
//! app: a window is shown when it is the open one and closes itself by
//! clearing it.

/// A window over the main view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modal {
    LoadReport,
    Integrity,
    Export,
    Columns,
    Tags,
    Athena,
    Sessions,
    Detections,
}
