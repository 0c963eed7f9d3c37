//! The `covenant` command line: a thin adapter over `covenant-core`.
//!
//! It parses arguments, opens files, draws the progress bar and writes the output files
//! atomically; every number comes from `covenant_core`.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod output;
mod parts;
pub mod synth;

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use covenant_core::batch::{self, BatchInput, BatchOutput, JsonReport};
use covenant_core::factors::{Catalog, FactorSet};
use output::{Destination, OutputError, Place};

/// Exit code: every inventory computed.
pub const EXIT_OK: u8 = 0;
/// Exit code: at least one input error.
pub const EXIT_INPUT: u8 = 1;
/// Exit code: usage error (missing file, unknown flag, an output directory holding other files).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the outputs could not be written (a read-only or full disk, another run writing
/// to the same directory); the previous outputs, if any, are left as they were.
pub const EXIT_IO: u8 = 3;

const ABOUT: &str =
    "Covenant of Mayors emission inventories (BEI/MEI) from CSV batches, exact to the tonne.";

const BATCH_EXAMPLES: &str = "\
Examples:
  covenant batch --inventories inv.csv --activity act.csv --out results/
  covenant batch --inventories inv.csv --activity act.csv \\
      --factors own-factors.csv --out results/ --keep-going
  cat act.csv | covenant batch --inventories inv.csv --activity - \\
      --format json > results.json

Outputs in --out: emissions.csv, summary.csv, trajectory.csv, crf.csv (and
plan.csv with --actions, errors.csv with --keep-going); the folder is
replaced as a whole, at once.
The batch format, with the codes of sectors, carriers and units:
docs/batch-format.md.

Exit codes: 0 every inventory computed; 1 input errors (FILE:LINE: message);
2 usage error; 3 the outputs could not be written (the old ones are kept).";

/// covenant command line.
#[derive(Debug, Parser)]
#[command(name = "covenant", version, about = ABOUT, long_about = None, after_help = "Run 'covenant batch --help' for the batch format and examples.")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compute every inventory of a CSV batch.
    #[command(after_help = BATCH_EXAMPLES)]
    Batch(BatchArgs),
    /// List the shipped factor releases and sets, or print one set as CSV.
    #[command(
        after_help = "Examples:\n  covenant factors\n  covenant factors show jrc-neefe\n  covenant factors show com-fuels@2024.1 > fuels.csv"
    )]
    Factors {
        #[command(subcommand)]
        action: Option<FactorsAction>,
        /// Read factor releases from this directory instead of the embedded ones.
        #[arg(long, value_name = "DIR")]
        factors_dir: Option<PathBuf>,
    },
    /// Read, check and import eCRF workbooks (the Global Covenant of Mayors' Common Reporting
    /// Framework).
    Ecrf {
        #[command(subcommand)]
        action: EcrfAction,
    },
    /// Write a realistic synthetic batch (deterministic from the seed).
    #[command(
        after_help = "Examples:\n  covenant generate --inventories 1000 --rows 100 --seed 42 --out synthetic/\n  covenant generate --inventories 10000 --rows 100 --heavy --out heavy/"
    )]
    Generate {
        /// Number of inventories.
        #[arg(long, default_value_t = 100)]
        inventories: usize,
        /// Activity rows per inventory.
        #[arg(long, default_value_t = 100)]
        rows: usize,
        /// Seed of the generator.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output directory (inventories.csv, activity.csv, factors.csv).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// An output-heavy batch: 63 sector × carrier cells per inventory (given at least 63
        /// rows), a target for every inventory, and batch-wide factors in factors.csv.
        #[arg(long)]
        heavy: bool,
    },
}

#[derive(Debug, Subcommand)]
enum EcrfAction {
    /// Import filled eCRF workbooks: one CRF inventory per workbook, computed like a batch.
    ///
    /// Writes in DIR the batch input derived from the workbooks (inventories.csv,
    /// crf_activity.csv: edit them and run `covenant batch` again) and the outputs of the batch
    /// (summary.csv, crf.csv, crf_rows.csv, crf_totals.csv …). The workbooks' own factors and
    /// emissions are kept; an activity without a factor is a gap, read as not estimated (NE)
    /// unless --fill-factors.
    #[command(
        after_help = "Examples:\n  covenant ecrf import city-2019.xlsx --out city-2019/\n  covenant ecrf import *.xlsx --out imported/ --fill-factors --approach lca\n\nExit codes: 0 imported (warnings only); 1 errors in a workbook (FILE:SHEET!CELL: message), nothing written; 2 usage error; 3 the outputs could not be written."
    )]
    Import {
        /// The workbooks (.xlsx).
        #[arg(required = true, value_name = "WORKBOOK")]
        workbooks: Vec<PathBuf>,
        /// Output directory, replaced as a whole: new, empty, or holding only covenant's outputs.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        #[command(flatten)]
        common: EcrfArgs,
    },
    /// Check filled eCRF workbooks without writing anything: every finding as
    /// FILE:SHEET!CELL: message.
    ///
    /// eCRF_2 sub-totals and totals against the eCRF_3 rows (the template's tolerance, 0.5 %),
    /// each row's emissions against activity × factors, the gases against the CO2-eq factor and
    /// total under the declared GWP, notation keys without an explanation, activity without a
    /// factor, numbers stored as text, unknown labels (with the nearest known one).
    #[command(
        after_help = "Examples:\n  covenant ecrf check city-2019.xlsx\n  covenant ecrf check --quiet *.xlsx\n\nExit codes: 0 no errors (warnings only); 1 errors; 2 usage error."
    )]
    Check {
        /// The workbooks (.xlsx).
        #[arg(required = true, value_name = "WORKBOOK")]
        workbooks: Vec<PathBuf>,
        #[command(flatten)]
        common: EcrfArgs,
    },
}

#[derive(Debug, clap::Args)]
struct EcrfArgs {
    /// Compute an activity without a factor in the workbook with the factor release's factors
    /// (IPCC 2006 for fuels, the grid factor of the country and year for electricity) and
    /// report the emissions added.
    #[arg(long)]
    fill_factors: bool,
    /// The approach of the derived inventories (ipcc or lca): which grid factors fill a gap of
    /// electricity. [default: the batch format's]
    #[arg(long, value_name = "APPROACH")]
    approach: Option<String>,
    /// Read factor releases from this directory instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    factors_dir: Option<PathBuf>,
    /// Print errors only: no warnings, no summary line.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
enum FactorsAction {
    /// Print one set as CSV: `name@revision`, or a set name for the newest release's revision.
    Show {
        /// The set, e.g. `jrc-neefe`, `com-fuels@2024.1`, `fuel-properties`, `gwp`.
        set: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// CSV files in --out.
    Csv,
    /// JSON on standard output (and CSV files too when --out is given).
    Json,
}

#[derive(Debug, clap::Args)]
struct BatchArgs {
    /// inventories.csv: one row per inventory (`-` for standard input).
    ///
    /// Columns: inventory_id, country, year; optional: city, kind, baseline_id, population,
    /// approach, gases, gwp, factor_set, target_year, target_reduction_pct, target_kind,
    /// target_population, chp_eta_heat, chp_eta_electricity, framework (secap or crf).
    #[arg(long, value_name = "FILE")]
    inventories: PathBuf,
    /// activity.csv: one row per quantity consumed (`-` for standard input).
    ///
    /// Columns: inventory_id, sector, carrier, amount, unit; optional: sustainable (yes or
    /// no, for biomass and biofuels). Optional when every inventory is a CRF inventory
    /// (--crf-activity).
    #[arg(long, value_name = "FILE", required_unless_present = "crf_activity")]
    activity: Option<PathBuf>,
    /// factors.csv: optional local or custom emission factors (`-` for standard input).
    ///
    /// Columns: carrier, factor (t per MWh); optional: inventory_id (empty: every inventory),
    /// source, ncv_gj_per_t, density_kg_per_l.
    #[arg(long, value_name = "FILE")]
    factors: Option<PathBuf>,
    /// supply.csv: optional local energy supply, for local electricity and heat factors.
    ///
    /// Tables C and D of the template: local electricity and heat production, CHP, green
    /// purchases, heat imports and exports. Columns: inventory_id, item; optional: plant,
    /// electricity_mwh, heat_mwh, carrier, amount, unit, emissions_t.
    #[arg(long, value_name = "FILE")]
    supply: Option<PathBuf>,
    /// actions.csv: optional action plans of baselines, valued against their targets.
    ///
    /// Columns: inventory_id (the baseline), action_id, title, sector, kind (energy_saving,
    /// local_renewable, fuel_switch, direct_reduction), amount, unit, start_year, end_year;
    /// optional: carrier, to_carrier, cost, status, responsible. Writes DIR/plan.csv and the
    /// plan's columns of summary.csv.
    #[arg(long, value_name = "FILE")]
    actions: Option<PathBuf>,
    /// crf_activity.csv: optional rows of CRF inventories (framework = crf in inventories.csv).
    ///
    /// Columns: inventory_id; gpc_ref (I.1.1 …) or crf_subsector and scope; optional: fuel,
    /// amount, unit, factor_unit, co2_factor, ch4_factor, n2o_factor, co2e_factor,
    /// biogenic_co2_factor, co2_tco2e, ch4_tco2e, n2o_tco2e, total_tco2e, biogenic_co2_t,
    /// notation_key, explanation, description, activity_source, factor_source. Writes
    /// DIR/crf_rows.csv and DIR/crf_totals.csv.
    #[arg(long, value_name = "FILE")]
    crf_activity: Option<PathBuf>,
    /// Output directory, replaced as a whole: new, empty, or holding only covenant's outputs.
    /// Required unless --format json.
    #[arg(long, value_name = "DIR", required_unless_present = "format")]
    out: Option<PathBuf>,
    /// Write the valid inventories and list the rejected ones in DIR/errors.csv.
    #[arg(long)]
    keep_going: bool,
    /// Also write one workbook per inventory (laid out like the SECAP template) in this directory.
    #[arg(long, value_name = "DIR", requires = "out")]
    xlsx: Option<PathBuf>,
    /// Also write one eCRF workbook per inventory (the Global Covenant's eCRF_1, eCRF_2 and
    /// eCRF_3 sheets; SECAP inventories mapped to the CRF) in this directory.
    #[arg(long, value_name = "DIR", requires = "out")]
    ecrf: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Read factor releases from this directory instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    factors_dir: Option<PathBuf>,
    /// Print errors only: no warnings, no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Treat every warning as an error: it is printed as one, nothing is written (unless
    /// --keep-going, which lists the warnings in DIR/errors.csv) and the exit code is 1.
    /// Plausibility warnings (a unit probably confused, a change beyond the JRC's 70 %, a user
    /// factor above twice the release's) then stop a batch.
    #[arg(long)]
    strict: bool,
    /// Threads to use: with 2 or more, parsing activity.csv overlaps computing, the inventories
    /// are finished and compared with their baselines on N threads, and output files are
    /// written two at a time. The results are identical for any number. [default: the number
    /// of CPUs]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

/// Runs the command line with the given arguments and streams; returns the exit code.
pub fn run(
    args: impl IntoIterator<Item = OsString>,
    stdin: &mut (dyn Read + Send),
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let text = if stderr_is_color_terminal() {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            let _ =
                if e.use_stderr() { write!(stderr, "{text}") } else { write!(stdout, "{text}") };
            return code;
        }
    };
    let result = match cli.command {
        Command::Batch(a) => batch_command(&a, stdin, stdout, stderr),
        Command::Factors { action, factors_dir } => {
            factors_command(action, factors_dir.as_deref(), stdout)
        }
        Command::Ecrf { action } => ecrf_command(action, stderr),
        Command::Generate { inventories, rows, seed, out, heavy } => {
            let profile = if heavy { synth::Profile::OutputHeavy } else { synth::Profile::Typical };
            generate_command(profile, inventories, rows, seed, &out, stderr)
        }
    };
    match result {
        Ok(code) => code,
        // A reader that stopped reading (`covenant factors show … | head`): nothing to say.
        Err(e) if closed_pipe(&e) => EXIT_OK,
        Err(e) => {
            let _ = writeln!(stderr, "covenant: {e:#}");
            EXIT_USAGE
        }
    }
}

/// Whether an error comes from writing to a pipe whose reader has gone.
fn closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(|csv| {
                matches!(csv.kind(), csv::ErrorKind::Io(io) if io.kind() == io::ErrorKind::BrokenPipe)
            })
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
    })
}

fn stderr_is_color_terminal() -> bool {
    io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn catalog(dir: Option<&Path>) -> Result<std::borrow::Cow<'static, Catalog>> {
    match dir {
        None => Ok(std::borrow::Cow::Borrowed(Catalog::embedded())),
        Some(d) => {
            let c = Catalog::parse(|p| std::fs::read_to_string(d.join(p)).ok())
                .with_context(|| format!("cannot read the factor releases in '{}'", d.display()))?;
            Ok(std::borrow::Cow::Owned(c))
        }
    }
}

fn display_name(p: &Path) -> String {
    if p == Path::new("-") { "<stdin>".into() } else { p.display().to_string() }
}

fn batch_command(
    a: &BatchArgs,
    stdin: &mut (dyn Read + Send),
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8> {
    let dashes = [
        Some(&a.inventories),
        a.activity.as_ref(),
        a.factors.as_ref(),
        a.supply.as_ref(),
        a.actions.as_ref(),
        a.crf_activity.as_ref(),
    ]
    .into_iter()
    .flatten()
    .filter(|p| p.as_os_str() == "-")
    .count();
    if dashes > 1 {
        bail!("only one input file can be read from standard input ('-')");
    }
    if a.out.is_none() && a.format != Some(Format::Json) {
        bail!("--out DIR is required (unless --format json)");
    }
    let catalog = catalog(a.factors_dir.as_deref())?;
    let started = std::time::Instant::now();
    let mut stdin_slot = Some(stdin);
    let mut open = |p: &Path| -> Result<Box<dyn Read + Send + '_>> {
        if p.as_os_str() == "-" {
            // Checked above: at most one '-'.
            let s = stdin_slot.take().context("standard input was already used")?;
            return Ok(Box::new(s));
        }
        let f = File::open(p).with_context(|| format!("cannot open '{}'", p.display()))?;
        Ok(Box::new(io::BufReader::with_capacity(1 << 16, f)))
    };
    let inv = open(&a.inventories)?;
    // Without activity.csv (a batch of CRF inventories only), an empty one.
    let act: Box<dyn Read + Send + '_> = match &a.activity {
        Some(path) => {
            let act = open(path)?;
            match progress_bar(path) {
                Some(pb) => Box::new(pb.wrap_read(act)),
                None => act,
            }
        }
        None => Box::new(&b"inventory_id,sector,carrier,amount,unit\n"[..]),
    };
    let fac = a.factors.as_deref().map(&mut open).transpose()?;
    let sup = a.supply.as_deref().map(&mut open).transpose()?;
    let acts = a.actions.as_deref().map(&mut open).transpose()?;
    let crf = a.crf_activity.as_deref().map(&mut open).transpose()?;
    // The output directories are checked and locked before anything is computed (and after the
    // inputs are open: a missing input creates nothing).
    let inputs: Vec<&Path> = [
        Some(&a.inventories),
        a.activity.as_ref(),
        a.factors.as_ref(),
        a.supply.as_ref(),
        a.actions.as_ref(),
        a.crf_activity.as_ref(),
    ]
    .into_iter()
    .flatten()
    .map(PathBuf::as_path)
    .collect();
    let books: Vec<(Place, &Path)> = [
        a.xlsx.as_deref().map(|x| (Place::Workbooks, x)),
        a.ecrf.as_deref().map(|x| (Place::Ecrf, x)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let dest = match a.out.as_deref().map(|o| Destination::prepare(o, &books, &inputs)) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => return Ok(output_failed(&e, stderr)),
    };
    let inv_name = display_name(&a.inventories);
    let act_name = a.activity.as_deref().map_or_else(|| "activity.csv".into(), display_name);
    let fac_name = a.factors.as_deref().map(display_name);
    let sup_name = a.supply.as_deref().map(display_name);
    let acts_name = a.actions.as_deref().map(display_name);
    let crf_name = a.crf_activity.as_deref().map(display_name);
    // Only the JSON report shows each cell's detail (its input lines and conversions); without
    // it memory does not grow with the number of rows.
    let threads = a.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        usize::from,
    );
    let options = batch::Options { cell_detail: a.format == Some(Format::Json), threads };
    let input = BatchInput {
        inventories: (&inv_name, inv),
        activity: (&act_name, act),
        factors: fac_name.as_deref().zip(fac),
        supply: sup_name.as_deref().zip(sup),
        actions: acts_name.as_deref().zip(acts),
        crf_activity: crf_name.as_deref().zip(crf),
    };
    // CSV outputs only: the tables of every cell are written into the staging directory while
    // the inventories are computed, so that no inventory keeps its cells (the JSON report and
    // the workbooks need them).
    let staged = match (&dest, a.format, books.is_empty()) {
        (Some(d), None | Some(Format::Csv), true) => match d.stage() {
            Ok(s) => Some(s),
            Err(e) => return Ok(output_failed(&e, stderr)),
        },
        _ => None,
    };
    let mut out = match &staged {
        Some(st) => {
            let streamed = st.create(Place::Out, "emissions.csv").and_then(|mut emissions| {
                let mut crf = st.create(Place::Out, "crf.csv")?;
                let cells = batch::CellTables { emissions: &mut emissions, crf: &mut crf };
                batch::run_streamed(input, &catalog, options, &mut |_| {}, cells).map_err(|e| {
                    output::rendering(
                        anyhow::Error::new(e).context("cannot write emissions.csv and crf.csv"),
                    )
                })
            });
            match streamed {
                Ok(out) => out,
                Err(e) => return Ok(output_failed(&e, stderr)),
            }
        }
        None => batch::run_with(input, &catalog, options, &mut |_| {}),
    };
    if a.strict {
        strict(&mut out);
    }
    report(&out, a.quiet, stderr)?;
    let failed = !out.errors.is_empty();
    if a.format == Some(Format::Json) {
        serde_json::to_writer_pretty(&mut *stdout, &JsonReport::new(&out))
            .context("cannot write JSON")?;
        writeln!(stdout)?;
    }
    if let (Some(dir), Some(dest)) = (&a.out, &dest) {
        if !failed || a.keep_going {
            let extras = Extras {
                keep_going: a.keep_going,
                plans: a.actions.is_some(),
                crf: a.crf_activity.is_some(),
            };
            if let Err(e) = write_outputs(dest, staged, &out, extras, &[], threads) {
                return Ok(output_failed(&e, stderr));
            }
            if !a.quiet {
                let n = out.inventories.len();
                writeln!(
                    stderr,
                    "covenant: {n} inventor{} computed in {:.2} s; outputs in '{}'",
                    if n == 1 { "y" } else { "ies" },
                    started.elapsed().as_secs_f64(),
                    dir.display()
                )?;
            }
        } else {
            writeln!(
                stderr,
                "covenant: nothing written to '{}' (use --keep-going to write the valid inventories)",
                dir.display()
            )?;
        }
    }
    // The process ends right after: let the OS reclaim the results instead of freeing them one
    // by one (a measurable share of a large batch's run time).
    std::mem::forget(out);
    Ok(if failed { EXIT_INPUT } else { EXIT_OK })
}

/// `--strict`: every warning becomes an error (the results are kept: no inventory is rejected,
/// but the run fails).
fn strict(out: &mut BatchOutput) {
    out.errors_not_listed += out.warnings_not_listed;
    out.warnings_not_listed = 0;
    out.errors.append(&mut out.warnings);
}

fn progress_bar(activity: &Path) -> Option<indicatif::ProgressBar> {
    if !io::stderr().is_terminal() || activity.as_os_str() == "-" {
        return None;
    }
    let len = std::fs::metadata(activity).ok()?.len();
    let pb = indicatif::ProgressBar::new(len);
    pb.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .ok()?,
    );
    Some(pb)
}

fn report(out: &BatchOutput, quiet: bool, stderr: &mut dyn Write) -> Result<()> {
    let mut w = BufWriter::new(stderr);
    for e in &out.errors {
        writeln!(w, "{e}")?;
    }
    if !quiet {
        for d in &out.warnings {
            match (&d.file, d.line) {
                (Some(f), Some(l)) => write!(w, "{f}:{l}: ")?,
                (Some(f), None) => write!(w, "{f}: ")?,
                (None, _) => {}
            }
            writeln!(w, "warning: {}", d.message)?;
        }
    }
    // Every error counts, listed or not (the count line itself is not one).
    let listed = out.errors.iter().filter(|e| e.code != "more_not_listed").count() as u64;
    let errors = listed + out.errors_not_listed;
    if errors > 0 {
        writeln!(
            w,
            "covenant: {errors} error{}; {} inventor{} computed, {} rejected",
            if errors == 1 { "" } else { "s" },
            out.inventories.len(),
            if out.inventories.len() == 1 { "y" } else { "ies" },
            out.rejected.len()
        )?;
    }
    w.flush()?;
    Ok(())
}

/// Prints why the outputs were not written; the exit code.
fn output_failed(e: &OutputError, stderr: &mut dyn Write) -> u8 {
    let _ = writeln!(stderr, "covenant: {e}");
    match e {
        OutputError::Usage(_) => EXIT_USAGE,
        OutputError::Io(_) => EXIT_IO,
    }
}

/// The outputs a batch writes besides the four tables.
#[derive(Clone, Copy)]
struct Extras {
    /// `errors.csv` (`--keep-going`).
    keep_going: bool,
    /// `plan.csv` (`--actions`).
    plans: bool,
    /// `crf_rows.csv` and `crf_totals.csv` (`--crf-activity`).
    crf: bool,
}

/// Renders the workbook of one inventory (`--ecrf`, `--xlsx`).
type WorkbookFn = fn(&batch::BatchInventory) -> Result<Vec<u8>>;

/// Writes every output into the staging directory (`staged`: where `emissions.csv` and
/// `crf.csv` were written while computing; else a new one), on up to `threads` threads (see
/// [`parts`]), then switches it into place: the four tables, the files of `inputs` (the batch
/// input `ecrf import` derived), `errors.csv` with `--keep-going`, and one workbook per
/// inventory with `--xlsx` and `--ecrf`.
fn write_outputs(
    dest: &Destination,
    staged: Option<output::Staged<'_>>,
    out: &BatchOutput,
    Extras { keep_going, plans, crf }: Extras,
    inputs: &[(&str, &str)],
    threads: usize,
) -> std::result::Result<(), OutputError> {
    let cells_written = staged.is_some();
    let staged = match staged {
        Some(s) => s,
        None => dest.stage()?,
    };
    let inv = &out.inventories;
    let tables = batch::Tables::new(inv).with_plans(plans).with_bau(out.bau_columns);
    let mut jobs = parts::Parts::new(&tables);
    for table in batch::Table::ALL {
        if !(cells_written && matches!(table, batch::Table::Emissions | batch::Table::Crf)) {
            jobs.table(table);
        }
    }
    if plans {
        jobs.table(batch::Table::Plan);
    }
    if crf {
        jobs.table(batch::Table::CrfRows);
        jobs.table(batch::Table::CrfTotals);
    }
    if keep_going {
        jobs.whole(
            Place::Out,
            "errors.csv".into(),
            Box::new(|w| Ok(batch::write_errors(w, &out.errors)?)),
        );
    }
    for &(name, text) in inputs {
        jobs.whole(
            Place::Out,
            name.into(),
            Box::new(move |w| {
                w.extend_from_slice(text.as_bytes());
                Ok(())
            }),
        );
    }
    // One workbook per inventory in each workbook directory asked for.
    let books: [(Place, WorkbookFn); 2] = [
        (Place::Ecrf, |r| {
            let wb = covenant_core::ecrf::convert::to_workbook(&r.inventory)?;
            Ok(covenant_core::ecrf::write_workbook(&wb)?)
        }),
        (Place::Workbooks, |r| Ok(covenant_core::xlsx::workbook(r)?)),
    ];
    for (place, render) in books.into_iter().filter(|(p, _)| dest.has_workbooks(*p)) {
        let mut taken = std::collections::BTreeSet::new();
        for r in inv {
            let name = format!("{}.xlsx", output::file_stem(&r.inventory.spec.id, &mut taken));
            jobs.whole(
                place,
                name,
                Box::new(move |w| {
                    w.extend_from_slice(&render(r)?);
                    Ok(())
                }),
            );
        }
    }
    jobs.write(&staged, threads)?;
    staged.commit()
}

fn write_set(set: &FactorSet, stdout: &mut dyn Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(stdout);
    w.write_record([
        "carrier", "country", "year", "approach", "gases", "value", "unit", "tag", "set", "source",
        "citation", "note",
    ])?;
    let id = set.id().to_string();
    for r in set.records() {
        w.write_record([
            r.carrier.code(),
            r.country.as_ref().map_or("", |c| c.code()),
            &r.year.map(|y| y.to_string()).unwrap_or_default(),
            r.approach.code(),
            r.gases.code(),
            &covenant_core::quantity::format_decimal(r.factor.value()),
            "t/MWh",
            r.tag.letter(),
            &id,
            &r.source,
            set.citation(&r.source).map_or("", |c| c),
            &r.note,
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn factors_command(
    action: Option<FactorsAction>,
    dir: Option<&Path>,
    stdout: &mut dyn Write,
) -> Result<u8> {
    let catalog = catalog(dir)?;
    let newest = catalog.newest();
    match action {
        None => {
            let mut w = BufWriter::new(stdout);
            for r in catalog.releases() {
                let default = if r.id() == newest.id() { " (default)" } else { "" };
                writeln!(w, "release {}{default}, {}: {}", r.id(), r.date(), r.description())?;
                for s in r.factor_sets() {
                    let com = if s.is_com() { "CoM" } else { "NOT CoM" };
                    writeln!(
                        w,
                        "  {:<24} {:>5} factors  {com}",
                        s.id().to_string(),
                        s.records().len()
                    )?;
                }
                writeln!(w, "  {:<24} NCVs and densities", r.properties_id().to_string())?;
                if let Some(g) = r.per_gas() {
                    writeln!(w, "  {:<24} CO2, CH4, N2O per fuel", g.id().to_string())?;
                }
                writeln!(w, "  {:<24} {} GWP sets", r.gwp_id().to_string(), r.gwp().len())?;
            }
            writeln!(
                w,
                "\nPrint a set with 'covenant factors show SET' (e.g. 'covenant factors show jrc-neefe')."
            )?;
            w.flush()?;
        }
        Some(FactorsAction::Show { set }) => {
            let set = set.trim();
            let name = set.split('@').next().unwrap_or(set);
            // `name@revision` must name that revision; a bare name means the newest release's.
            let is = |id: &covenant_core::factors::SetId| set == name || set == id.to_string();
            if let Some(s) = catalog
                .factor_set(set)
                .or_else(|| newest.factor_sets().into_iter().find(|s| s.id().name == set))
            {
                write_set(s, stdout)?;
            } else if name == newest.properties_id().name && is(newest.properties_id()) {
                let mut w = csv::Writer::from_writer(stdout);
                w.write_record([
                    "carrier", "property", "value", "unit", "tag", "set", "source", "note",
                ])?;
                for &c in covenant_core::Carrier::ALL {
                    for (prop, p) in [
                        ("ncv", newest.properties().ncv(c)),
                        ("density", newest.properties().density(c)),
                    ] {
                        if let Some(p) = p {
                            w.write_record([
                                c.code(),
                                prop,
                                &covenant_core::quantity::format_decimal(p.value),
                                p.unit,
                                p.tag.letter(),
                                p.set.as_deref().unwrap_or(""),
                                &p.source,
                                &p.note,
                            ])?;
                        }
                    }
                }
                w.flush()?;
            } else if let Some(g) = newest.per_gas().filter(|g| name == g.id().name && is(g.id())) {
                let mut w = csv::Writer::from_writer(stdout);
                w.write_record([
                    "carrier",
                    "co2_kg_per_tj",
                    "ch4_kg_per_tj",
                    "n2o_kg_per_tj",
                    "biogenic",
                ])?;
                for &c in covenant_core::Carrier::ALL {
                    if let Some(f) = g.get(c) {
                        w.write_record([
                            c.code(),
                            &covenant_core::quantity::format_decimal(f.co2),
                            &covenant_core::quantity::format_decimal(f.ch4),
                            &covenant_core::quantity::format_decimal(f.n2o),
                            if f.biogenic { "yes" } else { "no" },
                        ])?;
                    }
                }
                w.flush()?;
            } else if name == newest.gwp_id().name && is(newest.gwp_id()) {
                let mut w = csv::Writer::from_writer(stdout);
                w.write_record(["gwp_set", "ch4", "n2o", "source"])?;
                for g in newest.gwp() {
                    w.write_record([
                        g.code.as_str(),
                        &g.ch4.to_string(),
                        &g.n2o.to_string(),
                        &g.source,
                    ])?;
                }
                w.flush()?;
            } else {
                let mut names: Vec<String> =
                    newest.factor_sets().iter().map(|s| s.id().name.clone()).collect();
                names.extend([newest.properties_id().name.clone(), newest.gwp_id().name.clone()]);
                names.extend(newest.per_gas().map(|g| g.id().name.clone()));
                bail!("no factor set '{set}'; available: {}", names.join(", "));
            }
        }
    }
    Ok(EXIT_OK)
}

fn generate_command(
    profile: synth::Profile,
    n: usize,
    rows: usize,
    seed: u64,
    out: &Path,
    stderr: &mut dyn Write,
) -> Result<u8> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create '{}'", out.display()))?;
    let act_path = out.join("activity.csv");
    let act = File::create(&act_path)
        .with_context(|| format!("cannot create '{}'", act_path.display()))?;
    let mut act = BufWriter::new(act);
    let b = synth::generate_profile(profile, n, rows, seed, &mut act)?;
    act.flush()?;
    std::fs::write(out.join("inventories.csv"), b.inventories)?;
    std::fs::write(out.join("factors.csv"), b.factors)?;
    writeln!(
        stderr,
        "covenant: wrote {n} inventories and {} activity rows to '{}'",
        n * rows,
        out.display()
    )?;
    Ok(EXIT_OK)
}

/// `covenant ecrf import` and `covenant ecrf check`.
fn ecrf_command(action: EcrfAction, stderr: &mut dyn Write) -> Result<u8> {
    use covenant_core::ecrf::{self, import};
    let (workbooks, out, common) = match &action {
        EcrfAction::Import { workbooks, out, common } => (workbooks, Some(out), common),
        EcrfAction::Check { workbooks, common } => (workbooks, None, common),
    };
    let approach = common
        .approach
        .as_deref()
        .map(|a| {
            covenant_core::Approach::parse_code(a).map_err(|e| anyhow::anyhow!("--approach: {e}"))
        })
        .transpose()?;
    let catalog = catalog(common.factors_dir.as_deref())?;
    let started = std::time::Instant::now();
    // The output directory is checked and locked before anything is read.
    let inputs: Vec<&Path> = workbooks.iter().map(PathBuf::as_path).collect();
    let dest = match out.map(|o| Destination::prepare(o, &[], &inputs)) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => return Ok(output_failed(&e, stderr)),
    };
    let mut w = BufWriter::new(&mut *stderr);
    let mut unreadable = 0usize;
    let mut read = Vec::new();
    for path in workbooks {
        let name = display_name(path);
        // A file that cannot be opened is a usage error, as for the batch's inputs; one too
        // large to be a workbook is refused, as the reader would, before it is read.
        let cannot = || format!("cannot read '{}'", path.display());
        let size = std::fs::metadata(path).with_context(cannot)?.len();
        let limit = ecrf::read::MAX_BYTES;
        if size > limit as u64 {
            let bytes = usize::try_from(size).unwrap_or(usize::MAX);
            writeln!(w, "{name}: {}", ecrf::ReadError::TooLarge { bytes, limit })?;
            unreadable += 1;
            continue;
        }
        let bytes = std::fs::read(path).with_context(cannot)?;
        match ecrf::read_located(&bytes) {
            Ok((wb, pos, findings)) => read.push((name, wb, pos, findings)),
            Err(e) => {
                writeln!(w, "{name}: {e}")?;
                unreadable += 1;
            }
        }
    }
    let books: Vec<import::Book<'_>> = read
        .iter()
        .map(|(file, workbook, positions, _)| import::Book { file, workbook, positions })
        .collect();
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let opts = import::ImportOptions { fill_factors: common.fill_factors, approach, threads };
    let imported = import::import(&books, &catalog, opts);
    // The reader's findings first, then the import's, workbook by workbook.
    let mut findings: Vec<import::BookFinding> = Vec::new();
    for (file, _, _, list) in &read {
        findings.extend(
            list.iter().map(|f| import::BookFinding { file: file.clone(), finding: f.clone() }),
        );
        findings.extend(imported.findings.iter().filter(|f| &f.file == file).cloned());
    }
    let is_error = |f: &import::BookFinding| {
        f.finding.severity() == covenant_core::error::kinds::Severity::Error
    };
    let errors = findings.iter().filter(|f| is_error(f)).count() + unreadable;
    let warnings = findings.iter().filter(|f| !is_error(f)).count();
    for f in &findings {
        if is_error(f) || !common.quiet {
            writeln!(w, "{f}")?;
        }
    }
    // What filling the gaps changed, workbook by workbook: the same workbooks imported without
    // filling give the totals it is measured from.
    if common.fill_factors && !common.quiet && errors == 0 {
        let unfilled = import::import(
            &books,
            &catalog,
            import::ImportOptions { fill_factors: false, approach, threads },
        );
        for e in import::fill_effect(&books, &unfilled, &imported) {
            let activities = if e.rows == 1 { "activity" } else { "activities" };
            writeln!(
                w,
                "{}: {} {activities} computed with the factor release's factors: total emissions of '{}' {} t CO2-eq with them, {} t without (+{} t)",
                e.file, e.rows, e.id, e.with, e.without, e.added
            )?;
        }
    }
    let n = workbooks.len();
    let plural =
        |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    match (&action, dest) {
        (EcrfAction::Import { out, .. }, Some(dest)) => {
            if errors > 0 {
                writeln!(
                    w,
                    "covenant: {}; nothing written to '{}'",
                    plural(errors, "error", "errors"),
                    out.display()
                )?;
                w.flush()?;
                return Ok(EXIT_INPUT);
            }
            let extras = Extras { keep_going: false, plans: false, crf: true };
            let inputs = [
                (import::INVENTORIES_FILE, imported.inventories_csv.as_str()),
                (import::CRF_ACTIVITY_FILE, imported.crf_activity_csv.as_str()),
            ];
            if let Err(e) = write_outputs(&dest, None, &imported.output, extras, &inputs, threads) {
                w.flush()?;
                drop(w);
                return Ok(output_failed(&e, stderr));
            }
            if !common.quiet {
                writeln!(
                    w,
                    "covenant: {} imported ({}) in {:.2} s; inputs and outputs in '{}'",
                    plural(n, "workbook", "workbooks"),
                    plural(warnings, "warning", "warnings"),
                    started.elapsed().as_secs_f64(),
                    out.display()
                )?;
            }
        }
        _ => {
            if !common.quiet || errors > 0 {
                writeln!(
                    w,
                    "covenant: {} checked: {}, {}",
                    plural(n, "workbook", "workbooks"),
                    plural(errors, "error", "errors"),
                    plural(warnings, "warning", "warnings")
                )?;
            }
        }
    }
    w.flush()?;
    Ok(if errors > 0 { EXIT_INPUT } else { EXIT_OK })
}
