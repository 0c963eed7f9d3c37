//! One inventory: sector × carrier activity data in, emissions with provenance out.
//!
//! [`InventoryBuilder`] takes activity rows one at a time (converting each to exact energy and
//! adding rows with the same sector and carrier), then [`InventoryBuilder::finish`] applies the
//! factors and returns an [`Inventory`]. The batch reader and the browser use the same builder,
//! so every front end computes the same numbers.

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

mod builder;
mod crf;
mod finish;
#[cfg(test)]
mod tests;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::country::Country;
use crate::error::{Error, ErrorKind, Input, Warning};

use crate::factors::{Release, Variant};
pub use crate::provenance::{Conversion, FactorUsed, OverrideScope, Provenance};
use crate::quantity::{ActivityUnit, EmissionFactor, Emissions, Energy, Population};
use crate::taxonomy::{Approach, Carrier, Framework, GasBasis, InventoryKind, Sector, TargetKind};

pub use builder::{FuelParameters, InventoryBuilder};
pub(crate) use finish::resolve;

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
    /// The yearly growth rates of a business-as-usual projection of this baseline to its target
    /// year ([`crate::bau`]), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bau: Option<BauGrowth>,
    /// The reporting framework: SECAP (sectors × carriers, the default) or CRF (the rows are
    /// [`crate::gpc::CrfActivity`], computed by [`crate::gpc::compute`]).
    #[serde(skip_serializing_if = "Framework::is_secap")]
    pub framework: Framework,
}

/// The yearly growth rates of a business-as-usual projection ([`crate::bau`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BauGrowth {
    /// The growth of the population, percent per year (negative: a decline).
    pub population_pct: Decimal,
    /// The growth of activity (energy use and non-energy emissions) per inhabitant, percent per
    /// year.
    pub activity_pct: Decimal,
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
            bau: None,
            framework: Default::default(),
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

impl Activity {
    /// An activity of typed input: `amount` of `carrier` in `unit` consumed in `sector` (a
    /// sustainably produced fuel, no input line). `carrier` is `None` for the non-energy
    /// sectors (then `unit` is t CO2 or t CO2-eq).
    pub fn new(
        sector: Sector,
        carrier: impl Into<Option<Carrier>>,
        amount: Decimal,
        unit: impl Into<ActivityUnit>,
    ) -> Activity {
        Activity {
            sector,
            carrier: carrier.into(),
            amount,
            unit: unit.into(),
            variant: Variant::Default,
            line: None,
        }
    }

    /// The same activity, of a biomass or biofuel not produced sustainably (its CO2 counts).
    pub fn non_sustainable(self) -> Activity {
        Activity { variant: Variant::NonSustainable, ..self }
    }

    /// The same activity, with the input line it came from (for provenance).
    pub fn with_line(self, line: u64) -> Activity {
        Activity { line: Some(line), ..self }
    }
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

impl FactorOverride {
    /// A factor for one inventory (the one it is computed with), without a source note.
    pub fn new(carrier: Carrier, factor: EmissionFactor) -> FactorOverride {
        FactorOverride {
            carrier,
            factor,
            source: None,
            scope: OverrideScope::Inventory,
            line: None,
        }
    }

    /// The same factor, with the user's source note (carried into the provenance).
    pub fn with_source(self, source: impl Into<String>) -> FactorOverride {
        FactorOverride { source: Some(source.into()), ..self }
    }
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
    /// The smallest input line of the cell, also without cell detail (for messages); not
    /// serialized.
    #[serde(skip)]
    pub first_line: Option<u64>,
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
    /// Local energy supply (Tables C and D) and the local factors derived from it (boxed, as
    /// few inventories have it: an inventory stays small in the arrays of a batch).
    pub supply: Option<Box<crate::supply::LocalSupply>>,
    /// Plausibility warnings (the result is still complete).
    pub warnings: Vec<Warning>,
    /// A CRF inventory's rows and totals ([`crate::gpc`]); its `total_emissions` is then the
    /// eCRF total and it has no cells.
    /// Boxed, as for [`Inventory::supply`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crf: Option<Box<crate::gpc::CrfInventory>>,
    /// The engine version.
    pub engine_version: &'static str,
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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    /// Final energy (energy sectors).
    Energy(Energy),
    /// Emissions entered directly (non-energy sectors).
    Emissions(Emissions),
}

/// Computes one inventory from activity rows and overrides (a convenience over
/// [`InventoryBuilder`]).
///
/// `release` must be the one the specification names ([`InventorySpec::release`]; `None`
/// accepts any): a mismatch is refused rather than computed with the wrong factors. Every
/// problem is reported at once: the rows that cannot be added and the factors that are
/// missing for the others.
pub fn compute(
    spec: InventorySpec,
    release: &Release,
    activities: &[Activity],
    overrides: &[FactorOverride],
) -> Result<Inventory, Vec<Error>> {
    if let Some(named) = spec.release.as_deref()
        && !named.is_empty()
        && named != release.id()
    {
        let e = ErrorKind::ReleaseMismatch { named: named.to_string(), given: release.id().into() };
        return Err(vec![Error::from(e).in_input(Input::Inventories).in_field("release", named)]);
    }
    let mut b = InventoryBuilder::new(spec, release);
    let mut problems = Vec::new();
    for a in activities {
        if let Err(e) = b.add(a) {
            problems.push(e);
        }
    }
    let refs: Vec<&FactorOverride> = overrides.iter().collect();
    match b.finish(&refs) {
        Ok(inv) if problems.is_empty() => Ok(inv),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(more);
            Err(problems)
        }
    }
}
