//! Inventory ids: suggestions for unknown ones, and engine errors located in a file.

use std::collections::HashMap;

use crate::batch::diag::State;
use crate::batch::read::inventories::Specs;
use crate::inventory::Located;

/// Suggestions for unknown inventory ids: the nearest id of the inventories file, the first in
/// file order on a tie. Computed once per unknown id and for at most [`IdHints::MAX`] of them, so
/// a file of unknown ids costs no more than that many searches.
#[derive(Default)]
pub(crate) struct IdHints(HashMap<String, Option<String>>);

impl IdHints {
    const MAX: usize = 100;

    /// Reports a row whose inventory id is empty or not in the inventories file.
    pub(crate) fn report(
        &mut self,
        st: &mut State,
        file: &str,
        line: u64,
        id: &str,
        specs: &Specs<'_>,
    ) {
        let message = if id.is_empty() {
            "the inventory id is empty".to_string()
        } else {
            let hint = self
                .suggest(id, specs)
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default();
            format!("no inventory with this id in the inventories file{hint}")
        };
        st.error(file, line, None, Some("inventory_id"), Some(id), message);
    }

    pub(crate) fn suggest(&mut self, id: &str, specs: &Specs<'_>) -> Option<String> {
        if let Some(hint) = self.0.get(id) {
            return hint.clone();
        }
        if self.0.len() >= IdHints::MAX {
            return None;
        }
        let ids = specs.entries.iter().map(|e| e.spec.id.as_str()).filter(|s| !s.is_empty());
        let hint = crate::codes::nearest(id, ids).map(str::to_string);
        self.0.insert(id.to_string(), hint.clone());
        hint
    }
}

pub(crate) fn located(st: &mut State, file: &str, inv: Option<(usize, &str)>, e: Located) {
    let value = Some(e.value.as_str()).filter(|v| !v.is_empty());
    st.error(file, e.line.unwrap_or(0), inv, Some(e.column), value, e.error.to_string());
}
