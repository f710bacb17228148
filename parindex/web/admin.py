"""Django's admin, for the office to manage units, accounts and their roles. The record of
changes is shown read-only: it cannot be added to, edited or deleted here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from parindex.web import models as m
from parindex.web.services import record


class ProfileInline(admin.StackedInline):
    model = m.Profile
    can_delete = False


@admin.register(m.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(m.Profile)
class ProfileAdmin(admin.ModelAdmin):
    """Roles, units and groups of accounts; each change is on the record."""

    list_display = ("user", "role", "unit")
    list_filter = ("role",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = m.Profile.objects.filter(pk=obj.pk).first() if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record(None, request.user, "account.role", obj.unit.code if obj.unit else "",
                   field=str(obj.user), before=_role(before), after=_role(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            record(None, request.user, "account.role", field=str(obj.user),
                   before=_role(obj), after="")
            super().delete_model(request, obj)


def _role(profile: Any) -> str:
    if profile is None:
        return ""
    where = profile.unit.code if profile.unit else ", ".join(profile.groups or [])
    return f"{profile.role} {where}".strip()


@admin.register(m.Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "edition", "round")
    readonly_fields = ("data_version", "tables")


@admin.register(m.Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("cycle", "unit", "name", "type", "group", "submitted_at")
    list_filter = ("cycle", "group", "type")
    readonly_fields = ("submitted_at", "submitted_by")


@admin.register(m.Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "unit", "criterion", "field", "before", "after")
    list_filter = ("action",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
