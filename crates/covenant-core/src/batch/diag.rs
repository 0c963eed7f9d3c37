//! Diagnostics of a batch: located input errors and warnings, collected with a cap.

use std::fmt;

use serde::Serialize;

/// A problem in the input, located as precisely as the input allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputError {
    /// The file, as named by the caller.
    pub file: String,
    /// The 1-based line (0 when the problem is with the file as a whole).
    pub line: u64,
    /// The inventory concerned, when known.
    pub inventory_id: Option<String>,
    /// The column concerned, when known.
    pub column: Option<String>,
    /// The offending value, when there is one.
    pub value: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
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

#[derive(Default)]
pub(crate) struct State {
    pub(crate) errors: Vec<InputError>,
    pub(crate) warnings: Vec<InputError>,
    pub(crate) suppressed_errors: u64,
    pub(crate) suppressed_warnings: u64,
    /// A file could not be read to its end: no inventory can be trusted.
    pub(crate) incomplete: bool,
    /// Indices of inventories with an error.
    pub(crate) rejected: Vec<bool>,
}

impl State {
    pub(crate) fn error(
        &mut self,
        file: &str,
        line: u64,
        inv: Option<(usize, &str)>,
        column: Option<&str>,
        value: Option<&str>,
        message: String,
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
        self.errors.push(InputError {
            file: file.into(),
            line,
            inventory_id: inv.map(|(_, id)| crate::codes::clip(id, 200).into_owned()),
            column: column.map(str::to_string),
            value: value.filter(|v| !v.is_empty()).map(|v| crate::codes::clip(v, 200).into_owned()),
            message,
        });
    }

    pub(crate) fn warn(
        &mut self,
        file: &str,
        line: u64,
        inventory_id: Option<&str>,
        message: String,
    ) {
        if self.warnings.len() >= MAX_LISTED {
            self.suppressed_warnings += 1;
            return;
        }
        self.warnings.push(InputError {
            file: file.into(),
            line,
            inventory_id: inventory_id.map(str::to_string),
            column: None,
            value: None,
            message,
        });
    }
}
