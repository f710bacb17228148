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

    def test_a_costs_file_that_is_a_folder(self, tmp_path: Path) -> None:
        ed = load_edition(BAD / "criteria" / "_valid.yaml")
        (tmp_path / "costs.yaml").mkdir()
        with pytest.raises(EvidenceError):
            read_costs(tmp_path / "costs.yaml", ed)
