//! The floor of the batch benchmark: parse the batch's CSV files with the csv crate (every record
//! read, as UTF-8 strings, as `csv_parse_only` does), then write as many bytes as `covenant
//! batch` wrote, file by file, into a directory. Nothing is computed: no program that reads these
//! inputs and writes those outputs can do less.
//!
//! Usage: `floor --like DIR --out DIR FILE...`: for every file in the `--like` directory (the
//! outputs of a `covenant batch` run), a file of the same name and size is written in `--out`;
//! the `FILE`s are parsed first. Prints the number of records and bytes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

fn parse(path: &str) -> Result<(u64, u64), csv::Error> {
    let mut rdr = csv::Reader::from_path(path)?;
    let mut rec = csv::StringRecord::new();
    let (mut records, mut bytes) = (0, 0);
    while rdr.read_record(&mut rec)? {
        records += 1;
        bytes += rec.as_slice().len() as u64;
    }
    Ok((records, bytes))
}

/// Writes `size` bytes of CSV-like text (one line repeated) to `path`.
fn write(path: &PathBuf, size: u64) -> std::io::Result<()> {
    const LINE: &[u8] = b"city-000000,residential_buildings,natural_gas,1234567.891,0.202,com-fuels@2024.2 ipcc2006-co2,249382.694982\n";
    let block: Vec<u8> = LINE.iter().copied().cycle().take(1 << 16).collect();
    let mut w = BufWriter::with_capacity(1 << 16, File::create(path)?);
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        w.write_all(&block[..n])?;
        left -= n as u64;
    }
    w.flush()
}

fn run() -> Result<String, String> {
    let mut args = std::env::args().skip(1);
    let (mut like, mut out, mut inputs) = (None, None, Vec::new());
    while let Some(a) = args.next() {
        match a.as_str() {
            "--like" => like = args.next().map(PathBuf::from),
            "--out" => out = args.next().map(PathBuf::from),
            _ => inputs.push(a),
        }
    }
    let (Some(like), Some(out)) = (like, out) else {
        return Err("usage: floor --like DIR --out DIR FILE...".into());
    };
    let (mut records, mut bytes) = (0, 0);
    for path in &inputs {
        let (r, b) = parse(path).map_err(|e| format!("{path}: {e}"))?;
        records += r;
        bytes += b;
    }
    // The sizes first: `--like` and `--out` may be the same directory.
    let mut files = Vec::new();
    for e in std::fs::read_dir(&like).map_err(|e| format!("{}: {e}", like.display()))? {
        let e = e.map_err(|e| e.to_string())?;
        let meta = e.metadata().map_err(|e| e.to_string())?;
        if meta.is_file() {
            files.push((e.file_name(), meta.len()));
        }
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut written = 0;
    for (name, size) in files {
        let path = out.join(name);
        write(&path, size).map_err(|e| format!("{}: {e}", path.display()))?;
        written += size;
    }
    Ok(format!("{records} records, {bytes} bytes of fields read; {written} bytes written"))
}

fn main() -> ExitCode {
    match run() {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("floor: {e}");
            ExitCode::FAILURE
        }
    }
}
