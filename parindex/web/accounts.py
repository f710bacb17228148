"""Accounts and API tokens, for ``parindex workspace user|token`` and the demo."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from parindex import words
from parindex.web import models as m
from parindex.web.services import record


class AccountError(ValueError):
    """A refused account operation: a words key (``web.account.KEY``) and its facts."""

    def __init__(self, key: str, **facts: object):
        super().__init__(key)
        self.key, self.facts = key, facts

    def text(self, lang: str) -> str:
        return words.t(f"web.account.{self.key}", lang, **self.facts)


def add_user(name: str, role: str, password: str, unit: str | None = None,
             groups: list[str] | None = None, by: str = "console",
             check_password: bool = True) -> Any:
    """A new account with its role (and unit or groups), on the record."""
    if role not in m.ROLES:
        raise AccountError("bad_role", role=role, roles=", ".join(m.ROLES))
    if role == "unit" and not unit:
        raise AccountError("unit_needed")
    users = get_user_model()
    if users.objects.filter(username=name).exists():
        raise AccountError("exists", name=name)
    unit_row = None
    if unit:
        unit_row = m.Unit.objects.filter(code=unit).first()
        if unit_row is None:
            raise AccountError("no_unit", unit=unit)
    with transaction.atomic():
        user = users(username=name, is_staff=role == "admin", is_superuser=role == "admin")
        if check_password:
            validate_password(password, user)
        user.set_password(password)
        user.save()
        m.Profile.objects.create(user=user, role=role, unit=unit_row, groups=groups or [])
        record(None, by, "account.add", unit or "", field="role", after=role)
    return user


def set_password(name: str, password: str, by: str = "console") -> None:
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise AccountError("no_account", name=name)
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        record(None, by, "account.password", field=name)


def users() -> list[dict[str, Any]]:
    return [{"name": u.username, "role": getattr(getattr(u, "profile", None), "role", ""),
             "unit": u.profile.unit.code if getattr(u, "profile", None) and u.profile.unit
             else "", "groups": ", ".join(getattr(getattr(u, "profile", None), "groups", []))}
            for u in get_user_model().objects.select_related("profile__unit")
            .order_by("username")]


def new_token(name: str, by: str = "console") -> str:
    """A new API token for the account: the key is returned once, only its hash is kept."""
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise AccountError("no_account", name=name)
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        m.Token.objects.create(user=user, digest=hashlib.sha256(key.encode()).hexdigest())
        record(None, by, "token.add", field=name)
    return key


def revoke_tokens(name: str, by: str = "console") -> int:
    """Every API token of the account stops working now (they are kept, revoked, for the
    record); answers how many were revoked."""
    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise AccountError("no_account", name=name)
    with transaction.atomic():
        count = m.Token.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        record(None, by, "token.revoke", field=name, after=str(count))
    return int(count)
