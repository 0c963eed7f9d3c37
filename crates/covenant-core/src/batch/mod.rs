//! The batch CSV format v1 (`docs/batch-format.md` in the repository): readers with located errors, the
//! computation of every inventory, and the output tables.
//!
//! [`run`] reads `inventories.csv`, then the optional `factors.csv`, then streams
//! `activity.csv` row by row into one [`InventoryBuilder`](crate::inventory::InventoryBuilder) per inventory, so memory grows with
//! the number of inventories and cells, not with the number of rows (apart from the 8-byte line
//! number kept per row for provenance, unless [`Options::cell_detail`] is off). Every problem is
//! collected, not only the first: an inventory with any error is rejected whole, the others are
//! computed.
//!
//! The module tree: this file holds the public types and [`run`]; `diag` collects the located
//! errors and warnings; `read` has one reader per input file over a shared record reader and
//! pipeline; `finish` computes the inventories, targets and comparisons; [`report`] writes the
//! CSV, JSON and XLSX outputs.

mod diag;
mod finish;
mod read;
pub mod report;
mod stream;
#[cfg(test)]
mod tests;

use std::io::Read;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::factors::Catalog;
use crate::inventory::Inventory;
use crate::plan::Plan;
use crate::target::TargetResult;
use crate::trajectory::{Comparison, Progress, Trajectory};

pub use diag::{Diagnostic, InputError, MAX_LISTED};
pub use read::MAX_TEXT_CHARS;
pub use read::crf::CRF_ACTIVITY_HEADER;
pub use read::record::{CrlfToLf, MAX_LINE_BYTES};
pub use report::csv::{
    BatchWriteError, CRF_HEADER, CRF_ROWS_HEADER, CRF_TOTALS_HEADER, EMISSIONS_HEADER,
    ERRORS_HEADER, PLAN_HEADER, SUMMARY_BAU_COLUMN, SUMMARY_HEADER, SUMMARY_PLAN_COLUMNS,
    TRAJECTORY_HEADER, Table, Tables, write_crf, write_emissions, write_errors, write_plan,
    write_summary, write_trajectory,
};
pub use report::json::JsonReport;
pub use stream::CellTables;

/// The format version this module implements.
pub const FORMAT_VERSION: &str = "1";

/// The three input files: a name for messages and a reader for each.
#[derive(Debug)]
pub struct BatchInput<'a, R> {
    /// `inventories.csv`.
    pub inventories: (&'a str, R),
    /// `activity.csv`.
    pub activity: (&'a str, R),
    /// The optional `factors.csv`.
    pub factors: Option<(&'a str, R)>,
    /// The optional `supply.csv` (local energy supply: an extension of v1).
    pub supply: Option<(&'a str, R)>,
    /// The optional `actions.csv` (the action plans of baselines: an extension of v1).
    pub actions: Option<(&'a str, R)>,
    /// The optional `crf_activity.csv` (the rows of CRF inventories: an extension of v1).
    pub crf_activity: Option<(&'a str, R)>,
}

/// One computed inventory of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchInventory {
    /// The inventory.
    pub inventory: Inventory,
    /// Its target, evaluated.
    pub target: Option<TargetResult>,
    /// For a baseline with a target: the straight-line path to it.
    pub trajectory: Option<Trajectory>,
    /// For a monitoring inventory: the change against its baseline, in percent.
    pub change_vs_baseline_pct: Option<Decimal>,
    /// For a monitoring inventory: the comparison with its baseline by sector and carrier
    /// (boxed, as the plan: a batch keeps an array of every inventory, most without them);
    /// `None` from [`run_streamed`], whose CSV tables do not show it.
    pub comparison: Option<Box<Comparison>>,
    /// For a monitoring inventory whose baseline has a target: where it stands on the path.
    pub progress: Option<Progress>,
    /// For a baseline with actions in `actions.csv`: its plan, valued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<Box<Plan>>,
}

/// Everything a batch produced.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BatchOutput {
    /// The computed inventories, in input order.
    pub inventories: Vec<BatchInventory>,
    /// Every input error; the inventories they concern are not in `inventories`.
    pub errors: Vec<InputError>,
    /// Warnings (unknown columns, plausibility): the results are still complete.
    pub warnings: Vec<InputError>,
    /// Errors counted but not listed in `errors` (beyond [`MAX_LISTED`]).
    pub errors_not_listed: u64,
    /// Warnings counted but not listed in `warnings`.
    pub warnings_not_listed: u64,
    /// The ids of the inventories rejected for an error, in input order.
    pub rejected: Vec<String>,
    /// Whether `inventories.csv` has the growth columns of a business-as-usual projection
    /// (`summary.csv` then has `bau_emissions_t`: see [`Tables::with_bau`]).
    pub bau_columns: bool,
}

/// Called with the number of activity rows read so far (every 65 536 rows and at the end),
/// for a progress bar.
pub type ProgressFn<'a> = &'a mut dyn FnMut(u64);

/// Reads and computes a batch (see the module docs).
pub fn run<R: Read + Send>(input: BatchInput<'_, R>, catalog: &Catalog) -> BatchOutput {
    run_with(input, catalog, Options::default(), &mut |_| {})
}

/// How a batch is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Whether every cell keeps its detail, as the JSON report and the browser show it (the
    /// default): its input lines ([`crate::inventory::Cell::lines`]) and the conversion of each
    /// quantity ([`crate::inventory::Cell::inputs`]). Without it memory grows with the number of
    /// inventories and cells only, not with the number of rows, and is about halved; the CSV
    /// outputs do not need it and their numbers are the same.
    pub cell_detail: bool,
    /// How many threads may compute (1, the default, computes on the caller's thread; the
    /// results are the same for any number).
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options { cell_detail: true, threads: 1 }
    }
}

/// [`run`] with [`Options`], reporting progress while `activity.csv` is read.
pub fn run_with<R: Read + Send>(
    input: BatchInput<'_, R>,
    catalog: &Catalog,
    options: Options,
    progress: ProgressFn<'_>,
) -> BatchOutput {
    // Only writing the tables of every cell can fail, and none are written here.
    run_inner(input, catalog, options, progress, None).unwrap_or_default()
}

/// [`run_with`] for CSV outputs, in less memory: the tables of every cell, `emissions.csv`
/// and `crf.csv`, are written to `cells` while the inventories are computed (on up to
/// `options.threads` threads, each inventory's rows once it is known to be accepted), and the
/// inventories returned keep no cells, no factors and no comparison with their baseline
/// ([`BatchInventory::comparison`], which no CSV table shows; its warnings are given);
/// everything else is as [`run_with`] gives it (write `summary.csv` and `trajectory.csv` from
/// it, with [`Tables`]). The bytes
/// written are those of [`write_emissions`] and [`write_crf`] on the output of [`run_with`].
/// Memory then grows with the cells while reading only, not with the cells of every inventory
/// computed. Fails only when writing fails.
pub fn run_streamed<R: Read + Send>(
    input: BatchInput<'_, R>,
    catalog: &Catalog,
    options: Options,
    progress: ProgressFn<'_>,
    cells: CellTables<'_>,
) -> Result<BatchOutput, BatchWriteError> {
    run_inner(input, catalog, options, progress, Some(cells))
}

fn run_inner<R: Read + Send>(
    input: BatchInput<'_, R>,
    catalog: &Catalog,
    options: Options,
    progress: ProgressFn<'_>,
    cells: Option<CellTables<'_>>,
) -> Result<BatchOutput, BatchWriteError> {
    let BatchInput { inventories, activity, factors, supply, actions, crf_activity } = input;
    let files = finish::Files {
        inventories: inventories.0,
        activity: activity.0,
        supply: supply.as_ref().map_or("supply.csv", |(name, _)| *name),
        factors: factors.as_ref().map_or("factors.csv", |(name, _)| *name),
        actions: actions.as_ref().map_or("actions.csv", |(name, _)| *name),
        crf: crf_activity.as_ref().map_or("crf_activity.csv", |(name, _)| *name),
    };
    // `activity.csv`, the largest file, is parsed from the start on a second thread (with
    // `options.threads` ≥ 2), while the others are read on this one.
    let reading = read::record::parse_ahead(activity.1, options.threads, |ahead| {
        let mut st = diag::State::default();
        let specs =
            read::inventories::read_inventories(inventories.0, inventories.1, catalog, &mut st);
        let overrides = match factors {
            Some((name, r)) => read::factors::read_factors(name, r, &specs, &mut st),
            None => read::factors::Overrides::default(),
        };
        let mut reading = read::Reading::new(specs, overrides, st, options.cell_detail);
        read::activity::read_activity(activity.0, ahead, &mut reading, progress);
        if let Some((name, r)) = supply {
            read::supply::read_supply(name, r, &mut reading);
        }
        if let Some((name, r)) = actions {
            read::actions::read_actions(name, r, &mut reading);
        }
        if let Some((name, r)) = crf_activity {
            read::crf::read_crf(name, r, &mut reading);
        }
        reading
    });
    finish::finish(files, reading, options.threads, cells)
}
