//! Inventory ids: suggestions for unknown ones.

use std::collections::HashMap;

use crate::batch::diag::State;
use crate::batch::read::inventories::Specs;
use crate::error::ErrorKind;

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
        let kind = if id.is_empty() {
            ErrorKind::EmptyId
        } else {
            ErrorKind::UnknownInventory { suggestion: self.suggest(id, specs) }
        };
        st.error(file, line, None, Some("inventory_id"), Some(id), kind);
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
