//! Plausibility checks: warnings about values that are probably wrong (a unit mistaken, an
//! inventory out of line with its baseline, a user factor far above the release's). They never
//! change a number: each reads a computed [`Inventory`] (or a resolved factor) and gives
//! [`Warning`]s; `covenant batch --strict` turns them into errors.
//!
//! Every bound is cited here and in `docs/batch-format.md` ("Plausibility warnings"):
//!
//! * [`HIGHEST_NATIONAL_ELECTRICITY_MWH_PER_INHABITANT`]: the highest national electricity
//!   consumption per inhabitant in the world, Iceland's 54,799.18 kWh (World Bank indicator
//!   EG.USE.ELEC.KH.PC "Electric power consumption (kWh per capita)", from IEA Statistics
//!   © OECD/IEA 2014, as listed by <http://www.indexmundi.com/facts/indicators/EG.USE.ELEC.KH.PC>).
//!   The JRC checks per-capita electricity against national statistics and corrects "kWh or GWh
//!   entered as MWh" (JRC data-cleaning rules of the MyCovenant inventories; our domain notes,
//!   templates §2.4, source S10). One cell of a city above the highest national value of any
//!   country is taken as kWh entered as MWh; the inventory's electricity per inhabitant above it
//!   (a national value covers all sectors) is flagged too.
//! * [`HIGHEST_NATIONAL_PRIMARY_ENERGY_MWH_PER_INHABITANT`]: the highest national primary energy
//!   consumption per inhabitant in the data set "Primary energy consumption BP & EIA (2022)" of
//!   Our World in Data (`owid/energy-data`, `scripts/grapher/Primary energy consumption BP & EIA
//!   (2022).csv`, commit 01088b91472bda798ee7a36533a8336fa5738ef6, column "Energy per capita
//!   (kWh)"; BP Statistical Review of World Energy and US EIA): the United States Virgin Islands
//!   in 2006, 651,818.309 kWh (the next highest, Qatar 1994, 308,704.252 kWh). A territory's final
//!   energy is below its primary energy, so a city's final energy per inhabitant in one cell
//!   (electricity apart, checked above) or in all cells above it is taken as a unit confused
//!   (kWh or GJ entered as MWh), which is how the JRC reads such per-capita thermal consumption.
//!   Industry is left out of this check: one plant can exceed any national average in a small
//!   municipality.
//! * [`MAX_ENERGY_CHANGE_PCT`]: 70 %, the JRC rule that flags an inventory whose total energy
//!   differs by more than 70 % from the previous inventory of the same plan (S10).
//! * [`UNIT_ERROR_FACTOR`]: 300, derived from the two above: a unit confused by 1,000 (kWh, MWh,
//!   GWh, exact by the units' definitions) on top of a real change within the JRC's ±70 % gives
//!   a factor of at least 1,000 × (1 − 0.70) = 300 between the same cell of two inventories.
//! * [`MAX_FACTOR_RATIO`]: 1.5; the JRC flags a national electricity factor deviating from its
//!   reference by more than 1.5 times (S10). Between a monitoring inventory and its baseline,
//!   the electricity factor each used (a user or local factor) is compared with the change of the
//!   release's national factors between the two years: a ratio beyond 1.5 either way is flagged
//!   (derived from the JRC's rule; two inventories on the national factors never are).
//! * [`MAX_POPULATION_CHANGE_PCT`]: 30 %, the project's threshold (issue #13), not a published
//!   rule: between two inventories of the same plan a population changing by more than 30 % is
//!   more often a typing error (a digit, thousands) or a boundary change than growth.
//! * [`MIN_COMPARED_MWH`]: 1 MWh; the JRC drops sector-carrier cells below 1 MWh (S10), so
//!   smaller cells are not compared.
//! * [`USER_FACTOR_MAX_RATIO`]: 2; the JRC flags a local factor above twice the reference (S10).
//!   The release's value for the carrier, country and year is the reference. Below, a fuel's
//!   factor under half the release's is flagged too: the reciprocal of the JRC's ratio (derived,
//!   not a JRC rule), for fossil fuels only: a local electricity or heat factor from renewable
//!   production may rightly be far below the national one, and a biomass factor without its
//!   biogenic CO2 is CH4 and N2O only.
//!
//! "The same city" is the link the batch format already has: a monitoring inventory and the
//! baseline its `baseline_id` names (the JRC's "same plan"). The `city` column is display text
//! and links nothing.

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;

use crate::error::Warning;
use crate::inventory::{Cell, Inventory, InventorySpec};
use crate::quantity::{EmissionFactor, checked_sum, cmp_decimal, quotient};
use crate::taxonomy::Carrier;

/// The highest national electricity consumption per inhabitant, MWh (Iceland, 54,799.18 kWh;
/// World Bank EG.USE.ELEC.KH.PC from IEA Statistics, see the module docs).
pub const HIGHEST_NATIONAL_ELECTRICITY_MWH_PER_INHABITANT: Decimal =
    Decimal::from_parts(5_479_918, 0, 0, false, 5);

/// The highest national primary energy consumption per inhabitant, MWh (the United States
/// Virgin Islands in 2006, 651,818.309 kWh; Our World in Data from BP and US EIA, see the module
/// docs).
pub const HIGHEST_NATIONAL_PRIMARY_ENERGY_MWH_PER_INHABITANT: Decimal =
    Decimal::from_parts(651_818_309, 0, 0, false, 6);

/// The JRC's largest change of total energy between two inventories of the same plan, percent.
pub const MAX_ENERGY_CHANGE_PCT: Decimal = Decimal::from_parts(70, 0, 0, false, 0);

/// The factor between the same cell of two inventories of a city from which a unit confused by
/// 1,000 is the likely cause: 1,000 × (1 − 0.70).
pub const UNIT_ERROR_FACTOR: Decimal = Decimal::from_parts(300, 0, 0, false, 0);

/// The largest ratio between the change of an inventory's electricity factor and the change of
/// the national factor from its baseline (the JRC's rule for national factors).
pub const MAX_FACTOR_RATIO: Decimal = Decimal::from_parts(15, 0, 0, false, 1);

/// The largest change of population between a monitoring inventory and its baseline, percent
/// (the project's threshold).
pub const MAX_POPULATION_CHANGE_PCT: Decimal = Decimal::from_parts(30, 0, 0, false, 0);

/// Cells below this many MWh are not compared (the JRC drops them).
pub const MIN_COMPARED_MWH: Decimal = Decimal::ONE;

/// A user factor above this multiple of the release's value is flagged (the JRC's rule for
/// local factors).
pub const USER_FACTOR_MAX_RATIO: Decimal = Decimal::TWO;

const MJ_PER_MWH: Decimal = Decimal::from_parts(3_600, 0, 0, false, 0);

/// The warnings about the cells of one inventory: an electricity cell whose consumption per
/// inhabitant is above [`HIGHEST_NATIONAL_ELECTRICITY_MWH_PER_INHABITANT`] (at its line) or,
/// when no single cell is, the inventory's electricity consumption per inhabitant above it.
/// Nothing without a population.
pub fn cell_warnings(spec: &InventorySpec, cells: &[Cell]) -> Vec<Warning> {
    let mut out = electricity_warnings(spec, cells);
    // Electricity already flagged is not counted again in the energy of the inventory.
    out.extend(energy_warnings(spec, cells, out.is_empty()));
    out
}

/// `a > b`, by [`cmp_decimal`] (every cell is compared).
fn exceeds(a: Decimal, b: Decimal) -> bool {
    cmp_decimal(a, b) == std::cmp::Ordering::Greater
}

/// The sectors whose energy per inhabitant is compared with
/// [`HIGHEST_NATIONAL_PRIMARY_ENERGY_MWH_PER_INHABITANT`]: all but industry.
fn energy_checked(sector: crate::taxonomy::Sector) -> bool {
    use crate::taxonomy::Sector::*;
    sector.is_energy() && !matches!(sector, IndustryEts | IndustryNonEts)
}

/// A cell other than electricity (industry apart) whose energy per inhabitant is above
/// [`HIGHEST_NATIONAL_PRIMARY_ENERGY_MWH_PER_INHABITANT`] (at its line) or, when no single cell
/// is, the energy of those sectors per inhabitant (with electricity when `with_electricity`) above
/// it.
fn energy_warnings(spec: &InventorySpec, cells: &[Cell], with_electricity: bool) -> Vec<Warning> {
    let Some(population) = spec.population else { return Vec::new() };
    let inhabitants = Decimal::from(population.get());
    let max = HIGHEST_NATIONAL_PRIMARY_ENERGY_MWH_PER_INHABITANT;
    let Some(limit_mj) = max.checked_mul(MJ_PER_MWH).and_then(|x| x.checked_mul(inhabitants))
    else {
        return Vec::new();
    };
    let checked =
        || cells.iter().filter(|c| energy_checked(c.sector)).filter_map(|c| Some((c, c.energy?)));
    let per_cell: Vec<Warning> = checked()
        .filter(|(c, e)| {
            c.carrier != Some(Carrier::Electricity) && exceeds(e.megajoules(), limit_mj)
        })
        .filter_map(|(c, e)| {
            Some(Warning::EnergyCellPerCapita {
                sector: c.sector,
                carrier: c.carrier?,
                line: c.first_line,
                value: quotient(e.mwh(), inhabitants)?,
                max,
            })
        })
        .collect();
    if !per_cell.is_empty() {
        return per_cell;
    }
    let total = checked()
        .filter(|(c, _)| with_electricity || c.carrier != Some(Carrier::Electricity))
        .try_fold(Decimal::ZERO, |sum, (_, e)| checked_sum(sum, e.megajoules()));
    match total {
        Some(mj) if mj > limit_mj => quotient(mj, MJ_PER_MWH)
            .and_then(|mwh| quotient(mwh, inhabitants))
            .map(|value| Warning::EnergyPerCapita { value, max })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// The electricity half of [`cell_warnings`].
fn electricity_warnings(spec: &InventorySpec, cells: &[Cell]) -> Vec<Warning> {
    let Some(population) = spec.population else { return Vec::new() };
    let inhabitants = Decimal::from(population.get());
    // The bound for the whole population, in MJ: compared exactly, divided only for the message.
    let Some(limit_mj) = HIGHEST_NATIONAL_ELECTRICITY_MWH_PER_INHABITANT
        .checked_mul(MJ_PER_MWH)
        .and_then(|x| x.checked_mul(inhabitants))
    else {
        return Vec::new();
    };
    let electricity = || {
        cells
            .iter()
            .filter(|c| c.carrier == Some(Carrier::Electricity))
            .filter_map(|c| Some((c, c.energy?)))
    };
    let per_cell: Vec<Warning> = electricity()
        .filter(|(_, e)| exceeds(e.megajoules(), limit_mj))
        .filter_map(|(c, e)| {
            Some(Warning::PerCapitaMagnitude {
                sector: c.sector,
                carrier: Carrier::Electricity,
                line: c.first_line,
                value: quotient(e.mwh(), inhabitants)?,
                max: HIGHEST_NATIONAL_ELECTRICITY_MWH_PER_INHABITANT,
            })
        })
        .collect();
    if !per_cell.is_empty() {
        return per_cell;
    }
    let total =
        electricity().try_fold(Decimal::ZERO, |sum, (_, e)| checked_sum(sum, e.megajoules()));
    match total {
        Some(mj) if mj > limit_mj => quotient(mj, MJ_PER_MWH)
            .and_then(|mwh| quotient(mwh, inhabitants))
            .map(|value| Warning::ElectricityPerCapita {
                value,
                max: HIGHEST_NATIONAL_ELECTRICITY_MWH_PER_INHABITANT,
            })
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// The warnings of comparing a monitoring inventory with its baseline: the total energy
/// changed by more than [`MAX_ENERGY_CHANGE_PCT`], and every energy cell of at least
/// [`MIN_COMPARED_MWH`] in both that differs from the baseline's by a factor of
/// [`UNIT_ERROR_FACTOR`] or more.
pub fn compare(inv: &Inventory, base: &Inventory) -> Vec<Warning> {
    compare_cells(inv, &energy_cells(inv), base, &energy_cells(base))
}

/// What [`compare`] reads of a cell: its sector, carrier, energy and first input line (so that
/// a batch written as it is computed can keep these instead of the inventories' cells).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EnergyCell {
    sector: crate::taxonomy::Sector,
    carrier: Carrier,
    energy: crate::quantity::Energy,
    first_line: Option<u64>,
}

/// The cells of an inventory with a carrier and an energy, in order.
pub(crate) fn energy_cells(inv: &Inventory) -> Vec<EnergyCell> {
    inv.cells
        .iter()
        .filter_map(|c| {
            Some(EnergyCell {
                sector: c.sector,
                carrier: c.carrier?,
                energy: c.energy?,
                first_line: c.first_line,
            })
        })
        .collect()
}

/// [`compare`] with the energy cells of both inventories given.
pub(crate) fn compare_cells(
    inv: &Inventory,
    cells: &[EnergyCell],
    base: &Inventory,
    base_cells: &[EnergyCell],
) -> Vec<Warning> {
    let mut out = Vec::new();
    if let Some(w) = energy_change(inv, base) {
        out.push(w);
    }
    if let Some(w) = population_change(inv, base) {
        out.push(w);
    }
    let min_mj = MIN_COMPARED_MWH.checked_mul(MJ_PER_MWH).unwrap_or(Decimal::MAX);
    // One cell per sector and carrier: the baseline's, if it has one, found by halving when
    // its cells are in slot order (an inventory's are), else by a scan.
    let key = |b: &EnergyCell| (b.sector.index(), b.carrier.index());
    // Strictly: with a key twice, a search might not find the first, which a scan does.
    let sorted = base_cells.windows(2).all(|w| key(&w[0]) < key(&w[1]));
    for c in cells {
        let (carrier, e) = (c.carrier, c.energy);
        let other = if sorted {
            base_cells.binary_search_by_key(&key(c), key).ok().and_then(|k| base_cells.get(k))
        } else {
            base_cells.iter().find(|b| b.sector == c.sector && b.carrier == c.carrier)
        };
        let Some(b) = other.map(|b| b.energy) else { continue };
        let (hi, lo) = if exceeds(b.megajoules(), e.megajoules()) { (b, e) } else { (e, b) };
        if exceeds(min_mj, lo.megajoules()) {
            continue;
        }
        let Some(bound) = lo.megajoules().checked_mul(UNIT_ERROR_FACTOR) else { continue };
        if exceeds(bound, hi.megajoules()) {
            continue;
        }
        let Some(factor) = quotient(hi.megajoules(), lo.megajoules()) else { continue };
        out.push(Warning::BaselineMagnitude {
            sector: c.sector,
            carrier,
            line: c.first_line,
            value: e.mwh(),
            baseline: base.spec.id.clone(),
            baseline_value: b.mwh(),
            factor,
            max: UNIT_ERROR_FACTOR,
        });
    }
    out
}

/// The population changed by more than [`MAX_POPULATION_CHANGE_PCT`] from the baseline's.
pub fn population_change(inv: &Inventory, base: &Inventory) -> Option<Warning> {
    let (now, then) = (inv.spec.population?.get(), base.spec.population?.get());
    let (now, then) = (Decimal::from(now), Decimal::from(then));
    let diff = now.checked_sub(then)?;
    let lhs = diff.abs().checked_mul(Decimal::ONE_HUNDRED)?;
    if lhs <= MAX_POPULATION_CHANGE_PCT.checked_mul(then)? {
        return None;
    }
    Some(Warning::PopulationChange {
        baseline: base.spec.id.clone(),
        change_pct: quotient(diff.checked_mul(Decimal::ONE_HUNDRED)?, then)?,
        max_pct: MAX_POPULATION_CHANGE_PCT,
    })
}

/// The electricity factor an inventory used (not the non-sustainable variant, which electricity
/// has not), kept for [`factor_jump`].
pub(crate) fn electricity_factor(inv: &Inventory) -> Option<crate::provenance::FactorUsed> {
    inv.factors.iter().find(|f| f.carrier == Carrier::Electricity).cloned()
}

/// The electricity factor of a monitoring inventory (`own`) changed from its baseline's
/// (`theirs`) by more than [`MAX_FACTOR_RATIO`] times the change of the release's national
/// factors for the two inventories (`national`, `base_national`). Nothing when both used the
/// national factors, or when a factor is zero.
pub(crate) fn factor_jump(
    own: &crate::provenance::FactorUsed,
    theirs: &crate::provenance::FactorUsed,
    national: EmissionFactor,
    base_national: EmissionFactor,
) -> Option<Warning> {
    use crate::provenance::Provenance;
    let national_set =
        |f: &crate::provenance::FactorUsed| matches!(f.provenance, Provenance::FactorSet { .. });
    if national_set(own) && national_set(theirs) {
        return None;
    }
    let (f, b) = (own.factor.value(), theirs.factor.value());
    let (n, nb) = (national.value(), base_national.value());
    if [f, b, n, nb].iter().any(|x| *x <= Decimal::ZERO) {
        return None;
    }
    // (f / b) / (n / nb) = f × nb / (b × n): compared exactly, divided once for the message.
    let (num, den) = (f.checked_mul(nb)?, b.checked_mul(n)?);
    let high = num > den.checked_mul(MAX_FACTOR_RATIO)?;
    let low = num.checked_mul(MAX_FACTOR_RATIO)? < den;
    (high || low).then(|| Warning::ElectricityFactorJump {
        factor: f,
        baseline_factor: b,
        national: n,
        baseline_national: nb,
        ratio: quotient(num, den).unwrap_or_default(),
        max: MAX_FACTOR_RATIO,
    })
}

/// The total energy changed by more than [`MAX_ENERGY_CHANGE_PCT`] from the baseline's.
fn energy_change(inv: &Inventory, base: &Inventory) -> Option<Warning> {
    let (now, then) = (inv.total_energy.megajoules(), base.total_energy.megajoules());
    if then <= Decimal::ZERO {
        return None;
    }
    let diff = now.checked_sub(then)?;
    // |now − then| × 100 > 70 × then, exactly.
    let lhs = diff.abs().checked_mul(Decimal::ONE_HUNDRED)?;
    if lhs <= MAX_ENERGY_CHANGE_PCT.checked_mul(then)? {
        return None;
    }
    Some(Warning::EnergyChange {
        baseline: base.spec.id.clone(),
        change_pct: quotient(diff.checked_mul(Decimal::ONE_HUNDRED)?, then)?,
        max_pct: MAX_ENERGY_CHANGE_PCT,
    })
}

/// A user factor above [`USER_FACTOR_MAX_RATIO`] times the release's value for the same
/// carrier, or for a fuel below the release's value divided by it (not when the release's value
/// is zero: there is no reference to compare with).
pub fn user_factor(
    carrier: Carrier,
    line: Option<u64>,
    user: EmissionFactor,
    release: EmissionFactor,
) -> Option<Warning> {
    let reference = release.value();
    if reference <= Decimal::ZERO {
        return None;
    }
    let low = quotient(reference, USER_FACTOR_MAX_RATIO)?;
    // Not for biomass: its factor is CH4 and N2O only (or zero) when its CO2 is biogenic.
    if carrier.is_fuel() && !carrier.is_biomass() && user.value() < low {
        return Some(Warning::UserFactorLow {
            carrier,
            line,
            factor: user.value(),
            release_factor: reference,
            min: low,
        });
    }
    let bound = reference.checked_mul(USER_FACTOR_MAX_RATIO)?;
    (user.value() > bound).then(|| Warning::UserFactorHigh {
        carrier,
        line,
        factor: user.value(),
        release_factor: reference,
        max: bound,
    })
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, reason = "tests: expected values, line numbers")]
mod tests {
    use super::*;
    use crate::country::Country;
    use crate::factors::test_catalog;
    use crate::inventory::{Activity, FactorOverride, compute};
    use crate::quantity::Energy;
    use crate::quantity::{ActivityUnit, EnergyUnit, Population};
    use crate::taxonomy::Sector;
    use rust_decimal_macros::dec;

    fn mwh(v: i64) -> Energy {
        Energy::from_mwh(Decimal::from(v)).unwrap()
    }

    #[test]
    fn the_bounds_are_those_cited() {
        assert_eq!(HIGHEST_NATIONAL_ELECTRICITY_MWH_PER_INHABITANT, dec!(54.79918));
        assert_eq!(MAX_ENERGY_CHANGE_PCT, dec!(70));
        assert_eq!(UNIT_ERROR_FACTOR, dec!(1000) * (dec!(1) - dec!(0.70)));
        assert_eq!(MIN_COMPARED_MWH, dec!(1));
        assert_eq!(USER_FACTOR_MAX_RATIO, dec!(2));
        assert_eq!(MAX_FACTOR_RATIO, dec!(1.5));
        assert_eq!(MAX_POPULATION_CHANGE_PCT, dec!(30));
        assert_eq!(mwh(1).megajoules(), MJ_PER_MWH);
    }

    fn inventory(id: &str, population: u64, rows: &[(Sector, Carrier, Decimal)]) -> Inventory {
        let release = test_catalog().release(None).unwrap();
        let mut spec = InventorySpec::baseline(id, "GR".parse::<Country>().unwrap(), 2010);
        spec.population = Some(Population::new(population).unwrap());
        let acts: Vec<Activity> = rows
            .iter()
            .enumerate()
            .map(|(i, &(s, c, a))| {
                Activity::new(s, Some(c), a, ActivityUnit::Energy(EnergyUnit::MegawattHour))
                    .with_line(u64::try_from(i).unwrap() + 2)
            })
            .collect();
        compute(spec, release, &acts, &[]).unwrap()
    }

    fn codes(w: &[Warning]) -> Vec<&'static str> {
        w.iter().map(Warning::code).collect()
    }

    #[test]
    fn per_capita_electricity_above_the_highest_national_value() {
        use Sector::*;
        // 1,000 inhabitants: the bound is 54,799.18 MWh.
        let ok =
            inventory("a", 1000, &[(ResidentialBuildings, Carrier::Electricity, dec!(54799.18))]);
        assert!(!codes(&ok.warnings).iter().any(|c| c.contains("per_capita")));
        let high = inventory(
            "a",
            1000,
            &[
                (MunicipalBuildings, Carrier::Electricity, dec!(10)),
                (ResidentialBuildings, Carrier::Electricity, dec!(54799.19)),
                (ResidentialBuildings, Carrier::NaturalGas, dec!(900000)),
            ],
        );
        let w: Vec<_> =
            high.warnings.iter().filter(|w| w.code() == "magnitude_per_capita").collect();
        assert_eq!(w.len(), 1, "{w:?}");
        let Warning::PerCapitaMagnitude { sector, line, value, .. } = w[0] else { panic!() };
        assert_eq!((*sector, *line, *value), (ResidentialBuildings, Some(3), dec!(54.79919)));
        assert_eq!(w[0].params().get("max"), Some("54.79918"));
    }

    #[test]
    fn per_capita_electricity_of_the_whole_inventory() {
        use Sector::*;
        // Two cells below the bound (1,000 inhabitants: 54,799.18 MWh), together above it.
        let rows = [
            (ResidentialBuildings, Carrier::Electricity, dec!(30000)),
            (TertiaryBuildings, Carrier::Electricity, dec!(24800)),
        ];
        let inv = inventory("a", 1000, &rows);
        let w: Vec<_> = inv.warnings.iter().filter(|w| w.code().contains("per_capita")).collect();
        assert_eq!(codes(&inv.warnings).iter().filter(|c| c.contains("per_capita")).count(), 1);
        assert_eq!(w[0].code(), "electricity_per_capita");
        assert_eq!(w[0].params().get("value"), Some("54.8"));
        assert_eq!(w[0].location(), None);
        // Together at the bound: nothing.
        let inv = inventory(
            "a",
            1000,
            &[rows[0], (TertiaryBuildings, Carrier::Electricity, dec!(24799.18))],
        );
        assert!(!codes(&inv.warnings).iter().any(|c| c.contains("per_capita")));
    }

    #[test]
    fn per_capita_energy_above_the_highest_national_primary_energy() {
        use Sector::*;
        assert_eq!(HIGHEST_NATIONAL_PRIMARY_ENERGY_MWH_PER_INHABITANT, dec!(651.818309));
        let energy = |inv: &Inventory| -> Vec<Warning> {
            inv.warnings
                .iter()
                .filter(|w| w.code().contains("energy_per_capita"))
                .cloned()
                .collect()
        };
        // 1,000 inhabitants: the bound is 651,818.309 MWh. Gas entered in kWh as MWh, ×1000.
        let rows = [
            (ResidentialBuildings, Carrier::Electricity, dec!(2000)),
            (ResidentialBuildings, Carrier::NaturalGas, dec!(6500000)),
            (PrivateTransport, Carrier::Diesel, dec!(9000)),
        ];
        let w = energy(&inventory("a", 1000, &rows));
        assert_eq!(codes(&w), ["magnitude_energy_per_capita"]);
        assert_eq!(w[0].location(), Some((crate::error::Input::Activity, 3)));
        assert_eq!(w[0].params().get("value"), Some("6500"));
        // Within the bound: nothing.
        let w =
            energy(&inventory("a", 1000, &[rows[0], (rows[1].0, rows[1].1, dec!(6500)), rows[2]]));
        assert!(w.is_empty(), "{w:?}");
        // Three cells below it, together above: the inventory's warning, at no line.
        let rows = [
            (ResidentialBuildings, Carrier::NaturalGas, dec!(300000)),
            (TertiaryBuildings, Carrier::NaturalGas, dec!(300000)),
            (PrivateTransport, Carrier::Diesel, dec!(100000)),
        ];
        let w = energy(&inventory("a", 1000, &rows));
        assert_eq!(codes(&w), ["energy_per_capita"]);
        assert_eq!(w[0].location(), None);
        // Industry is not checked: one plant can exceed any national average.
        let w = energy(&inventory("a", 1000, &[(IndustryNonEts, Carrier::Coal, dec!(5000000))]));
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn a_fuel_factor_below_half_the_release() {
        let f = |v: Decimal| EmissionFactor::t_per_mwh(v).unwrap();
        // Natural gas 0.202 t/MWh: 0.101 is the least expected; in kg/kWh ÷ 1000, flagged.
        assert!(
            user_factor(Carrier::NaturalGas, Some(2), f(dec!(0.101)), f(dec!(0.202))).is_none()
        );
        let w =
            user_factor(Carrier::NaturalGas, Some(2), f(dec!(0.000202)), f(dec!(0.202))).unwrap();
        assert_eq!(w.code(), "user_factor_low");
        assert_eq!(w.params().get("min"), Some("0.101"));
        assert_eq!(w.location(), Some((crate::error::Input::Factors, 2)));
        // A local electricity or heat factor may rightly be far below the national one.
        assert!(user_factor(Carrier::Electricity, None, f(dec!(0.05)), f(dec!(0.5))).is_none());
        assert!(user_factor(Carrier::HeatCold, None, f(dec!(0.01)), f(dec!(0.3))).is_none());
        // Nor biomass: without its biogenic CO2 its factor is CH4 and N2O only.
        assert!(user_factor(Carrier::OtherBiomass, None, f(dec!(0.002)), f(dec!(0.007))).is_none());
    }

    #[test]
    fn population_changing_by_more_than_thirty_percent() {
        use Sector::*;
        let rows = [(ResidentialBuildings, Carrier::NaturalGas, dec!(500))];
        let base = inventory("b", 1000, &rows);
        let codes_of = |pop| codes(&compare(&inventory("m", pop, &rows), &base));
        assert!(codes_of(1300).is_empty());
        assert!(codes_of(700).is_empty());
        assert_eq!(codes_of(1301), ["population_change"]);
        // Thousands entered as inhabitants: −99.9 %.
        let w = compare(&inventory("m", 1, &rows), &base);
        assert_eq!(w[0].params().get("change_pct"), Some("-99.9"));
    }

    #[test]
    fn an_electricity_factor_jumping_beyond_the_national_change() {
        use crate::provenance::{FactorUsed, OverrideScope, Provenance};
        let f = |v: Decimal| EmissionFactor::t_per_mwh(v).unwrap();
        let user = |v: Decimal| FactorUsed {
            carrier: Carrier::Electricity,
            variant: crate::factors::Variant::Default,
            factor: f(v),
            provenance: Provenance::UserOverride {
                source: None,
                scope: OverrideScope::Inventory,
                line: Some(2),
            },
        };
        let release = crate::factors::test_catalog().release(None).unwrap();
        let national = |year: u16| {
            let spec = InventorySpec::baseline("x", "IT".parse::<Country>().unwrap(), year);
            crate::inventory::resolve(
                &spec,
                release,
                Carrier::Electricity,
                crate::factors::Variant::Default,
                &[],
            )
            .unwrap()
        };
        let (n10, n20) = (national(2010), national(2020));
        // Both on the national factors: never, whatever the national change.
        assert!(factor_jump(&n20, &n10, n20.factor, n10.factor).is_none());
        // A user factor following the national change within 1.5 times: nothing.
        let follows = user(n20.factor.value() * dec!(1.4));
        assert!(factor_jump(&follows, &n10, n20.factor, n10.factor).is_none());
        // A local factor a third of the national one: flagged, with the ratio.
        let w = factor_jump(&user(n20.factor.value() / dec!(3)), &n10, n20.factor, n10.factor);
        let w = w.unwrap();
        assert_eq!(w.code(), "electricity_factor_jump");
        assert_eq!(w.params().get("max"), Some("1.5"));
    }

    #[test]
    fn no_population_no_per_capita_warning() {
        let mut inv =
            inventory("a", 1, &[(Sector::ResidentialBuildings, Carrier::Electricity, dec!(1e6))]);
        inv.spec.population = None;
        assert!(cell_warnings(&inv.spec, &inv.cells).is_empty());
    }

    #[test]
    fn a_cell_a_thousand_times_its_baseline() {
        use Sector::*;
        let base = inventory(
            "b",
            1000,
            &[
                (ResidentialBuildings, Carrier::NaturalGas, dec!(500)),
                (TertiaryBuildings, Carrier::NaturalGas, dec!(400)),
            ],
        );
        let mon = inventory(
            "m",
            1000,
            &[
                (ResidentialBuildings, Carrier::NaturalGas, dec!(500000)),
                (TertiaryBuildings, Carrier::NaturalGas, dec!(420)),
            ],
        );
        let w = compare(&mon, &base);
        assert_eq!(codes(&w), ["energy_change", "magnitude_vs_baseline"]);
        let Warning::BaselineMagnitude { sector, factor, line, baseline, .. } = &w[1] else {
            panic!()
        };
        assert_eq!(
            (*sector, *factor, *line, baseline.as_str()),
            (ResidentialBuildings, dec!(1000), Some(2), "b")
        );
        // The other way round (GWh entered as MWh in the monitoring inventory): the same warning.
        let w = compare(&base, &mon);
        assert_eq!(codes(&w), ["energy_change", "magnitude_vs_baseline"]);
        // Just below the factor: nothing.
        let near =
            inventory("m", 1000, &[(ResidentialBuildings, Carrier::NaturalGas, dec!(149999.99))]);
        assert!(!codes(&compare(&near, &base)).contains(&"magnitude_vs_baseline"));
        let at = inventory("m", 1000, &[(ResidentialBuildings, Carrier::NaturalGas, dec!(150000))]);
        assert!(codes(&compare(&at, &base)).contains(&"magnitude_vs_baseline"));
        // Cells below 1 MWh are not compared.
        let tiny_b =
            inventory("b", 1000, &[(ResidentialBuildings, Carrier::NaturalGas, dec!(0.5))]);
        let tiny_m =
            inventory("m", 1000, &[(ResidentialBuildings, Carrier::NaturalGas, dec!(500))]);
        assert!(!codes(&compare(&tiny_m, &tiny_b)).contains(&"magnitude_vs_baseline"));
    }

    #[test]
    fn total_energy_changing_by_more_than_seventy_percent() {
        use Sector::*;
        let base = inventory("b", 1000, &[(ResidentialBuildings, Carrier::NaturalGas, dec!(1000))]);
        let at = |a| inventory("m", 1000, &[(ResidentialBuildings, Carrier::NaturalGas, a)]);
        for ok in [dec!(1700), dec!(300), dec!(1000)] {
            assert!(compare(&at(ok), &base).is_empty(), "{ok}");
        }
        for (bad, pct) in [(dec!(1700.01), dec!(70.001)), (dec!(299.99), dec!(-70.001))] {
            let w = compare(&at(bad), &base);
            assert_eq!(codes(&w), ["energy_change"]);
            assert_eq!(w[0].params().get("change_pct"), Some(pct.to_string().as_str()));
        }
    }

    #[test]
    fn a_user_factor_above_twice_the_releases() {
        let f = |v| EmissionFactor::t_per_mwh(v).unwrap();
        assert!(user_factor(Carrier::Electricity, None, f(dec!(2)), f(dec!(1))).is_none());
        let w = user_factor(Carrier::Electricity, Some(4), f(dec!(2.01)), f(dec!(1))).unwrap();
        assert_eq!(w.code(), "user_factor_high");
        assert_eq!(w.location(), Some((crate::error::Input::Factors, 4)));
        // No reference: no warning.
        assert!(user_factor(Carrier::Biofuel, None, f(dec!(0.3)), f(dec!(0))).is_none());
        // Through compute: a user electricity factor in kg/MWh instead of t/MWh.
        let release = test_catalog().release(None).unwrap();
        let spec = InventorySpec::baseline("a", "GR".parse().unwrap(), 2010);
        let act = Activity::new(
            Sector::ResidentialBuildings,
            Some(Carrier::Electricity),
            dec!(100),
            ActivityUnit::Energy(EnergyUnit::MegawattHour),
        );
        let ov = FactorOverride::new(Carrier::Electricity, f(dec!(700)));
        let inv = compute(spec, release, &[act], &[ov]).unwrap();
        assert!(codes(&inv.warnings).contains(&"user_factor_high"), "{:?}", inv.warnings);
    }
}
