#!/usr/bin/env python3
"""The straightforward pandas script covenant is compared with: the same join, aggregation and
outputs as `covenant batch` for the batches `covenant generate` writes (with or without --heavy).

Usage: pandas_batch.py BATCH_DIR FACTORS_DIR OUT_DIR
  BATCH_DIR    inventories.csv, activity.csv, factors.csv (as written by `covenant generate`)
  FACTORS_DIR  com-fuels.csv and jrc-neefe.csv (as printed by `covenant factors show SET`) and
               release.txt (the id of the release they belong to, e.g. com-2024.4)
Writes OUT_DIR/emissions.csv, summary.csv, trajectory.csv and crf.csv: the same files, rows,
columns and texts as covenant, in the same order; the numbers are floats, as a typical script
would use (so their digits differ from covenant's exact decimals in the last places).
What the generator never writes is not handled: fuel units (L, m3, kg, t), non-energy sectors,
non-sustainable biomass, supply.csv, per-gas factors, factor_set, target_population.
"""
import sys
from pathlib import Path

import numpy as np
import pandas as pd

MWH_PER_UNIT = {"MWh": 1.0, "kWh": 0.001, "GWh": 1000.0, "GJ": 1 / 3.6, "TJ": 1000 / 3.6, "toe": 11.63}
# Template order (covenant's Sector::ALL and Carrier::ALL): cells are written in this order.
SECTORS = ["municipal_buildings", "tertiary_buildings", "residential_buildings", "public_lighting",
           "industry_non_ets", "industry_ets", "municipal_fleet", "public_transport", "private_transport",
           "buildings_not_allocated", "transport_not_allocated", "agriculture", "other_not_allocated",
           "waste", "wastewater", "other_non_energy"]
CARRIERS = ["electricity", "heat_cold", "natural_gas", "liquid_gas", "heating_oil", "diesel", "gasoline",
            "lignite", "coal", "other_fossil", "plant_oil", "biofuel", "other_biomass", "solar_thermal",
            "geothermal", "biogas"]
# The GCoM CRF view (covenant's crf.rs): rows in CRF order and the row of each SECAP sector.
CRF_ROWS = [("Stationary energy", "Residential buildings", "I.1"),
            ("Stationary energy", "Commercial buildings & facilities", "I.2"),
            ("Stationary energy", "Institutional buildings & facilities", "I.2"),
            ("Stationary energy", "Industrial buildings & facilities", "I.3"),
            ("Stationary energy", "Agriculture", "I.5"),
            ("Stationary energy", "Non-specified", "I.6"),
            ("Transportation", "On-road", "II.1"),
            ("Waste", "Solid waste disposal", "III.1"),
            ("Waste", "Wastewater", "III.4"),
            ("Other", "Other emissions", "")]
CRF_ROW_OF = {"residential_buildings": 0, "tertiary_buildings": 1, "municipal_buildings": 2, "public_lighting": 2,
              "industry_non_ets": 3, "industry_ets": 3, "agriculture": 4, "buildings_not_allocated": 5,
              "other_not_allocated": 5, "municipal_fleet": 6, "public_transport": 6, "private_transport": 6,
              "transport_not_allocated": 6, "waste": 7, "wastewater": 8, "other_non_energy": 9}


def main():
    batch, fdir, out = (Path(a) for a in sys.argv[1:4])
    out.mkdir(parents=True, exist_ok=True)
    release = (fdir / "release.txt").read_text().strip()
    inv = pd.read_csv(batch / "inventories.csv", keep_default_na=False, na_values=[""],
                      dtype={"inventory_id": str, "city": str, "country": str, "baseline_id": str,
                             "population": "Int64", "target_year": "Int64", "target_kind": str,
                             "target_reduction_pct": str})
    act = pd.read_csv(batch / "activity.csv", dtype={"inventory_id": str, "sector": str, "carrier": str, "unit": str})
    user = pd.read_csv(batch / "factors.csv", dtype={"inventory_id": str, "carrier": str, "source": str})
    fuels = pd.read_csv(fdir / "com-fuels.csv")
    neefe = pd.read_csv(fdir / "jrc-neefe.csv", dtype={"country": str})
    inv["pos"] = np.arange(len(inv))
    inv["pct"] = pd.to_numeric(inv["target_reduction_pct"])  # written as given, computed as a float
    inv["target_kind"] = inv["target_kind"].where(inv["target_kind"].notna() | inv["target_year"].isna(), "absolute")

    # Cells: the rows added up per inventory, sector and carrier, in template order.
    act["energy_mwh"] = act["amount"] * act["unit"].map(MWH_PER_UNIT)
    cells = act.groupby(["inventory_id", "sector", "carrier"], as_index=False, sort=False)["energy_mwh"].sum()
    cells = cells.merge(inv[["inventory_id", "pos", "country", "year", "approach", "gases"]], on="inventory_id",
                        how="left")
    cells["s"] = cells["sector"].map({s: i for i, s in enumerate(SECTORS)})
    cells["c"] = cells["carrier"].map({c: i for i, c in enumerate(CARRIERS)})
    cells = cells.sort_values(["pos", "s", "c"], kind="stable", ignore_index=True)

    # Factors: the release's (fuels by carrier, electricity by country and year), then the
    # user's batch-wide ones, then the user's for one inventory.
    fuels = fuels[fuels["country"].isna()].drop_duplicates(["carrier", "approach", "gases"])  # sustainable first
    fuels = fuels.assign(source=fuels["set"] + " " + fuels["source"])[["carrier", "approach", "gases", "value", "source"]]
    cells = cells.merge(fuels, on=["carrier", "approach", "gases"], how="left")
    elec = neefe.assign(elec_source=neefe["set"] + " " + neefe["source"], carrier="electricity").rename(
        columns={"value": "elec_value"})[["carrier", "country", "year", "approach", "gases", "elec_value", "elec_source"]]
    cells = cells.merge(elec, on=["carrier", "country", "year", "approach", "gases"], how="left")
    cells["value"] = cells["value"].fillna(cells["elec_value"])
    cells["source"] = cells["source"].fillna(cells["elec_source"])
    user["line"] = np.arange(len(user)) + 2
    user["source"] = user["source"].fillna("user factor (factors.csv line " + user["line"].astype(str) + ")")
    wide = user[user["inventory_id"].isna()][["carrier", "factor", "source"]].rename(
        columns={"factor": "wide_value", "source": "wide_source"})
    cells = cells.merge(wide, on="carrier", how="left")
    cells["value"] = cells["wide_value"].fillna(cells["value"])
    cells["source"] = cells["wide_source"].fillna(cells["source"])
    own = user[user["inventory_id"].notna()][["inventory_id", "carrier", "factor", "source"]].rename(
        columns={"factor": "own_value", "source": "own_source"})
    cells = cells.merge(own, on=["inventory_id", "carrier"], how="left")
    cells["value"] = cells["own_value"].fillna(cells["value"])
    cells["source"] = cells["own_source"].fillna(cells["source"])
    if cells["value"].isna().any():
        missing = cells[cells["value"].isna()].iloc[0]
        sys.exit(f"no factor for {missing['inventory_id']} {missing['carrier']}")
    cells["emissions_t"] = cells["energy_mwh"] * cells["value"]
    cells[["inventory_id", "sector", "carrier", "energy_mwh", "value", "source", "emissions_t"]].rename(
        columns={"value": "factor_t_per_mwh", "source": "factor_source"}).to_csv(out / "emissions.csv", index=False)

    # Summary: totals, per capita, the change against the baseline, the target.
    totals = cells.groupby("inventory_id", as_index=False, sort=False)[["energy_mwh", "emissions_t"]].sum()
    s = inv.merge(totals, on="inventory_id", how="left").rename(
        columns={"energy_mwh": "total_energy_mwh", "emissions_t": "total_emissions_t"})
    s["per_capita_t"] = s["total_emissions_t"] / s["population"]
    base = s[["inventory_id", "total_emissions_t", "per_capita_t", "target_kind", "year", "target_year", "pct"]].add_prefix(
        "b_")
    s = s.merge(base, left_on="baseline_id", right_on="b_inventory_id", how="left")
    per_capita_change = (s["per_capita_t"] / s["b_per_capita_t"] - 1) * 100
    total_change = (s["total_emissions_t"] - s["b_total_emissions_t"]) / s["b_total_emissions_t"] * 100
    s["change_vs_baseline_pct"] = per_capita_change.where(s["b_target_kind"] == "per_capita", total_change)
    allowed = s["total_emissions_t"] * (100 - s["pct"]) / 100
    s["target_emissions_t"] = allowed.where(s["target_kind"] == "absolute")
    s["target_per_capita_t"] = allowed / s["population"]
    s["factor_set"] = release
    s[["inventory_id", "city", "country", "year", "kind", "approach", "gases", "factor_set", "population",
         "total_energy_mwh", "total_emissions_t", "per_capita_t", "baseline_id", "change_vs_baseline_pct",
         "target_year", "target_kind", "target_reduction_pct", "target_emissions_t", "target_per_capita_t"]
    ].to_csv(out / "summary.csv", index=False)

    # Trajectory: each target's straight line, year by year, then where each monitoring
    # inventory stands on its baseline's line.
    t = s[s["target_year"].notna()].copy()
    per_cap = t["target_kind"] == "per_capita"
    t["unit"] = np.where(per_cap, "t_per_inhabitant", "t")
    t["b"] = t["per_capita_t"].where(per_cap, t["total_emissions_t"])
    t["goal"] = t["b"] * (100 - t["pct"]) / 100
    span = (t["target_year"] - t["year"]).astype(int)
    paths = t.loc[t.index.repeat(span + 1), ["inventory_id", "pos", "year", "target_year", "unit", "b", "goal"]]
    paths["k"] = paths.groupby(level=0).cumcount()
    paths["path_year"] = paths["year"] + paths["k"]
    paths["path"] = paths["b"] + (paths["goal"] - paths["b"]) * paths["k"] / (paths["target_year"] - paths["year"])
    paths = paths.assign(baseline_id=paths["inventory_id"], row="path", order=0)
    m = s[s["b_target_year"].notna()].copy()
    b_per_cap = m["b_target_kind"] == "per_capita"
    m["unit"] = np.where(b_per_cap, "t_per_inhabitant", "t")
    m["actual"] = m["per_capita_t"].where(b_per_cap, m["total_emissions_t"])
    b_value = m["b_per_capita_t"].where(b_per_cap, m["b_total_emissions_t"])
    b_goal = b_value * (100 - m["b_pct"]) / 100
    # The path holds the target after the target year (and the baseline value before its year).
    elapsed = (m["year"].clip(lower=m["b_year"], upper=m["b_target_year"]) - m["b_year"])
    m["path"] = b_value + (b_goal - b_value) * elapsed / (m["b_target_year"] - m["b_year"])
    m["distance"] = m["actual"] - m["path"]
    m["distance_pct"] = (m["distance"] * 100 / m["path"]).where(m["path"] != 0)
    m["status"] = np.select([m["distance"] < 0, m["distance"] > 0], ["ahead", "behind"], "on_track")
    m["needed_per_year"] = ((m["actual"] - b_goal) / (m["b_target_year"] - m["year"])).where(
        m["year"] < m["b_target_year"])
    m = m.assign(row="monitoring", order=1, path_year=m["year"])
    traj = pd.concat([paths, m], ignore_index=True).sort_values(["pos", "order", "path_year"], kind="stable")
    traj.rename(columns={"path_year": "year_out"})[
        ["inventory_id", "baseline_id", "row", "year_out", "unit", "path", "actual", "distance", "distance_pct",
         "status", "needed_per_year"]].rename(columns={"year_out": "year"}).to_csv(out / "trajectory.csv", index=False)

    # CRF: every inventory × CRF row × scope; empty cells carry the notation key NE.
    cells["crf"] = cells["sector"].map(CRF_ROW_OF)
    cells["scope"] = np.where(cells["carrier"].isin(["electricity", "heat_cold"]), 2, 1)
    keys = ["pos", "crf", "scope"]
    crf = cells.groupby(keys, sort=False)["emissions_t"].sum()
    from_ = cells.drop_duplicates(keys + ["sector"]).groupby(keys, sort=False)["sector"].agg(";".join)
    grid = pd.MultiIndex.from_product([inv["pos"], range(len(CRF_ROWS)), [1, 2]], names=keys)
    view = pd.DataFrame({"emissions_t": crf, "secap_sectors": from_}).reindex(grid).reset_index()
    view["inventory_id"] = inv["inventory_id"].to_numpy()[view["pos"]]
    rows = pd.DataFrame(CRF_ROWS, columns=["crf_sector", "crf_subsector", "gpc_ref"])
    view = view.join(rows, on="crf")
    view["scope"] = "scope_" + view["scope"].astype(str)
    view["notation_key"] = np.where(view["emissions_t"].isna(), "NE", "")
    view[["inventory_id", "crf_sector", "crf_subsector", "gpc_ref", "scope", "emissions_t", "notation_key",
          "secap_sectors"]].to_csv(out / "crf.csv", index=False)


if __name__ == "__main__":
    main()
