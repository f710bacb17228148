"""The bundle workbook writer (``evidence.write.xlsx_bytes``): what it writes reads back as
the same text, with each text once in a shared-string table, and a cell too long for Excel
is refused (not cut short)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from parindex.errors import OutputError
from parindex.evidence.read_xlsx import read_xlsx
from parindex.evidence.write import CELL_CHARACTERS, write_xlsx_bundle, xlsx_bytes

META = {"year": 2024, "edition": "xa-2024", "authority": "UBND huyện Mẫu"}
TEXTS = ["01", "1.10", "=1+1", "+84 912", "Xã Hòa Bình", "95,3", "NA", "dung_han"]


def _evidence(values: list[str]) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame({"unit": ["XA01"] * n, "criterion": [f"1.{i + 1}" for i in range(n)],
                         "value": values, "appraised": [""] * n, "source": ["QĐ 12"] * n,
                         "note": [""] * n})


def test_texts_read_back_as_written(tmp_path: Path) -> None:
    out = write_xlsx_bundle(tmp_path / "b.xlsx", {"evidence": _evidence(TEXTS)}, META)
    raw = read_xlsx(out)
    assert raw.meta == META
    assert raw.tables["evidence"]["value"].tolist() == TEXTS
    assert raw.tables["evidence"]["_row"].tolist() == list(range(2, 2 + len(TEXTS)))


def test_each_text_is_stored_once() -> None:
    data = xlsx_bytes({"evidence": _evidence(TEXTS * 50)}, META)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        shared = zf.read("xl/sharedStrings.xml").decode("utf-8")
        sheets = [zf.read(n).decode("utf-8") for n in zf.namelist()
                  if n.startswith("xl/worksheets/")]
    assert shared.count("QĐ 12") == 1
    assert not any("inlineStr" in sheet for sheet in sheets)


def test_a_text_too_long_for_a_cell_is_refused(tmp_path: Path) -> None:
    long = "x" * (CELL_CHARACTERS + 1)
    with pytest.raises(OutputError) as err:
        write_xlsx_bundle(tmp_path / "b.xlsx", {"evidence": _evidence(["1", long])}, META)
    (problem,) = err.value.problems
    assert (problem.code, problem.file, problem.location, problem.field) == \
        ("out.cell_long", "evidence", "row 3", "C")
    assert problem.facts["length"] == CELL_CHARACTERS + 1
    assert not (tmp_path / "b.xlsx").exists()
    ok = _evidence(["x" * CELL_CHARACTERS])
    out = write_xlsx_bundle(tmp_path / "b.xlsx", {"evidence": ok}, META)
    assert read_xlsx(out).tables["evidence"]["value"].tolist() == ["x" * CELL_CHARACTERS]
