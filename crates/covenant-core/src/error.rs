//! The crate's error type. Messages are lower-case, without a trailing period, and name the
//! offending value and what was expected.

use rust_decimal::Decimal;

use crate::country::Country;
use crate::taxonomy::{Approach, Carrier, GasBasis, Sector};

/// An error of the engine.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A number grew past what a 96-bit decimal holds.
    #[error("arithmetic overflow in {what}: the amounts are too large to add up exactly")]
    Overflow {
        /// What was being computed.
        what: String,
    },
    /// A negative emission factor.
    #[error("emission factor {value} is negative; expected a factor >= 0 in t/MWh")]
    NegativeFactor {
        /// The value given.
        value: Decimal,
    },
    /// A negative activity amount.
    #[error("amount {value} is negative; expected a number >= 0")]
    NegativeAmount {
        /// The value given.
        value: Decimal,
    },
    /// An amount larger than [`crate::quantity::MAX_AMOUNT`].
    #[error("amount {value} is larger than the maximum 1000000000000000 accepted in one cell")]
    AmountTooLarge {
        /// The value given.
        value: Decimal,
    },
    /// No factor exists for a carrier in the chosen release.
    #[error(
        "no {gases} emission factor for carrier '{carrier}' ({approach} approach, {country} {year}) in release {release}: {hint}"
    )]
    MissingFactor {
        /// The carrier.
        carrier: Carrier,
        /// The inventory's country.
        country: Country,
        /// The inventory's year.
        year: u16,
        /// The approach.
        approach: Approach,
        /// The gas basis.
        gases: GasBasis,
        /// The release searched.
        release: String,
        /// What the user can do about it.
        hint: String,
    },
    /// A unit that cannot measure this carrier or sector.
    #[error("unit '{unit}' does not fit {what}; expected {expected}")]
    UnitMismatch {
        /// The unit given.
        unit: String,
        /// What it was given for (`carrier 'electricity'`, `sector 'waste'`).
        what: String,
        /// The units that are accepted there.
        expected: String,
    },
    /// A fuel quantity needs a calorific value or density the release does not have.
    #[error(
        "cannot convert {unit} of '{carrier}' to energy: release {release} has no {property} for it; give the amount in MWh (or another energy unit)"
    )]
    MissingFuelProperty {
        /// The carrier.
        carrier: Carrier,
        /// The unit given.
        unit: String,
        /// `net calorific value` or `density`.
        property: &'static str,
        /// The release searched.
        release: String,
    },
    /// An energy sector without a carrier.
    #[error("sector '{sector}' is an energy sector and needs a carrier")]
    CarrierRequired {
        /// The sector.
        sector: Sector,
    },
    /// A carrier given for a non-energy sector.
    #[error(
        "sector '{sector}' is a non-energy sector: leave the carrier empty and give emissions in tCO2 or tCO2e (got carrier '{carrier}')"
    )]
    CarrierNotAllowed {
        /// The sector.
        sector: Sector,
        /// The carrier given.
        carrier: Carrier,
    },
    /// A transport sector with heat/cold, solar thermal or geothermal.
    #[error(
        "transport sector '{sector}' cannot use carrier '{carrier}' (the JRC rejects transport with heat_cold, solar_thermal or geothermal)"
    )]
    TransportCarrier {
        /// The sector.
        sector: Sector,
        /// The carrier.
        carrier: Carrier,
    },
    /// A release id that is not in the catalogue.
    #[error("unknown factor-set release '{given}'; available: {available}")]
    UnknownRelease {
        /// The id given.
        given: String,
        /// The ids available.
        available: String,
    },
    /// A malformed factor file.
    #[error("{file}:{line}: {message}")]
    FactorData {
        /// The file (relative to the factor directory).
        file: String,
        /// The 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A target that cannot be computed.
    #[error("{0}")]
    Target(String),
}

impl Error {
    pub(crate) fn overflow(what: impl Into<String>) -> Error {
        Error::Overflow { what: what.into() }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error tied to the input: which line, which column, which value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The input line, when known.
    pub line: Option<u64>,
    /// The column it concerns.
    pub column: &'static str,
    /// The offending value.
    pub value: String,
    /// What is wrong.
    pub error: Box<Error>,
    /// Whether the line is one of the supply file (else of the activity file).
    pub supply: bool,
}
