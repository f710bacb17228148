"""The sheets of a template workbook, written with XlsxWriter (see :mod:`.template`).

Formats are made once per workbook and shared by every cell; each rule's data validation is
added once, over the list of all its cells (consecutive rows joined into one range); each
leaf's row height is worked out once. So writing costs a fixed few calls per cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from parindex.evidence.labels import label
from parindex.evidence.tables import TABLES
from parindex.evidence.template_guide import (
    guide_sheet,
    print_setup,
    signature_block,
    title_block,
)
from parindex.evidence.template_leaves import (
    EVIDENCE_COLUMNS,
    INPUT_COLUMNS,
    LINE_HEIGHT,
    LeafRow,
    TemplateSpec,
    leaf_rows,
)
from parindex.evidence.template_rows import write_rows
from parindex.words import t

#: widths of the other sheets' columns (others: 14)
_WIDTHS = {"unit": 11, "name": 28, "group": 24, "type": 12, "report": 12, "submitted": 14,
           "deadline": 14, "reason": 40, "kind": 16}


def _formats(wb: Any) -> dict[str, Any]:
    """The workbook's few cell formats, shared by every cell."""
    base = {"valign": "top", "border": 1, "border_color": "#A6A6A6", "font_size": 10}
    return {
        "head": wb.add_format({**base, "bold": True, "text_wrap": True, "bg_color": "#DDEBF7"}),
        "text": wb.add_format({**base, "num_format": "@"}),
        "wrap": wb.add_format({**base, "text_wrap": True}),
        "num": wb.add_format({**base, "num_format": "0.##"}),
        "input": wb.add_format({"num_format": "@", "text_wrap": True, "locked": False,
                                "valign": "top", "font_size": 10}),
        "shade": wb.add_format({"bg_color": "#FFF2CC", "border": 1, "border_color": "#A6A6A6"}),
        "open": wb.add_format({"num_format": "@", "locked": False, "font_size": 10}),
        "date": wb.add_format({**base, "num_format": "dd/mm/yyyy", "locked": False}),
        "bold": wb.add_format({"bold": True, "font_size": 10}),
        "plain": wb.add_format({"font_size": 10, "text_wrap": True, "valign": "top"}),
        "center": wb.add_format({"align": "center", "valign": "top", "font_size": 11}),
        "center_bold": wb.add_format({"align": "center", "valign": "top", "bold": True,
                                      "font_size": 11}),
        "motto2": wb.add_format({"align": "center", "valign": "top", "bold": True,
                                 "underline": True, "font_size": 11}),
        "title": wb.add_format({"align": "center", "valign": "vcenter", "bold": True,
                                "font_size": 13, "text_wrap": True}),
        "italic": wb.add_format({"align": "center", "valign": "top", "italic": True,
                                 "font_size": 10}),
    }


def write_workbook(spec: TemplateSpec) -> bytes:
    """The whole template workbook as bytes."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="parindex-template-") as tmp:
        path = Path(tmp) / "template.xlsx"
        _write(path, spec, tmp)
        return path.read_bytes()


def save_workbook(spec: TemplateSpec, path: Path) -> None:
    """The workbook written to ``path``, row by row (XlsxWriter's constant-memory mode: a
    row is written out when the next begins, and the file is never held whole, so memory
    stays flat however many units)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="parindex-template-") as tmp:
        _write(path, spec, tmp)


def _write(path: Path, spec: TemplateSpec, tmpdir: str) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "tmpdir": tmpdir, "strings_to_numbers": False,
        "strings_to_formulas": False, "strings_to_urls": False})
    fmt = _formats(wb)
    sheets = ["meta", "units", "evidence"] + (["one_stop"] if spec.one_stop else []) \
        + (["reports"] if spec.reports else []) + (["adjustments"] if spec.owner is None else [])
    guide_sheet(wb.add_worksheet(t("tpl.guide_sheet", spec.lang)), spec, fmt, sheets)
    _meta_sheet(wb.add_worksheet("meta"), spec, fmt)
    units = spec.units[[c for c in TABLES["units"][0] + TABLES["units"][1]
                        if c in spec.units.columns]]
    _table_sheet(wb.add_worksheet("units"), "units", list(units.columns),
                 units.itertuples(index=False), spec.lang, fmt)
    _evidence_sheet(wb.add_worksheet("evidence"), spec, fmt)
    codes = spec.units["code"].tolist()
    if spec.one_stop:
        cols = list(TABLES["one_stop"][0] + TABLES["one_stop"][1])
        _table_sheet(wb.add_worksheet("one_stop"), "one_stop", cols,
                     ((u, *[""] * (len(cols) - 1)) for u in codes), spec.lang, fmt)
    if spec.reports:
        _reports_sheet(wb.add_worksheet("reports"), spec, codes, fmt)
    if spec.owner is None:
        _table_sheet(wb.add_worksheet("adjustments"), "adjustments",
                     ["unit", "kind", "points", "reason"], [], spec.lang, fmt)
    wb.close()


def _meta_sheet(ws: Any, spec: TemplateSpec, fmt: dict[str, Any]) -> None:
    items = (("year", spec.year), ("edition", spec.edition.id), ("authority", spec.authority))
    for r, (key, value) in enumerate(items):
        ws.write_string(r, 0, label("meta", key, spec.lang), fmt["bold"])
        if isinstance(value, int):
            ws.write_number(r, 1, value)
        else:
            ws.write_string(r, 1, value)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 48)
    print_setup(ws, spec.lang, 0, (0, 0, len(items) - 1, 1))


def _table_sheet(ws: Any, name: str, cols: list[str], rows: Iterable[tuple[Any, ...]],
                 lang: str, fmt: dict[str, Any], styles: dict[str, str] | None = None) -> int:
    """A table at row 1: headings, then the rows as text cells. Every column is
    text-formatted (``styles`` names another format for some columns, ``"plain"`` for
    informational ones), so codes and counts typed later stay as typed. Returns the number
    of rows written."""
    style = [fmt[(styles or {}).get(col, "open")] for col in cols]
    for j, col in enumerate(cols):
        ws.write_string(0, j, label(name, col, lang), fmt["head"])
        ws.set_column(j, j, _WIDTHS.get(col, 14), style[j])
    n = 0
    for n, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if value == "" or value is None:
                ws.write_blank(n, j, None, style[j])
            else:
                ws.write_string(n, j, str(value), style[j])
    ws.freeze_panes(1, 0)
    print_setup(ws, lang, 0, (0, 0, max(n, 1), len(cols) - 1))
    return n


def _reports_sheet(ws: Any, spec: TemplateSpec, codes: list[str], fmt: dict[str, Any]) -> None:
    """One row per unit and calendar report, the report's deadline beside the date cell."""
    deadlines = {r: spec.edition.deadline(r, spec.year).strftime("%d/%m/%Y")
                 for r in spec.edition.model.calendar}
    rows = ((u, r, "", deadlines[r]) for u in codes for r in deadlines)
    _table_sheet(ws, "reports", ["unit", "report", "submitted", "deadline"], rows,
                 spec.lang, fmt, {"submitted": "date", "deadline": "plain"})


def _evidence_sheet(ws: Any, spec: TemplateSpec, fmt: dict[str, Any]) -> None:
    """Title block, headings, one row per unit and leaf, drop-downs, signature block."""
    cols = list(EVIDENCE_COLUMNS)
    head = title_block(ws, spec, fmt, len(cols) - 1)
    for j, col in enumerate(cols):
        ws.write_string(head, j, label("evidence", col, spec.lang), fmt["head"])
        ws.set_column(j, j, EVIDENCE_COLUMNS[col],
                      fmt["input"] if col in INPUT_COLUMNS else None)
    ws.set_row(head, LINE_HEIGHT * 3)
    rows = leaf_rows(spec.edition, spec.leaves, spec.lang)
    last = write_rows(ws, zip(spec.units["code"], spec.units["name"], strict=True), rows,
                      head + 1, fmt) - 1
    first_input = cols.index(INPUT_COLUMNS[0])
    ws.conditional_format(head + 1, first_input, max(last, head + 1), len(cols) - 1,
                          {"type": "no_errors", "format": fmt["shade"]})
    _validations(ws, rows, len(spec.units), head + 1, cols.index("value"), spec.lang)
    end = signature_block(ws, last + 2, fmt, (cols.index("rule"), cols.index("enter")),
                          spec.lang)
    ws.protect("", {"format_rows": True, "format_columns": True, "autofilter": True,
                    "sort": False})
    ws.autofilter(head, 0, max(last, head), len(cols) - 1)
    ws.freeze_panes(head + 1, cols.index("criterion_name"))
    ws.repeat_rows(head)
    print_setup(ws, spec.lang, head, (0, 0, end, len(cols) - 1))


def _rule_spans(rows: list[LeafRow]) -> dict[tuple[str, ...], list[tuple[int, int]]]:
    """Each validation rule's runs of consecutive leaf rows within a unit (0-based, first
    and last)."""
    runs: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for k, lr in enumerate(rows):
        mine = runs.setdefault(lr.check, [])
        if mine and mine[-1][1] == k - 1:
            mine[-1] = (mine[-1][0], k)
        else:
            mine.append((k, k))
    return runs


def _cells(spans: list[tuple[int, int]], step: int, n_units: int, first: int,
           letters: tuple[str, str]) -> str:
    """The value and appraised cells of one rule's runs in every unit's rows
    (``I7:J7 I9:J12 …``, 1-based rows). Built one unit at a time: a national workbook has
    hundreds of thousands of ranges, and a list of them all would hold each as an object."""
    left, right = letters
    return " ".join(
        " ".join(f"{left}{base + a}:{right}{base + b}" for a, b in spans)
        for base in range(first + 1, first + 1 + n_units * step, step))


#: Excel's limit on a drop-down list written in the rule itself
_LIST_LIMIT = 255


def _rule_options(check: tuple[str, ...], lang: str) -> dict[str, Any] | None:
    """A rule's data validation: a drop-down for options and yes/no, a 0…max check for
    manual points; None for free entry, or for a list Excel cannot hold in the rule."""
    if check == ("any",):
        return None
    options: dict[str, Any]
    if check[0] == "list":
        items = list(check[1:])
        if any("," in c or '"' in c for c in items) or len(",".join(items)) > _LIST_LIMIT:
            return None  # "what to enter" still names the choices
        options = {"validate": "list", "source": items}
    else:
        top = float(check[1])
        options = {"validate": "decimal", "criteria": "between", "minimum": 0,
                   "maximum": int(top) if top.is_integer() else top}
    options.update({"ignore_blank": True, "error_title": t("enter.invalid", lang)[:32],
                    "error_message": t("enter.invalid", lang)})
    return options


#: units whose rows one data validation covers: a rule over every unit of a national
#: workbook would be one attribute of megabytes, which XlsxWriter copies twice (as wide
#: text, beside the Vietnamese error message) when it writes it
UNITS_PER_VALIDATION = 1000


def _validations(ws: Any, rows: list[LeafRow], n_units: int, first: int, col: int,
                 lang: str) -> None:
    """One data validation per rule and thousand units over the value and appraised cells
    (columns ``col`` and ``col + 1``) of its rows, the units' rows starting at ``first``."""
    from xlsxwriter.utility import xl_col_to_name

    letters = (xl_col_to_name(col), xl_col_to_name(col + 1))
    step = len(rows)
    for check, spans in _rule_spans(rows).items():
        options = _rule_options(check, lang)
        if options is None:
            continue
        for start in range(0, n_units, UNITS_PER_VALIDATION):
            top = first + start * step
            cells = _cells(spans, step, min(UNITS_PER_VALIDATION, n_units - start), top,
                           letters)
            ws.data_validation(top, col, top, col + 1, {**options, "multi_range": cells})


__all__ = ["save_workbook", "write_workbook"]
