"""Damaged workbooks: what reading a damaged sheet raises, reading one sheet so that damage
is one problem naming the sheet, and finding which sheet broke a workbook refused whole."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from xml.etree import ElementTree
from xml.parsers import expat

from python_calamine import CalamineError

from parindex.errors import Problem, quote
from parindex.evidence.xlsx_reach import BadReference

_T = TypeVar("_T")

#: what reading a damaged sheet raises: python-calamine's errors, the XML parser's (the
#: sheet scan's, a DTD refused among them), a broken zip member, a truncated stream
DAMAGED: tuple[type[Exception], ...] = (CalamineError, ElementTree.ParseError,
                                        zipfile.BadZipFile, zlib.error, EOFError)


def read_sheet(read: Callable[[], _T], file: str, problems: list[Problem]) -> _T | None:
    """``read()`` of one sheet; a sheet whose XML is damaged (sheets are read one at a time,
    so the error comes while reading that one) is one problem naming the sheet, not a
    traceback."""
    try:
        return read()
    except BadReference as exc:  # named as a person can find it, not as the parser says
        problems.append(Problem.of("xlsx.bad_reference", file, value=exc.ref,
                                   quoted=quote(exc.ref)))
        return None
    except DAMAGED as exc:
        problems.append(Problem.of("xlsx.damaged_sheet", file, error=str(exc)))
        return None


_NO_MAP: tuple[type[Exception], ...] = (*DAMAGED, KeyError, OSError)


def _well_formed(data: bytes) -> bool:
    """Whether the XML parses (checked without building it; expat's own limits stop an
    entity bomb)."""
    try:
        expat.ParserCreate().Parse(data, True)
    except expat.ExpatError:
        return False
    return True


def damaged_sheet(path: Path) -> str | None:
    """The name of the first sheet whose XML does not parse, to name it when the whole
    workbook is refused; None when it is not a sheet that is damaged or the workbook's map
    of sheets cannot be read either."""
    from parindex.evidence.xlsx_formats import sheet_parts

    try:
        with zipfile.ZipFile(path) as z:
            for name, part in sheet_parts(z).items():
                try:
                    if not _well_formed(z.read(part)):
                        return name
                except KeyError:
                    return name
    except _NO_MAP:
        return None
    return None


def damaged_part(path: Path) -> str | None:
    """The first part of the workbook other than a sheet (its map of sheets, styles, shared
    strings, relationships) whose XML does not parse, as the zip names it: said when the
    whole workbook is refused and no sheet is to blame."""
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                name = info.filename.lower()
                if name.endswith((".xml", ".rels")) and not name.startswith("xl/worksheets/") \
                        and not _well_formed(z.read(info)):
                    return info.filename
    except _NO_MAP:
        return None
    return None
