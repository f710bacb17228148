"""A throwaway PostgreSQL cluster for the workspace tests (``PARINDEX_TEST_POSTGRES=1``):
Debian's ``postgresql`` package (installed with apt-get when missing, as CI runs as root),
a cluster made with ``initdb`` in a temporary folder, owned by and run as the ``postgres``
user when the tests run as root (PostgreSQL refuses root), listening on 127.0.0.1 only,
removed afterwards."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run("apt-get update -qq && apt-get install -y -qq --no-install-recommends "
                       "postgresql", shell=True, check=True, env=env, timeout=1800,
                       capture_output=True)
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start() -> tuple[str, Path]:
    """A running cluster: its URL (user ``parindex``, trusted on 127.0.0.1) and folder."""
    bin_dir = _bin()
    folder = Path(tempfile.mkdtemp(prefix="parindex-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", _free_port()
    subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", "parindex",
                              "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                   check=True, capture_output=True, timeout=300)
    subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-l",
                              str(folder / "log"), "-w", "-o",
                              f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 "
                              "-c fsync=off -c full_page_writes=off", "start"]),
                   check=True, capture_output=True, timeout=300)
    return f"postgresql://parindex@127.0.0.1:{port}/parindex", folder


def stop(folder: Path) -> None:
    bin_dir = _bin()
    subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-m",
                              "immediate", "-w", "stop"]), capture_output=True, timeout=120,
                   check=False)
    shutil.rmtree(folder, ignore_errors=True)
