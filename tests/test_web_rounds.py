"""The appraisal rounds through the API (issue #13): accepting as declared, bonus and
penalty, extensions for one unit, reopening a published cycle, document requests, a leaf's
history and the record — each write exactly one entry per changed field, a refused write
none."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest

pytest.importorskip("django")

from web_support import client_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _call(client: Any, method: str, url: str, body: Any = None) -> Any:
    """A JSON call with the session's CSRF token (as the pages send it)."""
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    send = getattr(client, method)
    if body is None:
        return send(url, HTTP_X_CSRFTOKEN=token)
    return send(url, json.dumps(body), content_type="application/json",
                HTTP_X_CSRFTOKEN=token)


def _move(cycle: Any, round_: str, reason: str = "") -> None:
    from django.contrib.auth import get_user_model

    from parindex.web import services

    services.move_round(get_user_model().objects.get(username="noivu"), cycle, round_,
                        (dt.date.today() + dt.timedelta(days=10)).strftime("%d/%m/%Y"),
                        "vi", reason)
    cycle.refresh_from_db()


def _changes() -> int:
    from parindex.web import models as m

    return int(m.Change.objects.count())


def _results(cycle: Any, code: str) -> dict[str, Any]:
    got = client_for("noivu").get(f"/api/cycles/{cycle.id}/results").json()
    return next(u for u in got["units"] if u["code"] == code)


def test_accept_an_area_as_declared(cycle: Any) -> None:
    from parindex.web import models as m

    _move(cycle, "appraisal")
    before = _changes()
    answer = _call(client_for("thamdinh"), "post", f"/api/cycles/{cycle.id}/units/SM01/accept",
                   {"area": "1"})
    assert answer.status_code == 200, answer.content
    leaves = m.Evidence.objects.filter(member__cycle=cycle, member__unit__code="SM01",
                                       criterion__startswith="1.")
    assert answer.json()["accepted"] == leaves.count() > 0
    assert all(e.appraised_at is not None and e.appraised == "" for e in leaves)
    assert _changes() - before == leaves.count()
    assert answer.json()["result"]["total"] == _results(cycle, "SM01")["total"]


def test_the_council_cannot_accept_in_self_assessment(cycle: Any) -> None:
    before = _changes()
    answer = _call(client_for("thamdinh"), "post", f"/api/cycles/{cycle.id}/units/SM01/accept",
                   {"area": "1"})
    assert answer.status_code == 403
    assert answer.json()["error"] == "wrong_round"
    assert _changes() == before


def test_bonus_and_penalty(cycle: Any) -> None:
    _move(cycle, "appraisal")
    client = client_for("thamdinh")
    total = _results(cycle, "SM02")["total"]
    made = _call(client, "post", f"/api/cycles/{cycle.id}/units/SM02/adjustments",
                 {"kind": "penalty", "points": "0,5", "reason": "Báo cáo trễ hạn"})
    assert made.status_code == 200, made.content
    row = made.json()["adjustment"]
    assert made.json()["result"]["penalty"] >= 0.5
    assert _results(cycle, "SM02")["total"] == pytest.approx(total - 0.5)
    stale = _call(client, "put", f"/api/cycles/{cycle.id}/units/SM02/adjustments/{row['id']}",
                  {"points": "1", "version": row["version"] + 5})
    assert stale.status_code == 409
    assert stale.json()["current"]["points"] == "0,5"
    bad = _call(client, "put", f"/api/cycles/{cycle.id}/units/SM02/adjustments/{row['id']}",
                {"points": "nhiều", "version": row["version"]})
    assert bad.status_code == 400
    assert "nhiều" in bad.json()["message"]
    gone = _call(client, "delete", f"/api/cycles/{cycle.id}/units/SM02/adjustments/{row['id']}")
    assert gone.status_code == 200
    assert _results(cycle, "SM02")["total"] == pytest.approx(total)


def test_an_extension_reopens_one_unit_only(cycle: Any) -> None:
    from parindex.web import models as m

    m.Deadline.objects.filter(cycle=cycle, round="self_assessment").update(
        day=dt.date.today() - dt.timedelta(days=1))
    body = {"value": "80%"}
    late = _call(client_for("sm01"), "patch",
                 f"/api/cycles/{cycle.id}/units/SM01/evidence/1.1.3", body)
    assert late.status_code == 403
    assert late.json()["error"] == "deadline_passed"
    no_reason = _call(client_for("noivu"), "post",
                      f"/api/cycles/{cycle.id}/units/SM01/extension",
                      {"round": "self_assessment", "deadline": "31/12/2099", "reason": " "})
    assert no_reason.status_code == 400
    until = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    given = _call(client_for("noivu"), "post", f"/api/cycles/{cycle.id}/units/SM01/extension",
                  {"round": "self_assessment", "deadline": until, "reason": "Mất điện"})
    assert given.status_code == 200, given.content
    assert _call(client_for("sm01"), "patch",
                 f"/api/cycles/{cycle.id}/units/SM01/evidence/1.1.3", body).status_code == 200
    other = _call(client_for("sm02"), "patch",
                  f"/api/cycles/{cycle.id}/units/SM02/evidence/1.1.3", body)
    assert other.status_code == 403
    denied = _call(client_for("sm01"), "post", f"/api/cycles/{cycle.id}/units/SM01/extension",
                   {"round": "self_assessment", "deadline": until, "reason": "tự gia hạn"})
    assert denied.status_code == 403
    entries = client_for("noivu").get(f"/api/cycles/{cycle.id}/audit?unit=SM01").json()
    assert [e["after"] for e in entries if e["action"] == "deadline.extend"] == [
        f"{until}: Mất điện"]


def test_reopening_a_published_cycle_needs_a_reason(cycle: Any) -> None:
    _move(cycle, "published")
    url = f"/api/cycles/{cycle.id}/round"
    refused = _call(client_for("noivu"), "post", url, {"round": "appraisal_2"})
    assert refused.status_code == 400
    assert refused.json()["error"] == "reason_needed"
    done = _call(client_for("noivu"), "post", url,
                 {"round": "appraisal_2", "reason": "Sửa điểm tiêu chí 1.1.3 của SM01"})
    assert done.status_code == 200
    entries = client_for("noivu").get(f"/api/cycles/{cycle.id}/audit").json()
    assert entries[-1]["action"] == "cycle.reopen"
    assert entries[-1]["after"] == "appraisal_2: Sửa điểm tiêu chí 1.1.3 của SM01"


def test_a_document_request_is_answered_by_a_document(cycle: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parindex.web import models as m
    from parindex.web.rounds import open_requests

    _move(cycle, "appraisal")
    asked = _call(client_for("thamdinh"), "post",
                  f"/api/cycles/{cycle.id}/units/SM01/evidence/1.1.3/requests",
                  {"text": "Bổ sung báo cáo CCHC năm", "due": "31/12/2099"})
    assert asked.status_code == 200, asked.content
    member = m.Member.objects.get(cycle=cycle, unit__code="SM01")
    assert [r.text for r in open_requests(member)] == ["Bổ sung báo cáo CCHC năm"]
    _move(cycle, "explanation")
    unit = client_for("sm01")
    unit.get("/")
    sent = unit.post(f"/api/cycles/{cycle.id}/units/SM01/evidence/1.1.3/files",
                     {"file": SimpleUploadedFile("bao-cao.pdf", PDF)},
                     HTTP_X_CSRFTOKEN=unit.cookies["csrftoken"].value)
    assert sent.status_code == 200, sent.content
    assert open_requests(member) == []


def test_a_leaf_history_and_the_record_as_csv(cycle: Any) -> None:
    url = f"/api/cycles/{cycle.id}/units/SM01/evidence/1.1.3"
    _call(client_for("sm01"), "patch", url, {"value": "70%"})
    _move(cycle, "appraisal")
    _call(client_for("thamdinh"), "patch", url, {"appraised": "60%", "comment": "Thiếu số liệu"})
    _move(cycle, "explanation")
    _call(client_for("sm01"), "patch", url, {"explanation": "Đã bổ sung báo cáo"})
    story = client_for("sm01").get(f"{url}/history").json()
    assert [(s["user"], s["field"], s["after"]) for s in story] == [
        ("sm01", "value", "70%"), ("thamdinh", "appraised", "60%"),
        ("thamdinh", "comment", "Thiếu số liệu"), ("sm01", "explanation", "Đã bổ sung báo cáo")]
    assert client_for("sm02").get(f"{url}/history").status_code == 404
    text = client_for("noivu").get(f"/api/cycles/{cycle.id}/audit.csv?unit=SM01")
    assert text["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert [(r["field"], r["after"]) for r in rows if r["criterion"] == "1.1.3"] == [
        ("value", "70%"), ("appraised", "60%"), ("comment", "Thiếu số liệu"),
        ("explanation", "Đã bổ sung báo cáo")]
    assert client_for("thamdinh").get(f"/api/cycles/{cycle.id}/audit.csv").status_code == 403


def test_the_record_cannot_be_changed() -> None:
    from parindex.web import models as m

    entry = m.Change.objects.create(user="x", action="test")
    entry.after = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_next_year_opens_from_this_one(cycle: Any) -> None:
    from parindex.web import models as m

    made = _call(client_for("noivu"), "post", f"/api/cycles/{cycle.id}/next", {"year": 2025})
    assert made.status_code == 200, made.content
    new = m.Cycle.objects.get(pk=made.json()["id"])
    assert (new.name, new.year, new.edition.code, new.round) == (
        "2025", 2025, "xa-2024", "self_assessment")
    assert [(x.unit.code, x.group) for x in new.members.all()] == [
        (x.unit.code, x.group) for x in cycle.members.all()]
    assert not m.Evidence.objects.filter(member__cycle=new).exists()
    results = client_for("noivu").get(f"/api/cycles/{new.id}/results").json()
    assert len(results["units"]) == cycle.members.count()
    assert all(u["self_points"] == 0 for u in results["units"])
    again = _call(client_for("noivu"), "post", f"/api/cycles/{cycle.id}/next", {"year": 2025})
    assert again.status_code == 400
    assert _call(client_for("thamdinh"), "post", f"/api/cycles/{cycle.id}/next",
                 {"year": 2026}).status_code == 403


def test_a_whole_year_through_the_api(cycle: Any, tmp_path: Any) -> None:
    """Self-assessment → appraisal → explanation → appraisal_2 → final → published, every
    step through the API: the unit then sees its rank, both sides show, final locks every
    value, and ``parindex score`` of the export is the published results."""
    import subprocess
    import sys

    from django.core.files.uploadedfile import SimpleUploadedFile

    from parindex.web import store

    unit, council, office = client_for("sm01"), client_for("thamdinh"), client_for("noivu")
    url = f"/api/cycles/{cycle.id}/units/SM01"
    for leaf, value in (("1.3", "90"), ("1.4", "95%")):
        assert _call(unit, "patch", f"{url}/evidence/{leaf}", {"value": value}).status_code == 200
    assert _call(unit, "post", f"{url}/submit").status_code == 200
    _move(cycle, "appraisal")
    for leaf, value in (("1.3", "60"), ("1.4", "70%")):
        assert _call(council, "patch", f"{url}/evidence/{leaf}",
                     {"appraised": value, "comment": f"Thiếu hồ sơ {leaf}"}).status_code == 200
    _move(cycle, "explanation")
    assert _call(unit, "patch", f"{url}/evidence/1.3",
                 {"explanation": "Đã bổ sung biên bản"}).status_code == 200
    unit.get("/")
    sent = unit.post(f"{url}/evidence/1.3/files", {"file": SimpleUploadedFile("bb.pdf", PDF)},
                     HTTP_X_CSRFTOKEN=unit.cookies["csrftoken"].value)
    assert sent.status_code == 200
    _move(cycle, "appraisal_2")
    assert _call(council, "patch", f"{url}/evidence/1.3",
                 {"appraised": "85", "comment": "Chấp nhận giải trình"}).status_code == 200
    _move(cycle, "final")
    for who, body in ((unit, {"value": "100"}), (council, {"appraised": "100"}),
                      (unit, {"explanation": "thêm"})):
        late = _call(who, "patch", f"{url}/evidence/1.4", body)
        assert (late.status_code, late.json()["error"]) == (403, "wrong_round")
    before = unit.get(f"/api/cycles/{cycle.id}/results").json()["units"][0]
    assert before["rank"] is None
    _move(cycle, "published")
    mine = unit.get(f"/api/cycles/{cycle.id}/results").json()["units"][0]
    assert mine["rank"] is not None
    assert mine["self_points"] > mine["appraised_points"]  # the council took points off
    published = office.get(f"/api/cycles/{cycle.id}/results").json()
    out = store.export_cycle(cycle, tmp_path / "bundle")
    scored = subprocess.run([sys.executable, "-m", "parindex", "score", str(out), "--format",
                             "json"], capture_output=True, text=True, check=True).stdout
    assert json.loads(scored) == published
    rows = {e["criterion"]: e for e in office.get(url).json()["evidence"]}
    assert (rows["1.3"]["value"], rows["1.3"]["appraised"], rows["1.3"]["explanation"]) == (
        "90", "85", "Đã bổ sung biên bản")
