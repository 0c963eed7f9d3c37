//! Units of CRF activity data and per-gas emission factors, read as people write them and
//! converted exactly.
//!
//! An activity unit is an energy (`MJ`, `GJ`, `TJ`, `kWh`, `MWh`, `GWh`, `toe`), a volume (`L`,
//! `m3`), a mass (`kg`, `t`), or any other count a factor can be expressed per (`head`, `km`,
//! `passenger-km` …): such a unit converts only to itself. A factor unit is a mass (`g`, `kg`,
//! `t`), optionally followed by the gas it counts (`gCO2e`, `kg CO₂`, `tCH4` — the gas itself comes
//! from the column), then `/` and an activity unit: `g/MJ`, `gCO₂e/MJ`, `kg/TJ`, `t/MWh`,
//! `kg CO2/L`. Every conversion factor is an exact decimal.

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

use std::fmt;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

/// What an activity unit measures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dimension {
    /// Energy; the base is the megajoule.
    Energy,
    /// Volume; the base is the litre.
    Volume,
    /// Mass; the base is the kilogram.
    Mass,
    /// Any other count (compared by name, case-insensitively).
    Other(String),
}

/// An activity unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrfUnit {
    /// The unit as given, trimmed.
    symbol: String,
    dimension: Dimension,
    /// Base units (MJ, L, kg; 1 for other counts) in one of this unit.
    scale: Decimal,
}

const fn d(m: i64, scale: u32) -> Decimal {
    let neg = m < 0;
    let abs = m.unsigned_abs();
    // The mantissas used here fit in 64 bits.
    #[allow(clippy::cast_possible_truncation, reason = "low and mid words of a u64")]
    Decimal::from_parts(abs as u32, (abs >> 32) as u32, 0, neg, scale)
}

/// Known units: symbols (compared case-sensitively first, then case-insensitively where no
/// two differ only by case), dimension, scale.
/// A known unit: its symbols, its dimension (0 energy, 1 volume, 2 mass), its scale.
type Known = (&'static [&'static str], u8, Decimal);

const KNOWN: &[Known] = &[
    (&["MJ"], 0, d(1, 0)),
    (&["GJ"], 0, d(1000, 0)),
    (&["TJ"], 0, d(1_000_000, 0)),
    (&["kWh", "KWh", "kwh"], 0, d(36, 1)),
    (&["MWh", "mwh"], 0, d(3600, 0)),
    (&["GWh", "gwh"], 0, d(3_600_000, 0)),
    (&["toe", "TOE"], 0, d(41868, 0)),
    (&["L", "l", "litre", "litres", "liter", "liters"], 1, d(1, 0)),
    (&["m3", "m³", "M3"], 1, d(1000, 0)),
    (&["kg", "KG", "Kg"], 2, d(1, 0)),
    (&["t", "tonne", "tonnes", "ton", "tons", "Mg"], 2, d(1000, 0)),
];

/// The symbol of every activity unit the engine converts (energy, volume, mass), in order: any
/// other unit is a count that converts only to itself.
pub fn known_units() -> impl Iterator<Item = &'static str> {
    KNOWN.iter().map(|k| k.0[0])
}

impl CrfUnit {
    /// Reads an activity unit. `None` for an empty text or one with characters no unit has.
    pub fn parse(s: &str) -> Option<CrfUnit> {
        let t = s.trim();
        if t.is_empty()
            || t.chars().count() > 40
            || !t.chars().all(|c| c.is_alphanumeric() || " -_.³²".contains(c))
        {
            return None;
        }
        for (symbols, dim, scale) in KNOWN {
            if symbols.contains(&t) {
                let dimension = match dim {
                    0 => Dimension::Energy,
                    1 => Dimension::Volume,
                    _ => Dimension::Mass,
                };
                return Some(CrfUnit { symbol: symbols[0].to_string(), dimension, scale: *scale });
            }
        }
        Some(CrfUnit {
            symbol: t.to_string(),
            dimension: Dimension::Other(t.to_lowercase()),
            scale: Decimal::ONE,
        })
    }

    /// [`CrfUnit::parse`], with an error that lists the known units.
    pub fn parse_code(s: &str) -> Result<CrfUnit, crate::codes::UnknownCode> {
        CrfUnit::parse(s).ok_or_else(|| crate::codes::UnknownCode {
            what: "unit",
            given: s.trim().to_string(),
            suggestion: None,
            valid: KNOWN.iter().map(|k| k.0[0]).collect(),
        })
    }

    /// The unit's symbol (canonical for known units, as given otherwise).
    pub fn symbol(&self) -> &str {
        &self.symbol
    }

    /// What it measures.
    pub fn dimension(&self) -> &Dimension {
        &self.dimension
    }

    /// Base units (MJ, L, kg) in one of this unit.
    pub fn scale(&self) -> Decimal {
        self.scale
    }
}

impl fmt::Display for CrfUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.symbol)
    }
}

impl Serialize for CrfUnit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.symbol)
    }
}

/// A per-gas factor unit: a mass of gas per activity unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactorUnit {
    text: String,
    /// Tonnes in one of the numerator's mass unit.
    tonnes: Decimal,
    /// The activity unit it is per.
    per: CrfUnit,
}

/// Gas labels a factor unit's numerator may carry after its mass unit.
const GAS_LABELS: &[&str] =
    &["", "co2", "co2e", "co2eq", "co2-eq", "co2-e", "co2equivalent", "ch4", "n2o", "ghg"];

impl FactorUnit {
    /// Reads a factor unit such as `kg/TJ`, `gCO₂e/MJ`, `t CO2/MWh`. `None` if it is not one.
    pub fn parse(s: &str) -> Option<FactorUnit> {
        let t = s.trim();
        if t.chars().count() > 60 {
            return None;
        }
        let (num, den) = t.split_once('/')?;
        let per = CrfUnit::parse(den)?;
        // Subscript digits as people type them: CO₂, CH₄, N₂O.
        let num: String = num
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '₂' => '2',
                '₄' => '4',
                c => c,
            })
            .collect();
        let (tonnes, rest) = if let Some(r) = num.strip_prefix("kg") {
            (d(1, 3), r)
        } else if let Some(r) = num.strip_prefix("Mg") {
            (Decimal::ONE, r)
        } else if let Some(r) = num.strip_prefix("tonnes").or_else(|| num.strip_prefix("tonne")) {
            (Decimal::ONE, r)
        } else if let Some(r) = num.strip_prefix('t') {
            (Decimal::ONE, r)
        } else if let Some(r) = num.strip_prefix('g') {
            (d(1, 6), r)
        } else {
            return None;
        };
        if !GAS_LABELS.contains(&rest.to_lowercase().as_str()) {
            return None;
        }
        Some(FactorUnit { text: t.to_string(), tonnes, per })
    }

    /// [`FactorUnit::parse`], with an error that says what a factor unit looks like.
    pub fn parse_code(s: &str) -> Result<FactorUnit, crate::codes::UnknownCode> {
        FactorUnit::parse(s).ok_or_else(|| crate::codes::UnknownCode {
            what: "factor unit",
            given: s.trim().to_string(),
            suggestion: None,
            valid: vec!["g/MJ", "gCO2e/MJ", "kg/TJ", "t/MWh", "kg/L", "kg/t", "kg/head"],
        })
    }

    /// The unit as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Tonnes per numerator unit.
    pub fn tonnes(&self) -> Decimal {
        self.tonnes
    }

    /// The activity unit of the denominator.
    pub fn per(&self) -> &CrfUnit {
        &self.per
    }
}

impl fmt::Display for FactorUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for FactorUnit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn activity_units() {
        let u = CrfUnit::parse(" kWh ").unwrap();
        assert_eq!((u.symbol(), u.scale(), u.dimension()), ("kWh", dec!(3.6), &Dimension::Energy));
        assert_eq!(CrfUnit::parse("m³").unwrap().scale(), dec!(1000));
        assert_eq!(CrfUnit::parse("tonnes").unwrap().symbol(), "t");
        let head = CrfUnit::parse("head").unwrap();
        assert_eq!(head.dimension(), &Dimension::Other("head".into()));
        assert!(CrfUnit::parse("").is_none());
        assert!(CrfUnit::parse("=1+1").is_none());
    }

    #[test]
    fn factor_units_as_people_write_them() {
        for (s, tonnes, per) in [
            ("gCO2e/MJ", dec!(0.000001), "MJ"),
            ("gCO₂e/MJ", dec!(0.000001), "MJ"),
            ("kg/TJ", dec!(0.001), "TJ"),
            ("t/MWh", dec!(1), "MWh"),
            ("tCO2/MWh", dec!(1), "MWh"),
            ("kg CO2e / kWh", dec!(0.001), "kWh"),
            ("kgCH4/head", dec!(0.001), "head"),
            ("kg N₂O/t", dec!(0.001), "t"),
        ] {
            let f = FactorUnit::parse(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!((f.tonnes(), f.per().symbol()), (tonnes, per), "{s}");
        }
        for s in ["kg", "MJ/kg", "lb/MWh", "kgXYZ/TJ", "/MWh"] {
            assert!(FactorUnit::parse(s).is_none(), "{s}");
        }
    }
}
