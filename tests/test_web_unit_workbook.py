"""A unit uploads its filled template workbook: checked with ``parindex check``'s messages,
the differences shown, applied only when confirmed (all or nothing, stale rows refused)."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

pytest.importorskip("django")

from web_support import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_scores() -> None:
    from parindex.web import scores

    scores.forget()


def _template(c: Any, cycle: Any, code: str = "SM01") -> Any:
    r = c.get(f"/cycles/{cycle.id}/units/{code}/workbook/template/")
    assert r.status_code == 200
    assert r["Content-Disposition"] == f'attachment; filename="{code}-2024.xlsx"'
    return openpyxl.load_workbook(io.BytesIO(r.content))


def _fill(wb: Any, values: dict[tuple[str, str], str], reports: dict[str, str]) -> bytes:
    """Cells of the evidence sheet by (criterion, column letter), report dates by report."""
    ev = wb["evidence"]
    for row in ev.iter_rows(min_row=7):
        for (criterion, letter), text in values.items():
            if row[3].value == criterion:
                ev[f"{letter}{row[0].row}"] = text
    for row in wb["reports"].iter_rows(min_row=2):
        if row[1].value in reports:
            row[2].value = reports[row[1].value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(c: Any, cycle: Any, data: bytes, code: str = "SM01") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    c.get(f"/cycles/{cycle.id}/units/{code}/workbook/")
    token = c.cookies["csrftoken"].value
    return c.post(f"/cycles/{cycle.id}/units/{code}/workbook/",
                  {"workbook": SimpleUploadedFile("SM01.xlsx", data)}, HTTP_X_CSRFTOKEN=token)


def _plan(text: str) -> str:
    found = re.search(r'name="plan" value="([^"]+)"', text)
    assert found is not None
    return html.unescape(found.group(1))


def _apply(c: Any, cycle: Any, plan: str) -> Any:
    token = c.cookies["csrftoken"].value
    return c.post(f"/cycles/{cycle.id}/units/SM01/workbook/apply/", {"plan": plan},
                  HTTP_X_CSRFTOKEN=token)


def _evidence(c: Any, cycle: Any) -> dict[str, dict[str, Any]]:
    rows = c.get(f"/api/cycles/{cycle.id}/units/SM01").json()["evidence"]
    return {e["criterion"]: e for e in rows}


def _reports(c: Any, cycle: Any) -> dict[str, str]:
    rows = c.get(f"/api/cycles/{cycle.id}/units/SM01").json()["reports"]
    return {r["report"]: r["submitted"] for r in rows}


def test_differences_shown_then_applied(cycle: Any) -> None:
    from parindex.web import models as m

    c = client_for("sm01")
    data = _fill(_template(c, cycle), {("1.1.3", "I"): "50", ("1.1.3", "K"): "Báo cáo số 12",
                                       ("1.1.1", "I"): "tre_han"}, {"H1": "15/07/2024"})
    r = _upload(c, cycle, data)
    assert r.status_code == 200
    text = r.content.decode()
    assert "Sổ tính sẽ thay đổi 4 ô" in text
    cells = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td class=\"before\">([^<]*)"
                       r"</td><td class=\"after\">([^<]*)</td></tr>", text)
    assert cells == [
        ("1.1.1", "Số liệu tự đánh giá", "dung_han", "tre_han"),
        ("1.1.3", "Số liệu tự đánh giá", "92,4", "50"),
        ("1.1.3", "Tài liệu kiểm chứng",
         "Báo cáo CCHC năm (nêu tỷ lệ % hoàn thành kế hoạch) năm 2024", "Báo cáo số 12"),
        ("H1", "Ngày gửi", "29/05/2024", "15/07/2024")]
    assert _evidence(c, cycle)["1.1.3"]["value"] == "92,4"  # nothing applied yet
    r = _apply(c, cycle, _plan(text))
    assert r.status_code == 302
    assert r["Location"] == f"/cycles/{cycle.id}/units/SM01/?applied=3"
    ev = _evidence(c, cycle)
    assert (ev["1.1.3"]["value"], ev["1.1.3"]["source"]) == ("50", "Báo cáo số 12")
    assert ev["1.1.1"]["value"] == "tre_han"
    assert ev["1.1.2"]["value"] == "x"  # blank in the workbook: kept
    assert _reports(c, cycle)["H1"] == "15/07/2024"
    assert m.Change.objects.filter(user="sm01", criterion="1.1.3", field="value",
                                   before="92,4", after="50").count() == 1
    page = c.get(r["Location"]).content.decode()
    assert "Đã áp dụng 3 dòng từ sổ tính" in page
    # the same plan again: the rows have moved on, so it is stale and changes nothing
    r = _apply(c, cycle, _plan(text))
    assert r.status_code == 409
    assert _evidence(c, cycle)["1.1.3"]["version"] == ev["1.1.3"]["version"]


def test_errors_are_the_messages_of_check(cycle: Any, tmp_path: Path) -> None:
    from parindex.pipeline import check

    c = client_for("sm01")
    data = _fill(_template(c, cycle), {("1.1.3", "I"): "130", ("1.1.1", "I"): "tre_han"}, {})
    r = _upload(c, cycle, data)
    text = html.unescape(r.content.decode())
    path = tmp_path / "SM01.xlsx"
    path.write_bytes(data)
    errors = [p.render("vi") for p in check(path) if p.severity == "error"]
    assert len(errors) == 1
    assert "130" in errors[0]
    assert errors[0] in text
    assert 'name="plan"' not in text
    assert _evidence(c, cycle)["1.1.1"]["value"] == "dung_han"


def test_one_change_refused_keeps_none(cycle: Any) -> None:
    c = client_for("sm01")
    data = _fill(_template(c, cycle), {("1.1.3", "I"): "50", ("1.1.1", "I"): "tre_han"}, {})
    plan = _plan(_upload(c, cycle, data).content.decode())
    token = c.cookies["csrftoken"].value
    c.post(f"/cycles/{cycle.id}/units/SM01/leaf/1.1.3/", {"value": "75"},
           HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true")
    r = _apply(c, cycle, plan)
    assert r.status_code == 409
    assert "Người khác vừa sửa ô này" in r.content.decode()
    ev = _evidence(c, cycle)
    assert (ev["1.1.1"]["value"], ev["1.1.3"]["value"]) == ("dung_han", "75")


def test_refusals(cycle: Any) -> None:
    admin = client_for("noivu")
    other = _fill(_template(admin, cycle, "SM02"), {("1.1.3", "I"): "50"}, {})
    c = client_for("sm01")
    r = _upload(c, cycle, other)
    assert r.status_code == 403
    assert "đơn vị khác (SM02)" in r.content.decode()
    r = _upload(c, cycle, b"%PDF-1.4 not a workbook")
    assert r.status_code == 400
    assert "không phải sổ tính" in r.content.decode()
    assert _apply(c, cycle, "forged:plan").status_code == 400
    assert c.get(f"/cycles/{cycle.id}/units/SM02/workbook/").status_code == 404


def test_a_value_that_means_the_same_is_no_change(cycle: Any) -> None:
    """``92.4`` for a stored ``92,4``, ``Dung_han`` for ``dung_han``: read as scoring reads
    them, the same value; the note's text is compared as typed."""
    c = client_for("sm01")
    data = _fill(_template(c, cycle), {("1.1.3", "I"): "92.4", ("1.1.1", "I"): "Dung_han",
                                       ("1.1.2", "I"): "x"}, {})
    r = _upload(c, cycle, data)
    assert r.status_code == 200
    text = r.content.decode()
    assert 'name="plan"' not in text  # nothing to apply
    assert "1.1.3" not in re.findall(r"<tr><td>([^<]*)</td>", text)
