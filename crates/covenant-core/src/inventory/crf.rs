//! CRF inventories in the builder: their rows are kept as entered and computed by
//! [`crate::gpc::compute`] when the inventory is finished.

use super::{ENGINE_VERSION, Inventory, InventoryBuilder};
use crate::error::{Error, ErrorKind, Input};
use crate::gpc::{self, CrfActivity};
use crate::quantity::{Emissions, Energy};
use crate::taxonomy::Framework;

impl InventoryBuilder<'_> {
    /// Adds a row of a CRF inventory (an error for a SECAP inventory).
    pub fn add_crf(&mut self, row: CrfActivity) -> Result<(), Error> {
        if self.spec.framework != Framework::Crf {
            return Err(Error::from(ErrorKind::WrongFramework { framework: "secap" })
                .in_input(Input::CrfActivity)
                .at_line(row.input_line));
        }
        self.crf.push(row);
        Ok(())
    }

    /// The number of CRF rows added.
    pub fn crf_rows(&self) -> usize {
        self.crf.len()
    }

    /// A CRF inventory: its rows computed; the eCRF total is its total.
    pub(super) fn finish_crf(self) -> Result<Inventory, Vec<Error>> {
        let spec = self.spec;
        let ctx = gpc::Context {
            release: self.release,
            country: spec.country,
            year: spec.year,
            approach: spec.approach,
            gwp: spec.gwp.as_deref(),
        };
        let crf = gpc::compute(&self.crf, ctx)?;
        let total = Emissions::from_tonnes(crf.totals.ecrf).map_err(|e| vec![e])?;
        let biogenic = (!crf.totals.biogenic.is_zero())
            .then(|| Emissions::from_tonnes(crf.totals.biogenic))
            .transpose()
            .map_err(|e| vec![e])?;
        let warnings = crf.warnings.clone();
        Ok(Inventory {
            release: self.release.id().to_string(),
            per_capita_t: spec.population.map(|p| total.per_capita(p)),
            spec,
            cells: Vec::new(),
            sectors: Vec::new(),
            carriers: Vec::new(),
            total_energy: Energy::ZERO,
            total_emissions: total,
            biogenic_co2_memo: biogenic,
            factors: Vec::new(),
            supply: None,
            warnings,
            engine_version: ENGINE_VERSION,
            crf: Some(Box::new(crf)),
        })
    }
}
