"""`parindex whatif`: changes re-score from the cached run; ranks move only where they should."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from parindex.analysis.whatif import parse_sets, read_scenario, whatif
from parindex.cli import app
from parindex.criteria import shipped_dir
from parindex.errors import EvidenceError
from parindex.evidence.states import VALUE
from parindex.samples.sample import sample_root
from parindex.scoring.run import Change, Run, input_text

SAMPLE = sample_root() / "2024"
runner = CliRunner()


@pytest.fixture(scope="module")
def run(sample_run: Run) -> Run:
    return sample_run


def _same_scores(a: Run, b: Run) -> None:
    for name in a.scores.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(a.scores, name), getattr(b.scores, name),
                                      err_msg=name)


class TestNoChange:
    """What-if with no changes reproduces the run exactly."""

    def test_empty_changes(self, run: Run) -> None:
        w = whatif(run, [], focus="SM03")
        data = w.to_json()
        assert data["before"] == data["after"] == run.unit_result(run.unit_index("SM03"))
        assert data["changes"] == []
        assert data["moved"] == []

    def test_setting_current_inputs_changes_nothing(self, run: Run) -> None:
        """Re-entering every value a unit has (as the explain table shows it) re-scores to
        the same numbers, bit for bit."""
        i = run.unit_index("NN03")
        changes = []
        for leaf in run.edition.leaves:
            j = leaf.index
            text = input_text(run, i, j, "appr")
            if run.inputs.st_appr[i, j] == VALUE and (leaf.keys or leaf.kind.value_kind ==
                                                      "boolean" or float(text) ==
                                                      run.inputs.x_appr[i, j]):
                changes.append(Change("NN03", leaf.code, text))
        assert len(changes) > 30
        _same_scores(run, run.with_changes(changes))
        assert whatif(run, changes).moved() == []


class TestRanksMove:
    """A change to one unit moves only the ranks it should."""

    @settings(max_examples=25, deadline=None)
    @given(unit=st.integers(0, 13), leaf=st.integers(0, 38), up=st.booleans())
    def test_only_units_passed_move(self, run: Run, unit: int, leaf: int, up: bool) -> None:
        lf = run.edition.leaves[leaf]
        if lf.survey:
            return
        value = {"percent": "100" if up else "0", "boolean": "có" if up else "không"}
        kind = "boolean" if lf.kind.value_kind == "boolean" else \
            "percent" if lf.input == "percent" else None
        if kind is None:
            return
        code = run.units["code"].iloc[unit]
        w = whatif(run, [Change(code, lf.code, value[kind])])
        s0, s1 = run.scores, w.after.scores
        lo, hi = sorted((s0.index[unit], s1.index[unit]))
        others = np.arange(len(run.units)) != unit
        # every other unit keeps its index; only those passed (between old and new) move
        np.testing.assert_array_equal(s0.index[others], s1.index[others])
        between = (s0.index >= lo) & (s0.index <= hi) & others
        moved = {m["code"] for m in w.moved()}
        assert moved <= set(run.units["code"][between])
        delta = s1.rank - s0.rank
        assert np.all(np.abs(delta[others]) <= 1)
        assert np.all(delta[others & ~between] == 0)
        same_group = (run.units["group"] == run.units["group"].iloc[unit]).to_numpy()
        assert np.all((s1.group_rank - s0.group_rank)[~same_group] == 0)

    def test_moved_lists_passed_units(self, run: Run) -> None:
        w = whatif(run, parse_sets("SM07", ["1.1.3=95", "3.2.2=có"]))
        data = w.to_json()
        assert data["before"]["rank"] == 8
        assert data["after"]["rank"] == 7
        assert data["moved"] == [{"code": "NN03", "rank_before": 7, "rank_after": 8,
                                  "group_rank_before": 4, "group_rank_after": 4}]
        assert [c["points_after"] - c["points_before"] for c in data["changes"]] == [1.0, 1.0]


class TestInputs:
    """--set items, scenario files and their errors."""

    def test_parse_sets(self) -> None:
        assert parse_sets("A", ["1.1 = 95", "2=có"]) == [Change("A", "1.1", "95"),
                                                       Change("A", "2", "có")]
        with pytest.raises(ValueError, match=re.escape('"1.1"')):
            parse_sets("A", ["1.1"])

    def test_scenario_yaml_and_csv(self, run: Run, tmp_path: Path) -> None:
        y = tmp_path / "s.yaml"
        y.write_text("SM07: {1.1.3: 95}\nNN05:\n  3.2.2: yes\n")
        c = tmp_path / "s.csv"
        c.write_text("unit,criterion,value\nSM07,1.1.3,95\nNN05,3.2.2,yes\n")
        a, b = read_scenario(y), read_scenario(c)
        assert a == b
        w = whatif(run, a)
        data = w.to_json()
        assert [u["unit"] for u in data["units"]] == ["SM07", "NN05"]

    def test_changed_twice_is_an_error(self, run: Run) -> None:
        with pytest.raises(EvidenceError, match="changed twice"):
            whatif(run, parse_sets("SM07", ["1.3=80", "1.3=90"]))

    def test_bad_value_names_it(self, run: Run) -> None:
        with pytest.raises(EvidenceError, match="outside 0–100"):
            whatif(run, parse_sets("SM07", ["1.3=180"]))


class TestWhatifCLI:
    """`parindex whatif` in each format, scenario files, editions compared, errors."""

    def test_json_is_contract_shape(self) -> None:
        res = runner.invoke(app, ["whatif", str(SAMPLE), "SM07", "--set", "1.1.3=95", "-f",
                                  "json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        assert {"unit", "changes", "before", "after", "moved"} <= set(data)
        assert data["changes"][0] | {} == {**data["changes"][0], "criterion": "1.1.3",
                                           "from": "78.5", "to": "95"}

    @pytest.mark.parametrize("fmt", ["table", "csv"])
    def test_table_and_csv(self, fmt: str) -> None:
        res = runner.invoke(app, ["whatif", str(SAMPLE), "SM07", "-s", "1.1.3=95", "-s",
                                  "3.2.2=có", "-f", fmt, "--lang", "en"])
        assert res.exit_code == 0, res.output
        assert "NN03" in res.stdout

    def test_set_without_unit_is_a_usage_error(self) -> None:
        res = runner.invoke(app, ["whatif", str(SAMPLE), "--set", "1.1.3=95"])
        assert res.exit_code == 2

    def test_unknown_criterion_exits_1(self) -> None:
        res = runner.invoke(app, ["whatif", str(SAMPLE), "SM07", "--set", "9.9=1"])
        assert res.exit_code == 1
        assert "Traceback" not in res.output
        assert "9.9" in res.output

    def test_compare_editions(self, tmp_path: Path) -> None:
        """The same bundle under an edition with stricter bands and dense ties."""
        path = _strict_edition(tmp_path)
        res = runner.invoke(app, ["whatif", str(SAMPLE), "--compare", str(path), "-f",
                                  "json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        assert data["edition_before"] == "xa-2024"
        assert data["edition"] == "xa-2024-strict"
        changed = [r for r in data["ranks"] if r["band_before"] != r["band_after"]]
        assert changed
        assert all(r["band_after"] == "Khá" for r in changed)
        assert all(r["rank_before"] == r["rank_after"] for r in data["ranks"])
        res = runner.invoke(app, ["whatif", str(SAMPLE), "SM07", "--compare", str(path),
                                  "--set", "7.1.1=100"])
        assert res.exit_code == 0, res.output
        assert "xa-2024 → xa-2024-strict" in res.stdout

    def test_criteria_overrides_the_edition_as_everywhere(self, tmp_path: Path) -> None:
        """CONTRACT §4: --criteria scores the bundle under that edition, before and after."""
        path = _strict_edition(tmp_path)
        args = [str(SAMPLE), "--criteria", str(path), "-f", "json"]
        score = json.loads(runner.invoke(app, ["score", *args]).stdout)
        res = runner.invoke(app, ["whatif", str(SAMPLE), "SM07", "--set", "7.1.1=100",
                                  "--criteria", str(path), "-f", "json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        assert data["edition"] == "xa-2024-strict"
        assert "edition_before" not in data
        assert data["before"] == next(u for u in score["units"] if u["code"] == "SM07")


def _strict_edition(folder: Path) -> Path:
    """xa-2024 with a stricter Tốt band (85), as a criteria file in ``folder``."""
    text = (shipped_dir() / "xa-2024.yaml").read_text(encoding="utf-8")
    text = text.replace("edition: xa-2024", "edition: xa-2024-strict")
    text = text.replace("{name: Tốt, min: 80}", "{name: Tốt, min: 85}")
    path = folder / "strict.yaml"
    path.write_text(text, encoding="utf-8")
    return path
