//! Cross-crate tests of covenant. The tests are the `[[test]]` targets of this crate
//! (`golden.rs`, …) and the CLI end-to-end tests in `cli/`, which run the real `covenant`
//! binary as integration tests of `covenant-cli`.
