//! The SECAP taxonomy: sectors, energy carriers and the inventory options, as closed enums
//! with the stable codes of the batch format (`docs/batch-format.md` in the repository).
//!
//! Every enum here has the same string form in CSV, JSON, factor files and `Display`/`FromStr`,
//! and an `ALL` list in template order.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::codes::nearest;
pub use crate::codes::{UnknownCode, clip};

macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant, )+
        }

        impl $name {
            /// Every variant, in template order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code used in CSV, JSON and factor files.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The English label of the SECAP template.
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The position of this variant in [`Self::ALL`].
            pub const fn index(self) -> usize {
                self as usize
            }

            /// Parses a code exactly (after trimming surrounding white space).
            pub fn parse_code(s: &str) -> Result<Self, UnknownCode> {
                let t = crate::codes::trim_ascii_fast(s);
                match t {
                    $($code => Ok($name::$variant),)+
                    _ => Err(UnknownCode {
                        what: $what,
                        given: t.to_string(),
                        suggestion: nearest(t, Self::ALL.iter().map(|v| v.code())),
                        valid: Self::ALL.iter().map(|v| v.code()).collect(),
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }

        impl FromStr for $name {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse_code(s)
            }
        }
    };
}

code_enum! {
    /// A row of the SECAP template's energy and emission tables (Tables A and B).
    Sector, "sector" {
        /// Municipal buildings, equipment/facilities (key sector).
        MunicipalBuildings = "municipal_buildings", "Municipal buildings, equipment/facilities";
        /// Tertiary (non-municipal) buildings, equipment/facilities (key sector).
        TertiaryBuildings = "tertiary_buildings", "Tertiary (non-municipal) buildings, equipment/facilities";
        /// Residential buildings (key sector).
        ResidentialBuildings = "residential_buildings", "Residential buildings";
        /// Municipal public lighting (part of the municipal key sector).
        PublicLighting = "public_lighting", "Public lighting";
        /// Industry not in the EU ETS (optional).
        IndustryNonEts = "industry_non_ets", "Industry (not in the EU ETS)";
        /// Industry in the EU ETS (optional; not recommended).
        IndustryEts = "industry_ets", "Industry (in the EU ETS; not recommended)";
        /// Municipal fleet (key sector).
        MunicipalFleet = "municipal_fleet", "Municipal fleet";
        /// Public transport (key sector).
        PublicTransport = "public_transport", "Public transport";
        /// Private and commercial transport (key sector).
        PrivateTransport = "private_transport", "Private and commercial transport";
        /// Buildings, equipment/facilities not allocated (SECAP 2016+).
        BuildingsNotAllocated = "buildings_not_allocated", "Buildings, equipment/facilities not allocated";
        /// Transport not allocated (SECAP 2016+).
        TransportNotAllocated = "transport_not_allocated", "Transport not allocated";
        /// Agriculture, forestry, fisheries (optional).
        Agriculture = "agriculture", "Agriculture, forestry, fisheries";
        /// Other energy use not allocated (SECAP 2016+).
        OtherNotAllocated = "other_not_allocated", "Other energy use not allocated";
        /// Waste management (non-energy).
        Waste = "waste", "Waste management";
        /// Wastewater management (non-energy).
        Wastewater = "wastewater", "Wastewater management";
        /// Other non-energy emissions.
        OtherNonEnergy = "other_non_energy", "Other non-energy emissions";
    }
}

/// The group a sector belongs to in the template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectorGroup {
    /// Buildings, equipment/facilities and industries.
    Buildings,
    /// Transport.
    Transport,
    /// Other energy use.
    OtherEnergy,
    /// Non-energy emissions (entered directly in t).
    NonEnergy,
}

impl Sector {
    /// The template group of this sector.
    pub const fn group(self) -> SectorGroup {
        use Sector::*;
        match self {
            MunicipalBuildings
            | TertiaryBuildings
            | ResidentialBuildings
            | PublicLighting
            | IndustryNonEts
            | IndustryEts
            | BuildingsNotAllocated => SectorGroup::Buildings,
            MunicipalFleet | PublicTransport | PrivateTransport | TransportNotAllocated => {
                SectorGroup::Transport
            }
            Agriculture | OtherNotAllocated => SectorGroup::OtherEnergy,
            Waste | Wastewater | OtherNonEnergy => SectorGroup::NonEnergy,
        }
    }

    /// Energy sectors take activity in energy (or fuel) units and need a carrier.
    pub const fn is_energy(self) -> bool {
        !matches!(self.group(), SectorGroup::NonEnergy)
    }

    /// Key (mandatory) sectors of a CoM inventory: municipal, tertiary and residential buildings
    /// (public lighting counts as municipal) and the three transport rows.
    pub const fn is_key(self) -> bool {
        use Sector::*;
        matches!(
            self,
            MunicipalBuildings
                | TertiaryBuildings
                | ResidentialBuildings
                | PublicLighting
                | MunicipalFleet
                | PublicTransport
                | PrivateTransport
        )
    }

    /// Whether the JRC accepts this sector with the carrier (transport cannot use heat/cold,
    /// solar thermal or geothermal).
    pub const fn accepts(self, carrier: Carrier) -> bool {
        !(matches!(self.group(), SectorGroup::Transport)
            && matches!(carrier, Carrier::HeatCold | Carrier::SolarThermal | Carrier::Geothermal))
    }
}

code_enum! {
    /// A column of the SECAP template's energy and emission tables.
    Carrier, "carrier" {
        /// Electricity.
        Electricity = "electricity", "Electricity";
        /// Heat/cold (district heating and cooling).
        HeatCold = "heat_cold", "Heat/cold";
        /// Natural gas.
        NaturalGas = "natural_gas", "Natural gas";
        /// Liquid gas (LPG).
        LiquidGas = "liquid_gas", "Liquid gas";
        /// Heating oil.
        HeatingOil = "heating_oil", "Heating oil";
        /// Diesel.
        Diesel = "diesel", "Diesel";
        /// Gasoline.
        Gasoline = "gasoline", "Gasoline";
        /// Lignite.
        Lignite = "lignite", "Lignite";
        /// Coal.
        Coal = "coal", "Coal";
        /// Other fossil fuels.
        OtherFossil = "other_fossil", "Other fossil fuels";
        /// Plant oil.
        PlantOil = "plant_oil", "Plant oil";
        /// Biofuel.
        Biofuel = "biofuel", "Biofuel";
        /// Other biomass.
        OtherBiomass = "other_biomass", "Other biomass";
        /// Solar thermal.
        SolarThermal = "solar_thermal", "Solar thermal";
        /// Geothermal.
        Geothermal = "geothermal", "Geothermal";
        /// Biogas (SECAP 2016+).
        Biogas = "biogas", "Biogas";
    }
}

impl Carrier {
    /// Biomass and biofuels, whose CO2 is biogenic (and counted only when not sustainable).
    pub const fn is_biomass(self) -> bool {
        matches!(
            self,
            Carrier::PlantOil | Carrier::Biofuel | Carrier::OtherBiomass | Carrier::Biogas
        )
    }

    /// Whether the carrier is a fuel, so that quantities in mass or volume can be converted with
    /// its net calorific value and density.
    pub const fn is_fuel(self) -> bool {
        !matches!(
            self,
            Carrier::Electricity | Carrier::HeatCold | Carrier::SolarThermal | Carrier::Geothermal
        )
    }
}

code_enum! {
    /// The reporting framework of an inventory.
    Framework, "framework" {
        /// The EU Covenant of Mayors SECAP template: sectors × energy carriers.
        Secap = "secap", "SECAP template (sectors × energy carriers)";
        /// The GCoM Common Reporting Framework: GPC references × scopes, per gas.
        Crf = "crf", "GCoM Common Reporting Framework (GPC references × scopes)";
    }
}

#[allow(clippy::derivable_impls, reason = "the enum is declared by `code_enum!`")]
impl Default for Framework {
    fn default() -> Framework {
        Framework::Secap
    }
}

impl Framework {
    /// Whether this is the SECAP framework (the default, left out of serialized specs).
    pub fn is_secap(&self) -> bool {
        *self == Framework::Secap
    }
}

code_enum! {
    /// The emission-factor approach of an inventory.
    Approach, "approach" {
        /// Standard (IPCC, activity-based) factors: combustion in the territory.
        Ipcc = "ipcc", "Standard (IPCC) emission factors";
        /// Life-cycle (LCA) factors, including the supply chain.
        Lca = "lca", "LCA emission factors";
    }
}

code_enum! {
    /// The gases an inventory reports.
    GasBasis, "gases" {
        /// CO2 only; results in t CO2.
        Co2 = "co2", "CO2 emissions";
        /// CO2, CH4 and N2O; results in t CO2-eq.
        Co2e = "co2e", "CO2 equivalent emissions";
    }
}

impl GasBasis {
    /// The unit of emissions on this basis.
    pub const fn unit(self) -> &'static str {
        match self {
            GasBasis::Co2 => "t CO2",
            GasBasis::Co2e => "t CO2-eq",
        }
    }
}

code_enum! {
    /// Baseline or monitoring inventory.
    InventoryKind, "kind" {
        /// Baseline Emission Inventory (BEI).
        Baseline = "baseline", "Baseline Emission Inventory";
        /// Monitoring Emission Inventory (MEI), compared with a baseline.
        Monitoring = "monitoring", "Monitoring Emission Inventory";
    }
}

code_enum! {
    /// How a reduction target is expressed.
    TargetKind, "target_kind" {
        /// A reduction of the absolute total.
        Absolute = "absolute", "Absolute reduction";
        /// A reduction of the emissions per inhabitant.
        PerCapita = "per_capita", "Per capita reduction";
        /// A reduction from the business-as-usual projection of the baseline to the target year.
        Bau = "bau", "Reduction from business as usual";
    }
}

code_enum! {
    /// What an action of a plan does (the `kind` column of `actions.csv`).
    ActionKind, "action kind" {
        /// Energy of a carrier no longer consumed, per year.
        EnergySaving = "energy_saving", "Energy saving";
        /// Electricity or heat produced locally from renewables per year, replacing the grid's.
        LocalRenewable = "local_renewable", "Local renewable energy production";
        /// Energy of one carrier replaced by the same energy of another, per year.
        FuelSwitch = "fuel_switch", "Fuel switch";
        /// Emissions avoided directly, in t per year (non-energy sectors).
        DirectReduction = "direct_reduction", "Direct emission reduction";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T>(all: &[T])
    where
        T: Copy + fmt::Display + FromStr + PartialEq + fmt::Debug + Serialize,
        <T as FromStr>::Err: fmt::Debug,
        for<'de> T: Deserialize<'de>,
    {
        for v in all {
            let s = v.to_string();
            assert_eq!(&s.parse::<T>().unwrap(), v);
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), v);
        }
    }

    #[test]
    fn every_code_round_trips() {
        round_trip(Sector::ALL);
        round_trip(Carrier::ALL);
        round_trip(Approach::ALL);
        round_trip(Framework::ALL);
        round_trip(GasBasis::ALL);
        round_trip(InventoryKind::ALL);
        round_trip(TargetKind::ALL);
        round_trip(ActionKind::ALL);
        assert_eq!(Sector::ALL.len(), 16);
        assert_eq!(Carrier::ALL.len(), 16);
        for (i, s) in Sector::ALL.iter().enumerate() {
            assert_eq!(s.index(), i);
        }
    }

    #[test]
    fn unknown_code_suggests_nearest() {
        let e = Sector::parse_code("residental_buildings").unwrap_err();
        assert_eq!(e.suggestion, Some("residential_buildings"));
        assert!(e.to_string().contains("did you mean 'residential_buildings'"), "{e}");
        let e = Carrier::parse_code("Electricity").unwrap_err();
        assert_eq!(e.suggestion, Some("electricity"));
        let e = Carrier::parse_code("petrol").unwrap_err();
        assert_eq!(e.suggestion, None, "{e}");
        assert!(e.to_string().contains("valid codes: electricity, heat_cold"));
    }

    #[test]
    fn huge_inputs_are_clipped_in_messages() {
        let huge = "x".repeat(1_000_000);
        let e = Sector::parse_code(&huge).unwrap_err();
        let text = e.to_string();
        assert!(text.len() < 600, "{}", text.len());
        assert!(text.contains("(1000000 bytes in all)"));
        assert_eq!(clip("short", 60), "short");
        assert_eq!(clip("ééé", 2), "éé… (6 bytes in all)");
    }

    #[test]
    fn groups_and_rules() {
        assert!(Sector::Waste.group() == SectorGroup::NonEnergy && !Sector::Waste.is_energy());
        assert!(Sector::PublicLighting.is_key());
        assert!(!Sector::IndustryEts.is_key());
        assert!(!Sector::PrivateTransport.accepts(Carrier::HeatCold));
        assert!(!Sector::TransportNotAllocated.accepts(Carrier::Geothermal));
        assert!(Sector::PrivateTransport.accepts(Carrier::Electricity));
        assert!(Sector::ResidentialBuildings.accepts(Carrier::SolarThermal));
        assert!(!Carrier::Electricity.is_fuel() && Carrier::Diesel.is_fuel());
    }
}
