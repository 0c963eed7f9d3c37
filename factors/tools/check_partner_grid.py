#!/usr/bin/env python3
"""Check a partner-grid revision folder (factors.csv, sources.csv, optional alternatives.csv). Standard library only.

Usage: python3 factors/tools/check_partner_grid.py factors/partner-grid/2026.1

Checks, for every row: the header and column count; carrier electricity; a valid ISO 3166-1 alpha-2 country
(the 249 officially assigned codes, embedded below); a four-digit year; approach ipcc|lca; gases co2|co2e;
unit t/MWh; value a plain decimal (digits, one point, no sign or exponent) with 0 < value < 2; tag V, D or R
(never U); a source id present in sources.csv; a D row has a note (its arithmetic). factors.csv must hold each
(country, year, approach, gases) key at most once; alternatives.csv may repeat keys (it lists alternatives).
Exit 0 when clean, 1 otherwise.
"""
import csv
import re
import sys
from pathlib import Path

ISO_ALPHA2 = set("""AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split())
HEADER = ["carrier", "country", "year", "approach", "gases", "value", "unit", "tag", "source", "note"]
PLAIN = re.compile(r"[0-9]+(\.[0-9]+)?")


def check_file(path, source_ids, unique, errors):
    keys = {}
    n = 0
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        header = next(rd)
        if header != HEADER:
            errors.append(f"{path}: header {header}")
            return 0
        for i, cells in enumerate(rd, start=2):
            where = f"{path}:{i}"
            if len(cells) != len(HEADER):
                errors.append(f"{where}: {len(cells)} columns")
                continue
            r = dict(zip(HEADER, cells))
            n += 1
            if r["carrier"] != "electricity":
                errors.append(f"{where}: carrier {r['carrier']!r}")
            if r["country"] not in ISO_ALPHA2:
                errors.append(f"{where}: country {r['country']!r} is not ISO 3166-1 alpha-2")
            if not re.fullmatch(r"(19|20)[0-9]{2}", r["year"]):
                errors.append(f"{where}: year {r['year']!r}")
            if r["approach"] not in ("ipcc", "lca"):
                errors.append(f"{where}: approach {r['approach']!r}")
            if r["gases"] not in ("co2", "co2e"):
                errors.append(f"{where}: gases {r['gases']!r}")
            if r["unit"] != "t/MWh":
                errors.append(f"{where}: unit {r['unit']!r}")
            if not PLAIN.fullmatch(r["value"]):
                errors.append(f"{where}: value {r['value']!r} is not a plain decimal")
            elif not (0 < float(r["value"]) < 2):
                errors.append(f"{where}: value {r['value']} outside (0, 2) t/MWh")
            if r["tag"] not in ("V", "D", "R"):
                errors.append(f"{where}: tag {r['tag']!r}" + (" (U is forbidden)" if r["tag"] == "U" else ""))
            if r["tag"] == "D" and not r["note"].strip():
                errors.append(f"{where}: D row without its arithmetic in the note")
            if r["source"] not in source_ids:
                errors.append(f"{where}: source {r['source']!r} not in sources.csv")
            k = (r["country"], r["year"], r["approach"], r["gases"])
            if unique and k in keys:
                errors.append(f"{where}: duplicate key {k} (first at line {keys[k]})")
            keys.setdefault(k, i)
    return n


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    errors = []
    with open(folder / "sources.csv", newline="", encoding="utf-8") as f:
        rd = csv.reader(f)
        if next(rd) != ["id", "citation"]:
            errors.append("sources.csv: header must be id,citation")
        ids = {}
        for i, cells in enumerate(rd, start=2):
            if len(cells) != 2 or not cells[0] or not cells[1].strip():
                errors.append(f"sources.csv:{i}: malformed {cells}")
                continue
            if cells[0] in ids:
                errors.append(f"sources.csv:{i}: duplicate id {cells[0]}")
            ids[cells[0]] = cells[1]
    n = check_file(folder / "factors.csv", ids, True, errors)
    print(f"factors.csv: {n} rows")
    if (folder / "alternatives.csv").exists():
        m = check_file(folder / "alternatives.csv", ids, False, errors)
        print(f"alternatives.csv: {m} rows")
    for e in errors:
        print(e)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
