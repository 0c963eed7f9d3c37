//! Writing a batch's outputs so that they appear at once or not at all.
//!
//! Every output is written into a hidden staging directory beside `--out` (and beside the
//! workbook directory when `--xlsx` names one outside `--out`); only when every file has been
//! written is the staging directory switched with the output directory in one step
//! (`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere, or on a file system without it, two
//! renames). A run killed at any point leaves either the old set of outputs or the new one, never
//! a mixture; what it leaves in its staging directory is removed by the next run. A lock file
//! beside the directory (`.NAME.covenant-lock`) refuses a second run into the same directory.
//!
//! Because the whole directory is replaced, `--out` must be new, empty, or hold only what
//! covenant writes (the CSV outputs and workbooks); an input inside it is refused before
//! anything is computed.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

/// The CSV files covenant writes in `--out`.
pub const OUTPUT_FILES: &[&str] =
    &["emissions.csv", "summary.csv", "trajectory.csv", "crf.csv", "errors.csv"];

/// Longest file stem of a workbook (file systems allow 255 bytes per name).
const MAX_STEM: usize = 120;

/// Why the outputs were not written.
#[derive(Debug)]
pub enum OutputError {
    /// The arguments cannot be honoured (a directory with other files, an input inside it).
    Usage(anyhow::Error),
    /// Reading or writing failed, or another run holds the directory.
    Io(anyhow::Error),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Usage(e) | OutputError::Io(e) => write!(f, "{e:#}"),
        }
    }
}

fn usage(e: anyhow::Error) -> OutputError {
    OutputError::Usage(e)
}

fn io_err(e: anyhow::Error) -> OutputError {
    OutputError::Io(e)
}

/// A directory the outputs replace as a whole.
#[derive(Debug)]
struct Target {
    /// As the user gave it (for messages).
    shown: PathBuf,
    /// Its parent, absolute and existing.
    parent: PathBuf,
    /// Its name in the parent.
    name: OsString,
    /// Whether its contents are CSV outputs (`--out`) or workbooks only.
    csv: bool,
    /// The lock held while this run writes (released when dropped).
    _lock: File,
}

impl Target {
    fn path(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    fn hidden(&self, what: &str) -> OsString {
        let mut s = OsString::from(".");
        s.push(&self.name);
        s.push(format!(".covenant-{what}"));
        s
    }
}

/// Where a run's outputs go, checked and locked before anything is computed.
#[derive(Debug)]
pub struct Destination {
    out: Target,
    /// `--xlsx`: a directory inside `--out` (relative to it), or one of its own.
    xlsx: Option<Xlsx>,
}

#[derive(Debug)]
enum Xlsx {
    Inside(PathBuf),
    Separate(Target),
}

/// Resolves a directory argument to an absolute parent (created) and a name.
fn resolve(dir: &Path) -> Result<(PathBuf, OsString), OutputError> {
    if dir.is_dir() {
        let canonical = dir
            .canonicalize()
            .with_context(|| format!("cannot resolve '{}'", dir.display()))
            .map_err(io_err)?;
        let name = canonical.file_name().map(OsString::from);
        let parent = canonical.parent().map(Path::to_path_buf);
        return match (parent, name) {
            (Some(p), Some(n)) => Ok((p, n)),
            _ => Err(usage(anyhow!(
                "'{}' is the root directory: give a directory for the outputs",
                dir.display()
            ))),
        };
    }
    if dir.exists() {
        return Err(usage(anyhow!("'{}' exists and is not a directory", dir.display())));
    }
    let abs = std::path::absolute(dir)
        .with_context(|| format!("cannot resolve '{}'", dir.display()))
        .map_err(usage)?;
    let name = abs
        .file_name()
        .map(OsString::from)
        .ok_or_else(|| usage(anyhow!("'{}' does not name a directory", dir.display())))?;
    let parent = abs.parent().unwrap_or(Path::new("/"));
    fs::create_dir_all(parent)
        .with_context(|| format!("cannot create '{}'", parent.display()))
        .map_err(io_err)?;
    let parent = parent
        .canonicalize()
        .with_context(|| format!("cannot resolve '{}'", parent.display()))
        .map_err(io_err)?;
    Ok((parent, name))
}

/// Takes the lock of a target, refusing when another run holds it.
fn lock(parent: &Path, name: &OsString, shown: &Path) -> Result<File, OutputError> {
    let mut lock_name = OsString::from(".");
    lock_name.push(name);
    lock_name.push(".covenant-lock");
    let path = parent.join(lock_name);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot create the lock file '{}'", path.display()))
        .map_err(io_err)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(io_err(anyhow!(
            "another covenant run is writing to '{}'; wait for it to finish",
            shown.display()
        ))),
        Err(fs::TryLockError::Error(e)) => {
            Err(io_err(anyhow::Error::new(e).context(format!("cannot lock '{}'", path.display()))))
        }
    }
}

/// Whether a directory entry is something covenant writes in an output directory.
fn ours(entry: &fs::DirEntry, csv: bool) -> io::Result<bool> {
    let name = entry.file_name();
    let name = name.to_string_lossy();
    let kind = entry.file_type()?;
    if kind.is_dir() {
        // An earlier run's workbook directory: workbooks only.
        let mut inside = fs::read_dir(entry.path())?;
        return inside.try_fold(true, |all, e| {
            let e = e?;
            Ok(all
                && e.file_type()?.is_file()
                && e.file_name().to_string_lossy().ends_with(".xlsx"))
        });
    }
    Ok(name.ends_with(".xlsx") || (csv && OUTPUT_FILES.contains(&name.as_ref())))
}

/// Refuses a directory that holds anything covenant did not write.
fn check_contents(t: &Target) -> Result<(), OutputError> {
    let path = t.path();
    let entries = match fs::read_dir(&path) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(io_err(
                anyhow::Error::new(e).context(format!("cannot read '{}'", t.shown.display())),
            ));
        }
    };
    let mut foreign = Vec::new();
    for e in entries {
        let e =
            e.with_context(|| format!("cannot read '{}'", t.shown.display())).map_err(io_err)?;
        if !ours(&e, t.csv)
            .with_context(|| format!("cannot read '{}'", t.shown.display()))
            .map_err(io_err)?
        {
            foreign.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    if foreign.is_empty() {
        return Ok(());
    }
    foreign.sort();
    let more =
        if foreign.len() > 3 { format!(" and {} more", foreign.len() - 3) } else { String::new() };
    foreign.truncate(3);
    let what = if t.csv { "the outputs" } else { "the workbooks" };
    Err(usage(anyhow!(
        "'{}' holds files covenant did not write ({}{more}); {what} replace the whole directory, so give a new or empty one",
        t.shown.display(),
        foreign.iter().map(|f| format!("'{f}'")).collect::<Vec<_>>().join(", ")
    )))
}

/// Removes what killed runs left beside a target (its lock is held: no run is using them).
fn remove_leftovers(t: &Target) {
    let prefix = t.hidden("stage-");
    let prefix = prefix.to_string_lossy();
    if let Ok(entries) = fs::read_dir(&t.parent) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(prefix.as_ref()) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

impl Destination {
    /// Checks and locks `--out` (and `--xlsx`) before the batch is computed: a directory that
    /// holds other files, or an input inside an output directory, is refused; a directory
    /// another run is writing to, too.
    pub fn prepare(
        out: &Path,
        xlsx: Option<&Path>,
        inputs: &[&Path],
    ) -> Result<Destination, OutputError> {
        let target = |dir: &Path, csv: bool| -> Result<Target, OutputError> {
            let (parent, name) = resolve(dir)?;
            let lock = lock(&parent, &name, dir)?;
            Ok(Target { shown: dir.to_path_buf(), parent, name, csv, _lock: lock })
        };
        let out_t = target(out, true)?;
        let out_path = out_t.path();
        let xlsx = match xlsx {
            None => None,
            Some(x) => {
                let abs =
                    if x.is_dir() { x.canonicalize().ok() } else { std::path::absolute(x).ok() };
                match abs.as_deref().and_then(|a| a.strip_prefix(&out_path).ok()) {
                    Some(rel) => Some(Xlsx::Inside(rel.to_path_buf())),
                    None => Some(Xlsx::Separate(target(x, false)?)),
                }
            }
        };
        let mut dirs = vec![(&out_t, out_path.clone())];
        if let Some(Xlsx::Separate(t)) = &xlsx {
            dirs.push((t, t.path()));
        }
        for input in inputs.iter().filter(|p| p.as_os_str() != "-") {
            let Ok(input_abs) = input.canonicalize() else { continue };
            for (t, path) in &dirs {
                if input_abs.starts_with(path) {
                    return Err(usage(anyhow!(
                        "the input '{}' is inside the output directory '{}', which covenant replaces as a whole; write the outputs elsewhere",
                        input.display(),
                        t.shown.display()
                    )));
                }
            }
        }
        for (t, _) in &dirs {
            check_contents(t)?;
            remove_leftovers(t);
        }
        Ok(Destination { out: out_t, xlsx })
    }

    /// Whether workbooks are written (`--xlsx`).
    pub fn has_workbooks(&self) -> bool {
        self.xlsx.is_some()
    }

    /// New, empty staging directories beside the targets.
    pub fn stage(&self) -> Result<Staged<'_>, OutputError> {
        let out = Stage::new(&self.out)?;
        let xlsx = match &self.xlsx {
            Some(Xlsx::Separate(t)) => Some(Stage::new(t)?),
            _ => None,
        };
        Ok(Staged { dest: self, out, xlsx })
    }
}

/// A staging directory beside its target.
#[derive(Debug)]
struct Stage {
    dir: tempfile::TempDir,
}

impl Stage {
    fn new(t: &Target) -> Result<Stage, OutputError> {
        let dir = tempfile::Builder::new()
            .prefix(&t.hidden("stage-"))
            .tempdir_in(&t.parent)
            .with_context(|| format!("cannot write beside '{}'", t.shown.display()))
            .map_err(io_err)?;
        // Created for the owner only; outputs are an ordinary directory.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755))
                .with_context(|| format!("cannot write beside '{}'", t.shown.display()))
                .map_err(io_err)?;
        }
        Ok(Stage { dir })
    }
}

/// The outputs being written: nothing is visible until [`Staged::commit`].
#[derive(Debug)]
pub struct Staged<'a> {
    dest: &'a Destination,
    out: Stage,
    xlsx: Option<Stage>,
}

/// Which directory a staged file goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// `--out`.
    Out,
    /// `--xlsx`.
    Workbooks,
}

impl Staged<'_> {
    /// The staging directory of a place (created).
    pub fn dir(&self, place: Place) -> Result<PathBuf, OutputError> {
        let dir = match (place, &self.dest.xlsx) {
            (Place::Out, _) | (Place::Workbooks, None) => self.out.dir.path().to_path_buf(),
            (Place::Workbooks, Some(Xlsx::Inside(rel))) => self.out.dir.path().join(rel),
            (Place::Workbooks, Some(Xlsx::Separate(_))) => match &self.xlsx {
                Some(s) => s.dir.path().to_path_buf(),
                None => self.out.dir.path().to_path_buf(),
            },
        };
        fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create '{}'", dir.display()))
            .map_err(io_err)?;
        Ok(dir)
    }

    /// Switches every staged directory into place, each in one step, `--out` first.
    pub fn commit(self) -> Result<(), OutputError> {
        checkpoint();
        switch(self.out, &self.dest.out)?;
        checkpoint();
        if let (Some(stage), Some(Xlsx::Separate(t))) = (self.xlsx, &self.dest.xlsx) {
            switch(stage, t)?;
            checkpoint();
        }
        Ok(())
    }
}

/// Puts a staging directory in the place of its target; the old contents are removed after.
fn switch(stage: Stage, t: &Target) -> Result<(), OutputError> {
    let staged = stage.dir.keep();
    let target = t.path();
    let failed = |e: io::Error| {
        io_err(
            anyhow::Error::new(e)
                .context(format!("cannot move the outputs into '{}'", t.shown.display())),
        )
    };
    if !target.exists() {
        return fs::rename(&staged, &target).map_err(failed);
    }
    if exchange(&staged, &target).is_err() {
        // No atomic exchange here: the old directory is moved aside, then the new one in. A
        // kill between the two leaves the old outputs in the hidden directory.
        let aside = tempfile::Builder::new()
            .prefix(&t.hidden("stage-old-"))
            .tempdir_in(&t.parent)
            .map_err(failed)?
            .keep();
        fs::remove_dir(&aside).map_err(failed)?;
        fs::rename(&target, &aside).map_err(failed)?;
        fs::rename(&staged, &target).map_err(failed)?;
        checkpoint();
        let _ = fs::remove_dir_all(&aside);
        return Ok(());
    }
    checkpoint();
    // The old contents are now in the staging directory's place.
    let _ = fs::remove_dir_all(&staged);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Writes one file into a staging directory.
pub fn write_file(
    dir: &Path,
    name: &str,
    render: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<(), OutputError> {
    let path = dir.join(name);
    let file =
        File::create(&path).with_context(|| format!("cannot write {name}")).map_err(io_err)?;
    let mut w = io::BufWriter::with_capacity(1 << 16, file);
    render(&mut w).with_context(|| format!("cannot write {name}")).map_err(|e| {
        // A writer's own refusal (a workbook over Excel's limits) is about the data.
        if e.chain().any(|c| c.is::<io::Error>()) { io_err(e) } else { usage(e) }
    })?;
    w.flush().with_context(|| format!("cannot write {name}")).map_err(io_err)?;
    checkpoint();
    Ok(())
}

/// A file name for an inventory id: characters other than letters, digits, `.`, `-` and `_`
/// become `_`, at most 120 of them; a clash with an earlier name (ignoring case) gets a numeric
/// suffix.
pub fn file_stem(id: &str, taken: &mut BTreeSet<String>) -> String {
    let mut stem: String = id
        .chars()
        .take(MAX_STEM)
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

/// A test hook of debug builds: `COVENANT_ABORT_AT=N` aborts the process (as a kill would) at
/// the N-th step of writing the outputs, so that a test can stop a run at every step.
fn checkpoint() {
    #[cfg(debug_assertions)]
    {
        use std::sync::atomic::{AtomicU64, Ordering};
        static STEP: AtomicU64 = AtomicU64::new(0);
        let step = STEP.fetch_add(1, Ordering::SeqCst) + 1;
        if std::env::var("COVENANT_ABORT_AT").ok().and_then(|v| v.parse().ok()) == Some(step) {
            std::process::abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe_short_and_distinct() {
        let mut taken = BTreeSet::new();
        assert_eq!(file_stem("kozani-2010", &mut taken), "kozani-2010");
        assert_eq!(file_stem("Kozani-2010", &mut taken), "Kozani-2010-2");
        assert_eq!(file_stem("a/b c", &mut taken), "a_b_c");
        assert_eq!(file_stem("..", &mut taken), "_..");
        let long = "x".repeat(5000);
        let a = file_stem(&long, &mut taken);
        let b = file_stem(&long, &mut taken);
        assert_eq!(a.len(), MAX_STEM);
        assert_eq!(b, format!("{a}-2"));
    }
}
