"""Evidence bundles (CONTRACT §2): read a bundle through a reader, check its structure and
meta, clean its cells.

A bundle is read into plain string tables first — every cell as written, a ``_row`` column
with the row number a user sees in a spreadsheet (the header is row 1) — and only then
checked against an edition (:mod:`parindex.evidence.inputs`). A reader is a function from
a path to :class:`~parindex.evidence.tables.RawTables`; the CSV folder
(:mod:`.read_csv`) is one, the Excel workbook (:mod:`.read_xlsx`) another, and a new source
plugs into :data:`READERS` without touching anything downstream.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from parindex.errors import EvidenceError, Problem, quote
from parindex.evidence.cells import categorical, cell_text, distinct
from parindex.evidence.legacy import legacy_encoding
from parindex.evidence.read_csv import read_csv_folder
from parindex.evidence.tables import REQUIRED_TABLES, TABLES, Bundle, RawTables

Reader = Callable[[Path], RawTables]


def _read_xlsx(path: Path) -> RawTables:
    """The workbook reader, imported when a workbook is read (a CSV score skips it)."""
    from parindex.evidence.read_xlsx import read_xlsx

    return read_xlsx(path)


def _read_csv(path: Path) -> RawTables:
    """A folder of CSV files, each column read as codes and distinct texts (cleaned and
    checked once per distinct text)."""
    return read_csv_folder(path, codes=True)


#: readers by kind: "dir" for folders, else the file suffix
READERS: dict[str, Reader] = {"dir": _read_csv, ".xlsx": _read_xlsx}

#: tables kept as codes and distinct texts once cleaned (categorical columns): the survey's
#: millions of answers repeat a few thousand texts; other tables' checkers read Python
#: strings
CODED_TABLES = ("survey",)


def load_bundle(path: str | Path) -> Bundle:
    """Read a bundle; structural problems (missing tables or columns, meta) raise."""
    p = Path(path)
    if not p.exists():
        raise EvidenceError([Problem.of("bundle.no_such", str(p))])
    key = "dir" if p.is_dir() else p.suffix.lower()
    reader = READERS.get(key)
    if reader is None:
        raise EvidenceError([Problem.of("bundle.bad_kind", p.name, kind=key)])
    return bundle_from(reader(p), p)


def bundle_from(raw: RawTables, p: Path) -> Bundle:
    """The bundle of what a reader (or the workspace's database) found: structure and meta
    checked, cells cleaned; structural problems raise."""
    problems = list(raw.problems)
    if any(pr.severity == "error" for pr in problems) and not raw.tables:
        raise EvidenceError(problems)  # the file itself was refused: nothing more to say
    problems += _check_structure(raw)
    year, edition, authority = _meta(raw, problems)
    # a bad cell (a formula with no saved result) is checked on with every other problem
    if any(pr.severity == "error" and "(cell " not in pr.location for pr in problems):
        raise EvidenceError(problems)
    letters = {name: dict(df.attrs.get("letters", {})) for name, df in raw.tables.items()}
    texts: dict[tuple[str, str], np.ndarray] = {}
    tables = {name: _strip_cells(df, name, texts) for name, df in raw.tables.items()}
    legacy, cells = _legacy_text(tables, texts, raw.files, letters)
    problems += legacy  # reported with every other problem
    return Bundle(p, year, edition, authority, tables, raw.files, tuple(problems), letters,
                  raw.meta_file, cells | _reported_cells(raw))


def _reported_cells(raw: RawTables) -> frozenset[tuple[str, int, str]]:
    """The cells (table, row, column) the reader already reported (a date where a fraction
    was typed, a formula with no saved result): not reported again by the checkers."""
    table_of = {file: name for name, file in raw.files.items()}
    out = set()
    for pr in raw.problems:
        table, words = table_of.get(pr.file), pr.location.split()
        if table and pr.field and len(words) > 1 and words[0] == "row" and words[1].isdigit():
            out.add((table, int(words[1]), pr.field))
    return frozenset(out)


def strip_cell(value: object) -> str:
    """:func:`parse.cell_text`, and a spreadsheet's protective ``'`` before ``=+-@``
    dropped."""
    text = cell_text(value)
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        return text[1:]
    return text


def _strip_cells(df: pd.DataFrame, name: str,
                 texts: dict[tuple[str, str], np.ndarray]) -> pd.DataFrame:
    """Every text cell cleaned (once per distinct text), as Python strings (categorical in
    :data:`CODED_TABLES`); each column's distinct cleaned texts go to ``texts``."""
    columns: dict[str, Any] = {}
    for col in df.columns:
        if col == "_row":
            columns[col] = df[col]
            continue
        codes, uniques = distinct(df[col], narrow=name in CODED_TABLES)
        cleaned = np.array([strip_cell(u) for u in uniques] or [""], dtype=object)
        if name in CODED_TABLES and _same_texts(df[col], uniques, cleaned):
            columns[col] = df[col]  # every text already clean: the column as it was read
        elif name in CODED_TABLES:
            columns[col] = categorical(codes, cleaned, df.index)
        else:
            columns[col] = pd.Series(cleaned[codes], index=df.index, dtype=object)
        texts[name, col] = cleaned
    out = pd.DataFrame(columns, index=df.index)
    out.attrs.update(df.attrs)
    return out


def _same_texts(column: pd.Series, uniques: np.ndarray, cleaned: np.ndarray) -> bool:
    """Whether a categorical column's texts are all clean already (each distinct text its
    own cleaned text, no blank cell read as missing)."""
    return (isinstance(column.dtype, pd.CategoricalDtype) and len(uniques) == len(cleaned)
            and all(type(u) is str and u == c for u, c in zip(uniques, cleaned, strict=True)))


#: columns where legacy-encoded text would be matched or shown wrongly (others: a warning)
_KEY_TEXT = {"units": ("code", "name", "group"), "evidence": ("unit", "criterion", "value",
                                                               "appraised")}


def _legacy_text(tables: dict[str, pd.DataFrame], texts: dict[tuple[str, str], np.ndarray],
                 files: dict[str, str], letters: dict[str, dict[str, str]]
                 ) -> tuple[list[Problem], frozenset[tuple[str, int, str]]]:
    """Cells in a legacy font encoding: the problems, and the cells (table, row, column)."""
    out, cells = [], set()
    for name, df in tables.items():
        for col in df.columns:
            if col == "_row":
                continue
            found = {u: enc for u in texts[name, col] if (enc := legacy_encoding(u))}
            if not found:
                continue  # the usual case: no cell of the column looks legacy-encoded
            values = df[col].to_numpy(dtype=object)
            letter = letters.get(name, {}).get(col)
            rows = df["_row"].to_numpy()
            for i in (i for i, v in enumerate(values) if v in found):
                error = col in _KEY_TEXT.get(name, ())
                row = int(rows[i])
                cells.add((name, row, col))
                where = f"row {row}" + (f" (cell {letter}{row})" if letter else "")
                out.append(Problem.of("bundle.legacy", files.get(name, name), where, field=col,
                                      value=values[i], row=row,
                                      severity="error" if error else "warning",
                                      quoted=quote(values[i]), encoding=found[values[i]]))
    return out, frozenset(cells)


def _check_structure(raw: RawTables) -> list[Problem]:
    out = []
    for name in REQUIRED_TABLES:
        if name not in raw.tables and name not in raw.files:
            out.append(Problem.of("bundle.table_missing", str(raw.source.name), table=name,
                                  columns=", ".join(TABLES[name][0])))
    for name, df in raw.tables.items():
        required, optional = TABLES[name]
        lacking = [c for c in required if c not in df.columns]
        if lacking:
            out.append(Problem.of("bundle.columns_missing", raw.files[name], "row 1", row=1,
                                  columns=", ".join(f'"{c}"' for c in lacking),
                                  known=", ".join(required + optional)))
        unknown = [c for c in df.columns if c not in required + optional + ("_row",)]
        for c in unknown:
            out.append(Problem.of("bundle.column_unknown", raw.files[name], "row 1", field=c,
                                  value=c, row=1, severity="warning", quoted=quote(c)))
    return out


def _meta(raw: RawTables, problems: list[Problem]) -> tuple[int, str, str]:
    meta = raw.meta
    year = meta.get("year")
    if isinstance(year, str) and year.strip().isdigit():
        year = int(year)
    told = any(p.field == "year" and p.file == raw.meta_file for p in problems)
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        if (raw.meta or not problems) and not told:
            problems.append(Problem.of("bundle.year", raw.meta_file, "year", field="year",
                                       value=year, path="year", quoted=quote(year)))
        year = 0
    edition = meta.get("edition")
    if not isinstance(edition, str) or not edition.strip():
        if raw.meta:
            problems.append(Problem.of("bundle.edition_missing", raw.meta_file, "edition",
                                       field="edition", value=edition, path="edition"))
        edition = ""
    authority = meta.get("authority") or ""
    for key in meta:
        if key not in ("year", "edition", "authority"):
            problems.append(Problem.of("bundle.meta_unknown", raw.meta_file, str(key),
                                       field=str(key), path=str(key), severity="warning",
                                       quoted=quote(key)))
    return year, edition.strip(), str(authority)
