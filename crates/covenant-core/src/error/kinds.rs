//! Every kind of error and warning with the parameters it gives, for a front end that renders
//! them in its own language (the page checks its translations against [`diagnostics`]).
//!
//! The parameters are not written down by hand: they are read from [`ErrorKind::params`] and
//! [`Warning::params`] of one example of every kind and of every sub-kind a message depends on
//! ([`error_examples`], [`warning_examples`]). The exhaustive `match`es below stop the build
//! when a kind or a sub-kind is added without an example, and a test checks that the examples
//! cover [`ErrorKind::CODES`] and [`Warning::CODES`] exactly.

use rust_decimal::Decimal;
use serde::Serialize;

use super::{ErrorKind, Expected, MissingReason, Params, UnitContext, Warning};
use crate::codes::{DecimalSyntax, UnknownCode};
use crate::country::Country;
use crate::ecrf::finding::FindingKind;
use crate::quantity::{ActivityUnit, EnergyUnit};
use crate::supply::SupplyItem;
use crate::taxonomy::{ActionKind, Approach, Carrier, GasBasis, InventoryKind, Sector, TargetKind};

/// Whether a kind is an error (the inventory is not computed) or a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// An error.
    Error,
    /// A warning.
    Warning,
}

/// The parameters of a kind (or of one value of its sub-kind).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ParamNames {
    /// The parameters given in every case.
    pub params: Vec<&'static str>,
    /// The parameters given in some cases only.
    pub optional: Vec<&'static str>,
}

/// One value of a sub-kind, with the parameters given with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Variant {
    /// The value of the sub-kind parameter.
    pub value: String,
    /// Its parameters.
    #[serde(flatten)]
    pub names: ParamNames,
}

/// A parameter whose values form a closed set of codes, with every value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Enumeration {
    /// The parameter.
    pub param: &'static str,
    /// Its values.
    pub values: Vec<String>,
}

/// A kind of error or warning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KindInfo {
    /// The stable code.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// Its parameters.
    #[serde(flatten)]
    pub names: ParamNames,
    /// The parameter whose value decides what the message says (`reason` of `missing_factor`),
    /// when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_kind: Option<&'static str>,
    /// Every value of the sub-kind, with its own parameters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
    /// The parameters that are codes of a closed set other than the taxonomy (`kind` of
    /// `unknown_code`), with their values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub enumerations: Vec<Enumeration>,
}

/// The parameter whose value decides what a code's message says.
const SUB_KINDS: &[(&str, &str)] = &[
    ("invalid_number", "reason"),
    ("invalid_value", "expected"),
    ("unit_mismatch", "context"),
    ("missing_fuel_property", "property"),
    ("missing_factor", "reason"),
    ("target_incomplete", "missing"),
    ("supply_field_required", "field"),
    ("supply_no_output", "output"),
    ("action_field_required", "field"),
    ("action_field_not_allowed", "field"),
    ("progress_unavailable", "reason"),
    ("percent_too_large", "what"),
    ("more_not_listed", "what"),
    ("crf_no_factor", "reason"),
    ("wrong_framework", "framework"),
    ("crf_mismatch", "what"),
];

/// Other parameters that are codes of a closed set, which a front end names in its own words.
const ENUMERATIONS: &[(&str, &str)] = &[("unknown_code", "kind")];

/// Every kind of error, then every kind of warning, in the order of their `CODES`.
pub fn diagnostics() -> Vec<KindInfo> {
    let errors = error_examples();
    let warnings = warning_examples();
    let mut out = Vec::new();
    for &code in ErrorKind::CODES {
        let params: Vec<_> =
            errors.iter().filter(|e| e.code() == code).map(ErrorKind::params).collect();
        out.push(info(code, Severity::Error, &params));
    }
    for &code in Warning::CODES {
        let params: Vec<_> =
            warnings.iter().filter(|w| w.code() == code).map(Warning::params).collect();
        out.push(info(code, Severity::Warning, &params));
    }
    // The located findings of an eCRF workbook (`crate::ecrf::Finding`).
    let findings = crate::ecrf::finding::examples();
    for &code in FindingKind::CODES {
        let of: Vec<_> = findings.iter().filter(|f| f.code() == code).collect();
        let severity = of.first().map_or(Severity::Warning, |f| f.severity());
        let params: Vec<_> = of.iter().map(|f| f.params()).collect();
        out.push(info(code, severity, &params));
    }
    out
}

fn info(code: &'static str, severity: Severity, examples: &[Params]) -> KindInfo {
    let sub_kind = SUB_KINDS.iter().find(|(c, _)| *c == code).map(|(_, p)| *p);
    let values = |param: &str| -> Vec<String> {
        let mut seen = Vec::new();
        for v in examples.iter().filter_map(|p| p.get(param)) {
            if !seen.iter().any(|s: &String| s == v) {
                seen.push(v.to_string());
            }
        }
        seen
    };
    let variants = sub_kind
        .map(|param| {
            values(param)
                .into_iter()
                .map(|value| {
                    let of: Vec<_> = examples
                        .iter()
                        .filter(|p| p.get(param) == Some(value.as_str()))
                        .cloned()
                        .collect();
                    Variant { value, names: names(&of) }
                })
                .collect()
        })
        .unwrap_or_default();
    let enumerations = ENUMERATIONS
        .iter()
        .filter(|(c, _)| *c == code)
        .map(|&(_, param)| Enumeration { param, values: values(param) })
        .collect();
    KindInfo { code, severity, names: names(examples), sub_kind, variants, enumerations }
}

/// The parameters given by every example, and those given by some only, in the order given.
fn names(examples: &[Params]) -> ParamNames {
    let mut all: Vec<&'static str> = Vec::new();
    for p in examples {
        for (n, _) in &p.0 {
            if !all.contains(n) {
                all.push(n);
            }
        }
    }
    let (params, optional) =
        all.into_iter().partition(|n| examples.iter().all(|p| p.get(n).is_some()));
    ParamNames { params, optional }
}

fn unknown(r: Result<impl Sized, UnknownCode>) -> Option<ErrorKind> {
    r.err().map(ErrorKind::UnknownCode)
}

/// One error of every kind, and of every value of the sub-kinds its messages depend on, with
/// and without its optional parameters.
pub fn error_examples() -> Vec<ErrorKind> {
    use ErrorKind::*;
    let country = Country::PLACEHOLDER;
    let d = |n: i64| Decimal::new(n, 1);
    let release = || "com-2024.3".to_string();
    let mut v = vec![
        Overflow { what: "energy sum".into() },
        NegativeFactor { value: d(-5) },
        NegativeAmount { value: d(-5) },
        AmountTooLarge { value: Decimal::MAX },
    ];
    v.extend(decimal_syntaxes().into_iter().map(InvalidNumber));
    v.extend(expectations().into_iter().map(InvalidValue));
    // The codes come from the parsers themselves, so that every `kind` they name is listed.
    v.extend(
        [
            unknown(Sector::parse_code("residental_buildings")),
            unknown(Carrier::parse_code("xyz")),
            unknown(Approach::parse_code("xyz")),
            unknown(GasBasis::parse_code("xyz")),
            unknown(InventoryKind::parse_code("xyz")),
            unknown(TargetKind::parse_code("xyz")),
            unknown(ActionKind::parse_code("xyz")),
            unknown(Country::parse("EL")),
            unknown(ActivityUnit::parse("mwh")),
            unknown("L".parse::<EnergyUnit>()),
            unknown(SupplyItem::parse("xyz")),
            unknown(crate::taxonomy::Framework::parse_code("xyz")),
            unknown(crate::gpc::Subsector::parse("xyz")),
            unknown(crate::gpc::Scope::parse_code("4")),
            unknown(crate::gpc::units::FactorUnit::parse_code("MJ")),
            unknown(crate::gpc::parse_notation_key("NA")),
            match crate::gpc::taxonomy::find_line(Some("I.9.9"), None, None) {
                Err(crate::gpc::taxonomy::LineError::Unknown(u)) => Some(UnknownCode(u)),
                _ => None,
            },
        ]
        .into_iter()
        .flatten(),
    );
    v.extend(unit_contexts().into_iter().map(|context| UnitMismatch { unit: "L".into(), context }));
    v.extend([
        NotBiomass { carrier: Some(Carrier::NaturalGas) },
        NotBiomass { carrier: None },
        NotAFuel { carrier: Carrier::Electricity },
        CarrierRequired { sector: Sector::ResidentialBuildings },
        CarrierNotAllowed { sector: Sector::Waste, carrier: Carrier::NaturalGas },
        TransportCarrier { sector: Sector::PrivateTransport, carrier: Carrier::HeatCold },
    ]);
    // Density or calorific value, of a release or of the user's own parameters.
    for (density, release) in
        [(true, Some(release())), (true, None), (false, Some(String::new())), (false, None)]
    {
        v.push(MissingFuelProperty {
            carrier: Carrier::Diesel,
            unit: "L".into(),
            density,
            release,
        });
    }
    v.extend(missing_reasons().into_iter().map(|reason| MissingFactor {
        carrier: Carrier::Electricity,
        country,
        year: 2023,
        approach: Approach::Ipcc,
        gases: GasBasis::Co2,
        release: release(),
        reason,
    }));
    v.extend([
        UnknownRelease { given: "com-1999".into(), available: vec![release()] },
        ReleaseMismatch { named: "com-2024.1".into(), given: release() },
        UnknownGwp { given: "ar9".into(), available: vec!["ar5".into(), "ar6".into()] },
        GwpNeedsPerGas { release: "com-2024.1".into() },
        GwpNeedsCo2e,
        GwpNeedsIpcc,
        DuplicateFactor { first_line: 2 },
        FactorData { file: "electricity.csv".into(), line: 3, message: "bad".into() },
        TargetYearNotAfter { target_year: 2005, year: 2010 },
        ReductionOutOfRange { pct: d(1200) },
        PopulationRequired,
        TargetIncomplete { missing: "target_year" },
        TargetIncomplete { missing: "target_reduction_pct" },
        TargetOptionsWithoutTarget,
        MonitoringNeedsBaseline,
        BaselineNotFound { baseline: "BEI".into() },
        OwnBaseline,
        BaselineIsMonitoring { baseline: "MEI".into() },
        BaselineNeedsPopulation { baseline: "BEI".into() },
        BaselineFailed { baseline: "BEI".into() },
        ChpEfficiency { heat: d(12), electricity: d(4) },
        NationalFactorRequired,
        HeatConsumptionRequired,
        NegativeHeatFactor { exported_t: d(100) },
        FuelInputIncomplete,
    ]);
    // The fields and outputs the supply reader names (`batch::read::supply`).
    for (item, field) in [
        ("chp", "electricity_mwh"),
        ("heat_production", "heat_mwh"),
        ("heat_import", "emissions_t"),
    ] {
        v.push(SupplyFieldRequired { item, field });
    }
    for (item, output) in [("heat_production", "electricity"), ("green_purchase", "heat")] {
        v.push(SupplyNoOutput { item, output });
    }
    v.extend([SupplyNoFuel { item: "green_purchase" }, SupplyFuelAndEmissions]);
    for (kind, field) in
        [(ActionKind::EnergySaving, "carrier"), (ActionKind::FuelSwitch, "to_carrier")]
    {
        v.push(ActionFieldRequired { kind, field });
    }
    for (kind, field) in
        [(ActionKind::DirectReduction, "carrier"), (ActionKind::EnergySaving, "to_carrier")]
    {
        v.push(ActionFieldNotAllowed { kind, field });
    }
    v.extend([
        ActionSector { kind: ActionKind::DirectReduction, sector: Sector::ResidentialBuildings },
        ActionSector { kind: ActionKind::EnergySaving, sector: Sector::Waste },
        RenewableCarrier { carrier: Carrier::NaturalGas },
        SwitchSameCarrier { carrier: Carrier::Diesel },
        ActionUnit { kind: ActionKind::EnergySaving, unit: "L".into() },
        ActionUnit { kind: ActionKind::DirectReduction, unit: "MWh".into() },
        ActionYears { start: 2025, end: 2022 },
        ActionBeforeBaseline { start: 2005, year: 2010 },
        ActionOnMonitoring { baseline: Some("city-2010".into()) },
        ActionOnMonitoring { baseline: None },
        DuplicateAction { first_line: 2 },
        BauNeedsGrowth,
        CrfLineAmbiguous { candidates: vec!["III.1.1".into(), "III.1.3".into()] },
        CrfLineConflict { gpc_ref: "I.1.2".into() },
        CrfLineMissing,
        CrfKeyWithValue { key: "NO" },
        CrfKeyNeedsExplanation { key: "NE" },
        CrfFactorWithoutActivity,
        CrfUnitRequired,
        CrfNoData,
        CrfUnitMismatch { unit: "head".into(), per: "TJ".into() },
        CrfNeedsCo2e,
        BaselineFramework { baseline: "city-2015".into() },
    ]);
    for reason in
        ["not_a_carrier", "electricity_direct", "no_grid_factor", "district_heat", "no_per_gas"]
    {
        v.push(CrfNoFactor { fuel: "Diesel oil".into(), reason });
    }
    for framework in ["crf", "secap"] {
        v.push(WrongFramework { framework });
    }
    v.extend([
        EmptyId,
        DuplicateId { first_line: 2 },
        UnknownInventory { suggestion: Some("BEI".into()) },
        UnknownInventory { suggestion: None },
        NoRows { id: "BEI".into(), file: Some("activity.csv".into()) },
        NoRows { id: "BEI".into(), file: None },
        FormulaText,
        TextTooLong { limit: 32_767 },
        EmptyFile { required: vec!["inventory_id"] },
        NoInventories,
        MissingColumn { required: vec!["inventory_id"] },
        DuplicateColumn { first: 1, second: 3 },
        RaggedRow { fields: 3, width: 5 },
        UnnamedValue { field: 4 },
        NotUtf8 { field: 2 },
        LineTooLong { limit: 1 << 20 },
        CsvSyntax { message: "unclosed quote".into() },
        Unreadable { message: "denied".into() },
    ]);
    v
}

/// One warning of every kind, and of every value of the sub-kinds its messages depend on.
pub fn warning_examples() -> Vec<Warning> {
    use Warning::*;
    #[allow(clippy::expect_used, reason = "a code of the table: checked by every test run")]
    let country = Country::parse("BR").expect("BR is a country code");
    let mut v = vec![
        UnknownColumn { name: "populaton".into(), suggestion: Some("population") },
        UnknownColumn { name: "notes".into(), suggestion: None },
        UnnamedColumns { columns: vec![4, 5] },
        BaselineIdIgnored,
        MissingKeySector { sector: Sector::ResidentialBuildings },
    ];
    v.extend([
        NonComFactor { carrier: Carrier::Electricity, country, set: "partner-grid@2026.1".into() },
        SuspectFactor { carrier: Carrier::Electricity, set: "x@1".into(), note: "suspect".into() },
        LocalFactorOverridden { carrier: Carrier::Electricity },
        LocalFactorOverridden { carrier: Carrier::HeatCold },
        HeatSupplyUnused,
        ApproachDiffers { monitoring: Approach::Lca, baseline: Approach::Ipcc },
        GasesDiffer { monitoring: GasBasis::Co2e, baseline: GasBasis::Co2 },
        ReleaseDiffers { monitoring: "com-2024.3".into(), baseline: "com-2024.1".into() },
        OtherReleaseTotal {
            release: "com-2024.1".into(),
            total_t: Decimal::new(1005, 1),
            own_t: Decimal::new(1000, 1),
            difference_t: Decimal::new(5, 1),
        },
        OtherReleaseFails {
            release: "com-2024.1".into(),
            reason: "missing_factor",
            message: "no factor".into(),
        },
        MonitoringBeforeBaseline { year: 2005, baseline_year: 2010 },
        AfterTargetYear { year: 2035, target_year: 2030 },
    ]);
    // The errors `trajectory::progress` can give.
    for reason in [ErrorKind::PopulationRequired, ErrorKind::Overflow { what: "trajectory".into() }]
    {
        v.push(ProgressUnavailable { reason: reason.code(), message: reason.to_string() });
    }
    for what in ["change_vs_baseline_pct", "change_pct", "distance_pct"] {
        v.push(PercentTooLarge { what });
    }
    v.extend([
        PerCapitaMagnitude {
            sector: Sector::ResidentialBuildings,
            carrier: Carrier::Electricity,
            line: Some(5),
            value: Decimal::new(125_935, 2),
            max: crate::plausibility::HIGHEST_NATIONAL_ELECTRICITY_MWH_PER_INHABITANT,
        },
        ElectricityPerCapita {
            value: Decimal::new(6_012, 2),
            max: crate::plausibility::HIGHEST_NATIONAL_ELECTRICITY_MWH_PER_INHABITANT,
        },
        BaselineMagnitude {
            sector: Sector::ResidentialBuildings,
            carrier: Carrier::NaturalGas,
            line: Some(7),
            value: Decimal::new(500_000, 0),
            baseline: "city-2010".into(),
            baseline_value: Decimal::new(500, 0),
            factor: Decimal::new(1000, 0),
            max: crate::plausibility::UNIT_ERROR_FACTOR,
        },
        EnergyChange {
            baseline: "city-2010".into(),
            change_pct: Decimal::new(812, 1),
            max_pct: crate::plausibility::MAX_ENERGY_CHANGE_PCT,
        },
        UserFactorHigh {
            carrier: Carrier::Electricity,
            line: Some(2),
            factor: Decimal::new(700, 0),
            release_factor: Decimal::new(716, 3),
            max: Decimal::new(1432, 3),
        },
    ]);
    v.extend([
        EnergyCellPerCapita {
            sector: Sector::ResidentialBuildings,
            carrier: Carrier::NaturalGas,
            line: Some(6),
            value: Decimal::new(41_250, 0),
            max: crate::plausibility::HIGHEST_NATIONAL_PRIMARY_ENERGY_MWH_PER_INHABITANT,
        },
        EnergyPerCapita {
            value: Decimal::new(72_010, 2),
            max: crate::plausibility::HIGHEST_NATIONAL_PRIMARY_ENERGY_MWH_PER_INHABITANT,
        },
        UserFactorLow {
            carrier: Carrier::NaturalGas,
            line: Some(3),
            factor: Decimal::new(202, 6),
            release_factor: Decimal::new(202, 3),
            min: Decimal::new(101, 3),
        },
        ElectricityFactorJump {
            factor: Decimal::new(12, 2),
            baseline_factor: Decimal::new(45, 2),
            national: Decimal::new(38, 2),
            baseline_national: Decimal::new(42, 2),
            ratio: Decimal::new(29_474, 5),
            max: crate::plausibility::MAX_FACTOR_RATIO,
        },
        PopulationChange {
            baseline: "city-2010".into(),
            change_pct: Decimal::new(9_900, 0),
            max_pct: crate::plausibility::MAX_POPULATION_CHANGE_PCT,
        },
        ActionExceedsBaseline {
            action: "A3".into(),
            kind: ActionKind::EnergySaving,
            sector: Sector::PublicLighting,
            carrier: Carrier::Electricity,
            line: Some(4),
            value: Decimal::new(1200, 0),
            baseline_value: Decimal::new(800, 0),
        },
        ActionAfterTarget { action: "A7".into(), line: Some(8), start: 2031, target_year: 2030 },
        PlanWithoutTarget,
        PlanNeedsTargetPopulation,
    ]);
    for what in ["emissions_vs_activity", "total_vs_gases", "factor_vs_gases"] {
        v.push(CrfMismatch {
            what,
            given: Decimal::new(1_000, 0),
            computed: Decimal::new(1_100, 0),
            line: Some(3),
        });
    }
    for what in ["errors", "warnings"] {
        v.push(MoreNotListed { count: 12, what, limit: 10_000 });
    }
    v
}

/// Every reason a decimal is refused.
fn decimal_syntaxes() -> Vec<DecimalSyntax> {
    let all = vec![DecimalSyntax::Empty, DecimalSyntax::NotADecimal, DecimalSyntax::TooLong];
    // A new reason stops the build here: add it above.
    for s in &all {
        match s {
            DecimalSyntax::Empty | DecimalSyntax::NotADecimal | DecimalSyntax::TooLong => {}
        }
    }
    all
}

/// Every expectation of `invalid_value`.
fn expectations() -> Vec<Expected> {
    use Expected::*;
    let all =
        vec![Year, Population, Efficiency, ReductionPct, Positive, NonNegative, YesNo, GrowthPct];
    for e in &all {
        match e {
            Year | Population | Efficiency | ReductionPct | Positive | NonNegative | YesNo
            | GrowthPct => {}
        }
    }
    all
}

/// Every context of `unit_mismatch`.
fn unit_contexts() -> Vec<UnitContext> {
    use UnitContext::*;
    let all = vec![
        Carrier(crate::Carrier::Electricity),
        EnergySector(Sector::ResidentialBuildings),
        NonEnergySector(Sector::Waste),
        GasBasis(crate::GasBasis::Co2),
        PlantFuel,
    ];
    for c in &all {
        match c {
            Carrier(_) | EnergySector(_) | NonEnergySector(_) | GasBasis(_) | PlantFuel => {}
        }
    }
    all
}

/// Every reason of `missing_factor`.
fn missing_reasons() -> Vec<MissingReason> {
    use MissingReason::*;
    let set = || "jrc-neefe@2024.1".to_string();
    let all = vec![
        YearsOutside { set: set(), first: 1990, last: 2021 },
        NoSeries { set: set() },
        NoCountry { national: (set(), 41), partner: ("partner-grid@2026.1".into(), 58) },
        DistrictHeat,
        OtherFossil,
        NoLcaFuel,
        NonSustainable,
        NotInSet { set: "com-fuels@2024.2".into() },
    ];
    for r in &all {
        match r {
            YearsOutside { .. }
            | NoSeries { .. }
            | NoCountry { .. }
            | DistrictHeat
            | OtherFossil
            | NoLcaFuel
            | NonSustainable
            | NotInSet { .. } => {}
        }
    }
    all
}

/// A new kind stops the build here: give it an example above.
#[allow(dead_code)]
fn every_error_kind_has_an_example(k: &ErrorKind) {
    use ErrorKind::*;
    match k {
        Overflow { .. }
        | NegativeFactor { .. }
        | NegativeAmount { .. }
        | AmountTooLarge { .. }
        | InvalidNumber(_)
        | InvalidValue(_)
        | UnknownCode(_)
        | UnitMismatch { .. }
        | NotBiomass { .. }
        | MissingFuelProperty { .. }
        | NotAFuel { .. }
        | CarrierRequired { .. }
        | CarrierNotAllowed { .. }
        | TransportCarrier { .. }
        | MissingFactor { .. }
        | UnknownRelease { .. }
        | ReleaseMismatch { .. }
        | UnknownGwp { .. }
        | GwpNeedsPerGas { .. }
        | GwpNeedsCo2e
        | GwpNeedsIpcc
        | DuplicateFactor { .. }
        | FactorData { .. }
        | TargetYearNotAfter { .. }
        | ReductionOutOfRange { .. }
        | PopulationRequired
        | TargetIncomplete { .. }
        | TargetOptionsWithoutTarget
        | MonitoringNeedsBaseline
        | BaselineNotFound { .. }
        | OwnBaseline
        | BaselineIsMonitoring { .. }
        | BaselineNeedsPopulation { .. }
        | BaselineFailed { .. }
        | ChpEfficiency { .. }
        | NationalFactorRequired
        | HeatConsumptionRequired
        | NegativeHeatFactor { .. }
        | FuelInputIncomplete
        | SupplyFieldRequired { .. }
        | SupplyNoOutput { .. }
        | SupplyNoFuel { .. }
        | SupplyFuelAndEmissions
        | ActionFieldRequired { .. }
        | ActionFieldNotAllowed { .. }
        | ActionSector { .. }
        | RenewableCarrier { .. }
        | SwitchSameCarrier { .. }
        | ActionUnit { .. }
        | ActionYears { .. }
        | ActionBeforeBaseline { .. }
        | ActionOnMonitoring { .. }
        | DuplicateAction { .. }
        | BauNeedsGrowth
        | CrfLineAmbiguous { .. }
        | CrfLineConflict { .. }
        | CrfLineMissing
        | CrfKeyWithValue { .. }
        | CrfKeyNeedsExplanation { .. }
        | CrfFactorWithoutActivity
        | CrfUnitRequired
        | CrfNoData
        | CrfUnitMismatch { .. }
        | CrfNoFactor { .. }
        | WrongFramework { .. }
        | CrfNeedsCo2e
        | BaselineFramework { .. }
        | EmptyId
        | DuplicateId { .. }
        | UnknownInventory { .. }
        | NoRows { .. }
        | FormulaText
        | TextTooLong { .. }
        | EmptyFile { .. }
        | NoInventories
        | MissingColumn { .. }
        | DuplicateColumn { .. }
        | RaggedRow { .. }
        | UnnamedValue { .. }
        | NotUtf8 { .. }
        | LineTooLong { .. }
        | CsvSyntax { .. }
        | Unreadable { .. } => {}
    }
}

/// A new kind stops the build here: give it an example above.
#[allow(dead_code)]
fn every_warning_has_an_example(w: &Warning) {
    use Warning::*;
    match w {
        UnknownColumn { .. }
        | UnnamedColumns { .. }
        | BaselineIdIgnored
        | MissingKeySector { .. }
        | NonComFactor { .. }
        | SuspectFactor { .. }
        | LocalFactorOverridden { .. }
        | HeatSupplyUnused
        | ApproachDiffers { .. }
        | GasesDiffer { .. }
        | ReleaseDiffers { .. }
        | OtherReleaseTotal { .. }
        | OtherReleaseFails { .. }
        | MonitoringBeforeBaseline { .. }
        | AfterTargetYear { .. }
        | ProgressUnavailable { .. }
        | PercentTooLarge { .. }
        | PerCapitaMagnitude { .. }
        | ElectricityPerCapita { .. }
        | BaselineMagnitude { .. }
        | EnergyChange { .. }
        | UserFactorHigh { .. }
        | EnergyCellPerCapita { .. }
        | EnergyPerCapita { .. }
        | UserFactorLow { .. }
        | ElectricityFactorJump { .. }
        | PopulationChange { .. }
        | CrfMismatch { .. }
        | ActionExceedsBaseline { .. }
        | ActionAfterTarget { .. }
        | PlanWithoutTarget
        | PlanNeedsTargetPopulation
        | MoreNotListed { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn unique(codes: &[&'static str]) -> BTreeSet<&'static str> {
        let set: BTreeSet<_> = codes.iter().copied().collect();
        assert_eq!(set.len(), codes.len(), "a code is listed twice: {codes:?}");
        set
    }

    #[test]
    fn the_examples_cover_every_code_and_no_other() {
        let errors = unique(ErrorKind::CODES);
        let warnings = unique(Warning::CODES);
        assert!(errors.is_disjoint(&warnings), "{:?}", errors.intersection(&warnings));
        let findings = unique(FindingKind::CODES);
        assert!(errors.is_disjoint(&findings) && warnings.is_disjoint(&findings));
        let f: BTreeSet<_> =
            crate::ecrf::finding::examples().iter().map(crate::ecrf::Finding::code).collect();
        assert_eq!(f, findings);
        let e: BTreeSet<_> = error_examples().iter().map(ErrorKind::code).collect();
        let w: BTreeSet<_> = warning_examples().iter().map(Warning::code).collect();
        assert_eq!(e, errors);
        assert_eq!(w, warnings);
    }

    #[test]
    fn every_code_once_with_its_severity_and_sub_kinds() {
        let list = diagnostics();
        let codes: Vec<_> = list.iter().map(|k| k.code).collect();
        let expected: Vec<_> = ErrorKind::CODES
            .iter()
            .chain(Warning::CODES)
            .chain(FindingKind::CODES)
            .copied()
            .collect();
        assert_eq!(codes, expected);
        let findings = crate::ecrf::finding::examples();
        for k in &list {
            let severity = if ErrorKind::CODES.contains(&k.code) {
                Severity::Error
            } else if let Some(f) = findings.iter().find(|f| f.code() == k.code) {
                assert!(k.names.params.starts_with(&["sheet", "cell"]), "{}", k.code);
                f.severity()
            } else {
                Severity::Warning
            };
            assert_eq!(k.severity, severity, "{}", k.code);
            match k.sub_kind {
                Some(p) => {
                    assert!(k.names.params.contains(&p), "{}: {p} is not always given", k.code);
                    assert!(k.variants.len() >= 2, "{}: {:?}", k.code, k.variants);
                    for v in &k.variants {
                        assert!(v.names.params.contains(&p), "{}.{}", k.code, v.value);
                    }
                }
                None => assert!(k.variants.is_empty()),
            }
        }
        let get = |code: &str| list.iter().find(|k| k.code == code).unwrap();
        let mf = get("missing_factor");
        assert_eq!(mf.variants.len(), 8);
        let years = mf.variants.iter().find(|v| v.value == "years_outside").unwrap();
        assert!(years.names.params.contains(&"first") && years.names.params.contains(&"last"));
        assert!(!mf.names.params.contains(&"first") && mf.names.optional.contains(&"first"));
        assert_eq!(get("invalid_value").variants.len(), 8);
        assert_eq!(get("unit_mismatch").variants.len(), 5);
        assert_eq!(get("unknown_code").names.optional, ["suggestion"]);
        let kinds = &get("unknown_code").enumerations[0];
        assert_eq!(kinds.param, "kind");
        for k in ["sector", "carrier", "country", "unit", "energy unit", "item", "target_kind"] {
            assert!(kinds.values.iter().any(|v| v == k), "{k}: {:?}", kinds.values);
        }
        assert_eq!(get("gwp_needs_co2e").names, ParamNames::default());
    }

    #[test]
    fn every_sub_kind_value_is_a_code() {
        for k in diagnostics() {
            for v in &k.variants {
                assert!(
                    !v.value.is_empty()
                        && v.value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                    "{}: {:?}",
                    k.code,
                    v.value
                );
            }
        }
    }
}
