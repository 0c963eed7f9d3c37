//! `inventories.csv`: one row per inventory, its options, target and baseline.

use std::collections::HashMap;
use std::io::Read;

use rust_decimal::Decimal;

use crate::batch::diag::State;
use crate::batch::read::check_text;
use crate::batch::read::columns::{Column, Columns, columns};
use crate::batch::read::record::{for_rows, open};
use crate::country::Country;
use crate::error::{ErrorKind, Expected, Warning};
use crate::factors::{Catalog, Release};
use crate::inventory::{BauGrowth, InventorySpec, TargetSpec};
use crate::quantity::{Population, parse_decimal};
use crate::taxonomy::{Approach, Framework, GasBasis, InventoryKind, TargetKind};

/// One row of `inventories.csv`: the inventory, its line and its release (`None` when rejected).
pub(crate) struct Entry<'c> {
    pub(crate) spec: InventorySpec,
    pub(crate) line: u64,
    pub(crate) release: Option<&'c Release>,
}

impl Entry<'_> {
    /// A rejected inventory: keeps indices aligned so later rows for its id are attributed.
    pub(crate) fn placeholder(id: &str, line: u64) -> Self {
        Entry { spec: InventorySpec::baseline(id, Country::PLACEHOLDER, 2000), line, release: None }
    }
}

/// Every inventory of the file, in file order, and its index by id.
#[derive(Default)]
pub(crate) struct Specs<'c> {
    /// Boxed: the list grows by doubling while the file is read, and moving a pointer costs
    /// less than moving an entry (with 10,000 inventories, 8 MB fewer copied and faulted in).
    #[allow(clippy::vec_box, reason = "moved on every doubling of the list; see above")]
    pub(crate) entries: Vec<Box<Entry<'c>>>,
    pub(crate) by_id: HashMap<String, usize>,
    /// Whether the file has the growth columns of a business-as-usual projection.
    pub(crate) bau_columns: bool,
}

columns! {
    /// The columns of `inventories.csv`.
    pub(crate) enum Inv {
        required {
            Id = "inventory_id",
            Country = "country",
            Year = "year",
        }
        optional {
            City = "city",
            Kind = "kind",
            BaselineId = "baseline_id",
            Population = "population",
            Approach = "approach",
            Gases = "gases",
            FactorSet = "factor_set",
            TargetYear = "target_year",
            TargetReductionPct = "target_reduction_pct",
            TargetKind = "target_kind",
            TargetPopulation = "target_population",
            ChpEtaHeat = "chp_eta_heat",
            ChpEtaElectricity = "chp_eta_electricity",
            Gwp = "gwp",
            PopulationGrowthPct = "population_growth_pct",
            ActivityGrowthPct = "activity_growth_pct",
            Framework = "framework",
        }
    }
}

/// An optional decimal cell: `Ok(None)` when empty, `Err(message)` when it is not a plain decimal
/// or `accept` refuses it (the message then says what was `expected`).
pub(crate) fn optional_decimal(
    text: &str,
    accept: fn(Decimal) -> bool,
    expected: Expected,
) -> Result<Option<Decimal>, ErrorKind> {
    if text.is_empty() {
        return Ok(None);
    }
    match parse_decimal(text) {
        Ok(d) if accept(d) => Ok(Some(d)),
        Ok(_) => Err(ErrorKind::InvalidValue(expected)),
        Err(e) => Err(ErrorKind::InvalidNumber(e)),
    }
}

/// A year of the batch format (1990–2100).
pub(crate) fn parse_year(s: &str) -> Result<u16, ErrorKind> {
    match s.parse::<u16>() {
        Ok(y) if (1990..=2100).contains(&y) => Ok(y),
        _ => Err(ErrorKind::InvalidValue(Expected::Year)),
    }
}

/// A population: a whole number of at least 1, digits only.
pub(crate) fn parse_population(s: &str) -> Result<Population, ErrorKind> {
    if !s.bytes().all(|b| b.is_ascii_digit()) || s.is_empty() {
        return Err(ErrorKind::InvalidValue(Expected::Population));
    }
    s.parse::<u64>()
        .ok()
        .and_then(Population::new)
        .ok_or(ErrorKind::InvalidValue(Expected::Population))
}

pub(crate) fn read_inventories<'c, R: Read>(
    file: &str,
    r: R,
    catalog: &'c Catalog,
    st: &mut State,
) -> Specs<'c> {
    let mut specs = Specs::default();
    let Some((rdr, header)) = open(file, r, st, &Inv::NAMES[..Inv::REQUIRED]) else { return specs };
    let Some(cols) = Columns::<Inv>::read(file, &header, st) else {
        return specs;
    };
    specs.bau_columns = cols.has(Inv::PopulationGrowthPct) || cols.has(Inv::ActivityGrowthPct);
    for_rows(file, rdr, st, |line, rec, st| {
        let g = |c: Inv| cols.get(rec, c);
        let id = g(Inv::Id);
        let index = specs.entries.len();
        if let Some(m) = cols.ragged(rec) {
            st.rejected.resize(index + 1, true);
            st.error(file, line, Some((index, id)), None, None, m);
            if !id.is_empty() && !specs.by_id.contains_key(id) {
                specs.by_id.insert(id.to_string(), index);
            }
            specs.entries.push(Box::new(Entry::placeholder(id, line)));
            return;
        }
        let mut bad = false;
        let mut err = |st: &mut State, col: &str, value: &str, kind: ErrorKind| {
            bad = true;
            st.rejected.resize(index + 1, false);
            st.error(file, line, Some((index, id)), Some(col), Some(value), kind);
        };
        if id.is_empty() {
            err(st, "inventory_id", id, ErrorKind::EmptyId);
        } else if let Some(&first) = specs.by_id.get(id) {
            let first_line = specs.entries[first].line;
            err(st, "inventory_id", id, ErrorKind::DuplicateId { first_line });
        }
        for c in [Inv::Id, Inv::City, Inv::BaselineId] {
            if let Err(kind) = check_text(g(c)) {
                err(st, c.name(), g(c), kind);
            }
        }
        let country = Country::parse(g(Inv::Country))
            .map_err(|e| err(st, "country", g(Inv::Country), ErrorKind::UnknownCode(e)))
            .ok();
        let year = parse_year(g(Inv::Year)).map_err(|m| err(st, "year", g(Inv::Year), m)).ok();
        let kind = if g(Inv::Kind).is_empty() {
            Some(InventoryKind::Baseline)
        } else {
            InventoryKind::parse_code(g(Inv::Kind))
                .map_err(|e| err(st, "kind", g(Inv::Kind), ErrorKind::UnknownCode(e)))
                .ok()
        };
        let baseline_id = Some(g(Inv::BaselineId).to_string()).filter(|s| !s.is_empty());
        if kind == Some(InventoryKind::Monitoring) && baseline_id.is_none() {
            err(st, "baseline_id", "", ErrorKind::MonitoringNeedsBaseline);
        }
        if kind == Some(InventoryKind::Baseline) && baseline_id.is_some() {
            st.warn(file, line, Some(id), Some("baseline_id"), Warning::BaselineIdIgnored);
        }
        let population = if g(Inv::Population).is_empty() {
            None
        } else {
            parse_population(g(Inv::Population))
                .map_err(|m| err(st, "population", g(Inv::Population), m))
                .ok()
        };
        let approach = if g(Inv::Approach).is_empty() {
            Some(Approach::Ipcc)
        } else {
            Approach::parse_code(g(Inv::Approach))
                .map_err(|e| err(st, "approach", g(Inv::Approach), ErrorKind::UnknownCode(e)))
                .ok()
        };
        let framework = if g(Inv::Framework).is_empty() {
            Some(Framework::Secap)
        } else {
            Framework::parse_code(g(Inv::Framework))
                .map_err(|e| err(st, "framework", g(Inv::Framework), ErrorKind::UnknownCode(e)))
                .ok()
        };
        let crf = framework == Some(Framework::Crf);
        let gases = if g(Inv::Gases).is_empty() {
            Some(if crf { GasBasis::Co2e } else { GasBasis::Co2 })
        } else if crf && g(Inv::Gases) == GasBasis::Co2.code() {
            err(st, "gases", g(Inv::Gases), ErrorKind::CrfNeedsCo2e);
            None
        } else {
            GasBasis::parse_code(g(Inv::Gases))
                .map_err(|e| err(st, "gases", g(Inv::Gases), ErrorKind::UnknownCode(e)))
                .ok()
        };
        let release = catalog
            .release(Some(g(Inv::FactorSet)))
            .map_err(|e| err(st, "factor_set", g(Inv::FactorSet), e.into_kind()))
            .ok();
        let target = read_target(
            g(Inv::TargetYear),
            g(Inv::TargetReductionPct),
            g(Inv::TargetKind),
            g(Inv::TargetPopulation),
            year,
            population,
            &mut |c, v, m| {
                err(st, c, v, m);
            },
        );
        // Business as usual: the growth rates, which project the baseline to its target year.
        let mut growth = |st: &mut State, c: Inv| {
            let range = |v: Decimal| v > -Decimal::ONE_HUNDRED && v <= Decimal::ONE_HUNDRED;
            optional_decimal(g(c), range, Expected::GrowthPct).unwrap_or_else(|m| {
                err(st, c.name(), g(c), m);
                None
            })
        };
        let (pop_growth, act_growth) =
            (growth(st, Inv::PopulationGrowthPct), growth(st, Inv::ActivityGrowthPct));
        let bau = (pop_growth.is_some() || act_growth.is_some()).then(|| BauGrowth {
            population_pct: pop_growth.unwrap_or_default(),
            activity_pct: act_growth.unwrap_or_default(),
        });
        if bau.is_some() && g(Inv::TargetYear).is_empty() && g(Inv::TargetReductionPct).is_empty() {
            let c = if pop_growth.is_some() {
                Inv::PopulationGrowthPct
            } else {
                Inv::ActivityGrowthPct
            };
            err(st, c.name(), g(c), ErrorKind::TargetOptionsWithoutTarget);
        }
        let no_growth =
            g(Inv::PopulationGrowthPct).is_empty() && g(Inv::ActivityGrowthPct).is_empty();
        if no_growth && target.as_ref().is_some_and(|t| t.kind == TargetKind::Bau) {
            err(st, "target_kind", g(Inv::TargetKind), ErrorKind::BauNeedsGrowth);
        }
        let gwp = if g(Inv::Gwp).is_empty() {
            None
        } else {
            let code = g(Inv::Gwp).to_string();
            match (release, gases, approach) {
                (Some(r), _, _) if !r.gwp().iter().any(|x| x.code == code) => {
                    let available = r.gwp().iter().map(|x| x.code.clone()).collect();
                    err(
                        st,
                        "gwp",
                        g(Inv::Gwp),
                        ErrorKind::UnknownGwp { given: code.clone(), available },
                    );
                }
                // A CRF inventory weighs its own per-gas factors with the set.
                _ if crf => {}
                (Some(r), _, _) if r.per_gas().is_none() => {
                    let release = r.id().to_string();
                    err(st, "gwp", g(Inv::Gwp), ErrorKind::GwpNeedsPerGas { release });
                }
                (_, Some(GasBasis::Co2), _) => {
                    err(st, "gwp", g(Inv::Gwp), ErrorKind::GwpNeedsCo2e);
                }
                (_, _, Some(Approach::Lca)) => {
                    err(st, "gwp", g(Inv::Gwp), ErrorKind::GwpNeedsIpcc);
                }
                _ => {}
            }
            Some(code)
        };
        let mut eta = |c: Inv, default: Decimal| -> Decimal {
            let efficiency = |v: Decimal| v > Decimal::ZERO && v <= Decimal::ONE;
            optional_decimal(g(c), efficiency, Expected::Efficiency)
                .unwrap_or_else(|m| {
                    err(st, c.name(), g(c), m);
                    None
                })
                .unwrap_or(default)
        };
        let default = crate::supply::ChpEfficiencies::GUIDEBOOK_2010;
        let chp = crate::supply::ChpEfficiencies {
            heat: eta(Inv::ChpEtaHeat, default.heat),
            electricity: eta(Inv::ChpEtaElectricity, default.electricity),
        };
        if let (
            false,
            Some(country),
            Some(year),
            Some(kind),
            Some(approach),
            Some(gases),
            Some(release),
            Some(framework),
        ) = (bad, country, year, kind, approach, gases, release, framework)
        {
            let spec = InventorySpec {
                id: id.to_string(),
                city: Some(g(Inv::City).to_string()).filter(|s| !s.is_empty()),
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
                bau,
                framework,
            };
            specs.by_id.insert(spec.id.clone(), index);
            specs.entries.push(Box::new(Entry { spec, line, release: Some(release) }));
        } else {
            if !id.is_empty() && !specs.by_id.contains_key(id) {
                specs.by_id.insert(id.to_string(), index);
            }
            // A placeholder keeps indices aligned so later rows for this id are attributed.
            specs.entries.push(Box::new(Entry::placeholder(id, line)));
        }
        st.rejected.resize(specs.entries.len(), false);
        if bad {
            st.rejected[index] = true;
        }
    });
    if specs.entries.is_empty() && st.errors.is_empty() {
        st.error(file, 1, None, None, None, ErrorKind::NoInventories);
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
    err: &mut dyn FnMut(&str, &str, ErrorKind),
) -> Option<TargetSpec> {
    if year_s.is_empty() && pct_s.is_empty() {
        if !kind_s.is_empty() || !pop_s.is_empty() {
            let (c, v) = if kind_s.is_empty() {
                ("target_population", pop_s)
            } else {
                ("target_kind", kind_s)
            };
            err(c, v, ErrorKind::TargetOptionsWithoutTarget);
        }
        return None;
    }
    if year_s.is_empty() || pct_s.is_empty() {
        let (c, v, missing) = if year_s.is_empty() {
            ("target_year", year_s, "target_year")
        } else {
            ("target_reduction_pct", pct_s, "target_reduction_pct")
        };
        err(c, v, ErrorKind::TargetIncomplete { missing });
        return None;
    }
    let ty = parse_year(year_s).map_err(|m| err("target_year", year_s, m)).ok();
    if let (Some(ty), Some(y)) = (ty, year)
        && ty <= y
    {
        err("target_year", year_s, ErrorKind::TargetYearNotAfter { target_year: ty, year: y });
    }
    // pct_s is not empty here (checked above), so `None` means an error was reported.
    let percent = |p: Decimal| p > Decimal::ZERO && p <= Decimal::ONE_HUNDRED;
    let pct = optional_decimal(pct_s, percent, Expected::ReductionPct).unwrap_or_else(|m| {
        err("target_reduction_pct", pct_s, m);
        None
    });
    let kind = if kind_s.is_empty() {
        Some(TargetKind::Absolute)
    } else {
        TargetKind::parse_code(kind_s)
            .map_err(|e| err("target_kind", kind_s, ErrorKind::UnknownCode(e)))
            .ok()
    };
    if kind == Some(TargetKind::PerCapita) && population.is_none() {
        err("population", "", ErrorKind::PopulationRequired);
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
            None => Some(ErrorKind::BaselineNotFound { baseline: b.clone() }),
            Some(j) if j == i => Some(ErrorKind::OwnBaseline),
            Some(j)
                if specs.entries[j].release.is_some()
                    && specs.entries[j].spec.kind == InventoryKind::Monitoring =>
            {
                Some(ErrorKind::BaselineIsMonitoring { baseline: b.clone() })
            }
            Some(j)
                if specs.entries[j].release.is_some()
                    && specs.entries[j].spec.framework != specs.entries[i].spec.framework =>
            {
                Some(ErrorKind::BaselineFramework { baseline: b.clone() })
            }
            Some(j) => {
                let base = &specs.entries[j].spec;
                let per_capita =
                    base.target.as_ref().is_some_and(|t| t.kind == TargetKind::PerCapita);
                (per_capita && specs.entries[i].spec.population.is_none())
                    .then(|| ErrorKind::BaselineNeedsPopulation { baseline: b.clone() })
            }
        };
        if let Some(kind) = msg {
            st.error(file, line, Some((i, &id)), Some("baseline_id"), Some(&b), kind);
        }
    }
}
