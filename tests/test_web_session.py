"""Sign-out after inactivity (``PARINDEX_SESSION_SECONDS``, issue #14): every request
starts the time again, so a person who keeps working stays signed in; one who leaves the
page longer than the setting must sign in again, on the pages and on the API alike."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytest.importorskip("django")

from web_http import Browser, Server, parindex

SECONDS = 3


@pytest.mark.slow
def test_a_session_ends_after_the_time_without_a_request(tmp_path: Path) -> None:
    data = tmp_path / "data"
    parindex(data, "workspace", "init")
    server = Server(data, env={"PARINDEX_SESSION_SECONDS": str(SECONDS)})
    try:
        person = Browser(server, "admin")
        for _ in range(4):  # 4 × 1.2 s of work: longer than the setting, never idle that long
            assert person.call("GET", "/api/cycles")[0] == 200
            time.sleep(1.2)
        assert person.call("GET", "/api/cycles")[0] == 200
        time.sleep(SECONDS + 1.5)
        assert person.call("GET", "/api/cycles")[0] == 401
        with person.opener.open(f"{server.url}/") as page:
            assert "/login/" in page.url  # the home page asks to sign in again
    finally:
        server.stop()
