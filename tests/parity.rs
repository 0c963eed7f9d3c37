//! CLI / wasm / library parity: the same batch gives byte-identical files through the
//! `covenant` command line (in process), the wasm adapter's plain-Rust layer (what the page
//! calls), and the library. The browser tests check the same through the real page.

use std::fs;
use std::path::Path;

use covenant_cli::synth;

fn cli(dir: &Path, with_factors: bool) -> (u8, String, String) {
    let mut args = vec!["covenant".to_string(), "batch".into(), "-q".into()];
    for (flag, file) in [("--inventories", "inventories.csv"), ("--activity", "activity.csv")] {
        args.extend([flag.to_string(), dir.join(file).display().to_string()]);
    }
    if with_factors {
        args.extend(["--factors".to_string(), dir.join("factors.csv").display().to_string()]);
    }
    if dir.join("supply.csv").exists() {
        args.extend(["--supply".to_string(), dir.join("supply.csv").display().to_string()]);
    }
    let out = dir.join("out");
    args.extend(["--out".to_string(), out.display().to_string(), "--keep-going".into()]);
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = covenant_cli::run(
        args.into_iter().map(Into::into),
        &mut std::io::empty(),
        &mut stdout,
        &mut stderr,
    );
    (
        code,
        fs::read_to_string(out.join("emissions.csv")).unwrap(),
        fs::read_to_string(out.join("summary.csv")).unwrap(),
    )
}

fn wasm(dir: &Path, with_factors: bool) -> serde_json::Value {
    let read = |f: &str| fs::read_to_string(dir.join(f)).unwrap();
    let fac = with_factors.then(|| read("factors.csv"));
    let sup = dir.join("supply.csv").exists().then(|| read("supply.csv"));
    serde_json::from_str(&covenant_wasm::api::run_batch_with_supply(
        &read("inventories.csv"),
        &read("activity.csv"),
        fac.as_deref(),
        sup.as_deref(),
    ))
    .unwrap()
}

fn check(dir: &Path, with_factors: bool) {
    let (code, emissions, summary) = cli(dir, with_factors);
    let w = wasm(dir, with_factors);
    assert_eq!(w["emissions_csv"].as_str().unwrap(), emissions);
    assert_eq!(w["summary_csv"].as_str().unwrap(), summary);
    assert_eq!(code == 0, w["report"]["errors"].as_array().unwrap().is_empty());
}

#[test]
fn kozani_is_identical_in_cli_and_wasm() {
    let dir = tempfile::tempdir().unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/kozani-2010");
    for f in ["inventories.csv", "activity.csv", "factors.csv"] {
        fs::copy(golden.join(f), dir.path().join(f)).unwrap();
    }
    check(dir.path(), true);
}

#[test]
fn aldbrook_with_local_supply_is_identical_in_cli_and_wasm() {
    let dir = tempfile::tempdir().unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/aldbrook-2020");
    for f in ["inventories.csv", "activity.csv", "factors.csv", "supply.csv"] {
        fs::copy(golden.join(f), dir.path().join(f)).unwrap();
    }
    check(dir.path(), true);
}

#[test]
fn synthetic_batches_are_identical_in_cli_and_wasm() {
    for seed in [1, 2, 3] {
        let dir = tempfile::tempdir().unwrap();
        let mut activity = Vec::new();
        let b = synth::generate(200, 40, seed, &mut activity).unwrap();
        fs::write(dir.path().join("inventories.csv"), b.inventories).unwrap();
        fs::write(dir.path().join("activity.csv"), activity).unwrap();
        fs::write(dir.path().join("factors.csv"), b.factors).unwrap();
        check(dir.path(), true);
        // Without the local heat factors some inventories fail: the same ones everywhere.
        check(dir.path(), false);
    }
}
