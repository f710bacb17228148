"""What needs an account now (its home page, issue #13 item 7): for a unit, the open round
and its deadline, the leaves still missing, the council's comments awaiting an answer and its
open document requests; for an appraiser, the units waiting for appraisal; for the office,
late units and cycles ready to move on. Read from the rows; nothing is sent anywhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from parindex.web import models as m
from parindex.web import scores
from parindex.web.permissions import deadline_of, sees, today
from parindex.web.store import compiled


@dataclass
class CycleNews:
    """One cycle's items for one account."""

    cycle: m.Cycle
    deadline: Any = None
    days_left: int | None = None
    missing: list[str] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)
    requests: list[m.DocumentRequest] = field(default_factory=list)
    waiting: list[tuple[str, str, int]] = field(default_factory=list)
    late: list[tuple[str, str]] = field(default_factory=list)
    ready: bool = False


def _deadline(news: CycleNews, member: m.Member | None) -> None:
    day = deadline_of(news.cycle, news.cycle.round, member)
    news.deadline = day
    news.days_left = None if day is None else (day - today()).days


def for_unit(cycle: m.Cycle, member: m.Member) -> CycleNews:
    news = CycleNews(cycle)
    _deadline(news, member)
    if cycle.round == "self_assessment" and member.submitted_at is None:
        run, _ = scores.unit_errors(cycle, member.code)  # the unit alone, not the cycle
        news.missing = list(run.unit_result(0)["missing"]) if run is not None else []
    if cycle.round == "explanation":
        news.comments = [(e.criterion, e.comment) for e in member.evidence.exclude(comment="")
                         .filter(explanation="")]
    news.requests = list(m.DocumentRequest.objects.filter(
        evidence__member=member, answered_at__isnull=True).select_related("evidence"))
    return news


def for_appraiser(user: Any, cycle: m.Cycle) -> CycleNews:
    news = CycleNews(cycle)
    _deadline(news, None)
    if cycle.round in ("appraisal", "appraisal_2"):
        leaves = len(compiled(cycle.edition).leaves)
        done = dict(m.Evidence.objects.filter(member__cycle=cycle, appraised_at__isnull=False)
                    .values_list("member_id").annotate(n=Count("id")))
        news.waiting = [(mb.code, mb.name, leaves - done.get(mb.id, 0))
                        for mb in cycle.members.select_related("unit")
                        if sees(user, mb) and done.get(mb.id, 0) < leaves]
    return news


def for_office(cycle: m.Cycle) -> CycleNews:
    news = CycleNews(cycle)
    _deadline(news, None)
    if cycle.round == "self_assessment":
        members = list(cycle.members.select_related("unit").prefetch_related("extensions"))
        news.late = [(mb.code, mb.name) for mb in members if mb.submitted_at is None and
                     (day := deadline_of(cycle, cycle.round, mb)) is not None and today() > day]
        news.ready = bool(members) and all(mb.submitted_at is not None for mb in members)
    elif cycle.round in ("appraisal", "appraisal_2"):
        leaves = len(compiled(cycle.edition).leaves)
        short = cycle.members.annotate(n=Count("evidence", filter=Q(
            evidence__appraised_at__isnull=False))).filter(n__lt=leaves)
        news.ready = not short.exists()
    return news


def news_for(user: Any, cycles: list[m.Cycle]) -> list[CycleNews]:
    """The items of every cycle the account may see, in the rounds where it has work."""
    profile = getattr(user, "profile", None)
    role = getattr(profile, "role", None)
    out = []
    for cycle in cycles:
        if cycle.round == "published":
            continue
        if role == "unit" and profile is not None:
            member = cycle.members.filter(unit_id=profile.unit_id).select_related(
                "unit").prefetch_related("extensions").first()
            if member is not None:
                out.append(for_unit(cycle, member))
        elif role == "appraiser":
            out.append(for_appraiser(user, cycle))
        elif role == "admin":
            out.append(for_office(cycle))
    return out
