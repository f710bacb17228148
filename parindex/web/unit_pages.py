"""The unit's self-assessment page: the edition's areas and leaves with the unit's values,
saved field by field (htmx) through :mod:`parindex.web.services`, with the points the engine
gives shown again after every save; the one-stop counts and report dates; evidence
documents; and the submission (a confirmation page listing what is missing).

Every write goes through the services (one implementation of each rule: permissions, round,
deadline, submission, stale versions, the ``parindex check`` checks); a refusal answers its
reason next to the field and nothing is kept.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from parindex import words
from parindex.web import appraise_sheet, scores, services, unit_sheet, unit_workbook_pages
from parindex.web import models as m
from parindex.web.services import Refused
from parindex.web.unit_access import is_htmx, lang_of, open_unit, signed_in

TEMPLATE = "workspace/unit_page.html"
SAVED = "workspace/unit_saved.html"


def _version(request: HttpRequest) -> int | None:
    text = request.POST.get("version", "").strip()
    return int(text) if text.isdigit() else None


@signed_in
def unit_page(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    cycle, member = open_unit(request, cycle_id, code)
    context = unit_sheet.page(request.user, cycle, member, lang_of(request))
    context.update(appraise_sheet.council(context["rows"], member))
    return render(request, TEMPLATE, context)


def _answer(request: HttpRequest, cycle: m.Cycle, code: str, extra: dict[str, Any],
            refused: Refused | None = None) -> HttpResponse:
    """The fragment after a write: the field's status (saved, or the refusal), and the
    points, progress and versions of the page swapped in place."""
    if not is_htmx(request):
        return redirect(f"/cycles/{cycle.id}/units/{code}/")
    try:
        member = services.get_member(request.user, cycle, code, lang_of(request))
    except Refused as exc:
        raise Http404(exc.message) from exc
    context = unit_sheet.page(request.user, cycle, member, lang_of(request),
                              reuse=refused is None)
    context.update(extra, refused=refused, oob=True, touched=_touched(context["rows"], extra))
    return render(request, SAVED, context, status=refused.status if refused else 200)


def _touched(rows: list[unit_sheet.LeafRow], extra: dict[str, Any]) -> set[str]:
    """The leaves whose points a write can move: the leaf saved, or the leaves computed from
    the table written (a leaf's points depend on its own input alone)."""
    if extra["saved"] == "leaf":
        return {extra["key"]}
    kind = "one_stop" if extra["saved"] == "one_stop" else "reports"
    return {r.leaf.code for r in rows if r.leaf.input_kind == kind}


def _stale(refused: Refused, field: str, lang: str) -> str:
    """The other person's value of the field, from a 409's ``current`` row."""
    current = refused.extra.get("current")
    if not isinstance(current, dict):
        value = ""
    elif "counts" in current:  # a one-stop row
        value = current["counts"].get(field, "")
    else:
        value = current.get(field, "")
    return words.t("web.unit.current", lang, value=value or "—")


def _write(request: HttpRequest, cycle_id: int, code: str, field: str,
           extra: dict[str, Any], write: Any) -> HttpResponse:
    lang = lang_of(request)
    cycle, _ = open_unit(request, cycle_id, code)
    scores.forget_unit_run()
    try:
        write(cycle, lang)
    except Refused as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        if exc.status == 409:
            extra["current"] = _stale(exc, field, lang)
        return _answer(request, cycle, code, extra, exc)
    return _answer(request, cycle, code, extra)


@signed_in
@require_POST
def save_leaf(request: HttpRequest, cycle_id: int, code: str, criterion: str
              ) -> HttpResponse:
    fields = {k: request.POST[k] for k in ("value", "source", "note", "explanation")
              if k in request.POST}
    field = next(iter(fields), "value")

    def write(cycle: m.Cycle, lang: str) -> None:
        if not fields:
            raise Refused(400, "invalid_body", words.t("web.refuse.invalid_body", lang,
                                                       where="value"))
        services.patch_evidence(request.user, cycle, code, criterion, fields,
                                _version(request), lang)

    return _write(request, cycle_id, code, field,
                  {"saved": "leaf", "key": criterion, "field": field}, write)


@signed_in
@require_POST
def save_one_stop(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    from parindex.web.store import ONE_STOP_COUNTS

    counts = {k: request.POST[k] for k in ONE_STOP_COUNTS if k in request.POST}
    period = request.POST.get("period", "")
    # the page sends the row whole (a row must balance); the field typed in is htmx's trigger
    typed = request.headers.get("HX-Trigger-Name", "")
    field = typed if typed in counts else next(iter(counts), "")

    def write(cycle: m.Cycle, lang: str) -> None:
        services.put_one_stop(request.user, cycle, code, counts, _version(request), lang,
                              period)

    return _write(request, cycle_id, code, field,
                  {"saved": "one_stop", "key": period, "field": field}, write)


@signed_in
@require_POST
def save_report(request: HttpRequest, cycle_id: int, code: str, report: str
                ) -> HttpResponse:
    def write(cycle: m.Cycle, lang: str) -> None:
        services.put_report(request.user, cycle, code, report,
                            request.POST.get("submitted", ""), _version(request), lang)

    return _write(request, cycle_id, code, "submitted",
                  {"saved": "report", "key": report, "field": "submitted"}, write)


@signed_in
@require_POST
def upload_files(request: HttpRequest, cycle_id: int, code: str, criterion: str
                 ) -> HttpResponse:
    from parindex.web import documents

    lang = lang_of(request)
    cycle, _ = open_unit(request, cycle_id, code)
    refused: Refused | None = None
    files = request.FILES.getlist("file")
    if not files:
        refused = Refused(400, "no_file", words.t("web.unit.no_file", lang))
    for f in files:
        try:
            documents.upload(request.user, cycle, code, criterion, f.name or "", f, lang)
        except Refused as exc:
            if exc.status == 404:
                raise Http404(exc.message) from exc
            refused = exc
    if not is_htmx(request):
        return redirect(f"/cycles/{cycle_id}/units/{code}/")
    cycle, member = open_unit(request, cycle_id, code)
    context = unit_sheet.page(request.user, cycle, member, lang)
    row = next((r for r in context["rows"] if r.leaf.code == criterion), None)
    if row is None:
        raise Http404
    context.update(row=row, refused=refused)
    return render(request, "workspace/unit_docs.html", context,
                  status=refused.status if refused else 200)


@signed_in
@require_http_methods(["GET", "POST"])
def submit_page(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    """GET: what is still missing, and the button; POST: the submission."""
    lang = lang_of(request)
    cycle, member = open_unit(request, cycle_id, code)
    refused: Refused | None = None
    if request.method == "POST":
        try:
            services.submit(request.user, cycle, code, lang)
        except Refused as exc:
            if exc.status == 404:
                raise Http404(exc.message) from exc
            refused = exc
        else:
            return redirect(f"/cycles/{cycle_id}/units/{code}/")
    context = unit_sheet.page(request.user, cycle, member, lang)
    context["refused"] = refused
    return render(request, "workspace/unit_submit.html", context,
                  status=refused.status if refused else 200)


_UNIT = "cycles/<int:cycle_id>/units/<str:code>/"

urlpatterns = [
    path(_UNIT, unit_page, name="unit_page"),
    path(_UNIT + "leaf/<str:criterion>/", save_leaf, name="unit_save_leaf"),
    path(_UNIT + "leaf/<str:criterion>/files/", upload_files, name="unit_upload"),
    path(_UNIT + "one_stop/", save_one_stop, name="unit_save_one_stop"),
    path(_UNIT + "reports/<str:report>/", save_report, name="unit_save_report"),
    path(_UNIT + "submit/", submit_page, name="unit_submit"),
    *unit_workbook_pages.urlpatterns(_UNIT),
]
