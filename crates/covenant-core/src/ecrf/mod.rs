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

pub mod convert;
pub mod layout;
pub mod model;

pub use layout::{DetailColumn, MetaField, ScopeLabel, Sheet, SummaryLine};
pub use model::{DetailRow, Entry, SummaryRow, Workbook};
