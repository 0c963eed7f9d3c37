//! Emission-factor data: factor sets, fuel properties, GWP sets and the releases that pin them.
//!
//! The files under `factors/` are embedded at build time ([`Catalog::embedded`]), so the browser
//! works offline; a catalogue with the same layout can also be read from any other source
//! ([`Catalog::parse`]), e.g. a directory of custom sets.
//!
//! Every value carries its provenance: set and revision, the source's citation, the evidence
//! tag (`V` verified, `D` derived, `R` repository) and a note. Values tagged `U` (unverified)
//! are refused when a set is read: the project never ships them.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, OnceLock};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::country::Country;
use crate::error::{Error, Result};
use crate::quantity::{EmissionFactor, parse_decimal};
use crate::taxonomy::{Approach, Carrier, GasBasis};

/// The evidence behind a value (see `domain/methodology.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Tag {
    /// Read in the cited source.
    #[serde(rename = "V")]
    Verified,
    /// Computed from verified inputs by the arithmetic given in the note.
    #[serde(rename = "D")]
    Derived,
    /// Read in a public repository that reproduces the official values.
    #[serde(rename = "R")]
    Repository,
}

impl Tag {
    fn parse(s: &str) -> std::result::Result<Tag, String> {
        match s.trim() {
            "V" => Ok(Tag::Verified),
            "D" => Ok(Tag::Derived),
            "R" => Ok(Tag::Repository),
            "U" => Err("tag 'U' (unverified): unverified values are never shipped".into()),
            other => Err(format!("unknown tag '{other}'; expected V, D or R")),
        }
    }

    /// The one-letter tag.
    pub const fn letter(self) -> &'static str {
        match self {
            Tag::Verified => "V",
            Tag::Derived => "D",
            Tag::Repository => "R",
        }
    }
}

/// Which variant of a fuel a factor is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// The default: for biomass and biofuels, sustainably produced (biogenic CO2 counted as 0).
    #[default]
    Default,
    /// Biomass or biofuel not produced sustainably: its CO2 is counted.
    NonSustainable,
}

impl Variant {
    fn parse(s: &str) -> std::result::Result<Variant, String> {
        match s.trim() {
            "" => Ok(Variant::Default),
            "non_sustainable" => Ok(Variant::NonSustainable),
            other => Err(format!("unknown variant '{other}'; expected empty or non_sustainable")),
        }
    }
}

/// A set's name and revision, written `name@revision` (e.g. `jrc-neefe@2024.1`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SetId {
    /// The set's name (its folder under `factors/`).
    pub name: String,
    /// The revision (its sub-folder).
    pub revision: String,
}

impl SetId {
    /// Parses `name@revision`.
    pub fn parse(s: &str) -> Option<SetId> {
        let (name, revision) = s.trim().split_once('@')?;
        let ok = |p: &str| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
        };
        (ok(name) && ok(revision)).then(|| SetId { name: name.into(), revision: revision.into() })
    }

    /// The folder of this set revision, relative to `factors/`.
    pub fn dir(&self) -> String {
        format!("{}/{}", self.name, self.revision)
    }
}

impl fmt::Display for SetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.name, self.revision)
    }
}

/// One emission factor of a set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactorRecord {
    /// The carrier.
    pub carrier: Carrier,
    /// The country, for national electricity factors.
    pub country: Option<Country>,
    /// The year the factor refers to, for time series.
    pub year: Option<u16>,
    /// The approach.
    pub approach: Approach,
    /// The gas basis.
    pub gases: GasBasis,
    /// The value.
    pub factor: EmissionFactor,
    /// The evidence tag.
    pub tag: Tag,
    /// The source id (a key of the set's `sources.csv`).
    pub source: Arc<str>,
    /// A note (what the value stands for, caveats).
    pub note: Arc<str>,
    /// The fuel variant (sustainable by default, or not).
    pub variant: Variant,
}

type FactorKey = (Carrier, Option<Country>, Option<u16>, Approach, GasBasis, Variant);

/// An emission-factor set revision (`factors/<name>/<revision>/factors.csv` + `sources.csv`).
#[derive(Clone, Debug)]
pub struct FactorSet {
    id: SetId,
    id_text: Arc<str>,
    com: bool,
    records: Vec<FactorRecord>,
    sources: BTreeMap<String, Arc<str>>,
    index: HashMap<FactorKey, usize>,
    covered: std::collections::HashSet<(Carrier, Country)>,
}

/// The position of every wanted column; a name starting with `?` is optional.
fn header_index(
    file: &str,
    headers: &csv::StringRecord,
    wanted: &[&'static str],
) -> Result<Vec<Option<usize>>> {
    wanted
        .iter()
        .map(|w| {
            let (name, optional) = w.strip_prefix('?').map_or((*w, false), |n| (n, true));
            let pos = headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
            match (pos, optional) {
                (None, false) => Err(Error::FactorData {
                    file: file.into(),
                    line: 1,
                    message: format!("missing column '{name}'"),
                }),
                (pos, _) => Ok(pos),
            }
        })
        .collect()
}

/// One data row of a factor file: its fields in the order asked for (absent optional ones are
/// empty), borrowed from the parsed record.
struct Row {
    record: csv::StringRecord,
    idx: std::rc::Rc<[Option<usize>]>,
}

impl Row {
    /// The fields, in the order asked for.
    fn fields(&self) -> Vec<&str> {
        self.idx.iter().map(|i| i.and_then(|i| self.record.get(i)).unwrap_or("")).collect()
    }
}

fn read_rows<'a>(
    file: &'a str,
    text: &'a str,
    wanted: &[&'static str],
) -> Result<impl Iterator<Item = Result<(u64, Row)>> + 'a> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Error::FactorData { file: file.into(), line: 1, message: e.to_string() })?
        .clone();
    let idx: std::rc::Rc<[Option<usize>]> = header_index(file, &headers, wanted)?.into();
    Ok(rdr.into_records().map(move |r| {
        let record = r.map_err(|e| Error::FactorData {
            file: file.into(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        Ok((line, Row { record, idx: std::rc::Rc::clone(&idx) }))
    }))
}

/// The citation of a source id, or the error message for a row that names an unknown one.
fn cited<'s>(
    sources: &'s BTreeMap<String, String>,
    id: &str,
) -> std::result::Result<&'s String, String> {
    sources.get(id).ok_or_else(|| format!("source '{id}' is not in sources.csv"))
}

/// A set file's path (for messages) and the set's `sources.csv`, read.
fn set_files(
    id: &SetId,
    name: &str,
    sources_csv: &str,
) -> Result<(String, BTreeMap<String, String>)> {
    let sources = parse_sources(&format!("{}/sources.csv", id.dir()), sources_csv)?;
    Ok((format!("{}/{name}", id.dir()), sources))
}

fn parse_sources(file: &str, text: &str) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for row in read_rows(file, text, &["id", "citation"])? {
        let (line, row) = row?;
        let v = row.fields();
        if out.insert(v[0].to_string(), v[1].to_string()).is_some() {
            return Err(Error::FactorData {
                file: file.into(),
                line,
                message: format!("duplicate source id '{}'", v[0]),
            });
        }
    }
    Ok(out)
}

impl FactorSet {
    /// Reads a set from the text of its `factors.csv` and `sources.csv`.
    ///
    /// `com` says whether the set is an official Covenant of Mayors set; results that use a
    /// non-CoM set say so.
    pub fn parse(id: SetId, com: bool, factors_csv: &str, sources_csv: &str) -> Result<FactorSet> {
        let (ffile, sources) = set_files(&id, "factors.csv", sources_csv)?;
        // Sized once: the JRC set has thousands of rows.
        let rows = memchr::memchr_iter(b'\n', factors_csv.as_bytes()).count();
        let mut records = Vec::with_capacity(rows);
        let mut index = HashMap::with_capacity(rows);
        let cols = [
            "carrier", "country", "year", "approach", "gases", "value", "unit", "tag", "source",
            "note", "?variant",
        ];
        for row in read_rows(&ffile, factors_csv, &cols)? {
            let (line, row) = row?;
            let v = row.fields();
            let bad = |message: String| Error::FactorData { file: ffile.clone(), line, message };
            let carrier = Carrier::parse_code(v[0]).map_err(|e| bad(e.to_string()))?;
            let country = if v[1].is_empty() {
                None
            } else {
                Some(Country::parse(v[1]).map_err(|e| bad(e.to_string()))?)
            };
            let year = if v[2].is_empty() {
                None
            } else {
                Some(
                    v[2].parse::<u16>()
                        .map_err(|_| bad(format!("year '{}' is not a year", v[2])))?,
                )
            };
            let approach = Approach::parse_code(v[3]).map_err(|e| bad(e.to_string()))?;
            let gases = GasBasis::parse_code(v[4]).map_err(|e| bad(e.to_string()))?;
            let value = parse_decimal(v[5]).map_err(|e| bad(format!("value '{}': {e}", v[5])))?;
            let factor = EmissionFactor::t_per_mwh(value).map_err(|e| bad(e.to_string()))?;
            if v[6] != "t/MWh" {
                return Err(bad(format!("unit '{}': expected t/MWh", v[6])));
            }
            let tag = Tag::parse(v[7]).map_err(bad)?;
            cited(&sources, v[8]).map_err(bad)?;
            let variant = Variant::parse(v[10]).map_err(bad)?;
            let key = (carrier, country, year, approach, gases, variant);
            if index.insert(key, records.len()).is_some() {
                return Err(bad(format!(
                    "duplicate factor for {carrier} {} {} {approach} {gases}",
                    v[1], v[2]
                )));
            }
            records.push(FactorRecord {
                carrier,
                country,
                year,
                approach,
                gases,
                factor,
                tag,
                source: Arc::from(v[8]),
                note: Arc::from(v[9]),
                variant,
            });
        }
        let sources = sources.into_iter().map(|(k, v)| (k, Arc::from(v))).collect();
        let covered = records.iter().filter_map(|r| r.country.map(|c| (r.carrier, c))).collect();
        Ok(FactorSet {
            id_text: Arc::from(id.to_string()),
            id,
            com,
            records,
            sources,
            index,
            covered,
        })
    }

    /// The set's id.
    pub fn id(&self) -> &SetId {
        &self.id
    }

    /// Whether this is an official Covenant of Mayors set.
    pub fn is_com(&self) -> bool {
        self.com
    }

    /// Every record, in file order.
    pub fn records(&self) -> &[FactorRecord] {
        &self.records
    }

    /// The citation of a source id.
    pub fn citation(&self, source: &str) -> Option<&Arc<str>> {
        self.sources.get(source)
    }

    /// The set's id as shared text (`name@revision`).
    pub fn id_text(&self) -> &Arc<str> {
        &self.id_text
    }

    /// The sources, by id.
    pub fn sources(&self) -> &BTreeMap<String, Arc<str>> {
        &self.sources
    }

    /// The most specific record for the key: country and year, then country, then a general
    /// value.
    pub fn lookup(
        &self,
        carrier: Carrier,
        country: Country,
        year: u16,
        approach: Approach,
        gases: GasBasis,
    ) -> Option<&FactorRecord> {
        self.lookup_variant(carrier, country, year, approach, gases, Variant::Default)
    }

    /// [`Self::lookup`] for a fuel variant.
    pub fn lookup_variant(
        &self,
        carrier: Carrier,
        country: Country,
        year: u16,
        approach: Approach,
        gases: GasBasis,
        variant: Variant,
    ) -> Option<&FactorRecord> {
        [(Some(country), Some(year)), (Some(country), None), (None, None)]
            .into_iter()
            .find_map(|(c, y)| self.index.get(&(carrier, c, y, approach, gases, variant)))
            .map(|&i| &self.records[i])
    }

    /// Whether the set has any record for this carrier and country.
    pub fn covers(&self, carrier: Carrier, country: Country) -> bool {
        self.covered.contains(&(carrier, country))
    }

    /// The years available for a country series, as `(first, last)`.
    pub fn year_range(
        &self,
        carrier: Carrier,
        country: Country,
        approach: Approach,
        gases: GasBasis,
    ) -> Option<(u16, u16)> {
        let years = self.records.iter().filter(|r| {
            r.carrier == carrier
                && r.country == Some(country)
                && r.approach == approach
                && r.gases == gases
        });
        years.filter_map(|r| r.year).fold(None, |acc, y| match acc {
            None => Some((y, y)),
            Some((a, b)) => Some((a.min(y), b.max(y))),
        })
    }
}

/// A fuel property: net calorific value (GJ/t) or density (kg/L).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FuelProperty {
    /// The value: GJ/t for an NCV, kg/L (= t/m³) for a density.
    pub value: Decimal,
    /// The unit, `GJ/t` or `kg/L`.
    pub unit: &'static str,
    /// The evidence tag.
    pub tag: Tag,
    /// The source's citation.
    pub source: String,
    /// A note.
    pub note: String,
    /// The set it comes from, or `None` for a user value.
    pub set: Option<String>,
}

/// Net calorific values and densities by carrier.
#[derive(Clone, Debug, Default)]
pub struct PropertySet {
    ncv: BTreeMap<Carrier, FuelProperty>,
    density: BTreeMap<Carrier, FuelProperty>,
}

impl PropertySet {
    /// Reads `properties.csv` and `sources.csv`.
    pub fn parse(id: &SetId, properties_csv: &str, sources_csv: &str) -> Result<PropertySet> {
        let (file, sources) = set_files(id, "properties.csv", sources_csv)?;
        let mut out = PropertySet::default();
        for row in read_rows(
            &file,
            properties_csv,
            &["carrier", "property", "value", "unit", "tag", "source", "note"],
        )? {
            let (line, row) = row?;
            let v = row.fields();
            let bad = |message: String| Error::FactorData { file: file.clone(), line, message };
            let carrier = Carrier::parse_code(v[0]).map_err(|e| bad(e.to_string()))?;
            let value = parse_decimal(v[2]).map_err(|e| bad(format!("value '{}': {e}", v[2])))?;
            if value <= Decimal::ZERO {
                return Err(bad(format!("value {value} must be > 0")));
            }
            let tag = Tag::parse(v[4]).map_err(bad)?;
            let source = cited(&sources, v[5]).map_err(bad)?;
            let (map, unit) = match (v[1], v[3]) {
                ("ncv", "GJ/t") => (&mut out.ncv, "GJ/t"),
                ("density", "kg/L") => (&mut out.density, "kg/L"),
                (p, u) => {
                    return Err(bad(format!(
                        "property '{p}' in '{u}': expected ncv in GJ/t or density in kg/L"
                    )));
                }
            };
            let prop = FuelProperty {
                value,
                unit,
                tag,
                source: source.clone(),
                note: v[6].to_string(),
                set: Some(id.to_string()),
            };
            if map.insert(carrier, prop).is_some() {
                return Err(bad(format!("duplicate {} for {carrier}", v[1])));
            }
        }
        Ok(out)
    }

    /// The net calorific value of a carrier, in GJ/t.
    pub fn ncv(&self, carrier: Carrier) -> Option<&FuelProperty> {
        self.ncv.get(&carrier)
    }

    /// The density of a carrier, in kg/L.
    pub fn density(&self, carrier: Carrier) -> Option<&FuelProperty> {
        self.density.get(&carrier)
    }
}

/// The 100-year global warming potentials of one IPCC assessment report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Gwp {
    /// The set's code (`sar`, `tar`, `ar4`, `ar5`, `ar6`).
    pub code: String,
    /// GWP of CH4.
    pub ch4: Decimal,
    /// GWP of N2O.
    pub n2o: Decimal,
    /// The source's citation.
    pub source: String,
}

fn parse_gwp(id: &SetId, gwp_csv: &str, sources_csv: &str) -> Result<Vec<Gwp>> {
    let (file, sources) = set_files(id, "gwp.csv", sources_csv)?;
    let mut partial: BTreeMap<String, (Option<Decimal>, Option<Decimal>, String)> = BTreeMap::new();
    for row in read_rows(&file, gwp_csv, &["gwp_set", "gas", "value", "tag", "source"])? {
        let (line, row) = row?;
        let v = row.fields();
        let bad = |message: String| Error::FactorData { file: file.clone(), line, message };
        let value = parse_decimal(v[2]).map_err(|e| bad(format!("value '{}': {e}", v[2])))?;
        Tag::parse(v[3]).map_err(bad)?;
        let source = cited(&sources, v[4]).map_err(bad)?;
        let entry = partial.entry(v[0].to_string()).or_insert((None, None, source.clone()));
        let slot = match v[1] {
            "ch4" => &mut entry.0,
            "n2o" => &mut entry.1,
            g => return Err(bad(format!("gas '{g}': expected ch4 or n2o"))),
        };
        if slot.replace(value).is_some() {
            return Err(bad(format!("duplicate {} for {}", v[1], v[0])));
        }
    }
    partial
        .into_iter()
        .map(|(code, (ch4, n2o, source))| match (ch4, n2o) {
            (Some(ch4), Some(n2o)) => Ok(Gwp { code, ch4, n2o, source }),
            _ => Err(Error::FactorData {
                file: file.clone(),
                line: 0,
                message: format!("{code} needs both ch4 and n2o"),
            }),
        })
        .collect()
}

/// A release: one revision of every data set, under one id (`com-2024.1`).
#[derive(Clone, Debug)]
pub struct Release {
    id: Arc<str>,
    date: String,
    description: String,
    // Shared between releases that pin the same revision (parsed once).
    fuels: Arc<FactorSet>,
    electricity: Arc<FactorSet>,
    partner_grid: Arc<FactorSet>,
    properties_id: SetId,
    properties: PropertySet,
    gwp_id: SetId,
    gwp: Vec<Gwp>,
    per_gas: Option<GasSet>,
}

/// The per-gas emission factors of a fuel (kg per TJ), from which a CO2-eq factor is computed
/// with a chosen GWP set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GasFactors {
    /// CO2, kg/TJ.
    pub co2: Decimal,
    /// Whether the CO2 is biogenic (counted as 0 for sustainable biomass).
    pub biogenic: bool,
    /// CH4, kg/TJ.
    pub ch4: Decimal,
    /// N2O, kg/TJ.
    pub n2o: Decimal,
}

/// A per-gas factor set (`gases.csv`).
#[derive(Clone, Debug)]
pub struct GasSet {
    id: SetId,
    id_text: Arc<str>,
    fuels: BTreeMap<Carrier, GasFactors>,
    sources: BTreeMap<String, String>,
}

impl GasSet {
    /// Reads `gases.csv` and `sources.csv`.
    pub fn parse(id: &SetId, gases_csv: &str, sources_csv: &str) -> Result<GasSet> {
        let (file, sources) = set_files(id, "gases.csv", sources_csv)?;
        let mut partial: BTreeMap<Carrier, [Option<(Decimal, bool)>; 3]> = BTreeMap::new();
        for row in read_rows(
            &file,
            gases_csv,
            &["carrier", "gas", "value", "unit", "biogenic", "tag", "source"],
        )? {
            let (line, row) = row?;
            let v = row.fields();
            let bad = |message: String| Error::FactorData { file: file.clone(), line, message };
            let carrier = Carrier::parse_code(v[0]).map_err(|e| bad(e.to_string()))?;
            let k = match v[1] {
                "co2" => 0,
                "ch4" => 1,
                "n2o" => 2,
                g => return Err(bad(format!("gas '{g}': expected co2, ch4 or n2o"))),
            };
            let value = parse_decimal(v[2]).map_err(|e| bad(format!("value '{}': {e}", v[2])))?;
            if v[3] != "kg/TJ" || value < Decimal::ZERO {
                return Err(bad(format!(
                    "expected a value >= 0 in kg/TJ, got '{}' '{}'",
                    v[2], v[3]
                )));
            }
            let biogenic = match v[4] {
                "yes" => true,
                "no" => false,
                b => return Err(bad(format!("biogenic '{b}': expected yes or no"))),
            };
            Tag::parse(v[5]).map_err(bad)?;
            cited(&sources, v[6]).map_err(bad)?;
            let slot = &mut partial.entry(carrier).or_default()[k];
            if slot.replace((value, biogenic)).is_some() {
                return Err(bad(format!("duplicate {} for {carrier}", v[1])));
            }
        }
        let mut fuels = BTreeMap::new();
        for (carrier, [co2, ch4, n2o]) in partial {
            match (co2, ch4, n2o) {
                (Some((co2, biogenic)), Some((ch4, _)), Some((n2o, _))) => {
                    fuels.insert(carrier, GasFactors { co2, biogenic, ch4, n2o });
                }
                _ => {
                    return Err(Error::FactorData {
                        file,
                        line: 0,
                        message: format!("{carrier} needs co2, ch4 and n2o"),
                    });
                }
            }
        }
        Ok(GasSet { id_text: Arc::from(id.to_string()), id: id.clone(), fuels, sources })
    }

    /// The set's id.
    pub fn id(&self) -> &SetId {
        &self.id
    }

    /// The set's id as shared text.
    pub fn id_text(&self) -> &Arc<str> {
        &self.id_text
    }

    /// The per-gas factors of a carrier.
    pub fn get(&self, carrier: Carrier) -> Option<&GasFactors> {
        self.fuels.get(&carrier)
    }

    /// The sources, by id.
    pub fn sources(&self) -> &BTreeMap<String, String> {
        &self.sources
    }
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

    /// Why no factor was found, and what to do about it.
    pub fn missing_factor_hint(
        &self,
        carrier: Carrier,
        country: Country,
        approach: Approach,
        gases: GasBasis,
    ) -> String {
        let supply = "give one in factors.csv (column factor, t/MWh) with its source";
        match carrier {
            Carrier::Electricity => {
                let set = if self.electricity.covers(carrier, country) {
                    &self.electricity
                } else {
                    &self.partner_grid
                };
                match set.year_range(carrier, country, approach, gases) {
                    Some((a, b)) => {
                        format!("{} has {country} for {a}-{b} only; {supply}", set.id())
                    }
                    None if set.covers(carrier, country) => {
                        format!(
                            "{} has no {approach}/{gases} series for {country}; {supply}",
                            set.id()
                        )
                    }
                    None => format!(
                        "no national factor for {country} is shipped ({} covers EU, EFTA, UK and 26 partner countries; {} 18 more); {supply}",
                        self.electricity.id(),
                        self.partner_grid.id()
                    ),
                }
            }
            Carrier::HeatCold => format!(
                "district heat/cold has no default factor: it depends on the local heat supply (methodology: EFH); {supply}"
            ),
            Carrier::OtherFossil => {
                format!(
                    "'other fossil fuels' has no default factor (the fuel mix is not known); {supply}"
                )
            }
            _ if approach == Approach::Lca => format!(
                "no verified CoM LCA factor for fuels exists in any shipped set (a documented gap); {supply}"
            ),
            _ => format!("{} has no such factor; {supply}", self.fuels.id()),
        }
    }
}

/// Every shipped release, oldest first.
#[derive(Clone, Debug)]
pub struct Catalog {
    releases: Vec<Release>,
}

static EMBEDDED: OnceLock<Catalog> = OnceLock::new();

impl Catalog {
    /// The catalogue embedded in the binary at build time from `factors/`.
    pub fn embedded() -> &'static Catalog {
        EMBEDDED.get_or_init(|| {
            Catalog::parse(|path| crate::embedded::file(path).map(str::to_string))
                .expect("embedded factor files are valid: checked by the test suite")
        })
    }

    /// Reads a catalogue: `read(path)` returns the text of a file relative to the factor
    /// directory (`releases.csv`, `jrc-neefe/2024.1/factors.csv`, …), or `None` if absent.
    pub fn parse(read: impl Fn(&str) -> Option<String>) -> Result<Catalog> {
        let need = |path: String| {
            read(&path).ok_or(Error::FactorData {
                file: path,
                line: 0,
                message: "file not found".into(),
            })
        };
        let releases_csv = need("releases.csv".into())?;
        let cols = [
            "release",
            "date",
            "fuels",
            "electricity",
            "partner_grid",
            "fuel_properties",
            "gwp",
            "description",
            "?per_gas",
        ];
        let mut releases: Vec<Release> = Vec::new();
        // Each factor-set revision is parsed once, however many releases pin it.
        let parsed: std::cell::RefCell<Vec<(SetId, Arc<FactorSet>)>> = Default::default();
        for row in read_rows("releases.csv", &releases_csv, &cols)? {
            let (line, row) = row?;
            let v = row.fields();
            let set = |i: usize| {
                SetId::parse(v[i]).ok_or_else(|| Error::FactorData {
                    file: "releases.csv".into(),
                    line,
                    message: format!("'{}' is not a set id (name@revision)", v[i]),
                })
            };
            let load = |id: SetId, com: bool| -> Result<Arc<FactorSet>> {
                if let Some((_, set)) =
                    parsed.borrow().iter().find(|(i, s)| *i == id && s.is_com() == com)
                {
                    return Ok(Arc::clone(set));
                }
                let set = Arc::new(FactorSet::parse(
                    id.clone(),
                    com,
                    &need(format!("{}/factors.csv", id.dir()))?,
                    &need(format!("{}/sources.csv", id.dir()))?,
                )?);
                parsed.borrow_mut().push((id, Arc::clone(&set)));
                Ok(set)
            };
            let properties_id = set(5)?;
            let gwp_id = set(6)?;
            let release = Release {
                id: Arc::from(v[0]),
                date: v[1].to_string(),
                description: v[7].to_string(),
                fuels: load(set(2)?, true)?,
                electricity: load(set(3)?, true)?,
                partner_grid: load(set(4)?, false)?,
                properties: PropertySet::parse(
                    &properties_id,
                    &need(format!("{}/properties.csv", properties_id.dir()))?,
                    &need(format!("{}/sources.csv", properties_id.dir()))?,
                )?,
                gwp: parse_gwp(
                    &gwp_id,
                    &need(format!("{}/gwp.csv", gwp_id.dir()))?,
                    &need(format!("{}/sources.csv", gwp_id.dir()))?,
                )?,
                properties_id,
                gwp_id,
                per_gas: if v[8].is_empty() {
                    None
                } else {
                    let id = set(8)?;
                    Some(GasSet::parse(
                        &id,
                        &need(format!("{}/gases.csv", id.dir()))?,
                        &need(format!("{}/sources.csv", id.dir()))?,
                    )?)
                },
            };
            if releases.iter().any(|r| r.id == release.id) {
                return Err(Error::FactorData {
                    file: "releases.csv".into(),
                    line,
                    message: format!("duplicate release '{}'", release.id),
                });
            }
            releases.push(release);
        }
        if releases.is_empty() {
            return Err(Error::FactorData {
                file: "releases.csv".into(),
                line: 1,
                message: "no release".into(),
            });
        }
        Ok(Catalog { releases })
    }

    /// Every release, oldest first.
    pub fn releases(&self) -> &[Release] {
        &self.releases
    }

    /// The newest release (the default).
    pub fn newest(&self) -> &Release {
        // `parse` refuses an empty catalogue.
        &self.releases[self.releases.len() - 1]
    }

    /// A release by id; `None` or an empty id gives the newest.
    pub fn release(&self, id: Option<&str>) -> Result<&Release> {
        match id.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(self.newest()),
            Some(id) => {
                self.releases.iter().find(|r| &*r.id == id).ok_or_else(|| Error::UnknownRelease {
                    given: id.into(),
                    available: self.releases.iter().map(|r| &*r.id).collect::<Vec<_>>().join(", "),
                })
            }
        }
    }

    /// Finds a set revision by id in any release.
    pub fn factor_set(&self, id: &str) -> Option<&FactorSet> {
        self.releases.iter().flat_map(|r| r.factor_sets()).find(|s| s.id().to_string() == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn c(s: &str) -> Country {
        Country::parse(s).unwrap()
    }

    #[test]
    fn embedded_catalog_parses() {
        let cat = Catalog::embedded();
        let r = cat.newest();
        assert_eq!(r.id(), "com-2024.2");
        assert_eq!(r.electricity().records().len(), 5127);
        assert_eq!(r.partner_grid().records().len(), 140);
        assert!(!r.partner_grid().is_com());
        assert_eq!(r.gwp().len(), 5);
    }

    #[test]
    fn neefe_oracles() {
        let r = Catalog::embedded().newest();
        let get =
            |cc, y, a, g| r.factor(Carrier::Electricity, c(cc), y, a, g).unwrap().1.factor.value();
        // methodology-2 N1 and N2 (3-decimal rounding of the XLSX values).
        assert_eq!(get("IT", 2005, Approach::Ipcc, GasBasis::Co2), dec!(0.497));
        assert_eq!(get("DE", 2010, Approach::Lca, GasBasis::Co2e), dec!(0.590));
        assert_eq!(get("GR", 2010, Approach::Ipcc, GasBasis::Co2), dec!(0.833));
        assert_eq!(get("ES", 2019, Approach::Ipcc, GasBasis::Co2), dec!(0.232));
        // JRC's EL/UK are stored under ISO GR/GB; GB 2020 only exists on the IEA basis.
        assert_eq!(get("GB", 2019, Approach::Ipcc, GasBasis::Co2), dec!(0.241));
        assert_eq!(get("GB", 2020, Approach::Ipcc, GasBasis::Co2), dec!(0.214));
        assert!(get("UA", 2020, Approach::Ipcc, GasBasis::Co2e).to_string().len() > 2);
    }

    #[test]
    fn partner_countries_use_the_non_com_set() {
        let r = Catalog::embedded().newest();
        let (set, rec) =
            r.factor(Carrier::Electricity, c("BR"), 2020, Approach::Ipcc, GasBasis::Co2).unwrap();
        assert!(!set.is_com());
        assert_eq!(rec.factor.value(), dec!(0.113));
        assert!(set.citation(&rec.source).unwrap().starts_with("NOT A CoM FACTOR"));
        assert!(
            r.factor(Carrier::Electricity, c("BR"), 2020, Approach::Ipcc, GasBasis::Co2e).is_none()
        );
        assert!(
            r.factor(Carrier::Electricity, c("GR"), 2023, Approach::Ipcc, GasBasis::Co2).is_none()
        );
        let hint =
            r.missing_factor_hint(Carrier::Electricity, c("GR"), Approach::Ipcc, GasBasis::Co2);
        assert!(hint.contains("1990-2021"), "{hint}");
    }

    #[test]
    fn fuel_defaults() {
        let r = Catalog::embedded().newest();
        let get = |k, g| r.factor(k, c("GR"), 2010, Approach::Ipcc, g).map(|x| x.1.factor.value());
        assert_eq!(get(Carrier::Diesel, GasBasis::Co2), Some(dec!(0.267)));
        assert_eq!(get(Carrier::Gasoline, GasBasis::Co2), Some(dec!(0.249)));
        assert_eq!(get(Carrier::Biofuel, GasBasis::Co2), Some(dec!(0)));
        assert_eq!(get(Carrier::Diesel, GasBasis::Co2e), Some(dec!(0.268)));
        assert_eq!(get(Carrier::HeatCold, GasBasis::Co2), None);
        assert_eq!(get(Carrier::OtherFossil, GasBasis::Co2), None);
        assert!(r.factor(Carrier::Diesel, c("GR"), 2010, Approach::Lca, GasBasis::Co2e).is_none());
        assert_eq!(r.properties().ncv(Carrier::Diesel).unwrap().value, dec!(43.0));
        assert_eq!(r.properties().density(Carrier::Gasoline).unwrap().value, dec!(0.745));
        assert!(r.properties().density(Carrier::NaturalGas).is_none());
    }

    #[test]
    fn derived_co2_factors_match_ipcc_kg_per_tj() {
        // Each derived value is the IPCC 2006 default (kg/TJ, given in the note) × 3.6e-6,
        // rounded half away from zero to 3 decimals.
        let r = Catalog::embedded().newest();
        for rec in r
            .fuels()
            .records()
            .iter()
            .filter(|r| r.tag == Tag::Derived && r.note.contains("kg CO2/TJ"))
        {
            let after_colon = rec.note.split(':').nth(1).unwrap();
            let kg: String = after_colon
                .split("kg")
                .next()
                .unwrap()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            let exact = Decimal::from_str_exact(&kg).unwrap() * dec!(0.0000036);
            assert_eq!(
                crate::quantity::round_for_display(exact, 3),
                rec.factor.value(),
                "{}",
                rec.carrier
            );
        }
    }

    #[test]
    fn unverified_values_are_refused() {
        let id = SetId::parse("x@1").unwrap();
        let sources = "id,citation\ns,somewhere\n";
        let head = "carrier,country,year,approach,gases,value,unit,tag,source,note\n";
        let e = FactorSet::parse(
            id.clone(),
            true,
            &format!("{head}diesel,,,lca,co2e,0.305,t/MWh,U,s,\n"),
            sources,
        );
        assert!(e.unwrap_err().to_string().contains("never shipped"));
        let e = FactorSet::parse(
            id.clone(),
            true,
            &format!("{head}diesel,,,ipcc,co2,0.3,t/MWh,V,t,\n"),
            sources,
        );
        assert!(e.unwrap_err().to_string().contains("not in sources.csv"));
        let dup =
            format!("{head}diesel,,,ipcc,co2,0.3,t/MWh,V,s,\ndiesel,,,ipcc,co2,0.4,t/MWh,V,s,\n");
        assert!(
            FactorSet::parse(id.clone(), true, &dup, sources)
                .unwrap_err()
                .to_string()
                .contains("duplicate")
        );
        let neg = format!("{head}diesel,,,ipcc,co2,-0.3,t/MWh,V,s,\n");
        assert!(FactorSet::parse(id, true, &neg, sources).is_err());
    }

    #[test]
    fn release_selection() {
        let cat = Catalog::embedded();
        assert_eq!(cat.release(None).unwrap().id(), "com-2024.2");
        assert_eq!(cat.release(Some("")).unwrap().id(), "com-2024.2");
        let e = cat.release(Some("com-2099")).unwrap_err();
        assert!(e.to_string().contains("available: com-2024.1, com-2024.2"), "{e}");
        assert!(cat.factor_set("jrc-neefe@2024.1").is_some());
    }
}
