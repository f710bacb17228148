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
from parindex.errors import EvidenceError, Problem, not_among, quote
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
        raise not_among("unit", code, close, codes)

    def band_name(self, i: int) -> str | None:
        b = int(self.scores.band[i])
        return self.edition.band_names()[b] if b >= 0 else None

    def unit_result(self, i: int) -> dict[str, Any]:
        """One unit as in CONTRACT §4."""
        return self.unit_results([i])[0]

    def unit_results(self, which: Sequence[int] | np.ndarray) -> list[dict[str, Any]]:
        """Units as in CONTRACT §4, in the order given: built column by column (each array
        turned to a list once, each unit's leaves found in one pass), then zipped into the
        units' dicts."""
        s, ed = self.scores, self.edition
        idx = np.asarray(which, dtype=np.intp)
        units = self.units.iloc[idx]
        text = [units[c].tolist() for c in ("code", "name", "type", "group")]
        names = ed.band_names()
        band = [names[b] if b >= 0 else None for b in s.band[idx].tolist()]
        numbers = [s.self_points, s.appraised_points, s.survey_points, s.bonus, s.penalty,
                   s.total, s.applicable_max]
        cols = [a[idx].astype(float).tolist() for a in numbers]
        index = column_or_none(s.index[idx])
        rank, group_rank = column_or_none(s.rank[idx], int), column_or_none(s.group_rank[idx], int)
        state = s.state[idx]
        areas = _area_dicts(ed, s.area_points[idx], s.area_max[idx], s.area_index[idx])
        missing, na = _leaf_lists(ed, state == MISSING), _leaf_lists(ed, state == NA)
        return [{"code": code, "name": name, "type": typ, "group": group,
                 "self_points": sp, "appraised_points": ap, "survey_points": svp,
                 "bonus": bonus, "penalty": penalty, "total": total, "applicable_max": amax,
                 "index": ix, "band": bd, "rank": rk, "group_rank": grk, "areas": ar,
                 "missing": mi, "not_applicable": nap}
                for (code, name, typ, group, sp, ap, svp, bonus, penalty, total, amax, ix, bd,
                     rk, grk, ar, mi, nap)
                in zip(*text, *cols, index, band, rank, group_rank, areas, missing, na,
                       strict=True)]

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
                problems.append(Problem.of("set.criterion", "--set", c.criterion,
                                           field="criterion", value=c.criterion,
                                           quoted=quote(c.criterion), edition=ed.id))
        if problems:
            raise EvidenceError(problems)
        parsed = parse_cells(pd.Series([c.value for c in changes]), leaves, ed)
        for k, reason in cell_problems(parsed, leaves, ed):
            from parindex.evidence.check_evidence import reason_code  # only when refused

            code, facts = reason_code(reason)
            value = changes[k].value
            problems.append(
                Problem.of(code, "--set", changes[k].criterion, field="value", value=value,
                           quoted=quote(value), **facts)  # type: ignore[arg-type]
                if code is not None
                else Problem("--set", changes[k].criterion, f"{quote(value)} {reason}",
                             field="value", value=value))
        if problems:
            raise EvidenceError(problems)
        x, st = self.inputs.x_appr.copy(order="K"), self.inputs.st_appr.copy(order="K")
        x[rows, leaves] = parsed.x
        st[rows, leaves] = parsed.state
        inputs = replace(self.inputs, x_appr=x, st_appr=st)
        return Run.from_inputs(inputs, self.bundle)


def _area_dicts(ed: CompiledEdition, points: np.ndarray, maxima: np.ndarray,
                index: np.ndarray) -> list[list[dict[str, Any]]]:
    """Per unit (row), its areas' points, max and index % (None where nothing applies)."""
    heads = [(a.code, a.name) for a in ed.areas]
    pts, mx = points.astype(float).tolist(), maxima.astype(float).tolist()
    ix = [[None if v != v else v for v in row] for row in index.astype(float).tolist()]
    return [[{"code": code, "name": name, "points": p, "max": m, "index": i}
             for (code, name), p, m, i in zip(heads, prow, mrow, irow, strict=True)]
            for prow, mrow, irow in zip(pts, mx, ix, strict=True)]


def _leaf_lists(ed: CompiledEdition, mask: np.ndarray) -> list[list[str]]:
    """Per unit (row), the codes of the leaves ``mask`` marks, in edition order."""
    codes = [leaf.code for leaf in ed.leaves]
    out: list[list[str]] = [[] for _ in range(mask.shape[0])]
    rows, cols = np.nonzero(mask)
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        out[r].append(codes[c])
    return out


def sorted_runs(runs: Sequence[Run]) -> list[Run]:
    """The runs oldest year first; two runs of one year are an input error (one bundle a
    year), named by their bundles."""
    seen: dict[int, str] = {}
    problems = []
    for run in runs:
        where = str(run.bundle.path) if run.bundle is not None else f"run {run.year}"
        if run.year in seen:
            problems.append(Problem.of("runs.same_year", where, "year", field="year",
                                       value=run.year, other=seen[run.year], year=run.year))
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
