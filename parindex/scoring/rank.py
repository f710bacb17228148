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
    if groups is None:
        codes = np.zeros(len(values), dtype=np.intp)
    else:
        groups = np.asarray(groups)
        codes = groups if groups.dtype.kind in "iu" else \
            pd.factorize(groups.astype(object))[0]  # already numbered: used as they are
    ranks: np.ndarray = row_ranks(values[None, :], codes, ties)[0]
    return ranks


def row_ranks(keys: np.ndarray, groups: np.ndarray, ties: str) -> np.ndarray:
    """Rank each row of ``keys`` (draws × units) highest first within ``groups`` (integer
    codes per unit), ``min`` or ``dense`` ties; NaN keys get NaN.

    >>> row_ranks(np.array([[90.0, 80.0, 90.0, 70.0]]), np.zeros(4, int), "min").tolist()
    [[1.0, 3.0, 1.0, 4.0]]
    >>> row_ranks(np.array([[90.0, 80.0, 90.0, 70.0]]), np.array([0, 0, 1, 1]), "dense").tolist()
    [[1.0, 2.0, 1.0, 2.0]]
    """
    neg = np.where(np.isnan(keys), np.inf, -keys)
    out = ranks_in_order(neg, grouped(np.argsort(neg, axis=1), groups), groups, ties)
    out[np.isnan(keys)] = np.nan
    return out


def grouped(order: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``order`` (each row's units, highest key first; the order among equal keys does not
    matter) sorted stably by group: exact for any keys, unlike one sort on a group-offset
    key."""
    if groups.size and groups.min() != groups.max():
        small = groups.astype(np.int16) if groups.max() < 2**15 else groups
        order = np.take_along_axis(order, np.argsort(small[order], axis=1, kind="stable"),
                                   axis=1)
    return order


def ranks_in_order(neg: np.ndarray, order: np.ndarray, groups: np.ndarray,
                   ties: str) -> np.ndarray:
    """Ranks from ``order`` (by group, then by ``neg`` — the keys negated — ascending)."""
    srt = np.take_along_axis(neg, order, axis=1)
    g = groups[order]
    pos = np.broadcast_to(np.arange(neg.shape[1]), srt.shape)
    start = np.ones(srt.shape, dtype=bool)
    start[:, 1:] = g[:, 1:] != g[:, :-1]
    new = start.copy()
    new[:, 1:] |= srt[:, 1:] != srt[:, :-1]
    group_start = np.maximum.accumulate(np.where(start, pos, 0), axis=1)
    if ties == "dense":
        count = np.cumsum(new, axis=1)
        ranked = count - np.take_along_axis(count, group_start, axis=1) + 1
    else:
        ranked = np.maximum.accumulate(np.where(new, pos, 0), axis=1) - group_start + 1
    out = np.empty(neg.shape)
    np.put_along_axis(out, order, ranked.astype(float), axis=1)
    return out


def assign_bands(index: np.ndarray, mins: np.ndarray) -> np.ndarray:
    """Position of the first band whose ``min`` the index reaches; -1 when none.

    >>> assign_bands(np.array([90.0, 89.999, 10.0, np.nan]), np.array([90.0, 80.0, 55.0])).tolist()
    [0, 1, -1, -1]
    """
    hits = index[:, None] >= mins[None, :]
    return np.where(hits.any(axis=1), hits.argmax(axis=1), -1)
