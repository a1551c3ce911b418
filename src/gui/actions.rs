//! What the views ask the app to do. Views draw and collect actions; the
//! app applies them after the frame's drawing, so no view needs mutable
//! access to anything but its own state.

use std::path::PathBuf;

use trailview_core::export::ExportFormat;
use trailview_session::evidence::ExportScope;

use trailview_core::model::{ColumnSpec, EventIdx};
use trailview_session::marks::{MarkTarget, TagEdit};
use trailview_session::summary::LaneGrouping;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    PickFolder,
    PickFiles,
    OpenPaths(Vec<PathBuf>),
    OpenSample,
    CloseAll,
    CancelLoad,
    /// The query text changed: recompile and refilter.
    QueryChanged,
    /// Stop the running query; back to the rows shown.
    CancelQuery,
    /// Text typed in the frame that gave the filter box the keyboard.
    TypeIntoQuery(String),
    /// Adds (or removes, if present) `field:value` or its exclusion.
    Pivot {
        field: String,
        value: String,
        exclude: bool,
    },
    /// Filter to every event mentioning an Athena queryExecutionId.
    OpenQueryPivot(String),
    /// Filter to every event holding this value in any field.
    FilterEverywhere(String),
    /// Every event within ±`minutes` of this one (the query is cleared).
    AroundEvent {
        idx: EventIdx,
        minutes: i64,
    },
    /// This event's actor, sorted from its first (or last) event.
    ActorEdges {
        idx: EventIdx,
        last: bool,
    },
    SetTimeRange(Option<(i64, i64)>),
    /// Sort by a column; again to reverse.
    SortBy(ColumnSpec),
    /// Click on the row at a position of the current rows.
    ClickRow {
        pos: usize,
        ctrl: bool,
        shift: bool,
    },
    /// Select an event wherever it is in the current rows.
    FocusEvent(EventIdx),
    MoveSelection(i64),
    SelectFirst,
    SelectLast,
    ShowDetail,
    FocusQuery,
    ShowExport,
    /// Ask for a file name, then export.
    ExportTo {
        format: ExportFormat,
        scope: ExportScope,
    },
    /// Export to a typed path (no file dialog).
    ExportToPath {
        format: ExportFormat,
        scope: ExportScope,
        path: PathBuf,
    },
    ShowReport,
    /// Open the Integrity window.
    ShowIntegrity,
    /// Ask for a `list-public-keys` JSON file, then check again with it.
    PickPublicKeys,
    ShowColumns,
    /// Open the Sessions window (credential sessions of the current rows).
    ShowSessions,
    /// Open the Detections window (Sigma rules with hits).
    ShowDetections,
    /// Replace the query with `rule:<id>` (the Detections window).
    FilterToRule(String),
    /// Ask for a Sigma rule folder to run besides the others.
    PickRuleFolder,
    /// Stop running the rule folder at this index of the settings.
    RemoveRuleFolder(usize),
    /// Run Trailview's default rules or not.
    SetDefaultRules(bool),
    /// Turn one rule (by id) on or off; remembered in the settings.
    SetRuleEnabled {
        id: String,
        on: bool,
    },
    /// Run only the rules at this level or above (`None`: every level).
    SetMinLevel(Option<trailview_core::sigma::Level>),
    /// Select an event even when the current query hides it (the query
    /// and time range are cleared then): the credential chain's links.
    JumpToEvent(EventIdx),
    /// The column chooser changed the table's columns.
    SetColumns(Vec<ColumnSpec>),
    SetGrouping(LaneGrouping),
    Copy(String),
    /// Copy the current view as Athena SQL (docs/athena.md).
    CopyAthenaSql,
    /// Open the Athena window (table DDL, SQL).
    ShowAthena,
    /// Tags, stars and notes (see [`trailview_session::marks`]).
    ToggleTag {
        tag: String,
        target: MarkTarget,
    },
    ToggleTagShortcut(u8),
    ToggleStar(MarkTarget),
    SetNote {
        idx: EventIdx,
        text: String,
    },
    FocusNote,
    ShowTagManager,
    EditTags(TagEdit),
    /// Case files (see [`trailview_session::case_file`]).
    OpenCase,
    SaveCase,
    SaveCaseAs,
    ResumeSession,
}
