//! "Copy as Athena SQL" beside the query box copies the view's SQL to the
//! clipboard (read from the frame's platform output, where egui puts
//! copied text), says so when a term cannot be translated, and the Athena
//! window shows the table's DDL for a typed bucket.

#![cfg(feature = "gui")]

use std::path::{Path, PathBuf};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use trailview::gui::TrailviewApp;
use trailview::gui::picker::FakePicker;
use trailview::gui::settings::Settings;

use crate::gui_harness::{app_harness, settle};

fn loaded(folder: &str) -> Harness<'static, TrailviewApp> {
    let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(folder);
    let app = TrailviewApp::new(
        Settings::default(),
        Box::new(FakePicker {
            folder: Some(dir),
            ..FakePicker::default()
        }),
    );
    let mut h = app_harness(app);
    h.run_steps(2);
    h.get_by_label("Open folder…").click();
    settle(&mut h);
    h
}

/// Text copied to the clipboard during the last frame.
fn copied(h: &Harness<'static, TrailviewApp>) -> Option<String> {
    h.output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
}

/// Clicks "Copy as Athena SQL" and returns what the frame copied.
fn click_copy(h: &mut Harness<'static, TrailviewApp>) -> Option<String> {
    h.get_by_label("Copy as Athena SQL").click();
    h.step();
    copied(h)
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn copy_as_athena_sql_puts_the_views_sql_on_the_clipboard() {
    let mut h = loaded("stratus-red-team");
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text("name:GetSecretValue -error:*");
    settle(&mut h);
    let sql = click_copy(&mut h).expect("the SQL was copied");
    assert!(
        sql.contains("-- Trailview query: name:GetSecretValue -error:*"),
        "{sql}"
    );
    assert!(
        sql.contains("lower(coalesce(eventname, '')) = 'getsecretvalue'"),
        "{sql}"
    );
    assert!(sql.contains("FROM \"cloudtrail_logs_pp\""), "{sql}");
    // The table's columns and sort come along.
    assert!(sql.contains("AS \"actor\""), "{sql}");
    assert!(sql.contains("ORDER BY eventtime ASC"), "{sql}");
    settle(&mut h);
    h.get_by_label_contains("Copied the view as Athena SQL");

    // A term with no SQL: nothing copied, and the reason is shown.
    h.get_by_label("Clear").click();
    settle(&mut h);
    let q = h.get_by_label("Filter");
    q.click();
    q.type_text("is:starred");
    settle(&mut h);
    assert_eq!(click_copy(&mut h), None);
    settle(&mut h);
    h.get_by_label_contains("No Athena SQL: cannot translate is:starred");
}

#[test]
#[cfg_attr(
    not(has_corpus),
    ignore = "needs the shared corpus: ../shared/corpus beside the checkout"
)]
fn athena_window_shows_the_ddl_for_the_typed_bucket() {
    let mut h = loaded("stratus-red-team");
    h.get_by_label("Athena…").click();
    settle(&mut h);
    let b = h.get_by_label("S3 bucket");
    b.click();
    b.type_text("my-trail-bucket");
    settle(&mut h);
    h.get_by_label("Copy DDL").click();
    h.step();
    let ddl = copied(&h).expect("the DDL was copied");
    assert!(
        ddl.contains("CREATE EXTERNAL TABLE `cloudtrail_logs_pp`"),
        "{ddl}"
    );
    assert!(ddl.contains("s3://my-trail-bucket/AWSLogs/"), "{ddl}");
    assert!(ddl.contains("'projection.enabled'='true'"), "{ddl}");
}
