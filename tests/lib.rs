//! Cross-crate tests live in this crate's `tests/` folder.
