"""``parindex score BUNDLE --owner NAME`` (issue #15 item 5): a department's own figures —
each unit's points, applicable max and index on the areas it owns, from the same run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from workbook_helpers import huyen_bundle, invoke


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return huyen_bundle(tmp_path_factory.mktemp("huyen") / "b")


def _json(*args: object) -> dict[str, Any]:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_the_owners_areas_summed_from_the_whole_score(bundle: Path) -> None:
    whole = {u["code"]: u for u in _json("score", bundle, "--format", "json")["units"]}
    own = _json("score", bundle, "--owner", "phong noi vu", "--format", "json")
    assert own["owner"] == "Phòng Nội vụ"  # matched without case and accents
    assert own["areas"]
    assert [u["code"] for u in own["units"]] == list(whole)  # by rank, as score lists them
    for unit in own["units"]:
        areas = {a["code"]: a for a in whole[unit["code"]]["areas"]}
        mine = [areas[code] for code in own["areas"]]
        assert unit["areas"] == mine
        assert unit["points"] == pytest.approx(sum(a["points"] for a in mine))
        assert unit["max"] == pytest.approx(sum(a["max"] for a in mine))
        assert unit["index"] == pytest.approx(unit["points"] / unit["max"] * 100)


def test_the_table_in_vietnamese_and_a_near_miss(bundle: Path) -> None:
    result = invoke("score", bundle, "--owner", "Phòng Nội vụ")
    assert result.exit_code == 0, result.output
    assert "Phòng Nội vụ — huyen-2024" in result.stdout
    assert "Điểm tối đa" in result.stdout
    wrong = invoke("score", bundle, "--owner", "Phong Noi")
    assert wrong.exit_code != 0
    assert "có phải" in wrong.output
    assert "Phòng Nội vụ" in wrong.output
