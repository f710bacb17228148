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


# ------------------------------------------------------- explain, weak, plan with --owner

OWNER = "Phòng Nội vụ"


def _owned_leaves(owner: str = OWNER) -> list[str]:
    """The leaves of the areas ``owner`` owns in huyen-2024, in the edition's order."""
    from parindex.criteria import load_edition

    ed = load_edition("huyen-2024")
    return [lf.code for lf in ed.leaves if ed.areas[lf.area].owner == owner]


def _owner_row(bundle: Path, unit: str) -> dict[str, Any]:
    own = _json("score", bundle, "--owner", OWNER, "--format", "json")
    row: dict[str, Any] = next(u for u in own["units"] if u["code"] == unit)
    return row


class TestExplainOwner:
    """explain --owner: only the owned leaves, and the department's figures on them."""

    def test_json_lists_exactly_the_owned_leaves_and_score_owners_points(
            self, bundle: Path) -> None:
        whole = _json("explain", bundle, "H02", "--format", "json")
        data = _json("explain", bundle, "H02", "--owner", "phong noi vu", "--format", "json")
        owned = _owned_leaves()
        assert 0 < len(owned) < len(whole["leaves"])
        assert [lf["code"] for lf in data["leaves"]] == owned
        by_code = {lf["code"]: lf for lf in whole["leaves"]}
        assert data["leaves"] == [by_code[c] for c in owned]  # the same rows, only fewer
        row = _owner_row(bundle, "H02")
        assert data["owner"]["owner"] == OWNER
        assert data["owner"]["areas"] == ["1", "4", "5"]
        assert data["owner"]["points"] == pytest.approx(row["points"])
        assert data["owner"]["max"] == pytest.approx(row["max"])
        assert data["owner"]["index"] == pytest.approx(row["index"])
        leaves_sum = sum(lf["appraised_points"] for lf in data["leaves"])
        assert leaves_sum == pytest.approx(row["points"])
        assert data["unit"] == whole["unit"]  # the unit's own result is untouched

    def test_table_title_and_csv(self, bundle: Path) -> None:
        from parindex.report.tables import fmt

        row = _owner_row(bundle, "H01")
        table = invoke("explain", bundle, "H01", "--owner", OWNER)
        assert table.exit_code == 0, table.output
        title = (f"Phòng Nội vụ (lĩnh vực 1, 4, 5): {fmt(row['points'], 'vi')}/"
                 f"{fmt(row['max'], 'vi')} ({fmt(row['index'], 'vi')}%)")
        assert title in table.stdout
        csv = invoke("explain", bundle, "H01", "--owner", OWNER, "--format", "csv")
        assert csv.exit_code == 0, csv.output
        codes = [line.split(",")[0] for line in csv.stdout.splitlines()[1:]]
        assert codes == _owned_leaves()

    def test_docx_sheet_has_the_owned_areas_and_leaves(self, bundle: Path,
                                                       tmp_path: Path) -> None:
        import docx

        from parindex.report.tables import fmt

        out = tmp_path / "H02.docx"
        result = invoke("explain", bundle, "H02", "--owner", OWNER, "--format", "docx",
                        "--out", out)
        assert result.exit_code == 0, result.output
        doc = docx.Document(str(out))
        table = doc.tables[1]  # after the heading block
        codes = [row.cells[0].text for row in table.rows[1:]]
        assert codes == [c for c in codes if c in ("1", "4", "5") or c in _owned_leaves()]
        assert [c for c in codes if c in ("1", "4", "5")] == ["1", "4", "5"]
        assert [c for c in codes if c not in ("1", "4", "5")] == _owned_leaves()
        row = _owner_row(bundle, "H02")
        said = "\n".join(p.text for p in doc.paragraphs)
        assert (f"Phòng Nội vụ (lĩnh vực 1, 4, 5): {fmt(row['points'], 'vi')} trên "
                f"{fmt(row['max'], 'vi')} điểm tối đa") in said


class TestWeakOwner:
    """weak --owner: the unit's losses on the owned leaves and areas only."""

    def test_one_unit(self, bundle: Path) -> None:
        whole = _json("weak", bundle, "H02", "--format", "json")
        data = _json("weak", bundle, "H02", "--owner", OWNER, "--format", "json")
        owned = set(_owned_leaves())
        assert [r["criterion"] for r in data["lost"]] == [
            r["criterion"] for r in whole["lost"] if r["criterion"] in owned]
        assert data["lost"]
        assert data["points_lost"] == pytest.approx(sum(r["lost"] for r in data["lost"]))
        assert data["points_lost"] < whole["points_lost"]
        assert {a["area"] for a in data["areas_below_band"]} <= {"1", "4", "5"}
        assert data["owner"]["points"] == pytest.approx(_owner_row(bundle, "H02")["points"])
        assert data["index"] == whole["index"]  # the unit's index stays the whole one

    def test_every_unit_loses_what_its_owned_areas_lose(self, bundle: Path) -> None:
        data = _json("weak", bundle, "--owner", OWNER, "--format", "json")
        assert data["owner"] == {"owner": OWNER, "areas": ["1", "4", "5"]}
        for unit in data["units"]:
            row = _owner_row(bundle, unit["code"])
            # points lost on owned leaves = their applicable max − points (no rebased NA here)
            assert unit["points_lost"] == pytest.approx(row["max"] - row["points"])


class TestPlanOwner:
    """plan --owner: the plan lifts only the department's leaves; the target stays the
    unit's band."""

    def test_only_owned_leaves_change(self, bundle: Path) -> None:
        whole = _json("plan", bundle, "H02", "--target", "kha", "--format", "json")
        data = _json("plan", bundle, "H02", "--target", "kha", "--owner", OWNER,
                     "--format", "json")
        owned = set(_owned_leaves())
        assert {c["criterion"] for c in whole["changes"]} - owned  # the whole plan goes wider
        assert data["changes"]
        assert {c["criterion"] for c in data["changes"]} <= owned
        assert {i["criterion"] for i in data["improvements"]} <= owned
        assert data["target"] == "Khá"
        assert data["before"] == whole["before"]
        gained = sum(c["points_gained"] for c in data["changes"])
        own = data["owner"]
        assert own["after"]["points"] == pytest.approx(own["points"] + gained)
        assert data["after"]["total"] == pytest.approx(data["before"]["total"] + gained)
        sets = [a for c in data["changes"] for a in ("--set", f"{c['criterion']}={c['to']}")]
        after = _json("whatif", bundle, "H02", *sets, "--format", "json")["after"]
        assert after == data["after"]

    def test_table_says_whose_leaves(self, bundle: Path) -> None:
        result = invoke("plan", bundle, "H02", "--target", "kha", "--owner", OWNER)
        assert result.exit_code == 0, result.output
        assert "Chỉ nâng các tiêu chí của Phòng Nội vụ (lĩnh vực 1, 4, 5)" in result.stdout


@pytest.mark.parametrize("args", [("explain", "H02"), ("weak", "H02"), ("weak",),
                                  ("plan", "H02", "--target", "kha")])
def test_an_unknown_owner_is_refused_in_vietnamese(bundle: Path, args: tuple[str, ...]) -> None:
    result = invoke(args[0], bundle, *args[1:], "--owner", "Phòng Văn hóa")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert 'không có lĩnh vực nào do "Phòng Văn hóa" chủ trì' in result.output
    assert "Phòng Nội vụ" in result.output  # the owners there are


def test_an_edition_without_owners_refuses_every_owner() -> None:
    """xa-2024 (the sample district) names no owner: --owner is refused, saying so."""
    import parindex

    sample = Path(parindex.__file__).parent / "samples" / "sample_district" / "2024"
    for args in (("score",), ("explain", "SM07"), ("weak",)):
        result = invoke(args[0], sample, *args[1:], "--owner", "Phòng Nội vụ")
        assert result.exit_code == 1
        assert result.stdout == ""
        assert "bộ chỉ số xa-2024 không ghi cơ quan chủ trì (owner) cho lĩnh vực nào" in \
            result.output


def test_a_workbook_owner_the_edition_does_not_name_is_refused_in_words() -> None:
    """A department's template for an owner no area has: the words of ``--owner``, in both
    languages, naming the owners there are."""
    from parindex.criteria.loader import check_edition_file, shipped_dir
    from parindex.errors import EvidenceError
    from parindex.evidence.template_leaves import select_leaves

    edition, _ = check_edition_file(shipped_dir() / "huyen-2024.yaml")
    assert edition is not None
    assert len(select_leaves(edition, "phòng nội vụ")) > 0
    with pytest.raises(EvidenceError) as caught:
        select_leaves(edition, "Phòng Không Có")
    problem = caught.value.problems[0]
    assert problem.code == "pick.owner"
    assert problem.reason("vi") == (
        'không có lĩnh vực nào do "Phòng Không Có" chủ trì (các cơ quan chủ trì: Phòng Nội vụ, '
        "Phòng Tài chính - Kế hoạch, Phòng Tư pháp, Văn phòng HĐND và UBND huyện)")
