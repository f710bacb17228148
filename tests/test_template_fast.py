"""The evidence rows are written as prepared XML (``template_rows``): the same sheet, cell for
cell, as XlsxWriter's own cell calls give, and the workbook grows linearly with the units."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

from parindex.criteria import load_edition
from parindex.evidence import template_rows
from parindex.evidence.template import template_bytes

XA = load_edition("xa-2024")
UNITS = pd.DataFrame({"code": ["A&1", "B<2>", " C3"], "name": ["Xã A & B", "Phường <Hai>",
                                                                  "Tên\x0bcó ký tự lạ"],
                      "type": ["xa", "phuong", "xa"], "group": ["H", "H", "H"]})


def _sheet(data: bytes) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(data))["evidence"]
    return [(*(c.value for c in row), ws.row_dimensions[row[0].row].height,
             tuple((c.number_format, c.protection.locked, c.alignment.wrap_text) for c in row))
            for row in ws.iter_rows()]


class TestPreparedRows:
    """Prepared rows and cell-by-cell rows make the same evidence sheet."""

    def test_same_cells_heights_and_formats(self, monkeypatch: pytest.MonkeyPatch) -> None:
        asked: list[bool] = []
        real = template_rows.fast_path
        monkeypatch.setattr(template_rows, "fast_path", lambda ws: asked.append(real(ws)))
        slow = template_bytes(XA, UNITS, 2024)  # the answer None: cell by cell
        monkeypatch.undo()
        fast = template_bytes(XA, UNITS, 2024)
        assert asked == [True]  # the prepared rows would have run, and did not
        got, want = _sheet(fast), _sheet(slow)
        assert len(got) == len(want) > 3 * len(XA.leaves)
        for a, b in zip(got, want, strict=True):
            assert a == b

    def test_escapes_survive(self) -> None:
        """&, <, > and a leading space come back as written; a control character as Excel's
        escape of it (XML cannot hold it), as XlsxWriter writes it too."""
        rows = _sheet(template_bytes(XA, UNITS, 2024))
        units = {row[:2] for row in rows[6:6 + 3 * len(XA.leaves)]}
        assert units == {("A&1", "Xã A & B"), ("B<2>", "Phường <Hai>"),
                         (" C3", "Tên_x000B_có ký tự lạ")}


def test_size_grows_linearly() -> None:
    """Ten times the units: about ten times the evidence rows and bytes, not a hundred."""
    def units(n: int) -> pd.DataFrame:
        return pd.DataFrame({"code": [f"X{i:05d}" for i in range(n)],
                             "name": [f"Xã {i}" for i in range(n)], "type": "xa", "group": "H"})

    small, large = len(template_bytes(XA, units(20), 2024)), len(template_bytes(XA, units(200),
                                                                                 2024))
    assert 3 < large / small < 11
