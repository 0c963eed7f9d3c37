//! The `covenant` binary; see the `covenant_cli` library for the commands.

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = covenant_cli::run(
        std::env::args_os(),
        &mut std::io::stdin(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr(),
    );
    ExitCode::from(code)
}
