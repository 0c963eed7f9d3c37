//! The `covenant` binary; see the `covenant_cli` library for the commands.

use std::process::ExitCode;

/// mimalloc rather than the system allocator: a batch allocates many small values on two
/// threads, and with glibc's malloc a batch of 10,000 inventories × 100 rows took 44,000 page
/// faults instead of 300 and 1.35 times as long. Without transparent huge pages (feature
/// `no_thp`): with them every first touch of 2 MiB of memory faulted a huge page in, so peak
/// memory grew in steps of 2 MiB (140 instead of 100 MiB on the heavy 10,000-inventory batch)
/// and some runs spent half a second in the kernel. The library leaves the choice of allocator
/// to whoever links it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let code = covenant_cli::run(
        std::env::args_os(),
        &mut std::io::stdin(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr(),
    );
    ExitCode::from(code)
}
