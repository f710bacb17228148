"""`parindex weak`: where each unit loses its points, and where it trails its group.

For every unit: its leaves by points lost (applicable max − appraised points; a missing leaf
loses its max, a rebased not-applicable leaf loses nothing); the areas and leaves where it is
below its group's median (areas by component index, leaves by points as a share of their
applicable max, medians over the group's units where applicable); and the areas whose
component index is below the minimum of the unit's own band, the areas holding it in that
band. Everything is computed for all units at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from parindex.evidence.states import MISSING, NA
from parindex.scoring.run import Run, num_or_none

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


def unit_weakness(run: Run, w: Weakness, i: int,
                  r: dict[str, Any] | None = None) -> dict[str, Any]:
    """One unit's report (JSON-ready); ``r`` is its ``unit_result`` when already at hand."""
    s, ed = run.scores, run.edition
    state = s.state[i]
    order = sorted(np.flatnonzero(w.lost[i] > _TOL), key=lambda j: (-w.lost[i, j], j))
    lost = [{"criterion": ed.leaves[j].code, "name": ed.leaves[j].name,
             "area": ed.areas[ed.leaves[j].area].code, "max": ed.leaves[j].max,
             "points": float(s.leaf_appr[i, j]), "lost": float(w.lost[i, j]),
             "status": "missing" if state[j] == MISSING else "na" if state[j] == NA else "",
             "group_median": num_or_none(w.leaf_median[i, j]),
             "below_group_median": bool(w.leaf_share[i, j] < w.leaf_median[i, j] - _TOL)}
            for j in order]
    areas_below = [{"area": a.code, "name": a.name, "index": float(s.area_index[i, k]),
                    "group_median": float(w.area_median[i, k])}
                   for k, a in enumerate(ed.areas)
                   if s.area_index[i, k] < w.area_median[i, k] - _TOL]
    leaves_below = [{"criterion": ed.leaves[j].code, "name": ed.leaves[j].name,
                     "percent": float(w.leaf_share[i, j]),
                     "group_median": float(w.leaf_median[i, j])}
                    for j in range(len(ed.leaves))
                    if w.leaf_share[i, j] < w.leaf_median[i, j] - _TOL]
    below_band = [{"area": a.code, "name": a.name, "index": float(s.area_index[i, k])}
                  for k, a in enumerate(ed.areas)
                  if s.area_index[i, k] < w.band_min[i] - _TOL]
    r = run.unit_result(i) if r is None else r
    return {"code": r["code"], "name": r["name"], "group": r["group"], "index": r["index"],
            "band": r["band"], "band_min": num_or_none(w.band_min[i]), "rank": r["rank"],
            "group_rank": r["group_rank"], "points_lost": float(w.lost[i].sum()),
            "lost": lost,
            "below_group_median": {"areas": areas_below, "criteria": leaves_below},
            "areas_below_band": below_band}


def weak(run: Run, units: list[int] | None = None) -> list[dict[str, Any]]:
    """The report for the given units (default: every unit, by rank)."""
    w = Weakness.of(run)
    rows = [int(i) for i in run.order()] if units is None else units
    return [unit_weakness(run, w, i, r)
            for i, r in zip(rows, run.unit_results(rows), strict=True)]
