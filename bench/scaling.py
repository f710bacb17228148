"""The scaling benchmark: does every command cost the same per unit at 3,321, 10,000 and
33,210 units?

    python bench/scaling.py [--quick] [--sizes 3321,10000,33210] [--repeat 1]
                            [--only rank-xlsx,report] [--skip template] [--draws 200]
                            [--limit 1.3] [--json FILE] [--no-survey]

For each size a bundle is generated once (``bench/generate.py``, the same seed, so the same
bytes) and cached under ``bench/data/scale-N`` (git-ignored), beside a tiny bundle of
``BASE_UNITS`` units. Each command runs as a subprocess of its own — ``parindex`` as users
run it — and the child's own wall time, CPU time (user + system) and peak resident memory
are read with ``os.wait4`` (one child, one measure: nothing accumulates across children).

Per-unit cost, with start-up taken out: a command's fixed cost (interpreter, imports, the
edition, writing an empty-ish output) is what it costs on the tiny bundle, so

    marginal(N) = (cost(N) − cost(tiny)) / (N − tiny)

for time (CPU seconds, which other work on a busy machine disturbs less than wall time;
wall time is printed too) and for peak memory. The check: at the largest size the
marginal cost per unit is at most ``--limit`` (1.3) × the marginal cost at the smallest
size, for every command, for CPU time and for memory. A cost that is not linear in units
(a loop over pairs of units, a quadratic join) fails it; start-up does not. Exit status 1
when a command fails its check or exits non-zero, else 0.

``--quick`` runs the sizes 3,321 and 10,000 with fewer uncertainty draws (smaller bundles
cost too little above start-up for the difference to rise above the noise of a busy
machine; ``--repeat 3`` takes medians). The template command gets the units list of each
bundle; ``--skip template`` leaves it out (it is the slowest per unit).

The bundles carry a survey table (about 520 answers a commune). At 33,210 units that is
17 million answers in a 330 MB file, more than the 200 MB a CSV file may have
(``MAX_CSV_BYTES``), which every command refuses, as it should; ``--no-survey`` runs every
size without one (bundles under ``bench/data/scale-N-no-survey``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
BASE_UNITS = 100
SIZES = (3321, 10000, 33210)
QUICK_SIZES = (3321, 10000)
LIMIT = 1.3
PLAN_TARGET = "Tốt"
COMMANDS = ("score-json", "rank-xlsx", "report", "weak-json", "weak-table", "plan", "whatif",
            "uncertainty", "template")


@dataclass(frozen=True)
class Measure:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    rss: float  # peak resident memory, MB
    ok: bool


def parindex_exe() -> str:
    """The ``parindex`` next to this interpreter (a venv), else on the PATH."""
    here = Path(sys.executable).parent / "parindex"
    return str(here) if here.exists() else shutil.which("parindex") or "parindex"


def bundle(n: int, survey: bool = True) -> Path:
    """The cached bundle of ``n`` units, generated on first use (``survey``: with a survey
    table, 520 answers a commune)."""
    out = DATA / (f"scale-{n}" if survey else f"scale-{n}-no-survey")
    if not (out / "units.csv").is_file():
        print(f"generating {n} units → {out}", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--units", str(n),
                        "--out", str(out), *([] if survey else ["--no-survey"])],
                       check=True)
    return out


def middle_unit(path: Path) -> str:
    """A unit in the middle of the units file (a plan that has work to do)."""
    lines = (path / "units.csv").read_text(encoding="utf-8").splitlines()[1:]
    return lines[len(lines) // 2].split(",")[0]


def commands(path: Path, out: Path, draws: int) -> dict[str, list[str]]:
    """Each measured command's arguments for the bundle at ``path`` (outputs into ``out``)."""
    unit = middle_unit(path)
    return {
        "score-json": ["score", str(path), "--format", "json", "--out", str(out / "s.json")],
        "rank-xlsx": ["rank", str(path), "--format", "xlsx", "--out", str(out / "r.xlsx")],
        "report": ["report", str(path), "--out", str(out / "r.html")],
        "weak-json": ["weak", str(path), "--format", "json", "--out", str(out / "w.json")],
        "weak-table": ["weak", str(path), "--out", str(out / "w.txt")],
        "plan": ["plan", str(path), unit, "--target", PLAN_TARGET, "--format", "json",
                 "--out", str(out / "p.json")],
        "whatif": ["whatif", str(path), unit, "--set", "1.1.1=khong", "--format", "json",
                   "--out", str(out / "wi.json")],
        "uncertainty": ["uncertainty", str(path), "--draws", str(draws), "--format", "json",
                        "--out", str(out / "u.json")],
        "template": ["template", "xa-2024", "--units", str(path / "units.csv"),
                     "--out", str(out / "t.xlsx")],
    }


def measure(argv: list[str], env: dict[str, str] | None = None) -> Measure:
    """Run one child to completion (in ``env``, else this process's environment); its own
    wall, CPU and peak memory."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if child.returncode != 0:
        print(f"FAILED ({child.returncode}): {' '.join(argv)}\n{err.decode()[-2000:]}",
              file=sys.stderr)
    return Measure(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                   child.returncode == 0)


def median_measure(argv: list[str], repeat: int) -> Measure:
    runs = [measure(argv) for _ in range(repeat)]
    return Measure(statistics.median(m.wall for m in runs),
                   statistics.median(m.cpu for m in runs),
                   statistics.median(m.rss for m in runs), all(m.ok for m in runs))


def marginal(cost: float, base: float, n: int) -> float:
    """Cost per unit above the tiny bundle's (start-up) cost."""
    return (cost - base) / (n - BASE_UNITS)


def run_all(sizes: list[int], names: list[str], draws: int, repeat: int,
            survey: bool = True) -> dict[str, dict[int, Measure]]:
    exe = parindex_exe()
    results: dict[str, dict[int, Measure]] = {}
    with tempfile.TemporaryDirectory(prefix="parindex-scaling-") as tmp:
        for n in [BASE_UNITS, *sizes]:
            path = bundle(n, survey)
            for name, args in commands(path, Path(tmp), draws).items():
                if name not in names:
                    continue
                m = median_measure([exe, *args], repeat)
                results.setdefault(name, {})[n] = m
                print(f"  {name:12} {n:>6} units: {m.wall:7.2f} s wall, {m.cpu:7.2f} s CPU, "
                      f"{m.rss:7.0f} MB", file=sys.stderr, flush=True)
    return results


def check(results: dict[str, dict[int, Measure]], sizes: list[int], limit: float) -> bool:
    """Print the table of per-unit costs; True when every command passes."""
    small, large = sizes[0], sizes[-1]
    head = "".join(f"{f'{n} u: ms/u':>13}{'kB/u':>7}" for n in sizes)
    print(f"{'command':12}{'start-up':>16}{head}{'ratio t':>9}{'ratio m':>9}  check")
    passed = True
    for name, by_size in results.items():
        base = by_size[BASE_UNITS]
        cells, per_t, per_m = [], {}, {}
        for n in sizes:
            m = by_size[n]
            per_t[n] = marginal(m.cpu, base.cpu, n) * 1000
            per_m[n] = marginal(m.rss, base.rss, n) * 1024
            cells.append(f"{per_t[n]:13.3f}{per_m[n]:7.1f}")
        # memory below the tiny bundle's + 5 MB is noise, not growth
        grows_m = by_size[large].rss > base.rss + 5
        ratio_t = per_t[large] / per_t[small] if per_t[small] > 0 else float("inf")
        ratio_m = per_m[large] / per_m[small] if grows_m and per_m[small] > 0 else 1.0
        ok = all(by_size[n].ok for n in by_size) and ratio_t <= limit and ratio_m <= limit
        passed &= ok
        print(f"{name:12}{base.cpu:7.2f} s{base.rss:6.0f} MB{''.join(cells)}"
              f"{ratio_t:9.2f}{ratio_m:9.2f}  {'ok' if ok else 'FAIL'}")
    print(f"\nms/u, kB/u: CPU time and peak memory per unit above the {BASE_UNITS}-unit "
          f"bundle's (start-up); ratio: largest size ÷ smallest size; limit {limit}.")
    return passed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="sizes 3321, 10000")
    ap.add_argument("--sizes", help="comma-separated unit counts, smallest first")
    ap.add_argument("--only", help="comma-separated command names")
    ap.add_argument("--skip", help="comma-separated command names not to run")
    ap.add_argument("--draws", type=int, help="uncertainty draws (200; --quick 50)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measure (median)")
    ap.add_argument("--limit", type=float, default=LIMIT)
    ap.add_argument("--json", type=Path, help="also save the measures here")
    ap.add_argument("--no-survey", action="store_true",
                    help="bundles without a survey table (at 33,210 units a survey's 17 M "
                    "answers make a 330 MB file, over the 200 MB a CSV file may have)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else \
        list(QUICK_SIZES if args.quick else SIZES)
    if sorted(sizes) != sizes or sizes[0] <= BASE_UNITS:
        ap.error(f"--sizes must be increasing and above {BASE_UNITS}")
    draws = args.draws or (50 if args.quick else 200)
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    names = [n for n in (args.only.split(",") if args.only else COMMANDS)
             if n not in (args.skip.split(",") if args.skip else [])]
    results = run_all(sizes, names, draws, args.repeat, survey=not args.no_survey)
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    passed = check(results, sizes, args.limit)
    if args.json:
        args.json.write_text(json.dumps(
            {name: {str(n): vars(m) for n, m in by.items()} for name, by in results.items()},
            indent=1), encoding="utf-8")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
