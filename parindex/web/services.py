"""The workspace's rules, one function per write, shared by the JSON API and the pages.

Each write: the permission table is asked (:func:`parindex.web.permissions.decide`); the
row is locked and its version compared (409 when the page was stale); the change is applied
and the unit is checked through the same checks as ``parindex check`` — an invalid value is
refused with that reason and nothing is kept; the change goes on the record and the cycle's
data version is raised, all in one transaction.

Longer than 300 lines because every write of a unit's data is here, one function each,
beside the lookups and the validation they share.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from parindex import words
from parindex.errors import Problem
from parindex.evidence.check_cell import check_row
from parindex.web import models as m
from parindex.web import scores, unit_state
from parindex.web.permissions import Refusal, decide
from parindex.web.store import compiled

DECLARED = ("value", "source", "note")
APPRAISED = ("appraised", "comment")
EXPLAINED = ("explanation",)


class Refused(Exception):
    """A write or read that is not allowed or not valid: status, code and message."""

    def __init__(self, status: int, code: str, message: str,
                 extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.extra = extra or {}


def refuse_long(fields: dict[str, Any], lang: str) -> None:
    """A text longer than an Excel cell holds is refused before anything is written: the
    cycle's export and workbooks must hold every text whole."""
    from parindex.evidence.write import CELL_CHARACTERS

    for key, value in fields.items():
        if isinstance(value, str) and len(value) > CELL_CHARACTERS:
            raise Refused(400, "too_long", words.t(
                "web.refuse.too_long", lang, field=key, length=len(value),
                limit=CELL_CHARACTERS), {"field": key})


def refusal(r: Refusal, lang: str) -> Refused:
    return Refused(r.status, r.code, words.t(f"web.refuse.{r.code}", lang, **r.facts))


def why_not(user: Any, action: str, cycle: m.Cycle, member: m.Member | None,
            lang: str) -> str | None:
    """Why ``user`` may not do ``action`` now, in ``lang`` (None: it may): what a page says
    beside a locked field."""
    found = decide(user, action, cycle, member)
    return None if found is None else refusal(found, lang).message


def check(user: Any, action: str, cycle: m.Cycle | None, member: m.Member | None,
          lang: str) -> None:
    found = decide(user, action, cycle, member)
    if found is not None:
        raise refusal(found, lang)


def _visible(user: Any) -> QuerySet[m.Cycle] | None:
    """The cycles ``user`` may see (None: none at all), their edition's text left unread
    (the compiled edition is found by its hash) and their deadlines fetched."""
    if decide(user, "cycles.list") is not None:
        return None
    cycles = m.Cycle.objects.select_related("edition").defer("edition__text") \
        .prefetch_related("deadlines")
    profile = getattr(user, "profile", None)
    if profile is not None and profile.role == "unit":
        cycles = cycles.filter(members__unit_id=profile.unit_id)
    return cycles


def visible_cycles(user: Any) -> list[m.Cycle]:
    cycles = _visible(user)
    return [] if cycles is None else list(cycles.order_by("-year", "name"))


def get_cycle(user: Any, cycle_id: int, lang: str) -> m.Cycle:
    """A cycle the caller may see (404 otherwise, also for a cycle without its unit)."""
    cycles = _visible(user)
    if cycles is None:
        raise refusal(decide(user, "cycles.list"), lang)  # type: ignore[arg-type]
    found = cycles.filter(pk=cycle_id).first()
    if found is None:
        raise Refused(404, "not_found", words.t("web.refuse.not_found", lang))
    return found


def get_member(user: Any, cycle: m.Cycle, code: str, lang: str,
               lock: bool = False) -> m.Member:
    """A unit of the cycle the caller may see (404 for any other code)."""
    rows = m.Member.objects.select_related("unit").prefetch_related("extensions")
    if lock:
        rows = rows.select_for_update(of=("self",))
    member = rows.filter(cycle=cycle, unit__code=code).first()
    if member is None or decide(user, "unit.read", cycle, member) is not None:
        raise Refused(404, "not_found", words.t("web.refuse.not_found", lang))
    return member


def record(cycle: m.Cycle | None, user: Any, action: str, unit: str = "", criterion: str = "",
           field: str = "", before: object = "", after: object = "") -> None:
    m.Change.objects.create(cycle=cycle, user=str(getattr(user, "username", user)),
                            action=action, unit=unit, criterion=criterion, field=field,
                            before=str(before), after=str(after))


def touch(cycle: m.Cycle) -> None:
    m.Cycle.objects.filter(pk=cycle.pk).update(data_version=F("data_version") + 1)
    cycle.refresh_from_db(fields=["data_version"])


def validate_unit(cycle: m.Cycle, member: m.Member, lang: str,
                  cell: tuple[str, str, str] | None = None, same: bool = False
                  ) -> dict[str, Any]:
    """The unit checked as ``parindex check`` would; an error rolls the write back (400).
    ``member`` is the unit's row locked by this write. When its row holds the unit's
    checked state (:mod:`parindex.web.unit_state`), a write that changed nothing the check
    reads (``same``) answers from it, and one that changed only the evidence row ``cell``
    (criterion, value, appraised) re-checks that row alone and scores the unit again; any
    other write, or a row that needs the whole check, checks the whole unit. The new state
    is written with the write."""
    edition = compiled(cycle.edition)
    kept = unit_state.lookup(cycle, member, edition) if same or cell else None
    if kept is not None and same:
        run = kept
    elif kept is not None and cell is not None and \
            (row := check_row(edition, cycle.year, member.code, *cell)):
        if row.errors:
            raise invalid(row.errors[0], lang)
        run = unit_state.with_row(kept, row)
        unit_state.keep(cycle, member, run)
    else:
        found, errors = scores.unit_errors(cycle, member.code)
        if found is None:
            raise invalid(errors[0], lang)
        run = found
        unit_state.keep(cycle, member, run)
    scores.remember(cycle, member.code, run)
    result = run.unit_result(0)
    result["rank"] = result["group_rank"] = None
    return result


def invalid(problem: Problem, lang: str) -> Refused:
    """A value the check refuses: 400 with its reason, field and value."""
    return Refused(400, "invalid_value", scores.reason(problem, lang),
                   {"field": problem.field, "value": None if problem.value is None
                    else str(problem.value)})


def _action_of(fields: dict[str, Any]) -> str:
    if any(f in fields for f in APPRAISED):
        return "evidence.appraise"
    if any(f in fields for f in EXPLAINED):
        return "evidence.explain"
    return "evidence.declare"


def evidence_dict(row: m.Evidence) -> dict[str, Any]:
    return {"criterion": row.criterion, "value": row.value, "appraised": row.appraised,
            "source": row.source, "note": row.note, "comment": row.comment,
            "explanation": row.explanation, "version": row.version,
            "files": [document_dict(d) for d in row.documents.all()
                      if d.removed_at is None]}


def document_dict(d: m.Document) -> dict[str, Any]:
    return {"id": d.id, "name": d.name, "size": d.size, "sha256": d.sha256,
            "url": f"/files/{d.id}/"}


def patch_evidence(user: Any, cycle: m.Cycle, code: str, criterion: str,
                   fields: dict[str, Any], version: int | None, lang: str
                   ) -> tuple[m.Evidence, dict[str, Any]]:
    """Change some fields of one unit's row for one leaf (created on its first write)."""
    wanted = {k: ("" if v is None else str(v)) for k, v in fields.items()
              if k in DECLARED + APPRAISED + EXPLAINED}
    refuse_long(wanted, lang)
    kinds = {_action_of({k: 1}) for k in wanted}
    if len(kinds) > 1:
        raise Refused(400, "mixed_fields", words.t("web.refuse.mixed_fields", lang))
    action = kinds.pop() if kinds else "evidence.declare"
    with transaction.atomic():
        member = get_member(user, cycle, code, lang, lock=True)
        check(user, action, cycle, member, lang)
        if criterion not in compiled(cycle.edition).leaf_index:
            raise Refused(404, "not_found", words.t("web.refuse.no_criterion", lang,
                                                    criterion=criterion))
        row, _ = m.Evidence.objects.select_for_update().get_or_create(
            member=member, criterion=criterion, defaults={"position": 10**6})
        if version is not None and version != row.version:
            raise Refused(409, "stale_version", words.t("web.refuse.stale_version", lang),
                          {"current": evidence_dict(row)})
        changed = {k: (getattr(row, k), v) for k, v in wanted.items() if getattr(row, k) != v}
        for k, (_, v) in changed.items():
            setattr(row, k, v)
        if action == "evidence.appraise":  # the council decided this leaf, now
            row.appraised_at = timezone.now()
            row.appraised_by = user if getattr(user, "pk", None) else None
        if changed or action == "evidence.appraise":
            row.version += 1
            row.save()
        result = validate_unit(cycle, member, lang, (criterion, row.value, row.appraised),
                               same=not changed.keys() & {"value", "appraised"})
        for k, (before, after) in changed.items():
            record(cycle, user, action, code, criterion, k, before, after)
        if changed:
            touch(cycle)
    return row, result


def put_one_stop(user: Any, cycle: m.Cycle, code: str, counts: dict[str, Any],
                 version: int | None, lang: str, period: str = ""
                 ) -> tuple[m.OneStop, dict[str, Any]]:
    """The unit's one-stop counts (the §2 columns; blank = not given)."""
    from parindex.web.store import ONE_STOP_COUNTS

    clean = {k: ("" if v is None else str(v)) for k, v in counts.items()
             if k in ONE_STOP_COUNTS}
    with transaction.atomic():
        member = get_member(user, cycle, code, lang, lock=True)
        check(user, "one_stop.write", cycle, member, lang)
        row, _ = m.OneStop.objects.select_for_update().get_or_create(
            member=member, period=period, defaults={"position": 10**6})
        if version is not None and version != row.version:
            raise Refused(409, "stale_version", words.t("web.refuse.stale_version", lang),
                          {"current": {"counts": row.counts, "version": row.version}})
        before = dict(row.counts)
        row.counts = {**row.counts, **clean}
        if row.counts != before:
            row.version += 1
            row.save()
            ensure_table(cycle, "one_stop", ["unit", *ONE_STOP_COUNTS])
        result = validate_unit(cycle, member, lang)
        for k in clean:
            if before.get(k, "") != row.counts[k]:
                record(cycle, user, "one_stop.write", code, "", k, before.get(k, ""),
                       row.counts[k])
        if row.counts != before:
            touch(cycle)
    return row, result


def ensure_table(cycle: m.Cycle, name: str, columns: list[str]) -> None:
    """A table written in the workspace joins the cycle's shape (its columns kept)."""
    if name not in cycle.tables:
        cycle.tables = {**cycle.tables, name: columns}
        m.Cycle.objects.filter(pk=cycle.pk).update(tables=cycle.tables)


def parse_day(text: str, lang: str) -> dt.date:
    for f in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), f).date()
        except ValueError:
            continue
    raise Refused(400, "invalid_value", words.t("web.refuse.bad_day", lang, value=text))


def put_report(user: Any, cycle: m.Cycle, code: str, report: str, submitted: str,
               version: int | None, lang: str) -> tuple[m.ReportDate, dict[str, Any]]:
    """When the unit sent one periodic report of the edition's calendar."""
    with transaction.atomic():
        member = get_member(user, cycle, code, lang, lock=True)
        check(user, "reports.write", cycle, member, lang)
        text = parse_day(submitted, lang).strftime("%d/%m/%Y") if submitted.strip() else ""
        row, _ = m.ReportDate.objects.select_for_update().get_or_create(
            member=member, report=report, defaults={"position": 10**6})
        if version is not None and version != row.version:
            raise Refused(409, "stale_version", words.t("web.refuse.stale_version", lang),
                          {"current": {"submitted": row.submitted, "version": row.version}})
        before = row.submitted
        if before != text:
            row.submitted = text
            row.version += 1
            row.save()
            ensure_table(cycle, "reports", ["unit", "report", "submitted"])
        result = validate_unit(cycle, member, lang)
        if before != text:
            record(cycle, user, "reports.write", code, report, "submitted", before, text)
            touch(cycle)
    return row, result


def submit(user: Any, cycle: m.Cycle, code: str, lang: str) -> m.Member:
    """The unit submits its self-assessment: its declared values are locked."""
    with transaction.atomic():
        member = get_member(user, cycle, code, lang, lock=True)
        check(user, "unit.submit", cycle, member, lang)
        member.submitted_at = timezone.now()
        member.submitted_by = user if getattr(user, "pk", None) else None
        member.save(update_fields=["submitted_at", "submitted_by"])
        record(cycle, user, "unit.submit", code, after=member.submitted_at.isoformat())
    return member


def move_round(user: Any, cycle: m.Cycle, round_: str, deadline: str | None,
               lang: str, reason: str = "") -> m.Cycle:
    """The office moves the cycle to a round (and sets that round's deadline). Leaving
    ``published`` reopens published numbers: it needs a reason, kept on the record."""
    check(user, "round.move", cycle, None, lang)
    if round_ not in m.ROUNDS:
        raise Refused(400, "invalid_value", words.t("web.refuse.bad_round", lang,
                                                    value=round_,
                                                    rounds=", ".join(m.ROUNDS)))
    reopening = cycle.round == "published" and round_ != "published"
    if reopening and not reason.strip():
        raise Refused(400, "reason_needed", words.t("web.refuse.reason_needed", lang))
    day = parse_day(deadline, lang) if deadline else None
    with transaction.atomic():
        before = cycle.round
        cycle.round = round_
        cycle.save(update_fields=["round"])
        record(cycle, user, "cycle.reopen" if reopening else "round.move", field="round",
               before=before, after=round_ + (f": {reason.strip()}" if reopening else ""))
        if day is not None:
            old = cycle.deadlines.filter(round=round_).first()
            m.Deadline.objects.update_or_create(cycle=cycle, round=round_,
                                                defaults={"day": day})
            record(cycle, user, "deadline.set", field=round_,
                   before=old.day.strftime("%d/%m/%Y") if old else "",
                   after=day.strftime("%d/%m/%Y"))
    cycle.refresh_from_db()  # the deadlines prefetched with the cycle are stale now
    return cycle
