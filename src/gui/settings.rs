//! User settings kept between runs: recent paths, table columns, theme,
//! time zone and panel choices. Stored through `eframe::Storage`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use trailview_core::model::{Column, ColumnSpec};
use trailview_session::summary::LaneGrouping;

const KEY: &str = "trailview.settings";

/// The table's columns for a new user: what an analyst reads first (time,
/// who, what, from where, did it fail, where) fits a 1280-point window
/// beside the facets and the detail pane without scrolling sideways; the
/// rest follows.
pub const DEFAULT_COLUMNS: [Column; 10] = [
    Column::Time,
    Column::Actor,
    Column::EventName,
    Column::SourceIp,
    Column::ErrorCode,
    Column::Region,
    Column::Origin,
    Column::Credential,
    Column::EventSource,
    Column::Account,
];
const MAX_RECENT: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    Dark,
    Light,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub recent: Vec<PathBuf>,
    /// Table columns by name (store column names or JSON paths).
    pub columns: Vec<String>,
    pub theme: ThemeChoice,
    pub local_time: bool,
    pub lane_grouping: LaneGrouping,
    pub show_facets: bool,
    pub show_detail: bool,
    pub show_histogram: bool,
    pub show_timeline: bool,
    pub facet_top: usize,
    /// Width of the timeline's lane name column, in points.
    pub timeline_name_w: f32,
    /// Sigma rule files or folders run after each load, besides the
    /// defaults (Detections window).
    pub rule_folders: Vec<PathBuf>,
    /// Run Trailview's default rules.
    pub default_rules: bool,
    /// Ids of the rules the analyst turned off (Detections window).
    pub disabled_rules: Vec<String>,
    /// Only rules at this level or above run (`informational` … `critical`;
    /// `None`: every level).
    pub min_rule_level: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            recent: Vec::new(),
            columns: DEFAULT_COLUMNS
                .iter()
                .map(|c| c.name().to_owned())
                .collect(),
            theme: ThemeChoice::Dark,
            local_time: false,
            lane_grouping: LaneGrouping::Actor,
            show_facets: true,
            show_detail: true,
            show_histogram: true,
            show_timeline: true,
            facet_top: 10,
            timeline_name_w: 190.0,
            rule_folders: Vec::new(),
            default_rules: true,
            disabled_rules: Vec::new(),
            min_rule_level: None,
        }
    }
}

impl Settings {
    /// The detection rules these settings ask for.
    pub fn rule_options(&self) -> trailview_session::detect_job::RuleOptions {
        let mut options = trailview_session::detect_job::RuleOptions {
            defaults: self.default_rules,
            paths: self.rule_folders.clone(),
            min_level: self
                .min_rule_level
                .as_deref()
                .and_then(trailview_core::sigma::Level::parse),
            disabled: Vec::new(),
        };
        options.set_disabled(self.disabled_rules.iter().cloned());
        options
    }

    pub fn load(storage: Option<&dyn eframe::Storage>) -> Settings {
        storage
            .and_then(|s| eframe::get_value(s, KEY))
            .unwrap_or_default()
    }

    pub fn save(&self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, KEY, self);
    }

    /// The table columns as specs.
    pub fn column_specs(&self) -> Vec<ColumnSpec> {
        self.columns.iter().map(|c| ColumnSpec::parse(c)).collect()
    }

    pub fn set_columns(&mut self, specs: &[ColumnSpec]) {
        self.columns = specs.iter().map(|s| s.name().to_owned()).collect();
    }

    /// Puts `path` first in the recent list.
    pub fn remember(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(MAX_RECENT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_paths_are_unique_newest_first_and_bounded() {
        let mut s = Settings::default();
        for i in 0..20 {
            s.remember(Path::new(&format!("/p{i}")));
        }
        s.remember(Path::new("/p15"));
        assert_eq!(s.recent.len(), MAX_RECENT);
        assert_eq!(s.recent[0], PathBuf::from("/p15"));
        assert_eq!(s.recent[1], PathBuf::from("/p19"));
    }

    /// eframe's storage as an in-memory map, as the app sees it between runs.
    #[derive(Default)]
    struct MemoryStorage(std::collections::HashMap<String, String>);

    impl eframe::Storage for MemoryStorage {
        fn get_string(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set_string(&mut self, key: &str, value: String) {
            self.0.insert(key.to_owned(), value);
        }
        fn remove_string(&mut self, key: &str) {
            self.0.remove(key);
        }
        fn flush(&mut self) {}
    }

    #[test]
    fn chosen_columns_survive_a_restart_through_eframe_storage() {
        let mut s = Settings::default();
        s.set_columns(&[
            ColumnSpec::Column(Column::EventName),
            ColumnSpec::Path("requestParameters.bucketName".into()),
            ColumnSpec::Mark(trailview_core::model::Mark::Tags),
        ]);
        s.theme = ThemeChoice::Light;
        let mut storage = MemoryStorage::default();
        s.save(&mut storage);
        let back = Settings::load(Some(&storage));
        assert_eq!(back.column_specs(), s.column_specs());
        assert_eq!(back.theme, ThemeChoice::Light);
        assert_eq!(Settings::load(None), Settings::default());
    }

    #[test]
    fn settings_round_trip_through_json() {
        let mut s = Settings::default();
        s.columns.push("requestParameters.bucketName".into());
        s.local_time = true;
        let text = serde_json::to_string(&s).expect("serialize");
        let back: Settings = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, s);
        assert_eq!(
            back.column_specs().last(),
            Some(&ColumnSpec::Path("requestParameters.bucketName".into()))
        );
    }
}
