"""Signing in: failed attempts throttled per account and per address with a Vietnamese
page; the same answer for a name that exists and one that does not (issue #14 item 2)."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytest.importorskip("django")

from web_support import PASSWORD

pytestmark = pytest.mark.django_db


def _try(name: str, password: str, address: str = "10.0.0.1") -> Any:
    from django.test import Client

    return Client(REMOTE_ADDR=address).post("/login/", {"username": name,
                                                        "password": password})


@pytest.mark.usefixtures("cycle")
def test_a_wrong_password_and_an_unknown_name_read_the_same() -> None:
    wrong, unknown = _try("sm01", "sai"), _try("khong-co", "sai")
    assert wrong.status_code == unknown.status_code == 200
    assert "không đúng" in wrong.content.decode()
    token = r'(value="|"X-CSRFToken": ")[^"]*"'
    pairs = ((wrong, "sm01"), (unknown, "khong-co"))
    texts = [re.sub(token, "", r.content.decode().replace(n, "")) for r, n in pairs]
    assert texts[0] == texts[1]  # the pages differ only by the name typed (and the token)
    assert _try("sm01", PASSWORD).status_code == 302


@pytest.mark.usefixtures("cycle")
def test_failed_sign_ins_are_throttled_per_account(settings: Any) -> None:
    settings.AXES_ENABLED = True
    for i in range(4):
        assert _try("sm01", f"sai-{i}", f"10.0.0.{i + 1}").status_code == 200
    assert _try("sm01", "sai-5", "10.0.0.5").status_code == 429  # the fifth locks
    locked = _try("sm01", PASSWORD, "10.0.0.99")  # the right password, from elsewhere
    assert locked.status_code == 429
    assert "quá nhiều lần" in locked.content.decode()
    assert _try("sm02", PASSWORD, "10.0.0.99").status_code == 302  # other accounts go on


@pytest.mark.usefixtures("cycle")
def test_failed_sign_ins_are_throttled_per_address(settings: Any) -> None:
    settings.AXES_ENABLED = True
    for name in ("sm01", "sm02", "sm03", "khong-co", "sm06"):
        _try(name, "sai", "10.9.9.9")
    assert _try("sm07", PASSWORD, "10.9.9.9").status_code == 429
    unknown = _try("ai-do", "sai", "10.9.9.9")
    assert unknown.status_code == 429
