"""A department's own figures (``parindex score BUNDLE --owner NAME``, issue #15): each unit's
points, applicable max and index on the areas that department owns (the seed's projected
self-assessment each phòng reports every quarter).

The points and maxima are the run's own area figures, summed; the index is computed from
those sums, never averaged over areas.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from parindex.report.tables import header
from parindex.scoring.run import Run


def owned_areas(run: Run, owner: str) -> list[int]:
    """The positions of the areas ``owner`` owns (the name as the edition writes it)."""
    return [k for k, area in enumerate(run.edition.areas) if area.owner == owner]


def owner_results(run: Run, owner: str) -> dict[str, Any]:
    """The JSON of ``score --owner``: the owner, its areas, and each unit (by rank) with its
    points, max and index on them, and those areas' own figures."""
    areas = owned_areas(run, owner)
    units = []
    for result in run.unit_results(run.order()):
        own = [result["areas"][k] for k in areas]
        points = sum(a["points"] for a in own)
        top = sum(a["max"] for a in own)
        units.append({"code": result["code"], "name": result["name"],
                      "group": result["group"], "points": points, "max": top,
                      "index": points / top * 100 if top else None, "areas": own})
    return {"edition": run.edition.id, "year": run.year, "owner": owner,
            "areas": [run.edition.areas[k].code for k in areas], "units": units}


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
