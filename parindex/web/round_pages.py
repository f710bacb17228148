"""The pages of the appraisal rounds (issue #13): the council's appraisal page of one unit
(every leaf side by side, saved field by field with htmx, accept as declared per leaf and per
area, document requests, bonus and penalty) and a leaf's history.

Every write goes through :mod:`parindex.web.services` and :mod:`parindex.web.rounds` (one
implementation of each rule: permissions, round, deadline, stale versions, the
``parindex check`` checks); a refusal is shown next to the field or at the top of the page,
and nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from parindex import words
from parindex.web import appraise_sheet, round_history, rounds, scores, services
from parindex.web import models as m
from parindex.web.permissions import TABLE, role_of
from parindex.web.services import Refused
from parindex.web.store import compiled
from parindex.web.unit_access import is_htmx, lang_of, open_unit, refusals_shown, signed_in

TEMPLATE = "workspace/appraise_page.html"


def _council(request: HttpRequest, cycle_id: int, code: str) -> tuple[m.Cycle, m.Member]:
    """The cycle and unit, for the council only: 404 for a unit the account may not see,
    403 for a role that never appraises (a unit on its own appraisal page)."""
    cycle, member = open_unit(request, cycle_id, code)
    role = role_of(request.user)
    if role not in TABLE["evidence.appraise"].roles:
        raise Refused(403, "not_allowed", words.t("web.refuse.not_allowed", lang_of(request),
                                                  role=role or ""))
    return cycle, member


def _page(request: HttpRequest, cycle_id: int, code: str,
          refused: Refused | None = None) -> HttpResponse:
    try:
        cycle, member = _council(request, cycle_id, code)
    except Refused as exc:
        return render(request, "workspace/office_refused.html", {"message": exc.message},
                      status=exc.status)
    context = appraise_sheet.page(request.user, cycle, member, lang_of(request))
    context["refused"] = refused
    return render(request, TEMPLATE, context, status=refused.status if refused else 200)


@signed_in
def appraise_page(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    return _page(request, cycle_id, code)


def _version(request: HttpRequest) -> int | None:
    text = request.POST.get("version", "").strip()
    return int(text) if text.isdigit() else None


def _stale(refused: Refused, field: str, lang: str) -> str:
    current = refused.extra.get("current")
    value = current.get(field, "") if isinstance(current, dict) else ""
    return words.t("web.unit.current", lang, value=value or "—")


def _council_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in POST of the council; a refusal before the write is a page with its
    status and reason."""
    return signed_in(require_POST(refusals_shown(view)))


@_council_post
def save_leaf(request: HttpRequest, cycle_id: int, code: str, criterion: str
              ) -> HttpResponse:
    """The council's appraised input or comment of one leaf (htmx); the answer swaps the
    field's status, the leaf's points, the totals and the progress in place."""
    lang = lang_of(request)
    cycle, member = _council(request, cycle_id, code)
    fields = {k: request.POST[k] for k in ("appraised", "comment") if k in request.POST}
    field = next(iter(fields), "appraised")
    extra: dict[str, Any] = {"key": criterion, "field": field}
    refused: Refused | None = None
    scores.forget_unit_run()
    try:
        if not fields:
            raise Refused(400, "invalid_body", words.t("web.refuse.invalid_body", lang,
                                                       where="appraised"))
        services.patch_evidence(request.user, cycle, code, criterion, fields,
                                _version(request), lang)
    except Refused as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        refused = exc
        if exc.status == 409:
            extra["current"] = _stale(exc, field, lang)
    if not is_htmx(request):
        return _back(cycle, code, criterion)
    member.refresh_from_db()
    context = appraise_sheet.page(request.user, cycle, member, lang, reuse=refused is None)
    context.update(extra, refused=refused, oob=True)
    return render(request, "workspace/appraise_saved.html", context,
                  status=refused.status if refused else 200)


def _back(cycle: m.Cycle, code: str, anchor: str = "") -> HttpResponse:
    where = f"/cycles/{cycle.id}/units/{code}/appraise/"
    return redirect(where + (f"#{anchor}" if anchor else ""))


def _leaf_anchor(cycle: m.Cycle, criterion: str) -> str:
    leaf = compiled(cycle.edition).leaf_index.get(criterion)
    return "" if leaf is None else f"leaf-l{leaf}"


def _form_write(request: HttpRequest, cycle_id: int, code: str, anchor: str,
                write: Callable[[m.Cycle, str], object]) -> HttpResponse:
    """A form's write (accept, request, bonus or penalty): back to the page at the place
    written, or the page with the refusal on top."""
    lang = lang_of(request)
    cycle, _ = _council(request, cycle_id, code)
    try:
        write(cycle, lang)
    except Refused as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        return _page(request, cycle_id, code, exc)
    return _back(cycle, code, anchor)


@_council_post
def accept(request: HttpRequest, cycle_id: int, code: str) -> HttpResponse:
    """Accept one leaf (``criterion``) or a whole area (``area``) as the unit declared it."""
    criterion = request.POST.get("criterion", "").strip()
    area = request.POST.get("area", "").strip() or None

    def write(cycle: m.Cycle, lang: str) -> None:
        rounds.accept_declared(request.user, cycle, code, [criterion] if criterion else [],
                               area, lang)

    cycle = services.get_cycle(request.user, cycle_id, lang_of(request))
    anchor = f"area-{area}" if area else _leaf_anchor(cycle, criterion)
    return _form_write(request, cycle_id, code, anchor, write)


@_council_post
def ask(request: HttpRequest, cycle_id: int, code: str, criterion: str) -> HttpResponse:
    """A document request on a leaf (text, and a due day)."""
    def write(cycle: m.Cycle, lang: str) -> None:
        rounds.ask_document(request.user, cycle, code, criterion,
                            request.POST.get("text", ""),
                            request.POST.get("due", "").strip() or None, lang)

    cycle = services.get_cycle(request.user, cycle_id, lang_of(request))
    return _form_write(request, cycle_id, code, _leaf_anchor(cycle, criterion), write)


@_council_post
def adjustment(request: HttpRequest, cycle_id: int, code: str,
               ident: int | None = None) -> HttpResponse:
    """A new bonus or penalty (``ident`` None), or one changed (with its version)."""
    fields = {k: request.POST.get(k, "") for k in ("kind", "points", "reason", "document")}

    def write(cycle: m.Cycle, lang: str) -> None:
        rounds.put_adjustment(request.user, cycle, code, ident, fields,
                              _version(request) if ident is not None else None, lang)

    return _form_write(request, cycle_id, code, "adjustments", write)


@_council_post
def delete_adjustment(request: HttpRequest, cycle_id: int, code: str, ident: int
                      ) -> HttpResponse:
    def write(cycle: m.Cycle, lang: str) -> None:
        rounds.delete_adjustment(request.user, cycle, code, ident, lang)

    return _form_write(request, cycle_id, code, "adjustments", write)


@signed_in
def history_page(request: HttpRequest, cycle_id: int, code: str, criterion: str
                 ) -> HttpResponse:
    """A leaf's story (declared → appraised → explained → decided): the whole page, or
    the list alone for htmx (a leaf's ``<details>``)."""
    lang = lang_of(request)
    cycle, member = open_unit(request, cycle_id, code)
    try:
        services.check(request.user, "history.read", cycle, member, lang)
    except Refused as exc:
        return render(request, "workspace/office_refused.html", {"message": exc.message},
                      status=exc.status)
    leaf = next((lf for lf in compiled(cycle.edition).leaves
                 if lf.code == criterion), None)
    if leaf is None:
        raise Http404
    context = {"cycle": cycle, "member": member, "leaf": leaf,
               "council": role_of(request.user) in TABLE["evidence.appraise"].roles,
               "steps": round_history.story(cycle, code, criterion, lang)}
    name = "round_history_list.html" if is_htmx(request) else "round_history.html"
    return render(request, f"workspace/{name}", context)


_UNIT = "cycles/<int:cycle_id>/units/<str:code>/"
_APPRAISE = _UNIT + "appraise/"

urlpatterns = [
    path(_APPRAISE, appraise_page, name="appraise_page"),
    path(_APPRAISE + "leaf/<str:criterion>/", save_leaf, name="appraise_save_leaf"),
    path(_APPRAISE + "leaf/<str:criterion>/request/", ask, name="appraise_request"),
    path(_APPRAISE + "accept/", accept, name="appraise_accept"),
    path(_APPRAISE + "adjustments/", adjustment, name="appraise_adjustment_new"),
    path(_APPRAISE + "adjustments/<int:ident>/", adjustment, name="appraise_adjustment"),
    path(_APPRAISE + "adjustments/<int:ident>/delete/", delete_adjustment,
         name="appraise_adjustment_delete"),
    path(_UNIT + "history/<str:criterion>/", history_page, name="leaf_history"),
]
