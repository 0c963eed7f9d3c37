//! The columns of an input file: required and optional names, their positions.

use crate::batch::diag::State;

/// The columns of one file: required and optional names, their positions.
pub(crate) struct Columns {
    pub(crate) pos: Vec<Option<usize>>,
    pub(crate) width: usize,
}

impl Columns {
    pub(crate) fn read(
        file: &str,
        header: &::csv::StringRecord,
        required: &[&'static str],
        optional: &[&'static str],
        st: &mut State,
    ) -> Option<Columns> {
        let names: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let h = if i == 0 { h.trim_start_matches('\u{feff}') } else { h };
                h.trim().to_ascii_lowercase()
            })
            .collect();
        let all: Vec<&str> = required.iter().chain(optional).copied().collect();
        let mut ok = true;
        for (i, n) in names.iter().enumerate() {
            if let Some(j) = names[..i].iter().position(|m| m == n) {
                st.error(
                    file,
                    1,
                    None,
                    Some(n),
                    None,
                    format!("duplicate column (columns {} and {})", j + 1, i + 1),
                );
                ok = false;
            }
        }
        let mut unknown = Vec::new();
        for n in &names {
            if !all.contains(&n.as_str()) && !unknown.contains(n) {
                unknown.push(n.clone());
            }
        }
        for n in unknown {
            let hint = crate::codes::nearest(&n, all.iter().copied())
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            st.warn(file, 1, None, format!("unknown column '{n}' ignored{hint}"));
        }
        for r in required {
            if !names.iter().any(|n| n == r) {
                st.error(
                    file,
                    1,
                    None,
                    Some(r),
                    None,
                    format!(
                        "missing required column; the header must name {}",
                        required.join(", ")
                    ),
                );
                ok = false;
            }
        }
        ok.then(|| Columns {
            pos: all.iter().map(|w| names.iter().position(|n| n == w)).collect(),
            width: names.len(),
        })
    }

    /// The message for a row whose field count differs from the header's, if it does.
    pub(crate) fn ragged(&self, rec: &::csv::StringRecord) -> Option<String> {
        (rec.len() != self.width).then(|| {
            format!(
                "the row has {} fields but the header has {}; check delimiters (',') and quoting",
                rec.len(),
                self.width
            )
        })
    }

    /// The trimmed cell of column number `k` (in required-then-optional order), or "".
    pub(crate) fn get<'r>(&self, rec: &'r ::csv::StringRecord, k: usize) -> &'r str {
        self.pos[k].and_then(|i| rec.get(i)).map_or("", crate::codes::trim_ascii_fast)
    }
}
