"""The office's pages: a cycle's progress, its league table and charts, a unit's explanation,
its plan and what-if, and the cycle's downloads.

Every page names its action in the permission table (``progress.read``, ``ranks.read``,
``results.read``, ``plan.read``, ``export.read``) and finds the cycle and the unit through
:mod:`parindex.web.services` (404 for a unit the account may not see). Nothing here writes:
the what-if re-scores in memory. Charts are the HTML report's figures, drawn by plotly.js
served from the ``plotly`` package (no other host), their JSON in data blocks that
``office.js`` reads (no inline script).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods

from parindex.errors import EvidenceError
from parindex.scoring.run import Run
from parindex.web import models as m
from parindex.web import office_data as od
from parindex.web import office_rounds, scores, services
from parindex.web.permissions import TABLE, decide, role_of, sees, visible_codes
from parindex.web.services import Refused
from parindex.web.store import compiled
from parindex.web.unit_access import refusals_shown
from parindex.words import t

View = Callable[..., HttpResponse]


def lang_of(request: HttpRequest) -> str:
    return str(getattr(request, "lang", "vi"))


def page(view: View) -> View:
    """A signed-in page; a refusal is shown as a page with its status and reason."""
    return login_required(refusals_shown(view))


def allowed(request: HttpRequest, action: str, cycle: m.Cycle) -> bool:
    return decide(request.user, action, cycle) is None


def _cycle(request: HttpRequest, cycle_id: int, action: str) -> m.Cycle:
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    services.check(request.user, action, cycle, None, lang)
    return cycle


def _cycle_context(request: HttpRequest, cycle: m.Cycle) -> dict[str, Any]:
    """What every office page of a cycle shows at its top (round, deadline, links)."""
    deadline = [d.day for d in cycle.deadlines.all() if d.round == cycle.round]
    return {"cycle": cycle, "deadline": deadline[0] if deadline else None,
            "can_league": allowed(request, "ranks.read", cycle),
            "can_progress": allowed(request, "progress.read", cycle),
            "can_export": allowed(request, "export.read", cycle),
            "can_bundle": allowed(request, "bundle.read", cycle)}


@page
def cycle_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The cycle's round and deadline, and every unit's progress with counts on top."""
    cycle = _cycle(request, cycle_id, "progress.read")
    try:
        run: Run | None = scores.cycle_run(cycle)
    except EvidenceError:  # progress is still shown, without the missing leaves
        run = None
    # an appraiser given some groups follows those units
    rows, counts = od.progress(cycle, run, visible_codes(request.user, cycle))
    links = {r.code for r in rows if sees(request.user, r.member)}
    return render(request, "workspace/office_cycle.html", {
        **_cycle_context(request, cycle), "rows": rows, "counts": counts, "links": links,
        "scored": run is not None, **office_rounds.controls(request, cycle),
        "can_appraise": role_of(request.user) in TABLE["evidence.appraise"].roles,
        "leaves": len(compiled(cycle.edition).leaves)})


@page
def league_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The league table (the rows of ``parindex rank``) and the report's charts."""
    cycle = _cycle(request, cycle_id, "ranks.read")
    lang = lang_of(request)
    run = scores.cycle_run(cycle)
    table = od.league(run, lang, f"/cycles/{cycle.id}/units/")
    readable = None if cycle.round == "published" else visible_codes(request.user, cycle)
    charts = od.chart_blocks(run, lang)
    if readable is not None:  # before publication, an appraiser of some groups: theirs only
        table = od.League(table.areas, [r for r in table.rows if r["code"] in readable])
        charts = []
    visible = {mb.unit.code for mb in m.Member.objects.filter(cycle=cycle)
               .select_related("unit") if sees(request.user, mb)}
    profile = getattr(request.user, "profile", None)
    own = profile.unit.code if profile is not None and profile.unit_id else ""
    return render(request, "workspace/office_league.html", {
        **_cycle_context(request, cycle), "league": table, "links": visible, "own": own,
        "charts": charts, "template": od.plotly_template()})


def _unit(request: HttpRequest, cycle_id: int, code: str, action: str
          ) -> tuple[m.Cycle, m.Member, int, bool]:
    """The cycle, the unit (404 unless the account sees it), its position in the cycle's
    run, and whether ranks may be shown."""
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    member = services.get_member(request.user, cycle, code, lang)
    services.check(request.user, action, cycle, member, lang)
    i = od.positions(scores.cycle_run(cycle)).get(member.unit.code)
    if i is None:
        raise Http404
    return cycle, member, i, allowed(request, "ranks.read", cycle)


@page
def explain_page(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    """Every leaf of one unit, as ``parindex explain``, under the unit's result."""
    cycle, member, i, ranks = _unit(request, cycle_id, code, "results.read")
    run, lang = scores.cycle_run(cycle), lang_of(request)
    return render(request, "workspace/office_explain.html", {
        **_cycle_context(request, cycle), "member": member, "ranks": ranks,
        "unit": od.unit_header(run, i, ranks, lang), "leaves": od.explain_rows(run, i, lang)})


@page
@require_http_methods(["GET", "POST"])
def plan_page(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    """The plan to a band or a rank (``parindex plan``), and a what-if form: inputs changed
    and the unit re-scored in memory (``Run.with_changes``), nothing saved."""
    cycle, member, i, ranks = _unit(request, cycle_id, code, "plan.read")
    run, lang = scores.cycle_run(cycle), lang_of(request)
    target = request.GET.get("target", "").strip()
    rank = request.GET.get("rank", "").strip()
    if rank:
        target = f"rank:{rank}"
    typed = {k[4:]: str(v) for k, v in request.POST.items() if k.startswith("set:")}
    return render(request, "workspace/office_plan.html", {
        **_cycle_context(request, cycle), "member": member, "ranks": ranks,
        "unit": od.unit_header(run, i, ranks, lang),
        "bands": run.edition.band_names(), "target": target, "rank": rank,
        "plan": od.plan_view(run, i, target, ranks, lang),
        "whatif": od.whatif_view(run, i, typed, ranks, lang)})


# -- downloads ---------------------------------------------------------------------------

KINDS = {"bundle": ".xlsx", "league": ".xlsx", "annex": ".docx", "report": ".html"}
TYPES = {".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".html": "text/html; charset=utf-8"}


def _content(cycle: m.Cycle, kind: str, lang: str) -> bytes:
    if kind == "bundle":
        from parindex.web.store import export_cycle

        with tempfile.TemporaryDirectory(prefix="parindex-export-") as tmp:
            return export_cycle(cycle, Path(tmp) / "bundle.xlsx").read_bytes()
    run = scores.cycle_run(cycle)
    if kind == "league":
        from parindex.report.xlsx import league_workbook

        return league_workbook(run, lang)
    if kind == "annex":
        from parindex.report.docx_annex import annex_docx

        return annex_docx(run, lang)
    from parindex.report.html import build_report

    return build_report(_years(cycle, run), lang).encode("utf-8")


def _years(cycle: m.Cycle, run: Run) -> list[Run]:
    """The runs of the report: this cycle's, and one a year for the earlier years of the
    workspace (the latest cycle of each), so the report shows the trends across years."""
    earlier: dict[int, m.Cycle] = {}
    for c in m.Cycle.objects.filter(year__lt=cycle.year).order_by("id"):
        earlier[c.year] = c
    runs = []
    for c in earlier.values():
        try:
            runs.append(scores.cycle_run(c))
        except EvidenceError:
            continue  # a year whose rows do not score is left out of the trends
    return [*runs, run]


@page
def sheet_download(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    """One unit's criterion-by-criterion scoring sheet (.docx, ready to sign). It shows the
    rank, so a unit account has it with publication; the office and the council at once."""
    from parindex.report.docx_annex import unit_sheet_docx

    cycle, member, i, ranks = _unit(request, cycle_id, code, "results.read")
    lang = lang_of(request)
    if not ranks:
        raise Refused(403, "not_allowed", t("web.office.sheet_after", lang))
    response = HttpResponse(unit_sheet_docx(scores.cycle_run(cycle), i, lang),
                            content_type=TYPES[".docx"])
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"phieu-cham-{cycle.name}-{member.code}")
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@page
def download(request: HttpRequest, cycle_id: int, kind: str) -> HttpResponse:
    """The cycle as a bundle, the league workbook, the decision annex or the HTML report,
    always as an attachment."""
    if kind not in KINDS:
        raise Http404
    cycle = _cycle(request, cycle_id, "bundle.read" if kind == "bundle" else "export.read")
    suffix = KINDS[kind]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"parindex-{cycle.name}-{kind}") + suffix
    response = HttpResponse(_content(cycle, kind, lang_of(request)),
                            content_type=TYPES[suffix])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def plotly_js(_request: HttpRequest) -> FileResponse:
    """plotly.js from the ``plotly`` package (served here: no request to another host)."""
    found = resources.files("plotly") / "package_data" / "plotly.min.js"
    response = FileResponse(found.open("rb"), content_type="text/javascript")
    response["Cache-Control"] = "public, max-age=86400"
    return response


urlpatterns = [
    path("office/plotly.min.js", plotly_js, name="office_plotly"),
    path("cycles/<int:cycle_id>/", cycle_page, name="office_cycle"),
    path("cycles/<int:cycle_id>/league/", league_page, name="office_league"),
    path("cycles/<int:cycle_id>/download/<str:kind>/", download, name="office_download"),
    path("cycles/<int:cycle_id>/units/<str:code>/sheet/", sheet_download, name="office_sheet"),
    path("cycles/<int:cycle_id>/units/<str:code>/explain/", explain_page,
         name="office_explain"),
    path("cycles/<int:cycle_id>/units/<str:code>/plan/", plan_page, name="office_plan"),
]
