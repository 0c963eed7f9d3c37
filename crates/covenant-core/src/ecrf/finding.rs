//! Located diagnostics of an eCRF workbook: what the reader found in a sheet's cell, with a
//! stable code, a severity, parameters and an English message (the page translates the code,
//! `diag.<code>`; [`crate::error::kinds::diagnostics`] lists every code).

use std::fmt;

use serde::Serialize;

use super::layout::Sheet;
use crate::codes::clip;
use crate::error::Params;
use crate::error::kinds::Severity;

/// What was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// A sheet of the template is missing (`eCRF_1` or `eCRF_2`; without `eCRF_3` the workbook
    /// is not read at all).
    MissingSheet,
    /// A header of the template is missing (its column is not read).
    MissingHeader {
        /// The template's header text.
        header: &'static str,
    },
    /// A label or header that the template does not have: the row or column is not read.
    UnknownLabel {
        /// The text found.
        label: String,
        /// The nearest label of the template, when one is close.
        suggestion: Option<&'static str>,
    },
    /// A label spelled differently from the template's, read as the nearest one.
    LabelVariant {
        /// The text found.
        label: String,
        /// The template's label it was read as.
        read_as: &'static str,
    },
    /// A label given a second time: the later row or column is not read.
    DuplicateLabel {
        /// The template's label.
        label: &'static str,
        /// The cell of its first occurrence.
        first: String,
    },
    /// A number stored as text: read, but a spreadsheet does not compute with it.
    NumberAsText {
        /// The text of the cell.
        value: String,
    },
    /// Text that is not a number in a number column: not read.
    NotANumber {
        /// The text of the cell.
        value: String,
    },
    /// A number the engine's decimals cannot hold (beyond 28 digits after the point, or
    /// above 7.9 × 10^28): not read.
    NumberOutOfRange {
        /// The number as read.
        value: String,
    },
    /// A notation-key cell that holds no notation key: not read.
    UnknownNotationKey {
        /// The text of the cell.
        value: String,
        /// The nearest key, when one is close.
        suggestion: Option<&'static str>,
    },
    /// A notation key in `eCRF_2` without an explanation in column H (the GCoM requires one).
    KeyWithoutExplanation {
        /// The key.
        key: &'static str,
    },
    /// A scope cell of `eCRF_3` that is not a scope label.
    UnknownScope {
        /// The text of the cell.
        value: String,
    },
    /// A year cell that holds no year between 1900 and 2100 (nor "Please select").
    InvalidYear {
        /// The text of the cell.
        value: String,
    },
    /// A year that differs from the workbook's (`eCRF_2` A1, or the first year of `eCRF_3`).
    YearMismatch {
        /// The year of this cell.
        year: i32,
        /// The workbook's year.
        expected: i32,
    },
    /// An `eCRF_3` row whose sector, sub-sector, scope and GPC reference name no line of the
    /// CRF: its numbers are not read.
    UnplacedRow {
        /// The sector as written.
        sector: String,
        /// The sub-sector as written.
        subsector: String,
    },
    /// An `eCRF_3` row with an activity but neither an emission factor nor emissions: read as
    /// not estimated (`NE`), unless the gaps are filled from the factor release.
    ActivityWithoutFactor {
        /// The amount as read.
        amount: String,
        /// The unit as written.
        unit: String,
    },
    /// An activity without a factor in the workbook, computed with the factor release's.
    FactorFilled {
        /// The emissions added, t CO2-eq.
        tco2e: String,
        /// The factors' source.
        source: String,
    },
    /// An `eCRF_2` value that differs from what the `eCRF_3` rows add up to by more than the
    /// template's tolerance (0.5 %).
    SummaryMismatch {
        /// The `eCRF_2` row's label.
        line: &'static str,
        /// The value in the workbook (`None`: the cell has none).
        given: Option<String>,
        /// What the rows add up to.
        rows: String,
    },
    /// An `eCRF_3` row with a notation key other than `NE` and no explanation (in its
    /// "Emission factor - Description" or the comment of its `eCRF_2` row): read as `NE`.
    RowKeyWithoutExplanation {
        /// The key.
        key: &'static str,
    },
    /// What the engine found in the inventory derived from the workbook (a value it refuses, a
    /// row whose numbers disagree), with the engine's code and parameters, at the cell the
    /// value came from.
    Engine {
        /// The engine's code ([`crate::error::ErrorKind::code`],
        /// [`crate::error::Warning::code`]).
        code: &'static str,
        /// Whether it is an error.
        error: bool,
        /// The engine's parameters.
        params: Params,
        /// The engine's English message.
        message: String,
    },
}

impl FindingKind {
    /// Every code, in the order of the variants ([`FindingKind::Engine`] has the engine's).
    pub const CODES: &'static [&'static str] = &[
        "ecrf_missing_sheet",
        "ecrf_missing_header",
        "ecrf_unknown_label",
        "ecrf_label_variant",
        "ecrf_duplicate_label",
        "ecrf_number_as_text",
        "ecrf_not_a_number",
        "ecrf_number_out_of_range",
        "ecrf_unknown_notation_key",
        "ecrf_key_without_explanation",
        "ecrf_unknown_scope",
        "ecrf_invalid_year",
        "ecrf_year_mismatch",
        "ecrf_unplaced_row",
        "ecrf_activity_without_factor",
        "ecrf_factor_filled",
        "ecrf_summary_mismatch",
        "ecrf_row_key_without_explanation",
    ];

    /// The stable code.
    pub const fn code(&self) -> &'static str {
        use FindingKind::*;
        match self {
            MissingSheet => "ecrf_missing_sheet",
            MissingHeader { .. } => "ecrf_missing_header",
            UnknownLabel { .. } => "ecrf_unknown_label",
            LabelVariant { .. } => "ecrf_label_variant",
            DuplicateLabel { .. } => "ecrf_duplicate_label",
            NumberAsText { .. } => "ecrf_number_as_text",
            NotANumber { .. } => "ecrf_not_a_number",
            NumberOutOfRange { .. } => "ecrf_number_out_of_range",
            UnknownNotationKey { .. } => "ecrf_unknown_notation_key",
            KeyWithoutExplanation { .. } => "ecrf_key_without_explanation",
            UnknownScope { .. } => "ecrf_unknown_scope",
            InvalidYear { .. } => "ecrf_invalid_year",
            YearMismatch { .. } => "ecrf_year_mismatch",
            UnplacedRow { .. } => "ecrf_unplaced_row",
            ActivityWithoutFactor { .. } => "ecrf_activity_without_factor",
            FactorFilled { .. } => "ecrf_factor_filled",
            SummaryMismatch { .. } => "ecrf_summary_mismatch",
            RowKeyWithoutExplanation { .. } => "ecrf_row_key_without_explanation",
            Engine { code, .. } => code,
        }
    }

    /// Error (a value or a sheet could not be read) or warning (read, with a remark).
    pub const fn severity(&self) -> Severity {
        use FindingKind::*;
        match self {
            MissingSheet
            | NotANumber { .. }
            | NumberOutOfRange { .. }
            | UnknownNotationKey { .. }
            | UnknownScope { .. }
            | UnplacedRow { .. }
            | Engine { error: true, .. } => Severity::Error,
            MissingHeader { .. }
            | UnknownLabel { .. }
            | LabelVariant { .. }
            | DuplicateLabel { .. }
            | NumberAsText { .. }
            | KeyWithoutExplanation { .. }
            | InvalidYear { .. }
            | YearMismatch { .. }
            | ActivityWithoutFactor { .. }
            | FactorFilled { .. }
            | SummaryMismatch { .. }
            | RowKeyWithoutExplanation { .. }
            | Engine { error: false, .. } => Severity::Warning,
        }
    }

    fn params(&self, p: &mut Vec<(&'static str, String)>) {
        use FindingKind::*;
        let text = |s: &str| clip(s, 80).into_owned();
        match self {
            MissingSheet => {}
            MissingHeader { header } => p.push(("header", (*header).to_string())),
            UnknownLabel { label, suggestion } => {
                p.push(("label", text(label)));
                if let Some(s) = suggestion {
                    p.push(("suggestion", (*s).to_string()));
                }
            }
            LabelVariant { label, read_as } => {
                p.push(("label", text(label)));
                p.push(("read_as", (*read_as).to_string()));
            }
            DuplicateLabel { label, first } => {
                p.push(("label", (*label).to_string()));
                p.push(("first", first.clone()));
            }
            NumberAsText { value }
            | NotANumber { value }
            | NumberOutOfRange { value }
            | UnknownScope { value }
            | InvalidYear { value } => p.push(("value", text(value))),
            UnknownNotationKey { value, suggestion } => {
                p.push(("value", text(value)));
                if let Some(s) = suggestion {
                    p.push(("suggestion", (*s).to_string()));
                }
            }
            KeyWithoutExplanation { key } => p.push(("key", (*key).to_string())),
            YearMismatch { year, expected } => {
                p.push(("year", year.to_string()));
                p.push(("expected", expected.to_string()));
            }
            UnplacedRow { sector, subsector } => {
                p.push(("sector", text(sector)));
                p.push(("subsector", text(subsector)));
            }
            ActivityWithoutFactor { amount, unit } => {
                p.push(("amount", amount.clone()));
                p.push(("unit", text(unit)));
            }
            FactorFilled { tco2e, source } => {
                p.push(("tonnes", tco2e.clone()));
                p.push(("source", text(source)));
            }
            SummaryMismatch { line, given, rows } => {
                p.push(("line", (*line).to_string()));
                if let Some(g) = given {
                    p.push(("given", g.clone()));
                }
                p.push(("rows", rows.clone()));
            }
            RowKeyWithoutExplanation { key } => p.push(("key", (*key).to_string())),
            Engine { params, .. } => p.extend(params.0.iter().cloned()),
        }
    }
}

/// A located diagnostic of an eCRF workbook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What was found.
    pub kind: FindingKind,
    /// The sheet.
    pub sheet: Sheet,
    /// The cell, in A1 notation (`B7`, `AB12`).
    pub cell: String,
}

impl Finding {
    /// A finding at a cell (0-based row and column).
    pub fn at(kind: FindingKind, sheet: Sheet, row: u32, col: u16) -> Finding {
        Finding { kind, sheet, cell: super::layout::cell_name(row, col) }
    }

    /// The stable code.
    pub const fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// Error or warning.
    pub const fn severity(&self) -> Severity {
        self.kind.severity()
    }

    /// The parameters: `sheet` and `cell`, then the kind's own.
    pub fn params(&self) -> Params {
        let mut p = vec![("sheet", self.sheet.name().to_string()), ("cell", self.cell.clone())];
        self.kind.params(&mut p);
        Params(p)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FindingKind::*;
        let c = |s: &str| clip(s, 80).into_owned();
        match &self.kind {
            MissingSheet => write!(
                f,
                "the workbook has no sheet '{}': its values are not read",
                self.sheet.name()
            ),
            MissingHeader { header } => {
                write!(f, "no column is headed '{}': the column is not read", header.trim())
            }
            UnknownLabel { label, suggestion } => {
                write!(f, "'{}' is not a label of the eCRF template: not read", c(label))?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean '{}'?)", s.trim())?;
                }
                Ok(())
            }
            LabelVariant { label, read_as } => {
                write!(f, "'{}' is read as the template's '{}'", c(label), read_as.trim())
            }
            DuplicateLabel { label, first } => {
                write!(f, "'{}' was already given in {first}: this one is not read", label.trim())
            }
            NumberAsText { value } => write!(
                f,
                "the number '{}' is stored as text: it is read, but store it as a number so that the spreadsheet computes with it",
                c(value)
            ),
            NotANumber { value } => {
                write!(f, "'{}' is not a number (write numbers like 1234.5): not read", c(value))
            }
            NumberOutOfRange { value } => write!(
                f,
                "{} is beyond what an exact decimal holds (28 digits after the point, 7.9e28): not read",
                c(value)
            ),
            UnknownNotationKey { value, suggestion } => {
                write!(f, "'{}' is not a notation key (NO, NE, IE, C): not read", c(value))?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean '{s}'?)")?;
                }
                Ok(())
            }
            KeyWithoutExplanation { key } => write!(
                f,
                "the notation key {key} has no explanation in column H of its row (the GCoM requires one)"
            ),
            UnknownScope { value } => write!(
                f,
                "'{}' is not a scope (Direct emissions, Indirect emissions, Outside city boundary)",
                c(value)
            ),
            InvalidYear { value } => {
                write!(f, "'{}' is not a year between 1900 and 2100: not read", c(value))
            }
            YearMismatch { year, expected } => {
                write!(f, "the year {year} differs from the workbook's year {expected}")
            }
            UnplacedRow { sector, subsector } => write!(
                f,
                "no line of the CRF has the sector '{}' and the sub-sector '{}' with this scope and GPC reference: the row is not read (use the template's labels)",
                c(sector),
                c(subsector)
            ),
            ActivityWithoutFactor { amount, unit } => write!(
                f,
                "the activity {amount} {} has neither an emission factor nor emissions: it is read as not estimated (NE); `covenant ecrf import --fill-factors` computes it with the factor release's factors",
                c(unit)
            ),
            FactorFilled { tco2e, source } => write!(
                f,
                "no emission factor in the workbook: computed with the factor release's ({}), adding {tco2e} t CO2-eq",
                c(source)
            ),
            SummaryMismatch { line, given: Some(given), rows } => write!(
                f,
                "'{}' gives {given} t CO2-eq but its rows in eCRF_3 add up to {rows} (more than the template's tolerance of 0.5 % apart)",
                line.trim()
            ),
            SummaryMismatch { line, given: None, rows } => write!(
                f,
                "'{}' gives no value but its rows in eCRF_3 add up to {rows} t CO2-eq",
                line.trim()
            ),
            RowKeyWithoutExplanation { key } => write!(
                f,
                "the notation key {key} has no explanation (in the row's 'Emission factor - Description' or the comment of its eCRF_2 row; the GCoM requires one): the row is read as not estimated (NE)"
            ),
            Engine { message, .. } => f.write_str(message),
        }
    }
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Finding", 6)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("severity", &self.severity())?;
        st.serialize_field("sheet", self.sheet.name())?;
        st.serialize_field("cell", &self.cell)?;
        st.serialize_field("params", &self.params())?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

/// One finding of every kind, with and without its optional parameters (for the catalogue of
/// diagnostics and its test).
pub fn examples() -> Vec<Finding> {
    use FindingKind::*;
    let kinds = vec![
        MissingSheet,
        MissingHeader { header: "Scope" },
        UnknownLabel { label: "Residental buildings".into(), suggestion: Some("Residential") },
        UnknownLabel { label: "Trees".into(), suggestion: None },
        LabelVariant { label: "Residental buildings".into(), read_as: "Residential buildings" },
        DuplicateLabel { label: "Country", first: "B3".into() },
        NumberAsText { value: "9525342.6288944".into() },
        NotANumber { value: "n/a".into() },
        NumberOutOfRange { value: "1e300".into() },
        UnknownNotationKey { value: "NA".into(), suggestion: Some("NE") },
        UnknownNotationKey { value: "0".into(), suggestion: None },
        KeyWithoutExplanation { key: "NE" },
        UnknownScope { value: "Scope 4".into() },
        InvalidYear { value: "15".into() },
        YearMismatch { year: 2016, expected: 2015 },
        UnplacedRow { sector: "Stationary energy".into(), subsector: "Trees".into() },
        ActivityWithoutFactor { amount: "1200".into(), unit: "MWh".into() },
        FactorFilled { tco2e: "431.5".into(), source: "IPCC 2006".into() },
        SummaryMismatch {
            line: "Residential buildings",
            given: Some("100".into()),
            rows: "120".into(),
        },
        SummaryMismatch { line: "Residential buildings", given: None, rows: "120".into() },
        RowKeyWithoutExplanation { key: "NO" },
    ];
    // Every kind is listed: adding one without an example stops the build here.
    for k in &kinds {
        match k {
            MissingSheet
            | MissingHeader { .. }
            | UnknownLabel { .. }
            | LabelVariant { .. }
            | DuplicateLabel { .. }
            | NumberAsText { .. }
            | NotANumber { .. }
            | NumberOutOfRange { .. }
            | UnknownNotationKey { .. }
            | KeyWithoutExplanation { .. }
            | UnknownScope { .. }
            | InvalidYear { .. }
            | YearMismatch { .. }
            | UnplacedRow { .. }
            | ActivityWithoutFactor { .. }
            | FactorFilled { .. }
            | SummaryMismatch { .. }
            | RowKeyWithoutExplanation { .. }
            | Engine { .. } => {}
        }
    }
    kinds.into_iter().map(|k| Finding::at(k, Sheet::Summary, 3, 1)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_listed_once_and_match() {
        let ex = examples();
        let mut seen: Vec<&str> = ex.iter().map(Finding::code).collect();
        seen.dedup();
        assert_eq!(seen, FindingKind::CODES);
        for f in &ex {
            assert!(!f.to_string().is_empty());
            let p = f.params();
            assert_eq!(p.get("sheet"), Some("eCRF_2"));
            assert_eq!(p.get("cell"), Some("B4"));
        }
        let long =
            Finding::at(FindingKind::NotANumber { value: "x".repeat(40_000) }, Sheet::Detail, 1, 7);
        assert!(long.to_string().len() < 300);
        assert!(long.params().get("value").unwrap().len() < 200);
    }
}
