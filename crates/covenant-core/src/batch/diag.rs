//! Diagnostics of a batch: located errors and warnings, each with a stable code and its
//! parameters, collected with a cap.

use std::fmt;

use serde::Serialize;

use crate::codes::clip;
use crate::error::{Error, ErrorKind, Params, Terms, Warning};

/// An error or a warning of a batch, located as precisely as the input allows: the file, the
/// line, the inventory, the column and the value; a stable `code` with its `params` (what a
/// front end renders in its own language) and the English `message`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, as named by the caller (`None` for a batch-wide note such as a count of
    /// diagnostics not listed).
    pub file: Option<String>,
    /// The 1-based line, when the problem is on one.
    pub line: Option<u64>,
    /// The inventory concerned, when known.
    pub inventory_id: Option<String>,
    /// The column concerned, when known.
    pub column: Option<String>,
    /// The offending value, when there is one (at most 200 characters).
    pub value: Option<String>,
    /// What is wrong and what was expected, in English, in the terms of the batch format.
    pub message: String,
    /// The stable code ([`ErrorKind::code`], [`Warning::code`]).
    pub code: &'static str,
    /// The parameters of the code.
    pub params: Params,
    /// Whether it is only the consequence of another error (listed after the others).
    #[serde(skip)]
    pub(crate) consequence: bool,
}

/// The former name of [`Diagnostic`].
pub type InputError = Diagnostic;

impl fmt::Display for Diagnostic {
    /// `FILE:LINE: column 'c', value 'v': message` (the parts that are known).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: ")?,
            (Some(file), None) => write!(f, "{file}: ")?,
            (None, _) => {}
        }
        match (&self.column, &self.value) {
            (Some(c), Some(v)) => write!(f, "column '{c}', value '{v}': ")?,
            (Some(c), None) => write!(f, "column '{c}': ")?,
            _ => {}
        }
        f.write_str(&self.message)
    }
}

/// At most this many errors (and as many warnings) are listed; further ones are counted, so that
/// a huge malformed file cannot exhaust memory with messages.
pub const MAX_LISTED: usize = 10_000;

/// What the readers and the finishing step report into.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) errors: Vec<Diagnostic>,
    pub(crate) warnings: Vec<Diagnostic>,
    pub(crate) suppressed_errors: u64,
    pub(crate) suppressed_warnings: u64,
    /// A file could not be read to its end: no inventory can be trusted.
    pub(crate) incomplete: bool,
    /// Indices of inventories with an error.
    pub(crate) rejected: Vec<bool>,
}

/// The line of a diagnostic: 0 means none.
fn line_of(line: u64) -> Option<u64> {
    (line > 0).then_some(line)
}

impl State {
    /// Records an error at `file:line` (0: no line), rejecting the inventory `inv` (its index
    /// and id) if given.
    pub(crate) fn error(
        &mut self,
        file: &str,
        line: u64,
        inv: Option<(usize, &str)>,
        column: Option<&str>,
        value: Option<&str>,
        kind: ErrorKind,
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
        self.errors.push(Diagnostic {
            file: Some(file.into()),
            line: line_of(line),
            inventory_id: inv.map(|(_, id)| clip(id, 200).into_owned()),
            column: column.map(str::to_string),
            value: value.filter(|v| !v.is_empty()).map(|v| clip(v, 200).into_owned()),
            message: kind.message(Terms::Batch),
            code: kind.code(),
            params: kind.params(),
            consequence: kind.is_consequence(),
        });
    }

    /// Records an engine error of inventory `inv` in `file`, at the line and field it names.
    pub(crate) fn located(&mut self, file: &str, inv: Option<(usize, &str)>, e: Error) {
        let line = e.position().line.unwrap_or(0);
        let column = e.position().field;
        let value = e.value().map(str::to_string);
        self.error(file, line, inv, column, value.as_deref(), e.into_kind());
    }

    /// Records a warning at `file:line` (0: no line).
    pub(crate) fn warn(
        &mut self,
        file: &str,
        line: u64,
        inventory_id: Option<&str>,
        column: Option<&str>,
        w: Warning,
    ) {
        if self.warnings.len() >= MAX_LISTED {
            self.suppressed_warnings += 1;
            return;
        }
        self.warn_worded(file, line, inventory_id, column, Worded::new(&w));
    }

    /// [`Self::warn`] of a warning already worded (on another thread).
    pub(crate) fn warn_worded(
        &mut self,
        file: &str,
        line: u64,
        inventory_id: Option<&str>,
        column: Option<&str>,
        w: Worded,
    ) {
        if self.warnings.len() >= MAX_LISTED {
            self.suppressed_warnings += 1;
            return;
        }
        self.warnings.push(Diagnostic {
            file: Some(file.into()),
            line: line_of(line),
            inventory_id: inventory_id.map(|id| clip(id, 200).into_owned()),
            column: column.map(|c| clip(c, 200).into_owned()),
            value: None,
            message: w.message,
            code: w.code,
            params: w.params,
            consequence: false,
        });
    }
}

/// A warning as a [`Diagnostic`] words it (its message, code and parameters) and where it
/// points, so that many can be worded in parallel and then recorded in order.
pub(crate) struct Worded {
    /// [`Warning::location`].
    pub(crate) location: Option<(crate::error::Input, u64)>,
    /// [`Warning::column`].
    pub(crate) column: Option<&'static str>,
    message: String,
    code: &'static str,
    params: Params,
}

impl Worded {
    pub(crate) fn new(w: &Warning) -> Worded {
        Worded {
            location: w.location(),
            column: w.column(),
            message: w.message(),
            code: w.code(),
            params: w.params(),
        }
    }
}
