"""Evidence documents: recognised by their content (never their name), size-limited,
written to a temporary file and moved in place only when complete, stored under generated
names outside any served folder, and served only as downloads after the permission check.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
import zipfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from parindex import words
from parindex.lang import number_text
from parindex.web import models as m
from parindex.web.services import Refused, check, get_member, record
from parindex.web.store import compiled

#: content type → what the file must start with
MAGIC = {"application/pdf": b"%PDF-", "image/jpeg": b"\xff\xd8\xff",
         "image/png": b"\x89PNG\r\n\x1a\n"}
OFFICE = {"word/document.xml": "application/vnd.openxmlformats-officedocument."
          "wordprocessingml.document",
          "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def content_type(path: Path) -> str | None:
    """The allowed type the file's content is (PDF, JPEG, PNG, DOCX, XLSX), else None."""
    with path.open("rb") as f:
        head = f.read(16)
    for kind, magic in MAGIC.items():
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "[Content_Types].xml" in names:
            for part, kind in OFFICE.items():
                if part in names:
                    return kind
    return None


def safe_name(name: str) -> str:
    """A file name as shown: its last path part, without control characters, at most 200
    characters (the extension kept)."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190] + dot + ext[:9]) if dot and len(ext) < 10 else name[:200]
    return name or "tai-lieu"


def megabytes(size: int, lang: str) -> str:
    """A size limit in MB as the language writes it (0,5 for half a megabyte)."""
    return number_text(round(size / 2**20, 2), lang)


def folder() -> Path:
    path = Path(settings.FILES)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _receive(stream: IO[bytes], limit: int, lang: str) -> tuple[Path, int, str]:
    """The upload written to a temporary file in the store's folder: path, size, sha256."""
    tmp = folder() / f".part-{uuid.uuid4().hex}"
    digest, size = hashlib.sha256(), 0
    try:
        with tmp.open("wb") as out:
            for chunk in iter(lambda: stream.read(1 << 16), b""):
                size += len(chunk)
                if size > limit:
                    raise Refused(400, "too_large", words.t(
                        "web.refuse.too_large", lang, mb=megabytes(limit, lang)))
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, size, digest.hexdigest()


def upload(user: Any, cycle: m.Cycle, code: str, criterion: str, name: str,
           stream: IO[bytes], lang: str) -> m.Document:
    """Store one evidence document for a unit's leaf (nothing is kept when refused)."""
    member = get_member(user, cycle, code, lang)
    check(user, "files.upload", cycle, member, lang)
    if criterion not in compiled(cycle.edition).leaf_index:
        raise Refused(404, "not_found", words.t("web.refuse.no_criterion", lang,
                                                criterion=criterion))
    used = m.Document.objects.filter(evidence__member=member, removed_at__isnull=True
                                     ).aggregate(total=Sum("size"))["total"] or 0
    room = int(settings.UNIT_QUOTA_BYTES) - int(used)
    tmp, size, sha = _receive(stream, int(settings.UPLOAD_MAX_BYTES), lang)
    try:
        if size > room:
            raise Refused(400, "quota", words.t("web.refuse.quota", lang,
                                                mb=megabytes(int(settings.UNIT_QUOTA_BYTES),
                                                             lang)))
        kind = content_type(tmp)
        if kind is None:
            raise Refused(400, "bad_type", words.t("web.refuse.bad_type", lang))
        stored = uuid.uuid4().hex
        with transaction.atomic():
            row, _ = m.Evidence.objects.get_or_create(member=member, criterion=criterion,
                                                      defaults={"position": 10**6})
            doc = m.Document.objects.create(evidence=row, name=safe_name(name), stored=stored,
                                            size=size, sha256=sha, content_type=kind,
                                            uploaded_by=user)
            record(cycle, user, "files.upload", code, criterion, "file", "",
                   f"{doc.name} ({size} B, {sha[:12]})")
            # a document on a leaf answers the council's open requests for that leaf
            m.DocumentRequest.objects.filter(evidence=row, answered_at__isnull=True).update(
                answered_at=timezone.now())
            os.replace(tmp, folder() / stored)
    finally:
        tmp.unlink(missing_ok=True)
    return doc


def path_of(doc: m.Document) -> Path:
    return folder() / doc.stored
