//! Reporting views: the XLSX workbooks hold the same numbers as the CSV files (read back with
//! calamine), and the CRF view's totals equal the inventories' totals.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use covenant_core::batch::{self, BatchInput, BatchOutput};
use covenant_core::factors::Catalog;
use covenant_core::quantity::parse_decimal;
use rust_decimal::Decimal;

const INV: &str = "inventory_id,city,country,year,kind,baseline_id,population,target_year,target_reduction_pct,target_kind,target_population\n\
    rome-2005,Roma,IT,2005,baseline,,2500000,2030,55,per_capita,2700000\n\
    rome-2015,Roma,IT,2015,monitoring,rome-2005,2600000,,,,\n";
const ACT: &str = "inventory_id,sector,carrier,amount,unit\n\
    rome-2005,residential_buildings,electricity,1000000.123,MWh\n\
    rome-2005,residential_buildings,natural_gas,350,GJ\n\
    rome-2005,private_transport,diesel,2000,GWh\n\
    rome-2005,municipal_fleet,diesel,120000,L\n\
    rome-2005,public_lighting,electricity,3367.4,MWh\n\
    rome-2005,waste,,5300.5,tCO2\n\
    rome-2015,residential_buildings,electricity,900000,MWh\n\
    rome-2015,private_transport,gasoline,1800000,MWh\n\
    rome-2015,wastewater,,12.25,tCO2\n";

fn run() -> BatchOutput {
    let out = batch::run(
        BatchInput {
            inventories: ("i", INV.as_bytes()),
            activity: ("a", ACT.as_bytes()),
            factors: None,
            supply: None,
            actions: None,
            crf_activity: None,
        },
        Catalog::embedded(),
    );
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    out
}

fn csv_rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            headers.iter().map(String::from).zip(r.unwrap().iter().map(String::from)).collect()
        })
        .collect()
}

#[test]
fn workbooks_hold_the_numbers_of_the_csv_files() {
    let out = run();
    let mut emissions = Vec::new();
    batch::write_emissions(&mut emissions, &out.inventories).unwrap();
    let mut summary = Vec::new();
    batch::write_summary(&mut summary, &out.inventories).unwrap();
    let emissions = csv_rows(std::str::from_utf8(&emissions).unwrap());
    let summary = csv_rows(std::str::from_utf8(&summary).unwrap());
    let mut checked = 0;
    for (k, r) in out.inventories.iter().enumerate() {
        let id = &r.inventory.spec.id;
        let bytes = covenant_core::xlsx::workbook(r).unwrap();
        // The same inventory gives the same bytes.
        assert_eq!(bytes, covenant_core::xlsx::workbook(r).unwrap());
        let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(
            wb.sheet_names(),
            ["Summary", "A Energy (MWh)", "B Emissions (t)", "Factors", "CRF"]
        );
        let a = wb.worksheet_range("A Energy (MWh)").unwrap();
        let b = wb.worksheet_range("B Emissions (t)").unwrap();
        let header: Vec<String> =
            b.rows().next().unwrap().iter().map(ToString::to_string).collect();
        for row in emissions.iter().filter(|e| &e["inventory_id"] == id) {
            let sector = covenant_core::Sector::parse_code(&row["sector"]).unwrap();
            let label = sector.label();
            let col = if row["carrier"].is_empty() {
                header.iter().position(|h| h == "Entered directly (t)").unwrap()
            } else {
                let carrier = covenant_core::Carrier::parse_code(&row["carrier"]).unwrap();
                header.iter().position(|h| h == carrier.label()).unwrap()
            };
            let find = |range: &calamine::Range<Data>| {
                let r = range.rows().position(|x| x[0] == label).unwrap();
                range.get((r, col)).cloned().unwrap_or(Data::Empty)
            };
            assert_eq!(
                find(&b),
                Data::Float(row["emissions_t"].parse::<f64>().unwrap()),
                "{id} {label}"
            );
            if !row["energy_mwh"].is_empty() {
                assert_eq!(
                    find(&a),
                    Data::Float(row["energy_mwh"].parse::<f64>().unwrap()),
                    "{id} {label} MWh"
                );
            }
            checked += 1;
        }
        let s = wb.worksheet_range("Summary").unwrap();
        let value = |label: &str| s.rows().find(|x| x[0] == label).unwrap()[1].clone();
        assert_eq!(
            value("Total emissions (t)"),
            Data::Float(summary[k]["total_emissions_t"].parse().unwrap())
        );
        assert_eq!(
            value("Per capita (t per inhabitant)"),
            Data::Float(summary[k]["per_capita_t"].parse().unwrap())
        );
        if k == 0 {
            assert_eq!(
                value("Target emissions (t)"),
                Data::Float(summary[k]["target_emissions_t"].parse().unwrap())
            );
        }
    }
    assert_eq!(checked, emissions.len());
}

#[test]
fn crf_totals_equal_the_inventory_totals() {
    let out = run();
    let mut crf = Vec::new();
    batch::write_crf(&mut crf, &out.inventories).unwrap();
    let rows = csv_rows(std::str::from_utf8(&crf).unwrap());
    for r in &out.inventories {
        let mine: Vec<_> =
            rows.iter().filter(|x| x["inventory_id"] == r.inventory.spec.id).collect();
        assert_eq!(mine.len(), 20);
        let total: Decimal = mine
            .iter()
            .filter(|x| !x["emissions_t"].is_empty())
            .map(|x| parse_decimal(&x["emissions_t"]).unwrap())
            .sum();
        assert_eq!(total, r.inventory.total_emissions.tonnes());
        for x in &mine {
            assert!(
                x["emissions_t"].is_empty() != x["notation_key"].is_empty(),
                "a value or a notation key: {x:?}"
            );
        }
    }
    // Municipal fleet and private transport share the on-road scope-1 row.
    let on_road = rows
        .iter()
        .find(|x| {
            x["inventory_id"] == "rome-2005"
                && x["crf_subsector"] == "On-road"
                && x["scope"] == "scope_1"
        })
        .unwrap();
    assert_eq!(on_road["secap_sectors"], "municipal_fleet;private_transport");
}

#[test]
fn trajectory_file_follows_the_per_capita_path() {
    let out = run();
    let mut t = Vec::new();
    batch::write_trajectory(&mut t, &out.inventories).unwrap();
    let rows = csv_rows(std::str::from_utf8(&t).unwrap());
    let path: Vec<_> = rows.iter().filter(|r| r["row"] == "path").collect();
    assert_eq!(path.len(), 26, "2005 to 2030");
    assert!(path.iter().all(|r| r["unit"] == "t_per_inhabitant"));
    let base = &out.inventories[0].inventory;
    assert_eq!(parse_decimal(&path[0]["path"]).unwrap(), base.per_capita_t.unwrap());
    let last = parse_decimal(&path[25]["path"]).unwrap();
    // The target value is formed exactly (45 % of the emissions, per inhabitant) and divided once.
    let pop = base.spec.population.unwrap();
    let goal = base.total_emissions.checked_scale(Decimal::new(45, 2)).unwrap().per_capita(pop);
    assert_eq!(last, goal);
    assert!((last - base.per_capita_t.unwrap() * Decimal::new(45, 2)).abs() < Decimal::new(1, 15));
    let m = rows.iter().find(|r| r["row"] == "monitoring").unwrap();
    assert_eq!((m["inventory_id"].as_str(), m["year"].as_str()), ("rome-2015", "2015"));
    let actual = parse_decimal(&m["actual"]).unwrap();
    assert_eq!(actual, out.inventories[1].inventory.per_capita_t.unwrap());
    let path_2015 = parse_decimal(&path[10]["path"]).unwrap();
    assert_eq!(parse_decimal(&m["path"]).unwrap(), path_2015);
    assert_eq!(parse_decimal(&m["distance"]).unwrap(), (actual - path_2015).normalize());
    assert_eq!(m["status"], if actual < path_2015 { "ahead" } else { "behind" });
}

/// A baseline with a plan has the sheet `Action plan`: every action by sector, and the planned
/// reduction and the gap of `summary.csv`.
#[test]
fn the_action_plan_sheet_holds_the_plan() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/valdoro-2012");
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
    let (inv, act, acts) = (read("inventories.csv"), read("activity.csv"), read("actions.csv"));
    let out = batch::run(
        BatchInput {
            inventories: ("i", &inv[..]),
            activity: ("a", &act[..]),
            factors: None,
            supply: None,
            actions: Some(("actions.csv", &acts[..])),
            crf_activity: None,
        },
        Catalog::embedded(),
    );
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let bytes = covenant_core::xlsx::workbook(&out.inventories[0]).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "A Energy (MWh)", "B Emissions (t)", "Factors", "Action plan", "CRF"]
    );
    let p = wb.worksheet_range("Action plan").unwrap();
    let rows: Vec<Vec<String>> =
        p.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect();
    // Sectors in template order: tertiary (A8), residential (A2, A3, A4), public lighting (A1),
    // public and private transport (A5, A6), waste (A7).
    let ids: Vec<&str> = rows[1..9].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(ids, ["A8", "A2", "A3", "A4", "A1", "A5", "A6", "A7"]);
    let value = |label: &str| rows.iter().find(|r| r[0] == label).unwrap()[15].clone();
    assert_eq!(value("Planned reduction in 2030 (t CO2)"), "7230.15");
    assert_eq!(value("Remaining gap (t CO2; positive: a shortfall)"), "15484.245");
    // A3, local renewable production, in its column; A6's reduction is negative.
    let a3 = rows.iter().find(|r| r[1] == "A3").unwrap();
    assert_eq!((a3[11].as_str(), a3[12].as_str(), a3[14].as_str()), ("", "5000", "2005"));
    let a6 = rows.iter().find(|r| r[1] == "A6").unwrap();
    assert_eq!((a6[8].as_str(), a6[14].as_str(), a6[15].as_str()), ("2020", "-912", "-456"));
}
