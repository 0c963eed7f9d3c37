//! Global warming potentials and the IPCC per-gas factors of fuels.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::quantity::parse_decimal;
use crate::taxonomy::Carrier;

use super::read::{cited, read_rows, set_files};
use super::set::{SetId, Tag};

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

pub(super) fn parse_gwp(id: &SetId, gwp_csv: &str, sources_csv: &str) -> Result<Vec<Gwp>> {
    let (file, sources) = set_files(id, "gwp.csv", sources_csv)?;
    let mut partial: BTreeMap<String, (Option<Decimal>, Option<Decimal>, String)> = BTreeMap::new();
    for row in read_rows(&file, gwp_csv, &["gwp_set", "gas", "value", "tag", "source"])? {
        let (line, row) = row?;
        let v = row.fields();
        let bad = |message: String| {
            Error::from(ErrorKind::FactorData { file: file.clone(), line, message })
        };
        let value = parse_decimal(v[2]).map_err(|e| bad(format!("value '{}': {e}", v[2])))?;
        Tag::parse(v[3]).map_err(bad)?;
        let source = cited(&sources, v[4]).map_err(bad)?;
        // Codes are identifiers (shown upper-case in provenance texts, ASCII rules only).
        if v[0].is_empty() || !v[0].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(bad(format!(
                "GWP set code '{}': use ASCII letters, digits and '_' only",
                v[0]
            )));
        }
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
            _ => Err(Error::from(ErrorKind::FactorData {
                file: file.clone(),
                line: 0,
                message: format!("{code} needs both ch4 and n2o"),
            })),
        })
        .collect()
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
            let bad = |message: String| {
                Error::from(ErrorKind::FactorData { file: file.clone(), line, message })
            };
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
                    return Err(Error::from(ErrorKind::FactorData {
                        file,
                        line: 0,
                        message: format!("{carrier} needs co2, ch4 and n2o"),
                    }));
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
