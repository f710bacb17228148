"""The way to the next band, for the report's scorecards ("where to gain").

The scorecard's chart already shows where a unit loses most; this adds what a commune
official asks next: the fewest criterion changes that lift the unit into the band above its
own, as ``parindex plan UNIT --target BAND`` finds them (every change costs 1). A unit in
the top band has no next band; a unit below every band aims at the lowest. When no set of
changes reaches the band (the survey block and bonus are outside a unit's evidence), the
plan that comes closest is given and marked unreachable.

Plans are found for all units of a target band at once (:func:`plan_all_chosen`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from parindex.analysis.improvements import Step
from parindex.analysis.knapsack import Solution
from parindex.analysis.plan import Target, plan_all_chosen
from parindex.scoring.run import Run, input_text


@dataclass(frozen=True)
class Move:
    criterion: str
    name: str
    before: str  # the appraised input now ("" when missing)
    after: str  # the input to reach (``--set CODE=AFTER``)
    gained: float


@dataclass(frozen=True)
class Advice:
    """One unit's plan to the next band."""

    target: str | None  # the next band up; None in the top band or without an index
    target_min: float
    reachable: bool
    moves: tuple[Move, ...]
    index_after: float  # NaN without a target


def next_band(run: Run, i: int) -> int | None:
    """Position of the band above the unit's own (the lowest when it has none)."""
    if math.isnan(run.scores.index[i]) or not run.edition.bands:
        return None
    own = int(run.scores.band[i])
    if own == 0:
        return None
    return len(run.edition.bands) - 1 if own < 0 else own - 1


def advice(run: Run) -> list[Advice]:
    """Every unit's advice, in unit order."""
    ed = run.edition
    targets = [next_band(run, i) for i in range(len(run.units))]
    plans: dict[int, tuple[list[Step], Solution]] = {}
    for b in sorted({t for t in targets if t is not None}):
        name, low = ed.bands[b]
        rows = np.array([i for i, t in enumerate(targets) if t == b])
        found = plan_all_chosen(run, Target("band", float(low), name), rows)
        plans.update(zip(rows.tolist(), found, strict=True))
    out = []
    for i, t in enumerate(targets):
        if t is None:
            out.append(Advice(None, math.nan, False, (), math.nan))
            continue
        chosen, solution = plans[i]
        moves = tuple(Move(ed.leaves[s.leaf].code, ed.leaves[s.leaf].name,
                           input_text(run, i, s.leaf, "appr"), s.to, s.gained)
                      for s in sorted(chosen, key=lambda s: s.leaf))
        out.append(Advice(ed.bands[t][0], float(ed.bands[t][1]),
                          solution.reachable, moves, float(solution.index)))
    return out
