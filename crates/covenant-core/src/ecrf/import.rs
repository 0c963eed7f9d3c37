//! eCRF workbooks into CRF inventories: the batch input each workbook stands for
//! (`inventories.csv` and `crf_activity.csv`, which a user can edit and run again), computed
//! like a batch, with every finding located in the workbook it came from.
//!
//! * One inventory per workbook, its id the file's name (without extension; a run of other
//!   characters than letters, digits, `-`, `_` and `.` becomes one `_`; a repeated name gets
//!   `-2`, `-3` …).
//!   `eCRF_1` gives the city, the country (its ISO code, or its English name), the inventory
//!   year (or `eCRF_2` A1, or `eCRF_3` column A), the population and the GWP set ("AR5",
//!   "IPCC AR5 (100-year)", "Fifth Assessment Report" are `ar5`).
//! * Every `eCRF_3` row with data becomes a `crf_activity.csv` row of the line its sector,
//!   sub-sector and scope (or its GPC reference) name ([`super::convert::line_of`]; a row
//!   that names none is the error `ecrf_unplaced_row`). The workbook's own factors and
//!   emissions are kept: the engine computes activity × factors only where a row has no
//!   emissions, and checks the numbers it is given against each other (`crf_mismatch`).
//! * A notation-key row keeps its key with the explanation of its "Emission factor -
//!   Description" or, for a key other than `NE`, the comment of its `eCRF_2` row. `NE`
//!   without an explanation of its own is what the template writes in a line without data
//!   and is left out (the line is `NE` anyway, and its `eCRF_2` comment speaks of the whole
//!   row); another key without one is `ecrf_row_key_without_explanation`.
//! * An activity with neither a factor nor emissions is a gap (`ecrf_activity_without_factor`):
//!   by default the row is written as `NE`, its activity kept in the explanation; with
//!   [`ImportOptions::fill_factors`] it is computed with the factor release's factors and the
//!   emissions added are reported (`ecrf_factor_filled`).
//! * After the computation, every value of `eCRF_2` is compared with what its rows add up to,
//!   with the template's relative tolerance of 0.5 % (`ecrf_summary_mismatch`), and every
//!   error or warning of the engine is reported at the workbook cell its value came from.
//!
//! What the batch format has no column for is not carried: the data-quality, year and scale
//! cells of a row, its oxidation factor and its unit-conversion columns; the factor's
//! description goes with its source into `factor_source`.
//!
//! The arithmetic is the engine's: the page and the command line call [`import`] and give the
//! same numbers.

use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use super::convert::{gpc_scope, line_of};
use super::finding::{Finding, FindingKind};
use super::layout::{DetailColumn, MetaField, Sheet, SummaryLine, normalize};
use super::model::{DetailRow, Positions, Workbook};
use crate::batch::{self, BatchInput, BatchOutput, CRF_ACTIVITY_HEADER, Diagnostic};
use crate::country::Country;
use crate::crf::NotationKey;
use crate::error::Params;
use crate::error::kinds::Severity;
use crate::factors::Catalog;
use crate::gpc::{Origin, differ};
use crate::taxonomy::{Approach, Carrier};

/// The name the derived inventories are given in diagnostics and on disk.
pub const INVENTORIES_FILE: &str = "inventories.csv";
/// The name the derived CRF rows are given in diagnostics and on disk.
pub const CRF_ACTIVITY_FILE: &str = "crf_activity.csv";

/// The columns of the derived `inventories.csv`.
const INVENTORY_COLUMNS: [&str; 8] =
    ["inventory_id", "city", "country", "year", "framework", "population", "approach", "gwp"];

/// One workbook to import.
#[derive(Clone, Copy, Debug)]
pub struct Book<'a> {
    /// The file's name as the user gave it (its stem becomes the inventory id).
    pub file: &'a str,
    /// The workbook.
    pub workbook: &'a Workbook,
    /// Where the workbook keeps its fields, lines and columns (the template's places for a
    /// workbook built in memory: `Positions::default()`).
    pub positions: &'a Positions,
}

/// How workbooks are imported.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions {
    /// Compute an activity without a factor in the workbook with the factor release's factors
    /// (by default it is written as `NE`).
    pub fill_factors: bool,
    /// The approach of the derived inventories (it chooses the grid factors of electricity
    /// when gaps are filled); `None` leaves the batch format's default.
    pub approach: Option<Approach>,
    /// The threads the computation may use (0 or 1: the caller's).
    pub threads: usize,
}

/// A finding in one of the workbooks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookFinding {
    /// The workbook's file name.
    pub file: String,
    /// The finding.
    pub finding: Finding,
}

impl fmt::Display for BookFinding {
    /// `FILE:SHEET!CELL: message` (with `warning: ` before a warning's message).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let f0 = &self.finding;
        write!(f, "{}:{}!{}: ", self.file, f0.sheet.name(), f0.cell)?;
        if f0.severity() == Severity::Warning {
            f.write_str("warning: ")?;
        }
        write!(f, "{f0}")
    }
}

impl Serialize for BookFinding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let f = &self.finding;
        let mut st = s.serialize_struct("BookFinding", 7)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("code", f.code())?;
        st.serialize_field("severity", &f.severity())?;
        st.serialize_field("sheet", f.sheet.name())?;
        st.serialize_field("cell", &f.cell)?;
        st.serialize_field("params", &f.params())?;
        st.serialize_field("message", &f.to_string())?;
        st.end()
    }
}

/// What [`import`] derived and computed.
#[derive(Debug, Default)]
pub struct Imported {
    /// The derived `inventories.csv`.
    pub inventories_csv: String,
    /// The derived `crf_activity.csv`.
    pub crf_activity_csv: String,
    /// The inventory id of each workbook, in the order given.
    pub ids: Vec<String>,
    /// The batch computed from the derived files (its diagnostics name the derived files).
    pub output: BatchOutput,
    /// Every finding, by workbook, in sheet order within each.
    pub findings: Vec<BookFinding>,
}

impl Imported {
    /// Whether a finding is an error (the derived inventories are then not all computed, or
    /// a value of a workbook was not read).
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.finding.severity() == Severity::Error)
    }
}

/// Where a row of the derived `crf_activity.csv` comes from.
#[derive(Clone, Copy, Debug)]
struct RowSource {
    /// Its line in the derived file.
    line: u64,
    /// The workbook.
    book: usize,
    /// The 0-based sheet row in `eCRF_3`.
    row: u32,
    /// An activity without factors computed with the release's.
    filled: bool,
}

/// Derives, computes and checks: see the module documentation.
pub fn import(books: &[Book<'_>], catalog: &Catalog, opts: ImportOptions) -> Imported {
    let mut findings: Vec<Vec<Finding>> = vec![Vec::new(); books.len()];
    let ids = ids(books);
    let inventories_csv = inventories(books, &ids, opts);
    let (crf_activity_csv, origins) = rows(books, &ids, opts, &mut findings);
    let input = BatchInput {
        inventories: (INVENTORIES_FILE, inventories_csv.as_bytes()),
        activity: ("activity.csv", &b"inventory_id,sector,carrier,amount,unit\n"[..]),
        factors: None,
        supply: None,
        actions: None,
        crf_activity: Some((CRF_ACTIVITY_FILE, crf_activity_csv.as_bytes())),
    };
    let options = batch::Options { cell_detail: false, threads: opts.threads.max(1) };
    let output = batch::run_with(input, catalog, options, &mut |_| {});
    let diagnostics = output.errors.iter().map(|d| (d, true));
    for (d, error) in diagnostics.chain(output.warnings.iter().map(|d| (d, false))) {
        if let Some((book, f)) = locate(d, error, books, &ids, &origins) {
            findings[book].push(f);
        }
    }
    for (b, book) in books.iter().enumerate() {
        let Some(inv) = output.inventories.iter().find(|i| i.inventory.spec.id == ids[b]) else {
            continue;
        };
        let Some(crf) = &inv.inventory.crf else { continue };
        for o in origins.iter().filter(|o| o.book == b && o.filled) {
            if let Some(r) = crf.rows.iter().find(|r| r.input.input_line == Some(o.line))
                && r.origin == Origin::Release
            {
                let kind = FindingKind::FactorFilled {
                    tco2e: r.emissions.co2e.unwrap_or_default().normalize().to_string(),
                    source: r.factor_source.clone().unwrap_or_default(),
                };
                let col = book.positions.detail_col(DetailColumn::EfCo2e);
                findings[b].push(Finding::at(kind, Sheet::Detail, o.row, col));
            }
        }
        if let Ok(cells) = crf.summary() {
            summary_check(book, &cells, &mut findings[b]);
        }
    }
    let mut all = Vec::new();
    for (b, mut list) in findings.into_iter().enumerate() {
        list.sort_by_key(|f| (f.sheet, cell_order(&f.cell)));
        all.extend(
            list.into_iter()
                .map(|finding| BookFinding { file: books[b].file.to_string(), finding }),
        );
    }
    Imported { inventories_csv, crf_activity_csv, ids, output, findings: all }
}

/// What filling the gaps of one workbook changed ([`fill_effect`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FillEffect {
    /// The workbook's file name.
    pub file: String,
    /// Its inventory's id.
    pub id: String,
    /// The activities computed with the release's factors (`ecrf_factor_filled`).
    pub rows: usize,
    /// The inventory's total emissions with the gaps read as `NE`, t CO2-eq.
    #[serde(with = "rust_decimal::serde::str")]
    pub without: Decimal,
    /// Its total emissions with the gaps filled, t CO2-eq.
    #[serde(with = "rust_decimal::serde::str")]
    pub with: Decimal,
    /// `with − without`.
    #[serde(with = "rust_decimal::serde::str")]
    pub added: Decimal,
}

/// The difference filling the gaps made: for each workbook with a gap filled in `filled`
/// (imported with [`ImportOptions::fill_factors`]), its inventory's total emissions in
/// `unfilled` (the same workbooks imported without) and in `filled`. A workbook whose
/// inventory one of the two imports could not compute is left out.
pub fn fill_effect(books: &[Book<'_>], unfilled: &Imported, filled: &Imported) -> Vec<FillEffect> {
    let total = |imported: &Imported, id: &str| {
        imported
            .output
            .inventories
            .iter()
            .find(|i| i.inventory.spec.id == id)
            .map(|i| i.inventory.total_emissions.tonnes())
    };
    let mut out = Vec::new();
    for (b, book) in books.iter().enumerate() {
        let Some(id) = filled.ids.get(b) else { continue };
        let rows = filled
            .findings
            .iter()
            .filter(|f| {
                f.file == book.file && matches!(f.finding.kind, FindingKind::FactorFilled { .. })
            })
            .count();
        if rows == 0 {
            continue;
        }
        let (Some(without), Some(with)) = (total(unfilled, id), total(filled, id)) else {
            continue;
        };
        let Some(added) = with.checked_sub(without) else { continue };
        out.push(FillEffect {
            file: book.file.to_string(),
            id: id.clone(),
            rows,
            without: without.normalize(),
            with: with.normalize(),
            added: added.normalize(),
        });
    }
    out
}

/// A cell name's (row, column) for sorting (`B10` after `B9`).
fn cell_order(cell: &str) -> (u32, usize, String) {
    let split = cell.find(|c: char| c.is_ascii_digit()).unwrap_or(cell.len());
    let (col, row) = cell.split_at(split);
    (row.parse().unwrap_or(0), col.len(), col.to_string())
}

/// The inventory id of each workbook: its file stem, cleaned and made unique.
fn ids(books: &[Book<'_>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(books.len());
    for b in books {
        let name = b.file.rsplit(['/', '\\']).next().unwrap_or(b.file);
        let stem = match name.rfind('.') {
            Some(i) if i > 0 => &name[..i],
            _ => name,
        };
        let mut id = String::new();
        for c in stem.chars().take(100) {
            let c = if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '_' };
            // A run of other characters becomes one `_`.
            if !(c == '_' && id.ends_with('_')) {
                id.push(c);
            }
        }
        // Never a leading character a spreadsheet reads as a formula, never empty.
        let trimmed = id.trim_start_matches(|c: char| !c.is_ascii_alphanumeric()).to_string();
        id = if trimmed.is_empty() { "ecrf".to_string() } else { trimmed };
        let base = id.clone();
        let mut k = 2;
        while out.contains(&id) {
            id = format!("{base}-{k}");
            k += 1;
        }
        out.push(id);
    }
    out
}

/// The GWP set a text names, as the batch format's code (the text itself when it names none:
/// the engine then reports it).
fn gwp_code(text: &str) -> String {
    let t = text.to_ascii_lowercase();
    let words: Vec<&str> = t.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    for (code, ordinal) in
        [("ar6", "sixth"), ("ar5", "fifth"), ("ar4", "fourth"), ("tar", "third"), ("sar", "second")]
    {
        if words.contains(&code) || words.contains(&ordinal) {
            return code.to_string();
        }
    }
    text.trim().to_string()
}

/// The country code a text names: a code, or an English short name.
fn country_code(text: &str) -> String {
    let t = text.trim();
    if let Ok(c) = Country::parse(&t.to_ascii_uppercase()) {
        return c.code().to_string();
    }
    let n = normalize(t);
    Country::all()
        .find(|c| normalize(c.name()) == n)
        .map_or_else(|| t.to_string(), |c| c.code().to_string())
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> String {
    // Writing into memory cannot fail, and every field is UTF-8.
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The derived `inventories.csv`.
fn inventories(books: &[Book<'_>], ids: &[String], opts: ImportOptions) -> String {
    let mut w = csv_writer();
    let _ = w.write_record(INVENTORY_COLUMNS);
    for (b, id) in books.iter().zip(ids) {
        let wb = b.workbook;
        let meta = |f: MetaField| wb.meta(f).unwrap_or_default().trim().to_string();
        let year = wb.year.map_or_else(|| meta(MetaField::InventoryYear), |y| y.to_string());
        let country = wb.meta(MetaField::Country).map(country_code).unwrap_or_default();
        let gwp = wb.meta(MetaField::Gwp).map(gwp_code).unwrap_or_default();
        let approach = opts.approach.map(|a| a.code().to_string()).unwrap_or_default();
        let _ = w.write_record([
            id.clone(),
            meta(MetaField::CityName),
            country,
            year,
            "crf".to_string(),
            meta(MetaField::Population),
            approach,
            gwp,
        ]);
    }
    finish(w)
}

/// A number as the batch format writes it.
fn num(d: Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

/// The carrier code a fuel names (by code or English label), else the text as written.
fn fuel_code(fuel: &str) -> String {
    let n = normalize(fuel);
    Carrier::ALL
        .iter()
        .find(|c| c.code() == fuel.trim() || normalize(c.label()) == n)
        .map_or_else(|| fuel.trim().to_string(), |c| c.code().to_string())
}

/// The explanation of a key row: its factor description, or (but for `NE`) its `eCRF_2`
/// row's comment.
fn explanation(
    wb: &Workbook,
    r: &DetailRow,
    line: &crate::gpc::taxonomy::Line,
    key: NotationKey,
) -> Option<String> {
    if let Some(e) = r.ef_description.as_deref().filter(|e| !e.trim().is_empty()) {
        return Some(e.trim().to_string());
    }
    if key == NotationKey::NotEstimated {
        return None;
    }
    let row = crate::gpc::summary_row(line)?;
    let l = SummaryLine::ALL.iter().find(|l| l.row() == row)?;
    wb.summary(*l).and_then(|s| s.comment.clone()).filter(|c| !c.trim().is_empty())
}

/// The derived `crf_activity.csv` and where each of its rows comes from.
fn rows(
    books: &[Book<'_>],
    ids: &[String],
    opts: ImportOptions,
    findings: &mut [Vec<Finding>],
) -> (String, Vec<RowSource>) {
    let mut w = csv_writer();
    let _ = w.write_record(CRF_ACTIVITY_HEADER.split(','));
    let mut origins = Vec::new();
    // The line the next record starts on (a text with a line break spans several).
    let mut line: u64 = 2;
    for (b, book) in books.iter().enumerate() {
        let (wb, pos) = (book.workbook, book.positions);
        for r in &wb.detail {
            if r.is_blank() {
                continue;
            }
            let row0 = r.row.saturating_sub(1);
            let at = |kind: FindingKind, c: DetailColumn| {
                Finding::at(kind, Sheet::Detail, row0, pos.detail_col(c))
            };
            let Some(l) = line_of(r) else {
                let kind = FindingKind::UnplacedRow {
                    sector: r.sector.clone(),
                    subsector: r.subsector.clone(),
                };
                findings[b].push(at(kind, DetailColumn::Subsector));
                continue;
            };
            let numbers = DetailColumn::ALL.iter().any(|c| r.number(*c).is_some());
            let mut key = r.key;
            let mut expl = None;
            if let (Some(k), false) = (key, numbers) {
                expl = explanation(wb, r, l, k);
                if expl.is_none() {
                    if k != NotationKey::NotEstimated {
                        let kind = FindingKind::RowKeyWithoutExplanation { key: k.code() };
                        findings[b].push(at(kind, DetailColumn::Key));
                    }
                    continue;
                }
            }
            let factors = [r.ef_co2, r.ef_ch4, r.ef_n2o, r.ef_co2e];
            let emissions = [r.ghg_co2, r.ghg_ch4, r.ghg_n2o, r.ghg_total];
            let gap = key.is_none()
                && r.activity_amount.is_some()
                && factors.iter().all(Option::is_none)
                && emissions.iter().all(Option::is_none);
            let unit = r.activity_unit.clone().unwrap_or_default();
            let mut amount = num(r.activity_amount);
            let mut unit_out = unit.clone();
            let fuel = r.fuel.as_deref().map(fuel_code).unwrap_or_default();
            if gap && !opts.fill_factors {
                let kind = FindingKind::ActivityWithoutFactor { amount: amount.clone(), unit };
                let cell = at(kind, DetailColumn::EfCo2e);
                key = Some(NotationKey::NotEstimated);
                let of = r.fuel.as_deref().map(|f| format!(" of {}", f.trim())).unwrap_or_default();
                expl = Some(format!(
                    "activity of {amount} {}{of} given in the eCRF workbook (eCRF_3!{}) without an emission factor or emissions",
                    unit_out.trim(),
                    cell.cell
                ));
                findings[b].push(cell);
                amount.clear();
                unit_out.clear();
            }
            let keyed = key.is_some() && !numbers;
            let description = r.activity_description.clone().unwrap_or_default();
            let source = r.activity_source.clone().unwrap_or_default();
            // The factor's source, and its description where that is not a key's explanation.
            let factor_description = r.ef_description.as_deref().filter(|_| !keyed);
            let factor_source = [r.ef_source.as_deref(), factor_description]
                .into_iter()
                .flatten()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join("; ");
            let gpc_ref = l.gpc_ref.unwrap_or_default().to_string();
            let record = [
                ids[b].clone(),
                gpc_ref,
                l.subsector.code().to_string(),
                l.scope.number().to_string(),
                fuel,
                amount,
                unit_out,
                if keyed { String::new() } else { r.ef_unit.clone().unwrap_or_default() },
                num(r.ef_co2),
                num(r.ef_ch4),
                num(r.ef_n2o),
                num(r.ef_co2e),
                num(r.ef_biogenic),
                num(r.ghg_co2),
                num(r.ghg_ch4),
                num(r.ghg_n2o),
                num(r.ghg_total),
                num(r.ghg_biogenic),
                key.map(|k| k.code().to_string()).unwrap_or_default(),
                expl.unwrap_or_default(),
                description,
                source,
                factor_source,
            ];
            let breaks: u64 = record.iter().map(|f| f.matches('\n').count() as u64).sum();
            let _ = w.write_record(&record);
            origins.push(RowSource { line, book: b, row: row0, filled: gap && opts.fill_factors });
            line += 1 + breaks;
        }
    }
    (finish(w), origins)
}

/// The `eCRF_3` column of a `crf_activity.csv` column.
fn detail_column(field: &str) -> DetailColumn {
    use DetailColumn::*;
    match field {
        "gpc_ref" => GpcRef,
        "crf_subsector" => Subsector,
        "scope" => Scope,
        "fuel" => Fuel,
        "amount" => ActivityAmount,
        "unit" => ActivityUnit,
        "factor_unit" => EfUnit,
        "co2_factor" => EfCo2,
        "ch4_factor" => EfCh4,
        "n2o_factor" => EfN2o,
        "co2e_factor" => EfCo2e,
        "biogenic_co2_factor" => EfBiogenic,
        "co2_tco2e" => GhgCo2,
        "ch4_tco2e" => GhgCh4,
        "n2o_tco2e" => GhgN2o,
        "total_tco2e" => GhgTotal,
        "biogenic_co2_t" => GhgBiogenic,
        "notation_key" => Key,
        "explanation" => EfDescription,
        "description" => ActivityDescription,
        "activity_source" => ActivitySource,
        "factor_source" => EfSource,
        _ => Sector,
    }
}

/// The `eCRF_1` field of an `inventories.csv` column.
fn meta_field(field: &str) -> Option<MetaField> {
    Some(match field {
        "city" => MetaField::CityName,
        "country" => MetaField::Country,
        "year" => MetaField::InventoryYear,
        "population" => MetaField::Population,
        "gwp" => MetaField::Gwp,
        _ => return None,
    })
}

/// An engine diagnostic at the workbook cell its value came from.
fn locate(
    d: &Diagnostic,
    error: bool,
    books: &[Book<'_>],
    ids: &[String],
    origins: &[RowSource],
) -> Option<(usize, Finding)> {
    let mut message = d.message.clone();
    if let (Some(c), Some(v)) = (&d.column, &d.value) {
        message = format!("'{v}' ({c}): {message}");
    }
    let kind =
        FindingKind::Engine { code: d.code, error, params: Params(d.params.0.clone()), message };
    let book_of_id =
        || d.inventory_id.as_deref().and_then(|id| ids.iter().position(|i| i == id)).unwrap_or(0);
    match (d.file.as_deref(), d.line) {
        (Some(CRF_ACTIVITY_FILE), Some(line)) => {
            let o = origins.iter().find(|o| o.line == line)?;
            // A disagreement between numbers is shown at the number entered last in the row.
            let col = match (d.column.as_deref(), d.params.get("what")) {
                (Some(c), _) => detail_column(c),
                (None, Some("factor_vs_gases")) => DetailColumn::EfCo2e,
                (None, Some(_)) => DetailColumn::GhgTotal,
                (None, None) => DetailColumn::Sector,
            };
            let col = books[o.book].positions.detail_col(col);
            Some((o.book, Finding::at(kind, Sheet::Detail, o.row, col)))
        }
        (Some(INVENTORIES_FILE), Some(line)) => {
            let b = usize::try_from(line.checked_sub(2)?).ok().filter(|b| *b < books.len())?;
            let pos = books[b].positions;
            let field = d.column.as_deref().and_then(meta_field);
            let f = match (field, pos.year) {
                (Some(MetaField::InventoryYear), Some((sheet, row, col)))
                    if books[b].workbook.meta(MetaField::InventoryYear).is_none() =>
                {
                    Finding::at(kind, sheet, row, col)
                }
                (Some(f), _) => Finding::at(kind, Sheet::Meta, pos.meta_row(f), 2),
                (None, _) => Finding::at(kind, Sheet::Meta, 0, 0),
            };
            Some((b, f))
        }
        _ => {
            if books.is_empty() {
                return None;
            }
            Some((book_of_id(), Finding::at(kind, Sheet::Detail, 0, 0)))
        }
    }
}

/// Compares every value of `eCRF_2` with what its rows add up to.
fn summary_check(book: &Book<'_>, cells: &[crate::gpc::SummaryCell], out: &mut Vec<Finding>) {
    let wb = book.workbook;
    for s in &wb.summary {
        let line = s.line;
        for scope in line.value_scopes() {
            let given = s.entry(*scope).value;
            let rows = cells
                .iter()
                .find(|c| c.row == line.row() && c.scope == gpc_scope(*scope))
                .and_then(|c| c.value);
            let mismatch = match (given, rows) {
                (Some(g), Some(r)) => differ(g, r),
                (Some(g), None) => !g.is_zero(),
                (None, Some(r)) => !r.is_zero(),
                (None, None) => false,
            };
            if mismatch {
                let kind = FindingKind::SummaryMismatch {
                    line: line.label(),
                    given: given.map(|g| g.normalize().to_string()),
                    rows: rows.unwrap_or_default().normalize().to_string(),
                };
                let row = book.positions.summary_row(line);
                out.push(Finding::at(kind, Sheet::Summary, row, scope.value_col()));
            }
        }
    }
}

#[cfg(all(test, feature = "embedded-factors"))]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use crate::ecrf::layout::ScopeLabel;
    use crate::ecrf::model::{Entry, SummaryRow};

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn import_one(wb: &Workbook) -> Imported {
        let pos = Positions::default();
        let book = Book { file: "dir/Ciudad Ñ 2019.xlsx", workbook: wb, positions: &pos };
        import(&[book], Catalog::embedded(), ImportOptions::default())
    }

    #[test]
    fn names_countries_and_gwp_sets_as_people_write_them() {
        assert_eq!(gwp_code("AR5"), "ar5");
        assert_eq!(gwp_code("IPCC AR5 (100-year)"), "ar5");
        assert_eq!(gwp_code("Fifth Assessment Report"), "ar5");
        assert_eq!(gwp_code("ar6"), "ar6");
        assert_eq!(gwp_code(" GWP-100 "), "GWP-100");
        assert_eq!(country_code("Chile"), "CL");
        assert_eq!(country_code("cl"), "CL");
        assert_eq!(country_code("  Mexico "), "MX");
        assert_eq!(country_code("Narnia"), "Narnia");
        assert_eq!(fuel_code("Natural gas"), "natural_gas");
        assert_eq!(fuel_code("diesel"), "diesel");
        assert_eq!(fuel_code("Cow manure"), "Cow manure");
        let wb = Workbook::default();
        let pos = Positions::default();
        let b = |file| Book { file, workbook: &wb, positions: &pos };
        let names = ids(&[b("a/City 2019.xlsx"), b("b/City 2019.xlsx"), b("=x.xlsx"), b(".xlsx")]);
        assert_eq!(names, ["City_2019", "City_2019-2", "x", "xlsx"]);
    }

    /// A workbook as another tool fills it: sub-sector paths, empty GPC references, labels in
    /// another case, fuels by name, the year only in `eCRF_3`.
    #[test]
    fn rows_of_other_tools_are_placed_on_their_lines() {
        let mut wb = Workbook { year: Some(2019), ..Workbook::default() };
        wb.set_meta(MetaField::Country, "Chile");
        wb.set_meta(MetaField::Gwp, "AR5");
        let mut gas = DetailRow::new(
            None,
            "STATIONARY ENERGY",
            "Residential buildings > Stationary combustion",
            ScopeLabel::Direct,
        );
        gas.row = 2;
        gas.fuel = Some("Natural gas".into());
        gas.activity_amount = Some(d("1000"));
        gas.activity_unit = Some("TJ".into());
        gas.ef_unit = Some("kgCO2/TJ".into());
        gas.ef_co2 = Some(d("56100"));
        gas.ef_source = Some("IPCC 2006, Vol. 2, Table 2.2".into());
        gas.ef_description = Some("default factor".into());
        let mut lights =
            DetailRow::new(Some(""), "Stationary energy", "Streetlights", ScopeLabel::Indirect);
        lights.row = 3;
        lights.ghg_total = Some(d("1500.25"));
        let mut landfill = DetailRow::new(
            Some("III.1.1"),
            "Waste",
            "Solid waste disposal > landfill",
            ScopeLabel::Direct,
        );
        landfill.row = 4;
        landfill.ghg_ch4 = Some(d("2000"));
        wb.detail = vec![gas, lights, landfill];
        let mut total = SummaryRow::new(SummaryLine::TotalEmissions);
        total.direct = Entry::value(d("58100"));
        total.indirect = Entry::value(d("1500.25"));
        total.outside = Entry::value(d("0"));
        wb.summary = vec![total];
        let out = import_one(&wb);
        let messages: Vec<String> = out.findings.iter().map(ToString::to_string).collect();
        assert_eq!(messages, Vec::<String>::new());
        assert_eq!(out.ids, ["Ciudad_2019"]);
        assert_eq!(
            out.inventories_csv,
            "inventory_id,city,country,year,framework,population,approach,gwp\nCiudad_2019,,CL,2019,crf,,,ar5\n"
        );
        let rows: Vec<&str> = out.crf_activity_csv.lines().skip(1).collect();
        assert!(
            rows[0]
                .starts_with("Ciudad_2019,I.1.1,residential,1,natural_gas,1000,TJ,kgCO2/TJ,56100,")
        );
        // The factor's source and description are carried in factor_source.
        assert!(
            rows[0].ends_with(",\"IPCC 2006, Vol. 2, Table 2.2; default factor\""),
            "{}",
            rows[0]
        );
        assert!(rows[1].starts_with("Ciudad_2019,I.2.2,commercial_institutional,2,,"));
        assert!(rows[2].starts_with("Ciudad_2019,III.1.1,solid_waste,1,"));
        let inv = &out.output.inventories[0].inventory;
        assert_eq!(inv.crf.as_ref().unwrap().totals.ecrf, d("59600.25"));
        assert_eq!(inv.total_emissions.tonnes(), d("59600.25"));
    }

    /// A value the engine refuses is reported at its cell, in the column where the workbook
    /// keeps it.
    #[test]
    fn engine_errors_are_located_at_the_workbook_cell() {
        let mut wb = Workbook { year: Some(2019), ..Workbook::default() };
        wb.set_meta(MetaField::Country, "Narnia");
        let mut r = DetailRow::new(
            Some("I.1.1"),
            "Stationary energy",
            "Residential buildings",
            ScopeLabel::Direct,
        );
        r.row = 7;
        r.ghg_total = Some(d("10"));
        wb.detail = vec![r];
        let mut pos = Positions::default();
        pos.meta.push((MetaField::Country, 9));
        let book = Book { file: "n.xlsx", workbook: &wb, positions: &pos };
        let out = import(&[book], Catalog::embedded(), ImportOptions::default());
        assert!(out.has_errors());
        let f = &out.findings[0];
        assert_eq!((f.finding.sheet, f.finding.cell.as_str()), (Sheet::Meta, "C10"));
        assert_eq!(f.finding.code(), "unknown_code");
        assert!(f.to_string().starts_with("n.xlsx:eCRF_1!C10: 'Narnia' (country): "), "{f}");
    }
}
