//! The eCRF workbook through the binary: `batch --ecrf`, `ecrf check`, `ecrf import`.

use std::fs;
use std::path::Path;

use covenant_core::Decimal;
use covenant_core::crf::NotationKey;
use covenant_core::ecrf::{DetailRow, Entry, MetaField, ScopeLabel, SummaryLine, SummaryRow};
use covenant_core::ecrf::{Workbook, write_workbook};

use super::{golden, run_in};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Column `name` of the first data row of a CSV file.
fn field(path: &Path, name: &str) -> String {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == name).unwrap();
    lines.next().unwrap().split(',').nth(i).unwrap().to_string()
}

/// Each golden case written as eCRF workbooks, checked, imported back and run again from the
/// derived batch input: the same total to the tonne (the CRF case: every total per gas).
#[test]
fn golden_cases_round_trip_through_the_ecrf_workbook() {
    for case in ["kozani-2010", "aldbrook-2020", "valdoro-2012", "villa-serena-2019"] {
        let dir = tempfile::tempdir().unwrap();
        let g = golden(case);
        let mut args: Vec<String> = vec!["batch".into()];
        for (flag, file) in [
            ("--inventories", "inventories.csv"),
            ("--activity", "activity.csv"),
            ("--factors", "factors.csv"),
            ("--supply", "supply.csv"),
            ("--crf-activity", "crf_activity.csv"),
        ] {
            if g.join(file).exists() {
                args.extend([flag.into(), g.join(file).to_str().unwrap().into()]);
            }
        }
        args.extend(["--out".into(), "out".into(), "--ecrf".into(), "ecrf".into()]);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run_in(dir.path(), &argv, None);
        assert_eq!(r.code, 0, "{case}: {}", r.stderr);
        let books: Vec<String> = fs::read_dir(dir.path().join("ecrf"))
            .unwrap()
            .map(|e| format!("ecrf/{}", e.unwrap().file_name().to_string_lossy()))
            .filter(|n| n.ends_with(".xlsx"))
            .collect();
        assert_eq!(books.len(), 1, "{case}");
        let r = run_in(dir.path(), &["ecrf", "check", &books[0]], None);
        assert_eq!(r.code, 0, "{case}: {}", r.stderr);
        assert_eq!(r.stderr, "covenant: 1 workbook checked: 0 errors, 0 warnings\n", "{case}");
        let r = run_in(dir.path(), &["ecrf", "import", &books[0], "--out", "back"], None);
        assert_eq!(r.code, 0, "{case}: {}", r.stderr);
        let before = d(&field(&dir.path().join("out/summary.csv"), "total_emissions_t"));
        let after = d(&field(&dir.path().join("back/summary.csv"), "total_emissions_t"));
        assert!((before - after).abs() < d("0.5"), "{case}: {before} != {after}");
        // A SECAP cell's emissions have up to 28 significant digits; a spreadsheet keeps 15.
        assert!((before - after).abs() <= before * d("1e-12"), "{case}: {before} != {after}");
        if case == "villa-serena-2019" {
            let totals = |p: &str| fs::read_to_string(dir.path().join(p)).unwrap();
            assert_eq!(totals("out/crf_totals.csv"), totals("back/crf_totals.csv"));
        }
        // The derived input is a batch of its own: rerun, the same outputs.
        let r = run_in(
            dir.path(),
            &[
                "batch",
                "--inventories",
                "back/inventories.csv",
                "--crf-activity",
                "back/crf_activity.csv",
                "--out",
                "again",
            ],
            None,
        );
        assert_eq!(r.code, 0, "{case}: {}", r.stderr);
        for f in ["summary.csv", "crf_rows.csv", "crf_totals.csv", "crf.csv"] {
            let read = |p: &str| fs::read_to_string(dir.path().join(p).join(f)).unwrap();
            assert_eq!(read("back"), read("again"), "{case}: {f}");
        }
    }
}

/// A workbook with one problem of every class the import finds (the reader's own classes are
/// tested beside the reader).
fn flawed() -> Workbook {
    let mut wb = Workbook { year: Some(2019), ..Workbook::default() };
    wb.set_meta(MetaField::CityName, "Flawed");
    wb.set_meta(MetaField::Country, "Chile");
    wb.set_meta(MetaField::Population, "50000");
    wb.set_meta(MetaField::Gwp, "IPCC AR5 (100-year)");
    let row = |gpc: &str, sub: &str, scope| {
        let sector = if gpc.starts_with("II.") { "Transportation" } else { "Stationary energy" };
        DetailRow { row: 0, ..DetailRow::new(Some(gpc), sector, sub, scope) }
    };
    let mut detail = Vec::new();
    // Emissions entered beside activity × factor that disagree: crf_mismatch (a warning).
    let mut r = row("I.1.1", "Residential buildings", ScopeLabel::Direct);
    r.fuel = Some("Natural gas".into());
    r.activity_amount = Some(d("1000"));
    r.activity_unit = Some("TJ".into());
    r.ef_unit = Some("kg/TJ".into());
    r.ef_co2 = Some(d("56100"));
    r.ghg_co2 = Some(d("60000"));
    detail.push(r);
    // An activity without factor or emissions: a gap.
    let mut r = row("I.1.2", "Residential buildings", ScopeLabel::Indirect);
    r.fuel = Some("Electricity".into());
    r.activity_amount = Some(d("20000"));
    r.activity_unit = Some("MWh".into());
    detail.push(r);
    // A unit the engine does not know: an error at the unit's cell.
    let mut r = row("II.1.1", "On-road", ScopeLabel::Direct);
    r.fuel = Some("Diesel".into());
    r.activity_amount = Some(d("5"));
    r.activity_unit = Some("barrels".into());
    r.ef_unit = Some("t/MWh".into());
    r.ef_co2e = Some(d("0.267"));
    detail.push(r);
    // A key other than NE without an explanation.
    let mut r = row("I.3.1", "Industrial buildings & facilities", ScopeLabel::Direct);
    r.key = Some(NotationKey::NotOccurring);
    detail.push(r);
    // A sub-sector the CRF does not have.
    let mut r = row("I.9.9", "Orbital stations", ScopeLabel::Direct);
    r.ghg_total = Some(d("10"));
    detail.push(r);
    // Rows numbered as a reader numbers them (sheet rows 2, 3 …).
    for (i, r) in detail.iter_mut().enumerate() {
        r.row = u32::try_from(i).unwrap() + 2;
    }
    wb.detail = detail;
    // eCRF_2: residential direct as the rows give it; commercial with a value its rows lack.
    let mut res = SummaryRow::new(SummaryLine::Residential);
    res.direct = Entry::value(d("60000"));
    res.comment = Some("gas sales".into());
    let mut com = SummaryRow::new(SummaryLine::Commercial);
    com.direct = Entry::value(d("1234"));
    com.comment = Some("estimate".into());
    wb.summary = vec![res, com];
    wb
}

#[test]
fn check_locates_every_finding_and_sets_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("flawed.xlsx"), write_workbook(&flawed()).unwrap()).unwrap();
    let r = run_in(dir.path(), &["ecrf", "check", "flawed.xlsx"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    let has = |prefix: &str, words: &str| {
        lines.iter().any(|l| l.starts_with(prefix) && l.contains(words))
    };
    // The cells of the rows as the writer laid them out (template order; an unplaced row last).
    assert!(has("flawed.xlsx:eCRF_3!Q3: warning: ", "neither an emission factor nor emissions"));
    assert!(has("flawed.xlsx:eCRF_3!G8: warning: ", "the notation key NO has no explanation"));
    assert!(has("flawed.xlsx:eCRF_3!M26: ", "the amount is in barrels"), "{}", r.stderr);
    assert!(has("flawed.xlsx:eCRF_3!D69: ", "no line of the CRF"), "{}", r.stderr);
    // An inventory with errors is not computed: nothing to compare eCRF_2 with.
    assert_eq!(lines.len(), 5, "{}", r.stderr);
    assert_eq!(lines[4], "covenant: 1 workbook checked: 2 errors, 2 warnings");
    // Errors only with --quiet.
    let q = run_in(dir.path(), &["ecrf", "check", "--quiet", "flawed.xlsx"], None);
    assert_eq!(q.code, 1);
    assert!(!q.stderr.contains("warning:"), "{}", q.stderr);
    // The import refuses it and writes nothing.
    let i = run_in(dir.path(), &["ecrf", "import", "flawed.xlsx", "--out", "out"], None);
    assert_eq!(i.code, 1, "{}", i.stderr);
    assert!(i.stderr.ends_with("nothing written to 'out'\n"), "{}", i.stderr);
    assert!(!dir.path().join("out/summary.csv").exists());
}

/// Only warnings: exit 0; the gap is read as NE by default and filled on request, with the
/// emissions added reported.
#[test]
fn gaps_are_ne_by_default_and_filled_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = flawed();
    wb.detail.truncate(2);
    fs::write(dir.path().join("gap.xlsx"), write_workbook(&wb).unwrap()).unwrap();
    let r = run_in(dir.path(), &["ecrf", "check", "gap.xlsx"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 6, "{}", r.stderr);
    let commercial = "gap.xlsx:eCRF_2!B5: warning: 'Stationary energy > Commercial buildings & facilities' gives 1234 t CO2-eq but its rows in eCRF_3 add up to 0 (more than the template's tolerance of 0.5 % apart)";
    assert_eq!(lines[0], commercial);
    // The totals the workbook leaves empty.
    assert!(lines[1].starts_with("gap.xlsx:eCRF_2!B10: warning: 'Total Stationary Energy' gives no value but its rows in eCRF_3 add up to 60000"));
    assert!(lines[2].starts_with("gap.xlsx:eCRF_2!B34: warning: 'Total Emissions"));
    // Emissions entered beside activity × factor, 7 % apart: at the row's total.
    assert_eq!(
        lines[3],
        "gap.xlsx:eCRF_3!AB2: warning: the emissions entered differ from activity × factors: 60000 given, 56100 computed (more than the eCRF's 0.5 % tolerance); the entered value is kept"
    );
    assert!(lines[4].starts_with("gap.xlsx:eCRF_3!Q3: warning: the activity 20000 MWh"));
    assert_eq!(lines[5], "covenant: 1 workbook checked: 0 errors, 5 warnings");
    let r = run_in(dir.path(), &["ecrf", "import", "gap.xlsx", "--out", "ne"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = fs::read_to_string(dir.path().join("ne/crf_activity.csv")).unwrap();
    let gap = ",NE,activity of 20000 MWh of Electricity given in the eCRF workbook (eCRF_3!Q3)";
    assert!(rows.contains(gap), "{rows}");
    // The emissions as entered (60000 t), not activity × factor (56100 t).
    assert_eq!(field(&dir.path().join("ne/summary.csv"), "total_emissions_t"), "60000");
    let r = run_in(
        dir.path(),
        &["ecrf", "import", "gap.xlsx", "--out", "filled", "--fill-factors", "--approach", "lca"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("gap.xlsx:eCRF_3!Q3: warning: no emission factor in the workbook"),
        "{}",
        r.stderr
    );
    let total = d(&field(&dir.path().join("filled/summary.csv"), "total_emissions_t"));
    assert!(total > d("60000"), "{total}");
    // The difference filling made, against the same workbook imported without filling.
    let effect = format!(
        "gap.xlsx: 1 activity computed with the factor release's factors: total emissions of 'gap' {} t CO2-eq with them, 60000 t without (+{} t)",
        total.normalize(),
        (total - d("60000")).normalize()
    );
    assert!(r.stderr.lines().any(|l| l == effect), "{effect}\n{}", r.stderr);
    // Under the default approach (IPCC) the release has no grid factor for Chile in 2019: the
    // gap cannot be filled, an error at the row's fuel.
    let r = run_in(dir.path(), &["ecrf", "check", "--fill-factors", "gap.xlsx"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("gap.xlsx:eCRF_3!F3: no emission factor for 'electricity'"),
        "{}",
        r.stderr
    );
    // Usage errors exit 2.
    assert_eq!(run_in(dir.path(), &["ecrf", "check"], None).code, 2);
    assert_eq!(run_in(dir.path(), &["ecrf", "check", "missing.xlsx"], None).code, 2);
    assert_eq!(run_in(dir.path(), &["ecrf", "check", "--approach", "x", "gap.xlsx"], None).code, 2);
    // A file that is not a workbook is an error of that file.
    fs::write(dir.path().join("text.xlsx"), "not a workbook").unwrap();
    let r = run_in(dir.path(), &["ecrf", "check", "text.xlsx"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.starts_with("text.xlsx: "), "{}", r.stderr);
}
