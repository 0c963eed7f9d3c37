//! `activity.csv`: the quantities consumed, added up into each inventory's builder.

use std::io::Read;

use crate::batch::ProgressFn;
use crate::batch::read::Reading;
use crate::batch::read::columns::{Columns, columns};
use crate::batch::read::ids::IdHints;
use rust_decimal::Decimal;

use crate::batch::diag::State;
use crate::batch::read::record::{Ahead, Prepare, Record};
use crate::error::{ErrorKind, Expected};
use crate::inventory::Activity;
use crate::quantity::{ActivityUnit, parse_decimal};
use crate::taxonomy::{Carrier, Sector};

columns! {
    /// The columns of `activity.csv`.
    pub(crate) enum Act {
        required {
            Id = "inventory_id",
            Sector = "sector",
            Amount = "amount",
            Unit = "unit",
        }
        optional {
            Carrier = "carrier",
            Sustainable = "sustainable",
        }
    }
}

/// The typed fields of a row of `activity.csv`, parsed where its records are parsed (on a
/// second thread when there is one); `None` for a field that does not parse, which the reader
/// parses again for its message.
pub(crate) struct Typed {
    sector: Option<Sector>,
    carrier: Option<Option<Carrier>>,
    amount: Option<Decimal>,
    unit: Option<ActivityUnit>,
}

/// Parses the typed fields of every row of `activity.csv` ([`Prepare`]).
pub(crate) struct Fields {
    cols: Option<Columns<Act>>,
}

impl Prepare for Fields {
    type Row = Typed;

    fn new(header: &::csv::StringRecord) -> Fields {
        // The same columns as the reader's, which reports the header's problems.
        Fields { cols: Columns::read("", header, &mut State::default()) }
    }

    fn row(&self, rec: &Record<'_>) -> Typed {
        let Some(cols) = &self.cols else {
            return Typed { sector: None, carrier: None, amount: None, unit: None };
        };
        let carrier = cols.get(rec, Act::Carrier);
        Typed {
            sector: Sector::parse_code(cols.get(rec, Act::Sector)).ok(),
            carrier: if carrier.is_empty() {
                Some(None)
            } else {
                Carrier::parse_code(carrier).ok().map(Some)
            },
            amount: parse_decimal(cols.get(rec, Act::Amount)).ok(),
            unit: ActivityUnit::parse(cols.get(rec, Act::Unit)).ok(),
        }
    }
}

/// Reads `activity.csv` row by row into the builders (parsed on a second thread when `ahead`
/// has one).
pub(crate) fn read_activity<R: Read>(
    file: &str,
    mut ahead: Ahead<R, Fields>,
    reading: &mut Reading<'_>,
    progress: ProgressFn<'_>,
) {
    let Reading { specs, builders, alternates, rows, st, .. } = reading;
    let required = ["inventory_id", "sector", "carrier", "amount", "unit"];
    let Some(header) = ahead.open(file, st, &required) else {
        st.rejected.iter_mut().for_each(|r| *r = true);
        return;
    };
    let Some(cols) = Columns::<Act>::read(file, &header, st) else {
        st.rejected.iter_mut().for_each(|r| *r = true);
        return;
    };
    let mut last: Option<(String, usize)> = None;
    let mut hints = IdHints::default();
    ahead.for_rows(file, st, progress, |line, rec, typed, st| {
        let id = cols.get(rec, Act::Id);
        let idx = match &last {
            Some((l, i)) if l == id => *i,
            _ => match specs.by_id.get(id) {
                Some(&i) => {
                    // Room for as many cells as the inventory before has: inventories of a
                    // batch tend to be alike (no harm when not).
                    let before = last.as_ref().and_then(|&(_, j)| builders[j].as_ref());
                    if let (Some(n), Some(b)) = (before.map(|b| b.cell_count()), &mut builders[i]) {
                        b.reserve_cells(n);
                    }
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
        // The fields typed already; those that did not parse, parsed again for the message.
        let sector = typed.sector.ok_or(()).or_else(|()| {
            let sector_s = cols.get(rec, Act::Sector);
            Sector::parse_code(sector_s).map_err(|e| {
                let kind = ErrorKind::UnknownCode(e);
                st.error(file, line, target, Some("sector"), Some(sector_s), kind);
            })
        });
        let carrier = typed.carrier.ok_or(()).or_else(|()| {
            let carrier_s = cols.get(rec, Act::Carrier);
            Carrier::parse_code(carrier_s).map(Some).map_err(|e| {
                let kind = ErrorKind::UnknownCode(e);
                st.error(file, line, target, Some("carrier"), Some(carrier_s), kind);
            })
        });
        let amount = typed.amount.ok_or(()).or_else(|()| {
            let amount_s = cols.get(rec, Act::Amount);
            parse_decimal(amount_s).map_err(|e| {
                let kind = ErrorKind::InvalidNumber(e);
                st.error(file, line, target, Some("amount"), Some(amount_s), kind);
            })
        });
        let unit = typed.unit.ok_or(()).or_else(|()| {
            let unit_s = cols.get(rec, Act::Unit);
            ActivityUnit::parse(unit_s).map_err(|e| {
                st.error(file, line, target, Some("unit"), Some(unit_s), ErrorKind::UnknownCode(e));
            })
        });
        let (Ok(sector), Ok(carrier), Ok(amount), Ok(unit)) = (sector, carrier, amount, unit)
        else {
            return;
        };
        let Some(b) = builders[idx].as_mut() else { return };
        if b.spec().framework == crate::taxonomy::Framework::Crf {
            let kind = ErrorKind::WrongFramework { framework: "crf" };
            st.error(file, line, target, Some("inventory_id"), Some(id), kind);
            return;
        }
        let variant = match cols.get(rec, Act::Sustainable) {
            "" | "yes" => crate::factors::Variant::Default,
            "no" => crate::factors::Variant::NonSustainable,
            other => {
                st.error(
                    file,
                    line,
                    target,
                    Some("sustainable"),
                    Some(other),
                    ErrorKind::InvalidValue(Expected::YesNo),
                );
                return;
            }
        };
        let a = Activity { sector, carrier, amount, unit, variant, line: Some(line) };
        if let Err(e) = b.add(&a) {
            st.located(file, Some((idx, id)), e);
        }
        // A row the other release cannot convert only loses the comparison, not the inventory.
        if let Some(alt) = alternates[idx].as_mut()
            && alt.add(&a).is_err()
        {
            alternates[idx] = None;
        }
    });
}
