//! Codes and the text around them: the error for an unknown code with its nearest valid
//! neighbour, and the clipping and trimming of cell text. A leaf module: it depends on no other
//! module of the crate, so the taxonomy, the country table and the quantities can all use it.

use std::fmt;

/// A code that does not name any variant of a taxonomy enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCode {
    /// What kind of code was expected (`sector`, `carrier`, …).
    pub what: &'static str,
    /// The text that was given.
    pub given: String,
    /// The nearest valid code, when one is close enough to be a likely typo.
    pub suggestion: Option<&'static str>,
    /// Every valid code, in template order.
    pub valid: Vec<&'static str>,
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} code '{}'", self.what, clip(&self.given, 60))?;
        if let Some(s) = self.suggestion {
            write!(f, " (did you mean '{s}'?)")?;
        }
        write!(f, "; valid codes: {}", self.valid.join(", "))
    }
}

impl std::error::Error for UnknownCode {}

/// At most `max` characters of `s`, with a note of the full length when it was cut (so that
/// a message never repeats a megabyte of input).
pub fn clip(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some((cut, _)) => {
            std::borrow::Cow::Owned(format!("{}… ({} bytes in all)", &s[..cut], s.len()))
        }
    }
}

/// The valid code nearest to `given`, if it is close enough to be a plausible typo.
pub(crate) fn nearest<'a>(
    given: &str,
    valid: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    if given.len() > 64 {
        return None; // No code is that long; and edit distances on huge cells are slow.
    }
    let lower = given.to_ascii_lowercase();
    // A similarity score for a suggestion: never part of a result.
    #[allow(clippy::disallowed_types, reason = "strsim's scores are f64")]
    let mut best: Option<(&str, f64)> = None;
    for v in valid {
        let score = if v.eq_ignore_ascii_case(given) {
            1.0
        } else if v.contains(lower.as_str()) && lower.len() >= 3 {
            0.9
        } else {
            strsim::jaro_winkler(&lower, &v.to_ascii_lowercase())
        };
        if best.is_none_or(|(_, b)| score > b) {
            best = Some((v, score));
        }
    }
    best.filter(|(_, s)| *s >= 0.8).map(|(v, _)| v)
}

/// `str::trim` with a fast path for cells that have no surrounding white space.
pub(crate) fn trim_ascii_fast(s: &str) -> &str {
    match s.as_bytes() {
        [] => s,
        [first, .., last] | [first @ last]
            if first.is_ascii_graphic() && last.is_ascii_graphic() =>
        {
            s
        }
        _ => s.trim(),
    }
}

/// Why a decimal cell was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecimalSyntax {
    /// The cell is empty.
    Empty,
    /// Not a plain decimal (`12`, `12.5`, `-0.25`): exponents, thousands separators, decimal
    /// commas, `NaN` and `inf` are refused.
    NotADecimal,
    /// More digits than a 96-bit decimal holds (every value the engine writes reads back).
    TooLong,
}

impl DecimalSyntax {
    /// The stable code of the reason (a parameter of `invalid_number`).
    pub const fn code(self) -> &'static str {
        match self {
            DecimalSyntax::Empty => "empty",
            DecimalSyntax::NotADecimal => "not_a_decimal",
            DecimalSyntax::TooLong => "too_long",
        }
    }
}

impl fmt::Display for DecimalSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecimalSyntax::Empty => "the cell is empty",
            DecimalSyntax::NotADecimal => {
                "expected a plain decimal number with '.' as the decimal point and no thousands separators or exponent"
            }
            DecimalSyntax::TooLong => {
                "the number has too many digits (a decimal holds at most 28 decimal places and values below 7.9e28)"
            }
        })
    }
}
