"""`parindex plan`: the cheapest set of criterion improvements that reaches a target.

A target is a band name (``Tốt``: that band or better), ``rank:N`` (overall rank N or
better), ``group:N`` (rank within the unit's group) or ``points:X`` (a total of at least X).
A rank target becomes an index threshold: the index of the N-th best other unit (the N-th
best distinct index with ``ties: dense``), which the unit must equal to share that rank.

Each leaf's feasible improvements come from :mod:`parindex.analysis.improvements`; their cost
is the effort of the criterion (1 per change unless a costs file says otherwise) plus
``per_step`` for every level beyond the first; :mod:`parindex.analysis.knapsack` picks the
cheapest set. The plan's ``after`` is the run re-scored with the plan's changes, exactly as
``parindex whatif --set CODE=TO ...`` would.

Longer than 300 lines because :func:`plan_all` and the report's lean plans
(:func:`plan_all_chosen`, the same plans without every unit's full list of improvements)
share the solver's inputs and must choose alike, so they are read together.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from parindex.analysis.costs import Costs
from parindex.analysis.improvements import LeafSteps, Levers, Step, all_steps, unit_steps
from parindex.analysis.knapsack import Goal, Option, Solution, index_tau, solve, solve_greedy
from parindex.criteria.compiled import CompiledEdition
from parindex.errors import EvidenceError, Problem, ValueRefused, quote
from parindex.scoring.engine import DECIMALS, points
from parindex.scoring.run import Change, Run, input_text

TargetKind = Literal["band", "rank", "group", "points"]


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    value: float  # band min, rank N, or points X
    label: str


def parse_target(text: str, edition: CompiledEdition) -> Target:
    """``Tốt`` | ``N`` (= ``rank:N``) | ``rank:N`` | ``group:N`` | ``points:X``; raises
    ValueError saying what fits."""
    raw = unicodedata.normalize("NFC", text).strip()
    if raw.isdigit() and int(raw) >= 1:  # BAND_OR_RANK (CONTRACT §4): a bare N is rank:N
        return Target("rank", float(int(raw)), f"rank:{int(raw)}")
    head, _, tail = raw.partition(":")
    kind = head.strip().lower()
    if tail and kind in ("rank", "group"):
        if tail.strip().isdigit() and int(tail) >= 1:
            return Target(kind, float(int(tail)), raw)  # type: ignore[arg-type]
        raise ValueRefused("value.target_whole", kind=kind, value=quote(tail))
    if tail and kind == "points":
        try:
            points = float(tail.strip().replace(",", "."))
        except ValueError:
            points = math.nan
        if not math.isfinite(points):
            raise ValueRefused("value.target_points", value=quote(tail))
        return Target("points", points, raw)
    for name, low in edition.bands:
        if unicodedata.normalize("NFC", name).casefold() == raw.casefold():
            return Target("band", float(low), name)
    names = ", ".join(name for name, _ in edition.bands)
    raise ValueRefused("value.target", value=quote(text), bands=names)


def goals_for(run: Run, rows: np.ndarray, target: Target) -> list[Goal]:
    """The index or total each unit must reach, other units' indexes held fixed."""
    if target.kind == "points":
        return [Goal("points", target.value)] * len(rows)
    if target.kind == "band":
        return [Goal("index", target.value)] * len(rows)
    s, n = run.scores, int(target.value)
    ranked = run.inputs.ranked
    left_out = [str(run.units["code"].iloc[i]) for i in rows if not ranked[i]]
    if left_out:
        raise EvidenceError([Problem.of("plan.not_ranked", "units", field="ranked", value=code,
                                        quoted=quote(code)) for code in left_out])
    keys = np.where(ranked, np.round(s.index, DECIMALS), np.nan)  # only ranked units count
    groups = run.units["group"].to_numpy() if target.kind == "group" else \
        np.zeros(len(keys), dtype=int)
    current = s.rank if target.kind == "rank" else s.group_rank
    unique = run.edition.ties == "dense"
    nth: dict[Any, float] = {}  # per group: the N-th best index (distinct with dense ties)
    for g in set(groups[rows].tolist()):
        pool = keys[(groups == g) & ~np.isnan(keys)]
        ordered = np.unique(pool)[::-1] if unique else np.sort(pool)[::-1]
        nth[g] = float(ordered[n - 1]) if len(ordered) >= n else -math.inf
    # a unit already at rank N or better needs nothing (NaN ranks compare False)
    return [Goal("index", -math.inf if current[i] <= n else nth[groups[i]]) for i in rows]


@dataclass(frozen=True)
class PlanResult:
    """A plan for one unit: its improvements, the chosen ones, and the solver's outcome."""

    unit: int
    target: Target
    goal: Goal
    steps: list[list[Step]]  # feasible improvements, per improvable leaf
    chosen: list[Step]
    costs: list[float]  # of each chosen step
    solution: Solution

    def changes(self, run: Run) -> list[Change]:
        code = run.units["code"].iloc[self.unit]
        return [Change(code, run.edition.leaves[s.leaf].code, s.to) for s in self.chosen]


def _base(run: Run, i: int) -> tuple[float, float]:
    s = run.scores
    raw = points(s.appraised_points[i], s.survey_points[i], s.bonus[i], s.penalty[i])
    return float(raw), float(s.applicable_max[i])


def _solve_unit(run: Run, unit: int, steps: list[list[Step]], goal: Goal, target: Target,
                costs: Costs) -> PlanResult:
    cost, per_step = costs.lists
    usable = [leaf for leaf in steps if not math.isnan(cost[leaf[0].leaf])]
    options = [[Option(st.gained, cost[st.leaf] + per_step[st.leaf] * (st.level - 1),
                       st.added_max) for st in leaf]
               for leaf in usable]  # Costs.option_cost, inlined: thousands per unit
    solution = solve(options, *_base(run, unit), goal)
    chosen = [usable[p][k] for p, k in solution.picks]
    return PlanResult(unit, target, goal, steps, chosen,
                      [options[p][k].cost for p, k in solution.picks], solution)


def plan_all(run: Run, target: Target, costs: Costs | None = None,
             rows: np.ndarray | None = None, levers: Levers | None = None) -> list[PlanResult]:
    """Plans for many units (default: every unit), improvements found for all at once;
    ``levers`` says whether not-applicable and survey leaves may change (default: no)."""
    costs = costs or Costs.unit(run.edition)
    rows = np.arange(len(run.units)) if rows is None else np.asarray(rows, dtype=np.intp)
    table = all_steps(run, rows, levers)
    goals = goals_for(run, rows, target)
    return [_solve_unit(run, int(i), unit_steps(table, r), goals[r], target, costs)
            for r, i in enumerate(rows)]


class _UnitOptions(Sequence[list[Option]]):
    """One unit's options per usable leaf (``usable``: positions in ``table``), each leaf's
    made when the solver first reads it."""

    def __init__(self, table: list[LeafSteps], usable: list[int], r: int, costs: Costs):
        self.table, self.usable, self.r, self.costs = table, usable, r, costs
        self.made: dict[int, list[Option]] = {}
        self.valid: dict[int, list[int]] = {}

    def __len__(self) -> int:
        return len(self.usable)

    def levels(self, pos: int) -> list[int]:
        """The valid level positions of the leaf at ``pos``, lowest first."""
        found = self.valid.get(pos)
        if found is None:
            found = self.valid[pos] = np.flatnonzero(
                self.table[self.usable[pos]].valid[self.r]).tolist()
        return found

    def __getitem__(self, pos: int) -> list[Option]:  # type: ignore[override]
        made = self.made.get(pos)
        if made is None:
            ls, (cost, per_step) = self.table[self.usable[pos]], self.costs.lists
            gained, added = ls.gained[self.r].tolist(), float(ls.added_max[self.r])
            made = self.made[pos] = [
                Option(gained[k], cost[ls.leaf] + per_step[ls.leaf] * n, added)
                for n, k in enumerate(self.levels(pos))]
        return made

    def step(self, pos: int, k: int) -> Step:
        """The ``k``-th option of the leaf at ``pos`` as the improvement it stands for."""
        ls = self.table[self.usable[pos]]
        level = self.levels(pos)[k]
        c = int(ls.choice[self.r, level])
        return Step(ls.leaf, ls.candidates.text[c], float(ls.candidates.x[c]),
                    float(ls.levels[level]), float(ls.gained[self.r, level]),
                    float(ls.added_max[self.r]), k + 1)


def plan_all_chosen(run: Run, target: Target, rows: np.ndarray,
                    costs: Costs | None = None) -> list[tuple[list[Step], Solution]]:
    """The chosen improvements and the solver's outcome of :func:`plan_all`'s plans, without
    each unit's full list of improvements (what the report's advice shows). When every
    change costs the same and the target is an index, the solver's greedy choice is made
    from each leaf's most valuable option, found for all units at once; otherwise (and for a
    unit whose target is out of reach) a unit's plan is found by :func:`plan_all`'s path."""
    costs = costs or Costs.unit(run.edition)
    rows = np.asarray(rows, dtype=np.intp)
    table = all_steps(run, rows)
    goals = goals_for(run, rows, target)
    cost, per_step = costs.lists
    ok = [not math.isnan(cost[ls.leaf]) for ls in table]
    uniform = len({cost[ls.leaf] for ls, o in zip(table, ok, strict=True) if o}) <= 1 \
        and not any(per_step[ls.leaf] for ls in table)
    if not (uniform and target.kind in ("band", "rank", "group")) or not rows.size:
        return [((res := _solve_unit(run, int(i), unit_steps(table, r), goals[r], target,
                                     costs)).chosen, res.solution) for r, i in enumerate(rows)]
    tau = np.array([index_tau(g) for g in goals])
    has, best, level = [], [], []  # units × leaves of the table: usable, top value, its option
    for ls, o in zip(table, ok, strict=True):
        vals = np.where(ls.valid, ls.gained - (tau * ls.added_max)[:, None], -np.inf)
        k = np.argmax(vals, axis=1)
        has.append(ls.valid.any(axis=1) & o)
        best.append(vals[np.arange(len(rows)), k])
        level.append(np.cumsum(ls.valid, axis=1)[np.arange(len(rows)), k] - 1)
    rows_has, rows_best, rows_level = (np.stack(a, axis=1).tolist() if table else
                                       [[]] * len(rows) for a in (has, best, level))
    out = []
    for r, i in enumerate(rows.tolist()):
        usable = [k for k, h in enumerate(rows_has[r]) if h]
        unit = _UnitOptions(table, usable, r, costs)
        tops = [(rows_best[r][k], pos, rows_level[r][k]) for pos, k in enumerate(usable)
                if rows_best[r][k] > 1e-12]
        solution = solve_greedy(tops, unit, *_base(run, i), goals[r])
        if solution is None:
            res = _solve_unit(run, i, unit_steps(table, r), goals[r], target, costs)
            out.append((res.chosen, res.solution))
        else:
            out.append(([unit.step(p, k) for p, k in solution.picks], solution))
    return out


@dataclass(frozen=True)
class Plan:
    """A plan with the run before and after its changes."""

    result: PlanResult
    before: Run
    after: Run
    #: levers the target needs when it is out of reach without them ("allow_na",
    #: "include_survey"): a plan that needs them says so
    needs: tuple[str, ...] = ()

    @property
    def unit(self) -> int:
        return self.result.unit

    def reachable(self) -> bool:
        return target_met(self.after, self.unit, self.result.target)

    def to_json(self) -> dict[str, Any]:
        """CONTRACT §4, plus the cost, the goal and every feasible improvement."""
        run, res = self.before, self.result
        leaves = run.edition.leaves
        changes = [{"criterion": leaves[s.leaf].code,
                    "from": input_text(run, self.unit, s.leaf, "appr"), "to": s.to,
                    "points_gained": s.gained, "cost": c}
                   for s, c in zip(res.chosen, res.costs, strict=True)]
        return {
            "unit": run.units["code"].iloc[self.unit], "target": res.target.label,
            "reachable": self.reachable(), "needs": list(self.needs), "changes": changes,
            "before": run.unit_result(self.unit), "after": self.after.unit_result(self.unit),
            "cost": res.solution.cost,
            "goal": {"kind": res.goal.kind,
                     "value": None if math.isinf(res.goal.value) else res.goal.value},
            "improvements": [{"criterion": leaves[leaf[0].leaf].code,
                              "from": input_text(run, self.unit, leaf[0].leaf, "appr"),
                              "options": [{"to": s.to, "points_gained": s.gained,
                                           "level": s.level} for s in leaf]}
                             for leaf in res.steps],
        }


def target_met(run: Run, unit: int, target: Target) -> bool:
    """Whether the unit reaches the target in ``run`` (as scored by the engine)."""
    s = run.scores
    if target.kind == "points":
        return bool(s.total[unit] >= target.value - 1e-9)
    if target.kind == "band":
        b = int(s.band[unit])
        return b >= 0 and run.edition.bands[b][1] >= target.value
    rank = s.rank[unit] if target.kind == "rank" else s.group_rank[unit]
    return bool(rank <= target.value)


def plan(run: Run, unit: int, target: Target, costs: Costs | None = None,
         levers: Levers | None = None) -> Plan:
    """The cheapest plan for one unit, with the run re-scored under its changes; when the
    target is out of reach, which further levers would bring it within reach."""
    levers = levers or Levers()
    result = plan_all(run, target, costs, np.array([unit]), levers)[0]
    found = Plan(result, run, run.with_changes(result.changes(run)))
    if found.reachable():
        return found
    return replace(found, needs=_needed_levers(run, unit, target, costs, levers))


def _needed_levers(run: Run, unit: int, target: Target, costs: Costs | None,
                   levers: Levers) -> tuple[str, ...]:
    """The fewest levers not given that make the target reachable (none when none do)."""
    missing = [name for name in ("allow_na", "include_survey") if not getattr(levers, name)]
    tries = [(name,) for name in missing] + ([tuple(missing)] if len(missing) == 2 else [])
    for names in tries:
        wider = replace(levers, allow_na=levers.allow_na or "allow_na" in names,
                        include_survey=levers.include_survey or "include_survey" in names)
        result = plan_all(run, target, costs, np.array([unit]), wider)[0]
        if target_met(run.with_changes(result.changes(run)), unit, target):
            return names
    return ()
