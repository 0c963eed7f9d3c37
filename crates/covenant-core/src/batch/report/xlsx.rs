//! XLSX export laid out like the SECAP template's inventory tables (feature `xlsx`).
//!
//! One workbook per inventory, with the sheets
//! `Summary`, `A Energy (MWh)` (Table A: sectors × carriers), `B Emissions (t)` (Table B, with the
//! non-energy rows), `Factors` (the factor of every carrier and its provenance), for a baseline
//! with a plan `Action plan` (the SECAP template's table of key actions, with the reduction in the
//! target year and the remaining gap) and `CRF` (the GCoM view). Spreadsheet cells hold binary floating point: every number is written as the `f64`
//! nearest to the engine's exact decimal (parsed from the same text that the CSV files hold), so
//! a reader of the workbook and a reader of the CSV files see the same number. Cells are shown
//! with two decimals; the stored value is not rounded. This is the only place where the engine's
//! numbers become floats, and nothing is computed from them.
//!
//! The workbook's creation date is fixed, so the same inventory gives the same bytes.

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::batch::BatchInventory;
use crate::crf;
use crate::quantity::format_decimal;
use crate::taxonomy::{Carrier, Sector};

/// An error while building a workbook.
#[derive(Debug, thiserror::Error)]
pub enum XlsxExportError {
    /// The XLSX writer failed.
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    /// A number could not be computed.
    #[error(transparent)]
    Engine(#[from] crate::Error),
}

/// The value a spreadsheet stores for a decimal: the nearest `f64` (correctly rounded parse of
/// the decimal's text).
#[allow(clippy::disallowed_types, reason = "a spreadsheet stores every number as an f64")]
pub fn spreadsheet_number(d: Decimal) -> f64 {
    format_decimal(d).parse::<f64>().unwrap_or(f64::NAN)
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    number: Format,
    bold: Format,
}

impl Sheet<'_> {
    fn text(&mut self, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
        self.ws.write_string(row, col, s).map(|_| ())
    }
    fn head(&mut self, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
        self.ws.write_string_with_format(row, col, s, &self.bold).map(|_| ())
    }
    fn num(&mut self, row: u32, col: u16, d: Option<Decimal>) -> Result<(), XlsxError> {
        match d {
            Some(d) => self
                .ws
                .write_number_with_format(row, col, spreadsheet_number(d), &self.number)
                .map(|_| ()),
            None => Ok(()),
        }
    }
}

fn sheet<'a>(wb: &'a mut Workbook, name: &str) -> Result<Sheet<'a>, XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    ws.set_column_width(0, 48)?;
    Ok(Sheet {
        ws,
        number: Format::new().set_num_format("#,##0.00"),
        bold: Format::new().set_bold(),
    })
}

/// The workbook of one inventory, as bytes.
pub fn workbook(r: &BatchInventory) -> Result<Vec<u8>, XlsxExportError> {
    let inv = &r.inventory;
    let s = &inv.spec;
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Emission inventory {}", s.id))
            .set_comment(format!(
                "covenant {} with factor release {}",
                inv.engine_version, inv.release
            ))
            .set_creation_datetime(&created),
    );

    {
        let mut sh = sheet(&mut wb, "Summary")?;
        let t = s.target.as_ref();
        let rows: Vec<(&str, Option<String>, Option<Decimal>)> = vec![
            ("Inventory", Some(s.id.clone()), None),
            ("City", s.city.clone(), None),
            ("Country", Some(s.country.code().to_string()), None),
            ("Inventory year", Some(s.year.to_string()), None),
            ("Kind", Some(s.kind.code().to_string()), None),
            ("Baseline", s.baseline_id.clone(), None),
            ("Emission factors", Some(s.approach.label().to_string()), None),
            ("Reporting unit", Some(s.gases.unit().to_string()), None),
            ("Factor release", Some(inv.release.clone()), None),
            (
                "Population in the inventory year",
                None,
                s.population.map(|p| Decimal::from(p.get())),
            ),
            ("Total final energy (MWh)", None, Some(inv.total_energy.mwh())),
            ("Total emissions (t)", None, Some(inv.total_emissions.tonnes())),
            ("Per capita (t per inhabitant)", None, inv.per_capita_t),
            ("Change vs baseline (%)", None, r.change_vs_baseline_pct),
            ("Target year", t.map(|t| t.year.to_string()), None),
            ("Target kind", t.map(|t| t.kind.code().to_string()), None),
            ("Target reduction (%)", None, t.map(|t| t.reduction_pct)),
            (
                "Business-as-usual emissions in the target year (t)",
                None,
                r.target.as_ref().and_then(|t| t.bau_emissions_t),
            ),
            ("Target emissions (t)", None, r.target.as_ref().and_then(|t| t.emissions_t)),
            (
                "Target per capita (t per inhabitant)",
                None,
                r.target.as_ref().and_then(|t| t.per_capita_t),
            ),
        ];
        // The projection's row only for a baseline with one (other workbooks stay as they were).
        let bau = "Business-as-usual emissions in the target year (t)";
        let rows = rows.into_iter().filter(|(label, _, n)| *label != bau || n.is_some());
        for (i, (label, text, number)) in rows.enumerate() {
            let row = u32::try_from(i).unwrap_or(u32::MAX);
            sh.head(row, 0, label)?;
            if let Some(text) = text {
                sh.text(row, 1, &text)?;
            }
            sh.num(row, 1, number)?;
        }
        sh.ws.set_column_width(1, 24)?;
    }

    // Tables A and B: sectors × carriers.
    let carriers: Vec<Carrier> = Carrier::ALL.to_vec();
    for (name, energy) in [("A Energy (MWh)", true), ("B Emissions (t)", false)] {
        let mut sh = sheet(&mut wb, name)?;
        sh.head(0, 0, "Sector")?;
        for (j, c) in carriers.iter().enumerate() {
            sh.head(0, col(j + 1), c.label())?;
        }
        let total_col = col(carriers.len() + 1);
        sh.head(0, total_col, "Total")?;
        let direct_col = col(carriers.len() + 2);
        if !energy {
            sh.head(0, direct_col, "Entered directly (t)")?;
        }
        let sectors: Vec<Sector> =
            Sector::ALL.iter().copied().filter(|s| !energy || s.is_energy()).collect();
        for (i, sec) in sectors.iter().enumerate() {
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            sh.head(row, 0, sec.label())?;
            for cell in inv.cells.iter().filter(|c| c.sector == *sec) {
                let value = if energy {
                    cell.energy.map(|e| e.mwh())
                } else {
                    Some(cell.emissions.tonnes())
                };
                let column = cell.carrier.map_or(direct_col, |c| col(c.index() + 1));
                sh.num(row, column, value)?;
            }
            let total = inv.sectors.iter().find(|t| t.key == *sec);
            sh.num(
                row,
                total_col,
                total.map(|t| if energy { t.energy.mwh() } else { t.emissions.tonnes() }),
            )?;
        }
        let row = u32::try_from(sectors.len() + 1).unwrap_or(u32::MAX);
        sh.head(row, 0, "Total")?;
        for t in &inv.carriers {
            sh.num(
                row,
                col(t.key.index() + 1),
                Some(if energy { t.energy.mwh() } else { t.emissions.tonnes() }),
            )?;
        }
        sh.num(
            row,
            total_col,
            Some(if energy { inv.total_energy.mwh() } else { inv.total_emissions.tonnes() }),
        )?;
        sh.ws.set_column_range_width(1, total_col, 14)?;
    }

    {
        let mut sh = sheet(&mut wb, "Factors")?;
        for (j, h) in ["Carrier", "Factor (t/MWh)", "Source", "Set", "Evidence", "Citation", "Note"]
            .iter()
            .enumerate()
        {
            sh.head(0, col(j), h)?;
        }
        for (i, f) in inv.factors.iter().enumerate() {
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            sh.text(row, 0, f.carrier.label())?;
            sh.ws.write_number(row, 1, spreadsheet_number(f.factor.value()))?;
            sh.text(row, 2, &f.provenance.short())?;
            if let crate::inventory::Provenance::FactorSet { set, tag, citation, note, .. } =
                &f.provenance
            {
                sh.text(row, 3, set)?;
                sh.text(row, 4, tag.letter())?;
                sh.text(row, 5, citation)?;
                sh.text(row, 6, note)?;
            } else {
                sh.text(row, 3, "user")?;
            }
        }
    }

    if let Some(plan) = &r.plan {
        action_plan(&mut wb, plan, s.gases.unit())?;
    }

    {
        let view = crf::crf(inv)?;
        let mut sh = sheet(&mut wb, "CRF")?;
        for (j, h) in ["CRF sector", "Sub-sector", "GPC", "Scope", "Emissions (t)", "Notation key"]
            .iter()
            .enumerate()
        {
            sh.head(0, col(j), h)?;
        }
        for (i, c) in view.cells.iter().enumerate() {
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            sh.text(row, 0, c.row.sector)?;
            sh.text(row, 1, c.row.subsector)?;
            sh.text(row, 2, c.row.gpc)?;
            sh.text(row, 3, c.scope.code())?;
            sh.num(row, 4, crf::CrfView::tonnes(c))?;
            if let Some(k) = c.notation_key {
                sh.text(row, 5, k.code())?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// The action plan, laid out like the SECAP template's table of key actions: by sector, each
/// action with its body responsible, timeframe, cost, estimated energy savings, local renewable
/// production and reduction per year; then the reduction in the target year and the gap.
fn action_plan(
    wb: &mut Workbook,
    plan: &crate::plan::Plan,
    unit: &str,
) -> Result<(), XlsxExportError> {
    use crate::taxonomy::ActionKind;
    let mut sh = sheet(wb, "Action plan")?;
    let year = plan.target_year.map_or_else(|| "the target year".to_string(), |y| y.to_string());
    let heads = [
        "Sector".to_string(),
        "Action".to_string(),
        "Title".to_string(),
        "Kind".to_string(),
        "Carrier".to_string(),
        "Replaced by".to_string(),
        "Responsible body".to_string(),
        "Status".to_string(),
        "Start".to_string(),
        "End".to_string(),
        "Implementation cost".to_string(),
        "Estimated energy savings (MWh/a)".to_string(),
        "Estimated renewable energy production (MWh/a)".to_string(),
        "Energy switched (MWh/a)".to_string(),
        format!("Estimated reduction ({unit}/a)"),
        format!("Reduction in {year} ({unit})"),
        "Factor (t/MWh)".to_string(),
        "Factor source".to_string(),
    ];
    for (j, h) in heads.iter().enumerate() {
        sh.head(0, col(j), h)?;
    }
    let mut row = 1u32;
    for &sector in Sector::ALL {
        for a in plan.actions.iter().filter(|a| a.action.sector == sector) {
            let x = &a.action;
            sh.head(row, 0, sector.label())?;
            sh.text(row, 1, &x.id)?;
            sh.text(row, 2, &x.title)?;
            sh.text(row, 3, x.kind.label())?;
            if let Some(c) = x.carrier {
                sh.text(row, 4, c.label())?;
            }
            if let Some(c) = x.to_carrier {
                sh.text(row, 5, c.label())?;
            }
            sh.text(row, 6, x.responsible.as_deref().unwrap_or(""))?;
            sh.text(row, 7, x.status.as_deref().unwrap_or(""))?;
            for (c, y) in [(8, x.start_year), (9, x.end_year)] {
                sh.ws.write_number(row, c, spreadsheet_number(Decimal::from(y)))?;
            }
            sh.num(row, 10, x.cost)?;
            let energy = a.energy.map(|e| e.mwh());
            let column = match x.kind {
                ActionKind::EnergySaving => Some(11),
                ActionKind::LocalRenewable => Some(12),
                ActionKind::FuelSwitch => Some(13),
                ActionKind::DirectReduction => None,
            };
            if let Some(c) = column {
                sh.num(row, c, energy)?;
            }
            sh.num(row, 14, Some(a.reduction.tonnes()))?;
            sh.num(row, 15, a.reduction_target_year_t)?;
            if let Some(f) = &a.factor {
                sh.num(row, 16, Some(f.factor.value()))?;
                let mut source = f.provenance.short();
                if let Some(t) = &a.to_factor {
                    source.push_str(&format!(" → {} t/MWh, {}", t.factor, t.provenance.short()));
                }
                sh.text(row, 17, &source)?;
            }
            row = row.saturating_add(1);
        }
    }
    row = row.saturating_add(1);
    let totals = [
        (format!("Planned reduction in {year} ({unit})"), plan.planned_reduction_t),
        (
            if plan.reference_is_bau {
                format!("Reference: business-as-usual emissions in {year} ({unit})")
            } else {
                format!("Reference: baseline emissions ({unit})")
            },
            Some(plan.reference_t),
        ),
        (format!("Target emissions ({unit})"), plan.target_emissions_t),
        (format!("Remaining gap ({unit}; positive: a shortfall)"), plan.remaining_gap_t),
        (format!("Remaining gap per inhabitant ({unit})"), plan.remaining_gap_per_capita_t),
    ];
    for (label, value) in totals {
        sh.head(row, 0, &label)?;
        sh.num(row, 15, value)?;
        row = row.saturating_add(1);
    }
    sh.ws.set_column_width(0, 28)?;
    sh.ws.set_column_range_width(2, 17, 16)?;
    Ok(())
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}
