"""Benchmark of the workspace's office pages on the national synthetic bundle (3,321 communes).

    python bench/bench_office.py [--repeat 7] [--bundle DIR] [--data DIR]

Needs the web extra. Imports the bundle as the cycle "national" into a workspace in ``--data``
(a temporary folder unless given; a given folder is reused), then times, signed in as the
office, through Django's test client (no network):

  (s) the first league page after a change of the cycle's data: the cycle scored once
      (``scores.cycle_run``) and the page rendered;
  (l) the league page, the run kept (median of ``--repeat``) — target ≤ 2 s;
  (c) the cycle's progress page, the run kept (median of ``--repeat``).

The load average before and after is printed, since other work on the machine slows every
figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate

TARGET = 2.0


def _setup(data: Path, bundle: Path) -> int:
    """The workspace in ``data`` with the cycle "national" (imported once) and ``noivu``."""
    os.environ.setdefault("PARINDEX_WEB_TEST", "1")  # fast password hashing
    from parindex.web import migrate, setup

    setup(data)
    migrate()
    from parindex.web import models as m
    from parindex.web import store
    from parindex.web.accounts import add_user

    cycle = m.Cycle.objects.filter(name="national").first()
    if cycle is None:
        checked, edition = store.read_checked(bundle)
        cycle = store.import_bundle(checked.bundle, edition, "national", "self_assessment",
                                    "bench")
        add_user("noivu", "admin", "bench", check_password=False)
    return int(cycle.id)


def _get(client: object, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)  # type: ignore[attr-defined]
    took = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--bundle", type=Path, default=generate.DEFAULT_OUT)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    if not (args.bundle / "bundle.yaml").is_file():
        generate.generate(out=args.bundle)
    data = args.data or Path(tempfile.mkdtemp(prefix="parindex-bench-office-"))
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    cycle_id = _setup(data, args.bundle)
    from django.test import Client

    from parindex.web import models as m

    client = Client()
    if not client.login(username="noivu", password="bench"):
        raise SystemExit("cannot sign in as noivu")
    m.Cycle.objects.filter(pk=cycle_id).update(data_version=time.time_ns() % 2**31)
    league, cycle = f"/cycles/{cycle_id}/league/", f"/cycles/{cycle_id}/"
    print(f"(s) league, cycle scored: {_get(client, league):.2f} s")
    times = [_get(client, league) for _ in range(args.repeat)]
    median = statistics.median(times)
    print(f"(l) league, run kept: {median:.2f} s (target ≤ {TARGET:g} s) "
          f"{'ok' if median <= TARGET else 'OVER'}")
    times = [_get(client, cycle) for _ in range(args.repeat)]
    print(f"(c) cycle progress, run kept: {statistics.median(times):.2f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
