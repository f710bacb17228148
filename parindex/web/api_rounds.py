"""The JSON API of the appraisal rounds (issue #13), beside CONTRACT §5's: accepting leaves
as declared, bonus and penalty, deadline extensions, document requests, a leaf's history
and the record as CSV. Errors have the shape of §5 (the handlers of :mod:`.api`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from parindex.web import rounds, services

router = Router()


def _lang(request: HttpRequest) -> str:
    return str(getattr(request, "lang", "vi"))


class AcceptIn(Schema):
    criteria: list[str] = Field(default_factory=list)
    area: str | None = None


@router.post("/cycles/{cycle_id}/units/{code}/accept")
def accept(request: HttpRequest, cycle_id: int, code: str, body: AcceptIn) -> dict[str, Any]:
    lang = _lang(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    count, result = rounds.accept_declared(request.user, cycle, code, body.criteria,
                                           body.area, lang)
    return {"accepted": count, "result": result}


class AdjustmentIn(Schema):
    kind: str | None = None
    points: str | None = None
    reason: str | None = None
    document: int | None = None
    version: int | None = None


@router.post("/cycles/{cycle_id}/units/{code}/adjustments")
def add_adjustment(request: HttpRequest, cycle_id: int, code: str,
                   body: AdjustmentIn) -> dict[str, Any]:
    lang = _lang(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    row, result = rounds.put_adjustment(request.user, cycle, code, None,
                                        body.model_dump(exclude_unset=True), None, lang)
    return {"adjustment": rounds.adjustment_dict(row), "result": result}


@router.put("/cycles/{cycle_id}/units/{code}/adjustments/{ident}")
def change_adjustment(request: HttpRequest, cycle_id: int, code: str, ident: int,
                      body: AdjustmentIn) -> dict[str, Any]:
    lang = _lang(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    fields = body.model_dump(exclude_unset=True, exclude={"version"})
    row, result = rounds.put_adjustment(request.user, cycle, code, ident, fields,
                                        body.version, lang)
    return {"adjustment": rounds.adjustment_dict(row), "result": result}


@router.delete("/cycles/{cycle_id}/units/{code}/adjustments/{ident}")
def delete_adjustment(request: HttpRequest, cycle_id: int, code: str,
                      ident: int) -> dict[str, Any]:
    lang = _lang(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    return {"result": rounds.delete_adjustment(request.user, cycle, code, ident, lang)}


class ExtensionIn(Schema):
    round: str
    deadline: str
    reason: str


@router.post("/cycles/{cycle_id}/units/{code}/extension")
def extension(request: HttpRequest, cycle_id: int, code: str,
              body: ExtensionIn) -> dict[str, Any]:
    lang = _lang(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    row = rounds.extend(request.user, cycle, code, body.round, body.deadline, body.reason,
                        lang)
    return {"unit": code, "round": row.round, "deadline": row.day.strftime("%d/%m/%Y"),
            "reason": row.reason}


class RequestIn(Schema):
    text: str
    due: str | None = None


@router.post("/cycles/{cycle_id}/units/{code}/evidence/{criterion}/requests")
def ask(request: HttpRequest, cycle_id: int, code: str, criterion: str,
        body: RequestIn) -> dict[str, Any]:
    lang = _lang(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    row = rounds.ask_document(request.user, cycle, code, criterion, body.text, body.due, lang)
    return {"id": row.pk, "criterion": criterion, "text": row.text,
            "due": row.due.strftime("%d/%m/%Y") if row.due else None}


@router.get("/cycles/{cycle_id}/units/{code}/evidence/{criterion}/history")
def history(request: HttpRequest, cycle_id: int, code: str,
            criterion: str) -> list[dict[str, Any]]:
    lang = _lang(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    member = services.get_member(request.user, cycle, code, lang)
    services.check(request.user, "history.read", cycle, member, lang)
    return rounds.history(cycle, code, criterion)


@router.get("/cycles/{cycle_id}/audit.csv")
def audit_csv(request: HttpRequest, cycle_id: int, unit: str | None = None) -> HttpResponse:
    lang = _lang(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    services.check(request.user, "audit.read", cycle, None, lang)
    response = HttpResponse(rounds.audit_csv(cycle, unit), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="nhat-ky-{cycle.id}.csv"'
    return response


class NextIn(Schema):
    year: int
    name: str | None = None
    edition: str | None = None


@router.post("/cycles/{cycle_id}/next")
def open_next(request: HttpRequest, cycle_id: int, body: NextIn) -> dict[str, Any]:
    from parindex.web.years import open_next as open_cycle

    lang = _lang(request)
    cycle = services.get_cycle(request.user, cycle_id, lang)
    new = open_cycle(request.user, cycle, body.year, body.name, body.edition, lang)
    return {"id": new.id, "name": new.name, "year": new.year, "edition": new.edition.code,
            "round": new.round, "units": new.members.count()}
