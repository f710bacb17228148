"""The YAML case corpus and its harness (tests/conftest.py) are themselves sound."""

from __future__ import annotations

import copy
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest
import yaml

from parindex.pipeline import open_run

CASES_DIR = Path(__file__).parent / "cases"


def _harness() -> ModuleType:
    import conftest  # tests/conftest.py: the case collector and its helpers

    return conftest


def _cases() -> list[tuple[str, dict[str, Any]]]:
    loader = _harness().CaseLoader
    out = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        out += [(path.name, case) for case in data["cases"]]
    return out


class TestCorpus:
    """Every case file states its theme, and every case expects something."""

    def test_at_least_forty_cases(self) -> None:
        assert len(_cases()) >= 40

    @pytest.mark.parametrize("path", sorted(CASES_DIR.glob("*.yaml")), ids=lambda p: p.name)
    def test_each_file_opens_with_a_comment_on_its_theme(self, path: Path) -> None:
        assert path.read_text(encoding="utf-8").startswith("#")

    def test_each_case_has_expectations_or_an_expected_error(self) -> None:
        for file, case in _cases():
            assert bool(case.get("expect")) != bool(case.get("expect_error")), (
                f"{file}: {case['name']}")


class TestHarness:
    """A wrong expectation fails and names the unit and the key."""

    CASE: ClassVar[dict[str, Any]] = {
        "name": "harness",
        "edition": {
            "edition": "t-harness", "title": "H", "level": "xa",
            "valid": {"from": 2021, "until": None}, "scale": 2,
            "bands": [{"name": "Tốt", "min": 50}, {"name": "Yếu", "min": 0}],
            "areas": [{"code": "1", "name": "A", "criteria": [
                {"code": "1.1", "name": "B", "max": 2, "score": "manual"}]}],
        },
        "units": [{"code": "A", "name": "Xã A", "type": "xa", "group": "G1"}],
        "evidence": [{"unit": "A", "criterion": "1.1", "value": "1,5"}],
        "expect": {"A": {"leaves": {"1.1": 1.5}, "nodes": {"1": 1.5}, "total": 1.5,
                         "index": 75, "band": "Tốt", "rank": 1, "missing": []}},
    }

    def _compare(self, case: dict[str, Any], tmp_path: Path) -> list[str]:
        h = _harness()
        run = open_run(h.write_bundle(case, tmp_path, CASES_DIR))
        lines: list[str] = h.compare(run, case)
        return lines

    def test_right_expectations_pass(self, tmp_path: Path) -> None:
        assert self._compare(self.CASE, tmp_path) == []

    def test_wrong_expectations_name_the_unit_and_key(self, tmp_path: Path) -> None:
        case = copy.deepcopy(self.CASE)
        case["expect"]["A"].update({"total": 1.4, "band": "Yếu", "leaves": {"1.1": 2},
                                    "missing": ["1.1"]})
        lines = self._compare(case, tmp_path)
        assert any(line.startswith("unit A, total: expected 1.4, got 1.5") for line in lines)
        assert any(line.startswith("unit A, band:") for line in lines)
        assert any(line.startswith("unit A, leaves 1.1:") for line in lines)
        assert any(line.startswith("unit A, missing:") for line in lines)
        assert len(lines) == 4

    def test_unknown_units_leaves_and_keys_are_reported(self, tmp_path: Path) -> None:
        case = copy.deepcopy(self.CASE)
        case["expect"] = {"Z": {"total": 0}, "A": {"leaves": {"9.9": 0}, "totl": 1}}
        lines = self._compare(case, tmp_path)
        assert "unit Z: not in the results" in lines
        assert any("leaves 9.9: not a leaf" in line for line in lines)
        assert any("unknown expectation key 'totl'" in line for line in lines)
