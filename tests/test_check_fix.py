"""`check` that helps fix the file (issue #11 item 5): every bad cell once, and
``check BUNDLE.xlsx --out marked.xlsx`` highlights the right cells with their messages."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from workbook_helpers import (
    ERROR_TAG,
    HUYEN_OWNERS,
    WARNING_TAG,
    fill_template,
    find_row,
    huyen_bundle,
    invoke,
    read_meta,
    read_tables,
    set_cells,
    small_bundle,
    small_tables,
    to_xlsx,
    write_csv_folder,
)

from parindex.criteria import load_edition
from parindex.evidence.mark import FILLS


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
    assert "maybe" in result.output
    assert "95%%" in result.output
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
    assert yes["value"] == "maybe"
    assert pct["value"] == "95%%"
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
    result = invoke("check", "--lang", "en", book, "--out", book, inputs=[book], out_dir=tmp_path)
    assert result.exit_code == 1
    assert "would replace it" in result.output
    assert _sha(book) == before
    folder = small_bundle(tmp_path / "csv")
    out = tmp_path / "from-csv.xlsx"
    result = invoke("check", "--lang", "en", folder, "--out", out, inputs=[folder],
                    out_dir=tmp_path)
    assert result.exit_code == 1
    assert "only a workbook can be marked" in result.output
    assert "parindex merge" in result.output
    assert not out.exists()


def test_a_formula_with_no_saved_value_does_not_hide_the_other_problems(
        tmp_path: Path) -> None:
    book, bad = _bad_workbook(tmp_path)
    r, letters = find_row(book, "evidence", "evidence", unit="A01", criterion="1.5")
    set_cells(book, "evidence", {f"{letters['value']}{r}": "=1+1"})  # never calculated
    result = invoke("check", "--lang", "en", book)
    assert result.exit_code == 1
    assert f"cell {letters['value']}{r})" in result.output
    assert "formula with no saved result" in result.output
    assert f"(cell {bad['yes']})" in result.output  # checked on: every problem at once
    assert f"(cell {bad['pct']})" in result.output
    assert "no evidence" not in result.output  # the formula cell is not named again
    assert result.output.count("error:") == 3


def test_a_unit_type_of_another_level_is_a_warning(tmp_path: Path) -> None:
    tables = small_tables()
    tables["units"][1]["type"] = "huyen"  # A02 on the commune edition xa-2024
    result = invoke("check", "--lang", "en", small_bundle(tmp_path / "b", tables=tables))
    assert result.exit_code == 0, result.output
    assert "units of type huyen (A02) are not of level xa, the level of xa-2024" \
        in result.output
    assert "(A01)" not in result.output


def _owner_workbook(tmp_path: Path) -> Path:
    """Phòng Nội vụ's part of a district workbook, filled from the district bundle."""
    huyen = huyen_bundle(tmp_path / "huyen")
    template = tmp_path / "noi-vu.xlsx"
    invoke("template", "huyen-2024", "--units", huyen / "units.csv", "--out", template,
           "--owner", HUYEN_OWNERS[0], "--year", "2024")
    return fill_template(template, tmp_path / "noi-vu-filled.xlsx", read_tables(huyen))


def test_a_departments_workbook_warns_only_about_its_own_areas(tmp_path: Path) -> None:
    book = _owner_workbook(tmp_path)
    whole = invoke("check", "--lang", "en", book)
    assert whole.exit_code == 0, whole.output
    # without --owner, every other department's criteria look missing, and the survey
    # (another department's) looks not run
    assert whole.output.count("no evidence for") == 3
    assert "no unit has a survey value" in whole.output
    own = invoke("check", "--lang", "en", book, "--owner", HUYEN_OWNERS[0])
    assert own.exit_code == 0, own.output
    assert WARNING_TAG not in own.output, own.output
    assert "0 error(s), 0 warning(s)" in own.output


def test_check_says_when_the_survey_block_is_rebased(tmp_path: Path) -> None:
    huyen = huyen_bundle(tmp_path / "huyen")
    tables = read_tables(huyen)
    survey = [leaf.code for leaf in load_edition("huyen-2024").leaves if leaf.survey]
    ev = tables["evidence"]
    ev.loc[ev["criterion"].isin(survey), ["value", "appraised"]] = ""
    tables.pop("survey", None)
    folder = write_csv_folder(tmp_path / "no-survey", tables, read_meta(huyen))
    assert "no unit has a survey value" not in invoke("check", "--lang", "en", huyen).output
    result = invoke("check", "--lang", "en", folder)
    assert result.exit_code == 0, result.output
    assert f"no unit has a survey value ({', '.join(survey)})" in result.output
    assert "each index is rebased" in result.output
    assert "no evidence for" not in result.output  # the survey cells are not named again


def test_a_workbooks_meta_problem_names_its_meta_sheet(tmp_path: Path) -> None:
    book = to_xlsx(small_bundle(tmp_path / "small"), tmp_path / "xa.xlsx")
    set_cells(book, "meta", {"B1": 2019})  # before xa-2024 is valid (2021 on)
    result = invoke("check", book, "--lang", "en")
    assert "xa.xlsx [meta]: year: year 2019 is outside the validity of xa-2024" in result.output
    assert "bundle.yaml" not in result.output
