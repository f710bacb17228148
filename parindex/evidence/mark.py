"""A checked workbook marked for fixing: ``parindex check BUNDLE.xlsx --out marked.xlsx``.

The user's workbook is copied (never modified) with every problem cell filled (red for an
error, yellow for a warning) and the problem as a cell comment in the language asked for, so
the unit fixes its file in Excel. A cell is found from the problem's sheet (``book.xlsx
[sheet]``) and spreadsheet cell (``row 7 (cell C7)``; for a warning that lists blank cells,
each ``cell C7`` it names). Problems with no cell (meta, a missing sheet) are only printed.
A CSV bundle has no cells to mark and is refused; the output is written atomically and may
not be the input.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from parindex.errors import OutputError, Problem
from parindex.io import write_atomic
from parindex.words import WORDS, t

_SHEET = re.compile(r"^(?P<book>.+) \[(?P<sheet>[^\]]+)\]$")
_CELL = re.compile(r"\bcell ([A-Z]{1,3}[1-9][0-9]*)\b")

#: the fills of a marked cell (an error wins over a warning)
FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}


def problem_text(p: Problem, lang: str) -> str:
    """The problem's message (and hint) in ``lang`` when it has a reason code, with its
    severity: ``Lỗi: "95%%" không phải tỷ lệ phần trăm …``."""
    message, hint = p.message, p.hint
    if p.code is not None:
        message = t(f"problem.{p.code}", lang, **p.facts)
        hint_key = f"hint.{p.code}"
        if hint_key in WORDS and hint == t(hint_key, "en", **p.facts):
            hint = t(hint_key, lang, **p.facts)
    text = t(f"mark.{p.severity}", lang, message=message)
    return f"{text} ({hint})" if hint else text


def problem_cells(p: Problem, book: str) -> tuple[str, list[str]] | None:
    """The sheet and cells of ``book`` a problem names, or None."""
    found = _SHEET.match(p.file)
    if found is None or found["book"] != book:
        return None
    cells = _CELL.findall(p.location) or _CELL.findall(p.message)
    return (found["sheet"], cells) if cells else None


def refuse_target(source: Path, out: Path) -> None:
    """Refuse, before any checking, a CSV bundle (no cells to mark) and ``out`` = input."""
    if source.is_dir() or source.suffix.lower() != ".xlsx":
        raise OutputError([Problem.of("mark.not_workbook", str(out), "", field="--out",
                                      bundle=str(source))])
    if out.resolve() == source.resolve():
        raise OutputError([Problem.of("mark.input", str(out), "", field="--out",
                                      bundle=str(source))])


def marked_bytes(source: Path, problems: list[Problem], lang: str = "vi") -> tuple[bytes, int]:
    """The workbook with its problem cells marked, and how many cells were marked."""
    from openpyxl import load_workbook

    wb = load_workbook(source)
    notes: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        found = problem_cells(p, source.name)
        if found is None or found[0] not in wb.sheetnames:
            continue
        for ref in found[1]:
            notes.setdefault((found[0], ref), []).append(p)
    for (sheet, ref), at_cell in notes.items():
        _mark(wb[sheet][ref], at_cell, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue(), len(notes)


def _mark(cell: Any, problems: list[Problem], lang: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    worst = "error" if any(p.severity == "error" for p in problems) else "warning"
    cell.fill = PatternFill("solid", fgColor=FILLS[worst])
    texts = list(dict.fromkeys(problem_text(p, lang) for p in problems))
    comment = Comment("\n".join(texts), "parindex")
    comment.width, comment.height = 320, 60 + 40 * len(texts)
    cell.comment = comment


def write_marked(source: Path, out: Path, problems: list[Problem], lang: str = "vi") -> int:
    """Write the marked copy of ``source`` to ``out`` (atomically); the cells marked."""
    refuse_target(source, out)
    data, marked = marked_bytes(source, problems, lang)
    write_atomic(out, data)
    return marked
