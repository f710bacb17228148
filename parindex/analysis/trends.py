"""Trends across assessment years that stay comparable when editions and units change.

Two things change between years and both are bridged here, as data (the figures are in
:mod:`parindex.report.charts`):

- **Editions.** An edition may declare ``previous: {edition, areas}`` mapping each of its
  areas to one or more areas of the edition before it (CONTRACT §1). An older year's
  component index for a current area is computed over the mapped areas *pooled* — their
  points over their applicable max — so "5 → [5, 6]" compares like with like. Mappings
  chain (2024 → 2017 → 2011) when each edition declares its predecessor. A current area
  with no mapping into an older edition has no value in those years (a gap, not a zero).
- **Mergers.** A bundle's ``lineage`` table (``code, predecessor``) says a unit was formed
  from others. For the years before the first bundle that lists it, the merged unit's index
  is the **unweighted mean of its predecessors' indexes** in that year (each predecessor
  that was scored counts once; a predecessor may itself be merged, recursively). The mean
  is what the merged unit's index would be if it kept the average standing of its parts;
  weighting by population or caseload would need data bundles do not carry. Derived points
  are flagged (``derived``, ``via``) so charts can draw them differently. A unit that keeps
  one predecessor's code lists itself among its predecessors.

Only the units of the latest year are followed: a unit that was merged away appears through
its successor. A unit with a value (real or derived) in fewer than two of the years has no
trend to draw and is left out of the trend frame (a new unit shows in the league table).

Bundles that cannot make a trend — an earlier year sharing no unit with the latest (not even
through ``lineage``), or bundles of different authorities — are told to the user as warnings
(:func:`comparability_problems`); the report is still made.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from parindex.errors import Problem
from parindex.scoring.run import Run, sorted_runs

if TYPE_CHECKING:
    from parindex.criteria.model import Edition

_MAX_CHAIN = 20


def lineage(runs: Sequence[Run]) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Merged unit → (first year listed, its predecessors) from every bundle's ``lineage``."""
    found: dict[str, tuple[int, list[str]]] = {}
    for run in runs:
        table = run.bundle.table("lineage") if run.bundle is not None else None
        if table is None or len(table) == 0:
            continue
        for code, pred in zip(table["code"], table["predecessor"], strict=True):
            code, pred = str(code).strip(), str(pred).strip()
            if not code or not pred:
                continue
            year, preds = found.get(code, (run.year, []))
            if pred not in preds:
                preds.append(pred)
            found[code] = (min(year, run.year), preds)
    return {code: (year, tuple(preds)) for code, (year, preds) in found.items()}


def unit_trends_frame(runs: Sequence[Run], min_years: int = 2) -> pd.DataFrame:
    """One row per unit of the latest year and per year: the index, real or derived.

    Columns: ``code, name, group, year, index`` (NaN when no value), ``derived`` (True when
    taken from predecessors) and ``via`` (the predecessor codes whose indexes were averaged).
    Units in the latest year's rank order; only units with a value in at least ``min_years``
    of the years (a line needs two points)."""
    runs = sorted_runs(runs)
    if not runs:
        return pd.DataFrame(columns=["code", "name", "group", "year", "index", "derived", "via"])
    values: dict[tuple[int, str], float] = {}
    for run in runs:
        for code, idx in zip(run.units["code"], run.scores.index, strict=True):
            values[(run.year, str(code))] = float(idx)
    merged = lineage(runs)

    def value(code: str, year: int, seen: frozenset[str]) -> tuple[float, tuple[str, ...]]:
        since = merged.get(code)
        if since is None or year >= since[0] or code in seen:
            v = values.get((year, code), math.nan)
            return v, ((code,) if not math.isnan(v) else ())
        parts: list[float] = []
        used: list[str] = []
        for pred in since[1]:
            v, via = ((values.get((year, pred), math.nan), (pred,)) if pred == code
                      else value(pred, year, seen | {code}))
            if not math.isnan(v):
                parts.append(v)
                used.extend(via)
        return (float(np.mean(parts)) if parts else math.nan), tuple(used)

    latest = runs[-1]
    rows = []
    for i in map(int, latest.order()):
        u = latest.units.iloc[i]
        code = str(u["code"])
        for run in runs:
            v, via = value(code, run.year, frozenset())
            derived = via != (code,) and bool(via)
            rows.append({"code": code, "name": u["name"], "group": u["group"],
                         "year": run.year, "index": v, "derived": derived,
                         "via": via if derived else ()})
    df = pd.DataFrame(rows, columns=["code", "name", "group", "year", "index", "derived", "via"])
    years = df["index"].notna().groupby(df["code"], sort=False).transform("sum")
    return df[years >= min_years].reset_index(drop=True)


def comparability_problems(runs: Sequence[Run]) -> list[Problem]:
    """Warnings for bundles that make no trend together: an earlier year sharing no unit
    with the latest (codes, or their predecessors in ``lineage``), and bundles of different
    authorities (compared trimmed and case-blind; blank authorities are not compared)."""
    runs = sorted_runs(runs)
    if len(runs) < 2:
        return []
    latest = runs[-1]
    merged = lineage(runs)
    followed: set[str] = set()
    todo = [str(c) for c in latest.units["code"]]
    while todo:
        code = todo.pop()
        if code not in followed:
            followed.add(code)
            todo.extend(merged.get(code, (0, ()))[1])
    out = [Problem.of("report.no_shared_units", _name(run), severity="warning", year=run.year,
                      latest=latest.year)
           for run in runs[:-1] if not followed & {str(c) for c in run.units["code"]}]
    authorities = {a.strip().casefold(): a.strip() for a in
                   (r.bundle.authority if r.bundle is not None else "" for r in runs)
                   if a.strip()}
    if len(authorities) > 1:
        out.append(Problem.of("report.authorities", _name(latest), severity="warning",
                              authorities="; ".join(authorities.values())))
    return out


def _name(run: Run) -> str:
    return str(run.bundle.path) if run.bundle is not None else str(run.year)


def area_mapping(latest: Edition, target: str, models: dict[str, Edition]
                 ) -> dict[str, list[str]] | None:
    """Each area of ``latest`` → the areas of edition ``target`` it continues; None if the
    chain of ``previous`` declarations does not reach ``target``."""
    mapping = {a.code: [a.code] for a in latest.areas}
    current = latest
    for _ in range(_MAX_CHAIN):
        if current.edition == target:
            return mapping
        prev = current.previous
        if prev is None:
            return None
        step = {k: [v] if isinstance(v, str) else list(v) for k, v in prev.areas.items()}
        mapping = {a: list(dict.fromkeys(o for c in codes for o in step.get(c, [])))
                   for a, codes in mapping.items()}
        if prev.edition == target:
            return mapping
        nxt = models.get(prev.edition) or _load_model(prev.edition)
        if nxt is None:
            return None
        current = nxt
    return None


def _load_model(edition_id: str) -> Edition | None:
    from parindex.criteria import load_edition
    from parindex.errors import ParIndexError

    try:
        return load_edition(edition_id).model
    except (ParIndexError, OSError, ValueError):
        return None


def area_trends_frame(runs: Sequence[Run]) -> pd.DataFrame:
    """One row per area of the latest edition and per year: the mean component index.

    Columns: ``area, name, year, index`` (mean over that year's units of each unit's pooled
    component index of the mapped areas; NaN when unmapped), ``edition``, ``mapped``
    (the older edition's area codes, ``"5+6"``; empty in the latest edition)."""
    runs = sorted_runs(runs)
    if not runs:
        return pd.DataFrame(columns=["area", "name", "year", "index", "edition", "mapped"])
    latest = runs[-1].edition.model
    models = {r.edition.id: r.edition.model for r in runs}
    rows = []
    for run in runs:
        ed = run.edition
        mapping = area_mapping(latest, ed.id, models)
        position = {a.code: k for k, a in enumerate(ed.areas)}
        s = run.scores
        for area in latest.areas:
            codes = [c for c in (mapping or {}).get(area.code, []) if c in position]
            value = math.nan
            if codes:
                cols = [position[c] for c in codes]
                pts = s.area_points[:, cols].sum(axis=1)
                mx = s.area_max[:, cols].sum(axis=1)
                with np.errstate(divide="ignore", invalid="ignore"):
                    ci = np.where(mx > 0, pts / mx * 100.0, np.nan)
                if np.isfinite(ci).any():
                    value = float(np.nanmean(ci))
            rows.append({"area": area.code, "name": area.name, "year": run.year,
                         "index": value, "edition": ed.id,
                         "mapped": "" if ed.id == latest.edition else "+".join(codes)})
    return pd.DataFrame(rows)


def edition_changes(runs: Sequence[Run]) -> list[tuple[float, str, str]]:
    """Where the edition changes between consecutive years: (x between the years, from, to)."""
    runs = sorted_runs(runs)
    return [((a.year + b.year) / 2, a.edition.id, b.edition.id)
            for a, b in pairwise(runs) if a.edition.id != b.edition.id]


__all__ = ["area_mapping", "area_trends_frame", "comparability_problems", "edition_changes",
           "lineage", "unit_trends_frame"]
