//! wasm-bindgen tests of the adapter, run in Node by `wasm-bindgen-test-runner`
//! (`cargo test -p covenant-wasm --target wasm32-unknown-unknown`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(module = "fs")]
extern "C" {
    #[wasm_bindgen(catch, js_name = readFileSync)]
    fn read_file_sync(path: &str, encoding: &str) -> Result<String, JsValue>;
}

/// Loads the factor tables as the page does, from the bundle of the repository's `factors/`
/// folder (read through Node), written as `cargo xtask wasm` writes `pkg/factors.json`.
fn load() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../factors/");
    let bundle =
        covenant_wasm::api::factor_bundle(|p| read_file_sync(&format!("{dir}{p}"), "utf8").ok())
            .expect("the factor files are readable and valid");
    covenant_wasm::load_factors(&bundle).expect("the bundle loads");
}

fn json(s: Result<String, JsValue>) -> serde_json::Value {
    serde_json::from_str(&s.expect("the factor tables are loaded"))
        .expect("the adapter returns JSON")
}

#[wasm_bindgen_test]
fn catalog_crosses_the_boundary() {
    load();
    let v = json(covenant_wasm::catalog());
    assert_eq!(v["releases"][0]["id"], "com-2024.1");
    assert_eq!(v["countries"].as_array().unwrap().len(), 250);
    // The page offers the non-sustainable flag exactly for the biomass carriers.
    let biomass: Vec<&str> = v["carriers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["biomass"] == true)
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(biomass, ["plant_oil", "biofuel", "other_biomass", "biogas"]);
    assert!(!covenant_wasm::version().is_empty());
}

#[wasm_bindgen_test]
fn kozani_in_wasm_equals_the_published_inventory() {
    load();
    let inv = include_str!("../../../tests/golden/kozani-2010/inventories.csv");
    let act = include_str!("../../../tests/golden/kozani-2010/activity.csv");
    let fac = include_str!("../../../tests/golden/kozani-2010/factors.csv");
    let v = json(covenant_wasm::run_batch(inv, act, Some(fac.to_string()), None, None, None));
    let inventory = &v["report"]["inventories"][0]["inventory"];
    assert_eq!(inventory["total_emissions"], "394371.97202");
    assert_eq!(
        covenant_wasm::round_for_display(inventory["per_capita_t"].as_str().unwrap(), 2).unwrap(),
        "5.52"
    );
    assert!(v["summary_csv"].as_str().unwrap().contains(",394371.97202,5.524345436487925,"));
}

#[wasm_bindgen_test]
fn errors_are_data_and_bad_numbers_throw() {
    load();
    let v = json(covenant_wasm::run_batch(
        "inventory_id,country,year\nA,EL,2010\n",
        "inventory_id,sector,carrier,amount,unit\n",
        None,
        None,
        None,
        None,
    ));
    assert_eq!(v["report"]["errors"][0]["file"], "inventories.csv");
    assert!(v["report"]["errors"][0]["message"].as_str().unwrap().contains("did you mean 'GR'"));
    assert!(covenant_wasm::round_for_display("1,5", 2).is_err());
    let f = json(covenant_wasm::national_factor("DE", 2010, "lca", "co2e", ""));
    assert_eq!(f["value"], "0.59");
}

#[wasm_bindgen_test]
fn plans_cross_the_boundary_as_natively() {
    load();
    let inv = include_str!("../../../tests/golden/valdoro-2012/inventories.csv");
    let act = include_str!("../../../tests/golden/valdoro-2012/activity.csv");
    let acts = include_str!("../../../tests/golden/valdoro-2012/actions.csv");
    let text =
        covenant_wasm::run_batch(inv, act, None, None, Some(acts.to_string()), None).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["report"]["inventories"][0]["plan"]["planned_reduction_t"], "7230.15");
    assert_eq!(v["report"]["inventories"][0]["plan"]["remaining_gap_t"], "15484.245");
    assert!(v["summary_csv"].as_str().unwrap().ends_with(",7230.15,15484.245,0.737345\n"));
    let files = covenant_wasm::api::Files {
        inventories: inv,
        activity: act,
        actions: Some(acts),
        ..Default::default()
    };
    assert_eq!(text, covenant_wasm::api::engine().unwrap().run_batch_files(files));
    let outputs = json(covenant_wasm::batch_outputs(inv, act, None, None, Some(acts.into()), None));
    assert_eq!(outputs["plan_csv"], v["plan_csv"]);
}

#[cfg(feature = "xlsx")]
#[wasm_bindgen_test]
fn workbooks_are_written_in_wasm() {
    load();
    let inv = include_str!("../../../tests/golden/kozani-2010/inventories.csv");
    let act = include_str!("../../../tests/golden/kozani-2010/activity.csv");
    let fac = include_str!("../../../tests/golden/kozani-2010/factors.csv");
    let bytes = covenant_wasm::xlsx_workbook(
        inv,
        act,
        Some(fac.to_string()),
        None,
        "kozani-2010",
        None,
        None,
    )
    .unwrap();
    assert_eq!(&bytes[..2], b"PK");
    // The same bytes as natively: the workbook does not depend on the platform or the clock.
    let files = covenant_wasm::api::Files {
        inventories: inv,
        activity: act,
        factors: Some(fac),
        ..Default::default()
    };
    assert_eq!(
        bytes,
        covenant_wasm::api::engine().unwrap().xlsx_workbook(files, "kozani-2010").unwrap()
    );
}

/// A CRF inventory through the JavaScript entry points: its eCRF workbook written and imported
/// back in wasm gives the derived batch files, which compute to the same eCRF total.
#[cfg(all(feature = "xlsx", feature = "ecrf-read"))]
#[wasm_bindgen_test]
fn ecrf_workbooks_are_written_and_imported_in_wasm() {
    load();
    let inv = include_str!("../../../tests/golden/villa-serena-2019/inventories.csv");
    let crf = include_str!("../../../tests/golden/villa-serena-2019/crf_activity.csv");
    let act = "inventory_id,sector,carrier,amount,unit\n";
    let bytes =
        covenant_wasm::ecrf_workbook(inv, act, None, None, "VS-2019", None, Some(crf.into()))
            .unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let books = js_sys::Array::of1(&js_sys::Uint8Array::from(&bytes[..]));
    let v = json(covenant_wasm::import_ecrf(vec!["VS-2019.xlsx".into()], books, false, ""));
    assert_eq!(v["books"][0]["file"], "VS-2019.xlsx", "{v}");
    assert_eq!(v["unreadable"].as_array().map(Vec::len), Some(0), "{v}");
    let derived = json(covenant_wasm::run_batch(
        v["inventories_csv"].as_str().unwrap(),
        act,
        None,
        None,
        None,
        v["crf_activity_csv"].as_str().map(String::from),
    ));
    let crf_totals = derived["crf_totals_csv"].as_str().unwrap();
    assert!(crf_totals.lines().nth(1).unwrap().contains(",379259.27252,"), "{crf_totals}");
}
