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

/// A reader that turns CRLF and lone CR line ends (classic Mac OS) into LF, so that the csv
/// reader's line numbers are right (it counts a CRLF record's start on the line before, and a CR
/// not at all) and the line-length limit sees every line.
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
                // A lone CR ends a line as well.
                buf[w] = if c == b'\r' { b'\n' } else { c };
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

/// Why a record could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The input could not be read further (reading stops).
    Io(std::io::Error),
    /// A field (0-based) is not UTF-8 (the record is skipped).
    Utf8 { field: usize },
}

impl ReadError {
    /// The error it stands for, and its line: that of the record for a field that is not
    /// UTF-8; none (0) for an I/O error, as the csv crate reports them, unless it is a line too
    /// long, which names its own.
    fn located(&self, line: u64) -> (u64, ErrorKind) {
        match self {
            ReadError::Utf8 { field } => (line, ErrorKind::NotUtf8 { field: field + 1 }),
            ReadError::Io(io) => match io.get_ref().and_then(|e| e.downcast_ref::<LineTooLong>()) {
                Some(LineTooLong(l)) => (*l, ErrorKind::LineTooLong { limit: MAX_LINE_BYTES }),
                None => (0, ErrorKind::Unreadable { message: io.to_string() }),
            },
        }
    }
}

/// A CSV reader over `csv_core`, reading records as the `csv` crate's reader does with
/// `has_headers(false)` and `flexible(true)` (the same parser, line numbers and UTF-8 errors),
/// but into a caller's buffer: the fields of many records back to back, without a record
/// with buffers of its own per row. The tests compare both on arbitrary bytes.
pub(crate) struct Reader<R> {
    core: csv_core::Reader,
    src: CrlfToLf<R>,
    buf: Box<[u8]>,
    pos: usize,
    filled: usize,
    /// The line where the next record starts.
    line: u64,
    /// No more records: the input ended or could not be read.
    done: bool,
    /// `csv_core` has read from the input (and skipped a byte-order mark at its start).
    started: bool,
}

impl<R: Read> Reader<R> {
    pub(crate) fn new(r: R) -> Reader<R> {
        Reader {
            core: csv_core::ReaderBuilder::new().build(),
            src: CrlfToLf::new(r),
            buf: vec![0; 1 << 16].into_boxed_slice(),
            pos: 0,
            filled: 0,
            line: 1,
            done: false,
            started: false,
        }
    }

    /// Reads the next record: its fields' bytes are appended to `text` from `used` on (`text`
    /// grows as needed; what lies beyond the record is unspecified) and their ends pushed to
    /// `ends`. Gives the line where the record starts and the end of its text, or `None` at
    /// the end of the input. A record that is not UTF-8 is consumed and reported; after an
    /// I/O error no record is read.
    pub(crate) fn read(
        &mut self,
        text: &mut Vec<u8>,
        used: usize,
        ends: &mut Vec<u32>,
    ) -> Result<Option<(u64, usize)>, (u64, ReadError)> {
        let line = self.line;
        let first_end = ends.len();
        if self.done {
            return Ok(None);
        }
        let mut out = used;
        if self.started
            && let Some(end) = self.simple_line(text, used, ends)
        {
            out = end;
        } else {
            self.read_with_core(text, &mut out, used, ends)?;
            if self.done {
                return Ok(None);
            }
        }
        let record = &text[used..out];
        if !record.is_ascii() {
            let mut start = used;
            for (i, &end) in ends[first_end..].iter().enumerate() {
                let end = end as usize;
                if std::str::from_utf8(&text[start..end]).is_err() {
                    ends.truncate(first_end);
                    return Err((line, ReadError::Utf8 { field: i }));
                }
                start = end;
            }
        }
        Ok(Some((line, out)))
    }

    /// The fast path of [`Self::read`]: a whole line in the buffer, not empty and without a
    /// quote, is split at its commas, as `csv_core` would split it (at the start of a record,
    /// after the first one: the byte-order mark is handled by `csv_core`; no CR is left by
    /// [`CrlfToLf`]). Gives the end of the record's text, or `None` (nothing read) for any
    /// other line.
    #[inline]
    fn simple_line(
        &mut self,
        text: &mut Vec<u8>,
        used: usize,
        ends: &mut Vec<u32>,
    ) -> Option<usize> {
        let rest = &self.buf[self.pos..self.filled];
        let nl = memchr::memchr(b'\n', rest)?;
        let line = &rest[..nl];
        if nl == 0 || memchr::memchr(b'"', line).is_some() {
            return None;
        }
        if text.len() < used + nl {
            text.resize((used + nl).max(text.len() * 2), 0);
        }
        let dst = &mut text[used..used + nl];
        let mut w = 0;
        for &b in line {
            if b == b',' {
                // The callers keep their text below 4 GiB (a chunk below 17 MiB).
                ends.push((used + w) as u32);
            } else {
                dst[w] = b;
                w += 1;
            }
        }
        ends.push((used + w) as u32);
        self.pos += nl + 1;
        self.line += 1;
        self.core.set_line(self.line);
        Some(used + w)
    }

    /// [`Self::read`] through `csv_core`: the record's text from `*out` on (`done` set at the
    /// end of the input).
    fn read_with_core(
        &mut self,
        text: &mut Vec<u8>,
        out: &mut usize,
        used: usize,
        ends: &mut Vec<u32>,
    ) -> Result<(), (u64, ReadError)> {
        use csv_core::ReadRecordResult::*;
        let line = self.line;
        let mut field_ends = [0usize; 32];
        loop {
            if self.pos == self.filled {
                match self.src.read(&mut self.buf) {
                    Ok(n) => (self.pos, self.filled) = (0, n),
                    Err(e) => {
                        self.done = true;
                        return Err((line, ReadError::Io(e)));
                    }
                }
            }
            if text.len() < *out + 256 {
                text.resize((*out + 256).max(text.len() * 2), 0);
            }
            let (res, nin, nout, nend) = self.core.read_record(
                &self.buf[self.pos..self.filled],
                &mut text[*out..],
                &mut field_ends,
            );
            self.started = true;
            self.pos += nin;
            self.line = self.core.line();
            // Field ends are relative to the record's start, over all the calls that read it.
            // The callers keep their text below 4 GiB (a chunk below 17 MiB).
            ends.extend(field_ends[..nend].iter().map(|&e| (used + e) as u32));
            *out += nout;
            match res {
                InputEmpty | OutputFull | OutputEndsFull => continue,
                Record => return Ok(()),
                End => {
                    self.done = true;
                    return Ok(());
                }
            }
        }
    }
}

/// A file's header record as read, before it is reported: the record, or why there is none.
pub(crate) enum Header {
    /// The header.
    Read(::csv::StringRecord),
    /// The file has no record.
    Empty,
    /// The first record could not be read: its line and why.
    Failed(u64, ReadError),
}

impl Header {
    /// Reads the first record of `rdr` as the header.
    fn read<R: Read>(rdr: &mut Reader<R>) -> Header {
        let (mut text, mut ends) = (Vec::new(), Vec::new());
        match rdr.read(&mut text, 0, &mut ends) {
            Ok(Some(_)) => {
                let mut header = ::csv::StringRecord::new();
                let mut start = 0;
                for &e in &ends {
                    // Checked by the reader: UTF-8.
                    header.push_field(std::str::from_utf8(&text[start..e as usize]).unwrap_or(""));
                    start = e as usize;
                }
                Header::Read(header)
            }
            Ok(None) => Header::Empty,
            Err((line, e)) => Header::Failed(line, e),
        }
    }

    /// The header, or `None` with the error reported (an empty file, an unreadable one).
    fn report(
        self,
        file: &str,
        st: &mut State,
        required: &[&'static str],
    ) -> Option<::csv::StringRecord> {
        match self {
            Header::Read(header) => Some(header),
            Header::Empty => {
                let required = required.to_vec();
                st.error(file, 1, None, None, None, ErrorKind::EmptyFile { required });
                None
            }
            Header::Failed(line, e) => {
                st.error(file, 1, None, None, None, e.located(line).1);
                None
            }
        }
    }
}

/// Reads the header record; reports an empty file.
pub(crate) fn open<R: Read>(
    file: &str,
    r: R,
    st: &mut State,
    required: &[&'static str],
) -> Option<(Reader<R>, ::csv::StringRecord)> {
    let mut rdr = Reader::new(r);
    Header::read(&mut rdr).report(file, st, required).map(|h| (rdr, h))
}

/// Calls `f` for every data row; row errors are reported and skipped.
pub(crate) fn for_rows<R: Read>(
    file: &str,
    rdr: Reader<R>,
    st: &mut State,
    f: impl FnMut(u64, &Record<'_>, &mut State),
) {
    for_rows_counted(file, rdr, st, &mut |_| {}, f);
}

/// [`for_rows`] on the calling thread, reporting the number of records read to `progress`.
pub(crate) fn for_rows_counted<R: Read>(
    file: &str,
    mut rdr: Reader<R>,
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

/// Rows are parsed in chunks of this many records: small enough that a chunk (about 300 KB of
/// a typical `activity.csv`) is still in the cache when it is drained, and that the chunks
/// parsed ahead take little memory (with 16,384 the heavy 10,000-inventory batch took 0.06 s
/// more CPU and 4,000 more page faults).
pub(crate) const CHUNK_ROWS: usize = 4096;

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
    pub(crate) fn fill<R: Read>(&mut self, rdr: &mut Reader<R>) {
        self.len = 0;
        self.error = None;
        self.ends.clear();
        self.records.clear();
        let mut text = std::mem::take(&mut self.text).into_bytes();
        let mut used = 0;
        // Lines are at most MAX_LINE_BYTES long: the text stays below 4 GiB and its offsets
        // fit in 32 bits.
        while self.len < CHUNK_ROWS && used < CHUNK_TEXT {
            let first = self.ends.len();
            match rdr.read(&mut text, used, &mut self.ends) {
                Ok(Some((line, end))) => {
                    let blank = self.ends.len() - first == 1
                        && std::str::from_utf8(&text[used..end]).is_ok_and(|f| f.trim().is_empty());
                    if blank {
                        self.ends.truncate(first);
                        continue;
                    }
                    self.records.push((first as u32, line));
                    self.len += 1;
                    used = end;
                }
                Ok(None) => {
                    self.done = true;
                    break;
                }
                Err((line, e)) => {
                    let io = matches!(e, ReadError::Io(_));
                    let (line, kind) = e.located(line);
                    self.error = Some((line, kind, io));
                    self.done = io;
                    break;
                }
            }
        }
        text.truncate(used);
        // Every record read is UTF-8 (checked by the reader).
        self.text = String::from_utf8(text)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
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
#[cfg(test)]
pub(crate) fn for_rows_with<R: Read + Send>(
    file: &str,
    rdr: Reader<R>,
    st: &mut State,
    threads: usize,
    progress: ProgressFn<'_>,
    f: impl FnMut(u64, &Record<'_>, &mut State),
) {
    pipeline(rdr, threads, false, |ahead| ahead.for_rows(file, st, progress, f));
}

/// Most chunks in circulation while the first ones wait to be drained (the caller reads the
/// other files first); surplus chunks handed back empty are then dropped, down to [`CHUNKS`].
const CHUNKS_AHEAD: usize = 8;

/// Runs `body` with a file whose records are parsed ahead: with `threads` ≥ 2 a second thread
/// starts parsing them at once (the header, then chunks of rows, up to [`CHUNKS_AHEAD`] before
/// `body` drains any), so that parsing overlaps what `body` does before it reads them (the
/// other input files) and what it does with them ([`Ahead::for_rows`]). Without a second
/// thread (one asked for, the system refusing one, or WebAssembly) the records are read when
/// `body` asks for them. Either way `body` sees the same header, records and errors.
pub(crate) fn parse_ahead<R: Read + Send, T>(
    r: R,
    threads: usize,
    body: impl FnOnce(Ahead<R>) -> T,
) -> T {
    pipeline(Reader::new(r), threads, true, body)
}

/// [`parse_ahead`] from a reader, its header to read first or not.
fn pipeline<R: Read + Send, T>(
    rdr: Reader<R>,
    threads: usize,
    header: bool,
    body: impl FnOnce(Ahead<R>) -> T,
) -> T {
    // WebAssembly in the browser has no threads: always one there (and no thread code in the
    // module).
    if threads < 2 || cfg!(target_family = "wasm") {
        return body(Ahead { source: Source::Here(Some(Box::new(rdr))), header });
    }
    use std::sync::mpsc;
    // The parser fills empty chunks, the caller drains full ones and hands them back.
    let (header_tx, header_rx) = mpsc::sync_channel::<Header>(1);
    let (full_tx, full_rx) = mpsc::sync_channel::<Chunk>(CHUNKS_AHEAD);
    let (empty_tx, empty_rx) = mpsc::channel::<Chunk>();
    // The reader waits here for the parser thread; if the system refuses a thread, it is taken
    // back and the rows are read on this one.
    let slot = std::sync::Mutex::new(Some(rdr));
    let take = |slot: &std::sync::Mutex<Option<_>>| {
        slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    };
    let slot_ref = &slot;
    std::thread::scope(|s| {
        let parser = std::thread::Builder::new().spawn_scoped(s, move || {
            let Some(mut rdr) = take(slot_ref) else { return };
            if header {
                let h = Header::read(&mut rdr);
                let read = matches!(h, Header::Read(_));
                if header_tx.send(h).is_err() || !read {
                    return;
                }
            }
            // Chunks made (a new one whenever none is free, up to CHUNKS_AHEAD) and not
            // dropped since.
            let (mut made, mut alive) = (0, 0);
            loop {
                let mut chunk = match empty_rx.try_recv() {
                    Ok(chunk) => chunk,
                    Err(mpsc::TryRecvError::Empty) if made < CHUNKS_AHEAD => {
                        made += 1;
                        alive += 1;
                        Chunk::default()
                    }
                    Err(mpsc::TryRecvError::Empty) => match empty_rx.recv() {
                        Ok(chunk) => chunk,
                        Err(_) => break,
                    },
                    Err(mpsc::TryRecvError::Disconnected) => break,
                };
                // Surplus chunks handed back while this one is filled are dropped.
                while alive > CHUNKS
                    && let Ok(surplus) = empty_rx.try_recv()
                {
                    drop(surplus);
                    alive -= 1;
                }
                chunk.fill(&mut rdr);
                let done = chunk.done;
                if full_tx.send(chunk).is_err() || done {
                    break;
                }
            }
        });
        let source = match parser {
            Ok(_) => Source::Piped { header: header_rx, full: full_rx, empty: empty_tx },
            Err(_) => Source::Here(take(&slot).map(Box::new)),
        };
        // `body` owns the receiving ends: when it returns (early or not) or panics, dropping
        // them ends the parser (its sends fail), so that the scope can finish instead of
        // waiting for it.
        body(Ahead { source, header })
    })
}

/// A file being read by [`parse_ahead`].
pub(crate) struct Ahead<R> {
    source: Source<R>,
    /// Whether the header is still to be read.
    header: bool,
}

/// Where the records of an [`Ahead`] come from.
enum Source<R> {
    /// Read on this thread (`None`: not reached, the reader is taken back when the system
    /// refuses the parser thread).
    Here(Option<Box<Reader<R>>>),
    /// Parsed by the parser thread.
    Piped {
        header: std::sync::mpsc::Receiver<Header>,
        full: std::sync::mpsc::Receiver<Chunk>,
        empty: std::sync::mpsc::Sender<Chunk>,
    },
}

impl<R: Read> Ahead<R> {
    /// Reads the header record, as [`open`] does: `None` when there is none (the error is
    /// reported; no rows are read then).
    pub(crate) fn open(
        &mut self,
        file: &str,
        st: &mut State,
        required: &[&'static str],
    ) -> Option<::csv::StringRecord> {
        debug_assert!(self.header, "the header is read once");
        self.header = false;
        let h = match &mut self.source {
            Source::Here(Some(rdr)) => Header::read(rdr),
            Source::Here(None) => Header::Empty,
            // No header: the parser thread panicked, which the scope passes on.
            Source::Piped { header, .. } => header.recv().unwrap_or(Header::Empty),
        };
        h.report(file, st, required)
    }

    /// [`for_rows_counted`] over the records after the header.
    pub(crate) fn for_rows(
        self,
        file: &str,
        st: &mut State,
        progress: ProgressFn<'_>,
        mut f: impl FnMut(u64, &Record<'_>, &mut State),
    ) {
        let (full, empty) = match self.source {
            Source::Here(Some(rdr)) => return for_rows_counted(file, *rdr, st, progress, f),
            Source::Here(None) => return progress(0),
            Source::Piped { full, empty, .. } => (full, empty),
        };
        let mut count = Count::default();
        for mut chunk in &full {
            count.add(&chunk, progress);
            chunk.drain(file, st, &mut f);
            // After the last chunk the parser no longer takes empty ones; full ones still
            // arrive until the channel is empty.
            let _ = empty.send(chunk);
        }
        progress(count.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read = Result<(u64, Vec<String>), (u64, ErrorKind)>;

    /// Every record (its line and fields) and error the `csv` crate's reader gives, as the
    /// batch readers used it (no headers, flexible), until the end or an I/O error.
    fn with_csv(bytes: &[u8]) -> Vec<Read> {
        let mut rdr = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(CrlfToLf::new(bytes));
        let mut rec = ::csv::StringRecord::new();
        let mut out = Vec::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => out.push(Ok((
                    rec.position().map_or(0, |p| p.line()),
                    rec.iter().map(str::to_string).collect(),
                ))),
                Ok(false) => return out,
                Err(e) => {
                    let io = match e.kind() {
                        ::csv::ErrorKind::Io(io) => Some(io),
                        _ => None,
                    };
                    let long =
                        io.and_then(|io| io.get_ref()?.downcast_ref::<LineTooLong>().map(|l| l.0));
                    out.push(Err(match (e.kind(), long) {
                        (_, Some(l)) => (l, ErrorKind::LineTooLong { limit: MAX_LINE_BYTES }),
                        (::csv::ErrorKind::Utf8 { err, pos }, _) => (
                            pos.as_ref().map_or(0, |p| p.line()),
                            ErrorKind::NotUtf8 { field: err.field() + 1 },
                        ),
                        (::csv::ErrorKind::Io(io), _) => {
                            (0, ErrorKind::Unreadable { message: io.to_string() })
                        }
                        (k, _) => panic!("unexpected csv error {k:?}"),
                    }));
                    if io.is_some() {
                        return out;
                    }
                }
            }
        }
    }

    fn with_reader(bytes: &[u8]) -> Vec<Read> {
        let mut rdr = Reader::new(bytes);
        let mut out = Vec::new();
        let (mut text, mut ends) = (Vec::new(), Vec::new());
        loop {
            ends.clear();
            match rdr.read(&mut text, 3, &mut ends) {
                Ok(Some((line, end))) => {
                    let mut start = 3;
                    let mut fields = Vec::new();
                    for &e in &ends {
                        fields.push(String::from_utf8(text[start..e as usize].to_vec()).unwrap());
                        start = e as usize;
                    }
                    assert_eq!(start, end);
                    out.push(Ok((line, fields)));
                }
                Ok(None) => return out,
                Err((line, e)) => {
                    let io = matches!(e, ReadError::Io(_));
                    out.push(Err(e.located(line)));
                    if io {
                        return out;
                    }
                }
            }
        }
    }

    /// The reader gives the records, lines and errors of the `csv` crate's reader, on bytes
    /// made of the characters that matter to CSV (quotes, separators, CR, LF, a BOM, bytes that
    /// are not UTF-8), records longer than the reader's buffer, and a line too long.
    #[test]
    fn reads_as_the_csv_crate_reads() {
        let alphabet: &[&[u8]] = &[
            b"a",
            b"bc",
            b",",
            b",",
            b"\"",
            b"\r",
            b"\n",
            b"\n",
            b" ",
            b"\xff",
            b"\xc3\xa9",
            b"\xc3",
            b"\xef\xbb\xbf",
            b"\"\"",
            b"x,y\n",
        ];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for case in 0..20_000 {
            let mut bytes = Vec::new();
            if case % 7 == 0 {
                bytes.extend(b"\xef\xbb\xbf");
            }
            let n = next() % 60;
            for _ in 0..n {
                bytes.extend(alphabet[(next() % alphabet.len() as u64) as usize]);
            }
            if case % 1000 == 0 {
                // Records over several buffers of the reader.
                bytes.extend(b"long,".repeat(30_000));
                bytes.extend(b"\n\"quoted\nfield\",z\n");
            }
            assert_eq!(
                with_reader(&bytes),
                with_csv(&bytes),
                "{:?}",
                String::from_utf8_lossy(&bytes)
            );
        }
        // Many plain lines (split without the csv parser), among them one of 40 fields, one
        // not UTF-8 and blank ones, then a quoted field and a last line without a line end.
        let mut plain = b"h1,h2\n".to_vec();
        for i in 0..5000 {
            plain.extend(format!("id-{i},sector,{},12.5,MWh\n", i % 7).as_bytes());
            match i % 997 {
                1 => plain.extend(b",".repeat(39)),
                2 => plain.extend(b"a,\xff,b"),
                3 => plain.extend(b"\n \n"),
                4 => plain.extend(b"x,\"a,b\",c"),
                _ => continue,
            }
            plain.push(b'\n');
        }
        plain.extend(b"last,line");
        assert_eq!(with_reader(&plain), with_csv(&plain));
        let mut long = b"a,b\n".to_vec();
        long.extend(vec![b'x'; MAX_LINE_BYTES + 10]);
        long.extend(b"\nc,d\n");
        assert_eq!(with_reader(&long), with_csv(&long));
    }
}
