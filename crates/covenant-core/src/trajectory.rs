//! Target presets, the straight-line trajectory from a baseline to its target, the progress of
//! monitoring inventories along it, and comparisons by sector and carrier.
//!
//! * Path value in year `y`: `B + (T − B) × (y − y₀) / (y_T − y₀)`, where `B` is the baseline value
//!   (t, or t per inhabitant for a per-capita target) in the baseline year `y₀` and `T` the target
//!   value in the target year `y_T`. With `T = B × (100 − r) / 100` for a reduction of `r` %,
//!   this is `E × (100 s − r e) / (100 s) / D` for the baseline's exact emissions `E`, `s = y_T −
//!   y₀`, `e = y − y₀` and `D` the unit's divisor (1, or the baseline population): every path
//!   value is formed exactly and divided once. The path ends at its two ends: before `y₀` it is
//!   `B`, after `y_T` it stays at `T` (the target is not a line to extrapolate below the target).
//! * A target from business as usual: the path runs from `B` to the target `T = (1 − r) × BAU`
//!   ([`crate::bau`]) as `(B × (s − e) + T × e) / s`, one division; the projection itself is
//!   given year by year beside it ([`Trajectory::bau`]).
//! * Distance of a monitoring inventory: `actual − path(y)`; negative is ahead of the path.
//! * Reduction still needed per year: `(actual − T) / (y_T − y)` for a monitoring year before the
//!   target year.

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::inventory::{Inventory, TargetSpec};
use crate::quantity::{Emissions, Percent, Population, quotient};
use crate::taxonomy::{Carrier, Sector, TargetKind};

/// The commitments of the Covenant of Mayors, as target presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetPreset {
    /// CoM 2020: at least −20 % by 2020.
    Com2020,
    /// CoM for Climate & Energy 2030: at least −40 % by 2030.
    Com2030,
    /// The 2021 renewed ambition: at least −55 % by 2030.
    Com2030Renewed,
    /// Climate neutrality by 2050 (−100 %).
    Neutrality2050,
}

impl TargetPreset {
    /// Every preset.
    pub const ALL: &'static [TargetPreset] = &[
        TargetPreset::Com2020,
        TargetPreset::Com2030,
        TargetPreset::Com2030Renewed,
        TargetPreset::Neutrality2050,
    ];

    /// The target year and reduction in percent.
    pub fn year_and_pct(self) -> (u16, Decimal) {
        match self {
            TargetPreset::Com2020 => (2020, Decimal::from(20)),
            TargetPreset::Com2030 => (2030, Decimal::from(40)),
            TargetPreset::Com2030Renewed => (2030, Decimal::from(55)),
            TargetPreset::Neutrality2050 => (2050, Decimal::ONE_HUNDRED),
        }
    }

    /// The target of this preset, absolute or per capita.
    pub fn target(self, kind: TargetKind) -> TargetSpec {
        let (year, reduction_pct) = self.year_and_pct();
        TargetSpec { year, reduction_pct, kind, population: None }
    }
}

/// What a trajectory measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathUnit {
    /// Tonnes (absolute target).
    Tonnes,
    /// Tonnes per inhabitant (per-capita target).
    TonnesPerInhabitant,
}

/// One year of a trajectory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PathPoint {
    /// The year.
    pub year: u16,
    /// The value of the straight line in that year.
    pub value: Decimal,
}

/// The straight-line path from a baseline to its target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trajectory {
    /// The baseline inventory.
    pub baseline_id: String,
    /// Tonnes or tonnes per inhabitant.
    pub unit: PathUnit,
    /// The baseline year.
    pub base_year: u16,
    /// The baseline value.
    pub base_value: Decimal,
    /// The target year.
    pub target_year: u16,
    /// The target value.
    pub target_value: Decimal,
    /// Every year from the baseline year to the target year.
    pub points: Vec<PathPoint>,
    /// The business-as-usual projection of the baseline, year by year, in t, when the baseline
    /// has growth rates ([`crate::bau`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bau: Option<Vec<PathPoint>>,
    /// What the path values are formed from, exactly.
    #[serde(skip)]
    basis: Basis,
}

/// The exact terms of a path: the baseline's emissions, the divisor of the path's unit (1, or
/// the baseline population) and the reduction in percent.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Basis {
    emissions: Emissions,
    divisor: Decimal,
    reduction_pct: Decimal,
    /// The target itself, when it is not a reduction from the baseline (business as usual).
    target: Option<Emissions>,
}

/// Ahead of, on, or behind the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Below the path.
    Ahead,
    /// Exactly on it.
    OnTrack,
    /// Above the path.
    Behind,
}

/// Where a monitoring inventory stands on its baseline's trajectory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The monitoring inventory.
    pub inventory_id: String,
    /// Its year.
    pub year: u16,
    /// Its value (t, or t per inhabitant).
    pub actual: Decimal,
    /// The path's value that year.
    pub path: Decimal,
    /// `actual − path` (negative: ahead).
    pub distance: Decimal,
    /// The distance in percent of the path value (`None` when the path is at zero, or when
    /// the percentage is too large for a decimal: see `distance_pct_too_large`).
    pub distance_pct: Option<Decimal>,
    /// Whether `distance_pct` is empty because it is too large for a decimal.
    #[serde(skip)]
    pub distance_pct_too_large: bool,
    /// Ahead, on track or behind.
    pub status: Status,
    /// The reduction still needed per year to reach the target (`None` from the target year on).
    pub needed_per_year: Option<Decimal>,
}

fn overflow() -> Error {
    Error::overflow("trajectory")
}

/// The divisor of a path's unit for an inventory: 1, or its population.
fn divisor(inv: &Inventory, unit: PathUnit) -> Result<Decimal> {
    match unit {
        PathUnit::Tonnes => Ok(Decimal::ONE),
        PathUnit::TonnesPerInhabitant => inv
            .spec
            .population
            .map(|p| Decimal::from(p.get()))
            .ok_or_else(|| Error::from(ErrorKind::PopulationRequired)),
    }
}

fn value_of(inv: &Inventory, unit: PathUnit) -> Result<Decimal> {
    let d = divisor(inv, unit)?;
    inv.total_emissions.tonnes_over(d).ok_or_else(overflow)
}

/// The straight line from a baseline inventory to its target.
pub fn trajectory(baseline: &Inventory, target: &TargetSpec) -> Result<Trajectory> {
    let (y0, yt) = (baseline.spec.year, target.year);
    if yt <= y0 {
        return Err(ErrorKind::TargetYearNotAfter { target_year: yt, year: y0 }.into());
    }
    if target.reduction_pct < Decimal::ZERO || target.reduction_pct > Decimal::ONE_HUNDRED {
        return Err(ErrorKind::ReductionOutOfRange { pct: target.reduction_pct }.into());
    }
    let unit = match target.kind {
        TargetKind::Absolute | TargetKind::Bau => PathUnit::Tonnes,
        TargetKind::PerCapita => PathUnit::TonnesPerInhabitant,
    };
    let projection = match target.kind {
        TargetKind::Bau => crate::bau::project(baseline, yt)?,
        _ => crate::bau::project(baseline, yt).ok().flatten(),
    };
    let target_emissions = match (target.kind, &projection) {
        (TargetKind::Bau, None) => return Err(ErrorKind::BauNeedsGrowth.into()),
        (TargetKind::Bau, Some(p)) => {
            Some(Emissions::from_tonnes(crate::bau::target_emissions(p, target.reduction_pct)?)?)
        }
        _ => None,
    };
    let basis = Basis {
        emissions: baseline.total_emissions,
        divisor: divisor(baseline, unit)?,
        reduction_pct: target.reduction_pct,
        target: target_emissions,
    };
    let mut points = Vec::with_capacity(usize::from(yt.saturating_sub(y0)).saturating_add(1));
    for y in y0..=yt {
        points.push(PathPoint { year: y, value: path_value(&basis, y0, yt, y)? });
    }
    Ok(Trajectory {
        baseline_id: baseline.spec.id.clone(),
        unit,
        base_year: y0,
        base_value: path_value(&basis, y0, yt, y0)?,
        target_year: yt,
        target_value: path_value(&basis, y0, yt, yt)?,
        points,
        bau: projection.map(|p| p.points),
        basis,
    })
}

fn path_value(b: &Basis, y0: u16, yt: u16, y: u16) -> Result<Decimal> {
    // E × (100 s − r e) / (100 s) / D, with e held to 0 ≤ e ≤ s; the ends are the baseline's
    // value (E / D) and the target's (E × (100 − r) / 100 / D) themselves.
    let hundred = Decimal::ONE_HUNDRED;
    if let Some(t) = b.target {
        // (B × (s − e) + T × e) / s, with e held to 0 ≤ e ≤ s.
        let s = Decimal::from(yt.saturating_sub(y0));
        let e = Decimal::from(y.clamp(y0, yt).saturating_sub(y0));
        let rest = s.checked_sub(e).ok_or_else(overflow)?;
        let sum = b.emissions.checked_scale(rest)?.checked_add(t.checked_scale(e)?)?;
        return sum.tonnes_over(s).ok_or_else(overflow);
    }
    let (weight, scale) = if y <= y0 {
        (Decimal::ONE, Decimal::ONE)
    } else if y >= yt {
        (hundred.checked_sub(b.reduction_pct).ok_or_else(overflow)?, hundred)
    } else {
        let s = hundred.checked_mul(Decimal::from(yt.saturating_sub(y0))).ok_or_else(overflow)?;
        let e = b.reduction_pct.checked_mul(Decimal::from(y.saturating_sub(y0)));
        (e.and_then(|e| s.checked_sub(e)).ok_or_else(overflow)?, s)
    };
    let divisor = b.divisor.checked_mul(scale).ok_or_else(overflow)?;
    b.emissions.checked_scale(weight)?.tonnes_over(divisor).ok_or_else(overflow)
}

/// Where a monitoring inventory stands on a trajectory.
pub fn progress(t: &Trajectory, monitoring: &Inventory) -> Result<Progress> {
    let year = monitoring.spec.year;
    let actual = value_of(monitoring, t.unit)?;
    let path = path_value(&t.basis, t.base_year, t.target_year, year)?;
    let distance = actual.checked_sub(path).ok_or_else(overflow)?.normalize();
    let distance_percent = Percent::of(distance, path);
    let status = match distance.cmp(&Decimal::ZERO) {
        std::cmp::Ordering::Less => Status::Ahead,
        std::cmp::Ordering::Equal => Status::OnTrack,
        std::cmp::Ordering::Greater => Status::Behind,
    };
    let needed_per_year = (year < t.target_year)
        .then(|| {
            let gap = actual.checked_sub(t.target_value)?;
            quotient(gap, Decimal::from(t.target_year.saturating_sub(year)))
        })
        .flatten();
    Ok(Progress {
        inventory_id: monitoring.spec.id.clone(),
        year,
        actual,
        path,
        distance,
        distance_pct: distance_percent.value(),
        distance_pct_too_large: distance_percent == Percent::TooLarge,
        status,
        needed_per_year,
    })
}

/// The change of one sector or carrier between a baseline and a monitoring inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change<K> {
    /// The sector or carrier.
    pub key: K,
    /// Baseline emissions, t (zero when absent).
    pub baseline_t: Decimal,
    /// Monitoring emissions, t (zero when absent).
    pub monitoring_t: Decimal,
    /// `monitoring − baseline`, t.
    pub change_t: Decimal,
    /// The change in percent of the baseline (`None` when the baseline is zero).
    pub change_pct: Option<Decimal>,
    /// Per inhabitant, when both inventories have a population: baseline t/inh.
    pub baseline_per_capita_t: Option<Decimal>,
    /// Per inhabitant: monitoring t/inh.
    pub monitoring_per_capita_t: Option<Decimal>,
    /// The change of the per-capita values in percent (`None` without populations or when the
    /// baseline is zero).
    pub per_capita_change_pct: Option<Decimal>,
    /// Whether a percentage is empty because it is too large for a decimal (the baseline is
    /// nearly zero), not because the baseline is zero.
    #[serde(skip)]
    pub percent_too_large: bool,
}

/// A monitoring inventory compared with its baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// By sector, in template order (sectors present in either inventory).
    pub sectors: Vec<Change<Sector>>,
    /// By carrier, in template order (carriers present in either inventory).
    pub carriers: Vec<Change<Carrier>>,
    /// The totals.
    pub total: Change<()>,
    /// Per inhabitant, when both have a population.
    pub per_capita: Option<Change<()>>,
}

impl Comparison {
    /// Whether a percentage of the comparison is empty because it is too large for a decimal.
    pub fn percent_too_large(&self) -> bool {
        self.sectors.iter().any(|c| c.percent_too_large)
            || self.carriers.iter().any(|c| c.percent_too_large)
            || self.total.percent_too_large
            || self.per_capita.as_ref().is_some_and(|c| c.percent_too_large)
    }
}

/// Whether [`compare`] would find a percentage too large for a decimal
/// ([`Comparison::percent_too_large`]), without computing the comparison: its percentages are
/// computed only where the magnitudes of their terms do not show that they fit
/// ([`Percent::too_large`]).
pub fn percent_too_large(monitoring: &Inventory, baseline: &Inventory) -> bool {
    let sector = |inv: &Inventory, s: Sector| {
        inv.sectors.iter().find(|t| t.key == s).map_or(Emissions::ZERO, |t| t.emissions)
    };
    let carrier = |inv: &Inventory, c: Carrier| {
        inv.carriers.iter().find(|t| t.key == c).map_or(Emissions::ZERO, |t| t.emissions)
    };
    let pops = baseline.spec.population.zip(monitoring.spec.population);
    // The keys of `compare` where either inventory has a total; the others compare zeros.
    let sectors = monitoring.sectors.iter().chain(&baseline.sectors).map(|t| t.key);
    let carriers = monitoring.carriers.iter().chain(&baseline.carriers).map(|t| t.key);
    let per_capita = match (baseline.per_capita_t, monitoring.per_capita_t) {
        (Some(b), Some(m)) => m.checked_sub(b).is_none_or(|d| Percent::too_large(d.normalize(), b)),
        _ => false,
    };
    per_capita
        || change_too_large(baseline.total_emissions, monitoring.total_emissions, pops)
        || sectors
            .into_iter()
            .any(|s| change_too_large(sector(baseline, s), sector(monitoring, s), pops))
        || carriers
            .into_iter()
            .any(|c| change_too_large(carrier(baseline, c), carrier(monitoring, c), pops))
}

/// [`change`]'s `percent_too_large`, its percentages computed only where needed.
fn change_too_large(b: Emissions, m: Emissions, pops: Option<(Population, Population)>) -> bool {
    if change_surely_fits(b, m, pops) {
        return false;
    }
    let per_capita = pops.is_some_and(|(pb, pm)| {
        let ms = m.checked_scale(Decimal::from(pb.get()));
        let bs = b.checked_scale(Decimal::from(pm.get()));
        match (ms, bs) {
            (Ok(ms), Ok(bs)) => ms.change_percent_too_large(bs),
            _ => true,
        }
    });
    m.change_percent_too_large(b) || per_capita
}

/// Whether the percentages of [`change`] surely fit, from the magnitudes of the emissions and
/// populations alone (no arithmetic on decimals): a difference is below ten times the larger
/// term; a product of numbers in `[10^(e₁−1), 10^e₁)` and `[10^(e₂−1), 10^e₂)` is in
/// `[10^(e₁+e₂−2), 10^(e₁+e₂))`. `false` when that does not settle it.
fn change_surely_fits(b: Emissions, m: Emissions, pops: Option<(Population, Population)>) -> bool {
    // From a base below 10^upper and at least 10^(lower − 1) to a value below 10^to (`None`:
    // zero, whose percentage fits: −100 %, or none for a zero base).
    let fits = |to: Option<i64>, base: Option<(i64, i64)>| match (to, base) {
        (None, _) | (_, None) => true,
        (Some(to), Some((upper, lower))) => {
            let diff = to.max(upper).saturating_add(1);
            diff <= 28 && Percent::surely_fits(diff, lower)
        }
    };
    let (em, eb) = (m.exponent(), b.exponent());
    let digits = |p: Population| i64::from(p.get().ilog10()).saturating_add(1);
    let per_capita = pops.is_none_or(|(pb, pm)| {
        // m × P_b below 10^(e_m + d_b); b × P_m below 10^(e_b + d_m), at least 10^(e_b + d_m − 2).
        let ms = em.map(|e| e.saturating_add(digits(pb)));
        let bs = eb.map(|e| e.saturating_add(digits(pm)));
        // The products fit a decimal, whatever the other term.
        let product_fits = |e: Option<i64>| e.is_none_or(|e| e <= 28);
        product_fits(ms) && product_fits(bs) && fits(ms, bs.map(|e| (e, e.saturating_sub(1))))
    });
    fits(em, eb.map(|e| (e, e))) && per_capita
}

fn change<K>(
    key: K,
    b: Emissions,
    m: Emissions,
    pops: Option<(Population, Population)>,
) -> Change<K> {
    let (baseline_t, monitoring_t) = (b.tonnes(), m.tonnes());
    // (m / P_m) / (b / P_b) − 1 = (m × P_b − b × P_m) / (b × P_m), divided once.
    let per_capita_change = pops.map(|(pb, pm)| {
        let ms = m.checked_scale(Decimal::from(pb.get()));
        let bs = b.checked_scale(Decimal::from(pm.get()));
        match (ms, bs) {
            (Ok(ms), Ok(bs)) => ms.change_percent(bs),
            _ => Percent::TooLarge,
        }
    });
    let change = m.change_percent(b);
    Change {
        key,
        baseline_t,
        monitoring_t,
        change_t: m.minus_tonnes(b).unwrap_or_default(),
        change_pct: change.value(),
        baseline_per_capita_t: pops.map(|(pb, _)| b.per_capita(pb)),
        monitoring_per_capita_t: pops.map(|(_, pm)| m.per_capita(pm)),
        per_capita_change_pct: per_capita_change.and_then(Percent::value),
        percent_too_large: change == Percent::TooLarge
            || per_capita_change == Some(Percent::TooLarge),
    }
}

/// Compares a monitoring inventory with its baseline by sector, carrier and in total.
pub fn compare(monitoring: &Inventory, baseline: &Inventory) -> Comparison {
    let sector = |inv: &Inventory, s: Sector| {
        inv.sectors.iter().find(|t| t.key == s).map_or(Emissions::ZERO, |t| t.emissions)
    };
    let carrier = |inv: &Inventory, c: Carrier| {
        inv.carriers.iter().find(|t| t.key == c).map_or(Emissions::ZERO, |t| t.emissions)
    };
    let has_sector =
        |s: Sector| [monitoring, baseline].iter().any(|i| i.sectors.iter().any(|t| t.key == s));
    let has_carrier =
        |c: Carrier| [monitoring, baseline].iter().any(|i| i.carriers.iter().any(|t| t.key == c));
    let pops = baseline.spec.population.zip(monitoring.spec.population);
    let per_capita = match (baseline.per_capita_t, monitoring.per_capita_t) {
        (Some(b), Some(m)) => {
            // Per-capita values are below Decimal::MAX / 3 600: their difference fits.
            let diff = m.checked_sub(b).map(|d| d.normalize());
            let pct = diff.map_or(Percent::TooLarge, |d| Percent::of(d, b));
            Some(Change {
                key: (),
                baseline_t: b,
                monitoring_t: m,
                change_t: diff.unwrap_or_default(),
                change_pct: pct.value(),
                baseline_per_capita_t: None,
                monitoring_per_capita_t: None,
                per_capita_change_pct: None,
                percent_too_large: pct == Percent::TooLarge,
            })
        }
        _ => None,
    };
    Comparison {
        sectors: Sector::ALL
            .iter()
            .filter(|&&s| has_sector(s))
            .map(|&s| change(s, sector(baseline, s), sector(monitoring, s), pops))
            .collect(),
        carriers: Carrier::ALL
            .iter()
            .filter(|&&c| has_carrier(c))
            .map(|&c| change(c, carrier(baseline, c), carrier(monitoring, c), pops))
            .collect(),
        total: change((), baseline.total_emissions, monitoring.total_emissions, pops),
        per_capita,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::country::Country;
    use crate::factors::test_catalog;
    use crate::inventory::{Activity, InventorySpec, compute};
    use crate::quantity::{ActivityUnit, EnergyUnit, Population};
    use rust_decimal_macros::dec;

    /// Emissions of `bits` (a 96-bit mantissa shifted right by `shift`) at a scale, in
    /// tonnes; `None` where they do not fit.
    fn emissions_of(bits: u128, shift: u32, scale: u32) -> Option<Emissions> {
        let m = (bits & ((1 << 96) - 1)) >> shift;
        let t = Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, false, scale);
        Emissions::from_tonnes(t).ok()
    }

    proptest::proptest! {
        /// Deciding from magnitudes whether a percentage of a comparison is too large agrees
        /// with computing the comparison, over emissions and populations of every size.
        #[test]
        fn too_large_changes_are_found_without_comparing(
            bb: u128, bs in 0u32..96, bsc in 0u32..=28,
            mb: u128, ms in 0u32..96, msc in 0u32..=28,
            pops in proptest::option::of((1u64..=u64::MAX, 1u64..=u64::MAX)),
            pshift in 0u32..64,
        ) {
            let (Some(b), Some(m)) = (emissions_of(bb, bs, bsc), emissions_of(mb, ms, msc)) else {
                return Ok(());
            };
            let pops = pops.and_then(|(pb, pm)| {
                Some((Population::new(pb >> pshift)?, Population::new(pm >> 63u32.saturating_sub(pshift))?))
            });
            proptest::prop_assert_eq!(
                change_too_large(b, m, pops),
                change((), b, m, pops).percent_too_large,
                "{:?} {:?} {:?}", b, m, pops
            );
        }
    }

    fn inv(
        id: &str,
        year: u16,
        rows: &[(Sector, Option<Carrier>, Decimal)],
        population: Option<u64>,
    ) -> Inventory {
        let spec = InventorySpec {
            population: population.and_then(Population::new),
            ..InventorySpec::baseline(id, Country::parse("IT").unwrap(), year)
        };
        let acts: Vec<Activity> = rows
            .iter()
            .map(|&(sector, carrier, amount)| Activity {
                sector,
                carrier,
                amount,
                unit: if carrier.is_some() {
                    ActivityUnit::Energy(EnergyUnit::MegawattHour)
                } else {
                    ActivityUnit::TonneCo2
                },
                variant: Default::default(),
                line: None,
            })
            .collect();
        compute(spec, test_catalog().newest(), &acts, &[]).unwrap()
    }

    fn waste(id: &str, year: u16, t: Decimal, population: Option<u64>) -> Inventory {
        inv(id, year, &[(Sector::Waste, None, t)], population)
    }

    #[test]
    fn presets() {
        assert_eq!(TargetPreset::Com2030.year_and_pct(), (2030, dec!(40)));
        assert_eq!(
            TargetPreset::Neutrality2050.target(TargetKind::Absolute).reduction_pct,
            dec!(100)
        );
        assert_eq!(TargetPreset::ALL.len(), 4);
    }

    #[test]
    fn straight_line_absolute() {
        // 100 000 t in 2010, −40 % by 2030: 60 000 t; the path falls by 2 000 t a year.
        let b = waste("b", 2010, dec!(100000), None);
        let t = trajectory(&b, &TargetPreset::Com2030.target(TargetKind::Absolute)).unwrap();
        assert_eq!(t.points.len(), 21);
        assert_eq!(t.points[0].value, dec!(100000));
        assert_eq!(t.points[5].value, dec!(90000));
        assert_eq!(t.points[20].value, dec!(60000));
        assert_eq!(t.target_value, dec!(60000));
        // 2015: 92 000 t is 2 000 t behind the path (90 000), 2.22… %; 32 000 t to go in 15 years.
        let m = waste("m", 2015, dec!(92000), None);
        let p = progress(&t, &m).unwrap();
        assert_eq!((p.path, p.distance, p.status), (dec!(90000), dec!(2000), Status::Behind));
        assert_eq!(crate::quantity::round_for_display(p.distance_pct.unwrap(), 2), dec!(2.22));
        assert_eq!(
            p.needed_per_year.map(|d| crate::quantity::round_for_display(d, 2)),
            Some(dec!(2133.33))
        );
        let ahead = progress(&t, &waste("m2", 2020, dec!(75000), None)).unwrap();
        assert_eq!((ahead.distance, ahead.status), (dec!(-5000), Status::Ahead));
        let on = progress(&t, &waste("m3", 2025, dec!(70000), None)).unwrap();
        assert_eq!(on.status, Status::OnTrack);
        // After the target year the path stays at the target (it is not extrapolated below).
        let late = progress(&t, &waste("m4", 2031, dec!(59000), None)).unwrap();
        assert_eq!((late.path, late.needed_per_year), (dec!(60000), None));
        assert_eq!((late.distance, late.status), (dec!(-1000), Status::Ahead));
    }

    #[test]
    fn per_capita_path_and_neutrality() {
        // T11: 5.0 t/inh in the baseline year, −20 % per capita → 4.0 t/inh.
        let b = waste("b", 2010, dec!(500000), Some(100_000));
        let target = TargetSpec {
            year: 2020,
            reduction_pct: dec!(20),
            kind: TargetKind::PerCapita,
            population: None,
        };
        let t = trajectory(&b, &target).unwrap();
        assert_eq!(
            (t.unit, t.base_value, t.target_value),
            (PathUnit::TonnesPerInhabitant, dec!(5), dec!(4))
        );
        assert_eq!(t.points[5].value, dec!(4.5));
        // T12: 4.0909… t/inh in 2020 is behind the 4.0 target.
        let p = progress(&t, &waste("m", 2020, dec!(450000), Some(110_000))).unwrap();
        assert_eq!(p.status, Status::Behind);
        assert!(progress(&t, &waste("m", 2020, dec!(450000), None)).is_err());
        let n = trajectory(&b, &TargetPreset::Neutrality2050.target(TargetKind::Absolute)).unwrap();
        assert_eq!(n.target_value, dec!(0));
        assert_eq!(progress(&n, &waste("m", 2050, dec!(0), None)).unwrap().distance_pct, None);
    }

    #[test]
    fn baseline_after_target_is_an_error() {
        let b = waste("b", 2031, dec!(1), None);
        let e = trajectory(&b, &TargetPreset::Com2030.target(TargetKind::Absolute)).unwrap_err();
        assert!(
            e.to_string().contains("the target year 2030 must be after the inventory year 2031"),
            "{e}"
        );
        let same = waste("b", 2030, dec!(1), None);
        assert!(trajectory(&same, &TargetPreset::Com2030.target(TargetKind::Absolute)).is_err());
    }

    #[test]
    fn comparison_by_sector_and_carrier() {
        let b = inv(
            "b",
            2010,
            &[
                (Sector::ResidentialBuildings, Some(Carrier::NaturalGas), dec!(1000)),
                (Sector::Waste, None, dec!(50)),
            ],
            Some(100),
        );
        let m = inv(
            "m",
            2015,
            &[
                (Sector::ResidentialBuildings, Some(Carrier::Diesel), dec!(500)),
                (Sector::Waste, None, dec!(40)),
            ],
            Some(100),
        );
        let c = compare(&m, &b);
        assert_eq!(c.sectors.len(), 2);
        let gas = c.carriers.iter().find(|x| x.key == Carrier::NaturalGas).unwrap();
        assert_eq!(
            (gas.baseline_t, gas.monitoring_t, gas.change_pct),
            (dec!(202), dec!(0), Some(dec!(-100)))
        );
        let diesel = c.carriers.iter().find(|x| x.key == Carrier::Diesel).unwrap();
        assert_eq!((diesel.change_t, diesel.change_pct), (dec!(133.5), None));
        // 252 t → 173.5 t.
        assert_eq!(c.total.change_t, dec!(-78.5));
        assert_eq!(c.per_capita.unwrap().change_t, dec!(-0.785));
        // By carrier per inhabitant: gas 2.02 → 0 t/inh, −100 %.
        assert_eq!(
            (gas.baseline_per_capita_t, gas.per_capita_change_pct),
            (Some(dec!(2.02)), Some(dec!(-100)))
        );
        let m2 = inv(
            "m2",
            2015,
            &[
                (Sector::ResidentialBuildings, Some(Carrier::NaturalGas), dec!(1000)),
                (Sector::Waste, None, dec!(50)),
            ],
            Some(200),
        );
        let gas2 =
            compare(&m2, &b).carriers.into_iter().find(|x| x.key == Carrier::NaturalGas).unwrap();
        // The same emissions for twice the inhabitants: 0 % absolute, −50 % per inhabitant.
        assert_eq!((gas2.change_pct, gas2.per_capita_change_pct), (Some(dec!(0)), Some(dec!(-50))));
    }
}
