"""``parindex workspace backup OUT`` and ``restore IN`` (issue #14 item 3): a consistent copy
of the database and the documents while the site runs, and a fresh data folder made from
one.

The database is copied first — SQLite through its online backup API (a consistent snapshot
while others write), PostgreSQL with ``pg_dump`` (one transaction's snapshot) — then the
documents and editions. Documents are never changed in place (a new one gets a new name;
a removed one keeps its file), and a document's file is in place before its row is
committed, so every document the copied database names is in the copied folder. A
``manifest.json`` lists every file with its size and SHA-256; ``restore`` checks them and
refuses to write over a data folder that already holds a workspace.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

FOLDERS = ("files", "editions")
SQLITE = "workspace.sqlite3"
SQL = "database.sql"


class BackupError(ValueError):
    """A refused backup or restore: a words key (``web.backup.KEY``) and its facts."""

    def __init__(self, key: str, **facts: object):
        super().__init__(key)
        self.key, self.facts = key, facts


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _pg_url() -> str:
    db = settings.DATABASES["default"]
    return (f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/"
            f"{db['NAME']}")


def backup(out: Path) -> dict[str, Any]:
    """Copy the database and the documents into the new folder ``out``."""
    if out.exists() and any(out.iterdir()):
        raise BackupError("not_empty", path=str(out))
    out.mkdir(parents=True, exist_ok=True)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        target = sqlite3.connect(str(out / SQLITE))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "-f", str(out / SQL),
                        _pg_url()], check=True, capture_output=True, timeout=3600)
    data = Path(settings.DATA)
    for name in FOLDERS:
        if (data / name).is_dir():
            shutil.copytree(data / name, out / name,
                            ignore=shutil.ignore_patterns(".part-*", ".health-*"))
    files = {str(p.relative_to(out)): {"size": p.stat().st_size, "sha256": _digest(p)}
             for p in sorted(out.rglob("*")) if p.is_file()}
    manifest = {"made": dt.datetime.now(dt.UTC).isoformat(), "engine": engine,
                "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def check_backup(folder: Path) -> dict[str, Any]:
    """The backup's manifest, every file checked against it."""
    try:
        manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise BackupError("no_manifest", path=str(folder)) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict) or \
            manifest.get("engine") not in ("sqlite3", "postgresql"):
        raise BackupError("no_manifest", path=str(folder))
    for name, facts in manifest["files"].items():
        path = folder / name
        if not path.is_file() or path.stat().st_size != facts["size"] or \
                _digest(path) != facts["sha256"]:
            raise BackupError("damaged", path=str(path))
    return manifest


def restore(folder: Path, data: Path) -> dict[str, Any]:
    """A data folder made from a backup (the data folder must not hold a workspace yet; for
    PostgreSQL, the database must be empty)."""
    manifest = check_backup(folder)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if manifest["engine"] != engine:
        raise BackupError("engine", made=manifest["engine"], here=engine)
    if any((data / name).exists() for name in (SQLITE, *FOLDERS)):
        raise BackupError("not_empty", path=str(data))
    data.mkdir(parents=True, exist_ok=True)
    for name in FOLDERS:
        if (folder / name).is_dir():
            shutil.copytree(folder / name, data / name)
    if engine == "sqlite3":
        shutil.copyfile(folder / SQLITE, data / f"{SQLITE}.part")
        (data / f"{SQLITE}.part").replace(data / SQLITE)
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_schema = 'public'")
            row = cursor.fetchone()
        if row is not None and row[0]:
            raise BackupError("not_empty", path=settings.DATABASES["default"]["NAME"])
        subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-q", "-f", str(folder / SQL),
                        _pg_url()], check=True, capture_output=True, timeout=3600)
    return manifest
