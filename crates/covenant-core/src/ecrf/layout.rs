//! The eCRF workbook template as data: sheet names, the labels of `eCRF_1` and `eCRF_2`, the
//! headers of `eCRF_3`, the merged ranges, the cells the template fixes and the 67 template rows
//! of `eCRF_3` (templates.md §3.1–§3.4).
//!
//! Every label is spelled exactly as in the template, double spaces, trailing spaces, line
//! breaks and non-breaking spaces included: these are the texts the writer writes. The reader
//! compares labels through [`normalize`], which forgets case and white space.

use std::fmt;

use crate::crf::NotationKey;

/// Generates a closed enum with its stable code, its exact label and `ALL` in template order.
macro_rules! labelled {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:expr) ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in template order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case code (used in parameters of findings and in JSON).
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The exact text of the template.
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The position in [`Self::ALL`].
            pub const fn index(self) -> usize {
                self as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

/// A sheet of the workbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Sheet {
    /// `eCRF_1`: city and inventory metadata.
    Meta,
    /// `eCRF_2`: the summary table.
    Summary,
    /// `eCRF_3`: the detailed table.
    Detail,
}

impl Sheet {
    /// The three sheets, in workbook order.
    pub const ALL: [Sheet; 3] = [Sheet::Meta, Sheet::Summary, Sheet::Detail];

    /// The sheet's name.
    pub const fn name(self) -> &'static str {
        match self {
            Sheet::Meta => "eCRF_1",
            Sheet::Summary => "eCRF_2",
            Sheet::Detail => "eCRF_3",
        }
    }
}

impl fmt::Display for Sheet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A rectangle of cells, 0-based rows and columns inclusive (the writer's and the reader's
/// coordinates); [`Range::a1`] gives its A1 notation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    /// First row (0-based).
    pub first_row: u32,
    /// First column (0-based).
    pub first_col: u16,
    /// Last row (0-based, inclusive).
    pub last_row: u32,
    /// Last column (0-based, inclusive).
    pub last_col: u16,
}

impl Range {
    const fn new(first_row: u32, first_col: u16, last_row: u32, last_col: u16) -> Range {
        Range { first_row, first_col, last_row, last_col }
    }

    /// The range in A1 notation (`A2:A16`; one cell: `A1`).
    pub fn a1(&self) -> String {
        let first = cell_name(self.first_row, self.first_col);
        if self.first_row == self.last_row && self.first_col == self.last_col {
            first
        } else {
            format!("{first}:{}", cell_name(self.last_row, self.last_col))
        }
    }
}

/// The letters of a 0-based column (`0` → `A`, `26` → `AA`).
pub fn column_name(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        // rem < 26, so the byte is an ASCII capital.
        out.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// The A1 name of a 0-based cell (`(0, 0)` → `A1`).
pub fn cell_name(row: u32, col: u16) -> String {
    format!("{}{}", column_name(col), u64::from(row) + 1)
}

/// A text the template writes into a cell or a merged range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderCell {
    /// Where it is written (a merged range, or one cell).
    pub range: Range,
    /// The exact text.
    pub text: &'static str,
}

impl HeaderCell {
    /// Whether the header spans more than one cell.
    pub const fn is_merged(&self) -> bool {
        self.range.first_row != self.range.last_row || self.range.first_col != self.range.last_col
    }
}

// ---------------------------------------------------------------------------------------------
// eCRF_1

/// The section of an `eCRF_1` row (column A, merged over the section's rows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MetaSection {
    /// Rows 2–16.
    Boundary,
    /// Rows 17–28.
    Inventory,
    /// Rows 29–34.
    Contact,
}

impl MetaSection {
    /// The three sections, in sheet order.
    pub const ALL: [MetaSection; 3] =
        [MetaSection::Boundary, MetaSection::Inventory, MetaSection::Contact];

    /// The text of column A.
    pub const fn label(self) -> &'static str {
        match self {
            MetaSection::Boundary => "Boundary",
            MetaSection::Inventory => "Inventory",
            MetaSection::Contact => "Compiler/contact",
        }
    }

    /// The merged range of column A (`A2:A16`, `A17:A28`, `A29:A34`).
    pub const fn range(self) -> Range {
        match self {
            MetaSection::Boundary => Range::new(1, 0, 15, 0),
            MetaSection::Inventory => Range::new(16, 0, 27, 0),
            MetaSection::Contact => Range::new(28, 0, 33, 0),
        }
    }
}

labelled! {
    /// A row of `eCRF_1`: the label in column B, the value in column C (templates.md §3.2).
    MetaField {
        /// Row 1.
        Type = ("type", "Type"),
        /// Row 2.
        CityName = ("city_name", "Name of city"),
        /// Row 3.
        Country = ("country", "Country"),
        /// Row 4.
        Region = ("region", "Region"),
        /// Row 5.
        CityId = ("city_id", "City ID (GeoNames)"),
        /// Row 6.
        Coordinates = ("coordinates", "City coordinate"),
        /// Row 7.
        InventoryYear = ("inventory_year", "Inventory year"),
        /// Row 8.
        GeographicBoundary = ("geographic_boundary", "Geographic boundary"),
        /// Row 9.
        HeatingDegreeDays = ("heating_degree_days", "Heating degree days (HDD, °C)"),
        /// Row 10.
        CoolingDegreeDays = ("cooling_degree_days", "Cooling degree days (CDD, °C)"),
        /// Row 11.
        LandArea = ("land_area", "Land area (km2) within city boundary"),
        /// Row 12.
        Population = ("population", "Resident population within city boundary"),
        /// Row 13 (two spaces before "boundary" in the template).
        Gdp = ("gdp", "GDP (US$) of economic activity within city  boundary"),
        /// Row 14.
        EconomyType = ("economy_type", "Type of economy"),
        /// Row 15.
        Climate = ("climate", "Climate"),
        /// Row 16.
        OtherInformation = ("other_information", "Other information"),
        /// Row 17.
        InventoryTool = ("inventory_tool", "Inventory tool used"),
        /// Row 18.
        GpcLevel = ("gpc_level", "GPC reporting level"),
        /// Row 19.
        GasesIncluded = ("gases_included", "Greenhouse gases included in inventory"),
        /// Row 20 (a trailing space in the template).
        Gwp = ("gwp", "Global Warming Potential "),
        /// Row 21 (a line break after "GWP " in the template).
        GwpExplanation = ("gwp_explanation", "Please explain your choice of GWP \n(if not AR4 or AR5)"),
        /// Row 22.
        Methodology = ("methodology", "Description of overall methodology and tools used"),
        /// Row 23.
        Regulations = ("regulations", "Relevant local, regional and national regulations"),
        /// Row 24.
        ChangeComments = ("change_comments", "Comments on change in total emissions since last reported inventory"),
        /// Row 25.
        Audited = ("audited", "Has the inventory been audited or verified by a third party?"),
        /// Row 26.
        Auditor = ("auditor", "Name of auditor/verifier"),
        /// Row 27.
        AuditYear = ("audit_year", "Year of audit/verification"),
        /// Row 28.
        PlannedImprovements = ("planned_improvements", "Planned improvements"),
        /// Row 29.
        CompilerName = ("compiler_name", "Compiler name"),
        /// Row 30.
        Department = ("department", "Department"),
        /// Row 31.
        Date = ("date", "Date"),
        /// Row 32.
        Version = ("version", "Version"),
        /// Row 33.
        Email = ("email", "Email"),
        /// Row 34.
        Webpage = ("webpage", "Webpage"),
    }
}

impl MetaField {
    /// The sheet row (1-based, as Excel shows it): row 1 is `Type`, row 34 `Webpage`.
    pub const fn row(self) -> u32 {
        // At most 34 variants: the cast cannot truncate.
        self as u32 + 1
    }

    /// The section of column A (`Type`, row 1, has none).
    pub const fn section(self) -> Option<MetaSection> {
        match self.row() {
            2..=16 => Some(MetaSection::Boundary),
            17..=28 => Some(MetaSection::Inventory),
            29.. => Some(MetaSection::Contact),
            _ => None,
        }
    }
}

/// Column B of `eCRF_1`: the labels.
pub const META_LABEL_COL: u16 = 1;
/// Column C of `eCRF_1`: the values.
pub const META_VALUE_COL: u16 = 2;

// ---------------------------------------------------------------------------------------------
// eCRF_2

/// What `eCRF_2` A1 (merged A1:H1) holds in the blank template: the year selector, which a
/// filled workbook replaces by the inventory year. `eCRF_3` column A uses the same text.
pub const YEAR_PLACEHOLDER: &str = "Please select";

/// The merged title cell A1:H1 of `eCRF_2` (the year).
pub const SUMMARY_YEAR_RANGE: Range = Range::new(0, 0, 0, 7);

/// The header cells of `eCRF_2` rows 2 and 3, with their merged ranges (templates.md §3.3).
pub const SUMMARY_HEADERS: [HeaderCell; 11] = [
    HeaderCell { range: Range::new(1, 0, 2, 0), text: "Sectors and Sub-Sectors" },
    HeaderCell { range: Range::new(1, 1, 1, 2), text: "Direct Emissions" },
    HeaderCell {
        range: Range::new(1, 3, 1, 4),
        text: "Indirect emissions from the use of grid-supplied electricity, heat, steam and/or cooling",
    },
    HeaderCell {
        range: Range::new(1, 5, 1, 6),
        text: "Emissions occurring outside the city boundary as a result of in-city activities ",
    },
    HeaderCell {
        range: Range::new(1, 7, 2, 7),
        text: "Please explain any excluded sources, identify any emissions covered under an ETS and provide any other comments\u{a0}",
    },
    HeaderCell { range: Range::new(2, 1, 2, 1), text: "Emissions in tCO2e" },
    HeaderCell { range: Range::new(2, 2, 2, 2), text: "Notation key (if needed)" },
    HeaderCell { range: Range::new(2, 3, 2, 3), text: "Emissions in tCO2e" },
    HeaderCell { range: Range::new(2, 4, 2, 4), text: "Notation Key (if needed)" },
    HeaderCell { range: Range::new(2, 5, 2, 5), text: "Emissions in tCO2e" },
    HeaderCell { range: Range::new(2, 6, 2, 6), text: "Notation key (if needed)" },
];

/// Column A of `eCRF_2`: the row labels.
pub const SUMMARY_LABEL_COL: u16 = 0;
/// Column H of `eCRF_2`: the comments (the explanation a notation key needs).
pub const SUMMARY_COMMENT_COL: u16 = 7;
/// The first data row of `eCRF_2` (0-based; sheet row 4).
pub const SUMMARY_FIRST_ROW: u32 = 3;

/// The explanation the template's fixed `IE` cells of row 6 carry in H6 (templates.md §3.3).
pub const INSTITUTIONAL_IE_COMMENT: &str =
    "Institutional emissions are included in commercial emissions record";

labelled! {
    /// A scope of the CRF: a pair of columns in `eCRF_2` and the "Scope" text of `eCRF_3`.
    /// Direct = GPC scope 1, Indirect = scope 2, Outside = scope 3 (templates.md §3.4).
    ScopeLabel {
        /// Direct emissions (scope 1): `eCRF_2` B/C.
        Direct = ("direct", "Direct emissions"),
        /// Indirect emissions from grid-supplied energy (scope 2): `eCRF_2` D/E.
        Indirect = ("indirect", "Indirect emissions"),
        /// Emissions outside the city boundary (scope 3): `eCRF_2` F/G.
        Outside = ("outside", "Outside city boundary"),
    }
}

impl ScopeLabel {
    /// The GPC scope (1, 2 or 3).
    pub const fn gpc_scope(self) -> u8 {
        match self {
            ScopeLabel::Direct => 1,
            ScopeLabel::Indirect => 2,
            ScopeLabel::Outside => 3,
        }
    }

    /// The `eCRF_2` column of the emissions (0-based: B, D, F).
    pub const fn value_col(self) -> u16 {
        match self {
            ScopeLabel::Direct => 1,
            ScopeLabel::Indirect => 3,
            ScopeLabel::Outside => 5,
        }
    }

    /// The `eCRF_2` column of the notation key (0-based: C, E, G).
    pub const fn key_col(self) -> u16 {
        self.value_col() + 1
    }

    /// The scope label of a cell of `eCRF_3` column E, compared through [`normalize`]; the
    /// `eCRF_2` header words ("Direct Emissions", "Indirect emissions from …", "Emissions
    /// occurring outside the city boundary …") and "Scope 1/2/3" are accepted too.
    pub fn parse(text: &str) -> Option<ScopeLabel> {
        let n = normalize(text);
        match n.as_str() {
            "direct emissions" | "direct" | "scope 1" | "1" => Some(ScopeLabel::Direct),
            "indirect emissions" | "indirect" | "scope 2" | "2" => Some(ScopeLabel::Indirect),
            "outside city boundary" | "outside the city boundary" | "outside" | "scope 3" | "3" => {
                Some(ScopeLabel::Outside)
            }
            _ => ScopeLabel::ALL
                .iter()
                .copied()
                .find(|s| normalize(SUMMARY_HEADERS[1 + s.index()].text) == n),
        }
    }
}

/// Whether an `eCRF_2` row is a sub-sector or a total.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// A sub-sector row.
    Subsector,
    /// A total row (the template has no formulas: the producer writes the totals).
    Total,
}

labelled! {
    /// A row of `eCRF_2`, rows 4–34 (templates.md §3.3). The labels keep the template's
    /// spelling, "Produce Use" included.
    SummaryLine {
        /// Row 4.
        Residential = ("residential", "Stationary energy > Residential buildings"),
        /// Row 5.
        Commercial = ("commercial", "Stationary energy > Commercial buildings & facilities"),
        /// Row 6 (C6, E6, G6 = `IE` in the template).
        Institutional = ("institutional", "Stationary energy > Institutional buildings & facilities"),
        /// Row 7.
        Industrial = ("industrial", "Stationary energy > Industrial buildings & facilities"),
        /// Row 8.
        Agriculture = ("agriculture", "Stationary energy > Agriculture"),
        /// Row 9 (E9, G9 = `NE`).
        Fugitive = ("fugitive", "Stationary energy > Fugitive emissions"),
        /// Row 10.
        TotalStationary = ("total_stationary", "Total Stationary Energy"),
        /// Row 11.
        OnRoad = ("on_road", "Transportation > On-road"),
        /// Row 12.
        Rail = ("rail", "Transportation > Rail"),
        /// Row 13.
        Waterborne = ("waterborne", "Transportation > Waterborne navigation"),
        /// Row 14.
        Aviation = ("aviation", "Transportation > Aviation"),
        /// Row 15.
        OffRoad = ("off_road", "Transportation > Off-road"),
        /// Row 16.
        TotalTransport = ("total_transport", "Total Transport"),
        /// Row 17.
        SolidWaste = ("solid_waste", "Waste > Solid waste disposal"),
        /// Row 18.
        BiologicalTreatment = ("biological_treatment", "Waste > Biological treatment"),
        /// Row 19.
        Incineration = ("incineration", "Waste > Incineration and open burning"),
        /// Row 20.
        Wastewater = ("wastewater", "Waste > Wastewater"),
        /// Row 21.
        TotalWaste = ("total_waste", "Total Waste"),
        /// Row 22 (E22, G22 = `NE`).
        IndustrialProcess = ("industrial_process", "IPPU > Industrial process"),
        /// Row 23 (E23, G23 = `NE`; "Produce Use" is the template's spelling of "Product use").
        ProductUse = ("product_use", "IPPU > Produce Use"),
        /// Row 24 (the template has only B24).
        TotalIppu = ("total_ippu", "Total IPPU"),
        /// Row 25 (E25, G25 = `NE`).
        Livestock = ("livestock", "AFOLU > Livestock"),
        /// Row 26 (E26, G26 = `NE`).
        LandUse = ("land_use", "AFOLU > Land use"),
        /// Row 27 (E27, G27 = `NE`).
        OtherAfolu = ("other_afolu", "AFOLU > Other AFOLU"),
        /// Row 28 (the template has only B28).
        TotalAfolu = ("total_afolu", "Total AFOLU"),
        /// Row 29.
        ElectricityGeneration = ("electricity_generation", "Generation of grid-supplied energy > Electricity-only generation"),
        /// Row 30.
        ChpGeneration = ("chp_generation", "Generation of grid-supplied energy > CHP generation"),
        /// Row 31.
        HeatColdGeneration = ("heat_cold_generation", "Generation of grid-supplied energy > Heat/cold generation"),
        /// Row 32.
        RenewableGeneration = ("renewable_generation", "Generation of grid-supplied energy > Local renewable generation"),
        /// Row 33.
        TotalGeneration = ("total_generation", "Total Generation of grid-supplied energy"),
        /// Row 34: rows 29–33 are excluded.
        TotalEmissions = ("total_emissions", "Total Emissions (excluding generation of grid-supplied energy)"),
    }
}

impl SummaryLine {
    /// The sheet row (1-based): 4 to 34.
    pub const fn row(self) -> u32 {
        // At most 31 variants: the cast cannot truncate.
        self as u32 + 4
    }

    /// Sub-sector or total.
    pub const fn kind(self) -> LineKind {
        use SummaryLine::*;
        match self {
            TotalStationary | TotalTransport | TotalWaste | TotalIppu | TotalAfolu
            | TotalGeneration | TotalEmissions => LineKind::Total,
            _ => LineKind::Subsector,
        }
    }

    /// Whether the row is a total.
    pub const fn is_total(self) -> bool {
        matches!(self.kind(), LineKind::Total)
    }

    /// The notation key the template fixes in the key column of `scope` (C6/E6/G6 = `IE`;
    /// E9, G9, E22/G22, E23/G23, E25–E27/G25–G27 = `NE`).
    pub const fn fixed_key(self, scope: ScopeLabel) -> Option<NotationKey> {
        use SummaryLine::*;
        match (self, scope) {
            (Institutional, _) => Some(NotationKey::IncludedElsewhere),
            (
                Fugitive | IndustrialProcess | ProductUse | Livestock | LandUse | OtherAfolu,
                ScopeLabel::Indirect | ScopeLabel::Outside,
            ) => Some(NotationKey::NotEstimated),
            _ => None,
        }
    }

    /// The comment the template puts in column H of the row (H6's explanation of its `IE`).
    pub const fn fixed_comment(self) -> Option<&'static str> {
        match self {
            SummaryLine::Institutional => Some(INSTITUTIONAL_IE_COMMENT),
            _ => None,
        }
    }

    /// The scope columns of a total row that hold a value in the template: B, D and F for
    /// the stationary, transport and waste totals, B only for IPPU (B24) and AFOLU (B28).
    /// Rows 33 and 34 have no placeholder in the template; filled workbooks (templates.md
    /// §3.3, S8) write B34 and D34, and this layout gives them B, D and F like the other
    /// totals. Sub-sector rows give every scope.
    pub const fn value_scopes(self) -> &'static [ScopeLabel] {
        match self {
            SummaryLine::TotalIppu | SummaryLine::TotalAfolu => &[ScopeLabel::Direct],
            _ => ScopeLabel::ALL,
        }
    }

    /// Other spellings the reader accepts without a finding (compared through [`normalize`]).
    pub const fn aliases(self) -> &'static [&'static str] {
        match self {
            SummaryLine::ProductUse => &["IPPU > Product use"],
            SummaryLine::IndustrialProcess => &["IPPU > Industrial processes"],
            _ => &[],
        }
    }
}

// ---------------------------------------------------------------------------------------------
// eCRF_3

/// What a column of `eCRF_3` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// The inventory year (or the selector's "Please select").
    Year,
    /// Free text.
    Text,
    /// A number (written as a number, read strictly).
    Number,
    /// A notation key.
    Key,
    /// A scope label.
    Scope,
}

labelled! {
    /// A column of `eCRF_3` (templates.md §3.4), A to AG.
    DetailColumn {
        /// A.
        Year = ("year", "Inventory year"),
        /// B.
        GpcRef = ("gpc_ref", "GPC ref. no."),
        /// C.
        Sector = ("sector", "CRF - Sector"),
        /// D.
        Subsector = ("subsector", "CRF - Sub-sector"),
        /// E.
        Scope = ("scope", "Scope"),
        /// F.
        Fuel = ("fuel", "Fuel type or activity"),
        /// G.
        Key = ("notation_key", "Notation key"),
        /// H.
        ActivityAmount = ("activity_amount", "Activity data - Amount"),
        /// I.
        ActivityUnit = ("activity_unit", "Activity data - Unit"),
        /// J (S8 files: "Activity data - Description").
        ActivityDescription = ("activity_description", "Activity data - Description and Methodology"),
        /// K.
        ActivitySource = ("activity_source", "Activity data - Source"),
        /// L.
        ActivityQuality = ("activity_quality", "Activity data - Data Quality"),
        /// M.
        EfUnit = ("ef_unit", "Emission factor - Unit"),
        /// N.
        EfCo2 = ("ef_co2", "Emission factor - CO2"),
        /// O.
        EfCh4 = ("ef_ch4", "Emission factor - CH4"),
        /// P.
        EfN2o = ("ef_n2o", "Emission factor - N2O"),
        /// Q.
        EfCo2e = ("ef_co2e", "Emission factor - Total CO2e"),
        /// R.
        EfBiogenic = ("ef_biogenic", "Emission factor - Biogenic CO2"),
        /// S (S8 files: "Oxidation factor").
        EfOxidation = ("ef_oxidation", "Emission factor - Oxidation factor"),
        /// T.
        EfYear = ("ef_year", "Emission factor - Year"),
        /// U.
        EfScale = ("ef_scale", "Emission factor - Scale"),
        /// V.
        EfDescription = ("ef_description", "Emission factor - Description"),
        /// W.
        EfSource = ("ef_source", "Emission factor - Source"),
        /// X.
        EfQuality = ("ef_quality", "Emission factor - Data Quality"),
        /// Y (t CO2e).
        GhgCo2 = ("ghg_co2", "GHGs (metric tonnes CO2e) - CO2"),
        /// Z (t CO2e).
        GhgCh4 = ("ghg_ch4", "GHGs (metric tonnes CO2e) - CH4"),
        /// AA (t CO2e).
        GhgN2o = ("ghg_n2o", "GHGs (metric tonnes CO2e) - N2O"),
        /// AB (t CO2e).
        GhgTotal = ("ghg_total", "GHGs (metric tonnes CO2e) - Total CO2e"),
        /// AC (t CO2).
        GhgBiogenic = ("ghg_biogenic", "GHGs (metric tonnes CO2e) - Biogenic CO2"),
        /// AD.
        ConvOriginalActivity = ("conv_original_activity", "Activity data conversion - original activity"),
        /// AE.
        ConvOriginalUnit = ("conv_original_unit", "Activity data conversion - original unit"),
        /// AF.
        ConvValue = ("conv_value", "Activity data conversion - conversion value"),
        /// AG.
        ConvOverride = ("conv_override", "Activity data conversion - override used?"),
    }
}

impl DetailColumn {
    /// The template's column (0-based: A = 0 … AG = 32).
    pub const fn col(self) -> u16 {
        // At most 33 variants: the cast cannot truncate.
        self as u16
    }

    /// Other header texts found in filled workbooks (templates.md §3.1, §3.4: the S8 files).
    pub const fn variants(self) -> &'static [&'static str] {
        match self {
            DetailColumn::ActivityDescription => &["Activity data - Description"],
            DetailColumn::EfOxidation => &["Oxidation factor"],
            _ => &[],
        }
    }

    /// What the column holds.
    pub const fn kind(self) -> ColumnKind {
        use DetailColumn::*;
        match self {
            Year => ColumnKind::Year,
            Scope => ColumnKind::Scope,
            Key => ColumnKind::Key,
            ActivityAmount | EfCo2 | EfCh4 | EfN2o | EfCo2e | EfBiogenic | EfOxidation | GhgCo2
            | GhgCh4 | GhgN2o | GhgTotal | GhgBiogenic => ColumnKind::Number,
            _ => ColumnKind::Text,
        }
    }

    /// Whether a workbook without this header cannot be read: the sector, the sub-sector and
    /// the scope, which place a row.
    pub const fn is_required(self) -> bool {
        matches!(self, DetailColumn::Sector | DetailColumn::Subsector | DetailColumn::Scope)
    }
}

/// A template row of `eCRF_3` (rows 2–68).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TemplateRow {
    /// The sheet row (1-based).
    pub row: u32,
    /// Column B, the GPC reference (empty in 11 rows of the template).
    pub gpc_ref: Option<&'static str>,
    /// Column C.
    pub sector: &'static str,
    /// Column D.
    pub subsector: &'static str,
    /// Column E.
    pub scope: ScopeLabel,
    /// Column G when the template fixes it (`NE` in rows 63–68).
    pub key: Option<NotationKey>,
}

/// The CRF sectors of `eCRF_3` column C.
pub const SECTORS: [&str; 7] =
    [STATIONARY, "Transportation", "Waste", "IPPU", "AFOLU", GENERATION, "Out of scope"];

const STATIONARY: &str = "Stationary energy";
const GENERATION: &str = "Generation of grid-supplied energy";

const fn tr(
    row: u32,
    gpc_ref: Option<&'static str>,
    sector: &'static str,
    subsector: &'static str,
    scope: ScopeLabel,
) -> TemplateRow {
    TemplateRow { row, gpc_ref, sector, subsector, scope, key: None }
}

const fn tr_ne(
    row: u32,
    gpc_ref: Option<&'static str>,
    sector: &'static str,
    subsector: &'static str,
    scope: ScopeLabel,
) -> TemplateRow {
    TemplateRow { row, gpc_ref, sector, subsector, scope, key: Some(NotationKey::NotEstimated) }
}

use ScopeLabel::{Direct as D, Indirect as I, Outside as O};

/// The 67 template rows of `eCRF_3`, in order (templates.md §3.4).
pub const DETAIL_ROWS: [TemplateRow; 67] = [
    tr(2, Some("I.1.1"), STATIONARY, "Residential Buildings", D),
    tr(3, Some("I.1.2"), STATIONARY, "Residential Buildings", I),
    tr(4, Some("I.1.3"), STATIONARY, "Residential Buildings", O),
    tr(5, Some("I.2.1"), STATIONARY, "Commercial & Institutional buildings & facilities", D),
    tr(6, Some("I.2.2"), STATIONARY, "Commercial & Institutional buildings & facilities", I),
    tr(7, Some("I.2.3"), STATIONARY, "Commercial & Institutional buildings & facilities", O),
    tr(8, Some("I.3.1"), STATIONARY, "Industrial buildings & facilities", D),
    tr(9, Some("I.3.2"), STATIONARY, "Industrial buildings & facilities", I),
    tr(10, Some("I.3.3"), STATIONARY, "Industrial buildings & facilities", O),
    tr(11, Some("I.4.1"), STATIONARY, "Energy Industries", D),
    tr(12, Some("I.4.2"), STATIONARY, "Energy Industries", I),
    tr(13, Some("I.4.3"), STATIONARY, "Energy Industries", O),
    tr(14, Some("I.4.4"), GENERATION, "Electricity-only generation", D),
    tr(15, Some("I.4.4"), GENERATION, "CHP generation", D),
    tr(16, Some("I.4.4"), GENERATION, "Heat/cold generation", D),
    tr(17, Some("I.5.1"), STATIONARY, "Agriculture", D),
    tr(18, Some("I.5.2"), STATIONARY, "Agriculture", I),
    tr(19, Some("I.5.3"), STATIONARY, "Agriculture", O),
    tr(20, Some("I.6.1"), STATIONARY, "Non Specified Sources", D),
    tr(21, Some("I.6.2"), STATIONARY, "Non Specified Sources", I),
    tr(22, Some("I.6.3"), STATIONARY, "Non Specified Sources", O),
    tr(23, Some("I.7.1"), STATIONARY, "Fugitive emissions", D),
    tr(24, Some("I.8.1"), STATIONARY, "Fugitive emissions", D),
    tr(25, None, STATIONARY, "Fugitive emissions", O),
    tr(26, Some("II.1.1"), "Transportation", "On-road", D),
    tr(27, Some("II.1.2"), "Transportation", "On-road", I),
    tr(28, Some("II.1.3"), "Transportation", "On-road", O),
    tr(29, Some("II.2.1"), "Transportation", "Rail", D),
    tr(30, Some("II.2.2"), "Transportation", "Rail", I),
    tr(31, Some("II.2.3"), "Transportation", "Rail", O),
    tr(32, Some("II.3.1"), "Transportation", "Waterborne navigation", D),
    tr(33, Some("II.3.2"), "Transportation", "Waterborne navigation", I),
    tr(34, Some("II.3.3"), "Transportation", "Waterborne navigation", O),
    tr(35, Some("II.4.1"), "Transportation", "Aviation", D),
    tr(36, Some("II.4.2"), "Transportation", "Aviation", I),
    tr(37, Some("II.4.3"), "Transportation", "Aviation", O),
    tr(38, Some("II.5.1"), "Transportation", "Off-road", D),
    tr(39, Some("II.5.2"), "Transportation", "Off-road", I),
    tr(40, Some("II.5.3"), "Transportation", "Off-road", O),
    tr(41, Some("III.1.1"), "Waste", "Solid waste disposal", D),
    tr(42, Some("III.1.2"), "Waste", "Solid waste disposal", O),
    tr(43, Some("III.1.3"), "Waste", "Solid waste disposal", D),
    tr(44, Some("III.2.1"), "Waste", "Biological treatment", D),
    tr(45, Some("III.2.2"), "Waste", "Biological treatment", O),
    tr(46, Some("III.2.3"), "Waste", "Biological treatment", D),
    tr(47, Some("III.3.1"), "Waste", "Incineration and open burning", D),
    tr(48, Some("III.3.2"), "Waste", "Incineration and open burning", O),
    tr(49, Some("III.3.3"), "Waste", "Incineration and open burning", D),
    tr(50, Some("III.4.1"), "Waste", "Wastewater", D),
    tr(51, Some("III.4.2"), "Waste", "Wastewater", O),
    tr(52, Some("III.4.3"), "Waste", "Wastewater", D),
    tr(53, Some("IV.1"), "IPPU", "Industrial process", D),
    tr(54, None, "IPPU", "Industrial process", O),
    tr(55, Some("IV.2"), "IPPU", "Produce Use", D),
    tr(56, None, "IPPU", "Produce Use", O),
    tr(57, Some("V.1"), "AFOLU", "Livestock", D),
    tr(58, None, "AFOLU", "Livestock", O),
    tr(59, Some("V.2"), "AFOLU", "Land use", D),
    tr(60, None, "AFOLU", "Land use", O),
    tr(61, Some("V.3"), "AFOLU", "Other AFOLU", D),
    tr(62, None, "AFOLU", "Other AFOLU", O),
    tr_ne(63, None, GENERATION, "Electricity-only generation", O),
    tr_ne(64, None, GENERATION, "CHP generation", O),
    tr_ne(65, None, GENERATION, "Heat/cold generation", O),
    tr_ne(66, None, GENERATION, "Local renewable generation", O),
    tr_ne(67, None, GENERATION, "Local renewable generation", D),
    tr_ne(68, Some("VI.1"), "Out of scope", "Out of scope", O),
];

// ---------------------------------------------------------------------------------------------
// Comparing labels

/// A label as the reader compares it: every run of white space (spaces, non-breaking spaces,
/// tabs, line breaks) one space, no white space around it, lower case.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(|c: char| c.is_whitespace() || c == '\u{a0}').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Whether two labels are equal once [`normalize`]d.
pub fn same_label(a: &str, b: &str) -> bool {
    normalize(a) == normalize(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_rows_follow_the_template() {
        assert_eq!(MetaField::ALL.len(), 34);
        assert_eq!(MetaField::Webpage.row(), 34);
        assert_eq!(MetaField::Type.section(), None);
        assert_eq!(MetaField::CityName.section(), Some(MetaSection::Boundary));
        assert_eq!(MetaField::OtherInformation.section(), Some(MetaSection::Boundary));
        assert_eq!(MetaField::InventoryTool.section(), Some(MetaSection::Inventory));
        assert_eq!(MetaField::PlannedImprovements.section(), Some(MetaSection::Inventory));
        assert_eq!(MetaField::CompilerName.section(), Some(MetaSection::Contact));
        for s in MetaSection::ALL {
            let r = s.range();
            for f in MetaField::ALL {
                let inside = (r.first_row + 1..=r.last_row + 1).contains(&f.row());
                assert_eq!(inside, f.section() == Some(s), "{f:?}");
            }
        }
        assert_eq!(SummaryLine::ALL.len(), 31);
        assert_eq!(SummaryLine::Residential.row(), 4);
        assert_eq!(SummaryLine::TotalEmissions.row(), 34);
        assert_eq!(SummaryLine::TotalIppu.row(), 24);
        assert_eq!(SummaryLine::TotalAfolu.row(), 28);
        let totals: Vec<u32> =
            SummaryLine::ALL.iter().filter(|l| l.is_total()).map(|l| l.row()).collect();
        assert_eq!(totals, [10, 16, 21, 24, 28, 33, 34]);
        assert_eq!(DetailColumn::ALL.len(), 33);
        assert_eq!(column_name(DetailColumn::ConvOverride.col()), "AG");
        for (i, r) in DETAIL_ROWS.iter().enumerate() {
            assert_eq!(r.row, u32::try_from(i).unwrap() + 2);
        }
        assert_eq!(DETAIL_ROWS.iter().filter(|r| r.gpc_ref.is_none()).count(), 11);
    }

    #[test]
    fn fixed_cells_are_the_templates() {
        let mut cells = Vec::new();
        for l in SummaryLine::ALL {
            for s in ScopeLabel::ALL {
                if let Some(k) = l.fixed_key(*s) {
                    cells.push(format!("{}{}={}", column_name(s.key_col()), l.row(), k.code()));
                }
            }
        }
        assert_eq!(
            cells,
            [
                "C6=IE", "E6=IE", "G6=IE", "E9=NE", "G9=NE", "E22=NE", "G22=NE", "E23=NE",
                "G23=NE", "E25=NE", "G25=NE", "E26=NE", "G26=NE", "E27=NE", "G27=NE"
            ]
        );
    }

    #[test]
    fn names_and_normalisation() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(33, 27), "AB34");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(MetaSection::Boundary.range().a1(), "A2:A16");
        assert_eq!(SUMMARY_HEADERS[4].range.a1(), "H2:H3");
        assert!(same_label("  global\u{a0}WARMING  potential\n", MetaField::Gwp.label()));
        assert!(same_label(
            "Please explain your choice of GWP (if not AR4 or AR5)",
            MetaField::GwpExplanation.label()
        ));
        assert_eq!(ScopeLabel::parse(" direct\u{a0}EMISSIONS "), Some(ScopeLabel::Direct));
        assert_eq!(
            ScopeLabel::parse(SUMMARY_HEADERS[3].text.to_uppercase().as_str()),
            Some(ScopeLabel::Outside)
        );
        assert_eq!(ScopeLabel::parse("scope 4"), None);
    }
}
