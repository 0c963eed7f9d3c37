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
/// but into a caller's text: the fields of many records back to back, each followed by one
/// separator byte, without a record with buffers of its own per row. The tests compare both on
/// arbitrary bytes.
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
    /// The fields of a record read by `csv_core`, back to back, and their ends, before they
    /// are checked and copied.
    scratch: Vec<u8>,
    scratch_ends: Vec<usize>,
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
            scratch: Vec::new(),
            scratch_ends: Vec::new(),
        }
    }

    /// Reads the next record with `csv_core`: its fields are appended to `text`, each followed
    /// by a separator byte, and their ends pushed to `ends`. Gives the line where the record
    /// starts, or `None` at the end of the input. A record that is not UTF-8 is consumed and
    /// reported (nothing appended); after an I/O error no record is read.
    pub(crate) fn read(
        &mut self,
        text: &mut String,
        ends: &mut Vec<u32>,
    ) -> Result<Option<u64>, (u64, ReadError)> {
        use csv_core::ReadRecordResult::*;
        let line = self.line;
        if self.done {
            return Ok(None);
        }
        self.scratch.clear();
        self.scratch_ends.clear();
        let mut field_ends = [0usize; 32];
        let mut out = 0;
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
            if self.scratch.len() < out + 256 {
                self.scratch.resize((out + 256).max(self.scratch.len() * 2), 0);
            }
            let (res, nin, nout, nend) = self.core.read_record(
                &self.buf[self.pos..self.filled],
                &mut self.scratch[out..],
                &mut field_ends,
            );
            self.started = true;
            self.pos += nin;
            self.line = self.core.line();
            // Field ends are relative to the record's start, over all the calls that read it.
            self.scratch_ends.extend_from_slice(&field_ends[..nend]);
            out += nout;
            match res {
                InputEmpty | OutputFull | OutputEndsFull => continue,
                Record => break,
                End => {
                    self.done = true;
                    return Ok(None);
                }
            }
        }
        let mut start = 0;
        for (i, &end) in self.scratch_ends.iter().enumerate() {
            if std::str::from_utf8(&self.scratch[start..end]).is_err() {
                return Err((line, ReadError::Utf8 { field: i }));
            }
            start = end;
        }
        let mut start = 0;
        for &end in &self.scratch_ends {
            // Checked above: UTF-8.
            text.push_str(std::str::from_utf8(&self.scratch[start..end]).unwrap_or(""));
            // The callers keep their text below 4 GiB (a chunk below 17 MiB).
            ends.push(text.len() as u32);
            text.push(',');
            start = end;
        }
        Ok(Some(line))
    }

    /// The fast path of reading: the whole lines in the buffer that are UTF-8 and have no
    /// quote, split at their commas as `csv_core` would split them, appended to `text` in the
    /// same form as [`Self::read`] (a record's line end is its last field's separator), with
    /// each record's first field, start and line pushed to `records`, up to `max` records.
    /// Records of one blank field are left out, as [`Chunk::fill`] leaves them out; an empty
    /// line ends the lines split here. Only after
    /// the first record: the byte-order mark is handled by `csv_core`; no CR is left by
    /// [`CrlfToLf`]. Gives the number of records added (none: the next line is for
    /// [`Self::read`]).
    fn read_lines(
        &mut self,
        text: &mut String,
        ends: &mut Vec<u32>,
        records: &mut Vec<(u32, u32, u64)>,
        max: usize,
    ) -> usize {
        if !self.started || self.done || max == 0 {
            return 0;
        }
        let rest = &self.buf[self.pos..self.filled];
        // An empty line next is for `csv_core`; the lines before the next one are split here
        // (cut first, so that a file of rows between empty lines costs no more than its size).
        if rest.first() == Some(&b'\n') {
            return 0;
        }
        let rest = match memchr::memmem::find(rest, b"\n\n") {
            Some(p) => &rest[..=p],
            None => rest,
        };
        let Some(last) = memchr::memrchr(b'\n', rest) else { return 0 };
        let mut lines = &rest[..=last];
        // Up to the line of the first quote, or of the first byte that is not UTF-8.
        if let Some(q) = memchr::memchr(b'"', lines) {
            let Some(nl) = memchr::memrchr(b'\n', &lines[..q]) else { return 0 };
            lines = &lines[..=nl];
        }
        let lines = match std::str::from_utf8(lines) {
            Ok(l) => l,
            Err(e) => {
                let Some(nl) = memchr::memrchr(b'\n', &lines[..e.valid_up_to()]) else {
                    return 0;
                };
                std::str::from_utf8(&lines[..=nl]).unwrap_or("")
            }
        };
        let base = text.len();
        text.push_str(lines);
        let (mut line, mut added, mut used) = (self.line, 0, lines.len());
        let (mut first, mut start) = (ends.len(), base);
        for (at, line_end) in Separators::new(&text.as_bytes()[base..]) {
            // The callers keep their text below 4 GiB (a chunk below 17 MiB).
            let at = base + at;
            ends.push(at as u32);
            if !line_end {
                continue;
            }
            if at == start {
                // An empty line: left to `csv_core`, which counts lines differently there.
                ends.truncate(first);
                used = start - base;
                break;
            }
            if ends.len() - first == 1 && blank(&text[start..at]) {
                ends.truncate(first);
            } else {
                records.push((first as u32, start as u32, line));
                added += 1;
            }
            line += 1;
            (first, start) = (ends.len(), at + 1);
            if added == max {
                used = at + 1 - base;
                break;
            }
        }
        text.truncate(base + used);
        self.pos += used;
        self.line = line;
        self.core.set_line(line);
        added
    }
}

/// The position of every comma and line feed of some bytes, in order, and whether it is a line
/// feed. Eight bytes at a time: the lines of a batch file have a separator every few bytes,
/// too dense for a search per separator.
struct Separators<'b> {
    bytes: &'b [u8],
    /// Where the current word starts.
    base: usize,
    /// The separators of the current word not yet given (the high bit of their bytes), and
    /// its line feeds.
    found: u64,
    feeds: u64,
}

impl<'b> Separators<'b> {
    fn new(bytes: &'b [u8]) -> Separators<'b> {
        let mut s = Separators { bytes, base: 0, found: 0, feeds: 0 };
        s.load();
        s
    }

    /// Finds the separators of the word at `base` (bytes past the end count as none).
    fn load(&mut self) {
        const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const COMMAS: u64 = u64::from_ne_bytes([b','; 8]);
        const LINE_FEEDS: u64 = u64::from_ne_bytes([b'\n'; 8]);
        // The high bit of each byte that is zero, and of no other (exact, unlike the shorter
        // test that may flag a byte after a zero one).
        let zeros = |v: u64| !((((v & LOW).wrapping_add(LOW)) | v) | LOW);
        let rest = self.bytes.get(self.base..).unwrap_or_default();
        let v = match rest.get(..8) {
            Some(w) => <[u8; 8]>::try_from(w).map_or(0, u64::from_le_bytes),
            None => {
                let mut word = [0u8; 8];
                word[..rest.len()].copy_from_slice(rest);
                u64::from_le_bytes(word)
            }
        };
        // Bytes past the end are zeros, neither a comma nor a line feed.
        self.feeds = zeros(v ^ LINE_FEEDS);
        self.found = zeros(v ^ COMMAS) | self.feeds;
    }
}

impl Iterator for Separators<'_> {
    type Item = (usize, bool);

    #[inline]
    fn next(&mut self) -> Option<(usize, bool)> {
        while self.found == 0 {
            self.base = self.base.saturating_add(8);
            if self.base >= self.bytes.len() {
                return None;
            }
            self.load();
        }
        let bit = self.found.trailing_zeros();
        self.found &= self.found.wrapping_sub(1);
        let at = self.base.saturating_add((bit >> 3) as usize);
        Some((at, (self.feeds >> bit) & 1 == 1))
    }
}

/// Whether a record's only field is blank (such records are skipped, as the `csv` crate's
/// users skipped them).
fn blank(field: &str) -> bool {
    field.trim().is_empty()
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
        let (mut text, mut ends) = (String::new(), Vec::new());
        match rdr.read(&mut text, &mut ends) {
            Ok(Some(_)) => {
                let mut header = ::csv::StringRecord::new();
                let mut start = 0;
                for &e in &ends {
                    header.push_field(text.get(start..e as usize).unwrap_or(""));
                    // After the field's separator.
                    start = e as usize + 1;
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
    mut f: impl FnMut(u64, &Record<'_>, &mut State),
) {
    for_rows_counted(file, rdr, &(), st, &mut |_| {}, |line, rec, (), st| f(line, rec, st));
}

/// [`for_rows`] on the calling thread, each record prepared by `prepare` before `f` sees it,
/// reporting the number of records read to `progress`.
pub(crate) fn for_rows_counted<R: Read, P: Prepare>(
    file: &str,
    mut rdr: Reader<R>,
    prepare: &P,
    st: &mut State,
    progress: ProgressFn<'_>,
    mut f: impl FnMut(u64, &Record<'_>, &P::Row, &mut State),
) {
    let mut count = Count::default();
    let mut chunk = Chunk::default();
    while !chunk.done {
        chunk.fill(&mut rdr);
        count.add(&chunk, progress);
        chunk.drain(file, prepare, st, &mut f);
    }
    progress(count.0);
}

/// What is done with each record before the caller sees it: the typed values of its fields,
/// say, which the thread that parses the file computes when the caller is behind, so that the
/// two share the work. `()` does nothing.
pub(crate) trait Prepare: Sized {
    /// What a record gives.
    type Row: Send;
    /// For a file with this header (an empty one for a file without).
    fn new(header: &::csv::StringRecord) -> Self;
    /// What a record gives.
    fn row(&self, rec: &Record<'_>) -> Self::Row;
}

impl Prepare for () {
    type Row = ();
    fn new(_: &::csv::StringRecord) {}
    fn row(&self, _: &Record<'_>) {}
}

/// Records read so far, reported every 65 536.
#[derive(Default)]
pub(crate) struct Count(u64);

impl Count {
    pub(crate) fn add<T>(&mut self, chunk: &Chunk<T>, progress: ProgressFn<'_>) {
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
pub(crate) struct Chunk<T = ()> {
    /// The fields of every record, one after the other, each followed by one separator byte.
    text: String,
    /// The end of every field in `text`.
    ends: Vec<u32>,
    /// For every record: the position in `ends` of its first field, where it starts in
    /// `text`, and its line.
    records: Vec<(u32, u32, u64)>,
    pub(crate) len: usize,
    /// A csv error after the records: its line, the error and whether reading stopped.
    pub(crate) error: Option<(u64, ErrorKind, bool)>,
    /// The file has been read to its end (or could not be read further).
    pub(crate) done: bool,
    /// What [`Prepare::row`] gave for every record, once they are prepared.
    prepared: Vec<T>,
    ready: bool,
}

impl<T> Default for Chunk<T> {
    fn default() -> Chunk<T> {
        Chunk {
            text: String::new(),
            ends: Vec::new(),
            records: Vec::new(),
            len: 0,
            error: None,
            done: false,
            prepared: Vec::new(),
            ready: false,
        }
    }
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
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&'c str> {
        let end = *self.ends.get(i)? as usize;
        // A field starts after the previous one's separator.
        let start = if i == 0 { self.start as usize } else { self.ends[i - 1] as usize + 1 };
        self.text.get(start..end)
    }
}

impl<T> Chunk<T> {
    /// The records, with their lines.
    fn records(&self) -> impl Iterator<Item = (u64, Record<'_>)> {
        self.records.iter().enumerate().map(|(k, &(first, start, line))| {
            let last = self.records.get(k + 1).map_or(self.ends.len(), |r| r.0 as usize);
            (line, Record { text: &self.text, start, ends: &self.ends[first as usize..last] })
        })
    }

    /// Prepares the records with `p`, unless they are.
    pub(crate) fn prepare<P: Prepare<Row = T>>(&mut self, p: &P) {
        if self.ready {
            return;
        }
        let mut prepared = std::mem::take(&mut self.prepared);
        prepared.clear();
        prepared.extend(self.records().map(|(_, rec)| p.row(&rec)));
        self.prepared = prepared;
        self.ready = true;
    }

    /// Parses records until the chunk is full, the file ends or a record is malformed.
    pub(crate) fn fill<R: Read>(&mut self, rdr: &mut Reader<R>) {
        self.ready = false;
        self.len = 0;
        self.error = None;
        self.ends.clear();
        self.records.clear();
        self.text.clear();
        // Lines are at most MAX_LINE_BYTES long: the text stays below 4 GiB and its offsets
        // fit in 32 bits.
        while self.len < CHUNK_ROWS && self.text.len() < CHUNK_TEXT {
            let added = rdr.read_lines(
                &mut self.text,
                &mut self.ends,
                &mut self.records,
                CHUNK_ROWS - self.len,
            );
            if added > 0 {
                self.len += added;
                continue;
            }
            let (first, start) = (self.ends.len(), self.text.len());
            match rdr.read(&mut self.text, &mut self.ends) {
                Ok(Some(line)) => {
                    let end = self.ends.last().map_or(start, |&e| e as usize);
                    if self.ends.len() - first == 1 && blank(&self.text[start..end]) {
                        self.ends.truncate(first);
                        self.text.truncate(start);
                        continue;
                    }
                    self.records.push((first as u32, start as u32, line));
                    self.len += 1;
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
    }

    /// Hands every record, prepared with `p` (unless it is already), to `f`, then reports the
    /// error that ended the chunk, if any.
    pub(crate) fn drain<P: Prepare<Row = T>>(
        &mut self,
        file: &str,
        p: &P,
        st: &mut State,
        f: &mut impl FnMut(u64, &Record<'_>, &T, &mut State),
    ) {
        self.prepare(p);
        for ((line, rec), prepared) in self.records().zip(&self.prepared) {
            f(line, &rec, prepared, st);
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
    mut f: impl FnMut(u64, &Record<'_>, &mut State),
) {
    pipeline::<R, (), ()>(rdr, threads, false, |ahead| {
        ahead.for_rows(file, st, progress, |line, rec, (), st| f(line, rec, st));
    });
}

/// Most chunks in circulation while the first ones wait to be drained (the caller reads the
/// other files first); surplus chunks handed back empty are then dropped, down to [`CHUNKS`].
/// With 32 the parser thread worked through more of the caller's first 30 ms, but the typical
/// 10,000-inventory batch took 111 MiB instead of 94 and no less time (9 interleaved runs).
const CHUNKS_AHEAD: usize = 8;

/// Runs `body` with a file whose records are parsed ahead: with `threads` ≥ 2 a second thread
/// starts parsing them at once (the header, then chunks of rows, up to [`CHUNKS_AHEAD`] before
/// `body` drains any), so that parsing overlaps what `body` does before it reads them (the
/// other input files) and what it does with them ([`Ahead::for_rows`]); that thread also
/// prepares the records ([`Prepare`]) of a chunk when others wait to be drained, and leaves
/// them to the caller otherwise. Without a second thread (one asked for, the system refusing
/// one, or WebAssembly) the records are read and prepared when `body` asks for them. Either
/// way `body` sees the same header, records, prepared values and errors.
pub(crate) fn parse_ahead<R: Read + Send, P: Prepare, T>(
    r: R,
    threads: usize,
    body: impl FnOnce(Ahead<R, P>) -> T,
) -> T {
    pipeline(Reader::new(r), threads, true, body)
}

/// [`parse_ahead`] from a reader, its header to read first or not.
fn pipeline<R: Read + Send, P: Prepare, T>(
    rdr: Reader<R>,
    threads: usize,
    header: bool,
    body: impl FnOnce(Ahead<R, P>) -> T,
) -> T {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Without a header to read, records are prepared as for an empty one.
    let prepare = (!header).then(|| P::new(&::csv::StringRecord::new()));
    // WebAssembly in the browser has no threads: always one there (and no thread code in the
    // module).
    if threads < 2 || cfg!(target_family = "wasm") {
        let source = Source::Here(Some(Box::new(rdr)));
        return body(Ahead { source, header, prepare, queued: Arc::default() });
    }
    use std::sync::mpsc;
    // The parser fills empty chunks, the caller drains full ones and hands them back.
    let (header_tx, header_rx) = mpsc::sync_channel::<Header>(1);
    let (full_tx, full_rx) = mpsc::sync_channel::<Chunk<P::Row>>(CHUNKS_AHEAD);
    let (empty_tx, empty_rx) = mpsc::channel::<Chunk<P::Row>>();
    // Full chunks sent and not yet received.
    let queued = Arc::new(AtomicUsize::new(0));
    let parser_queued = Arc::clone(&queued);
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
            let prepare = if header {
                let h = Header::read(&mut rdr);
                let Header::Read(record) = &h else {
                    let _ = header_tx.send(h);
                    return;
                };
                let prepare = P::new(record);
                if header_tx.send(h).is_err() {
                    return;
                }
                prepare
            } else {
                P::new(&::csv::StringRecord::new())
            };
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
                // The caller is behind: this thread prepares the chunk too.
                if parser_queued.load(Ordering::Relaxed) > 0 {
                    chunk.prepare(&prepare);
                }
                let done = chunk.done;
                parser_queued.fetch_add(1, Ordering::Relaxed);
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
        body(Ahead { source, header, prepare, queued })
    })
}

/// A file being read by [`parse_ahead`].
pub(crate) struct Ahead<R, P: Prepare = ()> {
    source: Source<R, P::Row>,
    /// Whether the header is still to be read.
    header: bool,
    /// What prepares the records here (once the header is read).
    prepare: Option<P>,
    /// Full chunks sent by the parser thread and not yet received.
    queued: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

/// Where the records of an [`Ahead`] come from.
enum Source<R, T> {
    /// Read on this thread (`None`: not reached, the reader is taken back when the system
    /// refuses the parser thread).
    Here(Option<Box<Reader<R>>>),
    /// Parsed by the parser thread (and prepared, some of them).
    Piped {
        header: std::sync::mpsc::Receiver<Header>,
        full: std::sync::mpsc::Receiver<Chunk<T>>,
        empty: std::sync::mpsc::Sender<Chunk<T>>,
    },
}

impl<R: Read, P: Prepare> Ahead<R, P> {
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
        if let Header::Read(record) = &h {
            self.prepare = Some(P::new(record));
        }
        h.report(file, st, required)
    }

    /// [`for_rows_counted`] over the records after the header.
    pub(crate) fn for_rows(
        self,
        file: &str,
        st: &mut State,
        progress: ProgressFn<'_>,
        mut f: impl FnMut(u64, &Record<'_>, &P::Row, &mut State),
    ) {
        let prepare = self.prepare.unwrap_or_else(|| P::new(&::csv::StringRecord::new()));
        let (full, empty) = match self.source {
            Source::Here(Some(rdr)) => {
                return for_rows_counted(file, *rdr, &prepare, st, progress, f);
            }
            Source::Here(None) => return progress(0),
            Source::Piped { full, empty, .. } => (full, empty),
        };
        let mut count = Count::default();
        for mut chunk in &full {
            self.queued.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            count.add(&chunk, progress);
            chunk.drain(file, &prepare, st, &mut f);
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
        let (mut text, mut ends) = (String::new(), Vec::new());
        loop {
            ends.clear();
            text.clear();
            text.push_str("abc");
            match rdr.read(&mut text, &mut ends) {
                Ok(Some(line)) => {
                    let mut start = 3;
                    let mut fields = Vec::new();
                    for &e in &ends {
                        fields.push(text[start..e as usize].to_string());
                        start = e as usize + 1;
                    }
                    assert_eq!(start, text.len());
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

    /// The records of chunks ([`Chunk::fill`], whole lines split without `csv_core` where
    /// they can be) and the errors that end them.
    fn with_chunks(bytes: &[u8]) -> Vec<Read> {
        let mut rdr = Reader::new(bytes);
        let mut chunk = Chunk::<()>::default();
        let mut out = Vec::new();
        while !chunk.done {
            chunk.fill(&mut rdr);
            for (line, rec) in chunk.records() {
                let fields = (0..rec.len()).map(|i| rec.get(i).unwrap().to_string()).collect();
                out.push(Ok((line, fields)));
            }
            if let Some((line, kind, _)) = chunk.error.take() {
                out.push(Err((line, kind)));
            }
        }
        out
    }

    /// Asserts that two readings are the same, showing the first difference (the inputs are
    /// long).
    fn same(got: &[Read], want: &[Read], bytes: &[u8]) {
        let clip = |r: &Read| format!("{r:?}").chars().take(300).collect::<String>();
        if let Some(k) = (0..got.len().max(want.len())).find(|&k| got.get(k) != want.get(k)) {
            let text: String = String::from_utf8_lossy(bytes).chars().take(300).collect();
            panic!(
                "record {k}: {} against {}, in {text:?}",
                got.get(k).map_or("none".into(), clip),
                want.get(k).map_or("none".into(), clip),
            );
        }
    }

    /// [`with_csv`] without the records of one blank field, which chunks leave out.
    fn with_csv_unblank(bytes: &[u8]) -> Vec<Read> {
        let blank = |r: &Read| matches!(r, Ok((_, f)) if f.len() == 1 && f[0].trim().is_empty());
        with_csv(bytes).into_iter().filter(|r| !blank(r)).collect()
    }

    /// The separators found eight bytes at a time are those of a byte-by-byte scan, at every
    /// length and alignment.
    #[test]
    fn separators_are_every_comma_and_line_feed() {
        let bytes: Vec<u8> =
            (0..300u32).map(|i| b"a,\n\x2c\x0a\x00\xff;b"[(i * 7 % 9) as usize]).collect();
        for start in 0..9 {
            for end in start..bytes.len() {
                let b = &bytes[start..end];
                let naive: Vec<(usize, bool)> = b
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c == b',' || **c == b'\n')
                    .map(|(i, c)| (i, *c == b'\n'))
                    .collect();
                assert_eq!(Separators::new(b).collect::<Vec<_>>(), naive, "{start}..{end}");
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
            same(&with_reader(&bytes), &with_csv(&bytes), &bytes);
            same(&with_chunks(&bytes), &with_csv_unblank(&bytes), &bytes);
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
        // Rows between empty lines (a CRLF file converted twice), over several buffers.
        let spaced: Vec<u8> =
            (0..30_000).flat_map(|i| format!("r{i},x\n\n").into_bytes()).collect();
        same(&with_chunks(&spaced), &with_csv_unblank(&spaced), &spaced);
        plain.extend(b"last,line");
        same(&with_reader(&plain), &with_csv(&plain), &plain);
        same(&with_chunks(&plain), &with_csv_unblank(&plain), &plain);
        let mut long = b"a,b\n".to_vec();
        long.extend(vec![b'x'; MAX_LINE_BYTES + 10]);
        long.extend(b"\nc,d\n");
        same(&with_reader(&long), &with_csv(&long), &long);
        same(&with_chunks(&long), &with_csv_unblank(&long), &long);
    }
}
