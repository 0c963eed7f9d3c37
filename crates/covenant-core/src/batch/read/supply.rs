//! `supply.csv`: local energy supply (Tables C and D).

use std::io::Read;

use rust_decimal::Decimal;

use crate::batch::diag::State;
use crate::batch::read::Reading;
use crate::batch::read::check_text;
use crate::batch::read::columns::{Column, Columns, columns};
use crate::batch::read::ids::IdHints;
use crate::batch::read::inventories::optional_decimal;
use crate::batch::read::record::{for_rows, open};
use crate::error::{ErrorKind, Expected};
use crate::quantity::ActivityUnit;
use crate::taxonomy::Carrier;

columns! {
    /// The columns of `supply.csv`.
    pub(crate) enum Sup {
        required {
            Id = "inventory_id",
            Item = "item",
        }
        optional {
            Plant = "plant",
            Electricity = "electricity_mwh",
            Heat = "heat_mwh",
            Carrier = "carrier",
            Amount = "amount",
            Unit = "unit",
            Emissions = "emissions_t",
        }
    }
}

/// Reads `supply.csv` into the builders.
pub(crate) fn read_supply<R: Read>(file: &str, r: R, reading: &mut Reading<'_>) {
    let Reading { specs, builders, alternates, st, .. } = reading;
    use crate::supply::{SupplyItem, SupplyRow};
    let Some((rdr, header)) = open(file, r, st, &Sup::NAMES[..Sup::REQUIRED]) else {
        st.incomplete = true;
        return;
    };
    let Some(cols) = Columns::<Sup>::read(file, &header, st) else {
        st.incomplete = true;
        return;
    };
    let mut hints = IdHints::default();
    for_rows(file, rdr, st, |line, rec, st| {
        let g = |c: Sup| cols.get(rec, c);
        let id = g(Sup::Id);
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
        let mut err = |st: &mut State, column: &str, value: &str, kind: ErrorKind| {
            ok = false;
            st.error(file, line, target, Some(column), Some(value), kind);
        };
        if specs.entries[idx].spec.framework == crate::taxonomy::Framework::Crf {
            err(st, "inventory_id", id, ErrorKind::WrongFramework { framework: "crf" });
            return;
        }
        if let Err(kind) = check_text(g(Sup::Plant)) {
            err(st, "plant", g(Sup::Plant), kind);
        }
        let item = SupplyItem::parse(g(Sup::Item))
            .map_err(|e| err(st, "item", g(Sup::Item), ErrorKind::UnknownCode(e)))
            .ok();
        let mut amount = |st: &mut State, c: Sup| -> Option<Decimal> {
            let non_negative = |d: Decimal| !d.is_sign_negative() || d.is_zero();
            optional_decimal(g(c), non_negative, Expected::NonNegative).unwrap_or_else(|m| {
                err(st, c.name(), g(c), m);
                None
            })
        };
        let electricity = amount(st, Sup::Electricity);
        let heat = amount(st, Sup::Heat);
        let fuel_amount = amount(st, Sup::Amount);
        let emissions_t = amount(st, Sup::Emissions);
        let (carrier_s, unit_s) = (g(Sup::Carrier), g(Sup::Unit));
        let fuel = match (carrier_s.is_empty(), fuel_amount, unit_s.is_empty()) {
            (true, None, true) => None,
            (false, Some(a), false) => {
                let c = Carrier::parse_code(carrier_s)
                    .map_err(|e| err(st, "carrier", carrier_s, ErrorKind::UnknownCode(e)))
                    .ok();
                let u = ActivityUnit::parse(unit_s)
                    .map_err(|e| err(st, "unit", unit_s, ErrorKind::UnknownCode(e)))
                    .ok();
                c.zip(u).map(|(c, u)| (c, a, u))
            }
            _ => {
                err(st, "carrier", carrier_s, ErrorKind::FuelInputIncomplete);
                None
            }
        };
        let need = |present: bool,
                    item: SupplyItem,
                    field: &'static str,
                    st: &mut State,
                    err: &mut dyn FnMut(&mut State, &str, &str, ErrorKind)| {
            if !present {
                err(st, field, "", ErrorKind::SupplyFieldRequired { item: item.code(), field });
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
            need(!needs_e || electricity.is_some(), item, "electricity_mwh", st, &mut err);
            need(!needs_h || heat.is_some(), item, "heat_mwh", st, &mut err);
            if matches!(item, HeatImport | HeatExport) {
                need(emissions_t.is_some(), item, "emissions_t", st, &mut err);
            }
            if electricity.is_some() && matches!(item, HeatProduction | HeatImport | HeatExport) {
                err(
                    st,
                    "electricity_mwh",
                    g(Sup::Electricity),
                    ErrorKind::SupplyNoOutput { item: item.code(), output: "electricity" },
                );
            }
            if heat.is_some() && matches!(item, ElectricityProduction | GreenPurchase) {
                err(
                    st,
                    "heat_mwh",
                    g(Sup::Heat),
                    ErrorKind::SupplyNoOutput { item: item.code(), output: "heat" },
                );
            }
            if fuel.is_some() && matches!(item, GreenPurchase | HeatImport | HeatExport) {
                err(st, "carrier", carrier_s, ErrorKind::SupplyNoFuel { item: item.code() });
            }
            if fuel.is_some() && emissions_t.is_some() {
                err(st, "emissions_t", g(Sup::Emissions), ErrorKind::SupplyFuelAndEmissions);
            }
        }
        let (Some(item), true) = (item, ok) else { return };
        let mwh = |v: Option<Decimal>| v.and_then(|v| crate::quantity::Energy::from_mwh(v).ok());
        let row = SupplyRow {
            item,
            plant: Some(g(Sup::Plant).to_string()).filter(|s| !s.is_empty()),
            electricity: mwh(electricity),
            heat: mwh(heat),
            fuel,
            emissions_t,
            line: Some(line),
        };
        if let Some(b) = builders[idx].as_mut()
            && let Err(e) = b.add_supply(row.clone())
        {
            st.located(file, target, e);
        }
        if let Some(a) = alternates[idx].as_mut()
            && a.add_supply(row).is_err()
        {
            alternates[idx] = None;
        }
    });
}
