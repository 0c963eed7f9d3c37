//! Emission-factor sets: evidence tags, fuel variants, set ids, records and their lookup.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::country::Country;
use crate::error::{Error, ErrorKind, Result};
use crate::quantity::{EmissionFactor, parse_decimal};
use crate::taxonomy::{Approach, Carrier, GasBasis};

use super::read::{cited, read_rows, set_files};

/// The evidence behind a value (the `tag` column of the factor files; see `factors/README.md`).
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
    pub(super) fn parse(s: &str) -> std::result::Result<Tag, String> {
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

/// The hasher of the factor index: its keys are a few small codes from the shipped factor
/// files, looked up for every carrier of every inventory, so a multiply-rotate hash (as in
/// `rustc`'s FxHasher) serves better than the default SipHash, whose resistance to chosen keys
/// is not needed here. Iteration order never reaches an output.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type KeyHash = std::hash::BuildHasherDefault<KeyHasher>;

/// An emission-factor set revision (`factors/<name>/<revision>/factors.csv` + `sources.csv`).
#[derive(Clone, Debug)]
pub struct FactorSet {
    id: SetId,
    id_text: Arc<str>,
    com: bool,
    records: Vec<FactorRecord>,
    sources: BTreeMap<String, Arc<str>>,
    index: HashMap<FactorKey, usize, KeyHash>,
    covered: std::collections::HashSet<(Carrier, Country), KeyHash>,
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
        let mut index = HashMap::with_capacity_and_hasher(rows, KeyHash::default());
        let cols = [
            "carrier", "country", "year", "approach", "gases", "value", "unit", "tag", "source",
            "note", "?variant",
        ];
        for row in read_rows(&ffile, factors_csv, &cols)? {
            let (line, row) = row?;
            let v = row.fields();
            let bad = |message: String| {
                Error::from(ErrorKind::FactorData { file: ffile.clone(), line, message })
            };
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

    /// How many countries have a factor for `carrier` in this set.
    pub fn country_count(&self, carrier: Carrier) -> usize {
        self.covered.iter().filter(|(c, _)| *c == carrier).count()
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
