"""Fixtures of the workspace tests: the sample district's 2024 as a cycle, with the demo's
accounts (``noivu`` admin, ``thamdinh`` appraiser, one per unit), and clients signed in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from parindex.samples.sample import sample_bundles

PASSWORD = "demo"


@pytest.fixture
def cycle(db: None) -> Any:  # noqa: ARG001 (db: pytest-django's database)
    """The 2024 sample as the cycle "2024", open for self-assessment until a month ahead."""
    from django.utils import timezone

    from parindex.web import models as m
    from parindex.web import store
    from parindex.web.accounts import add_user

    path = next(p for p in sample_bundles() if p.name == "2024")
    checked, edition = store.read_checked(path)
    c = store.import_bundle(checked.bundle, edition, "2024", "self_assessment", "test")
    m.Deadline.objects.create(cycle=c, round="self_assessment",
                              day=timezone.localdate() + dt.timedelta(days=30))
    add_user("noivu", "admin", PASSWORD, check_password=False)
    add_user("thamdinh", "appraiser", PASSWORD, check_password=False)
    add_user("xem", "viewer", PASSWORD, check_password=False)
    for u in m.Unit.objects.all():
        add_user(u.code.lower(), "unit", PASSWORD, unit=u.code, check_password=False)
    return c


def client_for(name: str) -> Any:
    """A Django test client signed in as ``name`` (CSRF checks on, as in a browser)."""
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    assert c.login(username=name, password=PASSWORD)
    return c
