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


def distinct(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of a column (first-seen order), the values as a Python
    object array: factorizing Python strings is about twice as fast as a string column."""
    vals = np.asarray(values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values,
                      dtype=object)
    codes, uniques = pd.factorize(vals)  # NaN gets no code: rare, so looked for after
    if len(codes) and codes.min() < 0:
        codes, uniques = pd.factorize(vals, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


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
