"""`parindex uncertainty`: how sure is a rank? Monte Carlo over appraisal and weights.

Each draw perturbs every appraised input that has a value (missing and not-applicable cells
stay as they are) within a tolerance, by how the leaf reads its input:

- a percentage moves by U(−percent, +percent) points, kept within 0–100; exactly 0 or 100
  (none or all) is taken as exact, else every 100 % would only ever move down;
- a plain number by U(−number, +number) % of itself, kept ≥ 0;
- a count moves one down or one up, each with probability count / 2, kept ≥ 0;
- an option or level moves one step down or up the rule's points order, each with probability
  step / 2; yes/no flips with probability step; manual points move a quarter of the max down
  or up, each with probability step / 2, kept within 0…max;

and multiplies each area's max points by U(1 − weights, 1 + weights), rescaled so the areas
still add up to the scale (the leaves of an area scale with it; bonus and penalty do not).
Following the JRC/OECD handbook on composite indicators, every unit gets its rank in each draw,
and the median rank, the 5th–95th percentile rank band and the share of draws in each band
(percentiles are ranks some draw had: numpy's ``inverted_cdf``).

Draws are scored in chunks: a chunk's draws × units are stacked into one array and scored by
:func:`parindex.scoring.engine.leaf_points` in one call, then aggregated, banded and ranked as
arrays. Each draw has its own random stream spawned from the seed (its area weights first,
then its cells), so a seed gives the same result whatever the chunk size, and the first N
draws of a longer run are the N draws of a shorter one.

Longer than 300 lines because the perturbation model, the chunked scoring of draws and the
summary share the arrays of one simulation and are read together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import Any

import numpy as np

from parindex.criteria.compiled import CompiledEdition
from parindex.evidence.parse import leaf_kinds
from parindex.evidence.states import MISSING, NA, VALUE
from parindex.scoring.engine import DECIMALS, leaf_points, totals
from parindex.scoring.rank import assign_bands, row_ranks
from parindex.scoring.run import Run

_CELLS_PER_CHUNK = 1_000_000


@dataclass(frozen=True)
class Tolerance:
    """How far appraised inputs may be off (module docstring); defaults in docs/WHATIF.md."""

    percent: float = 2.0
    number: float = 5.0
    count: float = 0.1
    step: float = 0.1

    @classmethod
    def parse(cls, text: str | None) -> Tolerance:
        """``percent=2,count=0.1`` (keys not given keep their default); ``0`` or ``none``:
        no appraisal perturbation. Raises ValueError naming the problem."""
        if text is None or not text.strip():
            return cls()
        if text.strip().lower() in ("0", "none", "off"):
            return cls(0.0, 0.0, 0.0, 0.0)
        known = [f.name for f in fields(cls)]
        values: dict[str, float] = {}
        for part in re.split(r"[,;]\s*(?=[A-Za-z_]+\s*=)", text):  # 0,2 stays a number
            key, eq, value = part.partition("=")
            key = key.strip().lower()
            if not eq or key not in known:
                raise ValueError(f"{part.strip()!r}: write KEY=VALUE with KEY one of "
                                 f"{', '.join(known)}")
            try:
                values[key] = float(value.strip().replace(",", "."))
            except ValueError:
                raise ValueError(f"{part.strip()!r}: {value.strip()!r} is not a number") from None
            if values[key] < 0 or (key in ("count", "step") and values[key] > 1):
                raise ValueError(f"{part.strip()!r}: a tolerance is ≥ 0 and a probability "
                                 "at most 1")
        return cls(**values)

    def is_zero(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class Uncertainty:
    """Ranks and bands of every unit in every draw, and the nominal run."""

    run: Run
    draws: int
    seed: int
    tolerance: Tolerance
    weights: float
    rank: np.ndarray  # draws × units (NaN: unranked)
    group_rank: np.ndarray
    band: np.ndarray  # draws × units, band position or -1

    def summary(self) -> list[dict[str, Any]]:
        """Per unit by nominal rank: nominal, median and 5–95 % ranks, band probabilities
        (computed once; the report's chart and table both read it)."""
        return self._summary

    @cached_property
    def _summary(self) -> list[dict[str, Any]]:
        names = self.run.edition.band_names()
        stats = {key: _percentiles(arr) for key, arr in (("rank", self.rank),
                                                           ("group_rank", self.group_rank))}
        probs = np.stack([(self.band == b).mean(axis=0) for b in range(len(names))], axis=1)
        out = []
        order = self.run.order()
        for i, r in zip(order, self.run.unit_results(order), strict=True):
            row = {k: r[k] for k in ("code", "name", "group", "index", "band", "rank",
                                     "group_rank")}
            for key in ("rank", "group_rank"):
                p5, p50, p95 = (None if np.isnan(v) else float(v) for v in stats[key][:, i])
                row.update({f"{key}_median": p50, f"{key}_p5": p5, f"{key}_p95": p95})
            row["band_probability"] = {n: float(p) for n, p in zip(names, probs[i],
                                                                   strict=True)}
            out.append(row)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"edition": self.run.edition.id, "year": self.run.year, "draws": self.draws,
                "seed": self.seed, "tolerance": self.tolerance.__dict__,
                "weights": self.weights, "units": self.summary()}


def _percentiles(arr: np.ndarray) -> np.ndarray:
    """The 5th, 50th and 95th percentiles (inverted CDF: values that occur) of each column,
    NaN cells left out. Columns without NaN (every ranked unit) in one vectorised call;
    ``nanpercentile`` goes column by column, and only the rest (unranked units) need it."""
    out = np.full((3, arr.shape[1]), np.nan)
    full = ~np.isnan(arr).any(axis=0)
    if full.all():
        out[...] = np.percentile(arr, [5, 50, 95], axis=0, method="inverted_cdf")
    else:  # a copy of the ranked columns, which percentile may sort in place
        out[:, full] = np.percentile(arr[:, full], [5, 50, 95], axis=0, method="inverted_cdf",
                                     overwrite_input=True)
    partial = np.flatnonzero(~full & ~np.isnan(arr).all(axis=0))
    if len(partial):
        out[:, partial] = np.nanpercentile(arr[:, partial], [5, 50, 95], axis=0,
                                           method="inverted_cdf")
    return out


_STEPPED = ("boolean", "key", "count", "points")  # inputs that move by whole steps


def _sub_edition(ed: CompiledEdition, cols: np.ndarray) -> CompiledEdition:
    """The edition restricted to some leaves (renumbered), for ``leaf_points`` on those
    columns alone."""
    leaves = tuple(replace(ed.leaves[j], index=k) for k, j in enumerate(cols))
    return replace(ed, leaves=leaves, leaf_max=ed.leaf_max[cols], survey=ed.survey[cols],
                   na_full=ed.na_full[cols], na_forbidden=ed.na_forbidden[cols],
                   area_of=ed.area_of[cols],
                   leaf_index={lf.code: lf.index for lf in leaves})


class _Perturber:
    """Perturbed inputs for a chunk of draws, one leaf at a time (leaf-major arrays: a
    leaf's cells for all draws and units are one contiguous row).

    A percentage or a number moves continuously, so its cells are scored per draw. Any
    other input takes one of three values per cell (a step down, as is, a step up): those
    are scored once, for all units, by ``leaf_points`` on the three stacked, and each draw
    picks its step's points."""

    def __init__(self, run: Run, tol: Tolerance):
        ed, s = run.edition, run.scores
        value = (s.state == VALUE).T  # leaves × units
        self.x = np.where(value, run.inputs.x_appr.T, 0.0)
        self.tol = tol
        self.kinds = leaf_kinds(ed)
        self.stepped = np.array([k in _STEPPED for k in self.kinds], dtype=bool)
        percent = np.array([k == "percent" for k in self.kinds])[:, None]
        self.keep = ~value | (percent & ((self.x <= 0) | (self.x >= 100)))  # as is
        down, up = self.x.copy(), self.x.copy()
        for leaf in ed.leaves:
            j, x0, kind = leaf.index, self.x[leaf.index], self.kinds[leaf.index]
            if kind == "boolean":
                down[j] = up[j] = 1.0 - x0
            elif kind == "count":
                down[j], up[j] = np.maximum(x0 - 1, 0.0), x0 + 1
            elif kind == "points":
                q = leaf.max / 4
                down[j], up[j] = np.maximum(x0 - q, 0.0), np.minimum(x0 + q, leaf.max)
            elif kind == "key":  # one step along the rule's points order
                pts = leaf.kind.apply(np.arange(len(leaf.keys), dtype=float), leaf.max,
                                      leaf.score)
                order = np.argsort(pts, kind="stable")
                r = np.argsort(order)[x0.astype(np.intp)]
                down[j] = order[np.maximum(r - 1, 0)]
                up[j] = order[np.minimum(r + 1, len(order) - 1)]
        down, up = np.where(self.keep, self.x, down), np.where(self.keep, self.x, up)
        only = np.where(self.stepped[None, :], s.state, MISSING).astype(np.int8)
        three = np.concatenate([down.T, self.x.T, up.T])
        # survey leaves of a bundle without survey score 0 (the engine's rebasing)
        self.forced = ed.survey[None, :] & (s.state == NA) & (not run.inputs.survey_run)
        self.step_points = np.where(self.forced, 0.0, leaf_points(
            ed, three, np.tile(only, (3, 1))).reshape(3, *s.state.shape))
        self.prob = np.array([tol.count if k == "count" else tol.step if k in _STEPPED
                              else 0.0 for k in self.kinds])
        # percentages and numbers: scored per draw, as an edition of their own
        self.cont = np.flatnonzero(~self.stepped)
        self.cont_edition = _sub_edition(ed, self.cont)
        self.cont_state = s.state[:, self.cont]
        # runs of continuous columns in one area and block (evidence or survey): weights
        # apply per run, so each draw's weighting is a sum of a few columns, not a matmul
        key = ed.area_of[self.cont] * 2 + ed.survey[self.cont]
        self.run_start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        self.run_area = ed.area_of[self.cont][self.run_start]
        self.run_survey = ed.survey[self.cont][self.run_start]

    def continuous(self, j: int, u: np.ndarray, out: np.ndarray) -> None:
        """A percentage or number leaf's inputs for a chunk into ``out`` (draws × units),
        from uniforms ``u`` of that shape (float32, overwritten)."""
        t, x0 = self.tol, self.x[j]
        width = t.percent if self.kinds[j] == "percent" else t.number / 100
        if not width:
            out[...] = x0
            return
        u *= 2 * width
        u -= width  # U(−width, width)
        if self.kinds[j] == "percent":
            np.add(x0, u, out=out)
            np.clip(out, 0.0, 100.0, out=out)
        else:
            u += 1
            np.multiply(x0, u, out=out)
            np.maximum(out, 0.0, out=out)
        np.copyto(out, np.broadcast_to(x0, out.shape), where=self.keep[j])

    def stepped_points(self, j: int, u: np.ndarray | None) -> np.ndarray:
        """A stepped leaf's points for a chunk (draws × units) from uniforms ``u``."""
        down, same, up = self.step_points[:, :, j]
        p = self.prob[j]
        if u is None or not p:
            return np.broadcast_to(same, (1 if u is None else u.shape[0], len(same)))
        points: np.ndarray
        if self.kinds[j] == "boolean":
            points = np.where(u < p, up, same)
        else:
            points = np.where(u < p / 2, down, np.where(u >= 1 - p / 2, up, same))
        return points


def _scores(run: Run, perturb: _Perturber, x: np.ndarray, state: np.ndarray,
            u: np.ndarray | None, w_area: np.ndarray | None) -> np.ndarray:
    """Index keys (draws × units) from the continuous leaves' inputs ``x`` (those leaves ×
    draws × units; ``state`` their states stacked draws × units, leaves), the stepped leaves'
    uniforms ``u`` (all leaves × draws × units), the engine's leaf points and aggregation;
    ``w_area`` scales each draw's areas (draws × areas)."""
    ed, s = run.edition, run.scores
    n_cont, c, n_units = x.shape
    cols = perturb.cont
    cont = leaf_points(perturb.cont_edition, x.reshape(n_cont, -1).T, state)
    cont = cont.reshape(c, n_units, n_cont)
    if perturb.forced.any():
        cont = np.where(perturb.forced[:, cols], 0.0, cont)
    stepped = ((j, perturb.stepped_points(j, None if u is None else u[j]))
               for j in np.flatnonzero(perturb.stepped).tolist())
    if w_area is None:  # the engine's sums, term for term
        pts = np.empty((c, n_units, len(ed.leaves)))
        pts[..., cols] = cont
        for j, points in stepped:
            pts[..., j] = points
        appraised = pts[..., ~ed.survey].sum(axis=-1)
        survey = pts[..., ed.survey].sum(axis=-1)
        applicable_max = np.broadcast_to(s.applicable_max, (c, n_units))
    else:  # weighted: sums per run of columns, then per leaf (no BLAS in the loop)
        runs = np.add.reduceat(cont, perturb.run_start, axis=-1)
        runs *= w_area[:, None, perturb.run_area]
        appraised = runs[..., ~perturb.run_survey].sum(axis=-1)
        survey = runs[..., perturb.run_survey].sum(axis=-1)
        for j, points in stepped:
            (survey if ed.survey[j] else appraised)[...] += \
                points * w_area[:, ed.area_of[j], None]
        applicable_max = np.zeros((c, n_units))
        for k in range(len(ed.areas)):
            applicable_max += w_area[:, k, None] * s.area_max[:, k]
    _, index = totals(appraised, survey, s.bonus, s.penalty, applicable_max)
    keys: np.ndarray = np.round(index, DECIMALS)
    return keys


def uncertainty(run: Run, draws: int = 1000, seed: int = 0, tolerance: Tolerance | None = None,
                weights: float = 0.1,
                progress: Callable[[int], None] | None = None) -> Uncertainty:
    """Monte Carlo over appraisal tolerances and area weights (module docstring)."""
    tol = tolerance or Tolerance()
    if draws < 1:
        raise ValueError("draws must be at least 1")
    if not 0 <= weights < 1:
        raise ValueError("weights must be within [0, 1)")
    ed, s = run.edition, run.scores
    n_units, n_leaves = s.leaf_appr.shape
    streams = [np.random.default_rng(ss) for ss in np.random.SeedSequence(seed).spawn(draws)]
    area_max = np.array([a.max for a in ed.areas])
    perturb = _Perturber(run, tol)
    groups = run.inputs.group_codes
    zeros = np.zeros(n_units, dtype=int)
    rank = np.empty((draws, n_units))
    group_rank = np.empty((draws, n_units))
    band = np.empty((draws, n_units), dtype=np.int8)
    chunk = max(1, _CELLS_PER_CHUNK // max(n_units * n_leaves, 1))
    state = np.empty((0, 0), dtype=np.int8)
    for lo in range(0, draws, chunk):
        hi = min(draws, lo + chunk)
        c = hi - lo
        w_area = None
        if weights:  # each draw: its area weights first, then its cells
            u_area = np.stack([streams[d].uniform(1 - weights, 1 + weights, len(area_max))
                               for d in range(lo, hi)])
            scaled = area_max * u_area
            w_area = scaled * (ed.scale / scaled.sum(axis=1, keepdims=True)) / area_max
        if len(state) != c * n_units:
            state = np.tile(perturb.cont_state, (c, 1))
        u = None
        x = np.empty((len(perturb.cont), c, n_units))
        if tol.is_zero():
            x[...] = perturb.x[perturb.cont, None, :]
        else:
            u = np.empty((n_leaves, c, n_units), dtype=np.float32)
            for k, d in enumerate(range(lo, hi)):
                u[:, k, :] = streams[d].random((n_leaves, n_units), dtype=np.float32)
            for k, j in enumerate(perturb.cont.tolist()):
                perturb.continuous(j, u[j], x[k])
        key = _scores(run, perturb, x, state, u, w_area)
        band[lo:hi] = assign_bands(key.ravel(), ed.band_mins()).reshape(c, n_units)
        ranked_key = np.where(run.inputs.ranked[None, :], key, np.nan)  # others: no rank
        rank[lo:hi] = row_ranks(ranked_key, zeros, ed.model.ties)
        group_rank[lo:hi] = row_ranks(ranked_key, groups, ed.model.ties)
        if progress is not None:
            progress(c)
    return Uncertainty(run, draws, seed, tol, weights, rank, group_rank, band)
