//! `actions.csv`: the actions of the plans of baseline inventories.

use std::collections::HashMap;
use std::io::Read;

use rust_decimal::Decimal;

use crate::batch::diag::State;
use crate::batch::read::Reading;
use crate::batch::read::check_text;
use crate::batch::read::columns::{Column, Columns, columns};
use crate::batch::read::ids::IdHints;
use crate::batch::read::inventories::{optional_decimal, parse_year};
use crate::batch::read::record::{for_rows, open};
use crate::error::{ErrorKind, Expected};
use crate::plan::Action;
use crate::quantity::{ActivityUnit, parse_decimal};
use crate::taxonomy::{ActionKind, Carrier, Sector};

columns! {
    /// The columns of `actions.csv`.
    pub(crate) enum Act {
        required {
            Id = "inventory_id",
            ActionId = "action_id",
            Title = "title",
            Sector = "sector",
            Kind = "kind",
            Amount = "amount",
            Unit = "unit",
            StartYear = "start_year",
            EndYear = "end_year",
        }
        optional {
            Carrier = "carrier",
            ToCarrier = "to_carrier",
            Cost = "cost",
            Status = "status",
            Responsible = "responsible",
        }
    }
}

/// Reads `actions.csv` into the plans of the inventories: each row is checked against its
/// baseline ([`Action::check`]); a row with an error rejects its baseline, as a row of any other
/// file does.
pub(crate) fn read_actions<R: Read>(file: &str, r: R, reading: &mut Reading<'_>) {
    let Reading { specs, actions, st, .. } = reading;
    let Some((rdr, header)) = open(file, r, st, &Act::NAMES[..Act::REQUIRED]) else {
        st.incomplete = true;
        return;
    };
    let Some(cols) = Columns::<Act>::read(file, &header, st) else {
        st.incomplete = true;
        return;
    };
    let mut hints = IdHints::default();
    // The first line of each action id, per inventory.
    let mut seen: HashMap<(usize, String), u64> = HashMap::new();
    for_rows(file, rdr, st, |line, rec, st| {
        let g = |c: Act| cols.get(rec, c);
        let id = g(Act::Id);
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
        let mut err = |st: &mut State, c: Act, kind: ErrorKind| {
            ok = false;
            st.error(file, line, target, Some(c.name()), Some(g(c)), kind);
        };
        // A plan values its actions with the baseline's SECAP cells: a CRF baseline has none.
        if specs.entries[idx].spec.framework == crate::taxonomy::Framework::Crf {
            err(st, Act::Id, ErrorKind::WrongFramework { framework: "crf" });
            return;
        }
        let action_id = g(Act::ActionId);
        if action_id.is_empty() {
            err(st, Act::ActionId, ErrorKind::EmptyId);
        }
        for c in [Act::ActionId, Act::Title, Act::Status, Act::Responsible] {
            if let Err(kind) = check_text(g(c)) {
                err(st, c, kind);
            }
        }
        if !action_id.is_empty() {
            match seen.get(&(idx, action_id.to_string())) {
                Some(&first_line) => {
                    err(st, Act::ActionId, ErrorKind::DuplicateAction { first_line });
                }
                None => {
                    seen.insert((idx, action_id.to_string()), line);
                }
            }
        }
        /// A code of a closed set, or `None` with the error recorded.
        fn code<T>(
            st: &mut State,
            at: (&str, u64, Option<(usize, &str)>),
            (column, value): (&str, &str),
            r: Result<T, crate::codes::UnknownCode>,
        ) -> Option<T> {
            let (file, line, target) = at;
            r.map_err(|e| {
                st.error(file, line, target, Some(column), Some(value), ErrorKind::UnknownCode(e));
            })
            .ok()
        }
        let at = (file, line, target);
        let sector = code(st, at, ("sector", g(Act::Sector)), Sector::parse_code(g(Act::Sector)));
        let kind = code(st, at, ("kind", g(Act::Kind)), ActionKind::parse_code(g(Act::Kind)));
        let carrier = |st: &mut State, c: Act| -> Option<Option<Carrier>> {
            if g(c).is_empty() {
                Some(None)
            } else {
                code(st, at, (c.name(), g(c)), Carrier::parse_code(g(c))).map(Some)
            }
        };
        let from = carrier(st, Act::Carrier);
        let to = carrier(st, Act::ToCarrier);
        let unit = code(st, at, ("unit", g(Act::Unit)), ActivityUnit::parse(g(Act::Unit)));
        let amount = parse_decimal(g(Act::Amount))
            .map_err(|e| err(st, Act::Amount, ErrorKind::InvalidNumber(e)))
            .ok();
        let mut year =
            |st: &mut State, c: Act| parse_year(g(c)).map_err(|kind| err(st, c, kind)).ok();
        let start = year(st, Act::StartYear);
        let end = year(st, Act::EndYear);
        let non_negative = |d: Decimal| !d.is_sign_negative() || d.is_zero();
        let cost = optional_decimal(g(Act::Cost), non_negative, Expected::NonNegative)
            .map_err(|kind| err(st, Act::Cost, kind))
            .ok();
        let (
            Some(sector),
            Some(kind),
            Some(from),
            Some(to),
            Some(unit),
            Some(amount),
            Some(start),
            Some(end),
            Some(cost),
            true,
        ) = (sector, kind, from, to, unit, amount, start, end, cost, ok)
        else {
            if let Some(r) = st.rejected.get_mut(idx) {
                *r = true;
            }
            return;
        };
        let text = |c: Act| Some(g(c).to_string()).filter(|s| !s.is_empty());
        let action = Action {
            id: action_id.to_string(),
            title: g(Act::Title).to_string(),
            sector,
            kind,
            carrier: from,
            to_carrier: to,
            amount,
            unit,
            start_year: start,
            end_year: end,
            cost,
            status: text(Act::Status),
            responsible: text(Act::Responsible),
            line: Some(line),
        };
        // An inventory that cannot be computed (its row has errors) is not checked against.
        if specs.entries[idx].release.is_none() {
            return;
        }
        let problems = action.check(&specs.entries[idx].spec);
        if problems.is_empty() {
            actions[idx].push(action);
        } else {
            for e in problems {
                st.located(file, target, e);
            }
        }
    });
}
