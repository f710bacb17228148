"""The unit's self-assessment page through the Django test client: every leaf with the
input its kind asks for, saves answering the points the API gives, refusals with their
reason and nothing kept, read-only after submitting, 404 for another unit, escaping."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

pytest.importorskip("django")

from web_support import client_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_scores() -> None:
    """The cycle's cached run is keyed by (cycle id, data version), which a rolled-back
    test database hands out again: each test starts without another test's run."""
    from parindex.web import scores

    scores.forget()


def _page(c: Any, cycle: Any, code: str = "SM01", lang: str = "") -> str:
    r = c.get(f"/cycles/{cycle.id}/units/{code}/" + (f"?lang={lang}" if lang else ""))
    assert r.status_code == 200
    return str(r.content.decode())


def _post(c: Any, url: str, data: dict[str, Any]) -> Any:
    token = c.cookies["csrftoken"].value
    return c.post(url, data, HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true")


def _element(text: str, ident: str) -> str:
    """The opening tag (or whole select) of the element with ``id``."""
    found = re.search(rf'<(input|select|textarea|span|section)\b[^>]*\bid="{ident}"[^>]*>',
                      text)
    assert found is not None, ident
    if found.group(1) == "select":
        end = text.index("</select>", found.start())
        return text[found.start():end]
    return found.group(0)


def _unit(c: Any, cycle: Any, code: str = "SM01") -> dict[str, Any]:
    data: dict[str, Any] = c.get(f"/api/cycles/{cycle.id}/units/{code}").json()
    return data


def _num(text: str) -> float:
    return float(html.unescape(text).replace(".", "").replace(",", ".").strip())


def _oob(text: str, ident: str) -> str:
    found = re.search(rf'id="{ident}"[^>]*hx-swap-oob="true"[^>]*>([^<]*)<', text)
    assert found is not None, ident
    return found.group(1)


def test_every_leaf_has_the_input_its_kind_asks_for(cycle: Any) -> None:
    from parindex.evidence.parse import leaf_kind
    from parindex.web.store import compiled

    c = client_for("sm01")
    text = _page(c, cycle)
    edition = compiled(cycle.edition)
    assert len(edition.leaves) == 44
    for leaf in edition.leaves:
        ident = f"l{leaf.index}"
        assert f'id="leaf-{ident}"' in text
        assert f'<span class="code">{leaf.code}</span>' in text
        assert html.escape(leaf.name, quote=False) in text
        kind = leaf_kind(leaf)
        if leaf.computed:
            assert f'id="f-{ident}-value"' not in text
        elif kind == "key":
            select = _element(text, f"f-{ident}-value")
            assert select.startswith("<select")
            for key in leaf.keys:
                assert f'<option value="{key}"' in select
        elif kind == "boolean":
            select = _element(text, f"f-{ident}-value")
            assert '<option value="có"' in select
            assert '<option value="không"' in select
        else:
            tag = _element(text, f"f-{ident}-value")
            assert tag.startswith("<input")
            assert 'inputmode="decimal"' in tag
        assert _element(text, f"f-{ident}-source").startswith("<input")
        assert _element(text, f"f-{ident}-note").startswith("<textarea")
    # the stored values are shown: SM01's 1.1.1 is an option, 1.1.3 a percentage
    assert re.search(r'<option value="dung_han" selected>', text)
    # options say what they are worth; yes/no too; NA only where the leaf allows it
    assert '<option value="tre_han">tre_han — 0,5 điểm</option>' in text
    assert '<option value="có" selected>Có / đạt — 1 điểm</option>' in text  # "x" is yes
    assert 'value="NA"' not in _element(text, "f-l0-value")  # 1.1.1 forbids NA
    assert 'value="NA"' in _element(text, "f-l1-value")
    # the council's side, once there is one (SM01's 4.1.2 was appraised at 90,8)
    assert '<dd class="appraised">90,8</dd>' in text
    # the rule and the expected evidence in words
    assert "theo ngưỡng &gt; 90: 2; ≥ 70: 1" in text
    assert "Kế hoạch CCHC năm của UBND xã" in text
    # one-stop table, report dates, progress, deadline
    assert 'id="f-os0-resolved_on_time"' in text
    assert 'id="f-rp0"' in text
    assert re.search(r"\d+/36 tiêu chí đã nhập", text)
    assert "còn 30 ngày" in text
    # SM01: 5.2 not applicable and rebased (max 98,5), 3.3 not applicable at full points
    assert re.search(r"Điểm tối đa tính lại: 98,5/100 vì các tiêu chí không áp dụng:\s*5.2</p>",
                     text)
    assert re.search(r"Không áp dụng, được tính đủ điểm:\s*3.3</p>", text)


def test_english_page(cycle: Any) -> None:
    text = _page(client_for("sm01"), cycle, lang="en")
    assert "criteria entered" in text
    assert "Self-assessment" in text
    assert "tiêu chí đã nhập" not in text


def _points_shown(text: str, slug: str) -> float:
    inner = _oob(text, f"pts-{slug}")
    return _num(inner.split("/")[0])


def test_a_save_answers_the_points_of_the_api(cycle: Any) -> None:
    c = client_for("sm01")
    text = _page(c, cycle)
    before = _unit(c, cycle)["result"]
    # 1.1.3 is leaf l2, a percentage with bands > 90: 2; ≥ 70: 1; else 0
    r = _post(c, f"/cycles/{cycle.id}/units/SM01/leaf/1.1.3/", {"value": "31/50",
                                                                  "version": "1"})
    assert r.status_code == 200
    text = r.content.decode()
    assert "đã lưu" in text
    after = _unit(c, cycle)
    assert next(e for e in after["evidence"] if e["criterion"] == "1.1.3")["value"] == "31/50"
    result = after["result"]
    assert result["total"] != before["total"]
    total = re.search(r'<span id="total">([^<]*)</span>', text)
    assert total is not None
    assert _num(total.group(1)) == round(result["total"], 2)
    area = next(a for a in result["areas"] if a["code"] == "1")
    assert _num(_oob(text, "pts-a0").split("/")[0]) == round(area["points"], 2)
    assert _points_shown(text, "l2") == 0.0  # 62 % is below 70
    assert 'id="pts-l0"' not in text  # only the leaf saved can have moved
    # the version was raised and comes back for the next save
    assert re.search(r'id="ver-l2" name="version" value="2" hx-swap-oob="true"', text)


def test_one_stop_and_report_saves_change_the_computed_leaves(cycle: Any) -> None:
    c = client_for("sm01")
    _page(c, cycle)
    unit = _unit(c, cycle)
    q1 = next(s for s in unit["one_stop"] if s["period"] == "Q1")
    url = f"/cycles/{cycle.id}/units/SM01/one_stop/"
    # the row is sent whole (the page includes every cell of the row): one cell changed
    # alone unbalances it and is refused with the check's reason, nothing kept
    row = {k: v for k, v in q1.items() if k not in ("version",)}
    r = _post(c, url, {**row, "version": str(q1["version"]), "resolved_late": "60"})
    assert r.status_code == 400
    assert "phải khớp số" in r.content.decode()
    assert _unit(c, cycle)["one_stop"] == unit["one_stop"]
    on_time = int(q1["resolved_on_time"]) - 60
    r = _post(c, url, {**row, "version": str(q1["version"]), "resolved_late": "60",
                       "resolved_on_time": str(on_time)})
    assert r.status_code == 200, r.content.decode()
    result = _unit(c, cycle)["result"]
    text = r.content.decode()
    total = re.search(r'<span id="total">([^<]*)</span>', text)
    assert total is not None
    assert _num(total.group(1)) == round(result["total"], 2)
    assert result["total"] < unit["result"]["total"]
    # the leaves computed from the one-stop table come back, 3.2.1's points lower
    now = _page(c, cycle)
    assert _points_shown(text, "l15") < 6.0
    assert 'id="pts-l32" class' in text  # 6.2.1, the online rate
    assert 'id="pts-l2" class' not in text
    assert f'id="pts-l15" class="pts state-value">{_oob(text, "pts-l15")}' in now
    r = _post(c, f"/cycles/{cycle.id}/units/SM01/reports/H1/", {"submitted": "01/01/2025"})
    assert r.status_code == 200
    rows = _unit(c, cycle)["reports"]
    assert next(x for x in rows if x["report"] == "H1")["submitted"] == "01/01/2025"


def test_a_refusal_shows_its_reason_and_keeps_nothing(cycle: Any) -> None:
    from parindex.web import models as m

    c = client_for("sm01")
    _page(c, cycle)
    before = _unit(c, cycle)
    changes = m.Change.objects.count()
    r = _post(c, f"/cycles/{cycle.id}/units/SM01/leaf/1.1.3/", {"value": "130",
                                                                  "version": "1"})
    assert r.status_code == 400
    text = r.content.decode()
    assert 'class="refusal"' in text
    assert "130" in text
    assert _unit(c, cycle) == before
    assert m.Change.objects.count() == changes
    r = _post(c, f"/cycles/{cycle.id}/units/SM01/reports/H1/", {"submitted": "32/13/2024"})
    assert r.status_code == 400
    assert "dd/mm/yyyy" in r.content.decode()
    assert _unit(c, cycle) == before


def test_a_stale_page_shows_the_other_value(cycle: Any) -> None:
    c = client_for("sm01")
    _page(c, cycle)
    url = f"/cycles/{cycle.id}/units/SM01/leaf/1.1.3/"
    assert _post(c, url, {"value": "80", "version": "1"}).status_code == 200
    r = _post(c, url, {"value": "99", "version": "1"})
    assert r.status_code == 409
    text = r.content.decode()
    assert "Người khác vừa sửa ô này" in text
    assert "Giá trị hiện tại: 80" in text
    field = _element(text, "f-l2-value")
    assert 'value="80"' in field
    assert 'hx-swap-oob="true"' in field
    assert next(e for e in _unit(c, cycle)["evidence"]
                if e["criterion"] == "1.1.3")["value"] == "80"


def test_upload_lists_the_document(cycle: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for("sm01")
    _page(c, cycle)
    url = f"/cycles/{cycle.id}/units/SM01/leaf/1.1.1/files/"
    r = _post(c, url, {"file": [SimpleUploadedFile("kế hoạch.pdf", PDF),
                                SimpleUploadedFile("phụ lục.pdf", PDF)]})
    assert r.status_code == 200
    text = r.content.decode()
    files = next(e for e in _unit(c, cycle)["evidence"] if e["criterion"] == "1.1.1")["files"]
    assert [f["name"] for f in files] == ["kế hoạch.pdf", "phụ lục.pdf"]
    for f in files:
        assert f'href="{f["url"]}"' in text
    assert c.get(files[0]["url"]).getvalue() == PDF
    r = _post(c, url, {"file": SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>")})
    assert r.status_code == 400
    assert "PDF, JPEG, PNG" in r.content.decode()


def test_submit_confirms_then_locks_the_page(cycle: Any) -> None:
    c = client_for("sm01")
    _page(c, cycle)
    _post(c, f"/cycles/{cycle.id}/units/SM01/leaf/1.1.3/", {"value": "", "version": "1"})
    confirm = c.get(f"/cycles/{cycle.id}/units/SM01/submit/").content.decode()
    assert "Còn thiếu 1 tiêu chí" in confirm
    assert "#leaf-l2" in confirm
    token = c.cookies["csrftoken"].value
    r = c.post(f"/cycles/{cycle.id}/units/SM01/submit/", HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 302
    assert _unit(c, cycle)["submitted"] is not None
    text = _page(c, cycle)
    assert "Đơn vị đã nộp bản tự đánh giá lúc" in text
    for ident in ("f-l0-value", "f-l2-value", "f-l2-note", "f-os0-resolved_on_time", "f-rp0"):
        assert " disabled" in _element(text, ident).split(">")[0]
    assert 'type="file"' not in text
    before = _unit(c, cycle)
    r = _post(c, f"/cycles/{cycle.id}/units/SM01/leaf/1.1.3/", {"value": "95"})
    assert r.status_code == 403
    assert "không sửa được nữa" in r.content.decode()
    assert _unit(c, cycle) == before


def test_read_only_for_the_office_and_after_the_deadline(cycle: Any) -> None:
    import datetime as dt

    from parindex.web import models as m

    text = _page(client_for("thamdinh"), cycle)
    assert "Chỉ xem, không sửa được" in text
    assert " disabled" in _element(text, "f-l2-value")
    m.Deadline.objects.filter(cycle=cycle).update(day=dt.date(2020, 1, 1))
    text = _page(client_for("sm01"), cycle)
    assert "Đã quá hạn của vòng này (01/01/2020)" in text
    assert "đã quá hạn" in text
    assert " disabled" in _element(text, "f-l2-value")


def test_another_units_page_is_not_found(cycle: Any) -> None:
    c = client_for("sm01")
    assert c.get(f"/cycles/{cycle.id}/units/SM02/").status_code == 404
    assert c.get(f"/cycles/{cycle.id}/units/SM02/submit/").status_code == 404
    assert c.get(f"/cycles/{cycle.id}/units/NOPE/").status_code == 404
    _page(c, cycle)
    r = _post(c, f"/cycles/{cycle.id}/units/SM02/leaf/1.1.3/", {"value": "10"})
    assert r.status_code == 404
    assert client_for("sm02").get(f"/cycles/{cycle.id}/units/SM02/").status_code == 200


def test_script_in_user_text_is_shown_escaped(cycle: Any) -> None:
    from parindex.web import models as m

    evil = "<script>alert(1)</script>"
    m.Member.objects.filter(cycle=cycle, unit__code="SM01").update(name=evil)
    c = client_for("sm01")
    _page(c, cycle)
    r = _post(c, f"/cycles/{cycle.id}/units/SM01/leaf/1.1.3/", {"note": evil,
                                                                  "version": "1"})
    assert r.status_code == 200
    text = _page(c, cycle)
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2


def test_a_published_cycle_of_another_edition(cycle: Any) -> None:  # noqa: ARG001 (accounts)
    """2019 (edition xa-2017, published): every leaf shown, read only, its points those of
    the results API."""
    from parindex.samples.sample import sample_bundles
    from parindex.web import store

    path = next(p for p in sample_bundles() if p.name == "2019")
    checked, edition = store.read_checked(path)
    old = store.import_bundle(checked.bundle, edition, "2019", "published", "test")
    c = client_for("sm01")
    text = _page(c, old)
    assert len(re.findall(r'<article class="leaf card"', text)) == len(
        store.compiled(old.edition).leaves)
    assert "Không làm được ở vòng hiện tại" in text
    assert " disabled" in _element(text, "f-l0-value")
    result = c.get(f"/api/cycles/{old.id}/units/SM01").json()["result"]
    total = re.search(r'<span id="total">([^<]*)</span>', text)
    assert total is not None
    assert _num(total.group(1)) == round(result["total"], 2)


def test_the_explanation_round(cycle: Any) -> None:
    """After the appraisal the unit explains a leaf; its declared values stay locked."""
    from parindex.web import models as m

    m.Cycle.objects.filter(pk=cycle.pk).update(round="explanation")
    c = client_for("sm01")
    text = _page(c, cycle)
    assert " disabled" in _element(text, "f-l2-value")
    assert " disabled" not in _element(text, "f-l20-explanation")
    version = _element(text, "ver-l20")
    assert 'value="1"' in version
    r = _post(c, f"/cycles/{cycle.id}/units/SM01/leaf/4.1.2/",
              {"explanation": "Đã bổ sung 2 bằng đại học", "version": "1"})
    assert r.status_code == 200
    row = next(e for e in _unit(c, cycle)["evidence"] if e["criterion"] == "4.1.2")
    assert row["explanation"] == "Đã bổ sung 2 bằng đại học"
    r = _post(c, f"/cycles/{cycle.id}/units/SM01/leaf/4.1.2/", {"value": "100"})
    assert r.status_code == 403
    assert "Không làm được ở vòng hiện tại" in r.content.decode()


def test_stale_one_stop_and_report(cycle: Any) -> None:
    c = client_for("sm01")
    _page(c, cycle)
    url = f"/cycles/{cycle.id}/units/SM01/reports/H1/"
    assert _post(c, url, {"submitted": "30/05/2024", "version": "1"}).status_code == 200
    r = _post(c, url, {"submitted": "31/05/2024", "version": "1"})
    assert r.status_code == 409
    text = r.content.decode()
    assert "Giá trị hiện tại: 30/05/2024" in text
    assert 'value="30/05/2024"' in _element(text, "f-rp1")
    q1 = next(s for s in _unit(c, cycle)["one_stop"] if s["period"] == "Q1")
    row = {k: v for k, v in q1.items() if k != "version"}
    token = c.cookies["csrftoken"].value
    r = c.post(f"/cycles/{cycle.id}/units/SM01/one_stop/",
               {**row, "version": str(q1["version"] + 1), "returned": "0"},
               HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER_NAME="returned")
    assert r.status_code == 409
    text = r.content.decode()
    assert f"Giá trị hiện tại: {q1['returned']}" in text
    # every cell of the row comes back as it now is (the row is saved whole)
    for col in ("returned", "resolved_on_time"):
        assert f'value="{q1[col]}"' in _element(text, f"f-os0-{col}")


def test_a_save_after_the_session_ended_goes_to_sign_in(cycle: Any) -> None:
    from django.test import Client

    c = Client()
    page = f"/cycles/{cycle.id}/units/SM01/"
    r = c.post(page + "leaf/1.1.3/", {"value": "50"}, HTTP_HX_REQUEST="true",
               HTTP_HX_CURRENT_URL=f"http://testserver{page}")
    assert r.status_code == 401
    assert r["HX-Redirect"] == f"/login/?next={page.replace('/', '%2F')}"
    assert c.get(page)["Location"] == f"/login/?next={page}"
