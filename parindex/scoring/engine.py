"""The engine: inputs → leaf points → aggregates → index, band, rank (CONTRACT §3).

Everything is an array over units. Leaf points are computed one leaf column at a time for
all units (the rule functions are vectorised); aggregation sums each area's run of leaf
columns; bands and ranks are array operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from parindex.criteria.compiled import CompiledEdition
from parindex.evidence.inputs import Inputs
from parindex.evidence.states import MISSING, NA, VALUE
from parindex.scoring.rank import assign_bands, rank

DECIMALS = 6  # indexes equal to this many decimals are tied


@dataclass(frozen=True)
class Scores:
    """Every stage of one scoring, per unit (rows) and leaf or area (columns)."""

    leaf_self: np.ndarray
    leaf_appr: np.ndarray
    leaf_applicable: np.ndarray  # each leaf's max, or 0 where rebased as not applicable
    state: np.ndarray  # effective appraised state (survey rebased when no survey was run)
    self_points: np.ndarray
    appraised_points: np.ndarray
    survey_points: np.ndarray
    bonus: np.ndarray
    penalty: np.ndarray
    total: np.ndarray
    applicable_max: np.ndarray
    index: np.ndarray
    area_points: np.ndarray
    area_max: np.ndarray
    area_index: np.ndarray
    band: np.ndarray  # position in the edition's bands, -1 when none
    rank: np.ndarray
    group_rank: np.ndarray


def points(appraised: Any, survey: Any, bonus: Any, penalty: Any) -> Any:
    """A unit's points before the clip: appraised + survey + bonus − penalty (broadcasts)."""
    return appraised + survey + bonus - penalty


def totals(appraised: Any, survey: Any, bonus: Any, penalty: Any,
           applicable_max: Any) -> tuple[Any, Any]:
    """Total and index % (CONTRACT §3), the one place this arithmetic is written.

    The total is the points (:func:`points`) clipped to 0…``applicable_max``; the index is
    the total over ``applicable_max`` × 100, NaN where nothing is applicable. Arguments
    broadcast, so the engine passes a column per unit, the uncertainty draws × units, and the
    planner one unit's numbers (numbers in, numpy numbers out).

    >>> [float(v) for v in totals(60.0, 25.0, 2.0, 1.0, 80.0)]
    [80.0, 100.0]
    >>> [float(v) for v in totals(30.0, 10.0, 0.0, 0.0, 0.0)]
    [0.0, nan]
    """
    total = np.clip(points(appraised, survey, bonus, penalty), 0.0, applicable_max)
    with np.errstate(divide="ignore", invalid="ignore"):
        index = np.where(applicable_max > 0, total / applicable_max * 100.0, np.nan)
    return total, index


def leaf_points(edition: CompiledEdition, x: np.ndarray, state: np.ndarray) -> np.ndarray:
    """Points per unit and leaf from numbers and states (missing → 0, NA → full or 0).

    Cells without a value are set to 0 once, so each rule runs on a whole leaf column
    without masking (the columns in column order, so each is contiguous), and the rules'
    points are put where there is a value once after. The result has ``state``'s layout.
    """
    has = state == VALUE
    xs = np.asfortranarray(np.where(has, x, 0.0))
    pts = np.empty_like(xs)
    for leaf in edition.leaves:
        j = leaf.index
        pts[:, j] = leaf.points(xs[:, j])
    out = np.where((state == NA) & edition.na_full[None, :], edition.leaf_max[None, :], 0.0)
    np.copyto(out, pts, where=has)
    return out


def effective_states(inputs: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """Declared and appraised states, with survey leaves rebased when no survey was run."""
    st_self, st_appr = inputs.st_self, inputs.st_appr
    if inputs.edition.survey.any() and not inputs.survey_run:
        cols = inputs.edition.survey
        st_self, st_appr = st_self.copy(order="K"), st_appr.copy(order="K")
        st_self[:, cols] = NA
        st_appr[:, cols] = NA
    return st_self, st_appr


def _row_sums(per_leaf: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Per row, the sum of the columns ``cols``, added column by column in edition order
    (as ``area_sums``): a unit's points do not depend on how many units are scored with it
    (numpy's ``sum(axis=1)`` adds one row pairwise but many rows in order, so a unit scored
    alone could differ in the last bits from the same unit scored with its district)."""
    out = np.zeros(per_leaf.shape[0])
    for j in np.flatnonzero(cols).tolist():
        out += per_leaf[:, j]
    return out


def score(inputs: Inputs) -> Scores:
    """Score every unit of a bundle at once."""
    ed = inputs.edition
    st_self, st_appr = effective_states(inputs)
    pts_self = leaf_points(ed, inputs.x_self, st_self)
    pts_appr = leaf_points(ed, inputs.x_appr, st_appr)
    rebased = (st_appr == NA) & ~ed.na_full[None, :]
    if ed.survey.any() and not inputs.survey_run:  # no survey: its block is rebased away
        survey_forced = ed.survey[None, :] & (st_appr == NA)
        pts_self = np.where(survey_forced, 0.0, pts_self)
        pts_appr = np.where(survey_forced, 0.0, pts_appr)
        rebased |= survey_forced
    applicable = np.where(rebased, 0.0, ed.leaf_max[None, :])

    evidence_cols = ~ed.survey
    self_points = _row_sums(pts_self, evidence_cols)
    appraised_points = _row_sums(pts_appr, evidence_cols)
    survey_points = _row_sums(pts_appr, ed.survey)
    bonus = np.minimum(inputs.bonus, ed.bonus_max)
    penalty = np.minimum(inputs.penalty, ed.penalty_max)
    applicable_max = _row_sums(applicable, np.ones(applicable.shape[1], dtype=bool))
    total, index = totals(appraised_points, survey_points, bonus, penalty, applicable_max)
    with np.errstate(divide="ignore", invalid="ignore"):
        area_points = ed.area_sums(pts_appr)
        area_max = ed.area_sums(applicable)
        area_index = np.where(area_max > 0, area_points / area_max * 100.0, np.nan)

    key = np.round(index, DECIMALS)
    ranked_key = np.where(inputs.ranked, key, np.nan)  # units left out of the ranks: no rank
    groups = inputs.group_codes
    ties = ed.ties
    return Scores(
        leaf_self=pts_self, leaf_appr=pts_appr, leaf_applicable=applicable, state=st_appr,
        self_points=self_points, appraised_points=appraised_points,
        survey_points=survey_points, bonus=bonus, penalty=penalty, total=total,
        applicable_max=applicable_max, index=index, area_points=area_points,
        area_max=area_max, area_index=area_index,
        band=assign_bands(key, ed.band_mins()),
        rank=rank(ranked_key, None, ties), group_rank=rank(ranked_key, groups, ties),
    )


__all__ = ["MISSING", "Scores", "effective_states", "leaf_points", "points", "score", "totals"]
