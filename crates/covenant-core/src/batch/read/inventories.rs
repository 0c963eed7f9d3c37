//! `inventories.csv`: one row per inventory, its options, target and baseline.

use std::collections::HashMap;
use std::io::Read;

use rust_decimal::Decimal;

use crate::batch::diag::State;
use crate::batch::read::columns::Columns;
use crate::batch::read::record::{for_rows, open};
use crate::country::Country;
use crate::factors::{Catalog, Release};
use crate::inventory::{InventorySpec, TargetSpec};
use crate::quantity::{Population, parse_decimal};
use crate::taxonomy::{Approach, GasBasis, InventoryKind, TargetKind};

pub(crate) struct Entry<'c> {
    pub(crate) spec: InventorySpec,
    pub(crate) line: u64,
    pub(crate) release: Option<&'c Release>,
}

impl Entry<'_> {
    /// A rejected inventory: keeps indices aligned so later rows for its id are attributed.
    pub(crate) fn placeholder(id: &str, line: u64) -> Self {
        let country = Country::all().next().expect("the country table is not empty");
        Entry { spec: InventorySpec::baseline(id, country, 2000), line, release: None }
    }
}

#[derive(Default)]
pub(crate) struct Specs<'c> {
    pub(crate) entries: Vec<Entry<'c>>,
    pub(crate) by_id: HashMap<String, usize>,
}

pub(crate) const INV_REQUIRED: &[&str] = &["inventory_id", "country", "year"];
pub(crate) const INV_OPTIONAL: &[&str] = &[
    "city",
    "kind",
    "baseline_id",
    "population",
    "approach",
    "gases",
    "factor_set",
    "target_year",
    "target_reduction_pct",
    "target_kind",
    "target_population",
    "chp_eta_heat",
    "chp_eta_electricity",
    "gwp",
];

/// An optional decimal cell: `Ok(None)` when empty, `Err(message)` when it is not a plain decimal
/// or `accept` refuses it (the message then says what was `expected`).
pub(crate) fn optional_decimal(
    text: &str,
    accept: fn(Decimal) -> bool,
    expected: &str,
) -> Result<Option<Decimal>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match parse_decimal(text) {
        Ok(d) if accept(d) => Ok(Some(d)),
        Ok(_) => Err(format!("expected {expected}")),
        Err(e) => Err(e.to_string()),
    }
}

pub(crate) fn parse_year(s: &str) -> Result<u16, String> {
    match s.parse::<u16>() {
        Ok(y) if (1990..=2100).contains(&y) => Ok(y),
        _ => Err("expected a year from 1990 to 2100".into()),
    }
}

pub(crate) fn parse_population(s: &str) -> Result<Population, String> {
    if !s.bytes().all(|b| b.is_ascii_digit()) || s.is_empty() {
        return Err("expected a whole number of inhabitants (digits only, no separators)".into());
    }
    s.parse::<u64>()
        .ok()
        .and_then(Population::new)
        .ok_or_else(|| "expected a whole number of inhabitants of at least 1".into())
}

pub(crate) fn read_inventories<'c, R: Read>(
    file: &str,
    r: R,
    catalog: &'c Catalog,
    st: &mut State,
) -> Specs<'c> {
    let mut specs = Specs::default();
    let Some((rdr, header)) = open(file, r, st, INV_REQUIRED) else { return specs };
    let Some(cols) = Columns::read(file, &header, INV_REQUIRED, INV_OPTIONAL, st) else {
        return specs;
    };
    for_rows(file, rdr, st, |line, rec, st| {
        let g = |k| cols.get(rec, k);
        let id = g(0);
        let index = specs.entries.len();
        if let Some(m) = cols.ragged(rec) {
            st.rejected.resize(index + 1, true);
            st.error(file, line, Some((index, id)), None, None, m);
            if !id.is_empty() && !specs.by_id.contains_key(id) {
                specs.by_id.insert(id.to_string(), index);
            }
            specs.entries.push(Entry::placeholder(id, line));
            return;
        }
        let mut bad = false;
        let mut err = |st: &mut State, col: &str, value: &str, msg: String| {
            bad = true;
            st.rejected.resize(index + 1, false);
            st.error(file, line, Some((index, id)), Some(col), Some(value), msg);
        };
        if id.is_empty() {
            err(
                st,
                "inventory_id",
                id,
                "the inventory id is empty; expected a unique non-empty key".into(),
            );
        } else if let Some(&first) = specs.by_id.get(id) {
            let first_line = specs.entries[first].line;
            err(
                st,
                "inventory_id",
                id,
                format!("duplicate inventory id (first defined on line {first_line})"),
            );
        }
        let country =
            Country::parse(g(1)).map_err(|e| err(st, "country", g(1), e.to_string())).ok();
        let year = parse_year(g(2)).map_err(|m| err(st, "year", g(2), m)).ok();
        let kind = if g(4).is_empty() {
            Some(InventoryKind::Baseline)
        } else {
            InventoryKind::parse_code(g(4)).map_err(|e| err(st, "kind", g(4), e.to_string())).ok()
        };
        let baseline_id = Some(g(5).to_string()).filter(|s| !s.is_empty());
        if kind == Some(InventoryKind::Monitoring) && baseline_id.is_none() {
            err(
                st,
                "baseline_id",
                "",
                "a monitoring inventory needs the inventory_id of its baseline".into(),
            );
        }
        if kind == Some(InventoryKind::Baseline) && baseline_id.is_some() {
            st.warn(
                file,
                line,
                Some(id),
                "baseline_id is ignored on a baseline inventory (kind = baseline)".into(),
            );
        }
        let population = if g(6).is_empty() {
            None
        } else {
            parse_population(g(6)).map_err(|m| err(st, "population", g(6), m)).ok()
        };
        let approach = if g(7).is_empty() {
            Some(Approach::Ipcc)
        } else {
            Approach::parse_code(g(7)).map_err(|e| err(st, "approach", g(7), e.to_string())).ok()
        };
        let gases = if g(8).is_empty() {
            Some(GasBasis::Co2)
        } else {
            GasBasis::parse_code(g(8)).map_err(|e| err(st, "gases", g(8), e.to_string())).ok()
        };
        let release = catalog
            .release(Some(g(9)))
            .map_err(|e| err(st, "factor_set", g(9), e.to_string()))
            .ok();
        let target = read_target(g(10), g(11), g(12), g(13), year, population, &mut |c, v, m| {
            err(st, c, v, m);
        });
        let gwp = if g(16).is_empty() {
            None
        } else {
            let code = g(16).to_string();
            match (release, gases, approach) {
                (Some(r), _, _) if !r.gwp().iter().any(|x| x.code == code) => {
                    let codes: Vec<&str> = r.gwp().iter().map(|x| x.code.as_str()).collect();
                    err(
                        st,
                        "gwp",
                        g(16),
                        format!("unknown GWP set; expected one of {}", codes.join(", ")),
                    );
                }
                (Some(r), _, _) if r.per_gas().is_none() => {
                    err(
                        st,
                        "gwp",
                        g(16),
                        format!(
                            "release {} has no per-gas factors (com-2024.2 and later have)",
                            r.id()
                        ),
                    );
                }
                (_, Some(GasBasis::Co2), _) => {
                    err(
                        st,
                        "gwp",
                        g(16),
                        "a GWP set applies to CO2-eq inventories (gases = co2e)".into(),
                    );
                }
                (_, _, Some(Approach::Lca)) => {
                    err(
                        st,
                        "gwp",
                        g(16),
                        "per-gas factors are IPCC (direct) factors: use approach = ipcc".into(),
                    );
                }
                _ => {}
            }
            Some(code)
        };
        let mut eta = |column: &'static str, k: usize, default: Decimal| -> Decimal {
            let efficiency = |v: Decimal| v > Decimal::ZERO && v <= Decimal::ONE;
            optional_decimal(g(k), efficiency, "an efficiency above 0 and at most 1")
                .unwrap_or_else(|m| {
                    err(st, column, g(k), m);
                    None
                })
                .unwrap_or(default)
        };
        let default = crate::supply::ChpEfficiencies::GUIDEBOOK_2010;
        let chp = crate::supply::ChpEfficiencies {
            heat: eta("chp_eta_heat", 14, default.heat),
            electricity: eta("chp_eta_electricity", 15, default.electricity),
        };
        if let (
            false,
            Some(country),
            Some(year),
            Some(kind),
            Some(approach),
            Some(gases),
            Some(release),
        ) = (bad, country, year, kind, approach, gases, release)
        {
            let spec = InventorySpec {
                id: id.to_string(),
                city: Some(g(3).to_string()).filter(|s| !s.is_empty()),
                country,
                year,
                kind,
                baseline_id: if kind == InventoryKind::Monitoring { baseline_id } else { None },
                population,
                approach,
                gases,
                release: Some(release.id().to_string()),
                target,
                gwp,
                chp_efficiencies: (chp != default).then_some(chp),
            };
            specs.by_id.insert(spec.id.clone(), index);
            specs.entries.push(Entry { spec, line, release: Some(release) });
        } else {
            if !id.is_empty() && !specs.by_id.contains_key(id) {
                specs.by_id.insert(id.to_string(), index);
            }
            // A placeholder keeps indices aligned so later rows for this id are attributed.
            specs.entries.push(Entry::placeholder(id, line));
        }
        st.rejected.resize(specs.entries.len(), false);
        if bad {
            st.rejected[index] = true;
        }
    });
    if specs.entries.is_empty() && st.errors.is_empty() {
        st.error(file, 1, None, None, None, "the file has a header but no inventories".into());
    }
    link_baselines(file, &mut specs, st);
    specs
}

pub(crate) fn read_target(
    year_s: &str,
    pct_s: &str,
    kind_s: &str,
    pop_s: &str,
    year: Option<u16>,
    population: Option<Population>,
    err: &mut dyn FnMut(&str, &str, String),
) -> Option<TargetSpec> {
    if year_s.is_empty() && pct_s.is_empty() {
        if !kind_s.is_empty() || !pop_s.is_empty() {
            let (c, v) = if kind_s.is_empty() {
                ("target_population", pop_s)
            } else {
                ("target_kind", kind_s)
            };
            err(c, v, "a target needs target_year and target_reduction_pct".into());
        }
        return None;
    }
    if year_s.is_empty() || pct_s.is_empty() {
        let (c, v) = if year_s.is_empty() {
            ("target_year", year_s)
        } else {
            ("target_reduction_pct", pct_s)
        };
        err(c, v, "target_year and target_reduction_pct go together: give both or neither".into());
        return None;
    }
    let ty = parse_year(year_s).map_err(|m| err("target_year", year_s, m)).ok();
    if let (Some(ty), Some(y)) = (ty, year)
        && ty <= y
    {
        err("target_year", year_s, format!("the target year must be after the inventory year {y}"));
    }
    // pct_s is not empty here (checked above), so `None` means an error was reported.
    let percent = |p: Decimal| p > Decimal::ZERO && p <= Decimal::ONE_HUNDRED;
    let pct =
        optional_decimal(pct_s, percent, "a reduction in percent, more than 0 and at most 100")
            .unwrap_or_else(|m| {
                err("target_reduction_pct", pct_s, m);
                None
            });
    let kind = if kind_s.is_empty() {
        Some(TargetKind::Absolute)
    } else {
        TargetKind::parse_code(kind_s).map_err(|e| err("target_kind", kind_s, e.to_string())).ok()
    };
    if kind == Some(TargetKind::PerCapita) && population.is_none() {
        err(
            "population",
            "",
            "a per-capita target needs the population of the inventory year".into(),
        );
    }
    let tpop = if pop_s.is_empty() {
        None
    } else {
        parse_population(pop_s).map_err(|m| err("target_population", pop_s, m)).ok()
    };
    Some(TargetSpec { year: ty?, reduction_pct: pct?, kind: kind?, population: tpop })
}

pub(crate) fn link_baselines(file: &str, specs: &mut Specs<'_>, st: &mut State) {
    for i in 0..specs.entries.len() {
        let e = &specs.entries[i];
        let Some(b) = e.spec.baseline_id.clone() else { continue };
        if e.release.is_none() {
            continue;
        }
        let (line, id) = (e.line, e.spec.id.clone());
        let target = specs.by_id.get(&b).copied();
        let msg = match target {
            None => Some(format!("baseline '{b}' is not an inventory of this file")),
            Some(j) if j == i => Some("an inventory cannot be its own baseline".into()),
            Some(j)
                if specs.entries[j].release.is_some()
                    && specs.entries[j].spec.kind == InventoryKind::Monitoring =>
            {
                Some(format!(
                    "baseline '{b}' is itself a monitoring inventory; monitoring inventories refer to a baseline (kind = baseline)"
                ))
            }
            Some(j) => {
                let base = &specs.entries[j].spec;
                let per_capita =
                    base.target.as_ref().is_some_and(|t| t.kind == TargetKind::PerCapita);
                (per_capita && specs.entries[i].spec.population.is_none()).then(|| {
                    format!("baseline '{b}' has a per-capita target, so this inventory needs a population")
                })
            }
        };
        if let Some(m) = msg {
            st.error(file, line, Some((i, &id)), Some("baseline_id"), Some(&b), m);
        }
    }
}
