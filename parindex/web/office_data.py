"""The office's pages as data: a cycle's progress per unit, its league rows and charts, a
unit's explanation, plan and what-if — each read from the cycle's run (scored once per data
version, :func:`parindex.web.scores.cycle_run`) through the same functions as the command
line (``league_rows``, ``explain_frame``, ``analysis.plan``, ``Run.with_changes``).

Numbers are written here once, the language's way (:func:`parindex.report.tables.fmt`), so
the templates only place text: a league of 3,321 communes renders without a filter call per
cell and without a query per row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.db.models import Count, Q, prefetch_related_objects

from parindex.analysis.plan import parse_target
from parindex.analysis.plan import plan as make_plan
from parindex.errors import EvidenceError, said
from parindex.evidence.states import MISSING
from parindex.lang import typed_text
from parindex.report import charts
from parindex.report.html import figure_json
from parindex.report.rows import area_keys, league_rows
from parindex.report.tables import EXPLAIN_COLUMNS, explain_frame, fmt
from parindex.scoring.run import Change, Run, input_text
from parindex.web import models as m
from parindex.web.permissions import deadline_of, today
from parindex.web.scores import reason
from parindex.web.templatetags.words import day

#: above this many units the league page draws only the band chart (a bar and a heatmap
#: row per unit would be pages tall)
CHART_UNITS = 300


@dataclass(frozen=True)
class Progress:
    """One unit's progress in the cycle, written for the page (a table of 3,321 rows renders
    plain text: no filter or number formatting per cell)."""

    code: str
    name: str
    group: str
    filled: str
    missing: str  # "—" when the cycle's rows do not score
    submitted: str  # dd/mm/yyyy hh:mm, "" when not submitted
    deadline: str
    late: bool
    href: str  # the unit's pages: HREF, HREFexplain/, HREFplan/
    member: m.Member


@dataclass
class Counts:
    units: int = 0
    submitted: int = 0
    late: int = 0
    complete: int = 0

    @property
    def not_submitted(self) -> int:
        return self.units - self.submitted


def positions(run: Run) -> dict[str, int]:
    """Unit code → its position in the run."""
    return {str(c): i for i, c in enumerate(run.units["code"].tolist())}


def progress(cycle: m.Cycle, run: Run | None, only: set[str] | None = None
             ) -> tuple[list[Progress], Counts]:
    """Every unit of the cycle (of ``only``, when given) in its order: leaves filled (its
    evidence rows with a declared value), leaves missing (the result's ``missing`` list),
    submitted or not, late (the self-assessment deadline, or the unit's extension, passed
    without submission)."""
    prefetch_related_objects([cycle], "deadlines")  # read once, not once per unit
    members = (m.Member.objects.filter(cycle=cycle).select_related("unit")
               .prefetch_related("extensions")
               .annotate(filled=Count("evidence", filter=~Q(evidence__value="")))
               .order_by("position", "id"))
    missing = (run.scores.state == MISSING).sum(axis=1).tolist() if run is not None else []
    where = positions(run) if run is not None else {}
    now, counts, rows = today(), Counts(), []
    for mb in members:
        if only is not None and mb.unit.code not in only:
            continue
        i = where.get(mb.unit.code)
        last = deadline_of(cycle, "self_assessment", mb)
        late = mb.submitted_at is None and last is not None and now > last
        lost = None if i is None else int(missing[i])
        rows.append(Progress(mb.unit.code, mb.name, mb.group, str(mb.filled),
                             "—" if lost is None else str(lost), day(mb.submitted_at),
                             day(last), late, f"/cycles/{cycle.id}/units/{quote(mb.unit.code)}/",
                             mb))
        counts.units += 1
        counts.submitted += mb.submitted_at is not None
        counts.late += late
        counts.complete += lost == 0
    return rows, counts


@dataclass(frozen=True)
class League:
    """The league table as text cells, in the order of ``parindex rank``."""

    areas: list[tuple[str, str]]  # (code, name)
    rows: list[dict[str, Any]]


def league(run: Run, lang: str, units: str = "") -> League:
    """The league rows of the command line (rank order), numbers written for ``lang``;
    ``href`` is a unit's explain page under ``units`` (``/cycles/ID/units/``)."""
    rows = league_rows(run)
    keys = area_keys(run)
    out = []
    for r in rows.to_dict(orient="records"):
        out.append({
            "rank": fmt(r["rank"], lang), "code": r["code"], "name": r["name"],
            "group": r["group"], "group_rank": fmt(r["group_rank"], lang),
            "areas": [fmt(r[k], lang) for k in keys],
            "total": fmt(r["total"], lang), "max": fmt(r["applicable_max"], lang),
            "index": fmt(r["index"], lang), "band": r["band"] or "",
            "href": f"{units}{quote(str(r['code']))}/explain/"})
    return League([(a.code, a.name) for a in run.edition.areas], out)


def chart_blocks(run: Run, lang: str) -> list[tuple[str, Any]]:
    """The report's charts (id, plotly JSON without its template): the ranking and the
    areas heatmap for a cycle of up to :data:`CHART_UNITS` units, the bands always."""
    figures = [("fig-bands", charts.band_distribution_data(run, lang))]
    if len(run.units) <= CHART_UNITS:
        figures = [("fig-ranking", charts.ranking_bar_data(run, lang)), *figures,
                   ("fig-heatmap", charts.area_heatmap_data(run, lang))]
    return [(fid, json.loads(figure_json(fig))) for fid, fig in figures]


def plotly_template() -> Any:
    """The one template every chart is drawn with (plotly_white), as the report."""
    import plotly.io as pio

    return json.loads(json.dumps(pio.templates["plotly_white"].to_plotly_json(),
                                 default=str))


def unit_header(run: Run, i: int, ranks: bool, lang: str) -> dict[str, Any]:
    """A unit's result (CONTRACT §4) and its figures as text; ranks blank unless allowed."""
    r = run.unit_result(i)
    if not ranks:
        r["rank"] = r["group_rank"] = None
    shown = {k: fmt(r[k], lang) for k in ("total", "applicable_max", "index", "rank",
                                           "group_rank", "self_points", "appraised_points",
                                           "survey_points", "bonus", "penalty")}
    return {**r, "shown": shown}


def explain_rows(run: Run, i: int, lang: str) -> list[dict[str, Any]]:
    """Every leaf: input → rule → self / appraised points, points lost, evidence (the
    frame of ``parindex explain``, the language's words and numbers)."""
    df = explain_frame(run, i, lang)
    df.columns = list(EXPLAIN_COLUMNS)
    rows: list[dict[str, Any]] = []
    for r in df.to_dict(orient="records"):
        row = {str(k): v for k, v in r.items()}
        for k in ("max", "self_points", "appraised_points", "points_lost"):
            row[k] = fmt(row[k], lang)
        rows.append(row)
    return rows


@dataclass
class PlanView:
    """A plan for the page: the CLI's plan JSON, or why there is none."""

    target: str = ""
    error: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    #: the moves, their figures written for the page
    changes: list[dict[str, str]] = field(default_factory=list)
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)


def plan_view(run: Run, i: int, target: str, ranks: bool, lang: str) -> PlanView:
    """The plan of ``parindex plan UNIT --target TARGET`` (no costs, no extra levers); a
    rank target only for those who may see ranks."""
    view = PlanView(target=target)
    if not target:
        return view
    try:
        goal = parse_target(target, run.edition)
    except ValueError as exc:
        view.error = said(exc, lang)
        return view
    if goal.kind in ("rank", "group") and not ranks:
        view.error = "rank"
        return view
    view.data = make_plan(run, i, goal).to_json()
    if not ranks:  # the plan's units as the caller may see them
        for side in ("before", "after"):
            view.data[side]["rank"] = view.data[side]["group_rank"] = None
    names = {lf.code: lf.name for lf in run.edition.leaves}
    view.changes = [{"criterion": c["criterion"], "name": names[c["criterion"]],
                     "from": typed_text(c["from"], lang), "to": typed_text(c["to"], lang),
                     "gained": fmt(c["points_gained"], lang)} for c in view.data["changes"]]
    for side in ("before", "after"):
        r = view.data[side]
        setattr(view, side, {k: fmt(r[k] if ranks or k != "rank" else None, lang)
                             for k in ("total", "index", "rank")})
    return view


@dataclass
class WhatIf:
    """Inputs typed in the form, and the unit before and after (nothing saved)."""

    leaves: list[dict[str, str]]
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    moved: list[dict[str, str]] = field(default_factory=list)


def whatif_view(run: Run, i: int, typed: dict[str, str], ranks: bool, lang: str) -> WhatIf:
    """The unit's appraised inputs as the form shows them; with ``typed`` (code → text),
    the changed ones applied through :meth:`Run.with_changes`."""
    code = str(run.units["code"].iloc[i])
    leaves, changes = [], []
    for lf in run.edition.leaves:
        now = typed_text(input_text(run, i, lf.index, "appr"), lang)  # 92,4 in Vietnamese
        value = typed.get(lf.code, now)
        leaves.append({"code": lf.code, "name": lf.name, "now": now, "value": value})
        if value.strip() != now.strip():
            changes.append(Change(code, lf.code, value.strip()))
    view = WhatIf(leaves, changes)
    if not changes:
        return view
    try:
        after = run.with_changes(changes)
    except EvidenceError as exc:
        view.errors = [f"{p.location}: {reason(p, lang)}" for p in exc.problems]
        return view
    view.before = unit_header(run, i, ranks, lang)
    view.after = unit_header(after, i, ranks, lang)
    s0, s1 = run.scores, after.scores
    view.moved = [{"code": c.criterion, "before": fmt(float(s0.leaf_appr[i, j]), lang),
                   "after": fmt(float(s1.leaf_appr[i, j]), lang)}
                  for c in changes for j in [run.edition.leaf_index[c.criterion]]]
    return view
