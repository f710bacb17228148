"""A date where a fraction, count or value is typed (issue #11, item 3): Excel turns ``3/4``
typed into a General cell into 4 March (or 3 April). The problem says what Excel did and how
to type it, names the sheet and cell, in Vietnamese and English, once per cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from workbook_helpers import find_row, invoke, outcome, set_cells, small_bundle, to_xlsx

from parindex.errors import Problem

#: (sheet, match of the row, column): the cells a date is put into
CELLS = [("evidence", {"unit": "A01", "criterion": "1.3"}, "value"),
         ("evidence", {"unit": "A02", "criterion": "1.3"}, "appraised"),
         ("one_stop", {"unit": "A01"}, "received_online")]


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The two-commune bundle as a workbook with a date in each of :data:`CELLS`; returns it
    and the cells as ``sheet!A1``."""
    tmp = tmp_path_factory.mktemp("dates")
    x = to_xlsx(small_bundle(tmp / "b"), tmp / "bundle.xlsx")
    refs = []
    for sheet, match, column in CELLS:
        row, letters = find_row(x, sheet, sheet, **match)
        ref = f"{letters[column]}{row}"
        set_cells(x, sheet, {ref: dt.datetime(2024, 3, 4)}, {ref: "d/m/yyyy"})
        refs.append(f"{sheet}!{ref}")
    return x, refs


class TestDateTypedAsFraction:
    """Each date in a fraction, count or value cell is one error that says what to do."""

    def test_one_coded_error_per_cell_naming_sheet_and_cell(
            self, dated: tuple[Path, list[str]]) -> None:
        x, refs = dated
        got = outcome(x)
        assert got.score is None
        dates = [p for p in got.problems if p.code == "xlsx.date_typed"]
        assert [p.facts["cell"] for p in dates] == refs
        assert [p.field for p in dates] == [column for _, _, column in CELLS]
        assert {p.facts["date"] for p in dates} == {"04/03/2024"}
        for p, (sheet, _, _) in zip(dates, CELLS, strict=True):
            assert p.file == f"bundle.xlsx [{sheet}]"
            assert p.severity == "error"
            assert p.value == "2024-03-04"
        for ref in refs:  # reported once: no second problem on the same cell
            cell = ref.split("!")[1]
            same = [p for p in got.problems if f"(cell {cell})" in p.location
                    and p.file.endswith(f"[{ref.split('!')[0]}]")]
            assert len(same) == 1, [p.render() for p in same]

    def test_the_english_message_says_what_excel_did_and_how_to_type_it(
            self, dated: tuple[Path, list[str]]) -> None:
        x, refs = dated
        lines = [p.render("en") for p in outcome(x).problems if p.code == "xlsx.date_typed"]
        assert lines[0] == (
            f"bundle.xlsx [evidence]: row {refs[0].split('!C')[1]} (cell "
            f"{refs[0].split('!')[1]}), column \"value\": cell {refs[0]} holds the date "
            "04/03/2024: Excel turned the fraction typed there (such as 3/4) into a date "
            "(type it again as '3/4 (with an apostrophe in front) or format the cell as Text "
            "before typing; or type the percentage (75))")

    def test_check_lists_each_cell_once_and_exits_1(self, dated: tuple[Path, list[str]]) -> None:
        x, refs = dated
        result = invoke("check", x, "--lang", "en", inputs=[x])
        assert result.exit_code == 1
        lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(lines) == 3, result.stderr
        for line, ref in zip(lines, refs, strict=True):
            assert f"cell {ref} holds the date 04/03/2024" in line
            assert "Excel turned the fraction" in line
            assert "'3/4" in line

    def test_the_vietnamese_message(self, dated: tuple[Path, list[str]]) -> None:
        x, refs = dated
        lines = [p.render("vi") for p in outcome(x).problems if p.code == "xlsx.date_typed"]
        for line, ref in zip(lines, refs, strict=True):
            assert f"ô {ref} chứa ngày 04/03/2024: Excel đã biến phân số gõ vào" in line
            assert "'3/4 (có dấu nháy đơn phía trước)" in line
            assert "Văn bản (Text)" in line
            assert "tỷ lệ phần trăm (75)" in line

    def test_a_date_where_a_date_belongs_is_no_problem(self, tmp_path: Path) -> None:
        """A report's submission date is a date: read as before, no such problem."""
        x = to_xlsx(small_bundle(tmp_path / "b"), tmp_path / "bundle.xlsx")
        row, letters = find_row(x, "reports", "reports", unit="A01", report="Q1")
        set_cells(x, "reports", {f"{letters['submitted']}{row}": dt.datetime(2024, 2, 20)},
                  {f"{letters['submitted']}{row}": "dd/mm/yyyy"})
        got = outcome(x)
        assert not [p for p in got.problems if p.code == "xlsx.date_typed"]
        assert got.score is not None

    def test_the_problem_renders_in_both_languages(self) -> None:
        p = Problem.of("xlsx.date_typed", "b.xlsx [one_stop]", "row 3 (cell C3)",
                       field="received_online", cell="one_stop!C3", date="04/03/2024")
        assert "cell one_stop!C3 holds the date 04/03/2024" in p.render("en")
        assert "ô one_stop!C3 chứa ngày 04/03/2024" in p.render("vi")
