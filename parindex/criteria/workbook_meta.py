"""The meta sheet of an edition workbook: a field a row (its name in column A, in Vietnamese,
English or as the edition file spells it), its value in B, a second value in C for bands,
calendar dates and the previous edition's areas."""

from __future__ import annotations

from typing import Any

from parindex.criteria.keys import fold_key
from parindex.criteria.paths import Path_
from parindex.criteria.workbook_cells import Found, Rows, cell_text, column_letter
from parindex.criteria.workbook_layout import meta_key, meta_spec
from parindex.errors import quote


class MetaReader:
    """The meta sheet: a field a row, its values in columns B and C."""

    def __init__(self, book: Found, sheet: str):
        self.book, self.sheet = book, sheet
        self.data: dict[str, Any] = {}
        self.seen: dict[str, str] = {}

    def at(self, row: int, col: int) -> str:
        return f"{self.sheet}!{column_letter(col)}{row}"

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
        elif key == "min_respondents" and cell_text(b) is not None:
            least = self.book.number(b, here, (key,))
            self.data[key] = int(least) if least is not None and least.is_integer() else least
        elif key == "survey_answers":
            self._answer(r, b, c)
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

    def _answer(self, r: int, b: object, c: object) -> None:
        """A survey answer row: its key in B, its % weight in C."""
        table = self.data.setdefault("survey_answers", {})
        name = cell_text(b) or ""
        if name in table:
            self.book.problem("critbook.meta_twice", self.at(r, 2), value=name,
                              quoted=quote(name))
            return
        path: Path_ = ("survey_answers", name)
        self.book.cells[path] = self.at(r, 3)
        table[name] = self.book.number(c, self.at(r, 3), path)

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
                    "bonus_max", "penalty_max", "calendar", "survey_answers",
                    "min_respondents"):
            if key in d:
                out[key] = d[key]
        if "previous_edition" in d or "previous_area" in d:
            out["previous"] = {"edition": d.get("previous_edition"),
                               "areas": d.get("previous_area", {})}
        return out


__all__ = ["MetaReader"]
