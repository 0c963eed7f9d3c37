//! Action plans: the actions of a SECAP valued with the factors of their baseline, ramped to the
//! target year, and the gap they leave to the target.
//!
//! # Valuation
//!
//! Every action is valued with the factors of **its baseline inventory**, at constant factors,
//! as the SECAP template's estimated CO2 reduction per action is, so that the plan measures what
//! the actions do and not how the grid changes by itself. A carrier is valued at the factor its
//! cell (sector, carrier) had in the baseline: the carrier's factor (a user factor, a local heat
//! factor, or the release's), the non-sustainable factor of a non-sustainable biomass cell, the
//! effective factor of a cell mixing both; for a carrier the baseline does not use there, the
//! factor it would have used (the user's, else the release's for the baseline's country, year,
//! approach and gases). Electricity with a local factor (EFE, from supply rows) is valued by
//! what the EFE formula does with one MWh more or less: in the general case
//! `[(TCE − LPE − GEP) × NEEFE + CO2LPE + CO2GEP]` changes by the national factor NEEFE for a
//! MWh consumed (saved, switched to) or produced locally, so NEEFE values those actions; when the
//! city produces more than it consumes (`LPE + GEP > TCE`) consumption is valued at the EFE and
//! local production at its first-order effect `EFE × TCE / (LPE + GEP)`.
//!
//! | kind | full effect per year, t |
//! |---|---|
//! | `energy_saving` | `E × f(carrier)` |
//! | `local_renewable` | `E × f(carrier)`, carrier `electricity` or `heat_cold`: the energy produced locally from renewables replaces the grid's |
//! | `fuel_switch` | `E × (f(carrier) − f(to_carrier))`: negative when the new carrier emits more |
//! | `direct_reduction` | the amount, t per year (non-energy sectors) |
//!
//! # Ramp
//!
//! An action takes effect linearly from its start year (nothing) to its end year (full):
//! its share in year `y` is `(y − start) / (end − start)`, 0 up to the start year and 1 from the
//! end year on; an action with `start = end` has its full effect from that year.
//!
//! # Gap
//!
//! `planned_reduction_t` is the sum of the actions' reductions in the target year;
//! `remaining_gap_t = reference − target − planned`: positive is a shortfall, negative a
//! surplus. The reference is the baseline's total, or for a target from business as usual the
//! baseline projected to the target year ([`crate::bau`]). Per inhabitant, the gap is divided by
//! the target-year population (`target_population`, else the projected population of a
//! business-as-usual target). Each action's reduction in a year is one division (exact when it
//! terminates, else rounded to 15 places), and the sums add them. [`Plan::path`] gives, year by
//! year from the baseline to the target year, the reference minus the actions' reductions.

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, ErrorKind, Input, UnitContext, Warning};
use crate::factors::{Release, Variant};
use crate::inventory::{FactorOverride, Inventory, InventorySpec, resolve};
use crate::provenance::FactorUsed;
use crate::quantity::{ActivityUnit, Emissions, Energy, MAX_AMOUNT, quotient};
use crate::target::TargetResult;
use crate::taxonomy::{ActionKind, Carrier, GasBasis, InventoryKind, Sector, TargetKind};
use crate::trajectory::PathPoint;

/// One action of a plan: a row of `actions.csv`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Action {
    /// Its id, unique within the plan of its baseline.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The sector it acts in.
    pub sector: Sector,
    /// What it does.
    pub kind: ActionKind,
    /// The carrier saved, produced or replaced (`None` for a direct reduction).
    pub carrier: Option<Carrier>,
    /// For a fuel switch: the carrier that replaces `carrier`.
    pub to_carrier: Option<Carrier>,
    /// The amount per year at full effect: energy, or t for a direct reduction.
    pub amount: Decimal,
    /// Its unit: an energy unit, or t CO2 / t CO2-eq for a direct reduction.
    pub unit: ActivityUnit,
    /// The year it starts (no effect yet).
    pub start_year: u16,
    /// The year it reaches its full effect.
    pub end_year: u16,
    /// Its estimated cost, in the plan's currency.
    pub cost: Option<Decimal>,
    /// Its status, as the plan gives it.
    pub status: Option<String>,
    /// Who is responsible for it.
    pub responsible: Option<String>,
    /// The input line it came from.
    pub line: Option<u64>,
}

impl Action {
    /// An action `id` of `kind` in `sector`: `amount` in `unit` per year at full effect, ramped
    /// from `start_year` to `end_year`. An energy action needs a carrier
    /// ([`Action::with_carrier`]); a fuel switch also the new one ([`Action::with_to_carrier`]).
    pub fn new(
        id: impl Into<String>,
        kind: ActionKind,
        sector: Sector,
        amount: Decimal,
        unit: impl Into<ActivityUnit>,
        (start_year, end_year): (u16, u16),
    ) -> Action {
        Action {
            id: id.into(),
            title: String::new(),
            sector,
            kind,
            carrier: None,
            to_carrier: None,
            amount,
            unit: unit.into(),
            start_year,
            end_year,
            cost: None,
            status: None,
            responsible: None,
            line: None,
        }
    }

    /// The same action, saving, producing or replacing `carrier`.
    pub fn with_carrier(self, carrier: Carrier) -> Action {
        Action { carrier: Some(carrier), ..self }
    }

    /// The same fuel switch, to `carrier`.
    pub fn with_to_carrier(self, carrier: Carrier) -> Action {
        Action { to_carrier: Some(carrier), ..self }
    }

    /// The same action, with a title.
    pub fn titled(self, title: impl Into<String>) -> Action {
        Action { title: title.into(), ..self }
    }

    /// The same action, with the input line it came from.
    pub fn with_line(self, line: u64) -> Action {
        Action { line: Some(line), ..self }
    }

    /// Every problem of this action as an action of the plan of `baseline`, each located
    /// (input [`Input::Actions`], its line and field): the kind, sector, carriers and unit go
    /// together, the amount is in range, the years are in order and not before the baseline's.
    pub fn check(&self, baseline: &InventorySpec) -> Vec<Error> {
        use ActionKind::*;
        let mut out = Vec::new();
        let mut err = |field: &'static str, value: &str, kind: ErrorKind| {
            out.push(
                Error::from(kind)
                    .in_input(Input::Actions)
                    .at_line(self.line)
                    .in_field(field, value),
            );
        };
        let kind = self.kind;
        if baseline.kind == InventoryKind::Monitoring {
            let b = baseline.baseline_id.clone();
            err("inventory_id", &baseline.id, ErrorKind::ActionOnMonitoring { baseline: b });
        }
        let energy = kind != DirectReduction;
        if energy != self.sector.is_energy() {
            err(
                "sector",
                self.sector.code(),
                ErrorKind::ActionSector { kind, sector: self.sector },
            );
        }
        match (energy, self.carrier) {
            (true, None) => {
                err("carrier", "", ErrorKind::ActionFieldRequired { kind, field: "carrier" });
            }
            (false, Some(c)) => {
                err(
                    "carrier",
                    c.code(),
                    ErrorKind::ActionFieldNotAllowed { kind, field: "carrier" },
                );
            }
            _ => {}
        }
        match (kind == FuelSwitch, self.to_carrier) {
            (true, None) => {
                err("to_carrier", "", ErrorKind::ActionFieldRequired { kind, field: "to_carrier" });
            }
            (false, Some(c)) => err(
                "to_carrier",
                c.code(),
                ErrorKind::ActionFieldNotAllowed { kind, field: "to_carrier" },
            ),
            _ => {}
        }
        if self.sector.is_energy() {
            for (field, c) in [("carrier", self.carrier), ("to_carrier", self.to_carrier)] {
                if let Some(c) = c
                    && !self.sector.accepts(c)
                {
                    let e = ErrorKind::TransportCarrier { sector: self.sector, carrier: c };
                    err(field, c.code(), e);
                }
            }
        }
        if let (LocalRenewable, Some(c)) = (kind, self.carrier)
            && !matches!(c, Carrier::Electricity | Carrier::HeatCold)
        {
            err("carrier", c.code(), ErrorKind::RenewableCarrier { carrier: c });
        }
        if let (FuelSwitch, Some(c)) = (kind, self.carrier)
            && self.to_carrier == Some(c)
        {
            err("to_carrier", c.code(), ErrorKind::SwitchSameCarrier { carrier: c });
        }
        let amount = self.amount.to_string();
        if self.amount.is_sign_negative() && !self.amount.is_zero() {
            err("amount", &amount, ErrorKind::NegativeAmount { value: self.amount });
        } else if self.amount > MAX_AMOUNT {
            err("amount", &amount, ErrorKind::AmountTooLarge { value: self.amount });
        }
        let unit = self.unit.symbol();
        let expected = match baseline.gases {
            GasBasis::Co2 => ActivityUnit::TonneCo2,
            GasBasis::Co2e => ActivityUnit::TonneCo2e,
        };
        match (energy, self.unit) {
            (true, ActivityUnit::Energy(_)) => {}
            (false, u) if u == expected => {}
            (false, ActivityUnit::TonneCo2 | ActivityUnit::TonneCo2e) => err(
                "unit",
                unit,
                ErrorKind::UnitMismatch {
                    unit: unit.into(),
                    context: UnitContext::GasBasis(baseline.gases),
                },
            ),
            _ => err("unit", unit, ErrorKind::ActionUnit { kind, unit: unit.into() }),
        }
        let (start, end) = (self.start_year, self.end_year);
        if end < start {
            err("end_year", &end.to_string(), ErrorKind::ActionYears { start, end });
        }
        if start < baseline.year {
            let e = ErrorKind::ActionBeforeBaseline { start, year: baseline.year };
            err("start_year", &start.to_string(), e);
        }
        out
    }

    /// The share of its full effect the action has in `year`, as a fraction `(numerator,
    /// denominator)` (see the module docs).
    pub fn share_fraction(&self, year: u16) -> (u16, u16) {
        let (s, e) = (self.start_year, self.end_year);
        if year >= e {
            (1, 1)
        } else if year <= s {
            (0, 1)
        } else {
            // s < year < e: both differences are positive.
            (year.saturating_sub(s), e.saturating_sub(s))
        }
    }

    /// The share of its full effect the action has in `year` (0 to 1; one division).
    pub fn share_in(&self, year: u16) -> Decimal {
        let (n, d) = self.share_fraction(year);
        quotient(Decimal::from(n), Decimal::from(d)).unwrap_or_default()
    }
}

/// One action valued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionResult {
    /// The action as given.
    pub action: Action,
    /// Its energy per year at full effect (saved, produced or switched); `None` for a direct
    /// reduction.
    pub energy: Option<Energy>,
    /// The factor of `carrier` it is valued with, with its provenance.
    pub factor: Option<FactorUsed>,
    /// Whether `factor` is the effective factor of a baseline cell mixing sustainable and
    /// non-sustainable biomass (its provenance is then the sustainable one's).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub factor_mixed: bool,
    /// For a fuel switch: the factor of `to_carrier`.
    pub to_factor: Option<FactorUsed>,
    /// Whether `to_factor` is the effective factor of a mixed biomass cell.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub to_factor_mixed: bool,
    /// Its reduction per year at full effect (negative: an increase).
    pub reduction: Emissions,
    /// Its share of the full effect in the target year.
    pub share_in_target_year: Option<Decimal>,
    /// Its reduction in the target year, t.
    pub reduction_target_year_t: Option<Decimal>,
}

/// The plan of one baseline, valued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The baseline the plan belongs to.
    pub baseline_id: String,
    /// The target year (the baseline's target), when there is one.
    pub target_year: Option<u16>,
    /// The actions, in input order.
    pub actions: Vec<ActionResult>,
    /// The reference emissions of the gap, t: the baseline's total, or for a target from
    /// business as usual the baseline projected to the target year (then `reference_is_bau`).
    pub reference_t: Decimal,
    /// Whether `reference_t` is the business-as-usual projection.
    pub reference_is_bau: bool,
    /// The emissions the target allows, t (for a per-capita target: with the target-year
    /// population).
    pub target_emissions_t: Option<Decimal>,
    /// The reduction of all actions in the target year, t.
    pub planned_reduction_t: Option<Decimal>,
    /// `reference − target − planned`, t: positive is a shortfall, negative a surplus.
    pub remaining_gap_t: Option<Decimal>,
    /// The remaining gap per inhabitant of the target year, t.
    pub remaining_gap_per_capita_t: Option<Decimal>,
    /// The emissions with the plan, from the baseline year to the target year: the reference of
    /// that year (the baseline, or its business-as-usual projection) minus the actions'
    /// reductions of that year, t. Empty without a target.
    pub path: Vec<PathPoint>,
    /// What the user should know (actions beyond the baseline's consumption or after the
    /// target year, a gap that cannot be given).
    pub warnings: Vec<Warning>,
}

impl Plan {
    /// The reduction in the target year by sector, in template order (sectors with actions).
    pub fn by_sector(&self) -> Vec<(Sector, Decimal)> {
        let mut out: Vec<(Sector, Decimal)> = Vec::new();
        for &s in Sector::ALL {
            let mut sum = None::<Decimal>;
            for a in self.actions.iter().filter(|a| a.action.sector == s) {
                let t = a.reduction_target_year_t.unwrap_or_default();
                sum = Some(sum.unwrap_or_default().checked_add(t).unwrap_or(Decimal::MAX));
            }
            if let Some(sum) = sum {
                out.push((s, sum));
            }
        }
        out
    }
}

/// Values `actions` as the plan of `baseline` (computed with `release` and the user's factors
/// `overrides`, against its evaluated `target`): every problem at once, located.
pub fn evaluate(
    baseline: &Inventory,
    release: &Release,
    overrides: &[&FactorOverride],
    target: Option<&TargetResult>,
    actions: &[Action],
) -> Result<Plan, Vec<Error>> {
    if release.id() != baseline.release {
        let e = ErrorKind::ReleaseMismatch {
            named: baseline.release.clone(),
            given: release.id().into(),
        };
        return Err(vec![Error::from(e)]);
    }
    let mut problems: Vec<Error> = actions.iter().flat_map(|a| a.check(&baseline.spec)).collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let factor_of = |c: Carrier, a: &Action, field: &'static str| -> Result<Valued, Error> {
        action_factor(baseline, release, overrides, a, c)
            .map_err(|e| e.in_input(Input::Actions).at_line(a.line).in_field(field, c.code()))
    };
    let target_year = target.map(|t| t.year);
    let mut warnings = Vec::new();
    let mut results = Vec::with_capacity(actions.len());
    for a in actions {
        let valued = value(a, &factor_of).and_then(|(energy, factor, to_factor, red)| {
            let mut r = ActionResult {
                action: a.clone(),
                energy,
                factor_mixed: factor.as_ref().is_some_and(|f| f.1),
                factor: factor.map(|f| f.0),
                to_factor_mixed: to_factor.as_ref().is_some_and(|f| f.1),
                to_factor: to_factor.map(|f| f.0),
                reduction: red,
                share_in_target_year: None,
                reduction_target_year_t: None,
            };
            if let Some(y) = target_year {
                let (n, d) = a.share_fraction(y);
                r.share_in_target_year = Some(a.share_in(y));
                let scaled = red.checked_scale(Decimal::from(n)).map_err(|e| located(a, e))?;
                let t = scaled
                    .tonnes_over(Decimal::from(d))
                    .ok_or_else(|| located(a, Error::overflow("reduction in the target year")))?;
                r.reduction_target_year_t = Some(t);
                if n == 0 {
                    warnings.push(Warning::ActionAfterTarget {
                        action: a.id.clone(),
                        line: a.line,
                        start: a.start_year,
                        target_year: y,
                    });
                }
            }
            Ok(r)
        });
        match valued {
            Ok(r) => results.push(r),
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    warnings.extend(exceeding(&results, baseline));
    // In the order of the actions (a stable sort keeps each action's own order).
    warnings.sort_by_key(|w| w.location().map(|(_, line)| line));
    let overflow = |what: &str| vec![Error::from(ErrorKind::Overflow { what: what.into() })];
    // The reference: the baseline, or its business-as-usual projection for a target from it.
    let projection = match target_year {
        Some(y) if target.is_some_and(|t| t.kind == TargetKind::Bau) => {
            crate::bau::project(baseline, y).map_err(|e| vec![e])?
        }
        _ => None,
    };
    let reference_is_bau = projection.is_some();
    let reference_t =
        projection.as_ref().map_or_else(|| baseline.total_emissions.tonnes(), |p| p.emissions_t);
    let target_emissions_t = target.and_then(|t| t.emissions_t);
    let mut path = Vec::new();
    if let Some(ty) = target_year {
        for y in baseline.spec.year..=ty {
            let reference = match &projection {
                Some(p) => p.points.iter().find(|x| x.year == y).map_or(reference_t, |x| x.value),
                None => reference_t,
            };
            let mut value = reference;
            for r in &results {
                let (n, d) = r.action.share_fraction(y);
                let t = r
                    .reduction
                    .checked_scale(Decimal::from(n))
                    .ok()
                    .and_then(|s| s.tonnes_over(Decimal::from(d)))
                    .ok_or_else(|| overflow("path with the plan"))?;
                value = value.checked_sub(t).ok_or_else(|| overflow("path with the plan"))?;
            }
            path.push(PathPoint { year: y, value: value.normalize() });
        }
    }
    let planned_reduction_t = match target_year {
        None => None,
        Some(_) => {
            let mut sum = Decimal::ZERO;
            for r in &results {
                let t = r.reduction_target_year_t.unwrap_or_default();
                sum = sum.checked_add(t).ok_or_else(|| overflow("planned reduction"))?;
            }
            Some(sum.normalize())
        }
    };
    let remaining_gap_t = match (planned_reduction_t, target_emissions_t) {
        (Some(p), Some(t)) => Some(
            reference_t
                .checked_sub(t)
                .and_then(|g| g.checked_sub(p))
                .ok_or_else(|| overflow("remaining gap"))?
                .normalize(),
        ),
        _ => None,
    };
    // The target year's population: the one given, else the projected one (as the target's).
    let target_population = baseline
        .spec
        .target
        .as_ref()
        .and_then(|t| t.population)
        .map(|p| Decimal::from(p.get()))
        .or_else(|| projection.as_ref().and_then(|p| p.population));
    let remaining_gap_per_capita_t =
        remaining_gap_t.zip(target_population).and_then(|(g, p)| quotient(g, p));
    if !actions.is_empty() {
        match target {
            None => warnings.push(Warning::PlanWithoutTarget),
            Some(t) if t.emissions_t.is_none() => warnings.push(Warning::PlanNeedsTargetPopulation),
            Some(_) => {}
        }
    }
    Ok(Plan {
        baseline_id: baseline.spec.id.clone(),
        target_year,
        actions: results,
        reference_t,
        reference_is_bau,
        target_emissions_t,
        planned_reduction_t,
        remaining_gap_t,
        remaining_gap_per_capita_t,
        path,
        warnings,
    })
}

/// An error of valuing an action, at its amount.
fn located(a: &Action, e: Error) -> Error {
    e.in_input(Input::Actions).at_line(a.line).in_field("amount", "")
}

/// A factor an action is valued with, and whether it is a mixed biomass cell's effective factor.
type Valued = (FactorUsed, bool);

/// The factor an action on `carrier` is valued with (see the module docs).
fn action_factor(
    baseline: &Inventory,
    release: &Release,
    overrides: &[&FactorOverride],
    a: &Action,
    carrier: Carrier,
) -> Result<Valued, Error> {
    use crate::provenance::{EfeCase, Provenance};
    let default = || -> Result<FactorUsed, Error> {
        let used =
            baseline.factors.iter().find(|f| f.carrier == carrier && f.variant == Variant::Default);
        match used {
            Some(f) => Ok(f.clone()),
            None => resolve(&baseline.spec, release, carrier, Variant::Default, overrides),
        }
    };
    if carrier == Carrier::Electricity
        && let Some((terms, efe, case)) = baseline.supply.as_ref().and_then(|s| s.electricity)
        && baseline
            .factors
            .iter()
            .any(|f| f.carrier == carrier && matches!(f.provenance, Provenance::LocalFactor { .. }))
    {
        return match case {
            EfeCase::General | EfeCase::NoConsumption => {
                Ok((resolve(&baseline.spec, release, carrier, Variant::Default, &[])?, false))
            }
            EfeCase::NetExporter if a.kind == ActionKind::LocalRenewable => {
                // d(TCE × C / L) / dL = −EFE × TCE / L: one product, one division.
                let local = terms.lpe.checked_add(terms.gep)?;
                let scaled = terms.tce.megajoules().checked_mul(efe.value());
                let f = scaled
                    .and_then(|s| quotient(s, local.megajoules()))
                    .ok_or_else(|| Error::overflow("local production factor"))?;
                let provenance =
                    Provenance::LocalFactor { formula: "EFE", case: Some(EfeCase::NetExporter) };
                let factor = crate::quantity::EmissionFactor::t_per_mwh(f)?;
                Ok((FactorUsed { carrier, variant: Variant::Default, factor, provenance }, false))
            }
            EfeCase::NetExporter => Ok((default()?, false)),
        };
    }
    let cell = baseline.cells.iter().find(|c| c.sector == a.sector && c.carrier == Some(carrier));
    if let Some(cell) = cell
        && cell.variants.contains(&Variant::NonSustainable)
    {
        let ns = baseline
            .factors
            .iter()
            .find(|f| f.carrier == carrier && f.variant == Variant::NonSustainable)
            .cloned();
        if cell.variants.len() == 1
            && let Some(f) = ns
        {
            return Ok((f, false));
        }
        if let Some(effective) = cell.factor {
            let mut f = default()?;
            f.factor = effective;
            return Ok((f, true));
        }
    }
    Ok((default()?, false))
}

type Value = (Option<Energy>, Option<Valued>, Option<Valued>, Emissions);

/// An action's energy, factors and full reduction per year.
fn value(
    a: &Action,
    factor_of: &dyn Fn(Carrier, &Action, &'static str) -> Result<Valued, Error>,
) -> Result<Value, Error> {
    let located = |e: Error| located(a, e);
    if a.kind == ActionKind::DirectReduction {
        return Ok((None, None, None, Emissions::from_tonnes(a.amount).map_err(located)?));
    }
    // `check` passed: an energy action has an energy unit and a carrier.
    let (ActivityUnit::Energy(unit), Some(carrier)) = (a.unit, a.carrier) else {
        let e = ErrorKind::ActionUnit { kind: a.kind, unit: a.unit.symbol().into() };
        return Err(Error::from(e).in_input(Input::Actions).at_line(a.line).in_field("unit", ""));
    };
    let energy = Energy::new(a.amount, unit).map_err(located)?;
    let f = factor_of(carrier, a, "carrier")?;
    let mut reduction = energy.emissions_at(f.0.factor).map_err(located)?;
    let to_factor = match (a.kind, a.to_carrier) {
        (ActionKind::FuelSwitch, Some(to)) => {
            let t = factor_of(to, a, "to_carrier")?;
            let added = energy.emissions_at(t.0.factor).map_err(located)?;
            reduction = reduction.checked_sub(added).map_err(located)?;
            Some(t)
        }
        _ => None,
    };
    Ok((Some(energy), Some(f), to_factor, reduction))
}

/// The warnings for the plan's actions concerning more energy than the baseline consumes where
/// they act: added up in input order per cell (sector, carrier) for savings and switches, and per
/// carrier (all sectors, savings and switches included) for local production; given once per
/// cell or carrier, at the action that goes beyond.
fn exceeding(results: &[ActionResult], baseline: &Inventory) -> Vec<Warning> {
    fn add<K: PartialEq>(sums: &mut Vec<(K, Energy)>, key: K, e: Energy) -> Energy {
        match sums.iter_mut().find(|(k, _)| *k == key) {
            Some((_, sum)) => {
                *sum = sum.checked_add(e).unwrap_or(*sum);
                *sum
            }
            None => {
                sums.push((key, e));
                e
            }
        }
    }
    let (mut by_cell, mut by_carrier) = (Vec::new(), Vec::new());
    let mut warned: Vec<(Option<Sector>, Carrier)> = Vec::new();
    let mut out = Vec::new();
    for r in results {
        let a = &r.action;
        let (Some(energy), Some(carrier)) = (r.energy, a.carrier) else { continue };
        let carrier_sum = add(&mut by_carrier, carrier, energy);
        let (key, sum, there) = if a.kind == ActionKind::LocalRenewable {
            let total = baseline.carriers.iter().find(|t| t.key == carrier).map(|t| t.energy);
            ((None, carrier), carrier_sum, total)
        } else {
            let cell = baseline
                .cells
                .iter()
                .find(|c| c.sector == a.sector && c.carrier == Some(carrier))
                .and_then(|c| c.energy);
            let sum = add(&mut by_cell, (a.sector, carrier), energy);
            ((Some(a.sector), carrier), sum, cell)
        };
        let there = there.unwrap_or(Energy::ZERO);
        if sum > there && !warned.contains(&key) {
            warned.push(key);
            out.push(Warning::ActionExceedsBaseline {
                action: a.id.clone(),
                kind: a.kind,
                sector: a.sector,
                carrier,
                line: a.line,
                value: sum.mwh(),
                baseline_value: there.mwh(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
