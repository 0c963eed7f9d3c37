//! End-to-end tests of the real `covenant` binary (built by cargo for these tests, which
//! gives them its path).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod ecrf;
mod hostile;

const BIN: &str = env!("CARGO_BIN_EXE_covenant");

fn golden(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden").join(case)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    let Output { status, stdout, stderr } = child.wait_with_output().unwrap();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

/// A scratch directory with the three input files.
fn scratch(inv: &[u8], act: &[u8], fac: Option<&[u8]>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("inventories.csv"), inv).unwrap();
    fs::write(dir.path().join("activity.csv"), act).unwrap();
    if let Some(f) = fac {
        fs::write(dir.path().join("factors.csv"), f).unwrap();
    }
    dir
}

/// A batch of the scratch files `inventories.csv` and `activity.csv` into `out`.
fn batch_into(dir: &Path, out: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "batch",
        "--inventories",
        "inventories.csv",
        "--activity",
        "activity.csv",
        "--out",
        out,
    ];
    args.extend(extra);
    run_in(dir, &args, None)
}

fn batch(dir: &Path, with_factors: bool, extra: &[&str]) -> Run {
    let mut args = extra.to_vec();
    if with_factors {
        args.extend(["--factors", "factors.csv"]);
    }
    batch_into(dir, "out", &args)
}

const INV: &str = "inventory_id,city,country,year,population\nA,Alpha,IT,2010,1000\n";
const ACT: &str =
    "inventory_id,sector,carrier,amount,unit\nA,residential_buildings,natural_gas,100,MWh\n";

#[test]
fn kozani_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let g = golden("kozani-2010");
    let (i, a, f) = (g.join("inventories.csv"), g.join("activity.csv"), g.join("factors.csv"));
    let r = run_in(
        dir.path(),
        &[
            "batch",
            "--inventories",
            i.to_str().unwrap(),
            "--activity",
            a.to_str().unwrap(),
            "--factors",
            f.to_str().unwrap(),
            "--out",
            "out",
        ],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // One summary line on success: how many, how long, where.
    let line = r.stderr.strip_prefix("covenant: 1 inventory computed in ").unwrap_or_default();
    assert!(line.ends_with(" s; outputs in 'out'\n"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1);
    let summary = fs::read_to_string(dir.path().join("out/summary.csv")).unwrap();
    let row: Vec<&str> = summary.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(
        &row[..11],
        [
            "kozani-2010",
            "Kozani",
            "GR",
            "2010",
            "baseline",
            "ipcc",
            "co2",
            "com-2024.4",
            "71388",
            "1027511.18",
            "394371.97202"
        ]
    );
    assert!(row[11].starts_with("5.5243454364879"), "{}", row[11]);
    assert_eq!(&row[14..18], ["2030", "absolute", "40", "236623.183212"]);
    let emissions = fs::read_to_string(dir.path().join("out/emissions.csv")).unwrap();
    assert_eq!(emissions.lines().count(), 21);
    assert!(emissions.contains("kozani-2010,public_lighting,electricity,7825.73,0.775,national factor printed in the SECAP of Kozani,6064.94075\n"));
    assert!(emissions.contains(
        "kozani-2010,municipal_fleet,biofuel,128.86,0,com-fuels@2024.2 ipcc2006-co2,0\n"
    ));
    assert!(
        !emissions.contains('e')
            || !emissions.lines().skip(1).any(|l| l.rsplit(',').next().unwrap().contains('e'))
    );
}

/// Kozani with its residential electricity entered ×1000 (kWh as MWh): the magnitude warning
/// names that row's line; `--strict` makes it an error (exit 1, nothing written).
#[test]
fn kozani_with_a_cell_a_thousand_times_too_large() {
    let g = golden("kozani-2010");
    let act = fs::read_to_string(g.join("activity.csv")).unwrap();
    // The golden files have CRLF line ends.
    let (before, after) = (
        "kozani-2010,residential_buildings,electricity,89902.69,MWh\r\n",
        "kozani-2010,residential_buildings,electricity,89902690,MWh\r\n",
    );
    assert!(act.contains(before));
    let line = 1 + act.lines().position(|l| l == before.trim_end()).unwrap();
    let dir = scratch(
        &fs::read(g.join("inventories.csv")).unwrap(),
        act.replace(before, after).as_bytes(),
        Some(&fs::read(g.join("factors.csv")).unwrap()),
    );
    let r = batch(dir.path(), true, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let expected = format!(
        "activity.csv:{line}: warning: residential_buildings electricity is 1259.35 MWh per inhabitant, above the highest national consumption per inhabitant (54.79918 MWh, IEA statistics): was it entered in kWh as MWh?\n"
    );
    assert!(r.stderr.starts_with(&expected), "{}", r.stderr);
    assert_eq!(r.stderr.matches("warning:").count(), 1, "{}", r.stderr);
    // The numbers are those of the input as given: a warning changes none.
    let emissions = fs::read_to_string(dir.path().join("out/emissions.csv")).unwrap();
    assert!(emissions.contains("kozani-2010,residential_buildings,electricity,89902690,0.775,"));
    fs::remove_dir_all(dir.path().join("out")).unwrap();
    let r = batch(dir.path(), true, &["--strict"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!(
            "activity.csv:{line}: column 'amount': residential_buildings electricity is 1259.35 MWh"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("covenant: 1 error; 1 inventory computed, 0 rejected\n"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("out").exists(), "nothing is written");
    // --keep-going writes the results and lists the warning in errors.csv.
    let r = batch(dir.path(), true, &["--strict", "--keep-going"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let errors = fs::read_to_string(dir.path().join("out/errors.csv")).unwrap();
    assert!(
        errors.contains(&format!("activity.csv,{line},kozani-2010,amount,,"))
            && errors.ends_with(",magnitude_per_capita\n"),
        "{errors}"
    );
    // The golden Kozani raises no warning, strict or not.
    let dir = scratch(
        &fs::read(g.join("inventories.csv")).unwrap(),
        act.as_bytes(),
        Some(&fs::read(g.join("factors.csv")).unwrap()),
    );
    let r = batch(dir.path(), true, &["--strict"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

/// A monitoring inventory with one cell a thousandth of its baseline's and a user factor in
/// kg/MWh: each warning at its row; `--strict` exits 1.
#[test]
fn plausibility_warnings_between_inventories_and_factors() {
    let inv = "inventory_id,city,country,year,kind,baseline_id,population\n\
               A-2010,Alpha,IT,2010,baseline,,1000\n\
               A-2020,Alpha,IT,2020,monitoring,A-2010,1000\n";
    let act = "inventory_id,sector,carrier,amount,unit\n\
               A-2010,residential_buildings,natural_gas,20000,MWh\n\
               A-2010,tertiary_buildings,natural_gas,1500,MWh\n\
               A-2020,residential_buildings,natural_gas,19000,MWh\n\
               A-2020,tertiary_buildings,natural_gas,1.5,MWh\n";
    let fac = "inventory_id,carrier,factor,source\nA-2020,natural_gas,202,kg per MWh by mistake\n";
    let dir = scratch(inv.as_bytes(), act.as_bytes(), Some(fac.as_bytes()));
    let r = batch(dir.path(), true, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warnings: Vec<&str> = r.stderr.lines().filter(|l| l.contains("warning:")).collect();
    assert!(warnings.iter().any(|l| l.starts_with("activity.csv:5: warning: tertiary_buildings natural_gas is 1.5 MWh against 1500 MWh in baseline 'A-2010', a factor of 1000:")), "{}", r.stderr);
    assert!(warnings.iter().any(|l| l.starts_with("factors.csv:2: warning: the user natural_gas factor 202 t/MWh is above twice the release's")), "{}", r.stderr);
    assert_eq!(
        warnings.iter().filter(|l| l.contains("magnitude") || l.contains("a factor of")).count(),
        1,
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("total energy changed"),
        "a change of -11.6 % is not flagged: {}",
        r.stderr
    );
    let r = batch(dir.path(), true, &["--strict"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

#[test]
fn multi_city_monitoring_and_targets() {
    let inv = "inventory_id,city,country,year,kind,baseline_id,population,target_year,target_reduction_pct,target_kind,target_population\n\
               rome-2005,Roma,IT,2005,baseline,,2500000,2030,40,absolute,\n\
               rome-2015,Roma,IT,2015,monitoring,rome-2005,2600000,,,,\n\
               lyon-2008,Lyon,FR,2008,,,500000,2030,55,per_capita,550000\n\
               lyon-2018,Lyon,FR,2018,monitoring,lyon-2008,520000,,,,\n";
    let act = "inventory_id,sector,carrier,amount,unit\n\
               rome-2005,residential_buildings,electricity,1000000,MWh\n\
               rome-2005,private_transport,diesel,2000,GWh\n\
               rome-2015,residential_buildings,electricity,900000,MWh\n\
               rome-2015,private_transport,diesel,1800000,MWh\n\
               lyon-2008,residential_buildings,natural_gas,1000000,MWh\n\
               lyon-2018,residential_buildings,natural_gas,900000,MWh\n\
               lyon-2018,waste,,1000,tCO2\n";
    let dir = scratch(inv.as_bytes(), act.as_bytes(), None);
    let r = batch(dir.path(), false, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary = fs::read_to_string(dir.path().join("out/summary.csv")).unwrap();
    let rows: Vec<Vec<&str>> = summary.lines().skip(1).map(|l| l.split(',').collect()).collect();
    // Rome 2005: 1 000 000 × 0.497 (JRC 2024, IT 2005) + 2 000 000 × 0.267 = 1 031 000 t.
    assert_eq!(rows[0][10], "1031000");
    assert_eq!(rows[0][17], "618600");
    // Rome 2015: 900 000 × 0.334 + 1 800 000 × 0.267 = 781 200 t; change −24.229… %.
    assert_eq!(rows[1][10], "781200");
    assert!(rows[1][13].starts_with("-24.2289"), "{}", rows[1][13]);
    // Lyon 2008: 202 000 t, 0.404 t per inhabitant; −55 % per capita → 0.1818 t/inh, × 550 000.
    assert_eq!(rows[2][10], "202000");
    assert_eq!(rows[2][18], "0.1818");
    assert_eq!(rows[2][17], "99990");
    // Lyon 2018: (181 800 + 1 000) t / 520 000 inh. = 0.35154 vs 0.404: per-capita change.
    assert!(rows[3][13].starts_with("-12.985"), "{}", rows[3][13]);
    assert!(r.stderr.contains("warning: key sector"), "{}", r.stderr);
    // Trajectories: Rome 2005-2030 in t, Lyon 2008-2030 per inhabitant, and both monitoring rows.
    let t = fs::read_to_string(dir.path().join("out/trajectory.csv")).unwrap();
    assert_eq!(t.lines().filter(|l| l.starts_with("rome-2005,rome-2005,path,")).count(), 26);
    assert_eq!(
        t.lines()
            .filter(
                |l| l.starts_with("lyon-2008,lyon-2008,path,") && l.contains(",t_per_inhabitant,")
            )
            .count(),
        23
    );
    assert!(t.contains("rome-2005,rome-2005,path,2030,t,618600,"), "{t}");
    assert!(t.contains("\nrome-2015,rome-2005,monitoring,2015,t,866040,781200,-84840,"), "{t}");
    assert!(
        t.lines().any(|l| l.starts_with("lyon-2018,lyon-2008,monitoring,2018,t_per_inhabitant,")
            && l.contains(",behind,")),
        "{t}"
    );
    let crf = fs::read_to_string(dir.path().join("out/crf.csv")).unwrap();
    assert_eq!(crf.lines().count(), 1 + 4 * 20);
    assert!(
        crf.contains("lyon-2018,Waste,Solid waste disposal,III.1,scope_1,1000,,waste\n"),
        "{crf}"
    );
    // Workbooks on request.
    let r = batch(dir.path(), false, &["--xlsx", "x", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut books: Vec<_> = fs::read_dir(dir.path().join("x"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    books.sort();
    // The workbooks and the manifest of what covenant wrote there.
    assert_eq!(
        books,
        [
            ".covenant-outputs",
            "lyon-2008.xlsx",
            "lyon-2018.xlsx",
            "rome-2005.xlsx",
            "rome-2015.xlsx"
        ]
    );
}

#[test]
fn keep_going_writes_the_valid_inventories() {
    let inv = "inventory_id,country,year\nA,IT,2010\nB,IT,2010\n";
    let act = "inventory_id,sector,carrier,amount,unit\nA,residential_buildings,natural_gas,100,MWh\nB,residential_buildings,natral_gas,100,MWh\n";
    let dir = scratch(inv.as_bytes(), act.as_bytes(), None);
    let r = batch(dir.path(), false, &[]);
    assert_eq!(r.code, 1);
    assert!(!dir.path().join("out").exists(), "nothing is written without --keep-going");
    let r = batch(dir.path(), false, &["--keep-going"]);
    assert_eq!(r.code, 1);
    let summary = fs::read_to_string(dir.path().join("out/summary.csv")).unwrap();
    assert_eq!(summary.lines().count(), 2);
    assert!(summary.contains("\nA,"));
    let errors = fs::read_to_string(dir.path().join("out/errors.csv")).unwrap();
    assert_eq!(errors.lines().next().unwrap(), "file,line,inventory_id,column,value,message,code");
    assert!(
        errors.contains("activity.csv,3,B,carrier,natral_gas,\"unknown carrier code 'natral_gas' (did you mean 'natural_gas'?)"),
        "{errors}"
    );
    let leftovers: Vec<_> =
        fs::read_dir(dir.path().join("out")).unwrap().map(|e| e.unwrap().file_name()).collect();
    // Four outputs, errors.csv and the manifest; no temporary file.
    assert_eq!(leftovers.len(), 6, "no temporary files are left: {leftovers:?}");
}

#[test]
fn stdin_and_json() {
    let dir = scratch(INV.as_bytes(), b"", None);
    let r = run_in(
        dir.path(),
        &["batch", "--inventories", "inventories.csv", "--activity", "-", "--format", "json"],
        Some(ACT.as_bytes()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let inv = &v["inventories"][0]["inventory"];
    assert_eq!(inv["total_emissions"], "20.2");
    assert_eq!(inv["per_capita_t"], "0.0202");
    assert_eq!(inv["cells"][0]["lines"][0], 2);
    assert_eq!(inv["factors"][0]["provenance"]["set"], "com-fuels@2024.2");
    assert_eq!(inv["factors"][0]["provenance"]["tag"], "D");
    assert_eq!(v["format_version"], "1");
    // Errors in JSON too, with exit code 1.
    let r = run_in(
        dir.path(),
        &["batch", "--inventories", "inventories.csv", "--activity", "-", "--format", "json"],
        Some(b"inventory_id,sector,carrier,amount,unit\nA,x,natural_gas,1,MWh\n"),
    );
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["errors"][0]["line"], 2);
    assert_eq!(v["errors"][0]["file"], "<stdin>");
}

#[test]
fn help_factors_and_generate() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_in(dir.path(), &["--help"], None);
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.contains("batch") && r.stdout.contains("factors") && r.stdout.contains("generate")
    );
    let r = run_in(dir.path(), &["batch", "--help"], None);
    assert!(r.stdout.contains("Examples:") && r.stdout.contains("--keep-going"));
    let r = run_in(dir.path(), &["factors"], None);
    assert!(r.stdout.contains("jrc-neefe@2024.1") && r.stdout.contains("NOT CoM"));
    let r = run_in(dir.path(), &["factors", "show", "jrc-neefe"], None);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("electricity,GR,2010,ipcc,co2,0.833,t/MWh,R,jrc-neefe@2024.1,"))
    );
    assert_eq!(r.stdout.lines().count(), 5128);
    let r = run_in(dir.path(), &["factors", "show", "fuel-properties"], None);
    assert!(r.stdout.contains("diesel,density,0.84,kg/L,V"));
    let r = run_in(dir.path(), &["factors", "show", "nope"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("available: com-fuels, jrc-neefe"));
    let r = run_in(
        dir.path(),
        &["generate", "--inventories", "30", "--rows", "20", "--seed", "3", "--out", "syn"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_in(dir.path().join("syn").as_path(), &generated_batch("o"), None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary = fs::read_to_string(dir.path().join("syn/o/summary.csv")).unwrap();
    assert_eq!(summary.lines().count(), 31);
}

/// The arguments of a quiet batch of the files `covenant generate` writes, into `out`.
fn generated_batch(out: &str) -> Vec<&str> {
    let files = ["--inventories", "inventories.csv", "--activity", "activity.csv"];
    let mut args = vec!["batch"];
    args.extend(files);
    args.extend(["--factors", "factors.csv", "--out", out, "-q"]);
    args
}

/// One malformed input: the files, the exit code and the first error line expected.
struct Case {
    name: &'static str,
    inv: &'static str,
    act: &'static str,
    fac: Option<&'static str>,
    expected: &'static str,
}

const fn case(
    name: &'static str,
    inv: &'static str,
    act: &'static str,
    expected: &'static str,
) -> Case {
    Case { name, inv, act, fac: None, expected }
}

const H_ACT: &str = "inventory_id,sector,carrier,amount,unit\n";

#[test]
fn every_error_class_is_reported_with_its_location() {
    let act = |rows: &'static str| -> &'static str {
        Box::leak(format!("{H_ACT}{rows}").into_boxed_str())
    };
    let inv = |rows: &'static str| -> &'static str {
        Box::leak(format!("inventory_id,country,year,kind,baseline_id,population,approach,gases,factor_set,target_year,target_reduction_pct,target_kind\n{rows}").into_boxed_str())
    };
    let ok_act = act("A,residential_buildings,natural_gas,100,MWh\n");
    let cases = [
        case(
            "unknown sector",
            INV,
            act("A,residental_buildings,natural_gas,1,MWh\n"),
            "activity.csv:2: column 'sector', value 'residental_buildings': unknown sector code 'residental_buildings' (did you mean 'residential_buildings'?)",
        ),
        case(
            "unknown carrier",
            INV,
            act("A,residential_buildings,gas,1,MWh\n"),
            "activity.csv:2: column 'carrier', value 'gas': unknown carrier code 'gas'",
        ),
        case(
            "unit case",
            INV,
            act("A,residential_buildings,natural_gas,1,mwh\n"),
            "activity.csv:2: column 'unit', value 'mwh': unknown unit code 'mwh' (did you mean 'MWh'?)",
        ),
        case(
            "exponent",
            INV,
            act("A,residential_buildings,natural_gas,1e3,MWh\n"),
            "activity.csv:2: column 'amount', value '1e3': expected a plain decimal number",
        ),
        case(
            "decimal comma",
            INV,
            act("A,residential_buildings,natural_gas,\"1,5\",MWh\n"),
            "activity.csv:2: column 'amount', value '1,5': expected a plain decimal number with '.' as the decimal point",
        ),
        case(
            "thousands separator",
            INV,
            act("A,residential_buildings,natural_gas,1 000,MWh\n"),
            "activity.csv:2: column 'amount', value '1 000': expected a plain decimal number",
        ),
        case(
            "NaN",
            INV,
            act("A,residential_buildings,natural_gas,NaN,MWh\n"),
            "activity.csv:2: column 'amount', value 'NaN': expected a plain decimal number",
        ),
        case(
            "infinity",
            INV,
            act("A,residential_buildings,natural_gas,inf,MWh\n"),
            "activity.csv:2: column 'amount', value 'inf': expected a plain decimal number",
        ),
        case(
            "negative infinity",
            INV,
            act("A,residential_buildings,natural_gas,-Infinity,MWh\n"),
            "activity.csv:2: column 'amount', value '-Infinity': expected a plain decimal number",
        ),
        case(
            "hexadecimal",
            INV,
            act("A,residential_buildings,natural_gas,0x1F,MWh\n"),
            "activity.csv:2: column 'amount', value '0x1F': expected a plain decimal number",
        ),
        case(
            "unknown target kind",
            inv("A,IT,2010,,,1000,,,,2030,40,relative\n"),
            ok_act,
            "inventories.csv:2: column 'target_kind', value 'relative': unknown target_kind code 'relative'",
        ),
        case(
            "empty inventory id",
            "inventory_id,country,year\n,IT,2010\n",
            ok_act,
            "inventories.csv:2: column 'inventory_id': the inventory id is empty",
        ),
        case(
            "empty country",
            "inventory_id,country,year\nA,,2010\n",
            ok_act,
            "inventories.csv:2: column 'country': unknown country code ''",
        ),
        case(
            "sector in capitals",
            INV,
            act("A,Residential_Buildings,natural_gas,1,MWh\n"),
            "activity.csv:2: column 'sector', value 'Residential_Buildings': unknown sector code 'Residential_Buildings' (did you mean 'residential_buildings'?)",
        ),
        case(
            "tab delimiter",
            INV,
            "inventory_id\tsector\tcarrier\tamount\tunit\nA\tresidential_buildings\tnatural_gas\t1\tMWh\n",
            "activity.csv:1: column 'inventory_id': missing required column",
        ),
        case(
            "only a header and blank lines",
            INV,
            "inventory_id,sector,carrier,amount,unit\n\n\n",
            "inventories.csv:2: inventory 'A' has no rows in activity.csv",
        ),
        Case {
            name: "density override for m3 of natural gas",
            inv: INV,
            act: "inventory_id,sector,carrier,amount,unit\nA,residential_buildings,natural_gas,5,m3\n",
            fac: Some("inventory_id,carrier,factor,ncv_gj_per_t\nA,natural_gas,,48.0\n"),
            expected: "activity.csv:2: column 'unit', value 'm3': cannot convert m3 of 'natural_gas' to energy",
        },
        case(
            "empty amount",
            INV,
            act("A,residential_buildings,natural_gas,,MWh\n"),
            "activity.csv:2: column 'amount': the cell is empty",
        ),
        case(
            "negative amount",
            INV,
            act("A,residential_buildings,natural_gas,-5,MWh\n"),
            "activity.csv:2: column 'amount', value '-5': amount -5 is negative; expected a number >= 0",
        ),
        case(
            "absurd amount",
            INV,
            act("A,residential_buildings,natural_gas,1000000000000000000000000000000,MWh\n"),
            "activity.csv:2: column 'amount', value '1000000000000000000000000000000': the number has too many digits",
        ),
        case(
            "amount over the limit",
            INV,
            act("A,residential_buildings,natural_gas,10000000000000000,MWh\n"),
            "amount 10000000000000000 is larger than the maximum",
        ),
        case(
            "m3 of electricity",
            INV,
            act("A,residential_buildings,electricity,5,m3\n"),
            "activity.csv:2: column 'unit', value 'm3': unit 'm3' does not fit carrier 'electricity'; expected MWh, kWh, GWh, GJ, TJ or toe",
        ),
        case(
            "m3 of natural gas",
            INV,
            act("A,residential_buildings,natural_gas,5,m3\n"),
            "activity.csv:2: column 'unit', value 'm3': cannot convert m3 of 'natural_gas' to energy: release com-2024.4 has no density for it",
        ),
        case(
            "transport with heat",
            INV,
            act("A,private_transport,heat_cold,5,MWh\n"),
            "activity.csv:2: column 'carrier', value 'heat_cold': transport sector 'private_transport' cannot use carrier 'heat_cold'",
        ),
        case(
            "energy sector without carrier",
            INV,
            act("A,residential_buildings,,5,MWh\n"),
            "activity.csv:2: column 'carrier': sector 'residential_buildings' is an energy sector and needs a carrier",
        ),
        case(
            "non-energy with carrier",
            INV,
            act("A,waste,diesel,5,tCO2\n"),
            "activity.csv:2: column 'carrier', value 'diesel': sector 'waste' is a non-energy sector",
        ),
        case(
            "non-energy in MWh",
            INV,
            act("A,waste,,5,MWh\n"),
            "activity.csv:2: column 'unit', value 'MWh': unit 'MWh' does not fit non-energy sector 'waste'; expected tCO2 or tCO2e",
        ),
        case(
            "tCO2e in a CO2 inventory",
            INV,
            act("A,waste,,5,tCO2e\n"),
            "activity.csv:2: column 'unit', value 'tCO2e': unit 'tCO2e' does not fit an inventory reporting t CO2 (gases = co2); expected tCO2",
        ),
        case(
            "activity for unknown inventory",
            INV,
            act(
                "A,residential_buildings,natural_gas,1,MWh\nAA,residential_buildings,natural_gas,1,MWh\n",
            ),
            "activity.csv:3: column 'inventory_id', value 'AA': no inventory with this id in the inventories file (did you mean 'A'?)",
        ),
        case(
            "inventory without activity",
            "inventory_id,country,year\nA,IT,2010\nB,IT,2010\n",
            ok_act,
            "inventories.csv:3: inventory 'B' has no rows in activity.csv",
        ),
        case(
            "duplicate inventory id",
            "inventory_id,country,year\nA,IT,2010\nA,IT,2011\n",
            ok_act,
            "inventories.csv:3: column 'inventory_id', value 'A': duplicate inventory id (first defined on line 2)",
        ),
        case(
            "JRC country code",
            "inventory_id,country,year\nA,EL,2010\n",
            ok_act,
            "inventories.csv:2: column 'country', value 'EL': unknown country code 'EL' (did you mean 'GR'?)",
        ),
        case(
            "year out of range",
            "inventory_id,country,year\nA,IT,1980\n",
            ok_act,
            "inventories.csv:2: column 'year', value '1980': expected a year from 1990 to 2100",
        ),
        case(
            "year not a number",
            "inventory_id,country,year\nA,IT,2010.5\n",
            ok_act,
            "inventories.csv:2: column 'year', value '2010.5': expected a year from 1990 to 2100",
        ),
        case(
            "unknown kind",
            inv("A,IT,2010,base,,,,,,,,\n"),
            ok_act,
            "inventories.csv:2: column 'kind', value 'base': unknown kind code 'base' (did you mean 'baseline'?)",
        ),
        case(
            "monitoring without baseline",
            inv("A,IT,2010,monitoring,,,,,,,,\n"),
            ok_act,
            "inventories.csv:2: column 'baseline_id': a monitoring inventory needs the inventory_id of its baseline",
        ),
        case(
            "monitoring of a missing baseline",
            inv("A,IT,2010,monitoring,Z,,,,,,,\n"),
            ok_act,
            "inventories.csv:2: column 'baseline_id', value 'Z': baseline 'Z' is not an inventory of this file",
        ),
        case(
            "circular baselines",
            inv("A,IT,2010,monitoring,B,,,,,,,\nB,IT,2011,monitoring,A,,,,,,,\n"),
            ok_act,
            "inventories.csv:2: column 'baseline_id', value 'B': baseline 'B' is itself a monitoring inventory",
        ),
        case(
            "self baseline",
            inv("A,IT,2010,monitoring,A,,,,,,,\n"),
            ok_act,
            "inventories.csv:2: column 'baseline_id', value 'A': an inventory cannot be its own baseline",
        ),
        case(
            "population with separator",
            inv("A,IT,2010,,,\"71,388\",,,,,,\n"),
            ok_act,
            "inventories.csv:2: column 'population', value '71,388': expected a whole number of inhabitants of at least 1 (digits only, no separators)",
        ),
        case(
            "population zero",
            inv("A,IT,2010,,,0,,,,,,\n"),
            ok_act,
            "inventories.csv:2: column 'population', value '0': expected a whole number of inhabitants of at least 1",
        ),
        case(
            "approach in capitals",
            inv("A,IT,2010,,,,IPCC,,,,,\n"),
            ok_act,
            "inventories.csv:2: column 'approach', value 'IPCC': unknown approach code 'IPCC' (did you mean 'ipcc'?)",
        ),
        case(
            "unknown gases",
            inv("A,IT,2010,,,,,ghg,,,,\n"),
            ok_act,
            "inventories.csv:2: column 'gases', value 'ghg': unknown gases code 'ghg'",
        ),
        case(
            "unknown factor set",
            inv("A,IT,2010,,,,,,com-2017,,,\n"),
            ok_act,
            "inventories.csv:2: column 'factor_set', value 'com-2017': unknown factor-set release 'com-2017'; available: com-2024.1, com-2024.2, com-2024.3, com-2024.4",
        ),
        case(
            "target year alone",
            inv("A,IT,2010,,,,,,,2030,,\n"),
            ok_act,
            "inventories.csv:2: column 'target_reduction_pct': target_year and target_reduction_pct go together",
        ),
        case(
            "target over 100 %",
            inv("A,IT,2010,,,,,,,2030,120,\n"),
            ok_act,
            "inventories.csv:2: column 'target_reduction_pct', value '120': expected a reduction in percent, more than 0 and at most 100",
        ),
        case(
            "target before the inventory",
            inv("A,IT,2010,,,,,,,2005,40,\n"),
            ok_act,
            "inventories.csv:2: column 'target_year', value '2005': the target year 2005 must be after the inventory year 2010",
        ),
        case(
            "per-capita target without population",
            inv("A,IT,2010,,,,,,,2030,40,per_capita\n"),
            ok_act,
            "inventories.csv:2: column 'population': a per-capita target needs the population of the inventory year",
        ),
        case(
            "missing column",
            INV,
            "inventory_id,sector,carrier,amount\nA,residential_buildings,natural_gas,1\n",
            "activity.csv:1: column 'unit': missing required column; the header must name inventory_id, sector, amount, unit",
        ),
        case(
            "duplicate header",
            INV,
            "inventory_id,sector,carrier,amount,unit,Unit\nA,residential_buildings,natural_gas,1,MWh,MWh\n",
            "activity.csv:1: column 'unit': duplicate column (columns 5 and 6)",
        ),
        case(
            "empty file",
            "",
            ok_act,
            "inventories.csv:1: the file is empty; expected a header row naming inventory_id, country, year",
        ),
        case(
            "header only",
            "inventory_id,country,year\n",
            ok_act,
            "inventories.csv:1: the file has a header but no inventories",
        ),
        case(
            "ragged row",
            INV,
            act("A,residential_buildings,natural_gas,1\n"),
            "activity.csv:2: the row has 4 fields but the header has 5; check delimiters (',') and quoting",
        ),
        case(
            "semicolon delimiter",
            INV,
            "inventory_id;sector;carrier;amount;unit\nA;residential_buildings;natural_gas;1;MWh\n",
            "activity.csv:1: column 'inventory_id': missing required column",
        ),
        case(
            "no heat factor",
            INV,
            act("A,residential_buildings,heat_cold,5,MWh\n"),
            "activity.csv:2: column 'carrier', value 'heat_cold': no co2 emission factor for carrier 'heat_cold' (ipcc approach, IT 2010) in release com-2024.4: district heat/cold has no default factor",
        ),
        case(
            "no national factor for the year",
            "inventory_id,country,year\nA,IT,2023\n",
            act("A,residential_buildings,electricity,5,MWh\n"),
            "no co2 emission factor for carrier 'electricity' (ipcc approach, IT 2023) in release com-2024.4: jrc-neefe@2024.1 has IT for 1990-2021 only",
        ),
        case(
            "no LCA fuel factor",
            inv("A,IT,2010,,,,lca,co2e,,,,\n"),
            ok_act,
            "no co2e emission factor for carrier 'natural_gas' (lca approach, IT 2010) in release com-2024.4: no verified CoM LCA factor for fuels exists in any shipped set",
        ),
        Case {
            name: "override for unknown inventory",
            inv: INV,
            act: ok_act,
            fac: Some("inventory_id,carrier,factor\nZ,electricity,0.4\n"),
            expected: "factors.csv:2: column 'inventory_id', value 'Z': no inventory with this id in the inventories file",
        },
        Case {
            name: "negative override",
            inv: INV,
            act: ok_act,
            fac: Some("inventory_id,carrier,factor\nA,electricity,-0.4\n"),
            expected: "factors.csv:2: column 'factor', value '-0.4': emission factor -0.4 is negative",
        },
        Case {
            name: "duplicate override",
            inv: INV,
            act: ok_act,
            fac: Some("inventory_id,carrier,factor\nA,electricity,0.4\nA,electricity,0.5\n"),
            expected: "factors.csv:3: column 'carrier', value 'electricity': a factor for this carrier and inventory is already given on line 2",
        },
    ];
    assert!(cases.len() >= 55, "{}", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let dir = scratch(c.inv.as_bytes(), c.act.as_bytes(), c.fac.map(str::as_bytes));
        let r = batch(dir.path(), c.fac.is_some(), &[]);
        let first = r.stderr.lines().next().unwrap_or("");
        let located = first.split(':').nth(1).is_some_and(|l| l.parse::<u64>().is_ok());
        if r.code != 1 || !first.contains(c.expected) || !located || dir.path().join("out").exists()
        {
            failures.push(format!(
                "{}: exit {}; first line:\n  {first}\nexpected to contain:\n  {}",
                c.name, r.code, c.expected
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn a_megabyte_cell_is_an_error_with_a_clipped_value() {
    let act = format!("{H_ACT}A,{},natural_gas,1,MWh\n", "é".repeat(500_000));
    let dir = scratch(INV.as_bytes(), act.as_bytes(), None);
    let r = batch(dir.path(), false, &[]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("activity.csv:2: column 'sector', value 'éééé"),
        "{}",
        &r.stderr[..200]
    );
    assert!(r.stderr.contains("(1000000 bytes in all)"));
    assert!(
        r.stderr.len() < 2_000,
        "the message does not repeat the cell: {} bytes",
        r.stderr.len()
    );
}

#[test]
fn outputs_are_byte_identical_run_after_run() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_in(
        dir.path(),
        &["generate", "--inventories", "300", "--rows", "30", "--seed", "9", "--out", "."],
        None,
    );
    assert_eq!(r.code, 0);
    // Run after run, with one thread or two, with the JSON report (cell detail kept) or without:
    // the same files, byte for byte.
    let runs: [(bool, &[&str]); 5] = [
        (true, &[]),
        (true, &[]),
        (true, &["--threads", "1"]),
        (false, &["--threads", "2"]),
        (false, &["--threads", "1"]),
    ];
    let mut previous: Option<Vec<Vec<u8>>> = None;
    let mut json: Option<String> = None;
    for (k, (with_json, threads)) in runs.into_iter().enumerate() {
        let out = format!("out{k}");
        let mut args = generated_batch(&out);
        if with_json {
            args.extend(["--format", "json"]);
        }
        args.extend(threads);
        let r = run_in(dir.path(), &args, None);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let files: Vec<Vec<u8>> = ["emissions.csv", "summary.csv", "trajectory.csv", "crf.csv"]
            .iter()
            .map(|f| fs::read(dir.path().join(&out).join(f)).unwrap())
            .collect();
        assert!(files.iter().all(|f| f.len() > 100));
        if let Some(p) = &previous {
            assert!(p == &files, "run {k} ({threads:?}) differs");
        }
        previous = Some(files);
        if with_json {
            if let Some(j) = &json {
                assert!(j == &r.stdout, "the JSON of run {k} differs");
            }
            json = Some(r.stdout);
        }
    }
}

#[test]
fn encodings() {
    // Latin-1 (é = 0xE9) is not UTF-8.
    let dir =
        scratch(b"inventory_id,city,country,year\nA,Cr\xe9teil,FR,2010\n", ACT.as_bytes(), None);
    let r = batch(dir.path(), false, &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.starts_with("inventories.csv:2: the file is not valid UTF-8"), "{}", r.stderr);
    // UTF-16 with its BOM.
    let utf16: Vec<u8> =
        [0xFF, 0xFE].into_iter().chain(INV.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let dir = scratch(&utf16, ACT.as_bytes(), None);
    let r = batch(dir.path(), false, &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.starts_with("inventories.csv:1:"), "{}", r.stderr);
    // A UTF-8 BOM, CRLF line ends and a quoted newline in a city name are fine.
    let dir = scratch(b"\xef\xbb\xbfinventory_id,city,country,year\r\nA,\"Saint-\r\n\xc3\x89tienne\",FR,2010\r\n", "inventory_id,sector,carrier,amount,unit\r\n\r\nA,residential_buildings,natural_gas,1,MWh\r\n".as_bytes(), None);
    let r = batch(dir.path(), false, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let dir = scratch(INV.as_bytes(), ACT.as_bytes(), None);
    let r = run_in(
        dir.path(),
        &["batch", "--inventories", "missing.csv", "--activity", "activity.csv", "--out", "o"],
        None,
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("cannot open 'missing.csv'"), "{}", r.stderr);
    let r = batch_into(dir.path(), "o", &["--frobnicate"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--frobnicate"));
    let r =
        run_in(dir.path(), &["batch", "--inventories", "-", "--activity", "-", "--out", "o"], None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("only one input file can be read from standard input"));
    let r = run_in(
        dir.path(),
        &["batch", "--inventories", "inventories.csv", "--activity", "activity.csv"],
        None,
    );
    assert_eq!(r.code, 2);
}

#[test]
fn partner_baselines_get_the_official_ipcc_factor() {
    // A Brazilian 2015 and a US 2016 baseline on the default (IPCC, CO2) approach: the national
    // direct-combustion factors of partner-grid@2026.2, flagged as non-CoM; on the LCA approach
    // the same cities still get Ember's life-cycle factor.
    let inv = "inventory_id,city,country,year,population,approach,gases\n\
               B,Belo,BR,2015,1000,ipcc,co2\nU,Uptown,US,2016,1000,ipcc,co2\n\
               L,Lima,BR,2015,1000,lca,co2e\n";
    let act = format!(
        "{H_ACT}B,municipal_buildings,electricity,1000,MWh\nU,municipal_buildings,electricity,1000,MWh\n\
         L,municipal_buildings,electricity,1000,MWh\n"
    );
    let work = scratch(inv.as_bytes(), act.as_bytes(), None);
    let r = batch(work.path(), false, &["-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let emissions = fs::read_to_string(work.path().join("out/emissions.csv")).unwrap();
    assert!(
        emissions.contains(
            "B,municipal_buildings,electricity,1000,0.1244,partner-grid@2026.2 mcti-sin-2026 (not a CoM factor),124.4\n"
        ),
        "{emissions}"
    );
    assert!(emissions.contains(
        "U,municipal_buildings,electricity,1000,0.452886,partner-grid@2026.2 egrid-elci-2018 (not a CoM factor),452.886\n"
    ));
    assert!(emissions.contains(
        "L,municipal_buildings,electricity,1000,0.1886377,partner-grid@2026.2 owid-ember-2025 (not a CoM factor),188.6377\n"
    ));
    let summary = fs::read_to_string(work.path().join("out/summary.csv")).unwrap();
    assert!(summary.lines().skip(1).all(|l| l.contains(",com-2024.4,")), "{summary}");
    // Both listed by `covenant factors`.
    let r = run_in(work.path(), &["factors"], None);
    assert!(r.stdout.contains("partner-grid@2026.2"), "{}", r.stdout);
    let r = run_in(work.path(), &["factors", "show", "partner-grid@2026.2"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.lines().any(|l| {
        l.starts_with("electricity,BR,2015,ipcc,co2,0.1244,t/MWh,D,partner-grid@2026.2,")
    }));
}

#[test]
fn a_factor_directory_replaces_the_embedded_releases() {
    // A copy of factors/ with a corrected diesel factor in a new revision and release.
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../factors");
    let dst = dir.path().join("factors");
    for rel in [
        "releases.csv",
        "com-fuels/2024.2/sources.csv",
        "jrc-neefe/2024.1/factors.csv",
        "jrc-neefe/2024.1/sources.csv",
        "partner-grid/2025.1/factors.csv",
        "partner-grid/2025.1/sources.csv",
        "partner-grid/2026.1/factors.csv",
        "partner-grid/2026.1/sources.csv",
        "partner-grid/2026.2/factors.csv",
        "partner-grid/2026.2/sources.csv",
        "fuel-properties/2024.1/properties.csv",
        "fuel-properties/2024.1/sources.csv",
        "gwp/2024.1/gwp.csv",
        "gwp/2024.1/sources.csv",
        "ipcc2006-gases/2024.1/gases.csv",
        "ipcc2006-gases/2024.1/sources.csv",
        "com-fuels/2024.1/factors.csv",
        "com-fuels/2024.1/sources.csv",
        "com-fuels/2024.2/factors.csv",
    ] {
        fs::create_dir_all(dst.join(rel).parent().unwrap()).unwrap();
        fs::copy(src.join(rel), dst.join(rel)).unwrap();
    }
    fs::create_dir_all(dst.join("com-fuels/9.1")).unwrap();
    let fuels = fs::read_to_string(src.join("com-fuels/2024.2/factors.csv"))
        .unwrap()
        .replace("diesel,,,ipcc,co2,0.267,", "diesel,,,ipcc,co2,0.3,");
    fs::write(dst.join("com-fuels/9.1/factors.csv"), fuels).unwrap();
    fs::copy(src.join("com-fuels/2024.2/sources.csv"), dst.join("com-fuels/9.1/sources.csv"))
        .unwrap();
    let mut releases = fs::read_to_string(src.join("releases.csv")).unwrap();
    releases.push_str("local-9.1,2026-11-27,com-fuels@9.1,jrc-neefe@2024.1,partner-grid@2025.1,fuel-properties@2024.1,gwp@2024.1,test,ipcc2006-gases@2024.1\n");
    fs::write(dst.join("releases.csv"), releases).unwrap();
    let act = format!("{H_ACT}A,private_transport,diesel,1000,MWh\n");
    let work = scratch(INV.as_bytes(), act.as_bytes(), None);
    let r = run_in(work.path(), &["factors", "--factors-dir", dst.to_str().unwrap()], None);
    assert!(r.stdout.contains("release local-9.1 (default)"), "{}", r.stdout);
    let r = batch(work.path(), false, &["--factors-dir", dst.to_str().unwrap(), "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary = fs::read_to_string(work.path().join("out/summary.csv")).unwrap();
    assert!(summary.contains(",local-9.1,1000,1000,300,"), "{summary}");
    // A broken directory is a usage error that says what is wrong.
    fs::remove_file(dst.join("gwp/2024.1/gwp.csv")).unwrap();
    let r = batch(work.path(), false, &["--factors-dir", dst.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("gwp/2024.1/gwp.csv"), "{}", r.stderr);
}

#[test]
fn batch_help_is_readable_at_80_columns_and_names_every_column() {
    let out = Command::new(BIN).args(["batch", "--help"]).env("COLUMNS", "80").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for line in help.lines() {
        assert!(line.chars().count() <= 80, "{line}");
    }
    for column in [
        "gwp",
        "chp_eta_heat",
        "chp_eta_electricity",
        "sustainable",
        "target_population",
        "ncv_gj_per_t",
        "density_kg_per_l",
        "emissions_t",
    ] {
        assert!(help.contains(column), "{column} missing from batch --help");
    }
    assert!(help.contains("3 the outputs could not be written"));
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    let mut child = Command::new(BIN)
        .args(["factors", "show", "jrc-neefe"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn factors_show_names_the_revision_it_prints() {
    let dir = tempfile::tempdir().unwrap();
    let r = run_in(dir.path(), &["factors", "show", "fuel-properties@2023.9"], None);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("no factor set 'fuel-properties@2023.9'"), "{}", r.stderr);
    let r = run_in(dir.path(), &["factors", "show", "ipcc2006-gases"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with(
        "carrier,co2_kg_per_tj,ch4_kg_per_tj,n2o_kg_per_tj,biogenic\nnatural_gas,56100,1,0.1,no\n"
    ));
    let r = run_in(dir.path(), &["factors"], None);
    assert!(r.stdout.contains("ipcc2006-gases@2024.1"), "{}", r.stdout);
}

/// The Valdoro action plan (tests/golden/valdoro-2012) through the binary: `plan.csv` and the
/// summary's plan columns with `--actions`, the same numbers in the JSON report, and a plan
/// with an error rejects its baseline (exit 1, nothing written).
#[test]
fn action_plan_outputs() {
    let g = golden("valdoro-2012");
    let read = |f: &str| fs::read(g.join(f)).unwrap();
    let dir = scratch(&read("inventories.csv"), &read("activity.csv"), None);
    fs::write(dir.path().join("actions.csv"), read("actions.csv")).unwrap();
    let r = batch(dir.path(), false, &["--actions", "actions.csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let out = dir.path().join("out");
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.lines().nth(1).unwrap().ends_with(",7230.15,15484.245,0.737345"), "{summary}");
    let plan = fs::read_to_string(out.join("plan.csv")).unwrap();
    assert_eq!(plan.lines().count(), 9);
    assert!(plan.contains(",-912,2030,0.5,-456,"), "{plan}");
    let json = run_in(
        dir.path(),
        &[
            "batch",
            "--inventories",
            "inventories.csv",
            "--activity",
            "activity.csv",
            "--actions",
            "actions.csv",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let p = &v["inventories"][0]["plan"];
    assert_eq!(p["remaining_gap_t"], "15484.245");
    assert_eq!(p["actions"][5]["reduction"], "-912");

    // Without --actions: no plan.csv, the summary as before.
    let r = batch_into(dir.path(), "plain", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!dir.path().join("plain/plan.csv").exists());
    let plain = fs::read_to_string(dir.path().join("plain/summary.csv")).unwrap();
    assert!(plain.lines().next().unwrap().ends_with(",target_per_capita_t"));

    // An action starting before the baseline year rejects the baseline.
    let bad = String::from_utf8(read("actions.csv")).unwrap().replace(",2015,2020,", ",2011,2020,");
    fs::write(dir.path().join("actions.csv"), bad).unwrap();
    let r = batch_into(dir.path(), "bad", &["--actions", "actions.csv"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("actions.csv:2: column 'start_year', value '2011'"), "{}", r.stderr);
    assert!(!dir.path().join("bad").exists());
}
