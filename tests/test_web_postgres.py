"""The workspace's commands on PostgreSQL (issue #14 items 1 and 3), run in ``make test``'s
PostgreSQL pass (``PARINDEX_TEST_POSTGRES=1``, a throwaway cluster): ``workspace init`` and
``import`` with ``--db``, ``serve --db`` answering and saving, ``backup`` with pg_dump while
it runs, ``restore`` into an empty database giving the same cycle, record and documents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

pytest.importorskip("django")

from web_http import PASSWORD, Browser, Server, env_for

from parindex.samples.sample import sample_root

pytestmark = pytest.mark.skipif(os.environ.get("PARINDEX_TEST_POSTGRES") != "1",
                                reason="the PostgreSQL pass of make test runs it")

PDF = b"%PDF-1.4\n% parindex on PostgreSQL\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _database(name: str) -> str:
    """A new, empty database in the test cluster; its URL."""
    import psycopg

    url = urlsplit(os.environ["PARINDEX_DB"])
    with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(url._replace(path=f"/{name}"))


def _run(data: Path, db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "parindex", *args, "--data", str(data),
                           "--db", db], env=env_for(), capture_output=True, text=True,
                          timeout=600, check=True)


@pytest.mark.slow
def test_serve_backup_and_restore_on_postgresql(tmp_path: Path) -> None:
    first, second = _database("parindex_cli_a"), _database("parindex_cli_b")
    data = tmp_path / "data"
    _run(data, first, "workspace", "init")
    _run(data, first, "workspace", "import", str(sample_root() / "2024"), "--cycle", "2024")
    _run(data, first, "workspace", "user", "add", "sm01", "--role", "unit", "--unit", "SM01")
    assert not (data / "workspace.sqlite3").exists()  # the rows are in PostgreSQL
    server = Server(data, "--db", first)
    try:
        unit = Browser(server, "sm01")
        cycle = unit.call("GET", "/api/cycles")[1][0]["id"]
        url = f"/api/cycles/{cycle}/units/SM01/evidence"
        status, _ = unit.call("PATCH", f"{url}/1.3", {"value": "77"})
        assert status == 200
        assert unit.upload(f"{url}/1.3/files", "bien-ban.pdf", PDF)[0] == 200
        backup = _run(data, first, "workspace", "backup", str(tmp_path / "copy"))
        assert "copy" in backup.stdout
    finally:
        server.stop()
    assert (tmp_path / "copy" / "database.sql").is_file()
    fresh = tmp_path / "restored"
    _run(fresh, second, "workspace", "restore", str(tmp_path / "copy"))
    _run(data, first, "workspace", "export", "2024", str(tmp_path / "a"))
    _run(fresh, second, "workspace", "export", "2024", str(tmp_path / "b"))
    for name in ("evidence.csv", "units.csv", "one_stop.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert "SM01,1.3,77," in (tmp_path / "b" / "evidence.csv").read_text(encoding="utf-8")
    files = [p.read_bytes() for p in (fresh / "files").iterdir()]
    assert files == [PDF]
    again = _run(fresh, second, "workspace", "user", "list").stdout
    assert "sm01" in again
    assert PASSWORD not in again
