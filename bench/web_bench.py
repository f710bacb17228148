"""The workspace benchmark: saves through the JSON API, a national import, the results API.

    python bench/web_bench.py [--n 200] [--units 30] [--national DIR] [--skip-national]
                              [--port 0] [--json FILE]

In a temporary data folder (SQLite): imports the sample district's 2024 and a generated
``--units``-unit cycle (``bench/generate.py``), starts ``parindex serve`` (waitress) on
127.0.0.1 in a child process, signs in over HTTP as one unit of that cycle (``http.client``
with a cookie jar, the CSRF cookie sent back as a header, as the pages' script does), and
times ``--n`` PATCH saves of one field (p50/p95/p99, milliseconds). Then imports the national
bundle (``bench/data/national``, generated if absent) in process, timing the bundle's
reading and check and the database write, and times the results API of that cycle (the
league's data: first call scores every unit, later calls come from the cache), ``--n``
saves on one unit of the national cycle, and the results API of the small cycle. Targets
(issues #12 and #14): save p95 ≤ 100 ms (30 units, and in the national cycle), national
import ≤ 60 s, results ≤ 2 s. Exit status 0 (a missed target is reported, not fatal).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password-1"
TARGETS = {"save_p95_ms": 100.0, "import_s": 60.0, "results_s": 2.0}


class Browser:
    """One persistent HTTP connection with a cookie jar (sessionid, csrftoken)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.jar: SimpleCookie = SimpleCookie()

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        head = dict(headers or {})
        if self.jar:
            head["Cookie"] = "; ".join(f"{k}={v.value}" for k, v in self.jar.items())
        self.conn.request(method, path, body=body, headers=head)
        r = self.conn.getresponse()
        data = r.read()
        for value in r.headers.get_all("Set-Cookie") or []:
            self.jar.load(value)
        return r.status, data

    def json(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        head = {"Content-Type": "application/json",
                "X-CSRFToken": self.jar["csrftoken"].value}
        status, data = self.request(method, path, json.dumps(body).encode()
                                    if body is not None else None, head)
        return status, json.loads(data)

    def login(self, name: str) -> None:
        status, _ = self.request("GET", "/login/")
        assert status == 200, status
        assert "csrftoken" in self.jar
        form = urlencode({"username": name, "password": PASSWORD,
                          "csrfmiddlewaretoken": self.jar["csrftoken"].value}).encode()
        status, _ = self.request("POST", "/login/", form,
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, f"login: {status}"
        assert "sessionid" in self.jar


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _import(path: Path, name: str) -> tuple[Any, float, float]:
    """The bundle imported as cycle ``name`` in self-assessment, its deadline a month on:
    the cycle, seconds reading + checking, seconds writing."""
    from django.utils import timezone

    from parindex.web import models as m
    from parindex.web import store

    t0 = time.perf_counter()
    checked, edition = store.read_checked(path)
    t1 = time.perf_counter()
    cycle = store.import_bundle(checked.bundle, edition, name, "self_assessment", "bench")
    t2 = time.perf_counter()
    m.Deadline.objects.update_or_create(
        cycle=cycle, round="self_assessment",
        defaults={"day": timezone.localdate() + dt.timedelta(days=30)})
    return cycle, t1 - t0, t2 - t1


def prepare(data: Path, units: int) -> tuple[Any, Any, str]:
    """The data folder: database, the sample's 2024, the ``units``-unit cycle, accounts."""
    import generate

    from parindex.samples.sample import sample_bundles
    from parindex.web import migrate, setup

    setup(data)
    migrate()
    from parindex.web.accounts import add_user

    sample, _, _ = _import(next(p for p in sample_bundles() if p.name == "2024"), "2024")
    small_path = generate.generate(units, data / f"bundle-{units}", seed=3)
    small, _, _ = _import(small_path, f"bench-{units}")
    code = small.members.order_by("position").first().unit.code
    add_user("bench-unit", "unit", PASSWORD, unit=code, check_password=False)
    add_user("bench-admin", "admin", PASSWORD, check_password=False)
    return sample, small, code


def start_server(data: Path, port: int) -> subprocess.Popen[bytes]:
    """``parindex serve`` in a child process, its request log in ``data/serve.log`` (a pipe
    nobody reads would fill after a few hundred requests and stop the server)."""
    env = {**os.environ, "PARINDEX_DATA": str(data)}
    log = data / "serve.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "parindex", "serve", "--data",
                                 str(data), "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=subprocess.DEVNULL, stderr=sink, cwd=ROOT)
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError as exc:
            if proc.poll() is not None:
                raise SystemExit(log.read_text(encoding="utf-8", errors="replace")
                                 or "serve failed") from exc
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def percentiles(ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50": round(statistics.median(ms), 1), "p95": round(q[94], 1),
            "p99": round(q[98], 1), "max": round(max(ms), 1), "n": len(ms)}


def cpu_seconds(pid: int | None) -> float:
    """The CPU time (user + system) of a process so far (Linux /proc), 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def saves(b: Browser, cycle_id: int, code: str, criterion: str, n: int,
          server: int | None = None) -> dict[str, float]:
    """``n`` PATCH saves of the declared value of one leaf, each a new value (and the
    server's CPU milliseconds per save, a figure other work on the machine disturbs less)."""
    url = f"/api/cycles/{cycle_id}/units/{code}/evidence/{criterion}"
    status, body = b.json("PATCH", url, {"value": "50"})  # warm-up, untimed
    assert status == 200, body
    version, times = body["evidence"]["version"], []
    cpu = cpu_seconds(server)
    for i in range(n):
        t = time.perf_counter()
        status, body = b.json("PATCH", url, {"value": str(51 + i % 49), "version": version})
        times.append((time.perf_counter() - t) * 1000)
        assert status == 200, body
        version = body["evidence"]["version"]
    out = percentiles(times)
    if server is not None:
        out["server_cpu_ms"] = round((cpu_seconds(server) - cpu) / n * 1000, 1)
    return out


def timed_get(b: Browser, path: str, repeat: int = 3) -> dict[str, float]:
    """The first call (scores the cycle) and the median of ``repeat`` more (cached)."""
    t = time.perf_counter()
    status, _ = b.request("GET", path)
    first = time.perf_counter() - t
    assert status == 200, status
    again = []
    for _ in range(repeat):
        t = time.perf_counter()
        b.request("GET", path)
        again.append(time.perf_counter() - t)
    return {"first_s": round(first, 3), "cached_s": round(statistics.median(again), 3)}


def national(admin: Browser, path: Path, server: int, n: int) -> dict[str, Any]:
    import generate

    if not (path / "bundle.yaml").is_file():
        generate.generate(out=path)
    cycle, read_s, write_s = _import(path, "national")
    out: dict[str, Any] = {"units": cycle.members.count(), "read_check_s": round(read_s, 2),
                           "write_s": round(write_s, 2), "import_s": round(read_s + write_s, 2)}
    out["results"] = timed_get(admin, f"/api/cycles/{cycle.id}/results")
    code = cycle.members.order_by("position").first().unit.code
    out["unit_page"] = timed_get(admin, f"/api/cycles/{cycle.id}/units/{code}")
    out["admin_saves"] = saves(admin, cycle.id, code, "1.1.3", n, server)
    # the league after a save: the cycle is scored again, its survey kept checked
    out["results_after_save"] = timed_get(admin, f"/api/cycles/{cycle.id}/results")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200, help="PATCH saves timed")
    ap.add_argument("--units", type=int, default=30, help="units of the small cycle")
    ap.add_argument("--national", type=Path, default=HERE / "data" / "national")
    ap.add_argument("--skip-national", action="store_true")
    ap.add_argument("--port", type=int, default=0, help="0: a free port")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args(argv)
    report: dict[str, Any] = {"load_before": os.getloadavg(), "n": args.n}
    with tempfile.TemporaryDirectory(prefix="parindex-web-bench-") as tmp:
        data = Path(tmp)
        sample, small, code = prepare(data, args.units)
        port = args.port or _free_port()
        server = start_server(data, port)
        try:
            unit, admin = Browser(port), Browser(port)
            unit.login("bench-unit")
            admin.login("bench-admin")
            report[f"save_{args.units}_units_ms"] = saves(unit, small.id, code, "1.1.3", args.n,
                                                          server.pid)
            report["results_small"] = timed_get(admin, f"/api/cycles/{small.id}/results")
            report["results_sample"] = timed_get(admin, f"/api/cycles/{sample.id}/results")
            if not args.skip_national:
                report["national"] = national(admin, args.national, server.pid, args.n)
        finally:
            server.terminate()
            server.wait(30)
    report["load_after"] = os.getloadavg()
    print(json.dumps(report, indent=2, ensure_ascii=False))
    _verdict(report, args.units)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


def _verdict(report: dict[str, Any], units: int) -> None:
    p95 = report[f"save_{units}_units_ms"]["p95"]
    cpu = report[f"save_{units}_units_ms"].get("server_cpu_ms")
    lines = [f"save p95 {p95} ms (target ≤ {TARGETS['save_p95_ms']:g}), server CPU {cpu} ms "
             "a save"]
    nat = report.get("national")
    if nat:
        lines.append(f"national import {nat['import_s']} s (target ≤ {TARGETS['import_s']:g})")
        saved = nat["admin_saves"]
        lines.append(f"national save p95 {saved['p95']} ms (target ≤ "
                     f"{TARGETS['save_p95_ms']:g}), server CPU {saved.get('server_cpu_ms')} ms "
                     "a save")
        lines.append(f"national results after a save {nat['results_after_save']['first_s']} s "
                     "(target ≤ 2)")
        lines.append(f"national results {nat['results']['first_s']} s first, "
                     f"{nat['results']['cached_s']} s cached "
                     f"(target ≤ {TARGETS['results_s']:g})")
    print("\n".join(lines), file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
