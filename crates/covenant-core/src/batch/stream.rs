//! Writing the tables of every cell (`emissions.csv`, `crf.csv`) while the inventories are
//! computed ([`crate::batch::run_streamed`]), so that no inventory keeps its cells afterwards.
//!
//! The inventories are computed in parts of [`PART`], each part on whichever thread takes it
//! next; a part's rows are rendered into its own buffers, each inventory's rows marked, and the
//! inventories keep no cells after that. The parts are then written in input order by the
//! thread that completes the one that is due. An inventory's rows are written only once it is
//! known to be accepted: computed, its target and path computed, and for a monitoring
//! inventory the same of its baseline (which may be in a later part: the part then waits, in
//! memory, until it is known); that thread writes them outside the lock of the parts, while
//! the others go on (a part completed meanwhile is left to it). The bytes are those of the
//! tables written from the output of [`crate::batch::run_with`].

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::batch::BatchWriteError;
use crate::batch::finish::{Job, Outcome, outcome};
use crate::batch::report::csv::{CRF_HEADER, CellRows, EMISSIONS_HEADER, Rows};
use crate::plausibility::{electricity_factor, energy_cells};

/// Inventories per part.
pub(crate) const PART: usize = 64;

/// Where the tables of every cell go.
pub struct CellTables<'w> {
    /// `emissions.csv`.
    pub emissions: &'w mut (dyn Write + Send),
    /// `crf.csv`.
    pub crf: &'w mut (dyn Write + Send),
}

impl std::fmt::Debug for CellTables<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CellTables")
    }
}

/// Whether an inventory is accepted so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// Not computed yet.
    Pending,
    /// Computed with its target and path.
    Computed,
    /// Not computed, rejected before, or its target failed.
    Failed,
}

/// A part's rendered rows: for each inventory with rows, the ranges of its rows in the two
/// buffers.
struct Rendered {
    rows: Vec<(usize, Range<usize>, Range<usize>)>,
    emissions: Vec<u8>,
    crf: Vec<u8>,
}

/// The parts waiting to be written, in order, and the state of every inventory.
struct Commit {
    status: Vec<Status>,
    next: usize,
    waiting: BTreeMap<usize, Rendered>,
    /// Buffers written, for the next parts.
    spare: Vec<Vec<u8>>,
    /// A thread is writing parts (outside the lock): the others leave theirs to it.
    writing: bool,
}

/// The outcomes of a part's inventories, in input order.
pub(crate) type PartOutcomes = Vec<(usize, Outcome)>;

/// A part due, and the rows of it to write (those of accepted inventories).
type Due = (Rendered, Vec<(Range<usize>, Range<usize>)>);

impl Commit {
    /// Takes the parts that are due and whose inventories' baselines are known, in order.
    fn take_due(&mut self, baselines: &[Option<usize>]) -> Vec<Due> {
        let mut due = Vec::new();
        while let Some(part) = self.waiting.get(&self.next) {
            let known = |i: usize| self.status[i] != Status::Pending;
            if !part.rows.iter().all(|(i, _, _)| baselines[*i].is_none_or(known)) {
                break;
            }
            let Some(part) = self.waiting.remove(&self.next) else { break };
            let accepted = |j: usize| self.status[j] == Status::Computed;
            let rows = part
                .rows
                .iter()
                .filter(|(i, _, _)| accepted(*i) && baselines[*i].is_none_or(accepted))
                .map(|(_, e, c)| (e.clone(), c.clone()))
                .collect();
            due.push((part, rows));
            self.next += 1;
        }
        due
    }
}

/// Writes the rows of parts taken by [`Commit::take_due`].
fn write_due(out: &mut CellTables<'_>, due: &[Due]) -> std::io::Result<()> {
    for (part, rows) in due {
        write_runs(&mut *out.emissions, &part.emissions, rows.iter().map(|(e, _)| e))?;
        write_runs(&mut *out.crf, &part.crf, rows.iter().map(|(_, c)| c))?;
    }
    Ok(())
}

/// Writes the ranges of `buffer`, each run of adjacent ranges in one write: the tables go
/// unbuffered to their files, and one system call per inventory cost more than the copying.
fn write_runs<'r>(
    file: &mut (dyn Write + Send),
    buffer: &[u8],
    ranges: impl Iterator<Item = &'r Range<usize>>,
) -> std::io::Result<()> {
    let mut run: Option<Range<usize>> = None;
    for r in ranges {
        match &mut run {
            Some(run) if run.end == r.start => run.end = r.end,
            _ => {
                if let Some(done) = run.replace(r.clone()) {
                    file.write_all(&buffer[done])?;
                }
            }
        }
    }
    match run {
        Some(done) => file.write_all(&buffer[done]),
        None => Ok(()),
    }
}

/// Computes every job (in input order, in parts of [`PART`]) on up to `threads` threads,
/// writing the tables of every cell to `out` as described in the module docs; the outcomes keep
/// no cells or factors. They come part by part, in input order (each part's outcomes kept where
/// they were made: neither an array of every outcome nor sorting one, which moved a kilobyte
/// per inventory).
/// `baselines` has, for every inventory, the index of its baseline (a monitoring inventory
/// whose baseline is known).
///
/// The calling thread runs `prepare` once the others have started computing (work that would
/// otherwise wait for them, as making the arrays of the results) and gives its result back.
pub(crate) fn compute<T>(
    jobs: Vec<Vec<Job<'_, '_>>>,
    threads: usize,
    baselines: &[Option<usize>],
    out: CellTables<'_>,
    prepare: impl FnOnce() -> T,
) -> Result<(Vec<PartOutcomes>, T), BatchWriteError> {
    // The inventories compared with one another: monitoring inventories and their baselines.
    let mut compared = vec![false; baselines.len()];
    for (i, b) in baselines.iter().enumerate() {
        if let Some(b) = *b {
            compared[i] = true;
            compared[b] = true;
        }
    }
    let compared = &compared;
    // Inventories without a job (rejected before) are not pending.
    let mut status = vec![Status::Failed; baselines.len()];
    for (i, ..) in jobs.iter().flatten() {
        status[*i] = Status::Pending;
    }
    out.emissions.write_all(&header(&EMISSIONS_HEADER)?)?;
    out.crf.write_all(&header(&CRF_HEADER)?)?;
    let commit = Mutex::new(Commit {
        status,
        next: 0,
        waiting: BTreeMap::new(),
        spare: Vec::new(),
        writing: false,
    });
    // Only the thread writing (see `Commit::writing`) locks it: the parts are written outside
    // the lock of `commit`, while the other threads go on.
    let out = Mutex::new(out);
    let parts: Vec<Mutex<Vec<Job<'_, '_>>>> = jobs.into_iter().map(Mutex::new).collect();
    let outcomes: Vec<Mutex<Vec<(usize, Outcome)>>> =
        parts.iter().map(|_| Mutex::new(Vec::new())).collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let error: Mutex<Option<BatchWriteError>> = Mutex::new(None);
    let poisoned =
        || BatchWriteError::Io(std::io::Error::other("a thread writing the tables failed"));
    let work = || {
        let mut cells = CellRows::default();
        while !failed.load(Ordering::Relaxed) {
            let p = next.fetch_add(1, Ordering::Relaxed);
            let Some(part) = parts.get(p) else { break };
            let done = (|| -> Result<(), BatchWriteError> {
                let jobs = std::mem::take(&mut *part.lock().map_err(|_| poisoned())?);
                let (emissions, crf) = {
                    let mut c = commit.lock().map_err(|_| poisoned())?;
                    (c.spare.pop().unwrap_or_default(), c.spare.pop().unwrap_or_default())
                };
                let mut rendered =
                    Rendered { rows: Vec::with_capacity(jobs.len()), emissions, crf };
                rendered.emissions.clear();
                rendered.crf.clear();
                let mut done = Vec::with_capacity(jobs.len());
                for (i, b, ov, acts) in jobs {
                    let mut o = outcome(b, &ov, &acts);
                    let computed = o.computed();
                    if let (Ok(inv), true) = (&mut o.inventory, computed) {
                        // Compared with its baseline or with its monitoring inventories: what
                        // the comparison reads of its cells is kept.
                        if compared[i] {
                            o.energy_cells = Some(energy_cells(inv));
                            o.electricity = electricity_factor(inv);
                        }
                        let (e0, c0) = (rendered.emissions.len(), rendered.crf.len());
                        let mut rows = Rows::buffer(std::mem::take(&mut rendered.emissions));
                        cells.emissions(&mut rows, inv)?;
                        rendered.emissions = rows.into_buffer();
                        let mut rows = Rows::buffer(std::mem::take(&mut rendered.crf));
                        cells.crf(&mut rows, inv)?;
                        rendered.crf = rows.into_buffer();
                        rendered.rows.push((
                            i,
                            e0..rendered.emissions.len(),
                            c0..rendered.crf.len(),
                        ));
                        // Written: the inventory keeps no cells.
                        inv.cells = Vec::new();
                        inv.factors = Vec::new();
                    }
                    done.push((i, o));
                }
                let mut c = commit.lock().map_err(|_| poisoned())?;
                for (i, o) in &done {
                    c.status[*i] = if o.computed() { Status::Computed } else { Status::Failed };
                }
                c.waiting.insert(p, rendered);
                if !c.writing {
                    c.writing = true;
                    loop {
                        let due = c.take_due(baselines);
                        if due.is_empty() {
                            c.writing = false;
                            break;
                        }
                        drop(c);
                        write_due(&mut *out.lock().map_err(|_| poisoned())?, &due)?;
                        c = commit.lock().map_err(|_| poisoned())?;
                        c.spare.extend(due.into_iter().flat_map(|(p, _)| [p.emissions, p.crf]));
                    }
                }
                drop(c);
                *outcomes[p].lock().map_err(|_| poisoned())? = done;
                Ok(())
            })();
            if let Err(e) = done {
                failed.store(true, Ordering::Relaxed);
                if let Ok(mut slot) = error.lock() {
                    slot.get_or_insert(e);
                }
            }
        }
    };
    // WebAssembly in the browser has no threads: always one there.
    let prepared = if threads < 2 || parts.len() < 2 || cfg!(target_family = "wasm") {
        let prepared = prepare();
        work();
        prepared
    } else {
        std::thread::scope(|s| {
            for _ in 1..threads.min(parts.len()) {
                // A thread the system refuses leaves its share to the others.
                let _ = std::thread::Builder::new().spawn_scoped(s, work);
            }
            let prepared = prepare();
            work();
            prepared
        })
    };
    if let Some(e) = error.into_inner().map_err(|_| poisoned())? {
        return Err(e);
    }
    let mut c = commit.into_inner().map_err(|_| poisoned())?;
    let mut out = out.into_inner().map_err(|_| poisoned())?;
    write_due(&mut out, &c.take_due(baselines))?;
    debug_assert!(c.waiting.is_empty());
    let outcomes = outcomes.into_iter().map(|o| o.into_inner().map_err(|_| poisoned()));
    Ok((outcomes.collect::<Result<_, _>>()?, prepared))
}

fn header(columns: &[&str]) -> std::io::Result<Vec<u8>> {
    let mut rows = Rows::buffer(Vec::new());
    rows.header(columns)?;
    Ok(rows.into_buffer())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records every write it is given.
    #[derive(Default)]
    struct Calls(Vec<Vec<u8>>);

    impl Write for Calls {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Adjacent ranges go out in one write; a gap (a rejected inventory's rows) starts another.
    #[test]
    fn adjacent_rows_are_written_at_once() {
        let buffer = b"aa,bbb,cc,dd";
        let mut calls = Calls::default();
        write_runs(&mut calls, buffer, [0..3, 3..7, 10..12].iter()).unwrap();
        assert_eq!(calls.0, [b"aa,bbb,".to_vec(), b"dd".to_vec()]);
        let mut calls = Calls::default();
        write_runs(&mut calls, buffer, [].iter()).unwrap();
        assert!(calls.0.is_empty());
        let mut calls = Calls::default();
        write_runs(&mut calls, buffer, std::iter::once(&(7..10))).unwrap();
        assert_eq!(calls.0, [b"cc,".to_vec()]);
    }
}
