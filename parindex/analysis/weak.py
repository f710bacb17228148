"""`parindex weak`: where each unit loses its points, and where it trails its group.

For every unit: its leaves by points lost (applicable max − appraised points; a missing leaf
loses its max, a rebased not-applicable leaf loses nothing); the areas and leaves where it is
below its group's median (areas by component index, leaves by points as a share of their
applicable max, medians over the group's units where applicable); and the areas whose
component index is below the minimum of the unit's own band, the areas holding it in that
band. Everything is computed for all units at once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from parindex.evidence.states import MISSING, NA
from parindex.scoring.run import Run, column_or_none, num_or_none

_TOL = 1e-9


def _group_median(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per unit and column, the median of the unit's group (NaN cells left out)."""
    df = pd.DataFrame(values)
    return df.groupby(pd.Series(groups, dtype=object).to_numpy()).transform("median").to_numpy(
        dtype=float)


@dataclass(frozen=True)
class Weakness:
    """Per unit (rows) and leaf or area (columns), everything ``weak`` reports."""

    lost: np.ndarray
    leaf_share: np.ndarray  # points ÷ applicable max × 100, NaN where not applicable
    leaf_median: np.ndarray
    area_median: np.ndarray
    band_min: np.ndarray  # the unit's band minimum, NaN without a band

    @classmethod
    def of(cls, run: Run) -> Weakness:
        s = run.scores
        groups = run.units["group"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(s.leaf_applicable > 0, s.leaf_appr / s.leaf_applicable * 100.0,
                             np.nan)
        mins = run.edition.band_mins()
        band_min = np.where(s.band >= 0, mins[np.maximum(s.band, 0)], np.nan)
        return cls(s.leaf_applicable - s.leaf_appr, share, _group_median(share, groups),
                   _group_median(s.area_index, groups), band_min)


def _heads(run: Run, idx: np.ndarray) -> list[tuple[Any, ...]]:
    """Per unit of ``idx``, the figures of its ``unit_result`` a report repeats (code, name,
    group, index, band, rank, group rank), made column by column as ``unit_results`` makes
    them, without the areas and leaf lists a report does not use."""
    s = run.scores
    units = run.units.iloc[idx]
    names = run.edition.band_names()
    band = [names[b] if b >= 0 else None for b in s.band[idx].tolist()]
    return list(zip(units["code"].tolist(), units["name"].tolist(), units["group"].tolist(),
                    column_or_none(s.index[idx]), band, column_or_none(s.rank[idx], int),
                    column_or_none(s.group_rank[idx], int), strict=True))


def _split(items: list[Any], rows: np.ndarray, n: int) -> list[list[Any]]:
    """``items`` (one per marked cell, row by row) cut into one list per row of ``n``."""
    bounds = [0, *np.cumsum(np.bincount(rows, minlength=n)).tolist()]
    return [items[a:b] for a, b in pairwise(bounds)]


def _lost(run: Run, w: Weakness, idx: np.ndarray) -> tuple[list[list[dict[str, Any]]],
                                                            list[float]]:
    """Per unit of ``idx``: its leaves by points lost (most first, ties in edition order),
    and the points it loses in all."""
    s, ed = run.scores, run.edition
    lost = np.ascontiguousarray(w.lost[idx])
    order = np.argsort(-lost, axis=1, kind="stable")
    rows, pos = np.nonzero(np.take_along_axis(lost, order, axis=1) > _TOL)
    cols = order[rows, pos]
    units = idx[rows]
    state = s.state[units, cols]
    status = np.where(state == MISSING, "missing", np.where(state == NA, "na", ""))
    median = w.leaf_median[units, cols]
    below = w.leaf_share[units, cols] < median - _TOL
    leaves = [(lf.code, lf.name, ed.areas[lf.area].code, lf.max) for lf in ed.leaves]
    items = [{"criterion": code, "name": name, "area": area, "max": top, "points": points,
              "lost": value, "status": st, "group_median": None if m != m else m,
              "below_group_median": b}
             for (code, name, area, top), points, value, st, m, b in zip(
                 map(leaves.__getitem__, cols.tolist()), s.leaf_appr[units, cols].tolist(),
                 lost[rows, cols].tolist(), status.tolist(), median.tolist(), below.tolist(),
                 strict=True)]
    return _split(items, rows, len(idx)), _totals(lost)


def _below(mask: np.ndarray, make: Any) -> list[list[dict[str, Any]]]:
    """Per row of ``mask``, ``make(row, column)`` for each marked column, in column order."""
    rows, cols = np.nonzero(mask)
    return _split([make(r, c) for r, c in zip(rows.tolist(), cols.tolist(), strict=True)],
                  rows, mask.shape[0])


def _reports(run: Run, w: Weakness, idx: np.ndarray) -> list[dict[str, Any]]:
    """The reports of the units ``idx``, every unit's lists made in one pass over all."""
    s, ed = run.scores, run.edition
    areas = [(a.code, a.name) for a in ed.areas]
    crit = [(lf.code, lf.name) for lf in ed.leaves]
    index, a_med = s.area_index[idx].tolist(), w.area_median[idx].tolist()
    share, l_med = w.leaf_share[idx].tolist(), w.leaf_median[idx].tolist()
    band_min = w.band_min[idx]
    lost, totals = _lost(run, w, idx)
    areas_below = _below(
        s.area_index[idx] < w.area_median[idx] - _TOL,
        lambda i, k: {"area": areas[k][0], "name": areas[k][1], "index": index[i][k],
                      "group_median": a_med[i][k]})
    leaves_below = _below(
        w.leaf_share[idx] < w.leaf_median[idx] - _TOL,
        lambda i, j: {"criterion": crit[j][0], "name": crit[j][1], "percent": share[i][j],
                      "group_median": l_med[i][j]})
    below_band = _below(s.area_index[idx] < band_min[:, None] - _TOL,
                        lambda i, k: {"area": areas[k][0], "name": areas[k][1],
                                      "index": index[i][k]})
    return [{"code": code, "name": name, "group": group, "index": ix, "band": band,
             "band_min": num_or_none(bmin), "rank": rank, "group_rank": group_rank,
             "points_lost": total, "lost": ls,
             "below_group_median": {"areas": ab, "criteria": lb}, "areas_below_band": bb}
            for (code, name, group, ix, band, rank, group_rank), bmin, total, ls, ab, lb, bb
            in zip(_heads(run, idx), band_min.tolist(), totals, lost, areas_below,
                   leaves_below, below_band, strict=True)]


def _totals(lost: np.ndarray) -> list[float]:
    """Each row's points lost in all (summed row by row, as the reports sum them)."""
    return [float(row.sum()) for row in lost]


def summary(run: Run, top: int = 3) -> dict[str, list[Any]]:
    """Every unit by rank in one row, the figures the summary table of ``weak`` shows,
    column by column: ``heads`` (code, name, group, index, band, rank, group rank as in a
    report), ``points_lost``, ``top`` (the ``top`` biggest losses, ``(criterion, lost)``,
    as a report's ``lost`` begins), ``areas_below_median`` and ``areas_below_band`` (area
    codes). The same numbers as :func:`weak`'s reports, without building each unit's lists
    (a national table in a tenth of the time)."""
    s, ed = run.scores, run.edition
    w = Weakness.of(run)
    idx = np.asarray(run.order(), dtype=np.intp)
    lost = np.ascontiguousarray(w.lost[idx])
    order = np.argsort(-lost, axis=1, kind="stable")[:, :top]
    biggest = np.take_along_axis(lost, order, axis=1)
    rows, pos = np.nonzero(biggest > _TOL)
    leaves = [lf.code for lf in ed.leaves]
    tops = _split(list(zip(map(leaves.__getitem__, order[rows, pos].tolist()),
                           biggest[rows, pos].tolist(), strict=True)), rows, len(idx))
    areas = [a.code for a in ed.areas]
    index = s.area_index[idx]
    return {"heads": _heads(run, idx), "points_lost": _totals(lost), "top": tops,
            "areas_below_median": _below(index < w.area_median[idx] - _TOL,
                                         lambda _, k: areas[k]),
            "areas_below_band": _below(index < w.band_min[idx][:, None] - _TOL,
                                       lambda _, k: areas[k])}


def weak(run: Run, units: list[int] | None = None) -> list[dict[str, Any]]:
    """The report for the given units (default: every unit, by rank)."""
    w = Weakness.of(run)
    idx = run.order() if units is None else units
    with _no_cycle_collection():
        return _reports(run, w, np.asarray(idx, dtype=np.intp))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector held off while the reports are made: a national run makes
    some 150,000 small dicts, none in a cycle, and each pass of the collector they set off
    walks every object the run holds (it doubled the time spent here)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
