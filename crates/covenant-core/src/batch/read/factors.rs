//! `factors.csv`: the user's factors, NCVs and densities.

use std::collections::HashMap;
use std::io::Read;

use rust_decimal::Decimal;

use crate::batch::diag::State;
use crate::batch::read::check_text;
use crate::batch::read::columns::{Column, Columns, columns};
use crate::batch::read::ids::IdHints;
use crate::batch::read::inventories::{Specs, optional_decimal};
use crate::batch::read::record::{for_rows, open};
use crate::error::{Error, ErrorKind, Expected};
use crate::inventory::{FactorOverride, FuelOverride, OverrideScope};
use crate::quantity::{EmissionFactor, parse_decimal};
use crate::taxonomy::Carrier;

/// The user's factors and fuel parameters read from `factors.csv`.
#[derive(Default)]
pub(crate) struct Overrides {
    pub(crate) batch: Vec<FactorOverride>,
    pub(crate) per_inventory: HashMap<usize, Vec<FactorOverride>>,
    /// A batch-wide row was invalid: no inventory can be trusted.
    pub(crate) poisoned: bool,
    /// NCV and density overrides, batch-wide (`None`) or for one inventory.
    pub(crate) fuel: Vec<(Option<usize>, FuelOverride)>,
}

impl Overrides {
    /// The NCV/density overrides of one inventory: its own values over the batch-wide ones.
    pub(crate) fn fuel_for(&self, i: usize) -> Vec<FuelOverride> {
        let mut merged: Vec<FuelOverride> = Vec::new();
        for scope in [None, Some(i)] {
            for (_, o) in self.fuel.iter().filter(|(s, _)| *s == scope) {
                match merged.iter_mut().find(|m| m.carrier == o.carrier) {
                    Some(m) => {
                        m.ncv_gj_per_t = o.ncv_gj_per_t.or(m.ncv_gj_per_t);
                        m.density_kg_per_l = o.density_kg_per_l.or(m.density_kg_per_l);
                    }
                    None => merged.push(o.clone()),
                }
            }
        }
        merged
    }
}

columns! {
    /// The columns of `factors.csv`.
    pub(crate) enum Fac {
        required {
            Carrier = "carrier",
            Factor = "factor",
        }
        optional {
            Id = "inventory_id",
            Source = "source",
            Ncv = "ncv_gj_per_t",
            Density = "density_kg_per_l",
        }
    }
}

/// Reads `factors.csv`: the user's factors and fuel parameters, batch-wide or per inventory.
pub(crate) fn read_factors<R: Read>(
    file: &str,
    r: R,
    specs: &Specs<'_>,
    st: &mut State,
) -> Overrides {
    let mut out = Overrides::default();
    let Some((rdr, header)) = open(file, r, st, &Fac::NAMES[..Fac::REQUIRED]) else {
        out.poisoned = true;
        return out;
    };
    let Some(cols) = Columns::<Fac>::read(file, &header, st) else {
        out.poisoned = true;
        return out;
    };
    let mut seen: HashMap<(Option<usize>, Carrier), u64> = HashMap::new();
    let mut hints = IdHints::default();
    for_rows(file, rdr, st, |line, rec, st| {
        let (carrier_s, factor_s, id, source) = (
            cols.get(rec, Fac::Carrier),
            cols.get(rec, Fac::Factor),
            cols.get(rec, Fac::Id),
            cols.get(rec, Fac::Source),
        );
        let inv = if id.is_empty() {
            None
        } else {
            match specs.by_id.get(id) {
                Some(&i) => Some(i),
                None => {
                    hints.report(st, file, line, id, specs);
                    return;
                }
            }
        };
        let target = inv.map(|i| (i, id));
        if let Some(m) = cols.ragged(rec) {
            st.error(file, line, target, None, None, m);
            out.poisoned |= inv.is_none();
            return;
        }
        let mut ok = true;
        if let Err(kind) = check_text(source) {
            ok = false;
            st.error(file, line, target, Some("source"), Some(source), kind);
        }
        let carrier = Carrier::parse_code(carrier_s)
            .map_err(|e| {
                ok = false;
                st.error(
                    file,
                    line,
                    target,
                    Some("carrier"),
                    Some(carrier_s),
                    ErrorKind::UnknownCode(e),
                );
            })
            .ok();
        // Optional fuel parameters (an extension of v1): NCV in GJ/t and density in kg/L.
        let (ncv_s, density_s) = (cols.get(rec, Fac::Ncv), cols.get(rec, Fac::Density));
        let mut positive = |column: &str, text: &str, st: &mut State| -> Option<Decimal> {
            optional_decimal(text, |d| d > Decimal::ZERO, Expected::Positive).unwrap_or_else(|m| {
                ok = false;
                st.error(file, line, target, Some(column), Some(text), m);
                None
            })
        };
        let ncv = positive("ncv_gj_per_t", ncv_s, st);
        let density = positive("density_kg_per_l", density_s, st);
        let has_fuel = !ncv_s.is_empty() || !density_s.is_empty();
        let factor = if factor_s.is_empty() && has_fuel {
            None
        } else {
            parse_decimal(factor_s)
                .map_err(ErrorKind::InvalidNumber)
                .and_then(|d| EmissionFactor::t_per_mwh(d).map_err(Error::into_kind))
                .map_err(|m| {
                    ok = false;
                    st.error(file, line, target, Some("factor"), Some(factor_s), m);
                })
                .ok()
        };
        if let Some(carrier) = carrier {
            if let Some(first) = seen.insert((inv, carrier), line) {
                st.error(
                    file,
                    line,
                    target,
                    Some("carrier"),
                    Some(carrier_s),
                    ErrorKind::DuplicateFactor { first_line: first },
                );
                ok = false;
            }
            if has_fuel && !carrier.is_fuel() {
                ok = false;
                let kind = ErrorKind::NotAFuel { carrier };
                st.error(file, line, target, Some("carrier"), Some(carrier_s), kind);
            }
            if let Some(factor) = factor {
                let o = FactorOverride {
                    carrier,
                    factor,
                    source: Some(source.to_string()).filter(|s| !s.is_empty()),
                    scope: if inv.is_some() {
                        OverrideScope::Inventory
                    } else {
                        OverrideScope::Batch
                    },
                    line: Some(line),
                };
                match inv {
                    Some(i) => out.per_inventory.entry(i).or_default().push(o),
                    None => out.batch.push(o),
                }
            }
            if ncv.is_some() || density.is_some() {
                out.fuel.push((
                    inv,
                    FuelOverride { carrier, ncv_gj_per_t: ncv, density_kg_per_l: density },
                ));
            }
        }
        if !ok && inv.is_none() {
            out.poisoned = true;
        }
    });
    out
}
