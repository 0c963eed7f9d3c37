//! After reading: every inventory finished, its target and trajectory, the comparison of
//! monitoring inventories with their baselines, and the messages in input order.

use rust_decimal::Decimal;

use crate::batch::diag::{InputError, MAX_LISTED, State};
use crate::batch::read::factors::Overrides;
use crate::batch::read::ids::located;
use crate::batch::read::inventories::Specs;
use crate::batch::{BatchInventory, BatchOutput};
use crate::inventory::{FactorOverride, Inventory, InventoryBuilder, Located};
use crate::parallel::par_map;
use crate::target::{self, TargetResult};
use crate::trajectory::{self as path, Comparison, Progress, Trajectory};

/// The names of the input files, for messages.
#[derive(Clone, Copy)]
pub(crate) struct Files<'a> {
    pub(crate) inventories: &'a str,
    pub(crate) activity: &'a str,
    pub(crate) supply: &'a str,
}

#[allow(clippy::too_many_arguments)] // What reading gave, handed over whole.
pub(crate) fn finish(
    files: Files<'_>,
    specs: Specs<'_>,
    overrides: Overrides,
    builders: Vec<Option<InventoryBuilder<'_>>>,
    alternates: Vec<Option<InventoryBuilder<'_>>>,
    rows: &[u64],
    mut st: State,
    threads: usize,
) -> BatchOutput {
    let (inv_file, act_file) = (files.inventories, files.activity);
    let overrides_of = |i: usize| {
        let mut ov: Vec<&FactorOverride> = overrides.batch.iter().collect();
        if let Some(own) = overrides.per_inventory.get(&i) {
            ov.extend(own);
        }
        ov
    };
    let mut jobs = Vec::with_capacity(builders.len());
    for (i, b) in builders.into_iter().enumerate() {
        let entry = &specs.entries[i];
        let Some(b) = b else { continue };
        if overrides.poisoned || st.incomplete {
            st.rejected[i] = true;
        }
        if rows[i] == 0 && !st.rejected[i] {
            let id = entry.spec.id.clone();
            let message = format!("inventory '{id}' has no rows in {act_file}");
            st.error(inv_file, entry.line, Some((i, &id)), None, None, message);
        }
        if st.rejected[i] {
            continue;
        }
        jobs.push((i, b, overrides_of(i)));
    }
    let mut computed: Vec<Option<Inventory>> = Vec::new();
    computed.resize_with(specs.entries.len(), || None);
    for (i, result) in finish_all(jobs, threads) {
        match result {
            Ok(inv) => computed[i] = Some(inv),
            Err(problems) => {
                let id = specs.entries[i].spec.id.clone();
                for p in problems {
                    let file = if p.supply { files.supply } else { act_file };
                    located(&mut st, file, Some((i, &id)), p);
                }
            }
        }
    }
    // Targets and trajectories of baselines first: monitoring inventories need them. Each
    // inventory's own work runs on up to `threads` threads; the messages are then reported in
    // input order, as they would be by one.
    let evaluated = par_map(computed.iter().map(Option::as_ref).collect(), threads, |_, inv| {
        let inv = inv?;
        let t = inv.spec.target.as_ref()?;
        Some(target::evaluate(inv, t).and_then(|r| Ok((r, path::trajectory(inv, t)?))))
    });
    let mut targets: Vec<Option<(TargetResult, Trajectory)>> = vec![None; computed.len()];
    let mut failed: Vec<bool> = vec![false; computed.len()];
    for (i, result) in evaluated.into_iter().enumerate() {
        match result {
            None => {}
            Some(Ok(rt)) => targets[i] = Some(rt),
            Some(Err(e)) => {
                let id = specs.entries[i].spec.id.clone();
                let (line, column) = (specs.entries[i].line, Some("target_year"));
                st.error(inv_file, line, Some((i, &id)), column, None, e.to_string());
                failed[i] = true;
            }
        }
    }
    /// What comparing one inventory with its baseline gave.
    #[allow(clippy::large_enum_variant)] // Most are `Done`: boxing would only add allocations.
    enum Compared {
        /// Not computed, or its target failed.
        Skipped,
        /// Its baseline could not be computed: the message for its `baseline_id` column.
        NoBaseline(String),
        /// The results and the warnings, in order.
        Done(Extras, Vec<String>),
    }
    let compared = par_map(alternates, threads, |i, alt: Option<InventoryBuilder<'_>>| {
        let Some(inv) = computed[i].as_ref().filter(|_| !failed[i]) else {
            return Compared::Skipped;
        };
        let mut extras = Extras::default();
        let mut warnings = Vec::new();
        if let Some(b) = &inv.spec.baseline_id {
            let j = specs.by_id.get(b).copied();
            let Some((j, base)) =
                j.and_then(|j| computed[j].as_ref().filter(|_| !failed[j]).map(|x| (j, x)))
            else {
                return Compared::NoBaseline(format!(
                    "baseline '{b}' could not be computed (see its errors), so this inventory cannot be compared with it"
                ));
            };
            extras.change = target::change_vs_baseline(inv, base);
            extras.comparison = Some(path::compare(inv, base));
            warnings.extend(target::comparability_warnings(inv, base));
            if let Some(alt) = alt {
                warnings.push(match alt.finish(&overrides_of(i)) {
                    Ok(other) => format!(
                        "computed with its baseline's release {} the total would be {} t instead of {} t (difference {} t)",
                        base.release,
                        crate::quantity::format_decimal(other.total_emissions.tonnes()),
                        crate::quantity::format_decimal(inv.total_emissions.tonnes()),
                        crate::quantity::format_decimal(
                            other
                                .total_emissions
                                .minus_tonnes(inv.total_emissions)
                                .unwrap_or_default()
                        ),
                    ),
                    Err(p) => format!(
                        "it cannot be computed with its baseline's release {}: {}",
                        base.release, p[0].error
                    ),
                });
            }
            if let Some((_, t)) = &targets[j] {
                match path::progress(t, inv) {
                    Ok(p) => extras.progress = Some(p),
                    Err(e) => warnings.push(e.to_string()),
                }
            }
        }
        warnings.extend(inv.warnings.iter().cloned());
        Compared::Done(extras, warnings)
    });
    let mut results: Vec<Option<Extras>> = Vec::with_capacity(computed.len());
    for (i, c) in compared.into_iter().enumerate() {
        let entry = &specs.entries[i];
        match c {
            Compared::Skipped => results.push(None),
            Compared::NoBaseline(message) => {
                let id = entry.spec.id.clone();
                let b = entry.spec.baseline_id.as_deref();
                st.error(inv_file, entry.line, Some((i, &id)), Some("baseline_id"), b, message);
                results.push(None);
            }
            Compared::Done(extras, warnings) => {
                for w in warnings {
                    st.warn(inv_file, entry.line, Some(&entry.spec.id), w);
                }
                results.push(Some(extras));
            }
        }
    }
    // Every monitoring inventory has read its baseline's path: the targets can move.
    for (extras, target) in results.iter_mut().zip(&mut targets) {
        if let (Some(e), Some((r, t))) = (extras.as_mut(), target.take()) {
            e.target = Some(r);
            e.trajectory = Some(t);
        }
    }
    let inventories = computed
        .into_iter()
        .zip(results)
        .filter_map(|(inv, extras)| {
            let e = extras?;
            Some(BatchInventory {
                inventory: inv?,
                target: e.target,
                trajectory: e.trajectory,
                change_vs_baseline_pct: e.change,
                comparison: e.comparison,
                progress: e.progress,
            })
        })
        .collect();
    for (count, list) in
        [(st.suppressed_errors, &mut st.errors), (st.suppressed_warnings, &mut st.warnings)]
    {
        if count > 0 {
            list.push(InputError {
                file: act_file.into(),
                line: 0,
                inventory_id: None,
                column: None,
                value: None,
                message: format!("{count} more not listed (at most {MAX_LISTED} are)"),
            });
        }
    }
    st.errors.sort_by(|a, b| {
        (a.file != inv_file, &a.file, a.line).cmp(&(b.file != inv_file, &b.file, b.line))
    });
    BatchOutput { inventories, errors: st.errors, warnings: st.warnings }
}

#[derive(Default)]
pub(crate) struct Extras {
    pub(crate) target: Option<TargetResult>,
    pub(crate) trajectory: Option<Trajectory>,
    pub(crate) change: Option<Decimal>,
    pub(crate) comparison: Option<Comparison>,
    pub(crate) progress: Option<Progress>,
}

pub(crate) type Job<'c, 'o> = (usize, InventoryBuilder<'c>, Vec<&'o FactorOverride>);
pub(crate) type Finished = (usize, Result<Inventory, Vec<Located>>);

/// Finishes every inventory, in input order, on up to `threads` threads.
pub(crate) fn finish_all(jobs: Vec<Job<'_, '_>>, threads: usize) -> Vec<Finished> {
    par_map(jobs, threads, |_, (i, b, ov)| (i, b.finish(&ov)))
}
