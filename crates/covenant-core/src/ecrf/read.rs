//! Reads an eCRF workbook into a [`Workbook`] with located [`Finding`]s (feature `ecrf-read`).
//!
//! Tolerant of what people and tools do to the template, strict on numbers:
//!
//! * labels and headers are compared through [`normalize`] (case, runs of spaces,
//!   non-breaking spaces, line breaks and surrounding white space do not matter), and a label
//!   spelled slightly differently is read as the template's nearest one with a warning
//!   (`ecrf_label_variant`); a label that is not near any is reported (`ecrf_unknown_label`,
//!   with the nearest one when there is one) and its row or column is not read;
//! * `eCRF_1` and `eCRF_2` are read by the labels of their rows, in any order; `eCRF_3` by
//!   the headers of its columns, in any order, with the header variants of filled workbooks
//!   ("Oxidation factor", "Activity data - Description");
//! * the sub-sector of `eCRF_3` is kept as written, a "Sub-sector > sub-category" path
//!   included; an empty GPC reference is `None`; extra sheets and defined names are ignored;
//!   the year selector's "Please select" is no year;
//! * a number cell is converted to a decimal by the shortest text that reads back as the same
//!   binary number (`0.1`, not `0.1000000000000000055511151231257827`), the one place a
//!   float is read; a formula gives its cached value; a number stored as text is read and
//!   reported (`ecrf_number_as_text`); any other text in a number column is an error
//!   (`ecrf_not_a_number`), as is a number an exact decimal cannot hold.
//!
//! Cell text never panics the reader; a file that is not an XLSX workbook, is larger than
//! [`MAX_BYTES`], unpacks to more than [`MAX_UNPACKED`], has a sheet of more than
//! [`MAX_CELLS`] cells, lacks `eCRF_3` or one of its required headers is a [`ReadError`].

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use rust_decimal::Decimal;

use super::finding::{Finding, FindingKind};
use super::layout::{
    DetailColumn, META_LABEL_COL, META_VALUE_COL, MetaField, SUMMARY_COMMENT_COL, SUMMARY_HEADERS,
    SUMMARY_LABEL_COL, SUMMARY_YEAR_RANGE, ScopeLabel, Sheet, SummaryLine, YEAR_PLACEHOLDER,
    cell_name, normalize,
};
use super::model::{DetailRow, Entry, Positions, SummaryRow, Workbook};
use crate::codes::{DecimalSyntax, clip};
use crate::crf::NotationKey;
use crate::quantity::parse_decimal;

/// The largest file read (bytes).
pub const MAX_BYTES: usize = 64 << 20;
/// The most the parts of a file may unpack to, as their sizes are declared in the archive
/// (the unpacking stops at the declared size).
pub const MAX_UNPACKED: u64 = 512 << 20;
/// The most cells a sheet may hold.
pub const MAX_CELLS: usize = 2_000_000;

/// Why a workbook could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The file is larger than [`MAX_BYTES`].
    #[error(
        "the file has {bytes} bytes, more than the {limit} an eCRF workbook is read with: check that it is the eCRF workbook"
    )]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The file's parts unpack to more than [`MAX_UNPACKED`].
    #[error(
        "the workbook unpacks to {bytes} bytes, more than the {limit} an eCRF workbook is read with: check that it is the eCRF workbook"
    )]
    Unpacked {
        /// The declared size of its parts.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// A sheet has more than [`MAX_CELLS`] cells.
    #[error("sheet '{sheet}' has more than {limit} cells: remove what is not part of the eCRF")]
    TooManyCells {
        /// The sheet.
        sheet: String,
        /// The limit.
        limit: usize,
    },
    /// Not an XLSX workbook (or a damaged one).
    #[error("not an XLSX workbook that can be read ({reason}): save it as .xlsx and try again")]
    NotAWorkbook {
        /// What the XLSX reader said.
        reason: String,
    },
    /// The workbook has no sheet `eCRF_3`.
    #[error("the workbook has no sheet '{sheet}' (sheets: {found}): it is not an eCRF workbook")]
    MissingSheet {
        /// The sheet.
        sheet: &'static str,
        /// The sheets it has.
        found: String,
    },
    /// `eCRF_3` lacks a header without which its rows cannot be placed.
    #[error(
        "sheet 'eCRF_3' has no column headed '{header}' in its first rows: the rows cannot be placed without it"
    )]
    MissingHeader {
        /// The template's header.
        header: &'static str,
    },
}

impl ReadError {
    /// A stable code.
    pub const fn code(&self) -> &'static str {
        match self {
            ReadError::TooLarge { .. } => "ecrf_file_too_large",
            ReadError::Unpacked { .. } => "ecrf_unpacks_too_large",
            ReadError::TooManyCells { .. } => "ecrf_too_many_cells",
            ReadError::NotAWorkbook { .. } => "ecrf_not_a_workbook",
            ReadError::MissingSheet { .. } => "ecrf_missing_detail_sheet",
            ReadError::MissingHeader { .. } => "ecrf_missing_required_header",
        }
    }
}

/// A cell's value, the one float already turned into its shortest text.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Text(String),
    Number(String),
    Bool(bool),
    Date(String),
    Error(String),
}

impl Value {
    /// The text a text column keeps: numbers by their shortest text, dates as ISO 8601.
    fn text(&self) -> &str {
        match self {
            Value::Text(s) | Value::Number(s) | Value::Date(s) | Value::Error(s) => s,
            Value::Bool(true) => "TRUE",
            Value::Bool(false) => "FALSE",
        }
    }
}

/// The cells of a sheet that hold something, by (row, column), 0-based.
#[derive(Debug, Default)]
struct Grid {
    cells: BTreeMap<(u32, u16), Value>,
}

impl Grid {
    fn get(&self, row: u32, col: u16) -> Option<&Value> {
        self.cells.get(&(row, col))
    }

    /// The trimmed text of a cell (`""` when empty).
    fn text(&self, row: u32, col: u16) -> &str {
        self.get(row, col).map_or("", |v| trim(v.text()))
    }

    fn rows(&self) -> Vec<u32> {
        let mut rows: Vec<u32> = self.cells.keys().map(|(r, _)| *r).collect();
        rows.dedup();
        rows
    }

    fn row(&self, row: u32) -> impl Iterator<Item = (u16, &Value)> {
        self.cells.range((row, 0)..=(row, u16::MAX)).map(|((_, c), v)| (*c, v))
    }
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}')
}

/// An Excel serial date (1900 system) as ISO 8601: `2024-03-01`, with the time when there is one.
fn serial_date(serial: &str) -> String {
    let Ok(d) = parse_decimal(serial) else { return serial.to_string() };
    if d < Decimal::ONE || d >= Decimal::from(2_958_466) {
        return serial.to_string(); // Before 1900-01-01 or after 9999-12-31: left as the number.
    }
    let days = d.trunc();
    let seconds = ((d - days) * Decimal::from(86_400)).round();
    let (Ok(days), Ok(seconds)) = (i64::try_from(days), i64::try_from(seconds)) else {
        return serial.to_string();
    };
    // Serial 60 is Excel's 1900-02-29, which did not exist; later serials are one day ahead.
    let days_since_1899_12_31 = if days > 60 { days - 1 } else { days };
    // Days from 1970-01-01 (1899-12-31 is 25568 days before it).
    let z = days_since_1899_12_31 - 25_568 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut out = format!("{year:04}-{month:02}-{day:02}");
    if seconds > 0 && seconds < 86_400 {
        let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
        out.push_str(&format!("T{h:02}:{m:02}:{s:02}"));
    }
    out
}

fn value(d: &DataRef<'_>) -> Option<Value> {
    Some(match d {
        DataRef::Empty => return None,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Value::Text(s.clone())
        }
        DataRef::SharedString(s) => Value::Text((*s).to_string()),
        DataRef::Int(i) => Value::Number(i.to_string()),
        DataRef::Float(f) => {
            let s = super::shortest_text(*f);
            if s.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') {
                Value::Number(s)
            } else {
                Value::Error(s) // NaN or infinity (not storable in a workbook, but never trusted).
            }
        }
        DataRef::Bool(b) => Value::Bool(*b),
        DataRef::DateTime(dt) => {
            let s = super::shortest_text(dt.as_f64());
            if dt.is_datetime() { Value::Date(serial_date(&s)) } else { Value::Text(s) }
        }
        DataRef::Error(e) => Value::Error(e.to_string()),
    })
}

/// Reads an eCRF workbook.
pub fn read_workbook(bytes: &[u8]) -> Result<(Workbook, Vec<Finding>), ReadError> {
    read_located(bytes).map(|(wb, _, findings)| (wb, findings))
}

/// [`read_workbook`], with where the workbook keeps its fields, lines and columns (for
/// findings located in the workbook as it was read).
pub fn read_located(bytes: &[u8]) -> Result<(Workbook, Positions, Vec<Finding>), ReadError> {
    if bytes.len() > MAX_BYTES {
        return Err(ReadError::TooLarge { bytes: bytes.len(), limit: MAX_BYTES });
    }
    check_unpacked(bytes)?;
    let mut xlsx = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ReadError::NotAWorkbook { reason: clip(&e.to_string(), 200).into_owned() })?;
    let names = xlsx.sheet_names();
    let find = |s: Sheet| {
        names
            .iter()
            .find(|n| n.as_str() == s.name())
            .or_else(|| names.iter().find(|n| normalize(n) == normalize(s.name())))
            .cloned()
    };
    let Some(detail_name) = find(Sheet::Detail) else {
        return Err(ReadError::MissingSheet {
            sheet: Sheet::Detail.name(),
            found: clip(&names.join(", "), 200).into_owned(),
        });
    };
    let mut r = Read { findings: Vec::new(), wb: Workbook::default(), pos: Positions::default() };

    let detail = load(&mut xlsx, &detail_name)?;
    let summary = match find(Sheet::Summary) {
        Some(n) => Some(load(&mut xlsx, &n)?),
        None => None,
    };
    let meta = match find(Sheet::Meta) {
        Some(n) => Some(load(&mut xlsx, &n)?),
        None => None,
    };
    match &meta {
        Some(g) => r.meta(g),
        None => r.at(FindingKind::MissingSheet, Sheet::Meta, 0, 0),
    }
    match &summary {
        Some(g) => r.summary(g),
        None => r.at(FindingKind::MissingSheet, Sheet::Summary, 0, 0),
    }
    r.detail(&detail)?;
    Ok((r.wb, r.pos, r.findings))
}

/// Refuses an archive whose parts declare more than [`MAX_UNPACKED`] bytes in all.
fn check_unpacked(bytes: &[u8]) -> Result<(), ReadError> {
    let bad = |e: zip::result::ZipError| ReadError::NotAWorkbook {
        reason: clip(&e.to_string(), 200).into_owned(),
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(bad)?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let size = zip.by_index_raw(i).map_err(bad)?.size();
        total = total.saturating_add(size);
    }
    if total > MAX_UNPACKED {
        return Err(ReadError::Unpacked { bytes: total, limit: MAX_UNPACKED });
    }
    Ok(())
}

fn load(xlsx: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Grid, ReadError> {
    let bad = |e: calamine::XlsxError| ReadError::NotAWorkbook {
        reason: clip(&format!("sheet '{name}': {e}"), 200).into_owned(),
    };
    let mut cells = xlsx.worksheet_cells_reader(name).map_err(bad)?;
    let mut grid = Grid::default();
    let mut count = 0usize;
    while let Some(cell) = cells.next_cell().map_err(bad)? {
        count += 1;
        if count > MAX_CELLS {
            return Err(ReadError::TooManyCells {
                sheet: clip(name, 60).into_owned(),
                limit: MAX_CELLS,
            });
        }
        let (row, col) = cell.get_position();
        let Ok(col) = u16::try_from(col) else { continue };
        if let Some(v) = value(cell.get_value())
            && !matches!(&v, Value::Text(s) if trim(s).is_empty())
        {
            grid.cells.insert((row, col), v);
        }
    }
    Ok(grid)
}

/// The outcome of looking a label up.
enum Label<T> {
    Exact(T),
    Variant(T, &'static str),
    Unknown(Option<&'static str>),
}

/// Looks a label up among the template's (`(value, label)` pairs, aliases included).
fn lookup<T: Copy>(text: &str, labels: &[(T, &'static str)]) -> Label<T> {
    let n = normalize(text);
    if let Some((t, _)) = labels.iter().find(|(_, l)| normalize(l) == n) {
        return Label::Exact(*t);
    }
    if n.chars().count() > 200 {
        return Label::Unknown(None); // Edit distances on huge cells are slow and pointless.
    }
    // A similarity score, never part of a result.
    #[allow(clippy::disallowed_types, reason = "strsim's scores are f64")]
    let mut best: Option<(T, &'static str, f64)> = None;
    for (t, l) in labels {
        let score = strsim::jaro_winkler(&n, &normalize(l));
        if best.is_none_or(|(_, _, b)| score > b) {
            best = Some((*t, l, score));
        }
    }
    match best {
        Some((t, l, s)) if s >= 0.95 => Label::Variant(t, l),
        Some((_, l, s)) if s >= 0.8 => Label::Unknown(Some(l)),
        _ => Label::Unknown(None),
    }
}

struct Read {
    findings: Vec<Finding>,
    wb: Workbook,
    pos: Positions,
}

impl Read {
    fn at(&mut self, kind: FindingKind, sheet: Sheet, row: u32, col: u16) {
        self.findings.push(Finding::at(kind, sheet, row, col));
    }

    /// A label cell: the value it names, or `None` (reported) when it names none.
    fn label<T: Copy + PartialEq>(
        &mut self,
        sheet: Sheet,
        row: u32,
        col: u16,
        text: &str,
        labels: &[(T, &'static str)],
        seen: &mut Vec<(T, String)>,
    ) -> Option<T> {
        let t = match lookup(text, labels) {
            Label::Exact(t) => t,
            Label::Variant(t, read_as) => {
                let label = text.to_string();
                self.at(FindingKind::LabelVariant { label, read_as }, sheet, row, col);
                t
            }
            Label::Unknown(suggestion) => {
                let label = text.to_string();
                self.at(FindingKind::UnknownLabel { label, suggestion }, sheet, row, col);
                return None;
            }
        };
        if let Some((_, first)) = seen.iter().find(|(s, _)| *s == t) {
            let label = labels.iter().find(|(l, _)| *l == t).map_or("", |(_, l)| *l);
            let kind = FindingKind::DuplicateLabel { label, first: first.clone() };
            self.at(kind, sheet, row, col);
            return None;
        }
        seen.push((t, cell_name(row, col)));
        Some(t)
    }

    fn number(&mut self, sheet: Sheet, row: u32, col: u16, v: Option<&Value>) -> Option<Decimal> {
        let (kind, d) = match v? {
            Value::Number(s) => match parse_decimal(s) {
                Ok(d) => return Some(d),
                Err(_) => (FindingKind::NumberOutOfRange { value: s.clone() }, None),
            },
            Value::Text(s) => match parse_decimal(s) {
                Ok(d) => (FindingKind::NumberAsText { value: trim(s).to_string() }, Some(d)),
                Err(DecimalSyntax::Empty) => return None,
                Err(DecimalSyntax::TooLong) => {
                    (FindingKind::NumberOutOfRange { value: trim(s).to_string() }, None)
                }
                Err(DecimalSyntax::NotADecimal) => {
                    (FindingKind::NotANumber { value: trim(s).to_string() }, None)
                }
            },
            other => (FindingKind::NotANumber { value: other.text().to_string() }, None),
        };
        self.at(kind, sheet, row, col);
        d
    }

    fn key(&mut self, sheet: Sheet, row: u32, col: u16, v: Option<&Value>) -> Option<NotationKey> {
        let text = v?.text();
        match text.parse::<NotationKey>() {
            Ok(k) => Some(k),
            Err(e) => {
                let kind = FindingKind::UnknownNotationKey {
                    value: trim(text).to_string(),
                    suggestion: e.suggestion,
                };
                self.at(kind, sheet, row, col);
                None
            }
        }
    }

    /// A year cell: `Ok(None)` when empty or "Please select".
    fn year(&mut self, sheet: Sheet, row: u32, col: u16, v: Option<&Value>) -> Option<i32> {
        let text = trim(v?.text());
        if text.is_empty() || normalize(text) == normalize(YEAR_PLACEHOLDER) {
            return None;
        }
        let year = parse_decimal(text)
            .ok()
            .filter(|d| d.fract().is_zero())
            .and_then(|d| i32::try_from(d).ok())
            .filter(|y| (1900..=2100).contains(y));
        if year.is_none() {
            self.at(FindingKind::InvalidYear { value: text.to_string() }, sheet, row, col);
        }
        year
    }

    fn meta(&mut self, g: &Grid) {
        let labels: Vec<(MetaField, &'static str)> =
            MetaField::ALL.iter().map(|f| (*f, f.label())).collect();
        let mut seen = Vec::new();
        for row in g.rows() {
            let label = g.text(row, META_LABEL_COL);
            let value = g.text(row, META_VALUE_COL);
            if label.is_empty() && value.is_empty() {
                continue; // A section cell of column A, or a note beside the table.
            }
            let Some(field) =
                self.label(Sheet::Meta, row, META_LABEL_COL, label, &labels, &mut seen)
            else {
                continue;
            };
            self.pos.meta.push((field, row));
            if !value.is_empty() {
                self.wb.meta.push((field, value.to_string()));
            }
        }
    }

    fn summary(&mut self, g: &Grid) {
        let s = Sheet::Summary;
        let (y0, c0) = (SUMMARY_YEAR_RANGE.first_row, SUMMARY_YEAR_RANGE.first_col);
        self.wb.year = self.year(s, y0, c0, g.get(y0, c0));
        if self.wb.year.is_some() {
            self.pos.year = Some((s, y0, c0));
        }
        for h in &SUMMARY_HEADERS {
            let (row, col) = (h.range.first_row, h.range.first_col);
            if normalize(g.text(row, col)) != normalize(h.text) {
                self.at(FindingKind::MissingHeader { header: h.text }, s, row, col);
            }
        }
        let mut labels: Vec<(SummaryLine, &'static str)> = Vec::new();
        for l in SummaryLine::ALL {
            labels.push((*l, l.label()));
            labels.extend(l.aliases().iter().map(|a| (*l, *a)));
        }
        let mut seen = Vec::new();
        let first = SUMMARY_HEADERS[0].range.last_row + 1;
        for row in g.rows().into_iter().filter(|r| *r >= first) {
            let label = g.text(row, SUMMARY_LABEL_COL);
            if label.is_empty() && g.row(row).all(|(c, _)| c > SUMMARY_COMMENT_COL) {
                continue; // Notes beside the table.
            }
            let Some(line) = self.label(s, row, SUMMARY_LABEL_COL, label, &labels, &mut seen)
            else {
                continue;
            };
            self.pos.summary.push((line, row));
            let mut out = SummaryRow::new(line);
            for scope in ScopeLabel::ALL {
                let (vc, kc) = (scope.value_col(), scope.key_col());
                let value = self.number(s, row, vc, g.get(row, vc));
                let key = self.key(s, row, kc, g.get(row, kc));
                *out.entry_mut(*scope) = Entry { value, key };
            }
            let comment = g.text(row, SUMMARY_COMMENT_COL);
            out.comment = (!comment.is_empty()).then(|| comment.to_string());
            if out.comment.is_none() {
                for scope in ScopeLabel::ALL {
                    if let Some(k) =
                        out.entry(*scope).key.filter(|k| Some(*k) != line.fixed_key(*scope))
                    {
                        let kind = FindingKind::KeyWithoutExplanation { key: k.code() };
                        self.at(kind, s, row, scope.key_col());
                    }
                }
            }
            self.wb.summary.push(out);
        }
    }

    fn detail(&mut self, g: &Grid) -> Result<(), ReadError> {
        let s = Sheet::Detail;
        let mut labels: Vec<(DetailColumn, &'static str)> = Vec::new();
        for c in DetailColumn::ALL {
            labels.push((*c, c.label()));
            labels.extend(c.variants().iter().map(|v| (*c, *v)));
        }
        // The header row: the first of the first ten rows with three known headers.
        let header_row = g.rows().into_iter().take(10).find(|r| {
            g.row(*r)
                .filter(|(_, v)| matches!(lookup(v.text(), &labels), Label::Exact(_)))
                .take(3)
                .count()
                == 3
        });
        let Some(header_row) = header_row else {
            let header =
                DetailColumn::ALL.iter().find(|c| c.is_required()).map_or("", |c| c.label());
            return Err(ReadError::MissingHeader { header });
        };
        let mut columns: Vec<(u16, DetailColumn)> = Vec::new();
        let mut seen = Vec::new();
        let cells: Vec<(u16, String)> =
            g.row(header_row).map(|(c, v)| (c, trim(v.text()).to_string())).collect();
        for (col, text) in cells {
            if let Some(c) = self.label(s, header_row, col, &text, &labels, &mut seen) {
                columns.push((col, c));
            }
        }
        for c in DetailColumn::ALL {
            if columns.iter().any(|(_, m)| m == c) {
                continue;
            }
            if c.is_required() {
                return Err(ReadError::MissingHeader { header: c.label() });
            }
            self.at(FindingKind::MissingHeader { header: c.label() }, s, header_row, c.col());
        }
        self.pos.detail = columns.iter().map(|(col, c)| (*c, *col)).collect();
        let mut years: Vec<i32> = self.wb.year.into_iter().collect();
        for row in g.rows().into_iter().filter(|r| *r > header_row) {
            let has_data = columns.iter().any(|(col, c)| {
                let t = g.text(row, *col);
                let placeholder = *c == DetailColumn::Year && same_placeholder(t);
                !t.is_empty() && !placeholder
            });
            if !has_data {
                continue;
            }
            let mut out = DetailRow { row: row.saturating_add(1), ..DetailRow::default() };
            for &(col, c) in &columns {
                let v = g.get(row, col);
                match c {
                    DetailColumn::Year => {
                        if let Some(y) = self.year(s, row, col, v) {
                            match years.first() {
                                None => {
                                    years.push(y);
                                    self.wb.year = Some(y);
                                    self.pos.year = Some((s, row, col));
                                }
                                Some(&expected) if y != expected && !years.contains(&y) => {
                                    years.push(y);
                                    self.at(
                                        FindingKind::YearMismatch { year: y, expected },
                                        s,
                                        row,
                                        col,
                                    );
                                }
                                _ => {}
                            }
                        }
                    }
                    DetailColumn::Sector => out.sector = g.text(row, col).to_string(),
                    DetailColumn::Subsector => out.subsector = g.text(row, col).to_string(),
                    DetailColumn::Scope => {
                        let text = g.text(row, col);
                        out.scope = ScopeLabel::parse(text);
                        if out.scope.is_none() {
                            let kind = FindingKind::UnknownScope { value: text.to_string() };
                            self.at(kind, s, row, col);
                        }
                    }
                    DetailColumn::Key => out.key = self.key(s, row, col, v),
                    _ => {
                        if let Some(slot) = out.number_mut(c) {
                            *slot = self.number(s, row, col, v);
                        } else if let Some(slot) = out.text_mut(c) {
                            let t = g.text(row, col);
                            *slot = (!t.is_empty()).then(|| t.to_string());
                        }
                    }
                }
            }
            self.wb.detail.push(out);
        }
        Ok(())
    }
}

fn same_placeholder(t: &str) -> bool {
    normalize(t) == normalize(YEAR_PLACEHOLDER)
}
