use rust_decimal_macros::dec;

use super::taxonomy::find_line;
use super::units::{CrfUnit, FactorUnit};
use super::*;
use crate::factors::test_catalog;

fn ctx(gwp: Option<&'static str>) -> Context<'static> {
    Context {
        release: test_catalog().release(Some("com-2024.3")).unwrap(),
        country: Country::parse("MX").unwrap(),
        year: 2020,
        approach: Approach::Lca,
        gwp,
    }
}

fn row(gpc_ref: &str, sub: Option<Subsector>) -> CrfActivity {
    CrfActivity::new(find_line(Some(gpc_ref), sub, None).unwrap())
}

fn activity(gpc_ref: &str, fuel: &str, amount: Decimal, unit: &str) -> CrfActivity {
    CrfActivity {
        fuel: Some(fuel.into()),
        amount: Some(amount),
        unit: CrfUnit::parse(unit),
        ..row(gpc_ref, None)
    }
}

/// A small partner-city inventory, every figure derived by hand below.
fn city() -> Vec<CrfActivity> {
    let mut diesel = activity("II.1.1", "diesel", dec!(1000000), "L");
    diesel.factor_unit = FactorUnit::parse("kg/L");
    diesel.factors = Gases {
        co2: Some(dec!(2.68)),
        ch4: Some(dec!(0.0001)),
        n2o: Some(dec!(0.00015)),
        ..Gases::default()
    };
    let mut grid = activity("I.1.2", "grid electricity", dec!(10000), "MWh");
    grid.factor_unit = FactorUnit::parse("tCO2e/MWh");
    grid.factors.co2e = Some(dec!(0.5));
    let mut landfill = row("III.1.1", None);
    landfill.emissions.ch4 = Some(dec!(1200));
    let mut imported_waste = row("III.1.3", None);
    imported_waste.emissions.co2e = Some(dec!(300));
    let mut plant = row("I.4.4", Some(Subsector::ElectricityGeneration));
    plant.emissions.co2 = Some(dec!(4000));
    let mut ippu = row("IV.1", None);
    ippu.key = Some(NotationKey::NotOccurring);
    ippu.explanation = Some("no industrial processes in the city".into());
    vec![
        activity("I.1.1", "natural_gas", dec!(500), "TJ"),
        grid,
        diesel,
        landfill,
        imported_waste,
        plant,
        ippu,
        activity("I.3.1", "other_biomass", dec!(100), "TJ"),
    ]
}

#[test]
fn a_partner_city_computed_by_hand() {
    let inv = compute(&city(), ctx(None)).unwrap();
    assert_eq!(inv.gwp, "ar5");
    let totals: Vec<Decimal> = inv.rows.iter().map(CrfRowResult::total).collect();
    // Natural gas, IPCC 2006 per gas (kg/TJ): 500 TJ × 56 100 = 28 050 t CO2; CH4 500 × 1 kg =
    // 0.5 t × 28 = 14; N2O 500 × 0.1 kg = 0.05 t × 265 = 13.25.
    assert_eq!(inv.rows[0].emissions.co2, Some(dec!(28050)));
    assert_eq!(inv.rows[0].emissions.ch4, Some(dec!(14)));
    assert_eq!(inv.rows[0].emissions.n2o, Some(dec!(13.25)));
    assert_eq!(totals[0], dec!(28077.25));
    assert_eq!(inv.rows[0].origin, Origin::Release);
    // 10 000 MWh × 0.5 t/MWh.
    assert_eq!(totals[1], dec!(5000));
    // 1 000 000 L × 2.68 kg = 2 680 t; CH4 100 kg × 28 = 2.8; N2O 150 kg × 265 = 39.75.
    assert_eq!(totals[2], dec!(2722.55));
    assert_eq!((totals[3], totals[4], totals[5]), (dec!(1200), dec!(300), dec!(4000)));
    assert_eq!(inv.rows[6].origin, Origin::Key);
    // Wood: CO2 100 × 112 000 kg = 11 200 t biogenic; CH4 3 t × 28 = 84; N2O 0.4 t × 265 = 106.
    assert_eq!(inv.rows[7].emissions.biogenic, Some(dec!(11200)));
    assert_eq!(totals[7], dec!(190));
    let t = inv.totals;
    // BASIC: 28 077.25 + 5 000 + 2 722.55 + 1 200 + 190; III.1.3 and I.4.4 are outside it.
    assert_eq!(t.basic, dec!(37189.80));
    assert_eq!(t.basic_plus, dec!(37189.80));
    assert_eq!(t.ecrf, dec!(37489.80));
    assert_eq!(t.generation, dec!(4000));
    assert_eq!(t.biogenic, dec!(11200));
    assert_eq!(t.co2 + t.ch4 + t.n2o + t.unsplit, t.ecrf);
    assert_eq!(t.ch4, dec!(14) + dec!(2.8) + dec!(1200) + dec!(84));
    assert!(inv.warnings.is_empty());

    let summary = inv.summary().unwrap();
    let cell = |row: u32, scope: Scope| summary.iter().find(|c| c.row == row && c.scope == scope);
    assert_eq!(cell(4, Scope::S1).unwrap().value, Some(dec!(28077.25)));
    assert_eq!(cell(4, Scope::S2).unwrap().value, Some(dec!(5000)));
    // Waste from outside the city is direct emissions of the solid-waste row.
    assert_eq!(cell(17, Scope::S1).unwrap().value, Some(dec!(1500)));
    assert_eq!(cell(22, Scope::S1).unwrap().keys, vec![NotationKey::NotOccurring]);
    assert_eq!(cell(29, Scope::S1).unwrap().value, Some(dec!(4000)));
    let grand: Decimal = Scope::ALL.iter().filter_map(|&s| cell(34, s)?.value).sum();
    assert_eq!(grand, t.ecrf);
}

#[test]
fn the_gwp_set_weighs_the_gases() {
    let ar4 = compute(&city(), ctx(Some("ar4"))).unwrap();
    // CH4 × 25 and N2O × 298 instead of 28 and 265.
    assert_eq!(ar4.rows[0].emissions.ch4, Some(dec!(12.5)));
    assert_eq!(ar4.rows[0].emissions.n2o, Some(dec!(14.9)));
    assert!(compute(&city(), ctx(Some("ar9"))).is_err());
}

#[test]
fn a_fuel_quantity_against_a_factor_per_energy() {
    // 1 000 L of diesel × 0.84 kg/L × 43.0 MJ/kg = 36 120 MJ = 0.03612 TJ; × 74 100 kg/TJ.
    let inv = compute(&[activity("II.1.1", "diesel", dec!(1000), "L")], ctx(None)).unwrap();
    assert_eq!(inv.rows[0].emissions.co2, Some(dec!(2676.492) / dec!(1000)));
    // MJ against a factor per MWh: one rounded quotient.
    let mut r = activity("I.2.1", "natural_gas", dec!(1), "MJ");
    r.factor_unit = FactorUnit::parse("t/MWh");
    r.factors.co2e = Some(dec!(0.2));
    let inv = compute(&[r], ctx(None)).unwrap();
    assert_eq!(inv.rows[0].total(), dec!(0.000055555555556));
}

#[test]
fn every_row_error_at_once() {
    let mut key = row("I.5.1", None);
    key.key = Some(NotationKey::NotEstimated);
    let mut key_value = row("I.5.2", None);
    key_value.key = Some(NotationKey::NotOccurring);
    key_value.explanation = Some("x".into());
    key_value.emissions.co2e = Some(dec!(1));
    let mut mismatch = activity("V.1", "cattle", dec!(100), "head");
    mismatch.factor_unit = FactorUnit::parse("kg/TJ");
    mismatch.factors.ch4 = Some(dec!(60));
    let rows = [
        key,
        key_value,
        mismatch,
        activity("I.1.1", "peat briquettes", dec!(1), "TJ"),
        activity("I.1.1", "electricity", dec!(1), "MWh"),
        row("II.2.1", None),
    ];
    let errors = compute(&rows, ctx(None)).unwrap_err();
    let codes: Vec<&str> = errors.iter().map(|e| e.kind().code()).collect();
    assert_eq!(
        codes,
        [
            "crf_key_needs_explanation",
            "crf_key_with_value",
            "crf_unit_mismatch",
            "crf_no_factor",
            "crf_no_factor",
            "crf_no_data"
        ]
    );
}

#[test]
fn entered_emissions_are_checked_against_activity() {
    let mut r = activity("I.2.1", "fuel oil", dec!(10), "TJ");
    r.factor_unit = FactorUnit::parse("kg/TJ");
    r.factors.co2 = Some(dec!(77400));
    r.emissions.co2 = Some(dec!(800));
    r.emissions.co2e = Some(dec!(800));
    let inv = compute(&[r], ctx(None)).unwrap();
    // The entered value is kept; 774 t computed differs by more than 0.5 %.
    assert_eq!(inv.totals.ecrf, dec!(800));
    assert_eq!(inv.warnings.len(), 1);
    assert_eq!(inv.warnings[0].code(), "crf_mismatch");
}
