//! # covenant-core
//!
//! The engine of covenant: Covenant of Mayors (CoM / GCoM) emission inventories computed
//! exactly, with every number able to say where it came from.
//!
//! * [`taxonomy`]: the SECAP sectors and energy carriers as enums with stable codes.
//! * [`quantity`](mod@quantity): unit-safe exact quantities. [`Energy`] × [`EmissionFactor`] gives
//!   [`Emissions`]; energy cannot be added to emissions. Decimals, never floats, in the
//!   accounting.
//! * [`factors`]: the factor releases (CoM default fuel factors, JRC 2024 national
//!   electricity factors, non-CoM partner grid factors, NCVs, densities, GWPs), each value with
//!   its source; embedded in the library with the default feature `embedded-factors`.
//! * [`inventory`]: one inventory from activity rows: cells, totals by sector and carrier,
//!   per-capita, and the factor used for every carrier with its provenance.
//! * [`batch`]: the batch CSV format (`inventories.csv`, `activity.csv`, `factors.csv`) read
//!   with located errors, and the output tables (`emissions.csv`, `summary.csv`, JSON).
//! * [`target`]: targets and monitoring comparisons.
//!
//! The crate does no I/O of its own: it reads from the readers and strings it is handed.
//!
//! One inventory from typed values (the same program is `examples/typed.rs`):
//!
//! ```
//! use covenant_core::factors::Catalog;
//! use covenant_core::inventory::{compute, Activity, FactorOverride};
//! use covenant_core::quantity::EnergyUnit::MegawattHour;
//! use covenant_core::{Carrier, Country, Decimal, EmissionFactor, InventorySpec, Sector};
//!
//! let catalog = Catalog::embedded();
//! let release = catalog.newest();
//! let mut spec = InventorySpec::baseline("bologna-2010", Country::parse("IT").unwrap(), 2010);
//! spec.population = covenant_core::Population::new(1000);
//! let rows = [
//!     Activity::new(Sector::ResidentialBuildings, Carrier::NaturalGas, Decimal::from(1000), MegawattHour),
//!     Activity::new(Sector::ResidentialBuildings, Carrier::Electricity, Decimal::from(500), MegawattHour),
//!     Activity::new(Sector::MunicipalFleet, Carrier::Diesel, Decimal::from(200), MegawattHour),
//! ];
//! // The city's own diesel factor replaces the release's, with its source.
//! let diesel = EmissionFactor::t_per_mwh(Decimal::new(260, 3)).unwrap();
//! let overrides = [FactorOverride::new(Carrier::Diesel, diesel).with_source("fleet survey 2010")];
//! match compute(spec, release, &rows, &overrides) {
//!     Ok(inv) => {
//!         // 1000 × 0.202 (CoM, natural gas) + 500 × 0.421 (JRC 2024, Italy 2010) + 200 × 0.260
//!         assert_eq!(inv.total_emissions.to_string(), "464.5 t");
//!         assert_eq!(inv.per_capita_t, Some(Decimal::new(4645, 4)));
//!     }
//!     // Every row and factor error of the inventory at once, each with its position.
//!     Err(errors) => errors.iter().for_each(|e| eprintln!("{e}")),
//! }
//! ```
//!
//! A batch in the CSV format of the command line:
//!
//! ```
//! use covenant_core::batch::{self, BatchInput};
//! use covenant_core::factors::Catalog;
//!
//! let input = BatchInput {
//!     inventories: ("inventories.csv", "inventory_id,country,year,population\nx,IT,2010,1000\n".as_bytes()),
//!     activity: ("activity.csv", "inventory_id,sector,carrier,amount,unit\n\
//!                  x,residential_buildings,natural_gas,1000,MWh\n\
//!                  x,residential_buildings,electricity,500,MWh\n".as_bytes()),
//!     factors: None,
//!     supply: None, actions: None, crf_activity: None,
//! };
//! let out = batch::run(input, Catalog::embedded());
//! assert!(out.errors.is_empty());
//! let inv = &out.inventories[0].inventory;
//! // 1000 MWh × 0.202 (CoM default, natural gas) + 500 MWh × 0.421 (JRC 2024, Italy 2010)
//! assert_eq!(inv.total_emissions.to_string(), "412.5 t");
//! assert_eq!(inv.per_capita_t.unwrap().to_string(), "0.4125");
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Floats never reach the accounting (clippy.toml lists them; the uom bridge, the similarity of
// suggestions and the spreadsheet writer are the allowed exceptions), and input never panics:
// no unwrap or expect outside tests but for the few justified ones, each with its reason.
#![deny(clippy::disallowed_types, clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
extern crate uom;

pub mod batch;
pub mod bau;
pub mod codes;
pub mod country;
pub mod crf;
pub mod ecrf;
#[cfg(feature = "embedded-factors")]
mod embedded;
pub mod error;
pub mod factors;
pub mod gpc;
pub mod inventory;
mod parallel;
pub mod plan;
pub mod plausibility;
pub mod provenance;
pub mod quantity;
pub mod supply;
pub mod target;
pub mod taxonomy;
pub mod trajectory;
#[cfg(feature = "xlsx")]
pub use batch::report::xlsx;

pub use country::Country;
pub use error::{Error, Result};
pub use inventory::{Inventory, InventorySpec};
pub use quantity::{EmissionFactor, Emissions, Energy, Population};
/// The exact decimal of every number (re-exported: no need to match `rust_decimal`'s version).
pub use rust_decimal::Decimal;
pub use taxonomy::{Approach, Carrier, GasBasis, InventoryKind, Sector, TargetKind};
