//! Errors and warnings, in the manner of rust-csv: an [`Error`] is a kind ([`ErrorKind`]) and a
//! position ([`Position`]: which input, which line, which field, which value); a [`Warning`] is
//! a kind of its own. Both have a stable snake_case **code** and **parameters** (so that a front
//! end can render them in its own language, as the page does) and an English message.
//!
//! Messages are lower-case, without a trailing period, and name the offending value and what
//! was expected. Where the remedy depends on how the engine is called, the message speaks the
//! caller's terms ([`Terms`]): a file and its column for the batch format, a type and its field
//! for a program that links the library.

use std::fmt;

use rust_decimal::Decimal;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::codes::{DecimalSyntax, UnknownCode, clip};
use crate::country::Country;
use crate::taxonomy::{ActionKind, Approach, Carrier, GasBasis, Sector};

pub mod kinds;

/// In whose terms a message names the remedy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Terms {
    /// A program linking the library: types and their fields (`FactorOverride`).
    #[default]
    Library,
    /// The batch CSV format: files and their columns (`factors.csv`, column `factor`).
    Batch,
}

/// Which input a position is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Input {
    /// The inventories (`inventories.csv`, [`crate::InventorySpec`]).
    Inventories,
    /// The activity rows (`activity.csv`, [`crate::inventory::Activity`]).
    Activity,
    /// The user's factors (`factors.csv`, [`crate::inventory::FactorOverride`]).
    Factors,
    /// The local energy supply (`supply.csv`, [`crate::supply::SupplyRow`]).
    Supply,
    /// The actions of a plan (`actions.csv`, [`crate::plan::Action`]).
    Actions,
    /// The activity rows of CRF inventories (`crf_activity.csv`, [`crate::gpc::CrfActivity`]).
    CrfActivity,
}

/// Where a problem is: the input, the 1-based line (the `line` given with a typed row), and the
/// field (a column of the batch format, which is also the field's name in the typed input).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Position {
    /// The input, when known.
    pub input: Option<Input>,
    /// The line, when known.
    pub line: Option<u64>,
    /// The field or column, when known.
    pub field: Option<&'static str>,
}

/// A value that does not meet what its field expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// A year from 1990 to 2100.
    Year,
    /// A whole number of inhabitants of at least 1, digits only.
    Population,
    /// An efficiency above 0 and at most 1.
    Efficiency,
    /// A reduction in percent, above 0 and at most 100.
    ReductionPct,
    /// A number above 0.
    Positive,
    /// A number of at least 0.
    NonNegative,
    /// `yes`, `no` or empty.
    YesNo,
    /// A yearly growth in percent, above −100 and at most 100.
    GrowthPct,
}

impl Expected {
    /// The stable code of the expectation (a parameter of `invalid_value`).
    pub const fn code(self) -> &'static str {
        match self {
            Expected::Year => "year",
            Expected::Population => "population",
            Expected::Efficiency => "efficiency",
            Expected::ReductionPct => "reduction_pct",
            Expected::Positive => "positive",
            Expected::NonNegative => "non_negative",
            Expected::YesNo => "yes_no",
            Expected::GrowthPct => "growth_pct",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Expected::Year => "a year from 1990 to 2100",
            Expected::Population => {
                "a whole number of inhabitants of at least 1 (digits only, no separators)"
            }
            Expected::Efficiency => "an efficiency above 0 and at most 1",
            Expected::ReductionPct => "a reduction in percent, more than 0 and at most 100",
            Expected::Positive => "a number > 0",
            Expected::NonNegative => "a number >= 0",
            Expected::YesNo => "yes, no or empty (yes)",
            Expected::GrowthPct => "a yearly growth in percent, above -100 and at most 100",
        }
    }
}

/// Why a release has no factor for a carrier.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MissingReason {
    /// The national series of the country stops before or starts after the year.
    YearsOutside {
        /// The set (`jrc-neefe@2024.1`).
        set: String,
        /// Its first year for the country.
        first: u16,
        /// Its last year for the country.
        last: u16,
    },
    /// The set covers the country, but not with this approach and gas basis.
    NoSeries {
        /// The set.
        set: String,
    },
    /// No shipped set covers the country.
    NoCountry {
        /// The national set and the number of countries it covers.
        national: (String, usize),
        /// The partner set and the number of countries it covers.
        partner: (String, usize),
    },
    /// District heat/cold has no default factor (it depends on the local heat supply).
    DistrictHeat,
    /// "Other fossil fuels" has no default factor.
    OtherFossil,
    /// No verified CoM life-cycle factor for fuels exists.
    NoLcaFuel,
    /// The release has no factor for non-sustainable biomass of this carrier.
    NonSustainable,
    /// The fuel set has no such factor.
    NotInSet {
        /// The set.
        set: String,
    },
}

impl MissingReason {
    /// The stable code of the reason (a parameter of `missing_factor`).
    pub const fn code(&self) -> &'static str {
        match self {
            MissingReason::YearsOutside { .. } => "years_outside",
            MissingReason::NoSeries { .. } => "no_series",
            MissingReason::NoCountry { .. } => "no_country",
            MissingReason::DistrictHeat => "district_heat",
            MissingReason::OtherFossil => "other_fossil",
            MissingReason::NoLcaFuel => "no_lca_fuel",
            MissingReason::NonSustainable => "non_sustainable",
            MissingReason::NotInSet { .. } => "not_in_set",
        }
    }
}

/// What a unit was given for, and so which units fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnitContext {
    /// A carrier that is not a fuel: energy units only.
    Carrier(Carrier),
    /// An energy sector given emissions: energy units.
    EnergySector(Sector),
    /// A non-energy sector: tCO2 or tCO2e.
    NonEnergySector(Sector),
    /// Emissions in the other gas basis than the inventory's.
    GasBasis(GasBasis),
    /// A plant's fuel input: energy units or a fuel quantity.
    PlantFuel,
}

/// The energy units of the batch format, for messages.
const ENERGY_UNITS: &str = "MWh, kWh, GWh, GJ, TJ or toe";

/// "a" or "an" before an action kind's code.
fn article(kind: ActionKind) -> &'static str {
    if kind.code().starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// What went wrong. Every kind has a stable code ([`ErrorKind::code`]) and parameters
/// ([`ErrorKind::params`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    // ---- Numbers and units -----------------------------------------------------------------
    /// A number grew past what a 96-bit decimal holds.
    Overflow {
        /// What was being computed.
        what: String,
    },
    /// A negative emission factor.
    NegativeFactor {
        /// The value given.
        value: Decimal,
    },
    /// A negative activity amount.
    NegativeAmount {
        /// The value given.
        value: Decimal,
    },
    /// An amount larger than [`crate::quantity::MAX_AMOUNT`].
    AmountTooLarge {
        /// The value given.
        value: Decimal,
    },
    /// A cell that is not a plain decimal number.
    InvalidNumber(DecimalSyntax),
    /// A value outside what its field accepts.
    InvalidValue(Expected),
    /// A code (sector, carrier, unit, country …) that does not exist.
    UnknownCode(UnknownCode),
    /// A unit that cannot measure what it was given for.
    UnitMismatch {
        /// The unit given.
        unit: String,
        /// What it was given for.
        context: UnitContext,
    },
    /// `sustainable = no` on a carrier that is not biomass.
    NotBiomass {
        /// The carrier (`None` for a non-energy row).
        carrier: Option<Carrier>,
    },
    /// A fuel quantity needs a calorific value or density that is not known.
    MissingFuelProperty {
        /// The carrier.
        carrier: Carrier,
        /// The unit given.
        unit: String,
        /// `true` for the density, `false` for the net calorific value.
        density: bool,
        /// The release searched, or `None` for the user's own parameters.
        release: Option<String>,
    },
    /// NCV or density given for a carrier that is not a fuel.
    NotAFuel {
        /// The carrier.
        carrier: Carrier,
    },
    // ---- Sectors and carriers --------------------------------------------------------------
    /// An energy sector without a carrier.
    CarrierRequired {
        /// The sector.
        sector: Sector,
    },
    /// A carrier given for a non-energy sector.
    CarrierNotAllowed {
        /// The sector.
        sector: Sector,
        /// The carrier given.
        carrier: Carrier,
    },
    /// A transport sector with heat/cold, solar thermal or geothermal.
    TransportCarrier {
        /// The sector.
        sector: Sector,
        /// The carrier.
        carrier: Carrier,
    },
    // ---- Factors and releases --------------------------------------------------------------
    /// No factor exists for a carrier in the chosen release.
    MissingFactor {
        /// The carrier.
        carrier: Carrier,
        /// The inventory's country.
        country: Country,
        /// The inventory's year.
        year: u16,
        /// The approach.
        approach: Approach,
        /// The gas basis.
        gases: GasBasis,
        /// The release searched.
        release: String,
        /// Why there is none.
        reason: MissingReason,
    },
    /// A release id that is not in the catalogue.
    UnknownRelease {
        /// The id given.
        given: String,
        /// The ids available.
        available: Vec<String>,
    },
    /// An inventory names another release than the one it is computed with.
    ReleaseMismatch {
        /// The release the specification names.
        named: String,
        /// The release it was to be computed with.
        given: String,
    },
    /// A GWP set that the release does not have.
    UnknownGwp {
        /// The code given.
        given: String,
        /// The codes available.
        available: Vec<String>,
    },
    /// A GWP set on a release without per-gas factors.
    GwpNeedsPerGas {
        /// The release.
        release: String,
    },
    /// A GWP set on a CO2-only inventory.
    GwpNeedsCo2e,
    /// A GWP set on a life-cycle inventory.
    GwpNeedsIpcc,
    /// A user factor for the same carrier and inventory given twice.
    DuplicateFactor {
        /// The line of the first one.
        first_line: u64,
    },
    /// A malformed factor file.
    FactorData {
        /// The file (relative to the factor directory).
        file: String,
        /// The 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    // ---- Targets, baselines, trajectories --------------------------------------------------
    /// A target year not after the inventory year.
    TargetYearNotAfter {
        /// The target year.
        target_year: u16,
        /// The inventory (baseline) year.
        year: u16,
    },
    /// A reduction outside 0–100 %.
    ReductionOutOfRange {
        /// The reduction given.
        pct: Decimal,
    },
    /// A per-capita target, trajectory or comparison without the population it needs.
    PopulationRequired,
    /// A target with only one of target year and reduction.
    TargetIncomplete {
        /// The field that is missing.
        missing: &'static str,
    },
    /// Target options without a target.
    TargetOptionsWithoutTarget,
    /// A monitoring inventory without a baseline id.
    MonitoringNeedsBaseline,
    /// A baseline id that is not an inventory of the batch.
    BaselineNotFound {
        /// The id given.
        baseline: String,
    },
    /// An inventory named as its own baseline.
    OwnBaseline,
    /// A baseline that is itself a monitoring inventory.
    BaselineIsMonitoring {
        /// The id given.
        baseline: String,
    },
    /// The baseline has a per-capita target, and this inventory has no population.
    BaselineNeedsPopulation {
        /// The baseline.
        baseline: String,
    },
    /// The baseline could not be computed, so this inventory cannot be compared with it (a
    /// consequence of the baseline's own errors).
    BaselineFailed {
        /// The baseline.
        baseline: String,
    },
    // ---- Local supply ----------------------------------------------------------------------
    /// CHP reference efficiencies outside (0, 1].
    ChpEfficiency {
        /// The heat efficiency.
        heat: Decimal,
        /// The electricity efficiency.
        electricity: Decimal,
    },
    /// The local electricity factor needs the national one.
    NationalFactorRequired,
    /// The local heat factor needs heat/cold consumption.
    HeatConsumptionRequired,
    /// The local heat factor would be negative.
    NegativeHeatFactor {
        /// The emissions of the exported heat, t.
        exported_t: Decimal,
    },
    /// A fuel input given without all of carrier, amount and unit.
    FuelInputIncomplete,
    /// A supply item without a field it needs.
    SupplyFieldRequired {
        /// The item.
        item: &'static str,
        /// The field.
        field: &'static str,
    },
    /// A supply item given an output it does not have.
    SupplyNoOutput {
        /// The item.
        item: &'static str,
        /// `electricity` or `heat`.
        output: &'static str,
    },
    /// A fuel input on an item without one.
    SupplyNoFuel {
        /// The item.
        item: &'static str,
    },
    /// Both a fuel input and the emissions.
    SupplyFuelAndEmissions,
    // ---- Action plans ----------------------------------------------------------------------
    /// An action without a field its kind needs (`carrier`, `to_carrier`).
    ActionFieldRequired {
        /// The action's kind.
        kind: ActionKind,
        /// The field.
        field: &'static str,
    },
    /// An action with a field its kind does not take (`carrier`, `to_carrier`).
    ActionFieldNotAllowed {
        /// The action's kind.
        kind: ActionKind,
        /// The field.
        field: &'static str,
    },
    /// An energy action in a non-energy sector, or a direct reduction in an energy sector.
    ActionSector {
        /// The action's kind.
        kind: ActionKind,
        /// The sector.
        sector: Sector,
    },
    /// Local renewable production of a carrier other than electricity or heat/cold.
    RenewableCarrier {
        /// The carrier given.
        carrier: Carrier,
    },
    /// A fuel switch to the carrier it replaces.
    SwitchSameCarrier {
        /// The carrier.
        carrier: Carrier,
    },
    /// A unit that does not fit the action's kind.
    ActionUnit {
        /// The action's kind.
        kind: ActionKind,
        /// The unit given.
        unit: String,
    },
    /// An action ending before it starts.
    ActionYears {
        /// The start year.
        start: u16,
        /// The end year.
        end: u16,
    },
    /// An action starting before its baseline year.
    ActionBeforeBaseline {
        /// The start year.
        start: u16,
        /// The baseline year.
        year: u16,
    },
    /// An action given for a monitoring inventory (a plan belongs to a baseline).
    ActionOnMonitoring {
        /// The monitoring inventory's baseline, when it names one.
        baseline: Option<String>,
    },
    /// A target from business as usual without the growth rates of the projection.
    BauNeedsGrowth,
    /// An action id given twice for the same baseline.
    DuplicateAction {
        /// The line of the first.
        first_line: u64,
    },
    // ---- Ids and rows ----------------------------------------------------------------------
    // ---- CRF inventories ---------------------------------------------------------------------
    /// A GPC reference, sub-sector and scope that match several lines of the CRF.
    CrfLineAmbiguous {
        /// The references (or sub-sector codes) of the lines that match.
        candidates: Vec<String>,
    },
    /// A GPC reference whose line has another sub-sector or scope than the ones given.
    CrfLineConflict {
        /// The reference given.
        gpc_ref: String,
    },
    /// A CRF row without a GPC reference and without a sub-sector and scope.
    CrfLineMissing,
    /// A notation key on a row that also has numbers.
    CrfKeyWithValue {
        /// The key.
        key: &'static str,
    },
    /// A notation key without its explanation.
    CrfKeyNeedsExplanation {
        /// The key.
        key: &'static str,
    },
    /// Emission factors without an activity amount.
    CrfFactorWithoutActivity,
    /// An amount without its unit, or factors without theirs.
    CrfUnitRequired,
    /// A CRF row with neither a notation key, nor an activity, nor emissions.
    CrfNoData,
    /// A factor unit whose denominator cannot be converted to the activity's unit.
    CrfUnitMismatch {
        /// The activity unit.
        unit: String,
        /// The factor unit's denominator.
        per: String,
    },
    /// An activity without factors, whose fuel has no factor in the release.
    CrfNoFactor {
        /// The fuel or activity given.
        fuel: String,
        /// Why: `not_a_carrier`, `electricity_scope_1`, `no_grid_factor`, `district_heat`,
        /// `no_per_gas`.
        reason: &'static str,
    },
    /// A row or option of one framework given for an inventory of the other.
    WrongFramework {
        /// The inventory's framework (`secap` or `crf`).
        framework: &'static str,
    },
    /// A CRF inventory with `gases = co2`: the CRF reports CO2-equivalents.
    CrfNeedsCo2e,
    /// A monitoring inventory in another framework than its baseline.
    BaselineFramework {
        /// The baseline's id.
        baseline: String,
    },
    /// An empty inventory id.
    EmptyId,
    /// An inventory id given twice.
    DuplicateId {
        /// The line of the first.
        first_line: u64,
    },
    /// A row for an inventory that is not in the inventories.
    UnknownInventory {
        /// The nearest id, when one is close.
        suggestion: Option<String>,
    },
    /// An inventory without activity rows.
    NoRows {
        /// The inventory.
        id: String,
        /// The activity file, when there is one.
        file: Option<String>,
    },
    /// A text field beginning with a character a spreadsheet reads as a formula.
    FormulaText,
    /// A text field longer than a spreadsheet cell holds.
    TextTooLong {
        /// The limit, in characters.
        limit: usize,
    },
    // ---- Files -----------------------------------------------------------------------------
    /// An empty file.
    EmptyFile {
        /// The columns its header must name.
        required: Vec<&'static str>,
    },
    /// A header without rows.
    NoInventories,
    /// A required column is missing.
    MissingColumn {
        /// Every required column.
        required: Vec<&'static str>,
    },
    /// A column named twice.
    DuplicateColumn {
        /// The first position (1-based).
        first: usize,
        /// The second position (1-based).
        second: usize,
    },
    /// A row whose fields do not fit the header.
    RaggedRow {
        /// Its number of fields.
        fields: usize,
        /// The header's.
        width: usize,
    },
    /// A value under a column without a name.
    UnnamedValue {
        /// The field (1-based).
        field: usize,
    },
    /// A file that is not UTF-8.
    NotUtf8 {
        /// The field (1-based).
        field: usize,
    },
    /// A line longer than the limit ([`crate::batch::MAX_LINE_BYTES`]).
    LineTooLong {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The CSV syntax is broken (e.g. an unclosed quote).
    CsvSyntax {
        /// The reader's message.
        message: String,
    },
    /// A file could not be read.
    Unreadable {
        /// The system's message.
        message: String,
    },
}

/// Parameters of a message: names and values, in a stable order (a JSON object).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params(pub Vec<(&'static str, String)>);

impl Params {
    fn add(&mut self, name: &'static str, value: impl ToString) -> &mut Self {
        self.0.push((name, value.to_string()));
        self
    }

    /// The value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

fn supply_factor(terms: Terms) -> &'static str {
    match terms {
        Terms::Batch => "give one in factors.csv (column factor, t/MWh) with its source",
        Terms::Library => "give a FactorOverride for it with its source",
    }
}

impl ErrorKind {
    /// Every code, in the order of the enum.
    pub const CODES: &'static [&'static str] = &[
        "overflow",
        "negative_factor",
        "negative_amount",
        "amount_too_large",
        "invalid_number",
        "invalid_value",
        "unknown_code",
        "unit_mismatch",
        "not_biomass",
        "missing_fuel_property",
        "not_a_fuel",
        "carrier_required",
        "carrier_not_allowed",
        "transport_carrier",
        "missing_factor",
        "unknown_release",
        "release_mismatch",
        "unknown_gwp",
        "gwp_needs_per_gas",
        "gwp_needs_co2e",
        "gwp_needs_ipcc",
        "duplicate_factor",
        "factor_data",
        "target_year_not_after",
        "reduction_out_of_range",
        "population_required",
        "target_incomplete",
        "target_options_without_target",
        "monitoring_needs_baseline",
        "baseline_not_found",
        "own_baseline",
        "baseline_is_monitoring",
        "baseline_needs_population",
        "baseline_failed",
        "chp_efficiency",
        "national_factor_required",
        "heat_consumption_required",
        "negative_heat_factor",
        "fuel_input_incomplete",
        "supply_field_required",
        "supply_no_output",
        "supply_no_fuel",
        "supply_fuel_and_emissions",
        "action_field_required",
        "action_field_not_allowed",
        "action_sector",
        "renewable_carrier",
        "switch_same_carrier",
        "action_unit",
        "action_years",
        "action_before_baseline",
        "action_on_monitoring",
        "duplicate_action",
        "bau_needs_growth",
        "crf_line_ambiguous",
        "crf_line_conflict",
        "crf_line_missing",
        "crf_key_with_value",
        "crf_key_needs_explanation",
        "crf_factor_without_activity",
        "crf_unit_required",
        "crf_no_data",
        "crf_unit_mismatch",
        "crf_no_factor",
        "wrong_framework",
        "crf_needs_co2e",
        "baseline_framework",
        "empty_id",
        "duplicate_id",
        "unknown_inventory",
        "no_rows",
        "formula_text",
        "text_too_long",
        "empty_file",
        "no_inventories",
        "missing_column",
        "duplicate_column",
        "ragged_row",
        "unnamed_value",
        "not_utf8",
        "line_too_long",
        "csv_syntax",
        "unreadable",
    ];

    /// The stable code of this kind of error.
    pub const fn code(&self) -> &'static str {
        use ErrorKind::*;
        match self {
            Overflow { .. } => "overflow",
            NegativeFactor { .. } => "negative_factor",
            NegativeAmount { .. } => "negative_amount",
            AmountTooLarge { .. } => "amount_too_large",
            InvalidNumber(_) => "invalid_number",
            InvalidValue(_) => "invalid_value",
            UnknownCode(_) => "unknown_code",
            UnitMismatch { .. } => "unit_mismatch",
            NotBiomass { .. } => "not_biomass",
            MissingFuelProperty { .. } => "missing_fuel_property",
            NotAFuel { .. } => "not_a_fuel",
            CarrierRequired { .. } => "carrier_required",
            CarrierNotAllowed { .. } => "carrier_not_allowed",
            TransportCarrier { .. } => "transport_carrier",
            MissingFactor { .. } => "missing_factor",
            UnknownRelease { .. } => "unknown_release",
            ReleaseMismatch { .. } => "release_mismatch",
            UnknownGwp { .. } => "unknown_gwp",
            GwpNeedsPerGas { .. } => "gwp_needs_per_gas",
            GwpNeedsCo2e => "gwp_needs_co2e",
            GwpNeedsIpcc => "gwp_needs_ipcc",
            DuplicateFactor { .. } => "duplicate_factor",
            FactorData { .. } => "factor_data",
            TargetYearNotAfter { .. } => "target_year_not_after",
            ReductionOutOfRange { .. } => "reduction_out_of_range",
            PopulationRequired => "population_required",
            TargetIncomplete { .. } => "target_incomplete",
            TargetOptionsWithoutTarget => "target_options_without_target",
            MonitoringNeedsBaseline => "monitoring_needs_baseline",
            BaselineNotFound { .. } => "baseline_not_found",
            OwnBaseline => "own_baseline",
            BaselineIsMonitoring { .. } => "baseline_is_monitoring",
            BaselineNeedsPopulation { .. } => "baseline_needs_population",
            BaselineFailed { .. } => "baseline_failed",
            ChpEfficiency { .. } => "chp_efficiency",
            NationalFactorRequired => "national_factor_required",
            HeatConsumptionRequired => "heat_consumption_required",
            NegativeHeatFactor { .. } => "negative_heat_factor",
            FuelInputIncomplete => "fuel_input_incomplete",
            SupplyFieldRequired { .. } => "supply_field_required",
            SupplyNoOutput { .. } => "supply_no_output",
            SupplyNoFuel { .. } => "supply_no_fuel",
            SupplyFuelAndEmissions => "supply_fuel_and_emissions",
            ActionFieldRequired { .. } => "action_field_required",
            ActionFieldNotAllowed { .. } => "action_field_not_allowed",
            ActionSector { .. } => "action_sector",
            RenewableCarrier { .. } => "renewable_carrier",
            SwitchSameCarrier { .. } => "switch_same_carrier",
            ActionUnit { .. } => "action_unit",
            ActionYears { .. } => "action_years",
            ActionBeforeBaseline { .. } => "action_before_baseline",
            ActionOnMonitoring { .. } => "action_on_monitoring",
            DuplicateAction { .. } => "duplicate_action",
            BauNeedsGrowth => "bau_needs_growth",
            CrfLineAmbiguous { .. } => "crf_line_ambiguous",
            CrfLineConflict { .. } => "crf_line_conflict",
            CrfLineMissing => "crf_line_missing",
            CrfKeyWithValue { .. } => "crf_key_with_value",
            CrfKeyNeedsExplanation { .. } => "crf_key_needs_explanation",
            CrfFactorWithoutActivity => "crf_factor_without_activity",
            CrfUnitRequired => "crf_unit_required",
            CrfNoData => "crf_no_data",
            CrfUnitMismatch { .. } => "crf_unit_mismatch",
            CrfNoFactor { .. } => "crf_no_factor",
            WrongFramework { .. } => "wrong_framework",
            CrfNeedsCo2e => "crf_needs_co2e",
            BaselineFramework { .. } => "baseline_framework",
            EmptyId => "empty_id",
            DuplicateId { .. } => "duplicate_id",
            UnknownInventory { .. } => "unknown_inventory",
            NoRows { .. } => "no_rows",
            FormulaText => "formula_text",
            TextTooLong { .. } => "text_too_long",
            EmptyFile { .. } => "empty_file",
            NoInventories => "no_inventories",
            MissingColumn { .. } => "missing_column",
            DuplicateColumn { .. } => "duplicate_column",
            RaggedRow { .. } => "ragged_row",
            UnnamedValue { .. } => "unnamed_value",
            NotUtf8 { .. } => "not_utf8",
            LineTooLong { .. } => "line_too_long",
            CsvSyntax { .. } => "csv_syntax",
            Unreadable { .. } => "unreadable",
        }
    }

    /// The parameters a front end needs to render this error in its own words: codes,
    /// numbers and ids, never English text (except the messages of other libraries, in
    /// `message`).
    pub fn params(&self) -> Params {
        use ErrorKind::*;
        let mut p = Params::default();
        match self {
            Overflow { what } => {
                p.add("what", what);
            }
            NegativeFactor { value } | NegativeAmount { value } | AmountTooLarge { value } => {
                p.add("value", value);
            }
            InvalidNumber(s) => {
                p.add("reason", s.code());
            }
            InvalidValue(e) => {
                p.add("expected", e.code());
            }
            UnknownCode(u) => {
                p.add("kind", u.what).add("given", clip(&u.given, 60));
                if let Some(s) = u.suggestion {
                    p.add("suggestion", s);
                }
            }
            UnitMismatch { unit, context } => {
                p.add("unit", unit);
                match context {
                    UnitContext::Carrier(c) => p.add("context", "carrier").add("carrier", c),
                    UnitContext::EnergySector(s) => {
                        p.add("context", "energy_sector").add("sector", s)
                    }
                    UnitContext::NonEnergySector(s) => {
                        p.add("context", "non_energy_sector").add("sector", s)
                    }
                    UnitContext::GasBasis(g) => p.add("context", "gases").add("gases", g),
                    UnitContext::PlantFuel => p.add("context", "plant_fuel"),
                };
            }
            NotBiomass { carrier } => {
                p.add("carrier", carrier.map_or("", |c| c.code()));
            }
            MissingFuelProperty { carrier, unit, density, release } => {
                p.add("carrier", carrier).add("unit", unit);
                p.add("property", if *density { "density" } else { "ncv" });
                if let Some(r) = release {
                    p.add("release", r);
                }
            }
            NotAFuel { carrier } => {
                p.add("carrier", carrier);
            }
            CarrierRequired { sector } => {
                p.add("sector", sector);
            }
            CarrierNotAllowed { sector, carrier } | TransportCarrier { sector, carrier } => {
                p.add("sector", sector).add("carrier", carrier);
            }
            MissingFactor { carrier, country, year, approach, gases, release, reason } => {
                p.add("carrier", carrier).add("country", country).add("year", year);
                p.add("approach", approach).add("gases", gases).add("release", release);
                p.add("reason", reason.code());
                match reason {
                    MissingReason::YearsOutside { set, first, last } => {
                        p.add("set", set).add("first", first).add("last", last);
                    }
                    MissingReason::NoSeries { set } | MissingReason::NotInSet { set } => {
                        p.add("set", set);
                    }
                    MissingReason::NoCountry { national, partner } => {
                        p.add("national_set", &national.0).add("national_countries", national.1);
                        p.add("partner_set", &partner.0).add("partner_countries", partner.1);
                    }
                    _ => {}
                }
            }
            UnknownRelease { given, available } => {
                p.add("given", clip(given, 60)).add("available", available.join(", "));
            }
            ReleaseMismatch { named, given } => {
                p.add("named", named).add("given", given);
            }
            UnknownGwp { given, available } => {
                p.add("given", clip(given, 60)).add("available", available.join(", "));
            }
            GwpNeedsPerGas { release } => {
                p.add("release", release);
            }
            DuplicateFactor { first_line } | DuplicateId { first_line } => {
                p.add("first_line", first_line);
            }
            FactorData { file, line, message } => {
                p.add("file", file).add("line", line).add("message", message);
            }
            TargetYearNotAfter { target_year, year } => {
                p.add("target_year", target_year).add("year", year);
            }
            ReductionOutOfRange { pct } => {
                p.add("pct", pct);
            }
            TargetIncomplete { missing } => {
                p.add("missing", missing);
            }
            BaselineNotFound { baseline }
            | BaselineIsMonitoring { baseline }
            | BaselineNeedsPopulation { baseline }
            | BaselineFailed { baseline } => {
                p.add("baseline", clip(baseline, 60));
            }
            ChpEfficiency { heat, electricity } => {
                p.add("heat", heat).add("electricity", electricity);
            }
            NegativeHeatFactor { exported_t } => {
                p.add("exported_t", exported_t);
            }
            SupplyFieldRequired { item, field } => {
                p.add("item", item).add("field", field);
            }
            SupplyNoOutput { item, output } => {
                p.add("item", item).add("output", output);
            }
            SupplyNoFuel { item } => {
                p.add("item", item);
            }
            ActionFieldRequired { kind, field } | ActionFieldNotAllowed { kind, field } => {
                p.add("kind", kind).add("field", field);
            }
            ActionSector { kind, sector } => {
                p.add("kind", kind).add("sector", sector);
            }
            RenewableCarrier { carrier } | SwitchSameCarrier { carrier } => {
                p.add("carrier", carrier);
            }
            ActionUnit { kind, unit } => {
                p.add("kind", kind).add("unit", clip(unit, 20));
            }
            ActionYears { start, end } => {
                p.add("start", start).add("end", end);
            }
            ActionBeforeBaseline { start, year } => {
                p.add("start", start).add("year", year);
            }
            ActionOnMonitoring { baseline } => {
                if let Some(b) = baseline {
                    p.add("baseline", clip(b, 60));
                }
            }
            DuplicateAction { first_line } => {
                p.add("first_line", first_line);
            }
            CrfLineAmbiguous { candidates } => {
                p.add("candidates", candidates.join(", "));
            }
            CrfLineConflict { gpc_ref } => {
                p.add("gpc_ref", clip(gpc_ref, 20));
            }
            CrfKeyWithValue { key } | CrfKeyNeedsExplanation { key } => {
                p.add("key", key);
            }
            CrfUnitMismatch { unit, per } => {
                p.add("unit", clip(unit, 40)).add("per", clip(per, 40));
            }
            CrfNoFactor { fuel, reason } => {
                p.add("fuel", clip(fuel, 60)).add("reason", reason);
            }
            WrongFramework { framework } => {
                p.add("framework", framework);
            }
            BaselineFramework { baseline } => {
                p.add("baseline", clip(baseline, 60));
            }
            UnknownInventory { suggestion } => {
                if let Some(s) = suggestion {
                    p.add("suggestion", clip(s, 60));
                }
            }
            NoRows { id, .. } => {
                p.add("id", clip(id, 60));
            }
            EmptyFile { required } | MissingColumn { required } => {
                p.add("required", required.join(", "));
            }
            DuplicateColumn { first, second } => {
                p.add("first", first).add("second", second);
            }
            RaggedRow { fields, width } => {
                p.add("fields", fields).add("width", width);
            }
            LineTooLong { limit } | TextTooLong { limit } => {
                p.add("limit", limit);
            }
            UnnamedValue { field } | NotUtf8 { field } => {
                p.add("field", field);
            }
            CsvSyntax { message } | Unreadable { message } => {
                p.add("message", message);
            }
            GwpNeedsCo2e
            | GwpNeedsIpcc
            | PopulationRequired
            | TargetOptionsWithoutTarget
            | MonitoringNeedsBaseline
            | OwnBaseline
            | NationalFactorRequired
            | HeatConsumptionRequired
            | FuelInputIncomplete
            | SupplyFuelAndEmissions
            | BauNeedsGrowth
            | CrfLineMissing
            | CrfFactorWithoutActivity
            | CrfUnitRequired
            | CrfNoData
            | CrfNeedsCo2e
            | EmptyId
            | FormulaText
            | NoInventories => {}
        }
        p
    }

    /// The English message, with the remedy in the caller's terms.
    pub fn message(&self, terms: Terms) -> String {
        use ErrorKind::*;
        match self {
            Overflow { what } => {
                format!("arithmetic overflow in {what}: the amounts are too large to add up exactly")
            }
            NegativeFactor { value } => {
                format!("emission factor {value} is negative; expected a factor >= 0 in t/MWh")
            }
            NegativeAmount { value } => format!("amount {value} is negative; expected a number >= 0"),
            AmountTooLarge { value } => format!(
                "amount {value} is larger than the maximum 1000000000000000 accepted in one cell"
            ),
            InvalidNumber(s) => s.to_string(),
            InvalidValue(e) => format!("expected {}", e.describe()),
            UnknownCode(u) => u.to_string(),
            UnitMismatch { unit, context } => {
                let (what, expected) = match context {
                    UnitContext::Carrier(c) => (format!("carrier '{c}'"), ENERGY_UNITS.to_string()),
                    UnitContext::EnergySector(s) => {
                        (format!("energy sector '{s}'"), ENERGY_UNITS.to_string())
                    }
                    UnitContext::NonEnergySector(s) => (
                        format!("non-energy sector '{s}'"),
                        "tCO2 or tCO2e (emissions entered directly)".to_string(),
                    ),
                    UnitContext::GasBasis(g) => (
                        format!("an inventory reporting {} (gases = {g})", g.unit()),
                        match g {
                            GasBasis::Co2 => "tCO2",
                            GasBasis::Co2e => "tCO2e",
                        }
                        .to_string(),
                    ),
                    UnitContext::PlantFuel => (
                        "a plant's fuel input".to_string(),
                        format!("{ENERGY_UNITS} or a fuel quantity"),
                    ),
                };
                format!("unit '{unit}' does not fit {what}; expected {expected}")
            }
            NotBiomass { carrier } => format!(
                "unit 'sustainable = no' does not fit carrier '{}'; expected a biomass carrier (plant_oil, biofuel, other_biomass, biogas)",
                carrier.map_or("", |c| c.code())
            ),
            MissingFuelProperty { carrier, unit, density, release } => {
                let property = if *density { "density" } else { "net calorific value" };
                let whose = match release {
                    Some(r) if r.is_empty() => "the release".into(),
                    Some(r) => format!("release {r}"),
                    None => "the user's parameters".into(),
                };
                format!(
                    "cannot convert {unit} of '{carrier}' to energy: {whose} has no {property} for it; give the amount in MWh (or another energy unit)"
                )
            }
            NotAFuel { carrier } => {
                format!("'{carrier}' is not a fuel: it has no calorific value or density")
            }
            CarrierRequired { sector } => {
                format!("sector '{sector}' is an energy sector and needs a carrier")
            }
            CarrierNotAllowed { sector, carrier } => format!(
                "sector '{sector}' is a non-energy sector: leave the carrier empty and give emissions in tCO2 or tCO2e (got carrier '{carrier}')"
            ),
            TransportCarrier { sector, carrier } => format!(
                "transport sector '{sector}' cannot use carrier '{carrier}' (the JRC rejects transport with heat_cold, solar_thermal or geothermal)"
            ),
            MissingFactor { carrier, country, year, approach, gases, release, reason } => {
                let supply = supply_factor(terms);
                let why = match reason {
                    MissingReason::YearsOutside { set, first, last } => {
                        format!("{set} has {country} for {first}-{last} only; {supply}")
                    }
                    MissingReason::NoSeries { set } => {
                        format!("{set} has no {approach}/{gases} series for {country}; {supply}")
                    }
                    MissingReason::NoCountry { national, partner } => format!(
                        "no national factor for {country} is shipped ({} covers {} countries, {} {} more); {supply}",
                        national.0, national.1, partner.0, partner.1
                    ),
                    MissingReason::DistrictHeat => format!(
                        "district heat/cold has no default factor: it depends on the local heat supply (methodology: EFH); {supply}"
                    ),
                    MissingReason::OtherFossil => format!(
                        "'other fossil fuels' has no default factor (the fuel mix is not known); {supply}"
                    ),
                    MissingReason::NoLcaFuel => format!(
                        "no verified CoM LCA factor for fuels exists in any shipped set (a documented gap); {supply}"
                    ),
                    MissingReason::NonSustainable => format!(
                        "the release has no factor for non-sustainable {carrier} (com-2024.2 and later have); {}",
                        match terms {
                            Terms::Batch => "give one in factors.csv",
                            Terms::Library => "give a FactorOverride for it",
                        }
                    ),
                    MissingReason::NotInSet { set } => format!("{set} has no such factor; {supply}"),
                };
                format!(
                    "no {gases} emission factor for carrier '{carrier}' ({approach} approach, {country} {year}) in release {release}: {why}"
                )
            }
            UnknownRelease { given, available } => format!(
                "unknown factor-set release '{}'; available: {}",
                clip(given, 60),
                available.join(", ")
            ),
            ReleaseMismatch { named, given } => format!(
                "the inventory names release {named} but was to be computed with release {given}; pass that release (Catalog::release) or leave the inventory's release empty"
            ),
            UnknownGwp { available, .. } => {
                format!("unknown GWP set; expected one of {}", available.join(", "))
            }
            GwpNeedsPerGas { release } => {
                format!("release {release} has no per-gas factors (com-2024.2 and later have)")
            }
            GwpNeedsCo2e => "a GWP set applies to CO2-eq inventories (gases = co2e)".into(),
            GwpNeedsIpcc => "per-gas factors are IPCC (direct) factors: use approach = ipcc".into(),
            DuplicateFactor { first_line } => {
                format!("a factor for this carrier and inventory is already given on line {first_line}")
            }
            FactorData { file, line, message } => format!("{file}:{line}: {message}"),
            TargetYearNotAfter { target_year, year } => {
                format!("the target year {target_year} must be after the inventory year {year}")
            }
            ReductionOutOfRange { pct } => format!("target reduction {pct} % is outside 0-100 %"),
            PopulationRequired => {
                "a per-capita target needs the population of the inventory year".into()
            }
            TargetIncomplete { .. } => {
                "target_year and target_reduction_pct go together: give both or neither".into()
            }
            TargetOptionsWithoutTarget => {
                "a target needs target_year and target_reduction_pct".into()
            }
            MonitoringNeedsBaseline => {
                "a monitoring inventory needs the inventory_id of its baseline".into()
            }
            BaselineNotFound { baseline } => {
                format!("baseline '{}' is not an inventory of this file", clip(baseline, 60))
            }
            OwnBaseline => "an inventory cannot be its own baseline".into(),
            BaselineIsMonitoring { baseline } => format!(
                "baseline '{}' is itself a monitoring inventory; monitoring inventories refer to a baseline (kind = baseline)",
                clip(baseline, 60)
            ),
            BaselineNeedsPopulation { baseline } => format!(
                "baseline '{}' has a per-capita target, so this inventory needs a population",
                clip(baseline, 60)
            ),
            BaselineFailed { baseline } => format!(
                "baseline '{}' could not be computed (see its errors), so this inventory cannot be compared with it",
                clip(baseline, 60)
            ),
            ChpEfficiency { heat, electricity } => format!(
                "CHP reference efficiencies must be in (0, 1]; got heat {heat} and electricity {electricity}"
            ),
            NationalFactorRequired => {
                "the national electricity factor is needed for the local electricity factor".into()
            }
            HeatConsumptionRequired => {
                "the local heat factor needs heat/cold consumption (LHC > 0)".into()
            }
            NegativeHeatFactor { exported_t } => format!(
                "the local heat factor would be negative: exported heat emissions ({exported_t} t) exceed local production and imports"
            ),
            FuelInputIncomplete => "a fuel input needs carrier, amount and unit together".into(),
            SupplyFieldRequired { field, .. } => format!(
                "{} is required for this item",
                match *field {
                    "electricity_mwh" => "the electricity produced or purchased (MWh)",
                    "heat_mwh" => "the heat produced (MWh)",
                    _ => "the emissions of the heat imported or exported (t)",
                }
            ),
            SupplyNoOutput { item, output } => format!("item '{item}' has no {output} output"),
            SupplyNoFuel { item } => format!("item '{item}' has no fuel input; give emissions_t"),
            SupplyFuelAndEmissions => "give either a fuel input or the emissions, not both".into(),
            ActionFieldRequired { kind, field: "to_carrier" } => format!(
                "{} {kind} action needs to_carrier: the carrier that replaces the one it saves",
                article(*kind)
            ),
            ActionFieldRequired { kind, field } => format!(
                "{} {kind} action needs {field}: the energy carrier it saves, produces or replaces",
                article(*kind)
            ),
            ActionFieldNotAllowed { kind, field } => {
                format!("{} {kind} action takes no {field}; leave it empty", article(*kind))
            }
            ActionSector { kind: ActionKind::DirectReduction, sector } => format!(
                "a direct_reduction action is for the non-energy sectors (waste, wastewater, other_non_energy), not {sector}: for energy use energy_saving, local_renewable or fuel_switch"
            ),
            ActionSector { kind, sector } => format!(
                "{} {kind} action acts on energy use, and {sector} is a non-energy sector: use direct_reduction with t per year",
                article(*kind)
            ),
            RenewableCarrier { carrier } => format!(
                "local renewable production replaces electricity or heat_cold from the grid, not {carrier}: for a fuel replaced by another use fuel_switch"
            ),
            SwitchSameCarrier { carrier } => {
                format!("a fuel switch from {carrier} to {carrier} changes nothing; give another to_carrier")
            }
            ActionUnit { kind: ActionKind::DirectReduction, unit } => format!(
                "unit '{}' does not fit a direct_reduction action: give t per year (tCO2 or tCO2e, as the inventory's gases)",
                clip(unit, 20)
            ),
            ActionUnit { kind, unit } => format!(
                "unit '{}' does not fit {} {kind} action: give the energy per year in {ENERGY_UNITS}",
                clip(unit, 20),
                article(*kind)
            ),
            ActionYears { start, end } => {
                format!("end_year {end} is before start_year {start}")
            }
            ActionBeforeBaseline { start, year } => format!(
                "start_year {start} is before the baseline year {year}: an action of the plan starts in or after its baseline year"
            ),
            ActionOnMonitoring { baseline: Some(b) } => format!(
                "a plan belongs to a baseline inventory and this one is a monitoring inventory: give the actions to its baseline '{}'",
                clip(b, 60)
            ),
            ActionOnMonitoring { baseline: None } => {
                "a plan belongs to a baseline inventory and this one is a monitoring inventory".into()
            }
            DuplicateAction { first_line } => format!(
                "duplicate action id for this baseline (first defined on line {first_line})"
            ),
            BauNeedsGrowth => match terms {
                Terms::Batch => "a target from business as usual (target_kind = bau) needs population_growth_pct or activity_growth_pct".into(),
                Terms::Library => "a target from business as usual (TargetKind::Bau) needs the growth rates of InventorySpec::bau".into(),
            },
            CrfLineAmbiguous { candidates } => format!(
                "this names several lines of the CRF ({}); give the GPC reference of one (and for I.4.4 the sub-sector)",
                candidates.join(", ")
            ),
            CrfLineConflict { gpc_ref } => format!(
                "GPC reference '{}' is a line of another sub-sector or scope than the ones given; give only the reference, or a matching sub-sector and scope",
                clip(gpc_ref, 20)
            ),
            CrfLineMissing => match terms {
                Terms::Batch => "a CRF row needs gpc_ref, or crf_subsector and scope".into(),
                Terms::Library => "a CrfActivity needs a line: use gpc::taxonomy::find_line".into(),
            },
            CrfKeyWithValue { key } => format!(
                "notation key {key} says there is no number here, but the row has an amount, factors or emissions; give either the key or the numbers"
            ),
            CrfKeyNeedsExplanation { key } => format!(
                "notation key {key} needs an explanation (the GCoM accepts a notation key only with one)"
            ),
            CrfFactorWithoutActivity => {
                "emission factors without an activity amount; give the amount and its unit, or the emissions".into()
            }
            CrfUnitRequired => {
                "a unit is missing: an amount needs its unit, and factors need factor_unit (such as kg/TJ or gCO2e/MJ)".into()
            }
            CrfNoData => {
                "the row has no number and no notation key; give an amount with factors, the emissions, or a notation key with its explanation".into()
            }
            CrfUnitMismatch { unit, per } => format!(
                "the factors are per {} but the amount is in {}: give both in one kind of unit (energy, volume, mass), or a fuel that is a carrier code so that its calorific value and density convert it",
                clip(per, 40),
                clip(unit, 40)
            ),
            CrfNoFactor { fuel, reason } => {
                let why = match *reason {
                    "not_a_carrier" => "it is not a carrier code, so the release has no factor for it",
                    "electricity_direct" => "electricity bought from the grid is scope 2 (or 3 for losses)",
                    "no_grid_factor" => "the release has no grid factor for the country, year and approach",
                    "district_heat" => "district heat has no default factor",
                    _ => "the release has no per-gas factors for it",
                };
                format!(
                    "no emission factor for '{}': {why}; give the row's factors (co2_factor, ch4_factor, n2o_factor or co2e_factor with factor_unit) or its emissions",
                    clip(fuel, 60)
                )
            }
            WrongFramework { framework: "crf" } => match terms {
                Terms::Batch => "this inventory's framework is crf: its rows go in crf_activity.csv (by GPC reference), not here".into(),
                Terms::Library => "this inventory's framework is CRF: give its rows as gpc::CrfActivity".into(),
            },
            WrongFramework { .. } => match terms {
                Terms::Batch => "this inventory's framework is secap: CRF rows need an inventory with framework = crf".into(),
                Terms::Library => "this inventory's framework is SECAP: CRF rows need Framework::Crf".into(),
            },
            CrfNeedsCo2e => "a CRF inventory reports CO2-equivalents: leave gases empty or give co2e".into(),
            BaselineFramework { baseline } => format!(
                "baseline '{}' is in another framework (SECAP or CRF): a monitoring inventory is compared with a baseline of its own framework",
                clip(baseline, 60)
            ),
            EmptyId => "the inventory id is empty; expected a unique non-empty key".into(),
            DuplicateId { first_line } => {
                format!("duplicate inventory id (first defined on line {first_line})")
            }
            UnknownInventory { suggestion } => {
                let hint = suggestion
                    .as_ref()
                    .map(|s| format!(" (did you mean '{}'?)", clip(s, 60)))
                    .unwrap_or_default();
                match terms {
                    Terms::Batch => format!("no inventory with this id in the inventories file{hint}"),
                    Terms::Library => format!("no inventory with this id{hint}"),
                }
            }
            NoRows { id, file } => match (terms, file) {
                (Terms::Batch, Some(f)) => {
                    format!("inventory '{}' has no rows in {}", clip(id, 60), clip(f, 200))
                }
                _ => format!("inventory '{}' has no activity rows", clip(id, 60)),
            },
            TextTooLong { limit } => format!(
                "the text is longer than {limit} characters, the most a spreadsheet cell holds; shorten it"
            ),
            FormulaText => "a text field must not begin with '=', '+', '-', '@', a tab or a carriage return: a spreadsheet would read it as a formula; remove or change the first character".into(),
            EmptyFile { required } => {
                format!("the file is empty; expected a header row naming {}", required.join(", "))
            }
            NoInventories => "the file has a header but no inventories".into(),
            MissingColumn { required } => {
                format!("missing required column; the header must name {}", required.join(", "))
            }
            DuplicateColumn { first, second } => {
                format!("duplicate column (columns {first} and {second})")
            }
            RaggedRow { fields, width } => format!(
                "the row has {fields} fields but the header has {width}; check delimiters (',') and quoting"
            ),
            UnnamedValue { field } => format!(
                "field {field} has a value but its column has no name in the header; name the column or remove the value"
            ),
            NotUtf8 { field } => format!(
                "the file is not valid UTF-8 (field {field}); save it as UTF-8 (a byte-order mark is accepted)"
            ),
            LineTooLong { limit } => format!(
                "the line is longer than {limit} bytes, the longest accepted; the rest of the file is not read (is it a CSV file with line breaks?)"
            ),
            CsvSyntax { message } => message.clone(),
            Unreadable { message } => format!("cannot read the file: {message}"),
        }
    }

    /// Whether this error is only the consequence of another one (it is listed after the
    /// others, so that a cause is read before its effects).
    pub const fn is_consequence(&self) -> bool {
        matches!(self, ErrorKind::BaselineFailed { .. })
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Terms::Library))
    }
}

/// An error of the engine: a kind, and where it is.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    position: Position,
    value: Option<String>,
}

impl Error {
    /// An error without a position.
    pub fn new(kind: ErrorKind) -> Error {
        Error(Box::new(Inner { kind, position: Position::default(), value: None }))
    }

    pub(crate) fn overflow(what: impl Into<String>) -> Error {
        Error::new(ErrorKind::Overflow { what: what.into() })
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The kind, consuming the error.
    pub fn into_kind(self) -> ErrorKind {
        self.0.kind
    }

    /// Where it went wrong.
    pub fn position(&self) -> &Position {
        &self.0.position
    }

    /// The offending value, when there is one.
    pub fn value(&self) -> Option<&str> {
        self.0.value.as_deref()
    }

    /// The stable code ([`ErrorKind::code`]).
    pub fn code(&self) -> &'static str {
        self.0.kind.code()
    }

    /// This error in the given input.
    #[must_use]
    pub fn in_input(mut self, input: Input) -> Error {
        self.0.position.input = Some(input);
        self
    }

    /// This error at a line (kept when `None`).
    #[must_use]
    pub fn at_line(mut self, line: Option<u64>) -> Error {
        if line.is_some() {
            self.0.position.line = line;
        }
        self
    }

    /// This error in a field, with the offending value (an empty value is none).
    #[must_use]
    pub fn in_field(mut self, field: &'static str, value: impl Into<String>) -> Error {
        self.0.position.field = Some(field);
        let v: String = value.into();
        self.0.value = (!v.is_empty()).then_some(v);
        self
    }

    /// The message in the caller's terms, without the position.
    pub fn message(&self, terms: Terms) -> String {
        self.0.kind.message(terms)
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Error {
        Error::new(kind)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("position", &self.0.position)
            .field("value", &self.0.value)
            .finish()
    }
}

impl fmt::Display for Error {
    /// `line 12, amount '-5': amount -5 is negative; …` (the parts that are known).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.0.position;
        let mut sep = false;
        if let Some(l) = p.line {
            write!(f, "line {l}")?;
            sep = true;
        }
        if let Some(field) = p.field {
            if sep {
                f.write_str(", ")?;
            }
            match &self.0.value {
                Some(v) => write!(f, "{field} '{}'", clip(v, 60))?,
                None => f.write_str(field)?,
            }
            sep = true;
        }
        if sep {
            f.write_str(": ")?;
        }
        f.write_str(&self.0.kind.message(Terms::Library))
    }
}

impl std::error::Error for Error {}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something the user should know about a result that is still complete. Every kind has a
/// stable code ([`Warning::code`]) and parameters ([`Warning::params`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Warning {
    /// A column the format does not know.
    UnknownColumn {
        /// Its name.
        name: String,
        /// The nearest known name, when one is close.
        suggestion: Option<&'static str>,
    },
    /// Header columns without a name.
    UnnamedColumns {
        /// Their positions (1-based).
        columns: Vec<usize>,
    },
    /// `baseline_id` on a baseline inventory.
    BaselineIdIgnored,
    /// A key sector of the CoM without activity data.
    MissingKeySector {
        /// The sector.
        sector: Sector,
    },
    /// A factor from a set that is not a Covenant of Mayors set.
    NonComFactor {
        /// The carrier.
        carrier: Carrier,
        /// The inventory's country.
        country: Country,
        /// The set.
        set: String,
    },
    /// A factor its set flags as suspect.
    SuspectFactor {
        /// The carrier.
        carrier: Carrier,
        /// The set.
        set: String,
        /// The set's note.
        note: String,
    },
    /// A user factor for a carrier whose local factor the supply rows would give.
    LocalFactorOverridden {
        /// `electricity` or `heat_cold`.
        carrier: Carrier,
    },
    /// Heat supply rows, but no heat/cold consumed.
    HeatSupplyUnused,
    /// Monitoring and baseline inventories on different approaches.
    ApproachDiffers {
        /// The monitoring inventory's.
        monitoring: Approach,
        /// The baseline's.
        baseline: Approach,
    },
    /// Monitoring and baseline inventories on different gas bases.
    GasesDiffer {
        /// The monitoring inventory's.
        monitoring: GasBasis,
        /// The baseline's.
        baseline: GasBasis,
    },
    /// Monitoring and baseline inventories on different releases.
    ReleaseDiffers {
        /// The monitoring inventory's.
        monitoring: String,
        /// The baseline's.
        baseline: String,
    },
    /// The effect of the release difference on the total.
    OtherReleaseTotal {
        /// The baseline's release.
        release: String,
        /// The total with it, t.
        total_t: Decimal,
        /// The total with the inventory's own release, t.
        own_t: Decimal,
        /// `total_t − own_t`.
        difference_t: Decimal,
    },
    /// The inventory cannot be computed with its baseline's release.
    OtherReleaseFails {
        /// The baseline's release.
        release: String,
        /// The error's code.
        reason: &'static str,
        /// The error's message.
        message: String,
    },
    /// A monitoring year before its baseline year.
    MonitoringBeforeBaseline {
        /// The monitoring year.
        year: u16,
        /// The baseline year.
        baseline_year: u16,
    },
    /// A monitoring year after the target year: it is compared with the target itself.
    AfterTargetYear {
        /// The monitoring year.
        year: u16,
        /// The target year.
        target_year: u16,
    },
    /// The progress on the trajectory cannot be computed.
    ProgressUnavailable {
        /// The error's code.
        reason: &'static str,
        /// The error's message.
        message: String,
    },
    /// A percentage too large for a decimal (the baseline is nearly zero): left empty.
    PercentTooLarge {
        /// Which percentage (`change_vs_baseline_pct`, `distance_pct`).
        what: &'static str,
    },
    /// An electricity cell whose consumption per inhabitant is above the highest national
    /// consumption per inhabitant in the world: most likely kWh entered as MWh
    /// ([`crate::plausibility`]).
    PerCapitaMagnitude {
        /// The sector.
        sector: Sector,
        /// The carrier.
        carrier: Carrier,
        /// The cell's first input line (activity).
        line: Option<u64>,
        /// MWh per inhabitant.
        value: Decimal,
        /// The bound, MWh per inhabitant.
        max: Decimal,
    },
    /// The inventory's electricity consumption per inhabitant (no single cell is) above the
    /// highest national consumption per inhabitant in the world ([`crate::plausibility`]).
    ElectricityPerCapita {
        /// MWh per inhabitant.
        value: Decimal,
        /// The bound, MWh per inhabitant.
        max: Decimal,
    },
    /// A cell of a monitoring inventory and the same cell of its baseline differ by a factor
    /// near 1,000 or more: most likely a unit confused (kWh, MWh, GWh) ([`crate::plausibility`]).
    BaselineMagnitude {
        /// The sector.
        sector: Sector,
        /// The carrier.
        carrier: Carrier,
        /// The cell's first input line (activity).
        line: Option<u64>,
        /// The cell, MWh.
        value: Decimal,
        /// The baseline's id.
        baseline: String,
        /// The baseline's cell, MWh.
        baseline_value: Decimal,
        /// The larger of the two over the smaller.
        factor: Decimal,
        /// The factor from which the warning is given.
        max: Decimal,
    },
    /// The total energy changed by more than the JRC's 70 % from the baseline's
    /// ([`crate::plausibility`]).
    EnergyChange {
        /// The baseline's id.
        baseline: String,
        /// The change, percent.
        change_pct: Decimal,
        /// The largest change expected, percent.
        max_pct: Decimal,
    },
    /// A cell other than electricity whose energy per inhabitant is above the highest national
    /// primary energy consumption per inhabitant ([`crate::plausibility`]).
    EnergyCellPerCapita {
        /// The sector.
        sector: Sector,
        /// The carrier.
        carrier: Carrier,
        /// The cell's first input line (activity).
        line: Option<u64>,
        /// MWh per inhabitant.
        value: Decimal,
        /// The bound, MWh per inhabitant.
        max: Decimal,
    },
    /// The inventory's energy per inhabitant (industry apart; no single cell is) above the
    /// highest national primary energy consumption per inhabitant ([`crate::plausibility`]).
    EnergyPerCapita {
        /// MWh per inhabitant.
        value: Decimal,
        /// The bound, MWh per inhabitant.
        max: Decimal,
    },
    /// The electricity factor changed from the baseline's by more than 1.5 times the change of the
    /// national factor ([`crate::plausibility`]).
    ElectricityFactorJump {
        /// The inventory's electricity factor, t/MWh.
        factor: Decimal,
        /// The baseline's, t/MWh.
        baseline_factor: Decimal,
        /// The release's national factor for the inventory, t/MWh.
        national: Decimal,
        /// The release's national factor for the baseline, t/MWh.
        baseline_national: Decimal,
        /// `(factor / baseline_factor) / (national / baseline_national)`.
        ratio: Decimal,
        /// The largest ratio expected (and its reciprocal the smallest).
        max: Decimal,
    },
    /// The population changed by more than 30 % from the baseline's ([`crate::plausibility`]).
    PopulationChange {
        /// The baseline's id.
        baseline: String,
        /// The change, percent.
        change_pct: Decimal,
        /// The largest change expected, percent.
        max_pct: Decimal,
    },
    /// Numbers of a CRF row that disagree by more than the eCRF's tolerance (0.5 %): emissions
    /// entered beside activity × factors, a total beside its gases, a CO2-eq factor beside the
    /// per-gas factors under the GWP set ([`crate::gpc`]).
    CrfMismatch {
        /// `emissions_vs_activity`, `total_vs_gases` or `factor_vs_gases`.
        what: &'static str,
        /// The value given.
        given: Decimal,
        /// The value computed from the others.
        computed: Decimal,
        /// The row's input line.
        line: Option<u64>,
    },
    /// A user factor of a fuel below half the release's value ([`crate::plausibility`]).
    UserFactorLow {
        /// The carrier.
        carrier: Carrier,
        /// The factor's input line (factors).
        line: Option<u64>,
        /// The user's factor, t/MWh.
        factor: Decimal,
        /// The release's factor, t/MWh.
        release_factor: Decimal,
        /// The smallest factor expected, t/MWh.
        min: Decimal,
    },
    /// A user factor above twice the release's value for the carrier ([`crate::plausibility`]).
    UserFactorHigh {
        /// The carrier.
        carrier: Carrier,
        /// The factor's input line (factors).
        line: Option<u64>,
        /// The user's factor, t/MWh.
        factor: Decimal,
        /// The release's factor, t/MWh.
        release_factor: Decimal,
        /// The largest factor expected, t/MWh.
        max: Decimal,
    },
    /// The plan's actions concerning more energy than the baseline consumes where they act,
    /// added up to this action: the cell (sector, carrier) for savings and switches, the carrier
    /// in all sectors for local production ([`crate::plan`]).
    ActionExceedsBaseline {
        /// The action's id.
        action: String,
        /// The action's kind.
        kind: ActionKind,
        /// The sector.
        sector: Sector,
        /// The carrier.
        carrier: Carrier,
        /// The action's input line.
        line: Option<u64>,
        /// The energy of the plan's actions there up to this one, MWh per year.
        value: Decimal,
        /// What the baseline consumes there, MWh.
        baseline_value: Decimal,
    },
    /// An action that has no effect by the target year ([`crate::plan`]).
    ActionAfterTarget {
        /// The action's id.
        action: String,
        /// The action's input line.
        line: Option<u64>,
        /// Its start year.
        start: u16,
        /// The target year.
        target_year: u16,
    },
    /// A plan for a baseline without a target: no reduction in a target year and no gap.
    PlanWithoutTarget,
    /// A plan for a per-capita target without the target-year population: no gap in t.
    PlanNeedsTargetPopulation,
    /// More diagnostics than are listed.
    MoreNotListed {
        /// How many more.
        count: u64,
        /// `errors` or `warnings`.
        what: &'static str,
        /// How many are listed at most.
        limit: usize,
    },
}

impl Warning {
    /// Every code, in the order of the enum.
    pub const CODES: &'static [&'static str] = &[
        "unknown_column",
        "unnamed_columns",
        "baseline_id_ignored",
        "missing_key_sector",
        "non_com_factor",
        "suspect_factor",
        "local_factor_overridden",
        "heat_supply_unused",
        "approach_differs",
        "gases_differ",
        "release_differs",
        "other_release_total",
        "other_release_fails",
        "monitoring_before_baseline",
        "after_target_year",
        "progress_unavailable",
        "percent_too_large",
        "magnitude_per_capita",
        "electricity_per_capita",
        "magnitude_vs_baseline",
        "energy_change",
        "user_factor_high",
        "magnitude_energy_per_capita",
        "energy_per_capita",
        "user_factor_low",
        "electricity_factor_jump",
        "population_change",
        "crf_mismatch",
        "action_exceeds_baseline",
        "action_after_target",
        "plan_without_target",
        "plan_needs_target_population",
        "more_not_listed",
    ];

    /// The stable code of this kind of warning.
    pub const fn code(&self) -> &'static str {
        use Warning::*;
        match self {
            UnknownColumn { .. } => "unknown_column",
            UnnamedColumns { .. } => "unnamed_columns",
            BaselineIdIgnored => "baseline_id_ignored",
            MissingKeySector { .. } => "missing_key_sector",
            NonComFactor { .. } => "non_com_factor",
            SuspectFactor { .. } => "suspect_factor",
            LocalFactorOverridden { .. } => "local_factor_overridden",
            HeatSupplyUnused => "heat_supply_unused",
            ApproachDiffers { .. } => "approach_differs",
            GasesDiffer { .. } => "gases_differ",
            ReleaseDiffers { .. } => "release_differs",
            OtherReleaseTotal { .. } => "other_release_total",
            OtherReleaseFails { .. } => "other_release_fails",
            MonitoringBeforeBaseline { .. } => "monitoring_before_baseline",
            AfterTargetYear { .. } => "after_target_year",
            ProgressUnavailable { .. } => "progress_unavailable",
            PercentTooLarge { .. } => "percent_too_large",
            PerCapitaMagnitude { .. } => "magnitude_per_capita",
            ElectricityPerCapita { .. } => "electricity_per_capita",
            BaselineMagnitude { .. } => "magnitude_vs_baseline",
            EnergyChange { .. } => "energy_change",
            UserFactorHigh { .. } => "user_factor_high",
            EnergyCellPerCapita { .. } => "magnitude_energy_per_capita",
            EnergyPerCapita { .. } => "energy_per_capita",
            UserFactorLow { .. } => "user_factor_low",
            ElectricityFactorJump { .. } => "electricity_factor_jump",
            PopulationChange { .. } => "population_change",
            CrfMismatch { .. } => "crf_mismatch",
            ActionExceedsBaseline { .. } => "action_exceeds_baseline",
            ActionAfterTarget { .. } => "action_after_target",
            PlanWithoutTarget => "plan_without_target",
            PlanNeedsTargetPopulation => "plan_needs_target_population",
            MoreNotListed { .. } => "more_not_listed",
        }
    }

    /// The parameters a front end needs to render this warning in its own words.
    pub fn params(&self) -> Params {
        use crate::quantity::format_decimal as fd;
        use Warning::*;
        let mut p = Params::default();
        match self {
            UnknownColumn { name, suggestion } => {
                p.add("name", clip(name, 60));
                if let Some(s) = suggestion {
                    p.add("suggestion", s);
                }
            }
            UnnamedColumns { columns } => {
                p.add(
                    "columns",
                    columns.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
                );
            }
            MissingKeySector { sector } => {
                p.add("sector", sector);
            }
            NonComFactor { carrier, country, set } => {
                p.add("carrier", carrier).add("country", country).add("set", set);
            }
            SuspectFactor { carrier, set, note } => {
                p.add("carrier", carrier).add("set", set).add("note", note);
            }
            LocalFactorOverridden { carrier } => {
                p.add("carrier", carrier);
            }
            ApproachDiffers { monitoring, baseline } => {
                p.add("monitoring", monitoring).add("baseline", baseline);
            }
            GasesDiffer { monitoring, baseline } => {
                p.add("monitoring", monitoring).add("baseline", baseline);
            }
            ReleaseDiffers { monitoring, baseline } => {
                p.add("monitoring", monitoring).add("baseline", baseline);
            }
            OtherReleaseTotal { release, total_t, own_t, difference_t } => {
                p.add("release", release).add("total_t", total_t).add("own_t", own_t);
                p.add("difference_t", difference_t);
            }
            OtherReleaseFails { release, reason, message } => {
                p.add("release", release).add("reason", reason).add("message", message);
            }
            MonitoringBeforeBaseline { year, baseline_year } => {
                p.add("year", year).add("baseline_year", baseline_year);
            }
            AfterTargetYear { year, target_year } => {
                p.add("year", year).add("target_year", target_year);
            }
            ProgressUnavailable { reason, message } => {
                p.add("reason", reason).add("message", message);
            }
            PercentTooLarge { what } => {
                p.add("what", what);
            }
            PerCapitaMagnitude { sector, carrier, value, max, .. } => {
                p.add("sector", sector).add("carrier", carrier);
                p.add("value", fd(*value)).add("max", fd(*max)).add("rule", "iea_highest_national");
            }
            ElectricityPerCapita { value, max } => {
                p.add("value", fd(*value)).add("max", fd(*max)).add("rule", "iea_highest_national");
            }
            BaselineMagnitude {
                sector,
                carrier,
                value,
                baseline,
                baseline_value,
                factor,
                max,
                ..
            } => {
                p.add("sector", sector).add("carrier", carrier).add("value", fd(*value));
                p.add("baseline", baseline).add("baseline_value", fd(*baseline_value));
                p.add("factor", fd(*factor)).add("max", fd(*max)).add("rule", "jrc_unit_error");
            }
            EnergyChange { baseline, change_pct, max_pct } => {
                p.add("baseline", baseline).add("change_pct", fd(*change_pct));
                p.add("max_pct", fd(*max_pct)).add("rule", "jrc_energy_change");
            }
            UserFactorHigh { carrier, factor, release_factor, max, .. } => {
                p.add("carrier", carrier).add("factor", fd(*factor));
                p.add("release_factor", fd(*release_factor)).add("max", fd(*max));
                p.add("rule", "jrc_local_factor");
            }
            EnergyCellPerCapita { sector, carrier, value, max, .. } => {
                p.add("sector", sector).add("carrier", carrier);
                p.add("value", fd(*value))
                    .add("max", fd(*max))
                    .add("rule", "owid_highest_national");
            }
            EnergyPerCapita { value, max } => {
                p.add("value", fd(*value))
                    .add("max", fd(*max))
                    .add("rule", "owid_highest_national");
            }
            ElectricityFactorJump {
                factor,
                baseline_factor,
                national,
                baseline_national,
                ratio,
                max,
            } => {
                p.add("factor", fd(*factor)).add("baseline_factor", fd(*baseline_factor));
                p.add("national", fd(*national)).add("baseline_national", fd(*baseline_national));
                p.add("ratio", fd(*ratio)).add("max", fd(*max));
                p.add("rule", "jrc_national_factor_deviation");
            }
            PopulationChange { baseline, change_pct, max_pct } => {
                p.add("baseline", clip(baseline, 60)).add("change_pct", fd(*change_pct));
                p.add("max_pct", fd(*max_pct)).add("rule", "project_population_change");
            }
            CrfMismatch { what, given, computed, .. } => {
                p.add("what", what).add("given", fd(*given)).add("computed", fd(*computed));
                p.add("rule", "ecrf_sum_tolerance");
            }
            UserFactorLow { carrier, factor, release_factor, min, .. } => {
                p.add("carrier", carrier).add("factor", fd(*factor));
                p.add("release_factor", fd(*release_factor)).add("min", fd(*min));
                p.add("rule", "jrc_local_factor_reciprocal");
            }
            ActionExceedsBaseline {
                action, kind, sector, carrier, value, baseline_value, ..
            } => {
                p.add("action", clip(action, 60)).add("kind", kind).add("sector", sector);
                p.add("carrier", carrier).add("value", fd(*value));
                p.add("baseline_value", fd(*baseline_value));
            }
            ActionAfterTarget { action, start, target_year, .. } => {
                p.add("action", clip(action, 60)).add("start", start);
                p.add("target_year", target_year);
            }
            MoreNotListed { count, what, limit } => {
                p.add("count", count).add("what", what).add("limit", limit);
            }
            BaselineIdIgnored
            | HeatSupplyUnused
            | PlanWithoutTarget
            | PlanNeedsTargetPopulation => {}
        }
        p
    }

    /// The English message.
    pub fn message(&self) -> String {
        use crate::quantity::format_decimal as d;
        use Warning::*;
        // Values derived by a division, rounded for reading (the parameters keep them whole).
        let r = |x: Decimal| d(crate::quantity::round_for_display(x, 2));
        match self {
            UnknownColumn { name, suggestion } => {
                let hint =
                    suggestion.map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default();
                format!("unknown column '{}' ignored{hint}", clip(name, 60))
            }
            UnnamedColumns { columns } => {
                let list = columns.iter().map(ToString::to_string).collect::<Vec<_>>();
                if list.len() == 1 {
                    format!("column {} has no name and is ignored", list[0])
                } else {
                    format!("columns {} have no name and are ignored", list.join(", "))
                }
            }
            BaselineIdIgnored => {
                "baseline_id is ignored on a baseline inventory (kind = baseline)".into()
            }
            MissingKeySector { sector } => format!("key sector '{sector}' has no activity data"),
            NonComFactor { carrier, country, set } => format!(
                "the {carrier} factor for {country} comes from {set}, which is not a Covenant of Mayors set"
            ),
            SuspectFactor { carrier, set, note } => format!("the {carrier} factor from {set} is {note}"),
            LocalFactorOverridden { carrier: Carrier::Electricity } => {
                "a user electricity factor is given, so local production and green purchases do not change it".into()
            }
            LocalFactorOverridden { .. } => {
                "a user heat/cold factor is given, so local heat production does not change it".into()
            }
            HeatSupplyUnused => "heat supply rows are given but no heat/cold is consumed: no local heat factor is needed".into(),
            ApproachDiffers { monitoring, baseline } => format!(
                "approach {monitoring} differs from its baseline's {baseline}: the inventories are not comparable"
            ),
            GasesDiffer { monitoring, baseline } => format!(
                "gases {monitoring} differ from its baseline's {baseline}: the inventories are not comparable"
            ),
            ReleaseDiffers { monitoring, baseline } => {
                format!("factor release {monitoring} differs from its baseline's {baseline}")
            }
            OtherReleaseTotal { release, total_t, own_t, difference_t } => format!(
                "computed with its baseline's release {release} the total would be {} t instead of {} t (difference {} t)",
                d(*total_t),
                d(*own_t),
                d(*difference_t)
            ),
            OtherReleaseFails { release, message, .. } => {
                format!("it cannot be computed with its baseline's release {release}: {message}")
            }
            MonitoringBeforeBaseline { year, baseline_year } => {
                format!("monitoring year {year} is before its baseline year {baseline_year}")
            }
            AfterTargetYear { year, target_year } => format!(
                "monitoring year {year} is after the target year {target_year}: it is compared with the target itself"
            ),
            ProgressUnavailable { message, .. } => message.clone(),
            PercentTooLarge { what } => format!(
                "{what} is too large to compute (the baseline value is nearly zero) and is left empty"
            ),
            PerCapitaMagnitude { sector, carrier, value, max, .. } => format!(
                "{sector} {carrier} is {} MWh per inhabitant, above the highest national consumption per inhabitant ({} MWh, IEA statistics): was it entered in kWh as MWh?",
                r(*value),
                d(*max)
            ),
            ElectricityPerCapita { value, max } => format!(
                "electricity consumption is {} MWh per inhabitant, above the highest national consumption per inhabitant ({} MWh, IEA statistics): check the units and the population",
                r(*value),
                d(*max)
            ),
            BaselineMagnitude { sector, carrier, value, baseline, baseline_value, factor, max, .. } => format!(
                "{sector} {carrier} is {} MWh against {} MWh in baseline '{}', a factor of {}: from {} on a unit is most likely confused (kWh, MWh, GWh; JRC rule)",
                r(*value),
                r(*baseline_value),
                clip(baseline, 60),
                r(*factor),
                d(*max)
            ),
            EnergyChange { baseline, change_pct, max_pct } => format!(
                "total energy changed by {} % from baseline '{}', more than the {} % the JRC accepts between inventories of the same plan",
                r(*change_pct),
                clip(baseline, 60),
                d(*max_pct)
            ),
            UserFactorHigh { carrier, factor, release_factor, max, .. } => format!(
                "the user {carrier} factor {} t/MWh is above twice the release's {} t/MWh (at most {} t/MWh expected; JRC rule): is it in kg/MWh or on another basis?",
                d(*factor),
                d(*release_factor),
                d(*max)
            ),
            EnergyCellPerCapita { sector, carrier, value, max, .. } => format!(
                "{sector} {carrier} is {} MWh per inhabitant, above the highest national primary energy consumption per inhabitant ({} MWh, Our World in Data): was it entered in kWh or GJ as MWh?",
                r(*value),
                d(*max)
            ),
            EnergyPerCapita { value, max } => format!(
                "energy consumption outside industry is {} MWh per inhabitant, above the highest national primary energy consumption per inhabitant ({} MWh, Our World in Data): check the units and the population",
                r(*value),
                d(*max)
            ),
            ElectricityFactorJump { factor, baseline_factor, national, baseline_national, ratio, max } => format!(
                "the electricity factor went from {} to {} t/MWh while the national factor went from {} to {} t/MWh: {} times the national change (more than {} either way; JRC rule for national factors): check the local or user factors of both inventories",
                d(*baseline_factor),
                d(*factor),
                d(*baseline_national),
                d(*national),
                r(*ratio),
                d(*max)
            ),
            PopulationChange { baseline, change_pct, max_pct } => format!(
                "population changed by {} % from baseline '{}', more than {} %: check the population of both inventories (a digit, thousands, a change of boundary)",
                r(*change_pct),
                clip(baseline, 60),
                d(*max_pct)
            ),
            CrfMismatch { what, given, computed, .. } => {
                let which = match *what {
                    "emissions_vs_activity" => "the emissions entered differ from activity × factors",
                    "total_vs_gases" => "the CO2-eq total entered differs from the sum of its gases",
                    _ => "the CO2-eq factor differs from the per-gas factors under the GWP set",
                };
                format!(
                    "{which}: {} given, {} computed (more than the eCRF's 0.5 % tolerance); the entered value is kept",
                    d(*given),
                    d(*computed)
                )
            }
            UserFactorLow { carrier, factor, release_factor, min, .. } => format!(
                "the user {carrier} factor {} t/MWh is below half the release's {} t/MWh (at least {} t/MWh expected for the fuel's carbon): is it in another unit or on another basis?",
                d(*factor),
                d(*release_factor),
                d(*min)
            ),
            ActionExceedsBaseline { action, kind, sector, carrier, value, baseline_value, .. } => {
                let place = match kind {
                    ActionKind::LocalRenewable => "in all sectors".to_string(),
                    _ => format!("in {sector}"),
                };
                format!(
                    "with action '{}' ({kind}) the plan's actions concern {} MWh of {carrier} per year, more than the {} MWh its baseline consumes {place}",
                    clip(action, 60),
                    d(*value),
                    d(*baseline_value)
                )
            }
            ActionAfterTarget { action, start, target_year, .. } => format!(
                "action '{}' starting in {start} has no effect by the target year {target_year}",
                clip(action, 60)
            ),
            PlanWithoutTarget => "the baseline has actions but no target: the plan's reductions are given at full effect only; give target_year and target_reduction_pct for the reduction in the target year and the remaining gap".into(),
            PlanNeedsTargetPopulation => "the per-capita target has no target_population: the remaining gap of the plan cannot be given in t".into(),
            MoreNotListed { count, what, limit } => {
                format!("{count} more {what} not listed (at most {limit} are)")
            }
        }
    }

    /// The input line a warning is about, when it is about one row rather than an inventory:
    /// a cell's first activity line or a factor's line.
    pub fn location(&self) -> Option<(Input, u64)> {
        use Warning::*;
        match self {
            PerCapitaMagnitude { line: Some(l), .. } | BaselineMagnitude { line: Some(l), .. } => {
                Some((Input::Activity, *l))
            }
            UserFactorHigh { line: Some(l), .. } | UserFactorLow { line: Some(l), .. } => {
                Some((Input::Factors, *l))
            }
            EnergyCellPerCapita { line: Some(l), .. } => Some((Input::Activity, *l)),
            CrfMismatch { line: Some(l), .. } => Some((Input::CrfActivity, *l)),
            ActionExceedsBaseline { line: Some(l), .. }
            | ActionAfterTarget { line: Some(l), .. } => Some((Input::Actions, *l)),
            _ => None,
        }
    }
}

impl Warning {
    /// The column of an action's row a warning is about (the batch places it there).
    pub fn column(&self) -> Option<&'static str> {
        match self {
            Warning::ActionExceedsBaseline { .. } => Some("amount"),
            Warning::ActionAfterTarget { .. } => Some("start_year"),
            _ => None,
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl Serialize for Warning {
    /// `{"code": …, "params": {…}, "message": …}`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("code", self.code())?;
        m.serialize_entry("params", &self.params())?;
        m.serialize_entry("message", &self.message())?;
        m.end()
    }
}
