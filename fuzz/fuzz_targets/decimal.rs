//! Fuzzes the strict decimal reader: never a panic, and what it accepts writes back the same.
#![no_main]

use covenant_core::quantity::{format_decimal, parse_decimal};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(d) = parse_decimal(text) {
            assert_eq!(parse_decimal(&format_decimal(d)), Ok(d.normalize()));
        }
    }
});
