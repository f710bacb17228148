"""The tables of an evidence bundle (CONTRACT §2) and the two shapes a bundle takes: as a
reader found it (:class:`RawTables`) and as read and cleaned (:class:`Bundle`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from parindex.errors import Problem

#: table name → (required columns, optional columns)
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "units": (("code", "name", "type", "group"), ("ranked",)),
    "evidence": (("unit", "criterion", "value"), ("appraised", "source", "note")),
    "one_stop": (("unit", "carried_over", "received_online", "received_direct",
                  "received_post", "resolved_early", "resolved_on_time", "resolved_late",
                  "pending_in_time", "pending_overdue"), ("returned", "period", "procedures")),
    "reports": (("unit", "report", "submitted"), ()),
    "adjustments": (("unit", "kind", "points"), ("reason",)),
    "lineage": (("code", "predecessor"), ()),
    "survey": (("unit", "respondent", "question", "answer"), ()),
}
REQUIRED_TABLES = ("units", "evidence")
UNIT_TYPES = ("xa", "phuong", "thi_tran", "phong", "huyen", "so")


@dataclass(frozen=True)
class RawTables:
    """What a reader found: meta, the tables as text, and where each came from."""

    source: Path
    meta: dict[str, Any]
    meta_file: str
    tables: dict[str, pd.DataFrame]
    files: dict[str, str]
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Bundle:
    """A read bundle: meta and every table present, cells as written (NFC)."""

    path: Path
    year: int
    edition: str
    authority: str
    tables: dict[str, pd.DataFrame]
    files: dict[str, str]
    problems: tuple[Problem, ...] = ()
    #: spreadsheet column letters of each table's columns (workbooks only)
    letters: dict[str, dict[str, str]] = field(default_factory=dict)
    meta_file: str = "bundle.yaml"
    #: cells (table, row, column) reported as legacy font encoding: not reported again
    legacy_cells: frozenset[tuple[str, int, str]] = frozenset()

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def file(self, name: str) -> str:
        return self.files.get(name, f"{name}.csv")

    @property
    def units(self) -> pd.DataFrame:
        return self.tables["units"]

    @property
    def evidence(self) -> pd.DataFrame:
        return self.tables["evidence"]
