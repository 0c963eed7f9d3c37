//! `supply.csv`: local energy supply (Tables C and D).

use std::io::Read;

use rust_decimal::Decimal;

use crate::batch::diag::State;
use crate::batch::read::columns::Columns;
use crate::batch::read::ids::{IdHints, located};
use crate::batch::read::inventories::{Specs, optional_decimal};
use crate::batch::read::record::{for_rows, open};
use crate::inventory::InventoryBuilder;
use crate::quantity::ActivityUnit;
use crate::taxonomy::Carrier;

pub(crate) const SUP_REQUIRED: &[&str] = &["inventory_id", "item"];
pub(crate) const SUP_OPTIONAL: &[&str] =
    &["plant", "electricity_mwh", "heat_mwh", "carrier", "amount", "unit", "emissions_t"];

pub(crate) fn read_supply<'c, R: Read>(
    file: &str,
    r: R,
    specs: &Specs<'c>,
    builders: &mut [Option<InventoryBuilder<'c>>],
    alternates: &mut [Option<InventoryBuilder<'c>>],
    st: &mut State,
) {
    use crate::supply::{SupplyItem, SupplyRow};
    let Some((rdr, header)) = open(file, r, st, SUP_REQUIRED) else {
        st.incomplete = true;
        return;
    };
    let Some(cols) = Columns::read(file, &header, SUP_REQUIRED, SUP_OPTIONAL, st) else {
        st.incomplete = true;
        return;
    };
    let mut hints = IdHints::default();
    for_rows(file, rdr, st, |line, rec, st| {
        let g = |k| cols.get(rec, k);
        let id = g(0);
        let Some(&idx) = specs.by_id.get(id) else {
            hints.report(st, file, line, id, specs);
            return;
        };
        let target = Some((idx, id));
        if let Some(m) = cols.ragged(rec) {
            st.error(file, line, target, None, None, m);
            return;
        }
        let mut ok = true;
        let mut err = |st: &mut State, column: &str, value: &str, message: String| {
            ok = false;
            st.error(file, line, target, Some(column), Some(value), message);
        };
        let item = SupplyItem::parse(g(1)).map_err(|e| err(st, "item", g(1), e.to_string())).ok();
        let mut amount = |st: &mut State, column: &'static str, k: usize| -> Option<Decimal> {
            let non_negative = |d: Decimal| !d.is_sign_negative() || d.is_zero();
            optional_decimal(g(k), non_negative, "a number >= 0").unwrap_or_else(|m| {
                err(st, column, g(k), m);
                None
            })
        };
        let electricity = amount(st, "electricity_mwh", 3);
        let heat = amount(st, "heat_mwh", 4);
        let fuel_amount = amount(st, "amount", 6);
        let emissions_t = amount(st, "emissions_t", 8);
        let (carrier_s, unit_s) = (g(5), g(7));
        let fuel = match (carrier_s.is_empty(), fuel_amount, unit_s.is_empty()) {
            (true, None, true) => None,
            (false, Some(a), false) => {
                let c = Carrier::parse_code(carrier_s)
                    .map_err(|e| err(st, "carrier", carrier_s, e.to_string()))
                    .ok();
                let u = ActivityUnit::parse(unit_s)
                    .map_err(|e| err(st, "unit", unit_s, e.to_string()))
                    .ok();
                c.zip(u).map(|(c, u)| (c, a, u))
            }
            _ => {
                err(
                    st,
                    "carrier",
                    carrier_s,
                    "a fuel input needs carrier, amount and unit together".into(),
                );
                None
            }
        };
        let need = |present: bool,
                    column: &str,
                    what: &str,
                    st: &mut State,
                    err: &mut dyn FnMut(&mut State, &str, &str, String)| {
            if !present {
                err(st, column, "", format!("{what} is required for this item"));
            }
        };
        if let Some(item) = item {
            use SupplyItem::*;
            let (needs_e, needs_h) = match item {
                ElectricityProduction | GreenPurchase => (true, false),
                HeatProduction => (false, true),
                Chp => (true, true),
                HeatImport | HeatExport => (false, false),
            };
            need(
                !needs_e || electricity.is_some(),
                "electricity_mwh",
                "the electricity produced or purchased (MWh)",
                st,
                &mut err,
            );
            need(!needs_h || heat.is_some(), "heat_mwh", "the heat produced (MWh)", st, &mut err);
            if matches!(item, HeatImport | HeatExport) {
                need(
                    emissions_t.is_some(),
                    "emissions_t",
                    "the emissions of the heat imported or exported (t)",
                    st,
                    &mut err,
                );
            }
            if electricity.is_some() && matches!(item, HeatProduction | HeatImport | HeatExport) {
                err(
                    st,
                    "electricity_mwh",
                    g(3),
                    format!("item '{}' has no electricity output", item.code()),
                );
            }
            if heat.is_some() && matches!(item, ElectricityProduction | GreenPurchase) {
                err(st, "heat_mwh", g(4), format!("item '{}' has no heat output", item.code()));
            }
            if fuel.is_some() && matches!(item, GreenPurchase | HeatImport | HeatExport) {
                err(
                    st,
                    "carrier",
                    carrier_s,
                    format!("item '{}' has no fuel input; give emissions_t", item.code()),
                );
            }
            if fuel.is_some() && emissions_t.is_some() {
                err(
                    st,
                    "emissions_t",
                    g(8),
                    "give either a fuel input or the emissions, not both".into(),
                );
            }
        }
        let (Some(item), true) = (item, ok) else { return };
        let mwh = |v: Option<Decimal>| v.and_then(|v| crate::quantity::Energy::from_mwh(v).ok());
        let row = SupplyRow {
            item,
            plant: Some(g(2).to_string()).filter(|s| !s.is_empty()),
            electricity: mwh(electricity),
            heat: mwh(heat),
            fuel,
            emissions_t,
            line: Some(line),
        };
        if let Some(b) = builders[idx].as_mut()
            && let Err(e) = b.add_supply(row.clone())
        {
            located(st, file, target, e);
        }
        if let Some(a) = alternates[idx].as_mut()
            && a.add_supply(row).is_err()
        {
            alternates[idx] = None;
        }
    });
}
