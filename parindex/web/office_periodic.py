"""The office's periodic papers as pages (issue #15 item 3: "in the workspace both papers
are pages of the office"): the one-stop annex for a period and the periodic reports
followed up to today, each with its workbook and Word file — the same functions as
``parindex one-stop`` and ``parindex reports``, on the cycle's current data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from parindex.lang import number_text
from parindex.report.tables import fmt
from parindex.web import models as m
from parindex.web import scores, services
from parindex.web.office_pages import page
from parindex.web.permissions import today

PERIODS = ("Q1", "Q2", "Q3", "Q4", "H1", "9M", "YEAR")
TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _cell(value: Any, lang: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return number_text(round(value, 2), lang)
    return str(fmt(value, lang)) if isinstance(value, int) else str(value)


def _table(frame: pd.DataFrame, lang: str) -> dict[str, Any]:
    return {"heads": [str(c) for c in frame.columns],
            "rows": [[_cell(v, lang) for v in row] for row in frame.itertuples(index=False)]}


def _cycle(request: HttpRequest, cycle_id: int) -> tuple[m.Cycle, str]:
    lang = str(getattr(request, "lang", "vi"))
    cycle = services.get_cycle(request.user, cycle_id, lang)
    services.check(request.user, "progress.read", cycle, None, lang)
    return cycle, lang


def _download(data: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=TYPES[kind])
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    response["Content-Disposition"] = f'attachment; filename="{safe}.{kind}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@page
def one_stop_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The one-stop annex of a period (``?period=H1``; ``&as=xlsx|docx`` to download)."""
    from parindex.report.one_stop_annex import annex, annex_frame, annex_title

    cycle, lang = _cycle(request, cycle_id)
    period = request.GET.get("period", "YEAR")
    if period not in PERIODS:
        raise Http404
    data = annex(scores.cycle_run(cycle), period, lang)
    kind = request.GET.get("as")
    if kind == "xlsx":
        from parindex.report.one_stop_xlsx import annex_workbook

        return _download(annex_workbook(data, cycle.authority, lang), kind,
                         f"phu-luc-mot-cua-{cycle.name}-{period}")
    if kind == "docx":
        from parindex.report.docx_periodic import annex_docx

        return _download(annex_docx(data, cycle.authority, lang), kind,
                         f"phu-luc-mot-cua-{cycle.name}-{period}")
    return render(request, "workspace/office_periodic.html", {
        "cycle": cycle, "title": annex_title(data, lang), "periods": PERIODS,
        "period": period, "tables": [_table(annex_frame(data, lang), lang)],
        "page": "one-stop"})


@page
def reports_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The periodic reports followed up to today (``?as_of=dd/mm/yyyy``)."""
    from parindex.report.report_followup import followup, followup_frame, remind_frame

    cycle, lang = _cycle(request, cycle_id)
    asked = request.GET.get("as_of", "")
    day = services.parse_day(asked, lang) if asked else _as_of(cycle)
    data = followup(scores.cycle_run(cycle), day)
    kind = request.GET.get("as")
    if kind == "xlsx":
        from parindex.report.report_followup import followup_workbook

        return _download(followup_workbook(data, cycle.year, lang), kind,
                         f"theo-doi-bao-cao-{cycle.name}")
    if kind == "docx":
        from parindex.report.docx_periodic import followup_docx

        return _download(followup_docx(data, cycle.year, cycle.authority, lang), kind,
                         f"theo-doi-bao-cao-{cycle.name}")
    return render(request, "workspace/office_periodic.html", {
        "cycle": cycle, "as_of": day, "page": "reports",
        "tables": [_table(followup_frame(data, lang), lang),
                   _table(remind_frame(data, lang), lang)]})


def _as_of(cycle: m.Cycle) -> dt.date:
    """Today, or the end of the cycle's year for a past year."""
    return min(today(), dt.date(cycle.year, 12, 31))


urlpatterns = [
    path("cycles/<int:cycle_id>/one-stop/", one_stop_page, name="office_one_stop"),
    path("cycles/<int:cycle_id>/reports/", reports_page, name="office_reports"),
]
