"""The pages of the appraisal rounds through the Django test client (issue #13): who may open
the appraisal page, an appraisal saved through it equal to the API's result, a whole area
accepted as declared, a document request seen by the unit and answered by an upload, the
explanation round on the unit's page, a leaf's history, and the office's round controls on
the record — every text a user typed rendered escaped."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest

pytest.importorskip("django")

from web_support import client_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
EVIL = "<script>alert(1)</script> & \"x\""
EVIL_SHOWN = html.escape(EVIL)


@pytest.fixture(autouse=True)
def _fresh_scores() -> None:
    from parindex.web import scores

    scores.forget()


def _move(cycle: Any, round_: str, reason: str = "") -> None:
    from django.contrib.auth import get_user_model

    from parindex.web import services

    services.move_round(get_user_model().objects.get(username="noivu"), cycle, round_,
                        (dt.date.today() + dt.timedelta(days=10)).strftime("%d/%m/%Y"),
                        "vi", reason)
    cycle.refresh_from_db()


def _client(name: str) -> Any:
    c = client_for(name)
    c.get("/")  # the CSRF cookie
    return c


def _post(c: Any, url: str, data: dict[str, Any], htmx: bool = False) -> Any:
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return c.post(url, data, HTTP_X_CSRFTOKEN=c.cookies["csrftoken"].value, **extra)


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _base(cycle: Any, code: str = "SM01") -> str:
    return f"/cycles/{cycle.id}/units/{code}/"


def _row(cycle: Any, code: str, criterion: str) -> Any:
    from parindex.web import models as m

    return m.Evidence.objects.get(member__cycle=cycle, member__unit__code=code,
                                  criterion=criterion)


def _result(cycle: Any, code: str) -> dict[str, Any]:
    got = client_for("noivu").get(f"/api/cycles/{cycle.id}/results").json()
    return dict(next(u for u in got["units"] if u["code"] == code))


def _num(x: float) -> str:
    from parindex.lang import number_text

    return str(number_text(round(float(x), 2), "vi"))


def _cell(page: str, ident: str) -> str:
    found = re.search(rf'id="{ident}">([^<]*)<', page)
    assert found, ident
    return found.group(1)


def test_who_may_open_the_appraisal_page(cycle: Any) -> None:
    from parindex.web import models as m
    from parindex.web.accounts import add_user

    url = _base(cycle) + "appraise/"
    assert client_for("sm02").get(url).status_code == 404  # another unit: not even there
    own = client_for("sm01").get(url)
    assert own.status_code == 403  # its own: the council's page, not the unit's
    groups = sorted({mb.group for mb in m.Member.objects.filter(cycle=cycle)})
    other = next(mb for mb in m.Member.objects.filter(cycle=cycle).select_related("unit")
                 if mb.group != groups[0])
    add_user("nhom1", "appraiser", "demo", groups=[groups[0]], check_password=False)
    assert client_for("nhom1").get(_base(cycle, other.unit.code) + "appraise/").status_code \
        == 404
    page = client_for("thamdinh").get(url)
    assert page.status_code == 200
    text = _text(page.content.decode())
    # outside the appraisal rounds: read-only, with the reason, and nothing to press
    from parindex import words

    assert words.t("web.refuse.wrong_round", "vi", round="self_assessment") in text
    assert 'name="appraised"' in page.content.decode()
    assert "disabled" in page.content.decode()
    assert "accept/" not in page.content.decode()


def test_an_appraisal_through_the_page_equals_the_api(cycle: Any) -> None:
    _move(cycle, "appraisal")
    c = _client("thamdinh")
    before = _result(cycle, "SM01")
    version = _row(cycle, "SM01", "1.1.3").version
    answer = _post(c, _base(cycle) + "appraise/leaf/1.1.3/",
                   {"appraised": "0", "version": version}, htmx=True)
    assert answer.status_code == 200, answer.content
    body = answer.content.decode()
    assert "đã lưu" in body
    after = _result(cycle, "SM01")
    assert after["appraised_points"] < before["appraised_points"]
    assert after["self_points"] == before["self_points"]
    total = after["total"]
    assert _cell(body, "total-after").startswith(_num(total))
    # before: the unit's own declaration (its self points and the survey), no bonus/penalty
    assert _cell(body, "total-before").startswith(
        _num(after["self_points"] + after["survey_points"]))
    assert _cell(body, "band-after") == (after["band"] or "—")
    row = _row(cycle, "SM01", "1.1.3")
    assert row.appraised == "0"
    assert row.appraised_at is not None
    assert 'id="ver-' in body
    assert f'value="{row.version}"' in body
    # a comment with markup: kept as typed, shown escaped
    answer = _post(c, _base(cycle) + "appraise/leaf/1.1.3/",
                   {"comment": EVIL, "version": row.version}, htmx=True)
    assert answer.status_code == 200
    page = c.get(_base(cycle) + "appraise/").content.decode()
    assert EVIL_SHOWN in page
    assert EVIL not in page
    progress = _text(page)
    assert "Đã thẩm định 1/" in progress


def test_a_stale_leaf_is_refused_with_the_other_value(cycle: Any) -> None:
    _move(cycle, "appraisal")
    c = _client("thamdinh")
    version = _row(cycle, "SM01", "1.1.3").version
    first = _post(c, _base(cycle) + "appraise/leaf/1.1.3/",
                  {"appraised": "0", "version": version}, htmx=True)
    assert first.status_code == 200
    stale = _post(_client("noivu"), _base(cycle) + "appraise/leaf/1.1.3/",
                  {"appraised": "1", "version": version}, htmx=True)
    assert stale.status_code == 409
    assert "0" in _text(stale.content.decode())
    assert _row(cycle, "SM01", "1.1.3").appraised == "0"


def test_accept_an_area_through_the_page(cycle: Any) -> None:
    from parindex.web import models as m

    _move(cycle, "appraisal")
    before = m.Change.objects.count()
    answer = _post(_client("thamdinh"), _base(cycle) + "appraise/accept/", {"area": "1"})
    assert answer.status_code == 302
    assert answer["Location"].endswith("#area-1")
    rows = m.Evidence.objects.filter(member__cycle=cycle, member__unit__code="SM01",
                                     criterion__startswith="1.")
    assert rows.count() > 0
    assert all(r.appraised_at is not None for r in rows)
    assert m.Change.objects.count() - before == rows.count()
    page = client_for("thamdinh").get(_base(cycle) + "appraise/").content.decode()
    assert f"Đã thẩm định {rows.count()}/" in _text(page)
    # a unit is refused: nothing kept
    refused = _post(_client("sm01"), _base(cycle) + "appraise/accept/", {"area": "2"})
    assert refused.status_code == 403
    assert m.Change.objects.count() - before == rows.count()


def test_a_request_reaches_the_unit_and_an_upload_answers_it(cycle: Any) -> None:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parindex.web import models as m
    from parindex.web import services

    services.submit(get_user_model().objects.get(username="sm01"), cycle, "SM01", "vi")
    _move(cycle, "appraisal")
    asked = _post(_client("thamdinh"), _base(cycle) + "appraise/leaf/1.1.2/request/",
                  {"text": EVIL, "due": "2099-12-31"})
    assert asked.status_code == 302
    unit = _client("sm01")
    home = unit.get("/").content.decode()
    assert EVIL_SHOWN in home
    assert EVIL not in home
    _move(cycle, "explanation")
    page = unit.get(_base(cycle)).content.decode()
    assert EVIL_SHOWN in page
    assert "31/12/2099" in page
    assert "1 yêu cầu bổ sung tài liệu đang chờ" in _text(page)
    sent = unit.post(_base(cycle) + "leaf/1.1.2/files/",
                     {"file": SimpleUploadedFile("ke-hoach.pdf", PDF)},
                     HTTP_X_CSRFTOKEN=unit.cookies["csrftoken"].value)
    assert sent.status_code == 302
    assert not m.DocumentRequest.objects.filter(answered_at__isnull=True).exists()
    page = unit.get(_base(cycle)).content.decode()
    assert "yêu cầu bổ sung tài liệu đang chờ" not in _text(page)
    assert "ke-hoach.pdf" in page


def test_the_explanation_round_on_the_units_page(cycle: Any) -> None:
    _move(cycle, "appraisal")
    c = _client("thamdinh")
    version = _row(cycle, "SM01", "1.1.3").version
    _post(c, _base(cycle) + "appraise/leaf/1.1.3/",
          {"appraised": "0", "comment": "Thiếu báo cáo", "version": version}, htmx=True)
    _move(cycle, "explanation")
    from parindex.web import models as m

    changed = [e.criterion for e in m.Evidence.objects.filter(
        member__cycle=cycle, member__unit__code="SM01")
        if e.comment or (e.appraised and e.appraised != e.value)]
    assert "1.1.3" in changed
    unit = _client("sm01")
    page = unit.get(_base(cycle)).content.decode()
    text = _text(page)
    assert f"{len(changed)} tiêu chí được Hội đồng điều chỉnh hoặc nhận xét" in text
    assert "Thiếu báo cáo" in text
    assert "chưa giải trình" in text
    # only the leaves the council changed or commented on ask for an explanation
    assert page.count('name="explanation"') == len(changed)
    saved = _post(unit, _base(cycle) + "leaf/1.1.3/",
                  {"explanation": EVIL, "version": _row(cycle, "SM01", "1.1.3").version},
                  htmx=True)
    assert saved.status_code == 200, saved.content
    assert _row(cycle, "SM01", "1.1.3").explanation == EVIL
    page = unit.get(_base(cycle)).content.decode()
    assert EVIL_SHOWN in page
    assert EVIL not in page
    assert _text(page).count("chưa giải trình") == len(changed) - 1
    _move(cycle, "appraisal_2")
    council = c.get(_base(cycle) + "appraise/").content.decode()
    assert EVIL_SHOWN in council
    assert "Kết luận của Hội đồng" in council
    decided = _post(c, _base(cycle) + "appraise/leaf/1.1.3/",
                    {"appraised": "", "comment": "Chấp nhận giải trình",
                     "version": _row(cycle, "SM01", "1.1.3").version}, htmx=True)
    assert decided.status_code == 200
    history = c.get(_base(cycle) + "history/1.1.3/").content.decode()
    steps = _text(history)
    for step in ("Thẩm định", "Giải trình", "Quyết định (thẩm định lần 2)"):
        assert step in steps
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", steps)
    assert EVIL_SHOWN in history
    assert EVIL not in history
    fragment = c.get(_base(cycle) + "history/1.1.3/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert "Chấp nhận giải trình" in fragment
    assert client_for("sm02").get(_base(cycle) + "history/1.1.3/").status_code == 404


def test_bonus_and_penalty_through_the_page(cycle: Any) -> None:
    from parindex.web import models as m

    _move(cycle, "appraisal")
    c = _client("thamdinh")
    added = _post(c, _base(cycle) + "appraise/adjustments/",
                  {"kind": "bonus", "points": "1", "reason": EVIL, "document": ""})
    assert added.status_code == 302, added.content
    assert _result(cycle, "SM01")["bonus"] == 1.0
    page = c.get(_base(cycle) + "appraise/").content.decode()
    assert EVIL_SHOWN in page
    assert EVIL not in page
    own = m.Adjustment.objects.filter(member__cycle=cycle, member__unit__code="SM01")
    ident = own.get().pk
    gone = _post(c, _base(cycle) + f"appraise/adjustments/{ident}/delete/", {})
    assert gone.status_code == 302
    assert not own.exists()
    assert _result(cycle, "SM01")["bonus"] == 0.0
    bad = _post(c, _base(cycle) + "appraise/adjustments/",
                {"kind": "bonus", "points": "abc", "reason": "x", "document": ""})
    assert bad.status_code == 400
    assert not own.exists()


def test_the_office_moves_extends_and_reopens_on_the_record(cycle: Any) -> None:
    from parindex.web import models as m

    office = _client("noivu")
    page = office.get(f"/cycles/{cycle.id}/").content.decode()
    assert 'id="move-form"' in page
    assert 'id="extend-form"' in page
    assert "appraise/" in page
    assert 'id="move-form"' not in client_for("thamdinh").get(f"/cycles/{cycle.id}/") \
        .content.decode()
    day = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    moved = _post(office, f"/cycles/{cycle.id}/round/", {"round": "appraisal",
                                                         "deadline": day})
    assert moved.status_code == 302
    cycle.refresh_from_db()
    assert cycle.round == "appraisal"
    assert cycle.deadlines.get(round="appraisal").day.isoformat() == day
    ext = _post(office, f"/cycles/{cycle.id}/extend/",
                {"unit": "SM02", "round": "appraisal", "deadline": "2099-01-31",
                 "reason": EVIL})
    assert ext.status_code == 302
    assert m.Extension.objects.get().reason == EVIL
    refused = _post(_client("thamdinh"), f"/cycles/{cycle.id}/round/", {"round": "final"})
    assert refused.status_code == 403
    for round_ in ("final", "published"):
        _post(office, f"/cycles/{cycle.id}/round/", {"round": round_, "deadline": ""})
    cycle.refresh_from_db()
    assert cycle.round == "published"
    page = office.get(f"/cycles/{cycle.id}/").content.decode()
    assert 'id="move-reason"' in page
    no_reason = _post(office, f"/cycles/{cycle.id}/round/", {"round": "final", "reason": " "})
    assert no_reason.status_code == 400
    reopened = _post(office, f"/cycles/{cycle.id}/round/",
                     {"round": "final", "reason": "Sửa lỗi <nhập>"})
    assert reopened.status_code == 302
    audit = office.get(f"/cycles/{cycle.id}/audit/").content.decode()
    text = _text(audit)
    assert "cycle.reopen" in text
    assert "final: Sửa lỗi <nhập>" in text
    assert "Sửa lỗi &lt;nhập&gt;" in audit
    assert EVIL_SHOWN in audit
    assert EVIL not in audit
    assert "deadline.extend" in text
    assert f"/api/cycles/{cycle.id}/audit.csv" in audit
    only = _text(office.get(f"/cycles/{cycle.id}/audit/?unit=SM02").content.decode())
    assert "deadline.extend" in only
    assert "cycle.reopen" not in only
    assert client_for("thamdinh").get(f"/cycles/{cycle.id}/audit/").status_code == 403
    assert m.Change.objects.filter(action="cycle.reopen").count() == 1


def test_the_office_opens_next_year(cycle: Any) -> None:
    from parindex.web import models as m

    office = _client("noivu")
    answer = _post(office, f"/cycles/{cycle.id}/next/", {"year": "2025", "name": "2025"})
    assert answer.status_code == 302
    new = m.Cycle.objects.get(name="2025")
    assert answer["Location"] == f"/cycles/{new.id}/"
    assert new.members.count() == cycle.members.count()
    assert new.round == "self_assessment"
    again = _post(office, f"/cycles/{cycle.id}/next/", {"year": "2025", "name": "2025"})
    assert again.status_code == 400


def test_the_appraiser_home_links_the_appraisal_page(cycle: Any) -> None:
    _move(cycle, "appraisal")
    home = client_for("thamdinh").get("/").content.decode()
    assert f'href="/cycles/{cycle.id}/units/SM01/appraise/"' in home


def test_the_office_sees_who_is_late_in_the_explanation_round(cycle: Any) -> None:
    _move(cycle, "appraisal")
    c = _client("thamdinh")
    _post(c, _base(cycle) + "appraise/leaf/1.1.3/",
          {"comment": "Thiếu báo cáo", "version": _row(cycle, "SM01", "1.1.3").version},
          htmx=True)
    from django.contrib.auth import get_user_model

    from parindex.web import services

    yesterday = (dt.date.today() - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    services.move_round(get_user_model().objects.get(username="noivu"), cycle,
                        "explanation", yesterday, "vi")
    page = client_for("noivu").get(f"/cycles/{cycle.id}/").content.decode()
    late = re.search(r'<p class="late" data-late>(.*?)</p>', page, re.S)
    assert late is not None
    assert "(SM01)" in late.group(1)
    # an extension for SM01 takes it off the list
    _post(_client("noivu"), f"/cycles/{cycle.id}/extend/",
          {"unit": "SM01", "round": "explanation", "deadline": "2099-01-31",
           "reason": "Ốm"})
    page = client_for("noivu").get(f"/cycles/{cycle.id}/").content.decode()
    late = re.search(r'<p class="late" data-late>(.*?)</p>', page, re.S)
    assert late is None or "(SM01)" not in late.group(1)
