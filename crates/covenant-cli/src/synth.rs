//! Realistic synthetic batches, deterministic from a seed (for benchmarks and tests).
//!
//! Cities get a country with a JRC national factor, a year, a population, and activity rows
//! whose sizes scale with the population (per-capita consumption in the range of European
//! cities). About one inventory in five is a monitoring inventory of an earlier baseline, and
//! every city with district heating gets a local heat factor in `factors.csv`.

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

/// The text of a synthetic batch.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// `inventories.csv`.
    pub inventories: String,
    /// `factors.csv`.
    pub factors: String,
}

/// Writes a batch of `n` inventories with `rows` activity rows each; `activity.csv` goes to
/// `activity` as it is generated (it can be large), the two small files are returned.
pub fn generate(n: usize, rows: usize, seed: u64, activity: &mut dyn Write) -> io::Result<Batch> {
    let mut rng = Rng::new(seed);
    let mut inv = String::from(
        "inventory_id,city,country,year,kind,baseline_id,population,approach,gases,target_year,target_reduction_pct,target_kind\n",
    );
    let mut fac = String::from("inventory_id,carrier,factor,source\n");
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
        let target = if monitoring {
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
        for r in 0..rows {
            let &(sector, carrier, per_cap) = &MIX[(r + rng.below(3) as usize) % MIX.len()];
            uses_heat |= carrier == "heat_cold";
            // Split the cell's yearly consumption over the rows that land in it.
            let share = rows.div_ceil(MIX.len()).max(1) as u64;
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
        if uses_heat {
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
}
