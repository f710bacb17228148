"""A scored run: the inputs, every stage of scoring, and the way to re-run with changes.

Like a COINr "coin", a :class:`Run` keeps what went in and everything computed, so a what-if
is "copy, change some inputs, re-score, compare". Re-scoring reuses the compiled edition and
the parsed inputs; nothing is reloaded or re-validated except the changed cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from parindex.criteria.compiled import CompiledEdition
from parindex.errors import EvidenceError, Problem, quote
from parindex.evidence.inputs import Inputs
from parindex.evidence.parse import cell_problems, parse_cells
from parindex.evidence.states import MISSING, NA
from parindex.evidence.tables import Bundle
from parindex.scoring.engine import Scores, score


@dataclass(frozen=True)
class Change:
    """Set one leaf's appraised input for one unit, as the user would type it."""

    unit: str
    criterion: str
    value: str


def num_or_none(v: float | None) -> float | None:
    """A number for JSON: NaN (no value) as None."""
    return None if v is None or v != v else float(v)


def int_or_none(v: float | None) -> int | None:
    """A whole number (a rank) for JSON: NaN as None."""
    return None if v is None or v != v else int(v)


def column_or_none(values: np.ndarray, cast: type = float) -> list[Any]:
    """An array as a list for JSON, NaN as None."""
    return [None if v != v else cast(v) for v in values.tolist()]


@dataclass(frozen=True)
class Run:
    inputs: Inputs
    scores: Scores
    bundle: Bundle | None = None
    #: analyses computed from this run, kept so that they are computed once per run (filled
    #: by :mod:`parindex.analysis.shown`; a run re-scored with changes starts empty)
    memo: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    @classmethod
    def from_inputs(cls, inputs: Inputs, bundle: Bundle | None = None) -> Run:
        return cls(inputs, score(inputs), bundle)

    @property
    def edition(self) -> CompiledEdition:
        return self.inputs.edition

    @property
    def units(self) -> pd.DataFrame:
        return self.inputs.units

    @property
    def year(self) -> int:
        return self.inputs.year

    def order(self) -> np.ndarray:
        """Unit positions by rank (unranked last), ties by code."""
        r = np.where(np.isnan(self.scores.rank), np.inf, self.scores.rank)
        return np.lexsort((self.units["code"].to_numpy(), r))

    def unit_index(self, code: str) -> int:
        import difflib
        import unicodedata

        key = unicodedata.normalize("NFC", code).strip()
        codes = self.units["code"].tolist()
        if key in codes:
            return codes.index(key)
        close = difflib.get_close_matches(key, codes, n=1)
        raise EvidenceError([Problem("units", "", f"{quote(code)} is not a unit of the bundle",
                                     field="unit", value=code,
                                     hint=f"did you mean {quote(close[0])}?" if close else None)])

    def band_name(self, i: int) -> str | None:
        b = int(self.scores.band[i])
        return self.edition.band_names()[b] if b >= 0 else None

    def unit_result(self, i: int) -> dict[str, Any]:
        """One unit as in CONTRACT §4."""
        return self.unit_results([i])[0]

    def unit_results(self, which: Sequence[int] | np.ndarray) -> list[dict[str, Any]]:
        """Units as in CONTRACT §4, in the order given (arrays turned to lists once, not
        one pandas row per unit: 3,321 units take 50 ms, not 250)."""
        s, ed = self.scores, self.edition
        idx = np.asarray(which, dtype=np.intp)
        units = self.units.iloc[idx]
        text = {c: units[c].tolist() for c in ("code", "name", "type", "group")}

        def col(a: np.ndarray) -> list[Any]:
            values: list[Any] = a[idx].tolist()
            return values

        names = ed.band_names()
        band = [names[b] if b >= 0 else None for b in s.band[idx].tolist()]
        areas = [(a.code, a.name) for a in ed.areas]
        a_pts, a_max, a_idx = (s.area_points[idx].tolist(), s.area_max[idx].tolist(),
                               s.area_index[idx].tolist())
        codes = [leaf.code for leaf in ed.leaves]
        state = s.state[idx]
        missing = [[codes[j] for j in np.flatnonzero(r)] for r in state == MISSING]
        na = [[codes[j] for j in np.flatnonzero(r)] for r in state == NA]
        cols = {"self_points": col(s.self_points), "appraised_points": col(s.appraised_points),
                "survey_points": col(s.survey_points), "bonus": col(s.bonus),
                "penalty": col(s.penalty), "total": col(s.total),
                "applicable_max": col(s.applicable_max)}
        index = column_or_none(s.index[idx])
        rank, group_rank = column_or_none(s.rank[idx], int), column_or_none(s.group_rank[idx], int)
        out = []
        for k in range(len(idx)):
            out.append({
                "code": text["code"][k], "name": text["name"][k], "type": text["type"][k],
                "group": text["group"][k],
                **{name: float(v[k]) for name, v in cols.items()},
                "index": index[k], "band": band[k], "rank": rank[k],
                "group_rank": group_rank[k],
                "areas": [{"code": code, "name": name, "points": float(a_pts[k][m]),
                           "max": float(a_max[k][m]),
                           "index": None if a_idx[k][m] != a_idx[k][m] else a_idx[k][m]}
                          for m, (code, name) in enumerate(areas)],
                "missing": missing[k], "not_applicable": na[k],
            })
        return out

    def to_json(self) -> dict[str, Any]:
        return {"edition": self.edition.id, "year": self.year, "scale": self.edition.scale,
                "units": self.unit_results(self.order())}

    def with_changes(self, changes: Sequence[Change]) -> Run:
        """Re-score with some appraised inputs replaced; the edition is reused as compiled."""
        if not changes:
            return self
        ed = self.edition
        rows = [self.unit_index(c.unit) for c in changes]
        leaves = np.array([ed.leaf_index.get(c.criterion.strip(), -1) for c in changes])
        problems = []
        for c, j in zip(changes, leaves, strict=True):
            if j < 0:
                problems.append(Problem("--set", c.criterion, f"{quote(c.criterion)} is not a "
                                        f"criterion of {ed.id}", field="criterion",
                                        value=c.criterion))
        if problems:
            raise EvidenceError(problems)
        parsed = parse_cells(pd.Series([c.value for c in changes]), leaves, ed)
        for k, reason in cell_problems(parsed, leaves, ed):
            problems.append(Problem("--set", changes[k].criterion, f"{quote(changes[k].value)} "
                                    f"{reason}", field="value", value=changes[k].value))
        if problems:
            raise EvidenceError(problems)
        x, st = self.inputs.x_appr.copy(order="K"), self.inputs.st_appr.copy(order="K")
        x[rows, leaves] = parsed.x
        st[rows, leaves] = parsed.state
        inputs = replace(self.inputs, x_appr=x, st_appr=st)
        return Run.from_inputs(inputs, self.bundle)


def sorted_runs(runs: Sequence[Run]) -> list[Run]:
    """The runs oldest year first; two runs of one year are an input error (one bundle a
    year), named by their bundles."""
    seen: dict[int, str] = {}
    problems = []
    for run in runs:
        where = str(run.bundle.path) if run.bundle is not None else f"run {run.year}"
        if run.year in seen:
            problems.append(Problem(where, "year", f"{seen[run.year]} is also for year "
                                    f"{run.year}", field="year", value=run.year,
                                    hint="give one bundle per year"))
        seen[run.year] = where
    if problems:
        raise EvidenceError(problems)
    return sorted(runs, key=lambda r: r.year)


def input_text(run: Run, unit: int, leaf: int, which: str) -> str:
    """The input as the user gave it (or as computed from the tables)."""
    inputs = run.inputs
    x = (inputs.x_self if which == "self" else inputs.x_appr)[unit, leaf]
    st = (inputs.st_self if which == "self" else inputs.st_appr)[unit, leaf]
    if st == MISSING:
        return ""
    if st == NA:
        return "NA"
    lf = run.edition.leaves[leaf]
    if lf.keys:
        return lf.keys[int(x)]
    if lf.value_kind == "boolean":
        return "có" if x > 0.5 else "không"
    return f"{x:g}" if float(x).is_integer() else f"{x:.4g}"
