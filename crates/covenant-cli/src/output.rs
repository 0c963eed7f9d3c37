//! Writing a batch's outputs so that they appear at once or not at all.
//!
//! Every output is written into a hidden staging directory beside `--out` (and beside the
//! workbook directory when `--xlsx` names one outside `--out`), with a manifest
//! (`.covenant-outputs`) listing what was written. Only when every file has been written is the
//! staging directory switched with the output directory in one step (`renameat2(RENAME_EXCHANGE)`
//! on Linux; elsewhere, or on a file system without it, two renames). A run killed at any point
//! leaves either the old set of outputs or the new one, never a mixture; what it leaves in its
//! staging directory is removed by the next run. A lock file beside the directory
//! (`.NAME.covenant-lock`) refuses a second run into the same directory.
//!
//! Because the whole directory is replaced, it must be new, empty, or hold only what an earlier
//! run wrote there (the names its manifest lists, or the CSV outputs of a run without one);
//! anything else is refused before anything is computed, and checked again after the switch: a
//! file added meanwhile puts the old directory back. Only the names a manifest lists are ever
//! deleted.

use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, anyhow};

/// The CSV files covenant writes in `--out`.
pub const OUTPUT_FILES: &[&str] =
    &["emissions.csv", "summary.csv", "trajectory.csv", "crf.csv", "errors.csv"];

/// The list of what a run wrote in a directory, one relative path per line.
pub const MANIFEST: &str = ".covenant-outputs";

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

/// The error of rendering an output: reading or writing failed, or (a workbook over Excel's
/// limits) a writer refused the data.
pub(crate) fn rendering(e: anyhow::Error) -> OutputError {
    if e.chain().any(|c| c.is::<io::Error>()) { io_err(e) } else { usage(e) }
}

/// `name` with a prefix and a suffix: `.NAME.covenant-what`.
fn hidden(name: &OsStr, what: &str) -> OsString {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(format!(".covenant-{what}"));
    s
}

/// A path made absolute, with symbolic links resolved as far as it exists and `.`/`..`
/// resolved component by component (after a link is followed, as the system would); the
/// directories it names need not exist.
fn normalized(p: &Path) -> Result<PathBuf> {
    let abs =
        std::path::absolute(p).with_context(|| format!("cannot resolve '{}'", p.display()))?;
    let mut out = PathBuf::new();
    let mut exists = true;
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if exists {
                    match out.canonicalize() {
                        Ok(real) => out = real,
                        Err(_) => exists = false,
                    }
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
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
    /// Whether a run without a manifest may have left CSV outputs in it (`--out`).
    csv: bool,
    /// The lock held while this run writes (released when dropped).
    _lock: File,
}

impl Target {
    fn path(&self) -> PathBuf {
        self.parent.join(&self.name)
    }
}

/// Where a run's outputs go, checked and locked before anything is computed.
#[derive(Debug)]
pub struct Destination {
    out: Target,
    /// The workbook directories (`--xlsx`, `--ecrf`): each inside `--out` (relative to it), or
    /// one of its own.
    books: Vec<(Place, Xlsx)>,
}

#[derive(Debug)]
enum Xlsx {
    Inside(PathBuf),
    Separate(Target),
}

/// Resolves a directory argument to an absolute, existing parent and a name, refusing what
/// cannot be replaced as a whole.
fn resolve(dir: &Path) -> Result<(PathBuf, OsString), OutputError> {
    if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink())
        && fs::metadata(dir).is_err()
    {
        return Err(usage(anyhow!("'{}' is a symbolic link to nothing", dir.display())));
    }
    let path = normalized(dir).map_err(io_err)?;
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(usage(anyhow!(
            "'{}' is the root directory: give a directory for the outputs",
            dir.display()
        )));
    };
    match fs::symlink_metadata(&path) {
        Ok(m) if m.is_dir() => {}
        // A link to a directory was resolved by `normalized`; anything else is in the way.
        Ok(_) => {
            return Err(usage(anyhow!("'{}' exists and is not a directory", dir.display())));
        }
        Err(_) => {}
    }
    if let Ok(cwd) = std::env::current_dir().and_then(|c| c.canonicalize())
        && cwd.starts_with(&path)
    {
        return Err(usage(anyhow!(
            "'{}' is the current directory or contains it; covenant replaces the output directory as a whole, so give another one",
            dir.display()
        )));
    }
    // Every existing ancestor must be a directory (`--out inventories.csv/x`).
    let mut ancestor = parent;
    loop {
        if let Ok(m) = fs::metadata(ancestor) {
            if !m.is_dir() {
                return Err(usage(anyhow!(
                    "'{}' is not a directory, so '{}' cannot be created",
                    ancestor.display(),
                    dir.display()
                )));
            }
            break;
        }
        match ancestor.parent() {
            Some(p) => ancestor = p,
            None => break,
        }
    }
    fs::create_dir_all(parent)
        .with_context(|| format!("cannot create '{}'", parent.display()))
        .map_err(io_err)?;
    #[cfg(unix)]
    if let (Ok(own), Ok(up)) = (fs::metadata(&path), fs::metadata(parent)) {
        use std::os::unix::fs::MetadataExt;
        if own.dev() != up.dev() {
            return Err(usage(anyhow!(
                "'{}' is a mount point; covenant replaces the output directory as a whole, so give a directory inside it",
                dir.display()
            )));
        }
    }
    Ok((parent.to_path_buf(), name.to_os_string()))
}

/// Takes the lock of a target, refusing when another run holds it.
fn lock(parent: &Path, name: &OsStr, shown: &Path) -> Result<File, OutputError> {
    let path = parent.join(hidden(name, "lock"));
    if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(usage(anyhow!(
            "'{}' is in the way of covenant's lock file: remove it",
            path.display()
        )));
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| {
            format!("cannot create the lock file '{}' beside the output directory", path.display())
        })
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

/// The relative paths of every file under `dir` (directories are implied by their files), or
/// the first entry that is neither a file nor a directory.
fn files_under(dir: &Path) -> io::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    fn walk(
        root: &Path,
        dir: &Path,
        files: &mut Vec<PathBuf>,
        dirs: &mut Vec<PathBuf>,
    ) -> io::Result<()> {
        for e in fs::read_dir(dir)? {
            let e = e?;
            let p = e.path();
            let rel = p.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| p.clone());
            if e.file_type()?.is_dir() {
                dirs.push(rel);
                walk(root, &p, files, dirs)?;
            } else {
                files.push(rel);
            }
        }
        Ok(())
    }
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    walk(dir, dir, &mut files, &mut dirs)?;
    Ok((files, dirs))
}

/// What covenant wrote in a directory: its manifest's names, or, without a manifest, the CSV
/// outputs of `--out` (a run of an earlier version).
fn written(dir: &Path, csv: bool) -> BTreeSet<PathBuf> {
    match fs::read_to_string(dir.join(MANIFEST)) {
        Ok(text) => {
            let mut names: BTreeSet<PathBuf> = text
                .lines()
                .filter(|l| !l.is_empty())
                .map(PathBuf::from)
                // Only plain relative names: a manifest cannot point outside its directory.
                .filter(|p| p.components().all(|c| matches!(c, Component::Normal(_))))
                .collect();
            names.insert(PathBuf::from(MANIFEST));
            names
        }
        Err(_) if csv => OUTPUT_FILES.iter().map(PathBuf::from).collect(),
        Err(_) => BTreeSet::new(),
    }
}

/// The entries of a directory that covenant did not write, by name.
fn foreign(dir: &Path, csv: bool) -> io::Result<Vec<String>> {
    let (files, dirs) = match files_under(dir) {
        Ok(x) => x,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let ours = written(dir, csv);
    let mut out: Vec<String> =
        files.iter().filter(|f| !ours.contains(*f)).map(|f| f.display().to_string()).collect();
    // An empty directory that no listed file explains is not ours either.
    out.extend(
        dirs.iter()
            .filter(|d| {
                !ours.iter().any(|f| f.starts_with(d)) && !files.iter().any(|f| f.starts_with(d))
            })
            .map(|d| format!("{}/", d.display())),
    );
    out.sort();
    Ok(out)
}

/// Refuses a directory that holds anything covenant did not write.
fn check_contents(t: &Target) -> Result<(), OutputError> {
    let mut found = foreign(&t.path(), t.csv)
        .with_context(|| format!("cannot read '{}'", t.shown.display()))
        .map_err(io_err)?;
    if found.is_empty() {
        return Ok(());
    }
    let more =
        if found.len() > 3 { format!(" and {} more", found.len() - 3) } else { String::new() };
    found.truncate(3);
    Err(usage(anyhow!(
        "'{}' holds files covenant did not write ({}{more}); covenant replaces the whole directory, so give a new or empty one",
        t.shown.display(),
        found.iter().map(|f| format!("'{f}'")).collect::<Vec<_>>().join(", ")
    )))
}

/// Removes what killed runs left beside a target (its lock is held: no run is using them): a
/// staging directory without a manifest was never switched and holds only what that run wrote;
/// one with a manifest may be an old output directory, of which only the listed names go.
fn remove_leftovers(t: &Target) {
    let prefix = hidden(&t.name, "stage-");
    let Ok(entries) = fs::read_dir(&t.parent) else { return };
    for e in entries.flatten() {
        if e.file_name().as_encoded_bytes().starts_with(prefix.as_encoded_bytes()) {
            let p = e.path();
            if p.join(MANIFEST).exists() {
                remove_written(&p, t.csv);
            } else {
                let _ = fs::remove_dir_all(&p);
            }
        }
    }
}

/// Deletes what covenant wrote in `dir` (see [`written`]), then `dir` itself if nothing else
/// is left in it.
fn remove_written(dir: &Path, csv: bool) {
    let names = written(dir, csv);
    // Files first (the manifest last), then the directories they were in, deepest first.
    let mut dirs = BTreeSet::new();
    let files: Vec<&PathBuf> = names.iter().filter(|n| n.as_os_str() != MANIFEST).collect();
    for name in &files {
        let mut p = name.parent();
        while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
            dirs.insert(d.to_path_buf());
            p = d.parent();
        }
    }
    // Removing a large file frees its cached pages, which takes a while (about 20 ms for the
    // emissions.csv of 10,000 inventories): the files are removed two at a time, in two
    // groups of about the same size (each largest file left to the smaller group).
    let mut sized: Vec<(u64, &PathBuf)> = files
        .iter()
        .map(|&name| (fs::symlink_metadata(dir.join(name)).map_or(0, |m| m.len()), name))
        .collect();
    sized.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let (mut first, mut second) = ((0u64, Vec::new()), (0u64, Vec::new()));
    for (size, name) in sized {
        let group = if first.0 <= second.0 { &mut first } else { &mut second };
        group.0 = group.0.saturating_add(size);
        group.1.push(name);
    }
    let remove =
        |part: &[&PathBuf]| part.iter().for_each(|name| drop(fs::remove_file(dir.join(name))));
    std::thread::scope(|s| {
        if std::thread::Builder::new().spawn_scoped(s, || remove(&second.1)).is_err() {
            remove(&second.1);
        }
        remove(&first.1);
    });
    let _ = fs::remove_file(dir.join(MANIFEST));
    for d in dirs.iter().rev() {
        let _ = fs::remove_dir(dir.join(d));
    }
    let _ = fs::remove_dir(dir);
}

impl Destination {
    /// Checks and locks `--out` (and `--xlsx`) before the batch is computed: a directory that
    /// holds other files, the current directory, a mount point, or an input inside an output
    /// directory is refused; a directory another run is writing to, too.
    pub fn prepare(
        out: &Path,
        books: &[(Place, &Path)],
        inputs: &[&Path],
    ) -> Result<Destination, OutputError> {
        let target = |dir: &Path, csv: bool| -> Result<Target, OutputError> {
            let (parent, name) = resolve(dir)?;
            let lock = lock(&parent, &name, dir)?;
            Ok(Target { shown: dir.to_path_buf(), parent, name, csv, _lock: lock })
        };
        let out_path = resolve(out).map(|(p, n)| p.join(n))?;
        let mut placed: Vec<(Place, Xlsx, PathBuf)> = Vec::new();
        for &(place, x) in books {
            let abs = normalized(x).map_err(io_err)?;
            if let Some((_, _, other)) =
                placed.iter().find(|(_, _, p)| p.starts_with(&abs) || abs.starts_with(p))
            {
                return Err(usage(anyhow!(
                    "the workbook directories '{}' and '{}' overlap; give two separate ones",
                    x.display(),
                    other.display()
                )));
            }
            let xlsx = {
                if out_path.starts_with(&abs) && abs != out_path {
                    return Err(usage(anyhow!(
                        "the workbook directory '{}' contains the output directory '{}'; give one inside it or beside it",
                        x.display(),
                        out.display()
                    )));
                }
                match abs.strip_prefix(&out_path) {
                    Ok(rel) => {
                        let first =
                            rel.components().next().map(|c| c.as_os_str().to_string_lossy());
                        if first
                            .is_some_and(|f| OUTPUT_FILES.contains(&f.as_ref()) || f == MANIFEST)
                        {
                            return Err(usage(anyhow!(
                                "the workbook directory '{}' has the name of an output file",
                                x.display()
                            )));
                        }
                        Xlsx::Inside(rel.to_path_buf())
                    }
                    Err(_) => Xlsx::Separate(target(x, false)?),
                }
            };
            placed.push((place, xlsx, abs));
        }
        let books: Vec<(Place, Xlsx)> = placed.into_iter().map(|(p, x, _)| (p, x)).collect();
        let out_t = target(out, true)?;
        let mut dirs = vec![&out_t];
        for (_, x) in &books {
            if let Xlsx::Separate(t) = x {
                dirs.push(t);
            }
        }
        for input in inputs.iter().filter(|p| p.as_os_str() != "-") {
            let Ok(input_abs) = input.canonicalize() else { continue };
            for t in &dirs {
                if input_abs.starts_with(t.path()) {
                    return Err(usage(anyhow!(
                        "the input '{}' is inside the output directory '{}', which covenant replaces as a whole; write the outputs elsewhere",
                        input.display(),
                        t.shown.display()
                    )));
                }
            }
        }
        for t in &dirs {
            check_contents(t)?;
            remove_leftovers(t);
        }
        Ok(Destination { out: out_t, books })
    }

    /// Whether workbooks of a place are written (`--xlsx`, `--ecrf`).
    pub fn has_workbooks(&self, place: Place) -> bool {
        self.books.iter().any(|(p, _)| *p == place)
    }

    /// New, empty staging directories beside the targets.
    pub fn stage(&self) -> Result<Staged<'_>, OutputError> {
        let out = Stage::new(&self.out)?;
        let mut books = Vec::new();
        for (place, x) in &self.books {
            if let Xlsx::Separate(t) = x {
                books.push((*place, Stage::new(t)?, t));
            }
        }
        Ok(Staged { dest: self, out, books })
    }
}

/// A staging directory beside its target, and what has been written in it.
#[derive(Debug)]
struct Stage {
    dir: PathBuf,
    written: std::sync::Mutex<Vec<PathBuf>>,
}

impl Stage {
    fn new(t: &Target) -> Result<Stage, OutputError> {
        let failed = |e: io::Error| {
            io_err(
                anyhow::Error::new(e)
                    .context(format!("cannot write beside '{}'", t.shown.display())),
            )
        };
        // Created like any directory (the umask applies); an existing target's mode and group
        // carry over to its replacement.
        let mut k = 0u32;
        let dir = loop {
            let mut name = hidden(&t.name, "stage-");
            name.push(format!("{}-{k}", std::process::id()));
            let dir = t.parent.join(name);
            match fs::create_dir(&dir) {
                Ok(()) => break dir,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && k < 1000 => k += 1,
                Err(e) => return Err(failed(e)),
            }
        };
        #[cfg(unix)]
        if let Ok(old) = fs::metadata(t.path()) {
            use std::os::unix::fs::MetadataExt;
            let _ = std::os::unix::fs::chown(&dir, None, Some(old.gid()));
            fs::set_permissions(&dir, old.permissions()).map_err(failed)?;
        }
        Ok(Stage { dir, written: std::sync::Mutex::new(Vec::new()) })
    }

    /// Writes the manifest: the relative path of every file written.
    fn seal(&self) -> io::Result<()> {
        let mut names =
            self.written.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        names.sort();
        let mut text = String::new();
        for n in names {
            text.push_str(&n.to_string_lossy());
            text.push('\n');
        }
        fs::write(self.dir.join(MANIFEST), text)
    }
}

/// The outputs being written: nothing is visible until [`Staged::commit`].
#[derive(Debug)]
pub struct Staged<'a> {
    dest: &'a Destination,
    out: Stage,
    /// The workbook directories of their own, staged.
    books: Vec<(Place, Stage, &'a Target)>,
}

impl Drop for Staged<'_> {
    /// A run that stops before its switch leaves nothing behind.
    fn drop(&mut self) {
        for s in std::iter::once(&self.out).chain(self.books.iter().map(|(_, s, _)| s)) {
            // Never switched: everything in it is this run's.
            if s.dir.exists() {
                let _ = fs::remove_dir_all(&s.dir);
            }
        }
    }
}

/// Which directory a staged file goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// `--out`.
    Out,
    /// `--xlsx`.
    Workbooks,
    /// `--ecrf`.
    Ecrf,
}

impl Staged<'_> {
    /// The staging directory of a place and where its files are listed.
    fn stage_of(&self, place: Place) -> (&Stage, PathBuf) {
        if let Some((_, s, _)) = self.books.iter().find(|(p, _, _)| *p == place) {
            return (s, PathBuf::new());
        }
        match self.dest.books.iter().find(|(p, _)| *p == place) {
            Some((_, Xlsx::Inside(rel))) => (&self.out, rel.clone()),
            _ => (&self.out, PathBuf::new()),
        }
    }

    /// Creates one file of `place`, listed in the manifest, for the caller to write.
    pub fn create(&self, place: Place, name: &str) -> Result<File, OutputError> {
        let (stage, sub) = self.stage_of(place);
        let dir = stage.dir.join(&sub);
        fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create '{}'", dir.display()))
            .map_err(io_err)?;
        let file = File::create(dir.join(name))
            .with_context(|| format!("cannot write {name}"))
            .map_err(io_err)?;
        stage
            .written
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(sub.join(name));
        Ok(file)
    }

    /// Writes one file of `place`.
    pub fn write_file(
        &self,
        place: Place,
        name: &str,
        render: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<(), OutputError> {
        let file = self.create(place, name)?;
        let mut w = io::BufWriter::with_capacity(1 << 16, file);
        render(&mut w).with_context(|| format!("cannot write {name}")).map_err(rendering)?;
        w.flush().with_context(|| format!("cannot write {name}")).map_err(io_err)?;
        checkpoint();
        Ok(())
    }

    /// Switches every staged directory into place, each in one step, `--out` first.
    pub fn commit(self) -> Result<(), OutputError> {
        for s in std::iter::once(&self.out).chain(self.books.iter().map(|(_, s, _)| s)) {
            s.seal()
                .with_context(|| format!("cannot write in '{}'", s.dir.display()))
                .map_err(io_err)?;
        }
        checkpoint();
        switch(&self.out.dir, &self.dest.out)?;
        checkpoint();
        for (_, stage, t) in &self.books {
            switch(&stage.dir, t)?;
            checkpoint();
        }
        Ok(())
    }
}

/// Puts a staging directory in the place of its target; the old outputs are removed after,
/// unless something was added to the target during the run: then the old directory is put back.
fn switch(staged: &Path, t: &Target) -> Result<(), OutputError> {
    let target = t.path();
    let failed = |e: io::Error| {
        io_err(
            anyhow::Error::new(e)
                .context(format!("cannot move the outputs into '{}'", t.shown.display())),
        )
    };
    if fs::symlink_metadata(&target).is_err() {
        return fs::rename(staged, &target).map_err(failed);
    }
    if exchange(staged, &target).is_ok() {
        checkpoint();
        // The old directory is now at the staging path.
        let added = foreign(staged, t.csv).unwrap_or_else(|_| vec!["?".into()]);
        if !added.is_empty() {
            // Files appeared in the directory while covenant wrote: keep them where they were.
            if exchange(staged, &target).is_ok() {
                remove_written(staged, false);
            }
            return Err(io_err(anyhow!(
                "'{}' changed while covenant was writing ({} added); nothing was replaced",
                t.shown.display(),
                added.iter().take(3).map(|f| format!("'{f}'")).collect::<Vec<_>>().join(", ")
            )));
        }
        remove_written(staged, t.csv);
        return Ok(());
    }
    // No atomic exchange here: the old directory is moved aside, then the new one in. A kill
    // between the two leaves the old outputs in the hidden directory, where the next run
    // removes them; if the second rename fails, they are put back.
    let mut aside = hidden(&t.name, "stage-old-");
    aside.push(std::process::id().to_string());
    let aside = t.parent.join(aside);
    fs::rename(&target, &aside).map_err(failed)?;
    if let Err(e) = fs::rename(staged, &target) {
        let _ = fs::rename(&aside, &target);
        return Err(failed(e));
    }
    checkpoint();
    remove_written(&aside, t.csv);
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
pub(crate) fn checkpoint() {
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

    #[test]
    fn normalized_paths_resolve_dots_beyond_what_exists() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        assert_eq!(normalized(&dir.path().join("a/../b/./c")).unwrap(), base.join("b/c"));
        assert_eq!(normalized(dir.path()).unwrap(), base);
    }

    #[test]
    fn a_manifest_cannot_name_files_outside_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(MANIFEST), "a.csv\n../escape\n/etc/passwd\nx/b.xlsx\n").unwrap();
        let names = written(dir.path(), false);
        let expected: BTreeSet<PathBuf> =
            ["a.csv", "x/b.xlsx", MANIFEST].iter().map(PathBuf::from).collect();
        assert_eq!(names, expected);
    }
}
