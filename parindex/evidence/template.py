"""Self-assessment workbooks a commune official can fill in without a manual.

``evidence`` is pre-filled with one row per unit and leaf: code, name, max points, how the
leaf is scored (in words, from its rule) and what to enter, then the cells to fill: declared
value, appraised value (for the council), evidence documents, note. Options and yes/no get
drop-down lists, manual points a 0…max check; structure columns are locked (the sheet is
protected without a password, so it guards against slips, not against intent).

``unit=`` makes one unit's workbook; ``owner=`` keeps only the areas a department owns
(seed 003) and the one-stop / report sheets only when its leaves use them.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any

import pandas as pd

from parindex.criteria.compiled import CompiledEdition, Leaf
from parindex.errors import EvidenceError, Problem, quote
from parindex.evidence.labels import label
from parindex.evidence.parse import leaf_kind
from parindex.evidence.tables import TABLES
from parindex.evidence.write import set_text
from parindex.words import t

_INPUT_COLUMNS = ("value", "appraised", "source", "note")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _enter(leaf: Leaf, lang: str) -> str:
    if leaf.computed:
        sheet = "one_stop" if leaf.input_kind == "one_stop" else "reports"
        return t("enter.computed", lang, sheet=sheet)
    kind = leaf_kind(leaf)
    fields = {"keys": ", ".join(leaf.keys)} if kind == "key" else \
        {"max": f"{leaf.max:g}"} if kind == "points" else {}
    text = t(f"enter.{kind}", lang, **fields)
    if leaf.na != "forbidden":
        text += t("enter.na", lang)
    return text


def select_leaves(edition: CompiledEdition, owner: str | None) -> list[Leaf]:
    """Every leaf, or those in the areas ``owner`` collects."""
    if owner is None:
        return list(edition.leaves)
    key = _nfc(owner).lower()
    areas = [k for k, a in enumerate(edition.areas) if a.owner and _nfc(a.owner).lower() == key]
    if not areas:
        owners = sorted({a.owner for a in edition.areas if a.owner})
        raise EvidenceError([Problem(edition.id, "areas", f"no area is owned by {quote(owner)}",
                                     field="owner", value=owner,
                                     hint="owners: " + (", ".join(owners) or "none declared"))])
    return [leaf for leaf in edition.leaves if leaf.area in areas]


def template_tables(edition: CompiledEdition, units: pd.DataFrame, lang: str = "vi",
                    owner: str | None = None) -> dict[str, pd.DataFrame]:
    """The sheets of a template as tables (evidence with its informational columns)."""
    leaves = select_leaves(edition, owner)
    area_names = [a.name for a in edition.areas]
    rows = []
    for u in units.itertuples(index=False):
        for leaf in leaves:
            rows.append({"unit": u.code, "unit_name": u.name, "area": area_names[leaf.area],
                         "criterion": leaf.code, "criterion_name": leaf.name, "max": leaf.max,
                         "rule": leaf.describe(lang),
                         "enter": _enter(leaf, lang), "value": "", "appraised": "",
                         "source": "", "note": ""})
    keep = [c for c in TABLES["units"][0] + TABLES["units"][1] if c in units.columns]
    tables = {"units": units[keep].reset_index(drop=True),
              "evidence": pd.DataFrame(rows)}
    if any(leaf.input_kind == "one_stop" for leaf in leaves):
        cols = list(TABLES["one_stop"][0] + TABLES["one_stop"][1])
        tables["one_stop"] = pd.DataFrame([{c: (u if c == "unit" else "") for c in cols}
                                           for u in units["code"]], columns=cols)
    if any(leaf.input_kind == "reports" for leaf in leaves):
        tables["reports"] = pd.DataFrame(
            [{"unit": u, "report": r, "submitted": ""}
             for u in units["code"] for r in edition.model.calendar],
            columns=["unit", "report", "submitted"])
    if owner is None:
        tables["adjustments"] = pd.DataFrame(columns=["unit", "kind", "points", "reason"])
    return tables


def template_bytes(edition: CompiledEdition, units: pd.DataFrame, year: int, lang: str = "vi",
                   owner: str | None = None, authority: str = "") -> bytes:
    """The template workbook (see the module docstring)."""
    from openpyxl import Workbook

    tables = template_tables(edition, units, lang, owner)
    leaves = {leaf.code: leaf for leaf in edition.leaves}
    wb = Workbook()
    _meta_sheet(wb.active, lang, (("year", year), ("edition", edition.id),
                                  ("authority", authority)))
    for name, df in tables.items():
        ws = wb.create_sheet(name)
        _table_sheet(ws, name, df, lang)
        if name == "evidence":
            _evidence_sheet(ws, df, leaves, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _meta_sheet(meta: Any, lang: str, items: tuple[tuple[str, object], ...]) -> None:
    from openpyxl.styles import Font

    meta.title = "meta"
    for r, (key, value) in enumerate(items, start=1):
        set_text(meta.cell(r, 1), label("meta", key, lang))
        set_text(meta.cell(r, 2), value)
        meta.cell(r, 1).font = Font(bold=True)
    meta.column_dimensions["A"].width = 22
    meta.column_dimensions["B"].width = 48


#: column widths of the template's sheets (others: 14)
_WIDTHS = {"unit": 10, "unit_name": 22, "area": 24, "criterion": 9, "criterion_name": 44,
           "max": 8, "rule": 40, "enter": 36, "value": 16, "appraised": 16, "source": 30,
           "note": 24, "name": 28, "group": 24}


def _table_sheet(ws: Any, name: str, df: pd.DataFrame, lang: str) -> None:
    """Headings, cells (inputs unlocked; the evidence inputs shaded), room to add rows."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    head_fill = PatternFill("solid", fgColor="DDEBF7")
    input_fill = PatternFill("solid", fgColor="FFF2CC")
    cols = list(df.columns)
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(1, j)
        set_text(cell, label(name, col, lang))
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    editable = set(_INPUT_COLUMNS) if name == "evidence" else set(cols)
    for i, row in enumerate(df.itertuples(index=False), start=2):
        for j, (col, value) in enumerate(zip(cols, row, strict=True), start=1):
            cell = ws.cell(i, j)
            set_text(cell, None if value == "" else value)
            if col in editable:
                cell.protection = Protection(locked=False)
                if name == "evidence":
                    cell.fill = input_fill
            if name == "reports" and col == "submitted":
                cell.number_format = "dd/mm/yyyy"
    if name in ("one_stop", "reports", "adjustments", "units"):
        for i in range(len(df) + 2, len(df) + 200):  # room to add rows
            for j in range(1, len(cols) + 1):
                ws.cell(i, j).protection = Protection(locked=False)
    for j, col in enumerate(cols, start=1):
        ws.column_dimensions[ws.cell(1, j).column_letter].width = _WIDTHS.get(col, 14)
    ws.freeze_panes = "A2" if name != "evidence" else "F2"


def _evidence_sheet(ws: Any, df: pd.DataFrame, leaves: dict[str, Leaf], lang: str) -> None:
    """The evidence sheet's drop-downs, wrapped rule texts, protection and filter."""
    from openpyxl.styles import Alignment

    cols = list(df.columns)
    _validations(ws, df, cols, leaves, lang)
    for i in range(2, len(df) + 2):
        ws.cell(i, cols.index("rule") + 1).alignment = Alignment(wrap_text=True)
        ws.cell(i, cols.index("enter") + 1).alignment = Alignment(wrap_text=True)
    ws.protection.sheet = True
    ws.protection.formatRows = False
    ws.protection.formatColumns = False
    ws.protection.autoFilter = False
    ws.auto_filter.ref = f"A1:{ws.cell(1, len(cols)).column_letter}{len(df) + 1}"


def _validations(ws: Any, df: pd.DataFrame, cols: list[str], leaves: dict[str, Leaf],
                 lang: str) -> None:
    """Drop-downs for options, levels and yes/no; a 0…max check for manual points."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    vcol = get_column_letter(cols.index("value") + 1)
    acol = get_column_letter(cols.index("appraised") + 1)
    by_leaf: dict[str, list[int]] = {}
    for i, code in enumerate(df["criterion"], start=2):
        by_leaf.setdefault(code, []).append(i)
    yes_no = t("enter.yes_no", lang)
    for code, rows in by_leaf.items():
        leaf = leaves[code]
        kind = leaf_kind(leaf)
        if leaf.computed:
            continue
        if kind == "key":
            choices = ",".join([*leaf.keys, "NA"] if leaf.na != "forbidden" else leaf.keys)
            dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        elif kind == "boolean":
            dv = DataValidation(type="list", formula1=f'"{yes_no}"', allow_blank=True)
        elif kind == "points":
            dv = DataValidation(type="decimal", operator="between", formula1="0",
                                formula2=f"{leaf.max:g}", allow_blank=True)
        else:
            continue
        dv.error = t("enter.invalid", lang)
        dv.showErrorMessage = True
        for r in rows:
            dv.add(f"{vcol}{r}")
            dv.add(f"{acol}{r}")
        ws.add_data_validation(dv)


def default_year() -> int:
    return dt.date.today().year
