"""Load on the workspace, bounded and on this machine only (issue #14 item 4).

    python bench/web_load.py [--units 300] [--seconds 60] [--db sqlite|postgresql]
                             [--think 20] [--appraisers 10] [--office 2] [--workers 2]
                             [--json FILE]

Generates a bundle of ``--units`` communes (``bench/generate.py``), makes a workspace of it
in a temporary folder (SQLite, or a throwaway PostgreSQL cluster as the tests make one),
with one account per unit, ``--appraisers`` appraisers and ``--office`` office accounts,
and serves it with waitress on 127.0.0.1. Then, for ``--seconds``:

- each unit account fills its own form: a save of one leaf every ``--think`` seconds on
  average (exponential pauses), in the cycle open for self-assessment;
- the appraisers save appraised values in a second cycle (the same bundle) in appraisal;
- the office opens the league (the results API) of the first cycle, every few seconds.

Every request is timed. At the end it reports throughput, p50/p95/p99 latency per kind of
request and the errors, then checks that the database holds exactly the acknowledged writes
(each leaf's value is the last value acknowledged for it: no lost update). Nothing leaves
127.0.0.1; every loop stops by itself at the deadline.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from pg_cluster import start as start_cluster  # noqa: E402
from pg_cluster import stop as stop_cluster  # noqa: E402
from web_http import PASSWORD, Browser, Server, env_for  # noqa: E402

LEAVES = ("1.1.3", "1.3", "1.4", "2.2", "3.1.1", "3.3", "4.1.2", "5.3", "6.1")


def _run(data: Path, *args: str) -> str:
    return subprocess.run([sys.executable, "-m", "parindex", *args, "--data", str(data)],
                          env=env_for(), capture_output=True, text=True, check=True,
                          timeout=3600).stdout.strip()


ACCOUNTS = """
import sys
from pathlib import Path
from parindex.web import setup
setup(Path(sys.argv[1]))
from parindex.web import models as m
from parindex.web.accounts import add_user
for u in m.Unit.objects.order_by("code"):
    add_user(u.code.lower(), "unit", sys.argv[2], unit=u.code, check_password=False)
for i in range(int(sys.argv[3])):
    add_user(f"thamdinh{i}", "appraiser", sys.argv[2], check_password=False)
for i in range(int(sys.argv[4])):
    add_user(f"noivu{i}", "admin", sys.argv[2], check_password=False)
"""


def prepare(folder: Path, units: int, appraisers: int, office: int) -> tuple[Path, list[str]]:
    bundle = folder / "bundle"
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--units", str(units),
                    "--out", str(bundle)], check=True, capture_output=True, timeout=3600)
    data = folder / "data"
    _run(data, "workspace", "init")
    _run(data, "workspace", "import", str(bundle), "--cycle", "tu-danh-gia")
    _run(data, "workspace", "import", str(bundle), "--cycle", "tham-dinh", "--round",
         "appraisal")
    env = env_for()
    subprocess.run([sys.executable, "-c", ACCOUNTS, str(data), PASSWORD, str(appraisers),
                    str(office)], env=env, check=True, timeout=3600)
    codes = [line.split(",")[0] for line in
             (bundle / "units.csv").read_text(encoding="utf-8").splitlines()[1:]]
    return data, codes


class Recorder:
    """Latencies and outcomes per kind of request, and the acknowledged values."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.acked: dict[tuple[str, str, str], str] = {}

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1


def _saver(who: Browser, name: str, cycle: int, code: str, field: str, kind: str,
           until: float, think: float, rec: Recorder) -> None:
    rng = random.Random(name)
    while time.monotonic() < until:
        time.sleep(min(rng.expovariate(1 / think), max(0.0, until - time.monotonic())))
        if time.monotonic() >= until:
            break
        leaf, value = rng.choice(LEAVES), f"{rng.randint(30, 100)}%"
        t = time.perf_counter()
        try:
            status, _ = who.call("PATCH", f"/api/cycles/{cycle}/units/{code}/evidence/{leaf}",
                                 {field: value})
        except OSError:
            status = 0
        rec.add(kind, time.perf_counter() - t, status == 200)
        if status == 200:
            with rec.lock:
                rec.acked[(str(cycle), code, leaf + ":" + field)] = value


def _office(who: Browser, cycle: int, until: float, rec: Recorder) -> None:
    while time.monotonic() < until:
        t = time.perf_counter()
        try:
            status, _ = who.call("GET", f"/api/cycles/{cycle}/results")
        except OSError:
            status = 0
        rec.add("league", time.perf_counter() - t, status == 200)
        time.sleep(3)


def _sign_in(server: Server, names: list[str]) -> dict[str, Browser]:
    """Every account signed in, a few at a time."""
    out: dict[str, Browser] = {}
    lock = threading.Lock()
    queue = list(names)

    def work() -> None:
        while True:
            with lock:
                if not queue:
                    return
                name = queue.pop()
            who = Browser(server, name)
            with lock:
                out[name] = who

    workers = [threading.Thread(target=work) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return out


def _percentiles(values: list[float]) -> dict[str, float]:
    s = sorted(values)

    def at(q: float) -> float:
        return round(s[min(len(s) - 1, int(q * len(s)))] * 1000, 1)

    return {"n": len(s), "p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def verify(server: Server, rec: Recorder) -> int:
    """The number of acknowledged writes the database does not hold (0: none lost)."""
    admin = Browser(server, "noivu0")
    lost = 0
    units: dict[tuple[str, str], dict[str, Any]] = {}
    for (cycle, code, key), value in rec.acked.items():
        if (cycle, code) not in units:
            units[cycle, code] = admin.call("GET", f"/api/cycles/{cycle}/units/{code}")[1]
        leaf, field = key.split(":")
        row = next((e for e in units[cycle, code]["evidence"] if e["criterion"] == leaf), {})
        lost += row.get(field) != value
    return lost


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process so far (Linux /proc; 0 when gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    """A process and its children (the server's forked workers, PostgreSQL's backends)."""
    out = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


def tree_cpu(pid: int | None) -> dict[int, float]:
    """CPU seconds of each process of a tree (children come and go: each keyed by pid)."""
    return {} if pid is None else {p: _cpu(p) for p in _tree(pid)}


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds a tree spent between two readings (a backend that ended is missed)."""
    return sum(after[p] - before.get(p, 0.0) for p in after)


def postmaster(cluster: Path | None) -> int | None:
    try:
        return int((cluster / "data" / "postmaster.pid").read_text().split()[0]) \
            if cluster is not None else None
    except (OSError, ValueError, IndexError):
        return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", type=int, default=300)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="postgresql")
    # a person types a field, checks it and moves on: a save every 20 s on average
    ap.add_argument("--think", type=float, default=20.0)
    ap.add_argument("--appraisers", type=int, default=10)
    ap.add_argument("--office", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2, help="parindex serve --workers")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="parindex-load-"))
    cluster = None
    if args.db == "postgresql":
        url, cluster = start_cluster()
        os.environ["PARINDEX_DB"] = url
    try:
        data, codes = prepare(folder, args.units, args.appraisers, args.office)
        server = Server(data, "--workers", str(args.workers))
        try:
            report = _load(server, codes, args, postmaster(cluster))
        finally:
            server.stop()
    finally:
        if cluster is not None:
            stop_cluster(cluster)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False),
                             encoding="utf-8")
    return 0 if report["lost_writes"] == 0 else 1


def _load(server: Server, codes: list[str], args: argparse.Namespace,
          database: int | None) -> dict[str, Any]:
    admin = Browser(server, "noivu0")
    cycles = {c["name"]: c["id"] for c in admin.call("GET", "/api/cycles")[1]}
    rec = Recorder()
    # everyone signs in first (password hashing is slow on purpose): not part of the load
    names = [c.lower() for c in codes] + [f"thamdinh{i}" for i in range(args.appraisers)] + \
        [f"noivu{i}" for i in range(args.office)]
    signed = _sign_in(server, names)
    until = time.monotonic() + args.seconds
    threads = [threading.Thread(target=_saver, args=(
        signed[code.lower()], code.lower(), cycles["tu-danh-gia"], code, "value",
        "unit_save", until, args.think, rec)) for code in codes]
    rng = random.Random(1)
    threads += [threading.Thread(target=_saver, args=(
        signed[f"thamdinh{i}"], f"thamdinh{i}", cycles["tham-dinh"], rng.choice(codes),
        "appraised", "appraiser_save", until, args.think, rec))
        for i in range(args.appraisers)]
    threads += [threading.Thread(target=_office, args=(
        signed[f"noivu{i}"], cycles["tu-danh-gia"], until, rec)) for i in range(args.office)]
    load_before = os.getloadavg()
    cpu_before = tree_cpu(server.proc.pid), tree_cpu(database)
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - start
    cpu_after = tree_cpu(server.proc.pid), tree_cpu(database)
    requests = sum(len(v) for v in rec.times.values())
    server_cpu = spent(cpu_before[0], cpu_after[0])
    database_cpu = spent(cpu_before[1], cpu_after[1])
    return {"units": len(codes), "db": args.db, "workers": args.workers,
            "seconds": round(took, 1),
            "think_s": args.think, "requests": requests,
            "throughput_per_s": round(requests / took, 1),
            "kinds": {k: _percentiles(v) for k, v in sorted(rec.times.items())},
            # CPU of the server's processes (and of PostgreSQL's) per request, all kinds
            "server_cpu_ms_per_request": round(server_cpu / max(requests, 1) * 1000, 1),
            "database_cpu_ms_per_request": round(database_cpu / max(requests, 1) * 1000, 1),
            "errors": rec.errors, "acknowledged_writes": len(rec.acked),
            "lost_writes": verify(server, rec),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()]}


if __name__ == "__main__":
    sys.exit(main())
