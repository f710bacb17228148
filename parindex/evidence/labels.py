"""Column headings of bundle tables in workbooks: Vietnamese and English labels for each
canonical column name (CONTRACT §2). Readers accept any of the three; templates write the
label of the chosen language.

The texts are the words table's (``col.TABLE.COLUMN`` and ``info.COLUMN`` in
:data:`parindex.words.WORDS`); :data:`LABELS` and :data:`INFO_COLUMNS` are views of them by
table, in column order.
"""

from __future__ import annotations

import unicodedata

from parindex.words import both, t

#: each workbook table's columns that carry a heading, in order
COLUMNS: dict[str, tuple[str, ...]] = {
    "meta": ("year", "edition", "authority"),
    "units": ("code", "name", "type", "group", "ranked"),
    "evidence": ("unit", "criterion", "value", "appraised", "source", "note"),
    "one_stop": ("unit", "carried_over", "received_online", "received_direct",
                 "received_post", "resolved_early", "resolved_on_time", "resolved_late",
                 "pending_in_time", "pending_overdue", "returned", "period", "procedures"),
    "reports": ("unit", "report", "submitted"),
    "adjustments": ("unit", "kind", "points", "reason"),
    "lineage": ("code", "predecessor"),
    "survey": ("unit", "respondent", "question", "answer"),
}
#: informational columns a template adds to the evidence sheet; readers ignore them
#: (and the reports sheet its deadlines)
INFO: tuple[str, ...] = ("unit_name", "criterion_name", "max", "rule", "enter", "area",
                         "deadline")

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    table: {col: both(f"col.{table}.{col}") for col in cols} for table, cols in COLUMNS.items()}
INFO_COLUMNS: dict[str, tuple[str, str]] = {col: both(f"info.{col}") for col in INFO}


def _key(text: object) -> str:
    return unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").strip().lower()


def column_for(table: str, heading: object) -> str | None:
    """The canonical column a heading names (canonical, Vietnamese or English), else None."""
    key = _key(heading)
    for col, (vi, en) in LABELS.get(table, {}).items():
        if key in (col, _key(vi), _key(en)):
            return col
    return None


def info_column(heading: object) -> str | None:
    key = _key(heading)
    for col, (vi, en) in INFO_COLUMNS.items():
        if key in (col, _key(vi), _key(en)):
            return col
    return None


def label(table: str, col: str, lang: str) -> str:
    key = f"col.{table}.{col}" if col in LABELS.get(table, {}) else f"info.{col}"
    return t(key, lang)
