#!/usr/bin/env python3
"""The straightforward pandas script covenant is compared with (the same join and aggregation).

Usage: pandas_batch.py BATCH_DIR FACTORS_DIR OUT_DIR
  BATCH_DIR    inventories.csv, activity.csv, factors.csv (as written by `covenant generate`)
  FACTORS_DIR  com-fuels.csv and jrc-neefe.csv (as printed by `covenant factors show SET`)
Writes OUT_DIR/emissions.csv and OUT_DIR/summary.csv. Floats, as a typical script would use.
"""
import sys
from pathlib import Path

import pandas as pd

MWH_PER_UNIT = {"MWh": 1.0, "kWh": 0.001, "GWh": 1000.0, "GJ": 1 / 3.6, "TJ": 1000 / 3.6, "toe": 11.63}


def main():
    batch, fdir, out = (Path(a) for a in sys.argv[1:4])
    out.mkdir(parents=True, exist_ok=True)
    inv = pd.read_csv(batch / "inventories.csv", dtype={"inventory_id": str, "country": str})
    act = pd.read_csv(batch / "activity.csv", dtype={"inventory_id": str, "sector": str, "carrier": str, "unit": str})
    local = pd.read_csv(batch / "factors.csv", dtype={"inventory_id": str})
    fuels = pd.read_csv(fdir / "com-fuels.csv")
    neefe = pd.read_csv(fdir / "jrc-neefe.csv", dtype={"country": str})

    act["energy_mwh"] = act["amount"] * act["unit"].map(MWH_PER_UNIT)
    cells = act.groupby(["inventory_id", "sector", "carrier"], as_index=False, sort=False)["energy_mwh"].sum()
    cells = cells.merge(inv[["inventory_id", "country", "year", "approach", "gases"]], on="inventory_id", how="left")

    fuels = fuels[fuels["country"].isna()][["carrier", "approach", "gases", "value", "source"]]
    cells = cells.merge(fuels, on=["carrier", "approach", "gases"], how="left")
    elec = neefe[["country", "year", "approach", "gases", "value", "source"]].rename(
        columns={"value": "elec_value", "source": "elec_source"})
    elec["carrier"] = "electricity"
    cells = cells.merge(elec, on=["carrier", "country", "year", "approach", "gases"], how="left")
    cells["value"] = cells["value"].fillna(cells["elec_value"])
    cells["source"] = cells["source"].fillna(cells["elec_source"])
    local = local.rename(columns={"factor": "local_value", "source": "local_source"})
    cells = cells.merge(local, on=["inventory_id", "carrier"], how="left")
    cells["value"] = cells["local_value"].fillna(cells["value"])
    cells["source"] = cells["local_source"].fillna(cells["source"])
    if cells["value"].isna().any():
        missing = cells[cells["value"].isna()].iloc[0]
        sys.exit(f"no factor for {missing['inventory_id']} {missing['carrier']}")

    cells["emissions_t"] = cells["energy_mwh"] * cells["value"]
    cells[["inventory_id", "sector", "carrier", "energy_mwh", "value", "source", "emissions_t"]].rename(
        columns={"value": "factor_t_per_mwh", "source": "factor_source"}).to_csv(out / "emissions.csv", index=False)

    totals = cells.groupby("inventory_id", as_index=False, sort=False)[["energy_mwh", "emissions_t"]].sum()
    summary = inv.merge(totals, on="inventory_id", how="left")
    summary["per_capita_t"] = summary["emissions_t"] / summary["population"]
    base = summary[["inventory_id", "emissions_t"]].rename(columns={"inventory_id": "baseline_id", "emissions_t": "base_t"})
    summary = summary.merge(base, on="baseline_id", how="left")
    summary["change_vs_baseline_pct"] = (summary["emissions_t"] - summary["base_t"]) / summary["base_t"] * 100
    summary["target_emissions_t"] = (1 - summary["target_reduction_pct"] / 100) * summary["emissions_t"]
    summary.drop(columns=["base_t"]).to_csv(out / "summary.csv", index=False)


if __name__ == "__main__":
    main()
