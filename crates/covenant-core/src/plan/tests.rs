use rust_decimal_macros::dec;

use super::*;
use crate::country::Country;
use crate::inventory::{Activity, TargetSpec, compute};
use crate::quantity::{EnergyUnit, Population};
use crate::taxonomy::TargetKind;

const MWH: EnergyUnit = EnergyUnit::MegawattHour;

/// An Italian 2012 baseline (electricity 0.401 t/MWh, natural gas 0.202, heating oil 0.267),
/// 1,000 inhabitants, total 100 × 0.401 + 200 × 0.202 + 50 × 0.267 + 10 = 103.85 t.
fn baseline(target: Option<TargetSpec>) -> Inventory {
    let spec = InventorySpec {
        population: Population::new(1000),
        target,
        ..InventorySpec::baseline("b", Country::parse("IT").unwrap(), 2012)
    };
    let rows = [
        Activity::new(Sector::ResidentialBuildings, Carrier::Electricity, dec!(100), MWH),
        Activity::new(Sector::ResidentialBuildings, Carrier::NaturalGas, dec!(200), MWH),
        Activity::new(Sector::ResidentialBuildings, Carrier::HeatingOil, dec!(50), MWH),
        Activity::new(Sector::Waste, None, dec!(10), ActivityUnit::TonneCo2),
    ];
    compute(spec, crate::factors::test_catalog().newest(), &rows, &[]).unwrap()
}

fn absolute(pct: Decimal) -> TargetSpec {
    TargetSpec { year: 2030, reduction_pct: pct, kind: TargetKind::Absolute, population: None }
}

fn run(b: &Inventory, actions: &[Action]) -> Result<Plan, Vec<Error>> {
    let t = b.spec.target.as_ref().map(|t| crate::target::evaluate(b, t).unwrap());
    evaluate(b, crate::factors::test_catalog().newest(), &[], t.as_ref(), actions)
}

fn saving(id: &str, carrier: Carrier, mwh: Decimal, years: (u16, u16)) -> Action {
    Action::new(id, ActionKind::EnergySaving, Sector::ResidentialBuildings, mwh, MWH, years)
        .with_carrier(carrier)
}

#[test]
fn every_kind_valued_with_the_baseline_factors() {
    let b = baseline(Some(absolute(dec!(40))));
    assert_eq!(b.total_emissions.tonnes(), dec!(103.85));
    let actions = [
        saving("s", Carrier::NaturalGas, dec!(100), (2015, 2020)),
        Action::new(
            "pv",
            ActionKind::LocalRenewable,
            Sector::ResidentialBuildings,
            dec!(50),
            MWH,
            (2020, 2020),
        )
        .with_carrier(Carrier::Electricity),
        Action::new(
            "sw",
            ActionKind::FuelSwitch,
            Sector::ResidentialBuildings,
            dec!(40),
            MWH,
            (2020, 2024),
        )
        .with_carrier(Carrier::HeatingOil)
        .with_to_carrier(Carrier::NaturalGas),
        Action::new(
            "w",
            ActionKind::DirectReduction,
            Sector::Waste,
            dec!(4),
            ActivityUnit::TonneCo2,
            (2020, 2022),
        ),
    ];
    let p = run(&b, &actions).unwrap();
    let full: Vec<Decimal> = p.actions.iter().map(|a| a.reduction.tonnes()).collect();
    // 100 × 0.202; 50 × 0.401; 40 × (0.267 − 0.202); 4.
    assert_eq!(full, [dec!(20.2), dec!(20.05), dec!(2.6), dec!(4)]);
    assert_eq!(p.planned_reduction_t, Some(dec!(46.85)));
    // 103.85 − 0.6 × 103.85 − 46.85
    assert_eq!(p.target_emissions_t, Some(dec!(62.31)));
    assert_eq!(p.remaining_gap_t, Some(dec!(-5.31)));
    assert_eq!(p.remaining_gap_per_capita_t, None, "no target population");
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    let sw = &p.actions[2];
    assert_eq!(sw.to_factor.as_ref().unwrap().carrier, Carrier::NaturalGas);
    assert_eq!(
        p.by_sector(),
        [(Sector::ResidentialBuildings, dec!(42.85)), (Sector::Waste, dec!(4))]
    );
}

#[test]
fn the_ramp_is_linear_from_start_to_end() {
    let a = saving("a", Carrier::NaturalGas, dec!(30), (2020, 2032));
    assert_eq!(a.share_fraction(2019), (0, 1));
    assert_eq!(a.share_fraction(2020), (0, 1));
    assert_eq!(a.share_fraction(2026), (6, 12));
    assert_eq!(a.share_fraction(2032), (1, 1));
    assert_eq!(a.share_fraction(2040), (1, 1));
    assert_eq!(a.share_in(2030), dec!(0.833333333333333));
    let once = saving("b", Carrier::NaturalGas, dec!(30), (2025, 2025));
    assert_eq!((once.share_fraction(2024), once.share_fraction(2025)), ((0, 1), (1, 1)));
    // 30 × 0.202 × 10/12 = 5.05: one division, exact.
    let p = run(&baseline(Some(absolute(dec!(40)))), &[a]).unwrap();
    assert_eq!(p.actions[0].reduction_target_year_t, Some(dec!(5.05)));
}

#[test]
fn a_switch_to_a_dirtier_carrier_is_a_negative_reduction() {
    let b = baseline(Some(absolute(dec!(40))));
    let a = Action::new(
        "ev",
        ActionKind::FuelSwitch,
        Sector::ResidentialBuildings,
        dec!(10),
        MWH,
        (2020, 2020),
    )
    .with_carrier(Carrier::NaturalGas)
    .with_to_carrier(Carrier::Electricity);
    let p = run(&b, &[a]).unwrap();
    // 10 × (0.202 − 0.401)
    assert_eq!(p.actions[0].reduction.tonnes(), dec!(-1.99));
}

#[test]
fn a_plan_that_closes_the_gap_leaves_none() {
    let b = baseline(Some(absolute(dec!(40))));
    // The gap is 0.4 × 103.85 = 41.54 t: 41.54 t of waste avoided by 2030.
    let a = Action::new(
        "w",
        ActionKind::DirectReduction,
        Sector::Waste,
        dec!(41.54),
        ActivityUnit::TonneCo2,
        (2020, 2030),
    );
    assert_eq!(run(&b, &[a]).unwrap().remaining_gap_t, Some(dec!(0)));
}

#[test]
fn warnings_for_what_the_plan_cannot_do() {
    let b = baseline(Some(absolute(dec!(40))));
    let too_much = saving("big", Carrier::NaturalGas, dec!(250), (2020, 2025)).with_line(3);
    let late = saving("late", Carrier::Electricity, dec!(10), (2030, 2035)).with_line(4);
    let p = run(&b, &[too_much, late]).unwrap();
    let codes: Vec<_> = p.warnings.iter().map(Warning::code).collect();
    assert_eq!(codes, ["action_exceeds_baseline", "action_after_target"]);
    assert_eq!(p.warnings[0].location(), Some((Input::Actions, 3)));
    assert_eq!(p.warnings[1].location(), Some((Input::Actions, 4)));
    // No target: full effects only.
    let p =
        run(&baseline(None), &[saving("s", Carrier::NaturalGas, dec!(1), (2020, 2021))]).unwrap();
    assert_eq!((p.planned_reduction_t, p.remaining_gap_t), (None, None));
    assert_eq!(p.warnings, [Warning::PlanWithoutTarget]);
    // A per-capita target without the target-year population: no gap in t.
    let pc = TargetSpec { kind: TargetKind::PerCapita, ..absolute(dec!(40)) };
    let p = run(&baseline(Some(pc)), &[saving("s", Carrier::NaturalGas, dec!(1), (2020, 2021))]);
    assert_eq!(p.unwrap().warnings, [Warning::PlanNeedsTargetPopulation]);
    // With it: the gap per inhabitant of the target year.
    let pc = TargetSpec {
        kind: TargetKind::PerCapita,
        population: Population::new(1250),
        ..absolute(dec!(40))
    };
    let p = run(&baseline(Some(pc)), &[saving("s", Carrier::NaturalGas, dec!(50), (2020, 2021))]);
    let p = p.unwrap();
    // allowed: 0.6 × 0.10385 t × 1250 = 77.8875 t; gap 103.85 − 77.8875 − 10.1 = 15.8625 t
    assert_eq!(p.remaining_gap_t, Some(dec!(15.8625)));
    assert_eq!(p.remaining_gap_per_capita_t, Some(dec!(0.01269)));
}

#[test]
fn every_problem_of_an_action_is_located() {
    let b = baseline(None);
    let codes = |a: Action| -> Vec<(&'static str, Option<&'static str>)> {
        a.with_line(7)
            .check(&b.spec)
            .iter()
            .inspect(|e| assert_eq!(e.position().line, Some(7)))
            .map(|e| (e.code(), e.position().field))
            .collect()
    };
    let base = |kind, sector| Action::new("x", kind, sector, dec!(1), MWH, (2015, 2020));
    use ActionKind::*;
    assert_eq!(
        codes(base(EnergySaving, Sector::ResidentialBuildings)),
        [("action_field_required", Some("carrier"))]
    );
    assert_eq!(
        codes(base(FuelSwitch, Sector::ResidentialBuildings).with_carrier(Carrier::Diesel)),
        [("action_field_required", Some("to_carrier"))]
    );
    assert_eq!(
        codes(base(EnergySaving, Sector::Waste).with_carrier(Carrier::Diesel)),
        [("action_sector", Some("sector"))]
    );
    let direct = Action::new("d", DirectReduction, Sector::Waste, dec!(1), MWH, (2015, 2020));
    assert_eq!(codes(direct.clone()), [("action_unit", Some("unit"))]);
    let co2e = Action { unit: ActivityUnit::TonneCo2e, ..direct.clone() };
    assert_eq!(codes(co2e), [("unit_mismatch", Some("unit"))]);
    let with_carrier =
        Action { unit: ActivityUnit::TonneCo2, ..direct }.with_carrier(Carrier::Diesel);
    assert_eq!(codes(with_carrier), [("action_field_not_allowed", Some("carrier"))]);
    assert_eq!(
        codes(base(LocalRenewable, Sector::ResidentialBuildings).with_carrier(Carrier::NaturalGas)),
        [("renewable_carrier", Some("carrier"))]
    );
    let same = base(FuelSwitch, Sector::PrivateTransport)
        .with_carrier(Carrier::Diesel)
        .with_to_carrier(Carrier::Diesel);
    assert_eq!(codes(same), [("switch_same_carrier", Some("to_carrier"))]);
    let heat = base(FuelSwitch, Sector::PrivateTransport)
        .with_carrier(Carrier::Diesel)
        .with_to_carrier(Carrier::HeatCold);
    assert_eq!(codes(heat), [("transport_carrier", Some("to_carrier"))]);
    let litres =
        Action { unit: ActivityUnit::Litre, ..base(EnergySaving, Sector::ResidentialBuildings) };
    assert_eq!(codes(litres.with_carrier(Carrier::Diesel)), [("action_unit", Some("unit"))]);
    let years = Action {
        start_year: 2010,
        end_year: 2008,
        ..saving("y", Carrier::Diesel, dec!(1), (0, 0))
    };
    assert_eq!(
        codes(years),
        [("action_years", Some("end_year")), ("action_before_baseline", Some("start_year"))]
    );
    let negative = saving("n", Carrier::Diesel, dec!(-1), (2015, 2020));
    assert_eq!(codes(negative), [("negative_amount", Some("amount"))]);
    let mut monitoring = b.spec.clone();
    monitoring.kind = InventoryKind::Monitoring;
    monitoring.baseline_id = Some("b0".into());
    let e = saving("m", Carrier::Diesel, dec!(1), (2015, 2020)).check(&monitoring);
    assert_eq!(e[0].code(), "action_on_monitoring");
    assert!(e[0].to_string().contains("'b0'"), "{}", e[0]);
}

#[test]
fn a_missing_factor_is_an_error_at_the_action() {
    // Argentina 2012 has no IPCC electricity factor in the release (partner-grid@2026.2 has
    // official direct factors for BR, IN and US only): a saving of electricity there cannot be
    // valued.
    let spec = InventorySpec::baseline("ar", Country::parse("AR").unwrap(), 2012);
    let rows = [Activity::new(Sector::ResidentialBuildings, Carrier::NaturalGas, dec!(10), MWH)];
    let b = compute(spec, crate::factors::test_catalog().newest(), &rows, &[]).unwrap();
    let a = saving("e", Carrier::Electricity, dec!(1), (2015, 2020)).with_line(9);
    let e = evaluate(&b, crate::factors::test_catalog().newest(), &[], None, &[a]).unwrap_err();
    assert_eq!(e[0].code(), "missing_factor");
    assert_eq!((e[0].position().input, e[0].position().line), (Some(Input::Actions), Some(9)));
    assert_eq!(e[0].position().field, Some("carrier"));
}
