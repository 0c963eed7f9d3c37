//! CLI / wasm / library parity: the same batch gives byte-identical files through the
//! `covenant` command line (in process), the wasm adapter's plain-Rust layer (what the page
//! calls), and the library. The browser tests check the same through the real page.

use std::fs;
use std::path::Path;

use covenant_cli::synth;

fn cli(dir: &Path, with_factors: bool) -> (u8, String, String, Option<String>) {
    let mut args = vec!["covenant".to_string(), "batch".into(), "-q".into()];
    for (flag, file) in [("--inventories", "inventories.csv"), ("--activity", "activity.csv")] {
        if dir.join(file).exists() {
            args.extend([flag.to_string(), dir.join(file).display().to_string()]);
        }
    }
    if with_factors {
        args.extend(["--factors".to_string(), dir.join("factors.csv").display().to_string()]);
    }
    if dir.join("supply.csv").exists() {
        args.extend(["--supply".to_string(), dir.join("supply.csv").display().to_string()]);
    }
    if dir.join("crf_activity.csv").exists() {
        let crf = dir.join("crf_activity.csv").display().to_string();
        args.extend(["--crf-activity".to_string(), crf]);
    }
    if dir.join("actions.csv").exists() {
        args.extend(["--actions".to_string(), dir.join("actions.csv").display().to_string()]);
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
        fs::read_to_string(out.join("plan.csv")).ok(),
    )
}

fn wasm(dir: &Path, with_factors: bool) -> serde_json::Value {
    let read = |f: &str| fs::read_to_string(dir.join(f)).unwrap();
    let fac = with_factors.then(|| read("factors.csv"));
    let sup = dir.join("supply.csv").exists().then(|| read("supply.csv"));
    let acts = dir.join("actions.csv").exists().then(|| read("actions.csv"));
    let crf = dir.join("crf_activity.csv").exists().then(|| read("crf_activity.csv"));
    let inv = read("inventories.csv");
    let act = match dir.join("activity.csv").exists() {
        true => read("activity.csv"),
        false => "inventory_id,sector,carrier,amount,unit\n".to_string(),
    };
    if acts.is_none() {
        // The function the page's first versions called, kept for Rust callers.
        let old =
            covenant_wasm::api::run_batch_with_supply(&inv, &act, fac.as_deref(), sup.as_deref());
        let files = covenant_wasm::api::Files {
            inventories: &inv,
            activity: &act,
            factors: fac.as_deref(),
            supply: sup.as_deref(),
            actions: None,
            crf_activity: None,
        };
        assert_eq!(old, covenant_wasm::api::run_batch_files(files));
    }
    serde_json::from_str(&covenant_wasm::api::run_batch_files(covenant_wasm::api::Files {
        inventories: &inv,
        activity: &act,
        factors: fac.as_deref(),
        supply: sup.as_deref(),
        actions: acts.as_deref(),
        crf_activity: crf.as_deref(),
    }))
    .unwrap()
}

fn check(dir: &Path, with_factors: bool) {
    let (code, emissions, summary, plan) = cli(dir, with_factors);
    let w = wasm(dir, with_factors);
    assert_eq!(w["emissions_csv"].as_str().unwrap(), emissions);
    assert_eq!(w["summary_csv"].as_str().unwrap(), summary);
    assert_eq!(w["plan_csv"].as_str(), plan.as_deref());
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
fn valdoro_with_an_action_plan_is_identical_in_cli_and_wasm() {
    let dir = tempfile::tempdir().unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/valdoro-2012");
    for f in ["inventories.csv", "activity.csv", "actions.csv"] {
        fs::copy(golden.join(f), dir.path().join(f)).unwrap();
    }
    check(dir.path(), false);
    let (_, _, summary, plan) = cli(dir.path(), false);
    assert!(summary.ends_with(",7230.15,15484.245,0.737345\n"), "{summary}");
    assert_eq!(plan.unwrap().lines().count(), 9);
    // A plan with an error rejects its baseline, in both.
    let bad = fs::read_to_string(golden.join("actions.csv"))
        .unwrap()
        .replace(",2015,2020,", ",2020,2015,");
    fs::write(dir.path().join("actions.csv"), bad).unwrap();
    check(dir.path(), false);
    // Without actions there is no plan.csv and the summary has no plan columns.
    fs::remove_file(dir.path().join("actions.csv")).unwrap();
    check(dir.path(), false);
}

#[test]
fn a_crf_inventory_is_identical_in_cli_and_wasm() {
    let dir = tempfile::tempdir().unwrap();
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/villa-serena-2019");
    for f in ["inventories.csv", "crf_activity.csv"] {
        fs::copy(golden.join(f), dir.path().join(f)).unwrap();
    }
    check(dir.path(), false);
    let w = wasm(dir.path(), false);
    for (key, file) in [("crf_rows_csv", "crf_rows.csv"), ("crf_totals_csv", "crf_totals.csv")] {
        let cli = fs::read_to_string(dir.path().join("out").join(file)).unwrap();
        assert_eq!(w[key].as_str().unwrap(), cli, "{file}");
    }
    assert!(w["crf_totals_csv"].as_str().unwrap().contains(",379259.27252,"));
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
