//! One inventory computed from typed values, with a city's own factor: what a reporting tool
//! linking `covenant-core` does. Run with `cargo run -p covenant-core --example typed`.

use std::process::ExitCode;

use covenant_core::factors::Catalog;
use covenant_core::inventory::{Activity, FactorOverride, compute};
use covenant_core::quantity::EnergyUnit::{Gigajoule, MegawattHour};
use covenant_core::quantity::round_for_display;
use covenant_core::{Carrier, Country, Decimal, EmissionFactor, InventorySpec, Population, Sector};

fn main() -> ExitCode {
    let catalog = Catalog::embedded();
    let release = catalog.newest();
    let Ok(country) = Country::parse("IT") else { return ExitCode::FAILURE };
    let mut spec = InventorySpec::baseline("bologna-2010", country, 2010);
    spec.city = Some("Bologna".into());
    spec.population = Population::new(1000);
    let rows = [
        Activity::new(
            Sector::ResidentialBuildings,
            Carrier::NaturalGas,
            Decimal::from(1000),
            MegawattHour,
        ),
        Activity::new(
            Sector::ResidentialBuildings,
            Carrier::Electricity,
            Decimal::from(500),
            MegawattHour,
        ),
        Activity::new(Sector::MunicipalFleet, Carrier::Diesel, Decimal::from(720), Gigajoule),
        Activity::new(
            Sector::Waste,
            None,
            Decimal::from(12),
            covenant_core::quantity::ActivityUnit::TonneCo2,
        ),
    ];
    let Ok(diesel) = EmissionFactor::t_per_mwh(Decimal::new(260, 3)) else {
        return ExitCode::FAILURE;
    };
    let overrides = [FactorOverride::new(Carrier::Diesel, diesel).with_source("fleet survey 2010")];
    let inv = match compute(spec, release, &rows, &overrides) {
        Ok(inv) => inv,
        Err(errors) => {
            for e in &errors {
                eprintln!("error: {e}");
            }
            return ExitCode::FAILURE;
        }
    };
    println!("{} ({}), release {}", inv.spec.id, inv.spec.country, inv.release);
    for cell in &inv.cells {
        let carrier = cell.carrier.map_or("-", |c| c.code());
        let factor =
            cell.factor.map(|f| round_for_display(f.value(), 4).to_string()).unwrap_or_default();
        println!(
            "  {:<24} {:<12} {:>10} t  factor {:>7}",
            cell.sector.code(),
            carrier,
            round_for_display(cell.emissions.tonnes(), 2),
            factor,
        );
    }
    for f in &inv.factors {
        println!(
            "  factor for {}: {} ({})",
            f.carrier.code(),
            f.factor.value(),
            f.provenance.short()
        );
    }
    println!("total: {}", inv.total_emissions);
    // 1000 × 0.202 + 500 × 0.421 + 720 GJ = 200 MWh × 0.260 + 12 t = 476.5 t
    if inv.total_emissions.tonnes() != Decimal::new(4765, 1) {
        eprintln!("error: expected 476.5 t");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
