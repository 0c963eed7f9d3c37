//! Releases: one revision of every data set under one id, and the factor lookup rules.

use std::sync::Arc;

use crate::country::Country;
use crate::error::MissingReason;
use crate::taxonomy::{Approach, Carrier, GasBasis};

use super::gases::{GasSet, Gwp};
use super::properties::PropertySet;
use super::set::{FactorRecord, FactorSet, SetId, Variant};

/// A release: one revision of every data set, under one id (`com-2024.1`).
#[derive(Clone, Debug)]
pub struct Release {
    pub(super) id: Arc<str>,
    pub(super) date: String,
    pub(super) description: String,
    // Shared between releases that pin the same revision (parsed once).
    pub(super) fuels: Arc<FactorSet>,
    pub(super) electricity: Arc<FactorSet>,
    pub(super) partner_grid: Arc<FactorSet>,
    pub(super) properties_id: SetId,
    pub(super) properties: PropertySet,
    pub(super) gwp_id: SetId,
    pub(super) gwp: Vec<Gwp>,
    pub(super) per_gas: Option<GasSet>,
}

impl Release {
    /// The release id, as used in the `factor_set` column.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The release id as shared text.
    pub fn id_text(&self) -> &Arc<str> {
        &self.id
    }

    /// The release date (ISO 8601).
    pub fn date(&self) -> &str {
        &self.date
    }

    /// What the release contains.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The CoM per-fuel factor set.
    pub fn fuels(&self) -> &FactorSet {
        &self.fuels
    }

    /// The CoM national electricity factor set.
    pub fn electricity(&self) -> &FactorSet {
        &self.electricity
    }

    /// The non-CoM grid factors for partner countries outside the CoM national set.
    pub fn partner_grid(&self) -> &FactorSet {
        &self.partner_grid
    }

    /// Every emission-factor set of the release.
    pub fn factor_sets(&self) -> [&FactorSet; 3] {
        [&self.fuels, &self.electricity, &self.partner_grid]
    }

    /// Net calorific values and densities.
    pub fn properties(&self) -> &PropertySet {
        &self.properties
    }

    /// The id of the fuel-property set.
    pub fn properties_id(&self) -> &SetId {
        &self.properties_id
    }

    /// The GWP sets.
    pub fn gwp(&self) -> &[Gwp] {
        &self.gwp
    }

    /// The per-gas factor set, if the release has one.
    pub fn per_gas(&self) -> Option<&GasSet> {
        self.per_gas.as_ref()
    }

    /// The id of the GWP data set.
    pub fn gwp_id(&self) -> &SetId {
        &self.gwp_id
    }

    /// The factor for a carrier and where it came from, or `None`.
    ///
    /// Electricity uses the CoM national set when it covers the country at all, and the non-CoM
    /// partner grid set only for countries the national set does not cover.
    pub fn factor(
        &self,
        carrier: Carrier,
        country: Country,
        year: u16,
        approach: Approach,
        gases: GasBasis,
    ) -> Option<(&FactorSet, &FactorRecord)> {
        let sets: &[&FactorSet] = if carrier == Carrier::Electricity {
            if self.electricity.covers(carrier, country) {
                &[&self.electricity]
            } else {
                &[&self.partner_grid]
            }
        } else {
            &[&self.fuels]
        };
        sets.iter().find_map(|s| s.lookup(carrier, country, year, approach, gases).map(|r| (*s, r)))
    }

    /// [`Self::factor`] for a fuel variant (non-sustainable biomass).
    pub fn factor_variant(
        &self,
        carrier: Carrier,
        country: Country,
        year: u16,
        approach: Approach,
        gases: GasBasis,
        variant: Variant,
    ) -> Option<(&FactorSet, &FactorRecord)> {
        match variant {
            Variant::Default => self.factor(carrier, country, year, approach, gases),
            Variant::NonSustainable => self
                .fuels
                .lookup_variant(carrier, country, year, approach, gases, variant)
                .map(|r| (&*self.fuels, r)),
        }
    }

    /// Why no factor was found (for the default variant of a carrier).
    pub fn missing_reason(
        &self,
        carrier: Carrier,
        country: Country,
        approach: Approach,
        gases: GasBasis,
    ) -> MissingReason {
        match carrier {
            Carrier::Electricity => {
                let set = if self.electricity.covers(carrier, country) {
                    &self.electricity
                } else {
                    &self.partner_grid
                };
                match set.year_range(carrier, country, approach, gases) {
                    Some((first, last)) => {
                        MissingReason::YearsOutside { set: set.id().to_string(), first, last }
                    }
                    None if set.covers(carrier, country) => {
                        MissingReason::NoSeries { set: set.id().to_string() }
                    }
                    None => MissingReason::NoCountry {
                        national: (
                            self.electricity.id().to_string(),
                            self.electricity.country_count(carrier),
                        ),
                        partner: (
                            self.partner_grid.id().to_string(),
                            self.partner_grid.country_count(carrier),
                        ),
                    },
                }
            }
            Carrier::HeatCold => MissingReason::DistrictHeat,
            Carrier::OtherFossil => MissingReason::OtherFossil,
            _ if approach == Approach::Lca => MissingReason::NoLcaFuel,
            _ => MissingReason::NotInSet { set: self.fuels.id().to_string() },
        }
    }
}
