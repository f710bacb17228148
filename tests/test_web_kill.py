"""A server killed in the middle of a burst of writes loses nothing it acknowledged and
leaves the database consistent (issue #14 item 3): each write and its record are one
transaction."""

from __future__ import annotations

import http.client
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("django")

from web_http import Browser, Server, parindex

from parindex.samples.sample import sample_root

LEAVES = ("1.3", "1.1.3", "2.2")


@pytest.mark.slow
def test_killed_mid_burst_keeps_every_acknowledged_write(tmp_path: Path) -> None:
    data = tmp_path / "data"
    parindex(data, "workspace", "init")
    parindex(data, "workspace", "import", str(sample_root() / "2024"), "--cycle", "2024")
    parindex(data, "workspace", "user", "add", "sm01", "--role", "unit", "--unit", "SM01")
    server = Server(data)
    unit = Browser(server, "sm01")
    cycle = unit.call("GET", "/api/cycles")[1][0]["id"]
    acked: dict[str, list[str]] = {leaf: [] for leaf in LEAVES}
    sent: dict[str, str] = {}
    stop = threading.Event()

    def burst(leaf: str) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            value = str(40 + n % 60)
            sent[leaf] = value
            try:
                status, _ = unit.call("PATCH", f"/api/cycles/{cycle}/units/SM01/evidence/{leaf}",
                                      {"value": value})
            except (OSError, http.client.HTTPException):
                # the server is gone, perhaps after it sent the answer's status line but
                # before its body (IncompleteRead): this write was never acknowledged
                return
            if status == 200:
                acked[leaf].append(value)

    threads = [threading.Thread(target=burst, args=(leaf,)) for leaf in LEAVES]
    for t in threads:
        t.start()
    time.sleep(4)
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=30)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert all(acked.values()), acked
    db = sqlite3.connect(data / "workspace.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    server = Server(data)  # the site comes back on the same data
    try:
        row = Browser(server, "sm01").call("GET", f"/api/cycles/{cycle}/units/SM01")[1]
        audit = {leaf: 0 for leaf in LEAVES}
        db = sqlite3.connect(data / "workspace.sqlite3")
        for (criterion,) in db.execute("SELECT criterion FROM workspace_change WHERE "
                                       "action = 'evidence.declare'"):
            audit[criterion] = audit.get(criterion, 0) + 1
        db.close()
    finally:
        server.stop()
    values = {e["criterion"]: e["value"] for e in row["evidence"]}
    for leaf in LEAVES:
        # the last acknowledged value, or the one in flight when the server died
        assert values[leaf] in (acked[leaf][-1], sent[leaf]), (leaf, values[leaf])
        assert audit[leaf] >= len([v for i, v in enumerate(acked[leaf])
                                   if i == 0 or acked[leaf][i - 1] != v])


@pytest.mark.slow
def test_several_processes_serve_one_site(tmp_path: Path) -> None:
    """``serve --workers 2``: two processes on one socket; what one saves, the other reads,
    and the league follows every save (each process reads the data version)."""
    data = tmp_path / "data"
    parindex(data, "workspace", "init")
    parindex(data, "workspace", "import", str(sample_root() / "2024"), "--cycle", "2024")
    parindex(data, "workspace", "user", "add", "sm01", "--role", "unit", "--unit", "SM01")
    server = Server(data, "--workers", "2")
    try:
        cycle = Browser(server, "sm01").call("GET", "/api/cycles")[1][0]["id"]
        for value in ("61", "62", "63", "64"):
            # a new connection each time: the kernel hands them to either process
            status, saved = Browser(server, "sm01").call(
                "PATCH", f"/api/cycles/{cycle}/units/SM01/evidence/1.3", {"value": value})
            assert status == 200
            for _ in range(3):
                got = Browser(server, "sm01").call("GET", f"/api/cycles/{cycle}/results")[1]
                assert got["units"][0]["total"] == saved["result"]["total"]
    finally:
        server.stop()
    assert server.proc.returncode is not None
