//! Property tests of CRF inventories: the totals add up and nest, the gases add up to the
//! eCRF total, emissions scale with activity, and (with the workbook reader) an inventory
//! written as an eCRF workbook and read back gives the same totals per gas.
#![cfg(not(target_arch = "wasm32"))]

use covenant_core::Country;
use covenant_core::crf::NotationKey;
use covenant_core::factors::Catalog;
use covenant_core::gpc::taxonomy::LINES;
use covenant_core::gpc::units::{CrfUnit, FactorUnit};
use covenant_core::gpc::{Context, CrfActivity, Gases, compute};
use covenant_core::taxonomy::Approach;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Up to 10^6 (a city's activity in one row) with up to `dp` decimals. Rows of such amounts
/// times factors up to 10^3 stay below 10^11 t, so that the sums of values with 15 decimal
/// places keep every digit (a decimal has 28): exact, as a city's inventory is.
fn amount(dp: u32) -> impl Strategy<Value = Decimal> {
    (0i64..1_000_000, 0..=dp).prop_map(|(m, s)| Decimal::new(m, 0) + Decimal::new(m % 997, s))
}

/// A factor up to 10^3 with up to `dp` decimals.
fn factor(dp: u32) -> impl Strategy<Value = Option<Decimal>> {
    prop::option::of(
        (0i64..10_000_000, 0..=dp).prop_map(|(m, s)| Decimal::new(m % 1_000_000, s.max(3))),
    )
}

fn opt(dp: u32) -> impl Strategy<Value = Option<Decimal>> {
    prop::option::of(amount(dp))
}

/// A row of any line: entered emissions, activity × own factors (energy, volume, mass or a
/// count), or a notation key.
pub fn row() -> impl Strategy<Value = CrfActivity> {
    let line = prop::sample::select((0..LINES.len()).collect::<Vec<_>>());
    let units = prop::sample::select(vec![
        ("TJ", "kg/TJ"),
        ("MJ", "gCO2e/MJ"),
        ("MWh", "t/MWh"),
        ("kWh", "kg/kWh"),
        ("L", "kg/L"),
        ("t", "kg/t"),
        ("head", "kg/head"),
    ]);
    prop_oneof![
        3 => (line.clone(), opt(3), opt(3), opt(3), opt(3), opt(3)).prop_map(|(l, co2, ch4, n2o, total, bio)| {
            let mut a = CrfActivity::new(&LINES[l]);
            a.emissions = Gases { co2, ch4, n2o, co2e: total, biogenic: bio };
            if !a.emissions.any() {
                a.emissions.co2e = Some(Decimal::ONE);
            }
            // A total given beside its gases is their sum (no mismatch to warn of).
            if a.emissions.co2e.is_some() && (a.emissions.co2.is_some() || a.emissions.ch4.is_some() || a.emissions.n2o.is_some()) {
                a.emissions.co2e = None;
            }
            a
        }),
        3 => (line.clone(), amount(2), units, factor(6), factor(6), factor(6), factor(6)).prop_map(|(l, amt, (u, fu), co2, ch4, n2o, co2e)| {
            let mut a = CrfActivity::new(&LINES[l]);
            a.fuel = Some("measured fuel".into());
            a.amount = Some(amt);
            a.unit = CrfUnit::parse(u);
            a.factor_unit = FactorUnit::parse(fu);
            let per_gas = co2.is_some() || ch4.is_some() || n2o.is_some();
            a.factors = Gases { co2, ch4, n2o, co2e: if per_gas { None } else { Some(co2e.unwrap_or(Decimal::ONE)) }, biogenic: None };
            a
        }),
        1 => line.prop_map(|l| {
            let mut a = CrfActivity::new(&LINES[l]);
            a.key = Some(NotationKey::NotOccurring);
            a.explanation = Some("does not occur".into());
            a
        }),
    ]
}

pub fn ctx() -> Context<'static> {
    Context {
        release: Catalog::embedded().release(Some("com-2024.3")).unwrap(),
        country: Country::parse("MX").unwrap(),
        year: 2020,
        approach: Approach::Lca,
        gwp: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn totals_nest_and_gases_add_up(rows in prop::collection::vec(row(), 1..40)) {
        let inv = compute(&rows, ctx()).unwrap();
        let t = inv.totals;
        prop_assert!(t.basic <= t.basic_plus && t.basic_plus <= t.ecrf);
        prop_assert_eq!(t.co2 + t.ch4 + t.n2o + t.unsplit, t.ecrf);
        let all: Decimal = inv.rows.iter().map(|r| r.total()).sum();
        prop_assert_eq!(all, t.ecrf + t.generation + t.out_of_scope);
        prop_assert!(inv.warnings.is_empty());
        // The summary's grand total is the eCRF total.
        let summary = inv.summary().unwrap();
        let grand: Decimal = summary.iter().filter(|c| c.row == 34).filter_map(|c| c.value).sum();
        prop_assert_eq!(grand, t.ecrf);
    }

    #[test]
    fn emissions_scale_with_activity(rows in prop::collection::vec(row(), 1..20), k in 1u32..50) {
        let scaled: Vec<CrfActivity> = rows
            .iter()
            .map(|r| {
                let mut r = r.clone();
                let k = Decimal::from(k);
                if let Some(a) = r.amount.as_mut() { *a *= k; }
                for v in [&mut r.emissions.co2, &mut r.emissions.ch4, &mut r.emissions.n2o, &mut r.emissions.co2e, &mut r.emissions.biogenic] {
                    if let Some(v) = v.as_mut() { *v *= k; }
                }
                r
            })
            .collect();
        let (one, many) = (compute(&rows, ctx()).unwrap(), compute(&scaled, ctx()).unwrap());
        // Quotients are rounded to 15 places: compare to within k × 1e-15 per row.
        let slack = Decimal::new(i64::from(k) * rows.len() as i64, 15);
        prop_assert!((one.totals.ecrf * Decimal::from(k) - many.totals.ecrf).abs() <= slack);
    }
}

/// With the workbook writer and reader: an inventory written as an eCRF workbook and imported
/// back is the same inventory, gas by gas.
#[cfg(all(feature = "xlsx", feature = "ecrf-read"))]
mod workbook {
    use super::*;
    use covenant_core::InventorySpec;
    use covenant_core::ecrf::{convert, import, read_located, write_workbook};
    use covenant_core::inventory::InventoryBuilder;
    use covenant_core::taxonomy::Framework;

    /// A spreadsheet holds numbers as `f64`: a value with more than 15 significant digits
    /// comes back as the nearest one. Totals agree to this precision relative to the largest
    /// row (a total's gases and its CO2-eq are rounded separately, so that a small part, the
    /// CO2-eq not split by gas, takes the rounding of a large one).
    fn close(a: Decimal, b: Decimal, scale: Decimal) -> bool {
        (a - b).abs() <= Decimal::new(1, 12) * (Decimal::ONE + scale)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn written_as_ecrf_and_imported_back_gives_the_same_totals_per_gas(
            rows in prop::collection::vec(row(), 1..30)
        ) {
            let catalog = Catalog::embedded();
            let release = catalog.release(Some("com-2024.3")).unwrap();
            let mut spec = InventorySpec::baseline("RT", Country::parse("MX").unwrap(), 2020);
            spec.framework = Framework::Crf;
            spec.approach = Approach::Lca;
            spec.gases = covenant_core::GasBasis::Co2e;
            spec.release = Some("com-2024.3".into());
            let mut b = InventoryBuilder::new(spec, release);
            for r in &rows {
                b.add_crf(r.clone()).unwrap();
            }
            let inv = b.finish(&[]).unwrap();
            let wb = convert::to_workbook(&inv).unwrap();
            let bytes = write_workbook(&wb).unwrap();
            let (back, pos, read_findings) = read_located(&bytes).unwrap();
            prop_assert_eq!(read_findings, vec![]);
            let book = import::Book { file: "RT.xlsx", workbook: &back, positions: &pos };
            let opts = import::ImportOptions { approach: Some(Approach::Lca), ..Default::default() };
            let imported = import::import(&[book], catalog, opts);
            let messages: Vec<String> = imported.findings.iter().map(ToString::to_string).collect();
            prop_assert!(messages.is_empty(), "{messages:#?}");
            prop_assert_eq!(imported.output.inventories.len(), 1);
            let again = imported.output.inventories[0].inventory.crf.as_ref().unwrap();
            let first = inv.crf.as_ref().unwrap();
            let (t, u) = (&first.totals, &again.totals);
            let scale = first.rows.iter().map(|r| r.total().abs()).max().unwrap_or_default();
            for (a, b) in [
                (t.co2, u.co2),
                (t.ch4, u.ch4),
                (t.n2o, u.n2o),
                (t.unsplit, u.unsplit),
                (t.ecrf, u.ecrf),
                (t.basic, u.basic),
                (t.basic_plus, u.basic_plus),
                (t.generation, u.generation),
                (t.out_of_scope, u.out_of_scope),
                (t.biogenic, u.biogenic),
            ] {
                prop_assert!(close(a, b, scale), "{a} != {b}");
            }
        }
    }
}
