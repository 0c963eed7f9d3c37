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
    let inv = read("inventories.csv");
    // A case of CRF inventories only has no activity.csv.
    let act = match dir.join("activity.csv").exists() {
        true => read("activity.csv"),
        false => b"inventory_id,sector,carrier,amount,unit\n".to_vec(),
    };
    let fac = dir.join("factors.csv").exists().then(|| read("factors.csv"));
    let sup = dir.join("supply.csv").exists().then(|| read("supply.csv"));
    let acts = dir.join("actions.csv").exists().then(|| read("actions.csv"));
    let crf = dir.join("crf_activity.csv").exists().then(|| read("crf_activity.csv"));
    batch::run(
        BatchInput {
            inventories: ("inventories.csv", &inv[..]),
            activity: ("activity.csv", &act[..]),
            factors: fac.as_deref().map(|f| ("factors.csv", f)),
            supply: sup.as_deref().map(|f| ("supply.csv", f)),
            actions: acts.as_deref().map(|f| ("actions.csv", f)),
            crf_activity: crf.as_deref().map(|f| ("crf_activity.csv", f)),
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
    assert_eq!(inv.release, "com-2024.4");
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
}

/// Aldbrook 2020: every feature at once (see `golden/aldbrook-2020/README.md`). The expected
/// numbers below are derived by hand.
#[test]
fn aldbrook_2020_uses_every_feature() {
    use covenant_core::supply::EfeCase;
    let out = run_case("aldbrook-2020");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let r = &out.inventories[0];
    let inv = &r.inventory;
    let cell = |s: Sector, c: Option<Carrier>| {
        inv.cells.iter().find(|x| x.sector == s && x.carrier == c).unwrap()
    };
    let r3 = |d: Decimal| round_for_display(d, 3);

    // Natural gas with AR5: (56 100 + 1 × 28 + 0.1 × 265) kg/TJ × 3.6e-6 = 0.2021562 t/MWh.
    // Residential gas: 30 000 MWh × 0.2021562 = 6 064.686 t.
    assert_eq!(
        cell(Sector::ResidentialBuildings, Some(Carrier::NaturalGas)).emissions.tonnes(),
        dec!(6064.686)
    );

    // CHP: 10 000 MWh of gas → 2 021.562 t. Heat share (η_h 0.9, η_e 0.4):
    // 5 000 × 0.4 / (5 000 × 0.4 + 3 000 × 0.9) = 2 000 / 4 700 → heat 860.239 t, electricity 1 161.323 t.
    let supply = inv.supply.as_ref().unwrap();
    let chp = supply.rows[1].chp.unwrap();
    assert_eq!(r3(chp.heat.tonnes()), dec!(860.239));
    assert_eq!(r3(chp.electricity.tonnes()), dec!(1161.323));
    assert_eq!(chp.heat.checked_add(chp.electricity).unwrap().tonnes(), dec!(2021.562));

    // EFE: TCE 30 000, LPE 2 000 (PV) + 3 000 (CHP), GEP 1 000, NEEFE (DE 2020, IPCC GHG) 0.344:
    // [(30 000 − 6 000) × 0.344 + 1 161.323 + 0] / 30 000 = (8 256 + 1 161.323) / 30 000 = 0.313910762 t/MWh.
    let (_, efe, case) = supply.electricity.unwrap();
    assert_eq!(case, EfeCase::General);
    assert_eq!(round_for_display(efe.value(), 9), dec!(0.313910762));
    // Electricity: 30 000 MWh × EFE = 9 417.323 t.
    let elec: Decimal = [Sector::ResidentialBuildings, Sector::TertiaryBuildings]
        .iter()
        .map(|&s| cell(s, Some(Carrier::Electricity)).emissions.tonnes())
        .sum();
    assert_eq!(r3(elec), dec!(9417.323));

    // EFH: (860.239 + 150 − 0) / 8 000 = 0.126279894 t/MWh → heat 1 010.239 t.
    let (_, efh) = supply.heat.unwrap();
    assert_eq!(round_for_display(efh.value(), 9), dec!(0.126279894));
    assert_eq!(
        r3(cell(Sector::ResidentialBuildings, Some(Carrier::HeatCold)).emissions.tonnes()),
        dec!(1010.239)
    );

    // Biomass: 1 000 MWh sustainable wood, AR5: (30 × 28 + 4 × 265) × 3.6e-6 = 0.00684 → 6.84 t;
    // 200 t non-sustainable: 200 × 15.6 GJ/t = 3 120 GJ = 866.667 MWh × (112 000 + 840 + 1 060) × 3.6e-6
    // = 866.667 × 0.41004 = 355.368 t. Cell: 362.208 t. Biogenic memo: 1 000 × 0.4032 = 403.2 t.
    let bio = cell(Sector::MunicipalBuildings, Some(Carrier::OtherBiomass));
    assert_eq!(bio.emissions.tonnes(), dec!(362.208));
    assert_eq!(inv.biogenic_co2_memo.unwrap().tonnes(), dec!(403.2));

    // Diesel: 10 000 L × 0.832 kg/L (user) × 43.0 GJ/t = 357.76 GJ; AR5: (74 100 + 84 + 159) × 3.6e-6
    // = 0.2676348 → 357.76 / 3.6 × 0.2676348 = 26.59695168 t.
    assert_eq!(
        cell(Sector::MunicipalFleet, Some(Carrier::Diesel)).emissions.tonnes(),
        dec!(26.59695168)
    );
    // Gasoline: 5 GWh × (69 300 + 84 + 159) × 3.6e-6 = 5 000 × 0.2503548 = 1 251.774 t.
    assert_eq!(
        cell(Sector::PrivateTransport, Some(Carrier::Gasoline)).emissions.tonnes(),
        dec!(1251.774)
    );
    // Waste: 1 200 t CO2-eq, entered directly.
    assert_eq!(cell(Sector::Waste, None).emissions.tonnes(), dec!(1200));

    // Total: 8 256 + 2 021.562 (all CHP emissions, split) + 150 + 6 064.686 + 362.208 + 26.59695168
    // + 1 251.774 + 1 200 = 19 332.82695168 t CO2-eq, exactly.
    assert_eq!(inv.total_emissions.tonnes(), dec!(19332.82695168));
    // Per inhabitant: / 50 000; target −55 %: × 0.45.
    assert_eq!(inv.per_capita_t, Some(dec!(0.3866565390336)));
    assert_eq!(r.target.as_ref().unwrap().emissions_t, Some(dec!(8699.772128256)));
    // Energy: 30 000 + 8 000 + 30 000 + 1 000 + 866.667 + 99.378 + 5 000 = 74 966.044 MWh.
    assert_eq!(round_for_display(inv.total_energy.mwh(), 3), dec!(74966.044));

    let src = |c: Carrier| inv.factors.iter().find(|f| f.carrier == c).unwrap().provenance.short();
    assert_eq!(src(Carrier::Electricity), "local factor EFE (general case)");
    assert_eq!(src(Carrier::HeatCold), "local factor EFH");
    assert_eq!(src(Carrier::Diesel), "ipcc2006-gases@2024.1 with AR5 GWP");
    // The CRF view adds up to the same total.
    assert_eq!(covenant_core::crf::crf(inv).unwrap().total, inv.total_emissions);
}

/// The golden cases raise no plausibility warning (`covenant_core::plausibility`): Kozani none
/// at all, Aldbrook only its two missing key sectors, as before.
#[test]
fn golden_cases_raise_no_spurious_warning() {
    let kozani = run_case("kozani-2010");
    assert!(kozani.warnings.is_empty(), "{:?}", kozani.warnings);
    let aldbrook = run_case("aldbrook-2020");
    let codes: Vec<_> = aldbrook.warnings.iter().map(|w| w.code).collect();
    assert_eq!(codes, ["missing_key_sector", "missing_key_sector"], "{:?}", aldbrook.warnings);
}

/// Valdoro 2012: a fictitious baseline with an action plan of every kind (see
/// `golden/valdoro-2012/README.md`, where every figure below is derived by hand).
#[test]
fn valdoro_2012_action_plan_against_its_target() {
    use covenant_core::taxonomy::ActionKind;
    let out = run_case("valdoro-2012");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let r = &out.inventories[0];
    // 481.2 + 505 + 7 218 + 8 484 + 1 602 + 3 609 + 1 616 + 601.5 + 160.2 + 534 + 8 010 + 5 478 + 3 000
    assert_eq!(r.inventory.total_emissions.tonnes(), dec!(41298.9));
    // −55 %: 0.45 × 41 298.9
    assert_eq!(r.target.as_ref().unwrap().emissions_t, Some(dec!(18584.505)));
    let plan = r.plan.as_ref().unwrap();
    let got: Vec<(&str, Decimal, Decimal)> = plan
        .actions
        .iter()
        .map(|a| {
            let t = a.reduction_target_year_t.unwrap();
            (a.action.id.as_str(), a.reduction.tonnes(), t)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("A1", dec!(360.9), dec!(360.9)), // 900 × 0.401, done by 2020
            ("A2", dec!(3232), dec!(1616)),   // 16 000 × 0.202, 8/16 of it in 2030
            ("A3", dec!(2005), dec!(2005)),   // 5 000 × 0.401
            ("A4", dec!(1068), dec!(1068)),   // 4 000 × (0.267 − 0)
            ("A5", dec!(534), dec!(534)),     // 2 000 × (0.267 − 0)
            ("A6", dec!(-912), dec!(-456)),   // 6 000 × (0.249 − 0.401), 10/20 in 2030
            ("A7", dec!(1200), dec!(1200)),   // t CO2 per year
            ("A8", dec!(1203), dec!(902.25)), // 3 000 × 0.401, 9/12 in 2030
        ]
    );
    assert_eq!(plan.actions[5].action.kind, ActionKind::FuelSwitch);
    assert_eq!(plan.planned_reduction_t, Some(dec!(7230.15)));
    // 41 298.9 − 18 584.505 − 7 230.15: a shortfall.
    assert_eq!(plan.remaining_gap_t, Some(dec!(15484.245)));
    // per inhabitant of 2030 (21 000)
    assert_eq!(plan.remaining_gap_per_capita_t, Some(dec!(0.737345)));
    let src = |i: usize| plan.actions[i].factor.as_ref().unwrap().provenance.short();
    assert_eq!(src(0), "jrc-neefe@2024.1 jrc-neefe-2024-t1");
    assert_eq!(src(1), "com-fuels@2024.2 ipcc2006-co2");
}

#[test]
fn villa_serena_2019_a_partner_city_in_the_crf() {
    let out = run_case("villa-serena-2019");
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let r = &out.inventories[0];
    let crf = r.inventory.crf.as_ref().unwrap();
    let totals: Vec<Option<Decimal>> = crf.rows.iter().map(|x| x.emissions.co2e).collect();
    // Every row as derived in tests/golden/villa-serena-2019/README.md.
    let expected = [
        Some(dec!(67385.4)),    // natural gas, 1 200 TJ × IPCC 2006 per gas, AR5
        Some(dec!(68480.589)),  // 150 000 MWh × 0.45653726
        Some(dec!(5478.44712)), // 12 000 MWh × 0.45653726 (losses, scope 3)
        Some(dec!(152)),        // firewood: CH4 67.2 + N2O 84.8; CO2 biogenic
        Some(dec!(36000)),      // 90 000 MWh × 0.4
        Some(dec!(5370.53832)), // diesel, 72.24 TJ × IPCC 2006 per gas
        Some(dec!(70839)),      // gasoline: 68 100 + 672 + 2 067
        Some(dec!(67500)),      // diesel, 25 000 000 L × 2.7 kg CO2e/L
        Some(dec!(3652.29808)), // 8 000 MWh × 0.45653726
        Some(dec!(12000)),      // aviation outside, entered
        Some(dec!(25000)),      // landfill CH4, entered
        Some(dec!(4000)),       // landfill outside, entered
        Some(dec!(1500)),       // waste of others, entered
        Some(dec!(3501)),       // wastewater: 3 024 + 477
        None,                   // IV.1 NO
        None,                   // IV.2 NE
        Some(dec!(8400)),       // cattle: 300 t CH4 × 28
        Some(dec!(45000)),      // generation, entered
        Some(dec!(2000)),       // other scope 3, entered
    ];
    assert_eq!(totals, expected);
    let t = &crf.totals;
    assert_eq!(t.basic, dec!(351880.8254));
    assert_eq!(t.basic_plus, dec!(377759.27252));
    assert_eq!(t.ecrf, dec!(379259.27252));
    assert_eq!((t.generation, t.out_of_scope, t.biogenic), (dec!(45000), dec!(2000), dec!(8960)));
    assert_eq!((t.co2, t.ch4, t.n2o), (dec!(140772.984), dec!(41202.86816), dec!(2672.08616)));
    assert_eq!(t.unsplit, dec!(194611.3342));
    assert_eq!(r.inventory.total_emissions.tonnes(), t.ecrf);
    assert_eq!(r.inventory.per_capita_t.map(|p| p.round_dp(9)), Some(dec!(2.106995958)));
    assert_eq!(r.target.as_ref().unwrap().emissions_t, Some(dec!(227555.563512)));
    // The grid factor says where it comes from, and that it is not a CoM factor.
    let grid = crf.rows[1].factor_source.as_deref().unwrap();
    assert_eq!(grid, "partner-grid@2026.1 owid-ember-2025 (not a CoM factor)");
}
