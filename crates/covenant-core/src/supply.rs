//! Local energy supply (SECAP Tables C and D): the local emission factors for electricity (EFE)
//! and heat/cold (EFH), and the allocation of a CHP plant's emissions.
//!
//! * **EFE** (technical annex to the SEAP template instructions):
//!   `EFE = [(TCE − LPE − GEP) × NEEFE + CO2LPE + CO2GEP] / TCE`. When local production plus green
//!   purchases exceed consumption (`LPE + GEP > TCE`, the annex's condition, not EcoGIS's
//!   "formula < 0"), `EFE = (CO2LPE + CO2GEP) / (LPE + GEP)`. Without electricity consumption
//!   (`TCE = 0`) no factor is needed and the national factor is reported.
//! * **EFH** (2010 guidebook): `EFH = (CO2LPH + CO2IH − CO2EH) / LHC`.
//! * **CHP**, by the efficiency method: the heat share of the plant's emissions is
//!   `(H/η_h) / (H/η_h + E/η_e) = H·η_e / (H·η_e + E·η_h)`, and electricity gets the rest, so the
//!   two parts add up exactly to the plant's total. The reference efficiencies η_h = 0.90 and
//!   η_e = 0.40 are the project's reading of the 2010 guidebook (unverified there, methodology
//!   §4.6 and methodology-2 §3.2); they are parameters of every inventory.

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, ErrorKind, Input, Result, Warning};
pub use crate::provenance::EfeCase;
use crate::provenance::{FactorUsed, Provenance};
use crate::quantity::{ActivityUnit, EmissionFactor, Emissions, Energy, quotient};
use crate::taxonomy::Carrier;

/// What a supply row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SupplyItem {
    /// Local electricity production (Table C: wind, hydro, PV, other).
    ElectricityProduction,
    /// Local heat/cold production (Table D: district heating plants, other).
    HeatProduction,
    /// A combined heat and power plant (Tables C and D).
    Chp,
    /// Certified green electricity purchased by the local authority.
    GreenPurchase,
    /// Heat imported from outside the territory.
    HeatImport,
    /// Heat exported outside the territory.
    HeatExport,
}

impl SupplyItem {
    /// Every item, with its code.
    pub const ALL: &'static [(SupplyItem, &'static str)] = &[
        (SupplyItem::ElectricityProduction, "electricity_production"),
        (SupplyItem::HeatProduction, "heat_production"),
        (SupplyItem::Chp, "chp"),
        (SupplyItem::GreenPurchase, "green_purchase"),
        (SupplyItem::HeatImport, "heat_import"),
        (SupplyItem::HeatExport, "heat_export"),
    ];

    /// Parses a code.
    pub fn parse(s: &str) -> std::result::Result<SupplyItem, crate::codes::UnknownCode> {
        let t = s.trim();
        Self::ALL.iter().find(|(_, c)| *c == t).map(|(i, _)| *i).ok_or_else(|| {
            crate::codes::UnknownCode {
                what: "item",
                given: t.to_string(),
                suggestion: crate::codes::nearest(t, Self::ALL.iter().map(|(_, c)| *c)),
                valid: Self::ALL.iter().map(|(_, c)| *c).collect(),
            }
        })
    }

    /// The code.
    pub fn code(self) -> &'static str {
        Self::ALL.iter().find(|(i, _)| *i == self).map_or("", |(_, c)| c)
    }
}

/// The reference efficiencies of separate production used to split CHP emissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ChpEfficiencies {
    /// Heat (η_h).
    pub heat: Decimal,
    /// Electricity (η_e).
    pub electricity: Decimal,
}

impl ChpEfficiencies {
    /// η_h = 0.90, η_e = 0.40: the project's reading of the 2010 guidebook (see the module docs).
    pub const GUIDEBOOK_2010: ChpEfficiencies = ChpEfficiencies {
        heat: Decimal::from_parts(90, 0, 0, false, 2),
        electricity: Decimal::from_parts(40, 0, 0, false, 2),
    };
}

/// A CHP plant's emissions split between heat and electricity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ChpSplit {
    /// The heat share of the emissions.
    pub heat_share: Decimal,
    /// Emissions allocated to heat (CO2_CHP,H).
    pub heat: Emissions,
    /// Emissions allocated to electricity (CO2_CHP,E).
    pub electricity: Emissions,
}

/// Splits a CHP plant's emissions by the efficiency method; the parts add up to the total.
pub fn chp_allocation(
    total: Emissions,
    heat: Energy,
    electricity: Energy,
    eta: ChpEfficiencies,
) -> Result<ChpSplit> {
    if eta.heat <= Decimal::ZERO
        || eta.electricity <= Decimal::ZERO
        || eta.heat > Decimal::ONE
        || eta.electricity > Decimal::ONE
    {
        return Err(
            ErrorKind::ChpEfficiency { heat: eta.heat, electricity: eta.electricity }.into()
        );
    }
    let overflow = || Error::overflow("CHP allocation");
    let h = heat.megajoules().checked_mul(eta.electricity).ok_or_else(overflow)?;
    let e = electricity.megajoules().checked_mul(eta.heat).ok_or_else(overflow)?;
    let denominator = h.checked_add(e).ok_or_else(overflow)?;
    // Both terms are ≥ 0, so the share is at most 1: the quotient cannot overflow.
    let heat_share = quotient(h, denominator).unwrap_or(Decimal::ZERO);
    let heat_part = total.checked_scale(heat_share)?;
    // Electricity gets exactly the rest.
    let electricity_part = total.checked_sub(heat_part)?;
    Ok(ChpSplit { heat_share, heat: heat_part, electricity: electricity_part })
}

/// The terms of the EFE formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ElectricityTerms {
    /// Total electricity consumption (Table A).
    pub tce: Energy,
    /// Local electricity production (Table C).
    pub lpe: Energy,
    /// Green electricity purchases.
    pub gep: Energy,
    /// The national (or European) factor; not needed in the net-exporter case.
    pub neefe: Option<EmissionFactor>,
    /// Emissions of local electricity production.
    pub co2_lpe: Emissions,
    /// Emissions of the green electricity purchased.
    pub co2_gep: Emissions,
}

/// The local electricity factor and the branch that gave it.
pub fn local_electricity_factor(t: &ElectricityTerms) -> Result<(EmissionFactor, EfeCase)> {
    let missing = || Error::from(ErrorKind::NationalFactorRequired);
    if t.tce.megajoules().is_zero() {
        return Ok((t.neefe.ok_or_else(missing)?, EfeCase::NoConsumption));
    }
    let local = t.lpe.checked_add(t.gep)?;
    let co2_local = t.co2_lpe.checked_add(t.co2_gep)?;
    if local > t.tce {
        let f = EmissionFactor::ratio(co2_local, local).ok_or_else(|| Error::overflow("EFE"))?;
        return Ok((f, EfeCase::NetExporter));
    }
    let rest = t.tce.megajoules().checked_sub(local.megajoules());
    let rest = Energy::from_megajoules(rest.ok_or_else(|| Error::overflow("EFE"))?);
    let grid = rest.emissions_at(t.neefe.ok_or_else(missing)?)?;
    let f = EmissionFactor::ratio(grid.checked_add(co2_local)?, t.tce)
        .ok_or_else(|| Error::overflow("EFE"))?;
    Ok((f, EfeCase::General))
}

/// The terms of the EFH formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct HeatTerms {
    /// Local heat/cold consumption (Table A).
    pub lhc: Energy,
    /// Emissions of local heat production (Table D).
    pub co2_lph: Emissions,
    /// Emissions of heat imported.
    pub co2_ih: Emissions,
    /// Emissions of heat exported.
    pub co2_eh: Emissions,
}

/// The local heat/cold factor.
pub fn local_heat_factor(t: &HeatTerms) -> Result<EmissionFactor> {
    if t.lhc.megajoules().is_zero() {
        return Err(ErrorKind::HeatConsumptionRequired.into());
    }
    let numerator = t.co2_lph.checked_add(t.co2_ih)?.checked_sub(t.co2_eh)?;
    if numerator.cmp_exact(&Emissions::ZERO).is_lt() {
        return Err(ErrorKind::NegativeHeatFactor { exported_t: t.co2_eh.tonnes() }.into());
    }
    EmissionFactor::ratio(numerator, t.lhc).ok_or_else(|| Error::overflow("EFH"))
}

/// One row of local supply, as read from the supply file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SupplyRow {
    /// What the row is.
    pub item: SupplyItem,
    /// A label (wind, PV, district heating plant …).
    pub plant: Option<String>,
    /// Electricity produced or purchased.
    pub electricity: Option<Energy>,
    /// Heat produced, imported or exported.
    pub heat: Option<Energy>,
    /// The plant's fuel input: carrier, amount and unit.
    pub fuel: Option<(Carrier, Decimal, ActivityUnit)>,
    /// Emissions given directly (measured, or a life-cycle figure), t.
    pub emissions_t: Option<Decimal>,
    /// The input line.
    pub line: Option<u64>,
}

/// A supply row with its emissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SupplyResult {
    /// The row.
    pub row: SupplyRow,
    /// The fuel input as energy.
    pub fuel_energy: Option<Energy>,
    /// The row's emissions (fuel input × the fuel's factor, or as given).
    pub emissions: Emissions,
    /// For a CHP plant: the split between heat and electricity.
    pub chp: Option<ChpSplit>,
}

/// The local energy supply of an inventory and the factors derived from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LocalSupply {
    /// Every row with its emissions.
    pub rows: Vec<SupplyResult>,
    /// The CHP reference efficiencies used.
    pub chp_efficiencies: ChpEfficiencies,
    /// The EFE terms, the factor and its branch (when the rows concern electricity and the
    /// user gave no electricity factor).
    pub electricity: Option<(ElectricityTerms, EmissionFactor, EfeCase)>,
    /// The EFH terms and the factor (when the rows concern heat, heat is consumed and the user
    /// gave no heat factor).
    pub heat: Option<(HeatTerms, EmissionFactor)>,
}

/// Computes the supply rows' emissions and the local factors.
///
/// `fuel_factor` gives the factor of a plant's fuel (as for consumption); `overridden` says
/// whether the user gave a factor for a carrier (which then wins over a local factor); `neefe` is
/// the release's national electricity factor, if it has one.
#[allow(clippy::too_many_arguments)]
pub(crate) fn compute_local(
    rows: &[(SupplyRow, Option<(Carrier, Energy)>)],
    eta: ChpEfficiencies,
    tce: Energy,
    lhc: Energy,
    fuel_factor: impl Fn(Carrier) -> Result<EmissionFactor>,
    overridden: impl Fn(Carrier) -> bool,
    neefe: Option<EmissionFactor>,
    warnings: &mut Vec<Warning>,
) -> std::result::Result<(LocalSupply, Vec<FactorUsed>), Vec<Error>> {
    let problem = |line: Option<u64>, column: &'static str, e: Error| {
        e.in_input(Input::Supply).at_line(line).in_field(column, "")
    };
    let mut problems = Vec::new();
    let mut results = Vec::new();
    let mut e_terms = ElectricityTerms {
        tce,
        lpe: Energy::ZERO,
        gep: Energy::ZERO,
        neefe,
        co2_lpe: Emissions::ZERO,
        co2_gep: Emissions::ZERO,
    };
    let mut h_terms = HeatTerms {
        lhc,
        co2_lph: Emissions::ZERO,
        co2_ih: Emissions::ZERO,
        co2_eh: Emissions::ZERO,
    };
    let (mut electricity_rows, mut heat_rows) = (false, false);
    for (row, fuel) in rows {
        let step = || -> Result<SupplyResult> {
            let emissions = match (row.emissions_t, fuel) {
                (Some(t), _) => Emissions::from_tonnes(t)?,
                (None, Some((carrier, energy))) => energy.emissions_at(fuel_factor(*carrier)?)?,
                (None, None) => Emissions::ZERO,
            };
            Ok(SupplyResult {
                row: row.clone(),
                fuel_energy: fuel.map(|(_, e)| e),
                emissions,
                chp: None,
            })
        };
        let mut r = match step() {
            Ok(r) => r,
            Err(e) => {
                let column = if row.fuel.is_some() { "carrier" } else { "emissions_t" };
                problems.push(problem(row.line, column, e));
                continue;
            }
        };
        let zero = Energy::ZERO;
        let added = (|| -> Result<()> {
            match row.item {
                SupplyItem::ElectricityProduction => {
                    electricity_rows = true;
                    e_terms.lpe = e_terms.lpe.checked_add(row.electricity.unwrap_or(zero))?;
                    e_terms.co2_lpe = e_terms.co2_lpe.checked_add(r.emissions)?;
                }
                SupplyItem::Chp => {
                    electricity_rows = true;
                    heat_rows = true;
                    let split = chp_allocation(
                        r.emissions,
                        row.heat.unwrap_or(zero),
                        row.electricity.unwrap_or(zero),
                        eta,
                    )?;
                    e_terms.lpe = e_terms.lpe.checked_add(row.electricity.unwrap_or(zero))?;
                    e_terms.co2_lpe = e_terms.co2_lpe.checked_add(split.electricity)?;
                    h_terms.co2_lph = h_terms.co2_lph.checked_add(split.heat)?;
                    r.chp = Some(split);
                }
                SupplyItem::GreenPurchase => {
                    electricity_rows = true;
                    e_terms.gep = e_terms.gep.checked_add(row.electricity.unwrap_or(zero))?;
                    e_terms.co2_gep = e_terms.co2_gep.checked_add(r.emissions)?;
                }
                SupplyItem::HeatProduction => {
                    heat_rows = true;
                    h_terms.co2_lph = h_terms.co2_lph.checked_add(r.emissions)?;
                }
                SupplyItem::HeatImport => {
                    heat_rows = true;
                    h_terms.co2_ih = h_terms.co2_ih.checked_add(r.emissions)?;
                }
                SupplyItem::HeatExport => {
                    heat_rows = true;
                    h_terms.co2_eh = h_terms.co2_eh.checked_add(r.emissions)?;
                }
            }
            Ok(())
        })();
        if let Err(e) = added {
            problems.push(problem(row.line, "item", e));
        }
        results.push(r);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let first_line = |heat: bool| {
        rows.iter()
            .find(|(r, _)| {
                let h = matches!(
                    r.item,
                    SupplyItem::HeatProduction
                        | SupplyItem::HeatImport
                        | SupplyItem::HeatExport
                        | SupplyItem::Chp
                );
                let e = matches!(
                    r.item,
                    SupplyItem::ElectricityProduction | SupplyItem::GreenPurchase | SupplyItem::Chp
                );
                if heat { h } else { e }
            })
            .and_then(|(r, _)| r.line)
    };
    let mut factors = Vec::new();
    let mut electricity = None;
    if electricity_rows {
        if overridden(Carrier::Electricity) {
            warnings.push(Warning::LocalFactorOverridden { carrier: Carrier::Electricity });
        } else if !tce.megajoules().is_zero() {
            let (f, case) = local_electricity_factor(&e_terms)
                .map_err(|e| vec![problem(first_line(false), "item", e)])?;
            factors.push(FactorUsed {
                carrier: Carrier::Electricity,
                variant: Default::default(),
                factor: f,
                provenance: Provenance::LocalFactor { formula: "EFE", case: Some(case) },
            });
            electricity = Some((e_terms, f, case));
        }
    }
    let mut heat = None;
    if heat_rows {
        if overridden(Carrier::HeatCold) {
            warnings.push(Warning::LocalFactorOverridden { carrier: Carrier::HeatCold });
        } else if lhc.megajoules().is_zero() {
            warnings.push(Warning::HeatSupplyUnused);
        } else {
            let f = local_heat_factor(&h_terms)
                .map_err(|e| vec![problem(first_line(true), "item", e)])?;
            factors.push(FactorUsed {
                carrier: Carrier::HeatCold,
                variant: Default::default(),
                factor: f,
                provenance: Provenance::LocalFactor { formula: "EFH", case: None },
            });
            heat = Some((h_terms, f));
        }
    }
    Ok((LocalSupply { rows: results, chp_efficiencies: eta, electricity, heat }, factors))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn mwh(v: Decimal) -> Energy {
        Energy::from_mwh(v).unwrap()
    }
    fn t(v: Decimal) -> Emissions {
        Emissions::from_tonnes(v).unwrap()
    }
    fn f(v: Decimal) -> Option<EmissionFactor> {
        Some(EmissionFactor::t_per_mwh(v).unwrap())
    }
    fn terms(
        tce: Decimal,
        lpe: Decimal,
        gep: Decimal,
        neefe: Decimal,
        co2_lpe: Decimal,
    ) -> ElectricityTerms {
        ElectricityTerms {
            tce: mwh(tce),
            lpe: mwh(lpe),
            gep: mwh(gep),
            neefe: f(neefe),
            co2_lpe: t(co2_lpe),
            co2_gep: Emissions::ZERO,
        }
    }

    #[test]
    fn efe_cases_from_the_methodology() {
        // T1: (85 000 × 0.4) / 100 000 = 0.34.
        assert_eq!(
            local_electricity_factor(&terms(
                dec!(100000),
                dec!(5000),
                dec!(10000),
                dec!(0.4),
                dec!(0)
            ))
            .unwrap(),
            (EmissionFactor::t_per_mwh(dec!(0.34)).unwrap(), EfeCase::General)
        );
        // T2: (42 000 × 0.46 + 3 200) / 50 000 = 0.4504.
        assert_eq!(
            local_electricity_factor(&terms(
                dec!(50000),
                dec!(8000),
                dec!(0),
                dec!(0.46),
                dec!(3200)
            ))
            .unwrap()
            .0
            .value(),
            dec!(0.4504)
        );
        // T3 / T3b: net exporter, 0 and 600 / 30 000 = 0.02.
        assert_eq!(
            local_electricity_factor(&terms(dec!(20000), dec!(30000), dec!(0), dec!(0.4), dec!(0)))
                .unwrap(),
            (EmissionFactor::t_per_mwh(dec!(0)).unwrap(), EfeCase::NetExporter)
        );
        assert_eq!(
            local_electricity_factor(&terms(
                dec!(20000),
                dec!(30000),
                dec!(0),
                dec!(0.4),
                dec!(600)
            ))
            .unwrap()
            .0
            .value(),
            dec!(0.02)
        );
        // T3c: the annex rule (LPE > TCE) gives 9 000 / 21 000 = 0.428571…, not EcoGIS's 0.43.
        let (efe, case) = local_electricity_factor(&terms(
            dec!(20000),
            dec!(21000),
            dec!(0),
            dec!(0.4),
            dec!(9000),
        ))
        .unwrap();
        assert_eq!(case, EfeCase::NetExporter);
        assert_eq!(crate::quantity::round_for_display(efe.value(), 5), dec!(0.42857));
        // The boundary itself, LPE + GEP = TCE, is the general case: (0 × NEEFE + 500) / 1 000.
        assert_eq!(
            local_electricity_factor(&terms(
                dec!(1000),
                dec!(600),
                dec!(400),
                dec!(0.4),
                dec!(500)
            ))
            .unwrap(),
            (EmissionFactor::t_per_mwh(dec!(0.5)).unwrap(), EfeCase::General)
        );
        // T4: no local production: NEEFE.
        assert_eq!(
            local_electricity_factor(&terms(dec!(1234), dec!(0), dec!(0), dec!(0.4), dec!(0)))
                .unwrap()
                .0
                .value(),
            dec!(0.4)
        );
        // TCE = 0: the national factor, no division.
        assert_eq!(
            local_electricity_factor(&terms(dec!(0), dec!(5), dec!(0), dec!(0.4), dec!(0)))
                .unwrap(),
            (EmissionFactor::t_per_mwh(dec!(0.4)).unwrap(), EfeCase::NoConsumption)
        );
        // N3: 95 000 × 0.231848884628769 / 100 000.
        assert_eq!(
            local_electricity_factor(&terms(
                dec!(100000),
                dec!(5000),
                dec!(0),
                dec!(0.231848884628769),
                dec!(0)
            ))
            .unwrap()
            .0
            .value(),
            dec!(0.22025644039733055)
        );
        // The exporter case needs no national factor; the general case does.
        let mut no_national = terms(dec!(20000), dec!(30000), dec!(0), dec!(0.4), dec!(0));
        no_national.neefe = None;
        assert!(local_electricity_factor(&no_national).is_ok());
        no_national.lpe = mwh(dec!(1));
        assert!(local_electricity_factor(&no_national).is_err());
    }

    #[test]
    fn efh_from_the_methodology() {
        // T5: (20 000 + 1 000 − 3 000) / 80 000 = 0.225.
        let h = HeatTerms {
            lhc: mwh(dec!(80000)),
            co2_lph: t(dec!(20000)),
            co2_ih: t(dec!(1000)),
            co2_eh: t(dec!(3000)),
        };
        assert_eq!(local_heat_factor(&h).unwrap().value(), dec!(0.225));
        assert!(
            local_heat_factor(&HeatTerms { co2_eh: t(dec!(30000)), ..h })
                .unwrap_err()
                .to_string()
                .contains("negative")
        );
        assert!(local_heat_factor(&HeatTerms { lhc: Energy::ZERO, ..h }).is_err());
    }

    #[test]
    fn chp_split_t14_and_other_efficiencies() {
        // T14: heat share 0.4 → 12 000 t to heat, 18 000 t to electricity.
        let s = chp_allocation(
            t(dec!(30000)),
            mwh(dec!(60000)),
            mwh(dec!(40000)),
            ChpEfficiencies::GUIDEBOOK_2010,
        )
        .unwrap();
        assert_eq!(
            (s.heat_share, s.heat.tonnes(), s.electricity.tonnes()),
            (dec!(0.4), dec!(12000), dec!(18000))
        );
        // η_h 0.80, η_e 0.35 (methodology-2 §3.2): heat share 0.39623, 11 886.8 t.
        let s = chp_allocation(
            t(dec!(30000)),
            mwh(dec!(60000)),
            mwh(dec!(40000)),
            ChpEfficiencies { heat: dec!(0.80), electricity: dec!(0.35) },
        )
        .unwrap();
        assert_eq!(crate::quantity::round_for_display(s.heat.tonnes(), 1), dec!(11886.8));
        assert_eq!(s.heat.checked_add(s.electricity).unwrap(), t(dec!(30000)));
        assert!(
            chp_allocation(
                t(dec!(1)),
                mwh(dec!(1)),
                mwh(dec!(1)),
                ChpEfficiencies { heat: dec!(0), electricity: dec!(0.4) }
            )
            .is_err()
        );
    }
}
