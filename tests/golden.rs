//! Golden tests: real published inventories reproduced by the engine.
//!
//! `golden/kozani-2010/`: the 2010 BEI of Kozani (GR) as published in the municipality's
//! Climate Neutrality Action Plan, Table 2 (see its README.md). `published.csv` lists every
//! published row; two published rows ("Public lighting" and "Lighting of streets & squares")
//! fall in the same template cell, which the batch format adds up.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use covenant_core::batch::{self, BatchInput, BatchOutput};
use covenant_core::factors::Catalog;
use covenant_core::quantity::round_for_display;
use covenant_core::{Carrier, Sector};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden").join(name)
}

fn run_case(name: &str) -> BatchOutput {
    let dir = case(name);
    let read = |f: &str| fs::read(dir.join(f)).unwrap();
    let (inv, act) = (read("inventories.csv"), read("activity.csv"));
    let fac = dir.join("factors.csv").exists().then(|| read("factors.csv"));
    batch::run(
        BatchInput {
            inventories: ("inventories.csv", &inv[..]),
            activity: ("activity.csv", &act[..]),
            factors: fac.as_deref().map(|f| ("factors.csv", f)),
            supply: None,
        },
        Catalog::embedded(),
    )
}

#[derive(serde::Deserialize)]
struct Published {
    published_row: String,
    sector: String,
    carrier: String,
    #[serde(with = "rust_decimal::serde::str")]
    emissions_t: Decimal,
}

#[test]
fn kozani_2010_reproduces_every_published_cell() {
    let out = run_case("kozani-2010");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let inv = &out.inventories[0].inventory;

    let mut rdr = csv::Reader::from_path(case("kozani-2010").join("published.csv")).unwrap();
    let mut published: BTreeMap<(Sector, Carrier), Vec<Published>> = BTreeMap::new();
    for row in rdr.deserialize::<Published>() {
        let row = row.unwrap();
        let key = (row.sector.parse().unwrap(), row.carrier.parse().unwrap());
        published.entry(key).or_default().push(row);
    }
    assert_eq!(published.values().map(Vec::len).sum::<usize>(), 22);

    for ((sector, carrier), rows) in &published {
        let cell = inv.cells.iter().find(|c| c.sector == *sector && c.carrier == Some(*carrier));
        let expected: Decimal = rows.iter().map(|r| r.emissions_t).sum();
        match cell {
            // Each published row is rounded to 0.01 t, so a cell of n rows may differ by n × 0.01.
            Some(cell) => {
                let diff = (cell.emissions.tonnes() - expected).abs();
                let tolerance = dec!(0.01) * Decimal::from(rows.len());
                assert!(
                    diff <= tolerance,
                    "{sector}/{carrier}: {} vs published {expected}",
                    cell.emissions.tonnes()
                );
            }
            // "Public transport | petrol" is published as 0.00 with no consumption: no cell.
            None => {
                assert_eq!(expected, Decimal::ZERO, "{}: missing cell", rows[0].published_row);
            }
        }
    }
    // Every cell we computed is a published row.
    for cell in &inv.cells {
        assert!(published.contains_key(&(cell.sector, cell.carrier.unwrap())), "{:?}", cell.sector);
    }
    // Each published lighting row against its own activity row: 3 367.40 and 4 458.33 MWh × 0.775.
    let lighting = inv.cells.iter().find(|c| c.sector == Sector::PublicLighting).unwrap();
    assert_eq!(lighting.lines, vec![8, 9]);
    for (mwh, published) in [(dec!(3367.4), dec!(2609.73)), (dec!(4458.33), dec!(3455.20))] {
        assert!((mwh * lighting.factor.unwrap().value() - published).abs() <= dec!(0.01));
    }

    assert_eq!(round_for_display(inv.total_emissions.tonnes(), 2), dec!(394371.97));
    assert_eq!(round_for_display(inv.per_capita_t.unwrap(), 2), dec!(5.52));
    // The 40 % absolute target for 2030 of the README (0.6 × total).
    let target = out.inventories[0].target.as_ref().unwrap();
    assert_eq!(round_for_display(target.emissions_t.unwrap(), 2), dec!(236623.18));
}

#[test]
fn kozani_2010_names_every_factor_source() {
    let out = run_case("kozani-2010");
    let inv = &out.inventories[0].inventory;
    let sources: BTreeMap<Carrier, String> =
        inv.factors.iter().map(|f| (f.carrier, f.provenance.short())).collect();
    assert_eq!(sources[&Carrier::Electricity], "national factor printed in the SECAP of Kozani");
    assert_eq!(
        sources[&Carrier::HeatCold],
        "local district heating factor printed in the SECAP of Kozani"
    );
    assert_eq!(sources[&Carrier::Diesel], "com-fuels@2024.2 ipcc2006-co2");
    assert_eq!(sources[&Carrier::Biofuel], "com-fuels@2024.2 ipcc2006-co2");
    assert_eq!(inv.release, "com-2024.2");
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}
