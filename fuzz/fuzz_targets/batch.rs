//! Fuzzes the batch readers: arbitrary bytes split into four input files (inventories,
//! activity, factors, actions).
#![no_main]

use covenant_core::batch::{self, BatchInput};
use covenant_core::factors::Catalog;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Two 0xFF bytes separate the files (0xFF never occurs in UTF-8).
    let mut parts = data.split(|&b| b == 0xFF);
    let inventories = parts.next().unwrap_or_default();
    let activity = parts.next().unwrap_or_default();
    let factors = parts.next();
    let actions = parts.next();
    let out = batch::run(
        BatchInput {
            inventories: ("inventories.csv", inventories),
            activity: ("activity.csv", activity),
            factors: factors.map(|f| ("factors.csv", f)),
            supply: None,
            actions: actions.map(|a| ("actions.csv", a)),
        },
        Catalog::embedded(),
    );
    // The pipelined reader (two threads, no cell detail) computes the same inventories and errors.
    let two = batch::run_with(
        BatchInput {
            inventories: ("inventories.csv", inventories),
            activity: ("activity.csv", activity),
            factors: factors.map(|f| ("factors.csv", f)),
            supply: None,
            actions: actions.map(|a| ("actions.csv", a)),
        },
        Catalog::embedded(),
        batch::Options { cell_detail: false, threads: 2 },
        &mut |_| {},
    );
    assert_eq!(out.errors, two.errors);
    assert_eq!(out.warnings, two.warnings);
    assert_eq!(out.inventories.len(), two.inventories.len());
    for (a, b) in out.inventories.iter().zip(&two.inventories) {
        assert_eq!(a.inventory.total_emissions, b.inventory.total_emissions);
        assert_eq!(a.inventory.cells.len(), b.inventory.cells.len());
        assert_eq!(a.plan, b.plan);
    }
    // Every computed inventory writes without error.
    let mut sink = Vec::new();
    batch::write_emissions(&mut sink, &out.inventories).unwrap();
    batch::write_summary(&mut sink, &out.inventories).unwrap();
    batch::write_plan(&mut sink, &out.inventories).unwrap();
    batch::write_errors(&mut sink, &out.errors).unwrap();
});
