//! Emission-factor data: factor sets, fuel properties, GWP sets and the releases that pin them.
//!
//! With the default feature `embedded-factors`, the files under `factors/` are embedded at build
//! time (`Catalog::embedded`), so every program linking the library works offline. A catalogue
//! with the same layout can also be read from any other source ([`Catalog::parse`]): a directory
//! of custom sets, or the same files loaded as data (the browser module is built without the
//! feature and is handed the files by the page).
//!
//! Every value carries its provenance: set and revision, the source's citation, the evidence
//! tag (`V` verified, `D` derived, `R` repository) and a note. Values tagged `U` (unverified)
//! are refused when a set is read: the project never ships them.

mod gases;
mod properties;
mod read;
mod release;
mod set;
#[cfg(test)]
mod tests;

use std::sync::Arc;
#[cfg(any(test, feature = "embedded-factors"))]
use std::sync::OnceLock;

use crate::error::{Error, ErrorKind, Result};

use gases::parse_gwp;
use read::read_rows;

pub use gases::{GasFactors, GasSet, Gwp};
pub use properties::{FuelProperty, PropertySet};
pub use release::Release;
pub use set::{FactorRecord, FactorSet, SetId, Tag, Variant};

/// Every shipped release, oldest first.
#[derive(Clone, Debug)]
pub struct Catalog {
    releases: Vec<Release>,
}

#[cfg(feature = "embedded-factors")]
static EMBEDDED: OnceLock<Catalog> = OnceLock::new();

/// The catalogue the unit tests compute with: the embedded one, or, without the feature
/// `embedded-factors`, the same files read from `factors/`.
#[cfg(test)]
pub(crate) fn test_catalog() -> &'static Catalog {
    #[cfg(feature = "embedded-factors")]
    return Catalog::embedded();
    #[cfg(not(feature = "embedded-factors"))]
    {
        static FROM_DISK: OnceLock<Catalog> = OnceLock::new();
        FROM_DISK.get_or_init(|| Catalog::parse(test_file).unwrap())
    }
}

/// The text of a factor file for the unit tests: embedded, or read from `factors/`.
#[cfg(test)]
pub(crate) fn test_file(path: &str) -> Option<String> {
    #[cfg(feature = "embedded-factors")]
    return crate::embedded::file(path).map(str::to_string);
    #[cfg(not(feature = "embedded-factors"))]
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("factors").join(path),
    )
    .ok()
}

impl Catalog {
    /// The catalogue embedded in the binary at build time from `factors/` (feature
    /// `embedded-factors`, on by default).
    #[cfg(feature = "embedded-factors")]
    pub fn embedded() -> &'static Catalog {
        EMBEDDED.get_or_init(|| {
            #[allow(clippy::expect_used, reason = "the embedded files are checked by the tests")]
            Catalog::parse(|path| crate::embedded::file(path).map(str::to_string))
                .expect("embedded factor files are valid: checked by the test suite")
        })
    }

    /// Reads a catalogue: `read(path)` returns the text of a file relative to the factor
    /// directory (`releases.csv`, `jrc-neefe/2024.1/factors.csv`, …), or `None` if absent.
    pub fn parse(read: impl Fn(&str) -> Option<String>) -> Result<Catalog> {
        let need = |path: String| {
            read(&path).ok_or(Error::from(ErrorKind::FactorData {
                file: path,
                line: 0,
                message: "file not found".into(),
            }))
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
                SetId::parse(v[i]).ok_or_else(|| {
                    Error::from(ErrorKind::FactorData {
                        file: "releases.csv".into(),
                        line,
                        message: format!("'{}' is not a set id (name@revision)", v[i]),
                    })
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
                return Err(Error::from(ErrorKind::FactorData {
                    file: "releases.csv".into(),
                    line,
                    message: format!("duplicate release '{}'", release.id),
                }));
            }
            releases.push(release);
        }
        if releases.is_empty() {
            return Err(Error::from(ErrorKind::FactorData {
                file: "releases.csv".into(),
                line: 1,
                message: "no release".into(),
            }));
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
            Some(id) => self.releases.iter().find(|r| &*r.id == id).ok_or_else(|| {
                Error::from(ErrorKind::UnknownRelease {
                    given: id.into(),
                    available: self.releases.iter().map(|r| r.id.to_string()).collect(),
                })
            }),
        }
    }

    /// Finds a set revision by id in any release.
    pub fn factor_set(&self, id: &str) -> Option<&FactorSet> {
        self.releases.iter().flat_map(|r| r.factor_sets()).find(|s| s.id().to_string() == id)
    }
}
