//! Unit tests of the factor catalogue.

use super::*;
use crate::country::Country;
use crate::error::MissingReason;
use crate::taxonomy::{Approach, Carrier, GasBasis};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn c(s: &str) -> Country {
    Country::parse(s).unwrap()
}

#[test]
fn embedded_catalog_parses() {
    let cat = test_catalog();
    let r = cat.newest();
    assert_eq!(r.id(), "com-2024.4");
    assert_eq!(r.electricity().records().len(), 5127);
    assert_eq!(r.partner_grid().records().len(), 1521);
    assert!(!r.partner_grid().is_com());
    assert_eq!(r.gwp().len(), 5);
}

#[test]
fn neefe_oracles() {
    let r = test_catalog().newest();
    let get =
        |cc, y, a, g| r.factor(Carrier::Electricity, c(cc), y, a, g).unwrap().1.factor.value();
    // methodology-2 N1 and N2 (3-decimal rounding of the XLSX values).
    assert_eq!(get("IT", 2005, Approach::Ipcc, GasBasis::Co2), dec!(0.497));
    assert_eq!(get("DE", 2010, Approach::Lca, GasBasis::Co2e), dec!(0.590));
    assert_eq!(get("GR", 2010, Approach::Ipcc, GasBasis::Co2), dec!(0.833));
    assert_eq!(get("ES", 2019, Approach::Ipcc, GasBasis::Co2), dec!(0.232));
    // JRC's EL/UK are stored under ISO GR/GB; GB 2020 only exists on the IEA basis.
    assert_eq!(get("GB", 2019, Approach::Ipcc, GasBasis::Co2), dec!(0.241));
    assert_eq!(get("GB", 2020, Approach::Ipcc, GasBasis::Co2), dec!(0.214));
    assert!(get("UA", 2020, Approach::Ipcc, GasBasis::Co2e).to_string().len() > 2);
}

#[test]
fn official_partner_factors_serve_the_ipcc_approach() {
    let r = test_catalog().newest();
    let ipcc = |cc, y| r.factor(Carrier::Electricity, c(cc), y, Approach::Ipcc, GasBasis::Co2);
    // Brazil 2015: MCTI's SIN average factor (mean of the 12 monthly factors, 1.4933 / 12).
    let (set, rec) = ipcc("BR", 2015).unwrap();
    assert_eq!(set.id().to_string(), "partner-grid@2026.2");
    assert!(!set.is_com());
    assert_eq!(rec.factor.value(), dec!(0.1244));
    assert_eq!(rec.tag, Tag::Derived);
    assert_eq!(&*rec.source, "mcti-sin-2026");
    assert!(set.citation(&rec.source).unwrap().contains("Sistema Interligado Nacional"));
    // United States 2016: eGRID2016's U.S. total output CO2 rate (998.4 lb/MWh).
    let (set, rec) = ipcc("US", 2016).unwrap();
    assert_eq!(rec.factor.value(), dec!(0.452886));
    assert_eq!(&*rec.source, "egrid-elci-2018");
    assert!(set.citation(&rec.source).unwrap().contains("eGRID"));
    // India FY 2022-23: CEA's All-India weighted average (CO2 Baseline Database V21.0).
    let (_, rec) = ipcc("IN", 2022).unwrap();
    assert_eq!(rec.factor.value(), dec!(0.7191));
    assert_eq!(rec.tag, Tag::Repository);
    // eGRID has no 2015 edition and the CEA rows start in 2020: those stay documented gaps.
    assert!(ipcc("US", 2015).is_none());
    assert!(ipcc("IN", 2015).is_none());
    // The life-cycle lookup is unchanged for the same keys (Ember via OWID).
    for (cc, y, v) in [("BR", 2015, dec!(0.1886377)), ("US", 2016, dec!(0.48335437))] {
        let (set, rec) =
            r.factor(Carrier::Electricity, c(cc), y, Approach::Lca, GasBasis::Co2e).unwrap();
        assert_eq!(set.id().to_string(), "partner-grid@2026.2");
        assert_eq!((rec.factor.value(), &*rec.source), (v, "owid-ember-2025"));
    }
}

#[test]
fn partner_countries_use_the_non_com_set() {
    let r = test_catalog().newest();
    let (set, rec) =
        r.factor(Carrier::Electricity, c("BR"), 2020, Approach::Lca, GasBasis::Co2e).unwrap();
    assert!(!set.is_com());
    assert_eq!(rec.factor.value(), dec!(0.13335771));
    assert!(set.citation(&rec.source).unwrap().starts_with("NOT A CoM FACTOR"));
    // partner-grid@2026.2 has direct-combustion CO2 factors for three countries only (its
    // SOURCE.md explains why); the others have no IPCC series.
    assert!(
        r.factor(Carrier::Electricity, c("BR"), 2020, Approach::Ipcc, GasBasis::Co2e).is_none()
    );
    assert!(r.factor(Carrier::Electricity, c("AR"), 2020, Approach::Ipcc, GasBasis::Co2).is_none());
    let why = r.missing_reason(Carrier::Electricity, c("AR"), Approach::Ipcc, GasBasis::Co2);
    assert_eq!(why, MissingReason::NoSeries { set: "partner-grid@2026.2".into() });
    // The release before keeps its life-cycle-only partner set.
    let prev = test_catalog().release(Some("com-2024.3")).unwrap();
    assert!(
        prev.factor(Carrier::Electricity, c("BR"), 2020, Approach::Ipcc, GasBasis::Co2).is_none()
    );
    let why = prev.missing_reason(Carrier::Electricity, c("BR"), Approach::Ipcc, GasBasis::Co2);
    assert_eq!(why, MissingReason::NoSeries { set: "partner-grid@2026.1".into() });
    // Every partner country from 2000 to 2025 on the life-cycle approach.
    for cc in [
        "AR", "AU", "BR", "CA", "CL", "CN", "CO", "HK", "ID", "IN", "JP", "KR", "MX", "MY", "NZ",
        "PE", "SG", "TH", "US", "VN",
    ] {
        for y in [2000, 2015, 2025] {
            assert!(
                r.factor(Carrier::Electricity, c(cc), y, Approach::Lca, GasBasis::Co2e).is_some(),
                "{cc} {y}"
            );
        }
    }
    // The previous release keeps its values.
    let old = test_catalog().release(Some("com-2024.2")).unwrap();
    let (_, rec) =
        old.factor(Carrier::Electricity, c("BR"), 2020, Approach::Ipcc, GasBasis::Co2).unwrap();
    assert_eq!(rec.factor.value(), dec!(0.113));
    assert!(r.factor(Carrier::Electricity, c("GR"), 2023, Approach::Ipcc, GasBasis::Co2).is_none());
    let why = r.missing_reason(Carrier::Electricity, c("GR"), Approach::Ipcc, GasBasis::Co2);
    assert_eq!(
        why,
        MissingReason::YearsOutside { set: "jrc-neefe@2024.1".into(), first: 1990, last: 2021 }
    );
}

#[test]
fn fuel_defaults() {
    let r = test_catalog().newest();
    let get = |k, g| r.factor(k, c("GR"), 2010, Approach::Ipcc, g).map(|x| x.1.factor.value());
    assert_eq!(get(Carrier::Diesel, GasBasis::Co2), Some(dec!(0.267)));
    assert_eq!(get(Carrier::Gasoline, GasBasis::Co2), Some(dec!(0.249)));
    assert_eq!(get(Carrier::Biofuel, GasBasis::Co2), Some(dec!(0)));
    assert_eq!(get(Carrier::Diesel, GasBasis::Co2e), Some(dec!(0.268)));
    assert_eq!(get(Carrier::HeatCold, GasBasis::Co2), None);
    assert_eq!(get(Carrier::OtherFossil, GasBasis::Co2), None);
    assert!(r.factor(Carrier::Diesel, c("GR"), 2010, Approach::Lca, GasBasis::Co2e).is_none());
    assert_eq!(r.properties().ncv(Carrier::Diesel).unwrap().value, dec!(43.0));
    assert_eq!(r.properties().density(Carrier::Gasoline).unwrap().value, dec!(0.745));
    assert!(r.properties().density(Carrier::NaturalGas).is_none());
}

#[test]
fn derived_co2_factors_match_ipcc_kg_per_tj() {
    // Each derived value is the IPCC 2006 default (kg/TJ, given in the note) × 3.6e-6,
    // rounded half away from zero to 3 decimals.
    let r = test_catalog().newest();
    for rec in
        r.fuels().records().iter().filter(|r| r.tag == Tag::Derived && r.note.contains("kg CO2/TJ"))
    {
        let after_colon = rec.note.split(':').nth(1).unwrap();
        let kg: String =
            after_colon.split("kg").next().unwrap().chars().filter(char::is_ascii_digit).collect();
        let exact = Decimal::from_str_exact(&kg).unwrap() * dec!(0.0000036);
        assert_eq!(
            crate::quantity::round_for_display(exact, 3),
            rec.factor.value(),
            "{}",
            rec.carrier
        );
    }
}

#[test]
fn unverified_values_are_refused() {
    let id = SetId::parse("x@1").unwrap();
    let sources = "id,citation\ns,somewhere\n";
    let head = "carrier,country,year,approach,gases,value,unit,tag,source,note\n";
    let e = FactorSet::parse(
        id.clone(),
        true,
        &format!("{head}diesel,,,lca,co2e,0.305,t/MWh,U,s,\n"),
        sources,
    );
    assert!(e.unwrap_err().to_string().contains("never shipped"));
    let e = FactorSet::parse(
        id.clone(),
        true,
        &format!("{head}diesel,,,ipcc,co2,0.3,t/MWh,V,t,\n"),
        sources,
    );
    assert!(e.unwrap_err().to_string().contains("not in sources.csv"));
    let dup = format!("{head}diesel,,,ipcc,co2,0.3,t/MWh,V,s,\ndiesel,,,ipcc,co2,0.4,t/MWh,V,s,\n");
    assert!(
        FactorSet::parse(id.clone(), true, &dup, sources)
            .unwrap_err()
            .to_string()
            .contains("duplicate")
    );
    let neg = format!("{head}diesel,,,ipcc,co2,-0.3,t/MWh,V,s,\n");
    assert!(FactorSet::parse(id, true, &neg, sources).is_err());
}

#[test]
fn gwp_set_codes_are_ascii_identifiers() {
    let id = SetId::parse("gwp@1").unwrap();
    let sources = "id,citation\ns,somewhere\n";
    let gwp = |code: &str| {
        gases::parse_gwp(
            &id,
            &format!("gwp_set,gas,value,tag,source\n{code},ch4,28,V,s\n{code},n2o,265,V,s\n"),
            sources,
        )
    };
    assert_eq!(gwp("ar5_100").unwrap()[0].code, "ar5_100");
    for bad in ["ar-5", "är5", "ar 5"] {
        let e = gwp(bad).unwrap_err().to_string();
        assert!(e.contains("use ASCII letters, digits and '_' only"), "{e}");
    }
}

#[test]
fn release_selection() {
    let cat = test_catalog();
    assert_eq!(cat.release(None).unwrap().id(), "com-2024.4");
    assert_eq!(cat.release(Some("")).unwrap().id(), "com-2024.4");
    let e = cat.release(Some("com-2099")).unwrap_err();
    assert!(
        e.to_string().contains("available: com-2024.1, com-2024.2, com-2024.3, com-2024.4"),
        "{e}"
    );
    assert!(cat.factor_set("jrc-neefe@2024.1").is_some());
}
