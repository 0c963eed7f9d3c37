//! The baseline of the batch benchmark: merely parse the batch's CSV files with the csv crate
//! (every record read, as UTF-8 strings), nothing else. `covenant batch` is measured against it.
//!
//! Usage: `csv_parse_only FILE...`; prints the number of records.

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut records = 0u64;
    let mut bytes = 0u64;
    for path in std::env::args().skip(1) {
        let mut rdr = match csv::Reader::from_path(&path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let mut rec = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut rec) {
                Ok(true) => {
                    records += 1;
                    bytes += rec.as_slice().len() as u64;
                }
                Ok(false) => break,
                Err(e) => {
                    eprintln!("{path}: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    println!("{records} records, {bytes} bytes of fields");
    ExitCode::SUCCESS
}
