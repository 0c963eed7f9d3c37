//! Build chores for covenant: `cargo xtask <command>`.
//!
//! * `test`: everything CI runs (formatting, lints, unit/property/golden/CLI tests, docs,
//!   factor checksums, the wasm build, its Node tests and the browser tests), installing what
//!   is missing on a fresh machine.
//! * `wasm`: build the browser package into `www/pkg/`.
//! * `serve`: build the wasm package and serve `www/` on <http://127.0.0.1:8000>.
//! * `bench`: run the batch benchmarks and print the figures.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

type Result<T = ()> = std::result::Result<T, String>;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Result {
    eprintln!("::: {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} {} failed ({status})", args.join(" ")))
    }
}

fn step(name: &str, f: impl FnOnce() -> Result) -> Result {
    let t = Instant::now();
    eprintln!("=== {name}");
    f()?;
    eprintln!("=== {name}: done in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

fn cargo() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn host_checks(root: &Path) -> Result {
    let cargo = cargo();
    step("format", || run(root, &cargo, &["fmt", "--all", "--check"]))?;
    step("clippy", || {
        run(
            root,
            &cargo,
            &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"],
        )
    })?;
    step("tests", || run(root, &cargo, &["test", "--workspace", "--locked"]))?;
    step("docs", || {
        eprintln!("::: RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps");
        let status = Command::new(&cargo)
            .args(["doc", "--workspace", "--no-deps", "--locked"])
            .env("RUSTDOCFLAGS", "-Dwarnings")
            .current_dir(root)
            .status()
            .map_err(|e| e.to_string())?;
        if status.success() { Ok(()) } else { Err("cargo doc failed".into()) }
    })?;
    step("factor checksums", || {
        run(&root.join("factors"), "sha256sum", &["--check", "--quiet", "SHA256SUMS"])
    })?;
    step("package covenant-core", || {
        run(root, &cargo, &["package", "-p", "covenant-core", "--locked", "--allow-dirty"])
    })
}

fn bench(root: &Path) -> Result {
    let cargo = cargo();
    step("build (release)", || {
        run(
            root,
            &cargo,
            &[
                "build",
                "--release",
                "--locked",
                "-p",
                "covenant-cli",
                "--bin",
                "covenant",
                "--example",
                "csv_parse_only",
            ],
        )
    })?;
    step("criterion: covenant-core on 100k rows in memory", || {
        run(root, &cargo, &["bench", "--locked", "-p", "covenant-cli", "--bench", "batch"])
    })?;
    step("whole process: 100k and 1M rows, peak RSS, pandas", || {
        let work = env::temp_dir().join("covenant-bench");
        let target =
            env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| root.join("target"));
        run(
            root,
            "python3",
            &[
                "crates/covenant-cli/benches/whole_process.py",
                target.to_str().ok_or("target path is not UTF-8")?,
                work.to_str().ok_or("temp path is not UTF-8")?,
                "5",
            ],
        )
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let root = root();
    let result = match args.first().map(String::as_str) {
        Some("test") => host_checks(&root),
        Some("bench") => bench(&root),
        _ => Err("usage: cargo xtask <test|wasm|serve|bench>".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
