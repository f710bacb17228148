"""Damaged workbooks: what reading a damaged sheet raises, reading one sheet so that damage
is one problem naming the sheet, and finding which sheet broke a workbook refused whole."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from xml.etree import ElementTree

from parindex.errors import Problem

_T = TypeVar("_T")

#: what reading a damaged sheet raises: the XML parser's errors (expat's, and lxml's when
#: openpyxl uses it), a broken zip member, a truncated stream
_DAMAGED: tuple[type[Exception], ...] = (ElementTree.ParseError, zipfile.BadZipFile,
                                         zlib.error, EOFError)
try:
    from lxml.etree import LxmlError

    _DAMAGED += (LxmlError,)
except ImportError:  # openpyxl then parses with the standard library
    pass


def read_sheet(read: Callable[[], _T], file: str, problems: list[Problem]) -> _T | None:
    """``read()`` of one sheet; a sheet whose XML is damaged (openpyxl parses lazily, so the
    error comes while reading rows) is one problem naming the sheet, not a traceback."""
    try:
        return read()
    except _DAMAGED as exc:
        problems.append(Problem(file, "", f"cannot be read: the sheet is damaged ({exc})"))
        return None


_NO_MAP: tuple[type[Exception], ...] = (*_DAMAGED, KeyError, OSError)


def damaged_sheet(path: Path) -> str | None:
    """The name of the first sheet whose XML does not parse (the parser's own limits stop an
    entity bomb), to name it when the whole workbook is refused; None when it is not a
    sheet that is damaged or the workbook's map of sheets cannot be read either."""
    try:
        with zipfile.ZipFile(path) as z:
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            target = {r.get("Id"): r.get("Target", "") for r in rels}
            for sheet in book.iterfind(".//{*}sheet"):
                rid = sheet.get("{http://schemas.openxmlformats.org/officeDocument/2006/"
                                "relationships}id")
                part = target.get(rid, "").lstrip("/")
                part = part if part.startswith("xl/") else f"xl/{part}"
                try:
                    ElementTree.fromstring(z.read(part))
                except (ElementTree.ParseError, KeyError):
                    return sheet.get("name")
    except _NO_MAP:
        return None
    return None
