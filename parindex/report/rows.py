"""The league rows: one frame of every unit's results, from which every league table is cut.

:func:`league_rows` builds it straight from the run's arrays, once: one row per unit in rank
order (:meth:`~parindex.scoring.run.Run.order`), indexed by the unit's position in the run,
with canonical column keys —

    code, name, type, group, self_points, appraised_points, survey_points, bonus, penalty,
    total, applicable_max, index, band, rank, group_rank, ranked, then ``area:CODE`` (the
    unit's points on each area, in edition order; :func:`area_keys`).

The terminal and CSV results (:func:`parindex.report.tables.results_frame`), the published
league tables per group (:func:`~parindex.report.tables.league_frames`, also ``rank --format
json``), the overall and published sheets (:mod:`parindex.report.published`, the workbook) and
the HTML league table select, order and rename columns of this frame; none of them reads the
score arrays itself.

Types, so that renderers show what they showed before: points and the index are floats (NaN
for an index without an applicable max); ``rank`` and ``group_rank`` are whole numbers in an
object column, ``None`` for unranked units (a float column would print "1,00"); ``band`` is
the band's name or ``None``; ``ranked`` is a bool. The CONTRACT's JSON objects
(:meth:`~parindex.scoring.run.Run.unit_results`) stay in ``scoring``: analyses below
``report`` use them too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from parindex.scoring.run import Run, column_or_none

#: the figures of a unit, in the order of the frame's columns
FIGURES = ("self_points", "appraised_points", "survey_points", "bonus", "penalty", "total",
           "applicable_max", "index")
#: the figures of a published league row after the area columns
TOTALS = ("self_points", "appraised_points", "survey_points", "bonus", "penalty", "total",
          "index")
AREA = "area:"


def area_keys(run: Run) -> list[str]:
    """The area columns' keys, in edition order: ``area:1``, ``area:2`` …"""
    return [f"{AREA}{a.code}" for a in run.edition.areas]


def area_titles(run: Run, short: bool = False) -> dict[str, str]:
    """Area key → its published heading: ``"1. Công tác chỉ đạo…"``, or the code with
    ``short`` (terminal tables, with :func:`~parindex.report.tables.area_legend` below)."""
    return {k: a.code if short else f"{a.code}. {a.name}"
            for k, a in zip(area_keys(run), run.edition.areas, strict=True)}


def league_rows(run: Run) -> pd.DataFrame:
    """Every unit's results by rank, canonical keys (module docstring), indexed by position."""
    s = run.scores
    order = np.asarray(run.order(), dtype=np.intp)
    units = run.units.iloc[order]
    cols: dict[str, Any] = {c: units[c].to_numpy(dtype=object) for c in
                            ("code", "name", "type", "group")}
    for key in FIGURES:
        cols[key] = getattr(s, key)[order].astype(float)
    names = run.edition.band_names()
    cols["band"] = np.array([names[b] if b >= 0 else None for b in s.band[order].tolist()],
                            dtype=object)
    for key in ("rank", "group_rank"):
        cols[key] = np.array(column_or_none(getattr(s, key)[order], int), dtype=object)
    cols["ranked"] = run.inputs.ranked[order].astype(bool)
    points = s.area_points[order]
    for k, key in enumerate(area_keys(run)):
        cols[key] = points[:, k].astype(float)
    return pd.DataFrame(cols, index=pd.Index(order, name="position"))


def select(rows: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The ``columns`` (key → heading) of ``rows``, in that order, headed, numbered from 0."""
    return rows[list(columns)].rename(columns=columns).reset_index(drop=True)


__all__ = ["AREA", "FIGURES", "TOTALS", "area_keys", "area_titles", "league_rows", "select"]
