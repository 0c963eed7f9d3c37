//! Unit tests of the batch readers and writers.

use super::*;
use crate::batch::diag::State;
use crate::batch::read::record::{CHUNK_ROWS, LineTooLong, Reader, for_rows_with};
use crate::factors::{Catalog, test_catalog};
use crate::parallel::par_map;
use crate::taxonomy::Carrier;
use rust_decimal_macros::dec;
use std::io::Read;

fn run_str(inv: &str, act: &str, fac: Option<&str>) -> BatchOutput {
    run(input_str(inv, act, fac), test_catalog())
}

/// The input of a batch of these texts.
fn input_str<'a>(inv: &'a str, act: &'a str, fac: Option<&'a str>) -> BatchInput<'a, &'a [u8]> {
    BatchInput {
        inventories: ("inventories.csv", inv.as_bytes()),
        activity: ("activity.csv", act.as_bytes()),
        factors: fac.map(|f| ("factors.csv", f.as_bytes())),
        supply: None,
        actions: None,
        crf_activity: None,
    }
}

const INV: &str = "inventory_id,country,year,population\nA,IT,2010,1000\n";
const ACT: &str =
    "inventory_id,sector,carrier,amount,unit\nA,residential_buildings,natural_gas,100,MWh\n";

fn messages(out: &BatchOutput) -> Vec<String> {
    out.errors.iter().map(ToString::to_string).collect()
}

#[test]
fn minimal_batch() {
    let out = run_str(INV, ACT, None);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    assert_eq!(out.inventories[0].inventory.total_emissions.tonnes(), dec!(20.2));
    let mut buf = Vec::new();
    write_summary(&mut buf, &out.inventories).unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .starts_with("A,,IT,2010,baseline,ipcc,co2,com-2024.4,1000,100,20.2,0.0202,")
    );
}

#[test]
fn headers_are_case_insensitive_any_order_with_bom_and_crlf() {
    let inv = "\u{feff}Year , COUNTRY,Inventory_ID,extra\r\n2010,IT,A,x\r\n";
    let act = "UNIT,amount,Carrier,sector,inventory_id\r\n MWh , 100 ,natural_gas,residential_buildings,A\r\n";
    let out = run_str(inv, act, None);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    assert!(out.warnings.iter().any(|w| w.message.contains("unknown column 'extra'")));
}

#[test]
fn every_problem_is_reported() {
    let act = "inventory_id,sector,carrier,amount,unit\n\
               A,residental_buildings,natural_gas,100,MWh\n\
               A,residential_buildings,natural_gaz,100,MWh\n\
               A,residential_buildings,natural_gas,1e3,MWh\n\
               A,residential_buildings,natural_gas,100,mwh\n\
               B,residential_buildings,natural_gas,100,MWh\n";
    let out = run_str(INV, act, None);
    let m = messages(&out);
    assert_eq!(m.len(), 5, "{m:#?}");
    assert!(
        m[0].starts_with(
            "activity.csv:2: column 'sector', value 'residental_buildings': unknown sector code"
        ),
        "{}",
        m[0]
    );
    assert!(m[0].contains("did you mean 'residential_buildings'"));
    assert!(m[1].contains("did you mean 'natural_gas'"));
    assert!(m[2].contains("no thousands separators or exponent"));
    assert!(m[3].contains("did you mean 'MWh'"));
    assert!(m[4].starts_with("activity.csv:6: column 'inventory_id', value 'B'"));
    assert!(out.inventories.is_empty());
}

#[test]
fn monitoring_and_targets() {
    let inv = "inventory_id,country,year,kind,baseline_id,population,target_year,target_reduction_pct\n\
               B,IT,2010,baseline,,1000,2030,40\n\
               M,IT,2015,monitoring,B,1000,,\n";
    let act = "inventory_id,sector,carrier,amount,unit\n\
               B,waste,,100,tCO2\nM,waste,,80,tCO2\n";
    let out = run_str(inv, act, None);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    assert_eq!(out.inventories[1].change_vs_baseline_pct, Some(dec!(-20)));
    assert_eq!(out.inventories[0].target.as_ref().unwrap().emissions_t, Some(dec!(60)));
}

#[test]
fn baseline_errors() {
    let inv = "inventory_id,country,year,kind,baseline_id\n\
               A,IT,2010,monitoring,\nB,IT,2010,monitoring,Z\nC,IT,2010,monitoring,C\n\
               D,IT,2010,monitoring,E\nE,IT,2010,monitoring,D\n";
    let act = "inventory_id,sector,carrier,amount,unit\nA,waste,,1,tCO2\n";
    let m = messages(&run_str(inv, act, None));
    assert!(m.iter().any(|e| e.starts_with("inventories.csv:2: column 'baseline_id'")), "{m:#?}");
    assert!(m.iter().any(|e| e.contains("'Z' is not an inventory")));
    assert!(m.iter().any(|e| e.contains("its own baseline")));
    assert_eq!(m.iter().filter(|e| e.contains("is itself a monitoring inventory")).count(), 2);
}

#[test]
fn overrides_from_factors_csv() {
    let fac =
        "carrier,factor,inventory_id,source\nnatural_gas,0.3,,batch\nnatural_gas,0.25,A,own\n";
    let out = run_str(INV, ACT, Some(fac));
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    assert_eq!(out.inventories[0].inventory.total_emissions.tonnes(), dec!(25));
    let bad = "carrier,factor\nnatural_gas,-1\n";
    let out = run_str(INV, ACT, Some(bad));
    assert!(messages(&out)[0].contains("negative"));
    assert!(out.inventories.is_empty(), "a bad batch-wide factor rejects every inventory");
}

#[test]
fn crlf_does_not_shift_line_numbers() {
    for text in ["h\r\na\r\nb\r\n", "h\na\nb\n", "h\r\na\nb\r\n", "h\ra\rb\r", "h\ra\r\nb"] {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(CrlfToLf::new(text.as_bytes()));
        let lines: Vec<u64> =
            rdr.records().map(|r| r.unwrap().position().unwrap().line()).collect();
        assert_eq!(lines, vec![1, 2, 3], "{text:?}");
    }
    // A CR split across reads, a lone CR (a line end too, also at the end), and tiny buffers.
    let mut out = Vec::new();
    let mut r = CrlfToLf::new(std::io::Read::chain(&b"a\r"[..], &b"\nb\rc\r"[..]));
    let mut one = [0u8; 1];
    while r.read(&mut one).unwrap() == 1 {
        out.push(one[0]);
    }
    assert_eq!(out, b"a\nb\nc\n");
}

/// A reader of `len` bytes made by repeating `pattern`, without holding them in memory.
struct Repeat {
    pattern: &'static [u8],
    left: u64,
    at: usize,
}

impl Read for Repeat {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() && self.left > 0 {
            buf[n] = self.pattern[self.at];
            self.at = (self.at + 1) % self.pattern.len();
            self.left -= 1;
            n += 1;
        }
        Ok(n)
    }
}

/// Runs the batch of [`INV`] with an activity file streamed from a reader.
fn run_streamed(activity: Box<dyn Read + Send>) -> BatchOutput {
    let input = BatchInput {
        inventories: ("inventories.csv", Box::new(INV.as_bytes()) as Box<dyn Read + Send>),
        activity: ("activity.csv", activity),
        factors: None,
        supply: None,
        actions: None,
        crf_activity: None,
    };
    run(input, test_catalog())
}

/// Runs a batch with `threads`, keeping cell detail.
fn run_threads(inv: &[u8], act: &[u8], threads: usize) -> BatchOutput {
    let input = BatchInput {
        inventories: ("inventories.csv", inv),
        activity: ("activity.csv", act),
        factors: None,
        supply: None,
        actions: None,
        crf_activity: None,
    };
    run_with(input, test_catalog(), Options { cell_detail: true, threads }, &mut |_| {})
}

/// Many chunks of rows with problems scattered through them (unknown ids and codes, a
/// ragged row, a blank line, invalid UTF-8, a CRLF line): the pipelined reader gives
/// exactly what the single-threaded one gives, errors and line numbers included.
#[test]
fn the_pipelined_reader_gives_the_same_output() {
    let inv =
        b"inventory_id,country,year,population\nA,IT,2010,1000\nB,DE,2012,2000\nC,FR,2015,500\n";
    let mut act = b"inventory_id,sector,carrier,amount,unit\n".to_vec();
    let ids = ["A", "B", "C"];
    for i in 0..(5 * CHUNK_ROWS + 17) {
        let id = ids[i % 3];
        match i % 1001 {
            7 => act.extend_from_slice(b"Q,residential_buildings,natural_gas,1,MWh\n"),
            300 => act.extend_from_slice(b"B,residential_buildings,natural_gaz,1,MWh\n"),
            501 => act.extend_from_slice(b"\n"),
            502 => act.extend_from_slice(b"C,waste,,1\n"),
            777 => act.extend_from_slice(b"A,waste,,1,tCO2,\xff\n"),
            900 => act.extend_from_slice(b"A,public_lighting,electricity,3,MWh\r\n"),
            _ => act.extend_from_slice(
                format!("{id},tertiary_buildings,electricity,{}.5,kWh\n", i % 97).as_bytes(),
            ),
        }
    }
    let one = run_threads(inv, &act, 1);
    let two = run_threads(inv, &act, 2);
    assert!(!one.errors.is_empty());
    assert_eq!(one, two);
    // A clean file: every inventory computed, the same way.
    let clean: Vec<u8> = act
        .split(|&b| b == b'\n')
        .filter(|l| l.ends_with(b"kWh") || l.starts_with(b"inventory_id"))
        .flat_map(|l| l.iter().copied().chain([b'\n']))
        .collect();
    let one = run_threads(inv, &clean, 1);
    assert!(one.errors.is_empty(), "{:?}", one.errors);
    assert_eq!(one.inventories.len(), 3);
    assert_eq!(one, run_threads(inv, &clean, 2));
}

/// `activity.csv` parsed ahead while the inventories are read (more chunks than circulate
/// afterwards, errors in both files, fields typed by either thread) and activity files without
/// a usable header: the same output as read on one thread, messages in the same order.
#[test]
fn activity_parsed_ahead_gives_the_same_output() {
    let inv = b"inventory_id,country,year\nA,IT,2010\nB,XX,2012\nC,DE,2013\n";
    let mut big = b"inventory_id,sector,carrier,amount,unit\n".to_vec();
    for i in 0..(12 * CHUNK_ROWS + 5) {
        big.extend_from_slice(match i % 5000 {
            7 => b"A,waste,,x,tCO2\n",
            8 => b"B,waste,,1,tCO2\n",
            9 => b"A,wastes,,1,tCO2\n",
            10 => b"A,residential_buildings,gaz,1,MWh\n",
            11 => b"A,residential_buildings,natural_gas,1,MJh\n",
            12 => b"A,residential_buildings,natural_gas, 2.5 ,MWh\n",
            _ => b"A,waste,,1,tCO2\n",
        });
    }
    let headers: [&[u8]; 6] = [
        b"",
        b"\n",
        b"  \nA,waste,,1,tCO2\n",
        b"inventory_id,sector\nA,waste\n",
        b"\xff\xfe,sector\nA,waste\n",
        b"inventory_id,sector,carrier,amount,unit\n",
    ];
    for act in headers.into_iter().chain([&big[..]]) {
        let one = run_threads(inv, act, 1);
        assert!(!one.errors.is_empty());
        assert_eq!(one, run_threads(inv, act, 2), "{}", String::from_utf8_lossy(act));
    }
}

/// A panic while rows are added (a bug, never input) reaches the caller; the parser thread
/// does not keep the batch waiting.
#[test]
fn a_panic_in_the_pipeline_reaches_the_caller() {
    let mut bytes = b"inventory_id,sector\n".to_vec();
    bytes.extend(b"A,waste\n".repeat(5 * CHUNK_ROWS));
    let rdr = Reader::new(&bytes[..]);
    let mut st = State::default();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut n = 0;
        for_rows_with("a", rdr, &mut st, 2, &mut |_| {}, |_, _, _| {
            n += 1;
            assert!(n < 10, "a bug in the row handler");
        });
    }));
    assert!(caught.is_err());
}

#[test]
fn the_pipelined_reader_stops_at_the_line_limit_too() {
    let inv = b"inventory_id,country,year\nA,IT,2010\n";
    let mut act = b"inventory_id,sector,carrier,amount,unit\n".to_vec();
    for _ in 0..3 * CHUNK_ROWS {
        act.extend_from_slice(b"A,waste,,1,tCO2\n");
    }
    act.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 10));
    act.extend_from_slice(b"\nA,waste,,1,tCO2\n");
    let one = run_threads(inv, &act, 1);
    assert!(messages(&one).iter().any(|m| m.contains("longer than")), "{:?}", messages(&one));
    assert_eq!(one, run_threads(inv, &act, 2));
}

/// emissions.csv names the biomass variant behind a cell's factor: sustainable cells keep
/// the plain source, non-sustainable and mixed cells say so.
#[test]
fn the_factor_source_names_the_biomass_variant() {
    let inv = "inventory_id,country,year\nA,IT,2015\n";
    let act = "inventory_id,sector,carrier,amount,unit,sustainable\n\
        A,residential_buildings,other_biomass,100,MWh,\n\
        A,tertiary_buildings,other_biomass,100,MWh,no\n\
        A,municipal_buildings,other_biomass,100,MWh,\n\
        A,municipal_buildings,other_biomass,50,MWh,no\n";
    let out = run_threads(inv.as_bytes(), act.as_bytes(), 1);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let mut csv = Vec::new();
    write_emissions(&mut csv, &out.inventories).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let source = |sector: &str| {
        let row = text.lines().find(|l| l.starts_with(&format!("A,{sector},"))).unwrap();
        row.split(',').nth(5).unwrap().to_string()
    };
    let set = "com-fuels@2024.2 ipcc2006-co2";
    assert_eq!(source("residential_buildings"), set);
    assert_eq!(source("tertiary_buildings"), format!("{set} (non-sustainable)"));
    assert_eq!(source("municipal_buildings"), format!("{set} (sustainable and non-sustainable)"));
}

/// Every file suggests the nearest inventory id for an unknown one, not only activity.csv.
#[test]
fn unknown_ids_get_a_suggestion_in_every_file() {
    let inv = "inventory_id,country,year\nkozani-2010,GR,2010\n";
    let act = "inventory_id,sector,carrier,amount,unit\nkozani-201,waste,,1,tCO2\n";
    let fac = "inventory_id,carrier,factor\nkozani-2O10,diesel,0.3\n";
    let sup = "inventory_id,item,electricity_mwh\nKozani-2010,green_purchase,5\n";
    let out = run(
        BatchInput {
            inventories: ("inventories.csv", inv.as_bytes()),
            activity: ("activity.csv", act.as_bytes()),
            factors: Some(("factors.csv", fac.as_bytes())),
            supply: Some(("supply.csv", sup.as_bytes())),
            actions: None,
            crf_activity: None,
        },
        test_catalog(),
    );
    let m = messages(&out);
    for file in ["activity.csv", "factors.csv", "supply.csv"] {
        assert!(
            m.iter().any(|e| e.starts_with(&format!("{file}:2:"))
                && e.ends_with("(did you mean 'kozani-2010'?)")),
            "{file}: {m:?}"
        );
    }
}

/// A long line between short ones, all in one large read: found, on its own line number.
#[test]
fn a_long_line_inside_one_read_is_found() {
    let mut text = b"a\nb\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES + 1));
    text.extend_from_slice(b"\nc\n");
    let mut r = CrlfToLf::new(&text[..]);
    let mut buf = vec![0u8; text.len() + 10];
    let e = r.read(&mut buf).unwrap_err();
    assert_eq!(e.to_string(), LineTooLong(3).to_string());
    // Exactly at the limit is accepted, and lines are counted across reads.
    let mut text = b"a\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', MAX_LINE_BYTES));
    text.extend_from_slice(b"\nc\n");
    let mut r = CrlfToLf::new(&text[..]);
    let mut out = Vec::new();
    r.read_to_end(&mut out).unwrap();
    assert_eq!(out.len(), text.len());
    assert_eq!(r.lines, 4);
}

#[test]
fn a_gigabyte_without_line_breaks_stops_at_the_line_limit() {
    let head: &[u8] = b"inventory_id,sector,carrier,amount,unit\nA,";
    let body = Repeat { pattern: b"x", left: 1 << 30, at: 0 };
    let out = run_streamed(Box::new(head.chain(body)));
    let m = messages(&out);
    assert!(m[0].starts_with("activity.csv:2: the line is longer than 1048576 bytes"), "{m:?}");
}

#[test]
fn errors_are_listed_up_to_a_limit_then_counted() {
    let head: &[u8] = b"inventory_id,sector,carrier,amount,unit\n";
    let rows = Repeat { pattern: b"Z,waste,,1,tCO2\n", left: 16 * 20_000, at: 0 };
    let out = run_streamed(Box::new(head.chain(rows)));
    assert_eq!(out.errors.len(), MAX_LISTED + 1);
    let last = out.errors.last().unwrap();
    assert_eq!((last.file.as_deref(), last.line, last.code), (None, None, "more_not_listed"));
    assert!(last.message.starts_with("10001 more errors not listed"), "{}", last.message);
    assert_eq!(out.errors_not_listed, 10_001);
}

#[test]
fn huge_cells_are_clipped_in_errors() {
    let act = format!(
        "{H}A,{},natural_gas,1,MWh\n",
        "s".repeat(1_000_000),
        H = "inventory_id,sector,carrier,amount,unit\n"
    );
    let out = run_str(INV, &act, None);
    let e = &out.errors[0];
    assert!(e.value.as_ref().unwrap().len() < 300);
    assert!(e.message.len() < 700, "{}", e.message.len());
}

#[test]
fn a_release_difference_is_flagged_and_quantified() {
    // A second release whose fuel set has diesel at 0.300 t/MWh instead of 0.267.
    let catalog = Catalog::parse(|path| {
        let embedded = crate::factors::test_file;
        match path {
            "releases.csv" => embedded("releases.csv").map(|r| {
                format!("{r}test-2099.1,2099-01-01,com-fuels@2099.1,jrc-neefe@2024.1,partner-grid@2025.1,fuel-properties@2024.1,gwp@2024.1,test,\n")
            }),
            "com-fuels/2099.1/factors.csv" => embedded("com-fuels/2024.1/factors.csv")
                .map(|f| f.replace("diesel,,,ipcc,co2,0.267,", "diesel,,,ipcc,co2,0.300,")),
            "com-fuels/2099.1/sources.csv" => embedded("com-fuels/2024.1/sources.csv"),
            other => embedded(other),
        }
    })
    .unwrap();
    let inv = "inventory_id,country,year,kind,baseline_id,factor_set\n\
               B,IT,2010,baseline,,com-2024.1\nM,IT,2015,monitoring,B,test-2099.1\n";
    let act = "inventory_id,sector,carrier,amount,unit\nB,private_transport,diesel,1000,MWh\nM,private_transport,diesel,1000,MWh\n";
    let out = run(input_str(inv, act, None), &catalog);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    assert_eq!(out.inventories[1].inventory.total_emissions.tonnes(), dec!(300));
    let w: Vec<&str> = out
        .warnings
        .iter()
        .filter(|w| w.inventory_id.as_deref() == Some("M"))
        .map(|w| w.message.as_str())
        .collect();
    assert!(
        w.iter().any(
            |m| m.contains("factor release test-2099.1 differs from its baseline's com-2024.1")
        ),
        "{w:?}"
    );
    assert!(w.iter().any(|m| m.contains("computed with its baseline's release com-2024.1 the total would be 267 t instead of 300 t (difference -33 t)")), "{w:?}");
    // The comparison by carrier is part of the monitoring result.
    let cmp = out.inventories[1].comparison.as_ref().unwrap();
    assert_eq!(cmp.total.change_t, dec!(33));
}

/// Finishing, targets and comparisons with baselines run on several threads: the output,
/// errors and warnings included and in their order, is the same for any number of threads.
#[test]
fn the_output_does_not_depend_on_the_threads() {
    let mut inv = String::from(
        "inventory_id,country,year,kind,baseline_id,population,factor_set,target_year,target_reduction_pct,target_kind\n",
    );
    let mut act = String::from("inventory_id,sector,carrier,amount,unit\n");
    for k in 0..12 {
        let base = format!("B{k}");
        // A baseline with a target; another rejected (its per-capita target has no
        // population), so that the monitoring inventory of it cannot be compared.
        inv.push_str(&format!("{base},IT,2010,baseline,,1000,com-2024.1,2030,40,absolute\n"));
        inv.push_str(&format!("P{k},IT,2010,baseline,,,com-2024.1,2030,40,per_capita\n"));
        // Monitoring: with another release than its baseline's; of the failed baseline.
        inv.push_str(&format!("M{k},IT,2016,monitoring,{base},1100,com-2024.2,,,\n"));
        inv.push_str(&format!("N{k},IT,2016,monitoring,P{k},,com-2024.1,,,\n"));
        for id in [base, format!("P{k}"), format!("M{k}"), format!("N{k}")] {
            let mwh = 1000 + 37 * k;
            act.push_str(&format!("{id},private_transport,diesel,{mwh},MWh\n"));
            act.push_str(&format!("{id},residential_buildings,electricity,{mwh},MWh\n"));
        }
    }
    let one = run_threads(inv.as_bytes(), act.as_bytes(), 1);
    let errors = messages(&one);
    assert_eq!(one.inventories.len(), 24, "{errors:?}");
    let population = |m: &&String| m.contains("a per-capita target needs the population");
    assert_eq!(errors.iter().filter(population).count(), 12, "{errors:?}");
    assert_eq!(errors.iter().filter(|m| m.contains("'baseline_id'")).count(), 12, "{errors:?}");
    let release = |w: &&InputError| w.message.contains("computed with its baseline's release");
    assert_eq!(one.warnings.iter().filter(release).count(), 12);
    assert!(one.inventories.iter().filter(|r| r.progress.is_some()).count() == 12);
    for threads in [2, 3, 5] {
        assert_eq!(one, run_threads(inv.as_bytes(), act.as_bytes(), threads), "{threads}");
    }
}

#[test]
fn par_map_keeps_the_order() {
    for n in 0..12 {
        for threads in 1..6 {
            let items: Vec<usize> = (0..n).map(|i| i * 10).collect();
            let out = par_map(items, threads, |i, x| (i, x + 1));
            let expected: Vec<(usize, usize)> = (0..n).map(|i| (i, i * 10 + 1)).collect();
            assert_eq!(out, expected, "{n} items, {threads} threads");
        }
    }
}

#[test]
fn fuel_parameters_can_be_given_per_inventory_or_batch() {
    let inv = "inventory_id,country,year\nA,IT,2010\nB,IT,2010\n";
    let act = "inventory_id,sector,carrier,amount,unit\n\
               A,municipal_fleet,diesel,1000,L\nB,municipal_fleet,diesel,1000,L\n\
               A,residential_buildings,natural_gas,1000,m3\nB,residential_buildings,natural_gas,1000,m3\n";
    // Batch-wide: a natural-gas density of 0.7 kg/m3 (0.0007 kg/L); for B only: diesel at 0.832 kg/L.
    let fac = "inventory_id,carrier,factor,ncv_gj_per_t,density_kg_per_l\n\
               ,natural_gas,,,0.0007\nB,diesel,,,0.832\n";
    let out = run_str(inv, act, Some(fac));
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    let mwh = |k: usize, c: Carrier| {
        out.inventories[k]
            .inventory
            .cells
            .iter()
            .find(|x| x.carrier == Some(c))
            .unwrap()
            .energy
            .unwrap()
    };
    // 1 000 L × 0.84 kg/L × 43.0 GJ/t = 36.12 GJ = 10.0333… MWh (the release's density).
    assert_eq!(mwh(0, Carrier::Diesel).get(crate::quantity::EnergyUnit::Gigajoule), dec!(36.12));
    // 1 000 L × 0.832 kg/L × 43.0 GJ/t = 35.776 GJ.
    assert_eq!(mwh(1, Carrier::Diesel).get(crate::quantity::EnergyUnit::Gigajoule), dec!(35.776));
    // 1 000 m3 × 0.7 kg/m3 × 48.0 GJ/t = 33.6 GJ = 9.333… MWh.
    assert_eq!(mwh(0, Carrier::NaturalGas).get(crate::quantity::EnergyUnit::Gigajoule), dec!(33.6));
    let conv = &out.inventories[1]
        .inventory
        .cells
        .iter()
        .find(|x| x.carrier == Some(Carrier::Diesel))
        .unwrap()
        .inputs[0];
    assert_eq!((conv.ncv_gj_per_t, conv.density_kg_per_l), (Some(dec!(43.0)), Some(dec!(0.832))));
    let bad = "inventory_id,carrier,factor,ncv_gj_per_t\nA,electricity,,3.6\nA,diesel,,-1\n";
    let m = messages(&run_str(inv, act, Some(bad)));
    assert!(m.iter().any(|e| e.contains("'electricity' is not a fuel")), "{m:?}");
    assert!(
        m.iter().any(|e| e.contains("column 'ncv_gj_per_t', value '-1': expected a number > 0")),
        "{m:?}"
    );
}

fn run_supply(inv: &str, act: &str, fac: Option<&str>, sup: &str) -> BatchOutput {
    run(
        BatchInput {
            inventories: ("inventories.csv", inv.as_bytes()),
            activity: ("activity.csv", act.as_bytes()),
            factors: fac.map(|f| ("factors.csv", f.as_bytes())),
            supply: Some(("supply.csv", sup.as_bytes())),
            actions: None,
            crf_activity: None,
        },
        test_catalog(),
    )
}

#[test]
fn local_electricity_and_heat_factors_from_supply() {
    // Italy 2010, NEEFE 0.421. Electricity: 10 000 MWh consumed; 1 000 MWh PV; a CHP burning
    // 5 000 MWh of natural gas (0.202 → 1 010 t) for 1 500 MWh of electricity and 2 500 MWh of
    // heat. Heat share = 2 500 × 0.4 / (2 500 × 0.4 + 1 500 × 0.9) = 1 000 / 2 350.
    let inv = "inventory_id,country,year\nA,IT,2010\n";
    let act = "inventory_id,sector,carrier,amount,unit\n\
               A,residential_buildings,electricity,10000,MWh\nA,residential_buildings,heat_cold,4000,MWh\n";
    let sup = "inventory_id,item,plant,electricity_mwh,heat_mwh,carrier,amount,unit,emissions_t\n\
               A,electricity_production,PV,1000,,,,,\n\
               A,chp,gas CHP,1500,2500,natural_gas,5000,MWh,\n\
               A,heat_import,,,500,,,,40\n";
    let out = run_supply(inv, act, None, sup);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    let r = &out.inventories[0].inventory;
    let local = r.supply.as_ref().unwrap();
    let chp = local.rows[1].chp.unwrap();
    let heat_t = dec!(1010) * dec!(1000) / dec!(2350);
    assert_eq!(
        crate::quantity::round_for_display(chp.heat.tonnes(), 6),
        crate::quantity::round_for_display(heat_t, 6)
    );
    assert_eq!(chp.heat.checked_add(chp.electricity).unwrap().tonnes(), dec!(1010));
    // EFE = [(10 000 − 2 500) × 0.421 + CO2_CHP,E] / 10 000.
    let (_, efe, case) = local.electricity.unwrap();
    assert_eq!(case, crate::supply::EfeCase::General);
    let expected = (dec!(7500) * dec!(0.421) + (dec!(1010) - heat_t)) / dec!(10000);
    assert_eq!(
        crate::quantity::round_for_display(efe.value(), 12),
        crate::quantity::round_for_display(expected, 12)
    );
    // EFH = (CO2_CHP,H + 40) / 4 000.
    let (_, efh) = local.heat.unwrap();
    assert_eq!(
        crate::quantity::round_for_display(efh.value(), 12),
        crate::quantity::round_for_display((heat_t + dec!(40)) / dec!(4000), 12)
    );
    let e = r.factors.iter().find(|f| f.carrier == Carrier::Electricity).unwrap();
    assert_eq!(e.provenance.short(), "local factor EFE (general case)");
    // A user's electricity factor wins, with a warning.
    let out = run_supply(inv, act, Some("carrier,factor\nelectricity,0.3\n"), sup);
    let r = &out.inventories[0].inventory;
    assert_eq!(
        r.factors.iter().find(|f| f.carrier == Carrier::Electricity).unwrap().factor.value(),
        dec!(0.3)
    );
    assert!(
        r.warnings.iter().any(|w| w
            .to_string()
            .contains("local production and green purchases do not change it"))
    );
}

#[test]
fn supply_errors_are_located_in_the_supply_file() {
    let inv = "inventory_id,country,year\nA,IT,2010\n";
    let act =
        "inventory_id,sector,carrier,amount,unit\nA,residential_buildings,heat_cold,100,MWh\n";
    let sup = "inventory_id,item,electricity_mwh,heat_mwh,carrier,amount,unit,emissions_t\n\
               A,chp_plant,1,1,,,,\nA,chp,1,,,,,\nA,heat_export,,10,,,,\nA,heat_production,,10,natural_gas,5,MWh,3\n\
               A,green_purchase,5,,diesel,1,MWh,\nZ,heat_import,,1,,,,1\nA,heat_production,,10,other_fossil,5,MWh,\n";
    let m = messages(&run_supply(inv, act, None, sup));
    let expect = [
        "supply.csv:2: column 'item', value 'chp_plant': unknown item code 'chp_plant' (did you mean 'chp'?)",
        "supply.csv:3: column 'heat_mwh': the heat produced (MWh) is required for this item",
        "supply.csv:4: column 'emissions_t': the emissions of the heat imported or exported (t) is required",
        "supply.csv:5: column 'emissions_t', value '3': give either a fuel input or the emissions, not both",
        "supply.csv:6: column 'carrier', value 'diesel': item 'green_purchase' has no fuel input",
        "supply.csv:7: column 'inventory_id', value 'Z': no inventory with this id",
    ];
    for e in expect {
        assert!(m.iter().any(|x| x.starts_with(e)), "missing {e}\n{m:#?}");
    }
    // A fuel without a factor is reported at its supply line.
    let m = messages(&run_supply(
        inv,
        act,
        None,
        "inventory_id,item,heat_mwh,carrier,amount,unit\nA,heat_production,10,other_fossil,5,MWh\n",
    ));
    assert!(
        m[0].starts_with(
            "supply.csv:2: column 'carrier': no co2 emission factor for carrier 'other_fossil'"
        ),
        "{m:?}"
    );
    // Exported heat larger than the rest: a negative EFH is refused.
    let m = messages(&run_supply(
        inv,
        act,
        None,
        "inventory_id,item,heat_mwh,emissions_t\nA,heat_export,10,5\n",
    ));
    assert!(m[0].contains("the local heat factor would be negative"), "{m:?}");
}

#[test]
fn co2e_with_a_gwp_set_from_per_gas_factors() {
    let act = "inventory_id,sector,carrier,amount,unit\n\
               A,private_transport,diesel,1000,MWh\nA,residential_buildings,other_biomass,1000,MWh\n";
    let run_gwp = |gwp: &str| {
        let inv = format!("inventory_id,country,year,gases,gwp\nA,IT,2010,co2e,{gwp}\n");
        let out = run_str(&inv, act, None);
        assert!(out.errors.is_empty(), "{:?}", messages(&out));
        out.inventories[0].inventory.clone()
    };
    let cell = |inv: &Inventory, c: Carrier| {
        inv.cells.iter().find(|x| x.carrier == Some(c)).unwrap().clone()
    };
    // Diesel, AR4: (74 100 + 3 × 25 + 0.6 × 298) kg/TJ × 3.6e-6 = 0.26767368 t/MWh.
    let ar4 = run_gwp("ar4");
    assert_eq!(cell(&ar4, Carrier::Diesel).factor.unwrap().value(), dec!(0.26767368));
    assert_eq!(cell(&ar4, Carrier::Diesel).emissions.tonnes(), dec!(267.67368));
    // AR5: 74 100 + 84 + 159 = 74 343 → 267.6348 t; SAR: 74 100 + 63 + 186 → 267.6564 t.
    assert_eq!(cell(&run_gwp("ar5"), Carrier::Diesel).emissions.tonnes(), dec!(267.6348));
    assert_eq!(cell(&run_gwp("sar"), Carrier::Diesel).emissions.tonnes(), dec!(267.6564));
    // Without a GWP set: the CoM CO2-eq table (0.268).
    assert_eq!(cell(&run_gwp(""), Carrier::Diesel).emissions.tonnes(), dec!(268));
    // Sustainable wood, AR4: only CH4 and N2O, (30 × 25 + 4 × 298) × 3.6e-6 = 0.0069912; its
    // biogenic CO2, 112 000 × 3.6e-6 × 1 000 MWh = 403.2 t, is a memo item.
    let wood = cell(&ar4, Carrier::OtherBiomass);
    assert_eq!(wood.emissions.tonnes(), dec!(6.9912));
    assert_eq!(wood.biogenic_co2.unwrap().tonnes(), dec!(403.2));
    assert_eq!(ar4.biogenic_co2_memo.unwrap().tonnes(), dec!(403.2));
    assert_eq!(ar4.total_emissions.tonnes(), dec!(267.67368) + dec!(6.9912));
    let f = ar4.factors.iter().find(|f| f.carrier == Carrier::Diesel).unwrap();
    assert_eq!(f.provenance.short(), "ipcc2006-gases@2024.1 with AR4 GWP");
    // Errors: a GWP set with CO2 only, an unknown set, a release without per-gas factors.
    for (inv, expected) in [
        (
            "inventory_id,country,year,gases,gwp\nA,IT,2010,co2,ar5\n",
            "a GWP set applies to CO2-eq inventories",
        ),
        (
            "inventory_id,country,year,gases,gwp\nA,IT,2010,co2e,ar7\n",
            "unknown GWP set; expected one of ar4, ar5, ar6, sar, tar",
        ),
        (
            "inventory_id,country,year,gases,gwp,factor_set\nA,IT,2010,co2e,ar5,com-2024.1\n",
            "release com-2024.1 has no per-gas factors",
        ),
    ] {
        let m = messages(&run_str(inv, act, None));
        assert!(m[0].contains(expected), "{m:?}");
    }
}

#[test]
fn non_sustainable_biomass_counts_its_co2() {
    let inv = "inventory_id,country,year\nA,IT,2010\n";
    let act = "inventory_id,sector,carrier,amount,unit,sustainable\n\
               A,residential_buildings,other_biomass,1000,MWh,\n\
               A,residential_buildings,other_biomass,500,MWh,no\n";
    let out = run_str(inv, act, None);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    let r = &out.inventories[0].inventory;
    let cell = &r.cells[0];
    // 1 000 MWh × 0 + 500 MWh × 0.403 = 201.5 t; the effective factor is 201.5 / 1 500.
    assert_eq!(cell.emissions.tonnes(), dec!(201.5));
    assert_eq!(cell.energy.unwrap().mwh(), dec!(1500));
    assert_eq!(crate::quantity::round_for_display(cell.factor.unwrap().value(), 6), dec!(0.134333));
    // Only the sustainable part has biogenic CO2 outside the totals: 1 000 × 0.4032.
    assert_eq!(cell.biogenic_co2.unwrap().tonnes(), dec!(403.2));
    assert_eq!(r.factors.iter().filter(|f| f.carrier == Carrier::OtherBiomass).count(), 2);
    let mut buf = Vec::new();
    write_emissions(&mut buf, &out.inventories).unwrap();
    assert!(String::from_utf8(buf).unwrap().contains(",other_biomass,1500,0.134333333333333,"));
    let bad = "inventory_id,sector,carrier,amount,unit,sustainable\nA,private_transport,diesel,1,MWh,no\nA,private_transport,biofuel,1,MWh,maybe\n";
    let m = messages(&run_str(inv, bad, None));
    assert!(
        m[0].contains("column 'sustainable', value 'no'") && m[0].contains("a biomass carrier"),
        "{m:?}"
    );
    assert!(
        m[1].contains("column 'sustainable', value 'maybe': expected yes, no or empty"),
        "{m:?}"
    );
    // A release without non-sustainable factors says so.
    let old = "inventory_id,country,year,factor_set\nA,IT,2010,com-2024.1\n";
    let m = messages(&run_str(old, act, None));
    assert!(m[0].contains("no factor for non-sustainable other_biomass"), "{m:?}");
}

#[test]
fn empty_and_header_only_files() {
    assert!(messages(&run_str("", ACT, None))[0].contains("the file is empty"));
    assert!(
        messages(&run_str("inventory_id,country,year\n", ACT, None))[0].contains("no inventories")
    );
    let m = messages(&run_str(INV, "inventory_id,sector,carrier,amount,unit\n", None));
    assert!(m[0].contains("has no rows in activity.csv"), "{m:?}");
}

#[test]
fn extreme_values_give_results_and_warnings_not_panics() {
    // A baseline of 10⁻²⁰ t against 10¹⁵ t: every percentage overflows a decimal; per-capita
    // paths with 10¹⁸ inhabitants against one; a monitoring year after the target year.
    let inv = "inventory_id,country,year,kind,baseline_id,population,target_year,target_reduction_pct,target_kind\n\
               b,IT,2010,baseline,,1000000000000000000,2020,55,per_capita\n\
               m,IT,2021,monitoring,b,1,,,\n\
               a,IT,2010,baseline,,,2015,40,absolute\n\
               n,IT,2020,monitoring,a,,,,\n";
    let act = "inventory_id,sector,carrier,amount,unit\n\
               b,waste,,0.00000000000000000001,tCO2\n\
               m,waste,,1000000000000000,tCO2\n\
               a,waste,,1000,tCO2\n\
               n,waste,,700,tCO2\n";
    let out = run_str(inv, act, None);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    let m = &out.inventories[1];
    assert_eq!(m.change_vs_baseline_pct, None);
    let codes: Vec<_> = out
        .warnings
        .iter()
        .map(|w| (w.inventory_id.as_deref().unwrap_or(""), w.code, format!("{:?}", w.params)))
        .collect();
    let has = |id: &str, code: &str, param: &str| {
        codes.iter().any(|(i, c, p)| *i == id && *c == code && p.contains(param))
    };
    assert!(has("m", "percent_too_large", "change_vs_baseline_pct"), "{codes:?}");
    assert!(has("m", "percent_too_large", "change_pct"), "{codes:?}");
    assert!(has("m", "after_target_year", "2021"), "{codes:?}");
    // After its target year the path holds the target: 600 t, and 700 t is 100 t behind it.
    let n = out.inventories[3].progress.as_ref().unwrap();
    assert_eq!(
        (n.path, n.distance, n.distance_pct),
        (dec!(600), dec!(100), Some(dec!(16.666666666666667)))
    );
    assert!(has("n", "after_target_year", "2015"), "{codes:?}");
    // Written as computed, without comparisons: the same warnings.
    let input = input_str(inv, act, None);
    let (mut e, mut c) = (Vec::new(), Vec::new());
    let cells = CellTables { emissions: &mut e, crf: &mut c };
    let options = Options { cell_detail: false, threads: 1 };
    let streamed =
        crate::batch::run_streamed(input, test_catalog(), options, &mut |_| {}, cells).unwrap();
    assert_eq!(streamed.warnings, out.warnings);
}

/// The tables of every cell written while computing ([`run_streamed`]) are those written from
/// [`run_with`]'s output, on one thread or several, with rejected inventories, monitoring
/// inventories before and after their baselines, baselines that fail (a missing factor, a
/// target year before the inventory's) and parts of inventories that wait for a baseline; the
/// rest of the output is the same, without cells, factors and comparisons.
#[test]
fn streamed_tables_are_the_tables_of_the_whole_output() {
    use std::fmt::Write as _;
    let mut inv = String::from(
        "inventory_id,country,year,kind,baseline_id,population,target_year,target_reduction_pct\n",
    );
    let mut act = String::from("inventory_id,sector,carrier,amount,unit\n");
    let n = 300;
    for i in 0..n {
        // Every fifth a monitoring inventory: of the baseline before it, or (every tenth) of one
        // far later in the file; baselines 7 (mod 50) fail their target, 13 (mod 50) a factor.
        let (kind, base) = match (i % 10, i % 50) {
            (_, 8 | 14) | (5, _) => ("monitoring", format!("b{}", i - 1)),
            (0, _) if i % 20 == 0 && i + 137 < n => {
                ("monitoring", format!("b{}", i + 137 - (i + 137) % 10 + 1))
            }
            _ => ("baseline", String::new()),
        };
        let id = if kind == "baseline" { format!("b{i}") } else { format!("m{i}") };
        let target = if i % 50 == 7 { "2001,20" } else { "2030,40" };
        writeln!(inv, "{id},IT,{},{kind},{base},{},{target}", 2010 + i % 3, 1000 + i).unwrap();
        for k in 0..(3 + i % 4) {
            let carrier = match (i % 50, k) {
                (13, 0) => "other_fossil",
                (_, 0) => "electricity",
                (_, 1) => "natural_gas",
                (_, 2) => "diesel",
                _ => "heating_oil",
            };
            let sector =
                if carrier == "diesel" { "private_transport" } else { "residential_buildings" };
            // Some monitoring inventories have a cell a thousand times their baseline's (the
            // plausibility warnings compare cells).
            let amount =
                if i % 30 == 5 && k == 1 { 1000 * (100 + i * 7 + k) } else { 100 + i * 7 + k };
            writeln!(act, "{id},{sector},{carrier},{amount}.{k},{}", ["MWh", "GJ", "kWh"][k % 3])
                .unwrap();
        }
    }
    let input = || input_str(&inv, &act, None);
    let catalog = test_catalog();
    let whole = run_with(input(), catalog, Options { cell_detail: false, threads: 1 }, &mut |_| {});
    assert!(whole.inventories.len() > 200, "{:?}", messages(&whole));
    for id in ["b7", "m8", "b13", "m14"] {
        assert!(whole.rejected.iter().any(|r| r == id), "{id}: {:?}", whole.rejected);
    }
    for code in ["energy_change", "magnitude_vs_baseline"] {
        assert!(whole.warnings.iter().any(|w| w.code == code), "{code}");
    }
    let (mut emissions, mut crf) = (Vec::new(), Vec::new());
    write_emissions(&mut emissions, &whole.inventories).unwrap();
    write_crf(&mut crf, &whole.inventories).unwrap();
    for threads in [1, 2, 3] {
        let (mut e, mut c) = (Vec::new(), Vec::new());
        let options = Options { cell_detail: false, threads };
        let cells = CellTables { emissions: &mut e, crf: &mut c };
        let streamed =
            crate::batch::run_streamed(input(), catalog, options, &mut |_| {}, cells).unwrap();
        assert!(e == emissions, "emissions.csv, {threads} threads");
        assert!(c == crf, "crf.csv, {threads} threads");
        let mut shells = whole.clone();
        for r in &mut shells.inventories {
            r.inventory.cells.clear();
            r.inventory.factors.clear();
            r.comparison = None;
        }
        assert_eq!(streamed, shells, "{threads} threads");
    }
}

#[test]
fn cr_line_ends_are_line_ends_with_the_right_line_numbers() {
    let inv = INV.replace('\n', "\r");
    let act = "inventory_id,sector,carrier,amount,unit\rA,residential_buildings,natural_gas,100,MWh\rA,residential_buildings,natural_gas,x,MWh\r";
    let out = run_str(&inv, act, None);
    assert_eq!(messages(&out).len(), 1, "{:?}", messages(&out));
    assert!(
        messages(&out)[0].starts_with("activity.csv:3: column 'amount'"),
        "{:?}",
        messages(&out)
    );
    // A CR-only file far larger than the line limit is many lines, not one long line.
    let mut big = String::from("inventory_id,sector,carrier,amount,unit\r");
    while big.len() <= 3 * MAX_LINE_BYTES {
        big.push_str("A,residential_buildings,natural_gas,1,MWh\r");
    }
    let rows = big.matches('\r').count() as u64 - 1;
    let out = run_str(&inv, &big, None);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    assert_eq!(out.inventories[0].inventory.total_energy.mwh(), Decimal::from(rows));
}

#[test]
fn empty_columns_at_the_end_of_a_header_are_ignored() {
    // A common spreadsheet export: the header and rows end in empty columns.
    let inv = "inventory_id,city,country,year,population,,,\nA,Alpha,IT,2010,1000,,,\n";
    let act =
        "inventory_id,sector,carrier,amount,unit,\nA,residential_buildings,natural_gas,100,MWh,\n";
    let out = run_str(inv, act, None);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    assert!(out.warnings.iter().all(|w| w.code != "duplicate_column"));
}

#[test]
fn a_header_of_200000_unknown_columns_is_read_in_linear_time() {
    // Quadratic duplicate and unknown-column checks took 148 s here; each unknown column is
    // one warning (the list capped), found by one lookup.
    let mut inv = String::from("inventory_id,country,year");
    use crate::batch::read::columns::Column;
    let known = crate::batch::read::inventories::Inv::NAMES;
    let mut added = 0;
    for k in 0u32.. {
        // Short names (base 36), so that the header stays within the line limit.
        let name = base36(k);
        if !known.contains(&name.as_str()) {
            inv.push(',');
            inv.push_str(&name);
            added += 1;
        }
        if added == 200_000 {
            break;
        }
    }
    assert!(inv.len() < MAX_LINE_BYTES);
    inv.push_str("\nA,IT,2010");
    inv.push_str(&",".repeat(200_000));
    inv.push('\n');
    let out = run_str(&inv, ACT, None);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    let listed = out.warnings.iter().filter(|w| w.code == "unknown_column").count() as u64;
    assert!(listed > 0);
    assert_eq!(out.inventories.len(), 1);
}

#[test]
fn text_that_a_spreadsheet_would_run_as_a_formula_is_refused() {
    for (column, value) in [
        ("city", "=HYPERLINK(\"http://x\")"),
        ("city", "+1"),
        ("city", "-2+3"),
        ("city", "@SUM(A1)"),
        // Fields are trimmed: a formula behind spaces or a tab is a formula still.
        ("city", " \t=1+1"),
        ("inventory_id", "=1+1"),
    ] {
        let quoted = format!("\"{}\"", value.replace('"', "\"\""));
        let inv = if column == "city" {
            format!("inventory_id,city,country,year\nA,{quoted},IT,2010\n")
        } else {
            format!("inventory_id,city,country,year\n{quoted},x,IT,2010\n")
        };
        let out = run_str(&inv, ACT, None);
        let e = out
            .errors
            .iter()
            .find(|e| e.code == "formula_text")
            .unwrap_or_else(|| panic!("{value}: {:?}", messages(&out)));
        assert_eq!((e.line, e.column.as_deref()), (Some(2), Some(column)), "{value}");
        assert!(out.inventories.is_empty());
    }
    // A factor's source and a plant's name too; inside a text, the characters are fine.
    let fac = "carrier,factor,source\nnatural_gas,0.2,=cmd|' /C calc'!A0\n";
    let out = run_str(INV, ACT, Some(fac));
    assert!(
        out.errors
            .iter()
            .any(|e| e.code == "formula_text" && e.column.as_deref() == Some("source"))
    );
    let fac = "carrier,factor,source\nnatural_gas,0.2,IPCC 2006 = table 2.2 - v1 @ 2024\n";
    assert!(run_str(INV, ACT, Some(fac)).errors.is_empty());
}

#[test]
fn a_text_longer_than_a_spreadsheet_cell_is_refused() {
    let long = "x".repeat(MAX_TEXT_CHARS + 1);
    let inv = format!("inventory_id,city,country,year\nA,{long},IT,2010\n");
    let out = run_str(&inv, ACT, None);
    let e = out.errors.iter().find(|e| e.code == "text_too_long").unwrap();
    assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("city")));
    let ok = format!("inventory_id,city,country,year\nA,{},IT,2010\n", "é".repeat(MAX_TEXT_CHARS));
    assert!(run_str(&ok, ACT, None).errors.is_empty());
}

fn base36(mut k: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(k % 36) as usize]);
        k /= 36;
        if k == 0 {
            break;
        }
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

fn run_plan(inv: &str, act: &str, actions: &str) -> BatchOutput {
    run(
        BatchInput {
            inventories: ("inventories.csv", inv.as_bytes()),
            activity: ("activity.csv", act.as_bytes()),
            factors: None,
            supply: None,
            actions: Some(("actions.csv", actions.as_bytes())),
            crf_activity: None,
        },
        crate::factors::test_catalog(),
    )
}

const PLAN_INV: &str = "inventory_id,country,year,population,baseline_id,kind,target_year,target_reduction_pct\n\
    A,IT,2010,1000,,,2030,40\n\
    M,IT,2015,1000,A,monitoring,,\n\
    C,IT,2010,1000,,,2030,40\n";
const PLAN_ACT: &str = "inventory_id,sector,carrier,amount,unit\n\
    A,residential_buildings,natural_gas,100,MWh\n\
    M,residential_buildings,natural_gas,90,MWh\n\
    C,residential_buildings,natural_gas,100,MWh\n";
const PLAN_HEAD: &str =
    "inventory_id,action_id,title,sector,kind,carrier,to_carrier,amount,unit,start_year,end_year\n";

#[test]
fn action_plan_errors_are_located_and_reject_the_baseline() {
    let actions = format!(
        "{PLAN_HEAD}\
         Z,a1,x,residential_buildings,energy_saving,natural_gas,,1,MWh,2015,2020\n\
         M,a1,x,residential_buildings,energy_saving,natural_gas,,1,MWh,2015,2020\n\
         A,a1,x,residential_buildings,fuel_switch,natural_gas,,1,MWh,2015,2020\n\
         A,a1,x,residential_buildings,energy_saving,natural_gas,,1,MWh,2015,2020\n\
         A,a2,x,residential_buildings,saving,natural_gas,,1,MWh,2015,2020\n\
         C,c1,Boilers,residential_buildings,energy_saving,natural_gas,,10,MWh,2015,2020\n"
    );
    let out = run_plan(PLAN_INV, PLAN_ACT, &actions);
    let located: Vec<(Option<u64>, Option<&str>, &str)> = out
        .errors
        .iter()
        .filter(|e| e.file.as_deref() == Some("actions.csv"))
        .map(|e| (e.line, e.column.as_deref(), e.code))
        .collect();
    assert_eq!(
        located,
        [
            (Some(2), Some("inventory_id"), "unknown_inventory"),
            (Some(3), Some("inventory_id"), "action_on_monitoring"),
            (Some(4), Some("to_carrier"), "action_field_required"),
            (Some(5), Some("action_id"), "duplicate_action"),
            (Some(6), Some("kind"), "unknown_code"),
        ]
    );
    // A is rejected, and with it its monitoring inventory; C and its plan are computed.
    assert_eq!(out.rejected, ["A", "M"]);
    assert_eq!(out.inventories.len(), 1);
    let plan = out.inventories[0].plan.as_ref().unwrap();
    // 10 × 0.202
    assert_eq!(plan.planned_reduction_t, Some(dec!(2.02)));
}

#[test]
fn action_plan_warnings_point_at_the_action() {
    let actions = format!(
        "{PLAN_HEAD}\
         A,big,x,residential_buildings,energy_saving,natural_gas,,150,MWh,2015,2020\n\
         A,late,x,residential_buildings,energy_saving,natural_gas,,1,MWh,2031,2035\n"
    );
    let out = run_plan(PLAN_INV, PLAN_ACT, &actions);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    let w: Vec<_> = out
        .warnings
        .iter()
        .filter(|w| w.file.as_deref() == Some("actions.csv"))
        .map(|w| (w.line, w.column.as_deref(), w.code))
        .collect();
    assert_eq!(
        w,
        [
            (Some(2), Some("amount"), "action_exceeds_baseline"),
            (Some(3), Some("start_year"), "action_after_target"),
        ]
    );
    // Warnings never change a number: the same batch without the plan has the same inventories.
    let without = run_str(PLAN_INV, PLAN_ACT, None);
    let strip = |o: &BatchOutput| -> Vec<BatchInventory> {
        o.inventories
            .iter()
            .cloned()
            .map(|mut r| {
                r.plan = None;
                r
            })
            .collect()
    };
    assert_eq!(strip(&out), strip(&without));
}

#[test]
fn plan_tables_only_with_plans() {
    let actions = format!(
        "{PLAN_HEAD}A,a,\"Boilers, phase 1\",residential_buildings,energy_saving,natural_gas,,50,MWh,2020,2040\n"
    );
    let out = run_plan(PLAN_INV, PLAN_ACT, &actions);
    let render = |plans: bool, table: Table| {
        let mut buf = Vec::new();
        Tables::new(&out.inventories).with_plans(plans).write(table, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    };
    let summary = render(false, Table::Summary);
    assert!(summary.starts_with(&SUMMARY_HEADER.join(",")));
    assert!(!summary.contains("planned_reduction_t"));
    let with = render(true, Table::Summary);
    let lines: Vec<&str> = with.lines().collect();
    assert!(lines[0].ends_with(
        ",target_per_capita_t,planned_reduction_t,remaining_gap_t,remaining_gap_per_capita_t"
    ));
    // A: 20.2 t, target 12.12 t; 50 × 0.202 = 10.1 t at full effect, half of it in 2030:
    // gap 20.2 − 12.12 − 5.05 = 3.03 t; M and C have no plan.
    assert!(lines[1].ends_with(",5.05,3.03,"), "{}", lines[1]);
    assert!(lines[2].ends_with(",,,"), "{}", lines[2]);
    let plan = render(true, Table::Plan);
    assert_eq!(
        plan,
        format!(
            "{}\nA,a,\"Boilers, phase 1\",residential_buildings,energy_saving,natural_gas,,2020,2040,50,0.202,\
             com-fuels@2024.2 ipcc2006-co2,,,10.1,2030,0.5,5.05,,,\n",
            PLAN_HEADER.join(",")
        )
    );
}

/// Business as usual: 100 t in 2010 growing by 1 % of population and 1 % of activity per
/// inhabitant a year gives 100 × 1.0201² = 104.060401 t in 2012; −20 % from it: 83.2483208 t.
#[test]
fn business_as_usual_projection_target_and_plan() {
    let inv = "inventory_id,country,year,kind,baseline_id,population,target_year,target_reduction_pct,target_kind,population_growth_pct,activity_growth_pct\n\
        b,IT,2010,baseline,,1000,2012,20,bau,1,1\n\
        m,IT,2011,monitoring,b,1010,,,,,\n";
    let act = "inventory_id,sector,carrier,amount,unit\nb,waste,,100,tCO2\nm,waste,,101,tCO2\n";
    let actions = format!("{PLAN_HEAD}b,w,Waste,waste,direct_reduction,,,10,tCO2,2010,2012\n");
    let out = run_plan(inv, act, &actions);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    assert!(out.bau_columns);
    let b = &out.inventories[0];
    let t = b.target.as_ref().unwrap();
    assert_eq!(t.bau_emissions_t, Some(dec!(104.060401)));
    assert_eq!(t.emissions_t, Some(dec!(83.2483208)));
    // per inhabitant of the projected 1 000 × 1.01² = 1 020.1
    assert_eq!(t.per_capita_t, Some(dec!(0.081608)));
    let path = b.trajectory.as_ref().unwrap();
    let values: Vec<Decimal> = path.points.iter().map(|p| p.value).collect();
    // (100 × 1 + 83.2483208 × 1) / 2 in 2011
    assert_eq!(values, [dec!(100), dec!(91.6241604), dec!(83.2483208)]);
    let plan = b.plan.as_ref().unwrap();
    // The gap from the projection: 104.060401 − 83.2483208 − 10.
    assert_eq!(plan.reference_t, dec!(104.060401));
    assert_eq!(plan.remaining_gap_t, Some(dec!(10.8120802)));
    let with_plan: Vec<Decimal> = plan.path.iter().map(|p| p.value).collect();
    assert_eq!(with_plan, [dec!(100), dec!(97.01), dec!(94.060401)]);
    let mut buf = Vec::new();
    Tables::new(&out.inventories).with_bau(true).write(Table::Trajectory, &mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert!(text.contains("b,b,bau,2011,t,102.01,,,,,\n"), "{text}");
    let mut buf = Vec::new();
    Tables::new(&out.inventories).with_bau(true).write(Table::Summary, &mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    assert!(text.lines().next().unwrap().ends_with(",target_per_capita_t,bau_emissions_t"));
    assert!(text.lines().nth(1).unwrap().ends_with(",0.081608,104.060401"), "{text}");
}

#[test]
fn business_as_usual_errors() {
    let act = "inventory_id,sector,carrier,amount,unit\nb,waste,,100,tCO2\n";
    let cases = [
        ("b,IT,2010,2030,40,bau,,", "target_kind", "bau_needs_growth"),
        ("b,IT,2010,,,,1,", "population_growth_pct", "target_options_without_target"),
        ("b,IT,2010,2030,40,,-100,", "population_growth_pct", "invalid_value"),
        ("b,IT,2010,2030,40,,,1.5x", "activity_growth_pct", "invalid_number"),
    ];
    for (row, column, code) in cases {
        let inv = format!(
            "inventory_id,country,year,target_year,target_reduction_pct,target_kind,population_growth_pct,activity_growth_pct\n{row}\n"
        );
        let out = run_str(&inv, act, None);
        let got: Vec<_> = out.errors.iter().map(|e| (e.column.as_deref(), e.code)).collect();
        assert_eq!(got, [(Some(column), code)], "{row}");
    }
}

/// The Valdoro golden files with `extra` activity rows, `supply` rows and `actions` rows.
fn valdoro(extra: &str, supply: Option<&str>, actions: &str) -> BatchOutput {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/valdoro-2012");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    let inv = read("inventories.csv");
    // A `sustainable` column for the extra rows: every golden row gets an empty one.
    let act = if extra.is_empty() {
        read("activity.csv")
    } else {
        let golden = read("activity.csv").replace("\r\n", "\n");
        let mut lines = golden.lines();
        let head = format!("{},sustainable\n", lines.next().unwrap());
        let rows: String = lines.map(|l| format!("{l},\n")).collect();
        format!("{head}{rows}{extra}")
    };
    let sup = supply.map(|s| {
        format!(
            "inventory_id,item,plant,electricity_mwh,heat_mwh,carrier,amount,unit,emissions_t\n{s}"
        )
    });
    let actions = format!("{PLAN_HEAD}{actions}");
    run(
        BatchInput {
            inventories: ("inventories.csv", inv.as_bytes()),
            activity: ("activity.csv", act.as_bytes()),
            factors: None,
            supply: sup.as_deref().map(|s| ("supply.csv", s.as_bytes())),
            actions: Some(("actions.csv", actions.as_bytes())),
            crf_activity: None,
        },
        crate::factors::test_catalog(),
    )
}

/// With local production (EFE, general case) a MWh of electricity saved or produced locally
/// changes the formula's total by the national factor: the plan values it so, and recomputing
/// the baseline with the action applied gives the same difference.
#[test]
fn electricity_actions_with_a_local_factor_are_valued_as_the_formula_moves() {
    let pv = "valdoro-2012,electricity_production,PV,10000,,,,,0\n";
    let out = valdoro(
        "",
        Some(pv),
        "valdoro-2012,E1,x,tertiary_buildings,energy_saving,electricity,,1000,MWh,2015,2020\n\
         valdoro-2012,E2,x,residential_buildings,local_renewable,electricity,,5000,MWh,2015,2020\n",
    );
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    let total = |o: &BatchOutput| o.inventories[0].inventory.total_emissions.tonnes();
    let plan = out.inventories[0].plan.as_ref().unwrap();
    let got: Vec<Decimal> = plan.actions.iter().map(|a| a.reduction.tonnes()).collect();
    // 1 000 × 0.401 and 5 000 × 0.401 (NEEFE, Italy 2012), not the local EFE.
    assert_eq!(got, [dec!(401), dec!(2005)]);
    assert_eq!(
        plan.actions[0].factor.as_ref().unwrap().provenance.short(),
        "jrc-neefe@2024.1 jrc-neefe-2024-t1"
    );
    // The same differences by recomputing the baseline with each action applied.
    let saved = valdoro("", Some(pv), "").inventories.clone();
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/valdoro-2012");
    let act = std::fs::read_to_string(dir.join("activity.csv"))
        .unwrap()
        .replace("tertiary_buildings,electricity,9000", "tertiary_buildings,electricity,8000");
    let inv = std::fs::read_to_string(dir.join("inventories.csv")).unwrap();
    let sup = format!(
        "inventory_id,item,plant,electricity_mwh,heat_mwh,carrier,amount,unit,emissions_t\n{pv}"
    );
    let less = run(
        BatchInput {
            inventories: ("i", inv.as_bytes()),
            activity: ("a", act.as_bytes()),
            factors: None,
            supply: Some(("s", sup.as_bytes())),
            actions: None,
            crf_activity: None,
        },
        crate::factors::test_catalog(),
    );
    // (the recomputed totals use the EFE, rounded to 15 places: equal to 10^-6 t)
    let diff = |a: Decimal, b: Decimal| crate::quantity::round_for_display(a - b, 6);
    assert_eq!(diff(saved[0].inventory.total_emissions.tonnes(), total(&less)), dec!(401));
    let more_pv =
        valdoro("", Some(&format!("{pv}valdoro-2012,electricity_production,PV2,5000,,,,,0\n")), "");
    assert_eq!(diff(saved[0].inventory.total_emissions.tonnes(), total(&more_pv)), dec!(2005));
}

/// Non-sustainable biomass is valued at the factor its cell had; several actions on one cell
/// beyond its consumption are flagged once, at the action that goes beyond.
#[test]
fn biomass_cells_and_actions_added_up() {
    let out = valdoro(
        "valdoro-2012,residential_buildings,other_biomass,5000,MWh,no\n",
        None,
        "valdoro-2012,B1,x,residential_buildings,energy_saving,other_biomass,,1000,MWh,2015,2020\n\
         valdoro-2012,G1,x,residential_buildings,energy_saving,natural_gas,,30000,MWh,2015,2020\n\
         valdoro-2012,G2,x,residential_buildings,fuel_switch,natural_gas,biogas,20000,MWh,2015,2020\n",
    );
    let out = if out.errors.is_empty() { out } else { panic!("{:?}", messages(&out)) };
    let plan = out.inventories[0].plan.as_ref().unwrap();
    // 1 000 × 0.403 (IPCC non-sustainable wood)
    assert_eq!(plan.actions[0].reduction.tonnes(), dec!(403));
    let mut buf = Vec::new();
    Tables::new(&out.inventories).with_plans(true).write(Table::Plan, &mut buf).unwrap();
    assert!(String::from_utf8(buf).unwrap().contains("ipcc2006-co2 (non-sustainable)"));
    let w: Vec<_> = out.warnings.iter().filter(|w| w.code == "action_exceeds_baseline").collect();
    assert_eq!(w.len(), 1, "{w:?}");
    // G1 + G2 = 50 000 MWh of the 42 000 consumed, at G2's line.
    assert_eq!((w[0].line, w[0].params.get("value")), (Some(4), Some("50000")));
}

/// A target from business as usual with a target-year population: the target per inhabitant
/// and the plan's gap per inhabitant use the same population; a plan without a target says so
/// at the inventory's line.
#[test]
fn business_as_usual_one_population_and_plan_warnings() {
    let inv = "inventory_id,country,year,population,target_year,target_reduction_pct,target_kind,target_population,population_growth_pct\n\
        b,IT,2010,1000,2012,20,bau,1100,1\n\
        n,IT,2010,1000,,,,,\n";
    let act = "inventory_id,sector,carrier,amount,unit\nb,waste,,100,tCO2\nn,waste,,100,tCO2\n";
    let actions = format!(
        "{PLAN_HEAD}b,w,Waste,waste,direct_reduction,,,10,tCO2,2010,2012\n\
         n,w,Waste,waste,direct_reduction,,,10,tCO2,2010,2012\n"
    );
    let out = run_plan(inv, act, &actions);
    assert!(out.errors.is_empty(), "{:?}", messages(&out));
    let b = &out.inventories[0];
    // BAU 100 × 1.01² = 102.01; target 81.608 t; per inhabitant of 1 100: 0.07418909…
    let t = b.target.as_ref().unwrap();
    assert_eq!(t.emissions_t, Some(dec!(81.608)));
    assert_eq!(t.per_capita_t, Some(dec!(0.074189090909091)));
    let plan = b.plan.as_ref().unwrap();
    // (102.01 − 81.608 − 10) / 1 100
    assert_eq!(plan.remaining_gap_t, Some(dec!(10.402)));
    assert_eq!(plan.remaining_gap_per_capita_t, Some(dec!(0.009456363636364)));
    let w: Vec<_> = out
        .warnings
        .iter()
        .filter(|w| w.code.starts_with("plan_"))
        .map(|w| (w.file.as_deref(), w.line, w.inventory_id.as_deref(), w.code))
        .collect();
    assert_eq!(w, [(Some("inventories.csv"), Some(3), Some("n"), "plan_without_target")]);
}

fn run_crf(inv: &str, act: &str, crf: &str, actions: Option<&str>) -> BatchOutput {
    run(
        BatchInput {
            inventories: ("inventories.csv", inv.as_bytes()),
            activity: ("activity.csv", act.as_bytes()),
            factors: None,
            supply: None,
            actions: actions.map(|a| ("actions.csv", a.as_bytes())),
            crf_activity: Some(("crf_activity.csv", crf.as_bytes())),
        },
        crate::factors::test_catalog(),
    )
}

const CRF_INV: &str = "inventory_id,country,year,framework,approach,factor_set,kind,baseline_id\n\
    P,MX,2020,crf,lca,com-2024.3,,\n\
    S,IT,2010,,,,,\n\
    M,MX,2022,crf,lca,com-2024.3,monitoring,P\n";
const CRF_ACT: &str =
    "inventory_id,sector,carrier,amount,unit\nS,residential_buildings,electricity,100,MWh\n";

#[test]
fn crf_rows_are_computed_and_located() {
    let crf = "inventory_id,gpc_ref,crf_subsector,scope,fuel,amount,unit,factor_unit,ch4_factor,total_tco2e,notation_key,explanation\n\
        P,III.1.1,,,,,,,,500,,\n\
        P,,livestock,1,cattle,10,head,kg/head,60,,,\n\
        P,IV.1,,,,,,,,,NO,none in the city\n\
        M,III.1.1,,,,,,,,400,,\n";
    let out = run_crf(CRF_INV, CRF_ACT, crf, None);
    assert!(out.errors.is_empty(), "{:?}", out.errors);
    let p = &out.inventories[0];
    // 500 + 10 head × 60 kg CH4 = 0.6 t × 28 (AR5).
    assert_eq!(p.inventory.total_emissions.tonnes(), dec!(516.8));
    assert_eq!(p.inventory.crf.as_ref().unwrap().totals.basic, dec!(500));
    let m = &out.inventories[2];
    assert_eq!(m.change_vs_baseline_pct.map(|c| c.round_dp(6)), Some(dec!(-22.600619)));
}

#[test]
fn crf_errors_name_their_file_line_and_column() {
    let crf = "inventory_id,gpc_ref,crf_subsector,scope,fuel,amount,unit,factor_unit,co2_factor,total_tco2e,notation_key,explanation\n\
        P,III.1.1,,,,,,,,500,,\n\
        P,I.9.1,,,,,,,,1,,\n\
        P,,solid_waste,1,,,,,,1,,\n\
        Q,IV.1,,,,,,,,,NE,\n\
        Q,I.1.1,,,peat,5,TJ,,,,,\n\
        Q,I.1.1,,,coal,5,head,kg/TJ,94600,,,\n\
        S,I.1.1,,,,,,,,3,,\n\
        P,I.1.1,,,,1,MWh,lb/MWh,1,,,\n";
    // P has errors of its rows (found while reading); Q's rows are read but cannot be computed:
    // every error of each is reported.
    let inv = format!("{CRF_INV}Q,MX,2020,crf,lca,com-2024.3,,\n");
    let out = run_crf(&inv, CRF_ACT, crf, None);
    let got: Vec<(Option<u64>, &str, Option<&str>)> = out
        .errors
        .iter()
        .filter(|e| e.file.as_deref() == Some("crf_activity.csv"))
        .map(|e| (e.line, e.code, e.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(3), "unknown_code", Some("gpc_ref")),
            (Some(4), "crf_line_ambiguous", Some("crf_subsector")),
            (Some(5), "crf_key_needs_explanation", Some("explanation")),
            (Some(6), "crf_no_factor", Some("fuel")),
            (Some(7), "crf_unit_mismatch", Some("factor_unit")),
            (Some(8), "wrong_framework", Some("inventory_id")),
            (Some(9), "unknown_code", Some("factor_unit")),
        ]
    );
    assert!(out.rejected.contains(&"P".to_string()) && out.rejected.contains(&"Q".to_string()));
}

#[test]
fn frameworks_do_not_mix() {
    // SECAP rows for a CRF inventory, a CRF baseline for a SECAP monitoring inventory, a plan
    // for a CRF baseline.
    let inv = "inventory_id,country,year,framework,approach,kind,baseline_id\n\
        P,MX,2020,crf,lca,,\n\
        S,MX,2022,,lca,monitoring,P\n\
        Q,MX,2020,crf,ipcc,,\n";
    let act = "inventory_id,sector,carrier,amount,unit\nP,residential_buildings,electricity,1,MWh\nS,waste,,1,tCO2\n";
    let crf = "inventory_id,gpc_ref,total_tco2e\nP,III.1.1,5\nQ,III.1.1,5\n";
    let actions = "inventory_id,action_id,title,sector,kind,amount,unit,start_year,end_year\n\
        Q,A1,x,waste,direct_reduction,1,tCO2e,2021,2025\n";
    let out = run_crf(inv, act, crf, Some(actions));
    let got: Vec<(&str, Option<u64>, &str)> =
        out.errors.iter().map(|e| (e.file.as_deref().unwrap_or(""), e.line, e.code)).collect();
    assert!(got.contains(&("activity.csv", Some(2), "wrong_framework")), "{got:?}");
    assert!(got.contains(&("inventories.csv", Some(3), "baseline_framework")), "{got:?}");
    assert!(got.contains(&("actions.csv", Some(2), "wrong_framework")), "{got:?}");
    // `gases = co2` is refused for a CRF inventory.
    let out = run_crf(
        "inventory_id,country,year,framework,gases\nP,MX,2020,crf,co2\n",
        CRF_ACT,
        "inventory_id,gpc_ref,total_tco2e\nP,III.1.1,5\n",
        None,
    );
    assert_eq!(out.errors[0].code, "crf_needs_co2e");
}
