"""The workspace's production settings: Django's deployment check passes behind HTTPS, debug
is never on, the secret key is made once with owner-only permissions, argon2 hashes
passwords."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("django")


def _django(data: Path, *args: str, https: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PARINDEX_WEB_TEST", "PARINDEX_DB", "PARINDEX_HTTPS")}
    env.update(PARINDEX_DATA=str(data), DJANGO_SETTINGS_MODULE="parindex.web.settings",
               PARINDEX_HOSTS="cchc.example.gov.vn")
    if https:
        env["PARINDEX_HTTPS"] = "1"
    return subprocess.run([sys.executable, "-m", "django", *args], env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_deployment_check_passes_behind_https(tmp_path: Path) -> None:
    done = _django(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_without_https_the_check_names_only_the_https_settings(tmp_path: Path) -> None:
    done = _django(tmp_path, "check", "--deploy", https=False)
    found = set(re.findall(r"\(security\.(W\d+)\)", done.stdout + done.stderr))
    assert found == {"W004", "W008", "W012", "W016"}, done.stderr  # HSTS, redirect, cookies


def test_the_secret_key_is_made_once_for_its_owner(tmp_path: Path) -> None:
    assert _django(tmp_path, "check").returncode == 0
    key = tmp_path / "secret_key"
    first = key.read_text()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(first.strip()) >= 50
    assert _django(tmp_path, "check").returncode == 0
    assert key.read_text() == first


def test_debug_is_off_and_passwords_use_argon2(tmp_path: Path) -> None:
    code = ("from django.conf import settings; print(settings.DEBUG, "
            "settings.PASSWORD_HASHERS[0].rsplit('.', 1)[1])")
    done = _django(tmp_path, "shell", "-v", "0", "-c", code)
    assert done.stdout.split() == ["False", "Argon2PasswordHasher"], done.stderr
