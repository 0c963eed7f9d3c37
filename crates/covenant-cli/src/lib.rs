//! The `covenant` command line: a thin adapter over `covenant-core`.
//!
//! It parses arguments, opens files, draws the progress bar and writes the output files
//! atomically; every number comes from `covenant_core`.

#![forbid(unsafe_code)]

mod output;
pub mod synth;

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use covenant_core::batch::{self, BatchInput, BatchOutput, JsonReport};
use covenant_core::factors::{Catalog, FactorSet};

/// Exit code: every inventory computed.
pub const EXIT_OK: u8 = 0;
/// Exit code: at least one input error.
pub const EXIT_INPUT: u8 = 1;
/// Exit code: usage error (missing file, unknown flag).
pub const EXIT_USAGE: u8 = 2;

const ABOUT: &str =
    "Covenant of Mayors emission inventories (BEI/MEI) from CSV batches, exact to the tonne.";

const BATCH_EXAMPLES: &str = "\
Examples:
  covenant batch --inventories inventories.csv --activity activity.csv --out results/
  covenant batch --inventories inv.csv --activity act.csv --factors local-factors.csv --out results/ --keep-going
  cat activity.csv | covenant batch --inventories inv.csv --activity - --format json > results.json

Input files (UTF-8, comma-separated, header row; see the batch format in the README):
  inventories.csv  inventory_id,country,year[,city,kind,baseline_id,population,approach,gases,factor_set,
                   target_year,target_reduction_pct,target_kind,target_population]
  activity.csv     inventory_id,sector,carrier,amount,unit
  factors.csv      carrier,factor[,inventory_id,source,ncv_gj_per_t,density_kg_per_l]   (optional, t/MWh)
  supply.csv       inventory_id,item[,plant,electricity_mwh,heat_mwh,carrier,amount,unit,emissions_t]
                   (optional local production: local electricity and heat factors, CHP)

Outputs in --out: emissions.csv, summary.csv, trajectory.csv, crf.csv (and errors.csv with --keep-going);
with --xlsx DIR, one workbook per inventory.
Exit codes: 0 all computed, 1 input errors (each printed as FILE:LINE: message), 2 usage error.";

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
    #[arg(long, value_name = "FILE")]
    inventories: PathBuf,
    /// activity.csv: one row per quantity consumed (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    activity: PathBuf,
    /// factors.csv: optional local or custom emission factors (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    factors: Option<PathBuf>,
    /// supply.csv: optional local energy supply (Tables C and D: local electricity and heat
    /// production, CHP, green purchases, heat imports and exports) for local factors.
    #[arg(long, value_name = "FILE")]
    supply: Option<PathBuf>,
    /// Output directory (created if needed). Required unless --format json.
    #[arg(long, value_name = "DIR", required_unless_present = "format")]
    out: Option<PathBuf>,
    /// Write the valid inventories and list the rejected ones in DIR/errors.csv.
    #[arg(long)]
    keep_going: bool,
    /// Also write one workbook per inventory (laid out like the SECAP template) in this directory.
    #[arg(long, value_name = "DIR", requires = "out")]
    xlsx: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Read factor releases from this directory instead of the embedded ones.
    #[arg(long, value_name = "DIR")]
    factors_dir: Option<PathBuf>,
    /// Do not print warnings.
    #[arg(long, short)]
    quiet: bool,
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
        Command::Generate { inventories, rows, seed, out, heavy } => {
            let profile = if heavy { synth::Profile::OutputHeavy } else { synth::Profile::Typical };
            generate_command(profile, inventories, rows, seed, &out, stderr)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(stderr, "covenant: {e:#}");
            EXIT_USAGE
        }
    }
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
    let dashes = [Some(&a.inventories), Some(&a.activity), a.factors.as_ref(), a.supply.as_ref()]
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
    let act = open(&a.activity)?;
    let act: Box<dyn Read + Send + '_> = match progress_bar(&a.activity) {
        Some(pb) => Box::new(pb.wrap_read(act)),
        None => act,
    };
    let fac = a.factors.as_deref().map(&mut open).transpose()?;
    let sup = a.supply.as_deref().map(&mut open).transpose()?;
    let (inv_name, act_name) = (display_name(&a.inventories), display_name(&a.activity));
    let fac_name = a.factors.as_deref().map(display_name);
    let sup_name = a.supply.as_deref().map(display_name);
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
    };
    // CSV files only: the tables of every cell are written while the inventories are computed
    // (in temporary files, renamed into place with the others), so that no inventory keeps its
    // cells. The JSON report and the workbooks need the cells.
    // Folders made for the temporary files, removed again when nothing is written.
    let mut made = Vec::new();
    let (out, cell_tables) = match (&a.out, a.format, &a.xlsx) {
        (Some(dir), None | Some(Format::Csv), None) => {
            made = output::make_dir(dir)?;
            let (mut emissions, mut crf) = (output::temporary(dir)?, output::temporary(dir)?);
            let cells = batch::CellTables { emissions: &mut emissions, crf: &mut crf };
            let out = batch::run_streamed(input, &catalog, options, &mut |_| {}, cells)
                .context("cannot write emissions.csv and crf.csv")?;
            (out, Some((emissions, crf)))
        }
        _ => (batch::run_with(input, &catalog, options, &mut |_| {}), None),
    };
    report(&out, a.quiet, stderr)?;
    let failed = !out.errors.is_empty();
    if a.format == Some(Format::Json) {
        serde_json::to_writer_pretty(&mut *stdout, &JsonReport::new(&out))
            .context("cannot write JSON")?;
        writeln!(stdout)?;
    }
    if let Some(dir) = &a.out {
        if !failed || a.keep_going {
            write_outputs(dir, &out, cell_tables, a.keep_going, a.xlsx.as_deref(), threads)?;
        } else {
            drop(cell_tables);
            for d in made {
                let _ = std::fs::remove_dir(d);
            }
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

/// A file name for an inventory id: characters other than letters, digits, `.`, `-` and `_`
/// become `_`; a clash with an earlier name gets a numeric suffix.
fn file_stem(id: &str, taken: &mut std::collections::BTreeSet<String>) -> String {
    let mut stem: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    if stem.is_empty() || stem.starts_with('.') {
        stem.insert(0, '_');
    }
    let base = stem.clone();
    let mut k = 2;
    while !taken.insert(stem.to_ascii_lowercase()) {
        stem = format!("{base}-{k}");
        k += 1;
    }
    stem
}

/// Writes every output (see [`output`]): the four tables in `dir` (`emissions.csv` and
/// `crf.csv` may be written already, in `cell_tables`), `errors.csv` with `--keep-going`, and
/// with `--xlsx` one workbook per inventory.
fn write_outputs(
    dir: &Path,
    out: &BatchOutput,
    cell_tables: Option<(tempfile::NamedTempFile, tempfile::NamedTempFile)>,
    keep_going: bool,
    xlsx: Option<&Path>,
    threads: usize,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
    let tables = batch::Tables::new(&out.inventories);
    let mut outputs = output::Outputs::new(&tables);
    match cell_tables {
        Some((emissions, crf)) => {
            outputs.written(dir.join(batch::Table::Emissions.file_name()), emissions);
            outputs.table(dir, batch::Table::Summary);
            outputs.table(dir, batch::Table::Trajectory);
            outputs.written(dir.join(batch::Table::Crf.file_name()), crf);
        }
        None => batch::Table::ALL.into_iter().for_each(|t| outputs.table(dir, t)),
    }
    if keep_going {
        outputs.errors(dir, out);
    }
    if let Some(xdir) = xlsx {
        std::fs::create_dir_all(xdir)
            .with_context(|| format!("cannot create '{}'", xdir.display()))?;
        let mut taken = std::collections::BTreeSet::new();
        for r in &out.inventories {
            let name = format!("{}.xlsx", file_stem(&r.inventory.spec.id, &mut taken));
            outputs.whole(
                xdir.join(name),
                Box::new(move |w| {
                    w.extend_from_slice(&covenant_core::xlsx::workbook(r)?);
                    Ok(())
                }),
            );
        }
    }
    outputs.write(threads)
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
            if let Some(s) = catalog
                .factor_set(set)
                .or_else(|| newest.factor_sets().into_iter().find(|s| s.id().name == set))
            {
                write_set(s, stdout)?;
            } else if name == newest.properties_id().name {
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
            } else if name == newest.gwp_id().name {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The outputs written in parts on several threads are the tables written whole, byte for
    /// byte, with any number of threads.
    #[test]
    fn outputs_in_parts_are_the_whole_tables() {
        let input = tempfile::tempdir().unwrap();
        let mut activity = Vec::new();
        let profile = synth::Profile::OutputHeavy;
        let b = synth::generate_profile(profile, 150, 64, 5, &mut activity).unwrap();
        let path = |name: &str| input.path().join(name);
        std::fs::write(path("inventories.csv"), &b.inventories).unwrap();
        std::fs::write(path("activity.csv"), &activity).unwrap();
        std::fs::write(path("factors.csv"), &b.factors).unwrap();
        let out = batch::run(
            BatchInput {
                inventories: ("inventories.csv", b.inventories.as_bytes()),
                activity: ("activity.csv", &activity[..]),
                factors: Some(("factors.csv", b.factors.as_bytes())),
                supply: None,
            },
            Catalog::embedded(),
        );
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        let mut whole = Vec::new();
        for table in batch::Table::ALL {
            let mut bytes = Vec::new();
            batch::Tables::new(&out.inventories).write(table, &mut bytes).unwrap();
            whole.push((table.file_name(), bytes));
        }
        assert_eq!(&whole[0].1, &{
            let mut e = Vec::new();
            batch::write_emissions(&mut e, &out.inventories).unwrap();
            e
        });
        for threads in ["1", "2", "3"] {
            let dir = input.path().join(format!("out-{threads}"));
            let args = [
                "covenant",
                "batch",
                "-q",
                "--inventories",
                &path("inventories.csv").display().to_string(),
                "--activity",
                &path("activity.csv").display().to_string(),
                "--factors",
                &path("factors.csv").display().to_string(),
                "--out",
                &dir.display().to_string(),
                "--threads",
                threads,
            ]
            .map(String::from);
            let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
            let code = run(args.map(Into::into), &mut io::empty(), &mut stdout, &mut stderr);
            assert_eq!(code, EXIT_OK, "{}", String::from_utf8_lossy(&stderr));
            for (name, bytes) in &whole {
                assert!(
                    std::fs::read(dir.join(name)).unwrap() == *bytes,
                    "{name}, {threads} threads"
                );
            }
        }
    }
}
