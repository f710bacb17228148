"""The unit's workbook import pages: the form (and the unit's blank template), the check
and the differences, and their confirmation (:mod:`parindex.web.unit_workbook`)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from parindex import words
from parindex.web import unit_sheet, unit_workbook
from parindex.web.services import Refused
from parindex.web.unit_access import lang_of, open_unit, signed_in


@signed_in
@require_http_methods(["GET", "POST"])
def workbook_page(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    """GET: the form (and the blank template); POST: the workbook's problems or the
    differences it would make, with the button that applies them."""
    lang = lang_of(request)
    cycle, member = open_unit(request, cycle_id, code)
    context = {"cycle": cycle, "member": member, "base": f"/cycles/{cycle.id}/units/{code}/",
               "lock": unit_sheet.lock_of(request.user, cycle, member, lang)}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("workbook")
        try:
            if upload is None:
                raise Refused(400, "no_file", words.t("web.unit.no_file", lang))
            context["preview"] = unit_workbook.preview(request.user, cycle, member,
                                                       upload.name or "", upload, lang)
        except Refused as exc:
            context["refused"], status = exc, exc.status
    return render(request, "workspace/unit_workbook.html", context, status=status)


@signed_in
@require_POST
def workbook_apply(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    lang = lang_of(request)
    cycle, member = open_unit(request, cycle_id, code)
    try:
        done = unit_workbook.apply(request.user, cycle, member, request.POST.get("plan", ""),
                                   lang)
    except Refused as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        context = {"cycle": cycle, "member": member, "refused": exc,
                   "base": f"/cycles/{cycle.id}/units/{code}/",
                   "lock": unit_sheet.lock_of(request.user, cycle, member, lang)}
        return render(request, "workspace/unit_workbook.html", context, status=exc.status)
    return redirect(f"/cycles/{cycle_id}/units/{code}/?applied={done}")


@signed_in
def workbook_template(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    cycle, member = open_unit(request, cycle_id, code)
    data = unit_workbook.template(cycle, member, lang_of(request))
    response = HttpResponse(data, content_type=unit_workbook.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{code}-{cycle.year}.xlsx"'
    return response


def urlpatterns(unit: str) -> list[Any]:
    """The addresses under a unit's page ``unit``."""
    return [path(unit + "workbook/", workbook_page, name="unit_workbook"),
            path(unit + "workbook/apply/", workbook_apply, name="unit_workbook_apply"),
            path(unit + "workbook/template/", workbook_template,
                 name="unit_workbook_template")]
