"""The score rules' arithmetic: one pure, vectorised function per rule kind, over every
unit's number at once (:mod:`parindex.criteria.rules` registers them with their params
models and words).

No pydantic here: the engine scores a cached compiled edition
(:mod:`parindex.criteria.compiled`) without loading the models. A function reads its
params by attribute, from the rule's params model or from the plain copy a compiled
edition keeps (:func:`plain_args`), which has the same attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def manual(x: FloatArray, max_: float, _spec: Any) -> FloatArray:
    """The number is the points.

    >>> manual(np.array([0.0, 1.5]), 2.0, "manual").tolist()
    [0.0, 1.5]
    """
    return np.clip(x, 0.0, max_)


def boolean(x: FloatArray, max_: float, _spec: Any) -> FloatArray:
    """Yes → max, no → 0.

    >>> boolean(np.array([1.0, 0.0]), 2.0, "boolean").tolist()
    [2.0, 0.0]
    """
    return np.where(x > 0.5, max_, 0.0)


def options(x: FloatArray, max_: float, spec: Any) -> FloatArray:
    """The chosen key's points; ``x`` is the key's position in ``spec.options``.

    >>> from parindex.criteria.rules import OptionsScore
    >>> spec = OptionsScore(options={"dung_han": 1, "tre_han": 0.5, "khong": 0})
    >>> options(np.array([0.0, 1.0, 2.0]), 1.0, spec).tolist()
    [1.0, 0.5, 0.0]
    """
    table = np.fromiter(spec.points.values(), dtype=float)
    points: FloatArray = np.minimum(table[x.astype(np.intp)], max_)
    return points


def levels(x: FloatArray, max_: float, spec: Any) -> FloatArray:
    """The chosen level's fraction of max; ``x`` is the level's position.

    >>> from parindex.criteria.rules import LevelsScore
    >>> spec = LevelsScore(levels={"xuat_sac": 1.0, "tot": 0.75, "hoan_thanh": 0.5})
    >>> levels(np.array([1.0, 2.0]), 2.0, spec).tolist()
    [1.5, 1.0]
    """
    table = np.fromiter(spec.levels.values(), dtype=float)
    return table[x.astype(np.intp)] * max_


def bands(x: FloatArray, max_: float, spec: Any) -> FloatArray:
    """First band that holds gives its points (``min``: x ≥ X, ``above``: x > X).

    >>> from parindex.criteria.rules import BandsScore
    >>> spec = BandsScore(bands=[{"above": 90, "points": 2}, {"min": 70, "points": 1}])
    >>> bands(np.array([95.0, 90.0, 70.0, 69.9]), 2.0, spec).tolist()
    [2.0, 1.0, 1.0, 0.0]
    """
    out = np.zeros_like(x)
    for band in reversed(spec.bands):  # an earlier band that holds overrides a later one
        holds = (x > band.above) if band.above is not None else (x >= band.threshold)
        out = np.where(holds, min(band.points, max_), out)
    return out


def proportional(x: FloatArray, max_: float, spec: Any) -> FloatArray:
    """max × min(x / target, 1); 0 below floor.

    >>> from parindex.criteria.rules import ProportionalScore
    >>> spec = ProportionalScore(proportional={"target": 80, "floor": 50})
    >>> proportional(np.array([40.0, 60.0, 90.0]), 10.0, spec).tolist()
    [0.0, 7.5, 10.0]
    """
    p = spec.proportional
    pts = max_ * np.minimum(np.maximum(x, 0.0) / p.target, 1.0)
    return np.where(x < p.floor, 0.0, pts)


def deduction(x: FloatArray, max_: float, spec: Any) -> FloatArray:
    """max − per_item × count, not below floor.

    >>> from parindex.criteria.rules import DeductionScore
    >>> spec = DeductionScore(deduction={"per_item": 0.25})
    >>> deduction(np.array([0.0, 2.0, 10.0]), 1.0, spec).tolist()
    [1.0, 0.5, 0.0]
    """
    d = spec.deduction
    points: FloatArray = np.clip(max_ - d.per_item * x, min(d.floor, max_), max_)
    return points


#: rule kind → its function
MATH: dict[str, Callable[[FloatArray, float, Any], FloatArray]] = {
    "manual": manual, "boolean": boolean, "options": options, "levels": levels,
    "bands": bands, "proportional": proportional, "deduction": deduction,
}


def plain_args(rule: str, spec: Any) -> Any:
    """The attributes of a rule's params that its function reads, as plain data (picklable
    without pydantic); ``manual`` and ``boolean`` have none (the kind's name stands).

    >>> from parindex.criteria.rules import parse_score
    >>> plain_args("bands", parse_score({"bands": [{"above": 90, "points": 2}]})).bands[0]
    namespace(min=None, above=90.0, points=2.0, threshold=90.0)
    """
    ns = SimpleNamespace
    if rule == "options":
        return ns(points=dict(spec.points))
    if rule == "levels":
        return ns(levels=dict(spec.levels))
    if rule == "bands":
        return ns(bands=[ns(min=b.min, above=b.above, points=b.points, threshold=b.threshold)
                         for b in spec.bands])
    if rule == "proportional":
        p = spec.proportional
        return ns(proportional=ns(target=p.target, floor=p.floor))
    if rule == "deduction":
        d = spec.deduction
        return ns(deduction=ns(per_item=d.per_item, floor=d.floor))
    return spec
