"""The benchmark: parindex against a plain per-unit loop on a national-size bundle.

    python bench/run.py [--units 3321] [--repeat 5] [--repeat-fast 25] [--seed 1]
                        [--bundle DIR] [--json FILE]

Generates the bundle (``bench/generate.py``) if it is absent, then times each measure
``--repeat`` times (the fast in-process ones (b), (d), (f) ``--repeat-fast`` times, as a few
milliseconds are easily disturbed), after one untimed warm-up in process, and reports the
median:

  (a) parindex load + validate, in process: ``load_bundle`` + ``build_inputs`` (the edition
      loaded once before);
  (b) parindex score + rank, in process: ``Run.from_inputs(inputs)``;
  (c) ``parindex score BUNDLE --format json`` end to end, as a subprocess (wall time), the
      bundle read and checked from its files (``PARINDEX_NO_CACHE=1``: the cache of checked
      bundles would make every run after the first skip both);
  (d) the loop baseline's scoring + ranking alone, in process (``score_units``);
  (e) the loop baseline end to end, as a subprocess (``python bench/loop_baseline.py``);

and, for information, (f) parindex ``Run.to_json()`` and (g) the loop baseline's CSV reading
+ input building in process. It checks that the baseline's JSON equals parindex's (same
units in the same order; totals, index, ranks, band, points, applicable max, areas, missing
and not-applicable lists equal, numbers to 1e-9) and prints the figures and the targets:
(d)/(b) ≥ 30×, (b) ≤ 50 ms, (c) ≤ 3 s, (c)/(e) ≤ 0.5 (issue #16: the command, start-up
included, in at most half the loop baseline's time). Exit status 0 when the results agree
(targets missed are reported, not fatal), 1 when they disagree.

The measures that are compared take turns (a/g, b/d, c/e), so a machine busy with other
work slows both sides alike; the CPU seconds of each measure (the measuring thread, or the
child process) are reported beside the wall times, as a figure that load on the other cores
disturbs less. The load average before and after is printed and saved.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# the bench folder first on the path, for its sibling modules below
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate
import loop_baseline

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

TOL = 1e-9
UNIT_NUMBERS = ("self_points", "appraised_points", "survey_points", "bonus", "penalty",
                "total", "applicable_max", "index")
UNIT_EXACT = ("code", "name", "type", "group", "band", "rank", "group_rank", "missing",
              "not_applicable")
TARGETS = {"speedup": 30.0, "score_ms": 50.0, "cli_s": 3.0, "cli_over_loop": 0.5}


def parindex_cli() -> list[str]:
    """The ``parindex`` console script beside this interpreter, else ``python -m parindex``."""
    script = Path(sys.executable).with_name("parindex")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "parindex"]


def cpu_now() -> float:
    """CPU seconds of this thread and of the finished child processes so far.

    The thread, not the process: numpy's BLAS threads may spin on after a matrix product
    and would otherwise be charged to the next measure."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.thread_time() + children.ru_utime + children.ru_stime


def measure(tasks: dict[str, Callable[[], Any]], repeat: int,
            warmup: int = 1) -> tuple[dict[str, dict[str, list[float]]], dict[str, Any]]:
    """Wall and CPU seconds of ``repeat`` calls of each task, after ``warmup`` untimed ones.

    The tasks take turns (a, b, a, b, …) so that a busy machine slows them alike and the
    ratios stay fair. Returns the times and each task's last result."""
    results: dict[str, Any] = {}
    for _ in range(warmup):
        for name, fn in tasks.items():
            results[name] = fn()
    times: dict[str, dict[str, list[float]]] = {n: {"wall": [], "cpu": []} for n in tasks}
    for _ in range(repeat):
        for name, fn in tasks.items():
            cpu, wall = cpu_now(), time.perf_counter()
            results[name] = fn()
            times[name]["wall"].append(time.perf_counter() - wall)
            times[name]["cpu"].append(cpu_now() - cpu)
    return times, results


def process(cmd: list[str]) -> Callable[[], str]:
    """A task running ``cmd`` to completion; returns its stdout (it must exit 0)."""
    def task() -> str:
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "PARINDEX_NO_CACHE": "1"})
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                             f"{proc.stderr[-2000:]}")
        return proc.stdout
    return task


def _num_differs(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is not b
    return abs(float(a) - float(b)) > TOL


def compare(parindex: dict[str, Any], baseline: dict[str, Any], limit: int = 20) -> list[str]:
    """Every difference between the two score JSONs (first ``limit``), one line each."""
    out: list[str] = []
    for key in ("edition", "year", "scale"):
        if parindex.get(key) != baseline.get(key):
            out.append(f"{key}: parindex {parindex.get(key)!r}, baseline {baseline.get(key)!r}")
    pu, bu = parindex["units"], baseline["units"]
    if len(pu) != len(bu):
        out.append(f"units: parindex {len(pu)}, baseline {len(bu)}")
    for pos, (p, b) in enumerate(zip(pu, bu, strict=False)):
        where = f"position {pos + 1} ({p['code']})"
        if p["code"] != b["code"]:
            out.append(f"{where}: parindex has {p['code']}, baseline {b['code']} (order)")
            continue
        out += _unit_differences(where, p, b)
        if len(out) >= limit:
            out.append("…")
            break
    return out


def _unit_differences(where: str, p: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The differences within one unit's result (same code): its figures, then its areas."""
    out: list[str] = []
    for key in UNIT_NUMBERS:
        if _num_differs(p[key], b[key]):
            out.append(f"{where} {key}: parindex {p[key]!r}, baseline {b[key]!r}")
    for key in UNIT_EXACT:
        if p[key] != b[key]:
            out.append(f"{where} {key}: parindex {p[key]!r}, baseline {b[key]!r}")
    for pa, ba in zip(p["areas"], b["areas"], strict=True):
        for key in ("points", "max", "index"):
            if _num_differs(pa[key], ba[key]):
                out.append(f"{where} area {pa['code']} {key}: parindex {pa[key]!r}, "
                           f"baseline {ba[key]!r}")
    return out


def machine() -> dict[str, Any]:
    import numpy
    import pandas

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return {"nproc": int(nproc) if nproc.isdigit() else os.cpu_count(), "cpu": cpu,
            "python": platform.python_version(), "numpy": numpy.__version__,
            "pandas": pandas.__version__, "platform": platform.platform(),
            "loadavg_before": list(os.getloadavg())}


def ensure_bundle(args: argparse.Namespace) -> Path:
    if args.bundle is not None:
        return args.bundle
    name = "national" if (args.units, args.seed) == (generate.DEFAULT_UNITS, 1) else \
        f"national-{args.units}-s{args.seed}"
    path = HERE / "data" / name
    if not (path / "bundle.yaml").is_file():
        print(f"generating {path} ({args.units} units, seed {args.seed}) …", file=sys.stderr)
        generate.generate(args.units, path, args.seed)
    return path


def bench(bundle: Path, repeat: int,
          repeat_fast: int) -> tuple[dict[str, dict[str, list[float]]], list[str]]:
    from parindex.evidence.bundle import load_bundle
    from parindex.evidence.inputs import build_inputs
    from parindex.pipeline import edition_for
    from parindex.scoring.run import Run

    edition = edition_for(load_bundle(bundle))  # loaded and compiled once, then cached
    lb = loop_baseline
    lb_edition = lb.load_edition(lb.find_edition(lb.read_bundle(bundle).edition, bundle))

    def load_validate() -> Any:
        inputs, problems = build_inputs(load_bundle(bundle), edition)
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            raise SystemExit(f"the bundle has {len(errors)} error(s), e.g. {errors[0]}")
        return inputs

    print(f"timing {bundle}: {repeat} runs of (a), (c), (e), (g); {repeat_fast} of (b), (d), "
          "(f) …", file=sys.stderr)
    t_read, got = measure({"a": load_validate,
                           "g": lambda: lb.build_inputs(lb.read_bundle(bundle), lb_edition)},
                          repeat)
    inputs, lb_units = got["a"], got["g"]
    t_score, got = measure({"b": lambda: Run.from_inputs(inputs),
                            "d": lambda: lb.score_units(lb_units, lb_edition)}, repeat_fast)
    run = got["b"]
    t_json, _ = measure({"f": run.to_json}, repeat_fast)
    t_proc, got = measure({
        "c": process([*parindex_cli(), "score", str(bundle), "--format", "json"]),
        "e": process([sys.executable, str(HERE / "loop_baseline.py"), str(bundle)]),
    }, repeat, warmup=0)

    differences = compare(json.loads(got["c"]), json.loads(got["e"]))
    if not differences:  # the in-process run must print what the command prints
        differences = compare(json.loads(got["c"]), run.to_json())
        differences = [f"in-process vs CLI: {d}" for d in differences]
    return {**t_read, **t_score, **t_json, **t_proc}, differences


MEASURES = {
    "a": "(a) parindex load + validate (in process)",
    "b": "(b) parindex score + rank (in process)",
    "c": "(c) parindex score --format json (subprocess)",
    "d": "(d) loop baseline score + rank (in process)",
    "e": "(e) loop baseline end to end (subprocess)",
    "f": "(f) parindex Run.to_json (in process, info)",
    "g": "(g) loop baseline read + build inputs (info)",
}


def targets(med: dict[str, float]) -> dict[str, tuple[float, bool, str]]:
    """Each target: the figure, whether it is met, and a sentence."""
    speedup = med["d"] / med["b"]
    return {
        "speedup_d_over_b": (speedup, speedup >= TARGETS["speedup"],
                             f"(d)/(b) speed-up {speedup:.1f}× "
                             f"(target ≥ {TARGETS['speedup']:g}×)"),
        "score_ms": (med["b"] * 1000, med["b"] * 1000 <= TARGETS["score_ms"],
                     f"(b) {med['b'] * 1000:.1f} ms (target ≤ {TARGETS['score_ms']:g} ms)"),
        "cli_s": (med["c"], med["c"] <= TARGETS["cli_s"],
                  f"(c) {med['c']:.2f} s (target ≤ {TARGETS['cli_s']:g} s)"),
        "cli_vs_loop": (med["c"] / med["e"], med["c"] / med["e"] <= TARGETS["cli_over_loop"],
                        f"(c)/(e) {med['c'] / med['e']:.2f} ((c) {med['c']:.2f} s, (e) "
                        f"{med['e']:.2f} s; target ≤ {TARGETS['cli_over_loop']:g})"),
    }


def report(figures: dict[str, dict[str, list[float]]], units: int, info: dict[str, Any],
           differences: list[str]) -> dict[str, Any]:
    med = {k: statistics.median(v["wall"]) for k, v in figures.items()}
    low = {k: min(v["wall"]) for k, v in figures.items()}
    cpu = {k: statistics.median(v["cpu"]) for k, v in figures.items()}
    repeat = {k: len(v["wall"]) for k, v in figures.items()}
    print(f"\n{units} units, medians of {repeat['a']} runs ({repeat['b']} for (b), (d), (f)); "
          f"{info['nproc']} cores, {info['cpu']}; "
          f"Python {info['python']}, numpy {info['numpy']}, pandas {info['pandas']}; "
          f"load average {info['loadavg_before'][0]:.2f} before, "
          f"{info['loadavg_after'][0]:.2f} after\n")
    print(f"| {'measure':<47} | {'median':>10} | {'min':>10} | {'CPU median':>10} |")
    print(f"|{'-' * 49}|{'-' * 12}|{'-' * 12}|{'-' * 12}|")
    for key, label in MEASURES.items():
        print(f"| {label:<47} | {_fmt(med[key]):>10} | {_fmt(low[key]):>10} "
              f"| {_fmt(cpu[key]):>10} |")
    checks = targets(med)
    print()
    for _, ok, text in checks.values():
        print(f"  [{'met' if ok else 'MISSED'}] {text}")
    if differences:
        print(f"\nDISAGREEMENT between parindex and the loop baseline ({len(differences)}):")
        for line in differences:
            print(f"  {line}")
    else:
        print("\n  [ok] the loop baseline's JSON equals parindex's (to 1e-9, same order)")
    return {
        "units": units, "repeat": repeat, "machine": info, "measures": MEASURES,
        "seconds": figures, "median_s": med, "min_s": low, "cpu_median_s": cpu,
        "targets": {k: {"value": v, "met": ok, "text": t} for k, (v, ok, t) in checks.items()},
        "targets_on_cpu_time": {k: {"value": v, "met": ok, "text": t}
                                for k, (v, ok, t) in targets(cpu).items()},
        "agree": not differences, "differences": differences,
    }


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.3f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark parindex against the loop baseline.")
    ap.add_argument("--units", type=int, default=generate.DEFAULT_UNITS)
    ap.add_argument("--repeat", type=int, default=5, help="runs of the slow measures")
    ap.add_argument("--repeat-fast", type=int, default=25,
                    help="runs of the fast in-process measures (b), (d), (f)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--bundle", type=Path, help="benchmark this bundle instead")
    ap.add_argument("--json", type=Path, metavar="FILE", help="save the figures as JSON")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    bundle = ensure_bundle(args)
    info = machine()
    figures, differences = bench(bundle, args.repeat, max(args.repeat, args.repeat_fast))
    info["loadavg_after"] = list(os.getloadavg())
    n_units = sum(1 for _ in (bundle / "units.csv").open(encoding="utf-8-sig")) - 1
    result = report(figures, n_units, info, differences)
    result["bundle"] = str(bundle)
    result["command"] = "python bench/run.py " + " ".join(argv if argv is not None
                                                          else sys.argv[1:])
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0 if not differences else 1


if __name__ == "__main__":
    raise SystemExit(main())
