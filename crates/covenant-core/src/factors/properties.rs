//! Fuel properties: net calorific values and densities.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::quantity::parse_decimal;
use crate::taxonomy::Carrier;

use super::read::{cited, read_rows, set_files};
use super::set::{SetId, Tag};

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
            let bad = |message: String| {
                Error::from(ErrorKind::FactorData { file: file.clone(), line, message })
            };
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
