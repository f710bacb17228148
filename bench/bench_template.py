"""Benchmark of ``parindex template`` on the national units (issue 16: ≤ 15 s for 3,321
units, and linear).

    python bench/bench_template.py [--repeat 3] [--units FILE] [--sizes 100,1000,3321]

Takes the first N units of ``bench/data/national/units.csv`` (made by ``bench/generate.py``)
for each size and runs ``parindex template xa-2024`` on them as its own process, the sizes
alternating within each round so that the machine's load falls on all of them alike. Prints,
per size, the median wall and CPU seconds (user + system of the process), CPU milliseconds
per unit and the peak memory; then checks the targets: the largest size within 15 s (CPU,
and wall when the machine is not loaded), and CPU per unit at the largest size at most 1.3 ×
that at the middle size (the smallest is dominated by start-up). Exit 1 when a check fails.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNITS = HERE / "data" / "national" / "units.csv"
TARGET_SECONDS = 15.0
LINEAR = 1.3

#: runs one command and prints its CPU seconds and peak memory (kB), read from rusage
_MEASURE = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
            "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL); w = time.perf_counter() - t; "
            "r = resource.getrusage(resource.RUSAGE_CHILDREN); "
            "print(w, r.ru_utime + r.ru_stime, r.ru_maxrss)")


def _first_units(source: Path, n: int, folder: Path) -> Path:
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    out = folder / f"units-{n}.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows[:n + 1])
    return out


def _run(units: Path, out: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds, peak MB of one ``parindex template`` process."""
    cmd = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "parindex", "template",
           "xa-2024", "--units", str(units), "--out", str(out), "--year", "2024"]
    wall, cpu, rss = subprocess.run(cmd, check=True, capture_output=True,
                                    text=True).stdout.split()
    return float(wall), float(cpu), float(rss) / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--units", type=Path, default=UNITS)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="100,1000,3321")
    args = ap.parse_args(argv)
    if not args.units.is_file():
        print(f"no {args.units}: run python bench/generate.py first", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    runs: dict[int, list[tuple[float, float, float]]] = {n: [] for n in sizes}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {n: _first_units(args.units, n, folder) for n in sizes}
        for _ in range(args.repeat):
            for n in sizes:
                runs[n].append(_run(files[n], folder / f"template-{n}.xlsx"))
        size = {n: (folder / f"template-{n}.xlsx").stat().st_size / 2**20 for n in sizes}
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"{'units':>6} {'wall s':>8} {'CPU s':>8} {'CPU ms/unit':>12} {'peak MB':>8} "
          f"{'file MB':>8}")
    med = {}
    for n in sizes:
        wall, cpu, rss = (statistics.median(x) for x in zip(*runs[n], strict=True))
        med[n] = (wall, cpu)
        print(f"{n:>6} {wall:>8.2f} {cpu:>8.2f} {cpu / n * 1000:>12.3f} {rss:>8.0f} "
              f"{size[n]:>8.1f}")
    largest, middle = sizes[-1], sizes[-2] if len(sizes) > 1 else sizes[-1]
    ratio = (med[largest][1] / largest) / (med[middle][1] / middle)
    ok_time = med[largest][1] <= TARGET_SECONDS
    ok_linear = ratio <= LINEAR
    print(f"CPU at {largest} units: {med[largest][1]:.2f} s (target ≤ {TARGET_SECONDS:g} s): "
          f"{'ok' if ok_time else 'FAIL'}")
    print(f"CPU per unit, {largest} vs {middle} units: {ratio:.2f}× (≤ {LINEAR}×): "
          f"{'ok' if ok_linear else 'FAIL'}")
    return 0 if ok_time and ok_linear else 1


if __name__ == "__main__":
    sys.exit(main())
