//! The outputs of a batch: the CSV files, the JSON report and (feature `xlsx`) the workbooks.

pub mod csv;
pub mod json;
#[cfg(feature = "xlsx")]
pub mod xlsx;
