"""The readers' edges: files that are empty, in a broken encoding, too big, folders or
devices; YAML with keys that are not text; template columns in a CSV. Each is a problem
naming the file, never a traceback."""

from __future__ import annotations

import codecs
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from parindex.analysis.costs import read_costs
from parindex.criteria import check_edition_file, load_edition
from parindex.criteria.yaml_file import MAX_FILE_BYTES, read_yaml
from parindex.errors import EvidenceError, Problem
from parindex.evidence.read_csv import read_csv_file, read_csv_folder, read_csv_table

BAD = Path(__file__).parent / "fixtures" / "bad"
VALID = BAD / "bundles" / "_valid"


def _messages(problems: Sequence[Problem]) -> str:
    return "\n".join(p.message for p in problems)


class TestCsvEdges:
    """CSV files that cannot be read are one problem each."""

    def test_empty_file(self, tmp_path: Path) -> None:
        path = tmp_path / "units.csv"
        path.write_bytes(b"")
        df, problems = read_csv_file(path, "units")
        assert df is None
        assert "is empty" in _messages(problems)

    def test_bom_then_bytes_no_encoding_reads(self, tmp_path: Path) -> None:
        path = tmp_path / "units.csv"
        path.write_bytes(codecs.BOM_UTF8 + b"code,name\nA01,X\x81\n")
        df, problems = read_csv_file(path, "units")
        assert df is None
        assert [p.location for p in problems] == ["row 2"]

    def test_broken_utf16(self, tmp_path: Path) -> None:
        path = tmp_path / "units.csv"
        path.write_bytes(codecs.BOM_UTF16_LE + "code,name\n".encode("utf-16-le") + b"\x00\xd8")
        df, problems = read_csv_file(path, "units")
        assert df is None
        assert "not UTF-8 text" in _messages(problems)

    def test_template_columns_are_not_read(self, tmp_path: Path) -> None:
        path = tmp_path / "evidence.csv"
        path.write_text("Mã đơn vị,Tên tiêu chí,Mã tiêu chí,Số liệu tự đánh giá\n"
                        "A01,Kế hoạch,1.1,dung_han\n", encoding="utf-8")
        df, problems = read_csv_file(path, "evidence")
        assert problems == []
        assert df is not None
        assert list(df.columns) == ["unit", "criterion", "value", "_row"]

    def test_read_csv_table_raises_with_the_problem(self, tmp_path: Path) -> None:
        path = tmp_path / "scenario.csv"
        path.write_bytes(b"")
        with pytest.raises(EvidenceError, match="is empty"):
            read_csv_table(path)

    def test_bundle_yaml_not_a_mapping(self, tmp_path: Path) -> None:
        folder = tmp_path / "b"
        shutil.copytree(VALID, folder)
        (folder / "bundle.yaml").write_text("- 2024\n- tiny\n", encoding="utf-8")
        raw = read_csv_folder(folder)
        assert "must be a mapping" in _messages(raw.problems)

    def test_texts_that_read_as_numbers_stay_text(self, tmp_path: Path) -> None:
        """Read as codes and distinct texts, a column whose every cell reads as a number or
        true/false is still the text written: 1.10 is not 1.1, 01 is not 1."""
        folder = tmp_path / "b"
        folder.mkdir()
        (folder / "evidence.csv").write_text("unit,criterion,value\nA,1.1,01\nA,1.10,1\n"
                                             "A,01,TRUE\n", encoding="utf-8")
        (folder / "survey.csv").write_text("unit,respondent,question,answer\n1,01,Q,A\n"
                                           "1,1,Q,B\n", encoding="utf-8")
        for codes in (False, True):
            tables = read_csv_folder(folder, codes=codes).tables
            assert tables["evidence"]["criterion"].tolist() == ["1.1", "1.10", "01"]
            assert tables["evidence"]["value"].tolist() == ["01", "1", "TRUE"]
            assert tables["survey"]["respondent"].tolist() == ["01", "1"]


#: each file, and the rows a spreadsheet (or Notepad) shows for its two data rows
EMPTY_LINES = [
    (b"unit,criterion,value\nA,1,x\nB,2,y\n", [2, 3]),
    (b"unit,criterion,value\nA,1,x\n\nB,2,y\n", [2, 4]),  # an empty line between rows
    (b"\n\nunit,criterion,value\nA,1,x\n\nB,2,y\n", [4, 6]),  # and two above the headings
    (b"\xef\xbb\xbf\r\nunit;criterion;value\r\nA;1;x\r\n\r\nB;2;y\r\n", [3, 5]),
    (b"unit,criterion,value\rA,1,x\r\rB,2,y\r", [2, 4]),  # old Mac line ends
    (b" \n\t\nunit,criterion,value\nA,1,x\n  \nB,2,y\n", [4, 6]),  # lines of spaces
    ("\nunit,criterion,value\nA,1,x\n\nB,2,y\n".encode("utf-16"), [3, 5]),
]


class TestCsvRows:
    """Rows are numbered as a spreadsheet shows them, empty lines included; a row the
    parser cannot split says which row and what to do."""

    @pytest.mark.parametrize(("data", "rows"), EMPTY_LINES)
    @pytest.mark.parametrize("codes", [False, True])
    def test_empty_lines_keep_the_rows_numbers(self, tmp_path: Path, data: bytes,
                                               rows: list[int], codes: bool) -> None:
        path = tmp_path / "evidence.csv"
        path.write_bytes(data)
        df, problems = read_csv_file(path, "evidence", codes)
        assert df is not None
        assert [p.code for p in problems] == (["csv.utf16"] if data[:2] == b"\xff\xfe" else [])
        assert df["unit"].tolist() == ["A", "B"]
        assert df["value"].tolist() == ["x", "y"]
        assert df["_row"].tolist() == rows

    def test_a_problem_is_on_the_row_below_an_empty_line(self, tmp_path: Path) -> None:
        folder = tmp_path / "b"
        shutil.copytree(VALID, folder)
        shutil.copy(BAD / "bundles" / "tiny.yaml", tmp_path)  # the bundle's ../tiny.yaml
        path = folder / "evidence.csv"
        lines = path.read_text(encoding="utf-8").split("\n")
        bad = 3  # spreadsheet row 3 (lines[2]) gets a value no leaf takes
        cells = lines[bad - 1].split(",")
        cells[2] = "xyz%"
        lines[bad - 1] = ",".join(cells)
        path.write_text("\n".join([*lines[:1], "", *lines[1:]]), encoding="utf-8")
        from parindex.pipeline import checked

        found = checked(folder)
        assert [p.row for p in found.errors if p.value == "xyz%"] == [bad + 1]

    @pytest.mark.parametrize(("data", "code", "row", "vi"), [
        (b"unit,criterion,value\nA,1,x\n\nB,2,Plan no. 12, 5 January\n", "csv.extra_cells", 4,
         "dòng 4: có 4 ô, nhiều hơn 3 cột của dòng tiêu đề (một ô có dấu phẩy hay chấm phẩy "
         "phải nằm trong ngoặc kép"),
        (b"\nunit,criterion,value\nA,1,x\nB,\"2,y\nC,3,z\n", "csv.open_quote", 4,
         "dòng 4: dấu ngoặc kép mở ở dòng này không được đóng"),
    ])
    def test_a_row_the_parser_cannot_split(self, tmp_path: Path, data: bytes, code: str,
                                           row: int, vi: str) -> None:
        path = tmp_path / "evidence.csv"
        path.write_bytes(data)
        for codes in (False, True):
            df, problems = read_csv_file(path, "evidence", codes)
            assert df is None
            assert [(p.code, p.row, p.location) for p in problems] == [(code, row, f"row {row}")]
            assert vi in problems[0].render("vi")


class TestYamlEdges:
    """YAML and edition files that cannot be read are one problem each."""

    def test_a_key_that_is_not_text(self) -> None:
        _, _, problems = read_yaml("? [a, b]\n: 1\n", "x.yaml")
        assert "a mapping key must be plain text" in _messages(problems)

    def test_a_folder(self, tmp_path: Path) -> None:
        edition, problems = check_edition_file(tmp_path)
        assert edition is None
        assert "it is a folder or a device" in _messages(problems)

    def test_too_big(self, tmp_path: Path) -> None:
        path = tmp_path / "big.yaml"
        with path.open("wb") as fh:
            fh.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written
        edition, problems = check_edition_file(path)
        assert edition is None
        assert "more than a criteria file may be" in _messages(problems)

    def test_not_utf8(self, tmp_path: Path) -> None:
        path = tmp_path / "latin1.yaml"
        path.write_bytes((BAD / "criteria" / "_valid.yaml").read_bytes() + "# é\n".encode(
            "latin-1"))
        edition, problems = check_edition_file(path)
        assert edition is None
        assert "not UTF-8 text" in _messages(problems)
        lines = (BAD / "criteria" / "_valid.yaml").read_bytes().count(b"\n")
        assert [p.location for p in problems] == [f"line {lines + 1}, column 3"]
        assert problems[0].render("vi").startswith(f"latin1.yaml: dòng {lines + 1}, cột 3: ")

    def test_a_costs_file_that_is_a_folder(self, tmp_path: Path) -> None:
        ed = load_edition(BAD / "criteria" / "_valid.yaml")
        (tmp_path / "costs.yaml").mkdir()
        with pytest.raises(EvidenceError):
            read_costs(tmp_path / "costs.yaml", ed)
