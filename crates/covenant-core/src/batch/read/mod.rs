//! The readers of the input files, one per file, over a shared record reader.

pub(crate) mod activity;
pub(crate) mod columns;
pub(crate) mod factors;
pub(crate) mod ids;
pub(crate) mod inventories;
pub(crate) mod record;
pub(crate) mod supply;
