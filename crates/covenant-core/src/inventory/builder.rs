//! Adding activity rows up into sector × carrier cells.

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Activity, FuelOverride, InventorySpec, Quantity};
use crate::error::{Error, ErrorKind, Input, Result, UnitContext};
use crate::factors::{Release, Variant};
use crate::quantity::{ActivityUnit, Emissions, Energy, MAX_AMOUNT};
use crate::taxonomy::{Carrier, GasBasis, Sector};

/// The slots of a sector: one per carrier, and one without a carrier.
pub(super) const SLOTS: usize = Carrier::ALL.len() + 1;

/// What one cell adds up while rows arrive: 48 bytes without heap memory for a cell whose rows
/// share one unit (almost all), as memory grows with the cells of every inventory of a batch.
#[derive(Clone, Debug)]
pub(super) struct Acc {
    /// The number of rows added.
    pub(super) rows: u64,
    /// The smallest input line, for messages ([`NO_LINE`] while none is known).
    first_line: u64,
    /// The amounts summed per unit and variant, in the order they first appeared: the first
    /// one here, the others (rare) in `more`.
    first: Summed,
    // A boxed slice, grown by one when a sum is added: 8 bytes in every cell, almost always
    // `None`, and one allocation of the sums alone for a cell with a second unit (a `Vec` in a
    // box took two, five times the size: 16 MB of a batch whose rows mix GJ and MWh).
    more: Option<Box<[Summed]>>,
}

/// The room made for the cells of an inventory at its first cell (48 bytes each): most
/// inventories have between a dozen and a few dozen cells.
const FIRST_CELLS: usize = 16;

/// No line known (no file has that many).
const NO_LINE: u64 = u64::MAX;

/// An amount summed for one unit and fuel variant.
pub(super) type Summed = (ActivityUnit, Variant, Decimal);

impl Acc {
    fn new(first: Summed) -> Acc {
        Acc { rows: 0, first_line: NO_LINE, first, more: None }
    }

    /// The smallest input line, for messages.
    pub(super) fn first_line(&self) -> Option<u64> {
        (self.first_line != NO_LINE).then_some(self.first_line)
    }

    /// The amounts summed per unit and variant, in the order they first appeared.
    pub(super) fn inputs(&self) -> impl Iterator<Item = &Summed> + Clone {
        std::iter::once(&self.first).chain(self.more.iter().flat_map(|m| m.iter()))
    }

    pub(super) fn input_count(&self) -> usize {
        self.more.as_ref().map_or(0, |m| m.len()).saturating_add(1)
    }

    /// Adds an amount to the sum of its unit and variant (a new sum is the amount itself).
    fn add(&mut self, (unit, variant, amount): Summed) -> Option<()> {
        let sum = if self.first.0 == unit && self.first.1 == variant {
            &mut self.first.2
        } else {
            let more = self.more.get_or_insert_with(Box::default);
            match more.iter().position(|&(u, v, _)| u == unit && v == variant) {
                Some(k) => &mut more[k].2,
                None => {
                    // Cells have few units and variants: copying them is cheaper than spare
                    // room in every cell.
                    let grown = more.iter().copied().chain([(unit, variant, amount)]).collect();
                    *more = grown;
                    return Some(());
                }
            }
        };
        // `checked_add`'s result, with integers where they suffice.
        *sum = crate::quantity::checked_sum(*sum, amount)?;
        Some(())
    }
}

/// Adds activity rows up into cells; see the module docs.
#[derive(Debug)]
pub struct InventoryBuilder<'r> {
    pub(super) spec: InventorySpec,
    pub(super) release: &'r Release,
    pub(super) cells: Cells,
    pub(super) fuel_overrides: Vec<FuelOverride>,
    pub(super) supply: Vec<(crate::supply::SupplyRow, Option<(Carrier, Energy)>)>,
    pub(super) chp: crate::supply::ChpEfficiencies,
    pub(super) detail: bool,
    /// The rows of a CRF inventory ([`crate::gpc`]).
    pub(super) crf: Vec<crate::gpc::CrfActivity>,
}

/// The most cells an inventory can have: one per sector and carrier the builder accepts
/// (energy sectors with a carrier, the others without). Fewer than 255, so the position of a
/// cell fits in a byte.
const MAX_CELLS: usize = {
    let (mut n, mut k) = (0, 0);
    while k < Sector::ALL.len() {
        n += if Sector::ALL[k].is_energy() { Carrier::ALL.len() } else { 1 };
        k += 1;
    }
    n
};
const _: () = assert!(MAX_CELLS < u8::MAX as usize);

/// Sparse sector × carrier cells: a slot index and only the cells that have rows, so an
/// inventory costs memory in proportion to its cells, not to the 288 possible slots.
#[derive(Clone, Debug)]
pub(super) struct Cells {
    /// The position in `accs` of each slot's cell: empty until the first cell (a batch makes
    /// every builder before reading its rows, and this way the index is made while they are
    /// read, on the thread adding them up).
    pub(super) index: Box<[u8]>,
    pub(super) accs: Vec<Acc>,
    /// The input lines of each cell (in the order of `accs`), when the builder keeps cell
    /// detail.
    pub(super) lines: Vec<Vec<u64>>,
}

impl Cells {
    const ABSENT: u8 = u8::MAX;

    fn new() -> Cells {
        Cells { index: Box::default(), accs: Vec::new(), lines: Vec::new() }
    }

    /// The sector, carrier and position in `accs` of every cell, in slot order (by sector,
    /// then by carrier, the cell without a carrier last).
    #[allow(clippy::arithmetic_side_effects, reason = "positions in the table of the closed enums")]
    pub(super) fn present(&self) -> Vec<(Sector, Option<Carrier>, usize)> {
        let mut cells = Vec::with_capacity(self.accs.len());
        for (slot, &i) in self.index.iter().enumerate() {
            if i != Cells::ABSENT {
                let (sector, k) = (Sector::ALL[slot / SLOTS], slot % SLOTS);
                cells.push((sector, Carrier::ALL.get(k).copied(), usize::from(i)));
            }
        }
        cells
    }

    /// The cell of a slot and its position in `accs`.
    pub(super) fn get(&self, slot: usize) -> Option<(usize, &Acc)> {
        match self.index.get(slot).copied()? {
            Cells::ABSENT => None,
            i => self.accs.get(usize::from(i)).map(|a| (usize::from(i), a)),
        }
    }

    /// Adds a row's amount to the cell of a slot (created with it when it has none); gives
    /// the cell's position in `accs`, or `None` when the sum overflows.
    #[allow(clippy::arithmetic_side_effects, reason = "the size of a table of the closed enums")]
    fn add(&mut self, slot: usize, input: Summed) -> Option<usize> {
        if self.index.is_empty() {
            self.index = vec![Cells::ABSENT; Sector::ALL.len() * SLOTS].into_boxed_slice();
        }
        match self.index[slot] {
            Cells::ABSENT => {
                // At most MAX_CELLS: only the rows `check` accepts reach a cell.
                let i = u8::try_from(self.accs.len()).unwrap_or(Cells::ABSENT - 1);
                self.index[slot] = i;
                if self.accs.capacity() == 0 {
                    // Room for the cells of a typical inventory at once (unless room was made
                    // already), instead of growing 1, 4, 8, 16 (a copy each time).
                    self.accs.reserve_exact(FIRST_CELLS);
                }
                self.accs.push(Acc::new(input));
                Some(usize::from(i))
            }
            i => {
                self.accs[usize::from(i)].add(input)?;
                Some(usize::from(i))
            }
        }
    }
}

#[allow(clippy::arithmetic_side_effects, reason = "indices of the closed sector and carrier enums")]
pub(super) fn slot(sector: Sector, carrier: Option<Carrier>) -> usize {
    slot_index(sector, carrier.map_or(SLOTS - 1, Carrier::index))
}

/// The slot of a sector's `k`th carrier (the last: none).
#[allow(clippy::arithmetic_side_effects, reason = "indices of the closed sector and carrier enums")]
pub(super) fn slot_index(sector: Sector, k: usize) -> usize {
    sector.index() * SLOTS + k
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
            crf: Vec::new(),
        }
    }

    /// Whether each cell keeps its detail (the default): the list of its input lines
    /// ([`Cell::lines`](super::Cell::lines)) and the conversion of each of its quantities ([`Cell::inputs`](super::Cell::inputs)).
    /// Without it a builder's memory grows with its cells, not with its rows, and an inventory
    /// takes about half the memory; cells still count their rows ([`Cell::rows`](super::Cell::rows)), name their
    /// fuel variants ([`Cell::variants`](super::Cell::variants)), and messages still name the first line of a cell.
    /// The numbers are the same either way.
    pub fn keep_cell_detail(&mut self, keep: bool) {
        self.detail = keep;
    }

    /// The number of cells (sector × carrier) with rows so far.
    pub(crate) fn cell_count(&self) -> usize {
        self.cells.accs.len()
    }

    /// Makes room for `n` cells in all, so that adding rows does not grow the cells one
    /// step at a time (a batch reader passes the count of the inventory before).
    pub(crate) fn reserve_cells(&mut self, n: usize) {
        let n = n.min(MAX_CELLS);
        self.cells.accs.reserve_exact(n.saturating_sub(self.cells.accs.len()));
    }

    /// The factor release the inventory is computed with.
    pub fn release(&self) -> &'r Release {
        self.release
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
    pub fn add_supply(&mut self, row: crate::supply::SupplyRow) -> Result<(), Error> {
        let loc = |column: &'static str, value: String, error: Error| {
            error.in_input(Input::Supply).at_line(row.line).in_field(column, value)
        };
        let fuel = match row.fuel {
            None => None,
            Some((carrier, amount, unit)) => {
                if amount.is_sign_negative() && !amount.is_zero() {
                    return Err(loc(
                        "amount",
                        amount.to_string(),
                        Error::from(ErrorKind::NegativeAmount { value: amount }),
                    ));
                }
                let per_unit = match unit {
                    ActivityUnit::Energy(u) => Ok(u.megajoules()),
                    ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e => {
                        Err(Error::from(ErrorKind::UnitMismatch {
                            unit: unit.symbol().into(),
                            context: UnitContext::PlantFuel,
                        }))
                    }
                    _ if !carrier.is_fuel() => Err(Error::from(ErrorKind::UnitMismatch {
                        unit: unit.symbol().into(),
                        context: UnitContext::Carrier(carrier),
                    })),
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
        let missing = |density| {
            Error::from(ErrorKind::MissingFuelProperty {
                carrier,
                unit: unit.symbol().into(),
                density,
                release: Some(self.release.id().into()),
            })
        };
        let ncv = user.and_then(|u| u.ncv_gj_per_t).or_else(|| props.ncv(carrier).map(|p| p.value));
        let density = user
            .and_then(|u| u.density_kg_per_l)
            .or_else(|| props.density(carrier).map(|p| p.value));
        if ncv.is_some()
            && density.is_none()
            && matches!(unit, ActivityUnit::Litre | ActivityUnit::CubicMetre)
        {
            return Err(missing(true));
        }
        Ok(FuelParameters {
            carrier,
            ncv_gj_per_t: ncv.ok_or_else(|| missing(false))?,
            density_kg_per_l: density,
            user: user.is_some(),
        })
    }

    /// Checks an activity row and converts its amount, without adding it.
    pub fn convert(&self, a: &Activity) -> Result<Quantity, Error> {
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
    fn check(&self, a: &Activity) -> Result<Checked, Error> {
        let loc = |column: &'static str, value: String, error: Error| {
            error.in_input(Input::Activity).at_line(a.line).in_field(column, value)
        };
        let sector = a.sector;
        match (sector.is_energy(), a.carrier) {
            (true, None) => {
                return Err(loc(
                    "carrier",
                    String::new(),
                    Error::from(ErrorKind::CarrierRequired { sector }),
                ));
            }
            (false, Some(c)) => {
                return Err(loc(
                    "carrier",
                    c.to_string(),
                    Error::from(ErrorKind::CarrierNotAllowed { sector, carrier: c }),
                ));
            }
            (true, Some(c)) if !sector.accepts(c) => {
                return Err(loc(
                    "carrier",
                    c.to_string(),
                    Error::from(ErrorKind::TransportCarrier { sector, carrier: c }),
                ));
            }
            _ => {}
        }
        if a.amount.is_sign_negative() && !a.amount.is_zero() {
            return Err(loc(
                "amount",
                a.amount.to_string(),
                Error::from(ErrorKind::NegativeAmount { value: a.amount }),
            ));
        }
        if a.variant == Variant::NonSustainable && !a.carrier.is_some_and(Carrier::is_biomass) {
            return Err(loc(
                "sustainable",
                "no".into(),
                Error::from(ErrorKind::NotBiomass { carrier: a.carrier }),
            ));
        }
        // A mantissa below 10^15 cannot exceed MAX_AMOUNT at any scale (no comparison needed).
        if a.amount.mantissa().unsigned_abs() >= 1_000_000_000_000_000 && a.amount > MAX_AMOUNT {
            return Err(loc(
                "amount",
                a.amount.to_string(),
                Error::from(ErrorKind::AmountTooLarge { value: a.amount }),
            ));
        }
        let unit_err = |context: UnitContext| {
            loc(
                "unit",
                a.unit.symbol().into(),
                Error::from(ErrorKind::UnitMismatch { unit: a.unit.symbol().into(), context }),
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
                Err(unit_err(UnitContext::GasBasis(self.spec.gases)))
            } else {
                Err(unit_err(UnitContext::NonEnergySector(sector)))
            };
        };
        let mj_per_unit = match a.unit {
            ActivityUnit::Energy(u) => u.megajoules(),
            ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e => {
                return Err(unit_err(UnitContext::EnergySector(sector)));
            }
            fuel_unit => {
                if !carrier.is_fuel() {
                    return Err(unit_err(UnitContext::Carrier(carrier)));
                }
                self.fuel_parameters(carrier, fuel_unit)
                    .and_then(|p| p.megajoules_per_unit(fuel_unit))
                    .map_err(|e| {
                        let column = if matches!(e.kind(), ErrorKind::Overflow { .. }) {
                            "amount"
                        } else {
                            "unit"
                        };
                        loc(column, fuel_unit.symbol().into(), e)
                    })?
            }
        };
        Ok(Checked::Energy(mj_per_unit))
    }

    /// Adds a row: it is checked, converted to energy (or emissions for non-energy sectors)
    /// and added to its cell.
    pub fn add(&mut self, a: &Activity) -> Result<(), Error> {
        // Validates the row (and that its conversion fits); the energy itself is computed from
        // the per-unit sums in `finish`, which is exact and the same as adding row by row. An
        // amount in an energy unit needs no trial conversion: it is at most MAX_AMOUNT (10^15)
        // and a unit at most 3.6e6 MJ (GWh), far below Decimal's 7.9e28.
        if !matches!(a.unit, ActivityUnit::Energy(_)) {
            self.convert(a)?;
        } else {
            self.check(a)?;
        }
        let i = self
            .cells
            .add(slot(a.sector, a.carrier), (a.unit, a.variant, a.amount))
            .ok_or_else(|| located_amount(a, Error::overflow("amount sum")))?;
        let acc = &mut self.cells.accs[i];
        acc.rows = acc.rows.saturating_add(1);
        if let Some(l) = a.line {
            acc.first_line = acc.first_line.min(l);
        }
        if self.detail {
            // One list per cell, the new one included.
            if self.cells.lines.len() < self.cells.accs.len() {
                self.cells.lines.resize_with(self.cells.accs.len(), Vec::new);
            }
            if let Some(l) = a.line {
                self.cells.lines[i].push(l);
            }
        }
        Ok(())
    }
}

/// What [`InventoryBuilder::check`] found a row to be.
enum Checked {
    /// Emissions entered directly (non-energy sectors).
    Emissions,
    /// Energy, with the megajoules per unit of the row.
    Energy(Decimal),
}

fn located_amount(a: &Activity, error: Error) -> Error {
    error.in_input(Input::Activity).at_line(a.line).in_field("amount", a.amount.to_string())
}

/// An activity amount converted to what the engine adds up.
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
        let missing = |density| {
            Error::from(ErrorKind::MissingFuelProperty {
                carrier: self.carrier,
                unit: unit.symbol().into(),
                density,
                // The release's id is not known here: an empty one reads "the release".
                release: if self.user { None } else { Some(String::new()) },
            })
        };
        let v = match unit {
            ActivityUnit::Energy(u) => Some(u.megajoules()),
            ActivityUnit::Kilogram => Some(ncv),
            ActivityUnit::Tonne => ncv.checked_mul(thousand),
            ActivityUnit::Litre => {
                ncv.checked_mul(self.density_kg_per_l.ok_or_else(|| missing(true))?)
            }
            ActivityUnit::CubicMetre => ncv
                .checked_mul(self.density_kg_per_l.ok_or_else(|| missing(true))?)
                .and_then(|x| x.checked_mul(thousand)),
            ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e => None,
        };
        v.ok_or_else(|| Error::overflow("fuel conversion"))
    }
}
