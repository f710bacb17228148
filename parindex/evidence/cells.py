"""Cells of a bundle table as distinct texts: a column's codes and distinct values, a cell
cleaned as text, the first row of each code.

A bundle repeats the same few texts over and over (3,321 units, 41 criteria, a few thousand
values in 136,161 evidence rows), so the readers and checkers work on each distinct text
once, in plain Python over Python strings — faster than pandas' string methods on whole
columns.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import pandas as pd


def distinct(values: Any, narrow: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of a column (first-seen order), the values as a Python
    object array: factorizing Python strings is about twice as fast as a string column. A
    categorical column (how the CSV reader reads a bundle) has them already: its codes and
    categories (not in first-seen order, and a category may be unused); ``narrow``: its
    codes as it holds them (one or two bytes each, not eight), to index arrays with."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        return _category_codes(values, narrow)
    vals = np.asarray(values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values,
                      dtype=object)
    codes, uniques = pd.factorize(vals)  # NaN gets no code: rare, so looked for after
    if len(codes) and codes.min() < 0:
        codes, uniques = pd.factorize(vals, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def _category_codes(values: pd.Series, narrow: bool) -> tuple[np.ndarray, np.ndarray]:
    codes = values.cat.codes.to_numpy()
    uniques = np.asarray(values.cat.categories.to_numpy(dtype=object), dtype=object)
    missing = len(codes) > 0 and codes.min() < 0
    if not narrow or missing:
        codes = codes.astype(np.intp)
    if missing:  # a missing cell: its own distinct value, NaN
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = np.append(uniques, np.array([np.nan], dtype=object))
    return codes, uniques


def categorical(codes: np.ndarray, uniques: np.ndarray, index: pd.Index) -> pd.Series:
    """A column of the texts ``uniques[codes]``, held as codes and distinct texts (a
    survey of 1.7 million answers takes a few megabytes, not hundreds); ``uniques`` may
    repeat a text (two cells that clean to the same text), merged here."""
    same, texts = pd.factorize(uniques)
    cat = pd.Categorical.from_codes(same[codes] if len(codes) else codes,
                                    categories=pd.Index(texts, dtype=object))
    return pd.Series(cat, index=index)


def cell_text(value: Any) -> str:
    """A cell as text: NFC, non-breaking spaces to spaces, trimmed; blank (None, NaN) ``""``.
    """
    if not isinstance(value, str):
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return ""
        value = str(value)
    if not value.isascii():
        value = unicodedata.normalize("NFC", value).replace("\u00a0", " ")
    text: str = value.strip()
    return text


def first_rows(codes: np.ndarray, n: int) -> np.ndarray:
    """The first row of each of the ``n`` codes (``np.unique(codes, return_index=True)[1]``
    without sorting).

    >>> first_rows(np.array([1, 0, 1, 2, 0]), 3).tolist()
    [1, 0, 3]
    """
    first = np.empty(n, dtype=np.intp)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return first
