//! Applying the factors: from the cells' summed quantities to an [`Inventory`] with its
//! totals, factors and warnings.

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

use std::sync::Arc;

use rust_decimal::Decimal;

use super::builder::{Acc, FuelParameters, slot};
use super::{
    Cell, ENGINE_VERSION, FactorOverride, Inventory, InventoryBuilder, InventorySpec, Subtotal,
};
use crate::error::{Error, ErrorKind, Input, MissingReason, Result, Warning};
use crate::factors::{Release, Variant};
use crate::provenance::{Conversion, FactorUsed, Provenance};
use crate::quantity::{ActivityUnit, EmissionFactor, Emissions, Energy};
use crate::taxonomy::{Carrier, GasBasis, Sector};

impl InventoryBuilder<'_> {
    /// Applies the factors and returns the inventory, or every problem found.
    ///
    /// `overrides` are the user's factors; one with [`OverrideScope::Inventory`] wins over one
    /// with [`OverrideScope::Batch`], which wins over the release.
    ///
    /// [`OverrideScope::Inventory`]: crate::provenance::OverrideScope::Inventory
    /// [`OverrideScope::Batch`]: crate::provenance::OverrideScope::Batch
    pub fn finish(self, overrides: &[&FactorOverride]) -> Result<Inventory, Vec<Error>> {
        if self.spec.framework == crate::taxonomy::Framework::Crf {
            return self.finish_crf();
        }
        // The inventory's totals summed from its sectors' (two sums a sector instead of two a
        // cell); where that could differ from adding cell by cell (a negative quantity, a sum
        // not exact by construction, any problem), the cells are tallied again, cell by cell.
        let mut tally = self.tally(overrides, false)?;
        if tally.again {
            tally = self.tally(overrides, true)?;
        }
        let Tally { supply, mut factors, mut warnings, totals, out_cells, sectors, .. } = tally;
        for &s in Sector::ALL.iter().filter(|s| s.is_key()) {
            if !sectors.iter().any(|t| t.key == s) {
                warnings.push(Warning::MissingKeySector { sector: s });
            }
        }
        warnings.extend(crate::plausibility::cell_warnings(&self.spec, &out_cells));
        let mut carriers = Vec::with_capacity(totals.by_carrier.iter().flatten().count());
        carriers.extend(Carrier::ALL.iter().zip(totals.by_carrier).filter_map(|(&c, t)| {
            t.map(|t| Subtotal { key: c, energy: t.energy, emissions: t.emissions })
        }));
        factors.sort_by_key(|f| f.carrier);
        let spec = self.spec;
        let per_capita_t = spec.population.map(|p| totals.emissions.per_capita(p));
        Ok(Inventory {
            release: self.release.id().to_string(),
            spec,
            cells: out_cells,
            sectors,
            carriers,
            total_energy: totals.energy,
            total_emissions: totals.emissions,
            per_capita_t,
            biogenic_co2_memo: totals.biogenic,
            factors,
            supply: supply.map(Box::new),
            warnings,
            engine_version: ENGINE_VERSION,
            crf: None,
        })
    }

    /// Applies the factors to every cell and adds the cells up: into their sectors' and
    /// carriers' subtotals, and into the inventory's totals cell by cell when `cell_by_cell`,
    /// else summed from the sectors' (see [`Tally::again`]).
    pub(super) fn tally(
        &self,
        overrides: &[&FactorOverride],
        cell_by_cell: bool,
    ) -> Result<Tally, Vec<Error>> {
        let (supply, local_factors, supply_warnings) = self.local_supply(overrides)?;
        let mut known = [[None; 2]; Carrier::ALL.len()];
        for f in local_factors.iter().rev() {
            known[f.carrier.index()][variant_index(f.variant)] = Some(f.factor);
        }
        let mut run = Run {
            builder: self,
            overrides,
            factors: local_factors,
            known,
            failed: Vec::new(),
            warnings: supply_warnings,
            problems: Vec::new(),
        };
        let mut totals = Totals { cell_by_cell, ..Totals::default() };
        let mut out_cells = Vec::with_capacity(self.cells.accs.len());
        // The cells in slot order (by sector, then carrier, the cell without one last), the
        // slots without a cell skipped.
        let present = self.cells.present();
        // Exactly as many subtotals as sectors with cells (memory grows with inventories).
        let firsts = present.windows(2).filter(|w| w[0].0 != w[1].0).count();
        let mut sectors =
            Vec::with_capacity(firsts.saturating_add(usize::from(!present.is_empty())));
        let mut sector_total: Option<(Sector, Subtotal<()>)> = None;
        for (k, &(sector, carrier, i)) in present.iter().enumerate() {
            let acc = &self.cells.accs[i];
            if let Some(cell) = run.cell(sector, carrier, i, acc) {
                let current = match &mut sector_total {
                    Some((s, t)) if *s == sector => t,
                    other => {
                        &mut other
                            .insert((
                                sector,
                                Subtotal {
                                    key: (),
                                    energy: Energy::ZERO,
                                    emissions: Emissions::ZERO,
                                },
                            ))
                            .1
                    }
                };
                if let Err(e) = totals.add(current, &cell) {
                    run.problems.push(amount_problem(acc.first_line(), e));
                } else {
                    if let Some(b) = cell.biogenic_co2 {
                        let sum = totals.biogenic.unwrap_or_default().checked_add(b);
                        match sum {
                            Ok(sum) => totals.biogenic = Some(sum),
                            Err(_) if !cell_by_cell => return Ok(Tally::again()),
                            Err(e) => return Err(vec![amount_problem(acc.first_line(), e)]),
                        }
                    }
                    out_cells.push(cell);
                }
            }
            // The sector's last cell: its subtotal, if any of its cells was added.
            let last_of_sector = present.get(k.wrapping_add(1)).is_none_or(|n| n.0 != sector);
            if last_of_sector && let Some((s, t)) = sector_total.take_if(|(s, _)| *s == sector) {
                sectors.push(Subtotal { key: s, energy: t.energy, emissions: t.emissions });
            }
        }
        let Run { factors, warnings, problems, .. } = run;
        if !problems.is_empty() {
            return if cell_by_cell { Err(problems) } else { Ok(Tally::again()) };
        }
        if !cell_by_cell {
            // Exactly the sum cell by cell when every quantity is non-negative and every sum,
            // of a sector's cells and of the sectors, is exact by construction (none rounded):
            // no partial sum cell by cell is larger or has more decimal places, so none rounds
            // either, and both are the exact sum at the largest scale of its nonzero terms.
            let summed = sectors.iter().try_fold((Energy::ZERO, Emissions::ZERO), |(e, m), s| {
                Some((e.exact_add(s.energy)?, m.exact_add(s.emissions)?))
            });
            match summed {
                Some((energy, emissions)) if !totals.negative && !totals.inexact => {
                    (totals.energy, totals.emissions) = (energy, emissions);
                }
                _ => return Ok(Tally::again()),
            }
        }
        Ok(Tally { again: false, supply, factors, warnings, totals, out_cells, sectors })
    }

    /// Local energy supply (Tables C and D), when there are supply rows: the local factors it
    /// gives and its warnings.
    fn local_supply(&self, overrides: &[&FactorOverride]) -> LocalSupplyResult {
        if self.supply.is_empty() {
            return Ok((None, Vec::new(), Vec::new()));
        }
        let (spec, release) = (&self.spec, self.release);
        // Electricity and heat consumption (Table A) are energy units only: no fuel parameters.
        let consumption = |carrier: Carrier| -> Result<Energy> {
            let mut sum = Energy::ZERO;
            for &sector in Sector::ALL {
                if let Some((_, acc)) = self.cells.get(slot(sector, Some(carrier))) {
                    for &(unit, _, amount) in acc.inputs() {
                        sum = sum.checked_add(energy_of(None, unit, amount)?)?;
                    }
                }
            }
            Ok(sum)
        };
        let (tce, lhc) = consumption(Carrier::Electricity)
            .and_then(|e| Ok((e, consumption(Carrier::HeatCold)?)))
            .map_err(|e| vec![e.in_input(Input::Supply).in_field("amount", "")])?;
        let mut warnings = Vec::new();
        let (local, factors) = crate::supply::compute_local(
            &self.supply,
            self.chp,
            tce,
            lhc,
            |carrier| {
                resolve(spec, release, carrier, Variant::Default, overrides).map(|f| f.factor)
            },
            |carrier| overrides.iter().any(|o| o.carrier == carrier),
            resolve(spec, release, Carrier::Electricity, Variant::Default, &[])
                .ok()
                .map(|f| f.factor),
            &mut warnings,
        )?;
        Ok((Some(local), factors, warnings))
    }
}

/// What [`InventoryBuilder::local_supply`] gives: the supply, its local factors and warnings.
type LocalSupplyResult =
    Result<(Option<crate::supply::LocalSupply>, Vec<FactorUsed>, Vec<Warning>), Vec<Error>>;

/// The state of one [`InventoryBuilder::finish`]: the factors resolved so far (each carrier and
/// variant once), the carriers that have none, the warnings and the problems.
struct Run<'b, 'r, 'o> {
    builder: &'b InventoryBuilder<'r>,
    overrides: &'o [&'o FactorOverride],
    factors: Vec<FactorUsed>,
    /// The factor of `factors` for each carrier and variant (the first one given), looked up
    /// by index for every cell.
    known: [[Option<EmissionFactor>; 2]; Carrier::ALL.len()],
    failed: Vec<(Carrier, Variant)>,
    warnings: Vec<Warning>,
    problems: Vec<Error>,
}

impl Run<'_, '_, '_> {
    /// One cell from its summed quantities, or `None` when it has a problem (recorded).
    fn cell(
        &mut self,
        sector: Sector,
        carrier: Option<Carrier>,
        i: usize,
        acc: &Acc,
    ) -> Option<Cell> {
        let detail = self.builder.detail;
        // The cell's quantities, summed per unit while reading, converted once here.
        let mut inputs = Vec::with_capacity(if detail { acc.input_count() } else { 0 });
        let mut by_variant = [Energy::ZERO; 2];
        let mut direct = Emissions::ZERO;
        let converted = acc.inputs().try_for_each(|&(unit, variant, amount)| {
            let fuel = !matches!(
                unit,
                ActivityUnit::Energy(_) | ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e
            );
            let params = match carrier {
                Some(c) if fuel => Some(self.builder.fuel_parameters(c, unit)?),
                _ => None,
            };
            let energy = energy_of(params, unit, amount)?;
            if carrier.is_some() {
                let k = usize::from(variant == Variant::NonSustainable);
                by_variant[k] = by_variant[k].checked_add(energy)?;
            } else {
                direct = direct.checked_add(Emissions::from_tonnes(amount)?)?;
            }
            if detail {
                inputs.push(Conversion { variant, ..conversion(params, unit, amount, energy) });
            }
            Ok::<(), Error>(())
        });
        if let Err(e) = converted {
            self.problems.push(amount_problem(acc.first_line(), e));
            return None;
        }
        let has = |v: Variant| acc.inputs().any(|&(_, x, _)| x == v);
        let variants: &'static [Variant] =
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
                    let Some(factor) = self.factor(c, variant, acc.first_line()) else {
                        failed = true;
                        continue;
                    };
                    let step = e
                        .emissions_at(factor)
                        .and_then(|em| cell_emissions.checked_add(em))
                        .and_then(|em| Ok((em, cell_energy.checked_add(e)?)));
                    match step {
                        Ok((em, en)) => {
                            cell_emissions = em;
                            cell_energy = en;
                            used = Some(factor);
                        }
                        Err(err) => {
                            self.problems.push(amount_problem(acc.first_line(), err));
                            failed = true;
                        }
                    }
                    if variant == Variant::Default {
                        biogenic = biogenic_co2(self.builder.release, c, e);
                    }
                }
                if failed {
                    return None;
                }
                let factor = if variants.len() > 1 {
                    EmissionFactor::ratio(cell_emissions, cell_energy)
                } else {
                    used
                };
                (Some(cell_energy), factor, cell_emissions)
            }
        };
        inputs.sort_by_key(|c| c.unit);
        let mut lines = self.builder.cells.lines.get(i).cloned().unwrap_or_default();
        if !lines.is_sorted() {
            lines.sort_unstable();
        }
        Some(Cell {
            sector,
            carrier,
            energy,
            factor,
            emissions,
            biogenic_co2: biogenic,
            rows: acc.rows,
            variants,
            lines,
            first_line: acc.first_line(),
            inputs,
        })
    }

    /// The factor of a carrier and variant, resolved once per inventory (with the warnings it
    /// brings); `None` when there is none (the problem is recorded once).
    fn factor(
        &mut self,
        c: Carrier,
        variant: Variant,
        first_line: Option<u64>,
    ) -> Option<EmissionFactor> {
        if let Some(f) = self.known[c.index()][variant_index(variant)] {
            return Some(f);
        }
        if self.failed.contains(&(c, variant)) {
            return None;
        }
        let spec = &self.builder.spec;
        match resolve(spec, self.builder.release, c, variant, self.overrides) {
            Ok(f) => {
                if let Provenance::FactorSet { com: false, set, .. } = &f.provenance {
                    self.warnings.push(Warning::NonComFactor {
                        carrier: c,
                        country: spec.country,
                        set: set.to_string(),
                    });
                }
                if let Provenance::FactorSet { note, set, .. } = &f.provenance
                    && note.starts_with("suspect")
                {
                    self.warnings.push(Warning::SuspectFactor {
                        carrier: c,
                        set: set.to_string(),
                        note: note.to_string(),
                    });
                }
                if let Provenance::UserOverride { line, .. } = &f.provenance
                    && let Ok(reference) = resolve(spec, self.builder.release, c, variant, &[])
                    && let Some(w) =
                        crate::plausibility::user_factor(c, *line, f.factor, reference.factor)
                {
                    self.warnings.push(w);
                }
                let factor = f.factor;
                self.known[c.index()][variant_index(variant)] = Some(factor);
                self.factors.push(f);
                Some(factor)
            }
            Err(e) => {
                self.failed.push((c, variant));
                self.problems.push(
                    e.in_input(Input::Activity).at_line(first_line).in_field("carrier", c.code()),
                );
                None
            }
        }
    }
}

/// The cells of an inventory added up ([`InventoryBuilder::tally`]).
pub(super) struct Tally {
    /// The inventory's totals could differ from adding its cells one by one: to tally again,
    /// cell by cell (the other fields are empty).
    pub(super) again: bool,
    supply: Option<crate::supply::LocalSupply>,
    factors: Vec<FactorUsed>,
    warnings: Vec<Warning>,
    pub(super) totals: Totals,
    out_cells: Vec<Cell>,
    sectors: Vec<Subtotal<Sector>>,
}

impl Tally {
    /// To tally again, cell by cell.
    fn again() -> Tally {
        Tally {
            again: true,
            supply: None,
            factors: Vec::new(),
            warnings: Vec::new(),
            totals: Totals::default(),
            out_cells: Vec::new(),
            sectors: Vec::new(),
        }
    }
}

/// The running totals of an inventory: overall, by carrier, and the biogenic memo item.
pub(super) struct Totals {
    pub(super) energy: Energy,
    pub(super) emissions: Emissions,
    by_carrier: Vec<Option<Subtotal<()>>>,
    biogenic: Option<Emissions>,
    /// Each cell is added to `energy` and `emissions` (else they are summed from the sectors).
    cell_by_cell: bool,
    /// A cell with a negative quantity was added.
    negative: bool,
    /// A sector's subtotal was not exact by construction ([`crate::quantity::exact_sum`]).
    inexact: bool,
}

impl Default for Totals {
    fn default() -> Totals {
        Totals {
            energy: Energy::ZERO,
            emissions: Emissions::ZERO,
            by_carrier: vec![None; Carrier::ALL.len()],
            biogenic: None,
            cell_by_cell: true,
            negative: false,
            inexact: false,
        }
    }
}

impl Totals {
    /// Adds a cell to its sector's total, its carrier's total and the inventory's totals.
    fn add(&mut self, sector_total: &mut Subtotal<()>, cell: &Cell) -> Result<()> {
        /// Adds the cell's quantities to one subtotal (inlined: twice a cell).
        #[cfg_attr(not(target_family = "wasm"), inline(always))]
        fn add(cur: &mut Subtotal<()>, energy: Energy, emissions: Emissions) -> Result<()> {
            cur.energy = cur.energy.checked_add(energy)?;
            cur.emissions = cur.emissions.checked_add(emissions)?;
            Ok(())
        }
        let energy = cell.energy.unwrap_or_default();
        if self.cell_by_cell {
            add(sector_total, energy, cell.emissions)?;
        } else {
            // Exact, or the totals are tallied again cell by cell: a sector's subtotal rounded
            // to fewer places could make the sum of the sectors differ from the sum cell by cell.
            let exact = sector_total
                .energy
                .exact_add(energy)
                .zip(sector_total.emissions.exact_add(cell.emissions));
            match exact {
                Some((e, m)) => (sector_total.energy, sector_total.emissions) = (e, m),
                None => {
                    self.inexact = true;
                    add(sector_total, energy, cell.emissions)?;
                }
            }
        }
        if let Some(c) = cell.carrier {
            let carrier_total = self.by_carrier[c.index()].get_or_insert(Subtotal {
                key: (),
                energy: Energy::ZERO,
                emissions: Emissions::ZERO,
            });
            add(carrier_total, energy, cell.emissions)?;
        }
        if self.cell_by_cell {
            self.energy = self.energy.checked_add(energy)?;
            self.emissions = self.emissions.checked_add(cell.emissions)?;
        } else if energy.megajoules().is_sign_negative() || cell.emissions.is_sign_negative() {
            self.negative = true;
        }
        Ok(())
    }
}

/// The position of a fuel variant in [`Run::known`].
fn variant_index(v: Variant) -> usize {
    usize::from(v == Variant::NonSustainable)
}

/// A problem with the amounts of a cell, located at its first input line.
fn amount_problem(first_line: Option<u64>, e: Error) -> Error {
    e.in_input(Input::Activity).at_line(first_line).in_field("amount", "")
}

/// How a summed input quantity became `energy` ([`energy_of`]).
fn conversion(
    params: Option<FuelParameters>,
    unit: ActivityUnit,
    amount: Decimal,
    energy: Energy,
) -> Conversion {
    let volume = matches!(unit, ActivityUnit::Litre | ActivityUnit::CubicMetre);
    Conversion {
        amount,
        unit,
        variant: Variant::Default,
        ncv_gj_per_t: params.map(|p| p.ncv_gj_per_t),
        density_kg_per_l: params.and_then(|p| p.density_kg_per_l).filter(|_| volume),
        energy,
    }
}

/// The energy of a summed input quantity (none for emissions entered directly).
fn energy_of(
    params: Option<FuelParameters>,
    unit: ActivityUnit,
    amount: Decimal,
) -> Result<Energy> {
    let per_unit = match (unit, params) {
        (ActivityUnit::Energy(u), _) => Some(u.megajoules()),
        (ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e, _) => None,
        (_, Some(p)) => Some(p.megajoules_per_unit(unit)?),
        (_, None) => None,
    };
    match per_unit {
        // Non-energy rows: no energy.
        None => Ok(Energy::ZERO),
        Some(k) => amount
            .checked_mul(k)
            .map(Energy::from_megajoules)
            .ok_or_else(|| Error::overflow(format!("{amount} {unit}"))),
    }
}

/// The net calorific value and density used to turn a fuel quantity into energy.
/// The biogenic CO2 of sustainable biomass energy, from the release's per-gas factors.
fn biogenic_co2(release: &Release, carrier: Carrier, energy: Energy) -> Option<Emissions> {
    let g = release.per_gas()?.get(carrier)?;
    if !g.biogenic || energy.megajoules().is_zero() {
        return None;
    }
    let f = EmissionFactor::t_per_mwh(g.co2.checked_mul(KG_PER_TJ_IN_T_PER_MWH)?).ok()?;
    energy.emissions_at(f).ok()
}

/// t/MWh per kg/TJ: 1 MWh = 0.0036 TJ and 1 t = 1 000 kg.
const KG_PER_TJ_IN_T_PER_MWH: Decimal = Decimal::from_parts(36, 0, 0, false, 7);

pub(crate) fn resolve(
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
            Error::from(ErrorKind::UnknownGwp {
                given: code.to_string(),
                available: release.gwp().iter().map(|x| x.code.clone()).collect(),
            })
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
        let t_per_mwh = kg_per_tj.checked_mul(KG_PER_TJ_IN_T_PER_MWH);
        let t_per_mwh = t_per_mwh.ok_or_else(|| Error::overflow("per-gas factor"))?;
        let factor = EmissionFactor::t_per_mwh(t_per_mwh.normalize())?;
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
        .ok_or_else(|| {
            Error::from(ErrorKind::MissingFactor {
                carrier,
                country: spec.country,
                year: spec.year,
                approach: spec.approach,
                gases: spec.gases,
                release: release.id().into(),
                reason: if variant == Variant::NonSustainable {
                    MissingReason::NonSustainable
                } else {
                    release.missing_reason(carrier, spec.country, spec.approach, spec.gases)
                },
            })
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
