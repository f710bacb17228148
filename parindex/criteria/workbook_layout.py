"""The layout of an edition workbook, shared by its writer and its reader.

Two sheets: ``meta`` (one field a row: the field's name in column A, its value in B, a second
value in C for bands, calendar dates and the previous edition's areas) and ``tiêu chí`` /
``criteria`` (a heading row, then one row per node in document order, areas at depth 1).
Headings and field names are written in Vietnamese (or English); both are read, as are the
edition file's own key names, without regard to case, accents or separators.
"""

from __future__ import annotations

from parindex.criteria.keys import fold_key
from parindex.words import both, t

#: the criteria sheet's columns, in order: (edition key, width in characters)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("depth", 6), ("code", 10), ("name", 48), ("max", 9), ("input", 26), ("score", 44),
    ("survey", 10), ("not_applicable", 14), ("owner", 22), ("evidence", 36),
    ("description", 60),
)
#: columns a workbook must have (the others may be left out)
REQUIRED = ("depth", "code", "name", "max", "score")

#: the meta sheet's fields: (key, repeated on several rows, numbers of values)
META_FIELDS: tuple[tuple[str, bool, int], ...] = (
    ("edition", False, 1), ("title", False, 1), ("level", False, 1),
    ("valid_from", False, 1), ("valid_until", False, 1), ("legal_basis", True, 1),
    ("description", False, 1), ("scale", False, 1), ("not_applicable", False, 1),
    ("ties", False, 1), ("bonus_max", False, 1), ("penalty_max", False, 1),
    ("band", True, 2), ("calendar", True, 2), ("previous_edition", False, 1),
    ("previous_area", True, 2), ("survey_answers", True, 2), ("min_respondents", False, 1),
)
META_WIDTHS = (30, 60, 16)
#: the edition file's own names for meta fields, accepted as field names too
_META_ALIASES = {"bands": "band", "valid.from": "valid_from", "valid.until": "valid_until",
                 "from": "valid_from", "until": "valid_until"}

#: yes/no as CONTRACT §2 reads them
YES = frozenset({"yes", "co", "true", "1", "x"})
NO = frozenset({"no", "khong", "false", "0"})


def heading(key: str, lang: str) -> str:
    """A criteria-sheet column heading."""
    return t(f"critbook.col.{key}", lang)


def sheet_name(key: str, lang: str) -> str:
    """``meta`` or ``nodes``'s sheet name."""
    return t(f"critbook.sheet.{key}", lang)


def meta_label(key: str, lang: str) -> str:
    return t(f"critbook.meta.{key}", lang)


def _table(prefix: str, keys: list[str], aliases: dict[str, str]) -> dict[str, str]:
    out = {fold_key(k): k for k in keys}
    out.update({fold_key(a): k for a, k in aliases.items()})
    for key in keys:
        out.update({fold_key(text): key for text in both(f"{prefix}.{key}")})
    return out


_HEADINGS = _table("critbook.col", [k for k, _ in COLUMNS], {"rule": "score"})
_META = _table("critbook.meta", [k for k, _, _ in META_FIELDS], _META_ALIASES)
_SHEETS = _table("critbook.sheet", ["meta", "nodes"], {})


def column_key(text: str) -> str | None:
    """The column a heading names, in either language (None: not a column of ours)."""
    return _HEADINGS.get(fold_key(text))


def meta_key(text: str) -> str | None:
    """The meta field a name in column A stands for (None: unknown)."""
    return _META.get(fold_key(text))


def sheet_key(text: str) -> str | None:
    """``meta`` or ``nodes`` for a sheet name in either language."""
    return _SHEETS.get(fold_key(text))


def meta_spec(key: str) -> tuple[bool, int]:
    """(repeated, number of values) of a meta field."""
    for name, repeated, count in META_FIELDS:
        if name == key:
            return repeated, count
    raise KeyError(key)
