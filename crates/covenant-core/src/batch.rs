//! The batch CSV format v1 (`spec/batch-format.md`): readers with located errors, the
//! computation of every inventory, and the output tables.
//!
//! [`run`] reads `inventories.csv`, then the optional `factors.csv`, then streams
//! `activity.csv` row by row into one [`InventoryBuilder`] per inventory, so memory grows with
//! the number of inventories and cells, not with the number of rows (apart from the 8-byte line
//! number kept per row for provenance, unless [`Options::cell_detail`] is off). Every problem is
//! collected, not only the first: an inventory with any error is rejected whole, the others are
//! computed.

use std::collections::HashMap;
use std::fmt;
use std::io::{Read, Write};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::country::Country;
use crate::factors::{Catalog, Release, Variant};
use crate::inventory::{
    Activity, FactorOverride, FuelOverride, Inventory, InventoryBuilder, InventorySpec, Located,
    OverrideScope, TargetSpec,
};
use crate::quantity::{ActivityUnit, EmissionFactor, Population, format_decimal, parse_decimal};
use crate::target::{self, TargetResult};
use crate::taxonomy::{Approach, Carrier, GasBasis, InventoryKind, Sector, TargetKind};
use crate::trajectory::{self as path, Comparison, Progress, Trajectory};

/// The format version this module implements.
pub const FORMAT_VERSION: &str = "1";

/// A problem in the input, located as precisely as the input allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The file, as named by the caller.
    pub file: String,
    /// The 1-based line (0 when the problem is with the file as a whole).
    pub line: u64,
    /// The inventory concerned, when known.
    pub inventory_id: Option<String>,
    /// The column concerned, when known.
    pub column: Option<String>,
    /// The offending value, when there is one.
    pub value: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        match (&self.column, &self.value) {
            (Some(c), Some(v)) => write!(f, "column '{c}', value '{v}': ")?,
            (Some(c), None) => write!(f, "column '{c}': ")?,
            _ => {}
        }
        f.write_str(&self.message)
    }
}

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
    /// For a monitoring inventory: the comparison with its baseline by sector and carrier.
    pub comparison: Option<Comparison>,
    /// For a monitoring inventory whose baseline has a target: where it stands on the path.
    pub progress: Option<Progress>,
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
}

/// Called with the number of activity rows read so far (for progress bars).
pub type ProgressFn<'a> = &'a mut dyn FnMut(u64);

/// Reads and computes a batch (see the module docs).
pub fn run<R: Read + Send>(input: BatchInput<'_, R>, catalog: &Catalog) -> BatchOutput {
    run_with_progress(input, catalog, &mut |_| {})
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

/// [`run`], reporting progress every 65 536 activity rows.
pub fn run_with_progress<R: Read + Send>(
    input: BatchInput<'_, R>,
    catalog: &Catalog,
    progress: ProgressFn<'_>,
) -> BatchOutput {
    run_with(input, catalog, Options::default(), progress)
}

/// [`run`] with [`Options`], reporting progress every 65 536 activity rows.
pub fn run_with<R: Read + Send>(
    input: BatchInput<'_, R>,
    catalog: &Catalog,
    options: Options,
    progress: ProgressFn<'_>,
) -> BatchOutput {
    let mut st = State::default();
    let specs = read_inventories(input.inventories.0, input.inventories.1, catalog, &mut st);
    let overrides = match input.factors {
        Some((name, r)) => read_factors(name, r, &specs, &mut st),
        None => Overrides::default(),
    };
    let mut builders: Vec<Option<InventoryBuilder<'_>>> = specs
        .entries
        .iter()
        .map(|e| {
            e.release.map(|r| {
                let mut b = InventoryBuilder::new(e.spec.clone(), r);
                b.keep_cell_detail(options.cell_detail);
                b
            })
        })
        .collect();
    // A monitoring inventory on another release than its baseline is also computed with the
    // baseline's release, to quantify the effect of the difference.
    let mut alternates: Vec<Option<InventoryBuilder<'_>>> = specs
        .entries
        .iter()
        .map(|e| {
            let own = e.release?;
            let base = specs
                .by_id
                .get(e.spec.baseline_id.as_deref()?)
                .and_then(|&j| specs.entries[j].release)?;
            (base.id() != own.id()).then(|| {
                let mut b = InventoryBuilder::new(e.spec.clone(), base);
                b.keep_cell_detail(false);
                b
            })
        })
        .collect();
    for (i, b) in builders.iter_mut().enumerate() {
        for o in overrides.fuel_for(i) {
            if let Some(b) = b {
                b.set_fuel_override(o.clone());
            }
            if let Some(a) = &mut alternates[i] {
                a.set_fuel_override(o);
            }
        }
    }
    let mut rows = vec![0u64; specs.entries.len()];
    read_activity(
        input.activity.0,
        input.activity.1,
        &specs,
        &mut builders,
        &mut alternates,
        &mut rows,
        &mut st,
        options.threads,
        progress,
    );
    let supply_file = input.supply.as_ref().map(|(name, _)| *name);
    if let Some((name, r)) = input.supply {
        read_supply(name, r, &specs, &mut builders, &mut alternates, &mut st);
    }
    let files = Files {
        inventories: input.inventories.0,
        activity: input.activity.0,
        supply: supply_file.unwrap_or("supply.csv"),
    };
    finish(files, specs, overrides, builders, alternates, &rows, st, options.threads)
}

/// At most this many errors (and as many warnings) are listed; further ones are counted, so that
/// a huge malformed file cannot exhaust memory with messages.
pub const MAX_LISTED: usize = 10_000;

/// The longest line accepted in an input file (1 MiB); a longer one ends the reading of that file
/// with an error, so that a file without line breaks cannot exhaust memory.
pub const MAX_LINE_BYTES: usize = 1 << 20;

#[derive(Default)]
struct State {
    errors: Vec<InputError>,
    warnings: Vec<InputError>,
    suppressed_errors: u64,
    suppressed_warnings: u64,
    /// A file could not be read to its end: no inventory can be trusted.
    incomplete: bool,
    /// Indices of inventories with an error.
    rejected: Vec<bool>,
}

impl State {
    fn error(
        &mut self,
        file: &str,
        line: u64,
        inv: Option<(usize, &str)>,
        column: Option<&str>,
        value: Option<&str>,
        message: String,
    ) {
        if let Some((i, _)) = inv
            && let Some(r) = self.rejected.get_mut(i)
        {
            *r = true;
        }
        if self.errors.len() >= MAX_LISTED {
            self.suppressed_errors += 1;
            return;
        }
        self.errors.push(InputError {
            file: file.into(),
            line,
            inventory_id: inv.map(|(_, id)| crate::codes::clip(id, 200).into_owned()),
            column: column.map(str::to_string),
            value: value.filter(|v| !v.is_empty()).map(|v| crate::codes::clip(v, 200).into_owned()),
            message,
        });
    }

    fn warn(&mut self, file: &str, line: u64, inventory_id: Option<&str>, message: String) {
        if self.warnings.len() >= MAX_LISTED {
            self.suppressed_warnings += 1;
            return;
        }
        self.warnings.push(InputError {
            file: file.into(),
            line,
            inventory_id: inventory_id.map(str::to_string),
            column: None,
            value: None,
            message,
        });
    }
}

/// The columns of one file: required and optional names, their positions.
struct Columns {
    pos: Vec<Option<usize>>,
    width: usize,
}

impl Columns {
    fn read(
        file: &str,
        header: &csv::StringRecord,
        required: &[&'static str],
        optional: &[&'static str],
        st: &mut State,
    ) -> Option<Columns> {
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 { h.trim_start_matches('\u{feff}') } else { h };
                h.trim().to_ascii_lowercase()
            })
            .collect();
        let all: Vec<&str> = required.iter().chain(optional).copied().collect();
        let mut ok = true;
        for (i, n) in names.iter().enumerate() {
            if let Some(j) = names[..i].iter().position(|m| m == n) {
                st.error(
                    file,
                    1,
                    None,
                    Some(n),
                    None,
                    format!("duplicate column (columns {} and {})", j + 1, i + 1),
                );
                ok = false;
            }
        }
        let mut unknown = Vec::new();
        for n in &names {
            if !all.contains(&n.as_str()) && !unknown.contains(n) {
                unknown.push(n.clone());
            }
        }
        for n in unknown {
            let hint = crate::codes::nearest(&n, all.iter().copied())
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            st.warn(file, 1, None, format!("unknown column '{n}' ignored{hint}"));
        }
        for r in required {
            if !names.iter().any(|n| n == r) {
                st.error(
                    file,
                    1,
                    None,
                    Some(r),
                    None,
                    format!(
                        "missing required column; the header must name {}",
                        required.join(", ")
                    ),
                );
                ok = false;
            }
        }
        ok.then(|| Columns {
            pos: all.iter().map(|w| names.iter().position(|n| n == w)).collect(),
            width: names.len(),
        })
    }

    /// The message for a row whose field count differs from the header's, if it does.
    fn ragged(&self, rec: &csv::StringRecord) -> Option<String> {
        (rec.len() != self.width).then(|| {
            format!(
                "the row has {} fields but the header has {}; check delimiters (',') and quoting",
                rec.len(),
                self.width
            )
        })
    }

    /// The trimmed cell of column number `k` (in required-then-optional order), or "".
    fn get<'r>(&self, rec: &'r csv::StringRecord, k: usize) -> &'r str {
        self.pos[k].and_then(|i| rec.get(i)).map_or("", crate::codes::trim_ascii_fast)
    }
}

/// A reader that turns CRLF line ends into LF, so that the csv reader's line numbers are right
/// (it counts a CRLF record's start on the line before). A lone CR is kept.
#[derive(Debug)]
pub struct CrlfToLf<R> {
    inner: R,
    /// A CR read at the end of the previous chunk, not yet known to precede an LF.
    pending_cr: bool,
    /// A byte already converted, owed to a caller with a one-byte buffer.
    pushback: Option<u8>,
    /// Bytes since the last line feed, and lines seen (for the line-length limit).
    line_bytes: usize,
    lines: u64,
}

impl<R: Read> CrlfToLf<R> {
    /// Wraps a reader.
    pub fn new(inner: R) -> CrlfToLf<R> {
        CrlfToLf { inner, pending_cr: false, pushback: None, line_bytes: 0, lines: 1 }
    }
}

impl<R: Read> CrlfToLf<R> {
    /// Counts line lengths in what is handed out; refuses a line over [`MAX_LINE_BYTES`].
    ///
    /// Only the line continued from the previous read and the one left open can be long when the
    /// line feeds of `out` are less than the limit apart; the lines between are then only
    /// counted (a vectorized count, not a search per line).
    fn check_lines(&mut self, out: &[u8]) -> std::io::Result<()> {
        let Some(first) = memchr::memchr(b'\n', out) else {
            self.line_bytes += out.len();
            return self.check_length();
        };
        let last = memchr::memrchr(b'\n', out).unwrap_or(first);
        if last - first > MAX_LINE_BYTES {
            return self.check_each_line(out);
        }
        self.line_bytes += first;
        self.check_length()?;
        self.lines += out.iter().filter(|&&b| b == b'\n').count() as u64;
        self.line_bytes = out.len() - last - 1;
        self.check_length()
    }

    /// [`Self::check_lines`], line by line.
    fn check_each_line(&mut self, out: &[u8]) -> std::io::Result<()> {
        let mut rest = out;
        while let Some(nl) = memchr::memchr(b'\n', rest) {
            self.line_bytes += nl;
            self.check_length()?;
            self.line_bytes = 0;
            self.lines += 1;
            rest = &rest[nl + 1..];
        }
        self.line_bytes += rest.len();
        self.check_length()
    }

    fn check_length(&self) -> std::io::Result<()> {
        if self.line_bytes > MAX_LINE_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                LineTooLong(self.lines),
            ));
        }
        Ok(())
    }
}

impl<R: Read> Read for CrlfToLf<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.read_converted(buf)?;
        self.check_lines(&buf[..n])?;
        Ok(n)
    }
}

impl<R: Read> CrlfToLf<R> {
    fn read_converted(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if let Some(b) = self.pushback.take() {
            buf[0] = b;
            return Ok(1);
        }
        if buf.len() == 1 {
            // Too small to look ahead: read through a two-byte buffer.
            let mut two = [0u8; 2];
            let n = self.read_converted(&mut two)?;
            if n == 2 {
                self.pushback = Some(two[1]);
            }
            if n > 0 {
                buf[0] = two[0];
            }
            return Ok(n.min(1));
        }
        loop {
            let start = usize::from(self.pending_cr);
            if self.pending_cr {
                buf[0] = b'\r';
                self.pending_cr = false;
            }
            let n = self.inner.read(&mut buf[start..])?;
            let total = start + n;
            // Fast path: no CR in the chunk (LF files), nothing to move.
            let Some(first_cr) = memchr::memchr(b'\r', &buf[..total]) else {
                return Ok(total);
            };
            let (mut w, mut i) = (first_cr, first_cr);
            while i < total {
                let c = buf[i];
                if c == b'\r' && i + 1 == total && n > 0 {
                    // A CR at the end of the chunk: decide with the next chunk.
                    self.pending_cr = true;
                    break;
                }
                if c == b'\r' && i + 1 < total && buf[i + 1] == b'\n' {
                    i += 1;
                    continue;
                }
                buf[w] = c;
                w += 1;
                i += 1;
            }
            if w > 0 || !self.pending_cr {
                return Ok(w);
            }
        }
    }
}

/// A line longer than [`MAX_LINE_BYTES`] (carried inside an `io::Error`).
#[derive(Debug)]
struct LineTooLong(u64);

impl fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the line is longer than {MAX_LINE_BYTES} bytes, the longest accepted; the rest of the file is not read (is it a CSV file with line breaks?)"
        )
    }
}

impl std::error::Error for LineTooLong {}

fn too_long_line(e: &csv::Error) -> Option<u64> {
    match e.kind() {
        csv::ErrorKind::Io(io) => io.get_ref()?.downcast_ref::<LineTooLong>().map(|l| l.0),
        _ => None,
    }
}

/// Reads the header record; reports an empty file.
fn open<R: Read>(
    file: &str,
    r: R,
    st: &mut State,
    required: &[&str],
) -> Option<(csv::Reader<CrlfToLf<R>>, csv::StringRecord)> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(CrlfToLf::new(r));
    let mut header = csv::StringRecord::new();
    match rdr.read_record(&mut header) {
        Ok(true) => Some((rdr, header)),
        Ok(false) => {
            st.error(
                file,
                1,
                None,
                None,
                None,
                format!("the file is empty; expected a header row naming {}", required.join(", ")),
            );
            None
        }
        Err(e) => {
            st.error(file, 1, None, None, None, csv_message(&e));
            None
        }
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!(
            "the file is not valid UTF-8 (field {}); save it as UTF-8 (a byte-order mark is accepted)",
            err.field() + 1
        ),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!(
                "the row has {len} fields but the header has {expected_len}; check delimiters (',') and quoting"
            )
        }
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => io.to_string(),
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => e.to_string(),
    }
}

/// Calls `f` for every data row; row errors are reported and skipped.
fn for_rows<R: Read>(
    file: &str,
    rdr: csv::Reader<CrlfToLf<R>>,
    st: &mut State,
    f: impl FnMut(u64, &csv::StringRecord, &mut State),
) {
    for_rows_counted(file, rdr, st, &mut |_| {}, f);
}

/// [`for_rows`] on the calling thread, reporting the number of records read to `progress`.
fn for_rows_counted<R: Read>(
    file: &str,
    mut rdr: csv::Reader<CrlfToLf<R>>,
    st: &mut State,
    progress: ProgressFn<'_>,
    mut f: impl FnMut(u64, &csv::StringRecord, &mut State),
) {
    let mut count = Count::default();
    let mut chunk = Chunk::default();
    while !chunk.done {
        chunk.fill(&mut rdr);
        count.add(&chunk, progress);
        chunk.drain(file, st, &mut f);
    }
    progress(count.0);
}

/// Records read so far, reported every 65 536.
#[derive(Default)]
struct Count(u64);

impl Count {
    fn add(&mut self, chunk: &Chunk, progress: ProgressFn<'_>) {
        let before = self.0;
        self.0 += chunk.len as u64;
        if before / 65_536 != self.0 / 65_536 {
            progress(self.0);
        }
    }
}

/// Rows are parsed in chunks of this many records.
const CHUNK_ROWS: usize = 2048;

/// A chunk of parsed records, reused from chunk to chunk so their buffers are allocated once.
#[derive(Default)]
struct Chunk {
    records: Vec<csv::StringRecord>,
    lines: Vec<u64>,
    len: usize,
    /// A csv error after the records: its line, the message and whether reading stopped.
    error: Option<(u64, String, bool)>,
    /// The file has been read to its end (or could not be read further).
    done: bool,
}

impl Chunk {
    /// Parses records until the chunk is full, the file ends or a record is malformed.
    fn fill<R: Read>(&mut self, rdr: &mut csv::Reader<CrlfToLf<R>>) {
        self.len = 0;
        self.error = None;
        while self.len < CHUNK_ROWS {
            if self.records.len() == self.len {
                self.records.push(csv::StringRecord::new());
                self.lines.push(0);
            }
            let rec = &mut self.records[self.len];
            match rdr.read_record(rec) {
                Ok(true) => {
                    if rec.len() == 1 && rec.get(0).is_some_and(|c| c.trim().is_empty()) {
                        continue; // a blank line
                    }
                    self.lines[self.len] = rec.position().map_or(0, |p| p.line());
                    self.len += 1;
                }
                Ok(false) => {
                    self.done = true;
                    return;
                }
                Err(e) => {
                    let line =
                        too_long_line(&e).or_else(|| e.position().map(|p| p.line())).unwrap_or(0);
                    let io = matches!(e.kind(), csv::ErrorKind::Io(_));
                    self.error = Some((line, csv_message(&e), io));
                    self.done = io;
                    return;
                }
            }
        }
    }

    /// Hands every record to `f`, then reports the error that ended the chunk, if any.
    fn drain(
        &mut self,
        file: &str,
        st: &mut State,
        f: &mut impl FnMut(u64, &csv::StringRecord, &mut State),
    ) {
        for (rec, &line) in self.records[..self.len].iter().zip(&self.lines) {
            f(line, rec, st);
        }
        if let Some((line, message, io)) = self.error.take() {
            st.error(file, line, None, None, None, message);
            st.incomplete |= io;
        }
    }
}

/// [`for_rows`], reporting the number of records read to `progress`. With `threads` ≥ 2 the
/// records are parsed on a second thread while `f` runs on the calling one (a pipeline of
/// chunks), so parsing the CSV and computing overlap; `f` sees the same rows in the same order
/// either way, and everything `f` allocates is allocated on the calling thread.
fn for_rows_with<R: Read + Send>(
    file: &str,
    rdr: csv::Reader<CrlfToLf<R>>,
    st: &mut State,
    threads: usize,
    progress: ProgressFn<'_>,
    mut f: impl FnMut(u64, &csv::StringRecord, &mut State),
) {
    // WebAssembly in the browser has no threads: always one there (and no thread code in the
    // module).
    if threads < 2 || cfg!(target_family = "wasm") {
        return for_rows_counted(file, rdr, st, progress, f);
    }
    use std::sync::mpsc;
    // Four chunks circulate: the parser fills empty ones, the caller drains full ones.
    let (full_tx, full_rx) = mpsc::sync_channel::<Chunk>(4);
    let (empty_tx, empty_rx) = mpsc::channel::<Chunk>();
    for _ in 0..4 {
        let _ = empty_tx.send(Chunk::default());
    }
    let mut count = Count::default();
    std::thread::scope(|s| {
        // Owned by this closure: if `f` panicked, unwinding drops them, which ends the parser
        // (its channels close) so that the scope can finish instead of waiting for it.
        let (full_rx, empty_tx) = (full_rx, empty_tx);
        let parser = s.spawn(move || {
            let mut rdr = rdr;
            while let Ok(mut chunk) = empty_rx.recv() {
                chunk.fill(&mut rdr);
                let done = chunk.done;
                if full_tx.send(chunk).is_err() || done {
                    break;
                }
            }
        });
        for mut chunk in &full_rx {
            count.add(&chunk, progress);
            chunk.drain(file, st, &mut f);
            // After the last chunk the parser no longer takes empty ones; full ones still
            // arrive until the channel is empty.
            let _ = empty_tx.send(chunk);
        }
        if let Err(panic) = parser.join() {
            std::panic::resume_unwind(panic);
        }
    });
    progress(count.0);
}

struct Entry<'c> {
    spec: InventorySpec,
    line: u64,
    release: Option<&'c Release>,
}

impl Entry<'_> {
    /// A rejected inventory: keeps indices aligned so later rows for its id are attributed.
    fn placeholder(id: &str, line: u64) -> Self {
        let country = Country::all().next().expect("the country table is not empty");
        Entry { spec: InventorySpec::baseline(id, country, 2000), line, release: None }
    }
}

#[derive(Default)]
struct Specs<'c> {
    entries: Vec<Entry<'c>>,
    by_id: HashMap<String, usize>,
}

const INV_REQUIRED: &[&str] = &["inventory_id", "country", "year"];
const INV_OPTIONAL: &[&str] = &[
    "city",
    "kind",
    "baseline_id",
    "population",
    "approach",
    "gases",
    "factor_set",
    "target_year",
    "target_reduction_pct",
    "target_kind",
    "target_population",
    "chp_eta_heat",
    "chp_eta_electricity",
    "gwp",
];

/// An optional decimal cell: `Ok(None)` when empty, `Err(message)` when it is not a plain decimal
/// or `accept` refuses it (the message then says what was `expected`).
fn optional_decimal(
    text: &str,
    accept: fn(Decimal) -> bool,
    expected: &str,
) -> Result<Option<Decimal>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match parse_decimal(text) {
        Ok(d) if accept(d) => Ok(Some(d)),
        Ok(_) => Err(format!("expected {expected}")),
        Err(e) => Err(e.to_string()),
    }
}

fn parse_year(s: &str) -> Result<u16, String> {
    match s.parse::<u16>() {
        Ok(y) if (1990..=2100).contains(&y) => Ok(y),
        _ => Err("expected a year from 1990 to 2100".into()),
    }
}

fn parse_population(s: &str) -> Result<Population, String> {
    if !s.bytes().all(|b| b.is_ascii_digit()) || s.is_empty() {
        return Err("expected a whole number of inhabitants (digits only, no separators)".into());
    }
    s.parse::<u64>()
        .ok()
        .and_then(Population::new)
        .ok_or_else(|| "expected a whole number of inhabitants of at least 1".into())
}

fn read_inventories<'c, R: Read>(
    file: &str,
    r: R,
    catalog: &'c Catalog,
    st: &mut State,
) -> Specs<'c> {
    let mut specs = Specs::default();
    let Some((rdr, header)) = open(file, r, st, INV_REQUIRED) else { return specs };
    let Some(cols) = Columns::read(file, &header, INV_REQUIRED, INV_OPTIONAL, st) else {
        return specs;
    };
    for_rows(file, rdr, st, |line, rec, st| {
        let g = |k| cols.get(rec, k);
        let id = g(0);
        let index = specs.entries.len();
        if let Some(m) = cols.ragged(rec) {
            st.rejected.resize(index + 1, true);
            st.error(file, line, Some((index, id)), None, None, m);
            if !id.is_empty() && !specs.by_id.contains_key(id) {
                specs.by_id.insert(id.to_string(), index);
            }
            specs.entries.push(Entry::placeholder(id, line));
            return;
        }
        let mut bad = false;
        let mut err = |st: &mut State, col: &str, value: &str, msg: String| {
            bad = true;
            st.rejected.resize(index + 1, false);
            st.error(file, line, Some((index, id)), Some(col), Some(value), msg);
        };
        if id.is_empty() {
            err(
                st,
                "inventory_id",
                id,
                "the inventory id is empty; expected a unique non-empty key".into(),
            );
        } else if let Some(&first) = specs.by_id.get(id) {
            let first_line = specs.entries[first].line;
            err(
                st,
                "inventory_id",
                id,
                format!("duplicate inventory id (first defined on line {first_line})"),
            );
        }
        let country =
            Country::parse(g(1)).map_err(|e| err(st, "country", g(1), e.to_string())).ok();
        let year = parse_year(g(2)).map_err(|m| err(st, "year", g(2), m)).ok();
        let kind = if g(4).is_empty() {
            Some(InventoryKind::Baseline)
        } else {
            InventoryKind::parse_code(g(4)).map_err(|e| err(st, "kind", g(4), e.to_string())).ok()
        };
        let baseline_id = Some(g(5).to_string()).filter(|s| !s.is_empty());
        if kind == Some(InventoryKind::Monitoring) && baseline_id.is_none() {
            err(
                st,
                "baseline_id",
                "",
                "a monitoring inventory needs the inventory_id of its baseline".into(),
            );
        }
        if kind == Some(InventoryKind::Baseline) && baseline_id.is_some() {
            st.warn(
                file,
                line,
                Some(id),
                "baseline_id is ignored on a baseline inventory (kind = baseline)".into(),
            );
        }
        let population = if g(6).is_empty() {
            None
        } else {
            parse_population(g(6)).map_err(|m| err(st, "population", g(6), m)).ok()
        };
        let approach = if g(7).is_empty() {
            Some(Approach::Ipcc)
        } else {
            Approach::parse_code(g(7)).map_err(|e| err(st, "approach", g(7), e.to_string())).ok()
        };
        let gases = if g(8).is_empty() {
            Some(GasBasis::Co2)
        } else {
            GasBasis::parse_code(g(8)).map_err(|e| err(st, "gases", g(8), e.to_string())).ok()
        };
        let release = catalog
            .release(Some(g(9)))
            .map_err(|e| err(st, "factor_set", g(9), e.to_string()))
            .ok();
        let target = read_target(g(10), g(11), g(12), g(13), year, population, &mut |c, v, m| {
            err(st, c, v, m);
        });
        let gwp = if g(16).is_empty() {
            None
        } else {
            let code = g(16).to_string();
            match (release, gases, approach) {
                (Some(r), _, _) if !r.gwp().iter().any(|x| x.code == code) => {
                    let codes: Vec<&str> = r.gwp().iter().map(|x| x.code.as_str()).collect();
                    err(
                        st,
                        "gwp",
                        g(16),
                        format!("unknown GWP set; expected one of {}", codes.join(", ")),
                    );
                }
                (Some(r), _, _) if r.per_gas().is_none() => {
                    err(
                        st,
                        "gwp",
                        g(16),
                        format!(
                            "release {} has no per-gas factors (com-2024.2 and later have)",
                            r.id()
                        ),
                    );
                }
                (_, Some(GasBasis::Co2), _) => {
                    err(
                        st,
                        "gwp",
                        g(16),
                        "a GWP set applies to CO2-eq inventories (gases = co2e)".into(),
                    );
                }
                (_, _, Some(Approach::Lca)) => {
                    err(
                        st,
                        "gwp",
                        g(16),
                        "per-gas factors are IPCC (direct) factors: use approach = ipcc".into(),
                    );
                }
                _ => {}
            }
            Some(code)
        };
        let mut eta = |column: &'static str, k: usize, default: Decimal| -> Decimal {
            let efficiency = |v: Decimal| v > Decimal::ZERO && v <= Decimal::ONE;
            optional_decimal(g(k), efficiency, "an efficiency above 0 and at most 1")
                .unwrap_or_else(|m| {
                    err(st, column, g(k), m);
                    None
                })
                .unwrap_or(default)
        };
        let default = crate::supply::ChpEfficiencies::GUIDEBOOK_2010;
        let chp = crate::supply::ChpEfficiencies {
            heat: eta("chp_eta_heat", 14, default.heat),
            electricity: eta("chp_eta_electricity", 15, default.electricity),
        };
        if let (
            false,
            Some(country),
            Some(year),
            Some(kind),
            Some(approach),
            Some(gases),
            Some(release),
        ) = (bad, country, year, kind, approach, gases, release)
        {
            let spec = InventorySpec {
                id: id.to_string(),
                city: Some(g(3).to_string()).filter(|s| !s.is_empty()),
                country,
                year,
                kind,
                baseline_id: if kind == InventoryKind::Monitoring { baseline_id } else { None },
                population,
                approach,
                gases,
                release: Some(release.id().to_string()),
                target,
                gwp,
                chp_efficiencies: (chp != default).then_some(chp),
            };
            specs.by_id.insert(spec.id.clone(), index);
            specs.entries.push(Entry { spec, line, release: Some(release) });
        } else {
            if !id.is_empty() && !specs.by_id.contains_key(id) {
                specs.by_id.insert(id.to_string(), index);
            }
            // A placeholder keeps indices aligned so later rows for this id are attributed.
            specs.entries.push(Entry::placeholder(id, line));
        }
        st.rejected.resize(specs.entries.len(), false);
        if bad {
            st.rejected[index] = true;
        }
    });
    if specs.entries.is_empty() && st.errors.is_empty() {
        st.error(file, 1, None, None, None, "the file has a header but no inventories".into());
    }
    link_baselines(file, &mut specs, st);
    specs
}

fn read_target(
    year_s: &str,
    pct_s: &str,
    kind_s: &str,
    pop_s: &str,
    year: Option<u16>,
    population: Option<Population>,
    err: &mut dyn FnMut(&str, &str, String),
) -> Option<TargetSpec> {
    if year_s.is_empty() && pct_s.is_empty() {
        if !kind_s.is_empty() || !pop_s.is_empty() {
            let (c, v) = if kind_s.is_empty() {
                ("target_population", pop_s)
            } else {
                ("target_kind", kind_s)
            };
            err(c, v, "a target needs target_year and target_reduction_pct".into());
        }
        return None;
    }
    if year_s.is_empty() || pct_s.is_empty() {
        let (c, v) = if year_s.is_empty() {
            ("target_year", year_s)
        } else {
            ("target_reduction_pct", pct_s)
        };
        err(c, v, "target_year and target_reduction_pct go together: give both or neither".into());
        return None;
    }
    let ty = parse_year(year_s).map_err(|m| err("target_year", year_s, m)).ok();
    if let (Some(ty), Some(y)) = (ty, year)
        && ty <= y
    {
        err("target_year", year_s, format!("the target year must be after the inventory year {y}"));
    }
    // pct_s is not empty here (checked above), so `None` means an error was reported.
    let percent = |p: Decimal| p > Decimal::ZERO && p <= Decimal::ONE_HUNDRED;
    let pct =
        optional_decimal(pct_s, percent, "a reduction in percent, more than 0 and at most 100")
            .unwrap_or_else(|m| {
                err("target_reduction_pct", pct_s, m);
                None
            });
    let kind = if kind_s.is_empty() {
        Some(TargetKind::Absolute)
    } else {
        TargetKind::parse_code(kind_s).map_err(|e| err("target_kind", kind_s, e.to_string())).ok()
    };
    if kind == Some(TargetKind::PerCapita) && population.is_none() {
        err(
            "population",
            "",
            "a per-capita target needs the population of the inventory year".into(),
        );
    }
    let tpop = if pop_s.is_empty() {
        None
    } else {
        parse_population(pop_s).map_err(|m| err("target_population", pop_s, m)).ok()
    };
    Some(TargetSpec { year: ty?, reduction_pct: pct?, kind: kind?, population: tpop })
}

fn link_baselines(file: &str, specs: &mut Specs<'_>, st: &mut State) {
    for i in 0..specs.entries.len() {
        let e = &specs.entries[i];
        let Some(b) = e.spec.baseline_id.clone() else { continue };
        if e.release.is_none() {
            continue;
        }
        let (line, id) = (e.line, e.spec.id.clone());
        let target = specs.by_id.get(&b).copied();
        let msg = match target {
            None => Some(format!("baseline '{b}' is not an inventory of this file")),
            Some(j) if j == i => Some("an inventory cannot be its own baseline".into()),
            Some(j)
                if specs.entries[j].release.is_some()
                    && specs.entries[j].spec.kind == InventoryKind::Monitoring =>
            {
                Some(format!(
                    "baseline '{b}' is itself a monitoring inventory; monitoring inventories refer to a baseline (kind = baseline)"
                ))
            }
            Some(j) => {
                let base = &specs.entries[j].spec;
                let per_capita =
                    base.target.as_ref().is_some_and(|t| t.kind == TargetKind::PerCapita);
                (per_capita && specs.entries[i].spec.population.is_none()).then(|| {
                    format!("baseline '{b}' has a per-capita target, so this inventory needs a population")
                })
            }
        };
        if let Some(m) = msg {
            st.error(file, line, Some((i, &id)), Some("baseline_id"), Some(&b), m);
        }
    }
}

#[derive(Default)]
struct Overrides {
    batch: Vec<FactorOverride>,
    per_inventory: HashMap<usize, Vec<FactorOverride>>,
    /// A batch-wide row was invalid: no inventory can be trusted.
    poisoned: bool,
    /// NCV and density overrides, batch-wide (`None`) or for one inventory.
    fuel: Vec<(Option<usize>, FuelOverride)>,
}

impl Overrides {
    /// The NCV/density overrides of one inventory: its own values over the batch-wide ones.
    fn fuel_for(&self, i: usize) -> Vec<FuelOverride> {
        let mut merged: Vec<FuelOverride> = Vec::new();
        for scope in [None, Some(i)] {
            for (_, o) in self.fuel.iter().filter(|(s, _)| *s == scope) {
                match merged.iter_mut().find(|m| m.carrier == o.carrier) {
                    Some(m) => {
                        m.ncv_gj_per_t = o.ncv_gj_per_t.or(m.ncv_gj_per_t);
                        m.density_kg_per_l = o.density_kg_per_l.or(m.density_kg_per_l);
                    }
                    None => merged.push(o.clone()),
                }
            }
        }
        merged
    }
}

const FAC_REQUIRED: &[&str] = &["carrier", "factor"];
const FAC_OPTIONAL: &[&str] = &["inventory_id", "source", "ncv_gj_per_t", "density_kg_per_l"];

fn read_factors<R: Read>(file: &str, r: R, specs: &Specs<'_>, st: &mut State) -> Overrides {
    let mut out = Overrides::default();
    let Some((rdr, header)) = open(file, r, st, FAC_REQUIRED) else {
        out.poisoned = true;
        return out;
    };
    let Some(cols) = Columns::read(file, &header, FAC_REQUIRED, FAC_OPTIONAL, st) else {
        out.poisoned = true;
        return out;
    };
    let mut seen: HashMap<(Option<usize>, Carrier), u64> = HashMap::new();
    let mut hints = IdHints::default();
    for_rows(file, rdr, st, |line, rec, st| {
        let (carrier_s, factor_s, id, source) =
            (cols.get(rec, 0), cols.get(rec, 1), cols.get(rec, 2), cols.get(rec, 3));
        let inv = if id.is_empty() {
            None
        } else {
            match specs.by_id.get(id) {
                Some(&i) => Some(i),
                None => {
                    hints.report(st, file, line, id, specs);
                    return;
                }
            }
        };
        let target = inv.map(|i| (i, id));
        if let Some(m) = cols.ragged(rec) {
            st.error(file, line, target, None, None, m);
            out.poisoned |= inv.is_none();
            return;
        }
        let mut ok = true;
        let carrier = Carrier::parse_code(carrier_s)
            .map_err(|e| {
                ok = false;
                st.error(file, line, target, Some("carrier"), Some(carrier_s), e.to_string());
            })
            .ok();
        // Optional fuel parameters (an extension of v1): NCV in GJ/t and density in kg/L.
        let (ncv_s, density_s) = (cols.get(rec, 4), cols.get(rec, 5));
        let mut positive = |column: &str, text: &str, st: &mut State| -> Option<Decimal> {
            optional_decimal(text, |d| d > Decimal::ZERO, "a number > 0").unwrap_or_else(|m| {
                ok = false;
                st.error(file, line, target, Some(column), Some(text), m);
                None
            })
        };
        let ncv = positive("ncv_gj_per_t", ncv_s, st);
        let density = positive("density_kg_per_l", density_s, st);
        let has_fuel = !ncv_s.is_empty() || !density_s.is_empty();
        let factor = if factor_s.is_empty() && has_fuel {
            None
        } else {
            parse_decimal(factor_s)
                .map_err(|e| e.to_string())
                .and_then(|d| EmissionFactor::t_per_mwh(d).map_err(|e| e.to_string()))
                .map_err(|m| {
                    ok = false;
                    st.error(file, line, target, Some("factor"), Some(factor_s), m);
                })
                .ok()
        };
        if let Some(carrier) = carrier {
            if let Some(first) = seen.insert((inv, carrier), line) {
                st.error(
                    file,
                    line,
                    target,
                    Some("carrier"),
                    Some(carrier_s),
                    format!(
                        "a factor for this carrier and inventory is already given on line {first}"
                    ),
                );
                ok = false;
            }
            if has_fuel && !carrier.is_fuel() {
                ok = false;
                let m = format!("'{carrier}' is not a fuel: it has no calorific value or density");
                st.error(file, line, target, Some("carrier"), Some(carrier_s), m);
            }
            if let Some(factor) = factor {
                let o = FactorOverride {
                    carrier,
                    factor,
                    source: Some(source.to_string()).filter(|s| !s.is_empty()),
                    scope: if inv.is_some() {
                        OverrideScope::Inventory
                    } else {
                        OverrideScope::Batch
                    },
                    line: Some(line),
                };
                match inv {
                    Some(i) => out.per_inventory.entry(i).or_default().push(o),
                    None => out.batch.push(o),
                }
            }
            if ncv.is_some() || density.is_some() {
                out.fuel.push((
                    inv,
                    FuelOverride { carrier, ncv_gj_per_t: ncv, density_kg_per_l: density },
                ));
            }
        }
        if !ok && inv.is_none() {
            out.poisoned = true;
        }
    });
    out
}

const ACT_REQUIRED: &[&str] = &["inventory_id", "sector", "amount", "unit"];
const ACT_OPTIONAL: &[&str] = &["carrier", "sustainable"];

#[allow(clippy::too_many_arguments)] // The reader's state, threaded through one pass over the file.
fn read_activity<'c, R: Read + Send>(
    file: &str,
    r: R,
    specs: &Specs<'c>,
    builders: &mut [Option<InventoryBuilder<'c>>],
    alternates: &mut [Option<InventoryBuilder<'c>>],
    rows: &mut [u64],
    st: &mut State,
    threads: usize,
    progress: ProgressFn<'_>,
) {
    let required = ["inventory_id", "sector", "carrier", "amount", "unit"];
    let Some((rdr, header)) = open(file, r, st, &required) else {
        st.rejected.iter_mut().for_each(|r| *r = true);
        return;
    };
    let Some(cols) = Columns::read(file, &header, ACT_REQUIRED, ACT_OPTIONAL, st) else {
        st.rejected.iter_mut().for_each(|r| *r = true);
        return;
    };
    let mut last: Option<(String, usize)> = None;
    let mut hints = IdHints::default();
    for_rows_with(file, rdr, st, threads, progress, |line, rec, st| {
        let id = cols.get(rec, 0);
        let idx = match &last {
            Some((l, i)) if l == id => *i,
            _ => match specs.by_id.get(id) {
                Some(&i) => {
                    last = Some((id.to_string(), i));
                    i
                }
                None => {
                    hints.report(st, file, line, id, specs);
                    return;
                }
            },
        };
        rows[idx] += 1;
        let target = Some((idx, id));
        if let Some(m) = cols.ragged(rec) {
            st.error(file, line, target, None, None, m);
            return;
        }
        let (sector_s, amount_s, unit_s, carrier_s) =
            (cols.get(rec, 1), cols.get(rec, 2), cols.get(rec, 3), cols.get(rec, 4));
        let sector = Sector::parse_code(sector_s).map_err(|e| {
            st.error(file, line, target, Some("sector"), Some(sector_s), e.to_string());
        });
        let carrier = if carrier_s.is_empty() {
            Ok(None)
        } else {
            Carrier::parse_code(carrier_s).map(Some).map_err(|e| {
                st.error(file, line, target, Some("carrier"), Some(carrier_s), e.to_string());
            })
        };
        let amount = parse_decimal(amount_s).map_err(|e| {
            st.error(file, line, target, Some("amount"), Some(amount_s), e.to_string());
        });
        let unit = ActivityUnit::parse(unit_s)
            .map_err(|e| st.error(file, line, target, Some("unit"), Some(unit_s), e.to_string()));
        let (Ok(sector), Ok(carrier), Ok(amount), Ok(unit)) = (sector, carrier, amount, unit)
        else {
            return;
        };
        let Some(b) = builders[idx].as_mut() else { return };
        let variant = match cols.get(rec, 5) {
            "" | "yes" => crate::factors::Variant::Default,
            "no" => crate::factors::Variant::NonSustainable,
            other => {
                st.error(
                    file,
                    line,
                    target,
                    Some("sustainable"),
                    Some(other),
                    "expected yes, no or empty (yes)".into(),
                );
                return;
            }
        };
        let a = Activity { sector, carrier, amount, unit, variant, line: Some(line) };
        if let Err(e) = b.add(&a) {
            located(st, file, Some((idx, id)), e);
        }
        // A row the other release cannot convert only loses the comparison, not the inventory.
        if let Some(alt) = alternates[idx].as_mut()
            && alt.add(&a).is_err()
        {
            alternates[idx] = None;
        }
    });
}

/// Suggestions for unknown inventory ids: the nearest id of the inventories file, the first in
/// file order on a tie. Computed once per unknown id and for at most [`IdHints::MAX`] of them, so
/// a file of unknown ids costs no more than that many searches.
#[derive(Default)]
struct IdHints(HashMap<String, Option<String>>);

impl IdHints {
    const MAX: usize = 100;

    /// Reports a row whose inventory id is empty or not in the inventories file.
    fn report(&mut self, st: &mut State, file: &str, line: u64, id: &str, specs: &Specs<'_>) {
        let message = if id.is_empty() {
            "the inventory id is empty".to_string()
        } else {
            let hint = self
                .suggest(id, specs)
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            format!("no inventory with this id in the inventories file{hint}")
        };
        st.error(file, line, None, Some("inventory_id"), Some(id), message);
    }

    fn suggest(&mut self, id: &str, specs: &Specs<'_>) -> Option<String> {
        if let Some(hint) = self.0.get(id) {
            return hint.clone();
        }
        if self.0.len() >= IdHints::MAX {
            return None;
        }
        let ids = specs.entries.iter().map(|e| e.spec.id.as_str()).filter(|s| !s.is_empty());
        let hint = crate::codes::nearest(id, ids).map(str::to_string);
        self.0.insert(id.to_string(), hint.clone());
        hint
    }
}

const SUP_REQUIRED: &[&str] = &["inventory_id", "item"];
const SUP_OPTIONAL: &[&str] =
    &["plant", "electricity_mwh", "heat_mwh", "carrier", "amount", "unit", "emissions_t"];

fn read_supply<'c, R: Read>(
    file: &str,
    r: R,
    specs: &Specs<'c>,
    builders: &mut [Option<InventoryBuilder<'c>>],
    alternates: &mut [Option<InventoryBuilder<'c>>],
    st: &mut State,
) {
    use crate::supply::{SupplyItem, SupplyRow};
    let Some((rdr, header)) = open(file, r, st, SUP_REQUIRED) else {
        st.incomplete = true;
        return;
    };
    let Some(cols) = Columns::read(file, &header, SUP_REQUIRED, SUP_OPTIONAL, st) else {
        st.incomplete = true;
        return;
    };
    let mut hints = IdHints::default();
    for_rows(file, rdr, st, |line, rec, st| {
        let g = |k| cols.get(rec, k);
        let id = g(0);
        let Some(&idx) = specs.by_id.get(id) else {
            hints.report(st, file, line, id, specs);
            return;
        };
        let target = Some((idx, id));
        if let Some(m) = cols.ragged(rec) {
            st.error(file, line, target, None, None, m);
            return;
        }
        let mut ok = true;
        let mut err = |st: &mut State, column: &str, value: &str, message: String| {
            ok = false;
            st.error(file, line, target, Some(column), Some(value), message);
        };
        let item = SupplyItem::parse(g(1)).map_err(|e| err(st, "item", g(1), e.to_string())).ok();
        let mut amount = |st: &mut State, column: &'static str, k: usize| -> Option<Decimal> {
            let non_negative = |d: Decimal| !d.is_sign_negative() || d.is_zero();
            optional_decimal(g(k), non_negative, "a number >= 0").unwrap_or_else(|m| {
                err(st, column, g(k), m);
                None
            })
        };
        let electricity = amount(st, "electricity_mwh", 3);
        let heat = amount(st, "heat_mwh", 4);
        let fuel_amount = amount(st, "amount", 6);
        let emissions_t = amount(st, "emissions_t", 8);
        let (carrier_s, unit_s) = (g(5), g(7));
        let fuel = match (carrier_s.is_empty(), fuel_amount, unit_s.is_empty()) {
            (true, None, true) => None,
            (false, Some(a), false) => {
                let c = Carrier::parse_code(carrier_s)
                    .map_err(|e| err(st, "carrier", carrier_s, e.to_string()))
                    .ok();
                let u = ActivityUnit::parse(unit_s)
                    .map_err(|e| err(st, "unit", unit_s, e.to_string()))
                    .ok();
                c.zip(u).map(|(c, u)| (c, a, u))
            }
            _ => {
                err(
                    st,
                    "carrier",
                    carrier_s,
                    "a fuel input needs carrier, amount and unit together".into(),
                );
                None
            }
        };
        let need = |present: bool,
                    column: &str,
                    what: &str,
                    st: &mut State,
                    err: &mut dyn FnMut(&mut State, &str, &str, String)| {
            if !present {
                err(st, column, "", format!("{what} is required for this item"));
            }
        };
        if let Some(item) = item {
            use SupplyItem::*;
            let (needs_e, needs_h) = match item {
                ElectricityProduction | GreenPurchase => (true, false),
                HeatProduction => (false, true),
                Chp => (true, true),
                HeatImport | HeatExport => (false, false),
            };
            need(
                !needs_e || electricity.is_some(),
                "electricity_mwh",
                "the electricity produced or purchased (MWh)",
                st,
                &mut err,
            );
            need(!needs_h || heat.is_some(), "heat_mwh", "the heat produced (MWh)", st, &mut err);
            if matches!(item, HeatImport | HeatExport) {
                need(
                    emissions_t.is_some(),
                    "emissions_t",
                    "the emissions of the heat imported or exported (t)",
                    st,
                    &mut err,
                );
            }
            if electricity.is_some() && matches!(item, HeatProduction | HeatImport | HeatExport) {
                err(
                    st,
                    "electricity_mwh",
                    g(3),
                    format!("item '{}' has no electricity output", item.code()),
                );
            }
            if heat.is_some() && matches!(item, ElectricityProduction | GreenPurchase) {
                err(st, "heat_mwh", g(4), format!("item '{}' has no heat output", item.code()));
            }
            if fuel.is_some() && matches!(item, GreenPurchase | HeatImport | HeatExport) {
                err(
                    st,
                    "carrier",
                    carrier_s,
                    format!("item '{}' has no fuel input; give emissions_t", item.code()),
                );
            }
            if fuel.is_some() && emissions_t.is_some() {
                err(
                    st,
                    "emissions_t",
                    g(8),
                    "give either a fuel input or the emissions, not both".into(),
                );
            }
        }
        let (Some(item), true) = (item, ok) else { return };
        let mwh = |v: Option<Decimal>| v.and_then(|v| crate::quantity::Energy::from_mwh(v).ok());
        let row = SupplyRow {
            item,
            plant: Some(g(2).to_string()).filter(|s| !s.is_empty()),
            electricity: mwh(electricity),
            heat: mwh(heat),
            fuel,
            emissions_t,
            line: Some(line),
        };
        if let Some(b) = builders[idx].as_mut()
            && let Err(e) = b.add_supply(row.clone())
        {
            located(st, file, target, e);
        }
        if let Some(a) = alternates[idx].as_mut()
            && a.add_supply(row).is_err()
        {
            alternates[idx] = None;
        }
    });
}

fn located(st: &mut State, file: &str, inv: Option<(usize, &str)>, e: Located) {
    let value = Some(e.value.as_str()).filter(|v| !v.is_empty());
    st.error(file, e.line.unwrap_or(0), inv, Some(e.column), value, e.error.to_string());
}

/// The names of the input files, for messages.
#[derive(Clone, Copy)]
struct Files<'a> {
    inventories: &'a str,
    activity: &'a str,
    supply: &'a str,
}

#[allow(clippy::too_many_arguments)] // What reading gave, handed over whole.
fn finish(
    files: Files<'_>,
    specs: Specs<'_>,
    overrides: Overrides,
    builders: Vec<Option<InventoryBuilder<'_>>>,
    alternates: Vec<Option<InventoryBuilder<'_>>>,
    rows: &[u64],
    mut st: State,
    threads: usize,
) -> BatchOutput {
    let (inv_file, act_file) = (files.inventories, files.activity);
    let overrides_of = |i: usize| {
        let mut ov: Vec<&FactorOverride> = overrides.batch.iter().collect();
        if let Some(own) = overrides.per_inventory.get(&i) {
            ov.extend(own);
        }
        ov
    };
    let mut jobs = Vec::with_capacity(builders.len());
    for (i, b) in builders.into_iter().enumerate() {
        let entry = &specs.entries[i];
        let Some(b) = b else { continue };
        if overrides.poisoned || st.incomplete {
            st.rejected[i] = true;
        }
        if rows[i] == 0 && !st.rejected[i] {
            let id = entry.spec.id.clone();
            let message = format!("inventory '{id}' has no rows in {act_file}");
            st.error(inv_file, entry.line, Some((i, &id)), None, None, message);
        }
        if st.rejected[i] {
            continue;
        }
        jobs.push((i, b, overrides_of(i)));
    }
    let mut computed: Vec<Option<Inventory>> = Vec::new();
    computed.resize_with(specs.entries.len(), || None);
    for (i, result) in finish_all(jobs, threads) {
        match result {
            Ok(inv) => computed[i] = Some(inv),
            Err(problems) => {
                let id = specs.entries[i].spec.id.clone();
                for p in problems {
                    let file = if p.supply { files.supply } else { act_file };
                    located(&mut st, file, Some((i, &id)), p);
                }
            }
        }
    }
    // Targets and trajectories of baselines first: monitoring inventories need them. Each
    // inventory's own work runs on up to `threads` threads; the messages are then reported in
    // input order, as they would be by one.
    let evaluated = par_map(computed.iter().map(Option::as_ref).collect(), threads, |_, inv| {
        let inv = inv?;
        let t = inv.spec.target.as_ref()?;
        Some(target::evaluate(inv, t).and_then(|r| Ok((r, path::trajectory(inv, t)?))))
    });
    let mut targets: Vec<Option<(TargetResult, Trajectory)>> = vec![None; computed.len()];
    let mut failed: Vec<bool> = vec![false; computed.len()];
    for (i, result) in evaluated.into_iter().enumerate() {
        match result {
            None => {}
            Some(Ok(rt)) => targets[i] = Some(rt),
            Some(Err(e)) => {
                let id = specs.entries[i].spec.id.clone();
                let (line, column) = (specs.entries[i].line, Some("target_year"));
                st.error(inv_file, line, Some((i, &id)), column, None, e.to_string());
                failed[i] = true;
            }
        }
    }
    /// What comparing one inventory with its baseline gave.
    #[allow(clippy::large_enum_variant)] // Most are `Done`: boxing would only add allocations.
    enum Compared {
        /// Not computed, or its target failed.
        Skipped,
        /// Its baseline could not be computed: the message for its `baseline_id` column.
        NoBaseline(String),
        /// The results and the warnings, in order.
        Done(Extras, Vec<String>),
    }
    let compared = par_map(alternates, threads, |i, alt: Option<InventoryBuilder<'_>>| {
        let Some(inv) = computed[i].as_ref().filter(|_| !failed[i]) else {
            return Compared::Skipped;
        };
        let mut extras = Extras::default();
        let mut warnings = Vec::new();
        if let Some(b) = &inv.spec.baseline_id {
            let j = specs.by_id.get(b).copied();
            let Some((j, base)) =
                j.and_then(|j| computed[j].as_ref().filter(|_| !failed[j]).map(|x| (j, x)))
            else {
                return Compared::NoBaseline(format!(
                    "baseline '{b}' could not be computed (see its errors), so this inventory cannot be compared with it"
                ));
            };
            extras.change = target::change_vs_baseline(inv, base);
            extras.comparison = Some(path::compare(inv, base));
            warnings.extend(target::comparability_warnings(inv, base));
            if let Some(alt) = alt {
                warnings.push(match alt.finish(&overrides_of(i)) {
                    Ok(other) => format!(
                        "computed with its baseline's release {} the total would be {} t instead of {} t (difference {} t)",
                        base.release,
                        crate::quantity::format_decimal(other.total_emissions.tonnes()),
                        crate::quantity::format_decimal(inv.total_emissions.tonnes()),
                        crate::quantity::format_decimal(
                            other
                                .total_emissions
                                .minus_tonnes(inv.total_emissions)
                                .unwrap_or_default()
                        ),
                    ),
                    Err(p) => format!(
                        "it cannot be computed with its baseline's release {}: {}",
                        base.release, p[0].error
                    ),
                });
            }
            if let Some((_, t)) = &targets[j] {
                match path::progress(t, inv) {
                    Ok(p) => extras.progress = Some(p),
                    Err(e) => warnings.push(e.to_string()),
                }
            }
        }
        warnings.extend(inv.warnings.iter().cloned());
        Compared::Done(extras, warnings)
    });
    let mut results: Vec<Option<Extras>> = Vec::with_capacity(computed.len());
    for (i, c) in compared.into_iter().enumerate() {
        let entry = &specs.entries[i];
        match c {
            Compared::Skipped => results.push(None),
            Compared::NoBaseline(message) => {
                let id = entry.spec.id.clone();
                let b = entry.spec.baseline_id.as_deref();
                st.error(inv_file, entry.line, Some((i, &id)), Some("baseline_id"), b, message);
                results.push(None);
            }
            Compared::Done(extras, warnings) => {
                for w in warnings {
                    st.warn(inv_file, entry.line, Some(&entry.spec.id), w);
                }
                results.push(Some(extras));
            }
        }
    }
    // Every monitoring inventory has read its baseline's path: the targets can move.
    for (extras, target) in results.iter_mut().zip(&mut targets) {
        if let (Some(e), Some((r, t))) = (extras.as_mut(), target.take()) {
            e.target = Some(r);
            e.trajectory = Some(t);
        }
    }
    let inventories = computed
        .into_iter()
        .zip(results)
        .filter_map(|(inv, extras)| {
            let e = extras?;
            Some(BatchInventory {
                inventory: inv?,
                target: e.target,
                trajectory: e.trajectory,
                change_vs_baseline_pct: e.change,
                comparison: e.comparison,
                progress: e.progress,
            })
        })
        .collect();
    for (count, list) in
        [(st.suppressed_errors, &mut st.errors), (st.suppressed_warnings, &mut st.warnings)]
    {
        if count > 0 {
            list.push(InputError {
                file: act_file.into(),
                line: 0,
                inventory_id: None,
                column: None,
                value: None,
                message: format!("{count} more not listed (at most {MAX_LISTED} are)"),
            });
        }
    }
    st.errors.sort_by(|a, b| {
        (a.file != inv_file, &a.file, a.line).cmp(&(b.file != inv_file, &b.file, b.line))
    });
    BatchOutput { inventories, errors: st.errors, warnings: st.warnings }
}

#[derive(Default)]
struct Extras {
    target: Option<TargetResult>,
    trajectory: Option<Trajectory>,
    change: Option<Decimal>,
    comparison: Option<Comparison>,
    progress: Option<Progress>,
}

/// `f` applied to each item with its index, on up to `threads` threads (one contiguous part of
/// the items each), the results in the items' order. One thread, or WebAssembly in the browser,
/// maps them in turn.
fn par_map<I: Send, T: Send>(
    items: Vec<I>,
    threads: usize,
    f: impl Fn(usize, I) -> T + Sync,
) -> Vec<T> {
    let n = items.len();
    if threads < 2 || n < 2 || cfg!(target_family = "wasm") {
        return items.into_iter().enumerate().map(|(i, x)| f(i, x)).collect();
    }
    let size = n.div_ceil(threads.min(n));
    let mut items = items.into_iter();
    let mut parts = std::iter::from_fn(|| {
        Some(items.by_ref().take(size).collect::<Vec<I>>()).filter(|p| !p.is_empty())
    });
    let first = parts.next().unwrap_or_default();
    let f = &f;
    let map = move |start: usize, part: Vec<I>| -> Vec<T> {
        part.into_iter().enumerate().map(|(k, x)| f(start + k, x)).collect()
    };
    std::thread::scope(|s| {
        let others: Vec<_> =
            parts.enumerate().map(|(k, part)| s.spawn(move || map((k + 1) * size, part))).collect();
        let mut out = map(0, first);
        for h in others {
            out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        out
    })
}

type Job<'c, 'o> = (usize, InventoryBuilder<'c>, Vec<&'o FactorOverride>);
type Finished = (usize, Result<Inventory, Vec<Located>>);

/// Finishes every inventory, in input order, on up to `threads` threads.
fn finish_all(jobs: Vec<Job<'_, '_>>, threads: usize) -> Vec<Finished> {
    par_map(jobs, threads, |_, (i, b, ov)| (i, b.finish(&ov)))
}

fn opt(d: Option<Decimal>) -> String {
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
pub const ERRORS_HEADER: [&str; 6] = ["file", "line", "inventory_id", "column", "value", "message"];

/// A CSV writer that writes records field by field, numbers through one reused buffer (no
/// allocation per field).
struct Rows<W: Write> {
    out: csv::Writer<W>,
    num: String,
}

impl<W: Write> Rows<W> {
    fn new(w: W, header: &[&str]) -> csv::Result<Rows<W>> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(header)?;
        Ok(Rows { out, num: String::with_capacity(64) })
    }

    fn text(&mut self, s: &str) -> csv::Result<&mut Self> {
        self.out.write_field(s)?;
        Ok(self)
    }

    /// A number in full ([`crate::quantity::write_decimal`]), or an empty field.
    fn number(&mut self, d: Option<Decimal>) -> csv::Result<&mut Self> {
        self.num.clear();
        if let Some(d) = d {
            crate::quantity::write_decimal(&mut self.num, d);
        }
        self.out.write_field(self.num.as_bytes())?;
        Ok(self)
    }

    fn integer(&mut self, v: impl fmt::Display) -> csv::Result<&mut Self> {
        use std::fmt::Write as _;
        self.num.clear();
        let _ = write!(self.num, "{v}");
        self.out.write_field(self.num.as_bytes())?;
        Ok(self)
    }

    fn end(&mut self) -> csv::Result<()> {
        self.out.write_record(None::<&[u8]>)
    }

    fn finish(mut self) -> csv::Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

/// Writes `emissions.csv`: one row per (inventory, sector, carrier) with activity; numbers in
/// full, without rounding or exponents.
pub fn write_emissions<W: Write>(w: W, results: &[BatchInventory]) -> csv::Result<()> {
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
pub fn write_summary<W: Write>(w: W, results: &[BatchInventory]) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
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
pub fn write_trajectory<W: Write>(w: W, results: &[BatchInventory]) -> csv::Result<()> {
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
    Csv(#[from] csv::Error),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A number could not be computed (overflow).
    #[error(transparent)]
    Engine(#[from] crate::Error),
}

/// Writes `errors.csv`.
pub fn write_errors<W: Write>(w: W, errors: &[InputError]) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(ERRORS_HEADER)?;
    for e in errors {
        out.write_record([
            e.file.as_str(),
            &e.line.to_string(),
            e.inventory_id.as_deref().unwrap_or(""),
            e.column.as_deref().unwrap_or(""),
            e.value.as_deref().unwrap_or(""),
            &e.message,
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// The JSON document of a batch: the same results as the CSV files, with full provenance.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    /// The batch format version.
    pub format_version: &'static str,
    /// The engine version.
    pub engine_version: &'static str,
    /// Every computed inventory.
    pub inventories: &'a [BatchInventory],
    /// Every input error.
    pub errors: &'a [InputError],
    /// Every warning.
    pub warnings: &'a [InputError],
}

impl<'a> JsonReport<'a> {
    /// The report of a batch output.
    pub fn new(out: &'a BatchOutput) -> JsonReport<'a> {
        JsonReport {
            format_version: FORMAT_VERSION,
            engine_version: crate::inventory::ENGINE_VERSION,
            inventories: &out.inventories,
            errors: &out.errors,
            warnings: &out.warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn run_str(inv: &str, act: &str, fac: Option<&str>) -> BatchOutput {
        run(
            BatchInput {
                inventories: ("inventories.csv", inv.as_bytes()),
                activity: ("activity.csv", act.as_bytes()),
                factors: fac.map(|f| ("factors.csv", f.as_bytes())),
                supply: None,
            },
            Catalog::embedded(),
        )
    }

    const INV: &str = "inventory_id,country,year,population\nA,IT,2010,1000\n";
    const ACT: &str =
        "inventory_id,sector,carrier,amount,unit\nA,residential_buildings,natural_gas,100,MWh\n";

    fn messages(out: &BatchOutput) -> Vec<String> {
        out.errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn minimal_batch() {
        let out = run_str(INV, ACT, None);
        assert!(out.errors.is_empty(), "{:?}", messages(&out));
        assert_eq!(out.inventories[0].inventory.total_emissions.tonnes(), dec!(20.2));
        let mut buf = Vec::new();
        write_summary(&mut buf, &out.inventories).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.lines()
                .nth(1)
                .unwrap()
                .starts_with("A,,IT,2010,baseline,ipcc,co2,com-2024.2,1000,100,20.2,0.0202,")
        );
    }

    #[test]
    fn headers_are_case_insensitive_any_order_with_bom_and_crlf() {
        let inv = "\u{feff}Year , COUNTRY,Inventory_ID,extra\r\n2010,IT,A,x\r\n";
        let act = "UNIT,amount,Carrier,sector,inventory_id\r\n MWh , 100 ,natural_gas,residential_buildings,A\r\n";
        let out = run_str(inv, act, None);
        assert!(out.errors.is_empty(), "{:?}", messages(&out));
        assert!(out.warnings.iter().any(|w| w.message.contains("unknown column 'extra'")));
    }

    #[test]
    fn every_problem_is_reported() {
        let act = "inventory_id,sector,carrier,amount,unit\n\
                   A,residental_buildings,natural_gas,100,MWh\n\
                   A,residential_buildings,natural_gaz,100,MWh\n\
                   A,residential_buildings,natural_gas,1e3,MWh\n\
                   A,residential_buildings,natural_gas,100,mwh\n\
                   B,residential_buildings,natural_gas,100,MWh\n";
        let out = run_str(INV, act, None);
        let m = messages(&out);
        assert_eq!(m.len(), 5, "{m:#?}");
        assert!(
            m[0].starts_with(
                "activity.csv:2: column 'sector', value 'residental_buildings': unknown sector code"
            ),
            "{}",
            m[0]
        );
        assert!(m[0].contains("did you mean 'residential_buildings'"));
        assert!(m[1].contains("did you mean 'natural_gas'"));
        assert!(m[2].contains("no thousands separators or exponent"));
        assert!(m[3].contains("did you mean 'MWh'"));
        assert!(m[4].starts_with("activity.csv:6: column 'inventory_id', value 'B'"));
        assert!(out.inventories.is_empty());
    }

    #[test]
    fn monitoring_and_targets() {
        let inv = "inventory_id,country,year,kind,baseline_id,population,target_year,target_reduction_pct\n\
                   B,IT,2010,baseline,,1000,2030,40\n\
                   M,IT,2015,monitoring,B,1000,,\n";
        let act = "inventory_id,sector,carrier,amount,unit\n\
                   B,waste,,100,tCO2\nM,waste,,80,tCO2\n";
        let out = run_str(inv, act, None);
        assert!(out.errors.is_empty(), "{:?}", messages(&out));
        assert_eq!(out.inventories[1].change_vs_baseline_pct, Some(dec!(-20)));
        assert_eq!(out.inventories[0].target.as_ref().unwrap().emissions_t, Some(dec!(60)));
    }

    #[test]
    fn baseline_errors() {
        let inv = "inventory_id,country,year,kind,baseline_id\n\
                   A,IT,2010,monitoring,\nB,IT,2010,monitoring,Z\nC,IT,2010,monitoring,C\n\
                   D,IT,2010,monitoring,E\nE,IT,2010,monitoring,D\n";
        let act = "inventory_id,sector,carrier,amount,unit\nA,waste,,1,tCO2\n";
        let m = messages(&run_str(inv, act, None));
        assert!(
            m.iter().any(|e| e.starts_with("inventories.csv:2: column 'baseline_id'")),
            "{m:#?}"
        );
        assert!(m.iter().any(|e| e.contains("'Z' is not an inventory")));
        assert!(m.iter().any(|e| e.contains("its own baseline")));
        assert_eq!(m.iter().filter(|e| e.contains("is itself a monitoring inventory")).count(), 2);
    }

    #[test]
    fn overrides_from_factors_csv() {
        let fac =
            "carrier,factor,inventory_id,source\nnatural_gas,0.3,,batch\nnatural_gas,0.25,A,own\n";
        let out = run_str(INV, ACT, Some(fac));
        assert!(out.errors.is_empty(), "{:?}", messages(&out));
        assert_eq!(out.inventories[0].inventory.total_emissions.tonnes(), dec!(25));
        let bad = "carrier,factor\nnatural_gas,-1\n";
        let out = run_str(INV, ACT, Some(bad));
        assert!(messages(&out)[0].contains("negative"));
        assert!(out.inventories.is_empty(), "a bad batch-wide factor rejects every inventory");
    }

    #[test]
    fn crlf_does_not_shift_line_numbers() {
        for text in ["h\r\na\r\nb\r\n", "h\na\nb\n", "h\r\na\nb\r\n"] {
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(CrlfToLf::new(text.as_bytes()));
            let lines: Vec<u64> =
                rdr.records().map(|r| r.unwrap().position().unwrap().line()).collect();
            assert_eq!(lines, vec![1, 2, 3], "{text:?}");
        }
        // A CR split across reads, a lone CR, and tiny buffers.
        let mut out = Vec::new();
        let mut r = CrlfToLf::new(std::io::Read::chain(&b"a\r"[..], &b"\nb\rc\r"[..]));
        let mut one = [0u8; 1];
        while r.read(&mut one).unwrap() == 1 {
            out.push(one[0]);
        }
        assert_eq!(out, b"a\nb\rc\r");
    }

    /// A reader of `len` bytes made by repeating `pattern`, without holding them in memory.
    struct Repeat {
        pattern: &'static [u8],
        left: u64,
        at: usize,
    }

    impl Read for Repeat {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let mut n = 0;
            while n < buf.len() && self.left > 0 {
                buf[n] = self.pattern[self.at];
                self.at = (self.at + 1) % self.pattern.len();
                self.left -= 1;
                n += 1;
            }
            Ok(n)
        }
    }

    /// Runs the batch of [`INV`] with an activity file streamed from a reader.
    fn run_streamed(activity: Box<dyn Read + Send>) -> BatchOutput {
        let input = BatchInput {
            inventories: ("inventories.csv", Box::new(INV.as_bytes()) as Box<dyn Read + Send>),
            activity: ("activity.csv", activity),
            factors: None,
            supply: None,
        };
        run(input, Catalog::embedded())
    }

    /// Runs a batch with `threads`, keeping cell detail.
    fn run_threads(inv: &[u8], act: &[u8], threads: usize) -> BatchOutput {
        let input = BatchInput {
            inventories: ("inventories.csv", inv),
            activity: ("activity.csv", act),
            factors: None,
            supply: None,
        };
        run_with(input, Catalog::embedded(), Options { cell_detail: true, threads }, &mut |_| {})
    }

    /// Many chunks of rows with problems scattered through them (unknown ids and codes, a
    /// ragged row, a blank line, invalid UTF-8, a CRLF line): the pipelined reader gives
    /// exactly what the single-threaded one gives, errors and line numbers included.
    #[test]
    fn the_pipelined_reader_gives_the_same_output() {
        let inv = b"inventory_id,country,year,population\nA,IT,2010,1000\nB,DE,2012,2000\nC,FR,2015,500\n";
        let mut act = b"inventory_id,sector,carrier,amount,unit\n".to_vec();
        let ids = ["A", "B", "C"];
        for i in 0..(5 * CHUNK_ROWS + 17) {
            let id = ids[i % 3];
            match i % 1001 {
                7 => act.extend_from_slice(b"Q,residential_buildings,natural_gas,1,MWh\n"),
                300 => act.extend_from_slice(b"B,residential_buildings,natural_gaz,1,MWh\n"),
                501 => act.extend_from_slice(b"\n"),
                502 => act.extend_from_slice(b"C,waste,,1\n"),
                777 => act.extend_from_slice(b"A,waste,,1,tCO2,\xff\n"),
                900 => act.extend_from_slice(b"A,public_lighting,electricity,3,MWh\r\n"),
                _ => act.extend_from_slice(
                    format!("{id},tertiary_buildings,electricity,{}.5,kWh\n", i % 97).as_bytes(),
                ),
            }
        }
        let one = run_threads(inv, &act, 1);
        let two = run_threads(inv, &act, 2);
        assert!(!one.errors.is_empty());
        assert_eq!(one, two);
        // A clean file: every inventory computed, the same way.
        let clean: Vec<u8> = act
            .split(|&b| b == b'\n')
            .filter(|l| l.ends_with(b"kWh") || l.starts_with(b"inventory_id"))
            .flat_map(|l| l.iter().copied().chain([b'\n']))
            .collect();
        let one = run_threads(inv, &clean, 1);
        assert!(one.errors.is_empty(), "{:?}", one.errors);
        assert_eq!(one.inventories.len(), 3);
        assert_eq!(one, run_threads(inv, &clean, 2));
    }

    /// A panic while rows are added (a bug, never input) reaches the caller; the parser thread
    /// does not keep the batch waiting.
    #[test]
    fn a_panic_in_the_pipeline_reaches_the_caller() {
        let mut bytes = b"inventory_id,sector\n".to_vec();
        bytes.extend(b"A,waste\n".repeat(5 * CHUNK_ROWS));
        let rdr =
            csv::ReaderBuilder::new().has_headers(true).from_reader(CrlfToLf::new(&bytes[..]));
        let mut st = State::default();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut n = 0;
            for_rows_with("a", rdr, &mut st, 2, &mut |_| {}, |_, _, _| {
                n += 1;
                assert!(n < 10, "a bug in the row handler");
            });
        }));
        assert!(caught.is_err());
    }

    #[test]
    fn the_pipelined_reader_stops_at_the_line_limit_too() {
        let inv = b"inventory_id,country,year\nA,IT,2010\n";
        let mut act = b"inventory_id,sector,carrier,amount,unit\n".to_vec();
        for _ in 0..3 * CHUNK_ROWS {
            act.extend_from_slice(b"A,waste,,1,tCO2\n");
        }
        act.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 10));
        act.extend_from_slice(b"\nA,waste,,1,tCO2\n");
        let one = run_threads(inv, &act, 1);
        assert!(messages(&one).iter().any(|m| m.contains("longer than")), "{:?}", messages(&one));
        assert_eq!(one, run_threads(inv, &act, 2));
    }

    /// emissions.csv names the biomass variant behind a cell's factor: sustainable cells keep
    /// the plain source, non-sustainable and mixed cells say so.
    #[test]
    fn the_factor_source_names_the_biomass_variant() {
        let inv = "inventory_id,country,year\nA,IT,2015\n";
        let act = "inventory_id,sector,carrier,amount,unit,sustainable\n\
            A,residential_buildings,other_biomass,100,MWh,\n\
            A,tertiary_buildings,other_biomass,100,MWh,no\n\
            A,municipal_buildings,other_biomass,100,MWh,\n\
            A,municipal_buildings,other_biomass,50,MWh,no\n";
        let out = run_threads(inv.as_bytes(), act.as_bytes(), 1);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        let mut csv = Vec::new();
        write_emissions(&mut csv, &out.inventories).unwrap();
        let text = String::from_utf8(csv).unwrap();
        let source = |sector: &str| {
            let row = text.lines().find(|l| l.starts_with(&format!("A,{sector},"))).unwrap();
            row.split(',').nth(5).unwrap().to_string()
        };
        let set = "com-fuels@2024.2 ipcc2006-co2";
        assert_eq!(source("residential_buildings"), set);
        assert_eq!(source("tertiary_buildings"), format!("{set} (non-sustainable)"));
        assert_eq!(
            source("municipal_buildings"),
            format!("{set} (sustainable and non-sustainable)")
        );
    }

    /// Every file suggests the nearest inventory id for an unknown one, not only activity.csv.
    #[test]
    fn unknown_ids_get_a_suggestion_in_every_file() {
        let inv = "inventory_id,country,year\nkozani-2010,GR,2010\n";
        let act = "inventory_id,sector,carrier,amount,unit\nkozani-201,waste,,1,tCO2\n";
        let fac = "inventory_id,carrier,factor\nkozani-2O10,diesel,0.3\n";
        let sup = "inventory_id,item,electricity_mwh\nKozani-2010,green_purchase,5\n";
        let out = run(
            BatchInput {
                inventories: ("inventories.csv", inv.as_bytes()),
                activity: ("activity.csv", act.as_bytes()),
                factors: Some(("factors.csv", fac.as_bytes())),
                supply: Some(("supply.csv", sup.as_bytes())),
            },
            Catalog::embedded(),
        );
        let m = messages(&out);
        for file in ["activity.csv", "factors.csv", "supply.csv"] {
            assert!(
                m.iter().any(|e| e.starts_with(&format!("{file}:2:"))
                    && e.ends_with("(did you mean 'kozani-2010'?)")),
                "{file}: {m:?}"
            );
        }
    }

    /// A long line between short ones, all in one large read: found, on its own line number.
    #[test]
    fn a_long_line_inside_one_read_is_found() {
        let mut text = b"a\nb\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 1));
        text.extend_from_slice(b"\nc\n");
        let mut r = CrlfToLf::new(&text[..]);
        let mut buf = vec![0u8; text.len() + 10];
        let e = r.read(&mut buf).unwrap_err();
        assert_eq!(e.to_string(), LineTooLong(3).to_string());
        // Exactly at the limit is accepted, and lines are counted across reads.
        let mut text = b"a\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES));
        text.extend_from_slice(b"\nc\n");
        let mut r = CrlfToLf::new(&text[..]);
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), text.len());
        assert_eq!(r.lines, 4);
    }

    #[test]
    fn a_gigabyte_without_line_breaks_stops_at_the_line_limit() {
        let head: &[u8] = b"inventory_id,sector,carrier,amount,unit\nA,";
        let body = Repeat { pattern: b"x", left: 1 << 30, at: 0 };
        let out = run_streamed(Box::new(head.chain(body)));
        let m = messages(&out);
        assert!(m[0].starts_with("activity.csv:2: the line is longer than 1048576 bytes"), "{m:?}");
    }

    #[test]
    fn errors_are_listed_up_to_a_limit_then_counted() {
        let head: &[u8] = b"inventory_id,sector,carrier,amount,unit\n";
        let rows = Repeat { pattern: b"Z,waste,,1,tCO2\n", left: 16 * 20_000, at: 0 };
        let out = run_streamed(Box::new(head.chain(rows)));
        assert_eq!(out.errors.len(), MAX_LISTED + 1);
        let last = out.errors.iter().find(|e| e.line == 0).unwrap();
        assert!(last.message.starts_with("10001 more not listed"), "{}", last.message);
    }

    #[test]
    fn huge_cells_are_clipped_in_errors() {
        let act = format!(
            "{H}A,{},natural_gas,1,MWh\n",
            "s".repeat(1_000_000),
            H = "inventory_id,sector,carrier,amount,unit\n"
        );
        let out = run_str(INV, &act, None);
        let e = &out.errors[0];
        assert!(e.value.as_ref().unwrap().len() < 300);
        assert!(e.message.len() < 700, "{}", e.message.len());
    }

    #[test]
    fn a_release_difference_is_flagged_and_quantified() {
        // A second release whose fuel set has diesel at 0.300 t/MWh instead of 0.267.
        let catalog = Catalog::parse(|path| {
            let embedded = |p: &str| crate::embedded::file(p).map(str::to_string);
            match path {
                "releases.csv" => embedded("releases.csv").map(|r| {
                    format!("{r}test-2099.1,2099-01-01,com-fuels@2099.1,jrc-neefe@2024.1,partner-grid@2025.1,fuel-properties@2024.1,gwp@2024.1,test,\n")
                }),
                "com-fuels/2099.1/factors.csv" => embedded("com-fuels/2024.1/factors.csv")
                    .map(|f| f.replace("diesel,,,ipcc,co2,0.267,", "diesel,,,ipcc,co2,0.300,")),
                "com-fuels/2099.1/sources.csv" => embedded("com-fuels/2024.1/sources.csv"),
                other => embedded(other),
            }
        })
        .unwrap();
        let inv = "inventory_id,country,year,kind,baseline_id,factor_set\n\
                   B,IT,2010,baseline,,com-2024.1\nM,IT,2015,monitoring,B,test-2099.1\n";
        let act = "inventory_id,sector,carrier,amount,unit\nB,private_transport,diesel,1000,MWh\nM,private_transport,diesel,1000,MWh\n";
        let out = run(
            BatchInput {
                inventories: ("inventories.csv", inv.as_bytes()),
                activity: ("activity.csv", act.as_bytes()),
                factors: None,
                supply: None,
            },
            &catalog,
        );
        assert!(out.errors.is_empty(), "{:?}", messages(&out));
        assert_eq!(out.inventories[1].inventory.total_emissions.tonnes(), dec!(300));
        let w: Vec<&str> = out
            .warnings
            .iter()
            .filter(|w| w.inventory_id.as_deref() == Some("M"))
            .map(|w| w.message.as_str())
            .collect();
        assert!(
            w.iter()
                .any(|m| m
                    .contains("factor release test-2099.1 differs from its baseline's com-2024.1")),
            "{w:?}"
        );
        assert!(w.iter().any(|m| m.contains("computed with its baseline's release com-2024.1 the total would be 267 t instead of 300 t (difference -33 t)")), "{w:?}");
        // The comparison by carrier is part of the monitoring result.
        let cmp = out.inventories[1].comparison.as_ref().unwrap();
        assert_eq!(cmp.total.change_t, dec!(33));
    }

    /// Finishing, targets and comparisons with baselines run on several threads: the output,
    /// errors and warnings included and in their order, is the same for any number of threads.
    #[test]
    fn the_output_does_not_depend_on_the_threads() {
        let mut inv = String::from(
            "inventory_id,country,year,kind,baseline_id,population,factor_set,target_year,target_reduction_pct,target_kind\n",
        );
        let mut act = String::from("inventory_id,sector,carrier,amount,unit\n");
        for k in 0..12 {
            let base = format!("B{k}");
            // A baseline with a target; another rejected (its per-capita target has no
            // population), so that the monitoring inventory of it cannot be compared.
            inv.push_str(&format!("{base},IT,2010,baseline,,1000,com-2024.1,2030,40,absolute\n"));
            inv.push_str(&format!("P{k},IT,2010,baseline,,,com-2024.1,2030,40,per_capita\n"));
            // Monitoring: with another release than its baseline's; of the failed baseline.
            inv.push_str(&format!("M{k},IT,2016,monitoring,{base},1100,com-2024.2,,,\n"));
            inv.push_str(&format!("N{k},IT,2016,monitoring,P{k},,com-2024.1,,,\n"));
            for id in [base, format!("P{k}"), format!("M{k}"), format!("N{k}")] {
                let mwh = 1000 + 37 * k;
                act.push_str(&format!("{id},private_transport,diesel,{mwh},MWh\n"));
                act.push_str(&format!("{id},residential_buildings,electricity,{mwh},MWh\n"));
            }
        }
        let one = run_threads(inv.as_bytes(), act.as_bytes(), 1);
        let errors = messages(&one);
        assert_eq!(one.inventories.len(), 24, "{errors:?}");
        let population = |m: &&String| m.contains("a per-capita target needs the population");
        assert_eq!(errors.iter().filter(population).count(), 12, "{errors:?}");
        assert_eq!(errors.iter().filter(|m| m.contains("'baseline_id'")).count(), 12, "{errors:?}");
        let release = |w: &&InputError| w.message.contains("computed with its baseline's release");
        assert_eq!(one.warnings.iter().filter(release).count(), 12);
        assert!(one.inventories.iter().filter(|r| r.progress.is_some()).count() == 12);
        for threads in [2, 3, 5] {
            assert_eq!(one, run_threads(inv.as_bytes(), act.as_bytes(), threads), "{threads}");
        }
    }

    #[test]
    fn par_map_keeps_the_order() {
        for n in 0..12 {
            for threads in 1..6 {
                let items: Vec<usize> = (0..n).map(|i| i * 10).collect();
                let out = par_map(items, threads, |i, x| (i, x + 1));
                let expected: Vec<(usize, usize)> = (0..n).map(|i| (i, i * 10 + 1)).collect();
                assert_eq!(out, expected, "{n} items, {threads} threads");
            }
        }
    }

    #[test]
    fn fuel_parameters_can_be_given_per_inventory_or_batch() {
        let inv = "inventory_id,country,year\nA,IT,2010\nB,IT,2010\n";
        let act = "inventory_id,sector,carrier,amount,unit\n\
                   A,municipal_fleet,diesel,1000,L\nB,municipal_fleet,diesel,1000,L\n\
                   A,residential_buildings,natural_gas,1000,m3\nB,residential_buildings,natural_gas,1000,m3\n";
        // Batch-wide: a natural-gas density of 0.7 kg/m3 (0.0007 kg/L); for B only: diesel at 0.832 kg/L.
        let fac = "inventory_id,carrier,factor,ncv_gj_per_t,density_kg_per_l\n\
                   ,natural_gas,,,0.0007\nB,diesel,,,0.832\n";
        let out = run_str(inv, act, Some(fac));
        assert!(out.errors.is_empty(), "{:?}", messages(&out));
        let mwh = |k: usize, c: Carrier| {
            out.inventories[k]
                .inventory
                .cells
                .iter()
                .find(|x| x.carrier == Some(c))
                .unwrap()
                .energy
                .unwrap()
        };
        // 1 000 L × 0.84 kg/L × 43.0 GJ/t = 36.12 GJ = 10.0333… MWh (the release's density).
        assert_eq!(
            mwh(0, Carrier::Diesel).get(crate::quantity::EnergyUnit::Gigajoule),
            dec!(36.12)
        );
        // 1 000 L × 0.832 kg/L × 43.0 GJ/t = 35.776 GJ.
        assert_eq!(
            mwh(1, Carrier::Diesel).get(crate::quantity::EnergyUnit::Gigajoule),
            dec!(35.776)
        );
        // 1 000 m3 × 0.7 kg/m3 × 48.0 GJ/t = 33.6 GJ = 9.333… MWh.
        assert_eq!(
            mwh(0, Carrier::NaturalGas).get(crate::quantity::EnergyUnit::Gigajoule),
            dec!(33.6)
        );
        let conv = &out.inventories[1]
            .inventory
            .cells
            .iter()
            .find(|x| x.carrier == Some(Carrier::Diesel))
            .unwrap()
            .inputs[0];
        assert_eq!(
            (conv.ncv_gj_per_t, conv.density_kg_per_l),
            (Some(dec!(43.0)), Some(dec!(0.832)))
        );
        let bad = "inventory_id,carrier,factor,ncv_gj_per_t\nA,electricity,,3.6\nA,diesel,,-1\n";
        let m = messages(&run_str(inv, act, Some(bad)));
        assert!(m.iter().any(|e| e.contains("'electricity' is not a fuel")), "{m:?}");
        assert!(
            m.iter()
                .any(|e| e.contains("column 'ncv_gj_per_t', value '-1': expected a number > 0")),
            "{m:?}"
        );
    }

    fn run_supply(inv: &str, act: &str, fac: Option<&str>, sup: &str) -> BatchOutput {
        run(
            BatchInput {
                inventories: ("inventories.csv", inv.as_bytes()),
                activity: ("activity.csv", act.as_bytes()),
                factors: fac.map(|f| ("factors.csv", f.as_bytes())),
                supply: Some(("supply.csv", sup.as_bytes())),
            },
            Catalog::embedded(),
        )
    }

    #[test]
    fn local_electricity_and_heat_factors_from_supply() {
        // Italy 2010, NEEFE 0.421. Electricity: 10 000 MWh consumed; 1 000 MWh PV; a CHP burning
        // 5 000 MWh of natural gas (0.202 → 1 010 t) for 1 500 MWh of electricity and 2 500 MWh of
        // heat. Heat share = 2 500 × 0.4 / (2 500 × 0.4 + 1 500 × 0.9) = 1 000 / 2 350.
        let inv = "inventory_id,country,year\nA,IT,2010\n";
        let act = "inventory_id,sector,carrier,amount,unit\n\
                   A,residential_buildings,electricity,10000,MWh\nA,residential_buildings,heat_cold,4000,MWh\n";
        let sup = "inventory_id,item,plant,electricity_mwh,heat_mwh,carrier,amount,unit,emissions_t\n\
                   A,electricity_production,PV,1000,,,,,\n\
                   A,chp,gas CHP,1500,2500,natural_gas,5000,MWh,\n\
                   A,heat_import,,,500,,,,40\n";
        let out = run_supply(inv, act, None, sup);
        assert!(out.errors.is_empty(), "{:?}", messages(&out));
        let r = &out.inventories[0].inventory;
        let local = r.supply.as_ref().unwrap();
        let chp = local.rows[1].chp.unwrap();
        let heat_t = dec!(1010) * dec!(1000) / dec!(2350);
        assert_eq!(
            crate::quantity::round_for_display(chp.heat.tonnes(), 6),
            crate::quantity::round_for_display(heat_t, 6)
        );
        assert_eq!(chp.heat.checked_add(chp.electricity).unwrap().tonnes(), dec!(1010));
        // EFE = [(10 000 − 2 500) × 0.421 + CO2_CHP,E] / 10 000.
        let (_, efe, case) = local.electricity.unwrap();
        assert_eq!(case, crate::supply::EfeCase::General);
        let expected = (dec!(7500) * dec!(0.421) + (dec!(1010) - heat_t)) / dec!(10000);
        assert_eq!(
            crate::quantity::round_for_display(efe.value(), 12),
            crate::quantity::round_for_display(expected, 12)
        );
        // EFH = (CO2_CHP,H + 40) / 4 000.
        let (_, efh) = local.heat.unwrap();
        assert_eq!(
            crate::quantity::round_for_display(efh.value(), 12),
            crate::quantity::round_for_display((heat_t + dec!(40)) / dec!(4000), 12)
        );
        let e = r.factors.iter().find(|f| f.carrier == Carrier::Electricity).unwrap();
        assert_eq!(e.provenance.short(), "local factor EFE (general case)");
        // A user's electricity factor wins, with a warning.
        let out = run_supply(inv, act, Some("carrier,factor\nelectricity,0.3\n"), sup);
        let r = &out.inventories[0].inventory;
        assert_eq!(
            r.factors.iter().find(|f| f.carrier == Carrier::Electricity).unwrap().factor.value(),
            dec!(0.3)
        );
        assert!(
            r.warnings
                .iter()
                .any(|w| w.contains("local production and green purchases do not change it"))
        );
    }

    #[test]
    fn supply_errors_are_located_in_the_supply_file() {
        let inv = "inventory_id,country,year\nA,IT,2010\n";
        let act =
            "inventory_id,sector,carrier,amount,unit\nA,residential_buildings,heat_cold,100,MWh\n";
        let sup = "inventory_id,item,electricity_mwh,heat_mwh,carrier,amount,unit,emissions_t\n\
                   A,chp_plant,1,1,,,,\nA,chp,1,,,,,\nA,heat_export,,10,,,,\nA,heat_production,,10,natural_gas,5,MWh,3\n\
                   A,green_purchase,5,,diesel,1,MWh,\nZ,heat_import,,1,,,,1\nA,heat_production,,10,other_fossil,5,MWh,\n";
        let m = messages(&run_supply(inv, act, None, sup));
        let expect = [
            "supply.csv:2: column 'item', value 'chp_plant': unknown item code 'chp_plant' (did you mean 'chp'?)",
            "supply.csv:3: column 'heat_mwh': the heat produced (MWh) is required for this item",
            "supply.csv:4: column 'emissions_t': the emissions of the heat imported or exported (t) is required",
            "supply.csv:5: column 'emissions_t', value '3': give either a fuel input or the emissions, not both",
            "supply.csv:6: column 'carrier', value 'diesel': item 'green_purchase' has no fuel input",
            "supply.csv:7: column 'inventory_id', value 'Z': no inventory with this id",
        ];
        for e in expect {
            assert!(m.iter().any(|x| x.starts_with(e)), "missing {e}\n{m:#?}");
        }
        // A fuel without a factor is reported at its supply line.
        let m = messages(&run_supply(
            inv,
            act,
            None,
            "inventory_id,item,heat_mwh,carrier,amount,unit\nA,heat_production,10,other_fossil,5,MWh\n",
        ));
        assert!(
            m[0].starts_with(
                "supply.csv:2: column 'carrier': no co2 emission factor for carrier 'other_fossil'"
            ),
            "{m:?}"
        );
        // Exported heat larger than the rest: a negative EFH is refused.
        let m = messages(&run_supply(
            inv,
            act,
            None,
            "inventory_id,item,heat_mwh,emissions_t\nA,heat_export,10,5\n",
        ));
        assert!(m[0].contains("the local heat factor would be negative"), "{m:?}");
    }

    #[test]
    fn co2e_with_a_gwp_set_from_per_gas_factors() {
        let act = "inventory_id,sector,carrier,amount,unit\n\
                   A,private_transport,diesel,1000,MWh\nA,residential_buildings,other_biomass,1000,MWh\n";
        let run_gwp = |gwp: &str| {
            let inv = format!("inventory_id,country,year,gases,gwp\nA,IT,2010,co2e,{gwp}\n");
            let out = run_str(&inv, act, None);
            assert!(out.errors.is_empty(), "{:?}", messages(&out));
            out.inventories[0].inventory.clone()
        };
        let cell = |inv: &Inventory, c: Carrier| {
            inv.cells.iter().find(|x| x.carrier == Some(c)).unwrap().clone()
        };
        // Diesel, AR4: (74 100 + 3 × 25 + 0.6 × 298) kg/TJ × 3.6e-6 = 0.26767368 t/MWh.
        let ar4 = run_gwp("ar4");
        assert_eq!(cell(&ar4, Carrier::Diesel).factor.unwrap().value(), dec!(0.26767368));
        assert_eq!(cell(&ar4, Carrier::Diesel).emissions.tonnes(), dec!(267.67368));
        // AR5: 74 100 + 84 + 159 = 74 343 → 267.6348 t; SAR: 74 100 + 63 + 186 → 267.6564 t.
        assert_eq!(cell(&run_gwp("ar5"), Carrier::Diesel).emissions.tonnes(), dec!(267.6348));
        assert_eq!(cell(&run_gwp("sar"), Carrier::Diesel).emissions.tonnes(), dec!(267.6564));
        // Without a GWP set: the CoM CO2-eq table (0.268).
        assert_eq!(cell(&run_gwp(""), Carrier::Diesel).emissions.tonnes(), dec!(268));
        // Sustainable wood, AR4: only CH4 and N2O, (30 × 25 + 4 × 298) × 3.6e-6 = 0.0069912; its
        // biogenic CO2, 112 000 × 3.6e-6 × 1 000 MWh = 403.2 t, is a memo item.
        let wood = cell(&ar4, Carrier::OtherBiomass);
        assert_eq!(wood.emissions.tonnes(), dec!(6.9912));
        assert_eq!(wood.biogenic_co2.unwrap().tonnes(), dec!(403.2));
        assert_eq!(ar4.biogenic_co2_memo.unwrap().tonnes(), dec!(403.2));
        assert_eq!(ar4.total_emissions.tonnes(), dec!(267.67368) + dec!(6.9912));
        let f = ar4.factors.iter().find(|f| f.carrier == Carrier::Diesel).unwrap();
        assert_eq!(f.provenance.short(), "ipcc2006-gases@2024.1 with AR4 GWP");
        // Errors: a GWP set with CO2 only, an unknown set, a release without per-gas factors.
        for (inv, expected) in [
            (
                "inventory_id,country,year,gases,gwp\nA,IT,2010,co2,ar5\n",
                "a GWP set applies to CO2-eq inventories",
            ),
            (
                "inventory_id,country,year,gases,gwp\nA,IT,2010,co2e,ar7\n",
                "unknown GWP set; expected one of ar4, ar5, ar6, sar, tar",
            ),
            (
                "inventory_id,country,year,gases,gwp,factor_set\nA,IT,2010,co2e,ar5,com-2024.1\n",
                "release com-2024.1 has no per-gas factors",
            ),
        ] {
            let m = messages(&run_str(inv, act, None));
            assert!(m[0].contains(expected), "{m:?}");
        }
    }

    #[test]
    fn non_sustainable_biomass_counts_its_co2() {
        let inv = "inventory_id,country,year\nA,IT,2010\n";
        let act = "inventory_id,sector,carrier,amount,unit,sustainable\n\
                   A,residential_buildings,other_biomass,1000,MWh,\n\
                   A,residential_buildings,other_biomass,500,MWh,no\n";
        let out = run_str(inv, act, None);
        assert!(out.errors.is_empty(), "{:?}", messages(&out));
        let r = &out.inventories[0].inventory;
        let cell = &r.cells[0];
        // 1 000 MWh × 0 + 500 MWh × 0.403 = 201.5 t; the effective factor is 201.5 / 1 500.
        assert_eq!(cell.emissions.tonnes(), dec!(201.5));
        assert_eq!(cell.energy.unwrap().mwh(), dec!(1500));
        assert_eq!(
            crate::quantity::round_for_display(cell.factor.unwrap().value(), 6),
            dec!(0.134333)
        );
        // Only the sustainable part has biogenic CO2 outside the totals: 1 000 × 0.4032.
        assert_eq!(cell.biogenic_co2.unwrap().tonnes(), dec!(403.2));
        assert_eq!(r.factors.iter().filter(|f| f.carrier == Carrier::OtherBiomass).count(), 2);
        let mut buf = Vec::new();
        write_emissions(&mut buf, &out.inventories).unwrap();
        assert!(
            String::from_utf8(buf)
                .unwrap()
                .contains(",other_biomass,1500,0.1343333333333333333333333333,")
        );
        let bad = "inventory_id,sector,carrier,amount,unit,sustainable\nA,private_transport,diesel,1,MWh,no\nA,private_transport,biofuel,1,MWh,maybe\n";
        let m = messages(&run_str(inv, bad, None));
        assert!(
            m[0].contains("column 'sustainable', value 'no'") && m[0].contains("a biomass carrier"),
            "{m:?}"
        );
        assert!(
            m[1].contains("column 'sustainable', value 'maybe': expected yes, no or empty"),
            "{m:?}"
        );
        // A release without non-sustainable factors says so.
        let old = "inventory_id,country,year,factor_set\nA,IT,2010,com-2024.1\n";
        let m = messages(&run_str(old, act, None));
        assert!(m[0].contains("no factor for non-sustainable other_biomass"), "{m:?}");
    }

    #[test]
    fn empty_and_header_only_files() {
        assert!(messages(&run_str("", ACT, None))[0].contains("the file is empty"));
        assert!(
            messages(&run_str("inventory_id,country,year\n", ACT, None))[0]
                .contains("no inventories")
        );
        let m = messages(&run_str(INV, "inventory_id,sector,carrier,amount,unit\n", None));
        assert!(m[0].contains("has no rows in activity.csv"), "{m:?}");
    }
}
