#!/usr/bin/env python3
"""Build factors/partner-grid/2026.1/factors.csv and alternatives.csv from pinned public files.

Standard library only. Every input is read with `git show COMMIT:PATH` from a bare git directory (a snapshot
of the public repository), so the commit read is part of the citation. Nothing fetched is copied into this
repository: only the numbers, divided by 1000, with a note.

Usage:
  python3 factors/tools/build_partner_grid_2026.py \
      --glpi   /work/.mirror/pluginsGLPI+carbon/repo \
      --co2js  /work/.mirror/thegreenwebfoundation+co2.js/repo \
      --owid   /work/.mirror/owid+energy-data/repo \
      --iso    /work/.mirror/lukes+ISO-3166-Countries-with-Regional-Codes/repo \
      --out    factors/partner-grid/2026.1

Inputs (commits pinned below):
  glpi   pluginsGLPI/carbon  install/data/carbon_intensity/carbon-intensity-electricity.csv: the Our World in Data
         grapher download "carbon-intensity-electricity" (Ember and Energy Institute, processed by OWID), columns
         Entity,Code,Year,"Carbon intensity of electricity - gCO2/kWh".
  co2js  thegreenwebfoundation/co2.js  data/output/electricity-maps/yearly_<Y>.json (Electricity Maps yearly
         carbon intensity, API v3 carbon-intensity/past, yearly) and data/output/average-intensities.json (Ember
         API, latest year per country).
  owid   owid/energy-data  scripts/grapher/Electricity mix from BP & EMBER (2022).csv (the series 2025.1 shipped
         as ipcc/co2; kept only as an alternative, see SOURCE.md).
  iso    lukes/ISO-3166-Countries-with-Regional-Codes  all/all.csv: ISO 3166-1 alpha-3 -> alpha-2 and the UN M49
         sub-region "Latin America and the Caribbean".

Rules (SOURCE.md explains why):
  * main file, lca/co2e: OWID/Ember for every year it has (2000 onwards); Electricity Maps only for a year after the
    last OWID/Ember year of that country (2021-2025), never instead of it (--no-em-fill: not at all).
  * main file, ipcc: nothing (no direct-combustion series with a citable provenance was found; see SOURCE.md).
  * alternatives.csv: Electricity Maps for the years OWID/Ember wins; the newer Ember API vintage (latest year);
    the OWID-2022 values that partner-grid@2025.1 shipped as ipcc/co2 (2019-2021), relabelled as what they are.
"""
import argparse
import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

GLPI_COMMIT = "4719e8da8bf5bc832a28dfab5b4721233ddde226"
GLPI_PATH = "install/data/carbon_intensity/carbon-intensity-electricity.csv"
GLPI_COLUMN = "Carbon intensity of electricity - gCO2/kWh"
EM_COMMIT = "df82c78e7e52f74a8e413846504b517a63a0ab52"
EM_YEARS = (2021, 2022, 2023, 2024, 2025)
EMBER_API_COMMIT = "b459b5e543c6cfb49ad429627e325e14c45697e1"
OWID2022_COMMIT = "e34747aefaaffe613130e79b4a52870e51471d10"
OWID2022_PATH = "scripts/grapher/Electricity mix from BP & EMBER (2022).csv"
OWID2022_COLUMN = "Carbon intensity of electricity (gCO2/kWh)"
ISO_COMMIT = "145f1ad3caff212ed25f42b0ee2c8b92a75af895"

# The partner countries of issue 14 (ISO 3166-1 alpha-2), before Latin America and the Caribbean is added.
CORE = ["AR", "AU", "BR", "CA", "CL", "CN", "CO", "IN", "ID", "JP", "MY", "MX", "NZ", "PE", "KR", "TH", "US", "VN",
        "HK", "SG"]
# The 18 countries of partner-grid@2025.1 (their OWID-2022 rows go to alternatives.csv).
PREVIOUS_18 = CORE[:18]
# Electricity Maps has no single national zone for Chile; 2025.1 used the national system zone.
EM_ZONE = {"CL": "CL-SEN"}

HEADER = ["carrier", "country", "year", "approach", "gases", "value", "unit", "tag", "source", "note"]


def git_show(gitdir, commit, path):
    out = subprocess.run(["git", f"--git-dir={gitdir}", "show", f"{commit}:{path}"],
                         check=True, capture_output=True)
    return out.stdout.decode("utf-8")


def t_per_mwh(g_per_kwh: str) -> str:
    """g/kWh -> t/MWh, exactly: the source's digits shifted by three places, nothing rounded."""
    d = Decimal(g_per_kwh.strip())
    if d <= 0:
        raise ValueError(g_per_kwh)
    s = format(d.scaleb(-3), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def row(country, year, approach, gases, g, tag, source, note):
    return {"carrier": "electricity", "country": country, "year": str(year), "approach": approach,
            "gases": gases, "value": t_per_mwh(g), "unit": "t/MWh", "tag": tag, "source": source, "note": note}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--glpi", required=True)
    ap.add_argument("--co2js", required=True)
    ap.add_argument("--owid", required=True)
    ap.add_argument("--iso", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-em-fill", action="store_true",
                    help="keep Electricity Maps out of factors.csv entirely (its trailing years go to alternatives.csv)")
    a = ap.parse_args()

    iso_rows = list(csv.DictReader(io.StringIO(git_show(a.iso, ISO_COMMIT, "all/all.csv"))))
    a3_to_a2 = {r["alpha-3"]: r["alpha-2"] for r in iso_rows}
    lac = sorted(r["alpha-2"] for r in iso_rows if r["sub-region"] == "Latin America and the Caribbean")

    # --- OWID/Ember grapher series (main lca/co2e) ---
    owid = {}  # (a2, year) -> g/kWh string
    names = {}
    for r in csv.DictReader(io.StringIO(git_show(a.glpi, GLPI_COMMIT, GLPI_PATH))):
        a2 = a3_to_a2.get(r["Code"])
        if not a2 or not r[GLPI_COLUMN]:
            continue
        key = (a2, int(r["Year"]))
        assert key not in owid, key
        owid[key] = r[GLPI_COLUMN]
        names[a2] = r["Entity"]

    wanted = list(CORE) + [c for c in lac if c not in CORE and any(k[0] == c for k in owid)]
    lac_missing = [c for c in lac if not any(k[0] == c for k in owid)]

    # --- Electricity Maps yearly (co2.js) ---
    em = {}  # (a2, year) -> (g/kWh string, zone)
    for y in EM_YEARS:
        data = json.loads(git_show(a.co2js, EM_COMMIT, f"data/output/electricity-maps/yearly_{y}.json"))
        for c in wanted:
            zone = EM_ZONE.get(c, c)
            z = data.get(zone)
            if z is None:
                continue
            ci = z["carbonIntensity"]
            assert ci["unit"] == "gCO2eq/kWh", ci
            em[(c, y)] = (str(ci["value"]), zone)

    main_rows, alt_rows = [], []
    for c in wanted:
        years = sorted(y for (cc, y) in owid if cc == c)
        last = years[-1] if years else None
        for y in years:
            g = owid[(c, y)]
            main_rows.append(row(c, y, "lca", "co2e", g, "R", "owid-ember-2025",
                                 f"OWID/Ember carbon intensity of electricity generation {g} gCO2e/kWh / 1000; "
                                 "life-cycle, generation-based (imports not included)"))
        for y in EM_YEARS:
            if (c, y) not in em:
                continue
            g, zone = em[(c, y)]
            if last is not None and y <= last:
                alt_rows.append(row(c, y, "lca", "co2e", g, "R", "em",
                                    f"ALTERNATIVE to owid-ember-2025 for this key. Electricity Maps zone {zone} {y}: "
                                    f"{g} gCO2eq/kWh / 1000; life-cycle, consumption-based (imports included)"))
            elif a.no_em_fill:
                alt_rows.append(row(c, y, "lca", "co2e", g, "R", "em",
                                    f"ALTERNATIVE (no owid-ember-2025 value for this key). Electricity Maps zone {zone} "
                                    f"{y}: {g} gCO2eq/kWh / 1000; life-cycle, consumption-based (imports included)"))
            else:
                main_rows.append(row(c, y, "lca", "co2e", g, "R", "em",
                                     f"Electricity Maps zone {zone} {y}: {g} gCO2eq/kWh / 1000; life-cycle, "
                                     f"consumption-based. owid-ember-2025 ends in {last} for this country: "
                                     "different dataset, expect a break in the series"))

    # --- Ember API latest year (newer vintage), alternatives only ---
    api = json.loads(git_show(a.co2js, EMBER_API_COMMIT, "data/output/average-intensities.json"))
    for c in wanted:
        a3 = next((k for k, v in a3_to_a2.items() if v == c), None)
        e = api.get(a3)
        if not e:
            continue
        g = str(e["emissions_intensity_gco2_per_kwh"])
        alt_rows.append(row(c, e["year"], "lca", "co2e", g, "R", "ember-api-2025-08",
                            f"ALTERNATIVE: Ember API emissions_intensity_gco2_per_kwh {g} for {e['year']} "
                            "(newer Ember vintage than owid-ember-2025); life-cycle, generation-based"))

    # --- OWID-2022: what partner-grid@2025.1 shipped as ipcc/co2 ---
    a2_by_name = {"South Korea": "KR", "Vietnam": "VN"}
    for r in csv.DictReader(io.StringIO(git_show(a.owid, OWID2022_COMMIT, OWID2022_PATH))):
        c = a2_by_name.get(r["Country"]) or next((k for k, v in names.items() if v == r["Country"]), None)
        if c not in PREVIOUS_18 or r["Year"] not in ("2019", "2020", "2021") or not r[OWID2022_COLUMN]:
            continue
        g = r[OWID2022_COLUMN]
        alt_rows.append(row(c, r["Year"], "lca", "co2e", g, "V", "owid-2022",
                            f"SUPERSEDED: shipped by partner-grid@2025.1 as ipcc/co2 (rounded). OWID-2022 {g} "
                            "labelled gCO2/kWh by its publisher but life-cycle (hydro-only grids at 24 g/kWh, "
                            "the IPCC AR5 hydro life-cycle median): not an IPCC-approach factor"))

    order = {c: i for i, c in enumerate(wanted)}
    key = lambda r: (order[r["country"]], r["approach"], r["gases"], int(r["year"]), r["source"])
    main_rows.sort(key=key)
    alt_rows.sort(key=key)
    seen = set()
    for r in main_rows:
        k = (r["country"], r["year"], r["approach"], r["gases"])
        assert k not in seen, k
        seen.add(k)

    out = Path(a.out)
    for name, rows in (("factors.csv", main_rows), ("alternatives.csv", alt_rows)):
        with open(out / name, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    print(f"countries: {len(wanted)} ({' '.join(wanted)})", file=sys.stderr)
    print(f"LAC (UN M49) without OWID/Ember data: {' '.join(lac_missing)}", file=sys.stderr)
    print(f"factors.csv: {len(main_rows)} rows; alternatives.csv: {len(alt_rows)} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
