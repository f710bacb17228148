"""Names typed on the command line match forgivingly (issue 11 item 2): unit codes and
names, band names, ranking groups and owners ignore case, accents and separators; a near
miss is refused with ``có phải … ?`` naming the closest names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parindex.cli import app
from parindex.cli.names import pick, unit_of
from parindex.errors import EvidenceError
from parindex.samples.sample import sample_root

S2024 = str(sample_root() / "2024")
BANDS = ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]
OWNERS = ["Phòng Nội vụ", "Phòng Tư pháp", "Văn phòng HĐND và UBND huyện"]


def invoke(*args: str) -> Any:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"}).invoke(app, list(args))


class TestPick:
    """One helper decides what a typed name means."""

    @pytest.mark.parametrize(("typed", "meant"), [
        ("tot", "Tốt"), ("TỐT", "Tốt"), ("xuat sac", "Xuất sắc"), ("xuat_sac", "Xuất sắc"),
        ("trung-binh", "Trung bình"), (" Khá ", "Khá"), ("yeu", "Yếu")])
    def test_bands_without_case_or_accents(self, typed: str, meant: str) -> None:
        assert pick(typed, BANDS, "band") == meant

    @pytest.mark.parametrize(("typed", "meant"), [
        ("phong noi vu", "Phòng Nội vụ"), ("PHÒNG TƯ PHÁP", "Phòng Tư pháp"),
        ("van phong hdnd va ubnd huyen", "Văn phòng HĐND và UBND huyện")])
    def test_owners(self, typed: str, meant: str) -> None:
        assert pick(typed, OWNERS, "owner") == meant

    def test_a_near_miss_asks_did_you_mean(self) -> None:
        with pytest.raises(EvidenceError) as exc:
            pick("Tôt lắm", BANDS, "band", file="xa-2024")
        problem = exc.value.problems[0]
        assert problem.code == "pick.band.near"
        assert problem.render("vi") == 'xa-2024: "Tôt lắm" không phải xếp loại của bộ chỉ số ' \
            '(có phải "Tốt"?)'
        assert problem.render("en").endswith('(did you mean "Tốt"?)')

    def test_far_off_lists_what_there_is(self) -> None:
        with pytest.raises(EvidenceError) as exc:
            pick("zzzz", BANDS, "band")
        problem = exc.value.problems[0]
        assert problem.code == "pick.band"
        assert "Xuất sắc, Tốt, Khá, Trung bình, Yếu" in problem.render("vi")

    def test_names_folding_alike_are_not_guessed(self) -> None:
        """Two names that differ only by accents: the user must say which."""
        with pytest.raises(EvidenceError) as exc:
            pick("ha", ["Hà", "Hạ"], "group")
        assert exc.value.problems[0].code == "pick.group.near"
        assert '"Hà", "Hạ"' in exc.value.problems[0].render("vi")

    @pytest.mark.parametrize(("typed", "code"), [
        ("SM07", "SM07"), ("sm07", "SM07"), (" sm07 ", "SM07"), ("Xã Lạc Trăng", "SM07"),
        ("xa lac trang", "SM07"), ("nn01", "NN01")])
    def test_units_by_code_or_name(self, sample_run: Any, typed: str, code: str) -> None:
        i = unit_of(sample_run, typed)
        assert sample_run.units["code"].iloc[i] == code


class TestCommands:
    """Every command that takes a unit, band, group or owner uses the helper."""

    def test_explain_a_lowercase_code(self) -> None:
        result = invoke("explain", S2024, "sm07", "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["unit"]["code"] == "SM07"

    def test_plan_target_without_accents(self) -> None:
        result = invoke("plan", S2024, "sm07", "--target", "tot", "--format", "json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["target"] == "Tốt"

    def test_plan_unknown_band_is_a_usage_error_with_a_suggestion(self) -> None:
        result = invoke("plan", S2024, "SM07", "--target", "Tôt lắm")
        assert result.exit_code == 2
        assert 'có phải "Tốt"?' in result.stderr
        assert result.stdout == ""

    def test_rank_group_without_accents(self) -> None:
        result = invoke("rank", S2024, "--group", "huyen nui ngoc", "--format", "json")
        assert result.exit_code == 0, result.output
        assert [g["group"] for g in json.loads(result.stdout)] == ["Huyện Núi Ngọc"]

    def test_rank_group_near_miss(self) -> None:
        result = invoke("rank", S2024, "--group", "Huyện Núi Ngọ")
        assert result.exit_code == 1
        assert 'có phải "Huyện Núi Ngọc"?' in result.stderr

    def test_weak_and_whatif_take_a_unit_name(self) -> None:
        weak = invoke("weak", S2024, "xã mỹ sương", "--format", "json")
        assert weak.exit_code == 0, weak.output
        assert json.loads(weak.stdout)["code"] == "SM08"
        whatif = invoke("whatif", S2024, "sm08", "--set", "1.1.3=95", "--format", "json")
        assert whatif.exit_code == 0, whatif.output
        data = json.loads(whatif.stdout)
        assert data["unit"] == "SM08"
        assert [c["criterion"] for c in data["changes"]] == ["1.1.3"]

    def test_template_unit_and_owner(self, tmp_path: Path) -> None:
        units = str(sample_root() / "2024" / "units.csv")
        out = tmp_path / "noi-vu.xlsx"
        result = invoke("template", "huyen-2024", "--units", units, "--unit", "sm07",
                        "--owner", "phong noi vu", "--out", str(out))
        assert result.exit_code == 0, result.output
        assert out.is_file()
        assert "1 đơn vị" in result.stderr
        wrong = invoke("template", "huyen-2024", "--units", units, "--owner", "Phòng Nội",
                       "--out", str(tmp_path / "x.xlsx"))
        assert wrong.exit_code == 1
        assert 'có phải "Phòng Nội vụ"?' in wrong.stderr
