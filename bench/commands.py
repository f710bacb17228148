"""Every command of issue #16 on the national bundle, each run whole as its own process, as
users run it; the figures of docs/PERFORMANCE.md.

    python bench/commands.py [--repeat 5] [--only weak-table,plan] [--modes cold,warm,first]
                             [--bundle DIR] [--json FILE]

Each command runs in up to three modes:

- **cold**: ``PARINDEX_NO_CACHE=1``, the bundle read and checked from its files (the whole
  way from the files to the answer);
- **warm**: the checked bundle comes from the cache of checked bundles (the usual case: every
  command after the first on the same files);
- **first**: the cache on but without an entry for the bundle, so the command also writes
  one (what the first command on a new or changed bundle costs).

The cache lives in a temporary ``XDG_CACHE_HOME`` of the benchmark's own (the compiled
editions kept there between runs). The runs take turns, round by round — every command and
mode once, then again — so that the machine's drift falls on all of them alike; one untimed
round comes first. Each child's wall time, CPU time (user + system) and peak resident
memory are read with ``os.wait4``. Printed per command: its command line, then for each
mode the median, minimum and maximum wall time, the median CPU time and peak memory, and
whether its target (issue #16) is met. ``score`` is also run beside the plain-Python scorer
(``bench/loop_baseline.py``, its own process, in the same round), and the ratio of each
pair's wall times is given (target ≤ 0.5×).

The targets are checked on the medians of the cold and warm modes (the first run is
printed for information). Exit status 1 when a target is missed or a command fails, else 0.
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
from dataclasses import dataclass, field
from pathlib import Path

# the bench folder first on the path, for its sibling modules below
sys.path.insert(0, str(Path(__file__).resolve().parent))

from scaling import Measure, measure, parindex_exe

HERE = Path(__file__).resolve().parent
#: the national bundle (``bench/generate.py``'s default; generated when absent)
NATIONAL = HERE / "data" / "national"
MODES = ("cold", "warm", "first")


@dataclass(frozen=True)
class Command:
    name: str
    args: list[str]  # after ``parindex``; {N} is the bundle, {OUT} the output folder
    seconds: float | None  # the target, wall seconds (median)
    modes: tuple[str, ...] = MODES
    megabytes: float | None = None  # the target on peak memory


COMMANDS = (
    Command("help", ["--help"], 0.15, ("cold",)),
    Command("score-json", ["score", "{N}", "--format", "json"], None, ("cold", "warm")),
    Command("weak-table", ["weak", "{N}"], 1.0),
    Command("weak-json", ["weak", "{N}", "--format", "json"], None, ("cold", "warm")),
    Command("plan", ["plan", "{N}", "XA00001", "--target", "Tốt", "--format", "json"], 1.0),
    Command("whatif", ["whatif", "{N}", "XA00001", "--set", "1.1.1=khong", "--format",
                       "json"], 1.0),
    Command("uncertainty", ["uncertainty", "{N}", "--draws", "1000", "--format", "json"],
            4.0, ("cold", "warm")),
    Command("report", ["report", "{N}", "--out", "{OUT}/r.html"], 4.0, ("cold", "warm")),
    Command("rank-xlsx", ["rank", "{N}", "--format", "xlsx", "--out", "{OUT}/r.xlsx"], 10.0,
            ("cold", "warm"), 300.0),
    Command("template", ["template", "xa-2024", "--units", "{N}/units.csv", "--out",
                         "{OUT}/t.xlsx"], 15.0, ("cold",)),
)
BASELINE = "loop-baseline"
BASELINE_RATIO = 0.5  # score ÷ the plain-Python scorer, cold


@dataclass
class Results:
    runs: dict[tuple[str, str], list[Measure]] = field(default_factory=dict)

    def add(self, name: str, mode: str, m: Measure) -> None:
        self.runs.setdefault((name, mode), []).append(m)


def _argv(cmd: Command, bundle: Path, out: Path) -> list[str]:
    return [parindex_exe(), *(a.replace("{N}", str(bundle)).replace("{OUT}", str(out))
                              for a in cmd.args)]


def _env(mode: str, cache: Path) -> dict[str, str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    env.pop("PARINDEX_NO_CACHE", None)
    if mode == "cold":
        env["PARINDEX_NO_CACHE"] = "1"
    elif mode == "first":
        shutil.rmtree(cache / "parindex" / "bundles", ignore_errors=True)
    return env


def run_rounds(commands: list[Command], modes: list[str], bundle: Path, repeat: int
               ) -> Results:
    results = Results()
    with tempfile.TemporaryDirectory(prefix="parindex-commands-") as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp) / "out"
        out.mkdir()
        baseline = [sys.executable, str(HERE / "loop_baseline.py"), str(bundle)]
        for r in range(repeat + 1):  # round 0: untimed (and it fills the cache)
            for cmd in commands:
                for mode in (m for m in cmd.modes if m in modes):
                    m = measure(_argv(cmd, bundle, out), _env(mode, cache))
                    if r:
                        results.add(cmd.name, mode, m)
                    if cmd.name == "score-json" and mode == "cold":
                        b = measure(baseline, _env("cold", cache))
                        if r:
                            results.add(BASELINE, "cold", b)
            print(f"  round {r} of {repeat} done (load average {os.getloadavg()[0]:.2f})",
                  file=sys.stderr, flush=True)
    return results


def _row(mode: str, runs: list[Measure]) -> str:
    walls = [m.wall for m in runs]
    return (f"| {mode} | {statistics.median(walls):.3f} s | {min(walls):.3f} s | "
            f"{max(walls):.3f} s | {statistics.median(m.cpu for m in runs):.3f} s | "
            f"{statistics.median(m.rss for m in runs):.0f} MB |")


def report(commands: list[Command], results: Results, bundle: Path) -> bool:
    """Print one table per command (Markdown); True when every target is met."""
    passed = True
    for cmd in commands:
        shown = " ".join(a.replace("{N}", "N").replace("{OUT}/", "") for a in cmd.args)
        print(f"\n`parindex {shown}`\n")
        print("| mode | median | min | max | CPU (median) | peak memory |")
        print("|---|---:|---:|---:|---:|---:|")
        verdicts = []
        for mode in (m for m in MODES if (cmd.name, m) in results.runs):
            runs = results.runs[(cmd.name, mode)]
            print(_row(mode, runs))
            ok = all(m.ok for m in runs)
            if mode != "first":  # the first run is for information
                if cmd.seconds is not None:
                    ok &= statistics.median(m.wall for m in runs) <= cmd.seconds
                if cmd.megabytes is not None:
                    ok &= statistics.median(m.rss for m in runs) <= cmd.megabytes
                verdicts.append(f"{mode} {'yes' if ok else 'NO'}")
            passed &= ok
        if cmd.name == "score-json" and (BASELINE, "cold") in results.runs:
            pairs = zip(results.runs[("score-json", "cold")], results.runs[(BASELINE, "cold")],
                        strict=True)
            ratios = [a.wall / b.wall for a, b in pairs]
            base = results.runs[(BASELINE, "cold")]
            ratio = statistics.median(ratios)
            print(_row("plain-Python scorer", base))
            print(f"\nscore (cold) ÷ the plain-Python scorer, pair by pair: median "
                  f"{ratio:.2f}× (min {min(ratios):.2f}, max {max(ratios):.2f}); target ≤ "
                  f"{BASELINE_RATIO}×: {'yes' if ratio <= BASELINE_RATIO else 'NO'}")
            passed &= ratio <= BASELINE_RATIO
        target = " and ".join(t for t in (
            cmd.seconds is not None and f"≤ {cmd.seconds:g} s",
            cmd.megabytes is not None and f"≤ {cmd.megabytes:g} MB") if t)
        if target:
            print(f"\ntarget {target}: {', '.join(verdicts)}")
    print(f"\nbundle {bundle}; wall, CPU (user + system) and peak memory of each process.")
    return passed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bundle", type=Path, default=NATIONAL)
    ap.add_argument("--repeat", type=int, default=5, help="timed rounds (median)")
    ap.add_argument("--only", help="comma-separated command names")
    ap.add_argument("--modes", default=",".join(MODES), help="comma-separated: cold,warm,first")
    ap.add_argument("--json", type=Path, help="also save every run here")
    args = ap.parse_args(argv)
    names = args.only.split(",") if args.only else [c.name for c in COMMANDS]
    unknown = set(names) - {c.name for c in COMMANDS}
    modes = args.modes.split(",")
    if unknown or not set(modes) <= set(MODES):
        ap.error(f"unknown command or mode: {sorted(unknown | (set(modes) - set(MODES)))}")
    if not (args.bundle / "units.csv").is_file():
        # generated in a process of its own: this one stays small, since a child's peak
        # memory counts from the pages it shares with this process when it starts
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--out", str(args.bundle)],
                       check=True)
    commands = [c for c in COMMANDS if c.name in names]
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    results = run_rounds(commands, modes, args.bundle, args.repeat)
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    passed = report(commands, results, args.bundle)
    if args.json:
        args.json.write_text(json.dumps(
            {f"{n} {m}": [vars(r) for r in runs] for (n, m), runs in results.runs.items()},
            indent=1), encoding="utf-8")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
