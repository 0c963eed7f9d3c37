//! Where every number came from: the provenance of a factor, the factor applied to a carrier,
//! and how a fuel quantity became energy. A leaf of the crate's module graph (it names factor
//! tags and countries, nothing that computes), so that the inventory and the local-supply
//! formulas can both use it.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::country::Country;
use crate::factors::{Tag, Variant};
use crate::quantity::{ActivityUnit, EmissionFactor, Energy};
use crate::taxonomy::Carrier;

/// Where a user override applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideScope {
    /// Every inventory of the batch.
    Batch,
    /// One inventory (wins over a batch-wide value).
    Inventory,
}

/// Which branch of the EFE formula applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EfeCase {
    /// `[(TCE − LPE − GEP) × NEEFE + CO2LPE + CO2GEP] / TCE`.
    General,
    /// `LPE + GEP > TCE`: `(CO2LPE + CO2GEP) / (LPE + GEP)`.
    NetExporter,
    /// No electricity consumption: the national factor.
    NoConsumption,
}

/// Where a factor came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Provenance {
    /// A shipped (or loaded) factor set.
    FactorSet {
        /// `name@revision` of the set.
        set: Arc<str>,
        /// The release that selected it.
        release: Arc<str>,
        /// Whether the set is an official Covenant of Mayors set.
        com: bool,
        /// The source id within the set.
        source_id: Arc<str>,
        /// The full citation.
        citation: Arc<str>,
        /// The evidence tag.
        tag: Tag,
        /// The record's note.
        note: Arc<str>,
        /// The country of a national factor.
        country: Option<Country>,
        /// The year of a time-series factor.
        year: Option<u16>,
    },
    /// A CO2-eq factor computed from per-gas factors with a chosen GWP set.
    PerGas {
        /// `name@revision` of the per-gas set.
        set: Arc<str>,
        /// The GWP set's code (`ar5` …: ASCII letters, digits and `_`, as gwp.csv requires).
        gwp: String,
        /// CO2, kg/TJ.
        co2_kg_per_tj: Decimal,
        /// Whether the CO2 is counted (not for sustainable biomass).
        co2_counted: bool,
        /// CH4, kg/TJ.
        ch4_kg_per_tj: Decimal,
        /// N2O, kg/TJ.
        n2o_kg_per_tj: Decimal,
        /// GWP of CH4.
        gwp_ch4: Decimal,
        /// GWP of N2O.
        gwp_n2o: Decimal,
    },
    /// A local factor computed from the inventory's supply rows (EFE or EFH).
    LocalFactor {
        /// `EFE` (electricity) or `EFH` (heat/cold).
        formula: &'static str,
        /// For EFE: which branch of the formula applied.
        case: Option<EfeCase>,
    },
    /// A factor given by the user.
    UserOverride {
        /// The user's source note.
        source: Option<String>,
        /// Batch-wide or for this inventory.
        scope: OverrideScope,
        /// The input line.
        line: Option<u64>,
    },
}

impl Provenance {
    /// A one-line description, as written in the `factor_source` column.
    pub fn short(&self) -> String {
        let mut s = String::new();
        self.write_short(&mut s);
        s
    }

    /// Appends [`Self::short`] to `out` (without allocating, for the CSV writer).
    pub fn write_short(&self, out: &mut String) {
        use std::fmt::Write as _;
        match self {
            Provenance::FactorSet { set, source_id, com, .. } => {
                out.push_str(set);
                out.push(' ');
                out.push_str(source_id);
                if !*com {
                    out.push_str(" (not a CoM factor)");
                }
            }
            Provenance::PerGas { set, gwp, .. } => {
                // GWP set codes are ASCII identifiers (checked when gwp.csv is read), so no
                // Unicode case table is needed (it would weigh 7 KB in the page's module).
                let _ = write!(out, "{set} with {} GWP", gwp.to_ascii_uppercase());
            }
            Provenance::LocalFactor { formula, case } => {
                out.push_str("local factor ");
                out.push_str(formula);
                if let Some(c) = case {
                    out.push_str(match c {
                        EfeCase::General => " (general case)",
                        EfeCase::NetExporter => " (net exporter)",
                        EfeCase::NoConsumption => " (no consumption)",
                    });
                }
            }
            Provenance::UserOverride { source: Some(s), .. } if !s.is_empty() => out.push_str(s),
            Provenance::UserOverride { line: Some(l), .. } => {
                let _ = write!(out, "user factor (factors.csv line {l})");
            }
            Provenance::UserOverride { .. } => out.push_str("user factor"),
        }
    }
}

/// A fuel quantity and how it became energy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conversion {
    /// The quantity given, summed over rows with the same unit.
    pub amount: Decimal,
    /// Its unit.
    pub unit: ActivityUnit,
    /// The fuel variant.
    #[serde(skip_serializing_if = "is_default_variant")]
    pub variant: Variant,
    /// The net calorific value used (GJ/t), for mass and volume units; its source is the
    /// release's fuel-property set.
    pub ncv_gj_per_t: Option<Decimal>,
    /// The density used (kg/L), for volume units; its source is the release's fuel-property set.
    pub density_kg_per_l: Option<Decimal>,
    /// The energy it gave.
    pub energy: Energy,
}

/// The factor applied to one carrier of an inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactorUsed {
    /// The carrier.
    pub carrier: Carrier,
    /// The fuel variant the factor is for.
    #[serde(skip_serializing_if = "is_default_variant")]
    pub variant: Variant,
    /// The value.
    pub factor: EmissionFactor,
    /// Where it came from.
    pub provenance: Provenance,
}

fn is_default_variant(v: &Variant) -> bool {
    *v == Variant::Default
}
