//! Reduction targets and monitoring comparisons.
//!
//! * Absolute target: `(1 − r) × BEI total`.
//! * Per-capita target: `(1 − r) × BEI per capita`; its equivalent absolute value for a
//!   target-year population `P_t` is `(1 − r) × BEI total × P_t / P_BEI` (divided last).
//! * Target from business as usual: `(1 − r) × BAU`, with `BAU` the baseline projected to the
//!   target year ([`crate::bau`]); per inhabitant, divided by the projected population.
//! * Change of a monitoring inventory: `(MEI − BEI) / BEI × 100`, or the change of the
//!   per-capita values when the baseline's target is per capita.

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result, Warning};
use crate::inventory::{Inventory, TargetSpec};
use crate::quantity::{Percent, Population, quotient};
use crate::taxonomy::TargetKind;

/// A target evaluated against its baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetResult {
    /// The target year.
    pub year: u16,
    /// Absolute or per capita.
    pub kind: TargetKind,
    /// The reduction in percent.
    pub reduction_pct: Decimal,
    /// Allowed emissions in the target year, in t (for a per-capita target: needs the
    /// target-year population).
    pub emissions_t: Option<Decimal>,
    /// Allowed emissions per inhabitant in the target year (needs the baseline population).
    pub per_capita_t: Option<Decimal>,
    /// The baseline's business-as-usual emissions in the target year, t, when it has growth
    /// rates ([`crate::bau`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bau_emissions_t: Option<Decimal>,
}

fn remaining_share(pct: Decimal) -> Result<Decimal> {
    if pct < Decimal::ZERO || pct > Decimal::ONE_HUNDRED {
        return Err(ErrorKind::ReductionOutOfRange { pct }.into());
    }
    // 0 ≤ 100 − pct ≤ 100: neither step can fail, and a division by 100 terminates.
    let rest = Decimal::ONE_HUNDRED.checked_sub(pct).unwrap_or_default();
    Ok(quotient(rest, Decimal::ONE_HUNDRED).unwrap_or_default())
}

/// Evaluates a target set against a baseline inventory.
pub fn evaluate(baseline: &Inventory, target: &TargetSpec) -> Result<TargetResult> {
    if target.year <= baseline.spec.year {
        return Err(ErrorKind::TargetYearNotAfter {
            target_year: target.year,
            year: baseline.spec.year,
        }
        .into());
    }
    let share = remaining_share(target.reduction_pct)?;
    let allowed = baseline.total_emissions.checked_scale(share)?;
    let per_capita = |p: Population| allowed.per_capita(p);
    // The projection is needed for a target from it; for another target it is only shown, so a
    // projection too large for a decimal leaves it empty instead of failing the target.
    let bau = match target.kind {
        TargetKind::Bau => crate::bau::project(baseline, target.year)?,
        _ => crate::bau::project(baseline, target.year).ok().flatten(),
    };
    let (emissions_t, per_capita_t) = match target.kind {
        TargetKind::Bau => {
            let bau = bau.as_ref().ok_or_else(|| Error::from(ErrorKind::BauNeedsGrowth))?;
            let t = crate::bau::target_emissions(bau, target.reduction_pct)?;
            // Per inhabitant of the target year: the one given, else the projected population.
            let population = target.population.map(|p| Decimal::from(p.get())).or(bau.population);
            (Some(t), population.and_then(|p| quotient(t, p)))
        }
        TargetKind::Absolute => (Some(allowed.tonnes()), baseline.spec.population.map(per_capita)),
        TargetKind::PerCapita => {
            let pop = baseline
                .spec
                .population
                .ok_or_else(|| Error::from(ErrorKind::PopulationRequired))?;
            let equivalent = match target.population {
                Some(pt) => Some(allowed.checked_scale(Decimal::from(pt.get()))?.per_capita(pop)),
                None => None,
            };
            (equivalent, Some(per_capita(pop)))
        }
    };
    Ok(TargetResult {
        year: target.year,
        kind: target.kind,
        reduction_pct: target.reduction_pct,
        emissions_t,
        per_capita_t,
        bau_emissions_t: bau.map(|b| b.emissions_t),
    })
}

/// The change of a monitoring inventory against its baseline, in percent (negative is a
/// reduction): of the per-capita values when the baseline's target is per capita, else of the
/// totals. `None` when the baseline total is zero or a needed population is missing.
pub fn change_vs_baseline(monitoring: &Inventory, baseline: &Inventory) -> Option<Decimal> {
    change_vs_baseline_percent(monitoring, baseline).value()
}

/// [`change_vs_baseline`], telling a zero baseline from a percentage too large for a decimal.
/// A per-capita change without both populations is [`Percent::ZeroBase`] (there is none).
pub fn change_vs_baseline_percent(monitoring: &Inventory, baseline: &Inventory) -> Percent {
    let per_capita = baseline.spec.target.as_ref().is_some_and(|t| t.kind == TargetKind::PerCapita);
    if !per_capita {
        return monitoring.total_emissions.change_percent(baseline.total_emissions);
    }
    let (Some(pb), Some(pm)) = (baseline.spec.population, monitoring.spec.population) else {
        return Percent::ZeroBase;
    };
    // (E_m / P_m) / (E_b / P_b) − 1 = (E_m × P_b − E_b × P_m) / (E_b × P_m)
    let em = monitoring.total_emissions.checked_scale(Decimal::from(pb.get()));
    let eb = baseline.total_emissions.checked_scale(Decimal::from(pm.get()));
    match (em, eb) {
        (Ok(em), Ok(eb)) => em.change_percent(eb),
        _ => Percent::TooLarge,
    }
}

/// Why a monitoring inventory is not strictly comparable with its baseline.
pub fn comparability_warnings(monitoring: &Inventory, baseline: &Inventory) -> Vec<Warning> {
    let mut w = Vec::new();
    let (m, b) = (&monitoring.spec, &baseline.spec);
    if m.approach != b.approach {
        w.push(Warning::ApproachDiffers { monitoring: m.approach, baseline: b.approach });
    }
    if m.gases != b.gases {
        w.push(Warning::GasesDiffer { monitoring: m.gases, baseline: b.gases });
    }
    if monitoring.release != baseline.release {
        w.push(Warning::ReleaseDiffers {
            monitoring: monitoring.release.clone(),
            baseline: baseline.release.clone(),
        });
    }
    if m.year < b.year {
        w.push(Warning::MonitoringBeforeBaseline { year: m.year, baseline_year: b.year });
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::country::Country;
    use crate::factors::test_catalog;
    use crate::inventory::{Activity, InventorySpec, compute};
    use crate::quantity::{ActivityUnit, EnergyUnit};
    use crate::taxonomy::{Sector, TargetKind};
    use rust_decimal_macros::dec;

    fn inv(total_t: Decimal, population: Option<u64>, target: Option<TargetSpec>) -> Inventory {
        let spec = InventorySpec {
            population: population.and_then(Population::new),
            target,
            ..InventorySpec::baseline("b", Country::parse("IT").unwrap(), 2010)
        };
        let rows = [Activity {
            sector: Sector::Waste,
            carrier: None,
            amount: total_t,
            unit: ActivityUnit::TonneCo2,
            variant: Default::default(),
            line: None,
        }];
        compute(spec, test_catalog().newest(), &rows, &[]).unwrap()
    }

    fn target(kind: TargetKind, pct: Decimal, population: Option<u64>) -> TargetSpec {
        TargetSpec {
            year: 2030,
            reduction_pct: pct,
            kind,
            population: population.and_then(Population::new),
        }
    }

    #[test]
    fn absolute_targets_t13() {
        let b = inv(dec!(89330), None, None);
        let e = |pct| {
            evaluate(&b, &target(TargetKind::Absolute, pct, None)).unwrap().emissions_t.unwrap()
        };
        assert_eq!(e(dec!(20)), dec!(71464));
        assert_eq!(e(dec!(40)), dec!(53598));
        assert_eq!(e(dec!(55)), dec!(40198.5));
        assert_eq!(e(dec!(100)), dec!(0));
    }

    #[test]
    fn per_capita_target_t11_and_change_t12() {
        let t = target(TargetKind::PerCapita, dec!(20), Some(110_000));
        let b = inv(dec!(500000), Some(100_000), Some(t.clone()));
        let r = evaluate(&b, &t).unwrap();
        assert_eq!(r.per_capita_t, Some(dec!(4)));
        assert_eq!(r.emissions_t, Some(dec!(440000)));
        let m = inv(dec!(450000), Some(110_000), None);
        // 4.0909… / 5 − 1 = −18.18 %
        let c = change_vs_baseline(&m, &b).unwrap();
        assert_eq!(crate::quantity::round_for_display(c, 2), dec!(-18.18));
        let plain = inv(dec!(500000), Some(100_000), None);
        assert_eq!(change_vs_baseline(&m, &plain), Some(dec!(-10)));
    }

    #[test]
    fn target_errors() {
        let b = inv(dec!(100), None, None);
        assert!(
            evaluate(&b, &target(TargetKind::PerCapita, dec!(20), None))
                .unwrap_err()
                .to_string()
                .contains("population")
        );
        assert!(evaluate(&b, &target(TargetKind::Absolute, dec!(120), None)).is_err());
        let past = TargetSpec { year: 2005, ..target(TargetKind::Absolute, dec!(20), None) };
        assert!(evaluate(&b, &past).unwrap_err().to_string().contains("must be after"));
        let _ = EnergyUnit::MegawattHour;
    }

    #[test]
    fn comparability() {
        let b = inv(dec!(100), None, None);
        let mut m = inv(dec!(90), None, None);
        assert!(comparability_warnings(&m, &b).is_empty());
        m.spec.gases = crate::taxonomy::GasBasis::Co2e;
        assert_eq!(comparability_warnings(&m, &b).len(), 1);
    }
}
