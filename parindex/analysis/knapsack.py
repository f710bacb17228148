"""The cheapest set of leaf improvements that reaches a goal: an exact multiple-choice knapsack.

Each leaf offers a few mutually exclusive options (its improvement levels), each with points
gained, a cost and, for a not-applicable leaf given a value, max points added to the
applicable max. The goal is an index (``index ≥ τ``, τ from a band or a rank) or a total
(``total ≥ X``), where::

    total = clip(base + Σ gained, 0, applicable + Σ added),   index = total / (applicable + Σ added)

For an index goal, ``total / M' ≥ τ`` is ``base + Σ gained ≥ τ·(applicable + Σ added)``, i.e.
``Σ (gained − τ·added) ≥ τ·applicable − base``: every option gets one additive value and the
problem is a knapsack over costs. A total goal ``X`` adds ``applicable + Σ added ≥ X``, which
holds by itself when ``X ≤ applicable``; otherwise options are also keyed by the max they
add. Costs are counted in hundredths and divided by their common divisor, and a dynamic
programme over cost gives, for every budget, the most value; the least budget whose value
reaches the goal is the optimum (among those, the most value). The chosen options are then
lowered, leaf by leaf, to the lowest level that still reaches the goal, so a plan asks no
more than it needs. An unreachable goal is replaced by the best reachable one (the highest
index, found by Dinkelbach's ratio iteration, or the highest total), reached as cheaply as
possible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np

from parindex.scoring.engine import DECIMALS

_TOL = 1e-9
_HALF = 0.5 * 10.0 ** -DECIMALS  # an index this far below τ rounds up to τ


class Option(NamedTuple):
    """One improvement level of one leaf."""

    gained: float
    cost: float
    added: float = 0.0  # the same for every option of a leaf


@dataclass(frozen=True)
class Goal:
    """``index ≥ value`` (an index in %, compared at the tie precision) or ``total ≥ value``."""

    kind: Literal["index", "points"]
    value: float


@dataclass(frozen=True)
class Solution:
    picks: tuple[tuple[int, int], ...]  # (leaf position, option position), leaf order
    reachable: bool
    cost: float
    gained: float
    added: float
    total: float
    index: float  # NaN when nothing is applicable


def outcome(base: float, applicable: float, gained: float, added: float) -> tuple[float, float]:
    """Total and index after improvements, as the engine's :func:`totals` gives them: ``base``
    is the unit's points before the clip (appraised, survey, bonus and penalty already added
    up), ``gained`` adds to them and ``added`` to the applicable max.

    The same operations on Python floats (the solver asks this thousands of times per unit,
    and numpy's call overhead on one number is most of the cost); tests check it against
    :func:`totals`."""
    top = applicable + added
    total = min(max(base + gained, 0.0), top)
    return total, total / top * 100.0 if top > 0 else math.nan


def met(goal: Goal, total: float, index: float) -> bool:
    if goal.kind == "points":
        return total >= goal.value - _TOL
    return not math.isnan(index) and round(index, DECIMALS) >= goal.value


def _int_costs(leaves: Sequence[Sequence[Option]]) -> list[list[int]]:
    cents = [[round(o.cost * 100) for o in opts] for opts in leaves]
    g = 0
    for row in cents:
        for c in row:
            g = math.gcd(g, c)
    return [[c // (g or 1) for c in row] for row in cents]


def _useful(vals: list[float], costs: list[int], key: float) -> list[int]:
    """Options not dominated by another of the same leaf (costing no more, worth no less)."""
    order = sorted(range(len(vals)), key=lambda k: (costs[k], -vals[k], -k))
    keep, top = [], -math.inf
    for k in order:
        if vals[k] > top + 1e-12 and (vals[k] > 1e-12 or key != 0.0):
            keep.append(k)
            top = vals[k]
    return keep


def _dp(values: list[list[float]], costs: list[list[int]],
        keys: list[float]) -> tuple[dict[float, np.ndarray], list[dict[float, np.ndarray]]]:
    """best[key][c] = the most value with cost ≤ c and Σ added = key; with the choices made."""
    size = sum(max(row, default=0) for row in costs) + 1
    best = {0.0: np.zeros(size)}
    trail: list[dict[float, np.ndarray]] = []
    for vals, cs, key in zip(values, costs, keys, strict=True):
        useful = _useful(vals, cs, key)
        new = {k: v.copy() for k, v in best.items()}
        choice = {k: np.full(size, -1, dtype=np.int16) for k in new}
        for k, v in best.items():
            if not useful:
                break
            k2 = round(k + key, 6)
            if k2 not in new:
                new[k2] = np.full(size, -np.inf)
                choice[k2] = np.full(size, -1, dtype=np.int16)
            target, ch = new[k2], choice[k2]
            for pos in useful:
                c = cs[pos]
                cand = v[:size - c] + vals[pos]
                better = cand > target[c:] + 1e-12
                target[c:][better] = cand[better]
                ch[c:][better] = pos
        trail.append(choice)
        best = new
    return best, trail


def _trace(trail: list[dict[float, np.ndarray]], costs: list[list[int]], keys: list[float],
           key: float, c: int) -> dict[int, int]:
    picks: dict[int, int] = {}
    for pos in range(len(trail) - 1, -1, -1):
        k = int(trail[pos][key][c])
        if k >= 0:
            picks[pos] = k
            c -= costs[pos][k]
            key = round(key - keys[pos], 6)
    return picks


def _max_ratio(leaves: Sequence[Sequence[Option]], base: float, applicable: float) -> float:
    """The highest index reachable (Dinkelbach: maximise Σ(g − λ·a) per leaf, update λ)."""
    lam = base / applicable if applicable > 0 else 0.0
    for _ in range(100):
        g = a = 0.0
        for opts in leaves:
            vals = [o.gained - lam * o.added for o in opts]
            k = int(np.argmax(vals)) if vals else -1
            if k >= 0 and vals[k] > 1e-12:
                g, a = g + opts[k].gained, a + opts[k].added
        _, index = outcome(base, applicable, g, a)
        r = index / 100.0 if not math.isnan(index) else 0.0
        if r <= lam + 1e-15:
            break
        lam = r
    return min(lam, 1.0) * 100.0


def _best_total(leaves: Sequence[Sequence[Option]], base: float, applicable: float) -> float:
    """The highest total reachable (every leaf at its top level; a capped leaf only helps
    through the max it adds, which every level adds alike)."""
    g = sum(max(o.gained for o in opts) for opts in leaves if opts)
    a = sum(opts[0].added for opts in leaves if opts)
    return outcome(base, applicable, g, a)[0]


def _search(leaves: Sequence[Sequence[Option]], base: float, applicable: float,
            goal: Goal) -> dict[int, int] | None:
    """Leaf position → option position of a cheapest set reaching ``goal``; None if none."""
    if goal.kind == "index":
        tau = index_tau(goal)
        values = [[o.gained - tau * o.added for o in opts] for opts in leaves]
        keys = [0.0] * len(leaves)
        need = tau * applicable - base
    else:
        values = [[o.gained for o in opts] for opts in leaves]
        keys = [opts[0].added if opts and goal.value > applicable else 0.0 for opts in leaves]
        need = goal.value - base
    same = {o.cost for opts in leaves for o in opts}  # one finite cost: one integer cost
    if not any(keys) and len(same) <= 1 and all(math.isfinite(c) for c in same):
        return _greedy(values, need)
    costs = _int_costs(leaves)
    if not any(keys) and len({c for row in costs for c in row}) <= 1:
        return _greedy(values, need)
    best, trail = _dp(values, costs, keys)
    found: tuple[int, float, float] | None = None  # cost, -value, key
    for key, vals in best.items():
        ok = vals >= need - _TOL
        if goal.kind == "points":
            ok &= applicable + key >= goal.value - _TOL
        if goal.kind == "index" and goal.value > 0:
            ok &= applicable + key > 0
        hits = np.flatnonzero(ok)
        if len(hits):
            cand = (int(hits[0]), -float(vals[hits[0]]), key)
            found = cand if found is None or cand < found else found
    if found is None:
        return None
    return _trace(trail, costs, keys, found[2], found[0])


def _greedy(values: list[list[float]], need: float) -> dict[int, int] | None:
    """Every option costs the same: the fewest leaves reaching ``need`` are those with the
    most value, each at its most valuable option (exact; ties to the most value)."""
    tops = [(max(vals), pos, vals.index(max(vals)))
            for pos, vals in enumerate(values) if vals and max(vals) > 1e-12]
    return _take(tops, need)


def _take(tops: list[tuple[float, int, int]], need: float) -> dict[int, int] | None:
    """The greedy picks from each leaf's most valuable option ``(value, leaf position,
    option position)``: most value first (ties: leaf order) until ``need`` is reached."""
    picks: dict[int, int] = {}
    total = 0.0
    for val, pos, k in sorted(tops, key=lambda t: (-t[0], t[1])):
        if total >= need - _TOL:
            break
        picks[pos] = k
        total += val
    return picks if total >= need - _TOL else None


def _trim(picks: dict[int, int], leaves: Sequence[Sequence[Option]], base: float,
          applicable: float, goal: Goal) -> dict[int, int]:
    """Lower each chosen leaf to the lowest level (or none) that still reaches the goal."""
    picks = dict(picks)
    g, a = _sums(picks, leaves)
    for pos in sorted(picks):
        now = leaves[pos][picks[pos]]
        for lower in range(-1, picks[pos]):
            opt = leaves[pos][lower] if lower >= 0 else Option(0.0, 0.0, 0.0)
            g2, a2 = g - now.gained + opt.gained, a - now.added + opt.added
            if opt.cost <= now.cost + _TOL and met(goal, *outcome(base, applicable, g2, a2)):
                picks[pos], g, a = lower, g2, a2
                break
    return {p: k for p, k in picks.items() if k >= 0}


def _sums(picks: dict[int, int], leaves: Sequence[Sequence[Option]]) -> tuple[float, float]:
    g = sum(leaves[p][k].gained for p, k in picks.items() if k >= 0)
    a = sum(leaves[p][k].added for p, k in picks.items() if k >= 0)
    return g, a


def solve(leaves: Sequence[Sequence[Option]], base: float, applicable: float,
          goal: Goal) -> Solution:
    """The cheapest choice of at most one option per leaf that reaches ``goal`` (or, when
    no choice does, the cheapest reaching the best reachable index or total)."""
    if met(goal, *outcome(base, applicable, 0.0, 0.0)):
        total, index = outcome(base, applicable, 0.0, 0.0)
        return Solution((), True, 0.0, 0.0, 0.0, total, index)
    reachable = True
    picks = _search(leaves, base, applicable, goal)
    if picks is None or not met(goal, *outcome(base, applicable, *_sums(picks, leaves))):
        reachable = False
        if goal.kind == "index":
            best = round(_max_ratio(leaves, base, applicable), DECIMALS)
        else:
            best = _best_total(leaves, base, applicable)
        goal = Goal(goal.kind, best)
        picks = _search(leaves, base, applicable, goal) or {}
    return _solution(_trim(picks, leaves, base, applicable, goal), leaves, base, applicable,
                     reachable)


def _solution(picks: dict[int, int], leaves: Sequence[Sequence[Option]], base: float,
              applicable: float, reachable: bool) -> Solution:
    g, a = _sums(picks, leaves)
    total, index = outcome(base, applicable, g, a)
    cost = sum(leaves[p][k].cost for p, k in picks.items())
    return Solution(tuple(sorted(picks.items())), reachable, cost, g, a, total, index)


def index_tau(goal: Goal) -> float:
    """The index an index goal asks for, as a fraction, less half the tie precision."""
    return max(goal.value - _HALF, 0.0) / 100.0


def solve_greedy(tops: list[tuple[float, int, int]], leaves: Sequence[Sequence[Option]],
                 base: float, applicable: float, goal: Goal) -> Solution | None:
    """:func:`solve` for an index goal when every option costs the same, from each leaf's
    most valuable option (``(gained − τ·added, leaf position, option position)`` with τ
    from :func:`index_tau`, only values above 1e-12): the same solution, reading
    ``leaves`` only at the leaves it picks. None when the goal is out of reach (then
    :func:`solve` finds the closest plan)."""
    if met(goal, *outcome(base, applicable, 0.0, 0.0)):
        total, index = outcome(base, applicable, 0.0, 0.0)
        return Solution((), True, 0.0, 0.0, 0.0, total, index)
    picks = _take(tops, index_tau(goal) * applicable - base)
    if picks is None or not met(goal, *outcome(base, applicable, *_sums(picks, leaves))):
        return None
    return _solution(_trim(picks, leaves, base, applicable, goal), leaves, base, applicable,
                     True)
