"""Printing papers to PDF in tests: LibreOffice for workbooks and Word files, pypdf to read
the PDF back (page size, orientation, text).

``soffice()`` finds Debian's LibreOffice and installs ``libreoffice-calc`` and
``libreoffice-writer`` with apt-get when it is missing (the tests run as root in CI); one
install across pytest-xdist workers, behind a file lock. When it cannot be installed the
test is skipped with apt's last lines, never passed.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PACKAGES = "libreoffice-calc libreoffice-writer"
#: A4 in PDF points (1/72 inch), short side and long side
A4 = (595.3, 841.9)


def _found() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def apt_installed(find: Callable[[], str | None], packages: str, what: str) -> str:
    """The program ``find()`` finds, installed with apt-get (``packages``) when missing: one
    install across pytest-xdist workers, behind a file lock; the test is skipped with apt's
    last lines when it cannot be installed, never passed."""
    found = find()
    if found:
        return found
    lock = Path(tempfile.gettempdir()) / f"parindex-{what}-install.lock"
    with lock.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        found = find()
        if found:
            return found
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        done = subprocess.run(
            f"apt-get update -qq && apt-get install -y -qq --no-install-recommends {packages}",
            shell=True, capture_output=True, text=True, env=env, timeout=1800, check=False)
        found = find()
        if not found:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            pytest.skip(f"could not install {what} with apt-get (exit {done.returncode}): "
                        + " | ".join(tail))
    return found


def soffice() -> str:
    """The LibreOffice binary, installed with apt-get when missing."""
    return apt_installed(_found, PACKAGES, "libreoffice")


def to_pdf(source: Path, out_dir: Path) -> Path:
    """``source`` (.xlsx, .docx) printed to PDF by LibreOffice headless, in ``out_dir``."""
    profile = out_dir / "lo-profile"
    done = subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out_dir), str(source)],
        capture_output=True, text=True, timeout=300, check=False)
    pdf = out_dir / (source.stem + ".pdf")
    if done.returncode != 0 or not pdf.is_file():
        raise AssertionError(f"LibreOffice did not print {source.name}: "
                             f"{done.returncode} {done.stdout} {done.stderr}")
    return pdf


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    text: str

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    @property
    def a4(self) -> bool:
        short, long_ = sorted((self.width, self.height))
        return abs(short - A4[0]) < 2 and abs(long_ - A4[1]) < 2


def pdf_pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf``: its size in points and its text."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(pdf).pages:
        box = page.mediabox
        pages.append(Page(float(box.width), float(box.height), page.extract_text() or ""))
    return pages


def plain(text: str) -> str:
    """Text without spaces and without the letters a PDF may draw from a fallback font.

    Where LibreOffice's serif font lacks a Vietnamese letter (ạ, ể, ư …) it draws it from a
    fallback font, and pypdf puts those letters at the end of the line; Chromium's SVG text
    comes out letter by letter with spaces. What is left — every other letter of every word,
    in order — is compared."""
    return "".join(c for c in unicodedata.normalize("NFC", text)
                   if not c.isspace() and not "\u1ea0" <= c <= "\u1ef9" and c not in "ƠơƯư")


def text_starts(pdf: Path) -> list[tuple[float, float]]:
    """Where each piece of text starts on its page (points from the left), and the page's
    width."""
    from pypdf import PdfReader

    out: list[tuple[float, float]] = []
    for page in PdfReader(pdf).pages:
        width = float(page.mediabox.width)

        def visit(text: str, cm: list[float], tm: list[float], *_: Any,
                  width: float = width) -> None:
            if text.strip():
                out.append((tm[4] * cm[0] + tm[5] * cm[2] + cm[4], width))

        page.extract_text(visitor_text=visit)
    return out


def inside_margins(pdf: Path, left_mm: float = 30, right_mm: float = 15) -> bool:
    """No text starts outside the left and right margins: nothing is cut at the side."""
    mm = 72 / 25.4
    return all(left_mm * mm - 2 <= x <= width - right_mm * mm
               for x, width in text_starts(pdf))
