"""A unit's filled template workbook: read and checked as ``parindex check`` reads and checks
it (the same messages), compared with the unit's rows, and applied — through the services,
every change or none — only after the official has seen the differences.

A blank cell of the workbook changes nothing (a unit that filled part of the workbook offline
does not lose what it typed on the site). The differences travel to the confirmation as a
signed plan with the versions they were computed from: a row changed in between is refused
as stale (409), like any stale page.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd
from django.conf import settings
from django.core import signing
from django.db import transaction

from parindex import words
from parindex.criteria.compiled import CompiledEdition
from parindex.errors import EvidenceError, Problem
from parindex.evidence.bundle import load_bundle
from parindex.evidence.merge import same_value
from parindex.evidence.tables import Bundle
from parindex.pipeline import check_bundle
from parindex.web import models as m
from parindex.web import services
from parindex.web.documents import content_type, megabytes, safe_name
from parindex.web.services import Refused
from parindex.web.store import ONE_STOP_COUNTS, compiled

SALT = "parindex.web.unit_workbook"
DECLARED = ("value", "source", "note")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: how long a preview may wait for its confirmation (seconds)
MAX_AGE = 3600


@dataclass
class Preview:
    """What the workbook would change, or why it cannot be applied."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: (what, field's words key, before, after), for the page
    changes: list[tuple[str, str, str, str]] = field(default_factory=list)
    plan: str = ""


def template(cycle: m.Cycle, member: m.Member, lang: str) -> bytes:
    """The blank template workbook of the unit (as ``parindex template --unit``)."""
    from parindex.evidence.template import template_bytes

    units = pd.DataFrame([{"code": member.code, "name": member.name, "type": member.type,
                           "group": member.group}])
    return template_bytes(compiled(cycle.edition), units, cycle.year, lang,
                          authority=cycle.authority)


def _receive(stream: IO[bytes], name: str, folder: Path, lang: str) -> Path:
    """The upload in ``folder``, under its own name (the messages name the file)."""
    name = safe_name(name)
    path = folder / (name if name.lower().endswith(".xlsx") else f"{name}.xlsx")
    limit, size = int(settings.UPLOAD_MAX_BYTES), 0
    with path.open("wb") as out:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            size += len(chunk)
            if size > limit:
                raise Refused(400, "too_large", words.t("web.refuse.too_large", lang,
                                                        mb=megabytes(limit, lang)))
            out.write(chunk)
    if content_type(path) != XLSX:
        raise Refused(400, "bad_type", words.t("web.unit.wb.not_xlsx", lang))
    return path


def _own_rows(bundle: Bundle, name: str, code: str, lang: str) -> list[dict[str, str]]:
    """The table's rows, all of the unit's own (another unit's row is refused)."""
    df = bundle.table(name)
    if df is None:
        return []
    key = "code" if name == "units" else "unit"
    others = sorted({str(c) for c in df[key]} - {code})
    if others:
        raise Refused(403, "other_unit", words.t("web.unit.wb.other_unit", lang,
                                                 units=", ".join(others[:5])))
    cols = [c for c in df.columns if c != "_row"]
    return [dict(zip(cols, map(str, r), strict=True)) for r in df[cols].itertuples(index=False)]


def _evidence_plan(rows: list[dict[str, str]], member: m.Member, changes: list[Any],
                   edition: CompiledEdition) -> list[dict[str, Any]]:
    """A value is changed only when it means something else as scoring reads it (``92.4``
    for a stored ``92,4`` is no change, as ``parindex merge`` sees it); the texts (source,
    note) when they differ at all."""
    current = {e.criterion: e for e in member.evidence.all()}
    plan = []
    for r in rows:
        row = current.get(r["criterion"])
        fields = {}
        for f in DECLARED:
            new, old = r.get(f, ""), getattr(row, f) if row is not None else ""
            if new and new != old and not (
                    f == "value" and old and same_value("evidence", f, r, new, old, edition)):
                fields[f] = new
                changes.append((r["criterion"], f"col.evidence.{f}", old, new))
        if fields:
            plan.append({"criterion": r["criterion"], "fields": fields,
                         "version": row.version if row is not None else None})
    return plan


def _one_stop_plan(rows: list[dict[str, str]], member: m.Member, changes: list[Any]
                   ) -> list[dict[str, Any]]:
    current = {s.period: s for s in member.one_stop.all()}
    plan = []
    for r in rows:
        period = r.get("period", "")
        row = current.get(period)
        before = dict(row.counts) if row is not None else {}
        counts = {c: r[c] for c in ONE_STOP_COUNTS
                  if r.get(c, "") and not same_value("one_stop", c, r, r[c],
                                                     str(before.get(c, "")), None)}
        for c, v in counts.items():
            changes.append((period or "—", f"col.one_stop.{c}", str(before.get(c, "")), v))
        if counts:
            plan.append({"period": period, "counts": counts,
                         "version": row.version if row is not None else None})
    return plan


def _reports_plan(rows: list[dict[str, str]], member: m.Member, changes: list[Any]
                  ) -> list[dict[str, Any]]:
    current = {r.report: r for r in member.reports.all()}
    plan = []
    for r in rows:
        row = current.get(r["report"])
        old = row.submitted if row is not None else ""
        if r.get("submitted") and r["submitted"] != old:
            changes.append((r["report"], "col.reports.submitted", old, r["submitted"]))
            plan.append({"report": r["report"], "submitted": r["submitted"],
                         "version": row.version if row is not None else None})
    return plan


def _checked(path: Path, cycle: m.Cycle, lang: str) -> tuple[Bundle | None, Preview]:
    """The workbook read and checked against the cycle's edition (year and edition must be
    the cycle's)."""
    try:
        bundle = load_bundle(path)
    except EvidenceError as exc:
        return None, Preview(errors=[_shown(p, lang) for p in exc.problems])
    edition = compiled(cycle.edition)
    if bundle.year != cycle.year or Path(str(bundle.edition)).stem != edition.id:
        return None, Preview(errors=[words.t(
            "web.unit.wb.other_cycle", lang, year=bundle.year, edition=bundle.edition,
            want_year=cycle.year, want_edition=edition.id)])
    checked = check_bundle(bundle, edition)
    preview = Preview(errors=[_shown(p, lang) for p in checked.errors],
                      warnings=[_shown(p, lang) for p in checked.problems
                                if p.severity != "error"])
    return (None if preview.errors else bundle), preview


def _shown(problem: Problem, lang: str) -> str:
    return problem.render(lang)


def preview(user: Any, cycle: m.Cycle, member: m.Member, name: str, stream: IO[bytes],
            lang: str) -> Preview:
    """The workbook's problems, or the changes it would make and the signed plan."""
    services.check(user, "evidence.declare", cycle, member, lang)
    with tempfile.TemporaryDirectory(prefix="parindex-wb-") as tmp:
        bundle, shown = _checked(_receive(stream, name, Path(tmp), lang), cycle, lang)
    if bundle is None:
        return shown
    code = member.code
    for name_ in ("units", "adjustments", "survey"):
        _own_rows(bundle, name_, code, lang)
    changes: list[tuple[str, str, str, str]] = []
    plan = {"cycle": cycle.id, "unit": code, "user": getattr(user, "pk", None),
            "evidence": _evidence_plan(_own_rows(bundle, "evidence", code, lang), member,
                                       changes, compiled(cycle.edition)),
            "one_stop": _one_stop_plan(_own_rows(bundle, "one_stop", code, lang), member,
                                       changes),
            "reports": _reports_plan(_own_rows(bundle, "reports", code, lang), member,
                                     changes)}
    shown.changes = changes
    shown.plan = signing.dumps(plan, salt=SALT, compress=True) if changes else ""
    return shown


def apply(user: Any, cycle: m.Cycle, member: m.Member, signed: str, lang: str) -> int:
    """Every change of a previewed plan through the services, in one transaction (a refusal
    keeps none); the number of rows changed."""
    try:
        plan = signing.loads(signed, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as exc:
        raise Refused(400, "stale_plan", words.t("web.unit.wb.expired", lang)) from exc
    if (plan["cycle"], plan["unit"], plan["user"]) != (cycle.id, member.code,
                                                      getattr(user, "pk", None)):
        raise Refused(400, "stale_plan", words.t("web.unit.wb.expired", lang))
    code = member.code
    with transaction.atomic():
        for e in plan["evidence"]:
            services.patch_evidence(user, cycle, code, e["criterion"], e["fields"],
                                    e["version"], lang)
        for s in plan["one_stop"]:
            services.put_one_stop(user, cycle, code, s["counts"], s["version"], lang,
                                  s["period"])
        for r in plan["reports"]:
            services.put_report(user, cycle, code, r["report"], r["submitted"], r["version"],
                                lang)
    return len(plan["evidence"]) + len(plan["one_stop"]) + len(plan["reports"])
