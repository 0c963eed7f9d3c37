//! Property tests of the engine's invariants: totals conserve, row order does not matter,
//! emissions scale linearly with activity, unit conversions round-trip, and no input panics.
#![cfg(not(target_arch = "wasm32"))]

use covenant_core::batch::{self, BatchInput};
use covenant_core::factors::Catalog;
use covenant_core::inventory::{
    Activity, FactorOverride, Inventory, InventorySpec, OverrideScope, compute,
};
use covenant_core::quantity::{ActivityUnit, EmissionFactor, Emissions, Energy, EnergyUnit};
use covenant_core::{Carrier, Country, Sector};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// A decimal with up to `dp` decimals and at most 10^9 in size: exact arithmetic is guaranteed.
fn amount(dp: u32) -> impl Strategy<Value = Decimal> {
    (0i64..1_000_000_000_000, 0..=dp).prop_map(|(m, s)| Decimal::new(m, s))
}

fn energy_unit() -> impl Strategy<Value = ActivityUnit> {
    prop::sample::select(EnergyUnit::ALL.to_vec()).prop_map(ActivityUnit::Energy)
}

fn activity() -> impl Strategy<Value = Activity> {
    let energy =
        (prop::sample::select(Sector::ALL.to_vec()), prop::sample::select(Carrier::ALL.to_vec()))
            .prop_filter("energy sector accepting the carrier", |(s, c)| {
                s.is_energy() && s.accepts(*c)
            });
    prop_oneof![
        4 => (energy, amount(3), energy_unit()).prop_map(|((sector, carrier), amount, unit)| Activity {
            sector, carrier: Some(carrier), amount, unit, variant: Default::default(), line: None
        }),
        1 => (prop::sample::select(vec![Sector::Waste, Sector::Wastewater, Sector::OtherNonEnergy]), amount(3))
            .prop_map(|(sector, amount)| Activity { sector, carrier: None, amount, unit: ActivityUnit::TonneCo2, variant: Default::default(), line: None }),
    ]
}

fn rows() -> impl Strategy<Value = Vec<Activity>> {
    prop::collection::vec(activity(), 1..40).prop_map(|mut v| {
        for (i, a) in v.iter_mut().enumerate() {
            a.line = Some(i as u64 + 2);
        }
        v
    })
}

/// Every carrier gets a factor (heat/cold and other fossil fuels have no default).
fn overrides() -> Vec<FactorOverride> {
    [(Carrier::HeatCold, Decimal::new(347, 3)), (Carrier::OtherFossil, Decimal::new(2795, 4))]
        .into_iter()
        .map(|(carrier, f)| FactorOverride {
            carrier,
            factor: EmissionFactor::t_per_mwh(f).unwrap(),
            source: Some("test".into()),
            scope: OverrideScope::Batch,
            line: None,
        })
        .collect()
}

fn spec() -> InventorySpec {
    InventorySpec::baseline("p", Country::parse("DE").unwrap(), 2015)
}

fn inventory(rows: &[Activity]) -> Inventory {
    compute(spec(), Catalog::embedded().newest(), rows, &overrides()).unwrap()
}

fn sum_emissions<'a>(it: impl Iterator<Item = &'a Emissions>) -> Emissions {
    it.fold(Emissions::ZERO, |a, b| a.checked_add(*b).unwrap())
}

fn sum_energy<'a>(it: impl Iterator<Item = &'a Energy>) -> Energy {
    it.fold(Energy::ZERO, |a, b| a.checked_add(*b).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn totals_conserve(rows in rows()) {
        let inv = inventory(&rows);
        let cells = sum_emissions(inv.cells.iter().map(|c| &c.emissions));
        let sectors = sum_emissions(inv.sectors.iter().map(|s| &s.emissions));
        let non_energy = sum_emissions(inv.cells.iter().filter(|c| c.carrier.is_none()).map(|c| &c.emissions));
        let carriers = sum_emissions(inv.carriers.iter().map(|c| &c.emissions)).checked_add(non_energy).unwrap();
        prop_assert_eq!(cells, inv.total_emissions);
        prop_assert_eq!(sectors, inv.total_emissions);
        prop_assert_eq!(carriers, inv.total_emissions);
        let e_cells = sum_energy(inv.cells.iter().filter_map(|c| c.energy.as_ref()));
        prop_assert_eq!(e_cells, inv.total_energy);
        prop_assert_eq!(sum_energy(inv.sectors.iter().map(|s| &s.energy)), inv.total_energy);
        prop_assert_eq!(sum_energy(inv.carriers.iter().map(|s| &s.energy)), inv.total_energy);
        // The energy of every row is in exactly one cell.
        let mut direct = Energy::ZERO;
        for a in rows.iter().filter(|a| a.carrier.is_some()) {
            let ActivityUnit::Energy(u) = a.unit else { unreachable!() };
            direct = direct.checked_add(Energy::new(a.amount, u).unwrap()).unwrap();
        }
        prop_assert_eq!(direct, inv.total_energy);
    }

    #[test]
    fn row_order_does_not_matter(rows in rows(), seed in any::<u64>()) {
        let mut shuffled = rows.clone();
        // A deterministic Fisher-Yates shuffle from the seed.
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        prop_assert_eq!(inventory(&rows), inventory(&shuffled));
    }

    #[test]
    fn emissions_scale_linearly(rows in rows(), k in 1u32..1000) {
        let k = Decimal::from(k);
        let scaled: Vec<Activity> = rows.iter().map(|a| Activity { amount: a.amount * k, ..a.clone() }).collect();
        let (a, b) = (inventory(&rows), inventory(&scaled));
        prop_assert_eq!(a.cells.len(), b.cells.len());
        for (x, y) in a.cells.iter().zip(&b.cells) {
            prop_assert_eq!(x.emissions.checked_scale(k).unwrap(), y.emissions);
        }
        prop_assert_eq!(a.total_emissions.checked_scale(k).unwrap(), b.total_emissions);
        prop_assert_eq!(a.total_energy.checked_scale(k).unwrap(), b.total_energy);
    }

    #[test]
    fn unit_conversions_round_trip(v in amount(6), from in prop::sample::select(EnergyUnit::ALL.to_vec()), to in prop::sample::select(EnergyUnit::ALL.to_vec())) {
        let e = Energy::new(v, from).unwrap();
        // Exactly back in the same unit.
        prop_assert_eq!(e.get(from), v.normalize());
        // Through another unit and back: within 1e-12 relative (exact unless a division by
        // 3.6 or 41.868 does not terminate within 28 digits).
        let there = e.get(to);
        let back = Energy::new(there, to).unwrap().get(from);
        if !v.is_zero() {
            let rel = ((back - v) / v).abs();
            prop_assert!(rel < Decimal::new(1, 12), "{} {:?} -> {} {:?} -> {}", v, from, there, to, back);
        }
        // kWh, MWh, GWh and toe convert to MWh exactly.
        if matches!(from, EnergyUnit::KilowattHour | EnergyUnit::MegawattHour | EnergyUnit::GigawattHour | EnergyUnit::TonneOfOilEquivalent) {
            prop_assert_eq!(e.mwh() * Decimal::from(3600), e.megajoules());
        }
    }

    #[test]
    fn batch_reader_never_panics_on_bytes(inv in prop::collection::vec(any::<u8>(), 0..300), act in prop::collection::vec(any::<u8>(), 0..300)) {
        let out = batch::run(BatchInput { inventories: ("i", &inv[..]), activity: ("a", &act[..]), factors: None , supply: None, actions: None, crf_activity: None }, Catalog::embedded());
        // Garbage in gives errors or (rarely) a valid result, never a panic.
        prop_assert!(!out.errors.is_empty() || !out.inventories.is_empty());
    }

    #[test]
    fn batch_reader_never_panics_on_text(inv in "[a-z_,0-9\\.\\-\n\" ]{0,200}", act in "[a-zA-Z_,0-9\\.\\-\n\" ]{0,300}") {
        let header_inv = format!("inventory_id,country,year,population\n{inv}");
        let header_act = format!("inventory_id,sector,carrier,amount,unit\n{act}");
        let out = batch::run(BatchInput { inventories: ("i", header_inv.as_bytes()), activity: ("a", header_act.as_bytes()), factors: None , supply: None, actions: None, crf_activity: None }, Catalog::embedded());
        for e in &out.errors {
            prop_assert!(!e.message.is_empty());
        }
        // The pipelined reader (two threads) gives exactly the same output.
        let options = batch::Options { threads: 2, ..batch::Options::default() };
        let two = batch::run_with(BatchInput { inventories: ("i", header_inv.as_bytes()), activity: ("a", header_act.as_bytes()), factors: None , supply: None, actions: None, crf_activity: None }, Catalog::embedded(), options, &mut |_| {});
        prop_assert_eq!(out, two);
    }
}

proptest! {
    #[test]
    fn crlf_reader_matches_replace(bytes in prop::collection::vec(prop::sample::select(vec![b'a', b'\r', b'\n', b',']), 0..200), chunk in 1usize..7) {
        use std::io::Read;
        // An inner reader that returns at most `chunk` bytes per call.
        struct Chunky<'a>(&'a [u8], usize);
        impl Read for Chunky<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = Vec::new();
        let mut r = batch::CrlfToLf::new(Chunky(&bytes, chunk));
        let mut buf = vec![0u8; chunk];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 { break; }
            out.extend_from_slice(&buf[..n]);
        }
        let expected = String::from_utf8(bytes.clone()).unwrap().replace("\r\n", "\n").replace('\r', "\n");
        prop_assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}

proptest! {
    #[test]
    fn every_written_decimal_reads_back(lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(), negative in any::<bool>(), scale in 0u32..=28) {
        let d = Decimal::from_parts(lo, mid, hi, negative, scale);
        let text = covenant_core::quantity::format_decimal(d);
        prop_assert_eq!(covenant_core::quantity::parse_decimal(&text), Ok(d.normalize()));
        prop_assert!(!text.contains('e') && !text.contains('E'));
    }

    /// The strict reader agrees with rust_decimal's exact parser on every plain decimal of up to
    /// 28 digits (the u64 and u128 paths of the mantissa both).
    #[test]
    fn read_decimals_match_rust_decimal(int in "[0-9]{1,20}", frac in proptest::option::of("[0-9]{1,14}"), negative in any::<bool>()) {
        // At most 28 digits in all (the documented limit of an amount).
        let frac = frac.map(|f| f[..f.len().min(28 - int.len())].to_string()).filter(|f| !f.is_empty());
        let text = format!("{}{int}{}", if negative { "-" } else { "" }, frac.map(|f| format!(".{f}")).unwrap_or_default());
        let expected = <Decimal as std::str::FromStr>::from_str(&text).unwrap();
        prop_assert_eq!(covenant_core::quantity::parse_decimal(&text), Ok(expected));
    }

    /// The fast writer prints what rust_decimal's own `Display` prints for the normalized value,
    /// for every mantissa size (one or two 64-bit halves) and scale.
    #[test]
    fn written_decimals_match_rust_decimal(lo in any::<u32>(), mid in any::<u32>(), hi in prop_oneof![Just(0u32), 0u32..4, any::<u32>()], negative in any::<bool>(), scale in 0u32..=28, small in any::<bool>()) {
        let d = if small { Decimal::from_parts(lo % 1000, 0, 0, negative, scale) } else { Decimal::from_parts(lo, mid, hi, negative, scale) };
        prop_assert_eq!(covenant_core::quantity::format_decimal(d), d.normalize().to_string());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// MWh and tonnes divide by 3 600 with 64-bit integers where that gives the same decimal:
    /// they equal the general quotient (same digits and scale) for every magnitude, scale and
    /// sign, terminating or not, inside the range of that path and beyond it.
    #[test]
    fn division_by_3600_matches_the_general_quotient(
        small in 0u64..100_000_000,
        large in any::<u64>(),
        limit in 0u64..2_000_000,
        hi in any::<u32>(),
        kind in 0u8..4,
        scale in 0u32..=16,
        negative in any::<bool>(),
        multiple_of_nine in any::<bool>(),
    ) {
        // Small and large 64-bit mantissas, 96-bit ones, and those around the path's limit of
        // 3.6 · 10^13 · 10^scale.
        let mut m: u128 = match kind {
            0 => u128::from(small),
            1 => u128::from(large),
            2 => (u128::from(hi) << 64) | u128::from(large),
            _ => (36_000_000_000_000u128 * 10u128.pow(scale.min(11))).saturating_sub(1_000_000) + u128::from(limit),
        };
        m = m.min((1u128 << 96) - 1);
        if multiple_of_nine {
            m -= m % 9;
        }
        let d = Decimal::from_i128_with_scale(if negative { -(m as i128) } else { m as i128 }, scale);
        let general = covenant_core::quantity::quotient(d, Decimal::from(3600)).unwrap();
        let fast = Energy::from_megajoules(d).mwh();
        prop_assert_eq!((fast.mantissa(), fast.scale()), (general.mantissa(), general.scale()), "{}", d);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    /// Sums of energies and emissions (128-bit integers where they fit) are exactly what
    /// `Decimal::checked_add` gives: the same digits, scale and sign, or both overflow.
    #[test]
    fn sums_match_rust_decimal(
        a in (any::<u32>(), any::<u32>(), prop_oneof![Just(0u32), 0u32..16, any::<u32>()], any::<bool>(), 0u32..=28),
        b in (any::<u32>(), any::<u32>(), prop_oneof![Just(0u32), 0u32..16, any::<u32>()], any::<bool>(), 0u32..=28),
        small in any::<bool>(),
        zero in 0u8..6,
    ) {
        let make = |(lo, mid, hi, negative, scale): (u32, u32, u32, bool, u32)| {
            if small { Decimal::from_parts(lo % 100_000, 0, 0, negative && lo % 3 == 0, scale % 8) } else { Decimal::from_parts(lo, mid, hi, negative, scale) }
        };
        // A running total starts at zero; zeros of any scale and sign keep the other number.
        let zero_like = |(_, _, _, negative, scale): (u32, u32, u32, bool, u32)| Decimal::from_parts(0, 0, 0, negative, scale);
        let (a, b) = match zero {
            0 => (Decimal::ZERO, make(b)),
            1 => (zero_like(a), make(b)),
            2 => (make(a), zero_like(b)),
            _ => (make(a), make(b)),
        };
        let expected = a.checked_add(b);
        let got = Energy::from_megajoules(a).checked_add(Energy::from_megajoules(b)).ok().map(|e| e.megajoules());
        prop_assert_eq!(got.map(|d| d.serialize()), expected.map(|d| d.serialize()), "{} + {}", a, b);
    }

    /// Short amounts read by the fast path equal rust_decimal's reading (zero without a sign).
    #[test]
    fn short_decimals_match_rust_decimal(int in "[0-9]{0,12}", frac in proptest::option::of("[0-9]{0,8}"), sign in prop::sample::select(vec!["", "-", "+"])) {
        let text = format!("{sign}{int}{}", frac.as_ref().map(|f| format!(".{f}")).unwrap_or_default());
        let parsed = covenant_core::quantity::parse_decimal(&text);
        match <Decimal as std::str::FromStr>::from_str(&text) {
            Ok(d) if int.len() + frac.as_ref().map_or(0, String::len) > 0 => {
                let d = if d.is_zero() { Decimal::from_parts(0, 0, 0, false, d.scale()) } else { d };
                prop_assert_eq!(parsed.map(|p| p.serialize()), Ok(d.serialize()), "{}", text);
            }
            _ => prop_assert!(parsed.is_err(), "{}", text),
        }
    }
}

mod formulas {
    use super::*;
    use covenant_core::supply::{
        ChpEfficiencies, EfeCase, ElectricityTerms, chp_allocation, local_electricity_factor,
    };

    fn mwh(v: Decimal) -> Energy {
        Energy::from_mwh(v).unwrap()
    }

    proptest! {
        #[test]
        fn chp_parts_add_up_to_the_plant_total(total in amount(3), heat in amount(3), el in amount(3), eh in 1u32..=100, ee in 1u32..=100) {
            let eta = ChpEfficiencies { heat: Decimal::new(eh.into(), 2), electricity: Decimal::new(ee.into(), 2) };
            let t = Emissions::from_tonnes(total).unwrap();
            let s = chp_allocation(t, mwh(heat), mwh(el), eta).unwrap();
            prop_assert_eq!(s.heat.checked_add(s.electricity).unwrap(), t);
            prop_assert!(s.heat_share >= Decimal::ZERO && s.heat_share <= Decimal::ONE);
        }

        /// Consumption × EFE gives back the formula's numerator: the grid part plus local emissions
        /// (to the factor's rounding at 15 decimal places, times the energy), and the branch
        /// follows the annex condition.
        #[test]
        fn efe_branches_and_conservation(tce in 1i64..10_000_000, lpe in 0i64..10_000_000, gep in 0i64..1_000_000, neefe in 0i64..2000, co2 in 0i64..1_000_000) {
            let d = |v: i64| Decimal::from(v);
            let t = ElectricityTerms {
                tce: mwh(d(tce)),
                lpe: mwh(d(lpe)),
                gep: mwh(d(gep)),
                neefe: Some(EmissionFactor::t_per_mwh(Decimal::new(neefe, 3)).unwrap()),
                co2_lpe: Emissions::from_tonnes(d(co2)).unwrap(),
                co2_gep: Emissions::ZERO,
            };
            let (efe, case) = local_electricity_factor(&t).unwrap();
            if lpe + gep > tce {
                prop_assert_eq!(case, EfeCase::NetExporter);
                let back = efe.value() * d(lpe + gep);
                prop_assert!((back - d(co2)).abs() <= Decimal::new(5, 16) * d(lpe + gep));
            } else {
                prop_assert_eq!(case, EfeCase::General);
                let expected = d(tce - lpe - gep) * Decimal::new(neefe, 3) + d(co2);
                prop_assert!((efe.value() * d(tce) - expected).abs() <= Decimal::new(5, 16) * d(tce));
            }
        }
    }
}

mod random_batches {
    use super::*;
    use covenant_core::quantity::parse_decimal;

    /// A structurally valid batch: `n` inventories with random rows of valid codes and units.
    fn batch() -> impl Strategy<Value = (String, String, String)> {
        let row = (
            prop::sample::select(Sector::ALL.to_vec()),
            prop::sample::select(Carrier::ALL.to_vec()),
            0u64..10_000_000,
            0u32..4,
            prop::sample::select(vec!["MWh", "kWh", "GWh", "GJ", "TJ", "toe"]),
        );
        (1usize..6, prop::collection::vec((0usize..6, row), 1..60)).prop_map(|(n, rows)| {
            let mut inv = String::from("inventory_id,country,year,population\n");
            for i in 0..n {
                inv.push_str(&format!("inv-{i},DE,2015,{}\n", 1000 + i));
            }
            let mut act = String::from("inventory_id,sector,carrier,amount,unit\n");
            for i in 0..n {
                // Every inventory has at least one row.
                act.push_str(&format!("inv-{i},waste,,1,tCO2\n"));
            }
            for (k, (sector, carrier, m, scale, unit)) in rows {
                let id = format!("inv-{}", k % n);
                let amount = Decimal::new(m as i64, scale);
                if sector.is_energy() && sector.accepts(carrier) {
                    act.push_str(&format!("{id},{sector},{carrier},{amount},{unit}\n"));
                } else if !sector.is_energy() {
                    act.push_str(&format!("{id},{sector},,{amount},tCO2\n"));
                }
            }
            let fac =
                "carrier,factor,source\nheat_cold,0.25,test\nother_fossil,0.3,test\n".to_string();
            (inv, act, fac)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn valid_batches_compute_and_their_files_add_up((inv, act, fac) in batch()) {
            let out = batch::run(
                BatchInput { inventories: ("i", inv.as_bytes()), activity: ("a", act.as_bytes()), factors: Some(("f", fac.as_bytes())), supply: None, actions: None, crf_activity: None },
                Catalog::embedded(),
            );
            prop_assert!(out.errors.is_empty(), "{:?}", out.errors);
            let mut emissions = Vec::new();
            batch::write_emissions(&mut emissions, &out.inventories).unwrap();
            let mut summary = Vec::new();
            batch::write_summary(&mut summary, &out.inventories).unwrap();
            // The written cells of each inventory add up to its written total, to the rounding of
            // each written number: a non-terminating quotient (t from t·MJ/MWh) is rounded to 15
            // decimal places, so each part and the total are within half a unit of the 15th place
            // (documented: displayed parts may differ in the last digit).
            let mut sums = std::collections::BTreeMap::<String, (Decimal, i64)>::new();
            for line in String::from_utf8(emissions).unwrap().lines().skip(1) {
                let f: Vec<&str> = line.split(',').collect();
                let e = sums.entry(f[0].to_string()).or_default();
                e.0 += parse_decimal(f[6]).unwrap();
                e.1 += 1;
            }
            for line in String::from_utf8(summary).unwrap().lines().skip(1) {
                let f: Vec<&str> = line.split(',').collect();
                let total = parse_decimal(f[10]).unwrap();
                let (sum, parts) = sums[f[0]];
                let tolerance = Decimal::new(5, 16) * Decimal::from(parts + 1);
                prop_assert!((sum - total).abs() <= tolerance, "{} vs {}", sum, total);
            }
        }
    }

    /// Whether a written number ends in a run of six or more nines or zeros after the decimal
    /// point, with at most one digit after the run, beyond the 15 places of the engine's rounded
    /// quotients: the trace of a division rounded at the 28th digit
    /// (`3208.4599327499999999999999998`, `0.1000000000000000000000000001`). A quotient rounded
    /// to 15 places may end in nines (`6643.699401355999999` is 6643.6994013559999986…).
    fn division_artifact(field: &str) -> bool {
        let Some((_, frac)) = field.split_once('.') else { return false };
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        if frac.len() <= covenant_core::quantity::QUOTIENT_PLACES as usize {
            return false;
        }
        let digits = frac.as_bytes();
        let body = &digits[..digits.len().saturating_sub(1)];
        [b'9', b'0'].iter().any(|&d| {
            [digits, body].iter().any(|part| {
                let run = part.iter().rev().take_while(|&&b| b == d).count();
                // Leading zeros of a small number (0.0000001) are not a trace of anything.
                run >= 6 && (d == b'9' || run < part.len())
            })
        })
    }

    #[test]
    fn the_artifact_check_finds_artifacts() {
        assert!(division_artifact("3208.4599327499999999999999998"));
        assert!(division_artifact("0.1000000000000000000000000001"));
        assert!(division_artifact("2.1999999999999999"));
        assert!(!division_artifact("6643.699401355999999"));
        assert!(!division_artifact("3208.45993275"));
        assert!(!division_artifact("1000000"));
        assert!(!division_artifact("0.142857142857143"));
        assert!(!division_artifact("0.0000001"));
        assert!(!division_artifact("-12.00000005"));
    }

    /// Baselines with targets and monitoring inventories with other years and populations, in
    /// units whose conversions divide (GJ, TJ, toe, kWh).
    fn compared_batch() -> impl Strategy<Value = (String, String)> {
        let row = (
            prop::sample::select(vec![
                ("residential_buildings", "natural_gas"),
                ("residential_buildings", "electricity"),
                ("tertiary_buildings", "heating_oil"),
                ("private_transport", "diesel"),
                ("municipal_buildings", "electricity"),
            ]),
            1u64..100_000_000,
            0u32..5,
            prop::sample::select(vec!["MWh", "kWh", "GJ", "TJ", "toe"]),
        );
        (
            prop::collection::vec((1u64..5_000_000, 1u32..=100, any::<bool>(), 2011u16..2031), 1..4),
            // Monitoring years with national electricity factors (to 2021), some after the target year.
            prop::collection::vec((0usize..3, 2011u16..=2021, 1u64..5_000_000), 0..6),
            prop::collection::vec((0usize..9, row), 1..40),
        )
            .prop_map(|(bases, monitors, rows)| {
                let mut inv = String::from(
                    "inventory_id,country,year,kind,baseline_id,population,target_year,target_reduction_pct,target_kind\n",
                );
                let mut ids = Vec::new();
                for (i, (pop, pct, per_capita, target_year)) in bases.iter().enumerate() {
                    let kind = if *per_capita { "per_capita" } else { "absolute" };
                    inv.push_str(&format!("b{i},IT,2010,baseline,,{pop},{target_year},{pct},{kind}\n"));
                    ids.push(format!("b{i}"));
                }
                for (j, (b, year, pop)) in monitors.iter().enumerate() {
                    let b = b % bases.len();
                    inv.push_str(&format!("m{j},IT,{year},monitoring,b{b},{pop},,,\n"));
                    ids.push(format!("m{j}"));
                }
                let mut act = String::from("inventory_id,sector,carrier,amount,unit\n");
                for id in &ids {
                    act.push_str(&format!("{id},waste,,7,tCO2\n"));
                }
                for (k, ((sector, carrier), m, scale, unit)) in rows {
                    let id = &ids[k % ids.len()];
                    let amount = Decimal::new(m as i64, scale);
                    act.push_str(&format!("{id},{sector},{carrier},{amount},{unit}\n"));
                }
                (inv, act)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// No number in any output ends in a run of nines or zeros left over from a division:
        /// quotients are exact where they terminate and rounded to 15 places where they do not.
        #[test]
        fn no_output_number_carries_a_division_artifact((inv, act) in compared_batch()) {
            let out = batch::run(
                BatchInput { inventories: ("i", inv.as_bytes()), activity: ("a", act.as_bytes()), factors: None, supply: None, actions: None, crf_activity: None },
                Catalog::embedded(),
            );
            prop_assert!(out.errors.is_empty(), "{:?}", out.errors);
            let mut files = vec![Vec::new(), Vec::new(), Vec::new(), Vec::new()];
            batch::write_emissions(&mut files[0], &out.inventories).unwrap();
            batch::write_summary(&mut files[1], &out.inventories).unwrap();
            batch::write_trajectory(&mut files[2], &out.inventories).unwrap();
            batch::write_crf(&mut files[3], &out.inventories).unwrap();
            for file in files {
                for line in String::from_utf8(file).unwrap().lines().skip(1) {
                    for field in line.split(',') {
                        prop_assert!(!division_artifact(field), "{} in {}", field, line);
                    }
                }
            }
        }
    }
}

/// Plausibility warnings (`covenant_core::plausibility`): they never change a number, and a
/// cell entered ×1000 is flagged alone.
mod plausibility {
    use super::*;
    use covenant_core::Population;

    /// Distinct energy cells (sector, carrier) with the release's factors for DE (or a batch-wide
    /// one), each split into one to three rows, amounts from 1 to 10^6 MWh.
    /// A cell's key and the amounts of its rows, MWh.
    type Cells = Vec<((Sector, Carrier), Vec<Decimal>)>;

    fn cells() -> impl Strategy<Value = Cells> {
        let key = (
            prop::sample::select(Sector::ALL.to_vec()),
            prop::sample::select(Carrier::ALL.to_vec()),
        )
            .prop_filter("energy sector accepting the carrier", |(s, c)| {
                s.is_energy() && s.accepts(*c)
            });
        let parts = prop::collection::vec(
            (1i64..1_000_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s).max(Decimal::ONE)),
            1..=3,
        );
        prop::collection::btree_map(key, parts, 1..12).prop_map(|m| m.into_iter().collect())
    }

    const FACTORS: &str = "carrier,factor\nheat_cold,0.347\nother_fossil,0.2795\n";

    fn activity_csv(inventories: &[(&str, &Cells)]) -> (String, Vec<Vec<u64>>) {
        let mut text = String::from("inventory_id,sector,carrier,amount,unit\n");
        let mut first_lines = Vec::new();
        let mut line = 1u64;
        for (id, cells) in inventories {
            for ((s, c), parts) in cells.iter() {
                let mut lines = Vec::new();
                for p in parts {
                    line += 1;
                    lines.push(line);
                    text.push_str(&format!("{id},{s},{c},{p},MWh\n"));
                }
                first_lines.push(lines);
            }
        }
        (text, first_lines)
    }

    fn run(inv: &str, act: &str) -> batch::BatchOutput {
        batch::run(
            BatchInput {
                inventories: ("inventories.csv", inv.as_bytes()),
                activity: ("activity.csv", act.as_bytes()),
                factors: Some(("factors.csv", FACTORS.as_bytes())),
                supply: None,
                actions: None,
                crf_activity: None,
            },
            Catalog::embedded(),
        )
    }

    const PAIR: &str =
        "inventory_id,country,year,kind,baseline_id\nB,DE,2015,baseline,\nM,DE,2020,monitoring,B\n";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Every value of one cell ×1000 in the monitoring inventory (the others changed by at
        /// most ±50 %, within the JRC's 70 %): the magnitude warning for that cell only, at its
        /// first line.
        #[test]
        fn a_cell_times_1000_warns_for_that_cell_only(base in cells(), change in prop::collection::vec(50u32..=150, 12), pick in any::<prop::sample::Index>()) {
            let k = pick.index(base.len());
            let mon: Vec<_> = base.iter().enumerate().map(|(i, (key, parts))| {
                let f = if i == k { Decimal::from(1000) } else { Decimal::new(i64::from(change[i]), 2) };
                (*key, parts.iter().map(|p| p * f).collect::<Vec<_>>())
            }).collect();
            let (act, lines) = activity_csv(&[("B", &base), ("M", &mon)]);
            let out = run(PAIR, &act);
            prop_assert!(out.errors.is_empty(), "{:?}", out.errors);
            let w: Vec<_> = out.warnings.iter().filter(|d| d.code.starts_with("magnitude")).collect();
            prop_assert_eq!(w.len(), 1, "{:?}", w);
            let ((s, c), _) = &base[k];
            prop_assert_eq!(w[0].params.get("sector"), Some(s.code()));
            prop_assert_eq!(w[0].params.get("carrier"), Some(c.code()));
            prop_assert_eq!(w[0].code, "magnitude_vs_baseline");
            prop_assert_eq!(w[0].line, Some(lines[base.len() + k][0]));
            prop_assert_eq!(w[0].inventory_id.as_deref(), Some("M"));
            // Without the ×1000, no magnitude warning at all.
            let calm: Vec<_> = mon.iter().enumerate().map(|(i, (key, parts))| {
                (*key, if i == k { base[i].1.clone() } else { parts.clone() })
            }).collect();
            let (act, _) = activity_csv(&[("B", &base), ("M", &calm)]);
            let out = run(PAIR, &act);
            prop_assert!(!out.warnings.iter().any(|d| d.code.starts_with("magnitude")), "{:?}", out.warnings);
        }

        /// The warnings never change a number: with a population small enough to flag per-capita
        /// electricity, every cell and total is that of the same inventory without population
        /// (and so without that warning); a user factor far above the release's is applied as
        /// given.
        #[test]
        fn warnings_never_change_an_emission(rows in rows(), population in 1u64..100, scale in prop::sample::select(vec![1i64, 1000])) {
            let mut with = spec();
            with.population = Population::new(population);
            let mut ov = overrides();
            let high = EmissionFactor::t_per_mwh(Decimal::new(202, 0)).unwrap();
            ov.push(FactorOverride { carrier: Carrier::NaturalGas, factor: high, source: None, scope: OverrideScope::Batch, line: Some(4) });
            let flagged = compute(with, Catalog::embedded().newest(), &rows, &ov).unwrap();
            let plain = compute(spec(), Catalog::embedded().newest(), &rows, &ov).unwrap();
            prop_assert_eq!(&flagged.cells, &plain.cells);
            prop_assert_eq!(flagged.total_emissions, plain.total_emissions);
            prop_assert_eq!(flagged.total_energy, plain.total_energy);
            for c in flagged.cells.iter().filter(|c| c.carrier == Some(Carrier::NaturalGas)) {
                prop_assert_eq!(c.factor, Some(high));
            }
            // Compared with a baseline (every amount ÷ `scale`), the monitoring inventory's
            // numbers are those it has alone.
            let energy: Vec<_> = rows.iter().filter(|a| a.carrier.is_some() && a.unit == ActivityUnit::Energy(EnergyUnit::MegawattHour)).collect();
            let mut act = String::from("inventory_id,sector,carrier,amount,unit\n");
            for a in &energy {
                let (s, c) = (a.sector, a.carrier.unwrap());
                act.push_str(&format!("B,{s},{c},{},MWh\nM,{s},{c},{},MWh\n", a.amount, a.amount * Decimal::from(scale)));
            }
            prop_assume!(!energy.is_empty());
            let paired = run(PAIR, &act);
            let alone = run("inventory_id,country,year\nM,DE,2020\n", &act.lines().filter(|l| !l.starts_with("B,")).collect::<Vec<_>>().join("\n"));
            prop_assert!(paired.errors.is_empty() && alone.errors.is_empty(), "{:?} {:?}", paired.errors, alone.errors);
            // The lines differ (the baseline's rows are interleaved): the numbers do not.
            let numbers = |i: &Inventory| i.cells.iter().map(|c| (c.sector, c.carrier, c.energy, c.factor, c.emissions)).collect::<Vec<_>>();
            let (m, a) = (&paired.inventories[1].inventory, &alone.inventories[0].inventory);
            prop_assert_eq!(numbers(m), numbers(a));
            prop_assert_eq!(m.total_emissions, a.total_emissions);
        }
    }
}

/// Action plans: reductions are linear in the amounts and add up, and a plan that exactly
/// closes the gap leaves none.
mod plans {
    use super::*;
    use covenant_core::inventory::TargetSpec;
    use covenant_core::plan::{Action, Plan, evaluate};
    use covenant_core::taxonomy::{ActionKind, TargetKind};

    /// A baseline with every carrier in residential buildings and private transport, and a
    /// target for 2030.
    fn baseline(pct: u32) -> Inventory {
        let mut rows = Vec::new();
        for &c in Carrier::ALL {
            for s in [Sector::ResidentialBuildings, Sector::PrivateTransport] {
                if s.accepts(c) {
                    rows.push(Activity::new(s, c, Decimal::from(1000), EnergyUnit::MegawattHour));
                }
            }
        }
        rows.push(Activity::new(Sector::Waste, None, Decimal::from(500), ActivityUnit::TonneCo2));
        let spec = InventorySpec {
            target: Some(TargetSpec {
                year: 2030,
                reduction_pct: Decimal::from(pct),
                kind: TargetKind::Absolute,
                population: None,
            }),
            ..spec()
        };
        compute(spec, Catalog::embedded().newest(), &rows, &overrides()).unwrap()
    }

    fn plan(b: &Inventory, actions: &[Action]) -> Plan {
        let t = covenant_core::target::evaluate(b, b.spec.target.as_ref().unwrap()).unwrap();
        let ov = overrides();
        let refs: Vec<&FactorOverride> = ov.iter().collect();
        evaluate(b, Catalog::embedded().newest(), &refs, Some(&t), actions).unwrap()
    }

    fn action() -> impl Strategy<Value = Action> {
        let carrier = prop::sample::select(Carrier::ALL.to_vec());
        let sector =
            prop::sample::select(vec![Sector::ResidentialBuildings, Sector::PrivateTransport]);
        let years = (2015u16..2040, 0u16..15).prop_map(|(s, d)| (s, s + d));
        prop_oneof![
            (sector.clone(), carrier.clone(), amount(3), energy_unit(), years.clone())
                .prop_filter("the sector takes the carrier", |(s, c, ..)| s.accepts(*c))
                .prop_map(|(s, c, a, u, y)| Action::new("x", ActionKind::EnergySaving, s, a, u, y)
                    .with_carrier(c)),
            (
                prop::sample::select(vec![Carrier::Electricity, Carrier::HeatCold]),
                amount(3),
                years.clone()
            )
                .prop_map(|(c, a, y)| Action::new(
                    "x",
                    ActionKind::LocalRenewable,
                    Sector::ResidentialBuildings,
                    a,
                    EnergyUnit::MegawattHour,
                    y
                )
                .with_carrier(c)),
            (sector, carrier.clone(), carrier, amount(3), years.clone())
                .prop_filter("a switch between two carriers the sector takes", |(s, c, t, ..)| c
                    != t
                    && s.accepts(*c)
                    && s.accepts(*t))
                .prop_map(|(s, c, t, a, y)| Action::new(
                    "x",
                    ActionKind::FuelSwitch,
                    s,
                    a,
                    EnergyUnit::GigawattHour,
                    y
                )
                .with_carrier(c)
                .with_to_carrier(t)),
            (amount(3), years).prop_map(|(a, y)| Action::new(
                "x",
                ActionKind::DirectReduction,
                Sector::Waste,
                a,
                ActivityUnit::TonneCo2,
                y
            )),
        ]
    }

    /// The actions at a city's magnitudes (up to 10 TWh each, in MWh): every sum of the plan
    /// then fits a decimal's 28 digits, so sums and differences are exact.
    fn city_scale(actions: Vec<Action>) -> Vec<Action> {
        actions
            .into_iter()
            .map(|a| Action {
                amount: a.amount % Decimal::from(10_000_000),
                unit: if a.kind == ActionKind::DirectReduction {
                    a.unit
                } else {
                    EnergyUnit::MegawattHour.into()
                },
                ..a
            })
            .collect()
    }

    fn actions() -> impl Strategy<Value = Vec<Action>> {
        prop::collection::vec(action(), 1..12).prop_map(|v| {
            v.into_iter().enumerate().map(|(i, a)| Action { id: format!("a{i}"), ..a }).collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn reductions_are_linear_in_the_amounts_and_add_up(actions in actions(), k in 1u32..1000, split in 0usize..12) {
            let b = baseline(40);
            let whole = plan(&b, &actions);
            // ×k: every full-effect reduction ×k exactly.
            let k = Decimal::from(k);
            let scaled: Vec<Action> = actions.iter().map(|a| Action { amount: a.amount * k, ..a.clone() }).collect();
            let big = plan(&b, &scaled);
            for (x, y) in whole.actions.iter().zip(&big.actions) {
                prop_assert_eq!(x.reduction.checked_scale(k).unwrap(), y.reduction);
            }
            // Two plans of the actions split in two add up to the plan of all.
            let actions = city_scale(actions);
            let whole = plan(&b, &actions);
            let split = split.min(actions.len());
            let (p, q) = (plan(&b, &actions[..split]), plan(&b, &actions[split..]));
            let sum = p.planned_reduction_t.unwrap() + q.planned_reduction_t.unwrap();
            prop_assert_eq!(sum, whole.planned_reduction_t.unwrap());
            // The gap is the reference minus the target minus the plan.
            prop_assert_eq!(
                whole.remaining_gap_t.unwrap(),
                whole.reference_t - whole.target_emissions_t.unwrap() - whole.planned_reduction_t.unwrap()
            );
        }

        /// With a city's magnitudes (actions up to 10 TWh): the reductions in the target year
        /// are rounded to 15 places when they do not terminate, and a gap of up to 28 digits
        /// then converts to emissions exactly.
        #[test]
        fn a_plan_that_closes_the_gap_leaves_none(actions in actions(), pct in 50u32..=100) {
            let b = baseline(pct);
            // Actions small beside the baseline (at most 100 MWh or t each), so a gap is left.
            let actions: Vec<Action> = city_scale(actions)
                .into_iter()
                .map(|a| Action { amount: a.amount % Decimal::ONE_HUNDRED, ..a })
                .collect();
            let p = plan(&b, &actions);
            // Add a direct reduction of exactly the remaining gap, in full effect by 2030.
            let gap = p.remaining_gap_t.unwrap();
            prop_assume!(gap >= Decimal::ZERO);
            let mut closing = actions.clone();
            closing.push(Action::new("close", ActionKind::DirectReduction, Sector::Waste, gap, ActivityUnit::TonneCo2, (2020, 2030)));
            prop_assert_eq!(plan(&b, &closing).remaining_gap_t, Some(Decimal::ZERO));
        }
    }
}
