//! `activity.csv`: the quantities consumed, added up into each inventory's builder.

use std::io::Read;

use crate::batch::ProgressFn;
use crate::batch::diag::State;
use crate::batch::read::columns::Columns;
use crate::batch::read::ids::{IdHints, located};
use crate::batch::read::inventories::Specs;
use crate::batch::read::record::{for_rows_with, open};
use crate::inventory::{Activity, InventoryBuilder};
use crate::quantity::{ActivityUnit, parse_decimal};
use crate::taxonomy::{Carrier, Sector};

pub(crate) const ACT_REQUIRED: &[&str] = &["inventory_id", "sector", "amount", "unit"];
pub(crate) const ACT_OPTIONAL: &[&str] = &["carrier", "sustainable"];

#[allow(clippy::too_many_arguments)] // The reader's state, threaded through one pass over the file.
pub(crate) fn read_activity<'c, R: Read + Send>(
    file: &str,
    r: R,
    specs: &Specs<'c>,
    builders: &mut [Option<InventoryBuilder<'c>>],
    alternates: &mut [Option<InventoryBuilder<'c>>],
    rows: &mut [u64],
    st: &mut State,
    threads: usize,
    progress: ProgressFn<'_>,
) {
    let required = ["inventory_id", "sector", "carrier", "amount", "unit"];
    let Some((rdr, header)) = open(file, r, st, &required) else {
        st.rejected.iter_mut().for_each(|r| *r = true);
        return;
    };
    let Some(cols) = Columns::read(file, &header, ACT_REQUIRED, ACT_OPTIONAL, st) else {
        st.rejected.iter_mut().for_each(|r| *r = true);
        return;
    };
    let mut last: Option<(String, usize)> = None;
    let mut hints = IdHints::default();
    for_rows_with(file, rdr, st, threads, progress, |line, rec, st| {
        let id = cols.get(rec, 0);
        let idx = match &last {
            Some((l, i)) if l == id => *i,
            _ => match specs.by_id.get(id) {
                Some(&i) => {
                    last = Some((id.to_string(), i));
                    i
                }
                None => {
                    hints.report(st, file, line, id, specs);
                    return;
                }
            },
        };
        rows[idx] += 1;
        let target = Some((idx, id));
        if let Some(m) = cols.ragged(rec) {
            st.error(file, line, target, None, None, m);
            return;
        }
        let (sector_s, amount_s, unit_s, carrier_s) =
            (cols.get(rec, 1), cols.get(rec, 2), cols.get(rec, 3), cols.get(rec, 4));
        let sector = Sector::parse_code(sector_s).map_err(|e| {
            st.error(file, line, target, Some("sector"), Some(sector_s), e.to_string());
        });
        let carrier = if carrier_s.is_empty() {
            Ok(None)
        } else {
            Carrier::parse_code(carrier_s).map(Some).map_err(|e| {
                st.error(file, line, target, Some("carrier"), Some(carrier_s), e.to_string());
            })
        };
        let amount = parse_decimal(amount_s).map_err(|e| {
            st.error(file, line, target, Some("amount"), Some(amount_s), e.to_string());
        });
        let unit = ActivityUnit::parse(unit_s)
            .map_err(|e| st.error(file, line, target, Some("unit"), Some(unit_s), e.to_string()));
        let (Ok(sector), Ok(carrier), Ok(amount), Ok(unit)) = (sector, carrier, amount, unit)
        else {
            return;
        };
        let Some(b) = builders[idx].as_mut() else { return };
        let variant = match cols.get(rec, 5) {
            "" | "yes" => crate::factors::Variant::Default,
            "no" => crate::factors::Variant::NonSustainable,
            other => {
                st.error(
                    file,
                    line,
                    target,
                    Some("sustainable"),
                    Some(other),
                    "expected yes, no or empty (yes)".into(),
                );
                return;
            }
        };
        let a = Activity { sector, carrier, amount, unit, variant, line: Some(line) };
        if let Err(e) = b.add(&a) {
            located(st, file, Some((idx, id)), e);
        }
        // A row the other release cannot convert only loses the comparison, not the inventory.
        if let Some(alt) = alternates[idx].as_mut()
            && alt.add(&a).is_err()
        {
            alternates[idx] = None;
        }
    });
}
