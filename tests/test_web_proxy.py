"""The workspace behind a reverse proxy that terminates HTTPS (``PARINDEX_HTTPS=1``, the
province server of docs/DEPLOY.md): waitress believes ``X-Forwarded-Proto`` and
``X-Forwarded-For`` from the proxy's address only. From the proxy the request is HTTPS (no
redirect, secure cookies) and its address is the person's (the sign-in throttling counts
per person); the same headers from anyone else are dropped, so they cannot be forged."""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("django")

from web_http import Server, parindex


def _get(server: Server, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", path, headers={"Host": "cchc.example.vn", **headers})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("proxy") / "data"
    parindex(folder, "workspace", "init")
    return folder


def _server(data: Path, proxy: str) -> Iterator[Server]:
    server = Server(data, env={"PARINDEX_HTTPS": "1", "PARINDEX_HOSTS": "cchc.example.vn",
                               "PARINDEX_PROXY": proxy})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def trusted(data: Path) -> Iterator[Server]:
    yield from _server(data, "127.0.0.1")  # the tests' requests come from the proxy's address


@pytest.fixture(scope="module")
def untrusted(data: Path) -> Iterator[Server]:
    yield from _server(data, "10.9.9.9")  # the tests' requests come from elsewhere


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def test_from_the_proxy_a_request_is_https_with_secure_cookies(trusted: Server) -> None:
    response = _get(trusted, "/login/", FORWARDED)
    assert response.status == 200
    cookie = response.getheader("Set-Cookie") or ""
    assert cookie.startswith("csrftoken=")
    assert "Secure" in cookie
    assert "max-age=31536000" in (response.getheader("Strict-Transport-Security") or "")


def test_plain_http_is_sent_to_https(trusted: Server) -> None:
    response = _get(trusted, "/login/", {})
    assert response.status == 301
    assert response.getheader("Location") == "https://cchc.example.vn/login/"


def test_the_forwarded_headers_of_anyone_else_are_dropped(untrusted: Server) -> None:
    response = _get(untrusted, "/login/", FORWARDED)
    assert response.status == 301  # still plain HTTP: the forged scheme was not believed
    assert response.getheader("Location") == "https://cchc.example.vn/login/"


def test_a_monitor_reaches_healthz_without_https(trusted: Server) -> None:
    assert _get(trusted, "/healthz", {}).status == 200


def _sign_in(server: Server, name: str, address: str) -> int:
    """A wrong password for ``name`` from the person at ``address``, through the proxy."""
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": address}
    first = _get(server, "/login/", headers)
    token = (first.getheader("Set-Cookie") or "").split(";")[0].split("=", 1)[1]
    body = urllib.parse.urlencode({"username": name, "password": "sai",
                                   "csrfmiddlewaretoken": token})
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("POST", "/login/", body=body, headers={
        "Host": "cchc.example.vn", "Cookie": f"csrftoken={token}",
        "Referer": "https://cchc.example.vn/login/", "Origin": "https://cchc.example.vn",
        "Content-Type": "application/x-www-form-urlencoded", **headers})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def test_sign_in_throttling_counts_the_persons_address(trusted: Server) -> None:
    for i in range(4):
        assert _sign_in(trusted, f"ai-do-{i}", "198.51.100.7") == 200
    assert _sign_in(trusted, "ai-do-4", "198.51.100.7") == 429  # the fifth failure locks
    assert _sign_in(trusted, "ai-khac", "198.51.100.7") == 429  # that address is locked
    assert _sign_in(trusted, "ai-khac", "198.51.100.8") == 200  # another person's is not
