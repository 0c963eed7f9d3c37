#!/usr/bin/env python3
"""Whole-process benchmark of `covenant batch` (run by `cargo xtask bench`).

For synthetic batches (`covenant generate`, typical and `--heavy`) it measures in one run, the
commands interleaved (one run of each in turn, REPEATS times; medians):
  * `csv_parse_only`: merely parsing the three CSV files with the csv crate;
  * `floor`: parsing them and writing as many bytes as covenant writes (file by file), the least
    any program reading these inputs and writing these outputs can do;
  * `covenant batch`: reading, computing and writing emissions.csv, summary.csv, trajectory.csv
    and crf.csv, with the default threads and with `--threads 1`;
  * `pandas_batch.py`: a straightforward pandas script writing the same four files (checked:
    same rows and texts, numbers equal to covenant's within float precision);
and prints the medians, the ratios (the median of each round's ratio) and peak RSS (from GNU
time). Before each command the
outputs of the previous one are synced to disk (not timed), so that their writeback does not
run during the next command.

Usage: whole_process.py TARGET_DIR WORK_DIR [REPEATS] [BATCH...]
  BATCH: e.g. 1000x100 or heavy-10000x100 (default: all of them)
"""
import csv
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None
BATCHES = ["1000x100", "10000x100", "1000x1000", "heavy-1000x100", "heavy-10000x100", "heavy-1000x1000"]


def run_once(cmd):
    """Wall time and peak RSS (KiB) of one run of a command.

    Peak RSS comes from GNU time when present: wait4() on a child forked from this interpreter
    would count the interpreter's own pages, copied into the child before exec.
    """
    full = [str(c) for c in cmd]
    if GNU_TIME:
        full = [GNU_TIME, "-f", "covenant-peak-rss-kib=%M", *full]
    # The outputs of the previous command are written out first (not timed): otherwise the
    # kernel writes them to disk during this one, on the cores it measures.
    os.sync()
    start = time.perf_counter()
    proc = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    err = proc.stderr.decode()
    if proc.returncode != 0:
        sys.exit(f"{' '.join(full)} failed ({proc.returncode}):\n{err}")
    peak = [l for l in err.splitlines() if l.startswith("covenant-peak-rss-kib=")]
    return elapsed, int(peak[-1].split("=")[1]) if peak else 0


def measure(cmds, repeats):
    """Runs the commands in turn, `repeats` times; median wall time and max peak RSS of each."""
    times = {k: [] for k in cmds}
    rss = {k: 0 for k in cmds}
    for _ in range(repeats):
        for k, cmd in cmds.items():
            t, m = run_once(cmd)
            times[k].append(t)
            rss[k] = max(rss[k], m)
    return {k: (statistics.median(v), rss[k]) for k, v in times.items()}, times


def ratio(times, a, b):
    """The median over the rounds of a's time over b's (each round runs both, one after the
    other: a slow moment of the machine affects both)."""
    return statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))


def as_number(text):
    try:
        return float(text)
    except ValueError:
        return None


def compare(cov_dir, pd_dir):
    """Checks that pandas wrote the same files as covenant: the same header, rows and texts, and
    numbers equal within float precision (a relative 1e-9, or 1e-6 apart). Returns (rows compared,
    largest relative difference)."""
    rows, worst = 0, 0.0
    for name in ("emissions.csv", "summary.csv", "trajectory.csv", "crf.csv"):
        with open(cov_dir / name, newline="") as a, open(pd_dir / name, newline="") as b:
            for n, (x, y) in enumerate(zip(csv.reader(a), csv.reader(b), strict=True)):
                rows += 1
                for col, (u, v) in enumerate(zip(x, y, strict=True)):
                    if u == v:
                        continue
                    fu, fv = as_number(u), as_number(v)
                    if fu is None or fv is None:
                        sys.exit(f"{name} line {n + 1} column {col + 1}: covenant {u!r}, pandas {v!r}")
                    if fu == fv:
                        continue
                    diff = abs(fu - fv) / max(abs(fu), abs(fv))
                    # 1e-6 apart: e.g. 0 against -1.2e-10 at the end of a path to zero.
                    if diff > 1e-9 and abs(fu - fv) > 1e-6:
                        sys.exit(f"{name} line {n + 1} column {col + 1}: covenant {u}, pandas {v}")
                    if max(abs(fu), abs(fv)) > 1e-3:
                        worst = max(worst, diff)
    return rows, worst


def main():
    target, work = Path(sys.argv[1]), Path(sys.argv[2])
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    batches = sys.argv[4:] or BATCHES
    covenant = target / "release" / "covenant"
    parse = target / "release" / "examples" / "csv_parse_only"
    floor = target / "release" / "examples" / "floor"
    work.mkdir(parents=True, exist_ok=True)
    fdir = work / "factor-sets"
    fdir.mkdir(exist_ok=True)
    for s in ("com-fuels", "jrc-neefe"):
        with open(fdir / f"{s}.csv", "w") as f:
            subprocess.run([covenant, "factors", "show", s], stdout=f, check=True)
    listing = subprocess.run([covenant, "factors"], capture_output=True, text=True, check=True).stdout
    default = [l.split()[1] for l in listing.splitlines() if l.startswith("release ") and " (default)" in l]
    (fdir / "release.txt").write_text(default[0] + "\n")
    try:
        import pandas  # noqa: F401
        have_pandas = True
    except ImportError:
        have_pandas = False
        print("pandas is not installed: the pandas comparison is skipped (pip install pandas)")

    rows_out = []
    for name in batches:
        heavy = name.startswith("heavy-")
        n, rows = (int(x) for x in name.removeprefix("heavy-").split("x"))
        d = work / f"batch-{name}"
        if not (d / "activity.csv").exists():
            subprocess.run([covenant, "generate", "--inventories", str(n), "--rows", str(rows), "--seed", "1",
                            "--out", d, *(["--heavy"] if heavy else [])], check=True, stderr=subprocess.DEVNULL)
        files = [d / "inventories.csv", d / "activity.csv", d / "factors.csv"]
        size = sum(f.stat().st_size for f in files)
        args = [covenant, "batch", "--inventories", files[0], "--activity", files[1], "--factors", files[2],
                "--out", d / "out", "-q"]
        run_once(args)  # the outputs the floor writes as many bytes as
        out_size = sum(f.stat().st_size for f in (d / "out").iterdir())
        cmds = {"parse": [parse, *files],
                "floor": [floor, "--like", d / "out", "--out", d / "out-floor", *files],
                "covenant": args,
                "one": [*args, "--threads", "1"]}
        if have_pandas:
            cmds["pandas"] = [Path(sys.executable).resolve(), HERE / "pandas_batch.py", d, fdir, d / "out-pandas"]
        m, times = measure(cmds, repeats)
        t_floor, t_cov, t_one = m["floor"][0], m["covenant"][0], m["one"][0]
        line = {"batch": f"{'heavy ' if heavy else ''}{n:,} × {rows:,}", "rows": n * rows, "MB": size / 1e6,
                "out_MB": out_size / 1e6, "parse_s": m["parse"][0], "floor_s": t_floor, "covenant_s": t_cov,
                "ratio": ratio(times, "covenant", "floor"), "rss_MiB": m["covenant"][1] / 1024, "one_s": t_one,
                "one_ratio": ratio(times, "one", "floor"), "one_rss_MiB": m["one"][1] / 1024}
        if have_pandas:
            checked, worst = compare(d / "out", d / "out-pandas")
            print(f"{name}: pandas wrote the same {checked:,} rows as covenant (numbers within a relative "
                  f"{worst:.1e})", flush=True)
            t_pd, m_pd = m["pandas"]
            line.update(pandas_s=t_pd, pandas_ratio=ratio(times, "pandas", "covenant"), pandas_rss_MiB=m_pd / 1024)
        rows_out.append(line)

    print(f"\nmedians of {repeats} interleaved runs; ratios: medians of the ratios within each round")
    print("| batch (inventories × rows) | input | output | csv parse only | floor (parse + write) | covenant batch "
          "| ÷ floor | peak RSS | `--threads 1` | ÷ floor | peak RSS | pandas | pandas ÷ covenant | pandas peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows_out:
        pd_cols = (f"{r['pandas_s']:.2f} s | {r['pandas_ratio']:.1f}× | {r['pandas_rss_MiB']:.0f} MiB"
                   if "pandas_s" in r else "- | - | -")
        print(f"| {r['batch']} | {r['MB']:.1f} MB | {r['out_MB']:.1f} MB | {r['parse_s']:.3f} s | {r['floor_s']:.3f} s "
              f"| {r['covenant_s']:.3f} s | {r['ratio']:.2f}× | {r['rss_MiB']:.0f} MiB | {r['one_s']:.3f} s "
              f"| {r['one_ratio']:.2f}× | {r['one_rss_MiB']:.0f} MiB | {pd_cols} |")


if __name__ == "__main__":
    main()
