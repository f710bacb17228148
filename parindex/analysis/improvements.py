"""Feasible improvements: for every leaf of every unit, the inputs that would score more.

A leaf's rule gives the same points for every unit, so the candidate inputs of a leaf (band
thresholds and one step either side, option and level keys, yes, fewer items, tenths of a
proportional target, quarters of a manual max) are built and scored once per leaf with the
rule's own vectorised function. Each unit then keeps, for every points level above its
current points, the candidate nearest its current input: the smallest change that reaches
that level. Levels are numbered from 1 (the next level up); that number is the step count the
cost model can charge for (docs/WHATIF.md).

What a unit can act on (:class:`Levers`): a leaf with a value, and a missing leaf, can be
improved. A not-applicable leaf is a fact about the unit, not a lever, so it is offered only
with ``allow_na`` (a ``rebase`` leaf then enters the applicable max, recorded as
``added_max``; ``full`` leaves already score their max). Survey leaves are the citizens'
answers, not the unit's doing, so they are offered only with ``include_survey`` — and never
when no survey was run: one survey value would switch the whole bundle from "survey rebased"
to "survey missing". With ``areas`` only the leaves of those areas are offered (a
department's own leaves, ``plan --owner``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from parindex.criteria.compiled import Leaf
from parindex.evidence.parse import leaf_kind
from parindex.evidence.states import MISSING, NA, VALUE
from parindex.scoring.run import Run

_TOL = 1e-9
_MAX_COUNT = 200  # deduction candidates stop here (a count beyond scores the floor anyway)


@dataclass(frozen=True)
class Candidates:
    """A leaf's candidate inputs (numbers as the engine reads them, and as typed) and their
    points; the same for every unit."""

    x: np.ndarray
    text: tuple[str, ...]
    points: np.ndarray


class Step(NamedTuple):
    """One feasible improvement of one leaf for one unit."""

    leaf: int
    to: str  # the input to set (``--set CODE=TO``)
    x: float
    points: float  # the leaf's points after
    gained: float  # points after − points before
    added_max: float  # max entering the applicable max (not applicable → a value), else 0
    level: int  # 1 = the next points level up


def _text(v: float) -> str:
    return f"{round(float(v), 6):.10g}"


def _eps(threshold: float) -> float:
    """One step beside a threshold: 0.1, or finer when the threshold has more decimals."""
    for eps in (0.1, 0.01, 0.001):
        if abs(round(threshold / eps) * eps - threshold) < 1e-9:
            return eps
    return 1e-4


def _numbers(leaf: Leaf, kind: str) -> np.ndarray:
    """Candidate numbers for a numeric leaf (percent, number, count or points)."""
    spec = leaf.args  # the rule's params as plain data (no model to load)
    hi = 100.0 if kind == "percent" else leaf.max if kind == "points" else math.inf
    integer = kind == "count"
    raw: list[float] = [0.0]
    if leaf.rule == "bands":
        ts = [b.threshold for b in spec.bands]
        integer |= kind == "number" and all(float(t).is_integer() for t in ts)
        for t in ts:
            e = 1.0 if integer else _eps(t)
            raw += [t - e, t, t + e]
    elif leaf.rule == "proportional":
        p = spec.proportional
        raw += [p.target * k / 10 for k in range(1, 11)] + [p.floor]
    elif leaf.rule == "deduction":
        d = spec.deduction
        n = min(math.ceil((leaf.max - min(d.floor, leaf.max)) / d.per_item), _MAX_COUNT)
        raw += list(range(n + 2))
        integer = True
    else:  # manual: quarters of the max
        raw += [leaf.max * k / 4 for k in range(1, 5)]
    if math.isfinite(hi):
        raw.append(hi)
    arr = np.array(raw, dtype=float)
    if integer:
        arr = np.concatenate([np.floor(arr), np.ceil(arr)])
    else:  # typed to at most 6 decimals; round up so a threshold stays reached
        arr = np.ceil(np.round(arr * 1e6, 3)) / 1e6
    arr = arr[(arr >= 0) & (arr <= hi)]
    return np.unique(arr)


def leaf_candidates(leaf: Leaf) -> Candidates:
    """Every candidate input of a leaf and its points (scored with the leaf's rule)."""
    kind = leaf_kind(leaf)
    if leaf.keys:
        x = np.arange(len(leaf.keys), dtype=float)
        text: tuple[str, ...] = leaf.keys
    elif kind == "boolean":
        x, text = np.array([0.0, 1.0]), ("không", "có")
    else:
        x = _numbers(leaf, kind)
        text = tuple(_text(v) for v in x)
        x = np.array([float(t) for t in text])  # exactly what the engine will read
    points = leaf.points(x)
    return Candidates(x, text, np.asarray(points, dtype=float))


@dataclass(frozen=True)
class LeafSteps:
    """One leaf's improvements for every unit: ``choice[u, l]`` is the candidate reaching
    points level ``levels[l]``, valid where ``valid[u, l]``."""

    leaf: int
    candidates: Candidates
    levels: np.ndarray
    choice: np.ndarray
    valid: np.ndarray
    gained: np.ndarray
    added_max: np.ndarray  # per unit

    @cached_property
    def lists(self) -> tuple[list[Any], ...]:
        """The arrays as Python lists, for building many units' steps quickly."""
        return (self.valid.tolist(), self.choice.tolist(), self.gained.tolist(),
                self.added_max.tolist(), self.candidates.x.tolist(), self.levels.tolist())


@dataclass(frozen=True)
class Levers:
    """What a plan may change besides the unit's own values (module docstring)."""

    allow_na: bool = False  # give a not-applicable leaf a value
    include_survey: bool = False  # change survey results
    #: only the leaves of these areas (positions): a department's own (``plan --owner``)
    areas: frozenset[int] | None = None


def _leaf_steps(run: Run, leaf: Leaf, rows: np.ndarray, levers: Levers) -> LeafSteps | None:
    j = leaf.index
    s = run.scores
    if leaf.survey and not (levers.include_survey and run.inputs.survey_run):
        return None
    if levers.areas is not None and leaf.area not in levers.areas:
        return None
    cand = leaf_candidates(leaf)
    state = s.state[rows, j]
    na_rebased = (state == NA) & (s.leaf_applicable[rows, j] == 0) & levers.allow_na
    eligible = (state == VALUE) | (state == MISSING) | na_rebased
    if not eligible.any():
        return None
    now = np.where(eligible, s.leaf_appr[rows, j], np.inf)
    levels = np.unique(cand.points)
    worst = cand.x[np.argmin(cand.points)]
    ref = np.where(state == VALUE, run.inputs.x_appr[rows, j], worst)
    dist = np.abs(cand.x[None, :] - ref[:, None])
    choice = np.empty((len(rows), len(levels)), dtype=np.intp)
    for k, level in enumerate(levels):
        choice[:, k] = np.argmin(np.where(cand.points[None, :] == level, dist, np.inf), axis=1)
    valid = levels[None, :] > now[:, None] + _TOL
    gained = levels[None, :] - np.where(eligible, now, 0.0)[:, None]
    added = np.where(na_rebased, leaf.max, 0.0)
    return LeafSteps(j, cand, levels, choice, valid, gained, added)


def all_steps(run: Run, rows: np.ndarray | None = None,
              levers: Levers | None = None) -> list[LeafSteps]:
    """Every leaf's improvements for the units at ``rows`` (default: all), one column at a
    time for all those units at once."""
    rows = np.arange(len(run.units)) if rows is None else np.asarray(rows, dtype=np.intp)
    levers = levers or Levers()
    out = []
    for leaf in run.edition.leaves:
        ls = _leaf_steps(run, leaf, rows, levers)
        if ls is not None and ls.valid.any():
            out.append(ls)
    return out


def unit_steps(table: list[LeafSteps], r: int) -> list[list[Step]]:
    """The improvements of the unit at position ``r`` of ``rows``: one list per improvable
    leaf, ordered from the next level up."""
    out = []
    for ls in table:
        valid = ls.lists[0][r]
        if not any(valid):
            continue
        choice, gained, added = ls.lists[1][r], ls.lists[2][r], ls.lists[3][r]
        text, x, levels = ls.candidates.text, ls.lists[4], ls.lists[5]
        steps, n = [], 0
        for k, ok in enumerate(valid):
            if ok:
                n += 1
                c = choice[k]
                steps.append(Step(ls.leaf, text[c], x[c], levels[k], gained[k], added, n))
        out.append(steps)
    return out


def steps_for(run: Run, unit: int, levers: Levers | None = None) -> list[list[Step]]:
    """The improvements of one unit."""
    return unit_steps(all_steps(run, np.array([unit]), levers), 0)
