"""Benchmark of the what-if analysis on the national synthetic bundle (3,321 communes).

    python bench/bench_whatif.py [--repeat 3] [--bundle DIR] [--draws 1000] [--json FILE]

Generates the bundle with ``bench/generate.py`` if it is absent, scores it once, then times
(median of ``--repeat`` runs after one untimed warm-up, wall and CPU seconds):

  (p) ``plan_all``: a plan to reach ``Tốt`` for every unit (improvements found for all units
      at once, one exact knapsack per unit) — target ≤ 10 s;
  (u) ``uncertainty`` with 1,000 draws (default tolerances, weights ±0.1) — target ≤ 5 s;
  (w) one what-if re-score in process: ``Run.with_changes`` with one change — target ≤ 20 ms;
      and, for information, (w+) the same with the before/after comparison (``whatif``).

It also checks a sample of the plans with ``whatif``: each must reach its target. The load
average before and after is printed, since other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# the bench folder first on the path, for its sibling modules below
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

TARGETS = {"plan": 10.0, "uncertainty": 5.0, "whatif": 0.020}


def timed(fn: Callable[[], Any], repeat: int, warmup: int = 1) -> tuple[dict[str, float], Any]:
    """Median wall and CPU seconds of ``repeat`` calls after ``warmup`` untimed ones."""
    result = None
    for _ in range(warmup):
        result = fn()
    walls, cpus = [], []
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus),
            "runs": len(walls)}, result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bundle", type=Path, default=generate.DEFAULT_OUT)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)

    from parindex.analysis.plan import parse_target, plan_all, target_met
    from parindex.analysis.uncertainty import uncertainty
    from parindex.analysis.whatif import whatif
    from parindex.pipeline import open_run
    from parindex.scoring.run import Change

    if not (args.bundle / "bundle.yaml").is_file():
        print(f"generating {args.bundle} …", file=sys.stderr)
        generate.generate(out=args.bundle)
    load_before = os.getloadavg()
    run = open_run(args.bundle)
    n = len(run.units)
    print(f"{args.bundle}: {n} units, {len(run.edition.leaves)} leaves, "
          f"{args.repeat} runs per measure", file=sys.stderr)

    target = parse_target("Tốt", run.edition)
    t_plan, plans = timed(lambda: plan_all(run, target), args.repeat)
    t_unc, _ = timed(lambda: uncertainty(run, args.draws, seed=1), args.repeat)
    code = run.units["code"].iloc[n // 2]
    change = [Change(code, "1.1.3", "95")]
    t_wc, _ = timed(lambda: run.with_changes(change), max(args.repeat, 21))
    t_wi, _ = timed(lambda: whatif(run, change).moved(), max(args.repeat, 21))

    # correctness: a sample of the plans, applied with whatif, reach the target
    failed = 0
    for res in plans[:: max(1, n // 25)]:
        after = run.with_changes(res.changes(run))
        failed += res.solution.reachable and not target_met(after, res.unit, target)
    reachable = sum(r.solution.reachable for r in plans)

    rows = [("plan for every unit (Tốt)", "plan", t_plan),
            (f"uncertainty, {args.draws} draws", "uncertainty", t_unc),
            ("one what-if re-score (with_changes)", "whatif", t_wc),
            ("what-if with comparison (whatif)", None, t_wi)]
    print(f"\n{'measure':40} {'wall':>10} {'cpu':>10} {'target':>10}")
    for label, key, t in rows:
        goal = f"≤ {TARGETS[key]:g} s" if key else ""
        mark = "" if key is None else ("  ok" if t["wall"] <= TARGETS[key] else "  MISSED")
        print(f"{label:40} {t['wall']:9.3f}s {t['cpu']:9.3f}s {goal:>10}{mark}")
    load_after = os.getloadavg()
    print(f"\nplans reaching Tốt: {reachable} of {n}; sample checked with whatif: "
          f"{'all reach it' if not failed else f'{failed} FAILED'}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"({os.cpu_count()} CPUs)")
    if args.json:
        args.json.write_text(json.dumps({
            "units": n, "plan": t_plan, "uncertainty": t_unc, "with_changes": t_wc,
            "whatif": t_wi, "draws": args.draws, "reachable": reachable,
            "loadavg": [load_before[0], load_after[0]]}, indent=2), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
