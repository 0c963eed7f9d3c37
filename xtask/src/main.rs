//! Build chores for covenant: `cargo xtask <command>`.
//!
//! * `test`: everything CI runs (formatting, lints, unit/property/golden/CLI tests, docs,
//!   factor checksums, packaging, the wasm build, its wasm-bindgen tests in Node and the browser
//!   tests in headless Chromium), installing what is missing on a fresh machine.
//! * `wasm`: build the browser package into `www/pkg/`.
//! * `serve`: build the wasm package and serve `www/` on <http://127.0.0.1:8000>.
//! * `bench`: run the batch benchmarks and the page benchmark, and print the figures.

use std::env;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use covenant_wasm::api::LoadError;

type Result<T = ()> = std::result::Result<T, String>;

/// The wasm-bindgen version must equal the crate's, pinned in Cargo.toml and Cargo.lock.
const WASM_BINDGEN: &str = "0.2.130";
const CHROMIUM: &str = "/usr/bin/chromium";
/// Fonts for the page's Chinese, Japanese and Hindi screens (the browser tests take screenshots).
const FONTS: [(&str, &str); 2] = [
    ("fonts-wqy-microhei", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    ("fonts-lohit-deva", "/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn target_dir(root: &Path) -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

fn command(dir: &Path, program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(dir);
    c
}

fn status(mut c: Command) -> Result {
    let shown = format!("{c:?}");
    eprintln!("::: {shown}");
    let status = c.status().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} failed ({status})")) }
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Result {
    status(command(dir, program, args))
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
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

fn cargo_bin_dir() -> PathBuf {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// What `cargo xtask test` needs from the machine, checked first so that a missing tool is
/// named before anything is built.
fn requirements() -> Result {
    let mut missing = Vec::new();
    for (program, what) in [
        ("rustup", "rustup (it adds the wasm32 target)"),
        ("node", "Node.js 20 or newer (apt-get install nodejs)"),
        ("npm", "npm (apt-get install npm)"),
        ("sha256sum", "sha256sum (GNU coreutils)"),
    ] {
        if output(program, &["--version"]).is_none() {
            missing.push(what.to_string());
        }
    }
    let fonts = FONTS.iter().all(|(_, file)| Path::new(file).exists());
    let browser = Path::new(CHROMIUM).exists() && Path::new("/usr/bin/chromedriver").exists();
    if !(browser && fonts) {
        let root = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
            s.lines().any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
        });
        if !root || output("apt-get", &["--version"]).is_none() {
            missing.push(format!(
                "Chromium, chromedriver and the fonts {} from Debian packages: run as root \
                 (apt-get installs them), or install them first",
                FONTS.iter().map(|(p, _)| *p).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!("cargo xtask test needs:\n  - {}", missing.join("\n  - ")))
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
    step("clippy (covenant-core without its default features)", || {
        run(
            root,
            &cargo,
            &[
                "clippy",
                "-p",
                "covenant-core",
                "--no-default-features",
                "--all-targets",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        )
    })?;
    step("tests", || run(root, &cargo, &["test", "--workspace", "--locked"]))?;
    step("the typed library example", || {
        run(root, &cargo, &["run", "--locked", "-q", "-p", "covenant-core", "--example", "typed"])
    })?;
    step("docs", || {
        let mut c = command(root, &cargo, &["doc", "--workspace", "--no-deps", "--locked"]);
        c.env("RUSTDOCFLAGS", "-Dwarnings");
        status(c)
    })?;
    step("factor checksums", || {
        run(&root.join("factors"), "sha256sum", &["--check", "--quiet", "SHA256SUMS"])
    })?;
    step("package covenant-core", || {
        run(root, &cargo, &["package", "-p", "covenant-core", "--locked", "--allow-dirty"])
    })
}

/// Installs what the wasm and browser steps need, when it is missing.
fn install_tools(root: &Path) -> Result {
    step("wasm target", || run(root, "rustup", &["target", "add", "wasm32-unknown-unknown"]))?;
    step("wasm-bindgen CLI", || {
        let want = format!("wasm-bindgen {WASM_BINDGEN}");
        if output("wasm-bindgen", &["--version"]).is_some_and(|v| v.trim() == want) {
            return Ok(());
        }
        // Not --locked: the CLI's own lockfile pins a crate version this registry lacks.
        run(root, &cargo(), &["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN])
    })?;
    step("chromium and fonts", || {
        let fonts = FONTS.iter().all(|(_, file)| Path::new(file).exists());
        if Path::new(CHROMIUM).exists() && Path::new("/usr/bin/chromedriver").exists() && fonts {
            return Ok(());
        }
        run(root, "apt-get", &["update", "-qq"])?;
        let mut args =
            vec!["install", "-y", "-qq", "--no-install-recommends", "chromium", "chromium-driver"];
        args.extend(FONTS.iter().map(|(package, _)| *package));
        let mut c = command(root, "apt-get", &args);
        c.env("DEBIAN_FRONTEND", "noninteractive");
        status(c)
    })?;
    step("npm packages", || {
        run(&root.join("www/tests"), "npm", &["ci", "--no-audit", "--no-fund", "--loglevel=error"])
    })
}

/// Builds `www/pkg/` (web target) with the pinned wasm-bindgen and npm binaryen's wasm-opt: the
/// engine (`covenant_wasm`, loaded with the page), the engine with the XLSX writer and the eCRF
/// workbook reader (`covenant_xlsx`, loaded only when a workbook is exported or an eCRF workbook
/// imported), and the factor tables both load as data (`factors.json`).
fn build_wasm(root: &Path) -> Result {
    let pkg = root.join("www/pkg");
    let _ = fs::remove_dir_all(&pkg);
    fs::create_dir_all(&pkg).map_err(|e| format!("cannot create {}: {e}", pkg.display()))?;
    write_factor_bundle(root, &pkg.join(FACTOR_BUNDLE))?;
    for (features, name) in [(None, "covenant_wasm"), (Some("xlsx,ecrf-read"), "covenant_xlsx")] {
        let mut args = vec![
            "build",
            "-p",
            "covenant-wasm",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
            "--locked",
        ];
        if let Some(f) = features {
            args.extend(["--features", f]);
        }
        run(root, &cargo(), &args)?;
        let wasm = target_dir(root).join("wasm32-unknown-unknown/wasm-release/covenant_wasm.wasm");
        let wasm_s = wasm.to_str().ok_or("target path is not UTF-8")?;
        run(
            root,
            "wasm-bindgen",
            &[
                "--target",
                "web",
                "--no-typescript",
                "--out-dir",
                "www/pkg",
                "--out-name",
                name,
                wasm_s,
            ],
        )?;
        let bg = pkg.join(format!("{name}_bg.wasm"));
        let opt = root.join("www/tests/node_modules/.bin/wasm-opt");
        if opt.exists() {
            // npm binaryen (Debian's binaryen 108 breaks wasm-bindgen's output).
            let bg_s = bg.to_str().ok_or("path is not UTF-8")?;
            run(
                root,
                opt.to_str().ok_or("path is not UTF-8")?,
                &[
                    "-Oz",
                    "--enable-bulk-memory",
                    "--enable-sign-ext",
                    "--enable-reference-types",
                    "--enable-nontrapping-float-to-int",
                    "--enable-mutable-globals",
                    "--enable-multivalue",
                    bg_s,
                    "-o",
                    bg_s,
                ],
            )?;
        } else {
            eprintln!(
                "::: wasm-opt not installed (npm ci in www/tests): the module is not optimized"
            );
        }
        let bytes = fs::read(&bg).map_err(|e| format!("cannot read {}: {e}", bg.display()))?;
        eprintln!(
            "::: www/pkg/{name}_bg.wasm: {} bytes, {} bytes gzipped",
            bytes.len(),
            gzip_len(&bg)?
        );
    }
    Ok(())
}

/// The factor tables the page fetches and hands to the engine (`loadFactors`).
const FACTOR_BUNDLE: &str = "factors.json";

/// Writes the factor bundle: the files of `factors/` that the catalogue reads, checked on the way
/// by the engine's own parser.
fn write_factor_bundle(root: &Path, out: &Path) -> Result {
    let dir = root.join("factors");
    let unreadable = std::cell::RefCell::new(Vec::new());
    let bundle = covenant_wasm::api::factor_bundle(|path| {
        fs::read_to_string(dir.join(path))
            .map_err(|e| unreadable.borrow_mut().push(format!("{path}: {e}")))
            .ok()
    })
    .map_err(|e| match e {
        LoadError::Factors(e) if unreadable.borrow().is_empty() => {
            format!("factors/ is not a valid catalogue: {e}")
        }
        LoadError::Factors(e) => {
            format!("factors/ is not a valid catalogue: {e} ({})", unreadable.borrow().join("; "))
        }
        other => other.to_string(),
    })?;
    fs::write(out, &bundle).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!(
        "::: www/pkg/{FACTOR_BUNDLE}: {} bytes, {} bytes gzipped",
        bundle.len(),
        gzip_len(out)?
    );
    Ok(())
}

fn gzip_len(path: &Path) -> Result<usize> {
    let out = Command::new("gzip").args(["-9c"]).arg(path).output().map_err(|e| e.to_string())?;
    Ok(out.stdout.len())
}

fn wasm_and_browser(root: &Path) -> Result {
    install_tools(root)?;
    step("clippy (wasm32)", || {
        run(
            root,
            &cargo(),
            &[
                "clippy",
                "-p",
                "covenant-wasm",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--features",
                "xlsx,ecrf-read",
                "--locked",
                "--",
                "-D",
                "warnings",
            ],
        )
    })?;
    step("wasm build", || build_wasm(root))?;
    step("wasm-bindgen tests (Node)", || {
        let mut c = command(
            root,
            &cargo(),
            &[
                "test",
                "-p",
                "covenant-wasm",
                "--target",
                "wasm32-unknown-unknown",
                "--tests",
                "--locked",
                // The workbook test too: the XLSX module must give the native bytes.
                "--features",
                "xlsx,ecrf-read",
            ],
        );
        c.env("PATH", path_with(&cargo_bin_dir()));
        status(c)
    })?;
    step("browser tests (headless Chromium)", || {
        run(root, &cargo(), &["build", "-p", "covenant-cli", "--locked"])?;
        let bin = target_dir(root).join("debug/covenant");
        let mut c = command(
            &root.join("www/tests"),
            "node",
            &[
                "--test",
                "--test-concurrency=1",
                "browser.test.mjs",
                "i18n.test.mjs",
                "engine.test.mjs",
            ],
        );
        // The screenshots of the README's officer section are regenerated by every run.
        c.env("COVENANT_BIN", bin).env("SCREENSHOTS", root.join("docs/screenshots"));
        status(c)
    })
}

fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    if let Some(p) = env::var_os("PATH") {
        paths.extend(env::split_paths(&p));
    }
    env::join_paths(paths).unwrap_or_default()
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
                "--example",
                "floor",
            ],
        )
    })?;
    step("criterion: covenant-core on 100k rows in memory", || {
        run(root, &cargo, &["bench", "--locked", "-p", "covenant-cli", "--bench", "batch"])
    })?;
    step("whole process: typical and output-heavy batches, floor, peak RSS, pandas", || {
        let work = env::temp_dir().join("covenant-bench");
        let target = target_dir(root);
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
    })?;
    step("page: wasm size, first load, recomputation", || {
        install_tools(root)?;
        build_wasm(root)?;
        run(&root.join("www/tests"), "node", &["page-bench.mjs"])
    })
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("csv") => "text/csv; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

fn respond(mut stream: TcpStream, www: &Path) {
    let mut line = String::new();
    if BufReader::new(&stream).read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").split('?').next().unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let rel = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    // Only plain relative paths inside www/ (symlinks inside it are followed).
    let safe = !rel.split('/').any(|p| p == ".." || p.is_empty() || p.contains('\\'));
    let file = www.join(&rel);
    let (head, body) = match safe.then(|| fs::read(&file).ok()).flatten() {
        Some(body) => {
            (format!("HTTP/1.1 200 OK\r\ncontent-type: {}\r\n", content_type(&file)), body)
        }
        None => (
            "HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\n".to_string(),
            b"not found".to_vec(),
        ),
    };
    let _ = write!(
        stream,
        "{head}content-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}

fn serve(root: &Path) -> Result {
    if !root.join("www/pkg/covenant_wasm.js").exists() || env::args().any(|a| a == "--rebuild") {
        install_tools(root)?;
        build_wasm(root)?;
    }
    let addr = "127.0.0.1:8000";
    let listener = TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    eprintln!("covenant: serving www/ on http://{addr}/ (Ctrl-C to stop)");
    let www = root.join("www");
    for stream in listener.incoming().flatten() {
        respond(stream, &www);
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let root = root();
    let result = match args.first().map(String::as_str) {
        Some("test") => {
            requirements().and_then(|()| host_checks(&root)).and_then(|()| wasm_and_browser(&root))
        }
        Some("wasm") => build_wasm(&root),
        Some("serve") => serve(&root),
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
