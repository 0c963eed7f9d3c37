//! Between inventories and the eCRF workbook: any computed inventory written as a
//! [`Workbook`] ([`to_workbook`]), and the line of a workbook's row ([`line_of`], which
//! [`super::import`] reads workbooks back with).
//!
//! **A SECAP inventory in the CRF.** Its cells become CRF rows with the mapping of
//! [`crate::crf`]: residential buildings I.1; tertiary and municipal buildings and public
//! lighting I.2 (the template's row "Institutional buildings & facilities" is `IE`, included
//! in commercial, as the template fixes it); industry I.3; agriculture I.5; the not-allocated
//! buildings and other energy I.6 (which has no `eCRF_2` row of its own and counts in the
//! stationary-energy total); every transport sector on-road, II.1 (the SECAP rows do not say the
//! mode); waste III.1.1; wastewater III.4.1; other non-energy emissions IV.1 (industrial
//! processes: the CRF has no other place inside its total). Electricity and heat are scope 2,
//! fuels and non-energy emissions scope 1. Each row gives the cell's final energy in MWh, its
//! factor in t/MWh and its emissions: per gas in the CO2 column for a CO2 inventory, as a
//! CO2-eq total for a CO2-eq one (the SECAP cells are not split by gas). What the mapping
//! loses: the sector detail inside a CRF sub-sector (kept in the row's description), the
//! transport modes, and local production (SECAP Tables C and D), which is in the local factors
//! of the cells but not in the "Generation of grid-supplied energy" rows. The eCRF total equals
//! the SECAP total.

use rust_decimal::Decimal;

use super::layout::{DETAIL_ROWS, MetaField, ScopeLabel, SummaryLine};
use super::model::{DetailRow, Entry, SummaryRow, Workbook};
use crate::crf::NotationKey;
use crate::error::Error;
use crate::gpc::taxonomy::{LINES, Line, Scope, Subsector, find_line};
use crate::gpc::{CrfInventory, CrfRowResult, Gases, Origin};
use crate::inventory::Inventory;
use crate::taxonomy::{Carrier, GasBasis, Sector};

/// The scope label of a GPC scope.
pub const fn scope_label(s: Scope) -> ScopeLabel {
    match s {
        Scope::S1 => ScopeLabel::Direct,
        Scope::S2 => ScopeLabel::Indirect,
        Scope::S3 => ScopeLabel::Outside,
    }
}

/// The GPC scope of a scope label.
pub const fn gpc_scope(s: ScopeLabel) -> Scope {
    match s {
        ScopeLabel::Direct => Scope::S1,
        ScopeLabel::Indirect => Scope::S2,
        ScopeLabel::Outside => Scope::S3,
    }
}

/// The CRF line of a SECAP cell.
pub fn secap_line(sector: Sector, carrier: Option<Carrier>) -> &'static Line {
    use Sector::*;
    let scope2 = matches!(carrier, Some(Carrier::Electricity | Carrier::HeatCold));
    let (sub, scope) = match sector {
        ResidentialBuildings => (Subsector::Residential, scope2),
        TertiaryBuildings | MunicipalBuildings | PublicLighting => {
            (Subsector::CommercialInstitutional, scope2)
        }
        IndustryNonEts | IndustryEts => (Subsector::Industrial, scope2),
        Agriculture => (Subsector::Agriculture, scope2),
        BuildingsNotAllocated | OtherNotAllocated => (Subsector::NonSpecified, scope2),
        MunicipalFleet | PublicTransport | PrivateTransport | TransportNotAllocated => {
            (Subsector::OnRoad, scope2)
        }
        Waste => (Subsector::SolidWaste, false),
        Wastewater => (Subsector::Wastewater, false),
        OtherNonEnergy => (Subsector::IndustrialProcesses, false),
    };
    let scope = if scope { Scope::S2 } else { Scope::S1 };
    // Every (sub-sector, scope) above has a line with a reference first in the table.
    LINES
        .iter()
        .find(|l| l.subsector == sub && l.scope == scope && l.gpc_ref.is_some())
        .unwrap_or(&LINES[0])
}

/// The rows of a SECAP inventory in the CRF (see the module docs).
fn secap_rows(inv: &Inventory) -> Vec<CrfRowResult> {
    let co2 = inv.spec.gases == GasBasis::Co2;
    inv.cells
        .iter()
        .map(|c| {
            let line = secap_line(c.sector, c.carrier);
            let t = c.emissions.tonnes();
            let mut a = crate::gpc::CrfActivity::new(line);
            a.fuel = c.carrier.map(|k| k.code().to_string());
            a.description = Some(format!("SECAP {}", c.sector.label()));
            let (mut factors, mut emissions) = (Gases::default(), Gases::default());
            if let (Some(e), Some(f)) = (c.energy, c.factor) {
                a.amount = Some(e.mwh());
                a.unit = crate::gpc::units::CrfUnit::parse("MWh");
                if co2 {
                    factors.co2 = Some(f.value());
                } else {
                    factors.co2e = Some(f.value());
                }
            }
            if co2 {
                emissions.co2 = Some(t);
            }
            emissions.co2e = Some(t);
            emissions.biogenic = c.biogenic_co2.map(|b| b.tonnes());
            a.emissions = emissions;
            let factor_source = c.carrier.and_then(|k| {
                inv.factors.iter().find(|f| f.carrier == k).map(|f| f.provenance.short())
            });
            CrfRowResult {
                input: a,
                origin: Origin::Entered,
                factor_unit: c.factor.map(|_| "t/MWh".to_string()),
                factors,
                factor_source,
                emissions,
            }
        })
        .collect()
}

/// An inventory as an eCRF workbook: `eCRF_1` with what the inventory knows, `eCRF_2` with
/// every row (the totals written, row 34 the eCRF total; a row without numbers gets its rows'
/// notation keys, the template's fixed key, or `NE`, with the explanations in column H), and
/// `eCRF_3` with one row per CRF row in template order (lines without rows are left to the
/// writer, which writes the template's row with `NE`).
pub fn to_workbook(inv: &Inventory) -> Result<Workbook, Error> {
    let secap;
    let crf: &CrfInventory = match &inv.crf {
        Some(c) => c,
        None => {
            let rows = secap_rows(inv);
            secap = CrfInventory {
                gwp: inv.spec.gwp.clone().unwrap_or_default(),
                totals: crate::gpc::CrfTotals::default(),
                rows,
                warnings: Vec::new(),
            };
            &secap
        }
    };
    let s = &inv.spec;
    let mut wb = Workbook { year: Some(i32::from(s.year)), ..Workbook::default() };
    let basic_plus = crf
        .rows
        .iter()
        .any(|r| r.input.line.level == crate::gpc::Level::BasicPlus && r.origin != Origin::Key);
    let level = if basic_plus { "GPC Basic+" } else { "GPC Basic" };
    wb.set_meta(MetaField::Type, level);
    if let Some(c) = &s.city {
        wb.set_meta(MetaField::CityName, c.clone());
    }
    wb.set_meta(MetaField::Country, s.country.name());
    wb.set_meta(MetaField::InventoryYear, s.year.to_string());
    if let Some(p) = s.population {
        wb.set_meta(MetaField::Population, p.get().to_string());
    }
    wb.set_meta(
        MetaField::InventoryTool,
        format!("covenant {}, factor release {}", inv.engine_version, inv.release),
    );
    wb.set_meta(MetaField::GpcLevel, level);
    let secap_inv = inv.crf.is_none();
    let gases = if secap_inv && s.gases == GasBasis::Co2 { "CO2" } else { "CO2, CH4, N2O" };
    wb.set_meta(MetaField::GasesIncluded, gases);
    if !crf.gwp.is_empty() {
        wb.set_meta(MetaField::Gwp, crf.gwp.to_ascii_uppercase());
    }
    let method = if secap_inv {
        format!(
            "EU Covenant of Mayors SECAP inventory ({} approach, {}), mapped to the CRF by covenant: \
             final energy × emission factors per sector and carrier; electricity and heat as \
             scope 2, fuels and non-energy emissions as scope 1; no scope 3.",
            s.approach.label(),
            if s.gases == GasBasis::Co2 { "CO2" } else { "CO2-eq" }
        )
    } else {
        "GPC inventory computed by covenant: activity × emission factors per gas, or emissions \
         as entered; CO2-eq with the GWP set declared."
            .to_string()
    };
    wb.set_meta(MetaField::Methodology, method);
    wb.summary = summary(crf)?;
    // eCRF_3: the rows, line by line in template order.
    for line in &LINES {
        for r in crf.rows.iter().filter(|r| r.input.line.template_row == line.template_row) {
            wb.detail.push(detail_row(r, line));
        }
    }
    Ok(wb)
}

fn detail_row(r: &CrfRowResult, line: &Line) -> DetailRow {
    let t = &DETAIL_ROWS[(line.template_row - 2) as usize];
    let a = &r.input;
    let is_key = r.origin == Origin::Key;
    DetailRow {
        row: 0,
        gpc_ref: t.gpc_ref.map(str::to_string),
        sector: t.sector.to_string(),
        subsector: t.subsector.to_string(),
        scope: Some(t.scope),
        fuel: a.fuel.clone(),
        key: a.key,
        activity_amount: a.amount,
        activity_unit: a.unit.as_ref().map(|u| u.symbol().to_string()),
        activity_description: a.description.clone(),
        activity_source: a.activity_source.clone(),
        ef_unit: r.factor_unit.clone(),
        ef_co2: r.factors.co2,
        ef_ch4: r.factors.ch4,
        ef_n2o: r.factors.n2o,
        ef_co2e: r.factors.co2e,
        ef_biogenic: r.factors.biogenic,
        ef_description: if is_key { a.explanation.clone() } else { None },
        ef_source: r.factor_source.clone(),
        ghg_co2: r.emissions.co2,
        ghg_ch4: r.emissions.ch4,
        ghg_n2o: r.emissions.n2o,
        ghg_total: if is_key { None } else { r.emissions.co2e },
        ghg_biogenic: r.emissions.biogenic,
        ..DetailRow::default()
    }
}

/// The explanation of the `NE` written where an inventory has no rows.
pub const NOT_ESTIMATED: &str = "NE: not estimated (no data in the inventory)";

/// `eCRF_2` of an inventory's rows, as the workbook ([`to_workbook`]) has it: every line of
/// [`SummaryLine::ALL`] with, per scope, the sum of its rows, or (a sub-sector row without
/// numbers) its rows' first notation key, the template's fixed key, or `NE`; a total row without
/// numbers is left empty, except row 34's scope 1, which is 0. The page shows this table, so that
/// it and the exported workbook agree cell for cell.
pub fn summary(crf: &CrfInventory) -> Result<Vec<SummaryRow>, Error> {
    let cells = crf.summary()?;
    let mut rows = Vec::with_capacity(SummaryLine::ALL.len());
    for &line in SummaryLine::ALL {
        let mut row = SummaryRow::template(line);
        let mut notes: Vec<String> = row.comment.take().into_iter().collect();
        let mut not_estimated = false;
        for &scope in line.value_scopes() {
            let cell = cells.iter().find(|c| c.row == line.row() && c.scope == gpc_scope(scope));
            let entry = row.entry_mut(scope);
            match cell {
                Some(c) if c.value.is_some() => *entry = Entry { value: c.value, key: None },
                // A total without numbers stays empty: its rows give their keys.
                Some(c) if !c.keys.is_empty() && !line.is_total() => entry.key = Some(c.keys[0]),
                _ if line == SummaryLine::TotalEmissions && scope == ScopeLabel::Direct => {
                    *entry = Entry::value(Decimal::ZERO);
                }
                _ if line.is_total() => {}
                _ if entry.key.is_none() => {
                    entry.key = Some(NotationKey::NotEstimated);
                    not_estimated = true;
                }
                _ => {}
            }
        }
        // The explanations of the notation keys of its rows, and where the rows without a row
        // of their own are counted.
        for r in crf.rows.iter().filter(|r| r.origin == Origin::Key) {
            if crate::gpc::summary_row(r.input.line) == Some(line.row())
                && let Some(e) = &r.input.explanation
                && !notes.contains(e)
            {
                notes.push(e.clone());
            }
        }
        if not_estimated {
            notes.push(NOT_ESTIMATED.to_string());
        }
        if line == SummaryLine::TotalStationary {
            let hidden: Vec<&str> = [
                (Subsector::EnergyIndustries, "energy industries (I.4.1-I.4.3)"),
                (Subsector::NonSpecified, "non-specified sources (I.6)"),
            ]
            .into_iter()
            .filter(|(sub, _)| {
                crf.rows.iter().any(|r| r.input.line.subsector == *sub && r.origin != Origin::Key)
            })
            .map(|(_, text)| text)
            .collect();
            if !hidden.is_empty() {
                notes.push(format!(
                    "Includes {}, which have no row of their own in this table.",
                    hidden.join(" and ")
                ));
            }
        }
        row.comment = (!notes.is_empty()).then(|| notes.join("; "));
        rows.push(row);
    }
    Ok(rows)
}

/// Finds the line of an `eCRF_3` row: by its sector, sub-sector (the first part of a
/// "Sub-sector > sub-category" path) and scope, then by its GPC reference where those leave a
/// choice or do not name a line.
pub fn line_of(row: &DetailRow) -> Option<&'static Line> {
    let scope = row.scope.map(gpc_scope);
    let sub = subsector_of(&row.sector, &row.subsector);
    let gpc = row.gpc_ref.as_deref().filter(|r| !r.trim().is_empty());
    if let Some(sub) = sub {
        if let Ok(l) = find_line(None, Some(sub), scope) {
            return Some(l);
        }
        if let Ok(l) = find_line(gpc, Some(sub), scope) {
            return Some(l);
        }
    }
    find_line(gpc, None, None).ok().filter(|l| scope.is_none_or(|s| s == l.scope))
}

/// The sub-sector named by `eCRF_3` columns C and D (or by an `eCRF_2` label).
pub fn subsector_of(sector: &str, subsector: &str) -> Option<Subsector> {
    use super::layout::normalize;
    let head = subsector.split(" > ").next().unwrap_or(subsector);
    let n = normalize(head);
    let sector = normalize(sector);
    let generation = sector.starts_with("generation");
    Subsector::ALL.iter().copied().find(|s| {
        let same_sector = generation == (s.sector() == crate::gpc::CrfSector::Generation);
        same_sector && (normalize(s.label()) == n || aliases(*s).iter().any(|a| normalize(a) == n))
    })
}

/// Other names of sub-sectors: the `eCRF_2` labels and those CityCatalyst maps (templates.md
/// §3.8).
fn aliases(s: Subsector) -> &'static [&'static str] {
    use Subsector::*;
    match s {
        Residential => &["Residential buildings"],
        CommercialInstitutional => &[
            "Commercial buildings & facilities",
            "Institutional buildings & facilities",
            "Commercial and institutional buildings and facilities",
            "Streetlights",
        ],
        Industrial => &["Manufacturing industries and construction"],
        EnergyIndustries => &["Energy industries"],
        NonSpecified => &["Non-specified", "Non-specified sources"],
        IndustrialProcesses => &["Industrial processes"],
        ProductUse => &["Product use"],
        Waterborne => &["Waterborne"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_secap_cell_has_a_line_with_a_reference() {
        for &s in Sector::ALL {
            for c in [None, Some(Carrier::Electricity), Some(Carrier::Diesel)] {
                let l = secap_line(s, c);
                assert!(l.gpc_ref.is_some(), "{s:?} {c:?}");
                assert_ne!(l.subsector.sector(), crate::gpc::CrfSector::Generation);
            }
        }
    }

    #[test]
    fn rows_are_placed_by_their_labels_then_their_reference() {
        let row = |gpc: Option<&str>, sector: &str, sub: &str, scope| DetailRow {
            gpc_ref: gpc.map(str::to_string),
            sector: sector.into(),
            subsector: sub.into(),
            scope: Some(scope),
            ..DetailRow::default()
        };
        // A path, an empty reference, and a reference inconsistent with the scope.
        let l =
            line_of(&row(None, "Transportation", "On-road > Passenger car", ScopeLabel::Direct));
        assert_eq!(l.unwrap().gpc_ref, Some("II.1.1"));
        let l = line_of(&row(
            Some("I.1.1"),
            "Stationary energy",
            "Residential buildings",
            ScopeLabel::Indirect,
        ));
        assert_eq!(l.unwrap().gpc_ref, Some("I.1.2"));
        let l = line_of(&row(Some("III.1.3"), "Waste", "Solid waste disposal", ScopeLabel::Direct));
        assert_eq!(l.unwrap().gpc_ref, Some("III.1.3"));
        let l = line_of(&row(
            None,
            "Generation of grid-supplied energy",
            "CHP generation",
            ScopeLabel::Direct,
        ));
        assert_eq!(l.unwrap().template_row, 15);
        assert!(
            line_of(&row(None, "Stationary energy", "Spaceports", ScopeLabel::Direct)).is_none()
        );
        let l = line_of(&row(None, "Stationary energy", "Streetlights", ScopeLabel::Indirect));
        assert_eq!(l.unwrap().gpc_ref, Some("I.2.2"));
    }
}
