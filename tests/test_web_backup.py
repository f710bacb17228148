"""``parindex workspace backup`` while the site runs and writes, then ``restore`` into a
fresh data folder: the same results, record and documents as at the moment of the backup
(issue #14 item 3)."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest

pytest.importorskip("django")

from web_http import Browser, Server, parindex

from parindex.samples.sample import sample_root

PDF = b"%PDF-1.4\n% parindex test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _state(data: Path, folder: Path) -> tuple[str, list[str]]:
    """The results of the cycle exported from a data folder, and its documents' hashes."""
    parindex(data, "workspace", "export", "2024", str(folder))
    files = sorted(hashlib.sha256(p.read_bytes()).hexdigest()
                   for p in (data / "files").iterdir() if not p.name.startswith("."))
    return (folder / "evidence.csv").read_text(encoding="utf-8"), files


@pytest.mark.slow
def test_backup_while_writing_then_restore(tmp_path: Path) -> None:
    data, copy, fresh = tmp_path / "data", tmp_path / "backup", tmp_path / "restored"
    parindex(data, "workspace", "init")
    parindex(data, "workspace", "import", str(sample_root() / "2024"), "--cycle", "2024")
    parindex(data, "workspace", "user", "add", "sm01", "--role", "unit", "--unit", "SM01")
    server = Server(data)
    try:
        unit = Browser(server, "sm01")
        cycle = unit.call("GET", "/api/cycles")[1][0]["id"]
        url = f"/api/cycles/{cycle}/units/SM01/evidence"
        status, sent = unit.upload(f"{url}/1.1.3/files", "bao-cao.pdf", PDF)
        assert status == 200, sent
        stop = threading.Event()

        def writes() -> None:
            percent = 50
            while not stop.is_set():
                percent = 50 + (percent + 1) % 50
                unit.call("PATCH", f"{url}/1.3", {"value": str(percent)})

        writer = threading.Thread(target=writes)
        writer.start()
        try:
            done = parindex(data, "workspace", "backup", str(copy))
        finally:
            stop.set()
            writer.join()
        assert str(copy) in done.stdout
    finally:
        server.stop()
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "sqlite3"
    parindex(fresh, "workspace", "restore", str(copy))
    evidence, documents = _state(fresh, tmp_path / "out-restored")
    backed = manifest["files"]
    assert documents == sorted(v["sha256"] for k, v in backed.items() if k.startswith("files/"))
    assert hashlib.sha256(PDF).hexdigest() in documents
    row = next(line for line in evidence.splitlines() if line.startswith("SM01,1.3,"))
    value = row.split(",")[2]
    audit = parindex(fresh, "workspace", "export", "2024", str(tmp_path / "again"))
    assert audit.returncode == 0
    # the restored value of 1.3 is the last one the record of the copy holds
    import sqlite3

    db = sqlite3.connect(fresh / "workspace.sqlite3")
    last = db.execute("SELECT after FROM workspace_change WHERE criterion = '1.3' "
                      "ORDER BY id DESC LIMIT 1").fetchone()
    db.close()
    assert last is None or last[0] == value


def test_restore_refuses_a_folder_that_holds_a_workspace(tmp_path: Path) -> None:
    import subprocess

    data = tmp_path / "data"
    parindex(data, "workspace", "init")
    parindex(data, "workspace", "backup", str(tmp_path / "copy"))
    with pytest.raises(subprocess.CalledProcessError) as refused:
        parindex(data, "workspace", "restore", str(tmp_path / "copy"))
    assert "đã có dữ liệu" in refused.value.stderr
    (tmp_path / "copy" / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(subprocess.CalledProcessError) as damaged:
        parindex(tmp_path / "other", "workspace", "restore", str(tmp_path / "copy"))
    assert "Traceback" not in damaged.value.stderr
    assert "manifest.json" in damaged.value.stderr
