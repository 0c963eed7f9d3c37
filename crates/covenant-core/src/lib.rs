//! # covenant-core
//!
//! The engine of covenant: Covenant of Mayors (CoM / GCoM) emission inventories computed
//! exactly, with every number able to say where it came from.
//!
//! * [`taxonomy`]: the SECAP sectors and energy carriers as enums with stable codes.
//! * [`quantity`](mod@quantity): unit-safe exact quantities. [`Energy`] × [`EmissionFactor`] gives
//!   [`Emissions`]; energy cannot be added to emissions. Decimals, never floats, in the
//!   accounting.
//! * [`factors`]: the embedded factor releases (CoM default fuel factors, JRC 2024 national
//!   electricity factors, non-CoM partner grid factors, NCVs, densities, GWPs), each value with
//!   its source.
//! * [`inventory`]: one inventory from activity rows: cells, totals by sector and carrier,
//!   per-capita, and the factor used for every carrier with its provenance.
//! * [`batch`]: the batch CSV format (`inventories.csv`, `activity.csv`, `factors.csv`) read
//!   with located errors, and the output tables (`emissions.csv`, `summary.csv`, JSON).
//! * [`target`]: targets and monitoring comparisons.
//!
//! The crate does no I/O of its own: it reads from the readers and strings it is handed.
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
//!     supply: None,
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

#[macro_use]
extern crate uom;

pub mod batch;
pub mod codes;
pub mod country;
pub mod crf;
mod embedded;
pub mod error;
pub mod factors;
pub mod inventory;
mod parallel;
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
pub use taxonomy::{Approach, Carrier, GasBasis, InventoryKind, Sector, TargetKind};
