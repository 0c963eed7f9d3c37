//! After reading: every inventory finished, its target and trajectory, the comparison of
//! monitoring inventories with their baselines, and the messages in input order.

use rust_decimal::Decimal;

use crate::batch::diag::{Diagnostic, MAX_LISTED, Worded};
use crate::batch::read::Reading;
use crate::batch::stream::{self, CellTables};
use crate::batch::{BatchInventory, BatchOutput, BatchWriteError};
use crate::error::{Error, ErrorKind, Input, Terms, Warning};
use crate::factors::Variant;
use crate::inventory::resolve;
use crate::inventory::{FactorOverride, Inventory, InventoryBuilder};
use crate::parallel::par_map;
use crate::plan::{Action, Plan};
use crate::plausibility::{
    EnergyCell, compare_cells, electricity_factor, energy_cells, factor_jump,
};
use crate::provenance::FactorUsed;
use crate::quantity::Percent;
use crate::target::{self, TargetResult};
use crate::taxonomy::Carrier;
use crate::trajectory::{self as path, Comparison, Progress, Trajectory};

/// The names of the input files, for messages.
#[derive(Clone, Copy)]
pub(crate) struct Files<'a> {
    pub(crate) inventories: &'a str,
    pub(crate) activity: &'a str,
    pub(crate) supply: &'a str,
    pub(crate) factors: &'a str,
    pub(crate) actions: &'a str,
    pub(crate) crf: &'a str,
}

/// Finishes what the readers built: every inventory, its target and trajectory, and the
/// comparisons of monitoring inventories with their baselines, on up to `threads` threads.
///
/// With `cells`, the tables of every cell are written there as the inventories are computed,
/// and the inventories returned keep no cells or factors (see [`crate::batch::run_streamed`]);
/// only writing them can fail.
pub(crate) fn finish(
    files: Files<'_>,
    reading: Reading<'_>,
    threads: usize,
    cells: Option<CellTables<'_>>,
) -> Result<BatchOutput, BatchWriteError> {
    let Reading { specs, overrides, builders, alternates, rows, mut actions, mut st } = reading;
    let (inv_file, act_file) = (files.inventories, files.activity);
    let overrides_of = |i: usize| {
        let mut ov: Vec<&FactorOverride> = overrides.batch.iter().collect();
        if let Some(own) = overrides.per_inventory.get(&i) {
            ov.extend(own);
        }
        ov
    };
    // In parts of [`stream::PART`] from the start: written as computed, each builder is moved
    // once, into its part (the parts are joined again otherwise).
    let mut jobs: Vec<Vec<Job<'_, '_>>> = Vec::new();
    for (i, b) in builders.into_iter().enumerate() {
        let entry = &specs.entries[i];
        let Some(b) = b else { continue };
        if overrides.poisoned || st.incomplete {
            st.rejected[i] = true;
        }
        if rows[i] == 0 && !st.rejected[i] {
            let id = entry.spec.id.clone();
            let act_file = match entry.spec.framework {
                crate::taxonomy::Framework::Crf => files.crf,
                crate::taxonomy::Framework::Secap => act_file,
            };
            st.error(
                inv_file,
                entry.line,
                Some((i, &id)),
                None,
                None,
                ErrorKind::NoRows { id: id.clone(), file: Some(act_file.into()) },
            );
        }
        if st.rejected[i] {
            continue;
        }
        let job = (i, b, overrides_of(i), std::mem::take(&mut actions[i]));
        match jobs.last_mut() {
            Some(part) if part.len() < stream::PART => part.push(job),
            _ => {
                let mut part = Vec::with_capacity(stream::PART);
                part.push(job);
                jobs.push(part);
            }
        }
    }
    // One slot per inventory of the file, filled in place (no copies of every inventory),
    // emptied for those rejected; made while the other threads compute when the inventories
    // are streamed.
    let n = specs.entries.len();
    let arrays = || {
        let mut slots: Vec<Option<BatchInventory>> = Vec::new();
        slots.resize_with(n, || None);
        let mut evaluated: Vec<Option<crate::Result<(TargetResult, Trajectory)>>> = Vec::new();
        evaluated.resize_with(n, || None);
        let mut kept_cells: Vec<Option<Vec<EnergyCell>>> = Vec::new();
        kept_cells.resize_with(n, || None);
        let kept_electricity: Vec<Option<FactorUsed>> = vec![None; n];
        (slots, evaluated, kept_cells, kept_electricity, vec![false; n])
    };
    // Every inventory, its target and its path, on up to `threads` threads; the messages are
    // then reported in input order, as they would be by one: the problems of every inventory,
    // then those of the targets.
    // Written as computed: the CSV tables do not show the comparisons, only their warnings.
    let streamed = cells.is_some();
    let (outcomes, arrays) = match cells {
        None => {
            let outcomes =
                par_map(jobs.into_iter().flatten().collect(), threads, |_, (i, b, ov, acts)| {
                    (i, outcome(b, &ov, &acts))
                });
            (vec![outcomes], arrays())
        }
        Some(out) => {
            let baselines: Vec<Option<usize>> = specs
                .entries
                .iter()
                .map(|e| e.spec.baseline_id.as_ref().and_then(|b| specs.by_id.get(b).copied()))
                .collect();
            stream::compute(jobs, threads, &baselines, out, arrays)?
        }
    };
    let (mut slots, mut evaluated, mut kept_cells, mut kept_electricity, mut failed) = arrays;
    for (i, o) in outcomes.into_iter().flatten() {
        evaluated[i] = o.target;
        kept_cells[i] = o.energy_cells;
        kept_electricity[i] = o.electricity;
        let plan = match o.plan {
            Some(Err(problems)) => {
                let id = specs.entries[i].spec.id.clone();
                for p in problems {
                    st.located(files.actions, Some((i, &id)), p);
                }
                failed[i] = true;
                None
            }
            Some(Ok(plan)) => Some(plan),
            None => None,
        };
        match o.inventory {
            Ok(inventory) => {
                slots[i] = Some(BatchInventory {
                    inventory,
                    target: None,
                    trajectory: None,
                    change_vs_baseline_pct: None,
                    comparison: None,
                    progress: None,
                    plan: plan.map(Box::new),
                });
            }
            Err(problems) => {
                let id = specs.entries[i].spec.id.clone();
                for p in problems {
                    let file = match p.position().input {
                        Some(Input::Supply) => files.supply,
                        Some(Input::Actions) => files.actions,
                        Some(Input::Inventories) => inv_file,
                        Some(Input::CrfActivity) => files.crf,
                        _ => act_file,
                    };
                    st.located(file, Some((i, &id)), p);
                }
            }
        }
    }
    for (i, result) in evaluated.into_iter().enumerate() {
        match result {
            None => {}
            Some(Ok((r, t))) => {
                if let Some(slot) = slots[i].as_mut() {
                    slot.target = Some(r);
                    slot.trajectory = Some(t);
                }
            }
            Some(Err(e)) => {
                let id = specs.entries[i].spec.id.clone();
                let line = specs.entries[i].line;
                let column = match e.kind() {
                    ErrorKind::ReductionOutOfRange { .. } => "target_reduction_pct",
                    ErrorKind::PopulationRequired => "population",
                    ErrorKind::BauNeedsGrowth => "target_kind",
                    _ => "target_year",
                };
                st.error(inv_file, line, Some((i, &id)), Some(column), None, e.into_kind());
                failed[i] = true;
            }
        }
    }
    /// What comparing one inventory with its baseline gave.
    enum Compared {
        /// Not computed, or its target failed.
        Skipped,
        /// Its baseline could not be computed: the message for its `baseline_id` column.
        NoBaseline(ErrorKind),
        /// The results (for a monitoring inventory) and the warnings, in order (worded here,
        /// on every thread).
        Done(Option<Box<Extras>>, Vec<Worded>),
    }
    let accepted = |i: usize| slots[i].as_ref().filter(|_| !failed[i]);
    let compared = par_map(alternates, threads, |i, alt: Option<InventoryBuilder<'_>>| {
        let Some(inv) = accepted(i).map(|r| &r.inventory) else {
            return Compared::Skipped;
        };
        let mut extras = None;
        let mut warnings = Vec::new();
        if let Some(b) = &inv.spec.baseline_id {
            let j = specs.by_id.get(b).copied();
            let Some((j, base)) = j.and_then(|j| Some((j, accepted(j)?))) else {
                return Compared::NoBaseline(ErrorKind::BaselineFailed { baseline: b.clone() });
            };
            let e: &mut Extras = extras.get_or_insert_with(Box::default);
            let change = target::change_vs_baseline_percent(inv, &base.inventory);
            e.change = change.value();
            if change == Percent::TooLarge {
                warnings.push(Warning::PercentTooLarge { what: "change_vs_baseline_pct" });
            }
            if streamed {
                if path::percent_too_large(inv, &base.inventory) {
                    warnings.push(Warning::PercentTooLarge { what: "change_pct" });
                }
            } else {
                let comparison = path::compare(inv, &base.inventory);
                if comparison.percent_too_large() {
                    warnings.push(Warning::PercentTooLarge { what: "change_pct" });
                }
                e.comparison = Some(comparison);
            }
            warnings.extend(target::comparability_warnings(inv, &base.inventory));
            // The energy cells kept when the cells were not (else read from the cells).
            let cells_of = |k: usize, inv: &Inventory| match &kept_cells[k] {
                Some(c) => std::borrow::Cow::Borrowed(c.as_slice()),
                None => std::borrow::Cow::Owned(energy_cells(inv)),
            };
            let (own, theirs) = (cells_of(i, inv), cells_of(j, &base.inventory));
            warnings.extend(compare_cells(inv, &own, &base.inventory, &theirs));
            // The electricity factors against the change of the national ones.
            let used = |k: usize, inv: &Inventory| {
                kept_electricity[k].clone().or_else(|| electricity_factor(inv))
            };
            let national = |k: usize, spec: &crate::inventory::InventorySpec| {
                let release = specs.entries[k].release?;
                let f = resolve(spec, release, Carrier::Electricity, Variant::Default, &[]);
                f.ok().map(|f| f.factor)
            };
            if let (Some(f), Some(b), Some(n), Some(nb)) = (
                used(i, inv),
                used(j, &base.inventory),
                national(i, &inv.spec),
                national(j, &base.inventory.spec),
            ) && let Some(w) = factor_jump(&f, &b, n, nb)
            {
                warnings.push(w);
            }
            if let Some(alt) = alt {
                warnings.push(match alt.finish(&overrides_of(i)) {
                    Ok(other) => Warning::OtherReleaseTotal {
                        release: base.inventory.release.clone(),
                        total_t: other.total_emissions.tonnes(),
                        own_t: inv.total_emissions.tonnes(),
                        difference_t: other
                            .total_emissions
                            .minus_tonnes(inv.total_emissions)
                            .unwrap_or_default(),
                    },
                    Err(p) => Warning::OtherReleaseFails {
                        release: base.inventory.release.clone(),
                        reason: p[0].code(),
                        message: p[0].message(Terms::Batch),
                    },
                });
            }
            if let Some(t) = &base.trajectory {
                if inv.spec.year > t.target_year {
                    warnings.push(Warning::AfterTargetYear {
                        year: inv.spec.year,
                        target_year: t.target_year,
                    });
                }
                match path::progress(t, inv) {
                    Ok(p) => {
                        if p.distance_pct_too_large {
                            warnings.push(Warning::PercentTooLarge { what: "distance_pct" });
                        }
                        e.progress = Some(p);
                    }
                    Err(err) => warnings.push(Warning::ProgressUnavailable {
                        reason: err.code(),
                        message: err.message(Terms::Batch),
                    }),
                }
            }
        }
        let plan = accepted(i).and_then(|r| r.plan.as_ref());
        let plan_warnings = plan.iter().flat_map(|p| &p.warnings);
        let worded = warnings.iter().chain(&inv.warnings).chain(plan_warnings).map(Worded::new);
        Compared::Done(extras, worded.collect())
    });
    for (i, c) in compared.into_iter().enumerate() {
        let entry = &specs.entries[i];
        match c {
            Compared::Skipped => slots[i] = None,
            Compared::NoBaseline(kind) => {
                let id = entry.spec.id.clone();
                let b = entry.spec.baseline_id.as_deref();
                st.error(inv_file, entry.line, Some((i, &id)), Some("baseline_id"), b, kind);
                slots[i] = None;
            }
            Compared::Done(extras, warnings) => {
                for w in warnings {
                    // A warning about one row is placed at it; the others at the inventory.
                    let (file, line, column) = match w.location {
                        Some((Input::Activity, l)) => (act_file, l, Some("amount")),
                        Some((Input::Factors, l)) => (files.factors, l, Some("factor")),
                        Some((Input::Actions, l)) => (files.actions, l, w.column),
                        Some((Input::CrfActivity, l)) => (files.crf, l, None),
                        _ => (inv_file, entry.line, None),
                    };
                    st.warn_worded(file, line, Some(&entry.spec.id), column, w);
                }
                if let (Some(e), Some(slot)) = (extras, slots[i].as_mut()) {
                    slot.change_vs_baseline_pct = e.change;
                    slot.comparison = e.comparison.map(Box::new);
                    slot.progress = e.progress;
                }
            }
        }
    }
    // In place: the slots become the accepted inventories, in input order.
    #[allow(clippy::filter_map_identity)] // `filter_map` collects into the same allocation.
    let inventories: Vec<BatchInventory> = slots.into_iter().filter_map(|s| s).collect();
    // A cause before its consequences; the inventories file first, then the others by name
    // and line (a stable sort keeps the order of reading within a line).
    let inv_file = Some(inv_file);
    st.errors.sort_by(|a, b| {
        let key = |d: &Diagnostic| (d.consequence, d.file.as_deref() != inv_file);
        (key(a), &a.file, a.line).cmp(&(key(b), &b.file, b.line))
    });
    let bau_columns = specs.bau_columns;
    let rejected = specs
        .entries
        .iter()
        .zip(&st.rejected)
        .filter(|(_, r)| **r)
        .map(|(e, _)| e.spec.id.clone())
        .collect();
    for (count, list, what) in [
        (st.suppressed_errors, &mut st.errors, "errors"),
        (st.suppressed_warnings, &mut st.warnings, "warnings"),
    ] {
        if count > 0 {
            let w = Warning::MoreNotListed { count, what, limit: MAX_LISTED };
            list.push(Diagnostic {
                file: None,
                line: None,
                inventory_id: None,
                column: None,
                value: None,
                message: w.message(),
                code: w.code(),
                params: w.params(),
                consequence: false,
            });
        }
    }
    Ok(BatchOutput {
        inventories,
        errors: st.errors,
        warnings: st.warnings,
        errors_not_listed: st.suppressed_errors,
        warnings_not_listed: st.suppressed_warnings,
        rejected,
        bau_columns,
    })
}

#[derive(Default)]
pub(crate) struct Extras {
    pub(crate) change: Option<Decimal>,
    pub(crate) comparison: Option<Comparison>,
    pub(crate) progress: Option<Progress>,
}

/// One inventory to finish: its index, its builder, the user's factors for it and the actions
/// of its plan.
pub(crate) type Job<'c, 'o> = (usize, InventoryBuilder<'c>, Vec<&'o FactorOverride>, Vec<Action>);

/// What finishing one inventory gave: the inventory or its problems, and (for an inventory
/// with a target) the target evaluated and the path to it.
pub(crate) struct Outcome {
    pub(crate) inventory: Result<Inventory, Vec<Error>>,
    pub(crate) target: Option<crate::Result<(TargetResult, Trajectory)>>,
    /// What comparing it with its baseline or its monitoring inventories reads of its cells,
    /// kept when the cells are not (a batch written as it is computed).
    pub(crate) energy_cells: Option<Vec<EnergyCell>>,
    /// The electricity factor it used, kept when its factors are not (for the comparison).
    pub(crate) electricity: Option<FactorUsed>,
    /// For an inventory with actions: its plan, valued, or its problems.
    pub(crate) plan: Option<Result<Plan, Vec<Error>>>,
}

impl Outcome {
    /// Whether the inventory, its target and its plan were computed.
    pub(crate) fn computed(&self) -> bool {
        self.inventory.is_ok()
            && !matches!(self.target, Some(Err(_)))
            && !matches!(self.plan, Some(Err(_)))
    }
}

/// Finishes one inventory, then its target and path, then its plan (when it has actions).
pub(crate) fn outcome(
    b: InventoryBuilder<'_>,
    overrides: &[&FactorOverride],
    actions: &[Action],
) -> Outcome {
    let release = b.release();
    let inventory = b.finish(overrides);
    let target = inventory.as_ref().ok().and_then(|inv| {
        let t = inv.spec.target.as_ref()?;
        Some(target::evaluate(inv, t).and_then(|r| Ok((r, path::trajectory(inv, t)?))))
    });
    let plan = match (&inventory, &target) {
        (Ok(inv), None | Some(Ok(_))) if !actions.is_empty() => {
            let t = target.as_ref().and_then(|t| t.as_ref().ok()).map(|(r, _)| r);
            Some(crate::plan::evaluate(inv, release, overrides, t, actions))
        }
        _ => None,
    };
    Outcome { inventory, target, energy_cells: None, electricity: None, plan }
}
