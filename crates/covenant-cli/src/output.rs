//! Writing the outputs of a batch: every file goes to a temporary file beside its destination,
//! and all are renamed into place only when every one is complete, so a failure leaves no
//! partial file.
//!
//! The four CSV tables are cut into parts of [`PART`] inventories; the parts of every file
//! (and the other files: `errors.csv`, the workbooks) are rendered on up to `threads` threads,
//! each taking the next part in turn, and written to their file in order by whichever thread
//! completes the part that is due (a part that is done early waits in memory, at most a few
//! per file). The bytes are those of writing each table whole, on one thread or several.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result, anyhow};
use covenant_core::batch::{BatchOutput, Table, Tables};

/// Creates `dir` and the folders above it that are missing; gives those it made, the deepest
/// first (to remove them again when nothing is written).
pub(crate) fn make_dir(dir: &Path) -> Result<Vec<PathBuf>> {
    let made: Vec<PathBuf> = dir
        .ancestors()
        .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
        .map(Path::to_path_buf)
        .collect();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
    Ok(made)
}

/// A temporary file in `dir` for an output.
pub(crate) fn temporary(dir: &Path) -> Result<tempfile::NamedTempFile> {
    tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in '{}'", dir.display()))
}

/// Inventories per part of a table (about 400 KB of `emissions.csv` for an inventory of 63
/// cells).
const PART: usize = 64;

/// A whole file rendered at once.
type Render<'a> = Box<dyn Fn(&mut Vec<u8>) -> Result<()> + Send + Sync + 'a>;

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

/// An output file being written.
struct File {
    path: PathBuf,
    tmp: tempfile::NamedTempFile,
    /// The part due next, and the parts rendered before their turn.
    next: usize,
    early: BTreeMap<usize, Vec<u8>>,
}

/// The jobs of a batch's outputs and their files.
pub(crate) struct Outputs<'a> {
    jobs: Vec<Job<'a>>,
    paths: Vec<PathBuf>,
    tables: &'a Tables<'a>,
    /// Files written already, renamed into place with the others.
    written: Vec<(PathBuf, tempfile::NamedTempFile)>,
}

impl<'a> Outputs<'a> {
    /// No outputs yet; the tables are those of `tables`.
    pub(crate) fn new(tables: &'a Tables<'a>) -> Outputs<'a> {
        Outputs { jobs: Vec::new(), paths: Vec::new(), tables, written: Vec::new() }
    }

    /// A table, in `dir`, in parts.
    pub(crate) fn table(&mut self, dir: &Path, table: Table) {
        let (file, n) = (self.paths.len(), self.tables.len());
        self.paths.push(dir.join(table.file_name()));
        for index in 0..n.div_ceil(PART).max(1) {
            let range = index * PART..((index + 1) * PART).min(n);
            self.jobs.push(Job { file, index, work: Work::Part(table, range) });
        }
    }

    /// `errors.csv` in `dir`.
    pub(crate) fn errors(&mut self, dir: &Path, out: &'a BatchOutput) {
        self.whole(
            dir.join("errors.csv"),
            Box::new(|w| Ok(covenant_core::batch::write_errors(w, &out.errors)?)),
        );
    }

    /// A file rendered whole.
    pub(crate) fn whole(&mut self, path: PathBuf, render: Render<'a>) {
        self.jobs.push(Job { file: self.paths.len(), index: 0, work: Work::Whole(render) });
        self.paths.push(path);
    }

    /// A file written already into `tmp`, renamed to `path` with the others.
    pub(crate) fn written(&mut self, path: PathBuf, tmp: tempfile::NamedTempFile) {
        self.written.push((path, tmp));
    }

    /// Renders and writes every file on up to `threads` threads, then renames them into place.
    pub(crate) fn write(mut self, threads: usize) -> Result<()> {
        // Part by part, the tables in turn, so that every thread has work to the end.
        self.jobs.sort_by_key(|j| j.index);
        let mut files = Vec::with_capacity(self.paths.len());
        for path in &self.paths {
            let tmp = temporary(path.parent().unwrap_or(Path::new(".")))?;
            files.push(Mutex::new(File {
                path: path.clone(),
                tmp,
                next: 0,
                early: BTreeMap::new(),
            }));
        }
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
        // Buffers return here once written, so that memory does not grow with the outputs.
        let spare: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
        let work = || {
            while !failed.load(Ordering::Relaxed) {
                let Some(job) = self.jobs.get(next.fetch_add(1, Ordering::Relaxed)) else {
                    break;
                };
                let buf = spare.lock().ok().and_then(|mut s| s.pop()).unwrap_or_default();
                let done = self.run(job, buf).and_then(|bytes| {
                    let file = files[job.file].lock().map_err(|_| anyhow!("a writer failed"))?;
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
            for _ in 1..threads.min(self.jobs.len()).max(1) {
                s.spawn(work);
            }
            work();
        });
        if let Some(e) = error.into_inner().map_err(|_| anyhow!("a writer failed"))? {
            return Err(e);
        }
        let mut done = self.written;
        for file in files {
            let file = file.into_inner().map_err(|_| anyhow!("a writer failed"))?;
            done.push((file.path, file.tmp));
        }
        // Temporary files are created readable by their owner only; outputs are ordinary
        // files.
        #[cfg(unix)]
        for (_, tmp) in &done {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        // The older outputs are removed first: ext4 (with its default `auto_da_alloc`) writes
        // out the data of a file renamed over another at once, which took as long again as
        // removing the older file and renaming onto a free name (measured on 97 MB of
        // outputs). Removing a large file frees its cached pages, which takes time too: the
        // files are removed on up to `threads` threads. A failure before this point leaves the
        // older outputs in place.
        let removed: Vec<Result<()>> = {
            let remove = |path: &PathBuf| match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    Err(e).with_context(|| format!("cannot replace '{}'", path.display()))
                }
                _ => Ok(()),
            };
            let paths: Vec<&PathBuf> = done.iter().map(|(p, _)| p).collect();
            let chunk = paths.len().div_ceil(threads.max(1)).max(1);
            std::thread::scope(|s| {
                let handles: Vec<_> = paths
                    .chunks(chunk)
                    .map(|part| s.spawn(move || part.iter().map(|p| remove(p)).collect::<Vec<_>>()))
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| {
                        h.join().unwrap_or_else(|_| vec![Err(anyhow!("a writer failed"))])
                    })
                    .collect()
            })
        };
        removed.into_iter().collect::<Result<()>>()?;
        for (path, tmp) in done {
            tmp.persist(&path).with_context(|| format!("cannot write '{}'", path.display()))?;
        }
        Ok(())
    }

    /// Renders one job into `buf`.
    fn run(&self, job: &Job<'_>, mut buf: Vec<u8>) -> Result<Vec<u8>> {
        buf.clear();
        let name = || self.paths[job.file].display().to_string();
        match &job.work {
            Work::Part(table, range) => self
                .tables
                .render(*table, range.clone(), job.index == 0, buf)
                .with_context(|| format!("cannot write {}", name())),
            Work::Whole(render) => {
                render(&mut buf).with_context(|| format!("cannot write {}", name()))?;
                Ok(buf)
            }
        }
    }
}

/// Writes part `index` of a file if it is due, with the early parts that follow it; else keeps
/// it until then.
fn commit(
    mut file: std::sync::MutexGuard<'_, File>,
    index: usize,
    bytes: Vec<u8>,
    spare: &Mutex<Vec<Vec<u8>>>,
) -> Result<()> {
    if index != file.next {
        file.early.insert(index, bytes);
        return Ok(());
    }
    let mut bytes = Some(bytes);
    while let Some(b) = bytes {
        let path = file.path.display().to_string();
        file.tmp.write_all(&b).with_context(|| format!("cannot write '{path}'"))?;
        file.next += 1;
        if let Ok(mut s) = spare.lock() {
            s.push(b);
        }
        let next = file.next;
        bytes = file.early.remove(&next);
    }
    Ok(())
}
