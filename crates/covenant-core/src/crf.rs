//! The inventory in the GCoM Common Reporting Framework (CRF) view.
//!
//! No official crosswalk between the EU CoM template and the CRF exists (methodology §6.5), so
//! the mapping below is this project's reading, documented here and in the README:
//!
//! | SECAP sector | CRF sector / sub-sector | GPC |
//! |---|---|---|
//! | municipal buildings; public lighting | Stationary energy / Institutional buildings & facilities | I.2 |
//! | tertiary buildings | Stationary energy / Commercial buildings & facilities | I.2 |
//! | residential buildings | Stationary energy / Residential buildings | I.1 |
//! | industry (non-ETS, ETS) | Stationary energy / Industrial buildings & facilities | I.3 |
//! | agriculture, forestry, fisheries | Stationary energy / Agriculture | I.5 |
//! | buildings not allocated; other energy not allocated | Stationary energy / Non-specified | I.6 |
//! | municipal fleet; public, private, not-allocated transport | Transportation / On-road | II.1 |
//! | waste | Waste / Solid waste disposal | III.1 |
//! | wastewater | Waste / Wastewater | III.4 |
//! | other non-energy | Other / Other emissions | — |
//!
//! Electricity and heat/cold are scope 2 ("indirect emissions from grid-supplied energy"); fuels
//! and non-energy emissions are scope 1 ("direct emissions"). The SECAP rows do not say the
//! transport mode, so all transport is reported on-road. Every CRF row without emissions carries
//! the notation key `NE` (not estimated); a user who knows better replaces it by `NO`, `IE` or `C`.
//! Local energy generation (Tables C/D), which the CRF reports separately, is not part of v1.

// Checked arithmetic only: an overflow is an error value, never a panic or a wrap.
#![deny(clippy::arithmetic_side_effects)]

use rust_decimal::Decimal;
use serde::Serialize;

use crate::inventory::Inventory;
use crate::quantity::Emissions;
use crate::taxonomy::{Carrier, Sector};

/// A notation key of the CRF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum NotationKey {
    /// Not occurring.
    #[serde(rename = "NO")]
    NotOccurring,
    /// Not estimated.
    #[serde(rename = "NE")]
    NotEstimated,
    /// Included elsewhere.
    #[serde(rename = "IE")]
    IncludedElsewhere,
    /// Confidential.
    #[serde(rename = "C")]
    Confidential,
}

impl NotationKey {
    /// The key as written in the CRF.
    pub const fn code(self) -> &'static str {
        match self {
            NotationKey::NotOccurring => "NO",
            NotationKey::NotEstimated => "NE",
            NotationKey::IncludedElsewhere => "IE",
            NotationKey::Confidential => "C",
        }
    }

    /// The four keys, in the order of the CRF's guidance (NO, NE, IE, C).
    pub const ALL: [NotationKey; 4] = [
        NotationKey::NotOccurring,
        NotationKey::NotEstimated,
        NotationKey::IncludedElsewhere,
        NotationKey::Confidential,
    ];
}

impl std::fmt::Display for NotationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// `NO`, `NE`, `IE` or `C`, in any case, with white space (non-breaking spaces included) around
/// it.
impl std::str::FromStr for NotationKey {
    type Err = crate::codes::UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
        NotationKey::ALL.into_iter().find(|k| k.code().eq_ignore_ascii_case(t)).ok_or_else(|| {
            let valid: Vec<&'static str> = NotationKey::ALL.iter().map(|k| k.code()).collect();
            crate::codes::UnknownCode {
                what: "notation key",
                given: s.to_string(),
                suggestion: crate::codes::nearest(t, valid.iter().copied()),
                valid,
            }
        })
    }
}

/// A CRF scope column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Scope {
    /// Direct emissions (scope 1).
    #[serde(rename = "scope_1")]
    Scope1,
    /// Indirect emissions from grid-supplied energy (scope 2).
    #[serde(rename = "scope_2")]
    Scope2,
}

impl Scope {
    /// The column code.
    pub const fn code(self) -> &'static str {
        match self {
            Scope::Scope1 => "scope_1",
            Scope::Scope2 => "scope_2",
        }
    }
}

/// A CRF sub-sector row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CrfRow {
    /// The CRF sector.
    pub sector: &'static str,
    /// The CRF sub-sector.
    pub subsector: &'static str,
    /// The GPC reference.
    pub gpc: &'static str,
}

/// The CRF rows, in CRF order.
pub const ROWS: [CrfRow; 10] = [
    CrfRow { sector: "Stationary energy", subsector: "Residential buildings", gpc: "I.1" },
    CrfRow {
        sector: "Stationary energy",
        subsector: "Commercial buildings & facilities",
        gpc: "I.2",
    },
    CrfRow {
        sector: "Stationary energy",
        subsector: "Institutional buildings & facilities",
        gpc: "I.2",
    },
    CrfRow {
        sector: "Stationary energy",
        subsector: "Industrial buildings & facilities",
        gpc: "I.3",
    },
    CrfRow { sector: "Stationary energy", subsector: "Agriculture", gpc: "I.5" },
    CrfRow { sector: "Stationary energy", subsector: "Non-specified", gpc: "I.6" },
    CrfRow { sector: "Transportation", subsector: "On-road", gpc: "II.1" },
    CrfRow { sector: "Waste", subsector: "Solid waste disposal", gpc: "III.1" },
    CrfRow { sector: "Waste", subsector: "Wastewater", gpc: "III.4" },
    CrfRow { sector: "Other", subsector: "Other emissions", gpc: "" },
];

/// The CRF row of a SECAP sector (an index into [`ROWS`]).
pub const fn row_of(sector: Sector) -> usize {
    use Sector::*;
    match sector {
        ResidentialBuildings => 0,
        TertiaryBuildings => 1,
        MunicipalBuildings | PublicLighting => 2,
        IndustryNonEts | IndustryEts => 3,
        Agriculture => 4,
        BuildingsNotAllocated | OtherNotAllocated => 5,
        MunicipalFleet | PublicTransport | PrivateTransport | TransportNotAllocated => 6,
        Waste => 7,
        Wastewater => 8,
        OtherNonEnergy => 9,
    }
}

/// The scope of a carrier (`None`: a non-energy row, which is direct).
pub const fn scope_of(carrier: Option<Carrier>) -> Scope {
    match carrier {
        Some(Carrier::Electricity | Carrier::HeatCold) => Scope::Scope2,
        _ => Scope::Scope1,
    }
}

/// One cell of the CRF view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CrfCell {
    /// The row.
    pub row: CrfRow,
    /// The scope column.
    pub scope: Scope,
    /// Emissions, or `None` with a notation key.
    pub emissions: Option<Emissions>,
    /// The notation key of an empty cell.
    pub notation_key: Option<NotationKey>,
    /// The SECAP sectors added into this cell.
    pub from: Vec<Sector>,
}

/// The CRF view of an inventory: every row × scope, in CRF order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CrfView {
    /// The cells.
    pub cells: Vec<CrfCell>,
    /// The total of scopes 1 and 2 (equals the inventory's total).
    pub total: Emissions,
}

/// Maps an inventory to the CRF (see the module docs for the mapping).
#[allow(clippy::arithmetic_side_effects, reason = "indices of the fixed CRF rows")]
pub fn crf(inv: &Inventory) -> crate::Result<CrfView> {
    let compact = compact(inv)?;
    let mut total = Emissions::ZERO;
    for c in &inv.cells {
        total = total.checked_add(c.emissions)?;
    }
    let mut cells = Vec::with_capacity(compact.len());
    for c in &compact {
        cells.push(CrfCell {
            row: ROWS[c.row],
            scope: c.scope,
            emissions: c.emissions,
            notation_key: c.notation_key(),
            from: c.from().collect(),
        });
    }
    Ok(CrfView { cells, total })
}

/// The most SECAP sectors that map to one CRF row.
const MAX_FROM: usize = 4;

/// A cell of the CRF view without allocations (for the CSV writer): the index of its row in
/// [`ROWS`], its scope, its emissions and the SECAP sectors added into it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CompactCell {
    pub(crate) row: usize,
    pub(crate) scope: Scope,
    pub(crate) emissions: Option<Emissions>,
    from: [Sector; MAX_FROM],
    from_len: u8,
}

impl CompactCell {
    /// The SECAP sectors added into this cell, in the order of the inventory's cells.
    pub(crate) fn from(&self) -> impl Iterator<Item = Sector> + '_ {
        self.from[..usize::from(self.from_len)].iter().copied()
    }

    /// `NE` for a cell without emissions.
    pub(crate) fn notation_key(&self) -> Option<NotationKey> {
        self.emissions.is_none().then_some(NotationKey::NotEstimated)
    }
}

/// Every row × scope of the CRF view, in CRF order.
#[allow(
    clippy::arithmetic_side_effects,
    reason = "indices of the fixed CRF rows; at most MAX_FROM sectors per row"
)]
pub(crate) fn compact(inv: &Inventory) -> crate::Result<[CompactCell; 2 * ROWS.len()]> {
    let mut cells: [CompactCell; 2 * ROWS.len()] = std::array::from_fn(|i| CompactCell {
        row: i / 2,
        scope: if i % 2 == 0 { Scope::Scope1 } else { Scope::Scope2 },
        emissions: None,
        from: [Sector::Waste; MAX_FROM],
        from_len: 0,
    });
    for c in &inv.cells {
        let scope = scope_of(c.carrier);
        let cell = &mut cells[row_of(c.sector) * 2 + usize::from(scope == Scope::Scope2)];
        cell.emissions = Some(cell.emissions.unwrap_or_default().checked_add(c.emissions)?);
        let len = usize::from(cell.from_len);
        if !cell.from[..len].contains(&c.sector) {
            // At most MAX_FROM distinct sectors map to one row.
            cell.from[len] = c.sector;
            cell.from_len += 1;
        }
    }
    Ok(cells)
}

impl CrfView {
    /// The emissions of a cell in tonnes (`None` for a notation key).
    pub fn tonnes(cell: &CrfCell) -> Option<Decimal> {
        cell.emissions.map(Emissions::tonnes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::country::Country;
    use crate::factors::test_catalog;
    use crate::inventory::{Activity, InventorySpec, compute};
    use crate::quantity::{ActivityUnit, EnergyUnit};
    use rust_decimal_macros::dec;

    #[test]
    fn notation_keys_parse() {
        for k in NotationKey::ALL {
            assert_eq!(k.code().parse::<NotationKey>(), Ok(k));
            assert_eq!(
                format!(" {}\u{a0}\n", k.code().to_lowercase()).parse::<NotationKey>(),
                Ok(k)
            );
        }
        let e = "NA".parse::<NotationKey>().unwrap_err();
        assert_eq!(e.valid, ["NO", "NE", "IE", "C"]);
        assert!("".parse::<NotationKey>().is_err());
        assert!("N E".parse::<NotationKey>().is_err());
    }

    #[test]
    fn mapping_covers_every_sector() {
        for &s in Sector::ALL {
            assert!(row_of(s) < ROWS.len());
        }
        assert_eq!(scope_of(Some(Carrier::Electricity)), Scope::Scope2);
        assert_eq!(scope_of(Some(Carrier::Diesel)), Scope::Scope1);
        assert_eq!(scope_of(None), Scope::Scope1);
    }

    #[test]
    fn crf_totals_equal_the_inventory() {
        let mwh = ActivityUnit::Energy(EnergyUnit::MegawattHour);
        let rows = [
            (Sector::MunicipalBuildings, Some(Carrier::Electricity), dec!(100), mwh),
            (Sector::PublicLighting, Some(Carrier::Electricity), dec!(50), mwh),
            (Sector::PrivateTransport, Some(Carrier::Diesel), dec!(1000), mwh),
            (Sector::Wastewater, None, dec!(12), ActivityUnit::TonneCo2),
        ];
        let acts: Vec<Activity> = rows
            .iter()
            .map(|&(sector, carrier, amount, unit)| Activity {
                sector,
                carrier,
                amount,
                unit,
                variant: Default::default(),
                line: None,
            })
            .collect();
        let inv = compute(
            InventorySpec::baseline("x", Country::parse("IT").unwrap(), 2010),
            test_catalog().newest(),
            &acts,
            &[],
        )
        .unwrap();
        let v = crf(&inv).unwrap();
        assert_eq!(v.cells.len(), 20);
        assert_eq!(v.total, inv.total_emissions);
        let institutional = v
            .cells
            .iter()
            .find(|c| c.row.subsector.starts_with("Institutional") && c.scope == Scope::Scope2)
            .unwrap();
        // (100 + 50) MWh × 0.421 t/MWh, from two SECAP rows.
        assert_eq!(CrfView::tonnes(institutional), Some(dec!(63.15)));
        assert_eq!(institutional.from, vec![Sector::MunicipalBuildings, Sector::PublicLighting]);
        let empty = v.cells.iter().find(|c| c.row.subsector == "Agriculture").unwrap();
        assert_eq!((empty.emissions, empty.notation_key), (None, Some(NotationKey::NotEstimated)));
        let sum = v
            .cells
            .iter()
            .filter_map(|c| c.emissions)
            .fold(Emissions::ZERO, |a, b| a.checked_add(b).unwrap());
        assert_eq!(sum, inv.total_emissions);
    }
}
