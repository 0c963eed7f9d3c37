//! Hostile runs of the binary: a killed run, two runs at once, an output directory that holds
//! other files or an input, a thread limit, a full or unwritable destination.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{ACT, BIN, INV, batch, batch_into, run_in, scratch};

/// Every file under `dir` (relative path → bytes), or `None` when `dir` does not exist.
fn snapshot(dir: &Path) -> Option<BTreeMap<PathBuf, Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf(), fs::read(&p).unwrap());
            }
        }
    }
    dir.exists().then(|| {
        let mut out = BTreeMap::new();
        walk(dir, dir, &mut out);
        out
    })
}

/// Two different batches in one scratch directory: `old/` and `new/` inputs, the new one with
/// `new` inventories.
fn two_batches(new: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (sub, inventories, rows) in [("old", "30", "5"), ("new", new, "10")] {
        let r = run_in(
            dir.path(),
            &["generate", "--inventories", inventories, "--rows", rows, "--out", sub],
            None,
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    dir
}

fn batch_args<'a>(input: &'a str, out: &'a str, extra: &[&'a str]) -> Vec<String> {
    let mut args: Vec<String> = ["batch", "--inventories"].map(String::from).to_vec();
    args.push(format!("{input}/inventories.csv"));
    args.extend(["--activity".into(), format!("{input}/activity.csv")]);
    args.extend(["--factors".into(), format!("{input}/factors.csv")]);
    args.extend(["--out".into(), out.into(), "-q".into()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// The outputs a batch gives when nothing interrupts it (with workbooks in `xlsx` inside).
fn reference(d: &Path, input: &str, workbooks: bool) -> BTreeMap<PathBuf, Vec<u8>> {
    let out = format!("ref-{input}-{workbooks}");
    let xlsx = format!("{out}/xlsx");
    let extra: &[&str] = if workbooks { &["--xlsx", &xlsx] } else { &[] };
    let (code, err) = run_args(d, &batch_args(input, &out, extra), &[]);
    assert_eq!(code, 0, "{err}");
    snapshot(&d.join(&out)).unwrap()
}

fn run_args(dir: &Path, args: &[String], env: &[(&str, String)]) -> (i32, String) {
    let out =
        Command::new(BIN).args(args).current_dir(dir).envs(env.iter().cloned()).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_run_stopped_at_any_step_leaves_the_old_outputs_or_the_new_ones() {
    let dir = two_batches("60");
    let d = dir.path();
    // The old set: a small batch with workbooks inside --out and --keep-going (errors.csv).
    let old_args = batch_args("old", "out", &["--xlsx", "out/xlsx", "--keep-going"]);
    let (code, err) = run_args(d, &old_args, &[]);
    assert_eq!(code, 0, "{err}");
    let old = snapshot(&d.join("out")).unwrap();
    // The new set: a larger batch, other files (no errors.csv) and other workbooks.
    let new_args = batch_args("new", "out", &["--xlsx", "out/xlsx"]);
    let new = reference(d, "new", true);
    assert_ne!(new, old);
    let (mut stopped, mut after_switch) = (0, 0);
    for step in 1.. {
        let (code, err) = run_args(d, &new_args, &[("COVENANT_ABORT_AT", step.to_string())]);
        let now = snapshot(&d.join("out")).unwrap();
        if code == 0 {
            assert!(now == new);
            break;
        }
        stopped += 1;
        assert_ne!(code, 1, "{err}");
        if now == new {
            after_switch += 1;
            // Stopped after the switch: back to the old set for the next step.
            assert_eq!(run_args(d, &old_args, &[]).0, 0);
        } else {
            assert!(now == old, "step {step}: neither the old nor the new set");
        }
        assert!(step < 1000, "the run never finished");
    }
    assert!(!new.contains_key(Path::new("errors.csv")), "no stale errors.csv");
    assert!(stopped > 60, "{stopped} steps: one per file at least");
    assert!(after_switch > 0, "some steps come after the switch");
    // What the stopped runs left beside the directory, the last run removed.
    let leftovers: Vec<_> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("covenant-stage"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_run_killed_at_any_moment_leaves_the_old_outputs_or_the_new_ones() {
    let dir = two_batches("60");
    let d = dir.path();
    let old_args = batch_args("old", "out", &["--keep-going"]);
    assert_eq!(run_args(d, &old_args, &[]).0, 0);
    let old = snapshot(&d.join("out")).unwrap();
    let new_args = batch_args("new", "out", &["--xlsx", "out/xlsx"]);
    // How long a whole run takes here (and the outputs it gives).
    let started = std::time::Instant::now();
    let new = reference(d, "new", true);
    let whole = started.elapsed();
    let mut sets = [0, 0];
    // SIGKILL at 24 moments spread over one and a half runs: before, during and after writing.
    for k in 0..24u32 {
        let mut child =
            Command::new(BIN).args(&new_args).current_dir(d).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(whole * k / 16);
        let _ = child.kill();
        child.wait().unwrap();
        let now = snapshot(&d.join("out")).unwrap();
        if now == old {
            sets[0] += 1;
        } else {
            assert!(now == new, "killed at {k}/16 of a run: a mixed set");
            sets[1] += 1;
            // Back to the old set for the next kill.
            assert_eq!(run_args(d, &old_args, &[]).0, 0);
        }
    }
    assert!(sets[0] > 0, "{sets:?}");
}

#[test]
fn a_second_run_into_the_same_directory_is_refused() {
    let dir = scratch(INV.as_bytes(), ACT.as_bytes(), None);
    let d = dir.path();
    assert_eq!(batch(d, false, &[]).code, 0);
    let before = snapshot(&d.join("out")).unwrap();
    // Another run holds the lock beside the directory.
    let lock = fs::File::options().write(true).open(d.join(".out.covenant-lock")).unwrap();
    lock.try_lock().unwrap();
    let r = batch(d, false, &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("another covenant run is writing to 'out'"), "{}", r.stderr);
    assert!(snapshot(&d.join("out")).unwrap() == before);
    drop(lock);
    assert_eq!(batch(d, false, &[]).code, 0);
}

#[test]
fn runs_at_once_into_one_directory_never_mix_their_outputs() {
    let dir = two_batches("60");
    let d = dir.path();
    let args = [
        batch_args("old", "out", &["--xlsx", "out/x"]),
        batch_args("new", "out", &["--xlsx", "out/x"]),
    ];
    let mut expected = Vec::new();
    for (k, a) in args.iter().enumerate() {
        let alone: Vec<String> = a
            .iter()
            .map(|s| match s.strip_prefix("out") {
                Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("alone{k}{rest}"),
                _ => s.clone(),
            })
            .collect();
        assert_eq!(run_args(d, &alone, &[]).0, 0);
        expected.push(snapshot(&d.join(format!("alone{k}"))).unwrap());
    }
    for _ in 0..5 {
        let children: Vec<_> = args
            .iter()
            .map(|a| {
                Command::new(BIN).args(a).current_dir(d).stderr(Stdio::piped()).spawn().unwrap()
            })
            .collect();
        let codes: Vec<i32> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap().status.code().unwrap())
            .collect();
        assert!(codes.iter().all(|&c| c == 0 || c == 3), "{codes:?}");
        assert!(codes.contains(&0), "{codes:?}");
        let now = snapshot(&d.join("out")).unwrap();
        assert!(expected.contains(&now), "a mixed set");
    }
}

#[test]
fn an_output_directory_with_other_files_or_an_input_is_refused() {
    let dir = scratch(INV.as_bytes(), ACT.as_bytes(), None);
    let d = dir.path();
    // An input inside --out: nothing is computed, nothing touched.
    fs::create_dir(d.join("data")).unwrap();
    fs::copy(d.join("inventories.csv"), d.join("data/inventories.csv")).unwrap();
    let r = run_in(
        d,
        &[
            "batch",
            "--inventories",
            "data/inventories.csv",
            "--activity",
            "activity.csv",
            "--out",
            "data",
        ],
        None,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("the input 'data/inventories.csv' is inside the output directory 'data'"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read_to_string(d.join("data/inventories.csv")).unwrap(), INV);
    // A directory with a file covenant did not write.
    fs::create_dir(d.join("out")).unwrap();
    fs::write(d.join("out/notes.txt"), "mine").unwrap();
    let r = batch(d, false, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("'out' holds files covenant did not write ('notes.txt')"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read_to_string(d.join("out/notes.txt")).unwrap(), "mine");
    // --out naming a file.
    let r = batch_into(d, "activity.csv", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("exists and is not a directory"), "{}", r.stderr);
}

#[test]
fn a_clean_run_leaves_no_errors_file_of_an_earlier_run() {
    let bad = format!(
        "{ACT}A,residential_buildings,natural_gas,x,MWh\nB,residential_buildings,natural_gas,1,MWh\n"
    );
    let inv = format!("{INV}B,Beta,IT,2010,10\n");
    let dir = scratch(inv.as_bytes(), bad.as_bytes(), None);
    let d = dir.path();
    assert_eq!(batch(d, false, &["--keep-going"]).code, 1);
    assert!(d.join("out/errors.csv").exists());
    fs::write(d.join("activity.csv"), format!("{ACT}B,residential_buildings,natural_gas,1,MWh\n"))
        .unwrap();
    assert_eq!(batch(d, false, &[]).code, 0);
    assert!(!d.join("out/errors.csv").exists());
    assert!(d.join("out/summary.csv").exists());
}

#[test]
fn an_unwritable_destination_is_exit_code_3() {
    let dir = scratch(INV.as_bytes(), ACT.as_bytes(), None);
    let r = batch_into(dir.path(), "/proc/covenant/out", &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("cannot create '/proc/covenant'"), "{}", r.stderr);
}

#[test]
fn workbooks_with_long_ids_and_texts_refused_before_anything_is_written() {
    // An id far longer than a file name may be: the workbook's name is shortened.
    let id = "k".repeat(3000);
    let inv = format!("inventory_id,city,country,year\n{id},x,IT,2010\n");
    let act = format!(
        "inventory_id,sector,carrier,amount,unit\n{id},residential_buildings,natural_gas,1,MWh\n"
    );
    let dir = scratch(inv.as_bytes(), act.as_bytes(), None);
    let d = dir.path();
    let r = batch(d, false, &["--xlsx", "out/x"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<_> =
        fs::read_dir(d.join("out/x")).unwrap().map(|e| e.unwrap().file_name().len()).collect();
    assert_eq!(names, [125]);
    // A city over a spreadsheet cell's limit: a located error, and the earlier outputs stay.
    let before = snapshot(&d.join("out")).unwrap();
    let inv = format!("inventory_id,city,country,year\n{id},{},IT,2010\n", "c".repeat(40_000));
    fs::write(d.join("inventories.csv"), inv).unwrap();
    let r = batch(d, false, &["--xlsx", "out/x"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.starts_with("inventories.csv:2: column 'city'"), "{}", r.stderr);
    assert_eq!(r.stderr.matches("32767").count(), 1, "{}", r.stderr);
    assert!(snapshot(&d.join("out")).unwrap() == before);
}

#[test]
fn errors_csv_shows_refused_formulas_as_text() {
    let inv = "inventory_id,city,country,year\nA,=HYPERLINK(\"http://x\"),IT,2010\n@B,y,IT,2010\n";
    let dir = scratch(inv.as_bytes(), ACT.as_bytes(), None);
    let d = dir.path();
    assert_eq!(batch(d, false, &["--keep-going"]).code, 1);
    let errors = fs::read_to_string(d.join("out/errors.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(errors.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(
        rows.iter().any(|r| &r[4] == "'=HYPERLINK(\"http://x\")" && &r[6] == "formula_text"),
        "{errors}"
    );
    assert!(rows.iter().any(|r| &r[2] == "'@B" && &r[6] == "formula_text"), "{errors}");
    for r in &rows {
        for field in r {
            assert!(!field.starts_with(['=', '+', '-', '@']), "{field}");
        }
    }
}

#[test]
fn more_threads_than_the_system_grants_still_compute_everything() {
    // Only root can lower its own thread limit and run as another user (as CI does).
    if !Path::new("/usr/bin/prlimit").exists()
        || std::env::var("USER").as_deref() != Ok("root") && !is_root()
    {
        eprintln!("skipped: needs root and util-linux (prlimit, setpriv)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert_eq!(
        run_in(d, &["generate", "--inventories", "200", "--rows", "10", "--out", "in"], None).code,
        0
    );
    let status = Command::new("chmod").args(["-R", "a+rwx"]).arg(d).status().unwrap();
    assert!(status.success());
    let expected = {
        let args = batch_args("in", "one", &["--threads", "1"]);
        assert_eq!(run_args(d, &args, &[]).0, 0);
        snapshot(&d.join("one")).unwrap()
    };
    // At most two processes or threads for the user 'nobody': a run asking for 64 threads.
    let mut args = vec![
        "--nproc=2:2",
        "/usr/bin/setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        BIN,
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    args.extend(batch_args("in", "many", &["--threads", "64"]));
    let out = Command::new("/usr/bin/prlimit").args(&args).current_dir(d).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(snapshot(&d.join("many")).unwrap() == expected);
}

fn is_root() -> bool {
    fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

#[test]
fn a_capped_error_list_counts_every_error_and_blames_no_line_0() {
    let mut act = String::from(ACT);
    for _ in 0..10_005 {
        act.push_str("A,residential_buildings,natural_gas,x,MWh\n");
    }
    let dir = scratch(INV.as_bytes(), act.as_bytes(), None);
    let r = batch(dir.path(), false, &[]);
    assert_eq!(r.code, 1);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(!r.stderr.contains(":0:"), "a line 0 was blamed");
    assert!(
        lines.contains(&"5 more errors not listed (at most 10000 are)"),
        "{:?}",
        &lines[lines.len() - 3..]
    );
    assert!(
        lines.contains(&"covenant: 10005 errors; 0 inventories computed, 1 rejected"),
        "{:?}",
        &lines[lines.len() - 3..]
    );
}

#[test]
fn workbooks_covenant_did_not_write_are_never_deleted() {
    let dir = scratch(INV.as_bytes(), ACT.as_bytes(), None);
    let d = dir.path();
    fs::create_dir_all(d.join("reports/archive")).unwrap();
    fs::write(d.join("reports/budget.xlsx"), "mine").unwrap();
    fs::write(d.join("reports/archive/2019.xlsx"), "mine too").unwrap();
    let r = batch(d, false, &["--xlsx", "reports"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "'reports' holds files covenant did not write ('archive/2019.xlsx', 'budget.xlsx')"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read_to_string(d.join("reports/budget.xlsx")).unwrap(), "mine");
    // Its own workbooks are replaced run after run: the manifest lists them.
    let r = batch(d, false, &["--xlsx", "wb"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(d.join("wb/A.xlsx").exists() && d.join("wb/.covenant-outputs").exists());
    assert_eq!(batch(d, false, &["--xlsx", "wb"]).code, 0);
}

#[test]
fn a_file_added_to_the_directory_during_a_run_is_kept() {
    let dir = scratch(INV.as_bytes(), ACT.as_bytes(), None);
    let d = dir.path();
    assert_eq!(batch(d, false, &[]).code, 0);
    let before = snapshot(&d.join("out")).unwrap();
    let staged = || {
        fs::read_dir(d)
            .unwrap()
            .any(|e| e.unwrap().file_name().to_string_lossy().contains("covenant-stage"))
    };
    assert!(!staged(), "a finished run leaves no staging directory");
    // The activity comes from a pipe that waits: a file lands in the directory meanwhile.
    let mut child = Command::new(BIN)
        .args([
            "batch",
            "--inventories",
            "inventories.csv",
            "--activity",
            "-",
            "--out",
            "out",
            "-q",
        ])
        .current_dir(d)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once the run's staging directory is there, its check of the directory is behind it (a
    // fixed wait lost that race on a loaded machine).
    let mut waited = 0;
    while !staged() {
        assert!(waited < 6000, "the run never staged its outputs");
        std::thread::sleep(std::time::Duration::from_millis(10));
        waited += 1;
    }
    fs::write(d.join("out/notes.txt"), "mine").unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(ACT.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("changed while covenant was writing ('notes.txt' added)")
    );
    let mut expected = before;
    expected.insert(PathBuf::from("notes.txt"), b"mine".to_vec());
    assert!(snapshot(&d.join("out")).unwrap() == expected);
}

#[test]
fn odd_output_paths_are_resolved_or_refused_before_computing() {
    let dir = scratch(INV.as_bytes(), ACT.as_bytes(), None);
    let d = dir.path();
    fs::create_dir(d.join("sub")).unwrap();
    let sub = d.join("sub");
    let inv = d.join("inventories.csv");
    let act = d.join("activity.csv");
    let (inv, act) = (inv.to_str().unwrap(), act.to_str().unwrap());
    let run = |args: &[&str]| {
        let mut all = vec!["batch", "--inventories", inv, "--activity", act, "-q"];
        all.extend(args);
        run_in(&sub, &all, None)
    };
    // `..` in both paths: the workbooks are inside --out, and the run can be repeated.
    for _ in 0..2 {
        let r = run(&["--out", "../r2", "--xlsx", "../r2/wb"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    assert!(d.join("r2/wb/A.xlsx").exists());
    // The current directory (or one containing it), a dangling link, a path through a file.
    let r = run(&["--out", "."]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is the current directory or contains it"), "{}", r.stderr);
    assert_eq!(run(&["--out", ".."]).code, 2);
    std::os::unix::fs::symlink(d.join("nowhere"), d.join("dangling")).unwrap();
    let r = run(&["--out", "../dangling"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(&["--out", "../inventories.csv/x"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not a directory"), "{}", r.stderr);
    // Workbooks named like an output file, or around --out.
    assert_eq!(run(&["--out", "../r3", "--xlsx", "../r3/emissions.csv"]).code, 2);
    assert_eq!(run(&["--out", "../r3/csv", "--xlsx", "../r3"]).code, 2);
    assert!(!d.join("r3").exists() || fs::read_dir(d.join("r3")).unwrap().count() == 0);
}

#[test]
fn the_output_directory_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch(INV.as_bytes(), ACT.as_bytes(), None);
    let d = dir.path();
    fs::create_dir(d.join("out")).unwrap();
    fs::set_permissions(d.join("out"), fs::Permissions::from_mode(0o2750)).unwrap();
    assert_eq!(batch(d, false, &[]).code, 0);
    let mode = fs::metadata(d.join("out")).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o2750);
}

/// The comparison warnings that read the factors and populations of both inventories are the
/// same when the batch is written as it is computed (the inventories then keep no factors) as in
/// the JSON report: a local electricity factor falling far below the national change, and a
/// population entered in thousands.
#[test]
fn factor_jump_and_population_change_in_both_paths() {
    let inv = "inventory_id,country,year,kind,baseline_id,population\n\
        b,IT,2010,baseline,,20000\n\
        m,IT,2020,monitoring,b,20\n";
    let act = "inventory_id,sector,carrier,amount,unit\n\
        b,residential_buildings,electricity,1000,MWh\n\
        m,residential_buildings,electricity,1000,MWh\n";
    let fac = "inventory_id,carrier,factor,source\nm,electricity,0.05,local PV cooperative\n";
    let dir = scratch(inv.as_bytes(), act.as_bytes(), Some(fac.as_bytes()));
    let csv = batch(dir.path(), true, &[]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let json = run_in(
        dir.path(),
        &[
            "batch",
            "--inventories",
            "inventories.csv",
            "--activity",
            "activity.csv",
            "--factors",
            "factors.csv",
            "--format",
            "json",
        ],
        None,
    );
    for stderr in [&csv.stderr, &json.stderr] {
        assert!(
            stderr.contains("inventories.csv:3: warning: the electricity factor went from"),
            "{stderr}"
        );
        assert!(
            stderr.contains("inventories.csv:3: warning: population changed by -99.9 %"),
            "{stderr}"
        );
    }
}
