"""The permissions walk: every role × every API endpoint × every round (and after the
deadline, and after the unit submitted), answered as the expectation table below says.

The table is written here, by hand, from CONTRACT §5 — not derived from
:data:`parindex.web.permissions.TABLE` — so that the two can disagree. The endpoints are
read from the ninja router and the pages from ``parindex.web.urls``: an endpoint or a page
without an entry here fails the walk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

pytest.importorskip("django")

from web_support import PASSWORD

pytestmark = pytest.mark.django_db

UNIT = "NN01"  # the unit every unit-level request is about (group "Huyện Núi Ngọc")
CSRF = "b" * 32
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

#: who walks: role → account (None: not signed in)
ROLES: dict[str, str | None] = {
    "admin": "noivu", "appraiser": "thamdinh", "appraiser_other_group": "tdsm",
    "unit_own": "nn01", "unit_other": "sm01", "viewer": "xem", "anonymous": None}

SELF = ("self_assessment",)
APPRAISAL = ("appraisal", "appraisal_2")
EXPLAIN = ("explanation",)
ROUNDS = ("self_assessment", "appraisal", "explanation", "appraisal_2", "final", "published")


@dataclass(frozen=True)
class Opens:
    """Allowed (200) in these rounds only; refused (403) in the others, after the round's
    deadline when ``deadline``, and once the unit submitted its self-assessment when
    ``submit``."""

    rounds: tuple[str, ...]
    deadline: bool = True
    submit: bool = False


@dataclass(frozen=True)
class State:
    """Where the cycle is when a request comes: its round, whether that round's deadline
    passed, whether the unit submitted."""

    round: str
    late: bool = False
    submitted: bool = False

    @property
    def name(self) -> str:
        return self.round + (" late" if self.late else "") + \
            (" submitted" if self.submitted else "")


STATES = [State(r) for r in ROUNDS] + [
    State("self_assessment", late=True), State("appraisal", late=True),
    State("explanation", late=True), State("self_assessment", submitted=True),
    State("explanation", submitted=True)]

Expect = int | Opens
#: the one refusal everyone not signed in gets, and what others see of a unit they may not
NO, HIDDEN, DENIED = 401, 404, 403
UNIT_WRITE = Opens(SELF, submit=True)


def _table(admin: Expect, appraiser: Expect, appraiser_other: Expect, unit_own: Expect,
           unit_other: Expect, viewer: Expect) -> dict[str, Expect]:
    return {"admin": admin, "appraiser": appraiser, "appraiser_other_group": appraiser_other,
            "unit_own": unit_own, "unit_other": unit_other, "viewer": viewer,
            "anonymous": NO}


#: (method, path, variant) → role → the answer. The PATCH of a row is three actions by its
#: body: the unit's declared value, the council's appraised value, the unit's explanation.
EXPECT: dict[tuple[str, str, str], dict[str, Expect]] = {
    ("GET", "/cycles", ""): _table(200, 200, 200, 200, 200, 200),
    ("GET", "/cycles/{cycle_id}/results", ""): _table(200, 200, 200, 200, 200, 200),
    ("GET", "/cycles/{cycle_id}/units/{code}", ""): _table(200, 200, HIDDEN, 200, HIDDEN,
                                                           200),
    ("PATCH", "/cycles/{cycle_id}/units/{code}/evidence/{criterion}", "declare"): _table(
        UNIT_WRITE, DENIED, HIDDEN, UNIT_WRITE, HIDDEN, DENIED),
    ("PATCH", "/cycles/{cycle_id}/units/{code}/evidence/{criterion}", "appraise"): _table(
        Opens(APPRAISAL), Opens(APPRAISAL), HIDDEN, DENIED, HIDDEN, DENIED),
    ("PATCH", "/cycles/{cycle_id}/units/{code}/evidence/{criterion}", "explain"): _table(
        Opens(EXPLAIN), DENIED, HIDDEN, Opens(EXPLAIN), HIDDEN, DENIED),
    ("PUT", "/cycles/{cycle_id}/units/{code}/one_stop", ""): _table(
        UNIT_WRITE, DENIED, HIDDEN, UNIT_WRITE, HIDDEN, DENIED),
    ("PUT", "/cycles/{cycle_id}/units/{code}/reports/{report}", ""): _table(
        UNIT_WRITE, DENIED, HIDDEN, UNIT_WRITE, HIDDEN, DENIED),
    # documents: with the self-assessment (closed by submitting it) and to back an
    # explanation (the unit submitted long before the explanation round)
    ("POST", "/cycles/{cycle_id}/units/{code}/evidence/{criterion}/files", ""): _table(
        Opens(SELF + EXPLAIN, submit=True), DENIED, HIDDEN,
        Opens(SELF + EXPLAIN, submit=True), HIDDEN, DENIED),
    ("POST", "/cycles/{cycle_id}/units/{code}/submit", ""): _table(
        UNIT_WRITE, DENIED, HIDDEN, UNIT_WRITE, HIDDEN, DENIED),
    ("GET", "/cycles/{cycle_id}/audit", ""): _table(200, DENIED, DENIED, DENIED, DENIED,
                                                    DENIED),
    ("POST", "/cycles/{cycle_id}/round", ""): _table(200, DENIED, DENIED, DENIED, DENIED,
                                                     DENIED),
    # the appraisal rounds (issue #13): the council's acts on a unit it sees
    ("POST", "/cycles/{cycle_id}/units/{code}/accept", ""): _table(
        Opens(APPRAISAL), Opens(APPRAISAL), HIDDEN, DENIED, HIDDEN, DENIED),
    ("POST", "/cycles/{cycle_id}/units/{code}/adjustments", ""): _table(
        Opens(APPRAISAL), Opens(APPRAISAL), HIDDEN, DENIED, HIDDEN, DENIED),
    ("PUT", "/cycles/{cycle_id}/units/{code}/adjustments/{ident}", ""): _table(
        Opens(APPRAISAL), Opens(APPRAISAL), HIDDEN, DENIED, HIDDEN, DENIED),
    ("DELETE", "/cycles/{cycle_id}/units/{code}/adjustments/{ident}", ""): _table(
        Opens(APPRAISAL), Opens(APPRAISAL), HIDDEN, DENIED, HIDDEN, DENIED),
    ("POST", "/cycles/{cycle_id}/units/{code}/evidence/{criterion}/requests", ""): _table(
        Opens(APPRAISAL), Opens(APPRAISAL), HIDDEN, DENIED, HIDDEN, DENIED),
    # a leaf's history: whoever sees the unit
    ("GET", "/cycles/{cycle_id}/units/{code}/evidence/{criterion}/history", ""): _table(
        200, 200, HIDDEN, 200, HIDDEN, 200),
    # the office's: a unit's extension (any round, after its deadline too: that is what it
    # is for), the record as CSV, next year's cycle
    ("POST", "/cycles/{cycle_id}/units/{code}/extension", ""): _table(
        200, DENIED, DENIED, DENIED, DENIED, DENIED),
    ("GET", "/cycles/{cycle_id}/audit.csv", ""): _table(200, DENIED, DENIED, DENIED, DENIED,
                                                        DENIED),
    ("POST", "/cycles/{cycle_id}/next", ""): _table(200, DENIED, DENIED, DENIED, DENIED,
                                                    DENIED),
}

#: what a request of each endpoint (and variant) sends
BODIES: dict[str, Any] = {"declare": {"value": "75"}, "appraise": {"appraised": "70"},
                          "explain": {"explanation": "đã bổ sung biên bản"}}
PATH_BODIES: dict[str, Any] = {
    "/cycles/{cycle_id}/units/{code}/one_stop": {"period": "Q1", "resolved_early": 175,
                                                 "resolved_on_time": 326},
    "/cycles/{cycle_id}/units/{code}/reports/{report}": {"submitted": "15/02/2024"},
    "/cycles/{cycle_id}/units/{code}/accept": {"criteria": ["1.1.3"]},
    "/cycles/{cycle_id}/units/{code}/adjustments": {"kind": "bonus", "points": "1",
                                                    "reason": "Sáng kiến"},
    "/cycles/{cycle_id}/units/{code}/adjustments/{ident}": {"reason": "Sáng kiến cấp tỉnh"},
    "/cycles/{cycle_id}/units/{code}/evidence/{criterion}/requests": {
        "text": "Bổ sung biên bản tự kiểm tra", "due": "31/12/2099"},
    "/cycles/{cycle_id}/units/{code}/extension": {"round": "appraisal",
                                                  "deadline": "31/12/2099", "reason": "ốm"},
    "/cycles/{cycle_id}/next": {"year": 2025, "name": "2025 (walk)"},
}

#: page route (as registered in parindex.web.urls) → role → status of a GET. ``api/`` is
#: walked above, endpoint by endpoint.
Answer = int | tuple[int, int]
SEES_UNIT: dict[str, Answer] = {**{r: 200 for r in ROLES}, "anonymous": 302,
                                "appraiser_other_group": 404, "unit_other": 404}
#: a form's target, POST only: signed-in accounts get 405 to a GET, anyone else the sign-in
POST_ONLY: dict[str, Answer] = {**{r: 405 for r in ROLES}, "anonymous": 302}
#: the cycle's own pages: everyone signed in but unit accounts, which may open them only
#: once the cycle is published — (before publication, published)
CYCLE_PAGE: dict[str, Answer] = {
    **{r: 200 for r in ROLES}, "anonymous": 302, "unit_own": (403, 200),
    "unit_other": (403, 200)}
UNIT_PAGES = ("", "submit/", "workbook/template/", "explain/", "plan/")
#: the unit's scoring sheet shows the rank: a unit account has it with publication
SHEET: dict[str, Answer] = {**SEES_UNIT, "unit_own": (403, 200)}
FORMS = ("leaf/<str:criterion>/", "leaf/<str:criterion>/files/", "one_stop/",
         "reports/<str:report>/", "workbook/apply/")
APPRAISE_FORMS = ("leaf/<str:criterion>/", "leaf/<str:criterion>/request/", "accept/",
                  "adjustments/", "adjustments/<int:ident>/",
                  "adjustments/<int:ident>/delete/")
PAGES: dict[str, dict[str, Answer]] = {
    "": {**{r: 200 for r in ROLES}, "anonymous": 302},
    "login/": {**{r: 302 for r in ROLES}, "anonymous": 200},
    "logout/": {r: 405 for r in ROLES},  # only a POST signs out
    "files/<int:doc_id>/": SEES_UNIT,
    "healthz": {r: 200 for r in ROLES},  # for the monitor: no account, no data
    "admin/": {**{r: 302 for r in ROLES}, "admin": 200},
    # the workbook page explains a refusal on the page itself (200) to those who see the unit
    "cycles/<int:cycle_id>/units/<str:code>/workbook/": SEES_UNIT,
    **{f"cycles/<int:cycle_id>/units/<str:code>/{page}": SEES_UNIT for page in UNIT_PAGES},
    **{f"cycles/<int:cycle_id>/units/<str:code>/{form}": POST_ONLY for form in FORMS},
    "cycles/<int:cycle_id>/units/<str:code>/sheet/": SHEET,
    "cycles/<int:cycle_id>/": CYCLE_PAGE,
    "cycles/<int:cycle_id>/league/": CYCLE_PAGE,
    "cycles/<int:cycle_id>/one-stop/": CYCLE_PAGE,
    "cycles/<int:cycle_id>/reports/": CYCLE_PAGE,
    "cycles/<int:cycle_id>/download/<str:kind>/": CYCLE_PAGE,  # walked with kind=league
    "office/plotly.min.js": {**{r: 200 for r in ROLES}},  # a published library, no data
    # the rounds' pages: the council's appraisal page (read-only outside the appraisal
    # rounds; a unit account is refused on its own, another unit's is not found), a leaf's
    # history (whoever sees the unit), the office's record; their forms are POST only
    "cycles/<int:cycle_id>/units/<str:code>/appraise/": {
        "admin": 200, "appraiser": 200, "appraiser_other_group": 404, "unit_own": 403,
        "unit_other": 404, "viewer": 403, "anonymous": 302},
    **{f"cycles/<int:cycle_id>/units/<str:code>/appraise/{form}": POST_ONLY
       for form in APPRAISE_FORMS},
    "cycles/<int:cycle_id>/units/<str:code>/history/<str:criterion>/": SEES_UNIT,
    **{f"cycles/<int:cycle_id>/{form}": POST_ONLY for form in ("round/", "extend/", "next/")},
    "cycles/<int:cycle_id>/audit/": {**{r: 403 for r in ROLES}, "admin": 200,
                                     "anonymous": 302},
}


def operations() -> Iterator[tuple[str, str]]:
    """Every (method, path) the API router serves."""
    from parindex.web.api import api

    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for method in op.methods:
                    yield method, path


def page_routes() -> list[str]:
    """Every route of ``parindex.web.urls`` outside the API, includes flattened."""
    from django.urls import URLResolver

    from parindex.web import urls

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver) and route not in ("api/", "admin/"):
                yield from walk(p.url_patterns, route)
            elif route != "api/":
                yield route

    return list(walk(urls.urlpatterns, ""))


def expected(want: Expect, state: State) -> int:
    if isinstance(want, int):
        return want
    if state.round not in want.rounds:
        return 403
    if want.deadline and state.late:
        return 403
    if want.submit and state.submitted and state.round == "self_assessment":
        return 403
    return 200


# ---------------------------------------------------------------------------- the walk


@pytest.fixture
def accounts(cycle: Any) -> dict[str, Any]:  # noqa: ARG001 (the cycle's accounts)
    """A signed-in client per role (the appraiser of another group sees "Huyện Sông Mây"
    only)."""
    from django.test import Client

    from parindex.web.accounts import add_user

    add_user("tdsm", "appraiser", PASSWORD, groups=["Huyện Sông Mây"], check_password=False)
    clients = {}
    for role, name in ROLES.items():
        c = Client(enforce_csrf_checks=True)
        if name is not None:
            assert c.login(username=name, password=PASSWORD)
            c.cookies["csrftoken"] = CSRF
        clients[role] = c
    return clients


def _document(cycle: Any) -> int:
    import io

    from django.contrib.auth import get_user_model

    from parindex.web import documents

    admin = get_user_model().objects.get(username="noivu")
    doc = documents.upload(admin, cycle, UNIT, "1.1.3", "kế hoạch.pdf", io.BytesIO(PDF), "vi")
    return int(doc.id)


def _enter(cycle: Any, state: State) -> None:
    """Put the cycle in ``state`` (its round, the round's deadline, the unit's submission)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from parindex.web import models as m
    from parindex.web import services

    admin = get_user_model().objects.get(username="noivu")
    today = timezone.localdate()
    day = today + dt.timedelta(days=-1 if state.late else 20)
    services.move_round(admin, cycle, state.round, day.strftime("%d/%m/%Y"), "vi")
    if state.submitted:
        m.Member.objects.filter(cycle=cycle, unit__code=UNIT).update(submitted_at=timezone.now())


def _adjustment(cycle: Any) -> int:
    """The id of the unit's first bonus or penalty (the sample gives NN01 one)."""
    from parindex.web import models as m

    return int(m.Adjustment.objects.filter(member__cycle=cycle, member__unit__code=UNIT)
               .order_by("id").values_list("id", flat=True)[0])


def _request(client: Any, method: str, path: str, variant: str, cycle: Any) -> Any:
    url = "/api" + path.format(cycle_id=cycle.id, code=UNIT, criterion="1.1.3", report="Q1",
                               ident=_adjustment(cycle) if "{ident}" in path else 0)
    extra = {"HTTP_X_CSRFTOKEN": CSRF}
    if path.endswith("/files"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)}, **extra)
    body = BODIES.get(variant) or PATH_BODIES.get(path) or (
        {"round": cycle.round} if path.endswith("/round") else None)
    return client.generic(method, url, json.dumps(body) if body is not None else "",
                          content_type="application/json", **extra)


def _variants(method: str, path: str) -> list[str]:
    found = sorted(v for (m_, p, v) in EXPECT if (m_, p) == (method, path))
    assert found, f"{method} {path}: no entry in EXPECT (a new endpoint?)"
    return found


def test_every_endpoint_has_an_entry_and_every_entry_an_endpoint() -> None:
    served = set(operations())
    listed = {(m_, p) for (m_, p, _v) in EXPECT}
    assert served == listed


def test_every_page_has_an_entry() -> None:
    routes = page_routes()
    unknown = [r for r in routes if r not in PAGES]
    assert not unknown, f"pages without an entry in PAGES: {unknown}"
    assert sorted(PAGES) == sorted(set(routes))


@pytest.mark.parametrize("state", STATES, ids=[s.name for s in STATES])
def test_walk(cycle: Any, accounts: dict[str, Any], state: State) -> None:
    from django.db import transaction

    from parindex.web import models as m
    from parindex.web import scores

    wrong = []
    with transaction.atomic():
        _enter(cycle, state)
        for method, path in operations():
            for variant in _variants(method, path):
                for role, want in EXPECT[(method, path, variant)].items():
                    cycle.refresh_from_db()
                    before = m.Change.objects.count()
                    with transaction.atomic():
                        r = _request(accounts[role], method, path, variant, cycle)
                        after = m.Change.objects.count()
                        transaction.set_rollback(True)
                    scores.forget()  # a rolled-back write left its run behind
                    got, should = r.status_code, expected(want, state)
                    if got != should:
                        wrong.append(f"{role:22} {method:5} {path} {variant}: {got} "
                                     f"(expected {should}) {r.content[:120]!r}")
                    elif got != 200 and after != before:
                        wrong.append(f"{role} {method} {path} {variant}: refused but "
                                     f"recorded {after - before} change(s)")
        transaction.set_rollback(True)
    assert not wrong, f"{state.name}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("state", [State("self_assessment"), State("published")],
                         ids=["self_assessment", "published"])
def test_pages(cycle: Any, accounts: dict[str, Any], state: State) -> None:
    doc = _document(cycle)
    _enter(cycle, state)
    wrong = []
    for route, answers in PAGES.items():
        url = "/" + route.replace("<int:doc_id>", str(doc)).replace(
            "<int:cycle_id>", str(cycle.id)).replace("<str:code>", UNIT).replace(
            "<str:criterion>", "1.1.3").replace("<str:report>", "Q1").replace(
            "<str:kind>", "league").replace("<int:ident>", "1")
        for role, answer in answers.items():
            want = answer if isinstance(answer, int) else \
                answer[state.name == "published"]
            r = accounts[role].get(url)
            r.close()  # a download is a file left open until then
            got = r.status_code
            if got != want:
                wrong.append(f"{role:22} GET {url}: {got} (expected {want})")
    assert not wrong, "\n".join(wrong)


def test_the_walk_can_disagree(cycle: Any, accounts: dict[str, Any]) -> None:
    """The table is not the permission table read back: a rule changed in
    ``permissions.TABLE`` (here the viewer allowed to declare) is caught by the walk."""
    from parindex.web import permissions

    rule = permissions.TABLE["evidence.declare"]
    changed = permissions.Rule(rule.roles | {"viewer"}, rule.rounds, rule.deadline,
                               rule.closed_by_submit)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(permissions.TABLE, "evidence.declare", changed)
        with pytest.raises(AssertionError, match=r"viewer .* PATCH .* declare: 200"):
            test_walk(cycle, accounts, State("self_assessment"))
