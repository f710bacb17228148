"""`parindex whatif`: re-score with changed inputs, or under another edition, and compare.

Changes go through :meth:`Run.with_changes`, which re-scores from the cached compiled edition
and the parsed inputs (nothing is reloaded or re-validated). A change sets a leaf's appraised
input, whatever its usual source (CONTRACT §4). The comparison reports, for every changed
unit, the points of each changed leaf, and its total, index, band, rank and group rank before
and after; and every other unit whose rank or group rank moved. Comparing two editions scores
the same bundle twice and lines every unit's index, band and ranks up side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from parindex.criteria.compiled import CompiledEdition
from parindex.criteria.yaml_file import read_yaml_file
from parindex.errors import EvidenceError, Problem, ValueRefused, quote
from parindex.pipeline import run_bundle
from parindex.scoring.run import Change, Run, column_or_none, input_text


def parse_sets(unit: str, items: Iterable[str]) -> list[Change]:
    """``CODE=VALUE`` items (``--set``) as changes to ``unit``; ValueError names a bad one."""
    out = []
    for item in items:
        code, eq, value = item.partition("=")
        if not eq or not code.strip():
            raise ValueRefused("value.set_pair", item=quote(item))
        out.append(Change(unit, code.strip(), value.strip()))
    return out


def _cell(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_scenario(path: Path) -> list[Change]:
    """Changes from a scenario file: CSV or YAML rows ``unit, criterion, value``, or YAML
    ``UNIT: {CODE: VALUE, ...}``."""
    if not path.is_file():
        raise EvidenceError([Problem.of("scenario.missing", str(path))])
    if path.suffix.lower() == ".csv":
        from parindex.evidence.read_csv import read_csv_table

        df = read_csv_table(path)
        missing = [c for c in ("unit", "criterion", "value") if c not in df.columns]
        if missing:
            raise EvidenceError([Problem.of("scenario.columns", path.name,
                                            field=", ".join(missing))])
        rows: list[Any] = df[["unit", "criterion", "value"]].to_dict(orient="records")
    else:
        # every scalar as text, as typed: 1.10 stays "1.10", yes stays "yes"
        data, found = read_yaml_file(path, "scenario", as_text=True)
        if found:
            raise EvidenceError(found)
        if isinstance(data, dict) and "changes" in data:
            data = data["changes"]
        if isinstance(data, dict):
            rows = [{"unit": u, "criterion": c, "value": v}
                    for u, sets in data.items() for c, v in (sets or {}).items()]
        elif isinstance(data, list):
            rows = data
        else:
            rows = [None]
    problems, out = [], []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not {"unit", "criterion", "value"} <= set(row):
            problems.append(Problem.of("scenario.row", path.name, f"row {n}", value=row))
            continue
        out.append(Change(_cell(row["unit"]), _cell(row["criterion"]), _cell(row["value"])))
    if problems:
        raise EvidenceError(problems)
    return out


@dataclass(frozen=True)
class Effect:
    """One applied change: the leaf's input and points before and after."""

    unit: int
    leaf: int
    before: str
    after: str
    points_before: float
    points_after: float


def rank_table(before: Run, after: Run, rows: Sequence[int] | None = None
               ) -> list[dict[str, Any]]:
    """Index, band, rank and group rank of units (default: all, by the second run's rank) in
    two runs of the same bundle (the same units in the same order)."""
    b, a = before.scores, after.scores
    units = after.units
    cols = {"code": units["code"].tolist(), "name": units["name"].tolist(),
            "group": units["group"].tolist(),
            "index_before": column_or_none(b.index), "index_after": column_or_none(a.index),
            "band_before": [before.edition.band_names()[k] if k >= 0 else None
                            for k in b.band.tolist()],
            "band_after": [after.edition.band_names()[k] if k >= 0 else None
                           for k in a.band.tolist()],
            "rank_before": column_or_none(b.rank, int), "rank_after": column_or_none(a.rank, int),
            "group_rank_before": column_or_none(b.group_rank, int),
            "group_rank_after": column_or_none(a.group_rank, int)}
    order = after.order().tolist() if rows is None else list(rows)
    return [{k: v[i] for k, v in cols.items()} for i in order]


@dataclass(frozen=True)
class WhatIf:
    """A run before and after some changes (possibly under another edition)."""

    before: Run
    after: Run
    effects: tuple[Effect, ...]
    focus: tuple[int, ...] = ()  # units to report even without changes
    compared: bool = False  # ``before`` is the bundle under another edition (--compare)

    @property
    def units(self) -> list[int]:
        """The units in focus, then the changed units in the order first changed."""
        return list(dict.fromkeys([*self.focus, *(e.unit for e in self.effects)]))

    def moved(self) -> list[dict[str, Any]]:
        """Every other unit whose rank or group rank changed, by rank after."""
        b, a = self.before.scores, self.after.scores
        differs = np.zeros(len(a.rank), dtype=bool)
        for x, y in ((b.rank, a.rank), (b.group_rank, a.group_rank)):
            differs |= (x != y) & ~(np.isnan(x) & np.isnan(y))
        differs[self.units] = False
        rows = [i for i in self.after.order().tolist() if differs[i]]
        keys = ("code", "rank_before", "rank_after", "group_rank_before", "group_rank_after")
        return [{k: r[k] for k in keys} for r in rank_table(self.before, self.after, rows)]

    def changes_json(self, unit: int | None = None) -> list[dict[str, Any]]:
        leaves = self.after.edition.leaves
        return [{"unit": self.after.units["code"].iloc[e.unit], "criterion": leaves[e.leaf].code,
                 "from": e.before, "to": e.after, "points_before": e.points_before,
                 "points_after": e.points_after}
                for e in self.effects if unit is None or e.unit == unit]

    def to_json(self) -> dict[str, Any]:
        """CONTRACT §4 for one changed unit; ``units: [...]`` of the same blocks for several."""
        head = {"edition": self.after.edition.id, "year": self.after.year}
        blocks = [{"unit": self.after.units["code"].iloc[i],
                   "changes": [{k: v for k, v in c.items() if k != "unit"}
                               for c in self.changes_json(i)],
                   "before": self.before.unit_result(i), "after": self.after.unit_result(i)}
                  for i in self.units]
        if len(blocks) == 1:
            data = {**head, **blocks[0], "moved": self.moved()}
        else:
            data = {**head, **({"units": blocks} if blocks else {}), "moved": self.moved()}
        if self.compared:
            data = {"edition_before": self.before.edition.id, **data,
                    "ranks": rank_table(self.before, self.after)}
        return data


def _check_unique(changes: Sequence[Change]) -> None:
    seen: set[tuple[str, str]] = set()
    problems = []
    for c in changes:
        key = (c.unit.strip(), c.criterion.strip())
        if key in seen:
            problems.append(Problem.of("set.twice", "--set", c.criterion, field="criterion",
                                       value=c.value, quoted=quote(c.criterion),
                                       unit=quote(c.unit)))
        seen.add(key)
    if problems:
        raise EvidenceError(problems)


def whatif(run: Run, changes: Sequence[Change], base: Run | None = None,
           focus: str | None = None) -> WhatIf:
    """Apply ``changes`` to ``run`` and compare with ``base`` (default: ``run`` itself);
    ``focus`` names a unit to report even when nothing of it changes."""
    _check_unique(changes)
    if base is not None and not np.array_equal(base.units["code"].to_numpy(),
                                               run.units["code"].to_numpy()):
        raise EvidenceError([Problem.of("set.runs_differ", "units")])
    after = run.with_changes(changes)
    effects = []
    for c in changes:
        i, j = run.unit_index(c.unit), run.edition.leaf_index[c.criterion.strip()]
        effects.append(Effect(i, j, input_text(run, i, j, "appr"), c.value.strip(),
                              float(run.scores.leaf_appr[i, j]),
                              float(after.scores.leaf_appr[i, j])))
    units = (run.unit_index(focus),) if focus else ()
    return WhatIf(run if base is None else base, after, tuple(effects), units)


def whatif_under(base: Run, edition: CompiledEdition, changes: Sequence[Change],
                 focus: str | None = None) -> WhatIf:
    """Score ``base``'s bundle under another edition, apply ``changes`` there, and compare
    with ``base`` unit by unit (``whatif --compare``)."""
    if base.bundle is None:
        raise ValueError("comparing editions needs the run's bundle")
    other = run_bundle(base.bundle, edition)
    return replace(whatif(other, changes, base=base, focus=focus), compared=True)
