//! The CSV outputs: emissions, summary, trajectory, CRF and errors.

use std::collections::HashMap;
use std::io::Write;

use rust_decimal::Decimal;

use crate::batch::BatchInventory;
use crate::batch::diag::InputError;
use crate::factors::Variant;
use crate::inventory::Inventory;
use crate::quantity::Energy;
use crate::taxonomy::Carrier;
use crate::trajectory::{self as path};

/// The columns of `emissions.csv`.
pub const EMISSIONS_HEADER: [&str; 7] = [
    "inventory_id",
    "sector",
    "carrier",
    "energy_mwh",
    "factor_t_per_mwh",
    "factor_source",
    "emissions_t",
];

/// The columns of `summary.csv`.
pub const SUMMARY_HEADER: [&str; 19] = [
    "inventory_id",
    "city",
    "country",
    "year",
    "kind",
    "approach",
    "gases",
    "factor_set",
    "population",
    "total_energy_mwh",
    "total_emissions_t",
    "per_capita_t",
    "baseline_id",
    "change_vs_baseline_pct",
    "target_year",
    "target_kind",
    "target_reduction_pct",
    "target_emissions_t",
    "target_per_capita_t",
];

/// The column `summary.csv` has after [`SUMMARY_HEADER`] when `inventories.csv` has the growth
/// columns of a business-as-usual projection.
pub const SUMMARY_BAU_COLUMN: &str = "bau_emissions_t";

/// The columns `summary.csv` has at its end when the batch has action plans (`actions.csv`).
pub const SUMMARY_PLAN_COLUMNS: [&str; 3] =
    ["planned_reduction_t", "remaining_gap_t", "remaining_gap_per_capita_t"];

/// The columns of `plan.csv`.
pub const PLAN_HEADER: [&str; 21] = [
    "inventory_id",
    "action_id",
    "title",
    "sector",
    "kind",
    "carrier",
    "to_carrier",
    "start_year",
    "end_year",
    "energy_mwh",
    "factor_t_per_mwh",
    "factor_source",
    "to_factor_t_per_mwh",
    "to_factor_source",
    "reduction_t",
    "target_year",
    "share_in_target_year",
    "reduction_target_year_t",
    "cost",
    "status",
    "responsible",
];

/// The columns of `errors.csv`.
pub const ERRORS_HEADER: [&str; 7] =
    ["file", "line", "inventory_id", "column", "value", "message", "code"];

/// A CSV writer that writes records field by field into its own buffer, exactly as the `csv`
/// crate's default writer does (a field is quoted when it holds a comma, a quote, CR or LF; a
/// quote inside is doubled; records end with LF), without its per-field machinery: codes and
/// numbers are known not to need quotes, and a text that is repeated on many rows (an inventory
/// id, a factor source) can be escaped once ([`escape`]) and written as it is.
pub(crate) struct Rows<W: Write> {
    out: W,
    buf: Vec<u8>,
    /// No field written yet in the current record.
    first: bool,
    /// The buffer is handed to `out` when it holds this much.
    flush_at: usize,
}

/// The buffer is handed to the writer when it holds this much.
const FLUSH_AT: usize = 1 << 16;

/// Whether the `csv` crate's writer quotes a field (its default `QuoteStyle::Necessary`).
fn needs_quotes(field: &[u8]) -> bool {
    field.iter().any(|&b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

/// A text as one CSV field: quoted when it needs to be, quotes inside doubled.
pub(crate) fn escape(text: &str) -> std::borrow::Cow<'_, [u8]> {
    let bytes = text.as_bytes();
    if !needs_quotes(bytes) {
        return std::borrow::Cow::Borrowed(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() + 2);
    push_quoted(&mut out, bytes);
    std::borrow::Cow::Owned(out)
}

fn push_quoted(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    for &b in bytes {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

impl<W: Write> Rows<W> {
    pub(crate) fn new(w: W, header: &[&str]) -> std::io::Result<Rows<W>> {
        let buf = Vec::with_capacity(FLUSH_AT + 4096);
        let mut rows = Rows { out: w, buf, first: true, flush_at: FLUSH_AT };
        rows.header(header)?;
        Ok(rows)
    }

    pub(crate) fn header(&mut self, header: &[&str]) -> std::io::Result<()> {
        for h in header {
            self.text(h);
        }
        self.end()
    }

    fn separate(&mut self) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
    }

    /// A text field, quoted where needed.
    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        self.separate();
        let bytes = s.as_bytes();
        if needs_quotes(bytes) {
            push_quoted(&mut self.buf, bytes);
        } else {
            self.buf.extend_from_slice(bytes);
        }
        self
    }

    /// Fields already escaped and joined by commas (one field or more), as they are.
    pub(crate) fn joined(&mut self, fields: &[u8]) -> &mut Self {
        self.separate();
        self.buf.extend_from_slice(fields);
        self
    }

    /// A field already escaped by [`escape`] (or a code, which never needs quotes).
    pub(crate) fn escaped(&mut self, field: &[u8]) -> &mut Self {
        self.separate();
        self.buf.extend_from_slice(field);
        self
    }

    /// A number in full ([`crate::quantity::write_decimal`]), or an empty field.
    pub(crate) fn number(&mut self, d: Option<Decimal>) -> &mut Self {
        self.separate();
        if let Some(d) = d {
            crate::quantity::write_decimal_bytes(&mut self.buf, d);
        }
        self
    }

    pub(crate) fn integer(&mut self, v: u64) -> &mut Self {
        self.separate();
        crate::quantity::write_integer_bytes(&mut self.buf, v);
        self
    }

    /// `n` empty fields.
    pub(crate) fn empty(&mut self, n: usize) -> &mut Self {
        for _ in 0..n {
            self.separate();
        }
        self
    }

    pub(crate) fn end(&mut self) -> std::io::Result<()> {
        self.buf.push(b'\n');
        self.first = true;
        if self.buf.len() >= self.flush_at {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    pub(crate) fn finish(mut self) -> std::io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.out.flush()
    }
}

impl Rows<std::io::Sink> {
    /// Rows appended to `buf`, which is never flushed ([`Self::into_buffer`] gives it back).
    pub(crate) fn buffer(buf: Vec<u8>) -> Rows<std::io::Sink> {
        Rows { out: std::io::sink(), buf, first: true, flush_at: usize::MAX }
    }

    pub(crate) fn into_buffer(self) -> Vec<u8> {
        self.buf
    }
}

/// One of the CSV tables of a batch: the four of every batch, and `plan.csv` of a batch with
/// action plans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    /// `emissions.csv`.
    Emissions,
    /// `summary.csv`.
    Summary,
    /// `trajectory.csv`.
    Trajectory,
    /// `crf.csv`.
    Crf,
    /// `plan.csv`: one row per action (a batch with `actions.csv`).
    Plan,
    /// `crf_rows.csv`: every row of the CRF inventories (a batch with `crf_activity.csv`).
    CrfRows,
    /// `crf_totals.csv`: the GPC totals of the CRF inventories (a batch with `crf_activity.csv`).
    CrfTotals,
}

impl Table {
    /// The four tables, in the order the CLI lists its outputs.
    pub const ALL: [Table; 4] = [Table::Emissions, Table::Summary, Table::Trajectory, Table::Crf];

    /// The name of the file.
    pub const fn file_name(self) -> &'static str {
        match self {
            Table::Emissions => "emissions.csv",
            Table::Summary => "summary.csv",
            Table::Trajectory => "trajectory.csv",
            Table::Crf => "crf.csv",
            Table::Plan => "plan.csv",
            Table::CrfRows => "crf_rows.csv",
            Table::CrfTotals => "crf_totals.csv",
        }
    }

    /// The columns (of `summary.csv` without plans: see [`Tables::header`]).
    pub const fn header(self) -> &'static [&'static str] {
        match self {
            Table::Emissions => &EMISSIONS_HEADER,
            Table::Summary => &SUMMARY_HEADER,
            Table::Trajectory => &TRAJECTORY_HEADER,
            Table::Crf => &CRF_HEADER,
            Table::Plan => &PLAN_HEADER,
            Table::CrfRows => &CRF_ROWS_HEADER,
            Table::CrfTotals => &CRF_TOTALS_HEADER,
        }
    }
}

/// The CSV tables of a batch's results, written whole or in parts: each inventory's rows
/// depend only on that inventory (and, for `trajectory.csv`, on its baseline's path unit,
/// looked up here once), so the parts of a table can be rendered on several threads and
/// written one after the other; the bytes are those of the whole table.
#[derive(Debug)]
pub struct Tables<'a> {
    results: &'a [BatchInventory],
    units: HashMap<&'a str, path::PathUnit>,
    plans: bool,
    bau: bool,
}

impl<'a> Tables<'a> {
    /// The tables of `results`.
    pub fn new(results: &'a [BatchInventory]) -> Tables<'a> {
        let units = results
            .iter()
            .filter_map(|r| Some((r.inventory.spec.id.as_str(), r.trajectory.as_ref()?.unit)))
            .collect();
        Tables { results, units, plans: false, bau: false }
    }

    /// The same tables, for a batch whose `inventories.csv` has the growth columns of a
    /// business-as-usual projection when `bau` ([`crate::batch::BatchOutput::bau_columns`]):
    /// `summary.csv` then has the column [`SUMMARY_BAU_COLUMN`] (empty for an inventory without
    /// a projection).
    #[must_use]
    pub fn with_bau(self, bau: bool) -> Tables<'a> {
        Tables { bau, ..self }
    }

    /// The same tables, for a batch with action plans (`actions.csv`) when `plans`:
    /// `summary.csv` then has the columns [`SUMMARY_PLAN_COLUMNS`] (empty for an inventory
    /// without a plan), and [`Table::Plan`] has rows.
    #[must_use]
    pub fn with_plans(self, plans: bool) -> Tables<'a> {
        Tables { plans, ..self }
    }

    /// The columns of a table.
    pub fn header(&self, table: Table) -> Vec<&'static str> {
        let mut h = table.header().to_vec();
        if self.bau && table == Table::Summary {
            h.push(SUMMARY_BAU_COLUMN);
        }
        if self.plans && table == Table::Summary {
            h.extend(SUMMARY_PLAN_COLUMNS);
        }
        h
    }

    /// The number of inventories (the parts are ranges of them).
    pub fn len(&self) -> usize {
        self.results.len()
    }

    /// Whether there are no inventories.
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }

    /// Writes a whole table.
    pub fn write<W: Write>(&self, table: Table, w: W) -> Result<(), BatchWriteError> {
        let mut out = Rows::new(w, &self.header(table))?;
        self.rows(table, &mut out, 0..self.results.len())?;
        out.finish()?;
        Ok(())
    }

    /// Appends to `buf` the rows of the inventories `part` of a table, after its header when
    /// `header` (the part that starts the file).
    pub fn render(
        &self,
        table: Table,
        part: std::ops::Range<usize>,
        header: bool,
        buf: Vec<u8>,
    ) -> Result<Vec<u8>, BatchWriteError> {
        let mut out = Rows::buffer(buf);
        if header {
            out.header(&self.header(table))?;
        }
        self.rows(table, &mut out, part)?;
        Ok(out.into_buffer())
    }

    fn rows<W: Write>(
        &self,
        table: Table,
        out: &mut Rows<W>,
        part: std::ops::Range<usize>,
    ) -> Result<(), BatchWriteError> {
        let results = &self.results[part];
        match table {
            Table::Emissions => emissions_rows(out, results.iter().map(|r| &r.inventory))?,
            Table::Summary => summary_rows(out, results, (self.bau, self.plans))?,
            Table::Trajectory => trajectory_rows(out, results, &self.units)?,
            Table::Crf => crf_rows(out, results.iter().map(|r| &r.inventory))?,
            Table::Plan => plan_rows(out, results)?,
            Table::CrfRows => crf_detail_rows(out, results)?,
            Table::CrfTotals => crf_totals_rows(out, results)?,
        }
        Ok(())
    }
}

/// Writes `emissions.csv`: one row per (inventory, sector, carrier) with activity; numbers in
/// full, without rounding or exponents.
pub fn write_emissions<W: Write>(w: W, results: &[BatchInventory]) -> ::csv::Result<()> {
    Tables::new(results).write(Table::Emissions, w).map_err(BatchWriteError::into_csv)
}

fn emissions_rows<'a, W: Write>(
    out: &mut Rows<W>,
    inventories: impl IntoIterator<Item = &'a Inventory>,
) -> std::io::Result<()> {
    let mut cells = CellRows::default();
    for inv in inventories {
        cells.emissions(out, inv)?;
    }
    Ok(())
}

/// Renders the rows of the tables of every cell, `emissions.csv` and `crf.csv`, one inventory
/// at a time, reusing its texts from inventory to inventory.
#[derive(Default)]
pub(crate) struct CellRows {
    /// One factor source per carrier and fuel variant of an inventory, not one per cell.
    texts: [[String; 2]; Carrier::ALL.len()],
    /// For each carrier, the fields after a cell's energy, its factor and its source, joined
    /// (`factor,source`), and the inventory (a count) and factor they were made for (the cells
    /// of a carrier mostly share one): one copy per row instead of one per field.
    tails: [(u64, Option<Decimal>, Vec<u8>); Carrier::ALL.len()],
    /// The inventories rendered so far (to tell whether a tail is this inventory's).
    rendered: u64,
    /// `sector,carrier` for each slot (sector × carrier), made when first needed.
    codes: Vec<Vec<u8>>,
    source: String,
    from: Vec<u8>,
}

impl CellRows {
    /// The rows of `emissions.csv` of one inventory.
    pub(crate) fn emissions<W: Write>(
        &mut self,
        out: &mut Rows<W>,
        inv: &Inventory,
    ) -> std::io::Result<()> {
        let (texts, source) = (&mut self.texts, &mut self.source);
        let (tails, codes) = (&mut self.tails, &mut self.codes);
        self.rendered = self.rendered.wrapping_add(1);
        let rendered = self.rendered;
        if codes.is_empty() {
            codes.resize_with(crate::taxonomy::Sector::ALL.len() * Carrier::ALL.len(), Vec::new);
        }
        let id = escape(&inv.spec.id);
        let mut known = [[false; 2]; Carrier::ALL.len()];
        // Whether a carrier's (default) source needs quotes, found once per inventory.
        let mut quoted = [false; Carrier::ALL.len()];
        for f in &inv.factors {
            let (k, v) = (f.carrier.index(), usize::from(f.variant == Variant::NonSustainable));
            texts[k][v].clear();
            f.provenance.write_short(&mut texts[k][v]);
            known[k][v] = true;
            if v == 0 {
                quoted[k] = needs_quotes(texts[k][v].as_bytes());
            }
        }
        for c in &inv.cells {
            source.clear();
            if let (Some(k), [Variant::Default]) = (c.carrier, c.variants) {
                // The common case: the carrier's one source, its fields joined once.
                let k = k.index();
                let slot = c.sector.index() * Carrier::ALL.len() + k;
                let pair = &mut codes[slot];
                if pair.is_empty() {
                    pair.extend_from_slice(c.sector.code().as_bytes());
                    pair.push(b',');
                    pair.extend_from_slice(Carrier::ALL[k].code().as_bytes());
                }
                out.escaped(&id).joined(pair).number(c.energy.map(Energy::mwh_for_text));
                let factor = c.factor.map(|f| f.value());
                let (made_for, last, tail) = &mut tails[k];
                // The same decimal (digits and scale), so the same text.
                if *made_for != rendered
                    || last.map(|d| d.serialize()) != factor.map(|d| d.serialize())
                {
                    (*made_for, *last) = (rendered, factor);
                    tail.clear();
                    if let Some(d) = factor {
                        crate::quantity::write_decimal_bytes(tail, d);
                    }
                    tail.push(b',');
                    match (known[k][0], quoted[k]) {
                        (true, false) => tail.extend_from_slice(texts[k][0].as_bytes()),
                        (true, true) => push_quoted(tail, texts[k][0].as_bytes()),
                        (false, _) => {}
                    }
                }
                out.joined(tail).number(Some(c.emissions.tonnes_for_text())).end()?;
                continue;
            }
            if let Some(k) = c.carrier {
                let used = |v: Variant| c.variants.contains(&v);
                let [d, n] = &texts[k.index()];
                let [kd, kn] = known[k.index()];
                let (default, non_sustainable) = (kd.then_some(d), kn.then_some(n));
                match (
                    used(Variant::Default),
                    used(Variant::NonSustainable),
                    default,
                    non_sustainable,
                ) {
                    (true, true, Some(d), Some(n)) if d == n => {
                        source.push_str(d);
                        source.push_str(" (sustainable and non-sustainable)");
                    }
                    (true, true, Some(d), Some(n)) => {
                        source.push_str(d);
                        source.push_str(" (sustainable) + ");
                        source.push_str(n);
                        source.push_str(" (non-sustainable)");
                    }
                    (false, true, _, Some(n)) => {
                        source.push_str(n);
                        source.push_str(" (non-sustainable)");
                    }
                    (_, _, Some(d), _) => source.push_str(d),
                    _ => {}
                }
            }
            out.escaped(&id)
                .escaped(c.sector.code().as_bytes())
                .escaped(c.carrier.map_or("", |k| k.code()).as_bytes())
                .number(c.energy.map(Energy::mwh_for_text))
                .number(c.factor.map(|f| f.value()))
                .text(source)
                .number(Some(c.emissions.tonnes_for_text()))
                .end()?;
        }
        Ok(())
    }

    /// The rows of `crf.csv` of one inventory.
    pub(crate) fn crf<W: Write>(
        &mut self,
        out: &mut Rows<W>,
        inv: &Inventory,
    ) -> Result<(), BatchWriteError> {
        if let Some(c) = &inv.crf {
            return crf_inventory_rows(out, &inv.spec.id, c);
        }
        let from = &mut self.from;
        let id = escape(&inv.spec.id);
        for c in &crate::crf::compact(inv)? {
            from.clear();
            for (k, s) in c.from().enumerate() {
                if k > 0 {
                    from.push(b';');
                }
                from.extend_from_slice(s.code().as_bytes());
            }
            out.escaped(&id);
            let row = &crate::crf::ROWS[c.row];
            // Texts of the CRF, none of which needs quotes (a test checks).
            for text in [row.sector, row.subsector, row.gpc, c.scope.code()] {
                out.escaped(text.as_bytes());
            }
            out.number(c.emissions.map(crate::quantity::Emissions::tonnes_for_text))
                .escaped(c.notation_key().map_or("", |k| k.code()).as_bytes())
                .escaped(from)
                .end()?;
        }
        Ok(())
    }
}

/// The rows of `crf.csv` of a CRF inventory: every sub-sector row of `eCRF_2` × scopes 1–3,
/// with its emissions or notation key (`IE` for institutional buildings, which the CRF includes
/// in commercial; `NE` where nothing was entered).
fn crf_inventory_rows<W: Write>(
    out: &mut Rows<W>,
    id: &str,
    c: &crate::gpc::CrfInventory,
) -> Result<(), BatchWriteError> {
    use crate::crf::NotationKey;
    let summary = c.summary()?;
    let id = escape(id);
    for line in &crate::gpc::SUMMARY_LINES {
        for scope in crate::gpc::Scope::ALL {
            let cell = summary.iter().find(|x| x.row == line.row && x.scope == scope);
            let value = cell.and_then(|x| x.value);
            let keys: Vec<&str> = match cell {
                Some(x) if value.is_none() && !x.keys.is_empty() => {
                    x.keys.iter().map(|k| k.code()).collect()
                }
                _ if value.is_some() => Vec::new(),
                _ if line.row == 6 => vec![NotationKey::IncludedElsewhere.code()],
                _ => vec![NotationKey::NotEstimated.code()],
            };
            out.escaped(&id);
            for text in [line.sector.label(), line.label, line.gpc, scope.code()] {
                out.text(text);
            }
            out.number(value).text(&keys.join(" / ")).empty(1).end()?;
        }
    }
    Ok(())
}

/// The columns of `crf_rows.csv`: every row of every CRF inventory, computed.
pub const CRF_ROWS_HEADER: [&str; 24] = [
    "inventory_id",
    "line",
    "gpc_ref",
    "crf_sector",
    "crf_subsector",
    "scope",
    "fuel",
    "amount",
    "unit",
    "factor_unit",
    "co2_factor",
    "ch4_factor",
    "n2o_factor",
    "co2e_factor",
    "biogenic_co2_factor",
    "co2_tco2e",
    "ch4_tco2e",
    "n2o_tco2e",
    "total_tco2e",
    "biogenic_co2_t",
    "notation_key",
    "explanation",
    "origin",
    "factor_source",
];

/// The columns of `crf_totals.csv`: one row per CRF inventory.
pub const CRF_TOTALS_HEADER: [&str; 12] = [
    "inventory_id",
    "gwp",
    "basic_tco2e",
    "basic_plus_tco2e",
    "ecrf_total_tco2e",
    "generation_tco2e",
    "other_scope3_tco2e",
    "co2_tco2e",
    "ch4_tco2e",
    "n2o_tco2e",
    "unsplit_tco2e",
    "biogenic_co2_t",
];

fn crf_detail_rows<W: Write>(out: &mut Rows<W>, results: &[BatchInventory]) -> std::io::Result<()> {
    for r in results {
        let Some(c) = &r.inventory.crf else { continue };
        for row in &c.rows {
            let a = &row.input;
            out.text(&r.inventory.spec.id);
            match a.input_line {
                Some(l) => out.integer(l),
                None => out.empty(1),
            };
            out.text(a.line.gpc_ref.unwrap_or(""))
                .text(a.line.subsector.sector().label())
                .text(a.line.subsector.label())
                .text(a.line.scope.code())
                .text(a.fuel.as_deref().unwrap_or(""))
                .number(a.amount)
                .text(a.unit.as_ref().map_or("", |u| u.symbol()))
                .text(row.factor_unit.as_deref().unwrap_or(""));
            let f = &row.factors;
            let e = &row.emissions;
            for v in
                [f.co2, f.ch4, f.n2o, f.co2e, f.biogenic, e.co2, e.ch4, e.n2o, e.co2e, e.biogenic]
            {
                out.number(v);
            }
            let origin = match row.origin {
                crate::gpc::Origin::Key => "key",
                crate::gpc::Origin::Entered => "entered",
                crate::gpc::Origin::Factors => "factors",
                crate::gpc::Origin::Release => "release",
            };
            out.text(a.key.map_or("", |k| k.code()))
                .text(a.explanation.as_deref().unwrap_or(""))
                .text(origin)
                .text(row.factor_source.as_deref().unwrap_or(""))
                .end()?;
        }
    }
    Ok(())
}

fn crf_totals_rows<W: Write>(out: &mut Rows<W>, results: &[BatchInventory]) -> std::io::Result<()> {
    for r in results {
        let Some(c) = &r.inventory.crf else { continue };
        let t = &c.totals;
        out.text(&r.inventory.spec.id).text(&c.gwp);
        for v in [
            t.basic,
            t.basic_plus,
            t.ecrf,
            t.generation,
            t.out_of_scope,
            t.co2,
            t.ch4,
            t.n2o,
            t.unsplit,
            t.biogenic,
        ] {
            out.number(Some(v));
        }
        out.end()?;
    }
    Ok(())
}

/// Writes `summary.csv`: one row per inventory.
pub fn write_summary<W: Write>(w: W, results: &[BatchInventory]) -> ::csv::Result<()> {
    Tables::new(results).write(Table::Summary, w).map_err(BatchWriteError::into_csv)
}

fn summary_rows<W: Write>(
    out: &mut Rows<W>,
    results: &[BatchInventory],
    (bau, plans): (bool, bool),
) -> std::io::Result<()> {
    for r in results {
        let inv = &r.inventory;
        let s = &inv.spec;
        let t = s.target.as_ref();
        let target = r.target.as_ref();
        out.text(&s.id)
            .text(s.city.as_deref().unwrap_or(""))
            .escaped(s.country.code().as_bytes())
            .integer(s.year.into())
            .escaped(s.kind.code().as_bytes())
            .escaped(s.approach.code().as_bytes())
            .escaped(s.gases.code().as_bytes())
            .text(&inv.release);
        match s.population {
            Some(p) => out.integer(p.get()),
            None => out.empty(1),
        };
        // A CRF inventory's activity is not all energy: no total energy.
        out.number(inv.crf.is_none().then(|| inv.total_energy.mwh()))
            .number(Some(inv.total_emissions.tonnes()))
            .number(inv.per_capita_t)
            .text(s.baseline_id.as_deref().unwrap_or(""))
            .number(r.change_vs_baseline_pct);
        match t {
            Some(t) => out.integer(t.year.into()).escaped(t.kind.code().as_bytes()),
            None => out.empty(2),
        };
        out.number(t.map(|t| t.reduction_pct))
            .number(target.and_then(|t| t.emissions_t))
            .number(target.and_then(|t| t.per_capita_t));
        if bau {
            out.number(target.and_then(|t| t.bau_emissions_t));
        }
        if plans {
            let p = r.plan.as_ref();
            out.number(p.and_then(|p| p.planned_reduction_t))
                .number(p.and_then(|p| p.remaining_gap_t))
                .number(p.and_then(|p| p.remaining_gap_per_capita_t));
        }
        out.end()?;
    }
    Ok(())
}

/// Writes `plan.csv`: one row per action of every plan, in input order (see
/// [`crate::plan`]). `reduction_t` is the reduction per year at full effect (negative: an
/// increase), `reduction_target_year_t` the reduction in the target year.
pub fn write_plan<W: Write>(w: W, results: &[BatchInventory]) -> ::csv::Result<()> {
    Tables::new(results).with_plans(true).write(Table::Plan, w).map_err(BatchWriteError::into_csv)
}

fn plan_rows<W: Write>(out: &mut Rows<W>, results: &[BatchInventory]) -> std::io::Result<()> {
    let mut source = String::new();
    for r in results {
        let Some(plan) = &r.plan else { continue };
        for a in &plan.actions {
            let x = &a.action;
            out.text(&plan.baseline_id)
                .text(&x.id)
                .text(&x.title)
                .escaped(x.sector.code().as_bytes())
                .escaped(x.kind.code().as_bytes())
                .escaped(x.carrier.map_or("", |c| c.code()).as_bytes())
                .escaped(x.to_carrier.map_or("", |c| c.code()).as_bytes())
                .integer(x.start_year.into())
                .integer(x.end_year.into())
                .number(a.energy.map(|e| e.mwh()));
            for (f, mixed) in [(&a.factor, a.factor_mixed), (&a.to_factor, a.to_factor_mixed)] {
                out.number(f.as_ref().map(|f| f.factor.value()));
                source.clear();
                if let Some(f) = f {
                    f.provenance.write_short(&mut source);
                    if mixed {
                        source.push_str(" (sustainable and non-sustainable)");
                    } else if f.variant == Variant::NonSustainable {
                        source.push_str(" (non-sustainable)");
                    }
                }
                out.text(&source);
            }
            out.number(Some(a.reduction.tonnes()));
            match plan.target_year {
                Some(y) => out.integer(y.into()),
                None => out.empty(1),
            };
            out.number(a.share_in_target_year)
                .number(a.reduction_target_year_t)
                .number(x.cost)
                .text(x.status.as_deref().unwrap_or(""))
                .text(x.responsible.as_deref().unwrap_or(""))
                .end()?;
        }
    }
    Ok(())
}

/// The columns of `trajectory.csv`.
pub const TRAJECTORY_HEADER: [&str; 11] = [
    "inventory_id",
    "baseline_id",
    "row",
    "year",
    "unit",
    "path",
    "actual",
    "distance",
    "distance_pct",
    "status",
    "needed_per_year",
];

/// Writes `trajectory.csv`: for each baseline with a target, its straight-line path year by year
/// (`row` = `path`); for each monitoring inventory of such a baseline, where it stands
/// (`row` = `monitoring`). `unit` is `t` or `t_per_inhabitant` (per-capita targets).
pub fn write_trajectory<W: Write>(w: W, results: &[BatchInventory]) -> ::csv::Result<()> {
    Tables::new(results).write(Table::Trajectory, w).map_err(BatchWriteError::into_csv)
}

fn unit_code(u: path::PathUnit) -> &'static str {
    match u {
        path::PathUnit::Tonnes => "t",
        path::PathUnit::TonnesPerInhabitant => "t_per_inhabitant",
    }
}

fn trajectory_rows<W: Write>(
    out: &mut Rows<W>,
    results: &[BatchInventory],
    units: &HashMap<&str, path::PathUnit>,
) -> std::io::Result<()> {
    let unit = unit_code;
    for r in results {
        let id = r.inventory.spec.id.as_str();
        if let Some(t) = &r.trajectory {
            let id = escape(id);
            let u = unit(t.unit).as_bytes();
            for p in &t.points {
                out.escaped(&id).escaped(&id).escaped(b"path").integer(p.year.into()).escaped(u);
                out.number(Some(p.value)).empty(5).end()?;
            }
            // The business-as-usual projection and the path with the plan, in t.
            let plan = r.plan.as_ref().map(|p| p.path.as_slice());
            for (row, points) in [(&b"bau"[..], t.bau.as_deref()), (&b"plan"[..], plan)] {
                for p in points.unwrap_or_default() {
                    out.escaped(&id).escaped(&id).escaped(row).integer(p.year.into());
                    out.escaped(b"t").number(Some(p.value)).empty(5).end()?;
                }
            }
        }
        if let (Some(p), Some(b)) = (&r.progress, &r.inventory.spec.baseline_id) {
            let u = units.get(b.as_str()).copied();
            let status = match p.status {
                path::Status::Ahead => "ahead",
                path::Status::OnTrack => "on_track",
                path::Status::Behind => "behind",
            };
            out.text(id).text(b).escaped(b"monitoring").integer(p.year.into());
            out.escaped(u.map_or("", unit).as_bytes());
            out.number(Some(p.path)).number(Some(p.actual)).number(Some(p.distance));
            out.number(p.distance_pct)
                .escaped(status.as_bytes())
                .number(p.needed_per_year)
                .end()?;
        }
    }
    Ok(())
}

/// The columns of `crf.csv`.
pub const CRF_HEADER: [&str; 8] = [
    "inventory_id",
    "crf_sector",
    "crf_subsector",
    "gpc_ref",
    "scope",
    "emissions_t",
    "notation_key",
    "secap_sectors",
];

/// Writes `crf.csv`: every inventory in the GCoM Common Reporting Framework view (see
/// [`crate::crf`] for the mapping); empty cells carry a notation key.
pub fn write_crf<W: Write>(w: W, results: &[BatchInventory]) -> Result<(), BatchWriteError> {
    Tables::new(results).write(Table::Crf, w)
}

fn crf_rows<'a, W: Write>(
    out: &mut Rows<W>,
    inventories: impl IntoIterator<Item = &'a Inventory>,
) -> Result<(), BatchWriteError> {
    let mut cells = CellRows::default();
    for inv in inventories {
        cells.crf(out, inv)?;
    }
    Ok(())
}

/// An error while writing an output.
#[derive(Debug, thiserror::Error)]
pub enum BatchWriteError {
    /// The CSV writer failed (an I/O error).
    #[error(transparent)]
    Csv(#[from] ::csv::Error),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A number could not be computed (overflow).
    #[error(transparent)]
    Engine(#[from] crate::Error),
}

impl BatchWriteError {
    /// The error of a table that computes nothing (an I/O error).
    fn into_csv(self) -> ::csv::Error {
        match self {
            BatchWriteError::Csv(e) => e,
            BatchWriteError::Io(e) => e.into(),
            BatchWriteError::Engine(e) => std::io::Error::other(e).into(),
        }
    }
}

/// A text as a spreadsheet shows it, never as a formula: a text beginning with `=`, `+`, `-`,
/// `@`, tab or CR gets a leading `'` (the spreadsheets' own mark of a text). Only `errors.csv`
/// needs it: it echoes the values the readers refused, and the readers refuse exactly these.
pub fn as_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Writes `errors.csv`. The input values it echoes (`inventory_id`, `value`) go through
/// [`as_text`].
pub fn write_errors<W: Write>(w: W, errors: &[InputError]) -> ::csv::Result<()> {
    let mut out = Rows::new(w, &ERRORS_HEADER)?;
    for e in errors {
        out.text(&as_text(e.file.as_deref().unwrap_or("")));
        match e.line {
            Some(line) => out.integer(line),
            None => out.empty(1),
        };
        out.text(&as_text(e.inventory_id.as_deref().unwrap_or("")))
            .text(&as_text(e.column.as_deref().unwrap_or("")))
            .text(&as_text(e.value.as_deref().unwrap_or("")))
            .text(&as_text(&e.message))
            .text(e.code)
            .end()?;
    }
    out.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts of the CRF view are written as they are: none needs quotes.
    #[test]
    fn crf_texts_need_no_quotes() {
        for row in crate::crf::ROWS {
            for text in [row.sector, row.subsector, row.gpc] {
                assert!(!needs_quotes(text.as_bytes()), "{text}");
            }
        }
        for scope in [crate::crf::Scope::Scope1, crate::crf::Scope::Scope2] {
            assert!(!needs_quotes(scope.code().as_bytes()));
        }
    }

    /// `errors.csv` is what the `csv` crate's writer writes of the same fields.
    #[test]
    fn errors_are_written_as_the_csv_crate_writes() {
        let texts =
            [None, Some(""), Some("a,b"), Some("say \"hi\""), Some("two\nlines"), Some("=1+1")];
        let mut errors = Vec::new();
        for (k, text) in texts.iter().enumerate() {
            errors.push(InputError {
                file: text.map(str::to_string),
                line: (k % 2 == 0).then_some(k as u64 * 1_000_000_007),
                inventory_id: text.map(str::to_string),
                column: texts[(k + 1) % texts.len()].map(str::to_string),
                value: texts[(k + 2) % texts.len()].map(str::to_string),
                message: text.unwrap_or("-no message").to_string(),
                code: "unknown_code",
                params: Default::default(),
                consequence: false,
            });
        }
        let mut ours = Vec::new();
        write_errors(&mut ours, &errors).unwrap();
        let mut theirs = ::csv::Writer::from_writer(Vec::new());
        theirs.write_record(ERRORS_HEADER).unwrap();
        let field = |t: &Option<String>| as_text(t.as_deref().unwrap_or("")).into_owned();
        for e in &errors {
            let line = e.line.map(|l| l.to_string()).unwrap_or_default();
            theirs
                .write_record([
                    field(&e.file),
                    line,
                    field(&e.inventory_id),
                    field(&e.column),
                    field(&e.value),
                    as_text(&e.message).into_owned(),
                    e.code.to_string(),
                ])
                .unwrap();
        }
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs.into_inner().unwrap()).unwrap()
        );
    }

    /// `Rows` writes every text field, number and record as the `csv` crate's writer does.
    #[test]
    fn rows_write_what_the_csv_crate_writes() {
        let texts = [
            "",
            "a",
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "cr\r",
            "\"",
            ",",
            "  spaced ",
            "ünïcode",
            "#hash",
            "tab\there",
            "\"\"",
            "end,",
        ];
        let numbers = [rust_decimal_macros::dec!(-0.000120), rust_decimal_macros::dec!(1514.3500)];
        let mut ours = Vec::new();
        let mut theirs = ::csv::Writer::from_writer(Vec::new());
        {
            let header = ["x", "y,z", "w", "\"q\"", "", "n", "e"];
            let mut rows = Rows::new(&mut ours, &header).unwrap();
            theirs.write_record(header).unwrap();
            for a in texts {
                for b in texts {
                    let e = escape(b);
                    rows.text(a).escaped(&e).integer(42).number(Some(numbers[0]));
                    rows.number(None).number(Some(numbers[1])).empty(1).end().unwrap();
                    theirs.write_record([a, b, "42", "-0.00012", "", "1514.35", ""]).unwrap();
                }
            }
            rows.finish().unwrap();
        }
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs.into_inner().unwrap()).unwrap()
        );
    }
}
