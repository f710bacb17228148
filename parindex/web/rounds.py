"""The rules of the appraisal rounds (CONTRACT §5, issue #13), one function per write, beside
those of :mod:`parindex.web.services` and built the same way: the permission table asked,
the rows locked, the same checks as ``parindex check``, the change on the record, one
transaction.

- the council accepts leaves as declared (per leaf or per area), sets bonus and penalty with
  their reason and document, and asks a unit for a missing document;
- the office extends a round's deadline for one unit, with a reason;
- each leaf's history and the cycle's record (as CSV) are read from the record itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.db import transaction
from django.utils import timezone

from parindex import words
from parindex.io import safe_cell
from parindex.web import models as m
from parindex.web.services import (
    Refused,
    check,
    ensure_table,
    get_member,
    parse_day,
    record,
    refuse_long,
    touch,
    validate_unit,
)
from parindex.web.store import compiled


def _leaves(cycle: m.Cycle, criteria: list[str], area: str | None, lang: str) -> list[str]:
    """The leaf codes asked for: the ones listed, or every leaf under ``area``."""
    edition = compiled(cycle.edition)
    if area:
        found = [lf.code for lf in edition.leaves if lf.code == area or
                 area in lf.parents or lf.code.startswith(f"{area}.")]
        if not found:
            raise Refused(404, "not_found", words.t("web.refuse.no_criterion", lang,
                                                    criterion=area))
        return found
    for code in criteria:
        if code not in edition.leaf_index:
            raise Refused(404, "not_found", words.t("web.refuse.no_criterion", lang,
                                                    criterion=code))
    return criteria


def accept_declared(user: Any, cycle: m.Cycle, code: str, criteria: list[str],
                    area: str | None, lang: str) -> tuple[int, dict[str, Any]]:
    """The council accepts leaves as the unit declared them (``appraised`` blank, decided
    now); answers how many leaves and the unit's new result."""
    with transaction.atomic():
        member = get_member(user, cycle, code, lang, lock=True)
        check(user, "evidence.appraise", cycle, member, lang)
        leaves = _leaves(cycle, criteria, area, lang)
        now = timezone.now()
        for criterion in leaves:
            row, _ = m.Evidence.objects.select_for_update().get_or_create(
                member=member, criterion=criterion, defaults={"position": 10**6})
            before = row.appraised
            row.appraised, row.appraised_at = "", now
            row.appraised_by = user if getattr(user, "pk", None) else None
            row.version += 1
            row.save()
            record(cycle, user, "evidence.accept", code, criterion, "appraised", before, "")
        result = validate_unit(cycle, member, lang)
        touch(cycle)
    return len(leaves), result


def put_adjustment(user: Any, cycle: m.Cycle, code: str, ident: int | None,
                   fields: dict[str, Any], version: int | None, lang: str
                   ) -> tuple[m.Adjustment, dict[str, Any]]:
    """A bonus or penalty of the council (``ident`` None: a new one), with its reason and
    optionally a document of the unit's; checked as ``parindex check`` checks the table."""
    refuse_long(fields, lang)
    with transaction.atomic():
        member = get_member(user, cycle, code, lang, lock=True)
        check(user, "adjustments.write", cycle, member, lang)
        if ident is None:
            row = m.Adjustment(member=member, position=10**6, kind="", points="")
        else:
            found = m.Adjustment.objects.select_for_update().filter(pk=ident, member=member)
            row = found.first() or _missing(lang)
            if version is not None and version != row.version:
                raise Refused(409, "stale_version", words.t("web.refuse.stale_version", lang),
                              {"current": adjustment_dict(row)})
        before = adjustment_dict(row) if ident is not None else {}
        for key in ("kind", "points", "reason"):
            if key in fields:
                setattr(row, key, "" if fields[key] is None else str(fields[key]).strip())
        if "document" in fields:
            row.document = _document(member, fields["document"], lang)
        row.version = row.version + 1 if ident is not None else 1
        row.save()
        ensure_table(cycle, "adjustments", ["unit", "kind", "points", "reason"])
        result = validate_unit(cycle, member, lang)
        after = adjustment_dict(row)
        for key in ("kind", "points", "reason", "document"):
            if before.get(key, "") != after[key]:
                record(cycle, user, "adjustments.write", code, "", key, before.get(key, ""),
                       after[key])
        touch(cycle)
    return row, result


def delete_adjustment(user: Any, cycle: m.Cycle, code: str, ident: int, lang: str
                      ) -> dict[str, Any]:
    with transaction.atomic():
        member = get_member(user, cycle, code, lang, lock=True)
        check(user, "adjustments.write", cycle, member, lang)
        row = m.Adjustment.objects.filter(pk=ident, member=member).first() or _missing(lang)
        gone = adjustment_dict(row)
        row.delete()
        result = validate_unit(cycle, member, lang)
        record(cycle, user, "adjustments.delete", code, "", "adjustment",
               f"{gone['kind']} {gone['points']} ({gone['reason']})", "")
        touch(cycle)
    return result


def _missing(lang: str) -> Any:
    raise Refused(404, "not_found", words.t("web.refuse.not_found", lang))


def _document(member: m.Member, ident: object, lang: str) -> m.Document | None:
    if ident in (None, ""):
        return None
    doc = m.Document.objects.filter(pk=int(str(ident)), evidence__member=member,
                                    removed_at__isnull=True).first()
    return doc or _missing(lang)


def adjustment_dict(row: m.Adjustment) -> dict[str, Any]:
    return {"id": row.pk, "kind": row.kind, "points": row.points, "reason": row.reason,
            "document": row.document_id or "", "version": row.version}


def extend(user: Any, cycle: m.Cycle, code: str, round_: str, day: str, reason: str,
           lang: str) -> m.Extension:
    """The office moves one unit's deadline of a round (a reason is required), on the
    record; the unit may write again until that day if the round is open."""
    check(user, "deadline.extend", cycle, None, lang)
    if round_ not in m.ROUNDS:
        raise Refused(400, "invalid_value", words.t("web.refuse.bad_round", lang, value=round_,
                                                    rounds=", ".join(m.ROUNDS)))
    if not reason.strip():
        raise Refused(400, "reason_needed", words.t("web.refuse.reason_needed", lang))
    until = parse_day(day, lang)
    with transaction.atomic():
        member = get_member(user, cycle, code, lang, lock=True)
        row = m.Extension.objects.create(member=member, round=round_, day=until,
                                         reason=reason.strip(),
                                         by=user if getattr(user, "pk", None) else None)
        record(cycle, user, "deadline.extend", code, "", round_, "",
               f"{until.strftime('%d/%m/%Y')}: {reason.strip()}")
    return row


def ask_document(user: Any, cycle: m.Cycle, code: str, criterion: str, text: str,
                 due: str | None, lang: str) -> m.DocumentRequest:
    """The council asks the unit for a missing document on a leaf (by a day)."""
    if not text.strip():
        raise Refused(400, "reason_needed", words.t("web.refuse.reason_needed", lang))
    with transaction.atomic():
        member = get_member(user, cycle, code, lang, lock=True)
        check(user, "requests.write", cycle, member, lang)
        _leaves(cycle, [criterion], None, lang)
        day: dt.date | None = parse_day(due, lang) if due else None
        row, _ = m.Evidence.objects.get_or_create(member=member, criterion=criterion,
                                                  defaults={"position": 10**6})
        asked = m.DocumentRequest.objects.create(evidence=row, text=text.strip(), due=day,
                                                 asked_by=user if getattr(user, "pk", None)
                                                 else None)
        record(cycle, user, "requests.write", code, criterion, "request", "",
               text.strip() + (f" ({day.strftime('%d/%m/%Y')})" if day else ""))
    return asked


def open_requests(member: m.Member) -> list[m.DocumentRequest]:
    return list(m.DocumentRequest.objects.filter(evidence__member=member,
                                                 answered_at__isnull=True)
                .select_related("evidence").order_by("asked_at"))


def history(cycle: m.Cycle, code: str, criterion: str) -> list[dict[str, Any]]:
    """A leaf's story from the record: declared → appraised → explained → decided."""
    rows = m.Change.objects.filter(cycle=cycle, unit=code, criterion=criterion)
    return [change_dict(c) for c in rows]


def change_dict(c: m.Change) -> dict[str, Any]:
    return {"at": timezone.localtime(c.at).isoformat(), "user": c.user, "action": c.action,
            "unit": c.unit, "criterion": c.criterion, "field": c.field, "before": c.before,
            "after": c.after}


def audit_csv(cycle: m.Cycle, unit: str | None = None) -> str:
    """The cycle's record as CSV (UTF-8 with BOM for Excel; cells made formula-safe)."""
    rows = m.Change.objects.filter(cycle=cycle)
    if unit:
        rows = rows.filter(unit=unit)
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["at", "user", "action", "unit", "criterion", "field", "before", "after"])
    for c in rows.iterator():
        d = change_dict(c)
        w.writerow([safe_cell(d[k]) for k in ("at", "user", "action", "unit", "criterion",
                                              "field", "before", "after")])
    return out.getvalue()
