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

Draws are scored in chunks, a leaf at a time: each leaf's points for a chunk's draws × units
are one array, computed by the rule's own function only where a cell's points can move (see
:class:`_Perturber`), then weighted and summed in the order a sum along the leaf axis adds
(:func:`_pairwise`), banded and ranked as arrays. Each draw has its own random stream spawned
from the seed (its area weights first, then its cells), so a seed gives the same result
whatever the chunk size, and the first N draws of a longer run are the N draws of a shorter
one.

Longer than 300 lines because the perturbation model, the chunked scoring of draws and the
summary share the arrays of one simulation and are read together.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import Any

import numpy as np

from parindex.criteria.compiled import CompiledEdition, Leaf
from parindex.errors import ValueRefused, quote
from parindex.evidence.parse import leaf_kinds
from parindex.evidence.states import MISSING, NA, VALUE
from parindex.scoring.engine import DECIMALS, leaf_points, totals
from parindex.scoring.rank import assign_bands, grouped, ranks_in_order
from parindex.scoring.run import Run, column_or_none

_CELLS_PER_CHUNK = 4_000_000


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
                raise ValueRefused("value.tolerance_pair", part=quote(part.strip()),
                                   keys=", ".join(known))
            try:
                values[key] = float(value.strip().replace(",", "."))
            except ValueError:
                raise ValueRefused("value.tolerance_number", part=quote(part.strip()),
                                   value=quote(value.strip())) from None
            if values[key] < 0 or (key in ("count", "step") and values[key] > 1):
                raise ValueRefused("value.tolerance_range", part=quote(part.strip()))
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
        lists = {key: [column_or_none(row) for row in stats[key]] for key in stats}
        shares = probs.tolist()
        for i, r in zip(order.tolist(), self.run.unit_results(order), strict=True):
            row = {k: r[k] for k in ("code", "name", "group", "index", "band", "rank",
                                     "group_rank")}
            for key in ("rank", "group_rank"):
                p5, p50, p95 = (v[i] for v in lists[key])
                row.update({f"{key}_median": p50, f"{key}_p5": p5, f"{key}_p95": p95})
            row["band_probability"] = dict(zip(names, shares[i], strict=True))
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
#: a leaf whose points move for more than this share of units is drawn for every unit
_DENSE = 0.5


def _sub_edition(ed: CompiledEdition, cols: np.ndarray) -> CompiledEdition:
    """The edition restricted to some leaves (renumbered), for ``leaf_points`` on those
    columns alone."""
    leaves = tuple(replace(ed.leaves[j], index=k) for k, j in enumerate(cols))
    return replace(ed, leaves=leaves, leaf_max=ed.leaf_max[cols], survey=ed.survey[cols],
                   na_full=ed.na_full[cols], na_forbidden=ed.na_forbidden[cols],
                   area_of=ed.area_of[cols],
                   leaf_index={lf.code: lf.index for lf in leaves})


def _flat_between(leaf: Leaf, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Per unit, whether the leaf's rule gives the same points for every input within
    ``lo``…``hi`` (bands without a threshold inside; a proportional rule at its cap or below
    its floor throughout); False when the rule has no such shortcut."""
    args = leaf.args
    if leaf.rule == "bands":
        flat: np.ndarray = np.ones(len(lo), dtype=bool)
        for band in args.bands:
            t = band.above if band.above is not None else band.threshold
            flat &= (hi < t) | (lo > t)
        return flat
    if leaf.rule == "proportional" and args.proportional.target > 0:
        p = args.proportional
        capped: np.ndarray = (lo > max(p.target, p.floor)) | (hi < p.floor)
        return capped
    return np.zeros(len(lo), dtype=bool)


class _Perturber:
    """Perturbed points for a chunk of draws, one leaf at a time (each leaf's points for a
    chunk's draws × units are one array).

    Any input other than a percentage or a number takes one of three values per cell (a
    step down, as is, a step up): those are scored once, for all units, by ``leaf_points``
    on the three stacked, and each draw picks its step's points. A percentage or a number
    moves continuously and is scored per draw, but only where its points can move: a cell
    without a value, a cell kept as is, or a value whose whole tolerance range lies between
    two thresholds of its rule scores its nominal points in every draw."""

    def __init__(self, run: Run, tol: Tolerance):
        ed, s = run.edition, run.scores
        value = (s.state == VALUE).T  # leaves × units
        self.x = np.where(value, run.inputs.x_appr.T, 0.0)
        self.tol = tol
        self.kinds = leaf_kinds(ed)
        self.leaves = ed.leaves
        self.stepped = np.array([k in _STEPPED for k in self.kinds], dtype=bool)
        percent = np.array([k == "percent" for k in self.kinds])[:, None]
        self.keep = ~value | (percent & ((self.x <= 0) | (self.x >= 100)))  # as is
        # survey leaves of a bundle without survey score 0 (the engine's rebasing)
        self.forced = ed.survey[None, :] & (s.state == NA) & (not run.inputs.survey_run)
        self.step = self._step_points(ed, s.state)
        self.prob = np.array([tol.count if k == "count" else tol.step if k in _STEPPED
                              else 0.0 for k in self.kinds])
        # percentages and numbers: scored per draw, as an edition of their own
        self.cont = np.flatnonzero(~self.stepped)
        cont_edition = _sub_edition(ed, self.cont)
        # runs of continuous columns in one area and block (evidence or survey): weights
        # apply per run, so each draw's weighting is a sum of a few columns, not a matmul
        key = ed.area_of[self.cont] * 2 + ed.survey[self.cont]
        self.run_start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        self.run_area = ed.area_of[self.cont][self.run_start]
        self.run_survey = ed.survey[self.cont][self.run_start]
        # every leaf's nominal points (its points in a draw that does not move it)
        self.const = np.empty(value.shape)
        self.const[self.stepped] = self.step[1][:, self.stepped].T
        nominal = leaf_points(cont_edition, self.x[self.cont].T, s.state[:, self.cont])
        self.const[self.cont] = np.where(self.forced[:, self.cont], 0.0, nominal).T
        moving = [self._moving(j, value[j]) for j in range(len(ed.leaves))]
        #: per leaf, the units whose points move (None: many, so drawn for all units)
        self.moving = [None if m.sum() > _DENSE * len(m) else np.flatnonzero(m)
                       for m in moving]
        self.fixed = [~m for m in moving]
        #: per leaf, the arrays a draw reads for the units it draws (:meth:`_columns`)
        self.gathered: dict[int, tuple[np.ndarray, ...]] = {}

    def _step_points(self, ed: CompiledEdition, state: np.ndarray) -> np.ndarray:
        """Each stepped leaf's points a step down, as is and a step up (3 × units × leaves;
        other leaves' columns are not used)."""
        x = self.x
        down, up = x.copy(), x.copy()
        for leaf in ed.leaves:
            j, x0, kind = leaf.index, x[leaf.index], self.kinds[leaf.index]
            if kind == "boolean":
                down[j] = up[j] = 1.0 - x0
            elif kind == "count":
                down[j], up[j] = np.maximum(x0 - 1, 0.0), x0 + 1
            elif kind == "points":
                q = leaf.max / 4
                down[j], up[j] = np.maximum(x0 - q, 0.0), np.minimum(x0 + q, leaf.max)
            elif kind == "key":  # one step along the rule's points order
                pts = leaf.points(np.arange(len(leaf.keys), dtype=float))
                order = np.argsort(pts, kind="stable")
                r = np.argsort(order)[x0.astype(np.intp)]
                down[j] = order[np.maximum(r - 1, 0)]
                up[j] = order[np.minimum(r + 1, len(order) - 1)]
        down, up = np.where(self.keep, x, down), np.where(self.keep, x, up)
        only = np.where(self.stepped[None, :], state, MISSING).astype(np.int8)
        three = np.concatenate([down.T, x.T, up.T])
        points: np.ndarray = np.where(self.forced, 0.0, leaf_points(
            ed, three, np.tile(only, (3, 1))).reshape(3, *state.shape))
        return points

    def _moving(self, j: int, value: np.ndarray) -> np.ndarray:
        """Per unit, whether leaf ``j``'s points may differ from its nominal points."""
        if self.stepped[j]:
            down, same, up = self.step[:, :, j]
            if not self.prob[j]:
                return np.zeros(len(same), dtype=bool)
            moves: np.ndarray = up != same
            return moves if self.kinds[j] == "boolean" else moves | (down != same)
        width = self.tol.percent if self.kinds[j] == "percent" else self.tol.number / 100
        moves = value & ~self.keep[j]
        if not width:
            return np.zeros_like(moves)
        x0 = self.x[j]
        if self.kinds[j] == "percent":  # a margin beyond the float32 rounding of u
            lo, hi = x0 - width * 1.001 - 1e-9, x0 + width * 1.001 + 1e-9
        else:
            lo, hi = x0 * (1 - width * 1.001) - 1e-9, x0 * (1 + width * 1.001) + 1e-9
        flat = _flat_between(self.leaves[j], lo, hi) & (x0 >= 0)  # a negative number → 0
        out: np.ndarray = moves & ~flat
        return out

    def points(self, j: int, bits: np.ndarray | None, c: int) -> np.ndarray:
        """Leaf ``j``'s points in a chunk of ``c`` draws (draws × units) from its random
        bits (:func:`_uniform`; None: no appraisal perturbation)."""
        const, moving = self.const[j], self.moving[j]
        if bits is None or (moving is not None and not len(moving)):
            return np.broadcast_to(const, (c, len(const)))
        if moving is None:
            pts = self._draw(j, bits)
            if not self.stepped[j]:  # a fixed stepped cell steps to its own points
                np.copyto(pts, const, where=self.fixed[j])
            return pts
        pts = np.empty((c, len(const)))
        pts[...] = const
        pts[:, moving] = self._draw(j, bits[:, moving])
        return pts

    def _columns(self, j: int) -> tuple[np.ndarray, ...]:
        """Leaf ``j``'s arrays for the units it draws (its steps' points, or its values and
        where they are kept), gathered once, not once per chunk of draws: a chunk holds
        fewer draws the more units there are (two at 33,210), and gathering per chunk made
        the simulation's cost per unit grow with the units."""
        found = self.gathered.get(j)
        if found is None:
            cols = slice(None) if self.moving[j] is None else self.moving[j]
            arrays = self.step[:, :, j] if self.stepped[j] else (self.x[j], self.keep[j])
            found = self.gathered[j] = tuple(np.ascontiguousarray(a[cols]) for a in arrays)
        return found

    def _draw(self, j: int, bits: np.ndarray) -> np.ndarray:
        """Points of leaf ``j`` for the units it draws (:meth:`_columns`) from their random
        bits."""
        if not self.stepped[j]:
            return self.leaves[j].points(self._continuous(j, _uniform(bits)))
        down, same, up = self._columns(j)
        p = self.prob[j]
        points = np.empty(bits.shape)
        points[...] = same
        if self.kinds[j] == "boolean":
            np.copyto(points, up, where=_below(bits, p))
        else:  # a step up overrides a step down where both hold (never, for p ≤ 1)
            np.copyto(points, up, where=~_below(bits, 1 - p / 2))
            np.copyto(points, down, where=_below(bits, p / 2))
        return points

    def _continuous(self, j: int, u: np.ndarray) -> np.ndarray:
        """A percentage or number leaf's inputs for the units it draws (draws × those
        units) from uniforms ``u`` of that shape (float32, overwritten)."""
        t = self.tol
        x0, keep = self._columns(j)
        width = t.percent if self.kinds[j] == "percent" else t.number / 100
        out = np.empty(u.shape)
        u *= 2 * width
        u -= width  # U(−width, width)
        if self.kinds[j] == "percent":
            np.add(x0, u, out=out)
            np.clip(out, 0.0, 100.0, out=out)
        else:
            u += 1
            np.multiply(x0, u, out=out)
            np.maximum(out, 0.0, out=out)
        np.copyto(out, np.broadcast_to(x0, out.shape), where=keep)
        return out


def _pairwise(terms: Sequence[np.ndarray]) -> np.ndarray:
    """Σ ``terms`` in the order numpy's pairwise summation adds n numbers of a contiguous
    axis (eight running sums per block of 128, halves beyond), so a leaf-by-leaf sum gives
    the very bits a sum along the leaf axis gave. The result may be one of ``terms``."""
    n = len(terms)
    if n < 8:
        out = terms[0]
        for k, term in enumerate(terms[1:]):
            out = out + term if k == 0 else np.add(out, term, out=out)
        return out
    if n > 128:
        half = n // 2
        half -= half % 8
        split: np.ndarray = _pairwise(terms[:half]) + _pairwise(terms[half:])
        return split
    whole = n - n % 8
    acc = [terms[k] for k in range(8)]
    for i in range(8, whole, 8):
        acc = [a + terms[i + k] if i == 8 else np.add(a, terms[i + k], out=a)
               for k, a in enumerate(acc)]
    total: np.ndarray = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + \
        ((acc[4] + acc[5]) + (acc[6] + acc[7]))
    for term in terms[whole:]:
        total += term
    return total


def _in_order(terms: Sequence[np.ndarray], shape: tuple[int, int]) -> np.ndarray:
    """Σ ``terms`` one after the other (as numpy sums a selection of columns), a new array."""
    out = np.zeros(shape)
    for term in terms:
        out += term
    return out


def _uniform(bits: np.ndarray) -> np.ndarray:
    """Uniforms in [0, 1) as ``Generator.random(dtype=np.float32)`` makes them from the
    32-bit halves of its bit generator's output: the top 24 bits × 2⁻²⁴."""
    out: np.ndarray = (bits >> 8).astype(np.float32)
    out *= np.float32(2.0**-24)
    return out


def _below(bits: np.ndarray, c: float) -> np.ndarray:
    """``_uniform(bits) < c``, read from the bits: a uniform is k·2⁻²⁴ for the top 24 bits
    k, and k·2⁻²⁴ < c exactly when k < ⌈c·2²⁴⌉, that is when bits < ⌈c·2²⁴⌉·2⁸."""
    top = math.ceil(c * 2.0**24) if c > 0 else 0
    if top >= 2**24:
        return np.ones(bits.shape, dtype=bool)
    below: np.ndarray = bits < top << 8
    return below


def _random_bits(stream: np.random.Generator, n: int, out: np.ndarray) -> None:
    """The 32-bit halves ``stream.random(n, dtype=np.float32)`` would read, into ``out``
    (uint32): each 64-bit output gives its low half, then its high half. The raw outputs
    are made in one call and only the cells a draw moves are turned into numbers."""
    if sys.byteorder == "little":
        out[:] = stream.bit_generator.random_raw((n + 1) // 2).view(np.uint32)[:n]
    else:  # the same numbers, from the uniforms themselves
        out[:] = (stream.random(n, dtype=np.float32) * 2.0**24).astype(np.uint32) << 8


def _scores(run: Run, perturb: _Perturber, bits: np.ndarray | None, c: int,
            w_area: np.ndarray | None) -> np.ndarray:
    """Index keys (draws × units) of a chunk of ``c`` draws from the cells' random bits
    (draws × leaves·units), the leaves' points and the engine's aggregation; ``w_area``
    scales each draw's areas (draws × areas). Sums are added in the order the stacked
    computation added them (leaves along a contiguous axis: :func:`_pairwise`); each
    leaf's points are made when they are added."""
    ed, s = run.edition, run.scores
    n = len(run.units)
    shape = (c, n)

    def pts(j: int) -> np.ndarray:
        return perturb.points(j, None if bits is None else bits[:, j * n:(j + 1) * n], c)

    if w_area is None:  # the engine's sums, term for term
        appraised = _in_order([pts(j) for j in np.flatnonzero(~ed.survey).tolist()], shape)
        survey = _in_order([pts(j) for j in np.flatnonzero(ed.survey).tolist()], shape)
        applicable_max = np.broadcast_to(s.applicable_max, shape)
    else:  # weighted: sums per run of columns, then per leaf
        ends = [*perturb.run_start[1:].tolist(), len(perturb.cont)]
        runs = []
        for r, (lo, hi) in enumerate(zip(perturb.run_start.tolist(), ends, strict=True)):
            cols = perturb.cont[lo:hi].tolist()
            first = pts(cols[0])
            total = first + _pairwise([pts(j) for j in cols[1:]]) if len(cols) > 1 \
                else first
            runs.append(total * w_area[:, perturb.run_area[r], None])
        appraised = _in_order([v for v, sv in zip(runs, perturb.run_survey, strict=True)
                               if not sv], shape)
        survey = _in_order([v for v, sv in zip(runs, perturb.run_survey, strict=True) if sv],
                           shape)
        for j in np.flatnonzero(perturb.stepped).tolist():
            (survey if ed.survey[j] else appraised)[...] += \
                pts(j) * w_area[:, ed.area_of[j], None]
        applicable_max = np.zeros(shape)
        for k in range(len(ed.areas)):
            applicable_max += w_area[:, k, None] * s.area_max[:, k]
    _, index = totals(appraised, survey, s.bonus, s.penalty, applicable_max)
    keys: np.ndarray = np.round(index, DECIMALS)
    return keys


def _bands(keys: np.ndarray, mins: np.ndarray) -> np.ndarray:
    """:func:`parindex.scoring.rank.assign_bands` of every key; by a search when the bands'
    lower bounds fall (as editions give them), else by that function."""
    if not len(mins) or (np.diff(mins) >= 0).any():
        out: np.ndarray = assign_bands(keys.ravel(), mins).reshape(keys.shape)
        return out
    above = len(mins) - np.searchsorted(mins[::-1], keys, side="right")  # bounds above a key
    return np.where((above == len(mins)) | np.isnan(keys), -1, above)


def _ranks(keys: np.ndarray, groups: np.ndarray, ties: str) -> tuple[np.ndarray, np.ndarray]:
    """Each row's overall and group ranks, as :func:`parindex.scoring.rank.row_ranks` gives
    them, from one sort of the row."""
    neg = np.where(np.isnan(keys), np.inf, -keys)
    order = np.argsort(neg, axis=1)
    overall = ranks_in_order(neg, order, np.zeros(keys.shape[1], dtype=np.intp), ties)
    within = ranks_in_order(neg, grouped(order, groups), groups, ties)
    for out in (overall, within):
        out[np.isnan(keys)] = np.nan
    return overall, within


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
    rank = np.empty((draws, n_units))
    group_rank = np.empty((draws, n_units))
    band = np.empty((draws, n_units), dtype=np.int8)
    chunk = max(1, _CELLS_PER_CHUNK // max(n_units * n_leaves, 1))
    buffer = np.empty((0, n_leaves * n_units), dtype=np.uint32)
    for lo in range(0, draws, chunk):
        hi = min(draws, lo + chunk)
        c = hi - lo
        w_area = None
        if weights:  # each draw: its area weights first, then its cells
            u_area = np.stack([streams[d].uniform(1 - weights, 1 + weights, len(area_max))
                               for d in range(lo, hi)])
            scaled = area_max * u_area
            w_area = scaled * (ed.scale / scaled.sum(axis=1, keepdims=True)) / area_max
        bits = None
        if not tol.is_zero():
            if len(buffer) != c:
                buffer = np.empty((c, n_leaves * n_units), dtype=np.uint32)
            for k, d in enumerate(range(lo, hi)):
                _random_bits(streams[d], n_leaves * n_units, buffer[k])
            bits = buffer
        key = _scores(run, perturb, bits, c, w_area)
        band[lo:hi] = _bands(key, ed.band_mins())
        ranked_key = np.where(run.inputs.ranked[None, :], key, np.nan)  # others: no rank
        rank[lo:hi], group_rank[lo:hi] = _ranks(ranked_key, groups, ed.ties)
        if progress is not None:
            progress(c)
    return Uncertainty(run, draws, seed, tol, weights, rank, group_rank, band)
