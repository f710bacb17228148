"""Who may do what, in which round: the one table (CONTRACT §5), and the one function that
reads it.

Every endpoint and page names its action; :func:`decide` answers allowed, or the refusal
(status, code) with its reason. A unit account never learns that another unit exists: a
unit it may not see is 404, not 403. Writes are checked at the moment they happen against
the round, the deadline (and the unit's extension) and the unit's submission, so no
scheduler is needed to lock a form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from parindex.web import models as m

ALL_ROUNDS = frozenset(m.ROUNDS)
APPRAISAL = frozenset({"appraisal", "appraisal_2"})


@dataclass(frozen=True)
class Rule:
    """Who may do an action: roles, the rounds it is open in, whether it writes a unit's
    data (then the round's deadline counts), and whether the unit's submission closes it
    (in the self-assessment round: an upload in the explanation round stays open)."""

    roles: frozenset[str]
    rounds: frozenset[str] = ALL_ROUNDS
    deadline: bool = False
    closed_by_submit: bool = False


def _r(roles: str, rounds: frozenset[str] = ALL_ROUNDS, deadline: bool = False,
       closed_by_submit: bool = False) -> Rule:
    return Rule(frozenset(roles.split()), rounds, deadline, closed_by_submit)


SELF = frozenset({"self_assessment"})
EXPLAIN = frozenset({"explanation"})

#: action → rule. ``admin`` may do everything a rule opens in its round; rounds, deadlines
#: and submission bind the office too (it moves the round on or extends a deadline).
TABLE: dict[str, Rule] = {
    "cycles.list": _r("admin appraiser unit viewer"),
    "results.read": _r("admin appraiser unit viewer"),
    "ranks.read": _r("admin appraiser viewer"),
    "unit.read": _r("admin appraiser unit viewer"),
    "evidence.declare": _r("admin unit", SELF, deadline=True, closed_by_submit=True),
    "evidence.appraise": _r("admin appraiser", APPRAISAL, deadline=True),
    "evidence.explain": _r("admin unit", EXPLAIN, deadline=True),
    "one_stop.write": _r("admin unit", SELF, deadline=True, closed_by_submit=True),
    "reports.write": _r("admin unit", SELF, deadline=True, closed_by_submit=True),
    "files.upload": _r("admin unit", SELF | EXPLAIN, deadline=True, closed_by_submit=True),
    "files.read": _r("admin appraiser unit viewer"),
    "unit.submit": _r("admin unit", SELF, deadline=True, closed_by_submit=True),
    "adjustments.write": _r("admin appraiser", APPRAISAL, deadline=True),
    "requests.write": _r("admin appraiser", APPRAISAL, deadline=True),
    "deadline.extend": _r("admin"),
    "cycle.open": _r("admin"),
    "history.read": _r("admin appraiser unit viewer"),
    "audit.read": _r("admin"),
    "round.move": _r("admin"),
    "progress.read": _r("admin appraiser viewer"),
    "plan.read": _r("admin appraiser unit viewer"),
    "export.read": _r("admin appraiser viewer"),
    # the whole cycle as a bundle holds every unit's evidence: never a unit account's
    "bundle.read": _r("admin appraiser viewer"),
}

#: unit accounts may see ranks and the league table once the cycle is published
PUBLISHED_OPEN = frozenset({"ranks.read", "progress.read", "export.read"})


@dataclass(frozen=True)
class Refusal:
    """Why an account may not do an action now: the HTTP status, the reason ``code`` (its
    words are ``web.refuse.CODE``) and the facts that fill them (a role, a round, a day)."""

    status: int
    code: str
    facts: dict[str, str]


def role_of(user: object) -> str | None:
    """The account's role (None: not logged in, or an account without a profile)."""
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "profile", None)
    return None if profile is None else str(profile.role)


def sees(user: object, member: m.Member) -> bool:
    """Whether the account may see this unit of a cycle at all."""
    role = role_of(user)
    profile = getattr(user, "profile", None)
    if role in ("admin", "viewer"):
        return True
    if role == "unit":
        return profile is not None and profile.unit_id == member.unit_id
    if role == "appraiser":
        groups = list(profile.groups) if profile is not None else []
        return not groups or member.group in groups
    return False


def deadline_of(cycle: m.Cycle, round_: str, member: m.Member | None) -> dt.date | None:
    """The last day of a round for a unit: its extension, else the cycle's deadline."""
    if member is not None:
        extended = [e.day for e in member.extensions.all() if e.round == round_]
        if extended:
            return max(extended)
    days = [d.day for d in cycle.deadlines.all() if d.round == round_]
    return days[0] if days else None


def today() -> dt.date:
    return timezone.localdate()


def decide(user: object, action: str, cycle: m.Cycle | None = None,
           member: m.Member | None = None) -> Refusal | None:
    """None when ``user`` may do ``action`` (on ``member`` of ``cycle``) now, else why not."""
    rule = TABLE[action]
    role = role_of(user)
    if role is None:
        return Refusal(401, "not_logged_in", {})
    if member is not None and not sees(user, member):
        return Refusal(404, "not_found", {})
    open_after = role == "unit" and action in PUBLISHED_OPEN and cycle is not None \
        and cycle.round == "published"
    if role not in rule.roles and not open_after:
        return Refusal(403, "not_allowed", {"role": role})
    if cycle is not None and cycle.round not in rule.rounds:
        return Refusal(403, "wrong_round", {"round": cycle.round})
    if rule.deadline and cycle is not None:
        last = deadline_of(cycle, cycle.round, member)
        if last is not None and today() > last:
            return Refusal(403, "deadline_passed", {"day": last.strftime("%d/%m/%Y")})
    # submitting locks the self-assessment; documents backing an explanation stay open
    if rule.closed_by_submit and member is not None and member.submitted_at is not None \
            and cycle is not None and cycle.round in SELF:
        return Refusal(403, "submitted", {})
    return None


def visible_codes(user: object, cycle: m.Cycle) -> set[str] | None:
    """The units whose results the account may read in this cycle (None: every unit): a
    unit account its own (CONTRACT §5: also once published, when the league is opened to
    it); an appraiser given some groups the units of those groups until publication."""
    role = role_of(user)
    if role in ("admin", "viewer"):
        return None
    members = cycle.members.select_related("unit")
    if role == "appraiser":
        if cycle.round == "published":
            return None
        profile = getattr(user, "profile", None)
        if profile is None or not list(profile.groups):
            return None
        return {mb.unit.code for mb in members.filter(group__in=list(profile.groups))}
    if role == "unit":
        profile = getattr(user, "profile", None)
        return {mb.unit.code for mb in members.filter(unit_id=getattr(profile, "unit_id", -1))}
    return set()
