//! Inventories in the GCoM Common Reporting Framework (CRF): activity rows by GPC reference,
//! scope and fuel or activity, with emission factors per gas, computed to t CO2-eq with a GWP
//! set, with biogenic CO2 as a memo item and the BASIC, BASIC+ and eCRF totals.
//!
//! A SECAP inventory keeps its CRF *view* ([`crate::crf`]); an inventory whose `framework` is
//! `crf` is entered in the CRF itself, line by line ([`taxonomy::LINES`]). Each row is one of:
//!
//! * a **notation key** (`NO`, `NE`, `IE`, `C`) with its required explanation, and no number;
//! * **emissions entered directly**, per gas in t CO2-eq and/or as a total (the eCRF's
//!   "GHGs (metric tonnes CO2e)" columns), with biogenic CO2 in t; activity and factors given
//!   beside them are checked against them, not used;
//! * **activity × factors**: an amount in a unit ([`units::CrfUnit`]) times per-gas factors in a
//!   factor unit ([`units::FactorUnit`]): CO2, CH4 and N2O as masses of each gas (converted with
//!   the inventory's GWP set), or a total CO2-eq factor, and a biogenic CO2 factor. Without
//!   factors, a `fuel` that is a carrier code takes the factor release's: the IPCC 2006 per-gas
//!   factors of the fuel (biomass CO2 as biogenic), or for `electricity` on a scope 2 or 3 line
//!   the grid factor of the country and year (CO2-eq, the inventory's approach).
//!
//! Conversions are exact: the emissions of a row are one product of exact decimals divided once
//! by the factor unit's scale (rounded like every quotient, [`crate::quantity::quotient`]). A
//! factor per energy applied to a mass or volume of a carrier uses the release's net calorific
//! value and density.
//!
//! **Totals.** BASIC adds the lines of [`taxonomy::Level::Basic`]; BASIC+ adds those of
//! `BasicPlus` too. The **eCRF total** is the workbook's "Total Emissions (excluding generation
//! of grid-supplied energy)": every line except the generation of grid-supplied energy and other
//! scope 3 (VI.1); it includes energy industries (I.4.1–I.4.3) and non-specified sources
//! (I.6), which have no row of their own in `eCRF_2` and count in its stationary-energy total,
//! and the waste of other cities treated in the city (III.x.3), which `eCRF_2` shows as direct
//! emissions of its waste rows.

pub mod taxonomy;
pub mod units;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::country::Country;
use crate::crf::NotationKey;
use crate::error::{Error, ErrorKind, Warning};
use crate::factors::Release;
use crate::quantity::quotient;
use crate::taxonomy::{Approach, Carrier, GasBasis};

pub use taxonomy::{CrfSector, Level, Line, Scope, Subsector};
use units::{CrfUnit, Dimension, FactorUnit};

/// The GWP set of a CRF inventory that names none: AR5, which the eCRF accepts without an
/// explanation (it asks for one "if not AR4 or AR5") and the GCoM tools use by default.
pub const DEFAULT_GWP: &str = "ar5";

/// The relative tolerance of every consistency check: the eCRF template's own `SumTolerance`
/// (0.005).
pub const TOLERANCE: Decimal = Decimal::from_parts(5, 0, 0, false, 3);

/// Reads a notation key: `NO`, `NE`, `IE` or `C` (case and surrounding spaces ignored).
pub fn parse_notation_key(s: &str) -> Result<NotationKey, crate::codes::UnknownCode> {
    match s.trim().to_ascii_uppercase().as_str() {
        "NO" => Ok(NotationKey::NotOccurring),
        "NE" => Ok(NotationKey::NotEstimated),
        "IE" => Ok(NotationKey::IncludedElsewhere),
        "C" => Ok(NotationKey::Confidential),
        _ => Err(crate::codes::UnknownCode {
            what: "notation key",
            given: s.trim().to_string(),
            suggestion: None,
            valid: vec!["NO", "NE", "IE", "C"],
        }),
    }
}

/// Amounts per gas: CO2, CH4, N2O, the CO2-eq total and biogenic CO2.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Gases {
    /// CO2 (fossil).
    pub co2: Option<Decimal>,
    /// CH4.
    pub ch4: Option<Decimal>,
    /// N2O.
    pub n2o: Option<Decimal>,
    /// The CO2-eq total.
    pub co2e: Option<Decimal>,
    /// Biogenic CO2 (a memo item, never in a total).
    pub biogenic: Option<Decimal>,
}

impl Gases {
    /// Whether any amount is given.
    pub fn any(&self) -> bool {
        self.co2.is_some()
            || self.ch4.is_some()
            || self.n2o.is_some()
            || self.co2e.is_some()
            || self.biogenic.is_some()
    }

    fn per_gas(&self) -> bool {
        self.co2.is_some() || self.ch4.is_some() || self.n2o.is_some()
    }
}

/// One activity row of a CRF inventory, as entered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CrfActivity {
    /// Its line of the CRF.
    pub line: &'static Line,
    /// The fuel or activity: a carrier code (which can take the release's factors) or any text.
    pub fuel: Option<String>,
    /// The activity amount.
    pub amount: Option<Decimal>,
    /// Its unit.
    pub unit: Option<CrfUnit>,
    /// The unit of the factors.
    pub factor_unit: Option<FactorUnit>,
    /// Emission factors: masses of CO2, CH4 and N2O, a CO2-eq total, biogenic CO2, per unit.
    pub factors: Gases,
    /// Emissions entered directly: t CO2-eq per gas and in total, biogenic CO2 in t.
    pub emissions: Gases,
    /// A notation key, instead of numbers.
    pub key: Option<NotationKey>,
    /// The explanation of the notation key, or any comment.
    pub explanation: Option<String>,
    /// A description of the activity data and method.
    pub description: Option<String>,
    /// Where the activity data come from.
    pub activity_source: Option<String>,
    /// Where the factors come from.
    pub factor_source: Option<String>,
    /// The input line (batch format), when read from a file.
    pub input_line: Option<u64>,
}

impl CrfActivity {
    /// A row of a line with nothing entered yet.
    pub fn new(line: &'static Line) -> CrfActivity {
        CrfActivity {
            line,
            fuel: None,
            amount: None,
            unit: None,
            factor_unit: None,
            factors: Gases::default(),
            emissions: Gases::default(),
            key: None,
            explanation: None,
            description: None,
            activity_source: None,
            factor_source: None,
            input_line: None,
        }
    }
}

/// Where a row's emissions come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A notation key: no emissions.
    Key,
    /// Entered directly.
    Entered,
    /// Activity × the row's own factors.
    Factors,
    /// Activity × the factor release's factors.
    Release,
}

/// A computed row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CrfRowResult {
    /// The row as entered.
    pub input: CrfActivity,
    /// Where its emissions come from.
    pub origin: Origin,
    /// The factors applied (the row's, or the release's), in `factor_unit`.
    pub factors: Gases,
    /// The unit of `factors`.
    pub factor_unit: Option<String>,
    /// The source of the factors (the row's `factor_source`, or the release's set and source).
    pub factor_source: Option<String>,
    /// Emissions: t CO2-eq per gas and in total, biogenic CO2 in t (all `None` with a key).
    pub emissions: Gases,
}

impl CrfRowResult {
    /// The CO2-eq total of the row (zero for a notation key).
    pub fn total(&self) -> Decimal {
        self.emissions.co2e.unwrap_or_default()
    }
}

/// The totals of a CRF inventory, t CO2-eq (biogenic CO2 in t).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CrfTotals {
    /// GPC BASIC.
    pub basic: Decimal,
    /// GPC BASIC+.
    pub basic_plus: Decimal,
    /// The eCRF total ("Total Emissions (excluding generation of grid-supplied energy)").
    pub ecrf: Decimal,
    /// Generation of grid-supplied energy (reported apart).
    pub generation: Decimal,
    /// Other scope 3 (VI.1, reported apart).
    pub out_of_scope: Decimal,
    /// CO2 of the eCRF total's rows.
    pub co2: Decimal,
    /// CH4 of the eCRF total's rows, t CO2-eq.
    pub ch4: Decimal,
    /// N2O of the eCRF total's rows, t CO2-eq.
    pub n2o: Decimal,
    /// The part of the eCRF total's rows not split by gas (entered or computed as CO2-eq only).
    pub unsplit: Decimal,
    /// Biogenic CO2 of every row (memo).
    pub biogenic: Decimal,
}

/// A computed CRF inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CrfInventory {
    /// The GWP set used (`ar5` …).
    pub gwp: String,
    /// The rows, in input order.
    pub rows: Vec<CrfRowResult>,
    /// The totals.
    pub totals: CrfTotals,
    /// Consistency warnings (emissions entered beside activity and factors that do not match).
    pub warnings: Vec<Warning>,
}

/// What a CRF inventory is computed with.
#[derive(Clone, Copy, Debug)]
pub struct Context<'a> {
    /// The factor release.
    pub release: &'a Release,
    /// The country (for grid factors).
    pub country: Country,
    /// The inventory year.
    pub year: u16,
    /// The approach of grid factors.
    pub approach: Approach,
    /// The GWP set code; `None` for [`DEFAULT_GWP`].
    pub gwp: Option<&'a str>,
}

fn overflow(what: &str) -> Error {
    Error::overflow(what.to_string())
}

fn add(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, Error> {
    a.checked_add(b).ok_or_else(|| overflow(what))
}

fn mul(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, Error> {
    a.checked_mul(b).ok_or_else(|| overflow(what))
}

/// Whether two values differ by more than [`TOLERANCE`] of the larger.
pub fn differ(given: Decimal, computed: Decimal) -> bool {
    let diff = (given - computed).abs();
    let scale = given.abs().max(computed.abs());
    match TOLERANCE.checked_mul(scale) {
        Some(allowed) => diff > allowed,
        None => true,
    }
}

/// A located error of a row.
fn row_error(a: &CrfActivity, kind: ErrorKind, field: &'static str) -> Error {
    Error::from(kind)
        .in_input(crate::error::Input::CrfActivity)
        .at_line(a.input_line)
        .in_field(field, "")
}

/// Computes a CRF inventory: every row's emissions and the totals. All row errors are returned
/// at once.
pub fn compute(rows: &[CrfActivity], ctx: Context<'_>) -> Result<CrfInventory, Vec<Error>> {
    let code = ctx.gwp.unwrap_or(DEFAULT_GWP);
    let gwp =
        ctx.release.gwp().iter().find(|g| g.code.eq_ignore_ascii_case(code)).ok_or_else(|| {
            vec![Error::from(ErrorKind::UnknownGwp {
                given: code.to_string(),
                available: ctx.release.gwp().iter().map(|x| x.code.clone()).collect(),
            })]
        })?;
    let gwp_pair = (gwp.ch4, gwp.n2o);
    let mut out = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for a in rows {
        match row(a, ctx, gwp_pair, &mut warnings) {
            Ok(r) => out.push(r),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let totals = totals(&out).map_err(|e| vec![e])?;
    Ok(CrfInventory { gwp: gwp.code.clone(), rows: out, totals, warnings })
}

fn row(
    a: &CrfActivity,
    ctx: Context<'_>,
    gwp: (Decimal, Decimal),
    warnings: &mut Vec<Warning>,
) -> Result<CrfRowResult, Error> {
    let has_activity = a.amount.is_some();
    if let Some(key) = a.key {
        if has_activity || a.factors.any() || a.emissions.any() {
            return Err(row_error(
                a,
                ErrorKind::CrfKeyWithValue { key: key.code() },
                "notation_key",
            ));
        }
        if a.explanation.as_deref().is_none_or(|e| e.trim().is_empty()) {
            return Err(row_error(
                a,
                ErrorKind::CrfKeyNeedsExplanation { key: key.code() },
                "explanation",
            ));
        }
        return Ok(CrfRowResult {
            input: a.clone(),
            origin: Origin::Key,
            factors: Gases::default(),
            factor_unit: None,
            factor_source: None,
            emissions: Gases::default(),
        });
    }
    if a.factors.any() && !has_activity {
        return Err(row_error(a, ErrorKind::CrfFactorWithoutActivity, "amount"));
    }
    if has_activity && a.unit.is_none() {
        return Err(row_error(a, ErrorKind::CrfUnitRequired, "unit"));
    }
    if a.factors.any() && a.factor_unit.is_none() {
        return Err(row_error(a, ErrorKind::CrfUnitRequired, "factor_unit"));
    }
    // Activity × factors, where there are factors (the row's or the release's).
    let computed = if has_activity && (a.factors.any() || !a.emissions.any()) {
        Some(from_activity(a, ctx, gwp)?)
    } else {
        None
    };
    if a.emissions.any() {
        let e = entered(a)?;
        if let Some(total) = a.emissions.co2e
            && a.emissions.per_gas()
        {
            let sum = per_gas_sum(&a.emissions)?;
            if differ(total, sum) {
                warnings.push(mismatch(a, "total_vs_gases", total, sum));
            }
        }
        if let Some((c, _)) = &computed
            && let (Some(given), Some(calc)) = (e.co2e, c.emissions.co2e)
            && differ(given, calc)
        {
            warnings.push(mismatch(a, "emissions_vs_activity", given, calc));
        }
        let (factors, factor_unit, factor_source) = match computed {
            Some((c, _)) => (c.factors, c.factor_unit, c.factor_source),
            None => (
                a.factors,
                a.factor_unit.as_ref().map(|u| u.text().to_string()),
                a.factor_source.clone(),
            ),
        };
        return Ok(CrfRowResult {
            input: a.clone(),
            origin: Origin::Entered,
            factors,
            factor_unit,
            factor_source,
            emissions: e,
        });
    }
    match computed {
        Some((mut r, co2e_check)) => {
            if let Some((given, calc)) = co2e_check
                && differ(given, calc)
            {
                warnings.push(mismatch(a, "factor_vs_gases", given, calc));
            }
            r.input = a.clone();
            Ok(r)
        }
        None => Err(row_error(a, ErrorKind::CrfNoData, "amount")),
    }
}

fn mismatch(a: &CrfActivity, what: &'static str, given: Decimal, computed: Decimal) -> Warning {
    Warning::CrfMismatch { what, given, computed, line: a.input_line }
}

fn per_gas_sum(g: &Gases) -> Result<Decimal, Error> {
    let s = add(g.co2.unwrap_or_default(), g.ch4.unwrap_or_default(), "emissions")?;
    add(s, g.n2o.unwrap_or_default(), "emissions")
}

/// Emissions entered directly: the total is the given total, or the sum of the gases.
fn entered(a: &CrfActivity) -> Result<Gases, Error> {
    let mut e = a.emissions;
    for (v, f) in [
        (e.co2, "co2_tco2e"),
        (e.ch4, "ch4_tco2e"),
        (e.n2o, "n2o_tco2e"),
        (e.co2e, "total_tco2e"),
        (e.biogenic, "biogenic_co2_t"),
    ] {
        if let Some(v) = v
            && v.is_sign_negative()
            && !v.is_zero()
        {
            return Err(row_error(a, ErrorKind::NegativeAmount { value: v }, f));
        }
    }
    if e.co2e.is_none() && e.per_gas() {
        e.co2e = Some(per_gas_sum(&e)?);
    }
    if e.co2e.is_none() {
        // Only biogenic CO2: nothing in the totals.
        e.co2e = Some(Decimal::ZERO);
    }
    Ok(e)
}

/// How many of the factor unit's denominator are in the row's amount, as a fraction
/// `numerator / denominator` of exact decimals (the division is left to the caller).
fn amount_in(
    a: &CrfActivity,
    unit: &CrfUnit,
    per: &CrfUnit,
    ctx: Context<'_>,
) -> Result<(Decimal, Decimal), Error> {
    let amount = a.amount.unwrap_or_default();
    let base = mul(amount, unit.scale(), "activity")?;
    if unit.dimension() == per.dimension() {
        return Ok((base, per.scale()));
    }
    // A fuel quantity against a factor per energy (or per mass), with the release's fuel
    // properties: MJ = kg × NCV (GJ/t = MJ/kg); kg = L × density (kg/L).
    let carrier = a.fuel.as_deref().and_then(|f| Carrier::parse_code(f).ok());
    let props = ctx.release.properties();
    let ncv = carrier.and_then(|c| props.ncv(c)).map(|p| p.value);
    let density = carrier.and_then(|c| props.density(c)).map(|p| p.value);
    let (num, den) = match (unit.dimension(), per.dimension(), ncv, density) {
        (Dimension::Mass, Dimension::Energy, Some(n), _) => {
            (mul(base, n, "activity")?, Decimal::ONE)
        }
        (Dimension::Volume, Dimension::Energy, Some(n), Some(d)) => {
            (mul(mul(base, d, "activity")?, n, "activity")?, Decimal::ONE)
        }
        (Dimension::Volume, Dimension::Mass, _, Some(d)) => {
            (mul(base, d, "activity")?, Decimal::ONE)
        }
        (Dimension::Energy, Dimension::Mass, Some(n), _) => (base, n),
        (Dimension::Mass, Dimension::Volume, _, Some(d)) => (base, d),
        (Dimension::Energy, Dimension::Volume, Some(n), Some(d)) => (base, mul(n, d, "activity")?),
        _ => {
            return Err(row_error(
                a,
                ErrorKind::CrfUnitMismatch {
                    unit: unit.symbol().to_string(),
                    per: per.symbol().to_string(),
                },
                "factor_unit",
            ));
        }
    };
    Ok((num, mul(den, per.scale(), "activity")?))
}

type Computed = (CrfRowResult, Option<(Decimal, Decimal)>);

/// Activity × factors: the row's own, or the release's.
fn from_activity(
    a: &CrfActivity,
    ctx: Context<'_>,
    gwp: (Decimal, Decimal),
) -> Result<Computed, Error> {
    let unit = a.unit.as_ref().ok_or_else(|| row_error(a, ErrorKind::CrfUnitRequired, "unit"))?;
    let (factors, factor_unit, source, origin) = if a.factors.any() {
        let fu = a
            .factor_unit
            .clone()
            .ok_or_else(|| row_error(a, ErrorKind::CrfUnitRequired, "factor_unit"))?;
        (a.factors, fu, a.factor_source.clone(), Origin::Factors)
    } else {
        let (g, fu, src) = release_factors(a, ctx)?;
        (g, fu, Some(src), Origin::Release)
    };
    let (num, den) = amount_in(a, unit, factor_unit.per(), ctx)?;
    // t CO2-eq of a gas = amount (in the factor's unit) × factor × tonnes per numerator unit ×
    // GWP: one product of exact decimals, divided once (so that a quotient that does not
    // terminate is rounded once, to 15 places, and the sums of rows stay exact).
    let tonnes = |f: Option<Decimal>, gwp: Decimal| -> Result<Option<Decimal>, Error> {
        match f {
            None => Ok(None),
            Some(f) => {
                if f.is_sign_negative() && !f.is_zero() {
                    return Err(row_error(a, ErrorKind::NegativeFactor { value: f }, "factor"));
                }
                let n = mul(mul(num, f, "emissions")?, factor_unit.tonnes(), "emissions")?;
                let n = mul(n, gwp, "emissions")?;
                quotient(n, den).map(|q| Some(q.normalize())).ok_or_else(|| overflow("emissions"))
            }
        }
    };
    let co2 = tonnes(factors.co2, Decimal::ONE)?;
    let ch4 = tonnes(factors.ch4, gwp.0)?;
    let n2o = tonnes(factors.n2o, gwp.1)?;
    let biogenic = tonnes(factors.biogenic, Decimal::ONE)?;
    let by_gases = Gases { co2, ch4, n2o, co2e: None, biogenic };
    let mut check = None;
    let total = if by_gases.per_gas() {
        let sum = per_gas_sum(&by_gases)?.normalize();
        if let Some(t) = tonnes(factors.co2e, Decimal::ONE)? {
            check = Some((t, sum));
        }
        sum
    } else if let Some(t) = tonnes(factors.co2e, Decimal::ONE)? {
        t
    } else {
        Decimal::ZERO
    };
    let factor_unit_text = factor_unit.text().to_string();
    Ok((
        CrfRowResult {
            input: a.clone(),
            origin,
            factors,
            factor_unit: Some(factor_unit_text),
            factor_source: source,
            emissions: Gases { co2e: Some(total), ..by_gases },
        },
        check,
    ))
}

/// The release's factors for a row's fuel: per gas for fuels (kg/TJ), the grid factor for
/// electricity.
fn release_factors(
    a: &CrfActivity,
    ctx: Context<'_>,
) -> Result<(Gases, FactorUnit, String), Error> {
    let fuel = a.fuel.as_deref().unwrap_or("");
    let no_factor = |reason: &'static str| {
        row_error(a, ErrorKind::CrfNoFactor { fuel: fuel.to_string(), reason }, "fuel")
    };
    let Ok(carrier) = Carrier::parse_code(fuel) else {
        return Err(no_factor("not_a_carrier"));
    };
    match carrier {
        Carrier::Electricity => {
            if a.line.scope == Scope::S1 {
                return Err(no_factor("electricity_direct"));
            }
            let (set, rec) = ctx
                .release
                .factor(carrier, ctx.country, ctx.year, ctx.approach, GasBasis::Co2e)
                .ok_or_else(|| no_factor("no_grid_factor"))?;
            let fu = FactorUnit::parse("t/MWh").ok_or_else(|| no_factor("no_grid_factor"))?;
            let g = Gases { co2e: Some(rec.factor.value()), ..Gases::default() };
            let flag = if set.is_com() { "" } else { " (not a CoM factor)" };
            Ok((g, fu, format!("{} {}{flag}", set.id(), rec.source)))
        }
        Carrier::HeatCold => Err(no_factor("district_heat")),
        _ => {
            let set = ctx.release.per_gas().ok_or_else(|| no_factor("no_per_gas"))?;
            let f = set.get(carrier).ok_or_else(|| no_factor("no_per_gas"))?;
            let fu = FactorUnit::parse("kg/TJ").ok_or_else(|| no_factor("no_per_gas"))?;
            let g = if f.biogenic {
                Gases {
                    co2: None,
                    ch4: Some(f.ch4),
                    n2o: Some(f.n2o),
                    co2e: None,
                    biogenic: Some(f.co2),
                }
            } else {
                Gases {
                    co2: Some(f.co2),
                    ch4: Some(f.ch4),
                    n2o: Some(f.n2o),
                    co2e: None,
                    biogenic: None,
                }
            };
            Ok((g, fu, set.id().to_string()))
        }
    }
}

fn totals(rows: &[CrfRowResult]) -> Result<CrfTotals, Error> {
    let mut t = CrfTotals::default();
    for r in rows {
        let v = r.total();
        let line = r.input.line;
        t.biogenic = add(t.biogenic, r.emissions.biogenic.unwrap_or_default(), "biogenic CO2")?;
        match line.subsector.sector() {
            CrfSector::Generation => {
                t.generation = add(t.generation, v, "generation")?;
                continue;
            }
            CrfSector::OutOfScope => {
                t.out_of_scope = add(t.out_of_scope, v, "other scope 3")?;
                continue;
            }
            _ => {}
        }
        t.ecrf = add(t.ecrf, v, "total")?;
        if r.emissions.per_gas() {
            t.co2 = add(t.co2, r.emissions.co2.unwrap_or_default(), "CO2")?;
            t.ch4 = add(t.ch4, r.emissions.ch4.unwrap_or_default(), "CH4")?;
            t.n2o = add(t.n2o, r.emissions.n2o.unwrap_or_default(), "N2O")?;
            let rest =
                v.checked_sub(per_gas_sum(&r.emissions)?).ok_or_else(|| overflow("total"))?;
            t.unsplit = add(t.unsplit, rest, "total")?;
        } else {
            t.unsplit = add(t.unsplit, v, "total")?;
        }
        match line.level {
            Level::Basic => {
                t.basic = add(t.basic, v, "BASIC")?;
                t.basic_plus = add(t.basic_plus, v, "BASIC+")?;
            }
            Level::BasicPlus => t.basic_plus = add(t.basic_plus, v, "BASIC+")?,
            Level::None => {}
        }
    }
    Ok(t)
}

/// A cell of the summary table (`eCRF_2`): a row (template row 4–33) and a scope column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SummaryCell {
    /// The `eCRF_2` row.
    pub row: u32,
    /// The column.
    pub scope: Scope,
    /// The emissions, t CO2-eq, when any row has numbers.
    pub value: Option<Decimal>,
    /// The notation key, when no row has numbers and rows give keys (joined with " / " when
    /// they differ, as the template's fugitive row does).
    pub keys: Vec<NotationKey>,
}

/// The `eCRF_2` row a line adds into (`None`: energy industries, non-specified sources and other
/// scope 3, which have no row of their own).
pub const fn summary_row(line: &Line) -> Option<u32> {
    use Subsector::*;
    Some(match line.subsector {
        Residential => 4,
        CommercialInstitutional => 5,
        Industrial => 7,
        Agriculture => 8,
        Fugitive => 9,
        OnRoad => 11,
        Rail => 12,
        Waterborne => 13,
        Aviation => 14,
        OffRoad => 15,
        SolidWaste => 17,
        BiologicalTreatment => 18,
        Incineration => 19,
        Wastewater => 20,
        IndustrialProcesses => 22,
        ProductUse => 23,
        Livestock => 25,
        LandUse => 26,
        OtherAfolu => 27,
        ElectricityGeneration => 29,
        ChpGeneration => 30,
        HeatColdGeneration => 31,
        LocalRenewableGeneration => 32,
        EnergyIndustries | NonSpecified | OutOfScope => return None,
    })
}

/// A sub-sector row of `eCRF_2`: its row, CRF sector, sub-sector label and GPC reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SummaryLine {
    /// The template row (4–32).
    pub row: u32,
    /// The CRF sector.
    pub sector: CrfSector,
    /// The sub-sector label, as `eCRF_2` writes it after "Sector > ".
    pub label: &'static str,
    /// The GPC reference it stands for (empty for the generation rows).
    pub gpc: &'static str,
}

const fn sl(row: u32, sector: CrfSector, label: &'static str, gpc: &'static str) -> SummaryLine {
    SummaryLine { row, sector, label, gpc }
}

/// The sub-sector rows of `eCRF_2`, in order (the total rows are [`total_row`]).
pub const SUMMARY_LINES: [SummaryLine; 24] = [
    sl(4, CrfSector::StationaryEnergy, "Residential buildings", "I.1"),
    sl(5, CrfSector::StationaryEnergy, "Commercial buildings & facilities", "I.2"),
    sl(6, CrfSector::StationaryEnergy, "Institutional buildings & facilities", "I.2"),
    sl(7, CrfSector::StationaryEnergy, "Industrial buildings & facilities", "I.3"),
    sl(8, CrfSector::StationaryEnergy, "Agriculture", "I.5"),
    sl(9, CrfSector::StationaryEnergy, "Fugitive emissions", "I.7; I.8"),
    sl(11, CrfSector::Transportation, "On-road", "II.1"),
    sl(12, CrfSector::Transportation, "Rail", "II.2"),
    sl(13, CrfSector::Transportation, "Waterborne navigation", "II.3"),
    sl(14, CrfSector::Transportation, "Aviation", "II.4"),
    sl(15, CrfSector::Transportation, "Off-road", "II.5"),
    sl(17, CrfSector::Waste, "Solid waste disposal", "III.1"),
    sl(18, CrfSector::Waste, "Biological treatment", "III.2"),
    sl(19, CrfSector::Waste, "Incineration and open burning", "III.3"),
    sl(20, CrfSector::Waste, "Wastewater", "III.4"),
    sl(22, CrfSector::Ippu, "Industrial process", "IV.1"),
    sl(23, CrfSector::Ippu, "Produce Use", "IV.2"),
    sl(25, CrfSector::Afolu, "Livestock", "V.1"),
    sl(26, CrfSector::Afolu, "Land use", "V.2"),
    sl(27, CrfSector::Afolu, "Other AFOLU", "V.3"),
    sl(29, CrfSector::Generation, "Electricity-only generation", "I.4.4"),
    sl(30, CrfSector::Generation, "CHP generation", "I.4.4"),
    sl(31, CrfSector::Generation, "Heat/cold generation", "I.4.4"),
    sl(32, CrfSector::Generation, "Local renewable generation", "I.4.4"),
];

/// The `eCRF_2` total row of a sector.
pub const fn total_row(sector: CrfSector) -> Option<u32> {
    match sector {
        CrfSector::StationaryEnergy => Some(10),
        CrfSector::Transportation => Some(16),
        CrfSector::Waste => Some(21),
        CrfSector::Ippu => Some(24),
        CrfSector::Afolu => Some(28),
        CrfSector::Generation => Some(33),
        CrfSector::OutOfScope => None,
    }
}

impl CrfInventory {
    /// The values of `eCRF_2`: for each row (4–34) and scope, the sum of the lines that add
    /// into it, or the notation keys of its lines when none has numbers. Total rows (10, 16,
    /// 21, 24, 28, 33) add every line of their sector; row 34 adds every sector but the
    /// generation of grid-supplied energy.
    pub fn summary(&self) -> Result<Vec<SummaryCell>, Error> {
        let mut cells: Vec<SummaryCell> = Vec::new();
        let mut put = |row: u32, scope: Scope, r: &CrfRowResult| -> Result<(), Error> {
            let i = match cells.iter().position(|c| c.row == row && c.scope == scope) {
                Some(i) => i,
                None => {
                    cells.push(SummaryCell { row, scope, value: None, keys: Vec::new() });
                    cells.len() - 1
                }
            };
            let c = &mut cells[i];
            match (r.origin, r.input.key) {
                (Origin::Key, Some(k)) => {
                    if !c.keys.contains(&k) {
                        c.keys.push(k);
                    }
                }
                _ => c.value = Some(add(c.value.unwrap_or_default(), r.total(), "eCRF_2")?),
            }
            Ok(())
        };
        for r in &self.rows {
            let line = r.input.line;
            let sector = line.subsector.sector();
            if let Some(row) = summary_row(line) {
                put(row, line.scope, r)?;
            }
            if let Some(row) = total_row(sector) {
                put(row, line.scope, r)?;
            }
            if !matches!(sector, CrfSector::Generation | CrfSector::OutOfScope) {
                put(34, line.scope, r)?;
            }
        }
        cells.sort_by_key(|c| (c.row, c.scope));
        Ok(cells)
    }
}

#[cfg(test)]
mod tests;
