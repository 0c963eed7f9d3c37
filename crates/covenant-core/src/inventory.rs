//! One inventory: sector × carrier activity data in, emissions with provenance out.
//!
//! [`InventoryBuilder`] takes activity rows one at a time (converting each to exact energy and
//! adding rows with the same sector and carrier), then [`InventoryBuilder::finish`] applies the
//! factors and returns an [`Inventory`]. The batch reader and the browser use the same builder,
//! so every front end computes the same numbers.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::country::Country;
use crate::error::{Error, Result};
use crate::factors::{Release, Variant};
pub use crate::error::Located;
pub use crate::provenance::{Conversion, FactorUsed, OverrideScope, Provenance};
use crate::quantity::{ActivityUnit, EmissionFactor, Emissions, Energy, MAX_AMOUNT, Population};
use crate::taxonomy::{Approach, Carrier, GasBasis, InventoryKind, Sector, TargetKind};

/// The engine's version, recorded in every result.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A reduction target set against an inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetSpec {
    /// The target year.
    pub year: u16,
    /// The reduction from the baseline, in percent (0–100).
    pub reduction_pct: Decimal,
    /// Absolute or per-capita.
    pub kind: TargetKind,
    /// Inhabitants in the target year (for the equivalent absolute value of a per-capita
    /// target).
    pub population: Option<Population>,
}

/// What an inventory is: the metadata of one row of `inventories.csv`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InventorySpec {
    /// Unique key.
    pub id: String,
    /// Display name of the city.
    pub city: Option<String>,
    /// Country (selects the national electricity factor).
    pub country: Country,
    /// Inventory year.
    pub year: u16,
    /// Baseline or monitoring.
    pub kind: InventoryKind,
    /// For a monitoring inventory: the baseline it is compared with.
    pub baseline_id: Option<String>,
    /// Inhabitants in the inventory year.
    pub population: Option<Population>,
    /// IPCC or LCA factors.
    pub approach: Approach,
    /// CO2 or CO2-eq.
    pub gases: GasBasis,
    /// Factor release id; `None` means the newest.
    pub release: Option<String>,
    /// A reduction target, if any.
    pub target: Option<TargetSpec>,
    /// The GWP set (`sar`, `tar`, `ar4`, `ar5`, `ar6`) for CO2-eq factors computed per gas; `None`
    /// uses the release's CO2-eq table.
    pub gwp: Option<String>,
    /// The CHP reference efficiencies, when not the defaults of
    /// [`crate::supply::ChpEfficiencies::GUIDEBOOK_2010`].
    pub chp_efficiencies: Option<crate::supply::ChpEfficiencies>,
}

impl InventorySpec {
    /// A baseline inventory with the defaults of the batch format (IPCC, CO2, newest release).
    pub fn baseline(id: impl Into<String>, country: Country, year: u16) -> InventorySpec {
        InventorySpec {
            id: id.into(),
            city: None,
            country,
            year,
            kind: InventoryKind::Baseline,
            baseline_id: None,
            population: None,
            approach: Approach::Ipcc,
            gases: GasBasis::Co2,
            release: None,
            target: None,
            gwp: None,
            chp_efficiencies: None,
        }
    }
}

/// One activity row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    /// The sector.
    pub sector: Sector,
    /// The carrier (`None` for non-energy sectors).
    pub carrier: Option<Carrier>,
    /// The amount (≥ 0).
    pub amount: Decimal,
    /// Its unit.
    pub unit: ActivityUnit,
    /// For biomass and biofuels: sustainably produced (the default) or not.
    pub variant: Variant,
    /// The input line it came from, for provenance.
    pub line: Option<u64>,
}

/// A user's emission factor for a carrier, replacing the release's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactorOverride {
    /// The carrier.
    pub carrier: Carrier,
    /// The factor (t per MWh, on the inventory's gas basis).
    pub factor: EmissionFactor,
    /// The user's source note.
    pub source: Option<String>,
    /// Where it applies.
    pub scope: OverrideScope,
    /// The input line it came from.
    pub line: Option<u64>,
}

/// One (sector, carrier) cell of the result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The sector.
    pub sector: Sector,
    /// The carrier (`None` for non-energy sectors).
    pub carrier: Option<Carrier>,
    /// Final energy (`None` for non-energy sectors).
    pub energy: Option<Energy>,
    /// The factor applied (`None` for non-energy sectors). When a biomass cell mixes sustainable
    /// and non-sustainable rows, the effective factor (emissions ÷ energy).
    pub factor: Option<EmissionFactor>,
    /// Emissions.
    pub emissions: Emissions,
    /// Biogenic CO2 of sustainable biomass in this cell: a memo item, not in the emissions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub biogenic_co2: Option<Emissions>,
    /// How many input rows were added up.
    pub rows: u64,
    /// The fuel variants of its rows: `[Default]`, `[NonSustainable]` or both, in that order.
    #[serde(skip_serializing_if = "is_default_only")]
    pub variants: &'static [Variant],
    /// The input lines that were added up, in ascending order; empty when the builder was told
    /// not to keep cell detail ([`InventoryBuilder::keep_cell_detail`]), as a batch written to
    /// CSV does: the rows of a cell are then those of its inventory, sector and carrier.
    pub lines: Vec<u64>,
    /// The quantities as given, by unit, with their conversions; empty without cell detail.
    pub inputs: Vec<Conversion>,
}

fn is_default_only(v: &&'static [Variant]) -> bool {
    *v == [Variant::Default]
}

/// A total over one sector or one carrier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Subtotal<K> {
    /// The sector or carrier.
    pub key: K,
    /// Final energy.
    pub energy: Energy,
    /// Emissions.
    pub emissions: Emissions,
}

/// A computed inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inventory {
    /// What was computed.
    pub spec: InventorySpec,
    /// The factor release used.
    pub release: String,
    /// The cells with activity, in template order (sector, then carrier).
    pub cells: Vec<Cell>,
    /// Totals by sector, in template order (only sectors with activity).
    pub sectors: Vec<Subtotal<Sector>>,
    /// Totals by carrier, in template order (energy sectors only).
    pub carriers: Vec<Subtotal<Carrier>>,
    /// Total final energy.
    pub total_energy: Energy,
    /// Total emissions (energy and non-energy).
    pub total_emissions: Emissions,
    /// Emissions per inhabitant, unrounded (needs a population).
    pub per_capita_t: Option<Decimal>,
    /// Biogenic CO2 of sustainable biomass (memo item, outside the totals), when the release has
    /// per-gas factors for the biomass used.
    pub biogenic_co2_memo: Option<Emissions>,
    /// The factor applied to each carrier, with its provenance.
    pub factors: Vec<FactorUsed>,
    /// Local energy supply (Tables C and D) and the local factors derived from it.
    pub supply: Option<crate::supply::LocalSupply>,
    /// Plausibility warnings (the result is still complete).
    pub warnings: Vec<String>,
    /// The engine version.
    pub engine_version: &'static str,
}

const SLOTS: usize = Carrier::ALL.len() + 1;

#[derive(Clone, Debug, Default)]
struct Acc {
    /// Every input line, when the builder keeps cell detail.
    lines: Vec<u64>,
    /// The number of rows added.
    rows: u64,
    /// The smallest input line, for messages.
    first_line: Option<u64>,
    /// The amounts summed per unit and variant (almost always one).
    inputs: Vec<(ActivityUnit, Variant, Decimal)>,
}

/// Adds activity rows up into cells; see the module docs.
#[derive(Debug)]
pub struct InventoryBuilder<'r> {
    spec: InventorySpec,
    release: &'r Release,
    cells: Cells,
    fuel_overrides: Vec<FuelOverride>,
    supply: Vec<(crate::supply::SupplyRow, Option<(Carrier, Energy)>)>,
    chp: crate::supply::ChpEfficiencies,
    detail: bool,
}

/// A user's net calorific value or density for a carrier, replacing the release's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FuelOverride {
    /// The carrier.
    pub carrier: Carrier,
    /// Net calorific value, GJ/t.
    pub ncv_gj_per_t: Option<Decimal>,
    /// Density, kg/L.
    pub density_kg_per_l: Option<Decimal>,
}

/// Sparse sector × carrier cells: a slot index and only the cells that have rows, so an
/// inventory costs memory in proportion to its cells, not to the 272 possible ones.
#[derive(Clone, Debug)]
struct Cells {
    index: Box<[u16]>,
    accs: Vec<Acc>,
}

impl Cells {
    const ABSENT: u16 = u16::MAX;

    fn new() -> Cells {
        Cells {
            index: vec![Cells::ABSENT; Sector::ALL.len() * SLOTS].into_boxed_slice(),
            accs: Vec::new(),
        }
    }

    fn get(&self, slot: usize) -> Option<&Acc> {
        match self.index[slot] {
            Cells::ABSENT => None,
            i => self.accs.get(usize::from(i)),
        }
    }

    fn entry(&mut self, slot: usize) -> &mut Acc {
        let i = match self.index[slot] {
            Cells::ABSENT => {
                // At most 272 cells, far below u16::MAX.
                let i = u16::try_from(self.accs.len()).unwrap_or(Cells::ABSENT - 1);
                self.index[slot] = i;
                self.accs.push(Acc::default());
                i
            }
            i => i,
        };
        &mut self.accs[usize::from(i)]
    }
}

fn slot(sector: Sector, carrier: Option<Carrier>) -> usize {
    sector.index() * SLOTS + carrier.map_or(SLOTS - 1, Carrier::index)
}

fn energy_units() -> String {
    "MWh, kWh, GWh, GJ, TJ or toe".into()
}

impl<'r> InventoryBuilder<'r> {
    /// A builder for `spec`, using `release` for defaults, NCVs and densities.
    pub fn new(spec: InventorySpec, release: &'r Release) -> InventoryBuilder<'r> {
        InventoryBuilder {
            release,
            cells: Cells::new(),
            fuel_overrides: Vec::new(),
            supply: Vec::new(),
            chp: spec.chp_efficiencies.unwrap_or(crate::supply::ChpEfficiencies::GUIDEBOOK_2010),
            spec,
            detail: true,
        }
    }

    /// Whether each cell keeps its detail (the default): the list of its input lines
    /// ([`Cell::lines`]) and the conversion of each of its quantities ([`Cell::inputs`]).
    /// Without it a builder's memory grows with its cells, not with its rows, and an inventory
    /// takes about half the memory; cells still count their rows ([`Cell::rows`]), name their
    /// fuel variants ([`Cell::variants`]), and messages still name the first line of a cell.
    /// The numbers are the same either way.
    pub fn keep_cell_detail(&mut self, keep: bool) {
        self.detail = keep;
    }

    /// The inventory being built.
    pub fn spec(&self) -> &InventorySpec {
        &self.spec
    }

    /// Sets the reference efficiencies used to split CHP emissions.
    pub fn set_chp_efficiencies(&mut self, eta: crate::supply::ChpEfficiencies) {
        self.chp = eta;
    }

    /// Adds a row of local energy supply (Tables C and D); its fuel input is converted now.
    pub fn add_supply(&mut self, row: crate::supply::SupplyRow) -> Result<(), Located> {
        let loc = |column: &'static str, value: String, error: Error| Located {
            line: row.line,
            column,
            value,
            error: Box::new(error),
            supply: true,
        };
        let fuel = match row.fuel {
            None => None,
            Some((carrier, amount, unit)) => {
                if amount.is_sign_negative() && !amount.is_zero() {
                    return Err(loc(
                        "amount",
                        amount.to_string(),
                        Error::NegativeAmount { value: amount },
                    ));
                }
                let per_unit = match unit {
                    ActivityUnit::Energy(u) => Ok(u.megajoules()),
                    ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e => Err(Error::UnitMismatch {
                        unit: unit.symbol().into(),
                        what: "a plant's fuel input".into(),
                        expected: format!("{} or a fuel quantity", energy_units()),
                    }),
                    _ if !carrier.is_fuel() => Err(Error::UnitMismatch {
                        unit: unit.symbol().into(),
                        what: format!("carrier '{carrier}'"),
                        expected: energy_units(),
                    }),
                    _ => self
                        .fuel_parameters(carrier, unit)
                        .and_then(|p| p.megajoules_per_unit(unit)),
                }
                .map_err(|e| loc("unit", unit.symbol().into(), e))?;
                let mj = amount.checked_mul(per_unit).ok_or_else(|| {
                    loc("amount", amount.to_string(), Error::overflow("fuel input"))
                })?;
                Some((carrier, Energy::from_megajoules(mj)))
            }
        };
        self.supply.push((row, fuel));
        Ok(())
    }

    /// Uses the user's NCV and/or density for a carrier instead of the release's (add before
    /// the rows that need them).
    pub fn set_fuel_override(&mut self, o: FuelOverride) {
        self.fuel_overrides.retain(|x| x.carrier != o.carrier);
        self.fuel_overrides.push(o);
    }

    /// The NCV and density of a carrier: the user's where given, else the release's.
    pub fn fuel_parameters(&self, carrier: Carrier, unit: ActivityUnit) -> Result<FuelParameters> {
        let props = self.release.properties();
        let user = self.fuel_overrides.iter().find(|o| o.carrier == carrier);
        let missing = |property| Error::MissingFuelProperty {
            carrier,
            unit: unit.symbol().into(),
            property,
            release: self.release.id().into(),
        };
        let ncv = user.and_then(|u| u.ncv_gj_per_t).or_else(|| props.ncv(carrier).map(|p| p.value));
        let density = user
            .and_then(|u| u.density_kg_per_l)
            .or_else(|| props.density(carrier).map(|p| p.value));
        if ncv.is_some()
            && density.is_none()
            && matches!(unit, ActivityUnit::Litre | ActivityUnit::CubicMetre)
        {
            return Err(missing("density"));
        }
        Ok(FuelParameters {
            carrier,
            ncv_gj_per_t: ncv.ok_or_else(|| missing("net calorific value"))?,
            density_kg_per_l: density,
            user: user.is_some(),
        })
    }

    /// Checks an activity row and converts its amount, without adding it.
    pub fn convert(&self, a: &Activity) -> Result<Quantity, Located> {
        match self.check(a)? {
            Checked::Emissions => Emissions::from_tonnes(a.amount)
                .map(Quantity::Emissions)
                .map_err(|e| located_amount(a, e)),
            Checked::Energy(mj_per_unit) => a
                .amount
                .checked_mul(mj_per_unit)
                .map(|mj| Quantity::Energy(Energy::from_megajoules(mj)))
                .ok_or_else(|| located_amount(a, Error::overflow("energy"))),
        }
    }

    /// Checks an activity row: the sector and carrier go together, the amount is in range, the
    /// unit fits the carrier (with fuel parameters for fuel quantities). Gives the megajoules per
    /// unit of an energy carrier.
    fn check(&self, a: &Activity) -> Result<Checked, Located> {
        let loc = |column: &'static str, value: String, error: Error| Located {
            line: a.line,
            column,
            value,
            error: Box::new(error),
            supply: false,
        };
        let sector = a.sector;
        match (sector.is_energy(), a.carrier) {
            (true, None) => {
                return Err(loc("carrier", String::new(), Error::CarrierRequired { sector }));
            }
            (false, Some(c)) => {
                return Err(loc(
                    "carrier",
                    c.to_string(),
                    Error::CarrierNotAllowed { sector, carrier: c },
                ));
            }
            (true, Some(c)) if !sector.accepts(c) => {
                return Err(loc(
                    "carrier",
                    c.to_string(),
                    Error::TransportCarrier { sector, carrier: c },
                ));
            }
            _ => {}
        }
        if a.amount.is_sign_negative() && !a.amount.is_zero() {
            return Err(loc(
                "amount",
                a.amount.to_string(),
                Error::NegativeAmount { value: a.amount },
            ));
        }
        if a.variant == Variant::NonSustainable && !a.carrier.is_some_and(Carrier::is_biomass) {
            let c = a.carrier.map_or(String::new(), |c| c.to_string());
            return Err(loc(
                "sustainable",
                "no".into(),
                Error::UnitMismatch {
                    unit: "sustainable = no".into(),
                    what: format!("carrier '{c}'"),
                    expected: "a biomass carrier (plant_oil, biofuel, other_biomass, biogas)"
                        .into(),
                },
            ));
        }
        // A mantissa below 10^15 cannot exceed MAX_AMOUNT at any scale (no comparison needed).
        if a.amount.mantissa().unsigned_abs() >= 1_000_000_000_000_000 && a.amount > MAX_AMOUNT {
            return Err(loc(
                "amount",
                a.amount.to_string(),
                Error::AmountTooLarge { value: a.amount },
            ));
        }
        let unit_err = |what: String, expected: String| {
            loc(
                "unit",
                a.unit.symbol().into(),
                Error::UnitMismatch { unit: a.unit.symbol().into(), what, expected },
            )
        };
        let Some(carrier) = a.carrier else {
            let expected = match self.spec.gases {
                GasBasis::Co2 => ActivityUnit::TonneCo2,
                GasBasis::Co2e => ActivityUnit::TonneCo2e,
            };
            return if a.unit == expected {
                Ok(Checked::Emissions)
            } else if matches!(a.unit, ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e) {
                Err(unit_err(
                    format!(
                        "an inventory reporting {} (gases = {})",
                        self.spec.gases.unit(),
                        self.spec.gases
                    ),
                    format!("{expected}"),
                ))
            } else {
                Err(unit_err(
                    format!("non-energy sector '{sector}'"),
                    "tCO2 or tCO2e (emissions entered directly)".into(),
                ))
            };
        };
        let mj_per_unit = match a.unit {
            ActivityUnit::Energy(u) => u.megajoules(),
            ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e => {
                return Err(unit_err(format!("energy sector '{sector}'"), energy_units()));
            }
            fuel_unit => {
                if !carrier.is_fuel() {
                    return Err(unit_err(format!("carrier '{carrier}'"), energy_units()));
                }
                self.fuel_parameters(carrier, fuel_unit)
                    .and_then(|p| p.megajoules_per_unit(fuel_unit))
                    .map_err(|e| {
                        let column =
                            if matches!(e, Error::Overflow { .. }) { "amount" } else { "unit" };
                        loc(column, fuel_unit.symbol().into(), e)
                    })?
            }
        };
        Ok(Checked::Energy(mj_per_unit))
    }

    /// Adds a row: it is checked, converted to energy (or emissions for non-energy sectors)
    /// and added to its cell.
    pub fn add(&mut self, a: &Activity) -> Result<(), Located> {
        // Validates the row (and that its conversion fits); the energy itself is computed from
        // the per-unit sums in `finish`, which is exact and the same as adding row by row. An
        // amount in an energy unit needs no trial conversion: it is at most MAX_AMOUNT (10^15)
        // and a unit at most 3.6e6 MJ (GWh), far below Decimal's 7.9e28.
        if !matches!(a.unit, ActivityUnit::Energy(_)) {
            self.convert(a)?;
        } else {
            self.check(a)?;
        }
        let acc = self.cells.entry(slot(a.sector, a.carrier));
        let overflow = |e: Error| Located {
            line: a.line,
            column: "amount",
            value: a.amount.to_string(),
            error: Box::new(e),
            supply: false,
        };
        acc.rows += 1;
        if let Some(l) = a.line {
            acc.first_line = Some(acc.first_line.map_or(l, |f| f.min(l)));
            if self.detail {
                acc.lines.push(l);
            }
        }
        match acc.inputs.iter_mut().find(|(u, v, _)| *u == a.unit && *v == a.variant) {
            Some((_, _, sum)) => {
                *sum = sum
                    .checked_add(a.amount)
                    .ok_or_else(|| overflow(Error::overflow("amount sum")))?;
            }
            None => acc.inputs.push((a.unit, a.variant, a.amount)),
        }
        Ok(())
    }

    /// Applies the factors and returns the inventory, or every problem found.
    ///
    /// `overrides` are the user's factors; one with [`OverrideScope::Inventory`] wins over one
    /// with [`OverrideScope::Batch`], which wins over the release.
    pub fn finish(self, overrides: &[&FactorOverride]) -> Result<Inventory, Vec<Located>> {
        let fuel_parameters = |c: Carrier, unit: ActivityUnit| self.fuel_parameters(c, unit);
        let InventoryBuilder { spec, release, cells, .. } = &self;
        let release = *release;
        let mut supply_warnings = Vec::new();
        let (supply, local_factors) = if self.supply.is_empty() {
            (None, Vec::new())
        } else {
            // Electricity and heat consumption (Table A) are energy units only: no fuel parameters.
            let consumption = |carrier: Carrier| -> Result<Energy> {
                let mut sum = Energy::ZERO;
                for &sector in Sector::ALL {
                    if let Some(acc) = cells.get(slot(sector, Some(carrier))) {
                        for &(unit, _, amount) in &acc.inputs {
                            sum = sum.checked_add(conversion(None, unit, amount)?.energy)?;
                        }
                    }
                }
                Ok(sum)
            };
            let totals = consumption(Carrier::Electricity)
                .and_then(|e| Ok((e, consumption(Carrier::HeatCold)?)));
            let computed = totals
                .map_err(|e| {
                    vec![Located {
                        line: None,
                        column: "amount",
                        value: String::new(),
                        error: Box::new(e),
                        supply: true,
                    }]
                })
                .and_then(|(tce, lhc)| {
                    crate::supply::compute_local(
                        &self.supply,
                        self.chp,
                        tce,
                        lhc,
                        |carrier| {
                            resolve(spec, release, carrier, Variant::Default, overrides)
                                .map(|f| f.factor)
                        },
                        |carrier| overrides.iter().any(|o| o.carrier == carrier),
                        resolve(spec, release, Carrier::Electricity, Variant::Default, &[])
                            .ok()
                            .map(|f| f.factor),
                        &mut supply_warnings,
                    )
                });
            match computed {
                Ok((local, factors)) => (Some(local), factors),
                Err(problems) => return Err(problems),
            }
        };
        let mut problems = Vec::new();
        let mut factors: Vec<FactorUsed> = local_factors;
        let mut warnings = supply_warnings;
        let mut out_cells = Vec::with_capacity(cells.accs.len());
        let zero = Subtotal { key: (), energy: Energy::ZERO, emissions: Emissions::ZERO };
        let mut by_carrier: Vec<Option<Subtotal<()>>> = vec![None; Carrier::ALL.len()];
        let mut sectors = Vec::new();
        let mut total_energy = Energy::ZERO;
        let mut total_emissions = Emissions::ZERO;
        let mut failed_carriers: Vec<(Carrier, Variant)> = Vec::new();
        let mut biogenic_total: Option<Emissions> = None;

        for &sector in Sector::ALL {
            let mut sector_total: Option<Subtotal<()>> = None;
            let carriers = Carrier::ALL.iter().map(|&c| Some(c)).chain([None]);
            for carrier in carriers {
                let Some(acc) = cells.get(slot(sector, carrier)) else {
                    continue;
                };
                let first_line = acc.first_line;
                let amount_problem = |e: Error| Located {
                    line: first_line,
                    column: "amount",
                    value: String::new(),
                    error: Box::new(e),
                    supply: false,
                };
                // The cell's quantities, summed per unit while reading, converted once here.
                let mut inputs = Vec::with_capacity(if self.detail { acc.inputs.len() } else { 0 });
                let mut by_variant = [Energy::ZERO; 2];
                let mut direct = Emissions::ZERO;
                let converted = acc.inputs.iter().try_for_each(|&(unit, variant, amount)| {
                    let fuel = !matches!(
                        unit,
                        ActivityUnit::Energy(_) | ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e
                    );
                    let params = match carrier {
                        Some(c) if fuel => Some(fuel_parameters(c, unit)?),
                        _ => None,
                    };
                    let mut c = conversion(params, unit, amount)?;
                    c.variant = variant;
                    if carrier.is_some() {
                        let k = usize::from(variant == Variant::NonSustainable);
                        by_variant[k] = by_variant[k].checked_add(c.energy)?;
                    } else {
                        direct = direct.checked_add(Emissions::from_tonnes(amount)?)?;
                    }
                    if self.detail {
                        inputs.push(c);
                    }
                    Ok::<(), Error>(())
                });
                if let Err(e) = converted {
                    problems.push(amount_problem(e));
                    continue;
                }
                let has = |v: Variant| acc.inputs.iter().any(|&(_, x, _)| x == v);
                let variants: &[Variant] =
                    match (has(Variant::Default), has(Variant::NonSustainable)) {
                        (true, true) => &[Variant::Default, Variant::NonSustainable],
                        (false, true) => &[Variant::NonSustainable],
                        _ => &[Variant::Default],
                    };
                let mut biogenic = None;
                let (energy, factor, emissions) = match carrier {
                    None => (None, None, direct),
                    Some(c) => {
                        let mut cell_energy = Energy::ZERO;
                        let mut cell_emissions = Emissions::ZERO;
                        let mut used = None;
                        let mut failed = false;
                        for &variant in variants {
                            let e = by_variant[usize::from(variant == Variant::NonSustainable)];
                            let factor = match factors
                                .iter()
                                .find(|f| f.carrier == c && f.variant == variant)
                            {
                                Some(f) => f.factor,
                                None if failed_carriers.contains(&(c, variant)) => {
                                    failed = true;
                                    continue;
                                }
                                None => match resolve(spec, release, c, variant, overrides) {
                                    Ok(f) => {
                                        if let Provenance::FactorSet { com: false, set, .. } =
                                            &f.provenance
                                        {
                                            warnings.push(format!(
                                                "the {c} factor for {} comes from {set}, which is not a Covenant of Mayors set",
                                                spec.country
                                            ));
                                        }
                                        if let Provenance::FactorSet { note, set, .. } =
                                            &f.provenance
                                            && note.starts_with("suspect")
                                        {
                                            warnings.push(format!(
                                                "the {c} factor from {set} is {note}"
                                            ));
                                        }
                                        let factor = f.factor;
                                        factors.push(f);
                                        factor
                                    }
                                    Err(e) => {
                                        failed_carriers.push((c, variant));
                                        problems.push(Located {
                                            line: first_line,
                                            column: "carrier",
                                            value: c.to_string(),
                                            error: Box::new(e),
                                            supply: false,
                                        });
                                        failed = true;
                                        continue;
                                    }
                                },
                            };
                            let step = (e * factor)
                                .and_then(|em| cell_emissions.checked_add(em))
                                .and_then(|em| Ok((em, cell_energy.checked_add(e)?)));
                            match step {
                                Ok((em, en)) => {
                                    cell_emissions = em;
                                    cell_energy = en;
                                    used = Some(factor);
                                }
                                Err(err) => {
                                    problems.push(amount_problem(err));
                                    failed = true;
                                }
                            }
                            if variant == Variant::Default {
                                biogenic = biogenic_co2(release, c, e);
                            }
                        }
                        if failed {
                            continue;
                        }
                        let factor = if variants.len() > 1 {
                            EmissionFactor::ratio(cell_emissions, cell_energy)
                        } else {
                            used
                        };
                        (Some(cell_energy), factor, cell_emissions)
                    }
                };
                let add = |t: &mut Option<Subtotal<()>>| -> Result<()> {
                    let cur = t.get_or_insert(zero.clone());
                    cur.energy = cur.energy.checked_add(energy.unwrap_or_default())?;
                    cur.emissions = cur.emissions.checked_add(emissions)?;
                    Ok(())
                };
                let sums = add(&mut sector_total)
                    .and_then(|()| carrier.map_or(Ok(()), |c| add(&mut by_carrier[c.index()])))
                    .and_then(|()| {
                        total_energy = total_energy.checked_add(energy.unwrap_or_default())?;
                        total_emissions = total_emissions.checked_add(emissions)?;
                        Ok(())
                    });
                if let Err(e) = sums {
                    problems.push(amount_problem(e));
                    continue;
                }
                inputs.sort_by_key(|c| c.unit);
                let mut lines = acc.lines.clone();
                if !lines.is_sorted() {
                    lines.sort_unstable();
                }
                if let Some(b) = biogenic {
                    biogenic_total = Some(
                        biogenic_total
                            .unwrap_or_default()
                            .checked_add(b)
                            .map_err(|e| vec![amount_problem(e)])?,
                    );
                }
                out_cells.push(Cell {
                    sector,
                    carrier,
                    energy,
                    factor,
                    emissions,
                    biogenic_co2: biogenic,
                    rows: acc.rows,
                    variants,
                    lines,
                    inputs,
                });
            }
            if let Some(t) = sector_total {
                sectors.push(Subtotal { key: sector, energy: t.energy, emissions: t.emissions });
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        for &s in Sector::ALL.iter().filter(|s| s.is_key()) {
            if !sectors.iter().any(|t| t.key == s) {
                warnings.push(format!("key sector '{s}' has no activity data"));
            }
        }
        let carriers = Carrier::ALL
            .iter()
            .zip(by_carrier)
            .filter_map(|(&c, t)| {
                t.map(|t| Subtotal { key: c, energy: t.energy, emissions: t.emissions })
            })
            .collect();
        factors.sort_by_key(|f| f.carrier);
        let per_capita_t = spec.population.map(|p| total_emissions.per_capita(p));
        let biogenic_co2_memo = biogenic_total;
        Ok(Inventory {
            release: release.id().to_string(),
            spec: self.spec,
            cells: out_cells,
            sectors,
            carriers,
            total_energy,
            total_emissions,
            per_capita_t,
            biogenic_co2_memo,
            factors,
            supply,
            warnings,
            engine_version: ENGINE_VERSION,
        })
    }
}

/// What [`InventoryBuilder::check`] found a row to be.
enum Checked {
    /// Emissions entered directly (non-energy sectors).
    Emissions,
    /// Energy, with the megajoules per unit of the row.
    Energy(Decimal),
}

fn located_amount(a: &Activity, error: Error) -> Located {
    Located {
        line: a.line,
        column: "amount",
        value: a.amount.to_string(),
        error: Box::new(error),
        supply: false,
    }
}

/// An activity amount converted to what the engine adds up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    /// Final energy (energy sectors).
    Energy(Energy),
    /// Emissions entered directly (non-energy sectors).
    Emissions(Emissions),
}

/// How a summed input quantity became energy.
fn conversion(
    params: Option<FuelParameters>,
    unit: ActivityUnit,
    amount: Decimal,
) -> Result<Conversion> {
    let per_unit = match (unit, params) {
        (ActivityUnit::Energy(u), _) => Some(u.megajoules()),
        (ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e, _) => None,
        (_, Some(p)) => Some(p.megajoules_per_unit(unit)?),
        (_, None) => None,
    };
    let energy = match per_unit {
        // Non-energy rows: no energy.
        None => Energy::ZERO,
        Some(k) => amount
            .checked_mul(k)
            .map(Energy::from_megajoules)
            .ok_or_else(|| Error::overflow(format!("{amount} {unit}")))?,
    };
    let volume = matches!(unit, ActivityUnit::Litre | ActivityUnit::CubicMetre);
    Ok(Conversion {
        amount,
        unit,
        variant: Variant::Default,
        ncv_gj_per_t: params.map(|p| p.ncv_gj_per_t),
        density_kg_per_l: params.and_then(|p| p.density_kg_per_l).filter(|_| volume),
        energy,
    })
}

/// The net calorific value and density used to turn a fuel quantity into energy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct FuelParameters {
    /// The carrier.
    pub carrier: Carrier,
    /// Net calorific value, GJ/t.
    pub ncv_gj_per_t: Decimal,
    /// Density, kg/L (needed for volumes only).
    pub density_kg_per_l: Option<Decimal>,
    /// Whether the user gave these values (else they come from the release).
    pub user: bool,
}

impl FuelParameters {
    /// MJ per unit: t × NCV (GJ/t) × 1 000; L → t is × density (kg/L) / 1 000; m³ = 1 000 L.
    pub fn megajoules_per_unit(self, unit: ActivityUnit) -> Result<Decimal> {
        let ncv = self.ncv_gj_per_t;
        let thousand = Decimal::ONE_THOUSAND;
        let missing = |property| Error::MissingFuelProperty {
            carrier: self.carrier,
            unit: unit.symbol().into(),
            property,
            release: if self.user { "the user's parameters".into() } else { "the release".into() },
        };
        let v = match unit {
            ActivityUnit::Energy(u) => Some(u.megajoules()),
            ActivityUnit::Kilogram => Some(ncv),
            ActivityUnit::Tonne => ncv.checked_mul(thousand),
            ActivityUnit::Litre => {
                ncv.checked_mul(self.density_kg_per_l.ok_or_else(|| missing("density"))?)
            }
            ActivityUnit::CubicMetre => ncv
                .checked_mul(self.density_kg_per_l.ok_or_else(|| missing("density"))?)
                .and_then(|x| x.checked_mul(thousand)),
            ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e => None,
        };
        v.ok_or_else(|| Error::overflow("fuel conversion"))
    }
}

/// The biogenic CO2 of sustainable biomass energy, from the release's per-gas factors.
fn biogenic_co2(release: &Release, carrier: Carrier, energy: Energy) -> Option<Emissions> {
    let g = release.per_gas()?.get(carrier)?;
    if !g.biogenic || energy.megajoules().is_zero() {
        return None;
    }
    let f = EmissionFactor::t_per_mwh(g.co2.checked_mul(KG_PER_TJ_IN_T_PER_MWH)?).ok()?;
    (energy * f).ok()
}

/// t/MWh per kg/TJ: 1 MWh = 0.0036 TJ and 1 t = 1 000 kg.
const KG_PER_TJ_IN_T_PER_MWH: Decimal = Decimal::from_parts(36, 0, 0, false, 7);

fn resolve(
    spec: &InventorySpec,
    release: &Release,
    carrier: Carrier,
    variant: Variant,
    overrides: &[&FactorOverride],
) -> Result<FactorUsed> {
    let user = overrides.iter().filter(|o| o.carrier == carrier).max_by_key(|o| o.scope);
    if let Some(o) = user {
        return Ok(FactorUsed {
            carrier,
            variant,
            factor: o.factor,
            provenance: Provenance::UserOverride {
                source: o.source.clone(),
                scope: o.scope,
                line: o.line,
            },
        });
    }
    // CO2-eq with a chosen GWP set: the per-gas factors, where the release has them.
    if let (GasBasis::Co2e, Some(code)) = (spec.gases, spec.gwp.as_deref())
        && let Some(set) = release.per_gas()
        && let Some(g) = set.get(carrier)
    {
        let gwp = release.gwp().iter().find(|x| x.code == code).ok_or_else(|| {
            Error::Target(format!("unknown GWP set '{code}' in release {}", release.id()))
        })?;
        let counted = !g.biogenic || variant == Variant::NonSustainable;
        let co2 = if counted { g.co2 } else { Decimal::ZERO };
        let kg_per_tj = g
            .ch4
            .checked_mul(gwp.ch4)
            .and_then(|ch4| {
                g.n2o.checked_mul(gwp.n2o).and_then(|n2o| co2.checked_add(ch4)?.checked_add(n2o))
            })
            .ok_or_else(|| Error::overflow("per-gas factor"))?;
        let factor = EmissionFactor::t_per_mwh((kg_per_tj * KG_PER_TJ_IN_T_PER_MWH).normalize())?;
        return Ok(FactorUsed {
            carrier,
            variant,
            factor,
            provenance: Provenance::PerGas {
                set: set.id_text().clone(),
                gwp: gwp.code.clone(),
                co2_kg_per_tj: g.co2,
                co2_counted: counted,
                ch4_kg_per_tj: g.ch4,
                n2o_kg_per_tj: g.n2o,
                gwp_ch4: gwp.ch4,
                gwp_n2o: gwp.n2o,
            },
        });
    }
    let (set, rec) = release
        .factor_variant(carrier, spec.country, spec.year, spec.approach, spec.gases, variant)
        .ok_or_else(|| Error::MissingFactor {
            carrier,
            country: spec.country,
            year: spec.year,
            approach: spec.approach,
            gases: spec.gases,
            release: release.id().into(),
            hint: if variant == Variant::NonSustainable {
                format!("the release has no factor for non-sustainable {carrier} (com-2024.2 and later have); give one in factors.csv")
            } else {
                release.missing_factor_hint(carrier, spec.country, spec.approach, spec.gases)
            },
        })?;
    Ok(FactorUsed {
        carrier,
        variant,
        factor: rec.factor,
        provenance: Provenance::FactorSet {
            set: set.id_text().clone(),
            release: release.id_text().clone(),
            com: set.is_com(),
            source_id: rec.source.clone(),
            citation: set.citation(&rec.source).cloned().unwrap_or_else(|| Arc::from("")),
            tag: rec.tag,
            note: rec.note.clone(),
            country: rec.country,
            year: rec.year,
        },
    })
}

/// Computes one inventory from activity rows and overrides (a convenience over
/// [`InventoryBuilder`]).
pub fn compute(
    spec: InventorySpec,
    release: &Release,
    activities: &[Activity],
    overrides: &[FactorOverride],
) -> Result<Inventory, Vec<Located>> {
    let mut b = InventoryBuilder::new(spec, release);
    let mut problems = Vec::new();
    for a in activities {
        if let Err(e) = b.add(a) {
            problems.push(e);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let refs: Vec<&FactorOverride> = overrides.iter().collect();
    b.finish(&refs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::factors::Catalog;
    use crate::quantity::EnergyUnit;
    use rust_decimal_macros::dec;

    fn spec() -> InventorySpec {
        InventorySpec::baseline("t", Country::parse("IT").unwrap(), 2010)
    }

    fn act(
        sector: Sector,
        carrier: Option<Carrier>,
        amount: Decimal,
        unit: ActivityUnit,
    ) -> Activity {
        Activity { sector, carrier, amount, unit, variant: Default::default(), line: Some(2) }
    }

    const MWH: ActivityUnit = ActivityUnit::Energy(EnergyUnit::MegawattHour);

    /// `add` skips the trial conversion of energy units because it cannot overflow.
    #[test]
    fn energy_units_cannot_overflow_at_the_largest_amount() {
        for u in ActivityUnit::ALL {
            if let ActivityUnit::Energy(e) = u {
                assert!(MAX_AMOUNT.checked_mul(e.megajoules()).is_some(), "{u:?}");
                assert!(
                    MAX_AMOUNT * e.megajoules() < Decimal::MAX / Decimal::from(1000),
                    "{u:?} leaves room for sums"
                );
            }
        }
    }

    #[test]
    fn mini_bei() {
        // Electricity uses the JRC 2024 national factor for Italy 2010 (0.421 t/MWh).
        let r = Catalog::embedded().newest();
        let rows = [
            act(Sector::ResidentialBuildings, Some(Carrier::Electricity), dec!(40000), MWH),
            act(Sector::ResidentialBuildings, Some(Carrier::NaturalGas), dec!(120000), MWH),
            act(Sector::PrivateTransport, Some(Carrier::Diesel), dec!(60000), MWH),
            act(Sector::PrivateTransport, Some(Carrier::Gasoline), dec!(40000), MWH),
            act(Sector::Waste, None, dec!(1500), ActivityUnit::TonneCo2),
        ];
        let inv = compute(spec(), r, &rows, &[]).unwrap();
        // 40000×0.421 + 120000×0.202 + 60000×0.267 + 40000×0.249 + 1500
        assert_eq!(
            inv.total_emissions.tonnes(),
            dec!(16840) + dec!(24240) + dec!(16020) + dec!(9960) + dec!(1500)
        );
        assert_eq!(inv.total_energy.mwh(), dec!(260000));
        assert_eq!(inv.cells.len(), 5);
        assert_eq!(inv.sectors.len(), 3);
        assert!(inv.warnings.iter().any(|w| w.contains("municipal_buildings")));
    }

    #[test]
    fn same_cell_rows_add_up_and_zero_is_not_missing() {
        let r = Catalog::embedded().newest();
        let rows = [
            act(Sector::PublicLighting, Some(Carrier::Electricity), dec!(3367.4), MWH),
            act(Sector::PublicLighting, Some(Carrier::Electricity), dec!(4458.33), MWH),
            act(Sector::MunicipalBuildings, Some(Carrier::Diesel), dec!(0), MWH),
        ];
        let inv = compute(spec(), r, &rows, &[]).unwrap();
        assert_eq!(inv.cells.len(), 2);
        assert_eq!(inv.cells[0].energy.unwrap().mwh(), dec!(0));
        assert_eq!(inv.cells[1].energy.unwrap().mwh(), dec!(7825.73));
        assert_eq!(inv.cells[1].lines, vec![2, 2]);
        assert_eq!(inv.cells[1].rows, 2);
        // Without cell detail: the same numbers, rows still counted, no lines kept.
        let mut b = InventoryBuilder::new(spec(), r);
        b.keep_cell_detail(false);
        for a in &rows {
            b.add(a).unwrap();
        }
        let lean = b.finish(&[]).unwrap();
        assert_eq!(lean.cells[1].rows, 2);
        assert!(lean.cells.iter().all(|c| c.lines.is_empty()));
        assert_eq!(lean.total_emissions, inv.total_emissions);
        assert_eq!(lean.cells.len(), inv.cells.len());
    }

    #[test]
    fn overrides_win_in_order() {
        let r = Catalog::embedded().newest();
        let rows = [act(Sector::ResidentialBuildings, Some(Carrier::HeatCold), dec!(100), MWH)];
        assert!(
            compute(spec(), r, &rows, &[]).unwrap_err()[0]
                .error
                .to_string()
                .contains("no default factor")
        );
        let batch = FactorOverride {
            carrier: Carrier::HeatCold,
            factor: EmissionFactor::t_per_mwh(dec!(0.3)).unwrap(),
            source: None,
            scope: OverrideScope::Batch,
            line: Some(2),
        };
        let own = FactorOverride {
            factor: EmissionFactor::t_per_mwh(dec!(0.347)).unwrap(),
            scope: OverrideScope::Inventory,
            source: Some("local".into()),
            ..batch.clone()
        };
        let inv = compute(spec(), r, &rows, &[own.clone(), batch.clone()]).unwrap();
        assert_eq!(inv.total_emissions.tonnes(), dec!(34.7));
        assert_eq!(inv.factors[0].provenance.short(), "local");
        let inv = compute(spec(), r, &rows, &[batch]).unwrap();
        assert_eq!(inv.factors[0].provenance.short(), "user factor (factors.csv line 2)");
    }

    #[test]
    fn fuel_quantities_convert_with_ncv_and_density() {
        let r = Catalog::embedded().newest();
        // methodology-2 N6: 10 000 L diesel × 0.84 kg/L × 43.0 GJ/t = 361.2 GJ = 100.333… MWh.
        let rows =
            [act(Sector::MunicipalFleet, Some(Carrier::Diesel), dec!(10000), ActivityUnit::Litre)];
        let inv = compute(spec(), r, &rows, &[]).unwrap();
        assert_eq!(inv.total_energy.get(EnergyUnit::Gigajoule), dec!(361.2));
        assert_eq!(crate::quantity::round_for_display(inv.total_energy.mwh(), 3), dec!(100.333));
        // 361.2 GJ × 0.267 t/MWh / 3.6 = 26.789 t exactly.
        assert_eq!(inv.total_emissions.tonnes(), dec!(26.789));
        let conv = &inv.cells[0].inputs[0];
        assert_eq!(conv.density_kg_per_l, Some(dec!(0.84)));
        assert_eq!(conv.ncv_gj_per_t, Some(dec!(43.0)));
        assert_eq!(conv.energy, inv.total_energy);
        let t =
            [act(Sector::MunicipalFleet, Some(Carrier::Diesel), dec!(8.4), ActivityUnit::Tonne)];
        assert_eq!(compute(spec(), r, &t, &[]).unwrap().total_energy, inv.total_energy);
        let kg = [act(
            Sector::MunicipalFleet,
            Some(Carrier::Diesel),
            dec!(8400),
            ActivityUnit::Kilogram,
        )];
        assert_eq!(compute(spec(), r, &kg, &[]).unwrap().total_energy, inv.total_energy);
        let m3 = [act(
            Sector::MunicipalFleet,
            Some(Carrier::Diesel),
            dec!(10),
            ActivityUnit::CubicMetre,
        )];
        assert_eq!(compute(spec(), r, &m3, &[]).unwrap().total_energy, inv.total_energy);
    }

    #[test]
    fn unit_and_sector_errors() {
        let r = Catalog::embedded().newest();
        let b = InventoryBuilder::new(spec(), r);
        let err = |a: Activity| b.convert(&a).unwrap_err().error.to_string();
        assert!(
            err(act(
                Sector::ResidentialBuildings,
                Some(Carrier::Electricity),
                dec!(1),
                ActivityUnit::CubicMetre
            ))
            .contains("does not fit carrier 'electricity'")
        );
        assert!(
            err(act(
                Sector::ResidentialBuildings,
                Some(Carrier::NaturalGas),
                dec!(1),
                ActivityUnit::CubicMetre
            ))
            .contains("no density")
        );
        assert!(
            err(act(Sector::ResidentialBuildings, None, dec!(1), MWH)).contains("needs a carrier")
        );
        assert!(
            err(act(Sector::Waste, Some(Carrier::Diesel), dec!(1), MWH)).contains("non-energy")
        );
        assert!(err(act(Sector::Waste, None, dec!(1), MWH)).contains("tCO2 or tCO2e"));
        assert!(
            err(act(Sector::Waste, None, dec!(1), ActivityUnit::TonneCo2e)).contains("gases = co2")
        );
        assert!(
            err(act(Sector::PublicTransport, Some(Carrier::HeatCold), dec!(1), MWH))
                .contains("JRC rejects")
        );
        assert!(
            err(act(Sector::PublicTransport, Some(Carrier::Diesel), dec!(-1), MWH))
                .contains("negative")
        );
        assert!(
            err(act(Sector::PublicTransport, Some(Carrier::Diesel), dec!(1e16), MWH))
                .contains("maximum")
        );
        assert!(
            err(act(
                Sector::PublicTransport,
                Some(Carrier::Diesel),
                dec!(1),
                ActivityUnit::TonneCo2
            ))
            .contains("energy sector")
        );
    }

    #[test]
    fn gas_basis_changes_the_numbers() {
        let r = Catalog::embedded().newest();
        let rows = [act(Sector::ResidentialBuildings, Some(Carrier::HeatingOil), dec!(1000), MWH)];
        let co2 = compute(spec(), r, &rows, &[]).unwrap();
        let co2e =
            compute(InventorySpec { gases: GasBasis::Co2e, ..spec() }, r, &rows, &[]).unwrap();
        assert_eq!(co2.total_emissions.tonnes(), dec!(267));
        assert_eq!(co2e.total_emissions.tonnes(), dec!(268));
    }

    #[test]
    fn non_com_factor_is_flagged() {
        let r = Catalog::embedded().newest();
        let s = InventorySpec::baseline("br", Country::parse("BR").unwrap(), 2020);
        let rows = [act(Sector::ResidentialBuildings, Some(Carrier::Electricity), dec!(1000), MWH)];
        let inv = compute(s, r, &rows, &[]).unwrap();
        assert_eq!(inv.total_emissions.tonnes(), dec!(113));
        assert!(inv.warnings.iter().any(|w| w.contains("not a Covenant of Mayors set")));
        assert!(inv.factors[0].provenance.short().contains("not a CoM factor"));
    }
}
