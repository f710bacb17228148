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
    values = np.asarray(values, dtype=float)
    out = np.full(len(values), np.nan)
    idx = np.flatnonzero(~np.isnan(values))
    if len(idx) == 0:
        return out
    g = np.zeros(len(idx), dtype=np.intp) if groups is None else \
        pd.factorize(np.asarray(groups, dtype=object)[idx])[0]
    # sort by group, then highest value first; a rank counts from the start of its group
    order = np.lexsort((-values[idx], g))
    v, gg = values[idx][order], g[order]
    pos = np.arange(len(order))
    new_group = np.r_[True, gg[1:] != gg[:-1]]
    new_value = new_group | np.r_[True, v[1:] != v[:-1]]
    group_start = np.maximum.accumulate(np.where(new_group, pos, 0))
    if ties == "min":
        r = np.maximum.accumulate(np.where(new_value, pos, 0)) - group_start + 1
    else:
        distinct = np.cumsum(new_value)
        r = distinct - distinct[group_start] + 1
    out[idx[order]] = r
    return out


def assign_bands(index: np.ndarray, mins: np.ndarray) -> np.ndarray:
    """Position of the first band whose ``min`` the index reaches; -1 when none.

    >>> assign_bands(np.array([90.0, 89.999, 10.0, np.nan]), np.array([90.0, 80.0, 55.0])).tolist()
    [0, 1, -1, -1]
    """
    hits = index[:, None] >= mins[None, :]
    return np.where(hits.any(axis=1), hits.argmax(axis=1), -1)
