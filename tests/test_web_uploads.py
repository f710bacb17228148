"""Evidence documents: real PDF, PNG, DOCX and XLSX files are kept whole and served back as
downloads; anything else, anything too large, is refused with nothing half-stored; names
are stored safely; another unit cannot download."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

pytest.importorskip("django")

from web_support import PASSWORD, client_for

pytestmark = pytest.mark.django_db

CSRF = "c" * 32
UNIT = "NN01"


@pytest.fixture(autouse=True)
def _own_files_folder(settings: Any, tmp_path: Path) -> None:
    """Each test's documents in a folder of its own (the database is rolled back after a
    test, the files folder would not be)."""
    settings.FILES = tmp_path / "files"


def pdf() -> bytes:
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes([x * 60 % 256, 0, 255 - x * 60 % 256]) * 4
                    for x in range(4))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def docx() -> bytes:
    import docx as python_docx

    d = python_docx.Document()
    d.add_paragraph("Biên bản tự kiểm tra CCHC năm 2024")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Tiêu chí", "Giá trị"])
    wb.active.append(["1.1.3", "95,8%"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def url(cycle: Any, unit: str = UNIT, criterion: str = "1.1.3") -> str:
    return f"/api/cycles/{cycle.id}/units/{unit}/evidence/{criterion}/files"


def send(client: Any, cycle: Any, name: str, data: bytes, unit: str = UNIT,
         lang: str = "vi") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.cookies["csrftoken"] = CSRF
    return client.post(url(cycle, unit) + f"?lang={lang}",
                       {"file": SimpleUploadedFile(name, data)}, HTTP_X_CSRFTOKEN=CSRF)


def stored() -> list[str]:
    """Every file in the documents folder (temporary parts included)."""
    from django.conf import settings

    folder = Path(settings.FILES)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def kept(cycle: Any) -> tuple[int, int, list[str]]:
    """The documents, the uploads on the record, the files: all that an upload leaves."""
    from parindex.web import models as m

    return (m.Document.objects.count(),
            m.Change.objects.filter(cycle=cycle, action="files.upload").count(), stored())


def download(client: Any, link: str) -> tuple[Any, bytes]:
    r = client.get(link)
    body = b"".join(r.streaming_content) if r.status_code == 200 else r.content
    r.close()
    return r, body


class TestAccepted:
    """A real document of each allowed kind is stored whole and downloaded as sent."""

    @pytest.mark.parametrize(("make", "name", "kind"), [
        (pdf, "Kế hoạch CCHC 2024.pdf", "application/pdf"),
        (png, "ảnh chụp.png", "image/png"),
        (docx, "bien_ban.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (xlsx, "so lieu.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ], ids=["pdf", "png", "docx", "xlsx"])
    def test_stored_and_downloaded(self, cycle: Any, make: Any, name: str, kind: str) -> None:
        from parindex.web import models as m

        data = make()
        c = client_for("nn01")
        r = send(c, cycle, name, data)
        assert r.status_code == 200, r.content
        got = r.json()
        digest = hashlib.sha256(data).hexdigest()
        assert (got["name"], got["size"], got["sha256"]) == (name, len(data), digest)
        doc = m.Document.objects.get(pk=got["id"])
        assert (doc.content_type, doc.evidence.criterion) == (kind, "1.1.3")
        assert got["url"] == f"/files/{doc.id}/"
        assert [ch.after for ch in m.Change.objects.filter(action="files.upload")] == [
            f"{name} ({len(data)} B, {digest[:12]})"]
        response, body = download(c, got["url"])
        assert body == data
        assert response["Content-Type"] == kind
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert f"filename*=utf-8''{quote(name)}" in disposition or \
            f'filename="{name}"' in disposition
        row = c.get(f"/api/cycles/{cycle.id}/units/{UNIT}").json()
        files = next(e for e in row["evidence"] if e["criterion"] == "1.1.3")["files"]
        assert files == [got]

    def test_a_quote_in_the_name_does_not_break_the_header(self, cycle: Any) -> None:
        c = client_for("nn01")
        got = send(c, cycle, 'bao "cao"; x=1.pdf', pdf()).json()
        response, _ = download(c, got["url"])
        assert response["Content-Disposition"] == \
            'attachment; filename="bao \\"cao\\"; x=1.pdf"'


class TestRefused:
    """Not an allowed kind, too large, another unit's leaf: refused, nothing kept."""

    @pytest.mark.parametrize(("name", "data"), [
        ("tai_lieu.pdf", exe()),
        ("anh.png", b"GIF89a" + b"\x00" * 50),
        ("bang.xlsx", b"PK\x03\x04" + b"\x00" * 60),  # a broken zip
        ("trong.pdf", b""),
    ], ids=["exe renamed pdf", "gif renamed png", "broken zip", "empty"])
    def test_bad_type(self, cycle: Any, name: str, data: bytes) -> None:
        before = kept(cycle)
        r = send(client_for("nn01"), cycle, name, data, lang="en")
        assert r.status_code == 400, r.content
        assert r.json() == {"error": "bad_type", "message": "Only PDF, JPEG, PNG, DOCX and XLSX "
                            "files are accepted (recognised by their content, not their name)."}
        assert kept(cycle) == before

    def test_a_zip_that_is_not_an_office_file(self, cycle: Any) -> None:
        import zipfile

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("payload.js", "alert(1)")
        before = kept(cycle)
        r = send(client_for("nn01"), cycle, "x.docx", out.getvalue())
        assert (r.status_code, r.json()["error"]) == (400, "bad_type")
        assert kept(cycle) == before

    def test_over_the_size_limit(self, cycle: Any, settings: Any) -> None:
        settings.UPLOAD_MAX_BYTES = 1024 * 1024
        data = pdf()
        big = data + b"%" + b"x" * (1024 * 1024 - len(data))  # one byte over
        before = kept(cycle)
        r = send(client_for("nn01"), cycle, "lon.pdf", big, lang="en")
        assert r.status_code == 400, r.content
        assert r.json() == {"error": "too_large", "message": "The file is larger than 1 MB."}
        assert kept(cycle) == before
        exact = data + b"%" + b"x" * (1024 * 1024 - len(data) - 1)
        assert send(client_for("nn01"), cycle, "vua.pdf", exact).status_code == 200

    def test_over_the_units_quota(self, cycle: Any, settings: Any) -> None:
        """A unit's documents together stay within its quota; another unit's are apart."""
        data = pdf()
        settings.UNIT_QUOTA_BYTES = 2 * len(data) + 10
        assert send(client_for("nn01"), cycle, "a.pdf", data).status_code == 200
        assert send(client_for("nn01"), cycle, "b.pdf", data).status_code == 200
        before = kept(cycle)
        r = send(client_for("nn01"), cycle, "c.pdf", data, lang="en")
        assert (r.status_code, r.json()["error"]) == (400, "quota")
        assert kept(cycle) == before
        assert send(client_for("sm01"), cycle, "d.pdf", data, unit="SM01").status_code == 200

    def test_a_failure_while_recording_leaves_no_file(self, cycle: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
        from parindex.web import documents

        def broken(*_a: Any, **_k: Any) -> None:
            raise RuntimeError("disk full")

        before = kept(cycle)
        monkeypatch.setattr(documents, "record", broken)
        c = client_for("nn01")
        c.raise_request_exception = False
        r = send(c, cycle, "a.pdf", pdf())
        assert r.status_code == 500
        assert kept(cycle) == before

    def test_another_unit_cannot_upload(self, cycle: Any) -> None:
        before = kept(cycle)
        r = send(client_for("sm01"), cycle, "a.pdf", pdf())
        assert (r.status_code, r.json()["error"]) == (404, "not_found")
        assert kept(cycle) == before

    def test_without_csrf(self, cycle: Any) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        before = kept(cycle)
        r = client_for("nn01").post(url(cycle), {"file": SimpleUploadedFile("a.pdf", pdf())})
        assert (r.status_code, r.json()["error"]) == (403, "csrf")
        assert kept(cycle) == before


class TestNames:
    """A name is stored as its last path part, without control characters, at most 200
    characters with its extension; the file itself under a generated name."""

    @pytest.mark.parametrize(("name", "want"), [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\cb\\Desktop\\bao cao.pdf", "bao cao.pdf"),
        ("bao\x00cao\r\n\t.pdf", "baocao.pdf"),
        ("\u202egnp.pdf", "gnp.pdf"),  # a right-to-left override hides the real end
        ("...", "tai-lieu"),
        ("Ke\u0302\u0301 hoa\u0323ch.pdf", "Kế hoạch.pdf"),  # decomposed marks → NFC
    ])
    def test_safe_name(self, cycle: Any, name: str, want: str) -> None:
        from django.contrib.auth import get_user_model

        from parindex.web import documents

        admin = get_user_model().objects.get(username="noivu")
        doc = documents.upload(admin, cycle, UNIT, "1.1.3", name, io.BytesIO(pdf()), "vi")
        assert doc.name == want
        assert stored() == [doc.stored]
        assert len(doc.stored) == 32
        assert doc.stored.isalnum()

    def test_a_thousand_characters(self, cycle: Any) -> None:
        name = "bao-cao-" + "ă" * 992 + ".pdf"
        r = send(client_for("nn01"), cycle, name, pdf())
        assert r.status_code == 200, r.content
        got = r.json()["name"]
        assert 190 <= len(got) <= 200
        assert got.endswith("ă.pdf")
        assert got.startswith("bao-cao-ăăă")

    def test_path_parts_through_the_api(self, cycle: Any) -> None:
        r = send(client_for("nn01"), cycle, "../../../x/y/thu.pdf", pdf())
        assert r.status_code == 200, r.content
        assert r.json()["name"] == "thu.pdf"
        assert [n for n in stored() if not n.startswith(".")] == stored()


class TestDownload:
    """Only those who may see the unit download its documents."""

    def test_who_downloads(self, cycle: Any) -> None:
        from django.test import Client

        from parindex.web.accounts import add_user

        add_user("tdsm", "appraiser", PASSWORD, groups=["Huyện Sông Mây"],
                 check_password=False)
        link = send(client_for("nn01"), cycle, "a.pdf", pdf()).json()["url"]
        got = {who: download(client_for(who), link)[0].status_code
               for who in ("noivu", "thamdinh", "tdsm", "nn01", "sm01", "xem")}
        assert got == {"noivu": 200, "thamdinh": 200, "tdsm": 404, "nn01": 200, "sm01": 404,
                       "xem": 200}
        anonymous = Client().get(link)
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith("/login/")

    def test_removed_or_unknown_document(self, cycle: Any) -> None:
        from django.utils import timezone

        from parindex.web import models as m

        c = client_for("nn01")
        got = send(c, cycle, "a.pdf", pdf()).json()
        m.Document.objects.filter(pk=got["id"]).update(removed_at=timezone.now())
        assert download(c, got["url"])[0].status_code == 404
        assert download(client_for("noivu"), f"/files/{got['id'] + 1}/")[0].status_code == 404
