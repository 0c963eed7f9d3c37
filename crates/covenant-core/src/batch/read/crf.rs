//! `crf_activity.csv`: the rows of CRF inventories, by GPC reference (or sub-sector and scope),
//! fuel or activity, amount, per-gas factors or emissions, or a notation key.

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
use crate::gpc::taxonomy::{LineError, Scope, Subsector, find_line};
use crate::gpc::units::{CrfUnit, FactorUnit};
use crate::gpc::{CrfActivity, Gases, parse_notation_key};
use crate::taxonomy::Framework;

columns! {
    /// The columns of `crf_activity.csv`.
    pub(crate) enum Crf {
        required {
            Id = "inventory_id",
        }
        optional {
            GpcRef = "gpc_ref",
            Subsector = "crf_subsector",
            Scope = "scope",
            Fuel = "fuel",
            Amount = "amount",
            Unit = "unit",
            FactorUnit = "factor_unit",
            Co2Factor = "co2_factor",
            Ch4Factor = "ch4_factor",
            N2oFactor = "n2o_factor",
            Co2eFactor = "co2e_factor",
            BiogenicFactor = "biogenic_co2_factor",
            Co2 = "co2_tco2e",
            Ch4 = "ch4_tco2e",
            N2o = "n2o_tco2e",
            Total = "total_tco2e",
            Biogenic = "biogenic_co2_t",
            Key = "notation_key",
            Explanation = "explanation",
            Description = "description",
            ActivitySource = "activity_source",
            FactorSource = "factor_source",
        }
    }
}

/// The header of `crf_activity.csv` as covenant writes it (every column, in order).
pub const CRF_ACTIVITY_HEADER: &str = "inventory_id,gpc_ref,crf_subsector,scope,fuel,amount,unit,factor_unit,co2_factor,ch4_factor,n2o_factor,co2e_factor,biogenic_co2_factor,co2_tco2e,ch4_tco2e,n2o_tco2e,total_tco2e,biogenic_co2_t,notation_key,explanation,description,activity_source,factor_source";

/// Reads `crf_activity.csv` into the builders of CRF inventories.
pub(crate) fn read_crf<R: Read>(file: &str, r: R, reading: &mut Reading<'_>) {
    let Reading { specs, builders, rows, st, .. } = reading;
    let Some((rdr, header)) = open(file, r, st, &Crf::NAMES[..Crf::REQUIRED]) else {
        st.incomplete = true;
        return;
    };
    let Some(cols) = Columns::<Crf>::read(file, &header, st) else {
        st.incomplete = true;
        return;
    };
    let mut hints = IdHints::default();
    for_rows(file, rdr, st, |line, rec, st| {
        let g = |c: Crf| cols.get(rec, c);
        let id = g(Crf::Id);
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
        if specs.entries[idx].release.is_some()
            && specs.entries[idx].spec.framework != Framework::Crf
        {
            err(st, "inventory_id", id, ErrorKind::WrongFramework { framework: "secap" });
            return;
        }
        for c in
            [Crf::Fuel, Crf::Explanation, Crf::Description, Crf::ActivitySource, Crf::FactorSource]
        {
            if let Err(kind) = check_text(g(c)) {
                err(st, c.name(), g(c), kind);
            }
        }
        let subsector = match g(Crf::Subsector) {
            "" => None,
            s => Subsector::parse(s)
                .map_err(|e| err(st, "crf_subsector", s, ErrorKind::UnknownCode(e)))
                .ok(),
        };
        let scope = match g(Crf::Scope) {
            "" => None,
            s => Scope::parse_code(s)
                .map_err(|e| err(st, "scope", s, ErrorKind::UnknownCode(e)))
                .ok(),
        };
        let gpc_ref = Some(g(Crf::GpcRef)).filter(|s| !s.is_empty());
        let found = match find_line(gpc_ref, subsector, scope) {
            Ok(l) => Some(l),
            Err(e) => {
                let (column, value) = match gpc_ref {
                    Some(r) => ("gpc_ref", r),
                    None => ("crf_subsector", g(Crf::Subsector)),
                };
                let kind = match e {
                    LineError::Unknown(u) => ErrorKind::UnknownCode(u),
                    LineError::Ambiguous(candidates) => ErrorKind::CrfLineAmbiguous { candidates },
                    LineError::Conflict => {
                        ErrorKind::CrfLineConflict { gpc_ref: gpc_ref.unwrap_or("").to_string() }
                    }
                    LineError::Missing => ErrorKind::CrfLineMissing,
                };
                // An unknown sub-sector was reported already.
                if g(Crf::Subsector).is_empty() || subsector.is_some() {
                    err(st, column, value, kind);
                }
                None
            }
        };
        let mut number = |st: &mut State, c: Crf| -> Option<Decimal> {
            let non_negative = |d: Decimal| !d.is_sign_negative() || d.is_zero();
            match optional_decimal(g(c), non_negative, Expected::NonNegative) {
                // As in activity.csv: larger amounts are refused before any arithmetic.
                Ok(Some(v)) if v > crate::quantity::MAX_AMOUNT => {
                    err(st, c.name(), g(c), ErrorKind::AmountTooLarge { value: v });
                    None
                }
                Ok(v) => v,
                Err(m) => {
                    err(st, c.name(), g(c), m);
                    None
                }
            }
        };
        let amount = number(st, Crf::Amount);
        let factors = Gases {
            co2: number(st, Crf::Co2Factor),
            ch4: number(st, Crf::Ch4Factor),
            n2o: number(st, Crf::N2oFactor),
            co2e: number(st, Crf::Co2eFactor),
            biogenic: number(st, Crf::BiogenicFactor),
        };
        let emissions = Gases {
            co2: number(st, Crf::Co2),
            ch4: number(st, Crf::Ch4),
            n2o: number(st, Crf::N2o),
            co2e: number(st, Crf::Total),
            biogenic: number(st, Crf::Biogenic),
        };
        let unit = match g(Crf::Unit) {
            "" => None,
            u => CrfUnit::parse_code(u)
                .map_err(|e| err(st, "unit", u, ErrorKind::UnknownCode(e)))
                .ok(),
        };
        let factor_unit = match g(Crf::FactorUnit) {
            "" => None,
            u => FactorUnit::parse_code(u)
                .map_err(|e| err(st, "factor_unit", u, ErrorKind::UnknownCode(e)))
                .ok(),
        };
        let key = match g(Crf::Key) {
            "" => None,
            k => parse_notation_key(k)
                .map_err(|e| err(st, "notation_key", k, ErrorKind::UnknownCode(e)))
                .ok(),
        };
        let (Some(line_ref), true) = (found, ok) else { return };
        let text = |c: Crf| Some(g(c).to_string()).filter(|s| !s.is_empty());
        let row = CrfActivity {
            line: line_ref,
            fuel: text(Crf::Fuel),
            amount,
            unit,
            factor_unit,
            factors,
            emissions,
            key,
            explanation: text(Crf::Explanation),
            description: text(Crf::Description),
            activity_source: text(Crf::ActivitySource),
            factor_source: text(Crf::FactorSource),
            input_line: Some(line),
        };
        rows[idx] = rows[idx].saturating_add(1);
        if let Some(b) = builders[idx].as_mut()
            && let Err(e) = b.add_crf(row)
        {
            st.located(file, target, e);
        }
    });
}
