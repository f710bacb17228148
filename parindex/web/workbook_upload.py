"""A unit's filled template workbook (``parindex template``) brought into the workspace:
read and checked as ``parindex check`` reads and checks it (the same messages), compared with
the unit's rows, the differences shown, and applied only when the unit confirms — each
difference through the same service as a field typed on the page, all in one transaction.

Between the preview and the confirmation the workbook waits in the data folder under a
generated name; applying reads it again, so what is applied is what was shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from parindex import words
from parindex.errors import ParIndexError, Problem
from parindex.evidence.bundle import load_bundle
from parindex.evidence.merge import same_value
from parindex.evidence.tables import Bundle
from parindex.pipeline import check_bundle
from parindex.web import models as m
from parindex.web import services
from parindex.web.services import Refused
from parindex.web.store import ONE_STOP_COUNTS, compiled

#: the columns a unit declares, per table
DECLARED = {"evidence": ("value", "source", "note")}


@dataclass(frozen=True)
class Difference:
    """One cell the workbook would change: where (table, row key, column), before, after."""

    table: str
    key: str
    column: str
    before: str
    after: str


@dataclass(frozen=True)
class Preview:
    token: str
    problems: list[Problem]
    differences: list[Difference]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _incoming() -> Path:
    path = Path(settings.DATA) / "incoming"
    path.mkdir(parents=True, exist_ok=True)
    return path


def receive(stream: IO[bytes], lang: str) -> str:
    """The uploaded workbook kept under a generated name (its token)."""
    token = uuid.uuid4().hex
    limit = int(settings.UPLOAD_MAX_BYTES)
    tmp = _incoming() / f".part-{token}"
    size = 0
    try:
        with tmp.open("wb") as out:
            for chunk in iter(lambda: stream.read(1 << 16), b""):
                size += len(chunk)
                if size > limit:
                    raise Refused(400, "too_large", words.t(
                        "web.refuse.too_large", lang, mb=limit // (1024 * 1024)))
                out.write(chunk)
        tmp.replace(_incoming() / f"{token}.xlsx")
    finally:
        tmp.unlink(missing_ok=True)
    return token


def _path(token: str, lang: str) -> Path:
    path = _incoming() / f"{token}.xlsx"
    if not token.isalnum() or not path.is_file():
        raise Refused(404, "not_found", words.t("web.refuse.not_found", lang))
    return path


def preview(cycle: m.Cycle, member: m.Member, token: str, lang: str) -> Preview:
    """The workbook checked against the cycle's edition and compared with the unit's rows."""
    path = _path(token, lang)
    try:
        bundle = load_bundle(path)
    except ParIndexError as exc:
        return Preview(token, exc.problems, [])
    checked = check_bundle(bundle, compiled(cycle.edition))
    problems = list(checked.problems)
    others = sorted({str(c) for c in bundle.tables["units"]["code"]} - {member.code})
    if others:
        problems.insert(0, Problem.of("web.other_units", path.name, field="code",
                                      value=", ".join(others), units=", ".join(others)))
    if any(p.severity == "error" for p in problems):
        return Preview(token, problems, [])
    return Preview(token, problems, differences(cycle, member, bundle))


def _rows(bundle: Bundle, name: str, code: str) -> list[dict[str, str]]:
    df = bundle.table(name)
    if df is None:
        return []
    cols = [c for c in df.columns if c != "_row"]
    return [dict(zip(cols, r, strict=True)) for r in df[cols].itertuples(index=False)
            if r[cols.index("unit")] == code]


def differences(cycle: m.Cycle, member: m.Member, bundle: Bundle) -> list[Difference]:
    """Every declared cell of the unit that the workbook would change (cells that mean the
    same, as ``parindex merge`` sees them, are not differences; a blank cell changes
    nothing)."""
    edition = compiled(cycle.edition)
    out: list[Difference] = []
    have = {e.criterion: e for e in member.evidence.all()}
    for row in _rows(bundle, "evidence", member.code):
        known = have.get(row["criterion"])
        for col in DECLARED["evidence"]:
            new, old = row.get(col, ""), getattr(known, col, "") if known else ""
            if new and not (old and same_value("evidence", col, row, old, new, edition)):
                out.append(Difference("evidence", row["criterion"], col, old, new))
    stops = {s.period: s for s in member.one_stop.all()}
    for row in _rows(bundle, "one_stop", member.code):
        counts = stops[row.get("period", "")].counts if row.get("period", "") in stops else {}
        for col in ONE_STOP_COUNTS:
            new, old = row.get(col, ""), str(counts.get(col, ""))
            if new and not (old and same_value("one_stop", col, row, old, new, edition)):
                out.append(Difference("one_stop", row.get("period", ""), col, old, new))
    sent = {r.report: r.submitted for r in member.reports.all()}
    for row in _rows(bundle, "reports", member.code):
        new, old = row["submitted"], sent.get(row["report"], "")
        if new and new != old:
            out.append(Difference("reports", row["report"], "submitted", old, new))
    return out


def apply(user: Any, cycle: m.Cycle, code: str, token: str, lang: str) -> int:
    """Apply the workbook's differences (all or none); the workbook is then removed."""
    member = services.get_member(user, cycle, code, lang)
    services.check(user, "evidence.declare", cycle, member, lang)
    found = preview(cycle, member, token, lang)
    if found.errors:
        raise Refused(400, "invalid_value", found.errors[0].render(lang))
    grouped: dict[tuple[str, str], dict[str, str]] = {}
    for d in found.differences:
        grouped.setdefault((d.table, d.key), {})[d.column] = d.after
    with transaction.atomic():
        for (table, key), fields in grouped.items():
            if table == "evidence":
                services.patch_evidence(user, cycle, code, key, fields, None, lang)
            elif table == "one_stop":
                services.put_one_stop(user, cycle, code, fields, None, lang, key)
            else:
                services.put_report(user, cycle, code, key, fields["submitted"], None, lang)
    _path(token, lang).unlink(missing_ok=True)
    return len(found.differences)
