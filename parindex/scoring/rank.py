"""Ranking and banding on the index (CONTRACT §3).

Ranks are competition ranks (``min``: 1, 2, 2, 4) or dense ranks (``dense``: 1, 2, 2, 3),
highest index first, overall or within each group. Callers pass indexes already rounded to
the tie precision, so equal-to-6-decimals indexes tie. A unit without an index (nothing
applicable) gets no rank and no band.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd


def rank(values: np.ndarray, groups: np.ndarray | None,
         ties: Literal["min", "dense"] = "min") -> np.ndarray:
    """Rank ``values`` highest first, within ``groups`` when given; NaN stays NaN.

    >>> rank(np.array([90.0, 80.0, 90.0, 70.0]), None).tolist()
    [1.0, 3.0, 1.0, 4.0]
    >>> rank(np.array([90.0, 80.0, 80.0, 70.0]), None, "dense").tolist()
    [1.0, 2.0, 2.0, 3.0]
    """
    s = pd.Series(values, dtype=float)
    if groups is None:
        out = s.rank(method=ties, ascending=False, na_option="keep")
    else:
        out = s.groupby(pd.Series(groups, dtype=object).to_numpy(), sort=False).rank(
            method=ties, ascending=False, na_option="keep")
    return out.to_numpy(dtype=float)


def assign_bands(index: np.ndarray, mins: np.ndarray) -> np.ndarray:
    """Position of the first band whose ``min`` the index reaches; -1 when none.

    >>> assign_bands(np.array([90.0, 89.999, 10.0, np.nan]), np.array([90.0, 80.0, 55.0])).tolist()
    [0, 1, -1, -1]
    """
    hits = index[:, None] >= mins[None, :]
    return np.where(hits.any(axis=1), hits.argmax(axis=1), -1)
