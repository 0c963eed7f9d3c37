#!/usr/bin/env python3
"""Build factors/partner-grid/2026.2/{factors,alternatives,sources}.csv.

partner-grid@2026.2 = partner-grid@2026.1 (every life-cycle row and alternative, unchanged) + official national
direct-combustion (IPCC approach, CO2) factors where a citable copy was found. Standard library only. Repository
inputs are read with `git show COMMIT:PATH` from a bare git directory (a snapshot of the public repository), so the
commit read is part of the citation; only numbers and notes are written here.

Usage:
  python3 factors/tools/build_partner_grid_2026_2.py \
      --base  factors/partner-grid/2026.1 \
      --mcti  /work/.mirror/lagando+calculoGEE/repo \
      --elci  /work/.mirror/USEPA+ElectricityLCI/repo \
      --out   factors/partner-grid/2026.2

Inputs:
  base  the released partner-grid@2026.1 folder (factors.csv, alternatives.csv, sources.csv), copied row for row.
  mcti  lagando/calculoGEE fatores.json: the monthly "fator médio" (average CO2 emission factor of the Brazilian
        National Interconnected System, SIN, for inventories) published by MCTI/SIRENE, tCO2/MWh, 4 decimals.
        The annual factor is the arithmetic mean of the 12 monthly factors (MCTI's own annual figure is computed
        the same way: checked in SOURCE.md), rounded half-even to MCTI's 4 decimals. Tag D.
  elci  USEPA/ElectricityLCI electricitylci/data/egrid_subregion_totals_reference_<Y>.csv: eGRID<Y> subregion
        totals as EPA's own LCI repository stores them (CO2 in kg, net generation in MWh). The U.S. total output
        CO2 rate is sum(CO2) / sum(generation) over the 26 subregions. Tag D.
  India: the CEA "CO2 Baseline Database for the Indian Power Sector" All-India weighted average emission rates are
        not in any repository reachable here; the values below are transcribed from a third-party web page that
        reproduces the CEA Version 21.0 table (URL in INDIA_SOURCE). Tag R (see SOURCE.md).
"""
import argparse
import csv
import io
import json
import subprocess
import sys
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

MCTI_COMMIT = "f50ccb4d1e154743696aa1ecd6cff8ef3bdd429f"
MCTI_PATH = "fatores.json"
MCTI_YEARS = range(2006, 2025)  # 2025 is incomplete in the file (11 months at this commit)

ELCI_COMMIT = "54ac8d6447d60dcda72b0e7af37cb3f7d82c07c4"
ELCI_PATH = "electricitylci/data/egrid_subregion_totals_reference_{year}.csv"
ELCI_YEARS = (2014, 2016)
LB = Decimal("0.45359237")  # kg per pound, exact

INDIA_SOURCE = "https://batchwise.ai/tools/cea-grid-emission-factor-lookup/"
# CEA V21.0 (November 2025), All-India, excluding imports, tCO2/MWh, financial year April-March.
# "incl. RES": weighted average over all grid generation including renewables (main series).
INDIA_INCL_RES = {2020: "0.7026", 2021: "0.7152", 2022: "0.7191", 2023: "0.7290", 2024: "0.7117"}
# "Weighted average emission rate" without renewable energy sources (alternatives only).
INDIA_EXCL_RES = {2020: "0.7927", 2021: "0.8146", 2022: "0.8271", 2023: "0.8437", 2024: "0.8337"}
INDIA_V20_SOURCE = (
    "https://saurenergy.com/solar-energy-news/ceas-co2-baseline-database-impact-of-re-on-indian-grid-emissions-intensity"
)
INDIA_V20_2023 = "0.727"  # FY 2023-24, weighted average adjusted for renewable energy, CEA V20.0 (Dec 2024)

HEADER = ["carrier", "country", "year", "approach", "gases", "value", "unit", "tag", "source", "note"]

SOURCES = {
    "mcti-sin-2026": (
        "NOT A CoM FACTOR. Brazil, Ministério da Ciência, Tecnologia e Inovação (MCTI), SIRENE: \"Fatores de emissão "
        "de CO2 pela geração de energia elétrica no Sistema Interligado Nacional do Brasil\", fator médio (average "
        "factor) for inventories, tCO2/MWh, monthly, 4 decimals (https://www.gov.br/mcti/pt-br/acompanhe-o-mcti/"
        "sirene/dados-e-ferramentas/fatores-de-emissao: 'calcula a média das emissões da geração, levando em "
        "consideração todas as usinas que estão gerando energia'). Monthly values read in lagando/calculoGEE "
        "fatores.json, commit f50ccb4d1e154743696aa1ecd6cff8ef3bdd429f (2026-01-20), a transcription of the MCTI "
        "table. Annual value = mean of the 12 monthly factors rounded half-even to 4 decimals (reproduces the MCTI "
        "annual figures 2011 = 0.0292 and 2023 = 0.0385 quoted from SIRENE in https://todayinformatica.com.br/"
        "?p=780758). Direct "
        "combustion CO2 of the grid-connected plants (IPCC approach), generation-based, SIN only (isolated systems "
        "excluded). Licence: Brazilian government data (public)."
    ),
    "egrid-elci-2018": (
        "NOT A CoM FACTOR. US EPA, Emissions & Generation Resource Integrated Database (eGRID2014, eGRID2016): "
        "annual CO2 emissions and net generation of the 26 eGRID subregions, as stored by EPA in USEPA/"
        "ElectricityLCI electricitylci/data/egrid_subregion_totals_reference_2014.csv and _2016.csv (CO2 in kg, "
        "generation in MWh), commit 54ac8d6447d60dcda72b0e7af37cb3f7d82c07c4 (2018-08-23, 'Egrid reference "
        "data'; unchanged at 71a3f6dd20ed36bfcea3ff64b5e27d117ca7adc5). U.S. total output CO2 emission rate = "
        "sum of subregion CO2 / sum of subregion net generation (eGRID's 'total output' basis: all generation "
        "in the denominator; at the busbar, no transmission losses; emissions as eGRID adjusts them for biomass "
        "and CHP). Direct combustion CO2 (IPCC approach), generation-based. Licence: US federal government work, "
        "public domain."
    ),
    "cea-v21": (
        "NOT A CoM FACTOR. Government of India, Ministry of Power, Central Electricity Authority: CO2 Baseline "
        "Database for the Indian Power Sector, Version 21.0 (November 2025), All-India weighted average emission "
        "rate including renewable energy sources, excluding imports, tCO2/MWh, per financial year (April-March; "
        "stored under the year it starts). Computed by CEA from station-level fuel and generation data with the "
        "CDM 'Tool to calculate the emission factor for an electricity system' (direct combustion CO2, IPCC "
        "approach, generation-based). Read in a third-party reproduction of the CEA table, "
        + INDIA_SOURCE
        + " (BatchWise, 'Data source: CEA CO2 Baseline Database for the Indian Power Sector V21.0 (November "
        "2025)'); the CEA file itself (cea.nic.in) was not reachable here. Licence: Government Open Data "
        "License - India."
    ),
    "cea-v20": (
        "NOT A CoM FACTOR. Central Electricity Authority, CO2 Baseline Database for the Indian Power Sector, "
        "Version 20.0 (December 2024), FY 2023-24 weighted average emission factor adjusted for renewable "
        "energy, 0.727 tCO2/MWh, as quoted by Saur Energy News (" + INDIA_V20_SOURCE + "). An earlier vintage "
        "of cea-v21 (alternatives only)."
    ),
}


def git_show(git_dir, commit, path):
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"], check=True, capture_output=True
    ).stdout.decode("utf-8")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def row(country, year, value, tag, source, note, approach="ipcc", gases="co2"):
    return {
        "carrier": "electricity", "country": country, "year": str(year), "approach": approach, "gases": gases,
        "value": value, "unit": "t/MWh", "tag": tag, "source": source, "note": note,
    }


def plain(d):
    """A Decimal as a plain string without exponent or trailing zeros."""
    s = format(d.normalize(), "f")
    return s


def brazil(git_dir):
    monthly = json.loads(git_show(git_dir, MCTI_COMMIT, MCTI_PATH), parse_float=Decimal)
    out = []
    for y in MCTI_YEARS:
        months = monthly[str(y)]
        if sorted(int(m) for m in months) != list(range(1, 13)):
            sys.exit(f"MCTI {y}: not 12 months")
        total = sum(months.values(), Decimal(0))
        mean = total / 12
        value = mean.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN)
        note = (
            f"MCTI SIN average CO2 factor {y}: mean of the 12 monthly factors = {plain(total)} / 12 = "
            f"{plain(mean.quantize(Decimal('0.0000001'), rounding=ROUND_HALF_EVEN))}, rounded to MCTI's 4 decimals; "
            "direct combustion CO2, generation-based (SIN)"
        )
        out.append(row("BR", y, format(value, "f"), "D", "mcti-sin-2026", note))
    return out


def united_states(git_dir):
    out = []
    for y in ELCI_YEARS:
        text = git_show(git_dir, ELCI_COMMIT, ELCI_PATH.format(year=y))
        co2 = gen = Decimal(0)
        n = 0
        for r in csv.DictReader(io.StringIO(text)):
            if r["FlowName"] == "Carbon dioxide":
                co2 += Decimal(r["FlowAmount"])
                n += 1
            elif r["FlowName"] == "Electricity":
                gen += Decimal(r["FlowAmount"])
        if n != 26:
            sys.exit(f"eGRID {y}: {n} subregions, expected 26")
        kg_per_mwh = co2 / gen
        t = (kg_per_mwh / 1000).quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)
        lb = (kg_per_mwh / LB).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
        note = (
            f"eGRID{y} U.S. total output CO2 rate: {plain(co2.quantize(Decimal('1')))} kg CO2 / "
            f"{plain(gen.quantize(Decimal('1')))} MWh (sum of 26 subregions) = "
            f"{plain(kg_per_mwh.quantize(Decimal('0.001')))} kg/MWh (= {lb} lb/MWh at 0.45359237 kg/lb) / 1000, "
            "rounded to 6 decimals; direct combustion CO2, generation-based (busbar)"
        )
        out.append(row("US", y, format(t, "f"), "D", "egrid-elci-2018", note))
    return out


def india():
    main = [
        row("IN", y, v, "R", "cea-v21",
            f"CEA V21.0 All-India weighted average emission rate incl. RES, FY {y}-{(y + 1) % 100:02d} "
            f"(April {y} - March {y + 1}), excl. imports, {v} tCO2/MWh as published; direct combustion CO2, "
            "generation-based")
        for y, v in sorted(INDIA_INCL_RES.items())
    ]
    alt = [
        row("IN", y, v, "R", "cea-v21",
            f"ALTERNATIVE: CEA V21.0 All-India weighted average emission rate without renewable energy sources, "
            f"FY {y}-{(y + 1) % 100:02d}, excl. imports, {v} tCO2/MWh; higher than the incl.-RES rate the main "
            "file uses because wind and solar generation are left out of the denominator")
        for y, v in sorted(INDIA_EXCL_RES.items())
    ]
    alt.append(row("IN", 2023, INDIA_V20_2023, "R", "cea-v20",
                   "ALTERNATIVE: CEA V20.0 (Dec 2024) FY 2023-24 weighted average adjusted for renewable energy, "
                   "0.727 tCO2/MWh as quoted; revised to 0.7290 in V21.0 (main file)"))
    return main, alt


def write(path, rows, header):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def key(r):
    return (r["carrier"], r["country"], r["year"], r["approach"], r["gases"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, type=Path)
    ap.add_argument("--mcti", required=True, type=Path)
    ap.add_argument("--elci", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    a = ap.parse_args()

    base_factors = read_csv(a.base / "factors.csv")
    base_alts = read_csv(a.base / "alternatives.csv")
    base_sources = read_csv(a.base / "sources.csv")

    ind_main, ind_alt = india()
    new = brazil(a.mcti) + united_states(a.elci) + ind_main
    factors = base_factors + new
    order = {c: i for i, c in enumerate(dict.fromkeys(r["country"] for r in base_factors))}
    factors.sort(key=lambda r: (order[r["country"]], r["approach"] != "lca", int(r["year"])))
    seen = set()
    for r in factors:
        if key(r) in seen:
            sys.exit(f"duplicate key {key(r)}")
        seen.add(key(r))
    alts = base_alts + ind_alt
    sources = base_sources + [{"id": k, "citation": v} for k, v in SOURCES.items()]

    a.out.mkdir(parents=True, exist_ok=True)
    write(a.out / "factors.csv", factors, HEADER)
    write(a.out / "alternatives.csv", alts, HEADER)
    write(a.out / "sources.csv", sources, ["id", "citation"])
    print(f"factors.csv {len(factors)} rows ({len(new)} ipcc), alternatives.csv {len(alts)}, sources {len(sources)}")


if __name__ == "__main__":
    main()
