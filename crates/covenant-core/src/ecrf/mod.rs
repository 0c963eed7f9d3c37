//! The GCoM eCRF workbook: the Common Reporting Framework's three-sheet workbook that Global
//! Covenant of Mayors cities fill (`eCRF_1` metadata, `eCRF_2` summary, `eCRF_3` detail).
//!
//! The layout is the template as documented from CityCatalyst's copy of the eCRF template
//! (Open-Earth-Foundation/CityCatalyst `app/templates/ecrf_template.xlsx`, commit
//! 95c09464c0ac0d4d7c3599c76c3bc3e9011dfd3e) in `/work/shared/domain/templates.md` §3: every
//! label, header, merged range and fixed cell of [`layout`] is that section's, spelled as the
//! template spells it. The official blank workbook of the GCoM was not available.
//!
//! * [`layout`]: the template as data (sheet names, `MetaField`, `SummaryLine`,
//!   `DetailColumn`, `ScopeLabel`, the 67 template rows of `eCRF_3`).
//! * [`model`]: the workbook as typed values ([`Workbook`]), free of the engine.
//! * [`import`]: workbooks into CRF inventories (the derived batch input, computed and
//!   checked, every finding located in its workbook).
//! * [`convert`]: an engine [`Inventory`](crate::Inventory) as a [`Workbook`] (SECAP and CRF).
//! * [`finding`]: located diagnostics ([`Finding`]: a code, a severity, the sheet and cell, an
//!   English message), listed with the engine's in [`crate::error::kinds::diagnostics`].
//! * `write` (feature `xlsx`): [`write_workbook`], the workbook as the
//!   template lays it out.
//! * `read` (feature `ecrf-read`): [`read_workbook`], a tolerant reader
//!   with located findings.

pub mod convert;
pub mod finding;
pub mod import;
pub mod layout;
pub mod model;
#[cfg(feature = "ecrf-read")]
pub mod read;
#[cfg(all(test, feature = "xlsx", feature = "ecrf-read"))]
mod tests;
#[cfg(feature = "xlsx")]
pub mod write;

pub use finding::{Finding, FindingKind};
pub use layout::{DetailColumn, MetaField, ScopeLabel, Sheet, SummaryLine};
pub use model::{DetailRow, Entry, Positions, SummaryRow, Workbook};
#[cfg(feature = "ecrf-read")]
pub use read::{ReadError, read_located, read_workbook};
#[cfg(feature = "xlsx")]
pub use write::{WriteError, write_workbook};

/// The shortest decimal text that reads back as the same `f64` (Rust's `{}`: `0.1`, `8604`,
/// never an exponent): how a spreadsheet's number becomes an exact decimal, and how the
/// writer checks that a number it writes reads back the same.
#[cfg(any(feature = "xlsx", feature = "ecrf-read"))]
#[allow(clippy::disallowed_types, reason = "a spreadsheet stores every number as an f64")]
fn shortest_text(f: f64) -> String {
    format!("{f}")
}
