"""A save that re-checks only the row it wrote answers exactly what the whole unit's check
answers: the row checked alone (``evidence/check_cell.py``) against the whole check of a
bundle, for every leaf of every shipped edition and many spellings; and through the
workspace's save, the answer from the unit's kept state against the answer with no state,
value by value, including the refusals. The state is kept in the unit's row, written with
each write: a write rolled back takes it with it, and a state made for another unit row or
cycle shape is not used."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytest.importorskip("django")

from web_support import client_for

from parindex.criteria import load_edition, shipped_dir, shipped_ids
from parindex.criteria.compiled import CompiledEdition, Leaf
from parindex.errors import Problem

#: spellings a person types, valid and not, for every kind of leaf
TEXTS = ["", "NA", "n/a", "Không áp dụng", "0", "1", "2", "2,5", "0,5", "1.5", "0.95", "7",
         "100", "101", "-1", "50%", "92,5 %", "31/75", "80/75", "3/0", "1/2", "1.234",
         "1.234,5", " 7 ", "x", "X", "có", "Không", "yes", "đạt", "abc", "'=1", "1e3", "inf",
         "Céng hoµ x· héi", "\u00a012\u00a0", "Ca\u0301"]


#: a few of them, through the workspace's save (each checked twice: kept and not)
FEW = ["", "NA", "abc", "2,5", "31/75", "50%", "101", "x", "Céng hoµ x· héi"]


def _texts(leaf: Leaf) -> list[str]:
    keys = [*leaf.keys, *(k.upper() for k in leaf.keys), *(lb for lb in leaf.labels if lb)]
    return TEXTS + keys + [f"{leaf.max:g}", f"{leaf.max + 0.5:g}".replace(".", ",")]


def _same_problem(a: Problem, b: Problem) -> None:
    """The same problem, wherever it is (a row alone is not at the bundle's row)."""
    assert dataclasses.replace(a, location="", row=None) == \
        dataclasses.replace(b, location="", row=None)
    for lang in ("vi", "en"):
        assert a.reason(lang) == b.reason(lang)


def _same_number(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _whole_check(edition: CompiledEdition, rows: list[tuple[str, str, str]]) -> Any:
    """The whole check of a bundle of one unit per row (criterion, value, appraised)."""
    from parindex.evidence.bundle import bundle_from
    from parindex.evidence.tables import RawTables
    from parindex.pipeline import check_bundle

    codes = [f"U{i:04d}" for i in range(len(rows))]
    units = pd.DataFrame({"code": codes, "name": codes, "type": "xa", "group": "G",
                          "_row": range(2, len(rows) + 2)}, dtype=object)
    evidence = pd.DataFrame({"unit": codes, "criterion": [r[0] for r in rows],
                             "value": [r[1] for r in rows], "appraised": [r[2] for r in rows],
                             "_row": range(2, len(rows) + 2)}, dtype=object)
    raw = RawTables(Path("b"), {"year": 2024, "edition": edition.id}, "bundle.yaml",
                    {"units": units, "evidence": evidence},
                    {"units": "units.csv", "evidence": "evidence.csv"})
    return check_bundle(bundle_from(raw, Path("b")), edition)


@pytest.mark.parametrize("edition_id", shipped_ids())
@pytest.mark.parametrize("column", ["value", "appraised"])
def test_a_row_checked_alone_reads_as_in_the_whole_check(edition_id: str, column: str
                                                         ) -> None:
    from parindex.evidence.check_cell import alone, check_row
    from parindex.evidence.legacy import legacy_encoding

    edition = load_edition(shipped_dir() / f"{edition_id}.yaml")
    rows = [(leaf.code, text, "") if column == "value" else (leaf.code, "1", text)
            for leaf in edition.leaves
            for text in _texts(leaf)[:: 1 if column == "value" else 3]]
    whole = _whole_check(edition, rows)
    errors: dict[int, list[Problem]] = {}
    for p in whole.errors:  # "row N": plain-text problems carry no row number
        errors.setdefault(int(p.location.split()[1]), []).append(p)
    inputs, fast, refused = whole.inputs, 0, 0
    for i, (criterion, value, appraised) in enumerate(rows):
        row = check_row(edition, 2024, "ANY", criterion, value, appraised)  # any unit
        if row is None:  # the whole unit is checked: a computed leaf, or legacy text
            assert not alone(edition, criterion) or any(
                legacy_encoding(t.strip()) for t in (value, appraised))
            continue
        fast += 1
        mine = errors.get(i + 2, [])
        assert len(row.errors) == len(mine), (criterion, value, appraised)
        for a, b in zip(row.errors, mine, strict=True):
            _same_problem(a, b)
        refused += bool(mine)
        if mine:
            continue
        j = row.leaf
        assert edition.leaves[j].code == criterion
        assert _same_number(row.x_self, inputs.x_self[i, j]), (criterion, value)
        assert row.st_self == inputs.st_self[i, j]
        assert _same_number(row.x_appr, inputs.x_appr[i, j]), (criterion, appraised)
        assert row.st_appr == inputs.st_appr[i, j]
    # both answers were seen many times: values taken and values refused
    assert fast > 5 * len(edition.leaves)
    assert refused > 2 * len(edition.leaves)


# -- through the workspace's save ----------------------------------------------------------


def _outcome(user: Any, cycle: Any, code: str, criterion: str, field: str, text: str
             ) -> tuple[Any, ...]:
    from parindex.web import services

    try:
        row, result = services.patch_evidence(user, cycle, code, criterion, {field: text},
                                              None, "vi")
    except services.Refused as exc:
        return (exc.status, exc.code, exc.message, exc.extra)
    return (200, getattr(row, field), result)


def forget(cycle: Any, code: str) -> None:
    """The unit's kept state dropped from its row: its next write checks the whole unit."""
    from parindex.web import models as m

    m.Member.objects.filter(cycle=cycle, unit__code=code).update(state=None)


def _both(user: Any, cycle: Any, code: str, criterion: str, field: str, text: str,
          calls: list[str]) -> tuple[tuple[Any, ...], tuple[Any, ...], bool]:
    """The save's answer from the unit's kept state (as the last write left it), and with
    no state kept; and whether the first answer needed the whole unit's check."""
    from django.db import transaction

    answers, whole = [], True
    for kept in (True, False):
        with transaction.atomic():
            if not kept:
                forget(cycle, code)
            calls.clear()
            answers.append(_outcome(user, cycle, code, criterion, field, text))
            if kept:
                whole = bool(calls)
            transaction.set_rollback(True)
    return answers[0], answers[1], whole


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The units checked whole (calls of ``scores.unit_errors``)."""
    from parindex.web import scores

    calls: list[str] = []
    real = scores.unit_errors

    def unit_errors(cycle: Any, code: str) -> Any:
        calls.append(code)
        return real(cycle, code)

    monkeypatch.setattr(scores, "unit_errors", unit_errors)
    return calls


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["value", "appraised"])
def test_the_fast_save_answers_as_the_full_check(cycle: Any, counted: list[str],
                                                 field: str) -> None:
    from django.contrib.auth import get_user_model

    from parindex.web import models as m
    from parindex.web import services, store

    users = get_user_model().objects
    if field == "appraised":
        services.move_round(users.get(username="noivu"), cycle, "appraisal", "31/12/2099",
                            "vi")
    user = users.get(username="sm01" if field == "value" else "thamdinh")
    edition = store.compiled(cycle.edition)
    warm = "note" if field == "value" else "comment"  # a write of the same side
    services.patch_evidence(user, cycle, "SM01", "1.1.1", {warm: "warm"}, None, "vi")
    current = dict(m.Evidence.objects.filter(member__cycle=cycle, member__unit__code="SM01")
                   .values_list("criterion", field))
    taken = refused = 0
    for leaf in edition.leaves:
        texts = FEW if field == "value" else FEW[:5]
        for text in [*texts, *leaf.keys[:1]]:
            fast, full, whole = _both(user, cycle, "SM01", leaf.code, field, text, counted)
            assert fast == full, (leaf.code, text)
            changed = text != current.get(leaf.code, "")  # else nothing to check again
            assert whole == (changed and (leaf.computed or "µ" in text)), (leaf.code, text)
            taken += fast[0] == 200
            refused += fast[0] == 400
    assert taken > len(edition.leaves)
    assert refused > len(edition.leaves)


@pytest.mark.django_db
def test_notes_and_repeats_answer_from_the_kept_state(cycle: Any, counted: list[str]
                                                      ) -> None:
    from django.contrib.auth import get_user_model

    from parindex.web import models as m
    from parindex.web import scores, services

    def state() -> bytes | None:
        found = m.Member.objects.get(cycle=cycle, unit__code="SM02").state
        return None if found is None else bytes(found)

    user = get_user_model().objects.get(username="sm02")
    assert state() is not None  # the import kept every unit's state
    m.Member.objects.filter(cycle=cycle, unit__code="SM02").update(state=None)
    _, first = services.patch_evidence(user, cycle, "SM02", "1.3", {"value": "40"}, None, "vi")
    assert counted == ["SM02"]  # so the whole unit
    kept = state()
    assert kept is not None
    assert len(kept) < 4000
    for fields in ({"note": "đã kiểm"}, {"source": "QĐ 12"}, {"value": "40"}):
        _, again = services.patch_evidence(user, cycle, "SM02", "1.3", fields, None, "vi")
        assert again == first
    assert counted == ["SM02"]
    assert state() == kept  # nothing the check reads changed
    _, changed = services.patch_evidence(user, cycle, "SM02", "1.3", {"value": "90"}, None,
                                         "vi")
    assert counted == ["SM02"]
    assert changed != first
    assert state() != kept
    entry = scores.unit_result(cycle, "SM02")
    assert changed == {**entry, "rank": None, "group_rank": None}


@pytest.mark.django_db
def test_a_write_rolled_back_takes_its_state_with_it(cycle: Any, counted: list[str]) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from parindex.web import services

    user = get_user_model().objects.get(username="sm01")
    _, before = services.patch_evidence(user, cycle, "SM01", "1.3", {"note": "a"}, None, "vi")
    with transaction.atomic():
        _, during = services.patch_evidence(user, cycle, "SM01", "1.3", {"value": "0"}, None,
                                            "vi")
        transaction.set_rollback(True)
    assert during != before
    counted.clear()
    _, after = services.patch_evidence(user, cycle, "SM01", "1.3", {"note": "b"}, None, "vi")
    assert after == before
    assert counted == []  # from the state the database holds, not the rolled-back one


@pytest.mark.django_db
def test_a_state_of_another_unit_row_or_cycle_is_not_used(cycle: Any, counted: list[str]
                                                          ) -> None:
    """The unit's own row (name, type, group, ranked) and the cycle (year, edition,
    tables) are part of the check: a state made with others is not used."""
    from django.contrib.auth import get_user_model

    from parindex.web import models as m
    from parindex.web import scores, services

    user = get_user_model().objects.get(username="sm03")
    services.patch_evidence(user, cycle, "SM03", "1.4", {"value": "10"}, None, "vi")
    member = m.Member.objects.get(cycle=cycle, unit__code="SM03")
    m.Member.objects.filter(pk=member.pk).update(group="Nhóm khác")
    counted.clear()
    _, result = services.patch_evidence(user, cycle, "SM03", "1.4", {"note": "y"}, None, "vi")
    assert counted == ["SM03"]
    assert result["group"] == "Nhóm khác"
    assert result == {**scores.unit_result(cycle, "SM03"), "rank": None, "group_rank": None}
    counted.clear()
    m.Cycle.objects.filter(pk=cycle.pk).update(year=2025)
    cycle.refresh_from_db()
    services.patch_evidence(user, cycle, "SM03", "1.4", {"value": "20"}, None, "vi")
    assert counted == ["SM03"]


@pytest.mark.django_db
def test_a_refused_value_keeps_the_state_and_the_row(cycle: Any, counted: list[str]) -> None:
    import json

    c = client_for("sm01")
    c.cookies["csrftoken"] = "e" * 32
    url = f"/api/cycles/{cycle.id}/units/SM01/evidence/1.1.3"

    def patch(value: str) -> Any:
        return c.patch(url, json.dumps({"value": value}), content_type="application/json",
                       HTTP_X_CSRFTOKEN="e" * 32)

    assert patch("70").status_code == 200
    counted.clear()
    bad = patch("NA")  # not applicable is forbidden for 1.1.3
    assert bad.status_code == 400
    assert bad.json()["field"] == "value"
    assert "1.1.3" in bad.json()["message"]
    assert patch("170").status_code == 400
    good = patch("80")
    assert good.status_code == 200
    assert counted == []
    assert good.json()["evidence"]["value"] == "80"
    forget(cycle, "SM01")
    again = patch("NA")
    assert again.json() == bad.json()
    assert counted == ["SM01"]


@pytest.mark.django_db
def test_the_import_keeps_each_units_state_as_its_own_check_makes_it(cycle: Any) -> None:
    """The import checks the whole cycle and writes every unit's state from it: byte for
    byte the state that checking the unit alone writes, and the league stacked from them
    is the league of the whole check."""
    from parindex.web import models as m
    from parindex.web import scores, store, unit_state

    members = list(m.Member.objects.filter(cycle=cycle).select_related("unit"))
    assert members
    assert all(mb.state for mb in members)
    for member in members:
        run, problems = scores.unit_errors(cycle, member.code)
        assert run is not None, problems
        assert unit_state.encode(cycle, member, run) == bytes(member.state), member.code
    stacked = unit_state.league(cycle, store.compiled(cycle.edition))
    assert stacked is not None
    whole = scores.cycle_run(cycle)
    assert stacked.to_json() == whole.to_json()
