"""The workspace attacked as its users could attack it (issue #14 item 2): script typed into
every text field, shown escaped on every page and in every export; formulas typed into
cells, inert in every export; broken and oversized JSON bodies; path tricks on downloads;
posts without the CSRF token. Zero findings. (Guessing other units' codes and cycle ids, and
writing outside a round, are walked for every role in ``tests/test_web_permissions.py``.)"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

import pytest

pytest.importorskip("django")

from web_support import client_for

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FORMULA = '=HYPERLINK("http://example.invalid","x")'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _csrf(client: Any) -> str:
    client.get("/")
    return str(client.cookies["csrftoken"].value)


def _json(client: Any, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json",
                                   HTTP_X_CSRFTOKEN=_csrf(client))


def _move(cycle: Any, round_: str) -> None:
    from django.contrib.auth import get_user_model

    from parindex.web import services

    services.move_round(get_user_model().objects.get(username="noivu"), cycle, round_,
                        (dt.date.today() + dt.timedelta(days=9)).strftime("%d/%m/%Y"), "vi")
    cycle.refresh_from_db()


@pytest.fixture
def hostile(cycle: Any) -> Any:
    """The cycle with script and formulas typed wherever a person types text: a unit's
    name and group, evidence sources, notes, comments, explanations, a document's name, a
    bonus's reason, a document request, an extension's reason."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from parindex.web import models as m

    member = m.Member.objects.get(cycle=cycle, unit__code="SM02")
    member.name = f"Xã {SCRIPT}"
    member.save()
    m.Unit.objects.filter(code="SM02").update(name=f"Xã {SCRIPT}")
    unit = client_for("sm01")
    url = f"/api/cycles/{cycle.id}/units/SM01/evidence"
    assert _json(unit, "patch", f"{url}/1.1.3", {"source": SCRIPT, "note": FORMULA}
                 ).status_code == 200
    assert unit.post(f"{url}/1.1.3/files", {"file": SimpleUploadedFile(f"{SCRIPT}.pdf", PDF)},
                     HTTP_X_CSRFTOKEN=_csrf(unit)).status_code == 200
    _move(cycle, "appraisal")
    council = client_for("thamdinh")
    assert _json(council, "patch", f"{url}/1.3", {"appraised": "50", "comment": SCRIPT}
                 ).status_code == 200
    assert _json(council, "post", f"/api/cycles/{cycle.id}/units/SM01/adjustments",
                 {"kind": "bonus", "points": "0,5", "reason": FORMULA}).status_code == 200
    assert _json(council, "post", f"{url}/1.4/requests", {"text": SCRIPT}).status_code == 200
    assert _json(client_for("noivu"), "post", f"/api/cycles/{cycle.id}/units/SM01/extension",
                 {"round": "explanation", "deadline": "31/12/2099", "reason": SCRIPT}
                 ).status_code == 200
    _move(cycle, "explanation")
    assert _json(unit, "patch", f"{url}/1.3", {"explanation": SCRIPT}).status_code == 200
    return cycle


def _pages(cycle: Any) -> list[str]:
    base = f"/cycles/{cycle.id}"
    return ["/", f"{base}/", f"{base}/league/", f"{base}/units/SM01/",
            f"{base}/units/SM02/", f"{base}/units/SM01/explain/", f"{base}/units/SM02/explain/",
            f"{base}/units/SM01/plan/", f"{base}/units/SM01/submit/",
            f"{base}/units/SM01/workbook/"]


@pytest.mark.parametrize("who", ["noivu", "thamdinh", "sm01", "xem"])
def test_script_typed_anywhere_is_shown_as_text(hostile: Any, who: str) -> None:
    client = client_for(who)
    shown = 0
    for url in _pages(hostile):
        page = client.get(url)
        text = page.content.decode()
        assert SCRIPT not in text, (who, url)
        assert "<script>alert" not in text.lower(), (who, url)
        shown += ESCAPED in text or "\\u003Cscript\\u003E" in text
    assert shown  # the hostile texts are on the pages, as text


def test_script_in_the_json_api_stays_data(hostile: Any) -> None:
    """The API answers JSON (never HTML): the text comes back exactly as typed."""
    got = client_for("noivu").get(f"/api/cycles/{hostile.id}/units/SM01")
    assert got["Content-Type"] == "application/json; charset=utf-8"
    rows = {e["criterion"]: e for e in got.json()["evidence"]}
    assert rows["1.1.3"]["source"] == SCRIPT
    # the name's path parts are dropped ("</" reads as a folder): what is left stays as typed
    assert rows["1.1.3"]["files"][0]["name"] == "script>.pdf"


@pytest.mark.usefixtures("hostile")
def test_a_document_named_with_script_downloads_under_a_safe_name() -> None:
    from parindex.web import models as m

    doc = m.Document.objects.get(evidence__member__unit__code="SM01")
    got = client_for("noivu").get(f"/files/{doc.id}/")
    assert got["Content-Disposition"].startswith("attachment")
    assert "<" not in got["Content-Disposition"].split("filename=")[1].split(";")[0]
    got.close()


def test_formulas_are_inert_in_every_export(hostile: Any, tmp_path: Any) -> None:
    """The bundle, the league workbook and the record as CSV hold typed formulas as text."""
    import openpyxl

    from parindex.web import store

    out = store.export_cycle(hostile, tmp_path / "bundle")
    with (out / "evidence.csv").open(encoding="utf-8") as f:
        notes = [r["note"] for r in csv.DictReader(f) if r["note"]]
    assert f"'{FORMULA}" in notes
    assert FORMULA not in notes  # never as the cell's first character
    book = store.export_cycle(hostile, tmp_path / "bundle.xlsx")
    wb = openpyxl.load_workbook(book)
    typed = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert typed
    assert all(c.data_type == "s" for c in typed)  # text, not a formula
    record = client_for("noivu").get(f"/api/cycles/{hostile.id}/audit.csv")
    cells = [c for row in csv.reader(io.StringIO(record.content.decode("utf-8-sig")))
             for c in row]
    assert f"'{FORMULA}" in cells
    assert FORMULA not in cells


def test_the_league_workbook_and_annex_hold_names_as_text(hostile: Any) -> None:
    import docx
    import openpyxl

    _move(hostile, "published")
    office = client_for("noivu")
    league = office.get(f"/cycles/{hostile.id}/download/league/")
    wb = openpyxl.load_workbook(io.BytesIO(league.content))
    names = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "alert" in c.value]
    assert set(names) <= {f"Xã {SCRIPT}", SCRIPT}  # the unit's name, an evidence source
    assert f"Xã {SCRIPT}" in names
    annex = office.get(f"/cycles/{hostile.id}/download/annex/")
    text = [c.text for t in docx.Document(io.BytesIO(annex.content)).tables
            for row in t.rows for c in row.cells]
    assert f"Xã {SCRIPT}" in text
    report = office.get(f"/cycles/{hostile.id}/download/report/").content.decode()
    assert SCRIPT not in report


@pytest.mark.parametrize("body", [b"{", b"[1, 2", b"\xff\xfe", b'{"value": ', b"null"])
def test_broken_json_is_refused_with_the_error_shape(cycle: Any, body: bytes) -> None:
    from parindex.web import models as m

    before = m.Change.objects.count()
    client = client_for("sm01")
    got = client.patch(f"/api/cycles/{cycle.id}/units/SM01/evidence/1.3", body,
                       content_type="application/json", HTTP_X_CSRFTOKEN=_csrf(client))
    assert got.status_code == 400
    assert set(got.json()) == {"error", "message"}
    assert m.Change.objects.count() == before


def test_an_oversized_body_is_refused(cycle: Any) -> None:
    from parindex.web import models as m

    before = m.Change.objects.count()
    client = client_for("sm01")
    huge = json.dumps({"note": "x" * 3_000_000})
    got = client.patch(f"/api/cycles/{cycle.id}/units/SM01/evidence/1.3", huge,
                       content_type="application/json", HTTP_X_CSRFTOKEN=_csrf(client))
    assert got.status_code in (400, 413)
    assert m.Change.objects.count() == before


@pytest.mark.parametrize("path", ["/files/../settings.py", "/files/..%2f..%2fsecret_key/",
                                  "/files/%2e%2e/", "/files/1/../../secret_key",
                                  "/files/-1/", "/files/99999999/", "/files/1%00/"])
@pytest.mark.usefixtures("cycle")
def test_no_path_leads_out_of_the_documents(path: str) -> None:
    got = client_for("noivu").get(path)
    assert got.status_code == 404
    assert b"SECRET" not in got.content.upper()


def test_page_forms_refuse_a_post_without_the_csrf_token(cycle: Any) -> None:
    from parindex.web import models as m

    before = m.Change.objects.count()
    client = client_for("sm01")
    base = f"/cycles/{cycle.id}/units/SM01"
    for url, data in ((f"{base}/leaf/1.3/", {"value": "80"}), (f"{base}/submit/", {}),
                      (f"{base}/one_stop/", {"received_online": "3"}),
                      ("/logout/", {})):
        got = client.post(url, data)
        assert got.status_code == 403, url
    assert m.Change.objects.count() == before
    page = client.get(f"{base}/").content.decode()
    assert re.search(r'X-CSRFToken', page)  # the page itself sends it with each save
