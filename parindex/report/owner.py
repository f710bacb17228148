"""A department's own figures (``--owner NAME``, issue #15 item 5): each unit's points,
applicable max and index on the areas that department owns (the seed's projected
self-assessment each phòng reports every quarter).

``score --owner`` lists every unit (:func:`owner_results`); ``explain``, ``weak`` and ``plan``
with ``--owner`` keep only the leaves of the owned areas (:func:`owned_leaves`,
:func:`owner_weak`) and show the unit's figures on them (:func:`owner_figures`). The points and
maxima are the run's own area figures, summed; the index is computed from those sums, never
averaged over areas — :func:`owner_figures` is the one place that is written.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from parindex.errors import EvidenceError, Problem
from parindex.report.tables import header
from parindex.scoring.run import Run


def owners(run: Run) -> list[str]:
    """The departments that own areas of the run's edition, in its order; an edition that
    names none is refused (``--owner`` cannot mean anything there)."""
    found = list(dict.fromkeys(a.owner for a in run.edition.areas if a.owner))
    if not found:
        raise EvidenceError([Problem.of("pick.owner.none", run.edition.id, field="owner",
                                        edition=run.edition.id)])
    return found


def owned_areas(run: Run, owner: str) -> list[int]:
    """The positions of the areas ``owner`` owns (the name as the edition writes it)."""
    return [k for k, area in enumerate(run.edition.areas) if area.owner == owner]


def owned_leaves(run: Run, areas: list[int]) -> np.ndarray:
    """Per leaf of the edition, whether it lies in one of ``areas`` (positions)."""
    return np.isin([lf.area for lf in run.edition.leaves], areas)


def owner_figures(result: dict[str, Any], areas: list[int]) -> dict[str, Any]:
    """A unit's points, max and index on ``areas``, from its ``unit_result`` (CONTRACT §4):
    ``{"points", "max", "index", "areas"}``; the index is null when the max is 0."""
    own = [result["areas"][k] for k in areas]
    points = sum(a["points"] for a in own)
    top = sum(a["max"] for a in own)
    return {"points": points, "max": top, "index": points / top * 100 if top else None,
            "areas": own}


def owner_results(run: Run, owner: str) -> dict[str, Any]:
    """The JSON of ``score --owner``: the owner, its areas, and each unit (by rank) with its
    points, max and index on them, and those areas' own figures."""
    areas = owned_areas(run, owner)
    units = [{"code": result["code"], "name": result["name"], "group": result["group"],
              **owner_figures(result, areas)}
             for result in run.unit_results(run.order())]
    return {"edition": run.edition.id, "year": run.year, "owner": owner,
            "areas": [run.edition.areas[k].code for k in areas], "units": units}


def owner_unit(run: Run, owner: str, unit: int) -> dict[str, Any]:
    """One unit's figures on the owner's areas, for ``explain`` / ``weak`` / ``plan``:
    ``{"owner", "areas" (codes), "points", "max", "index"}``."""
    areas = owned_areas(run, owner)
    figures = owner_figures(run.unit_result(unit), areas)
    return {"owner": owner, "areas": [run.edition.areas[k].code for k in areas],
            "points": figures["points"], "max": figures["max"], "index": figures["index"]}


def owner_weak(run: Run, report: dict[str, Any], areas: list[int]) -> dict[str, Any]:
    """A unit's ``weak`` report kept to the leaves and areas of ``areas`` (positions): the
    points lost are those of the kept leaves."""
    ed = run.edition
    codes = {ed.areas[k].code for k in areas}
    leaves = {lf.code for lf in ed.leaves if lf.area in areas}
    lost = [r for r in report["lost"] if r["criterion"] in leaves]
    below = report["below_group_median"]
    return {**report, "points_lost": float(sum(r["lost"] for r in lost)), "lost": lost,
            "below_group_median": {
                "areas": [a for a in below["areas"] if a["area"] in codes],
                "criteria": [c for c in below["criteria"] if c["criterion"] in leaves]},
            "areas_below_band": [a for a in report["areas_below_band"] if a["area"] in codes]}


def owner_frame(data: dict[str, Any], lang: str = "vi") -> pd.DataFrame:
    """The table of ``score --owner``: a row per unit, a column per owned area, then the
    points, the applicable max and the index on them."""
    rows = []
    for unit in data["units"]:
        row: dict[str, Any] = {header("code", lang): unit["code"],
                               header("unit", lang): unit["name"],
                               header("group", lang): unit["group"]}
        row |= {f"{a['code']}. {a['name']}": a["points"] for a in unit["areas"]}
        row |= {header("total", lang): unit["points"],
                header("applicable_max", lang): unit["max"],
                header("index", lang): unit["index"]}
        rows.append(row)
    return pd.DataFrame(rows)
