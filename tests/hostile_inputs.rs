//! Hostile input (issue 12): every input ends in a clear report or
//! refusal, quickly, with bounded memory, without a crash or a hang,
//! without writing beside the evidence, and without silently empty values.
//!
//! This binary counts every heap allocation (a counting global allocator)
//! so tests can assert on the peak memory a load asked for. Tests take a
//! lock so that one test's allocations never count in another's peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use flate2::Compression;
use flate2::write::GzEncoder;
use trailview_core::ingest::{LoadOptions, LoadReport, load_paths};
use trailview_core::store::Store;

/// Counts bytes allocated now and the highest count since the last reset.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn added(n: usize) {
    let now = CURRENT.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counters are only statistics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        added(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        added(layout.size());
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            added(new_size - layout.size());
        } else {
            CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        // SAFETY: forwarded with the caller's arguments.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

static SERIAL: Mutex<()> = Mutex::new(());

/// Runs tests one at a time (for the allocation counts).
fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Peak bytes allocated above the current level while `f` runs.
fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    (out, peak)
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

fn load(paths: &[PathBuf], options: &LoadOptions) -> (Store, LoadReport) {
    let mut store = Store::new();
    let report = load_paths(paths, options, &mut store);
    (store, report)
}

fn reasons(report: &LoadReport) -> String {
    report
        .problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the CLI; kills it and fails after `limit`.
fn trailview_within(args: &[&std::ffi::OsStr], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_trailview"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run trailview");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("trailview {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn trailview(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
    trailview_within(&args, Duration::from_secs(30))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const EVENT: &str =
    r#"{"eventID":"e1","eventName":"GetObject","eventTime":"2024-01-01T00:00:00Z"}"#;

// 1. Allocation trusted from the input.

/// A gzip file whose trailer claims about 2 GB (under the 2 GiB limit)
/// made the loader allocate and zero 2 GB. Now the claim is checked
/// against what deflate can produce from 60-odd bytes.
#[test]
fn a_lying_gzip_trailer_costs_kilobytes() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lie = gz(format!("{{\"Records\":[{EVENT}]}}").as_bytes());
    let n = lie.len();
    lie[n - 4..].copy_from_slice(&2_000_000_000u32.to_le_bytes());
    // Also truncated, and with trailing garbage, each lying the same way.
    let mut cut = lie[..n - 12].to_vec();
    cut.extend_from_slice(&2_000_000_000u32.to_le_bytes());
    let mut junk = lie.clone();
    junk.extend_from_slice(b"garbage after the member");
    junk.extend_from_slice(&2_000_000_000u32.to_le_bytes());
    for (name, bytes) in [
        ("lie.json.gz", &lie),
        ("cut.json.gz", &cut),
        ("junk.json.gz", &junk),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        let ((store, report), peak) =
            peak_during(|| load(std::slice::from_ref(&p), &LoadOptions::default()));
        assert!(
            peak < 8 << 20,
            "{name}: {peak} bytes allocated for a {}-byte file",
            bytes.len()
        );
        // The one event is there, or the file is refused with a reason.
        assert!(store.len() == 1 || !report.problems.is_empty(), "{name}");
    }
}

// 2. Event count unbounded by the size limit.

/// Many tiny records in a small gzip file: past the memory budget the
/// file stops with a clear problem, what was read stays usable, later
/// files are not read, and the memory asked for stays near the budget.
#[test]
fn the_memory_budget_stops_a_load_and_keeps_what_was_read() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let records = 400_000;
    let mut body = String::from("{\"Records\":[");
    for i in 0..records {
        if i > 0 {
            body.push(',');
        }
        body.push_str("{\"eventName\":\"A\"}");
    }
    body.push_str("]}");
    let big = dir.path().join("a-many.json.gz");
    std::fs::write(&big, gz(body.as_bytes())).expect("write");
    for name in ["b.json", "c.json"] {
        std::fs::write(dir.path().join(name), format!("[{EVENT}]")).expect("write");
    }
    let budget: u64 = 24 << 20;
    let options = LoadOptions {
        max_memory_bytes: budget,
        ..LoadOptions::default()
    };
    let ((store, report), peak) = peak_during(|| load(&[dir.path().to_path_buf()], &options));
    let all = reasons(&report);
    let kept = store.len();
    assert!(kept > 0 && kept < records, "{kept} events kept");
    assert!(
        all.contains(&format!(
            "memory budget exceeded after {kept} events in {}",
            big.display()
        )),
        "{all}"
    );
    assert!(
        all.contains("c.json: not read, with the 1 files before it: the memory budget"),
        "{all}"
    );
    assert_eq!(report.events, kept);
    // What was read is usable.
    assert_eq!(
        store.value(trailview_core::model::Column::EventName, 0),
        "A"
    );
    // The text (~7 MB) plus the budget, with slack; never the ~110 MB the
    // whole file would take.
    assert!(peak < 64 << 20, "{peak} bytes at the peak");

    // The same from the command line.
    let out = trailview(&[&"stats", &"--max-memory", &budget.to_string(), &big]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("memory budget exceeded after"),
        "{}",
        text(&out.stdout)
    );
}

// 3. Deep folder trees.

/// 2,000 nested folders load quickly and the file at the bottom is found;
/// a link back up the tree is reported and not followed.
#[cfg(unix)]
#[test]
fn deep_folder_trees_walk_in_linear_time() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut deep = dir.path().to_path_buf();
    for _ in 0..2000 {
        deep.push("d");
    }
    std::fs::create_dir_all(&deep).expect("mkdir");
    std::fs::write(deep.join("f.json"), format!("[{EVENT}]")).expect("write");
    // A loop in the middle of the tree.
    let middle: PathBuf = dir.path().join("d/d/d");
    std::os::unix::fs::symlink(dir.path().join("d"), middle.join("up")).expect("symlink");
    let start = Instant::now();
    let (store, report) = load(&[dir.path().to_path_buf()], &LoadOptions::default());
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_eq!(store.len(), 1, "{}", reasons(&report));
    assert_eq!(report.problems.len(), 1, "{}", reasons(&report));
    assert!(report.problems[0].path.ends_with("d/d/d/up"));
    assert!(report.problems[0].reason.contains("(a loop); not followed"));
}

// 4. Query nesting (the parser's own tests cover each shape).

#[test]
fn a_deeply_nested_filter_is_a_usage_error() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("f.json");
    std::fs::write(&f, format!("[{EVENT}]")).expect("write");
    for q in [
        "(".repeat(10_000) + "x" + &")".repeat(10_000),
        "name:(".repeat(10_000) + "x" + &")".repeat(10_000),
        "NOT ".repeat(30_000) + "x",
    ] {
        let out = trailview(&[&"stats", &"--filter", &q, &f]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("nested too deeply"));
    }
}

// 5. A filter starting with '-'.

#[test]
fn a_filter_starting_with_minus_is_taken_as_the_query() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("f.json");
    std::fs::write(&f, format!("[{EVENT}]")).expect("write");
    let out = trailview(&[&"stats", &"--json", &"--filter", &"-name:List*", &f]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["matched"], 1);
}

// 6 and 12. Digests and what the load report says of odd files.

#[test]
fn a_malformed_digest_is_a_problem_in_stats_and_invalid_in_verify() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir
        .path()
        .join("111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240101T000000Z.json");
    std::fs::write(&d, b"{\"not\":\"a digest\"}").expect("write");
    let (_, report) = load(std::slice::from_ref(&d), &LoadOptions::default());
    assert_eq!(report.files.digest, 1);
    assert!(
        reasons(&report).contains("cannot be read as a digest"),
        "{}",
        reasons(&report)
    );
    let out = trailview(&[&"verify", &d]);
    assert!(
        text(&out.stdout).contains("0/1 digests valid"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn malformed_log_file_entries_make_a_digest_not_valid() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir
        .path()
        .join("111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240101T000000Z.json");
    let digest = r#"{"awsAccountId":"111122223333","digestStartTime":"2024-01-01T00:00:00Z","digestEndTime":"2024-01-01T01:00:00Z","digestS3Bucket":"b","digestS3Object":"AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/01/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240101T000000Z.json.gz","digestPublicKeyFingerprint":"ab","digestSignatureAlgorithm":"SHA256withRSA","previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[{"s3Bucket":"b","hashValue":"00"},7]}"#;
    std::fs::write(&d, digest).expect("write");
    let out = trailview(&[&"verify", &d]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("0/1 digests valid"), "{stdout}");
    assert!(stdout.contains("INVALID DIGEST"), "{stdout}");
    assert!(stdout.contains("logFiles[0] has no s3Object"), "{stdout}");
    assert!(stdout.contains("logFiles[1] is not an object"), "{stdout}");
}

#[test]
fn null_records_utf32_and_pseudo_files_are_reported() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let null = dir.path().join("null.json");
    std::fs::write(&null, br#"{"Records":null}"#).expect("write");
    let utf32 = dir.path().join("utf32.json");
    let mut bytes = vec![0xff, 0xfe, 0, 0];
    for c in format!("[{EVENT}]").chars() {
        bytes.extend((c as u32).to_le_bytes());
    }
    std::fs::write(&utf32, &bytes).expect("write");
    let (_, report) = load(&[null.clone(), utf32.clone()], &LoadOptions::default());
    let all = reasons(&report);
    assert!(
        all.contains("null.json: \"Records\" is null, not a list"),
        "{all}"
    );
    assert!(
        all.contains("utf32.json: content is UTF-32 text; only UTF-8 is supported"),
        "{all}"
    );
    #[cfg(target_os = "linux")]
    {
        let environ = PathBuf::from("/proc/self/environ");
        let (_, report) = load(&[environ], &LoadOptions::default());
        assert!(
            reasons(&report).contains("not a regular file"),
            "{}",
            reasons(&report)
        );
        let (_, report) = load(&[PathBuf::from("/dev/zero")], &LoadOptions::default());
        assert!(
            reasons(&report).contains("not a regular file (a device)"),
            "{}",
            reasons(&report)
        );
    }
}

/// A named pipe given as input would block a reader forever; it is
/// reported without being opened.
#[cfg(unix)]
#[test]
fn a_named_pipe_is_reported_not_opened() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("pipe.json");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let out = trailview_within(
        &[std::ffi::OsStr::new("stats"), fifo.as_os_str()],
        Duration::from_secs(20),
    );
    assert!(
        text(&out.stdout).contains("not a regular file (a named pipe)"),
        "{}",
        text(&out.stdout)
    );
    // And as a folder entry.
    let out = trailview_within(
        &[std::ffi::OsStr::new("stats"), dir.path().as_os_str()],
        Duration::from_secs(20),
    );
    assert!(text(&out.stdout).contains("(a named pipe)"));
}

// 7 and 8. Export: never beside the evidence, no stale temporary files,
// the export and its manifest together.

fn evidence(dir: &Path) -> PathBuf {
    let d = dir.join("evidence");
    std::fs::create_dir(&d).expect("mkdir");
    let f = d.join("file.json");
    std::fs::write(&f, format!("[{EVENT}]")).expect("write");
    f
}

#[test]
fn export_refuses_the_folder_of_an_input_file() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = evidence(dir.path());
    let out_file = dir.path().join("evidence/x.json");
    let out = trailview(&[&"export", &"--out", &out_file, &f]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("refusing to write"),
        "{}",
        text(&out.stderr)
    );
    let names: Vec<_> = std::fs::read_dir(dir.path().join("evidence"))
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("file.json")]);
}

#[test]
fn export_removes_stale_temporary_files_and_writes_the_manifest_with_it() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = evidence(dir.path());
    let outdir = dir.path().join("out");
    std::fs::create_dir(&outdir).expect("mkdir");
    // Left by an export killed with -9 (nobody holds their lock).
    std::fs::write(outdir.join(".trailview-Ab12Cd.part"), b"{\"Records\":[").expect("w");
    std::fs::write(outdir.join(".trailview-Zz99Yy.part"), b"").expect("w");
    std::fs::write(outdir.join("keep.part"), b"not ours").expect("w");
    let out_file = outdir.join("x.json");
    let out = trailview(&[&"export", &"--out", &out_file, &f]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Removed 2 temporary files left there by an interrupted export"),
        "{}",
        text(&out.stdout)
    );
    let mut names: Vec<String> = std::fs::read_dir(&outdir)
        .expect("list")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    assert_eq!(names, vec!["keep.part", "x.json", "x.json.manifest.json"]);

    // Library: until committed, the export is only a temporary file.
    let (store, report) = load(std::slice::from_ref(&f), &LoadOptions::default());
    assert_eq!(report.events, 1);
    let target = outdir.join("y.json");
    let rows = store.all_rows();
    let req = trailview_core::export::ExportRequest {
        rows: &rows,
        format: trailview_core::export::ExportFormat::Json,
        columns: Vec::new(),
        out: target.clone(),
        protected_inputs: vec![f.clone()],
    };
    let pending = trailview_core::export::export_pending(
        &store,
        &req,
        &trailview_core::export::Progress::default(),
        &trailview_core::query::NoAnnotations,
    )
    .expect("pending");
    assert!(!target.exists());
    assert_eq!(pending.summary().stale_temp_files_removed, 0);
    let input = trailview_core::export::manifest::ManifestInput {
        exported_file: &target,
        format: "json",
        query: "",
        time_range: None,
        sort: None,
        columns: &[],
        rows: &rows,
        store: &store,
        integrity: None,
        case: None,
        detections: None,
    };
    let (summary, manifest) =
        trailview_core::export::manifest::write_with_export(&input, pending).expect("written");
    assert!(target.exists() && manifest.exists());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).expect("read")).expect("json");
    assert_eq!(m["export"]["sha256"], summary.sha256);
    assert_eq!(m["export"]["bytes"], summary.bytes);
    // A pending export dropped leaves nothing.
    let other = outdir.join("z.json");
    let req = trailview_core::export::ExportRequest {
        out: other.clone(),
        ..req
    };
    drop(
        trailview_core::export::export_pending(
            &store,
            &req,
            &trailview_core::export::Progress::default(),
            &trailview_core::query::NoAnnotations,
        )
        .expect("pending"),
    );
    assert!(!other.exists());
    assert_eq!(
        trailview_core::atomic_write::remove_stale_temp_files(&outdir),
        0
    );
}

// 9 and 10. CSV formulas and values nested deep.

#[test]
fn csv_cells_and_deep_values() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let ev = dir.path().join("evidence");
    std::fs::create_dir(&ev).expect("mkdir");
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let event = format!(
        r#"{{"eventID":"e1","eventName":"GetObject","userAgent":"\u200b=1+1","x":{deep},"requestParameters":{{"bucketName":"my-bucket","policy":{deep}}}}}"#
    );
    let f = ev.join("f.json");
    std::fs::write(&f, format!("[{event}]")).expect("write");
    // list: the path's value, not an empty cell, despite the deep value.
    let out = trailview(&[
        &"list",
        &"--columns",
        &"requestParameters.bucketName,requestParameters.policy",
        &f,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let row = stdout.lines().nth(1).unwrap_or_default();
    assert!(row.starts_with("my-bucket\t"), "{stdout}");
    assert!(row.contains("(unreadable: nested too deep)"), "{stdout}");
    // CSV export: the same cells, and the user agent neutralised.
    let outdir = dir.path().join("out");
    std::fs::create_dir(&outdir).expect("mkdir");
    let csv = outdir.join("x.csv");
    let out = trailview(&[
        &"export",
        &"--out",
        &csv,
        &"--columns",
        &"userAgent,requestParameters.bucketName",
        &f,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&csv).expect("read");
    assert_eq!(
        written,
        "userAgent,requestParameters.bucketName\r\n'\u{200b}=1+1,my-bucket\r\n"
    );
}

// 11. Side files.

#[cfg(unix)]
#[test]
fn public_keys_from_a_device_or_a_pipe_are_refused_at_once() {
    let _s = serial();
    let dir = tempfile::tempdir().expect("tempdir");
    let f = dir.path().join("f.json");
    std::fs::write(&f, format!("[{EVENT}]")).expect("write");
    let start = Instant::now();
    let out = trailview(&[&"verify", &"--public-keys", &"/dev/zero", &f]);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not a regular file (a device)"),
        "{}",
        text(&out.stderr)
    );
    let fifo = dir.path().join("keys.json");
    if Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        let out = trailview(&[&"verify", &"--public-keys", &fifo, &f]);
        assert!(
            text(&out.stderr).contains("(a named pipe)"),
            "{}",
            text(&out.stderr)
        );
    }
}
