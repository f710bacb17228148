"""`check` that helps fix the file (issue #11 item 5): every bad cell once, and
``check BUNDLE.xlsx --out marked.xlsx`` highlights the right cells with their messages."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from parindex.evidence.mark import FILLS
from workbook_helpers import ERROR_TAG, find_row, invoke, set_cells, small_bundle, to_xlsx


def _bad_workbook(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A two-commune workbook with a bad yes/no and a bad percentage in A01's values."""
    book = to_xlsx(small_bundle(tmp_path / "small"), tmp_path / "xa.xlsx")
    r_yes, letters = find_row(book, "evidence", "evidence", unit="A01", criterion="1.1.2")
    r_pct, _ = find_row(book, "evidence", "evidence", unit="A01", criterion="1.1.3")
    v = letters["value"]
    set_cells(book, "evidence", {f"{v}{r_yes}": "maybe", f"{v}{r_pct}": "95%%"})
    return book, {"yes": f"{v}{r_yes}", "pct": f"{v}{r_pct}"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cells(path: Path) -> dict[str, dict[str, Any]]:
    """sheet!ref → value, fill colour and comment of every cell of a workbook."""
    wb = load_workbook(path)
    return {f"{ws.title}!{c.coordinate}": {"value": c.value, "fill": c.fill.fgColor.rgb,
                                          "comment": c.comment.text if c.comment else None}
            for ws in wb.worksheets for row in ws.iter_rows() for c in row}


def test_a_bad_cell_is_reported_once(tmp_path: Path) -> None:
    book, _ = _bad_workbook(tmp_path)
    result = invoke("check", book)
    assert result.exit_code == 1
    assert "maybe" in result.output and "95%%" in result.output
    # both cells are errors; neither is named again in a "no evidence" warning
    assert "no evidence" not in result.output, result.output
    assert result.output.count(ERROR_TAG) == 2


def test_check_out_highlights_the_right_cells(tmp_path: Path) -> None:
    book, bad = _bad_workbook(tmp_path)
    before = _sha(book)
    original = _cells(book)
    out = tmp_path / "marked.xlsx"
    result = invoke("check", book, "--out", out, inputs=[book], out_dir=tmp_path)
    assert result.exit_code == 1  # the problems are still errors
    assert "2 ô" in result.output
    assert _sha(book) == before  # the input is byte-identical
    marked = _cells(out)
    yes, pct = marked[f"evidence!{bad['yes']}"], marked[f"evidence!{bad['pct']}"]
    assert yes["value"] == "maybe" and pct["value"] == "95%%"
    assert yes["fill"] == pct["fill"] == "00" + FILLS["error"]
    assert yes["comment"].startswith('Lỗi: "maybe" không phải có/không')
    assert pct["comment"].startswith('Lỗi: "95%%" không phải tỷ lệ phần trăm')
    # every other cell: same value, same fill, no comment
    changed = {k for k in original if marked[k] != original[k]}
    assert changed == {f"evidence!{bad['yes']}", f"evidence!{bad['pct']}"}
    assert set(marked) == set(original)


def test_check_out_in_english(tmp_path: Path) -> None:
    book, bad = _bad_workbook(tmp_path)
    out = tmp_path / "marked.xlsx"
    invoke("check", book, "--out", out, "--lang", "en", inputs=[book], out_dir=tmp_path)
    comment = _cells(out)[f"evidence!{bad['pct']}"]["comment"]
    assert comment.startswith('Error: "95%%" is not a percentage')


def test_a_clean_workbook_is_copied_unmarked(tmp_path: Path) -> None:
    book = to_xlsx(small_bundle(tmp_path / "small"), tmp_path / "xa.xlsx")
    out = tmp_path / "marked.xlsx"
    result = invoke("check", book, "--out", out, inputs=[book], out_dir=tmp_path)
    assert result.exit_code == 0, result.output
    assert _cells(out) == _cells(book)


def test_check_out_refuses_the_input_and_a_csv_bundle(tmp_path: Path) -> None:
    book, _ = _bad_workbook(tmp_path)
    before = _sha(book)
    result = invoke("check", book, "--out", book, inputs=[book], out_dir=tmp_path)
    assert result.exit_code == 1
    assert "would replace it" in result.output
    assert _sha(book) == before
    folder = small_bundle(tmp_path / "csv")
    out = tmp_path / "from-csv.xlsx"
    result = invoke("check", folder, "--out", out, inputs=[folder], out_dir=tmp_path)
    assert result.exit_code == 1
    assert "only a workbook can be marked" in result.output
    assert "parindex merge" in result.output
    assert not out.exists()
