"""The CSV reader: a folder with ``bundle.yaml`` and one UTF-8 ``NAME.csv`` per table, every
cell read as text."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd

from parindex.criteria.loader import read_yaml_file
from parindex.errors import Problem
from parindex.evidence.tables import TABLES, RawTables


def _nfc_columns(df: pd.DataFrame) -> pd.DataFrame:
    df.columns = [unicodedata.normalize("NFC", str(c)).strip().lower() for c in df.columns]
    return df


def read_csv_table(path: Path) -> pd.DataFrame:
    """One CSV file as text cells (blank = ``""``) with a ``_row`` column."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                     skipinitialspace=False)
    df = _nfc_columns(df)
    df["_row"] = range(2, len(df) + 2)
    return df


def read_csv_folder(path: Path) -> RawTables:
    """A folder of CSV files: ``bundle.yaml`` plus one ``NAME.csv`` per table."""
    problems: list[Problem] = []
    meta_path = path / "bundle.yaml"
    meta: dict[str, Any] = {}
    if not meta_path.is_file():
        problems.append(Problem(str(path), "", "no bundle.yaml (year, edition, authority)",
                                hint="create bundle.yaml with 'year:' and 'edition:'"))
    else:
        loaded, found = read_yaml_file(meta_path, "bundle.yaml", {"edition", "authority"})
        problems += found
        meta = loaded if isinstance(loaded, dict) else {}
        if not found and not isinstance(loaded, dict):
            problems.append(Problem("bundle.yaml", "", "must be a mapping of year, "
                                    "edition, authority"))
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    for name in TABLES:
        file = path / f"{name}.csv"
        if not file.is_file():
            continue
        files[name] = file.name
        try:
            tables[name] = read_csv_table(file)
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            problems.append(Problem(file.name, "", f"cannot be read as UTF-8 CSV: {exc}"))
    return RawTables(path, meta, "bundle.yaml", tables, files, problems)
