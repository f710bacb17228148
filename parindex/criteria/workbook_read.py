"""Read an edition workbook back into the data of an edition file (``criteria import``).

Only what a workbook can get wrong is checked here — a sheet or column missing, a depth that
jumps, a code given twice, a number or a written rule that cannot be read — each problem
placed by sheet and cell (``tiêu chí!F12``). Everything else is left to the edition checker
(:func:`parindex.criteria.workbook.import_edition` runs it on the YAML written from this
data). The file is opened read-only; criteria workbooks are small.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

from parindex.criteria.keys import fold_key
from parindex.criteria.paths import Path_
from parindex.criteria.rule_text import (
    RuleTextError,
    parse_input_text,
    parse_number,
    parse_rule,
)
from parindex.criteria.workbook_layout import (
    COLUMNS,
    NO,
    REQUIRED,
    YES,
    column_key,
    heading,
    meta_key,
    meta_spec,
    sheet_key,
    sheet_name,
)
from parindex.errors import Problem, Severity, quote

Rows = list[tuple[Any, ...]]
_NA = ("rebase", "full", "forbidden")
_HEAD_SCAN = 10  # title rows a sheet may carry above its heading row


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def cell_text(value: object) -> str | None:
    """A cell as text: NFC, trimmed, blank as None; a whole float without its ``.0``."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%m-%d")  # a calendar date Excel turned into a date
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


class WorkbookReader:
    """One workbook's data, the cell of every value read, and every problem found."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.cells: dict[Path_, str] = {}

    def problem(self, code: str, where: str, *, value: object = None,
                severity: Severity = "error", **facts: object) -> None:
        self.problems.append(Problem.of(code, self.file, where, value=value,
                                        severity=severity, **facts))

    # ------------------------------------------------------------------ the workbook

    def read(self, path: Path) -> dict[str, Any] | None:
        """The edition data, or None when a problem stops the reading."""
        sheets = self._sheets(path)
        if sheets is None:
            return None
        (meta_name, meta_rows), (nodes_name, node_rows) = sheets
        data = MetaReader(self, meta_name).read(meta_rows)
        areas = NodesReader(self, nodes_name).read(node_rows)
        if areas is not None:
            data["areas"] = areas
        return data

    def _sheets(self, path: Path) -> tuple[tuple[str, Rows], tuple[str, Rows]] | None:
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is one problem
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            self.problem("critbook.unreadable", "", reason=reason)
            return None
        try:
            found: dict[str, tuple[str, Rows]] = {}
            for ws in book.worksheets:
                key = sheet_key(ws.title)
                if key is not None and key not in found:
                    found[key] = (ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)])
        finally:
            book.close()
        for key in ("meta", "nodes"):
            if key not in found:
                names = dict.fromkeys((sheet_name(key, "vi"), sheet_name(key, "en")))
                self.problem("critbook.sheet_missing", "",
                             sheet=" / ".join(quote(n) for n in names))
        if len(found) < 2:
            return None
        return found["meta"], found["nodes"]

    # ------------------------------------------------------------------ values

    def number(self, value: object, where: str, path: Path_) -> float | None:
        """A number cell (a decimal comma or dot in text), else a problem."""
        self.cells[path] = where
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        text = cell_text(value)
        try:
            if text is None or isinstance(value, bool):
                raise ValueError(text)
            return parse_number(text)
        except ValueError:
            self.problem("critbook.number", where, value=text, quoted=quote(text))
            return None


class MetaReader:
    """The meta sheet: a field a row, its values in columns B and C."""

    def __init__(self, book: WorkbookReader, sheet: str):
        self.book, self.sheet = book, sheet
        self.data: dict[str, Any] = {}
        self.seen: dict[str, str] = {}

    def at(self, row: int, col: int) -> str:
        return f"{self.sheet}!{_letter(col)}{row}"

    def read(self, rows: Rows) -> dict[str, Any]:
        for r, values in enumerate(rows, start=1):
            cells = [*values, None, None, None][:3]
            name = cell_text(cells[0])
            if name is None or fold_key(name) in ("muc", "field"):
                continue
            key = meta_key(name)
            if key is None:
                self.book.problem("critbook.meta_unknown", self.at(r, 1), value=name,
                                  severity="warning", quoted=quote(name))
                continue
            repeated, _ = meta_spec(key)
            if not repeated and key in self.seen:
                self.book.problem("critbook.meta_twice", self.at(r, 1), value=name,
                                  quoted=quote(name))
                continue
            self.seen[key] = self.at(r, 1)
            self._field(key, r, cells[1], cells[2])
        return self._assemble()

    def _field(self, key: str, r: int, b: object, c: object) -> None:
        """One row's values into ``self.data`` (under the field's own key for now)."""
        here = self.at(r, 2)
        if key in ("scale", "bonus_max", "penalty_max"):
            if cell_text(b) is not None:
                self.data[key] = self.book.number(b, here, (key,))
        elif key in ("valid_from", "valid_until"):
            self.data[key] = self._year(b, here, ("valid", key.removeprefix("valid_")))
        elif key == "band":
            self._band(r, b, c)
        elif key in ("legal_basis", "calendar", "previous_area"):
            self._listed(key, r, b, c)
        elif cell_text(b) is not None:
            self.data[key] = cell_text(b)
            self.book.cells[("previous", "edition") if key == "previous_edition"
                            else (key,)] = here

    def _year(self, value: object, where: str, path: Path_) -> int | None:
        self.book.cells[path] = where
        text = cell_text(value)
        if text is None:
            return None
        if text.isdigit():
            return int(text)
        self.book.problem("critbook.year", where, value=text, quoted=quote(text))
        return None

    def _band(self, r: int, b: object, c: object) -> None:
        bands = self.data.setdefault("bands", [])
        path: Path_ = ("bands", len(bands))
        self.book.cells[path] = self.at(r, 1)
        self.book.cells[(*path, "name")] = self.at(r, 2)
        bands.append({"name": cell_text(b), "min": self.book.number(c, self.at(r, 3),
                                                                     (*path, "min"))})

    def _listed(self, key: str, r: int, b: object, c: object) -> None:
        if key == "legal_basis":
            items = self.data.setdefault(key, [])
            self.book.cells[(key, len(items))] = self.at(r, 2)
            items.append(cell_text(b))
            return
        table = self.data.setdefault(key, {})
        name, value = cell_text(b), cell_text(c)
        path: Path_ = ("calendar", name or "") if key == "calendar" else \
            ("previous", "areas", name or "")
        if name in table:
            self.book.problem("critbook.meta_twice", self.at(r, 2), value=name,
                              quoted=quote(name))
            return
        self.book.cells[path] = self.at(r, 3)
        if key == "previous_area" and value and value.startswith("[") and value.endswith("]"):
            table[name] = [v.strip() for v in value[1:-1].split(",") if v.strip()]
        else:
            table[name] = value

    def _assemble(self) -> dict[str, Any]:
        d = self.data
        out: dict[str, Any] = {k: d[k] for k in ("edition", "title", "level") if k in d}
        if "valid_from" in d or "valid_until" in d:
            out["valid"] = {"from": d.get("valid_from"), "until": d.get("valid_until")}
        for key in ("legal_basis", "description", "scale", "not_applicable", "ties", "bands",
                    "bonus_max", "penalty_max", "calendar"):
            if key in d:
                out[key] = d[key]
        if "previous_edition" in d or "previous_area" in d:
            out["previous"] = {"edition": d.get("previous_edition"),
                               "areas": d.get("previous_area", {})}
        return out


class NodesReader:
    """The criteria sheet: a heading row, then a node a row, its depth in the first column."""

    def __init__(self, book: WorkbookReader, sheet: str):
        self.book, self.sheet = book, sheet
        self.columns: dict[str, int] = {}
        self.headings: list[str] = []
        self.codes: dict[str, str] = {}

    def at(self, row: int, key: str) -> str:
        """``tiêu chí!F12 (Cách chấm)``: the cell of a column in a row, with its heading."""
        col = self.columns[key]
        return f"{self.sheet}!{_letter(col + 1)}{row} ({self.headings[col]})"

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
                    self.book.problem("critbook.column_unknown", f"{self.sheet}!{_letter(i + 1)}"
                                      f"{r}", value=text, severity="warning", quoted=quote(text))
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
        node = self._node(r, cells, path, depth)
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

    def _node(self, r: int, cells: dict[str, Any], path: Path_, depth: int) -> dict[str, Any]:
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
