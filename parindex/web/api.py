"""The JSON API of CONTRACT §5 (django-ninja). Browsers use their session (with CSRF),
scripts send ``Authorization: Token KEY``. Every refusal is ``{"error": CODE, "message":
TEXT}`` in Vietnamese (``?lang=en``: English). The rules are in
:mod:`parindex.web.services`; this module only reads requests and writes answers.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Body, File, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.security import APIKeyHeader, SessionAuth

from parindex import words
from parindex.web import models as m
from parindex.web import scores, services
from parindex.web.api_rounds import router as rounds_router
from parindex.web.permissions import decide, visible_codes
from parindex.web.services import Refused


def lang_of(request: HttpRequest) -> str:
    return str(getattr(request, "lang", "vi"))


class TokenAuth(APIKeyHeader):
    """``Authorization: Token KEY`` (stored hashed; a revoked token is refused)."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not key or not key.startswith("Token "):
            return None
        digest = hashlib.sha256(key[6:].strip().encode()).hexdigest()
        token = m.Token.objects.select_related("user__profile").filter(
            digest=digest, revoked_at__isnull=True, user__is_active=True).first()
        if token is None:
            return None
        request.user = token.user
        return token.user


class Session(SessionAuth):
    """The browser's session; CSRF is checked for a signed-in session only, so a caller
    with no session (or a bad token) is told 401, not 403."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


api = NinjaAPI(title="parindex workspace", version="1", auth=[TokenAuth(), Session()],
               urls_namespace="api", docs_url=None)


def error(request: HttpRequest, status: int, code: str, message: str,
          extra: dict[str, Any] | None = None) -> HttpResponse:
    return api.create_response(request, {"error": code, "message": message, **(extra or {})},
                               status=status)


@api.exception_handler(Refused)
def _refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    return error(request, exc.status, exc.code, exc.message, exc.extra)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, _exc: Exception) -> HttpResponse:
    return error(request, 401, "not_logged_in", words.t("web.refuse.not_logged_in",
                                                         lang_of(request)))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    where = "; ".join(".".join(str(p) for p in e.get("loc", ())) for e in exc.errors)
    return error(request, 400, "invalid_body", words.t("web.refuse.invalid_body",
                                                        lang_of(request), where=where))


@api.exception_handler(HttpError)
def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = "csrf" if exc.status_code == 403 else "invalid_body"
    return error(request, exc.status_code, code, words.t(f"web.refuse.{code}",
                                                         lang_of(request), where=""))


def _cycle_dict(c: m.Cycle) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "year": c.year, "edition": c.edition.code,
            "round": c.round,
            "deadlines": {d.round: d.day.strftime("%d/%m/%Y") for d in c.deadlines.all()}}


@api.get("/cycles")
def cycles(request: HttpRequest) -> list[dict[str, Any]]:
    return [_cycle_dict(c) for c in services.visible_cycles(request.user)]


def _ranks(request: HttpRequest, cycle: m.Cycle) -> bool:
    return decide(request.user, "ranks.read", cycle) is None


@api.get("/cycles/{cycle_id}/results")
def results(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    services.check(request.user, "results.read", cycle, None, lang)
    return scores.results(cycle, visible_codes(request.user, cycle), _ranks(request, cycle))


@api.get("/cycles/{cycle_id}/units/{code}")
def unit(request: HttpRequest, cycle_id: int, code: str) -> dict[str, Any]:
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    member = services.get_member(request.user, cycle, code, lang)
    rows = member.evidence.prefetch_related("documents")
    return {
        "unit": code, "name": member.name, "group": member.group,
        "submitted": member.submitted_at.isoformat() if member.submitted_at else None,
        "evidence": [services.evidence_dict(e) for e in rows],
        "one_stop": [{"period": s.period, **s.counts, "version": s.version}
                     for s in member.one_stop.all()],
        "reports": [{"report": r.report, "submitted": r.submitted, "version": r.version}
                    for r in member.reports.all()],
        "adjustments": [{"kind": a.kind, "points": a.points, "reason": a.reason}
                        for a in member.adjustments.all()],
        "result": scores.unit_result(cycle, code, _ranks(request, cycle)),
    }


class EvidenceIn(Schema):
    value: str | None = None
    source: str | None = None
    note: str | None = None
    appraised: str | None = None
    comment: str | None = None
    explanation: str | None = None
    version: int | None = None


@api.patch("/cycles/{cycle_id}/units/{code}/evidence/{criterion}")
def patch_evidence(request: HttpRequest, cycle_id: int, code: str, criterion: str,
                   body: EvidenceIn) -> dict[str, Any]:
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    fields = body.model_dump(exclude_unset=True, exclude={"version"})
    if not fields:
        raise Refused(400, "invalid_body", words.t("web.refuse.invalid_body", lang,
                                                   where="value"))
    row, result = services.patch_evidence(request.user, cycle, code, criterion, fields,
                                          body.version, lang)
    return {"evidence": services.evidence_dict(row), "result": result}


@api.put("/cycles/{cycle_id}/units/{code}/one_stop")
def put_one_stop(request: HttpRequest, cycle_id: int, code: str,
                 body: dict[str, Any] = Body(...)) -> dict[str, Any]:  # type: ignore[type-arg]
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    version = body.pop("version", None)
    period = str(body.pop("period", "") or "")
    if version is not None and not isinstance(version, int):
        raise Refused(400, "invalid_body", words.t("web.refuse.invalid_body", lang,
                                                   where="version"))
    row, result = services.put_one_stop(request.user, cycle, code, body, version, lang, period)
    return {"one_stop": {"period": row.period, **row.counts, "version": row.version},
            "result": result}


class ReportIn(Schema):
    submitted: str
    version: int | None = None


@api.put("/cycles/{cycle_id}/units/{code}/reports/{report}")
def put_report(request: HttpRequest, cycle_id: int, code: str, report: str,
               body: ReportIn) -> dict[str, Any]:
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    row, result = services.put_report(request.user, cycle, code, report, body.submitted,
                                      body.version, lang)
    return {"report": {"report": row.report, "submitted": row.submitted,
                       "version": row.version}, "result": result}


@api.post("/cycles/{cycle_id}/units/{code}/evidence/{criterion}/files")
def upload(request: HttpRequest, cycle_id: int, code: str, criterion: str,
           file: UploadedFile = File(...)) -> dict[str, Any]:  # type: ignore[type-arg]
    from parindex.web import documents

    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    doc = documents.upload(request.user, cycle, code, criterion, file.name or "", file, lang)
    return services.document_dict(doc)


@api.post("/cycles/{cycle_id}/units/{code}/submit")
def submit(request: HttpRequest, cycle_id: int, code: str) -> dict[str, Any]:
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    member = services.submit(request.user, cycle, code, lang)
    return {"unit": code, "submitted": member.submitted_at.isoformat()
            if member.submitted_at else None}


@api.get("/cycles/{cycle_id}/audit")
def audit(request: HttpRequest, cycle_id: int, unit: str | None = None
          ) -> list[dict[str, Any]]:
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    services.check(request.user, "audit.read", cycle, None, lang)
    rows = m.Change.objects.filter(cycle=cycle)
    if unit:
        rows = rows.filter(unit=unit)
    return [{"at": timezone.localtime(c.at).isoformat(), "user": c.user, "action": c.action,
             "unit": c.unit, "criterion": c.criterion, "field": c.field, "before": c.before,
             "after": c.after} for c in rows]


class RoundIn(Schema):
    round: str
    deadline: str | None = None
    reason: str = ""


@api.post("/cycles/{cycle_id}/round")
def move_round(request: HttpRequest, cycle_id: int, body: RoundIn) -> dict[str, Any]:
    lang = lang_of(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    return _cycle_dict(services.move_round(request.user, cycle, body.round, body.deadline,
                                           lang, body.reason))


# the appraisal rounds' endpoints, on the same API (their errors take its shape)
api.add_router("", rounds_router)
