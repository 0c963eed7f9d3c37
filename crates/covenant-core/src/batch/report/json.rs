//! The JSON report: the same results as the CSV files, with full provenance.

use serde::Serialize;

use crate::batch::diag::InputError;
use crate::batch::{BatchInventory, BatchOutput, FORMAT_VERSION};

/// The JSON document of a batch: the same results as the CSV files, with full provenance.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    /// The batch format version.
    pub format_version: &'static str,
    /// The engine version.
    pub engine_version: &'static str,
    /// Every computed inventory.
    pub inventories: &'a [BatchInventory],
    /// Every input error.
    pub errors: &'a [InputError],
    /// Every warning.
    pub warnings: &'a [InputError],
}

impl<'a> JsonReport<'a> {
    /// The report of a batch output.
    pub fn new(out: &'a BatchOutput) -> JsonReport<'a> {
        JsonReport {
            format_version: FORMAT_VERSION,
            engine_version: crate::inventory::ENGINE_VERSION,
            inventories: &out.inventories,
            errors: &out.errors,
            warnings: &out.warnings,
        }
    }
}
