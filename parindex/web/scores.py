"""A cycle's scores, from its rows through the same pipeline as ``parindex score``.

The whole cycle's run is kept in memory per process, keyed by the cycle's ``data_version``
(raised by every write), so the league page and the results API score once per change;
the league's figures come from the units' checked states when every unit has one
(:func:`league_run`), without reading and checking the cycle's tables again. A
save scores only the unit saved: a unit's points depend on its own rows alone (ranks are
the league's, computed from every unit).
"""

from __future__ import annotations

import threading
from typing import Any

from parindex.errors import EvidenceError, Problem
from parindex.scoring.run import Run
from parindex.web import models as m
from parindex.web import store, unit_state

_lock = threading.Lock()
_runs: dict[int, tuple[tuple[int, object], Run]] = {}


def cycle_run(cycle: m.Cycle) -> Run:
    """The cycle's run at its current data version (scored once per version). The key holds
    the cycle's creation time too: a cycle id can come back with the same version (a
    database rolled back, as after each test, or restored), and must not find the scores of
    the cycle that had that id before."""
    key = (cycle.data_version, cycle.created_at)
    with _lock:
        known = _runs.get(cycle.id)
        if known is not None and known[0] == key:
            return known[1]
    run = store.checked(cycle).run()
    with _lock:
        _runs[cycle.id] = (key, run)
    return run


def league_run(cycle: m.Cycle) -> Run:
    """Every unit's points, index, band and ranks at the cycle's current data version: from
    the units' checked states stacked (:func:`unit_state.league`, no reading and checking of
    the cycle's tables) when every unit has a current one, else :func:`cycle_run`. Kept per
    data version as :func:`cycle_run` is; a run made whole serves both."""
    key = (cycle.data_version, cycle.created_at)
    with _lock:
        for cache in (_runs, _leagues):
            known = cache.get(cycle.id)
            if known is not None and known[0] == key:
                return known[1]
    run = unit_state.league(cycle, store.compiled(cycle.edition))
    if run is None:
        return cycle_run(cycle)
    with _lock:
        _leagues[cycle.id] = (key, run)
    return run


_leagues: dict[int, tuple[tuple[int, object], Run]] = {}


def forget() -> None:
    """Drop every run kept in this process (a test rolls its database back to a data
    version whose rows were different)."""
    with _lock:
        _runs.clear()
        _leagues.clear()


def unit_run(cycle: m.Cycle, code: str) -> Run:
    """One unit's data scored alone (its points, index and band; no rank)."""
    return store.checked(cycle, [code]).run()


def results(cycle: m.Cycle, code: str | set[str] | None = None, ranks: bool = True
            ) -> dict[str, Any]:
    """The ``parindex score --format json`` object of the cycle (of one unit, or of the
    units ``code`` names, when given: only theirs are built), ranks blanked when the caller
    may not see them. A cycle without units (made in the admin) has no results yet."""
    if not cycle.members.exists():
        edition = store.compiled(cycle.edition)
        return {"edition": edition.id, "year": cycle.year, "scale": edition.scale,
                "units": []}
    run = league_run(cycle)
    if code is None:
        data = run.to_json()
    else:
        wanted = {code} if isinstance(code, str) else code
        codes = run.units["code"].tolist()
        data = {"edition": run.edition.id, "year": run.year, "scale": run.edition.scale,
                "units": run.unit_results([i for i in run.order().tolist()
                                           if codes[i] in wanted])}
    if not ranks:
        for u in data["units"]:
            u["rank"] = u["group_rank"] = None
    return data


def unit_result(cycle: m.Cycle, code: str, ranks: bool = True) -> dict[str, Any]:
    found = results(cycle, code, ranks)["units"]
    return found[0] if found else {}


def reason(problem: Problem, lang: str) -> str:
    """A problem's reason in ``lang``, without the file and row of a bundle (the page shows
    where)."""
    return problem.reason(lang)


def unit_errors(cycle: m.Cycle, code: str) -> tuple[Run | None, list[Problem]]:
    """One unit checked and, when it has no error, scored."""
    checked = store.checked(cycle, [code])
    if checked.errors:
        return None, checked.errors
    try:
        run = checked.run()
    except EvidenceError as exc:
        return None, exc.problems
    remember(cycle, code, run)
    return run, []


def remember(cycle: m.Cycle, code: str, run: Run) -> None:
    """``run`` is the unit's as this thread's write validated it (:func:`last_unit_run`)."""
    _last.run = (cycle.id, code, run)


#: the unit run :func:`unit_errors` made last in this thread (a write's validation)
_last = threading.local()


def forget_unit_run() -> None:
    _last.run = None


def last_unit_run(cycle: m.Cycle, code: str) -> Run | None:
    """The run :func:`unit_errors` made last in this thread for this unit, handed out once:
    a page answering a write it just made shows the points the write was validated with
    instead of scoring the unit a second time (call :func:`forget_unit_run` before the
    write, and use this only when the write succeeded)."""
    found = getattr(_last, "run", None)
    _last.run = None
    return found[2] if found is not None and found[:2] == (cycle.id, code) else None
