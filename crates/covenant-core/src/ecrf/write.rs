//! Writes a [`Workbook`] as the eCRF template lays it out (feature `xlsx`).
//!
//! Every label, header, merged range and fixed cell of [`layout`](super::layout) is written
//! as the template spells it; the values are the model's, written as they are: the writer
//! computes nothing, so every total the model holds is written (rows 10, 16, 21, 24, 28, 33
//! and 34 alike) and every number is in the model's unit (t CO2e). A summary line that the
//! model does not list is written as the template has it ([`SummaryRow::template`]). The rows
//! of `eCRF_3` are [`Workbook::detail_as_written`].
//!
//! Numbers are written as spreadsheet numbers, never as text: the `f64` nearest to the
//! decimal ([`spreadsheet_number`]), which gives the decimal
//! back when it has at most 15 significant digits. A metadata value (a text in the model) is
//! written as a number when it is one and reads back the same (`8604`, `2015`), otherwise as
//! text. Text cells are never formulas. The creation date is fixed, so the same workbook
//! gives the same bytes.

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook as XlsxWorkbook,
    Worksheet, XlsxError,
};

use super::layout::{
    DetailColumn, META_LABEL_COL, META_VALUE_COL, MetaField, MetaSection, Range,
    SUMMARY_COMMENT_COL, SUMMARY_HEADERS, SUMMARY_LABEL_COL, SUMMARY_YEAR_RANGE, ScopeLabel, Sheet,
    SummaryLine, YEAR_PLACEHOLDER,
};
use super::model::{DetailRow, SummaryRow, Workbook};
use crate::quantity::{format_decimal, parse_decimal};
use crate::xlsx::spreadsheet_number;

/// An error while writing an eCRF workbook.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The XLSX writer refused a cell (a text longer than the 32,767 characters a cell holds)
    /// or failed.
    #[error("cannot write the eCRF workbook ({sheet}!{cell}): {source}")]
    Xlsx {
        /// The sheet.
        sheet: &'static str,
        /// The cell (A1 notation), or the sheet's first cell for an error of the sheet.
        cell: String,
        /// The writer's error.
        source: XlsxError,
    },
    /// The workbook could not be assembled.
    #[error("cannot write the eCRF workbook: {0}")]
    Workbook(#[from] XlsxError),
}

struct Formats {
    header: Format,
    section: Format,
    label: Format,
    total: Format,
    wrap: Format,
    tonnes: Format,
}

impl Formats {
    fn new() -> Formats {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(0x00DD_EBF7)
            .set_border(FormatBorder::Thin);
        Formats {
            section: Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_border(FormatBorder::Thin),
            header,
            label: Format::new().set_text_wrap().set_align(FormatAlign::VerticalCenter),
            total: Format::new().set_bold(),
            wrap: Format::new().set_text_wrap(),
            tonnes: Format::new().set_num_format("#,##0.00"),
        }
    }
}

/// One sheet with the error context of its cells.
struct Out<'a> {
    ws: &'a mut Worksheet,
    sheet: Sheet,
}

impl Out<'_> {
    fn at<T>(&self, row: u32, col: u16, r: Result<T, XlsxError>) -> Result<(), WriteError> {
        r.map(|_| ()).map_err(|source| WriteError::Xlsx {
            sheet: self.sheet.name(),
            cell: super::layout::cell_name(row, col),
            source,
        })
    }

    fn text(&mut self, row: u32, col: u16, s: &str, f: Option<&Format>) -> Result<(), WriteError> {
        let r = match f {
            Some(f) => self.ws.write_string_with_format(row, col, s, f).map(|_| ()),
            None => self.ws.write_string(row, col, s).map(|_| ()),
        };
        self.at(row, col, r)
    }

    fn opt_text(&mut self, row: u32, col: u16, s: Option<&str>) -> Result<(), WriteError> {
        match s {
            Some(s) if !s.is_empty() => self.text(row, col, s, None),
            _ => Ok(()),
        }
    }

    fn number(
        &mut self,
        row: u32,
        col: u16,
        d: Option<Decimal>,
        f: Option<&Format>,
    ) -> Result<(), WriteError> {
        let Some(d) = d else { return Ok(()) };
        let n = spreadsheet_number(d);
        let r = match f {
            Some(f) => self.ws.write_number_with_format(row, col, n, f).map(|_| ()),
            None => self.ws.write_number(row, col, n).map(|_| ()),
        };
        self.at(row, col, r)
    }

    fn merge(&mut self, r: Range, text: &str, f: &Format) -> Result<(), WriteError> {
        let res = self
            .ws
            .merge_range(r.first_row, r.first_col, r.last_row, r.last_col, text, f)
            .map(|_| ());
        self.at(r.first_row, r.first_col, res)
    }

    fn width(&mut self, col: u16, width: u16) -> Result<(), WriteError> {
        let r = self.ws.set_column_width(col, width).map(|_| ());
        self.at(0, col, r)
    }

    /// The year in a cell: a number, or the template's "Please select".
    fn year(&mut self, row: u32, col: u16, year: Option<i32>) -> Result<(), WriteError> {
        match year {
            Some(y) => self.number(row, col, Some(Decimal::from(y)), None),
            None => self.text(row, col, YEAR_PLACEHOLDER, None),
        }
    }
}

fn sheet<'a>(wb: &'a mut XlsxWorkbook, s: Sheet) -> Result<Out<'a>, WriteError> {
    let ws = wb.add_worksheet();
    ws.set_name(s.name())?;
    Ok(Out { ws, sheet: s })
}

/// A metadata text that is a number and reads back as the same text (`8604`, `2015`, `0.5`).
fn meta_number(value: &str) -> Option<Decimal> {
    let d = parse_decimal(value).ok()?;
    (format_decimal(d) == value && super::shortest_text(spreadsheet_number(d)) == value)
        .then_some(d)
}

/// The workbook as XLSX bytes.
pub fn write_workbook(wb: &Workbook) -> Result<Vec<u8>, WriteError> {
    let f = Formats::new();
    let mut book = XlsxWorkbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_title("GCoM Common Reporting Framework (eCRF)")
            .set_comment(format!("covenant {}", env!("CARGO_PKG_VERSION")))
            .set_creation_datetime(&created),
    );

    // eCRF_1: sections in A (merged), labels in B, values in C.
    {
        let mut o = sheet(&mut book, Sheet::Meta)?;
        o.width(0, 18)?;
        o.width(META_LABEL_COL, 64)?;
        o.width(META_VALUE_COL, 75)?;
        for s in MetaSection::ALL {
            o.merge(s.range(), s.label(), &f.section)?;
        }
        for field in MetaField::ALL {
            let row = field.row() - 1;
            o.text(row, META_LABEL_COL, field.label(), Some(&f.label))?;
            let value = wb.meta.iter().find(|(m, _)| m == field).map(|(_, v)| v.as_str());
            match value.and_then(|v| meta_number(v).map(|d| (v, d))) {
                Some((_, d)) => o.number(row, META_VALUE_COL, Some(d), None)?,
                None => o.opt_text(row, META_VALUE_COL, value)?,
            }
        }
    }

    // eCRF_2: the year in A1:H1, the headers of rows 2-3, the lines of rows 4-34.
    {
        let mut o = sheet(&mut book, Sheet::Summary)?;
        o.width(0, 64)?;
        for c in 1..=6 {
            o.width(c, 16)?;
        }
        o.width(SUMMARY_COMMENT_COL, 48)?;
        let y = SUMMARY_YEAR_RANGE;
        o.merge(y, "", &f.section)?;
        match wb.year {
            Some(year) => {
                o.number(0, 0, Some(Decimal::from(year)), Some(&f.section))?;
            }
            None => o.text(0, 0, YEAR_PLACEHOLDER, Some(&f.section))?,
        }
        for h in &SUMMARY_HEADERS {
            if h.is_merged() {
                o.merge(h.range, h.text, &f.header)?;
            } else {
                o.text(h.range.first_row, h.range.first_col, h.text, Some(&f.header))?;
            }
        }
        let r = o.ws.set_row_height(1, 48).map(|_| ());
        o.at(1, 0, r)?;
        for line in SummaryLine::ALL {
            let row = line.row() - 1;
            let template;
            let given = match wb.summary(*line) {
                Some(r) => r,
                None => {
                    template = SummaryRow::template(*line);
                    &template
                }
            };
            let label_format = if line.is_total() { &f.total } else { &f.label };
            o.text(row, SUMMARY_LABEL_COL, line.label(), Some(label_format))?;
            for scope in ScopeLabel::ALL {
                let e = given.entry(*scope);
                o.number(row, scope.value_col(), e.value, Some(&f.tonnes))?;
                if let Some(k) = e.key {
                    o.text(row, scope.key_col(), k.code(), None)?;
                }
            }
            if let Some(c) = given.comment.as_deref().filter(|c| !c.is_empty()) {
                o.text(row, SUMMARY_COMMENT_COL, c, Some(&f.wrap))?;
            }
        }
    }

    // eCRF_3: the headers in row 1, then the rows in the template's order.
    {
        let mut o = sheet(&mut book, Sheet::Detail)?;
        for c in DetailColumn::ALL {
            o.text(0, c.col(), c.label(), Some(&f.header))?;
            o.width(c.col(), detail_width(*c))?;
        }
        let r = o.ws.set_row_height(0, 45).map(|_| ());
        o.at(0, 0, r)?;
        let r = o.ws.set_freeze_panes(1, 0).map(|_| ());
        o.at(0, 0, r)?;
        for (i, r) in wb.detail_as_written().iter().enumerate() {
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            detail_row(&mut o, row, wb.year, r)?;
        }
    }

    Ok(book.save_to_buffer()?)
}

fn detail_row(
    o: &mut Out<'_>,
    row: u32,
    year: Option<i32>,
    r: &DetailRow,
) -> Result<(), WriteError> {
    for c in DetailColumn::ALL {
        let col = c.col();
        match c {
            DetailColumn::Year => o.year(row, col, year)?,
            DetailColumn::Sector => o.opt_text(row, col, Some(&r.sector))?,
            DetailColumn::Subsector => o.opt_text(row, col, Some(&r.subsector))?,
            DetailColumn::Scope => o.opt_text(row, col, r.scope.map(ScopeLabel::label))?,
            DetailColumn::Key => o.opt_text(row, col, r.key.map(|k| k.code()))?,
            _ => {
                o.number(row, col, r.number(*c), None)?;
                o.opt_text(row, col, r.text(*c))?;
            }
        }
    }
    Ok(())
}

/// Column widths of `eCRF_3`, in characters, close to the template's.
const fn detail_width(c: DetailColumn) -> u16 {
    use DetailColumn::*;
    match c {
        Year | GpcRef => 14,
        Sector | Scope => 24,
        Subsector | Fuel => 40,
        Key => 14,
        ActivityDescription | EfDescription | ActivitySource | EfSource => 36,
        _ => 22,
    }
}
