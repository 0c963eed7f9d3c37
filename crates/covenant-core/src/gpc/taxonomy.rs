//! The CRF/GPC taxonomy: sectors, sub-sectors, scopes and the 67 lines of the eCRF detailed
//! table (`eCRF_3`), each with its GPC reference number, its reporting level and the row of the
//! summary table (`eCRF_2`) it adds into.
//!
//! Sources: the eCRF template as documented in the project's reference notes (templates.md
//! §3.3–3.4, read in CityCatalyst's copy of the template, Open-Earth-Foundation/CityCatalyst
//! `app/templates/ecrf_template.xlsx`, commit 95c09464c0ac0d4d7c3599c76c3bc3e9011dfd3e) and the
//! GPC scopes and reporting levels (methodology.md §6.2–6.3, from CityCatalyst's GPC 1.1 schema).

use serde::Serialize;

use crate::codes::UnknownCode;

/// A CRF sector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CrfSector {
    /// Stationary energy (GPC I).
    StationaryEnergy,
    /// Transportation (GPC II).
    Transportation,
    /// Waste (GPC III).
    Waste,
    /// Industrial processes and product use (GPC IV).
    Ippu,
    /// Agriculture, forestry and other land use (GPC V).
    Afolu,
    /// Generation of grid-supplied energy (GPC I.4.4): reported, never in a total.
    Generation,
    /// Other scope 3 (GPC VI.1): reported, never in a total.
    OutOfScope,
}

impl CrfSector {
    /// Every sector, in the eCRF's order.
    pub const ALL: [CrfSector; 7] = [
        CrfSector::StationaryEnergy,
        CrfSector::Transportation,
        CrfSector::Waste,
        CrfSector::Ippu,
        CrfSector::Afolu,
        CrfSector::Generation,
        CrfSector::OutOfScope,
    ];

    /// The label in the eCRF workbook.
    pub const fn label(self) -> &'static str {
        match self {
            CrfSector::StationaryEnergy => "Stationary energy",
            CrfSector::Transportation => "Transportation",
            CrfSector::Waste => "Waste",
            CrfSector::Ippu => "IPPU",
            CrfSector::Afolu => "AFOLU",
            CrfSector::Generation => "Generation of grid-supplied energy",
            CrfSector::OutOfScope => "Out of scope",
        }
    }
}

/// A CRF sub-sector (the granularity of `eCRF_3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs, reason = "each variant is named by its label, `Subsector::label`")]
pub enum Subsector {
    Residential,
    CommercialInstitutional,
    Industrial,
    EnergyIndustries,
    ElectricityGeneration,
    ChpGeneration,
    HeatColdGeneration,
    LocalRenewableGeneration,
    Agriculture,
    NonSpecified,
    Fugitive,
    OnRoad,
    Rail,
    Waterborne,
    Aviation,
    OffRoad,
    SolidWaste,
    BiologicalTreatment,
    Incineration,
    Wastewater,
    IndustrialProcesses,
    ProductUse,
    Livestock,
    LandUse,
    OtherAfolu,
    OutOfScope,
}

impl Subsector {
    /// Every sub-sector, in template order.
    pub const ALL: &'static [Subsector] = &[
        Subsector::Residential,
        Subsector::CommercialInstitutional,
        Subsector::Industrial,
        Subsector::EnergyIndustries,
        Subsector::ElectricityGeneration,
        Subsector::ChpGeneration,
        Subsector::HeatColdGeneration,
        Subsector::LocalRenewableGeneration,
        Subsector::Agriculture,
        Subsector::NonSpecified,
        Subsector::Fugitive,
        Subsector::OnRoad,
        Subsector::Rail,
        Subsector::Waterborne,
        Subsector::Aviation,
        Subsector::OffRoad,
        Subsector::SolidWaste,
        Subsector::BiologicalTreatment,
        Subsector::Incineration,
        Subsector::Wastewater,
        Subsector::IndustrialProcesses,
        Subsector::ProductUse,
        Subsector::Livestock,
        Subsector::LandUse,
        Subsector::OtherAfolu,
        Subsector::OutOfScope,
    ];

    /// The code used in the batch format.
    pub const fn code(self) -> &'static str {
        use Subsector::*;
        match self {
            Residential => "residential",
            CommercialInstitutional => "commercial_institutional",
            Industrial => "industrial",
            EnergyIndustries => "energy_industries",
            ElectricityGeneration => "electricity_generation",
            ChpGeneration => "chp_generation",
            HeatColdGeneration => "heat_cold_generation",
            LocalRenewableGeneration => "local_renewable_generation",
            Agriculture => "agriculture",
            NonSpecified => "non_specified",
            Fugitive => "fugitive",
            OnRoad => "on_road",
            Rail => "rail",
            Waterborne => "waterborne",
            Aviation => "aviation",
            OffRoad => "off_road",
            SolidWaste => "solid_waste",
            BiologicalTreatment => "biological_treatment",
            Incineration => "incineration",
            Wastewater => "wastewater",
            IndustrialProcesses => "industrial_processes",
            ProductUse => "product_use",
            Livestock => "livestock",
            LandUse => "land_use",
            OtherAfolu => "other_afolu",
            OutOfScope => "out_of_scope",
        }
    }

    /// The `CRF - Sub-sector` label of `eCRF_3` (the template's spelling).
    pub const fn label(self) -> &'static str {
        use Subsector::*;
        match self {
            Residential => "Residential Buildings",
            CommercialInstitutional => "Commercial & Institutional buildings & facilities",
            Industrial => "Industrial buildings & facilities",
            EnergyIndustries => "Energy Industries",
            ElectricityGeneration => "Electricity-only generation",
            ChpGeneration => "CHP generation",
            HeatColdGeneration => "Heat/cold generation",
            LocalRenewableGeneration => "Local renewable generation",
            Agriculture => "Agriculture",
            NonSpecified => "Non Specified Sources",
            Fugitive => "Fugitive emissions",
            OnRoad => "On-road",
            Rail => "Rail",
            Waterborne => "Waterborne navigation",
            Aviation => "Aviation",
            OffRoad => "Off-road",
            SolidWaste => "Solid waste disposal",
            BiologicalTreatment => "Biological treatment",
            Incineration => "Incineration and open burning",
            Wastewater => "Wastewater",
            IndustrialProcesses => "Industrial process",
            ProductUse => "Produce Use",
            Livestock => "Livestock",
            LandUse => "Land use",
            OtherAfolu => "Other AFOLU",
            OutOfScope => "Out of scope",
        }
    }

    /// Its sector.
    pub const fn sector(self) -> CrfSector {
        use Subsector::*;
        match self {
            Residential
            | CommercialInstitutional
            | Industrial
            | EnergyIndustries
            | Agriculture
            | NonSpecified
            | Fugitive => CrfSector::StationaryEnergy,
            ElectricityGeneration
            | ChpGeneration
            | HeatColdGeneration
            | LocalRenewableGeneration => CrfSector::Generation,
            OnRoad | Rail | Waterborne | Aviation | OffRoad => CrfSector::Transportation,
            SolidWaste | BiologicalTreatment | Incineration | Wastewater => CrfSector::Waste,
            IndustrialProcesses | ProductUse => CrfSector::Ippu,
            Livestock | LandUse | OtherAfolu => CrfSector::Afolu,
            OutOfScope => CrfSector::OutOfScope,
        }
    }

    /// Parses a code (case-insensitive); the error lists the valid codes.
    pub fn parse(s: &str) -> Result<Subsector, UnknownCode> {
        let t = s.trim();
        Subsector::ALL.iter().copied().find(|x| x.code().eq_ignore_ascii_case(t)).ok_or_else(|| {
            UnknownCode {
                what: "CRF sub-sector",
                given: t.to_string(),
                suggestion: crate::codes::nearest(t, Subsector::ALL.iter().map(|x| x.code())),
                valid: Subsector::ALL.iter().map(|x| x.code()).collect(),
            }
        })
    }
}

/// A GPC scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Scope {
    /// Scope 1: "Direct emissions".
    #[serde(rename = "scope_1")]
    S1,
    /// Scope 2: "Indirect emissions" from grid-supplied energy.
    #[serde(rename = "scope_2")]
    S2,
    /// Scope 3: "Outside city boundary".
    #[serde(rename = "scope_3")]
    S3,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 3] = [Scope::S1, Scope::S2, Scope::S3];

    /// `1`, `2` or `3`.
    pub const fn number(self) -> u8 {
        match self {
            Scope::S1 => 1,
            Scope::S2 => 2,
            Scope::S3 => 3,
        }
    }

    /// The code of the CRF view (`scope_1` …).
    pub const fn code(self) -> &'static str {
        match self {
            Scope::S1 => "scope_1",
            Scope::S2 => "scope_2",
            Scope::S3 => "scope_3",
        }
    }

    /// The `Scope` label of `eCRF_3`.
    pub const fn label(self) -> &'static str {
        match self {
            Scope::S1 => "Direct emissions",
            Scope::S2 => "Indirect emissions",
            Scope::S3 => "Outside city boundary",
        }
    }

    /// [`Scope::parse`], with an error that lists the valid scopes.
    pub fn parse_code(s: &str) -> Result<Scope, UnknownCode> {
        Scope::parse(s).ok_or_else(|| UnknownCode {
            what: "scope",
            given: s.trim().to_string(),
            suggestion: None,
            valid: vec!["1", "2", "3"],
        })
    }

    /// Reads `1`, `2`, `3`, `scope_1` …, `scope 1` or the eCRF label.
    pub fn parse(s: &str) -> Option<Scope> {
        let t = s.trim().to_ascii_lowercase().replace(['_', ' '], "");
        match t.as_str() {
            "1" | "scope1" | "directemissions" | "direct" => Some(Scope::S1),
            "2" | "scope2" | "indirectemissions" | "indirect" => Some(Scope::S2),
            "3" | "scope3" | "outsidecityboundary" | "outside" => Some(Scope::S3),
            _ => None,
        }
    }
}

/// Which GPC total a line counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// BASIC (and so BASIC+).
    Basic,
    /// BASIC+ only.
    BasicPlus,
    /// Neither: territorial only (generation supplied to the grid, waste from outside the city)
    /// or outside every GPC total (other scope 3, the template's outside-boundary rows of
    /// fugitive emissions, IPPU and AFOLU).
    None,
}

/// A line of `eCRF_3`: the key of a CRF activity row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    /// The GPC reference number (`I.1.1`), where the template gives one.
    pub gpc_ref: Option<&'static str>,
    /// The sub-sector.
    pub subsector: Subsector,
    /// The scope.
    pub scope: Scope,
    /// The GPC total it counts in.
    pub level: Level,
    /// Its row in the template's `eCRF_3` (2–68).
    pub template_row: u32,
}

impl Line {
    /// The notation key the template fixes for this line (`NE` for the generation rows outside
    /// the boundary, local renewable generation and other scope 3).
    pub const fn fixed_ne(&self) -> bool {
        matches!(self.template_row, 63..=68)
    }
}

const fn line(
    gpc_ref: Option<&'static str>,
    subsector: Subsector,
    scope: Scope,
    level: Level,
    template_row: u32,
) -> Line {
    Line { gpc_ref, subsector, scope, level, template_row }
}

use Level::{Basic, BasicPlus, None as Neither};
use Scope::{S1, S2, S3};
use Subsector as X;

/// The 67 lines of `eCRF_3`, in template order (rows 2–68).
pub const LINES: [Line; 67] = [
    line(Some("I.1.1"), X::Residential, S1, Basic, 2),
    line(Some("I.1.2"), X::Residential, S2, Basic, 3),
    line(Some("I.1.3"), X::Residential, S3, BasicPlus, 4),
    line(Some("I.2.1"), X::CommercialInstitutional, S1, Basic, 5),
    line(Some("I.2.2"), X::CommercialInstitutional, S2, Basic, 6),
    line(Some("I.2.3"), X::CommercialInstitutional, S3, BasicPlus, 7),
    line(Some("I.3.1"), X::Industrial, S1, Basic, 8),
    line(Some("I.3.2"), X::Industrial, S2, Basic, 9),
    line(Some("I.3.3"), X::Industrial, S3, BasicPlus, 10),
    line(Some("I.4.1"), X::EnergyIndustries, S1, Basic, 11),
    line(Some("I.4.2"), X::EnergyIndustries, S2, Basic, 12),
    line(Some("I.4.3"), X::EnergyIndustries, S3, BasicPlus, 13),
    line(Some("I.4.4"), X::ElectricityGeneration, S1, Neither, 14),
    line(Some("I.4.4"), X::ChpGeneration, S1, Neither, 15),
    line(Some("I.4.4"), X::HeatColdGeneration, S1, Neither, 16),
    line(Some("I.5.1"), X::Agriculture, S1, Basic, 17),
    line(Some("I.5.2"), X::Agriculture, S2, Basic, 18),
    line(Some("I.5.3"), X::Agriculture, S3, BasicPlus, 19),
    line(Some("I.6.1"), X::NonSpecified, S1, Basic, 20),
    line(Some("I.6.2"), X::NonSpecified, S2, Basic, 21),
    line(Some("I.6.3"), X::NonSpecified, S3, BasicPlus, 22),
    line(Some("I.7.1"), X::Fugitive, S1, Basic, 23),
    line(Some("I.8.1"), X::Fugitive, S1, Basic, 24),
    line(None, X::Fugitive, S3, Neither, 25),
    line(Some("II.1.1"), X::OnRoad, S1, Basic, 26),
    line(Some("II.1.2"), X::OnRoad, S2, Basic, 27),
    line(Some("II.1.3"), X::OnRoad, S3, BasicPlus, 28),
    line(Some("II.2.1"), X::Rail, S1, Basic, 29),
    line(Some("II.2.2"), X::Rail, S2, Basic, 30),
    line(Some("II.2.3"), X::Rail, S3, BasicPlus, 31),
    line(Some("II.3.1"), X::Waterborne, S1, Basic, 32),
    line(Some("II.3.2"), X::Waterborne, S2, Basic, 33),
    line(Some("II.3.3"), X::Waterborne, S3, BasicPlus, 34),
    line(Some("II.4.1"), X::Aviation, S1, Basic, 35),
    line(Some("II.4.2"), X::Aviation, S2, Basic, 36),
    line(Some("II.4.3"), X::Aviation, S3, BasicPlus, 37),
    line(Some("II.5.1"), X::OffRoad, S1, Basic, 38),
    line(Some("II.5.2"), X::OffRoad, S2, Basic, 39),
    line(Some("II.5.3"), X::OffRoad, S3, BasicPlus, 40),
    line(Some("III.1.1"), X::SolidWaste, S1, Basic, 41),
    line(Some("III.1.2"), X::SolidWaste, S3, Basic, 42),
    line(Some("III.1.3"), X::SolidWaste, S1, Neither, 43),
    line(Some("III.2.1"), X::BiologicalTreatment, S1, Basic, 44),
    line(Some("III.2.2"), X::BiologicalTreatment, S3, Basic, 45),
    line(Some("III.2.3"), X::BiologicalTreatment, S1, Neither, 46),
    line(Some("III.3.1"), X::Incineration, S1, Basic, 47),
    line(Some("III.3.2"), X::Incineration, S3, Basic, 48),
    line(Some("III.3.3"), X::Incineration, S1, Neither, 49),
    line(Some("III.4.1"), X::Wastewater, S1, Basic, 50),
    line(Some("III.4.2"), X::Wastewater, S3, Basic, 51),
    line(Some("III.4.3"), X::Wastewater, S1, Neither, 52),
    line(Some("IV.1"), X::IndustrialProcesses, S1, BasicPlus, 53),
    line(None, X::IndustrialProcesses, S3, Neither, 54),
    line(Some("IV.2"), X::ProductUse, S1, BasicPlus, 55),
    line(None, X::ProductUse, S3, Neither, 56),
    line(Some("V.1"), X::Livestock, S1, BasicPlus, 57),
    line(None, X::Livestock, S3, Neither, 58),
    line(Some("V.2"), X::LandUse, S1, BasicPlus, 59),
    line(None, X::LandUse, S3, Neither, 60),
    line(Some("V.3"), X::OtherAfolu, S1, BasicPlus, 61),
    line(None, X::OtherAfolu, S3, Neither, 62),
    line(None, X::ElectricityGeneration, S3, Neither, 63),
    line(None, X::ChpGeneration, S3, Neither, 64),
    line(None, X::HeatColdGeneration, S3, Neither, 65),
    line(None, X::LocalRenewableGeneration, S3, Neither, 66),
    line(None, X::LocalRenewableGeneration, S1, Neither, 67),
    line(Some("VI.1"), X::OutOfScope, S3, Neither, 68),
];

/// Why a GPC reference, sub-sector and scope do not name one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineError {
    /// An unknown GPC reference or sub-sector code.
    Unknown(UnknownCode),
    /// Several lines match: the candidates' references or sub-sector codes.
    Ambiguous(Vec<String>),
    /// The reference and the sub-sector or scope name different lines.
    Conflict,
    /// Neither a reference nor a sub-sector and scope.
    Missing,
}

/// Every GPC reference of the template, once each, in order.
pub fn references() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    for l in &LINES {
        if let Some(r) = l.gpc_ref
            && !v.contains(&r)
        {
            v.push(r);
        }
    }
    v
}

/// Finds the line named by a GPC reference (`I.1.1`; case and spaces ignored) and/or a sub-sector
/// and scope. A reference alone names its line, except `I.4.4` (three generation lines: give the
/// sub-sector too); a sub-sector and scope alone name the line with a reference first (the
/// waste lines III.x.3 need their reference).
pub fn find_line(
    gpc_ref: Option<&str>,
    subsector: Option<Subsector>,
    scope: Option<Scope>,
) -> Result<&'static Line, LineError> {
    let by_ref: Option<Vec<&'static Line>> = match gpc_ref.map(str::trim).filter(|r| !r.is_empty())
    {
        None => None,
        Some(r) => {
            let norm: String = r.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            let found: Vec<&'static Line> = LINES
                .iter()
                .filter(|l| l.gpc_ref.is_some_and(|g| g.eq_ignore_ascii_case(&norm)))
                .collect();
            if found.is_empty() {
                let refs = references();
                return Err(LineError::Unknown(UnknownCode {
                    what: "GPC reference",
                    given: r.to_string(),
                    suggestion: crate::codes::nearest(&norm, refs.iter().copied()),
                    valid: refs,
                }));
            }
            Some(found)
        }
    };
    let matches = |l: &&Line| {
        subsector.is_none_or(|s| l.subsector == s) && scope.is_none_or(|s| l.scope == s)
    };
    let candidates: Vec<&'static Line> = match by_ref {
        Some(found) => {
            let narrowed: Vec<&'static Line> = found.iter().copied().filter(matches).collect();
            if narrowed.is_empty() {
                return Err(LineError::Conflict);
            }
            narrowed
        }
        None => {
            if subsector.is_none() || scope.is_none() {
                return Err(LineError::Missing);
            }
            let all: Vec<&'static Line> = LINES.iter().filter(matches).collect();
            if all.is_empty() {
                return Err(LineError::Conflict);
            }
            all
        }
    };
    match candidates.as_slice() {
        [one] => Ok(one),
        many => Err(LineError::Ambiguous(
            many.iter()
                .map(|l| l.gpc_ref.map_or_else(|| l.subsector.code().to_string(), str::to_string))
                .collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_template_order() {
        for (i, l) in LINES.iter().enumerate() {
            assert_eq!(l.template_row, u32::try_from(i).unwrap() + 2);
        }
        assert_eq!(references().len(), 54);
    }

    #[test]
    fn lines_by_reference_or_subsector_and_scope() {
        let l = find_line(Some(" i.1.2 "), None, None).unwrap();
        assert_eq!((l.subsector, l.scope), (Subsector::Residential, Scope::S2));
        assert_eq!(
            find_line(None, Some(Subsector::OnRoad), Some(Scope::S3)).unwrap().gpc_ref,
            Some("II.1.3")
        );
        let chp = find_line(Some("I.4.4"), Some(Subsector::ChpGeneration), None).unwrap();
        assert_eq!(chp.template_row, 15);
        assert!(
            matches!(find_line(Some("I.4.4"), None, None), Err(LineError::Ambiguous(v)) if v.len() == 3)
        );
        // Waste generated outside and treated inside needs its reference.
        assert!(matches!(
            find_line(None, Some(Subsector::SolidWaste), Some(Scope::S1)),
            Err(LineError::Ambiguous(_))
        ));
        assert_eq!(find_line(Some("III.1.3"), None, None).unwrap().level, Level::None);
        assert!(matches!(
            find_line(Some("I.1.2"), None, Some(Scope::S1)),
            Err(LineError::Conflict)
        ));
        assert!(matches!(find_line(Some("I.9.1"), None, None), Err(LineError::Unknown(_))));
        assert!(matches!(find_line(None, Some(Subsector::Rail), None), Err(LineError::Missing)));
        // A line without a reference, by sub-sector and scope.
        let f = find_line(None, Some(Subsector::Fugitive), Some(Scope::S3)).unwrap();
        assert_eq!((f.gpc_ref, f.template_row), (None, 25));
    }
}
