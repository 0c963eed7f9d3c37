#!/usr/bin/env python3
"""Whole-process benchmark of `covenant batch` (run by `cargo xtask bench`).

For synthetic batches of 100k and 1M activity rows it measures, in the same run:
  * `csv_parse_only`: merely parsing the three CSV files with the csv crate (the baseline);
  * `covenant batch`: reading, computing and writing emissions.csv, summary.csv, trajectory.csv and
    crf.csv, with the default threads and with `--threads 1`;
  * `pandas_batch.py`: a straightforward pandas script doing the same join and aggregation;
and reports the median wall time of REPEATS runs, the ratios, and peak RSS (from wait4).

Usage: whole_process.py TARGET_DIR WORK_DIR [REPEATS]
"""
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def measure(cmd, repeats):
    """Median wall time and peak RSS (KiB) of a command.

    Peak RSS comes from GNU time when present: wait4() on a child forked from this interpreter
    would count the interpreter's own pages, copied into the child before exec.
    """
    times, rss = [], []
    for _ in range(repeats):
        full = [str(c) for c in cmd]
        if GNU_TIME:
            full = [GNU_TIME, "-f", "covenant-peak-rss-kib=%M", *full]
        start = time.perf_counter()
        proc = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        err = proc.stderr.decode()
        if proc.returncode != 0:
            sys.exit(f"{' '.join(full)} failed ({proc.returncode}):\n{err}")
        times.append(elapsed)
        peak = [l for l in err.splitlines() if l.startswith("covenant-peak-rss-kib=")]
        rss.append(int(peak[-1].split("=")[1]) if peak else 0)
    return statistics.median(times), max(rss)


def main():
    target, work = Path(sys.argv[1]), Path(sys.argv[2])
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    covenant = target / "release" / "covenant"
    parse = target / "release" / "examples" / "csv_parse_only"
    work.mkdir(parents=True, exist_ok=True)
    fdir = work / "factor-sets"
    fdir.mkdir(exist_ok=True)
    for s in ("com-fuels", "jrc-neefe"):
        with open(fdir / f"{s}.csv", "w") as f:
            subprocess.run([covenant, "factors", "show", s], stdout=f, check=True)
    try:
        import pandas  # noqa: F401
        have_pandas = True
    except ImportError:
        have_pandas = False
        print("pandas is not installed: the pandas comparison is skipped (pip install pandas)")

    rows_out = []
    for n, rows in ((1_000, 100), (10_000, 100), (1_000, 1_000)):
        d = work / f"batch-{n}x{rows}"
        if not (d / "activity.csv").exists():
            subprocess.run([covenant, "generate", "--inventories", str(n), "--rows", str(rows), "--seed", "1",
                            "--out", d], check=True, stderr=subprocess.DEVNULL)
        files = [d / "inventories.csv", d / "activity.csv", d / "factors.csv"]
        size = sum(f.stat().st_size for f in files)
        t_parse, m_parse = measure([parse, *files], repeats)
        args = [covenant, "batch", "--inventories", files[0], "--activity", files[1], "--factors", files[2],
                "--out", d / "out", "-q"]
        t_cov, m_cov = measure(args, repeats)
        t_one, m_one = measure([*args, "--threads", "1"], repeats)
        line = {"batch": f"{n} x {rows}", "rows": n * rows, "MB": size / 1e6, "parse_s": t_parse,
                "covenant_s": t_cov, "ratio": t_cov / t_parse, "rss_MiB": m_cov / 1024,
                "one_s": t_one, "one_ratio": t_one / t_parse, "one_rss_MiB": m_one / 1024,
                "parse_rss_MiB": m_parse / 1024}
        if have_pandas:
            t_pd, m_pd = measure([Path(sys.executable).resolve(), HERE / "pandas_batch.py", d, fdir, d / "out-pandas"],
                                 max(1, repeats // 2))
            line.update(pandas_s=t_pd, pandas_ratio=t_pd / t_cov, pandas_rss_MiB=m_pd / 1024)
        rows_out.append(line)

    print("| batch (inventories x rows) | rows | input MB | csv parse only | covenant batch | covenant / parse "
          "| covenant peak RSS | --threads 1 | / parse | peak RSS | pandas | pandas / covenant | pandas peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows_out:
        pd_cols = (f"{r['pandas_s']:.2f} s | {r['pandas_ratio']:.1f}x | {r['pandas_rss_MiB']:.0f} MiB"
                   if "pandas_s" in r else "- | - | -")
        print(f"| {r['batch']} | {r['rows']:,} | {r['MB']:.1f} | {r['parse_s']:.3f} s | {r['covenant_s']:.3f} s "
              f"| {r['ratio']:.1f}x | {r['rss_MiB']:.0f} MiB | {r['one_s']:.3f} s | {r['one_ratio']:.1f}x "
              f"| {r['one_rss_MiB']:.0f} MiB | {pd_cols} |")


if __name__ == "__main__":
    main()
