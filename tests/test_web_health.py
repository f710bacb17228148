"""``/healthz`` and the request log (issue #14 item 7)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

pytest.importorskip("django")

from web_support import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def test_healthy() -> None:
    from django.test import Client

    answer = Client().get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "database": True, "storage": True}


def test_storage_that_cannot_be_written_is_unhealthy(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Any) -> None:
    from django.test import Client

    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setattr("django.conf.settings.FILES", blocked)
    answer = Client().get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["storage"] is False


def test_each_request_is_logged_without_secrets(cycle: Any,
                                                caplog: pytest.LogCaptureFixture) -> None:
    from django.test import Client

    with caplog.at_level(logging.INFO, logger="parindex.requests"):
        Client().post("/login/", {"username": "sm01", "password": PASSWORD})
        client_for("sm01").get(f"/api/cycles/{cycle.id}/units/SM01")
    lines = [json.loads(r.getMessage()) for r in caplog.records
             if r.name == "parindex.requests"]
    assert {"user": "sm01", "method": "GET", "path": f"/api/cycles/{cycle.id}/units/SM01",
            "status": 200} in [{k: v for k, v in x.items() if k != "ms"} for x in lines]
    assert all(PASSWORD not in r.getMessage() for r in caplog.records)


def test_every_answer_carries_the_security_headers() -> None:
    from django.test import Client

    for url in ("/login/", "/healthz", "/api/cycles"):
        answer = Client().get(url)
        policy = answer["Content-Security-Policy"]
        assert "script-src 'self'" in policy, url
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert answer["Referrer-Policy"] == "same-origin"
        assert answer["X-Frame-Options"] == "DENY"
