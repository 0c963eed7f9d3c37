//! Countries as ISO 3166-1 alpha-2 codes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codes::UnknownCode;

#[path = "country_table.rs"]
mod table;

/// An assigned ISO 3166-1 alpha-2 country code (`GR`, `IT`, `BR` …), or `XK` (Kosovo, the
/// user-assigned code used by the EU and the JRC).
///
/// The JRC's own codes `EL` (Greece) and `UK` (United Kingdom) are not ISO codes; they are
/// rejected with a suggestion of `GR` and `GB`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

impl Country {
    /// Italy: a valid country for values that need one before their own is known (an
    /// inventory rejected on reading keeps its place with it; it is never computed).
    pub(crate) const PLACEHOLDER: Country = Country(*b"IT");

    /// Parses a code: exactly two upper-case letters of an assigned code.
    pub fn parse(s: &str) -> Result<Self, UnknownCode> {
        let t = s.trim();
        if let Ok(i) = table::COUNTRIES.binary_search_by(|(c, _)| (*c).cmp(t)) {
            let b = table::COUNTRIES[i].0.as_bytes();
            return Ok(Country([b[0], b[1]]));
        }
        let suggestion = match t.to_ascii_uppercase().as_str() {
            "EL" => Some("GR"),
            "UK" => Some("GB"),
            up => table::COUNTRIES.iter().map(|(c, _)| *c).find(|c| *c == up),
        };
        Err(UnknownCode {
            what: "country",
            given: t.to_string(),
            suggestion,
            valid: vec!["an assigned ISO 3166-1 alpha-2 code such as GR, IT, DE, BR"],
        })
    }

    /// The two-letter code.
    pub fn code(&self) -> &str {
        // The bytes come from the ASCII table above.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The English short name.
    pub fn name(&self) -> &'static str {
        let code = self.code();
        table::COUNTRIES
            .binary_search_by(|(c, _)| (*c).cmp(code))
            .map(|i| table::COUNTRIES[i].1)
            .unwrap_or("")
    }

    /// Every accepted country, sorted by code.
    pub fn all() -> impl Iterator<Item = Country> {
        table::COUNTRIES.iter().map(|(c, _)| {
            let b = c.as_bytes();
            Country([b[0], b[1]])
        })
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Country {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Country {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Country::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_assigned_codes() {
        assert_eq!(Country::parse("GR").unwrap().name(), "Greece");
        assert_eq!(Country::parse(" IT ").unwrap().code(), "IT");
        assert_eq!(Country::parse("XK").unwrap().name(), "Kosovo");
        assert_eq!(Country::all().count(), 250);
        let sorted: Vec<_> = table::COUNTRIES.iter().map(|(c, _)| *c).collect();
        let mut s2 = sorted.clone();
        s2.sort_unstable();
        assert_eq!(sorted, s2, "the table must stay sorted for binary search");
    }

    #[test]
    fn rejects_jrc_codes_with_suggestion() {
        assert_eq!(Country::parse("EL").unwrap_err().suggestion, Some("GR"));
        assert_eq!(Country::parse("UK").unwrap_err().suggestion, Some("GB"));
        assert_eq!(Country::parse("gr").unwrap_err().suggestion, Some("GR"));
        assert_eq!(Country::parse("ZZ").unwrap_err().suggestion, None);
        assert!(Country::parse("").is_err());
        assert!(Country::parse("GRC").is_err());
    }
}
