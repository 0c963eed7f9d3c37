//! Records of an input file: line ends, the line-length limit, chunks of parsed records and the
//! pipeline that parses them on a second thread.

use std::fmt;
use std::io::Read;

use crate::batch::ProgressFn;
use crate::batch::diag::State;
use crate::error::ErrorKind;

/// The longest line accepted in an input file (1 MiB); a longer one ends the reading of that file
/// with an error, so that a file without line breaks cannot exhaust memory.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// A reader that turns CRLF line ends into LF, so that the csv reader's line numbers are right
/// (it counts a CRLF record's start on the line before). A lone CR is kept.
#[derive(Debug)]
pub struct CrlfToLf<R> {
    pub(crate) inner: R,
    /// A CR read at the end of the previous chunk, not yet known to precede an LF.
    pub(crate) pending_cr: bool,
    /// A byte already converted, owed to a caller with a one-byte buffer.
    pub(crate) pushback: Option<u8>,
    /// Bytes since the last line feed, and lines seen (for the line-length limit).
    pub(crate) line_bytes: usize,
    pub(crate) lines: u64,
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
    pub(crate) fn check_lines(&mut self, out: &[u8]) -> std::io::Result<()> {
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
        self.lines += memchr::memchr_iter(b'\n', out).count() as u64;
        self.line_bytes = out.len() - last - 1;
        self.check_length()
    }

    /// [`Self::check_lines`], line by line.
    pub(crate) fn check_each_line(&mut self, out: &[u8]) -> std::io::Result<()> {
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

    pub(crate) fn check_length(&self) -> std::io::Result<()> {
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
    pub(crate) fn read_converted(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
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
pub(crate) struct LineTooLong(pub(crate) u64);

impl fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the line is longer than {MAX_LINE_BYTES} bytes, the longest accepted; the rest of the file is not read (is it a CSV file with line breaks?)"
        )
    }
}

impl std::error::Error for LineTooLong {}

pub(crate) fn too_long_line(e: &::csv::Error) -> Option<u64> {
    match e.kind() {
        ::csv::ErrorKind::Io(io) => io.get_ref()?.downcast_ref::<LineTooLong>().map(|l| l.0),
        _ => None,
    }
}

/// Reads the header record; reports an empty file.
pub(crate) fn open<R: Read>(
    file: &str,
    r: R,
    st: &mut State,
    required: &[&'static str],
) -> Option<(::csv::Reader<CrlfToLf<R>>, ::csv::StringRecord)> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(CrlfToLf::new(r));
    let mut header = ::csv::StringRecord::new();
    match rdr.read_record(&mut header) {
        Ok(true) => Some((rdr, header)),
        Ok(false) => {
            let required = required.to_vec();
            st.error(file, 1, None, None, None, ErrorKind::EmptyFile { required });
            None
        }
        Err(e) => {
            st.error(file, 1, None, None, None, csv_error(&e));
            None
        }
    }
}

/// The error a csv reader's error stands for.
pub(crate) fn csv_error(e: &::csv::Error) -> ErrorKind {
    match e.kind() {
        ::csv::ErrorKind::Utf8 { err, .. } => ErrorKind::NotUtf8 { field: err.field() + 1 },
        ::csv::ErrorKind::UnequalLengths { expected_len, len, .. } => ErrorKind::RaggedRow {
            fields: usize::try_from(*len).unwrap_or(usize::MAX),
            width: usize::try_from(*expected_len).unwrap_or(usize::MAX),
        },
        ::csv::ErrorKind::Io(_) if too_long_line(e).is_some() => {
            ErrorKind::LineTooLong { limit: MAX_LINE_BYTES }
        }
        ::csv::ErrorKind::Io(io) => ErrorKind::Unreadable { message: io.to_string() },
        _ => ErrorKind::CsvSyntax { message: e.to_string() },
    }
}

/// Calls `f` for every data row; row errors are reported and skipped.
pub(crate) fn for_rows<R: Read>(
    file: &str,
    rdr: ::csv::Reader<CrlfToLf<R>>,
    st: &mut State,
    f: impl FnMut(u64, &Record<'_>, &mut State),
) {
    for_rows_counted(file, rdr, st, &mut |_| {}, f);
}

/// [`for_rows`] on the calling thread, reporting the number of records read to `progress`.
pub(crate) fn for_rows_counted<R: Read>(
    file: &str,
    mut rdr: ::csv::Reader<CrlfToLf<R>>,
    st: &mut State,
    progress: ProgressFn<'_>,
    mut f: impl FnMut(u64, &Record<'_>, &mut State),
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
pub(crate) struct Count(u64);

impl Count {
    pub(crate) fn add(&mut self, chunk: &Chunk, progress: ProgressFn<'_>) {
        let before = self.0;
        self.0 += chunk.len as u64;
        if before / 65_536 != self.0 / 65_536 {
            progress(self.0);
        }
    }
}

/// Rows are parsed in chunks of this many records.
pub(crate) const CHUNK_ROWS: usize = 16384;

/// A chunk ends early when its text reaches this size (16 MiB).
const CHUNK_TEXT: usize = 1 << 24;

/// Chunks circulating between the parser and the caller.
const CHUNKS: usize = 3;

/// A chunk of parsed records: their fields' text back to back in one buffer, reused from
/// chunk to chunk (a few bytes per field beyond the text, instead of a record with buffers
/// of its own per row).
#[derive(Default)]
pub(crate) struct Chunk {
    /// The fields of every record, one after the other.
    text: String,
    /// The end of every field in `text`.
    ends: Vec<u32>,
    /// For every record: the position in `ends` of its first field, and its line.
    records: Vec<(u32, u64)>,
    /// The record being read.
    scratch: ::csv::StringRecord,
    pub(crate) len: usize,
    /// A csv error after the records: its line, the error and whether reading stopped.
    pub(crate) error: Option<(u64, ErrorKind, bool)>,
    /// The file has been read to its end (or could not be read further).
    pub(crate) done: bool,
}

/// One record of a [`Chunk`].
#[derive(Clone, Copy)]
pub(crate) struct Record<'c> {
    text: &'c str,
    /// Where the record's first field starts in `text`.
    start: u32,
    /// The end of each of its fields in `text`.
    ends: &'c [u32],
}

impl<'c> Record<'c> {
    /// The number of fields.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// A field.
    pub(crate) fn get(&self, i: usize) -> Option<&'c str> {
        let end = *self.ends.get(i)? as usize;
        let start = if i == 0 { self.start } else { self.ends[i - 1] } as usize;
        self.text.get(start..end)
    }
}

impl Chunk {
    /// Parses records until the chunk is full, the file ends or a record is malformed.
    pub(crate) fn fill<R: Read>(&mut self, rdr: &mut ::csv::Reader<CrlfToLf<R>>) {
        self.len = 0;
        self.error = None;
        self.text.clear();
        self.ends.clear();
        self.records.clear();
        let rec = &mut self.scratch;
        // Lines are at most MAX_LINE_BYTES long: the text stays below 4 GiB and its offsets
        // fit in 32 bits.
        while self.len < CHUNK_ROWS && self.text.len() < CHUNK_TEXT {
            match rdr.read_record(rec) {
                Ok(true) => {
                    if rec.len() == 1 && rec.get(0).is_some_and(|c| c.trim().is_empty()) {
                        continue; // a blank line
                    }
                    let line = rec.position().map_or(0, |p| p.line());
                    let first = self.ends.len() as u32;
                    for field in rec.iter() {
                        self.text.push_str(field);
                        self.ends.push(self.text.len() as u32);
                    }
                    self.records.push((first, line));
                    self.len += 1;
                }
                Ok(false) => {
                    self.done = true;
                    return;
                }
                Err(e) => {
                    let line =
                        too_long_line(&e).or_else(|| e.position().map(|p| p.line())).unwrap_or(0);
                    let io = matches!(e.kind(), ::csv::ErrorKind::Io(_));
                    self.error = Some((line, csv_error(&e), io));
                    self.done = io;
                    return;
                }
            }
        }
    }

    /// Hands every record to `f`, then reports the error that ended the chunk, if any.
    pub(crate) fn drain(
        &mut self,
        file: &str,
        st: &mut State,
        f: &mut impl FnMut(u64, &Record<'_>, &mut State),
    ) {
        for (k, &(first, line)) in self.records.iter().enumerate() {
            let last = self.records.get(k + 1).map_or(self.ends.len(), |r| r.0 as usize);
            let first = first as usize;
            let start = if first == 0 { 0 } else { self.ends[first - 1] };
            let rec = Record { text: &self.text, start, ends: &self.ends[first..last] };
            f(line, &rec, st);
        }
        if let Some((line, kind, io)) = self.error.take() {
            st.error(file, line, None, None, None, kind);
            st.incomplete |= io;
        }
    }
}

/// [`for_rows`], reporting the number of records read to `progress`. With `threads` ≥ 2 the
/// records are parsed on a second thread while `f` runs on the calling one (a pipeline of
/// chunks), so parsing the CSV and computing overlap; `f` sees the same rows in the same order
/// either way, and everything `f` allocates is allocated on the calling thread.
pub(crate) fn for_rows_with<R: Read + Send>(
    file: &str,
    rdr: ::csv::Reader<CrlfToLf<R>>,
    st: &mut State,
    threads: usize,
    progress: ProgressFn<'_>,
    mut f: impl FnMut(u64, &Record<'_>, &mut State),
) {
    // WebAssembly in the browser has no threads: always one there (and no thread code in the
    // module).
    if threads < 2 || cfg!(target_family = "wasm") {
        return for_rows_counted(file, rdr, st, progress, f);
    }
    use std::sync::mpsc;
    // Four chunks circulate: the parser fills empty ones, the caller drains full ones.
    let (full_tx, full_rx) = mpsc::sync_channel::<Chunk>(CHUNKS);
    let (empty_tx, empty_rx) = mpsc::channel::<Chunk>();
    for _ in 0..CHUNKS {
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
