//! The writer against the template's facts, write → read round trips, and the reader on every
//! variant it tolerates and on malformed input.

// A failed unwrap here is a failed test; the hand-made workbooks write spreadsheet numbers.
#![allow(clippy::unwrap_used, clippy::disallowed_types)]

use std::io::{Cursor, Read as _, Write as _};

use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Formula, Workbook as XlsxWorkbook};

use super::finding::FindingKind;
use super::layout::*;
use super::model::*;
use super::read::{ReadError, read_workbook};
use super::write::write_workbook;
use crate::crf::NotationKey;
use crate::error::kinds::Severity;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A workbook with something in every kind of cell.
fn sample() -> Workbook {
    let mut wb = Workbook { year: Some(2015), ..Workbook::default() };
    wb.set_meta(MetaField::CityName, "Sampleville");
    wb.set_meta(MetaField::Country, "Italy");
    wb.set_meta(MetaField::InventoryYear, "2015");
    wb.set_meta(MetaField::Population, "8604");
    wb.set_meta(MetaField::Gwp, "AR5");
    wb.set_meta(MetaField::Version, "1.0");
    for line in SummaryLine::ALL {
        let mut r = SummaryRow::template(*line);
        if *line == SummaryLine::Residential {
            r.direct = Entry::value(d("9525342.6288944"));
            r.indirect = Entry::value(d("0.1"));
            r.outside = Entry::key(NotationKey::NotEstimated);
            r.comment = Some("T&D losses not estimated".into());
        }
        if *line == SummaryLine::TotalEmissions {
            r.direct = Entry::value(d("9525342.6288944"));
            r.indirect = Entry::value(d("0.1"));
        }
        wb.summary.push(r);
    }
    let mut a = DetailRow::new(
        Some("I.1.1"),
        "Stationary energy",
        "Residential Buildings",
        ScopeLabel::Direct,
    );
    a.fuel = Some("Natural gas".into());
    a.activity_amount = Some(d("123688000800"));
    a.activity_unit = Some("MJ".into());
    a.ef_unit = Some("gCO₂e/MJ".into());
    a.ef_co2 = Some(d("56.1"));
    a.ef_ch4 = Some(d("0.001"));
    a.ef_n2o = Some(d("0.0001"));
    a.ef_co2e = Some(d("56.1011"));
    a.ef_year = Some("2006".into());
    a.ghg_total = Some(d("6939032.9016809"));
    a.conv_value = Some("3.6".into());
    let mut b = a.clone();
    b.fuel = Some("Diesel oil".into());
    b.gpc_ref = None;
    let mut c =
        DetailRow::new(None, "Transportation", "On-road > Passenger car", ScopeLabel::Direct);
    c.ghg_total = Some(d("-12.5"));
    c.key = None;
    let e = DetailRow::new(Some("X.9"), "Other", "Somewhere", ScopeLabel::Outside);
    wb.detail = vec![c, a, e, b];
    wb
}

/// What reading the written workbook gives: the rows as written, numbered from row 2.
fn as_read(mut wb: Workbook) -> Workbook {
    wb.detail = wb.detail_as_written();
    for (i, r) in wb.detail.iter_mut().enumerate() {
        r.row = u32::try_from(i).unwrap() + 2;
    }
    wb
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<&[u8]>> {
    Xlsx::new(Cursor::new(bytes)).unwrap()
}

fn range(x: &mut Xlsx<Cursor<&[u8]>>, s: Sheet) -> calamine::Range<Data> {
    x.worksheet_range(s.name()).unwrap()
}

fn text_at(r: &calamine::Range<Data>, row: u32, col: u16) -> String {
    match r.get_value((row, u32::from(col))) {
        Some(Data::String(s)) => s.clone(),
        other => format!("{other:?}"),
    }
}

#[test]
fn the_written_workbook_has_the_templates_layout() {
    let bytes = write_workbook(&sample()).unwrap();
    let mut x = open(&bytes);
    assert_eq!(x.sheet_names(), ["eCRF_1", "eCRF_2", "eCRF_3"]);

    // eCRF_1: every label, the sections and their merged ranges.
    let r = range(&mut x, Sheet::Meta);
    for f in MetaField::ALL {
        assert_eq!(text_at(&r, f.row() - 1, META_LABEL_COL), f.label(), "{f:?}");
    }
    assert_eq!(text_at(&r, 12, 1), "GDP (US$) of economic activity within city  boundary");
    assert_eq!(text_at(&r, 19, 1), "Global Warming Potential ");
    assert_eq!(text_at(&r, 20, 1), "Please explain your choice of GWP \n(if not AR4 or AR5)");
    for s in MetaSection::ALL {
        assert_eq!(text_at(&r, s.range().first_row, 0), s.label());
    }
    // Numbers as numbers, other texts as texts.
    assert_eq!(r.get_value((11, 2)), Some(&Data::Float(8604.0)));
    assert_eq!(text_at(&r, 31, 2), "1.0");
    let merged = |x: &mut Xlsx<Cursor<&[u8]>>, s: Sheet| -> Vec<String> {
        let mut v: Vec<String> = x
            .merge_cells_by_sheet_name(s.name())
            .unwrap()
            .iter()
            .map(|dim| {
                let r = Range {
                    first_row: dim.start.0,
                    first_col: u16::try_from(dim.start.1).unwrap(),
                    last_row: dim.end.0,
                    last_col: u16::try_from(dim.end.1).unwrap(),
                };
                r.a1()
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(merged(&mut x, Sheet::Meta), ["A17:A28", "A29:A34", "A2:A16"]);
    assert_eq!(
        merged(&mut x, Sheet::Summary),
        ["A1:H1", "A2:A3", "B2:C2", "D2:E2", "F2:G2", "H2:H3"]
    );
    assert!(merged(&mut x, Sheet::Detail).is_empty());

    // eCRF_2: the year as a number, the headers, every line, the fixed cells.
    let r = range(&mut x, Sheet::Summary);
    assert_eq!(r.get_value((0, 0)), Some(&Data::Float(2015.0)));
    for h in &SUMMARY_HEADERS {
        assert_eq!(text_at(&r, h.range.first_row, h.range.first_col), h.text);
    }
    assert!(SUMMARY_HEADERS[4].text.ends_with('\u{a0}'));
    assert!(SUMMARY_HEADERS[3].text.ends_with(' '));
    for l in SummaryLine::ALL {
        assert_eq!(text_at(&r, l.row() - 1, 0), l.label());
    }
    let mut fixed = Vec::new();
    for row in 3..34u32 {
        for col in [2u16, 4, 6] {
            if let Some(Data::String(s)) = r.get_value((row, u32::from(col))) {
                fixed.push(format!("{}={s}", cell_name(row, col)));
            }
        }
    }
    let expected = [
        "G4=NE", "C6=IE", "E6=IE", "G6=IE", "E9=NE", "G9=NE", "E22=NE", "G22=NE", "E23=NE",
        "G23=NE", "E25=NE", "G25=NE", "E26=NE", "G26=NE", "E27=NE", "G27=NE",
    ];
    assert_eq!(fixed, expected);
    assert_eq!(text_at(&r, 5, 7), INSTITUTIONAL_IE_COMMENT);
    // Totals in t, written (row 34 included), as numbers.
    assert_eq!(r.get_value((3, 1)), Some(&Data::Float(9525342.6288944)));
    assert_eq!(r.get_value((33, 1)), Some(&Data::Float(9525342.6288944)));
    assert_eq!(r.get_value((33, 3)), Some(&Data::Float(0.1)));

    // eCRF_3: the headers, the year in column A, the template's rows in order with the data
    // rows below theirs, NE in the rows without data.
    let r = range(&mut x, Sheet::Detail);
    for c in DetailColumn::ALL {
        assert_eq!(text_at(&r, 0, c.col()), c.label());
    }
    let rows = sample().detail_as_written();
    assert_eq!(rows.len(), 67 - 2 + 4);
    assert_eq!(r.height(), rows.len() + 1);
    for row in 1..=rows.len() {
        let row = u32::try_from(row).unwrap();
        assert_eq!(r.get_value((row, 0)), Some(&Data::Float(2015.0)));
    }
    // Template row 2 (I.1.1) holds the two natural-gas and diesel rows.
    assert_eq!(text_at(&r, 1, 5), "Natural gas");
    assert_eq!(text_at(&r, 2, 5), "Diesel oil");
    assert_eq!(r.get_value((2, 1)), Some(&Data::Empty));
    assert_eq!(r.get_value((1, 7)), Some(&Data::Float(123688000800.0)));
    assert_eq!(text_at(&r, 3, 1), "I.1.2");
    assert_eq!(text_at(&r, 3, 6), "NE");
    let on_road = rows.iter().position(|x| x.subsector == "On-road > Passenger car").unwrap();
    assert_eq!(rows[on_road - 1].gpc_ref, None);
    assert_eq!(rows[on_road + 1].gpc_ref.as_deref(), Some("II.1.2"));
    assert_eq!(rows.last().unwrap().gpc_ref.as_deref(), Some("X.9"));
    let t =
        rows.iter().skip(on_road + 1).take(100).filter(|r| r.gpc_ref.as_deref() == Some("VI.1"));
    assert_eq!(t.count(), 1);
    // The blank template has "Please select" without a year.
    let blank = write_workbook(&Workbook::default()).unwrap();
    let mut x = open(&blank);
    let r = range(&mut x, Sheet::Summary);
    assert_eq!(text_at(&r, 0, 0), YEAR_PLACEHOLDER);
    let r = range(&mut x, Sheet::Detail);
    assert_eq!(r.height(), 68);
    for (i, t) in DETAIL_ROWS.iter().enumerate() {
        let row = u32::try_from(i).unwrap() + 1;
        assert_eq!(text_at(&r, row, 0), YEAR_PLACEHOLDER);
        match t.gpc_ref {
            Some(g) => assert_eq!(text_at(&r, row, 1), g),
            None => assert_eq!(r.get_value((row, 1)), Some(&Data::Empty)),
        }
        assert_eq!(text_at(&r, row, 2), t.sector);
        assert_eq!(text_at(&r, row, 3), t.subsector);
        assert_eq!(text_at(&r, row, 4), t.scope.label());
        assert_eq!(text_at(&r, row, 6), "NE");
    }
}

#[test]
fn write_then_read_gives_the_workbook_back() {
    let wb = as_read(sample());
    let bytes = write_workbook(&wb).unwrap();
    let (back, findings) = read_workbook(&bytes).unwrap();
    assert_eq!(findings, []);
    assert_eq!(back, wb);
    // Writing what was read gives the same bytes.
    assert_eq!(write_workbook(&back).unwrap(), bytes);
    // A line without its explanation is reported at its key cell.
    let mut wb = wb;
    wb.summary[0].comment = None;
    let (_, findings) = read_workbook(&write_workbook(&wb).unwrap()).unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].kind, FindingKind::KeyWithoutExplanation { key: "NE" });
    assert_eq!((findings[0].sheet, findings[0].cell.as_str()), (Sheet::Summary, "G4"));
    assert_eq!(findings[0].severity(), Severity::Warning);
}

// ---------------------------------------------------------------------------------------------
// Hand-made workbooks

#[derive(Clone)]
enum C {
    S(&'static str),
    N(f64),
    F(&'static str, &'static str),
}

/// A workbook of sheets given cell by cell (0-based rows and columns).
/// A sheet: its name and its cells.
type SheetCells<'a> = (&'a str, Vec<(u32, u16, C)>);

fn build(sheets: &[SheetCells<'_>], names: &[(&str, &str)]) -> Vec<u8> {
    let mut wb = XlsxWorkbook::new();
    for (name, cells) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, c, v) in cells {
            match v {
                C::S(s) => ws.write_string(*r, *c, *s).map(|_| ()),
                C::N(n) => ws.write_number(*r, *c, *n).map(|_| ()),
                C::F(f, cached) => {
                    ws.write_formula(*r, *c, Formula::new(*f).set_result(*cached)).map(|_| ())
                }
            }
            .unwrap();
        }
    }
    for (n, f) in names {
        wb.define_name(*n, f).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

fn meta_sheet(label: &'static str, value: C) -> (&'static str, Vec<(u32, u16, C)>) {
    ("eCRF_1", vec![(0, 0, C::S("Boundary")), (1, 1, C::S(label)), (1, 2, value)])
}

fn detail_headers(
    order: &[DetailColumn],
    text: impl Fn(DetailColumn) -> &'static str,
) -> Vec<(u32, u16, C)> {
    order.iter().enumerate().map(|(i, c)| (0, u16::try_from(i).unwrap(), C::S(text(*c)))).collect()
}

fn detail_sheet(rows: Vec<(u32, u16, C)>) -> (&'static str, Vec<(u32, u16, C)>) {
    let mut cells = detail_headers(DetailColumn::ALL, DetailColumn::label);
    cells.extend(rows);
    ("eCRF_3", cells)
}

fn summary_sheet(rows: Vec<(u32, u16, C)>) -> (&'static str, Vec<(u32, u16, C)>) {
    let mut cells: Vec<(u32, u16, C)> = SUMMARY_HEADERS
        .iter()
        .map(|h| (h.range.first_row, h.range.first_col, C::S(h.text)))
        .collect();
    cells.extend(rows);
    ("eCRF_2", cells)
}

fn codes(f: &[super::Finding]) -> Vec<(String, &'static str)> {
    f.iter().map(|f| (format!("{}!{}", f.sheet, f.cell), f.code())).collect()
}

#[test]
fn labels_in_another_case_with_other_spaces_are_read() {
    let bytes = build(
        &[
            (
                "eCRF_1",
                vec![
                    (1, 1, C::S("  name OF city ")),
                    (1, 2, C::S(" Sampleville\u{a0}")),
                    (12, 1, C::S("GDP (US$) of economic activity within city boundary")),
                    (12, 2, C::N(1.5e9)),
                    (19, 1, C::S("GLOBAL\u{a0}WARMING POTENTIAL\n")),
                    (19, 2, C::S("AR5")),
                    (20, 1, C::S("Please explain your choice of GWP (if not AR4 or AR5)")),
                    (20, 2, C::S("-")),
                ],
            ),
            summary_sheet(vec![
                (0, 0, C::S("Please select")),
                (3, 0, C::S("stationary energy >  residential buildings\u{a0}")),
                (3, 1, C::N(1.25)),
                (22, 0, C::S("IPPU > Product use")),
                (22, 1, C::N(2.0)),
            ]),
            detail_sheet(vec![
                (1, 2, C::S("Stationary energy")),
                (1, 3, C::S("Agriculture")),
                (1, 4, C::S("direct EMISSIONS ")),
            ]),
        ],
        &[],
    );
    let (wb, findings) = read_workbook(&bytes).unwrap();
    assert_eq!(findings, []);
    assert_eq!(
        wb.meta,
        [
            (MetaField::CityName, "Sampleville".to_string()),
            (MetaField::Gdp, "1500000000".to_string()),
            (MetaField::Gwp, "AR5".to_string()),
            (MetaField::GwpExplanation, "-".to_string()),
        ]
    );
    assert_eq!(wb.year, None);
    assert_eq!(wb.summary.len(), 2);
    assert_eq!(wb.summary[0].line, SummaryLine::Residential);
    assert_eq!(wb.summary[0].direct.value, Some(d("1.25")));
    assert_eq!(wb.summary[1].line, SummaryLine::ProductUse);
    assert_eq!(wb.detail[0].scope, Some(ScopeLabel::Direct));
}

#[test]
fn misspelt_and_unknown_labels_are_reported() {
    let bytes = build(
        &[
            meta_sheet("Name of ctiy", C::S("X")),
            summary_sheet(vec![
                (3, 0, C::S("Stationary energy > Residental buildings")),
                (3, 1, C::N(1.0)),
                (4, 0, C::S("Trees")),
                (4, 1, C::N(2.0)),
                (5, 0, C::S("Stationary energy > Residential buildings")),
                (5, 1, C::N(3.0)),
            ]),
            detail_sheet(vec![]),
        ],
        &[],
    );
    let (wb, findings) = read_workbook(&bytes).unwrap();
    assert_eq!(
        codes(&findings),
        [
            ("eCRF_1!B2".into(), "ecrf_label_variant"),
            ("eCRF_2!A4".into(), "ecrf_label_variant"),
            ("eCRF_2!A5".into(), "ecrf_unknown_label"),
            ("eCRF_2!A6".into(), "ecrf_duplicate_label"),
        ]
    );
    assert_eq!(wb.meta, [(MetaField::CityName, "X".to_string())]);
    assert_eq!(wb.summary.len(), 1);
    assert_eq!(wb.summary[0].direct.value, Some(d("1")));
    assert_eq!(
        findings[1].to_string(),
        "'Stationary energy > Residental buildings' is read as the template's 'Stationary energy > Residential buildings'"
    );
    assert_eq!(findings[3].params().get("first"), Some("A4"));
}

#[test]
fn paths_empty_references_and_reordered_columns_with_variant_headers() {
    // The columns in reverse order, with the S8 variants of two headers.
    let mut order: Vec<DetailColumn> = DetailColumn::ALL.to_vec();
    order.reverse();
    let header = |c: DetailColumn| match c {
        DetailColumn::EfOxidation => "Oxidation factor",
        DetailColumn::ActivityDescription => "Activity data - Description",
        c => c.label(),
    };
    let col = |c: DetailColumn| u16::try_from(order.iter().position(|x| *x == c).unwrap()).unwrap();
    let mut cells = detail_headers(&order, header);
    cells.extend([
        (1, col(DetailColumn::Year), C::N(2015.0)),
        (1, col(DetailColumn::GpcRef), C::S("  ")),
        (1, col(DetailColumn::Sector), C::S("Transportation")),
        (1, col(DetailColumn::Subsector), C::S("On-road > Passenger car")),
        (1, col(DetailColumn::Scope), C::S("Direct emissions")),
        (1, col(DetailColumn::EfOxidation), C::N(1.0)),
        (1, col(DetailColumn::ActivityDescription), C::S("survey")),
        (1, col(DetailColumn::GhgTotal), C::F("=1+2", "3")),
        (2, col(DetailColumn::Year), C::S("Please select")),
        (3, col(DetailColumn::Year), C::N(2015.0)),
        (3, col(DetailColumn::Sector), C::S("Waste")),
        (
            3,
            col(DetailColumn::Subsector),
            C::S("Incineration and open burning > Municipal solid waste"),
        ),
        (3, col(DetailColumn::Scope), C::S("Outside city boundary")),
        (3, col(DetailColumn::Key), C::S(" ne ")),
    ]);
    let bytes = build(
        &[("Notes", vec![(0, 0, C::S("x"))]), ("eCRF_3", cells), ("Extra", vec![])],
        &[("SumTolerance", "=0.005"), ("RoundFactorShort", "=3")],
    );
    let (wb, findings) = read_workbook(&bytes).unwrap();
    assert_eq!(
        codes(&findings),
        [("eCRF_1!A1".into(), "ecrf_missing_sheet"), ("eCRF_2!A1".into(), "ecrf_missing_sheet")]
    );
    assert_eq!(wb.year, Some(2015));
    assert_eq!(wb.detail.len(), 2);
    let r = &wb.detail[0];
    assert_eq!(
        (r.row, r.gpc_ref.as_deref(), r.subsector.as_str()),
        (2, None, "On-road > Passenger car")
    );
    assert_eq!(r.ef_oxidation, Some(d("1")));
    assert_eq!(r.activity_description.as_deref(), Some("survey"));
    assert_eq!(r.ghg_total, Some(d("3")));
    let r = &wb.detail[1];
    assert_eq!(r.row, 4);
    assert_eq!(r.key, Some(NotationKey::NotEstimated));
    assert_eq!(r.subsector, "Incineration and open burning > Municipal solid waste");
    assert_eq!(r.scope, Some(ScopeLabel::Outside));
}

#[test]
fn numbers_stored_as_text_are_read_and_reported_other_text_is_an_error() {
    let bytes = build(
        &[
            meta_sheet("Name of city", C::S("X")),
            summary_sheet(vec![
                (0, 0, C::N(2015.0)),
                (3, 0, C::S("Stationary energy > Residential buildings")),
                (3, 1, C::S("9525342.6288944")),
                (3, 3, C::S("n/a")),
                (3, 5, C::S("1e5")),
                (4, 0, C::S("Stationary energy > Commercial buildings & facilities")),
                (4, 1, C::S("123456789012345678901234567890")),
                (4, 2, C::S("NA")),
                (4, 4, C::N(0.0)),
                (4, 7, C::S("explained")),
            ]),
            detail_sheet(vec![
                (1, 0, C::S("15")),
                (1, 2, C::S("Waste")),
                (1, 3, C::S("Wastewater")),
                (1, 4, C::S("Scope 4")),
                (1, 7, C::S(" 1234.5\u{a0}")),
                (1, 13, C::S("1,5")),
                (2, 0, C::N(2016.0)),
                (2, 2, C::S("Waste")),
                (2, 3, C::S("Wastewater")),
                (2, 4, C::S("")),
                (2, 5, C::S("x")),
            ]),
        ],
        &[],
    );
    let (wb, findings) = read_workbook(&bytes).unwrap();
    assert_eq!(
        codes(&findings),
        [
            ("eCRF_2!B4".into(), "ecrf_number_as_text"),
            ("eCRF_2!D4".into(), "ecrf_not_a_number"),
            ("eCRF_2!F4".into(), "ecrf_not_a_number"),
            ("eCRF_2!B5".into(), "ecrf_number_out_of_range"),
            ("eCRF_2!C5".into(), "ecrf_unknown_notation_key"),
            ("eCRF_2!E5".into(), "ecrf_unknown_notation_key"),
            ("eCRF_3!A2".into(), "ecrf_invalid_year"),
            ("eCRF_3!E2".into(), "ecrf_unknown_scope"),
            ("eCRF_3!H2".into(), "ecrf_number_as_text"),
            ("eCRF_3!N2".into(), "ecrf_not_a_number"),
            ("eCRF_3!A3".into(), "ecrf_year_mismatch"),
            ("eCRF_3!E3".into(), "ecrf_unknown_scope"),
        ]
    );
    let sev: Vec<Severity> = findings.iter().map(|f| f.severity()).collect();
    assert_eq!(sev[0], Severity::Warning);
    assert_eq!(sev[1], Severity::Error);
    assert_eq!(findings[4].params().get("value"), Some("NA"));
    assert_eq!(wb.year, Some(2015));
    assert_eq!(wb.summary[0].direct.value, Some(d("9525342.6288944")));
    assert_eq!(wb.summary[0].indirect.value, None);
    assert_eq!(wb.summary[1].direct, Entry::default());
    assert_eq!(wb.detail[0].activity_amount, Some(d("1234.5")));
    assert_eq!(wb.detail[0].scope, None);
    assert_eq!(wb.detail[1].fuel.as_deref(), Some("x"));
    assert_eq!(
        findings[0].to_string(),
        "the number '9525342.6288944' is stored as text: it is read, but store it as a number so that the spreadsheet computes with it"
    );
}

#[test]
fn missing_sheets_and_headers() {
    let only_meta = build(&[meta_sheet("Name of city", C::S("X"))], &[]);
    assert!(matches!(
        read_workbook(&only_meta),
        Err(ReadError::MissingSheet { sheet: "eCRF_3", .. })
    ));
    let mut cells = detail_headers(DetailColumn::ALL, DetailColumn::label);
    cells.retain(|(_, c, _)| *c != DetailColumn::Scope.col());
    let e = read_workbook(&build(&[("eCRF_3", cells)], &[])).unwrap_err();
    assert_eq!(e, ReadError::MissingHeader { header: "Scope" });
    assert_eq!(e.code(), "ecrf_missing_required_header");
    let mut cells = detail_headers(DetailColumn::ALL, DetailColumn::label);
    cells.retain(|(_, c, _)| *c != DetailColumn::ConvOverride.col());
    cells.push((0, 40, C::S("Comments")));
    let (_, findings) = read_workbook(&build(&[("ecrf_3", cells)], &[])).unwrap();
    assert_eq!(
        codes(&findings)[2..],
        [("eCRF_3!AO1".into(), "ecrf_unknown_label"), ("eCRF_3!AG1".into(), "ecrf_missing_header")]
    );
}

// ---------------------------------------------------------------------------------------------
// Malformed input

/// The entries of an archive, one replaced.
fn patch(bytes: &[u8], name: &str, f: impl Fn(String) -> String) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let n = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if n == name {
            data = f(String::from_utf8(data).unwrap()).into_bytes();
        }
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        out.start_file(n, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn malformed_input_is_an_error_never_a_panic() {
    assert!(matches!(read_workbook(b""), Err(ReadError::NotAWorkbook { .. })));
    assert!(matches!(read_workbook(b"PK\x03\x04 not really"), Err(ReadError::NotAWorkbook { .. })));
    assert!(matches!(
        read_workbook(&vec![0u8; super::read::MAX_BYTES + 1]),
        Err(ReadError::TooLarge { .. })
    ));
    let good = write_workbook(&as_read(sample())).unwrap();
    // Every truncation of a real workbook.
    for len in (0..good.len()).step_by(97) {
        let _ = read_workbook(&good[..len]);
    }
    // A byte flipped here and there.
    for at in (0..good.len()).step_by(131) {
        let mut bad = good.clone();
        bad[at] ^= 0x5a;
        let _ = read_workbook(&bad);
    }
    // A 40,000-character cell (more than a spreadsheet allows) as a label, a number and a text.
    let marker = "MARKER_FOR_A_LONG_CELL";
    let wb = build(
        &[
            summary_sheet(vec![(3, 0, C::S(marker))]),
            detail_sheet(vec![
                (1, 2, C::S(marker)),
                (1, 3, C::S("x")),
                (1, 4, C::S("Direct emissions")),
                (1, 7, C::S(marker)),
            ]),
        ],
        &[],
    );
    let long = "9".repeat(40_000);
    let wb = patch(&wb, "xl/sharedStrings.xml", |s| s.replace(marker, &long));
    let (read, findings) = read_workbook(&wb).unwrap();
    assert_eq!(read.detail[0].sector.len(), 40_000);
    assert_eq!(
        codes(&findings),
        [
            ("eCRF_1!A1".into(), "ecrf_missing_sheet"),
            ("eCRF_2!A4".into(), "ecrf_unknown_label"),
            ("eCRF_3!H2".into(), "ecrf_number_out_of_range"),
        ]
    );
    for f in &findings {
        assert!(f.to_string().len() < 400, "{f}");
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn decimal() -> impl Strategy<Value = Decimal> {
        // At most 15 significant digits: what a spreadsheet's f64 gives back exactly.
        (-999_999_999_999_999i64..=999_999_999_999_999, 0u32..=12)
            .prop_map(|(m, s)| Decimal::new(m, s))
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[A-Za-z0-9][A-Za-z0-9 .,&/()>-]{0,30}[A-Za-z0-9)]",
            "[a-zé€ü₂]{1,10}",
            Just("On-road > Passenger car".to_string()),
            Just("=1+2".to_string()),
            Just("9525342.6288944".to_string()),
            Just("NE".to_string()),
            Just("line\nbreak".to_string()),
        ]
    }

    fn key() -> impl Strategy<Value = Option<NotationKey>> {
        prop::option::of(prop::sample::select(NotationKey::ALL.to_vec()))
    }

    fn entry() -> impl Strategy<Value = Entry> {
        (prop::option::of(decimal()), key()).prop_map(|(value, key)| Entry { value, key })
    }

    fn opt_text() -> impl Strategy<Value = Option<String>> {
        prop::option::of(text())
    }

    fn detail_row() -> impl Strategy<Value = DetailRow> {
        let t = prop::sample::select(DETAIL_ROWS.to_vec());
        let numbers = prop::collection::vec(prop::option::of(decimal()), 12);
        let texts = prop::collection::vec(opt_text(), 16);
        (t, prop::bool::ANY, opt_text(), key(), numbers, texts, prop::bool::ANY).prop_map(
            |(t, path, sub, key, numbers, texts, foreign)| {
                let mut r = DetailRow::from_template(&t);
                r.key = key;
                if let (true, Some(s)) = (path, sub) {
                    r.subsector = format!("{} > {s}", r.subsector);
                }
                if foreign {
                    r.sector = "Other".into();
                }
                let (mut n, mut x) = (numbers.into_iter(), texts.into_iter());
                for c in DetailColumn::ALL {
                    if let Some(slot) = r.number_mut(*c) {
                        *slot = n.next().flatten();
                    } else if let Some(slot) = r.text_mut(*c) {
                        let v = x.next().flatten();
                        if *c != DetailColumn::GpcRef {
                            *slot = v;
                        }
                    }
                }
                r
            },
        )
    }

    fn workbook() -> impl Strategy<Value = Workbook> {
        let meta = prop::collection::vec(
            prop::option::of(prop_oneof![text(), (0u32..1_000_000).prop_map(|n| n.to_string())]),
            34,
        );
        let summary = prop::collection::vec((entry(), entry(), entry(), opt_text()), 31);
        (
            meta,
            prop::option::of(1900i32..=2100),
            summary,
            prop::collection::vec(detail_row(), 0..40),
        )
            .prop_map(|(meta, year, summary, detail)| {
                let meta = MetaField::ALL
                    .iter()
                    .zip(meta)
                    .filter_map(|(f, v)| v.map(|v| (*f, v)))
                    .collect();
                let summary = SummaryLine::ALL
                    .iter()
                    .zip(summary)
                    .map(|(l, (direct, indirect, outside, comment))| SummaryRow {
                        line: *l,
                        direct,
                        indirect,
                        outside,
                        comment,
                    })
                    .collect();
                as_read(Workbook { meta, year, summary, detail })
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn write_then_read_is_the_identity(wb in workbook()) {
            let bytes = write_workbook(&wb).unwrap();
            let (back, findings) = read_workbook(&bytes).unwrap();
            prop_assert_eq!(&back, &wb);
            // Only the keys without an explanation are reported.
            for f in &findings {
                prop_assert_eq!(f.code(), "ecrf_key_without_explanation");
            }
            prop_assert_eq!(as_read(back.clone()), back);
        }

        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
            let _ = read_workbook(&bytes);
            let mut zipped = b"PK\x03\x04".to_vec();
            zipped.extend(&bytes);
            let _ = read_workbook(&zipped);
        }
    }
}
