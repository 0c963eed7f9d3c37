//! Rendering the outputs on several threads: every file is cut into parts (the CSV tables into
//! parts of [`PART`] inventories; `errors.csv` and each workbook are one part), each thread
//! takes the next part in turn, and the part that is due is written to its file (in the staging
//! directory, see [`crate::output`]) by whichever thread completed it; a part done early waits
//! in memory, at most a few per file. The bytes are those of writing each file whole, on one
//! thread or several.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result, anyhow};
use covenant_core::batch::{Table, Tables};

use crate::output::{OutputError, Place, Staged};

/// Inventories per part of a table (about 400 KB of `emissions.csv` for inventories of 63
/// cells).
const PART: usize = 64;

/// A file rendered whole.
pub(crate) type Render<'a> = Box<dyn Fn(&mut Vec<u8>) -> Result<()> + Send + Sync + 'a>;

/// What one job renders.
enum Work<'a> {
    /// The inventories `range` of a table (with its header for the first part).
    Part(Table, Range<usize>),
    /// A whole file.
    Whole(Render<'a>),
}

/// One job: part `index` of file `file`.
struct Job<'a> {
    file: usize,
    index: usize,
    work: Work<'a>,
}

/// A file being written: the part due next, and the parts rendered before their turn.
struct Open {
    name: String,
    file: File,
    next: usize,
    early: BTreeMap<usize, Vec<u8>>,
}

/// The files of a batch's outputs and the jobs that render them.
pub(crate) struct Parts<'a> {
    jobs: Vec<Job<'a>>,
    files: Vec<(Place, String)>,
    tables: &'a Tables<'a>,
}

impl<'a> Parts<'a> {
    /// No files yet; the tables are those of `tables`.
    pub(crate) fn new(tables: &'a Tables<'a>) -> Parts<'a> {
        Parts { jobs: Vec::new(), files: Vec::new(), tables }
    }

    /// A table in `--out`, in parts.
    pub(crate) fn table(&mut self, table: Table) {
        let (file, n) = (self.files.len(), self.tables.len());
        self.files.push((Place::Out, table.file_name().to_string()));
        for index in 0..n.div_ceil(PART).max(1) {
            let range = index * PART..((index + 1) * PART).min(n);
            self.jobs.push(Job { file, index, work: Work::Part(table, range) });
        }
    }

    /// A file rendered whole.
    pub(crate) fn whole(&mut self, place: Place, name: String, render: Render<'a>) {
        self.jobs.push(Job { file: self.files.len(), index: 0, work: Work::Whole(render) });
        self.files.push((place, name));
    }

    /// Renders and writes every file into `staged` on up to `threads` threads.
    pub(crate) fn write(mut self, staged: &Staged<'_>, threads: usize) -> Result<(), OutputError> {
        // Part by part, the files in turn, so that every thread has work to the end.
        self.jobs.sort_by_key(|j| j.index);
        let mut open = Vec::with_capacity(self.files.len());
        for (place, name) in &self.files {
            let file = staged.create(*place, name)?;
            open.push(Mutex::new(Open {
                name: name.clone(),
                file,
                next: 0,
                early: BTreeMap::new(),
            }));
        }
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let error: Mutex<Option<OutputError>> = Mutex::new(None);
        // Buffers return here once written, so that memory does not grow with the outputs.
        let spare: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
        let work = || {
            while !failed.load(Ordering::Relaxed) {
                let Some(job) = self.jobs.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    break;
                };
                let buf = spare.lock().ok().and_then(|mut s| s.pop()).unwrap_or_default();
                let done = self.run(job, buf).and_then(|bytes| {
                    let file = open[job.file].lock().map_err(|_| {
                        OutputError::Io(anyhow!("a thread writing the outputs failed"))
                    })?;
                    commit(file, job.index, bytes, &spare)
                });
                if let Err(e) = done {
                    failed.store(true, Ordering::Relaxed);
                    if let Ok(mut slot) = error.lock() {
                        slot.get_or_insert(e);
                    }
                }
            }
        };
        std::thread::scope(|s| {
            for _ in 1..threads.min(self.jobs.len()) {
                // A thread the system refuses leaves its share to the others.
                let _ = std::thread::Builder::new().spawn_scoped(s, work);
            }
            work();
        });
        match error.into_inner() {
            Ok(None) => Ok(()),
            Ok(Some(e)) => Err(e),
            Err(_) => Err(OutputError::Io(anyhow!("a thread writing the outputs failed"))),
        }
    }

    /// Renders one job into `buf`.
    fn run(&self, job: &Job<'_>, mut buf: Vec<u8>) -> Result<Vec<u8>, OutputError> {
        buf.clear();
        let name = &self.files[job.file].1;
        let rendered = match &job.work {
            Work::Part(table, range) => self
                .tables
                .render(*table, range.clone(), job.index == 0, buf)
                .map_err(anyhow::Error::new),
            Work::Whole(render) => render(&mut buf).map(|()| buf),
        };
        rendered.with_context(|| format!("cannot write {name}")).map_err(crate::output::rendering)
    }
}

/// Writes part `index` of a file if it is due, with the early parts that follow it; else keeps
/// it until then.
fn commit(
    mut file: std::sync::MutexGuard<'_, Open>,
    index: usize,
    bytes: Vec<u8>,
    spare: &Mutex<Vec<Vec<u8>>>,
) -> Result<(), OutputError> {
    if index != file.next {
        file.early.insert(index, bytes);
        return Ok(());
    }
    let mut bytes = Some(bytes);
    while let Some(b) = bytes {
        let name = file.name.clone();
        file.file
            .write_all(&b)
            .with_context(|| format!("cannot write {name}"))
            .map_err(OutputError::Io)?;
        file.next += 1;
        crate::output::checkpoint();
        if let Ok(mut s) = spare.lock() {
            s.push(b);
        }
        let next = file.next;
        bytes = file.early.remove(&next);
    }
    Ok(())
}
