"""Tables of the analysis commands (whatif, plan, weak, uncertainty) as data.

Like :mod:`parindex.report.tables`, nothing here prints: each function returns pandas frames
with Vietnamese headers by default (English with ``lang="en"``) and numbers left as numbers
(ranks as text, so a missing rank is blank rather than ``nan``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from parindex import words
from parindex.lang import typed_text
from parindex.report.tables import fmt

if TYPE_CHECKING:  # only named here: `weak` needs none of them (plan loads the rule models)
    from parindex.analysis.plan import Plan
    from parindex.analysis.uncertainty import Uncertainty
    from parindex.analysis.whatif import WhatIf
    from parindex.scoring.run import Run


def label(key: str, lang: str) -> str:
    """A heading or word of these tables (``label.KEY`` in :data:`parindex.words.WORDS`)."""
    return words.t(f"label.{key}", lang)


def _both(key: str, when: str, lang: str) -> str:
    return f"{label(key, lang)} ({label(when, lang).lower()})"


def _rank(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def _span(lo: Any, hi: Any) -> str:
    lo, hi = _rank(lo), _rank(hi)
    return lo if lo == hi else f"{lo}–{hi}"


# ---------------------------------------------------------------------------- whatif


def changes_frame(w: WhatIf, lang: str) -> pd.DataFrame:
    leaves = {lf.code: lf.name for lf in w.after.edition.leaves}
    rows = [{label("unit", lang): c["unit"], label("criterion", lang): c["criterion"],
             label("name", lang): leaves[c["criterion"]],
             label("from", lang): typed_text(c["from"], lang),
             label("to", lang): typed_text(c["to"], lang),
             label("points_before", lang): c["points_before"],
             label("points_after", lang): c["points_after"]} for c in w.changes_json()]
    return pd.DataFrame(rows)


def units_frame(before: Run, after: Run, units: list[int], lang: str) -> pd.DataFrame:
    """Changed (or planned) units: total, index, band, rank, group rank before and after;
    one row per figure for a single unit, one row per unit for several."""
    keys = ("total", "index", "band", "rank", "group_rank")
    pairs = [(before.unit_result(i), after.unit_result(i)) for i in units]

    def show(key: str, r: dict[str, Any]) -> Any:
        return r[key] if key in ("total", "index") else _rank(r[key])

    if len(pairs) == 1:
        b, a = pairs[0]
        return pd.DataFrame({f"{a['code']} — {a['name']}": [label(k, lang) for k in keys],
                             label("before", lang): [show(k, b) for k in keys],
                             label("after", lang): [show(k, a) for k in keys]})
    rows = []
    for b, a in pairs:
        row: dict[str, Any] = {label("code", lang): a["code"], label("unit", lang): a["name"]}
        for key in keys:
            row[_both(key, "before", lang)] = show(key, b)
            row[_both(key, "after", lang)] = show(key, a)
        rows.append(row)
    return pd.DataFrame(rows)


def ranks_frame(before: Run, after: Run, lang: str, only: set[str] | None = None
                ) -> pd.DataFrame:
    """Every unit (or those in ``only``) side by side in two runs, by the second run's rank."""
    from parindex.analysis.whatif import rank_table

    rows = []
    for r in rank_table(before, after):
        if only is not None and r["code"] not in only:
            continue
        row: dict[str, Any] = {label("code", lang): r["code"], label("unit", lang): r["name"],
                               label("group", lang): r["group"]}
        row[_both("index", "before", lang)] = r["index_before"]
        row[_both("index", "after", lang)] = r["index_after"]
        for key in ("band", "rank", "group_rank"):
            row[_both(key, "before", lang)] = _rank(r[f"{key}_before"])
            row[_both(key, "after", lang)] = _rank(r[f"{key}_after"])
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- plan


def plan_frames(p: Plan, lang: str, data: dict[str, Any] | None = None
                ) -> dict[str, pd.DataFrame]:
    """``changes`` (the plan), ``units`` (before and after), ``options`` (every feasible
    improvement of the unit); ``data`` is ``p.to_json()`` when already made."""
    data = p.to_json() if data is None else data
    names = {lf.code: lf.name for lf in p.before.edition.leaves}
    changes = pd.DataFrame([{label("criterion", lang): c["criterion"],
                             label("name", lang): names[c["criterion"]],
                             label("from", lang): typed_text(c["from"], lang),
                             label("to", lang): typed_text(c["to"], lang),
                             label("points_gained", lang): c["points_gained"],
                             label("cost", lang): c["cost"]} for c in data["changes"]])
    options = pd.DataFrame([{label("criterion", lang): leaf["criterion"],
                             label("name", lang): names[leaf["criterion"]],
                             label("from", lang): typed_text(leaf["from"], lang),
                             label("level", lang): str(o["level"]),
                             label("to", lang): typed_text(o["to"], lang),
                             label("points_gained", lang): o["points_gained"]}
                            for leaf in data["improvements"] for o in leaf["options"]])
    return {"changes": changes, "units": units_frame(p.before, p.after, [p.unit], lang),
            "options": options}


# ---------------------------------------------------------------------------- weak


def weak_unit_frames(report: dict[str, Any], lang: str) -> dict[str, pd.DataFrame]:
    """One unit: leaves by points lost; areas below the group median; areas below the band."""
    status = {"": "", "missing": label("missing", lang), "na": label("na", lang)}
    lost = pd.DataFrame([{label("criterion", lang): r["criterion"],
                          label("name", lang): r["name"], label("area", lang): r["area"],
                          label("max", lang): r["max"], label("points", lang): r["points"],
                          label("lost", lang): r["lost"],
                          label("status", lang): status[r["status"]],
                          label("below_median", lang): label("yes", lang)
                          if r["below_group_median"] else ""} for r in report["lost"]])
    areas = pd.DataFrame([{label("area", lang): r["area"], label("name", lang): r["name"],
                           label("index", lang): r["index"],
                           label("group_median", lang): r["group_median"]}
                          for r in report["below_group_median"]["areas"]])
    band = pd.DataFrame([{label("area", lang): r["area"], label("name", lang): r["name"],
                          label("index", lang): r["index"],
                          label("band_min", lang): report["band_min"]}
                         for r in report["areas_below_band"]])
    return {"lost": lost, "below_group_median": areas, "below_band": band}


def weak_table(run: Run, reports: list[dict[str, Any]] | None, lang: str) -> pd.DataFrame:
    """The summary table of ``weak``, every unit in one row (points lost, the three biggest
    losses, areas trailing): from the reports when they were made (for JSON, or
    kept to an owner's leaves), else straight from the arrays (a tenth of the time)."""
    from parindex.analysis.weak import summary

    return summary_frame(summary(run) if reports is None else summary_columns(reports), lang)


def summary_columns(reports: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The columns of :func:`parindex.analysis.weak.summary` taken from the reports of
    :func:`parindex.analysis.weak.weak` (which ``--owner`` has kept to its leaves)."""
    heads = ("code", "name", "group", "index", "band", "rank", "group_rank")
    return {"heads": [tuple(r[k] for k in heads) for r in reports],
            "points_lost": [r["points_lost"] for r in reports],
            "top": [[(x["criterion"], x["lost"]) for x in r["lost"][:3]] for r in reports],
            "areas_below_median": [[a["area"] for a in r["below_group_median"]["areas"]]
                                   for r in reports],
            "areas_below_band": [[a["area"] for a in r["areas_below_band"]] for r in reports]}


def summary_frame(columns: dict[str, list[Any]], lang: str) -> pd.DataFrame:
    """The summary table of ``weak`` from its columns (:func:`parindex.analysis.weak.summary`
    makes them for every unit at once)."""
    heads = [label(k, lang) for k in ("rank", "code", "unit", "index", "band", "lost",
                                       "top_lost", "areas_below_median", "areas_below_band")]
    rows = [dict(zip(heads, (
        _rank(rank), code, name, index, band or "", points_lost,
        "; ".join(f"{criterion} ({fmt(lost, lang)})" for criterion, lost in top),
        ", ".join(below_median), ", ".join(below_band)), strict=True))
        for (code, name, _group, index, band, rank, _group_rank), points_lost, top,
        below_median, below_band in zip(
            columns["heads"], columns["points_lost"], columns["top"],
            columns["areas_below_median"], columns["areas_below_band"], strict=True)]
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- uncertainty


def uncertainty_frame(u: Uncertainty, lang: str) -> pd.DataFrame:
    rows = []
    for r in u.summary():
        row: dict[str, Any] = {
            label("rank", lang): _rank(r["rank"]), label("code", lang): r["code"],
            label("unit", lang): r["name"], label("index", lang): r["index"],
            label("band", lang): r["band"] or "",
            label("rank_median", lang): _rank(r["rank_median"]),
            label("rank_band", lang): _span(r["rank_p5"], r["rank_p95"]),
            label("group_rank", lang): _rank(r["group_rank"]),
            label("group_rank_median", lang): _rank(r["group_rank_median"]),
            label("group_rank_band", lang): _span(r["group_rank_p5"], r["group_rank_p95"]),
        }
        for name, p in r["band_probability"].items():
            row[f"P({name}) %"] = p * 100.0
        rows.append(row)
    return pd.DataFrame(rows)
