"""A workspace served by waitress in its own process, and a small HTTP client with a cookie
jar and the CSRF header (what a browser sends), for tests of the running site."""

from __future__ import annotations

import http.cookiejar
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

PASSWORD = "Quang-Tri-2024-cchc"


def env_for() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PARINDEX_DATA", "DJANGO_SETTINGS_MODULE", "PARINDEX_WEB_TEST",
                        "PARINDEX_DB")}
    env["PARINDEX_PASSWORD"] = PASSWORD
    return env


def parindex(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "parindex", *args, "--data", str(data)],
                          env=env_for(), capture_output=True, text=True, timeout=600,
                          check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``parindex serve --data DATA [ARGS]`` on a free port of 127.0.0.1 until stopped."""

    def __init__(self, data: Path, *args: str, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "parindex", "serve", "--data", str(data), "--port",
             str(self.port), *args], env={**env_for(), **(env or {})}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the workspace did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


class Browser:
    """Signed in as one account: JSON calls and uploads with its session and CSRF token."""

    def __init__(self, server: Server, name: str):
        self.base = server.url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.open(f"{self.base}/login/").read()
        body = urllib.parse.urlencode({"username": name, "password": PASSWORD,
                                       "csrfmiddlewaretoken": self.csrf}).encode()
        self.opener.open(urllib.request.Request(
            f"{self.base}/login/", body, headers={"Referer": f"{self.base}/login/"})).read()

    @property
    def csrf(self) -> str:
        return next(str(c.value) for c in self.jar if c.name == "csrftoken")

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base}{path}", data, method=method,
            headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf,
                     "Referer": f"{self.base}/"})
        try:
            with self.opener.open(request) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def upload(self, path: str, name: str, content: bytes) -> tuple[int, Any]:
        boundary = "----parindex-test"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            f"{self.base}{path}", body, method="POST",
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                     "X-CSRFToken": self.csrf, "Referer": f"{self.base}/"})
        try:
            with self.opener.open(request) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")
