//! Business as usual: a baseline projected to its target year with yearly growth rates.
//!
//! With a yearly population growth `p` % and a yearly growth `a` % of activity per inhabitant
//! (energy use and non-energy emissions alike, at the baseline's factors), the emissions `n`
//! years after the baseline are `E × ((1 + p/100) × (1 + a/100))ⁿ` and the population
//! `P × (1 + p/100)ⁿ`. The growth factor is formed with exact decimal products (each product
//! keeps a decimal's 28 significant digits), and every projected value is rounded once to 15
//! decimal places, half to even, as a quotient that does not terminate is.
//!
//! A target of kind `bau` is a reduction from the projection in the target year; the gap of an
//! action plan is then measured from the projection instead of the baseline
//! ([`crate::plan`]).

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::inventory::{BauGrowth, Inventory};
use crate::quantity::QUOTIENT_PLACES;
use crate::trajectory::PathPoint;

/// A baseline projected year by year to a target year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Projection {
    /// The growth rates.
    pub growth: BauGrowth,
    /// The projected emissions from the baseline year to the target year, t.
    pub points: Vec<PathPoint>,
    /// The projected emissions in the target year, t.
    pub emissions_t: Decimal,
    /// The projected population in the target year (needs the baseline's population).
    pub population: Option<Decimal>,
}

fn overflow() -> Error {
    Error::overflow("business-as-usual projection")
}

/// `(1 + pct/100)ⁿ`, exact up to a decimal's 28 significant digits.
fn power(pct: Decimal, n: u16) -> Result<Decimal> {
    let base = Decimal::ONE_HUNDRED
        .checked_add(pct)
        .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
        .ok_or_else(overflow)?;
    let mut out = Decimal::ONE;
    for _ in 0..n {
        out = out.checked_mul(base).ok_or_else(overflow)?;
    }
    Ok(out)
}

pub(crate) fn rounded(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(QUOTIENT_PLACES, RoundingStrategy::MidpointNearestEven).normalize()
}

/// The target from business as usual: `(100 − r) / 100 × BAU`, rounded once to 15 places.
pub fn target_emissions(projection: &Projection, reduction_pct: Decimal) -> Result<Decimal> {
    let rest = Decimal::ONE_HUNDRED.checked_sub(reduction_pct).ok_or_else(overflow)?;
    let t = projection
        .emissions_t
        .checked_mul(rest)
        .and_then(|x| x.checked_div(Decimal::ONE_HUNDRED))
        .ok_or_else(overflow)?;
    Ok(rounded(t))
}

/// The growth factor of emissions `n` years after the baseline.
pub fn emissions_factor(g: &BauGrowth, n: u16) -> Result<Decimal> {
    power(g.population_pct, n)?.checked_mul(power(g.activity_pct, n)?).ok_or_else(overflow)
}

/// The baseline projected to `year` with its growth rates ([`crate::InventorySpec::bau`]);
/// `None` when it has none.
pub fn project(baseline: &Inventory, year: u16) -> Result<Option<Projection>> {
    let Some(growth) = baseline.spec.bau else { return Ok(None) };
    let y0 = baseline.spec.year;
    let total = baseline.total_emissions.tonnes();
    let mut points = Vec::new();
    let mut emissions_t = total;
    for y in y0..=year.max(y0) {
        let factor = emissions_factor(&growth, y.saturating_sub(y0))?;
        emissions_t = rounded(total.checked_mul(factor).ok_or_else(overflow)?);
        points.push(PathPoint { year: y, value: emissions_t });
    }
    let n = year.saturating_sub(y0);
    let population = match baseline.spec.population {
        Some(p) => Some(rounded(
            Decimal::from(p.get())
                .checked_mul(power(growth.population_pct, n)?)
                .ok_or_else(overflow)?,
        )),
        None => None,
    };
    Ok(Some(Projection { growth, points, emissions_t, population }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::country::Country;
    use crate::inventory::{Activity, InventorySpec, compute};
    use crate::quantity::{ActivityUnit, Population};
    use crate::taxonomy::Sector;
    use rust_decimal_macros::dec;

    fn baseline(growth: Option<BauGrowth>) -> Inventory {
        let spec = InventorySpec {
            population: Population::new(1000),
            bau: growth,
            framework: Default::default(),
            ..InventorySpec::baseline("b", Country::parse("IT").unwrap(), 2010)
        };
        let rows = [Activity::new(Sector::Waste, None, dec!(100), ActivityUnit::TonneCo2)];
        compute(spec, crate::factors::test_catalog().newest(), &rows, &[]).unwrap()
    }

    #[test]
    fn compound_growth_of_population_and_activity() {
        let g = BauGrowth { population_pct: dec!(1), activity_pct: dec!(1) };
        let p = project(&baseline(Some(g)), 2012).unwrap().unwrap();
        // 100 × (1.01 × 1.01)² = 100 × 1.04060401
        assert_eq!(p.emissions_t, dec!(104.060401));
        let values: Vec<Decimal> = p.points.iter().map(|x| x.value).collect();
        assert_eq!(values, [dec!(100), dec!(102.01), dec!(104.060401)]);
        // 1000 × 1.01²
        assert_eq!(p.population, Some(dec!(1020.1)));
        // A decline, over 20 years: rounded once to 15 places.
        let g = BauGrowth { population_pct: dec!(-0.7), activity_pct: dec!(0) };
        let p = project(&baseline(Some(g)), 2030).unwrap().unwrap();
        assert_eq!(p.emissions_t, dec!(86.893035676622565));
        assert!(project(&baseline(None), 2030).unwrap().is_none());
    }
}
