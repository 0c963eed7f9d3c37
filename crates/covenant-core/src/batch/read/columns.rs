//! The columns of an input file: each file's columns as an enum ([`Column`], declared with
//! [`columns!`]), and their positions in a header ([`Columns`]).
//!
//! Headers are matched case-insensitively after trimming white space and a byte-order mark;
//! columns may come in any order. Empty columns at the end of a header (a spreadsheet's export
//! of formatted but empty columns) are ignored, and so are the empty fields under them.

use std::collections::HashMap;
use std::marker::PhantomData;

use crate::batch::diag::{MAX_LISTED, State};
use crate::batch::read::record::Record;
use crate::error::{ErrorKind, Warning};

/// The columns of one input file, in the order of [`Column::NAMES`]: the required ones first.
pub(crate) trait Column: Copy {
    /// Every column name, the required ones first.
    const NAMES: &'static [&'static str];
    /// How many of [`Self::NAMES`] are required.
    const REQUIRED: usize;
    /// The position of this column in [`Self::NAMES`].
    fn index(self) -> usize;
    /// The column's name in the header.
    fn name(self) -> &'static str {
        Self::NAMES[self.index()]
    }
}

/// Declares the columns of an input file as an enum implementing [`Column`].
macro_rules! columns {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            required { $( $(#[$rmeta:meta])* $r:ident = $rn:literal, )* }
            optional { $( $(#[$ometa:meta])* $o:ident = $on:literal, )* }
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $name {
            $( $(#[$rmeta])* $r, )*
            $( $(#[$ometa])* $o, )*
        }

        impl $crate::batch::read::columns::Column for $name {
            const NAMES: &'static [&'static str] = &[$($rn,)* $($on,)*];
            const REQUIRED: usize = [$($rn),*].len();
            fn index(self) -> usize {
                self as usize
            }
        }
    };
}
pub(crate) use columns;

/// Where the columns of `C` are in one file's header.
pub(crate) struct Columns<C> {
    /// The position of each column of `C` in the header, by [`Column::index`].
    pos: Vec<Option<usize>>,
    /// The number of fields of the header.
    width: usize,
    /// The number of fields up to the last named one (the rest are empty columns).
    named: usize,
    columns: PhantomData<C>,
}

impl<C: Column> Columns<C> {
    /// Reads a header: reports duplicate and missing columns (errors) and unknown ones
    /// (warnings, with the nearest known name). `None` when the file cannot be read by it.
    pub(crate) fn read(file: &str, header: &::csv::StringRecord, st: &mut State) -> Option<Self> {
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 { h.trim_start_matches('\u{feff}') } else { h };
                h.trim().to_ascii_lowercase()
            })
            .collect();
        let named = names.iter().rposition(|n| !n.is_empty()).map_or(0, |i| i + 1);
        let mut ok = true;
        // One pass with a map: a header of many thousands of columns costs linear time.
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(named);
        let mut unknown: Vec<&str> = Vec::new();
        let mut unnamed: Vec<usize> = Vec::new();
        for (i, n) in names[..named].iter().enumerate() {
            if n.is_empty() {
                unnamed.push(i + 1);
                continue;
            }
            match first.get(n.as_str()) {
                Some(&j) => {
                    let kind = ErrorKind::DuplicateColumn { first: j + 1, second: i + 1 };
                    st.error(file, 1, None, Some(n), None, kind);
                    ok = false;
                }
                None => {
                    first.insert(n, i);
                    if !C::NAMES.contains(&n.as_str()) {
                        unknown.push(n);
                    }
                }
            }
        }
        for n in unknown {
            if st.warnings.len() >= MAX_LISTED {
                st.suppressed_warnings += 1;
                continue;
            }
            let suggestion = crate::codes::nearest(n, C::NAMES.iter().copied());
            let w = Warning::UnknownColumn { name: n.to_string(), suggestion };
            st.warn(file, 1, None, Some(n), w);
        }
        if !unnamed.is_empty() {
            st.warn(file, 1, None, None, Warning::UnnamedColumns { columns: unnamed });
        }
        for r in &C::NAMES[..C::REQUIRED] {
            if !first.contains_key(r) {
                let required = C::NAMES[..C::REQUIRED].to_vec();
                st.error(file, 1, None, Some(r), None, ErrorKind::MissingColumn { required });
                ok = false;
            }
        }
        ok.then(|| Columns {
            pos: C::NAMES.iter().map(|w| first.get(w).copied()).collect(),
            width: names.len(),
            named,
            columns: PhantomData,
        })
    }

    /// The message for a row whose fields do not fit the header, if they do not: a row has as
    /// many fields as the header, or stops after the last named column; fields under the
    /// header's empty end columns must be empty.
    pub(crate) fn ragged(&self, rec: &Record<'_>) -> Option<ErrorKind> {
        let n = rec.len();
        if n == self.width {
            if self.named < self.width
                && let Some(k) =
                    (self.named..n).find(|&k| rec.get(k).is_some_and(|f| !f.trim().is_empty()))
            {
                return Some(ErrorKind::UnnamedValue { field: k + 1 });
            }
            return None;
        }
        if self.named < self.width && n >= self.named && n < self.width {
            return None;
        }
        Some(ErrorKind::RaggedRow { fields: n, width: self.width })
    }

    /// Whether the header has column `c`.
    pub(crate) fn has(&self, c: C) -> bool {
        self.pos[c.index()].is_some()
    }

    /// The trimmed field of column `c`, or "" when the file has no such column.
    #[inline]
    pub(crate) fn get<'r>(&self, rec: &Record<'r>, c: C) -> &'r str {
        self.pos[c.index()].and_then(|i| rec.get(i)).map_or("", crate::codes::trim_ascii_fast)
    }
}
