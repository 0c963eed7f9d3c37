//! Byte-identity of every output: each case is run through the `covenant` command line (in
//! process) and every file it writes — the four CSV outputs, `errors.csv`, the JSON report and
//! the workbooks — must equal the committed copy in `tests/snapshots/<case>/`.
//!
//! These files pin the outputs across refactorings: a change that moves a byte shows here as a
//! diff. When an output is meant to change, regenerate them with
//! `COVENANT_UPDATE_SNAPSHOTS=1 cargo test -p covenant-tests --test snapshots` and review the diff
//! before committing it.

use std::fs;
use std::path::{Path, PathBuf};

use covenant_cli::synth;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Runs `covenant batch` on the files of `input` (those present) and returns the exit code, the
/// JSON written to standard output and the output folder.
fn run(input: &Path, work: &Path) -> (u8, String) {
    let mut args: Vec<String> = vec!["covenant".into(), "batch".into(), "-q".into()];
    for (flag, file) in [
        ("--inventories", "inventories.csv"),
        ("--activity", "activity.csv"),
        ("--factors", "factors.csv"),
        ("--supply", "supply.csv"),
    ] {
        if input.join(file).exists() {
            args.extend([flag.into(), input.join(file).display().to_string()]);
        }
    }
    for (flag, dir) in [("--out", "out"), ("--xlsx", "xlsx")] {
        args.extend([flag.into(), work.join(dir).display().to_string()]);
    }
    args.extend(["--keep-going".into(), "--format".into(), "json".into()]);
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = covenant_cli::run(
        args.into_iter().map(Into::into),
        &mut std::io::empty(),
        &mut stdout,
        &mut stderr,
    );
    assert!(code <= 1, "exit {code}: {}", String::from_utf8_lossy(&stderr));
    (code, String::from_utf8(stdout).unwrap())
}

/// Every file the run wrote, by name (workbooks under `xlsx/`), with the JSON report.
fn outputs(work: &Path, json: String) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![("report.json".to_string(), json.into_bytes())];
    for (dir, prefix) in [("out", ""), ("xlsx", "xlsx/")] {
        let Ok(entries) = fs::read_dir(work.join(dir)) else { continue };
        let mut names: Vec<_> = entries.map(|e| e.unwrap().file_name()).collect();
        names.sort();
        for n in names {
            let name = n.to_string_lossy().into_owned();
            files.push((format!("{prefix}{name}"), fs::read(work.join(dir).join(&name)).unwrap()));
        }
    }
    files
}

fn check(case: &str, input: &Path) {
    let work = tempfile::tempdir().unwrap();
    let (code, json) = run(input, work.path());
    // Messages name the input files as given: without the temporary folder they are the same
    // on every run.
    let prefix = format!("{}{}", input.display(), std::path::MAIN_SEPARATOR);
    let mut got: Vec<(String, Vec<u8>)> = outputs(work.path(), json)
        .into_iter()
        .map(|(name, bytes)| match String::from_utf8(bytes) {
            Ok(text) => (name, text.replace(&prefix, "").into_bytes()),
            Err(e) => (name, e.into_bytes()),
        })
        .collect();
    got.push(("exit-code".into(), format!("{code}\n").into_bytes()));
    let expected = root().join("snapshots").join(case);
    if std::env::var_os("COVENANT_UPDATE_SNAPSHOTS").is_some() {
        let _ = fs::remove_dir_all(&expected);
        fs::create_dir_all(expected.join("xlsx")).unwrap();
        for (name, bytes) in &got {
            fs::write(expected.join(name), bytes).unwrap();
        }
        return;
    }
    let mut names: Vec<String> = fs::read_dir(&expected)
        .unwrap_or_else(|e| panic!("no snapshot of case {case} ({e}): see this file's docs"))
        .chain(fs::read_dir(expected.join("xlsx")).into_iter().flatten())
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&expected).unwrap().to_path_buf();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect();
    names.sort();
    let mut got_names: Vec<String> = got.iter().map(|(n, _)| n.clone()).collect();
    got_names.sort();
    assert_eq!(got_names, names, "case {case}: the set of output files changed");
    for (name, bytes) in got {
        let want = fs::read(expected.join(&name)).unwrap();
        if bytes != want {
            let (a, b) = (String::from_utf8_lossy(&want), String::from_utf8_lossy(&bytes));
            let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
            panic!(
                "case {case}: {name} differs from the snapshot (first differing line {}):\n  want: {}\n  got:  {}",
                line.map_or(0, |l| l + 1),
                line.and_then(|l| a.lines().nth(l)).unwrap_or("(end of file)"),
                line.and_then(|l| b.lines().nth(l)).unwrap_or("(end of file)"),
            );
        }
    }
}

#[test]
fn kozani_2010() {
    check("kozani-2010", &root().join("golden/kozani-2010"));
}

#[test]
fn aldbrook_2020() {
    check("aldbrook-2020", &root().join("golden/aldbrook-2020"));
}

/// Per-capita targets, monitoring inventories on another release, fuel units and overrides,
/// non-sustainable biomass, GWP sets, CHP, life-cycle factors and non-Latin city names.
#[test]
fn mixed_features() {
    check("mixed", &root().join("cases/mixed"));
}

/// A generated batch of 20 inventories, with and without its local heat factors (without
/// them some inventories are rejected: `errors.csv` and exit code 1).
#[test]
fn generated_batch() {
    for (case, with_factors) in [("generated", true), ("generated-errors", false)] {
        let input = tempfile::tempdir().unwrap();
        let mut activity = Vec::new();
        let b = synth::generate(20, 12, 7, &mut activity).unwrap();
        fs::write(input.path().join("inventories.csv"), b.inventories).unwrap();
        fs::write(input.path().join("activity.csv"), activity).unwrap();
        if with_factors {
            fs::write(input.path().join("factors.csv"), b.factors).unwrap();
        }
        check(case, input.path());
    }
}

/// An output-heavy generated batch (`covenant generate --heavy`): 63 cells per inventory, a
/// target for every inventory (monitoring ones too), batch-wide and local factors.
#[test]
fn generated_heavy_batch() {
    let input = tempfile::tempdir().unwrap();
    let mut activity = Vec::new();
    let b = synth::generate_profile(synth::Profile::OutputHeavy, 6, 64, 8, &mut activity).unwrap();
    fs::write(input.path().join("inventories.csv"), b.inventories).unwrap();
    fs::write(input.path().join("activity.csv"), activity).unwrap();
    fs::write(input.path().join("factors.csv"), b.factors).unwrap();
    check("generated-heavy", input.path());
}
