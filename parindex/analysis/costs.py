"""What a change costs: the effort of each criterion for `parindex plan` (``--costs``).

One change costs 1 unless a costs file (YAML ``CODE: cost`` or ``CODE: {cost, per_step}``,
``default:`` for the rest; or CSV ``criterion, cost[, per_step]``) says otherwise; a blank
cost means the criterion is not to be changed. A code may name an area or a parent criterion
(every leaf under it); the deepest code wins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from parindex.analysis.improvements import Step
from parindex.criteria.compiled import CompiledEdition
from parindex.criteria.yaml_file import read_yaml_file
from parindex.errors import EvidenceError, Problem, quote
from parindex.evidence.read_csv import read_csv_table


@dataclass(frozen=True)
class Costs:
    """Per leaf: the effort of one change (NaN: not to be changed) and of each extra level."""

    cost: np.ndarray
    per_step: np.ndarray

    @classmethod
    def unit(cls, edition: CompiledEdition) -> Costs:
        n = len(edition.leaves)
        return cls(np.ones(n), np.zeros(n))

    def option_cost(self, step: Step) -> float:
        """The leaf's cost plus ``per_step`` for every level beyond the first."""
        cost, per_step = self.lists
        return cost[step.leaf] + per_step[step.leaf] * (step.level - 1)

    @cached_property
    def lists(self) -> tuple[list[float], list[float]]:
        return self.cost.tolist(), self.per_step.tolist()


def _cost_cell(value: Any, where: str, file: str, problems: list[Problem]) -> float | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in
                         ("", "-", "none", "null", "~")):
        return math.nan
    try:
        number = float(str(value).strip().replace(",", "."))
    except ValueError:
        number = -1.0
    if not number >= 0 or math.isinf(number):
        problems.append(Problem.of("costs.value", file, where, field="cost", value=value,
                                   quoted=quote(value)))
        return None
    return number


def read_costs(path: Path, edition: CompiledEdition) -> Costs:
    """Effort per criterion from YAML (``CODE: cost`` or ``CODE: {cost: C, per_step: S}``;
    ``default:`` for unlisted criteria) or CSV (``criterion, cost[, per_step]``). A code may
    name an area or a parent criterion (every leaf under it); the deepest code wins."""
    rows = _cost_rows(path)
    problems: list[Problem] = []
    default = 1.0
    entries: list[tuple[int, tuple[int, ...], float, float]] = []
    for where, code, cost, step in rows:
        c = _cost_cell(cost, where, path.name, problems)
        s = _cost_cell(step if step not in (None, "") else 0, where, path.name, problems)
        if c is None or s is None:
            continue
        if code.lower() in ("default", "*"):
            default = c
            continue
        node = edition.node(code)
        if node is None:
            problems.append(Problem.of("costs.criterion", path.name, where, field="criterion",
                                       value=code, quoted=quote(code), edition=edition.id))
            continue
        entries.append((node.depth, node.leaves, c, 0.0 if math.isnan(s) else s))
    if problems:
        raise EvidenceError(problems)
    costs = Costs(np.full(len(edition.leaves), default), np.zeros(len(edition.leaves)))
    for _, leaves, c, s in sorted(entries, key=lambda e: e[0]):
        costs.cost[list(leaves)] = c
        costs.per_step[list(leaves)] = s
    return costs


def _cost_rows(path: Path) -> list[tuple[str, str, Any, Any]]:
    if not path.is_file():
        raise EvidenceError([Problem.of("costs.missing", str(path))])
    if path.suffix.lower() == ".csv":
        df = read_csv_table(path)
        if "criterion" not in df.columns or "cost" not in df.columns:
            raise EvidenceError([Problem.of("costs.columns", path.name)])
        step = df["per_step"] if "per_step" in df.columns else [""] * len(df)
        return [(f"row {i + 2}", str(c).strip(), v, s)
                for i, (c, v, s) in enumerate(zip(df["criterion"], df["cost"], step,
                                                  strict=True))]
    # every scalar as text, as typed: 1.10 stays "1.10"
    data, problems = read_yaml_file(path, "costs", as_text=True)
    if problems:
        raise EvidenceError(problems)
    data = data or {}
    if not isinstance(data, dict):
        raise EvidenceError([Problem.of("costs.not_mapping", path.name)])
    out = []
    for code, value in data.items():
        where = f"key {code}"
        if isinstance(value, dict):
            out.append((where, str(code).strip(), value.get("cost", 1), value.get("per_step")))
        else:
            out.append((where, str(code).strip(), value, None))
    return out
