//! Realistic synthetic batches, deterministic from a seed (for benchmarks and tests).
//!
//! Cities get a country with a JRC national factor, a year, a population, and activity rows
//! whose sizes scale with the population (per-capita consumption in the range of European
//! cities). About one inventory in five is a monitoring inventory of an earlier baseline, and
//! every city with district heating gets a local heat factor in `factors.csv`.
//!
//! [`Profile::Typical`] spreads the rows over the 29 most common sector × carrier cells (about
//! 29 cells per inventory), and two baselines in three have a target.
//! [`Profile::OutputHeavy`] is the batch whose outputs outweigh its input: the rows go round 63
//! sector × carrier cells ([`HEAVY_MIX`], so an inventory with at least 63 rows has 63 cells),
//! every inventory has a target (monitoring inventories too: they get a path and a place on
//! their baseline's path), and `factors.csv` starts with batch-wide factors for district heat
//! and other fossil fuels (which the release does not have) before the local heat factors.

use std::fmt::Write as _;
use std::io::{self, Write};

/// A small, fast, deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const COUNTRIES: &[&str] =
    &["AT", "BE", "DE", "ES", "FR", "GR", "IT", "NL", "PL", "PT", "RO", "SE", "HR", "SI", "CZ"];

/// (sector, carrier, MWh per inhabitant per year, as thousandths).
const MIX: &[(&str, &str, u64)] = &[
    ("residential_buildings", "electricity", 1_300),
    ("residential_buildings", "natural_gas", 3_500),
    ("residential_buildings", "heating_oil", 900),
    ("residential_buildings", "other_biomass", 400),
    ("residential_buildings", "heat_cold", 800),
    ("residential_buildings", "liquid_gas", 150),
    ("residential_buildings", "solar_thermal", 60),
    ("tertiary_buildings", "electricity", 1_600),
    ("tertiary_buildings", "natural_gas", 1_400),
    ("tertiary_buildings", "heating_oil", 300),
    ("tertiary_buildings", "heat_cold", 400),
    ("municipal_buildings", "electricity", 120),
    ("municipal_buildings", "natural_gas", 200),
    ("municipal_buildings", "heating_oil", 40),
    ("public_lighting", "electricity", 70),
    ("municipal_fleet", "diesel", 40),
    ("municipal_fleet", "gasoline", 8),
    ("public_transport", "diesel", 150),
    ("public_transport", "electricity", 60),
    ("public_transport", "biofuel", 10),
    ("private_transport", "diesel", 2_600),
    ("private_transport", "gasoline", 1_900),
    ("private_transport", "liquid_gas", 120),
    ("private_transport", "biofuel", 150),
    ("industry_non_ets", "electricity", 900),
    ("industry_non_ets", "natural_gas", 1_100),
    ("industry_non_ets", "coal", 100),
    ("agriculture", "diesel", 90),
    ("agriculture", "electricity", 40),
];

/// The 63 sector × carrier cells of an output-heavy batch, in template order of sectors, with
/// per-capita consumption as in `MIX` (MWh per inhabitant per year, as thousandths).
pub const HEAVY_MIX: &[(&str, &str, u64)] = &[
    ("municipal_buildings", "electricity", 120),
    ("municipal_buildings", "heat_cold", 60),
    ("municipal_buildings", "natural_gas", 200),
    ("municipal_buildings", "liquid_gas", 10),
    ("municipal_buildings", "heating_oil", 40),
    ("municipal_buildings", "other_biomass", 15),
    ("municipal_buildings", "solar_thermal", 5),
    ("municipal_buildings", "biogas", 8),
    ("tertiary_buildings", "electricity", 1_600),
    ("tertiary_buildings", "heat_cold", 400),
    ("tertiary_buildings", "natural_gas", 1_400),
    ("tertiary_buildings", "liquid_gas", 60),
    ("tertiary_buildings", "heating_oil", 300),
    ("tertiary_buildings", "coal", 20),
    ("tertiary_buildings", "other_biomass", 50),
    ("tertiary_buildings", "solar_thermal", 20),
    ("tertiary_buildings", "geothermal", 10),
    ("tertiary_buildings", "biogas", 15),
    ("residential_buildings", "electricity", 1_300),
    ("residential_buildings", "heat_cold", 800),
    ("residential_buildings", "natural_gas", 3_500),
    ("residential_buildings", "liquid_gas", 150),
    ("residential_buildings", "heating_oil", 900),
    ("residential_buildings", "lignite", 40),
    ("residential_buildings", "coal", 60),
    ("residential_buildings", "other_fossil", 20),
    ("residential_buildings", "plant_oil", 5),
    ("residential_buildings", "other_biomass", 400),
    ("residential_buildings", "solar_thermal", 60),
    ("residential_buildings", "geothermal", 25),
    ("residential_buildings", "biogas", 10),
    ("public_lighting", "electricity", 70),
    ("industry_non_ets", "electricity", 900),
    ("industry_non_ets", "heat_cold", 150),
    ("industry_non_ets", "natural_gas", 1_100),
    ("industry_non_ets", "liquid_gas", 40),
    ("industry_non_ets", "heating_oil", 120),
    ("industry_non_ets", "lignite", 30),
    ("industry_non_ets", "coal", 100),
    ("industry_non_ets", "other_fossil", 50),
    ("industry_non_ets", "other_biomass", 60),
    ("industry_non_ets", "biogas", 20),
    ("municipal_fleet", "electricity", 5),
    ("municipal_fleet", "natural_gas", 4),
    ("municipal_fleet", "liquid_gas", 3),
    ("municipal_fleet", "diesel", 40),
    ("municipal_fleet", "gasoline", 8),
    ("municipal_fleet", "biofuel", 2),
    ("public_transport", "electricity", 60),
    ("public_transport", "natural_gas", 20),
    ("public_transport", "diesel", 150),
    ("public_transport", "biofuel", 10),
    ("public_transport", "biogas", 5),
    ("private_transport", "electricity", 30),
    ("private_transport", "natural_gas", 25),
    ("private_transport", "liquid_gas", 120),
    ("private_transport", "diesel", 2_600),
    ("private_transport", "gasoline", 1_900),
    ("private_transport", "plant_oil", 3),
    ("private_transport", "biofuel", 150),
    ("agriculture", "electricity", 40),
    ("agriculture", "heating_oil", 20),
    ("agriculture", "diesel", 90),
];

/// The kind of synthetic batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// About 29 cells per inventory; two baselines in three have a target.
    #[default]
    Typical,
    /// 63 cells per inventory (with at least 63 rows each), a target for every inventory and
    /// batch-wide factors: the outputs outweigh the input.
    OutputHeavy,
}

/// The text of a synthetic batch.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// `inventories.csv`.
    pub inventories: String,
    /// `factors.csv`.
    pub factors: String,
}

/// Writes a [`Profile::Typical`] batch of `n` inventories with `rows` activity rows each;
/// `activity.csv` goes to `activity` as it is generated (it can be large), the two small files
/// are returned.
pub fn generate(n: usize, rows: usize, seed: u64, activity: &mut dyn Write) -> io::Result<Batch> {
    generate_profile(Profile::Typical, n, rows, seed, activity)
}

/// [`generate`] for any [`Profile`].
pub fn generate_profile(
    profile: Profile,
    n: usize,
    rows: usize,
    seed: u64,
    activity: &mut dyn Write,
) -> io::Result<Batch> {
    let heavy = profile == Profile::OutputHeavy;
    let mut rng = Rng::new(seed);
    let mut inv = String::from(
        "inventory_id,city,country,year,kind,baseline_id,population,approach,gases,target_year,target_reduction_pct,target_kind\n",
    );
    let mut fac = String::from("inventory_id,carrier,factor,source\n");
    if heavy {
        fac.push_str(",heat_cold,0.25,synthetic batch-wide district-heating factor\n");
        fac.push_str(",other_fossil,0.3,synthetic batch-wide factor for other fossil fuels\n");
    }
    let mut act = io::BufWriter::with_capacity(1 << 16, activity);
    writeln!(act, "inventory_id,sector,carrier,amount,unit")?;
    let mut baselines: Vec<(usize, &str, u16, u64)> = Vec::new();
    let mut line = String::with_capacity(128);
    for i in 0..n {
        let id = format!("city-{i:06}");
        let monitoring = !baselines.is_empty() && rng.below(5) == 0;
        let (country, year, population, kind, base) = if monitoring {
            let &(b, country, by, pop) = rng.pick(&baselines);
            let year = (by + 4 + rng.below(6) as u16).min(2021);
            let pop = pop * (95 + rng.below(11)) / 100;
            (country, year, pop, "monitoring", format!("city-{b:06}"))
        } else {
            let country = *rng.pick(COUNTRIES);
            let year = 2005 + rng.below(12) as u16;
            let pop = 5_000 + rng.below(995_000);
            baselines.push((i, country, year, pop));
            (country, year, pop, "baseline", String::new())
        };
        let target = if heavy {
            ["2030,40,absolute", "2030,55,absolute", "2050,100,absolute", "2030,30,per_capita"]
                [i % 4]
        } else if monitoring {
            ",,"
        } else {
            ["2030,40,absolute", "2030,55,absolute", "2020,20,per_capita"][i % 3]
        };
        writeln!(
            inv,
            "{id},City {i},{country},{year},{kind},{base},{population},ipcc,co2,{target}"
        )
        .ok();
        let mut uses_heat = false;
        let mix = if heavy { HEAVY_MIX } else { MIX };
        for r in 0..rows {
            // Heavy: the rows go round every cell; typical: round the cells with a jitter.
            let k = if heavy { r } else { r + rng.below(3) as usize };
            let &(sector, carrier, per_cap) = &mix[k % mix.len()];
            uses_heat |= carrier == "heat_cold";
            // Split the cell's yearly consumption over the rows that land in it.
            let share = rows.div_ceil(mix.len()).max(1) as u64;
            let milli_mwh = population * per_cap * (80 + rng.below(41)) / 100 / share;
            let (amount, unit) = match rng.below(10) {
                0 => (milli_mwh, "kWh"), // kWh = MWh/1000: same digits, a thousandth of the energy
                1 => (milli_mwh * 36 / 10, "GJ"),
                _ => (milli_mwh, "MWh"),
            };
            line.clear();
            let _ = write!(
                line,
                "{id},{sector},{carrier},{}.{:03},{unit}",
                amount / 1000,
                amount % 1000
            );
            writeln!(act, "{line}")?;
        }
        // Heavy: a local heat factor for one city in three (the others use the batch-wide one).
        if uses_heat && (!heavy || i % 3 == 0) {
            let f = 150 + rng.below(250);
            writeln!(fac, "{id},heat_cold,0.{f:03},synthetic local district-heating factor").ok();
        }
    }
    act.flush()?;
    Ok(Batch { inventories: inv, factors: fac })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_sized() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let ba = generate(50, 20, 7, &mut a).unwrap();
        let bb = generate(50, 20, 7, &mut b).unwrap();
        assert_eq!(a, b);
        assert_eq!(ba.inventories, bb.inventories);
        assert_eq!(String::from_utf8(a).unwrap().lines().count(), 1 + 50 * 20);
        assert_eq!(ba.inventories.lines().count(), 51);
        let mut c = Vec::new();
        generate(50, 20, 8, &mut c).unwrap();
        assert_ne!(b, c);
    }

    /// Runs a generated batch as the CLI does for CSV output.
    fn run(profile: Profile, n: usize, rows: usize) -> (Batch, covenant_core::batch::BatchOutput) {
        let mut activity = Vec::new();
        let b = generate_profile(profile, n, rows, 3, &mut activity).unwrap();
        let input = covenant_core::batch::BatchInput {
            inventories: ("inventories.csv", b.inventories.as_bytes()),
            activity: ("activity.csv", &activity[..]),
            factors: Some(("factors.csv", b.factors.as_bytes())),
            supply: None,
            actions: None,
            crf_activity: None,
        };
        let options = covenant_core::batch::Options { cell_detail: false, threads: 2 };
        let catalog = covenant_core::factors::Catalog::embedded();
        let out = covenant_core::batch::run_with(input, catalog, options, &mut |_| {});
        (b, out)
    }

    #[test]
    fn heavy_mix_is_distinct_valid_cells() {
        use covenant_core::{Carrier, Sector};
        assert_eq!(HEAVY_MIX.len(), 63);
        let mut seen = std::collections::BTreeSet::new();
        for &(s, c, per_cap) in HEAVY_MIX {
            let (s, c) = (s.parse::<Sector>().unwrap(), c.parse::<Carrier>().unwrap());
            assert!(s.is_energy() && s.accepts(c) && per_cap > 0, "{s} {c}");
            assert!(seen.insert((s, c)), "{s} {c} twice");
        }
    }

    #[test]
    fn heavy_batch_runs_with_63_cells_and_a_target_each() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let ba = generate_profile(Profile::OutputHeavy, 40, 100, 3, &mut a).unwrap();
        let bb = generate_profile(Profile::OutputHeavy, 40, 100, 3, &mut b).unwrap();
        assert_eq!((a, &ba.factors), (b, &bb.factors));
        let (batch, out) = run(Profile::OutputHeavy, 40, 100);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        // The generator writes some rows in kWh with the digits of MWh (a unit mistake seen in
        // real batches): the plausibility check names them; nothing else is warned about.
        let codes: std::collections::BTreeSet<&str> = out.warnings.iter().map(|w| w.code).collect();
        assert!(
            codes.iter().all(|c| ["magnitude_vs_baseline", "energy_change"].contains(c)),
            "{codes:?}"
        );
        assert_eq!(out.inventories.len(), 40);
        for r in &out.inventories {
            assert_eq!(r.inventory.cells.len(), 63, "{}", r.inventory.spec.id);
            assert_eq!(r.inventory.cells.iter().map(|c| c.rows).sum::<u64>(), 100);
            assert!(r.target.is_some() && r.trajectory.is_some(), "{}", r.inventory.spec.id);
        }
        let monitoring: Vec<_> =
            out.inventories.iter().filter(|r| r.inventory.spec.baseline_id.is_some()).collect();
        assert!(!monitoring.is_empty() && monitoring.iter().all(|r| r.progress.is_some()));
        // Batch-wide factors first, then local heat factors for some cities, which win.
        let factors: Vec<&str> = batch.factors.lines().collect();
        assert!(factors[1].starts_with(",heat_cold,") && factors[2].starts_with(",other_fossil,"));
        assert!(factors.len() > 3 && factors[3..].iter().all(|l| l.starts_with("city-")));
        let heat = |r: &covenant_core::batch::BatchInventory| {
            let f = r
                .inventory
                .factors
                .iter()
                .find(|f| f.carrier == covenant_core::Carrier::HeatCold)
                .unwrap();
            f.provenance.short()
        };
        let sources: std::collections::BTreeSet<String> =
            out.inventories.iter().map(heat).collect();
        assert!(sources.contains("synthetic batch-wide district-heating factor"), "{sources:?}");
        assert!(sources.contains("synthetic local district-heating factor"), "{sources:?}");
    }

    #[test]
    fn heavy_cells_with_few_rows_and_typical_cells() {
        // Fewer rows than cells: one cell per row.
        let (_, out) = run(Profile::OutputHeavy, 10, 20);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        assert!(out.inventories.iter().all(|r| r.inventory.cells.len() == 20));
        // The typical batch stays near its 29 cells.
        let (_, out) = run(Profile::Typical, 30, 100);
        assert!(out.errors.is_empty(), "{:?}", out.errors);
        assert!(out.inventories.iter().all(|r| r.inventory.cells.len() <= MIX.len()));
    }
}
