"""The workspace as a Django application (label ``workspace``)."""

from __future__ import annotations

from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "parindex.web"
    label = "workspace"
    verbose_name = "parindex workspace"
    default_auto_field = "django.db.models.BigAutoField"
