#!/usr/bin/env python3
"""Build the released factor CSVs from the project's methodology notes.

This is how the files under factors/ were first produced (see each SOURCE.md).
It is kept for transparency; released files are never regenerated in place:
a correction is a new release folder.

Usage: python3 factors/tools/extract_methodology.py PATH/TO/shared/domain OUTDIR
"""
import re
import sys
from pathlib import Path

# JRC uses EL for Greece and UK for the United Kingdom; covenant stores ISO 3166-1 alpha-2.
ISO = {"EL": "GR", "UK": "GB"}

TABLES = {
    "Table1_EU_IPCC_CO2": ("ipcc", "co2", "Table 1"),
    "Table2_EU_IPCC_GHG": ("ipcc", "co2e", "Table 2"),
    "Table3_EU_LC": ("lca", "co2e", "Table 3"),
    "Table4_Other_IPCC_CO2": ("ipcc", "co2", "Table 4"),
    "Table5_Other_IPCC_GHG": ("ipcc", "co2e", "Table 5"),
    "Table6_Other_LC_GHG": ("lca", "co2e", "Table 6"),
}
SUSPECT_T5 = {"KZ", "KG", "TJ", "TM", "UZ"}


def neefe(md: str):
    rows = []
    current = None
    years = []
    for line in md.splitlines():
        m = re.match(r"#### Table \d \(sheet `(\w+)`\)", line)
        if m:
            current = TABLES[m.group(1)]
            continue
        if current is None:
            continue
        if line.startswith("| Code |"):
            years = [c.strip() for c in line.strip("|").split("|")][2:]
            continue
        m = re.match(r"\| ([A-Z]{2}) \|", line)
        if m and years:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            code, name, values = cells[0], cells[1], cells[2:]
            assert len(values) == len(years), (code, len(values), len(years))
            approach, gases, table = current
            for year, v in zip(years, values):
                if v in ("–", "-", ""):
                    continue
                note = ""
                if table == "Table 5" and code in SUSPECT_T5:
                    note = "suspect: identical to Table 6 (LC) in every year; probable dataset error (methodology-2 §2.3)"
                if table in ("Table 4", "Table 5", "Table 6") and code == "UK":
                    note = "IEA basis (Tables 4-6); Tables 1-3 give the Eurostat basis"
                rows.append((ISO.get(code, code), year, approach, gases, v, table, note))
        if line.startswith("## 3."):
            break
    return rows


PARTNER = {
    "Argentina": "AR", "Australia": "AU", "Brazil": "BR", "Canada": "CA", "Chile": "CL", "China": "CN",
    "Colombia": "CO", "India": "IN", "Indonesia": "ID", "Japan": "JP", "Malaysia": "MY", "Mexico": "MX",
    "New Zealand": "NZ", "Peru": "PE", "Republic of Korea": "KR", "Thailand": "TH", "United States": "US",
    "Viet Nam": "VN",
}


def partner(md: str):
    """Section 4.2: Electricity Maps 2021-2025 (life-cycle) and OWID-2022 2019-2021 (CO2)."""
    rows = []
    section = md.split("### 4.2", 1)[1].split("### 4.3", 1)[0]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not cells or cells[0] not in PARTNER:
            continue
        code = PARTNER[cells[0]]
        em = cells[4:9]
        owid = cells[9:12]
        for year, v in zip(range(2021, 2026), em):
            if v not in ("–", "-", ""):
                note = "zone CL-SEN" if code == "CL" else ""
                rows.append((code, year, "lca", "co2e", v, "em", note))
        for year, v in zip(range(2019, 2022), owid):
            if v not in ("–", "-", ""):
                rows.append((code, year, "ipcc", "co2", v, "owid-2022", ""))
    return rows


def main():
    domain, out = Path(sys.argv[1]), Path(sys.argv[2])
    md2 = (domain / "methodology-2.md").read_text(encoding="utf-8")
    rows = neefe(md2)
    # The United Kingdom appears twice (Eurostat basis in Tables 1-3, IEA basis in Tables 4-6).
    # Keep the Eurostat series and take an IEA value only for a year the Eurostat series lacks.
    have = {(c, y, a, g) for c, y, a, g, v, t, n in rows if t in ("Table 1", "Table 2", "Table 3")}
    rows = [r for r in rows if r[5] in ("Table 1", "Table 2", "Table 3") or r[:4] not in have]
    lines = ["carrier,country,year,approach,gases,value,unit,tag,source,note"]
    for country, year, approach, gases, v, table, note in rows:
        sid = "jrc-neefe-2024-t" + table.split()[-1]
        lines.append(f"electricity,{country},{year},{approach},{gases},{v},t/MWh,R,{sid},{note}")
    (out / "neefe.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(len(rows), "NEEFE values")
    prow = partner(md2)
    lines = ["carrier,country,year,approach,gases,value,unit,tag,source,note"]
    for country, year, approach, gases, v, sid, note in prow:
        tag = "V" if sid == "owid-2022" else "R"
        lines.append(f"electricity,{country},{year},{approach},{gases},{v},t/MWh,{tag},{sid},{note}")
    (out / "partner.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(len(prow), "partner grid values")


if __name__ == "__main__":
    main()
