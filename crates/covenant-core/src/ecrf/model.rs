//! The eCRF workbook as typed values, free of the engine: the CRF inventory is built from it
//! and read into it elsewhere. The writer writes exactly what it holds (it computes nothing),
//! and the reader fills it from a file.
//!
//! Emissions are t CO2e (the biogenic columns t CO2), as the sheets' headers say.

use rust_decimal::Decimal;
use serde::Serialize;

use super::layout::{
    DETAIL_ROWS, DetailColumn, MetaField, ScopeLabel, SummaryLine, TemplateRow, same_label,
};
use crate::crf::NotationKey;

/// A whole eCRF workbook.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Workbook {
    /// `eCRF_1`: the values of column C by field, in the order read or built (a field not
    /// listed is written empty).
    pub meta: Vec<(MetaField, String)>,
    /// The inventory year: `eCRF_2` A1 and `eCRF_3` column A (`None`: the template's
    /// "Please select").
    pub year: Option<i32>,
    /// `eCRF_2`: one row per line given (a line not listed is written as the template has it).
    pub summary: Vec<SummaryRow>,
    /// `eCRF_3`: the activity rows.
    pub detail: Vec<DetailRow>,
}

impl Workbook {
    /// The value of a metadata field (the first, if it was given twice).
    pub fn meta(&self, field: MetaField) -> Option<&str> {
        self.meta.iter().find(|(f, _)| *f == field).map(|(_, v)| v.as_str())
    }

    /// Sets a metadata field, replacing an earlier value.
    pub fn set_meta(&mut self, field: MetaField, value: impl Into<String>) {
        let value = value.into();
        match self.meta.iter_mut().find(|(f, _)| *f == field) {
            Some(slot) => slot.1 = value,
            None => self.meta.push((field, value)),
        }
    }

    /// The row of a summary line (the first, if it was given twice).
    pub fn summary(&self, line: SummaryLine) -> Option<&SummaryRow> {
        self.summary.iter().find(|r| r.line == line)
    }

    /// The rows of `eCRF_3` in the order the writer writes them: the template's rows in
    /// order, each followed by the rows that belong to it ([`TemplateRow::holds`]; several
    /// activity rows of one template row stay together, in their given order); a template row
    /// that no row belongs to is written as the template has it (its key, or `NE`, as
    /// CityCatalyst writes rows without data); rows that belong to no template row come last,
    /// in their given order. Applying it to its own result changes nothing.
    pub fn detail_as_written(&self) -> Vec<DetailRow> {
        let mut taken = vec![false; self.detail.len()];
        let mut out = Vec::with_capacity(self.detail.len() + DETAIL_ROWS.len());
        for t in &DETAIL_ROWS {
            let before = out.len();
            for (i, r) in self.detail.iter().enumerate() {
                if !taken[i] && t.holds(r) {
                    taken[i] = true;
                    out.push(r.clone());
                }
            }
            if out.len() == before {
                out.push(DetailRow {
                    key: Some(t.key.unwrap_or(NotationKey::NotEstimated)),
                    ..DetailRow::from_template(t)
                });
            }
        }
        out.extend(self.detail.iter().zip(&taken).filter(|(_, t)| !**t).map(|(r, _)| r.clone()));
        out
    }
}

impl TemplateRow {
    /// Whether a row belongs under this template row: the same sector, the same sub-sector
    /// (the first part of a "Sub-sector > sub-category" path) and the same scope, compared
    /// through [`normalize`](super::layout::normalize), and the same GPC reference when the
    /// row has one.
    pub fn holds(&self, r: &DetailRow) -> bool {
        let first = r.subsector.split('>').next().unwrap_or_default();
        r.scope == Some(self.scope)
            && same_label(&r.sector, self.sector)
            && same_label(first, self.subsector)
            && r.gpc_ref.as_deref().is_none_or(|g| same_label(g, self.gpc_ref.unwrap_or_default()))
    }
}

/// Where a read workbook keeps what the template places: the sheet rows of its `eCRF_1`
/// fields and `eCRF_2` lines, and the columns of its `eCRF_3` headers (a workbook made by
/// another tool may order them differently). The template's places where nothing was read (a
/// workbook built in memory has none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Positions {
    /// `eCRF_1`: each field's 0-based row.
    pub meta: Vec<(MetaField, u32)>,
    /// `eCRF_2`: each line's 0-based row.
    pub summary: Vec<(SummaryLine, u32)>,
    /// `eCRF_3`: each column's 0-based column.
    pub detail: Vec<(DetailColumn, u16)>,
    /// Where the workbook's year was read (sheet, 0-based row and column), when it was.
    pub year: Option<(super::layout::Sheet, u32, u16)>,
}

impl Positions {
    /// The 0-based row of an `eCRF_1` field.
    pub fn meta_row(&self, f: MetaField) -> u32 {
        self.meta.iter().find(|(m, _)| *m == f).map_or(f.row() - 1, |(_, r)| *r)
    }

    /// The 0-based row of an `eCRF_2` line.
    pub fn summary_row(&self, l: SummaryLine) -> u32 {
        self.summary.iter().find(|(m, _)| *m == l).map_or(l.row() - 1, |(_, r)| *r)
    }

    /// The 0-based column of an `eCRF_3` column.
    pub fn detail_col(&self, c: DetailColumn) -> u16 {
        self.detail.iter().find(|(m, _)| *m == c).map_or(c.col(), |(_, k)| *k)
    }
}

/// A value cell and its notation-key cell in `eCRF_2`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Emissions, t CO2e.
    pub value: Option<Decimal>,
    /// The notation key (`NO`, `NE`, `IE`, `C`).
    pub key: Option<NotationKey>,
}

impl Entry {
    /// An entry with a value.
    pub const fn value(value: Decimal) -> Entry {
        Entry { value: Some(value), key: None }
    }

    /// An entry with a notation key.
    pub const fn key(key: NotationKey) -> Entry {
        Entry { value: None, key: Some(key) }
    }

    /// Whether neither cell holds anything.
    pub const fn is_empty(&self) -> bool {
        self.value.is_none() && self.key.is_none()
    }
}

/// A row of `eCRF_2`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    /// The line (the row and its label).
    pub line: SummaryLine,
    /// Columns B and C: direct emissions (scope 1).
    pub direct: Entry,
    /// Columns D and E: indirect emissions from grid-supplied energy (scope 2).
    pub indirect: Entry,
    /// Columns F and G: emissions outside the city boundary (scope 3).
    pub outside: Entry,
    /// Column H: explanations of excluded sources and notation keys, ETS, other comments.
    pub comment: Option<String>,
}

impl SummaryRow {
    /// An empty row.
    pub const fn new(line: SummaryLine) -> SummaryRow {
        SummaryRow {
            line,
            direct: Entry { value: None, key: None },
            indirect: Entry { value: None, key: None },
            outside: Entry { value: None, key: None },
            comment: None,
        }
    }

    /// The row as the blank template has it: its fixed notation keys and H6's explanation.
    pub fn template(line: SummaryLine) -> SummaryRow {
        let mut row = SummaryRow::new(line);
        for scope in ScopeLabel::ALL {
            row.entry_mut(*scope).key = line.fixed_key(*scope);
        }
        row.comment = line.fixed_comment().map(str::to_string);
        row
    }

    /// The entry of a scope.
    pub const fn entry(&self, scope: ScopeLabel) -> &Entry {
        match scope {
            ScopeLabel::Direct => &self.direct,
            ScopeLabel::Indirect => &self.indirect,
            ScopeLabel::Outside => &self.outside,
        }
    }

    /// The entry of a scope, to change it.
    pub const fn entry_mut(&mut self, scope: ScopeLabel) -> &mut Entry {
        match scope {
            ScopeLabel::Direct => &mut self.direct,
            ScopeLabel::Indirect => &mut self.indirect,
            ScopeLabel::Outside => &mut self.outside,
        }
    }
}

/// A row of `eCRF_3`: one GPC reference × scope × activity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DetailRow {
    /// The sheet row (1-based) when read; 0 when built.
    pub row: u32,
    /// B: the GPC reference (`I.1.1` …), often empty in filled workbooks.
    pub gpc_ref: Option<String>,
    /// C: the CRF sector.
    pub sector: String,
    /// D: the CRF sub-sector as written; may be a "Sub-sector > sub-category" path.
    pub subsector: String,
    /// E: the scope (`None`: empty or not a scope label, which the reader reports).
    pub scope: Option<ScopeLabel>,
    /// F: fuel type or activity.
    pub fuel: Option<String>,
    /// G: the notation key.
    pub key: Option<NotationKey>,
    /// H: activity amount.
    pub activity_amount: Option<Decimal>,
    /// I: activity unit.
    pub activity_unit: Option<String>,
    /// J: description and methodology of the activity data.
    pub activity_description: Option<String>,
    /// K: source of the activity data.
    pub activity_source: Option<String>,
    /// L: data quality of the activity data.
    pub activity_quality: Option<String>,
    /// M: emission-factor unit.
    pub ef_unit: Option<String>,
    /// N: emission factor, CO2.
    pub ef_co2: Option<Decimal>,
    /// O: emission factor, CH4.
    pub ef_ch4: Option<Decimal>,
    /// P: emission factor, N2O.
    pub ef_n2o: Option<Decimal>,
    /// Q: emission factor, total CO2e.
    pub ef_co2e: Option<Decimal>,
    /// R: emission factor, biogenic CO2.
    pub ef_biogenic: Option<Decimal>,
    /// S: oxidation factor.
    pub ef_oxidation: Option<Decimal>,
    /// T: emission-factor year.
    pub ef_year: Option<String>,
    /// U: emission-factor scale.
    pub ef_scale: Option<String>,
    /// V: emission-factor description.
    pub ef_description: Option<String>,
    /// W: emission-factor source.
    pub ef_source: Option<String>,
    /// X: emission-factor data quality.
    pub ef_quality: Option<String>,
    /// Y: CO2, t CO2e.
    pub ghg_co2: Option<Decimal>,
    /// Z: CH4, t CO2e.
    pub ghg_ch4: Option<Decimal>,
    /// AA: N2O, t CO2e.
    pub ghg_n2o: Option<Decimal>,
    /// AB: total, t CO2e.
    pub ghg_total: Option<Decimal>,
    /// AC: biogenic CO2, t CO2.
    pub ghg_biogenic: Option<Decimal>,
    /// AD: original activity before conversion.
    pub conv_original_activity: Option<String>,
    /// AE: original unit.
    pub conv_original_unit: Option<String>,
    /// AF: conversion value.
    pub conv_value: Option<String>,
    /// AG: whether an override was used.
    pub conv_override: Option<String>,
}

impl DetailRow {
    /// A built row (row 0) of a sector, sub-sector and scope, everything else empty.
    pub fn new(
        gpc_ref: Option<&str>,
        sector: impl Into<String>,
        subsector: impl Into<String>,
        scope: ScopeLabel,
    ) -> DetailRow {
        DetailRow {
            gpc_ref: gpc_ref.map(str::to_string),
            sector: sector.into(),
            subsector: subsector.into(),
            scope: Some(scope),
            ..DetailRow::default()
        }
    }

    /// A built row of a template row, with the template's notation key.
    pub fn from_template(t: &TemplateRow) -> DetailRow {
        DetailRow { key: t.key, ..DetailRow::new(t.gpc_ref, t.sector, t.subsector, t.scope) }
    }

    /// The number of a numeric column (`None` for the other columns).
    pub const fn number(&self, col: DetailColumn) -> Option<Decimal> {
        use DetailColumn::*;
        match col {
            ActivityAmount => self.activity_amount,
            EfCo2 => self.ef_co2,
            EfCh4 => self.ef_ch4,
            EfN2o => self.ef_n2o,
            EfCo2e => self.ef_co2e,
            EfBiogenic => self.ef_biogenic,
            EfOxidation => self.ef_oxidation,
            GhgCo2 => self.ghg_co2,
            GhgCh4 => self.ghg_ch4,
            GhgN2o => self.ghg_n2o,
            GhgTotal => self.ghg_total,
            GhgBiogenic => self.ghg_biogenic,
            _ => None,
        }
    }

    /// The slot of a numeric column (`None` for the other columns).
    pub const fn number_mut(&mut self, col: DetailColumn) -> Option<&mut Option<Decimal>> {
        use DetailColumn::*;
        Some(match col {
            ActivityAmount => &mut self.activity_amount,
            EfCo2 => &mut self.ef_co2,
            EfCh4 => &mut self.ef_ch4,
            EfN2o => &mut self.ef_n2o,
            EfCo2e => &mut self.ef_co2e,
            EfBiogenic => &mut self.ef_biogenic,
            EfOxidation => &mut self.ef_oxidation,
            GhgCo2 => &mut self.ghg_co2,
            GhgCh4 => &mut self.ghg_ch4,
            GhgN2o => &mut self.ghg_n2o,
            GhgTotal => &mut self.ghg_total,
            GhgBiogenic => &mut self.ghg_biogenic,
            _ => return None,
        })
    }

    /// The text of an optional text column (`None` for the other columns and for the
    /// mandatory texts sector and sub-sector, which [`DetailRow::sector`] and
    /// [`DetailRow::subsector`] hold).
    pub fn text(&self, col: DetailColumn) -> Option<&str> {
        use DetailColumn::*;
        match col {
            GpcRef => self.gpc_ref.as_deref(),
            Fuel => self.fuel.as_deref(),
            ActivityUnit => self.activity_unit.as_deref(),
            ActivityDescription => self.activity_description.as_deref(),
            ActivitySource => self.activity_source.as_deref(),
            ActivityQuality => self.activity_quality.as_deref(),
            EfUnit => self.ef_unit.as_deref(),
            EfYear => self.ef_year.as_deref(),
            EfScale => self.ef_scale.as_deref(),
            EfDescription => self.ef_description.as_deref(),
            EfSource => self.ef_source.as_deref(),
            EfQuality => self.ef_quality.as_deref(),
            ConvOriginalActivity => self.conv_original_activity.as_deref(),
            ConvOriginalUnit => self.conv_original_unit.as_deref(),
            ConvValue => self.conv_value.as_deref(),
            ConvOverride => self.conv_override.as_deref(),
            _ => None,
        }
    }

    /// The slot of an optional text column (as [`DetailRow::text`]).
    pub const fn text_mut(&mut self, col: DetailColumn) -> Option<&mut Option<String>> {
        use DetailColumn::*;
        Some(match col {
            GpcRef => &mut self.gpc_ref,
            Fuel => &mut self.fuel,
            ActivityUnit => &mut self.activity_unit,
            ActivityDescription => &mut self.activity_description,
            ActivitySource => &mut self.activity_source,
            ActivityQuality => &mut self.activity_quality,
            EfUnit => &mut self.ef_unit,
            EfYear => &mut self.ef_year,
            EfScale => &mut self.ef_scale,
            EfDescription => &mut self.ef_description,
            EfSource => &mut self.ef_source,
            EfQuality => &mut self.ef_quality,
            ConvOriginalActivity => &mut self.conv_original_activity,
            ConvOriginalUnit => &mut self.conv_original_unit,
            ConvValue => &mut self.conv_value,
            ConvOverride => &mut self.conv_override,
            _ => return None,
        })
    }

    /// Whether the row holds no activity, factor, emissions or key (only its place).
    pub fn is_blank(&self) -> bool {
        self.key.is_none()
            && DetailColumn::ALL.iter().all(|c| {
                self.number(*c).is_none() && (*c == DetailColumn::GpcRef || self.text(*c).is_none())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecrf::layout::DETAIL_ROWS;

    #[test]
    fn every_column_has_one_slot() {
        let mut row = DetailRow::default();
        for c in DetailColumn::ALL {
            let number = row.number_mut(*c).is_some();
            let text = row.text_mut(*c).is_some();
            let own = matches!(
                c,
                DetailColumn::Year
                    | DetailColumn::Sector
                    | DetailColumn::Subsector
                    | DetailColumn::Scope
                    | DetailColumn::Key
            );
            assert_eq!(u8::from(number) + u8::from(text) + u8::from(own), 1, "{c:?}");
            assert_eq!(number, c.kind() == crate::ecrf::layout::ColumnKind::Number, "{c:?}");
        }
    }

    #[test]
    fn template_rows_and_lines() {
        let r = DetailRow::from_template(&DETAIL_ROWS[66]);
        assert_eq!(r.gpc_ref.as_deref(), Some("VI.1"));
        assert_eq!(r.key, Some(NotationKey::NotEstimated));
        assert!(!r.is_blank());
        assert!(DetailRow::from_template(&DETAIL_ROWS[0]).is_blank());
        let s = SummaryRow::template(SummaryLine::Institutional);
        assert_eq!(s.indirect.key, Some(NotationKey::IncludedElsewhere));
        assert!(s.comment.is_some());
        let mut wb = Workbook::default();
        wb.set_meta(MetaField::CityName, "A");
        wb.set_meta(MetaField::CityName, "B");
        assert_eq!(wb.meta(MetaField::CityName), Some("B"));
        assert_eq!(wb.meta.len(), 1);
    }
}
