"""The workspace's JSON API (CONTRACT §5): every endpoint, every error code, the record of
changes each write leaves (and that a refused write leaves none), CSRF, tokens, language."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django")

from web_support import client_for

pytestmark = pytest.mark.django_db

CSRF = "a" * 32
OWN, OTHER = "NN01", "SM01"


@pytest.fixture(autouse=True)
def _fresh_scores() -> Any:
    """Cycle ids and data versions repeat across tests (each test's database is rolled
    back): the in-process cache of runs must not carry one test's scores into another."""
    from parindex.web import scores

    scores.forget()
    yield
    scores.forget()


def call(client: Any, method: str, path: str, body: Any = None, csrf: bool = True,
         **extra: Any) -> Any:
    """One API request as a page's script sends it (JSON body, CSRF header)."""
    if csrf:
        client.cookies["csrftoken"] = CSRF
        extra.setdefault("HTTP_X_CSRFTOKEN", CSRF)
    data = json.dumps(body) if body is not None else None
    return client.generic(method, path, data or "", content_type="application/json",
                          **extra)


def changes(cycle: Any) -> list[tuple[str, str, str, str, str, str, str]]:
    from parindex.web import models as m

    return [(c.user, c.action, c.unit, c.criterion, c.field, c.before, c.after)
            for c in m.Change.objects.filter(cycle=cycle).order_by("id")]


def row_of(cycle: Any, unit: str, criterion: str) -> Any:
    from parindex.web import models as m

    return m.Evidence.objects.get(member__cycle=cycle, member__unit__code=unit,
                                  criterion=criterion)


def move(cycle: Any, round_: str, deadline: str | None = None) -> None:
    from django.contrib.auth import get_user_model

    from parindex.web import services


    admin = get_user_model().objects.get(username="noivu")
    services.move_round(admin, cycle, round_, deadline, "vi")


def ahead(days: int) -> str:
    from django.utils import timezone

    day: dt.date = timezone.localdate() + dt.timedelta(days=days)
    return day.strftime("%d/%m/%Y")


def evidence_url(cycle: Any, unit: str = OWN, criterion: str = "1.1.3") -> str:
    return f"/api/cycles/{cycle.id}/units/{unit}/evidence/{criterion}"


def check_reason(folder: Path, table: str, column: str, lang: str = "vi") -> str:
    """The reason ``parindex check`` gives for the one error of a bundle (file, row and
    column stripped: the API's message is the reason alone)."""
    out = subprocess.run([sys.executable, "-m", "parindex", "check", str(folder), "--lang",
                          lang], capture_output=True, text=True)
    assert out.returncode == 1, out.stdout + out.stderr
    head = "lỗi" if lang == "vi" else "error"
    row, col = ("dòng", "cột") if lang == "vi" else ("row", "column")
    lines = [ln for ln in (out.stdout + out.stderr).splitlines()
             if ln.startswith(f"{head}: {table}.csv")]
    assert len(lines) == 1, lines
    found = re.fullmatch(rf"{head}: {table}\.csv: {row} \d+, {col} \"{column}\": (.*)",
                         lines[0])
    assert found is not None, lines[0]
    return found.group(1)


def export_with(cycle: Any, tmp: Path, table: str, unit: str, key: tuple[str, str],
                column: str, value: str) -> Path:
    """The cycle exported, then one cell of one table's row changed by hand."""
    from parindex.web import store

    out = tmp / "bundle"
    store.export_cycle(cycle, out)
    path = out / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    hits = [r for r in rows if r["unit"] == unit and r[key[0]] == key[1]]
    assert len(hits) == 1
    hits[0][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return out


class TestReading:
    """The reading endpoints answer what the caller may see, in the shapes of §5."""

    def test_cycles_lists_id_name_year_edition_round_deadlines(self, cycle: Any) -> None:
        from django.utils import timezone

        got = call(client_for("noivu"), "GET", "/api/cycles").json()
        day = (timezone.localdate() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
        assert got == [{"id": cycle.id, "name": "2024", "year": 2024, "edition": "xa-2024",
                        "round": "self_assessment", "deadlines": {"self_assessment": day}}]

    def test_a_unit_does_not_list_a_cycle_without_it(self, cycle: Any) -> None:
        from parindex.web import models as m

        other = m.Cycle.objects.create(name="khác", year=2024, edition=cycle.edition)
        admin = [c["id"] for c in call(client_for("noivu"), "GET", "/api/cycles").json()]
        unit = [c["id"] for c in call(client_for("nn01"), "GET", "/api/cycles").json()]
        assert sorted(admin) == sorted([cycle.id, other.id])
        assert unit == [cycle.id]

    def test_unit_gets_only_its_own_result_without_rank(self, cycle: Any) -> None:
        everyone = call(client_for("noivu"), "GET", f"/api/cycles/{cycle.id}/results").json()
        mine = call(client_for("nn01"), "GET", f"/api/cycles/{cycle.id}/results").json()
        assert len(everyone["units"]) == 14
        want = next(u for u in everyone["units"] if u["code"] == OWN)
        assert want["rank"] is not None
        assert want["group_rank"] is not None
        assert mine["units"] == [{**want, "rank": None, "group_rank": None}]
        assert {k: v for k, v in mine.items() if k != "units"} == \
            {k: v for k, v in everyone.items() if k != "units"}

    def test_unit_sees_its_rank_once_published(self, cycle: Any) -> None:
        move(cycle, "published")
        everyone = call(client_for("xem"), "GET", f"/api/cycles/{cycle.id}/results").json()
        mine = call(client_for("nn01"), "GET", f"/api/cycles/{cycle.id}/results").json()
        assert mine["units"] == [u for u in everyone["units"] if u["code"] == OWN]
        assert mine["units"][0]["rank"] is not None

    def test_unit_page_holds_rows_one_stop_reports_adjustments_and_result(
            self, cycle: Any) -> None:
        from parindex.samples.sample import sample_bundles

        folder = next(p for p in sample_bundles() if p.name == "2024")
        got = call(client_for("noivu"), "GET", f"/api/cycles/{cycle.id}/units/SM02").json()
        results = call(client_for("noivu"), "GET", f"/api/cycles/{cycle.id}/results").json()
        assert got["result"] == next(u for u in results["units"] if u["code"] == "SM02")
        assert (got["unit"], got["name"], got["submitted"]) == ("SM02", "Xã Bình Mây", None)
        want = [ln.split(",")[1] for ln in (folder / "evidence.csv").read_text(
            encoding="utf-8").splitlines() if ln.startswith("SM02,")]
        assert [e["criterion"] for e in got["evidence"]] == want
        first = got["evidence"][0]
        assert set(first) == {"criterion", "value", "appraised", "source", "note", "comment",
                              "explanation", "files", "version"}
        assert [s["period"] for s in got["one_stop"]] == ["Q1", "Q2", "Q3", "Q4"]
        with (folder / "adjustments.csv").open(encoding="utf-8", newline="") as f:
            adjust = [{k: v for k, v in r.items() if k != "unit"} for r in csv.DictReader(f)
                      if r["unit"] == "SM02"]
        assert len(adjust) == 2
        assert got["adjustments"] == adjust
        assert got["reports"]
        assert all(r["version"] == 1 for r in got["reports"])


def test_a_cycle_id_that_comes_back_does_not_find_old_scores(db: None) -> None:  # noqa: ARG001
    """A rolled-back (or restored) database gives a new cycle the id and data version of a
    cycle scored before: its results are its own."""
    from django.db import connection, transaction

    from parindex.samples.sample import sample_bundles
    from parindex.web import scores, store

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL never hands out an id twice, even after a rollback")

    def imported(year: str) -> Any:
        checked, edition = store.read_checked(next(p for p in sample_bundles()
                                                   if p.name == year))
        return store.import_bundle(checked.bundle, edition, "kỳ", "self_assessment", "test")

    with transaction.atomic():
        first = imported("2024")
        assert scores.results(first)["year"] == 2024
        transaction.set_rollback(True)
    second = imported("2023")
    assert (second.id, second.data_version) == (first.id, first.data_version)
    assert scores.results(second)["year"] == 2023


class TestWrites:
    """Each write answers the new row and the unit's result, and leaves its record."""

    def test_patch_declared_value(self, cycle: Any) -> None:
        c = client_for("nn01")
        before = row_of(cycle, OWN, "1.1.3")
        old = call(client_for("noivu"), "GET", f"/api/cycles/{cycle.id}/units/{OWN}").json()
        r = call(c, "PATCH", evidence_url(cycle), {"value": "50", "note": "giảm",
                                                   "version": before.version})
        assert r.status_code == 200, r.content
        got = r.json()
        assert got["evidence"]["value"] == "50"
        assert got["evidence"]["note"] == "giảm"
        assert got["evidence"]["version"] == before.version + 1
        results = call(client_for("noivu"), "GET", f"/api/cycles/{cycle.id}/results").json()
        want = next(u for u in results["units"] if u["code"] == OWN)
        assert got["result"] == {**want, "rank": None, "group_rank": None}
        # 95.8 % was in the top band (2 points), 50 % is in the lowest (0)
        assert old["result"]["self_points"] - want["self_points"] == pytest.approx(2)
        assert changes(cycle)[1:] == [
            ("nn01", "evidence.declare", OWN, "1.1.3", "value", "95.8%", "50"),
            ("nn01", "evidence.declare", OWN, "1.1.3", "note", "", "giảm")]

    def test_patch_with_the_same_value_changes_nothing(self, cycle: Any) -> None:
        before = row_of(cycle, OWN, "1.1.3")
        r = call(client_for("nn01"), "PATCH", evidence_url(cycle), {"value": before.value})
        assert r.status_code == 200
        assert r.json()["evidence"]["version"] == before.version
        assert changes(cycle)[1:] == []

    def test_first_write_of_a_leaf_without_a_row_creates_it(self, cycle: Any) -> None:
        from parindex.web import models as m

        m.Evidence.objects.filter(member__unit__code=OWN, criterion="2.2").delete()
        r = call(client_for("nn01"), "PATCH", evidence_url(cycle, criterion="2.2"),
                 {"value": "75"})
        assert r.status_code == 200, r.content
        assert row_of(cycle, OWN, "2.2").value == "75"
        assert changes(cycle)[1:] == [("nn01", "evidence.declare", OWN, "2.2", "value", "",
                                       "75")]

    def test_appraiser_writes_appraised_and_comment_in_appraisal(self, cycle: Any) -> None:
        move(cycle, "appraisal", ahead(10))
        r = call(client_for("thamdinh"), "PATCH", evidence_url(cycle),
                 {"appraised": "80", "comment": "thiếu minh chứng"})
        assert r.status_code == 200, r.content
        assert r.json()["evidence"]["value"] == "95.8%"  # the declared value stays beside
        assert r.json()["evidence"]["appraised"] == "80"
        assert changes(cycle)[-2:] == [
            ("thamdinh", "evidence.appraise", OWN, "1.1.3", "appraised", "", "80"),
            ("thamdinh", "evidence.appraise", OWN, "1.1.3", "comment", "", "thiếu minh chứng")]

    def test_unit_explains_in_the_explanation_round(self, cycle: Any) -> None:
        move(cycle, "explanation", ahead(5))
        r = call(client_for("nn01"), "PATCH", evidence_url(cycle), {"explanation": "đã bổ sung"})
        assert r.status_code == 200, r.content
        assert changes(cycle)[-1] == ("nn01", "evidence.explain", OWN, "1.1.3", "explanation",
                                      "", "đã bổ sung")

    def test_put_one_stop(self, cycle: Any) -> None:
        from parindex.web import models as m

        row = m.OneStop.objects.get(member__cycle=cycle, member__unit__code=OWN, period="Q1")
        late, on_time = int(row.counts["resolved_late"]), int(row.counts["resolved_on_time"])
        r = call(client_for("nn01"), "PUT", f"/api/cycles/{cycle.id}/units/{OWN}/one_stop",
                 {"period": "Q1", "resolved_late": late + 2, "resolved_on_time": on_time - 2,
                  "version": row.version})
        assert r.status_code == 200, r.content
        assert r.json()["one_stop"]["resolved_late"] == str(late + 2)
        assert r.json()["one_stop"]["version"] == row.version + 1
        assert changes(cycle)[1:] == [
            ("nn01", "one_stop.write", OWN, "", "resolved_late", str(late), str(late + 2)),
            ("nn01", "one_stop.write", OWN, "", "resolved_on_time", str(on_time),
             str(on_time - 2))]

    def test_put_report(self, cycle: Any) -> None:
        from parindex.web import models as m

        row = m.ReportDate.objects.filter(member__cycle=cycle, member__unit__code=OWN).first()
        assert row is not None
        r = call(client_for("nn01"), "PUT",
                 f"/api/cycles/{cycle.id}/units/{OWN}/reports/{row.report}",
                 {"submitted": "2024-03-05", "version": row.version})
        assert r.status_code == 200, r.content
        assert r.json()["report"] == {"report": row.report, "submitted": "05/03/2024",
                                      "version": row.version + 1}
        assert changes(cycle)[1:] == [("nn01", "reports.write", OWN, row.report, "submitted",
                                       row.submitted, "05/03/2024")]

    def test_submit_locks_the_self_assessment(self, cycle: Any) -> None:
        c = client_for("nn01")
        r = call(c, "POST", f"/api/cycles/{cycle.id}/units/{OWN}/submit")
        assert r.status_code == 200, r.content
        assert r.json()["submitted"] is not None
        assert [x[:3] for x in changes(cycle)[1:]] == [("nn01", "unit.submit", OWN)]
        again = call(c, "POST", f"/api/cycles/{cycle.id}/units/{OWN}/submit")
        patch = call(c, "PATCH", evidence_url(cycle), {"value": "10"})
        assert (again.status_code, again.json()["error"]) == (403, "submitted")
        assert (patch.status_code, patch.json()["error"]) == (403, "submitted")
        assert len(changes(cycle)) == 2
        assert row_of(cycle, OWN, "1.1.3").value == "95.8%"

    def test_audit_lists_the_changes_and_filters_by_unit(self, cycle: Any) -> None:
        call(client_for("nn01"), "PATCH", evidence_url(cycle), {"value": "60"})
        call(client_for("sm01"), "PATCH", evidence_url(cycle, OTHER, "1.3"), {"value": "90"})
        admin = client_for("noivu")
        every = call(admin, "GET", f"/api/cycles/{cycle.id}/audit").json()
        mine = call(admin, "GET", f"/api/cycles/{cycle.id}/audit?unit={OWN}").json()
        assert [(a["action"], a["unit"]) for a in every] == [
            ("import", ""), ("evidence.declare", OWN), ("evidence.declare", OTHER)]
        assert set(mine[0]) == {"at", "user", "action", "unit", "criterion", "field",
                                "before", "after"}
        assert [(a["user"], a["criterion"], a["field"], a["before"], a["after"])
                for a in mine] == [("nn01", "1.1.3", "value", "95.8%", "60")]

    def test_admin_moves_the_round_with_its_deadline(self, cycle: Any) -> None:
        r = call(client_for("noivu"), "POST", f"/api/cycles/{cycle.id}/round",
                 {"round": "appraisal", "deadline": "31/12/2099"})
        assert r.status_code == 200, r.content
        assert r.json()["round"] == "appraisal"
        assert r.json()["deadlines"]["appraisal"] == "31/12/2099"
        assert changes(cycle)[1:] == [
            ("noivu", "round.move", "", "", "round", "self_assessment", "appraisal"),
            ("noivu", "deadline.set", "", "", "appraisal", "", "31/12/2099")]


class TestInvalid:
    """400: a value ``parindex check`` refuses is refused with check's reason; a body that
    is not what the endpoint reads is refused; neither leaves anything."""

    @pytest.mark.parametrize("lang", ["vi", "en"])
    def test_invalid_value_gives_checks_reason(self, cycle: Any, tmp_path: Path,
                                               lang: str) -> None:
        before = (row_of(cycle, OWN, "1.1.3").version, changes(cycle))
        r = call(client_for("nn01"), "PATCH", evidence_url(cycle) + f"?lang={lang}",
                 {"value": "abc"})
        assert r.status_code == 400
        bundle = export_with(cycle, tmp_path, "evidence", OWN, ("criterion", "1.1.3"),
                             "value", "abc")
        assert r.json() == {"error": "invalid_value",
                            "message": check_reason(bundle, "evidence", "value", lang),
                            "field": "value", "value": "abc"}
        assert (row_of(cycle, OWN, "1.1.3").version, changes(cycle)) == before
        assert row_of(cycle, OWN, "1.1.3").value == "95.8%"

    def test_invalid_one_stop_count_gives_checks_reason(self, cycle: Any,
                                                        tmp_path: Path) -> None:
        from parindex.web import models as m

        r = call(client_for("nn01"), "PUT", f"/api/cycles/{cycle.id}/units/{OWN}/one_stop",
                 {"period": "Q2", "resolved_late": "abc"})
        assert r.status_code == 400, r.content
        bundle = export_with(cycle, tmp_path, "one_stop", OWN, ("period", "Q2"),
                             "resolved_late", "abc")
        assert r.json()["error"] == "invalid_value"
        assert r.json()["message"] == check_reason(bundle, "one_stop", "resolved_late")
        row = m.OneStop.objects.get(member__unit__code=OWN, period="Q2")
        assert (row.version, row.counts["resolved_late"]) == (1, "0")
        assert changes(cycle)[1:] == []

    def test_bad_report_day(self, cycle: Any) -> None:
        r = call(client_for("nn01"), "PUT",
                 f"/api/cycles/{cycle.id}/units/{OWN}/reports/Q1?lang=en",
                 {"submitted": "31/02/2024"})
        assert r.status_code == 400
        assert r.json() == {"error": "invalid_value",
                            "message": "31/02/2024: not a date (dd/mm/yyyy)."}
        assert changes(cycle)[1:] == []

    @pytest.mark.parametrize(("body", "where"), [
        ({}, "value"),
        ({"value": "1", "version": "mới"}, "version"),
        ({"value": ["1"]}, "value"),
        ("not an object", ""),
    ])
    def test_invalid_body(self, cycle: Any, body: Any, where: str) -> None:
        r = call(client_for("nn01"), "PATCH", evidence_url(cycle) + "?lang=en", body)
        assert r.status_code == 400, r.content
        assert r.json()["error"] == "invalid_body"
        assert where in r.json()["message"]
        assert changes(cycle)[1:] == []

    def test_body_that_is_not_json(self, cycle: Any) -> None:
        c = client_for("nn01")
        c.cookies["csrftoken"] = CSRF
        r = c.generic("PATCH", evidence_url(cycle), "{value: 1", content_type="application/json",
                      HTTP_X_CSRFTOKEN=CSRF)
        assert (r.status_code, r.json()["error"]) == (400, "invalid_body")

    def test_unit_and_appraisal_fields_together(self, cycle: Any) -> None:
        r = call(client_for("noivu"), "PATCH", evidence_url(cycle),
                 {"value": "10", "appraised": "20"})
        assert (r.status_code, r.json()["error"]) == (400, "mixed_fields")
        assert changes(cycle)[1:] == []

    def test_a_text_longer_than_a_cell_holds(self, cycle: Any) -> None:
        """Refused with why (every export must hold the text whole), nothing written."""
        before = row_of(cycle, OWN, "1.1.3")
        r = call(client_for("nn01"), "PATCH", evidence_url(cycle),
                 {"note": "x" * 32_768}, HTTP_ACCEPT_LANGUAGE="vi")
        assert (r.status_code, r.json()["error"]) == (400, "too_long")
        assert r.json()["message"] == ("Trường note có 32768 ký tự, nhiều hơn một ô Excel "
                                       "chứa được (32767); hãy rút gọn hoặc đính kèm thành "
                                       "tài liệu.")
        assert r.json()["field"] == "note"
        assert row_of(cycle, OWN, "1.1.3").note == before.note
        assert changes(cycle)[1:] == []
        r = call(client_for("nn01"), "PATCH", evidence_url(cycle), {"note": "x" * 32_767})
        assert r.status_code == 200, r.content[:200]

    def test_round_that_does_not_exist(self, cycle: Any) -> None:
        r = call(client_for("noivu"), "POST", f"/api/cycles/{cycle.id}/round?lang=en",
                 {"round": "party"})
        assert (r.status_code, r.json()["error"]) == (400, "invalid_value")
        assert "party" in r.json()["message"]
        assert "appraisal_2" in r.json()["message"]
        assert changes(cycle)[1:] == []


class TestSignedIn:
    """401 for anyone not signed in, a revoked or unknown token; a token works without
    CSRF."""

    def test_without_login(self, cycle: Any) -> None:
        from django.test import Client

        for method, path in [("GET", "/api/cycles"), ("GET", f"/api/cycles/{cycle.id}/results"),
                             ("PATCH", evidence_url(cycle))]:
            r = call(Client(enforce_csrf_checks=True), method, path, {"value": "1"})
            assert r.status_code == 401, (method, path)
            assert r.json() == {"error": "not_logged_in", "message": "Chưa đăng nhập."}
        assert changes(cycle)[1:] == []

    def test_token_reads_and_writes(self, cycle: Any) -> None:
        from django.test import Client

        from parindex.web.accounts import new_token

        key = new_token("nn01")
        c = Client(enforce_csrf_checks=True)
        auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
        assert c.get("/api/cycles", **auth).status_code == 200
        r = call(c, "PATCH", evidence_url(cycle), {"value": "70"}, csrf=False, **auth)
        assert r.status_code == 200, r.content
        assert changes(cycle)[-1][:2] == ("nn01", "evidence.declare")

    @pytest.mark.parametrize("kind", ["revoked", "unknown", "no scheme", "inactive"])
    def test_bad_token(self, cycle: Any, kind: str) -> None:
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.utils import timezone

        from parindex.web import models as m
        from parindex.web.accounts import new_token

        key = new_token("nn01")
        header = f"Token {key}"
        if kind == "revoked":
            m.Token.objects.update(revoked_at=timezone.now())
        elif kind == "unknown":
            header = f"Token {key[:-2]}xy"
        elif kind == "no scheme":
            header = key
        else:
            get_user_model().objects.filter(username="nn01").update(is_active=False)
        c = Client(enforce_csrf_checks=True)
        assert c.get("/api/cycles", HTTP_AUTHORIZATION=header).status_code == 401
        r = call(c, "PATCH", evidence_url(cycle), {"value": "70"}, csrf=False,
                 HTTP_AUTHORIZATION=header)
        assert (r.status_code, r.json()["error"]) == (401, "not_logged_in")
        assert row_of(cycle, OWN, "1.1.3").value == "95.8%"

    @pytest.mark.parametrize(("method", "path", "body"), [
        ("PATCH", "/units/NN01/evidence/1.1.3", {"value": "10"}),
        ("PUT", "/units/NN01/one_stop", {"period": "Q1", "returned": 3}),
        ("PUT", "/units/NN01/reports/Q1", {"submitted": "01/03/2024"}),
        ("POST", "/units/NN01/submit", None),
    ])
    def test_session_write_without_csrf_is_refused(self, cycle: Any, method: str, path: str,
                                                   body: Any) -> None:
        r = call(client_for("nn01"), method, f"/api/cycles/{cycle.id}{path}", body,
                 csrf=False)
        assert (r.status_code, r.json()["error"]) == (403, "csrf")
        assert changes(cycle)[1:] == []

    def test_csrf_cookie_without_the_header_is_refused(self, cycle: Any) -> None:
        c = client_for("noivu")
        c.cookies["csrftoken"] = CSRF
        r = c.post(f"/api/cycles/{cycle.id}/round", json.dumps({"round": "final"}),
                   content_type="application/json")
        assert (r.status_code, r.json()["error"]) == (403, "csrf")
        assert changes(cycle)[1:] == []


class TestRefused:
    """403 for role, round, deadline and submission; 404 for what the caller may not see;
    409 for a stale version. Nothing changes."""

    @pytest.mark.parametrize(("who", "round_", "body", "code"), [
        ("xem", "self_assessment", {"value": "1"}, "not_allowed"),
        ("thamdinh", "self_assessment", {"value": "1"}, "not_allowed"),
        ("nn01", "appraisal", {"appraised": "1"}, "not_allowed"),
        ("noivu", "appraisal", {"value": "1"}, "wrong_round"),
        ("thamdinh", "self_assessment", {"appraised": "1"}, "wrong_round"),
        ("nn01", "appraisal", {"value": "1"}, "wrong_round"),
        ("nn01", "self_assessment", {"explanation": "1"}, "wrong_round"),
        ("thamdinh", "final", {"appraised": "1"}, "wrong_round"),
    ])
    def test_role_and_round(self, cycle: Any, who: str, round_: str, body: dict[str, str],
                            code: str) -> None:
        if round_ != "self_assessment":
            move(cycle, round_, ahead(3))
        before = changes(cycle)
        r = call(client_for(who), "PATCH", evidence_url(cycle), body)
        assert (r.status_code, r.json()["error"]) == (403, code)
        assert changes(cycle) == before

    def test_deadline_passed_names_the_day(self, cycle: Any) -> None:
        from django.utils import timezone

        from parindex.web import models as m

        day = timezone.localdate() - dt.timedelta(days=1)
        m.Deadline.objects.filter(cycle=cycle).update(day=day)
        r = call(client_for("nn01"), "PATCH", evidence_url(cycle) + "?lang=en", {"value": "1"})
        assert r.status_code == 403
        assert r.json() == {"error": "deadline_passed", "message":
                            f"The deadline of this round has passed ({day:%d/%m/%Y})."}
        admin = call(client_for("noivu"), "PATCH", evidence_url(cycle), {"value": "1"})
        assert (admin.status_code, admin.json()["error"]) == (403, "deadline_passed")
        assert changes(cycle)[1:] == []

    def test_an_extension_reopens_for_that_unit(self, cycle: Any) -> None:
        from django.utils import timezone

        from parindex.web import models as m

        today = timezone.localdate()
        m.Deadline.objects.filter(cycle=cycle).update(day=today - dt.timedelta(days=1))
        m.Extension.objects.create(member=m.Member.objects.get(cycle=cycle, unit__code=OWN),
                                   round="self_assessment", day=today)
        mine = call(client_for("nn01"), "PATCH", evidence_url(cycle), {"value": "1"})
        other = call(client_for("sm01"), "PATCH", evidence_url(cycle, OTHER), {"value": "1"})
        assert (mine.status_code, other.status_code) == (200, 403)

    @pytest.mark.parametrize("path", [
        "/units/SM01", "/units/SM01/evidence/1.1.3", "/units/ZZ99", "/units/sm01"])
    def test_another_unit_is_not_found(self, cycle: Any, path: str) -> None:
        c = client_for("nn01")
        method, body = ("PATCH", {"value": "1"}) if "evidence" in path else ("GET", None)
        r = call(c, method, f"/api/cycles/{cycle.id}{path}", body)
        assert r.status_code == 404
        assert r.json() == {"error": "not_found", "message": "Không tìm thấy."}
        for suffix in ("one_stop", "reports/Q1", "submit"):
            method = "POST" if suffix == "submit" else "PUT"
            r = call(c, method, f"/api/cycles/{cycle.id}/units/SM01/{suffix}",
                     {"submitted": "01/01/2024"})
            assert r.status_code == 404, suffix
        assert changes(cycle)[1:] == []

    def test_guessed_cycle_ids_are_not_found(self, cycle: Any) -> None:
        from parindex.web import models as m

        hidden = m.Cycle.objects.create(name="khác", year=2024, edition=cycle.edition)
        c = client_for("nn01")
        for cid in (hidden.id, hidden.id + 1, 0):
            for path in ("results", "units/NN01", "audit", "units/NN01/evidence/1.1.3"):
                r = call(c, "PATCH" if "evidence" in path else "GET",
                         f"/api/cycles/{cid}/{path}", {"value": "1"})
                assert r.status_code == 404, (cid, path)
        assert call(client_for("noivu"), "GET", f"/api/cycles/{hidden.id}/audit"
                    ).status_code == 200
        assert changes(cycle)[1:] == []

    def test_unknown_criterion(self, cycle: Any) -> None:
        r = call(client_for("nn01"), "PATCH", evidence_url(cycle, criterion="9.9.9") +
                 "?lang=en", {"value": "1"})
        assert r.status_code == 404
        assert "9.9.9" in r.json()["message"]

    def test_stale_version_keeps_the_first_value(self, cycle: Any) -> None:
        version = row_of(cycle, OWN, "1.1.3").version
        first = call(client_for("nn01"), "PATCH", evidence_url(cycle),
                     {"value": "80", "version": version})
        second = call(client_for("noivu"), "PATCH", evidence_url(cycle),
                      {"value": "20", "version": version})
        assert first.status_code == 200
        assert second.status_code == 409
        body = second.json()
        assert body["error"] == "stale_version"
        assert body["current"] == first.json()["evidence"]
        assert body["current"]["value"] == "80"
        assert row_of(cycle, OWN, "1.1.3").value == "80"
        assert [x[-1] for x in changes(cycle)[1:]] == ["80"]

    def test_stale_one_stop_and_report(self, cycle: Any) -> None:
        c = client_for("nn01")
        base = f"/api/cycles/{cycle.id}/units/{OWN}"
        first = {"period": "Q1", "resolved_early": 1, "resolved_on_time": 500, "version": 1}
        assert call(c, "PUT", base + "/one_stop", first).status_code == 200
        stale = call(c, "PUT", base + "/one_stop", {**first, "resolved_early": 2,
                                                   "resolved_on_time": 499})
        assert stale.status_code == 409
        assert stale.json()["current"]["counts"]["resolved_early"] == "1"
        assert call(c, "PUT", base + "/reports/Q1", {"submitted": "02/02/2024",
                                                    "version": 1}).status_code == 200
        stale = call(c, "PUT", base + "/reports/Q1", {"submitted": "03/02/2024",
                                                     "version": 1})
        assert stale.status_code == 409
        assert stale.json()["current"] == {"submitted": "02/02/2024", "version": 2}
        assert [x[-1] for x in changes(cycle)[1:]] == ["1", "500", "02/02/2024"]

    def test_non_admin_cannot_read_audit_or_move_round(self, cycle: Any) -> None:
        for who in ("thamdinh", "xem", "nn01"):
            c = client_for(who)
            assert call(c, "GET", f"/api/cycles/{cycle.id}/audit").status_code == 403
            r = call(c, "POST", f"/api/cycles/{cycle.id}/round", {"round": "final"})
            assert (r.status_code, r.json()["error"]) == (403, "not_allowed")
        assert changes(cycle)[1:] == []


class TestLanguage:
    """Messages are Vietnamese by default, English with ``?lang=en``."""

    def test_messages_in_both_languages(self, cycle: Any) -> None:
        c = client_for("xem")
        vi = call(c, "PATCH", evidence_url(cycle), {"value": "1"}).json()
        en = call(c, "PATCH", evidence_url(cycle) + "?lang=en", {"value": "1"}).json()
        assert vi == {"error": "not_allowed",
                      "message": "Tài khoản của bạn không được làm việc này."}
        assert en["error"] == "not_allowed"
        assert en["message"] != vi["message"]
        assert en["message"].isascii()


def test_tokens_are_revoked_by_the_command(cycle: Any) -> None:
    """``workspace token NAME --revoke``: every token of the account stops working."""
    from django.test import Client

    from parindex.web.accounts import new_token, revoke_tokens

    key = new_token("noivu")
    client = Client()
    url = f"/api/cycles/{cycle.id}/results"
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert revoke_tokens("noivu") == 1
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_a_cycle_without_units_has_empty_results(cycle: Any) -> None:
    from parindex.web import models as m

    empty = m.Cycle.objects.create(name="trống", year=2025, edition=cycle.edition)
    got = client_for("noivu").get(f"/api/cycles/{empty.id}/results")
    assert got.status_code == 200
    assert got.json() == {"edition": "xa-2024", "year": 2025, "scale": 100, "units": []}
