"""One error family for everything a user can get wrong.

Every problem names the file, the place in it (row and column, or YAML path and line), the
field, the bad value and, where we can, a hint. Problems are collected before failing, so a
user sees all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located precisely enough to fix it."""

    file: str
    location: str
    message: str
    field: str | None = None
    value: object = None
    hint: str | None = None
    severity: Severity = "error"

    def render(self) -> str:
        """`evidence.csv: row 17, column "value": "95%%" is not a percentage (hint: ...)`."""
        place = f"{self.file}: {self.location}" if self.location else self.file
        if self.field:
            place += f', column "{self.field}"' if self.location.startswith("row") else ""
        text = f"{place}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.file,
            "location": self.location,
            "field": self.field,
            "value": None if self.value is None else str(self.value),
            "message": self.message,
            "hint": self.hint,
        }


class ParIndexError(Exception):
    """A user's input is wrong; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.render() for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


class CriteriaError(ParIndexError):
    """A criteria edition file is invalid."""


class EvidenceError(ParIndexError):
    """An evidence bundle is invalid against its edition."""


class OutputError(ParIndexError):
    """An output cannot be written where the user asked (a read-only folder, a file in the
    way, an input of the command)."""


def quote(value: object) -> str:
    """Show a bad value the way the user typed it: `"95%%"`, `""` for blank."""
    text = "" if value is None else str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f'"{text}"'
