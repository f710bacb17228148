"""The office's round controls (issue #13), on the cycle's page: move the cycle to a round
with that round's deadline (reopening a published cycle asks for the reason), extend one
unit's deadline with a reason, open next year's cycle; who is late in the open round; and
the record as a page (filtered by unit) with its CSV download.

The writes go through :func:`parindex.web.services.move_round`,
:func:`parindex.web.rounds.extend` and :func:`parindex.web.years.open_next` (the permission
table, the record); a refusal is a page with its status and reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from parindex.web import models as m
from parindex.web import rounds, services
from parindex.web.permissions import deadline_of, decide, today
from parindex.web.services import Refused
from parindex.web.unit_access import lang_of, refusals_shown

View = Callable[..., HttpResponse]
#: rows of the record per page
PAGE = 200


def next_round(round_: str) -> str:
    i = m.ROUNDS.index(round_)
    return m.ROUNDS[min(i + 1, len(m.ROUNDS) - 1)]


def late(cycle: m.Cycle) -> list[tuple[str, str]]:
    """The units late in the open round: not submitted after the self-assessment's
    deadline; in the explanation round, comments or document requests left unanswered
    after the deadline (each unit's extension counts). A few queries, not one per unit."""
    if cycle.round not in ("self_assessment", "explanation"):
        return []
    now = today()
    members = cycle.members.select_related("unit").prefetch_related("extensions")
    if cycle.round == "self_assessment":
        behind = {mb.id for mb in members if mb.submitted_at is None}
    else:
        evidence = m.Evidence.objects.filter(member__cycle=cycle)
        behind = set(evidence.filter(~Q(comment="") & Q(explanation=""))
                     .values_list("member_id", flat=True))
        behind |= set(m.DocumentRequest.objects.filter(
            evidence__member__cycle=cycle, answered_at__isnull=True)
            .values_list("evidence__member_id", flat=True))
    out = []
    for mb in members.filter(id__in=behind).order_by("position", "id"):
        last = deadline_of(cycle, cycle.round, mb)
        if last is not None and now > last:
            out.append((mb.unit.code, mb.name))
    return out


def controls(request: HttpRequest, cycle: m.Cycle) -> dict[str, Any]:
    """What the cycle page's round controls need (nothing for an account that may not
    move the round)."""
    if decide(request.user, "round.move", cycle) is not None:
        return {"can_move": False}
    return {"can_move": True, "rounds": m.ROUNDS, "next_round": next_round(cycle.round),
            "can_extend": decide(request.user, "deadline.extend", cycle) is None,
            "can_open": decide(request.user, "cycle.open", cycle) is None,
            "late_units": late(cycle), "next_year": cycle.year + 1,
            "units": [(mb.unit.code, mb.name) for mb in
                      cycle.members.select_related("unit").order_by("position", "id")]}


def office_post(view: View) -> View:
    """A signed-in POST of the office; a refusal is a page with its status and reason."""
    return login_required(require_POST(refusals_shown(view)))


@office_post
def move(request: HttpRequest, cycle_id: int) -> HttpResponse:
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    services.move_round(request.user, cycle, request.POST.get("round", ""),
                        request.POST.get("deadline", "").strip() or None, lang,
                        request.POST.get("reason", ""))
    return redirect(f"/cycles/{cycle.id}/")


@office_post
def extend(request: HttpRequest, cycle_id: int) -> HttpResponse:
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    rounds.extend(request.user, cycle, request.POST.get("unit", ""),
                  request.POST.get("round", cycle.round), request.POST.get("deadline", ""),
                  request.POST.get("reason", ""), lang)
    return redirect(f"/cycles/{cycle.id}/")


@office_post
def open_next(request: HttpRequest, cycle_id: int) -> HttpResponse:
    from parindex.web.years import open_next as open_cycle

    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    year = request.POST.get("year", "").strip()
    if not year.isdigit():
        from parindex import words

        raise Refused(400, "invalid_value", words.t("web.rounds.bad_year", lang, value=year))
    new = open_cycle(request.user, cycle, int(year), request.POST.get("name", "").strip()
                     or None, None, lang)
    return redirect(f"/cycles/{new.id}/")


def audit_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The cycle's record, newest first, filtered by unit; the CSV holds all of it."""
    lang = lang_of(request)
    try:
        cycle = services.get_cycle(request.user, cycle_id, lang)
        services.check(request.user, "audit.read", cycle, None, lang)
    except Refused as exc:
        return render(request, "workspace/office_refused.html", {"message": exc.message},
                      status=exc.status)
    unit = request.GET.get("unit", "").strip()
    rows = m.Change.objects.filter(cycle=cycle).order_by("-at", "-id")
    if unit:
        rows = rows.filter(unit=unit)
    found = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    units = [(mb.unit.code, mb.name) for mb in
             cycle.members.select_related("unit").order_by("position", "id")]
    return render(request, "workspace/office_audit.html", {
        "cycle": cycle, "page": found, "unit": unit, "units": units,
        "entries": [{**rounds.change_dict(c), "when": _when(c)} for c in found]})


def _when(c: m.Change) -> str:
    from django.utils import timezone

    return timezone.localtime(c.at).strftime("%d/%m/%Y %H:%M")


urlpatterns = [
    path("cycles/<int:cycle_id>/round/", move, name="office_move"),
    path("cycles/<int:cycle_id>/extend/", extend, name="office_extend"),
    path("cycles/<int:cycle_id>/next/", open_next, name="office_next"),
    path("cycles/<int:cycle_id>/audit/", login_required(audit_page), name="office_audit"),
]
