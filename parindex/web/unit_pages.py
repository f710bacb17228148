"""The unit's self-assessment page (to be built)."""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []
