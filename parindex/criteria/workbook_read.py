"""Read an edition workbook back into the data of an edition file (``criteria import``).

Only what a workbook can get wrong is checked here — a sheet or column missing, a depth that
jumps, a code given twice, a number or a written rule that cannot be read — each problem
placed by sheet and cell (``tiêu chí!F12``). Everything else is left to the edition checker
(:func:`parindex.criteria.workbook.import_edition` runs it on the YAML written from this
data). The file is opened read-only; criteria workbooks are small.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parindex.criteria.input_text import parse_input_text
from parindex.criteria.keys import fold_key
from parindex.criteria.paths import Path_
from parindex.criteria.rule_text import RuleTextError, parse_rule
from parindex.criteria.workbook_cells import Found, Rows, cell_text, column_letter
from parindex.criteria.workbook_layout import (
    COLUMNS,
    NO,
    REQUIRED,
    YES,
    column_key,
    heading,
    sheet_key,
    sheet_name,
)
from parindex.criteria.workbook_meta import MetaReader
from parindex.errors import quote

_NA = ("rebase", "full", "forbidden")
_HEAD_SCAN = 10  # title rows a sheet may carry above its heading row


def read_workbook(path: Path) -> tuple[dict[str, Any] | None, Found]:
    """The edition data of a workbook (None when a problem stops the reading), with every
    problem and the cell of every value."""
    found = Found(path.name)
    sheets = _sheets(path, found)
    if sheets is None:
        return None, found
    (meta_name, meta_rows), (nodes_name, node_rows) = sheets
    data = MetaReader(found, meta_name).read(meta_rows)
    areas = NodesReader(found, nodes_name).read(node_rows)
    if areas is not None:
        data["areas"] = areas
    return data, found


def _sheets(path: Path, found: Found) -> tuple[tuple[str, Rows], tuple[str, Rows]] | None:
    """The meta and criteria sheets' names and rows (Vietnamese or English names), or None
    when the file cannot be opened or a sheet is missing (a problem each)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any file openpyxl cannot open is one problem
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        found.problem("critbook.unreadable", "", reason=reason)
        return None
    try:
        sheets: dict[str, tuple[str, Rows]] = {}
        for ws in book.worksheets:
            key = sheet_key(ws.title)
            if key is not None and key not in sheets:
                sheets[key] = (ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)])
    finally:
        book.close()
    for key in ("meta", "nodes"):
        if key not in sheets:
            names = dict.fromkeys((sheet_name(key, "vi"), sheet_name(key, "en")))
            found.problem("critbook.sheet_missing", "",
                          sheet=" / ".join(quote(n) for n in names))
    if len(sheets) < 2:
        return None
    return sheets["meta"], sheets["nodes"]


class NodesReader:
    """The criteria sheet: a heading row, then a node a row, its depth in the first column."""

    def __init__(self, book: Found, sheet: str):
        self.book, self.sheet = book, sheet
        self.columns: dict[str, int] = {}
        self.headings: list[str] = []
        self.codes: dict[str, str] = {}

    def at(self, row: int, key: str) -> str:
        """``tiêu chí!F12 (Cách chấm)``: the cell of a column in a row, with its heading."""
        col = self.columns[key]
        return f"{self.sheet}!{column_letter(col + 1)}{row} ({self.headings[col]})"

    def read(self, rows: Rows) -> list[dict[str, Any]] | None:
        head = self._heading(rows)
        if head is None:
            return None
        areas: list[dict[str, Any]] = []
        stack: list[dict[str, Any]] = []
        count = 0
        for r in range(head + 1, len(rows) + 1):
            values = [cell_text(v) if not isinstance(v, int | float) or isinstance(v, bool)
                      else v for v in rows[r - 1]]
            if all(v is None for v in values):
                continue
            count += 1
            self._row(r, {k: values[i] if i < len(values) else None
                          for k, i in self.columns.items()}, areas, stack)
        if count == 0:
            self.book.problem("critbook.no_rows", f"{self.sheet}!A{head + 1}")
        for area in areas:
            self._finish(area)
        return areas

    def _heading(self, rows: Rows) -> int | None:
        for r, values in enumerate(rows[:_HEAD_SCAN], start=1):
            keys = [column_key(t) if (t := cell_text(v)) else None for v in values]
            if sum(k is not None for k in keys) < 3:
                continue
            self.headings = [cell_text(v) or "" for v in values]
            for i, (key, text) in enumerate(zip(keys, self.headings, strict=True)):
                if key is not None and key not in self.columns:
                    self.columns[key] = i
                elif text:
                    where = f"{self.sheet}!{column_letter(i + 1)}{r}"
                    self.book.problem("critbook.column_unknown", where, value=text,
                                      severity="warning", quoted=quote(text))
            missing = [k for k in REQUIRED if k not in self.columns]
            if missing:
                self.book.problem("critbook.columns_missing", f"{self.sheet}!A{r}",
                                  columns=", ".join(heading(k, "vi") + " / " + heading(k, "en")
                                                    for k in missing))
                return None
            return r
        self.book.problem("critbook.no_heading", f"{self.sheet}!A1", columns=", ".join(
            heading(k, "vi") for k, _ in COLUMNS))
        return None

    def _row(self, r: int, cells: dict[str, Any], areas: list[dict[str, Any]],
             stack: list[dict[str, Any]]) -> None:
        depth = self._depth(r, cells["depth"], len(stack))
        if depth is None:
            return
        del stack[depth - 1:]
        siblings = areas if depth == 1 else stack[-1].setdefault(
            "criteria" if depth == 2 else "children", [])
        path: Path_ = ("areas", len(areas)) if depth == 1 else \
            (*stack[-1]["_path"], "criteria" if depth == 2 else "children", len(siblings))
        node = self._node(r, cells, path)
        siblings.append(node)
        stack.append(node)

    def _depth(self, r: int, value: object, open_depth: int) -> int | None:
        text = cell_text(value)
        if text is None or not text.isdigit() or int(text) < 1:
            self.book.problem("critbook.depth", self.at(r, "depth"), value=text,
                              quoted=quote(text))
            return None
        depth = int(text)
        if depth > open_depth + 1:
            self.book.problem("critbook.depth_jump", self.at(r, "depth"), value=depth,
                              depth=depth, previous=open_depth)
            return None
        return depth

    def _node(self, r: int, cells: dict[str, Any], path: Path_) -> dict[str, Any]:
        book = self.book
        book.cells[path] = self.at(r, "code")
        node: dict[str, Any] = {"_path": path, "_row": r, "_cells": cells}
        for key in ("code", "name"):
            book.cells[(*path, key)] = self.at(r, key)
            node[key] = cell_text(cells[key])
            if node[key] is None:
                book.problem("critbook.blank", self.at(r, key))
        code = node["code"]
        if code is not None and code in self.codes:
            book.problem("critbook.code_twice", self.at(r, "code"), value=code,
                         quoted=quote(code), first=self.codes[code])
        elif code is not None:
            self.codes[code] = self.at(r, "code")
        for key in ("description", "owner", "evidence"):
            if key in self.columns and cell_text(cells[key]) is not None:
                book.cells[(*path, key)] = self.at(r, key)
                node[key] = cell_text(cells[key])
        self._flags(r, cells, path, node)
        if cell_text(cells["max"]) is not None:
            node["max"] = book.number(cells["max"], self.at(r, "max"), (*path, "max"))
        return node

    def _flags(self, r: int, cells: dict[str, Any], path: Path_, node: dict[str, Any]) -> None:
        if "survey" in self.columns and (text := cell_text(cells["survey"])) is not None:
            self.book.cells[(*path, "survey")] = self.at(r, "survey")
            folded = fold_key(text)
            if folded in YES or folded in NO:
                node["survey"] = folded in YES
            else:
                self.book.problem("critbook.yes_no", self.at(r, "survey"), value=text,
                                  quoted=quote(text))
        if "not_applicable" in self.columns and \
                (text := cell_text(cells["not_applicable"])) is not None:
            self.book.cells[(*path, "not_applicable")] = self.at(r, "not_applicable")
            if text.lower() in _NA:
                node["not_applicable"] = text.lower()
            else:
                self.book.problem("critbook.na_policy", self.at(r, "not_applicable"),
                                  value=text, quoted=quote(text))

    def _finish(self, node: dict[str, Any]) -> None:
        """Drop the bookkeeping; a leaf gets its input and rule, a parent must have none."""
        path, r, cells = node.pop("_path"), node.pop("_row"), node.pop("_cells")
        kids = node.get("criteria", node.get("children"))
        texts = {k: cell_text(cells.get(k)) for k in ("input", "score")}
        if kids is not None or len(path) == 2:
            for key, text in texts.items():
                if text is not None:
                    self.book.problem("critbook.parent_rule", self.at(r, key), value=text,
                                      what=self.headings[self.columns[key]], quoted=quote(text))
            for kid in kids or []:
                self._finish(kid)
            return
        for key, text in (("max", cell_text(cells["max"])), ("score", texts["score"])):
            if text is None:
                self.book.problem("critbook.leaf_needs", self.at(r, key),
                                  what=self.headings[self.columns[key]])
        self._leaf_rule(node, path, r, texts)

    def _leaf_rule(self, node: dict[str, Any], path: Path_, r: int,
                   texts: dict[str, str | None]) -> None:
        for key, parse in (("input", parse_input_text), ("score", parse_rule)):
            text = texts[key]
            if text is None or key not in self.columns:
                continue
            self.book.cells[(*path, key)] = self.at(r, key)
            try:
                spec = parse(text)
            except RuleTextError as exc:
                self.book.problem(exc.code, self.at(r, key), value=text, **exc.facts)
                continue
            if spec != "value":
                node[key] = spec if isinstance(spec, str) else spec.model_dump(
                    mode="json", by_alias=True, exclude_none=True)


__all__ = ["NodesReader", "read_workbook"]
