//! The CSV outputs: emissions, summary, trajectory, CRF and errors.

use std::collections::HashMap;
use std::fmt;
use std::io::Write;

use rust_decimal::Decimal;

use crate::batch::BatchInventory;
use crate::batch::diag::InputError;
use crate::factors::Variant;
use crate::quantity::format_decimal;
use crate::taxonomy::Carrier;
use crate::trajectory::{self as path};

pub(crate) fn opt(d: Option<Decimal>) -> String {
    d.map(format_decimal).unwrap_or_default()
}

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

/// The columns of `errors.csv`.
pub const ERRORS_HEADER: [&str; 7] =
    ["file", "line", "inventory_id", "column", "value", "message", "code"];

/// A CSV writer that writes records field by field, numbers through one reused buffer (no
/// allocation per field).
pub(crate) struct Rows<W: Write> {
    pub(crate) out: ::csv::Writer<W>,
    pub(crate) num: String,
}

impl<W: Write> Rows<W> {
    pub(crate) fn new(w: W, header: &[&str]) -> ::csv::Result<Rows<W>> {
        let mut out = ::csv::Writer::from_writer(w);
        out.write_record(header)?;
        Ok(Rows { out, num: String::with_capacity(64) })
    }

    pub(crate) fn text(&mut self, s: &str) -> ::csv::Result<&mut Self> {
        self.out.write_field(s)?;
        Ok(self)
    }

    /// A number in full ([`crate::quantity::write_decimal`]), or an empty field.
    pub(crate) fn number(&mut self, d: Option<Decimal>) -> ::csv::Result<&mut Self> {
        self.num.clear();
        if let Some(d) = d {
            crate::quantity::write_decimal(&mut self.num, d);
        }
        self.out.write_field(self.num.as_bytes())?;
        Ok(self)
    }

    pub(crate) fn integer(&mut self, v: impl fmt::Display) -> ::csv::Result<&mut Self> {
        use std::fmt::Write as _;
        self.num.clear();
        let _ = write!(self.num, "{v}");
        self.out.write_field(self.num.as_bytes())?;
        Ok(self)
    }

    pub(crate) fn end(&mut self) -> ::csv::Result<()> {
        self.out.write_record(None::<&[u8]>)
    }

    pub(crate) fn finish(mut self) -> ::csv::Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// Writes `emissions.csv`: one row per (inventory, sector, carrier) with activity; numbers in
/// full, without rounding or exponents.
pub fn write_emissions<W: Write>(w: W, results: &[BatchInventory]) -> ::csv::Result<()> {
    let mut out = Rows::new(w, &EMISSIONS_HEADER)?;
    for r in results {
        let inv = &r.inventory;
        // One source text per carrier and fuel variant of the inventory, not per cell.
        let mut sources: [[Option<String>; 2]; Carrier::ALL.len()] = Default::default();
        for f in &inv.factors {
            let v = usize::from(f.variant == Variant::NonSustainable);
            sources[f.carrier.index()][v] = Some(f.provenance.short());
        }
        let mut source = String::new();
        for c in &inv.cells {
            source.clear();
            if let Some(k) = c.carrier {
                let used = |v: Variant| c.variants.contains(&v);
                let [default, non_sustainable] = &sources[k.index()];
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
            out.text(&inv.spec.id)?
                .text(c.sector.code())?
                .text(c.carrier.map_or("", |k| k.code()))?
                .number(c.energy.map(|e| e.mwh()))?
                .number(c.factor.map(|f| f.value()))?
                .text(&source)?
                .number(Some(c.emissions.tonnes()))?
                .end()?;
        }
    }
    out.finish()
}

/// Writes `summary.csv`: one row per inventory.
pub fn write_summary<W: Write>(w: W, results: &[BatchInventory]) -> ::csv::Result<()> {
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record(SUMMARY_HEADER)?;
    for r in results {
        let inv = &r.inventory;
        let s = &inv.spec;
        let t = s.target.as_ref();
        out.write_record([
            s.id.as_str(),
            s.city.as_deref().unwrap_or(""),
            s.country.code(),
            &s.year.to_string(),
            s.kind.code(),
            s.approach.code(),
            s.gases.code(),
            &inv.release,
            &s.population.map(|p| p.get().to_string()).unwrap_or_default(),
            &format_decimal(inv.total_energy.mwh()),
            &format_decimal(inv.total_emissions.tonnes()),
            &opt(inv.per_capita_t),
            s.baseline_id.as_deref().unwrap_or(""),
            &opt(r.change_vs_baseline_pct),
            &t.map(|t| t.year.to_string()).unwrap_or_default(),
            t.map_or("", |t| t.kind.code()),
            &opt(t.map(|t| t.reduction_pct)),
            &opt(r.target.as_ref().and_then(|t| t.emissions_t)),
            &opt(r.target.as_ref().and_then(|t| t.per_capita_t)),
        ])?;
    }
    out.flush()?;
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
    let mut out = Rows::new(w, &TRAJECTORY_HEADER)?;
    let unit = |u: path::PathUnit| match u {
        path::PathUnit::Tonnes => "t",
        path::PathUnit::TonnesPerInhabitant => "t_per_inhabitant",
    };
    let units: HashMap<&str, path::PathUnit> = results
        .iter()
        .filter_map(|r| Some((r.inventory.spec.id.as_str(), r.trajectory.as_ref()?.unit)))
        .collect();
    for r in results {
        let id = r.inventory.spec.id.as_str();
        if let Some(t) = &r.trajectory {
            for p in &t.points {
                out.text(id)?.text(id)?.text("path")?.integer(p.year)?.text(unit(t.unit))?;
                out.number(Some(p.value))?
                    .text("")?
                    .text("")?
                    .text("")?
                    .text("")?
                    .text("")?
                    .end()?;
            }
        }
        if let (Some(p), Some(b)) = (&r.progress, &r.inventory.spec.baseline_id) {
            let u = units.get(b.as_str()).copied();
            let status = match p.status {
                path::Status::Ahead => "ahead",
                path::Status::OnTrack => "on_track",
                path::Status::Behind => "behind",
            };
            out.text(id)?.text(b)?.text("monitoring")?.integer(p.year)?.text(u.map_or("", unit))?;
            out.number(Some(p.path))?.number(Some(p.actual))?.number(Some(p.distance))?;
            out.number(p.distance_pct)?.text(status)?.number(p.needed_per_year)?.end()?;
        }
    }
    out.finish()
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
    let mut out = Rows::new(w, &CRF_HEADER)?;
    let mut from = String::new();
    for r in results {
        let view = crate::crf::crf(&r.inventory)?;
        for c in &view.cells {
            from.clear();
            for (k, s) in c.from.iter().enumerate() {
                if k > 0 {
                    from.push(';');
                }
                from.push_str(s.code());
            }
            out.text(&r.inventory.spec.id)?
                .text(c.row.sector)?
                .text(c.row.subsector)?
                .text(c.row.gpc)?
                .text(c.scope.code())?
                .number(crate::crf::CrfView::tonnes(c))?
                .text(c.notation_key.map_or("", |k| k.code()))?
                .text(&from)?
                .end()?;
        }
    }
    out.finish()?;
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
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record(ERRORS_HEADER)?;
    for e in errors {
        out.write_record([
            &*as_text(e.file.as_deref().unwrap_or("")),
            &e.line.map(|l| l.to_string()).unwrap_or_default(),
            &as_text(e.inventory_id.as_deref().unwrap_or("")),
            &as_text(e.column.as_deref().unwrap_or("")),
            &as_text(e.value.as_deref().unwrap_or("")),
            &as_text(&e.message),
            e.code,
        ])?;
    }
    out.flush()?;
    Ok(())
}
