"""Benchmark of ``parindex weak`` after the run is open, on the national bundle.

    python bench/bench_weak.py [--repeat 7] [--bundle DIR]

Opens the run once (not timed: reading and checking the bundle is measured elsewhere), then
times, for each format (json, table, csv), the ``weak`` command's own work on that run — the
report of every unit and its rendering, written to an in-memory stdout: the median of
``--repeat`` runs after one untimed warm-up, wall and CPU milliseconds. The load average is
printed, since other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

# the bench folder first on the path, for its sibling modules below
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bundle", type=Path, default=generate.DEFAULT_OUT)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)

    import parindex.pipeline
    from parindex.cli import analysis_cmd
    from parindex.cli.common import Format, Lang

    run = parindex.pipeline.open_run(args.bundle, None)
    opened: Any = lambda _bundle, _criteria: run  # noqa: E731 (the open run, every time)
    parindex.pipeline.open_run = opened
    command = analysis_cmd.weak.__wrapped__  # type: ignore[attr-defined]  # no error handling

    def once(fmt: Format) -> tuple[float, float]:
        cpu, wall = time.process_time(), time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            command(args.bundle, None, None, fmt, None, Lang.vi, None)
        return time.perf_counter() - wall, time.process_time() - cpu

    print(f"load average before: {os.getloadavg()[0]:.2f}; {len(run.units):,} units")
    for fmt in (Format.json, Format.table, Format.csv):
        once(fmt)
        walls, cpus = zip(*(once(fmt) for _ in range(args.repeat)), strict=True)
        print(f"weak --format {fmt.value:5s}  wall {statistics.median(walls) * 1000:6.0f} ms"
              f"  cpu {statistics.median(cpus) * 1000:6.0f} ms  (median of {args.repeat})")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
