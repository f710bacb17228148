"""Self-assessment workbooks a commune official can fill in without a manual.

``evidence`` holds one row per unit and leaf: code, name, max points, how the leaf is scored
(in words, from its rule) and what to enter, then the cells to fill: declared value,
appraised value (for the council), evidence documents, note. Options and yes/no get
drop-down lists (an option's label where it reads back as the option), manual points a
0…max check; input cells are text, so Excel never turns ``3/4`` into a date; structure
columns are locked (the sheet is protected without a password, so it guards against slips,
not against intent). A title block (the unit, the national motto) sits above the heading
row and a signature block below the rows; the sheet prints on A4 landscape, fitted to the
width, headings repeated. An instructions sheet (``Hướng dẫn``) comes first.

The workbook is written by XlsxWriter with shared formats and one data validation per rule
(all its cells in one range list), so the time grows linearly with the units
(``bench/bench_template.py``). Everything a leaf shows is worked out once per leaf
(:class:`LeafRow`), not once per row.

``unit=`` makes one unit's workbook; ``owner=`` keeps only the areas a department owns
(seed 003) and the one-stop / report sheets only when its leaves use them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from parindex.criteria.compiled import CompiledEdition
from parindex.evidence.template_guide import TITLE_ROWS
from parindex.evidence.template_leaves import TemplateSpec, select_leaves
from parindex.evidence.template_sheets import save_workbook, write_workbook

#: the (1-based) row of the evidence sheet's headings, below the title block
HEADING_ROW = TITLE_ROWS + 1


def template_bytes(edition: CompiledEdition, units: pd.DataFrame, year: int, lang: str = "vi",
                   owner: str | None = None, authority: str = "") -> bytes:
    """The template workbook (see the module docstring)."""
    return write_workbook(_spec(edition, units, year, lang, owner, authority))


def save_template(path: Path, edition: CompiledEdition, units: pd.DataFrame, year: int,
                  lang: str = "vi", owner: str | None = None, authority: str = "") -> None:
    """:func:`template_bytes` written to ``path`` as it is made, never held whole (a
    template of every commune is tens of megabytes)."""
    save_workbook(_spec(edition, units, year, lang, owner, authority), path)


def _spec(edition: CompiledEdition, units: pd.DataFrame, year: int, lang: str,
          owner: str | None, authority: str) -> TemplateSpec:
    return TemplateSpec(edition, units.reset_index(drop=True), year, lang,
                        select_leaves(edition, owner), authority, owner)


def default_year() -> int:
    return dt.date.today().year
