//! The readers of the input files, one per file, over a shared record reader
//! ([`record`]) and named columns ([`columns`]). They fill one [`Reading`].

pub(crate) mod actions;
pub(crate) mod activity;
pub(crate) mod columns;
pub(crate) mod crf;
pub(crate) mod factors;
pub(crate) mod ids;
pub(crate) mod inventories;
pub(crate) mod record;
pub(crate) mod supply;

use crate::batch::diag::State;
use crate::error::ErrorKind;
use crate::inventory::InventoryBuilder;
use factors::Overrides;
use inventories::Specs;

/// The longest text a field may hold: what a spreadsheet cell holds (Excel's limit), so every
/// text the outputs carry fits a workbook.
pub const MAX_TEXT_CHARS: usize = 32_767;

/// Checks a free-text field (an id, a city, a source, a plant): refused when it begins with a
/// character a spreadsheet reads as a formula (`=`, `+`, `-`, `@`, tab, carriage return), so
/// that no output ever needs rewriting to be opened safely, or when it is longer than
/// [`MAX_TEXT_CHARS`].
pub(crate) fn check_text(value: &str) -> Result<(), ErrorKind> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        return Err(ErrorKind::FormulaText);
    }
    // Characters, not bytes: a cheap byte count first.
    if value.len() > MAX_TEXT_CHARS && value.chars().count() > MAX_TEXT_CHARS {
        return Err(ErrorKind::TextTooLong { limit: MAX_TEXT_CHARS });
    }
    Ok(())
}

/// What the readers build up, file after file: the inventories, the user's factors, one
/// builder per inventory (and one on its baseline's release when that differs), the rows
/// counted per inventory, and the diagnostics.
pub(crate) struct Reading<'c> {
    pub(crate) specs: Specs<'c>,
    pub(crate) overrides: Overrides,
    pub(crate) builders: Vec<Option<InventoryBuilder<'c>>>,
    /// For a monitoring inventory on another release than its baseline: the same rows on the
    /// baseline's release, to quantify the effect of the difference.
    pub(crate) alternates: Vec<Option<InventoryBuilder<'c>>>,
    pub(crate) rows: Vec<u64>,
    /// The actions of each inventory's plan (`actions.csv`), in input order.
    pub(crate) actions: Vec<Vec<crate::plan::Action>>,
    pub(crate) st: State,
}

impl<'c> Reading<'c> {
    /// The builders of every inventory read from `inventories.csv`, with the fuel parameters of
    /// `factors.csv` set.
    pub(crate) fn new(
        specs: Specs<'c>,
        overrides: Overrides,
        st: State,
        cell_detail: bool,
    ) -> Reading<'c> {
        let mut builders: Vec<Option<InventoryBuilder<'c>>> = specs
            .entries
            .iter()
            .map(|e| {
                e.release.map(|r| {
                    let mut b = InventoryBuilder::new(e.spec.clone(), r);
                    b.keep_cell_detail(cell_detail);
                    b
                })
            })
            .collect();
        let mut alternates: Vec<Option<InventoryBuilder<'c>>> = specs
            .entries
            .iter()
            .map(|e| {
                let own = e.release?;
                let base = specs
                    .by_id
                    .get(e.spec.baseline_id.as_deref()?)
                    .and_then(|&j| specs.entries[j].release)?;
                (base.id() != own.id()).then(|| {
                    let mut b = InventoryBuilder::new(e.spec.clone(), base);
                    b.keep_cell_detail(false);
                    b
                })
            })
            .collect();
        for (i, b) in builders.iter_mut().enumerate() {
            for o in overrides.fuel_for(i) {
                if let Some(b) = b {
                    b.set_fuel_override(o.clone());
                }
                if let Some(a) = &mut alternates[i] {
                    a.set_fuel_override(o);
                }
            }
        }
        let rows = vec![0u64; specs.entries.len()];
        let mut actions = Vec::new();
        actions.resize_with(specs.entries.len(), Vec::new);
        Reading { specs, overrides, builders, alternates, rows, actions, st }
    }
}
