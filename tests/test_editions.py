"""The shipped criteria editions (CONTRACT §1) and their JSON Schema.

Every edition loads, is complete enough to score a real assessment (legal basis, ≥ 30 leaves,
a description on every leaf, areas adding up to 100), and between them they use every input
and score kind. The committed JSON Schema is the one generated from the models, and every
shipped edition validates against it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from parindex.criteria import load_edition, parse_calendar_date, shipped_dir, shipped_ids
from parindex.criteria.model import OneStopInput, ReportsInput, SurveyInput, walk
from parindex.criteria.rules import REGISTRY, best_points
from parindex.criteria.schema import SCHEMA_FILE, schema_text

IDS = shipped_ids()
BAD_CRITERIA = Path(__file__).parent / "fixtures" / "bad" / "criteria"


def _raw(ed_id: str) -> Any:
    return yaml.safe_load((shipped_dir() / f"{ed_id}.yaml").read_text(encoding="utf-8"))


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return schema


def test_the_three_editions_are_shipped() -> None:
    assert {"xa-2017", "xa-2024", "huyen-2024"} <= set(IDS)


@pytest.mark.parametrize("ed_id", IDS)
class TestEachEdition:
    """Each shipped edition is a complete, consistent criteria set."""

    def test_loads_under_its_file_name(self, ed_id: str) -> None:
        ed = load_edition(ed_id)
        assert ed.id == ed_id
        assert ed.model.level == ed_id.split("-")[0]

    def test_has_enough_leaves(self, ed_id: str) -> None:
        assert len(load_edition(ed_id).leaves) >= 30

    def test_has_a_legal_basis(self, ed_id: str) -> None:
        basis = load_edition(ed_id).model.legal_basis
        assert basis
        assert all(len(b.strip()) > 10 for b in basis)

    def test_every_leaf_has_a_description(self, ed_id: str) -> None:
        lacking = [lf.code for lf in load_edition(ed_id).leaves
                   if not (lf.description and lf.description.strip())]
        assert lacking == []

    def test_areas_add_up_to_100(self, ed_id: str) -> None:
        ed = load_edition(ed_id)
        assert ed.scale == 100
        assert sum(a.max for a in ed.areas) == pytest.approx(100)
        assert float(ed.leaf_max.sum()) == pytest.approx(100)

    def test_parents_are_the_sum_of_their_children(self, ed_id: str) -> None:
        ed = load_edition(ed_id)
        for node in ed.nodes:
            assert node.max == pytest.approx(sum(ed.leaves[i].max for i in node.leaves))
            assert node.max > 0

    def test_codes_are_unique_and_nested(self, ed_id: str) -> None:
        ed = load_edition(ed_id)
        codes = [n.code for n in ed.nodes]
        assert len(codes) == len(set(codes))
        for area in ed.model.areas:
            for parents, node in walk(area.criteria):
                parent = parents[-1].code if parents else area.code
                assert node.code.startswith(parent + "."), (parent, node.code)

    def test_every_rule_can_reach_its_max(self, ed_id: str) -> None:
        """A leaf whose best outcome gives less than its max could never score full."""
        short = [lf.code for lf in load_edition(ed_id).leaves
                 if best_points(lf.max, lf.score) < lf.max - 1e-9]
        assert short == []

    def test_bands_descend_to_zero(self, ed_id: str) -> None:
        mins = [b.min for b in load_edition(ed_id).model.bands]
        assert mins == sorted(mins, reverse=True)
        assert mins[-1] == 0
        assert len(mins) >= 4

    def test_calendar_covers_the_report_inputs(self, ed_id: str) -> None:
        ed = load_edition(ed_id)
        for text in ed.model.calendar.values():
            parse_calendar_date(text, 2024)
        for lf in ed.leaves:
            if isinstance(lf.input, ReportsInput):
                assert set(lf.input.of) <= set(ed.model.calendar), lf.code

    def test_has_survey_leaves(self, ed_id: str) -> None:
        ed = load_edition(ed_id)
        assert ed.survey.any()
        assert 0 < float(ed.leaf_max[ed.survey].sum()) < 100

    def test_validates_against_committed_schema(self, ed_id: str) -> None:
        validator = jsonschema.Draft202012Validator(_schema())
        errors = [f"{list(e.absolute_path)}: {e.message}"
                  for e in validator.iter_errors(_raw(ed_id))]
        assert errors == []

    def test_criteria_check_passes(self, ed_id: str) -> None:
        from parindex.criteria import check_edition_text

        text = (shipped_dir() / f"{ed_id}.yaml").read_text(encoding="utf-8")
        edition, problems = check_edition_text(text, f"{ed_id}.yaml")
        assert edition is not None
        assert [p.render() for p in problems] == []


class TestTogether:
    """Between them the shipped editions use every kind the format offers."""

    def test_every_score_kind_is_used(self) -> None:
        used = {lf.kind.name for ed_id in IDS for lf in load_edition(ed_id).leaves}
        assert used == set(REGISTRY)

    def test_every_input_kind_is_used(self) -> None:
        used: set[str] = set()
        for ed_id in IDS:
            for lf in load_edition(ed_id).leaves:
                spec = lf.input
                if isinstance(spec, OneStopInput):
                    used.add(f"one_stop:{spec.one_stop}")
                    if spec.denominator:
                        used.add(f"denominator:{spec.denominator}")
                elif isinstance(spec, ReportsInput):
                    used.add(f"reports:{spec.reports}")
                elif isinstance(spec, SurveyInput):
                    used.add("survey")
                else:
                    used.add(str(spec))
        assert used == {
            "value", "percent",
            "one_stop:on_time_rate", "one_stop:online_rate", "one_stop:late_count",
            "one_stop:overdue_pending",
            "denominator:resolved", "denominator:due", "denominator:received",
            "reports:on_time", "reports:late", "reports:missing", "survey",
        }

    def test_every_not_applicable_policy_is_used(self) -> None:
        used = {lf.na for ed_id in IDS for lf in load_edition(ed_id).leaves}
        assert used == {"rebase", "full", "forbidden"}

    def test_huyen_2024_names_an_owner_for_every_area(self) -> None:
        ed = load_edition("huyen-2024")
        assert [a.code for a in ed.areas if not (a.owner and a.owner.strip())] == []

    def test_xa_2024_previous_maps_to_existing_xa_2017_areas(self) -> None:
        new = load_edition("xa-2024")
        prev = new.model.previous
        assert prev is not None
        assert prev.edition == "xa-2017"
        old_codes = {a.code for a in load_edition(prev.edition).areas}
        new_codes = {a.code for a in new.areas}
        assert set(prev.areas) == new_codes
        for code, targets in prev.areas.items():
            targets = [targets] if isinstance(targets, str) else targets
            assert targets, code
            assert set(targets) <= old_codes, (code, targets)

    def test_commune_editions_follow_each_other(self) -> None:
        """xa-2017 covers the years up to 2020, xa-2024 takes over in 2021 with no gap."""
        old, new = load_edition("xa-2017").model.valid, load_edition("xa-2024").model.valid
        assert old.until is not None
        assert new.from_ == old.until + 1
        assert new.until is None


class TestSchema:
    """The JSON Schema shipped with the package is generated from the models and current."""

    def test_committed_schema_is_current(self) -> None:
        assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), \
            "regenerate with: python -m parindex.criteria.schema"

    def test_schema_is_valid_draft_2020_12(self) -> None:
        schema = _schema()
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)

    def test_schema_accepts_a_small_valid_edition(self) -> None:
        data = yaml.safe_load((BAD_CRITERIA / "_valid.yaml").read_text(encoding="utf-8"))
        assert list(jsonschema.Draft202012Validator(_schema()).iter_errors(data)) == []

    @pytest.mark.parametrize("name", [
        "unknown_key.yaml", "unknown_score_kind.yaml", "unknown_level.yaml",
        "unknown_input.yaml", "unknown_one_stop_metric.yaml", "negative_max.yaml",
        "bad_na_policy.yaml", "forbidden_default_na.yaml", "missing_title.yaml",
        "not_a_mapping.yaml",
    ])
    def test_schema_rejects_structural_mistakes(self, name: str) -> None:
        """Structural mistakes the loader rejects are also flagged by the schema in an editor."""
        data = yaml.safe_load((BAD_CRITERIA / name).read_text(encoding="utf-8"))
        assert list(jsonschema.Draft202012Validator(_schema()).iter_errors(data)), name
