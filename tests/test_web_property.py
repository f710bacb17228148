"""The workspace and the command line agree: after random edits through the API (declared
values from each leaf's valid inputs, one-stop counts, report dates, then appraised values
in the appraisal round) the cycle exported as a bundle scores, by ``parindex score --format
json``, to exactly what ``GET /api/cycles/{id}/results`` answers; and each write's answer
holds the unit's entry of those results (ranks aside). Also: export → import → export is
the same files, for every sample year."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("django")

from web_support import client_for

pytestmark = pytest.mark.django_db

CSRF = "d" * 32
UNITS = ["SM01", "SM02", "SM03", "NN01", "NN04", "NN07"]
PERIODS = ["Q1", "Q2", "Q3", "Q4"]
REPORTS = ["Q1", "H1", "Q3", "YEAR"]


def _leaves() -> list[Any]:
    from parindex.criteria import load_edition, shipped_dir

    return [leaf for leaf in load_edition(shipped_dir() / "xa-2024.yaml").leaves
            if not leaf.computed]


def _decimal(whole: int, half: bool) -> str:
    return f"{whole},5" if half else str(whole)


@st.composite
def cell(draw: st.DrawFn, leaf: Any) -> str:
    """A valid input for ``leaf``, in the spellings a unit types."""
    from parindex.evidence.parse import leaf_kind
    from parindex.evidence.template_leaves import choices, validation_of

    na = ["NA"] if leaf.na != "forbidden" else []
    kind = leaf_kind(leaf)
    if kind == "percent":
        n = draw(st.integers(0, 100))
        typed = draw(st.sampled_from(["n", "n%", "half", "frac"]))
        if typed == "frac":
            d = draw(st.integers(1, 80))
            value = f"{draw(st.integers(0, d))}/{d}"
        else:
            value = {"n": str(n), "n%": f"{n}%", "half": _decimal(min(n, 99), True)}[typed]
    elif kind == "key":
        value = draw(st.sampled_from(choices(leaf)))
    elif kind == "boolean":
        value = draw(st.sampled_from([*validation_of(leaf, "vi")[1:3], "x"]))
    elif kind == "points":
        half = draw(st.integers(0, int(leaf.max * 2)))
        value = _decimal(half // 2, half % 2 == 1)
    else:
        value = str(draw(st.integers(0, 40)))
    return draw(st.sampled_from([value, value, value, "", *na]))


@st.composite
def declared(draw: st.DrawFn, leaves: list[Any]) -> tuple[str, ...]:
    leaf = draw(st.sampled_from(leaves))
    return ("declare", draw(st.sampled_from(UNITS)), leaf.code, draw(cell(leaf)))


@st.composite
def appraised(draw: st.DrawFn, leaves: list[Any]) -> tuple[str, ...]:
    leaf = draw(st.sampled_from(leaves))
    return ("appraise", draw(st.sampled_from(UNITS)), leaf.code, draw(cell(leaf)))


@st.composite
def one_stop(draw: st.DrawFn) -> tuple[Any, ...]:
    """Counts that add up (carried over + received = resolved + pending + returned)."""
    into = {k: draw(st.integers(0, 60)) for k in ("carried_over", "received_online",
                                                  "received_direct", "received_post")}
    total = sum(into.values())
    outs = ["resolved_early", "resolved_on_time", "resolved_late", "pending_in_time",
            "pending_overdue", "returned"]
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=5, max_size=5)))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    counts: dict[str, Any] = {**into, **dict(zip(outs, parts, strict=True))}
    if draw(st.booleans()):
        counts = {k: str(v) for k, v in counts.items()}
    return ("one_stop", draw(st.sampled_from(UNITS)), draw(st.sampled_from(PERIODS)), counts)


@st.composite
def report(draw: st.DrawFn) -> tuple[str, ...]:
    import datetime as dt

    day = dt.date(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 450)))
    text = draw(st.sampled_from([day.strftime("%d/%m/%Y"), day.isoformat(), ""]))
    return ("report", draw(st.sampled_from(UNITS)), draw(st.sampled_from(REPORTS)), text)


LEAVES = _leaves()
EDITS = st.tuples(
    st.lists(st.one_of(declared(LEAVES), one_stop(), report()), min_size=1, max_size=4),
    st.lists(appraised(LEAVES), max_size=3))


def _send(client: Any, method: str, url: str, body: dict[str, Any]) -> Any:
    client.cookies["csrftoken"] = CSRF
    return client.generic(method, url, json.dumps(body), content_type="application/json",
                          HTTP_X_CSRFTOKEN=CSRF)


def _apply(clients: dict[str, Any], cycle: Any, edit: tuple[Any, ...]) -> Any:
    kind, unit = edit[0], edit[1]
    base = f"/api/cycles/{cycle.id}/units/{unit}"
    if kind == "declare":
        return _send(clients[unit.lower()], "PATCH", f"{base}/evidence/{edit[2]}",
                     {"value": edit[3]})
    if kind == "appraise":
        return _send(clients["thamdinh"], "PATCH", f"{base}/evidence/{edit[2]}",
                     {"appraised": edit[3]})
    if kind == "one_stop":
        return _send(clients[unit.lower()], "PUT", f"{base}/one_stop",
                     {"period": edit[2], **edit[3]})
    return _send(clients["noivu"], "PUT", f"{base}/reports/{edit[2]}", {"submitted": edit[3]})


def _score(folder: Path) -> dict[str, Any]:
    from typer.testing import CliRunner

    from parindex.cli import app

    out = CliRunner().invoke(app, ["score", str(folder), "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)  # type: ignore[no-any-return]


@pytest.fixture
def clients(cycle: Any) -> dict[str, Any]:  # noqa: ARG001 (the cycle's accounts)
    """Signed-in clients of the office, the council and the units edited (shared by the
    examples: each example's writes are rolled back, the sessions are not)."""
    return {name: client_for(name) for name in
            ["noivu", "thamdinh", *(u.lower() for u in UNITS)]}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_api_edits_score_as_the_exported_bundle(cycle: Any, clients: dict[str, Any],
                                                edits: tuple[list[Any], list[Any]]) -> None:
    _edits_score_as_exported(cycle, clients, edits, every_unit_kept=False)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_the_league_from_kept_states_scores_as_the_exported_bundle(
        cycle: Any, clients: dict[str, Any], edits: tuple[list[Any], list[Any]]) -> None:
    """The same with every unit's checked state kept, as the import writes them: the
    league is then stacked from the states (the import's, and those of the units edited),
    and must still be exactly the exported bundle's score."""
    _edits_score_as_exported(cycle, clients, edits, every_unit_kept=True)


def _edits_score_as_exported(cycle: Any, clients: dict[str, Any],
                             edits: tuple[list[Any], list[Any]], every_unit_kept: bool
                             ) -> None:
    from django.db import transaction

    from parindex.web import models as m
    from parindex.web import scores, store, unit_state

    with transaction.atomic():
        scores.forget()
        if not every_unit_kept:  # as a cycle with an error leaves it: no state kept
            m.Member.objects.filter(cycle=cycle).update(state=None)
        phase1, phase2 = edits
        for i, edit in enumerate(phase1 + phase2):
            if i == len(phase1):
                _appraisal(cycle)
            r = _apply(clients, cycle, edit)
            assert r.status_code == 200, (edit, r.content)
            results = _send(clients["noivu"], "GET", f"/api/cycles/{cycle.id}/results", {})
            entry = next(u for u in results.json()["units"] if u["code"] == edit[1])
            assert r.json()["result"] == {**entry, "rank": None, "group_rank": None}
        cycle.refresh_from_db()
        stacked = unit_state.league(cycle, store.compiled(cycle.edition))
        assert (stacked is not None) == every_unit_kept
        with tempfile.TemporaryDirectory(prefix="parindex-export-") as tmp:
            folder = store.export_cycle(cycle, Path(tmp) / "bundle")
            want = _score(folder)
        got = _send(clients["noivu"], "GET", f"/api/cycles/{cycle.id}/results", {}).json()
        assert got == want
        transaction.set_rollback(True)
    scores.forget()


#: values the check refuses (for some leaves or all), typed into one unit's form
REFUSED = ["abc", "NA", "101", "-1", "80/75", "3/0", "1,5,5", "50% %", "có không"]


@st.composite
def own_edit(draw: st.DrawFn, leaves: list[Any]) -> tuple[str, ...]:
    """A declared value of SM01, valid or not, for any leaf (computed ones too)."""
    leaf = draw(st.sampled_from(leaves))
    return ("declare", "SM01", leaf.code, draw(st.one_of(cell(leaf), st.sampled_from(REFUSED))))


def _all_leaves() -> list[Any]:
    from parindex.criteria import load_edition, shipped_dir

    return list(load_edition(shipped_dir() / "xa-2024.yaml").leaves)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(own_edit(_all_leaves()), min_size=3, max_size=12))
def test_many_edits_of_one_unit_answer_as_the_full_check(
        cycle: Any, clients: dict[str, Any], edits: list[tuple[str, ...]]) -> None:
    """One unit edits its form many times, valid values and refused ones: each save, answered
    from the unit's kept state, is what checking the whole unit answers (the same save made
    with nothing kept, then rolled back), and the export still scores as the site."""
    from django.db import transaction

    from parindex.web import models as m
    from parindex.web import scores, store

    with transaction.atomic():
        scores.forget()
        for edit in edits:
            with transaction.atomic():  # with no state kept: the whole unit's check
                m.Member.objects.filter(cycle=cycle, unit__code="SM01").update(state=None)
                full = _apply(clients, cycle, edit)
                transaction.set_rollback(True)
            r = _apply(clients, cycle, edit)
            assert (r.status_code, r.json()) == (full.status_code, full.json()), edit
            assert r.status_code in (200, 400), r.content
            if r.status_code == 200:
                results = _send(clients["noivu"], "GET", f"/api/cycles/{cycle.id}/results", {})
                entry = next(u for u in results.json()["units"] if u["code"] == "SM01")
                assert r.json()["result"] == {**entry, "rank": None, "group_rank": None}
        with tempfile.TemporaryDirectory(prefix="parindex-export-") as tmp:
            want = _score(store.export_cycle(cycle, Path(tmp) / "bundle"))
        got = _send(clients["noivu"], "GET", f"/api/cycles/{cycle.id}/results", {}).json()
        assert got == want
        transaction.set_rollback(True)
    scores.forget()


def _appraisal(cycle: Any) -> None:
    from django.contrib.auth import get_user_model

    from parindex.web import services

    admin = get_user_model().objects.get(username="noivu")
    services.move_round(admin, cycle, "appraisal", "31/12/2099", "vi")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("year", ["2019", "2020", "2021", "2022", "2023", "2024"])
def test_export_import_export_is_the_same_files(tmp_path: Path, year: str) -> None:
    from parindex.samples.sample import sample_bundles
    from parindex.web import store

    path = next(p for p in sample_bundles() if p.name == year)
    checked, edition = store.read_checked(path)
    first = store.import_bundle(checked.bundle, edition, year, "self_assessment", "test")
    out1 = store.export_cycle(first, tmp_path / "one")
    checked2, edition2 = store.read_checked(out1)
    second = store.import_bundle(checked2.bundle, edition2, f"{year} again", "self_assessment",
                                 "test")
    out2 = store.export_cycle(second, tmp_path / "two")
    one, two = _files(out1), _files(out2)
    assert one == two
    assert {"bundle.yaml", "units.csv", "evidence.csv"} <= set(one)
    assert len(one) == len([p for p in path.iterdir() if p.suffix in (".csv", ".yaml")])
