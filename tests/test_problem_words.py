"""Problems carry a reason code and structured fields; the words table renders them in the
language asked for at the edge, English byte for byte as before."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parindex import words
from parindex.cli import app
from parindex.errors import EvidenceError, Problem
from parindex.pipeline import check

BAD = Path(__file__).parent / "fixtures" / "bad" / "bundles"
PACKAGE = Path(words.__file__).resolve().parent


class TestProblemOf:
    """A coded problem: English message and hint from the words; Vietnamese on request."""

    def test_english_as_before_vietnamese_on_request(self) -> None:
        p = Problem.of("units.type", "units.csv", "row 4", field="type", value="xaa", row=4,
                       quoted='"xaa"', types="xa, phuong")
        assert p.message == '"xaa" is not a unit type'
        assert p.hint == "one of xa, phuong"
        assert p.render() == ('units.csv: row 4, column "type": "xaa" is not a unit type '
                              "(one of xa, phuong)")
        assert p.render("vi") == ('units.csv: dòng 4, cột "type": "xaa" không phải loại đơn '
                                  "vị (một trong xa, phuong)")
        assert (p.code, p.row, p.column, p.value) == ("units.type", 4, "type", "xaa")
        assert p.as_dict()["code"] == "units.type"

    def test_a_given_hint_is_kept(self) -> None:
        p = Problem.of("unit.unknown", "evidence.csv", "row 2", field="unit", value="X1",
                       hint='did you mean "XA1"?', quoted='"X1"')
        assert p.render("vi").endswith('không có trong bảng units (did you mean "XA1"?)')

    def test_plain_problems_stay_english(self) -> None:
        p = Problem("a.csv", "row 3", "something", field="value")
        assert p.render("vi") == p.render() == 'a.csv: row 3, column "value": something'
        assert p.as_dict()["code"] is None


@pytest.mark.parametrize("name", ["unit_type_unknown", "unit_listed_twice", "duplicate_row",
                                  "one_stop_unbalanced", "unreadable_date", "parent_criterion",
                                  "adjustment_kind_unknown", "units_missing_column"])
def test_bad_bundles_have_codes_and_a_vietnamese_text(name: str) -> None:
    """The broken-input corpus: each mistake's problem has a code and renders in Vietnamese
    with different words but the same file, place and value."""
    try:
        problems = [p for p in check(BAD / name) if p.severity == "error"]
    except EvidenceError as exc:  # structural problems are raised
        problems = exc.errors
    coded = [p for p in problems if p.code is not None]
    assert coded, [p.render() for p in problems]
    for p in coded:
        vi, en = p.render("vi"), p.render("en")
        assert vi != en
        assert p.file in vi
        if p.value is not None:
            assert str(p.value) in vi


def test_check_json_has_the_code_and_csv_keeps_its_columns() -> None:
    result = CliRunner().invoke(app, ["check", str(BAD / "unit_type_unknown"), "--format",
                                      "json"])
    data = json.loads(result.stdout)
    assert any(p["code"] == "units.type" for p in data["problems"])
    result = CliRunner().invoke(app, ["check", str(BAD / "unit_type_unknown"), "--format",
                                      "csv"])
    assert result.stdout.splitlines()[0] == "severity,file,location,field,value,message,hint"


def test_every_code_has_words() -> None:
    """Every literal reason code in the package has its ``problem.CODE`` text."""
    missing = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            found = [k.value.value for k in node.keywords if k.arg == "code"
                     and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)]
            if isinstance(node.func, ast.Attribute) and node.func.attr == "of" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                found.append(str(node.args[0].value))
            missing += [f"{path.name}: {c}" for c in found if f"problem.{c}" not in words.WORDS]
    assert missing == []
    for key in words.WORDS:
        if key.startswith("hint."):
            assert f"problem.{key[5:]}" in words.WORDS, key
