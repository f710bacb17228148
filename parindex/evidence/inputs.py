"""Check a bundle against its edition and turn it into the engine's input arrays.

Every problem is collected (file, row, column, value, hint) before anything fails. The result,
:class:`Inputs`, holds one number and one state per unit and leaf, for the declared and the
appraised input: the engine never sees text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from parindex.criteria.compiled import (
    CompiledEdition,
    Leaf,
    OneStopSource,
    ReportsSource,
    SurveySource,
)
from parindex.errors import Problem
from parindex.evidence.check_adjustments import check_adjustments
from parindex.evidence.check_evidence import (
    EvidenceCells,
    blank_row,
    check_evidence,
    note_changes,
)
from parindex.evidence.check_one_stop import COUNTS, one_stop_column, read_one_stop
from parindex.evidence.check_reports import Reports, check_reports, reports_column
from parindex.evidence.check_survey import Survey, check_survey, survey_column
from parindex.evidence.check_units import check_units
from parindex.evidence.collect import Collector
from parindex.evidence.one_stop_periods import OneStopPeriods
from parindex.evidence.states import INHERIT, MISSING, NA
from parindex.evidence.tables import Bundle


@dataclass(frozen=True)
class Inputs:
    """Per unit and leaf: number and state (VALUE, MISSING, NA), declared and appraised."""

    edition: CompiledEdition
    year: int
    units: pd.DataFrame
    x_self: np.ndarray
    st_self: np.ndarray
    x_appr: np.ndarray
    st_appr: np.ndarray
    bonus: np.ndarray
    penalty: np.ndarray
    evidence_row: np.ndarray  # index into the evidence table, -1 when none
    one_stop: pd.DataFrame = field(repr=False)
    problems: tuple[Problem, ...] = ()
    #: the one-stop rows by period (``one_stop`` is their year) and the report dates
    one_stop_periods: OneStopPeriods | None = field(default=None, repr=False)
    reports: Reports | None = field(default=None, repr=False)
    #: the survey answers summed by unit and question (respondents and answers per leaf)
    survey: Survey | None = field(default=None, repr=False)

    @property
    def codes(self) -> list[str]:
        return self.units["code"].tolist()

    @cached_property
    def ranked(self) -> np.ndarray:
        """Which units take part in the ranks (all, unless ``units.ranked`` says no)."""
        return self.units["ranked"].to_numpy(dtype=bool)

    @cached_property
    def group_codes(self) -> np.ndarray:
        """Each unit's group as a number (ranking within groups compares numbers)."""
        return pd.factorize(self.units["group"])[0]

    @cached_property
    def survey_run(self) -> bool:
        """Whether any unit has any survey value (else the survey block is rebased)."""
        cols = self.edition.survey
        if not cols.any():
            return False
        return bool(((self.st_appr[:, cols] != MISSING) | (self.st_self[:, cols] != MISSING))
                    .any())


@dataclass(frozen=True)
class KnownSurvey:
    """A survey table already checked against an edition for the same units in the same
    order (what :func:`check_survey` gave, and the problems it found), so a bundle whose
    survey does not change need not be read and checked again (the workspace re-scores a
    cycle after each write; its survey, millions of answers, changes only on import)."""

    survey: Survey
    problems: tuple[Problem, ...]


def known_survey(bundle: Bundle, edition: CompiledEdition) -> KnownSurvey:
    """The bundle's survey checked once, to be given to :func:`build_inputs` again."""
    out = Collector(replace(bundle, problems=()))
    units = check_units(bundle, out)
    index = {c: i for i, c in enumerate(units["code"])}
    start = len(out.problems)
    survey = check_survey(bundle, edition, index, out)
    return KnownSurvey(survey, tuple(out.problems[start:]))


def build_inputs(bundle: Bundle, edition: CompiledEdition, owner: str | None = None,
                 survey: KnownSurvey | None = None) -> tuple[Inputs, list[Problem]]:
    """Check the bundle and build the engine's inputs; returns every problem found.
    ``survey``: the bundle's survey already checked (its table need not be in ``bundle``)."""
    out = Collector(bundle)
    units = check_units(bundle, out)
    index = {c: i for i, c in enumerate(units["code"])}
    n_units, n_leaves = len(units), len(edition.leaves)
    shape = (n_units, n_leaves)
    # column (Fortran) order: the engine works one leaf column at a time
    x_self = np.full(shape, np.nan, order="F")
    st_self = np.full(shape, MISSING, dtype=np.int8, order="F")
    x_appr = np.full(shape, np.nan, order="F")
    st_appr = np.full(shape, MISSING, dtype=np.int8, order="F")
    ev_row = np.full(shape, -1, dtype=np.intp)

    cells = check_evidence(bundle, edition, index, out)
    declared, appraised, ok, leaf = cells.declared, cells.appraised, cells.ok, cells.leaf
    computed = np.array([lf.computed for lf in edition.leaves] or [False], dtype=bool)
    u, lf_ = cells.unit[ok], leaf[ok]
    d_state, d_x = declared.state[ok], declared.x[ok]
    a_state, a_x = appraised.state[ok], appraised.x[ok]
    a_x = np.where(a_state == INHERIT, d_x, a_x)
    a_state = np.where(a_state == INHERIT, d_state, a_state)
    ev_row[u, lf_] = np.flatnonzero(ok)

    periods = read_one_stop(bundle, index, out)
    one_stop = periods.figures("YEAR")[list(COUNTS)]
    rep = check_reports(bundle, edition, index, out)
    checked_survey = _survey(bundle, edition, index, out, survey)
    for leaf_obj in edition.leaves:
        if leaf_obj.computed:
            x, st = _computed_column(leaf_obj, one_stop, rep, checked_survey)
            j = leaf_obj.index
            x_self[:, j], st_self[:, j], x_appr[:, j], st_appr[:, j] = x, st, x, st
            if leaf_obj.na == "forbidden":
                for ui in np.flatnonzero(st == NA):
                    out.add("one_stop", None, None, None, code="one_stop.na_forbidden",
                            unit=units["code"][ui], criterion=leaf_obj.code)

    # value cells: every leaf from the cells; computed leaves only where a cell is given
    is_comp = computed[lf_]
    take_d = ~is_comp | (d_state != MISSING)
    x_self[u[take_d], lf_[take_d]] = d_x[take_d]
    st_self[u[take_d], lf_[take_d]] = d_state[take_d]
    given_a = appraised.state[ok] != INHERIT
    take_a = ~is_comp | given_a | (d_state != MISSING)
    x_appr[u[take_a], lf_[take_a]] = a_x[take_a]
    st_appr[u[take_a], lf_[take_a]] = a_state[take_a]

    note_changes(cells.columns, ok, out)
    bonus, penalty = check_adjustments(bundle, edition, index, n_units, out)
    inputs = Inputs(edition, bundle.year, units.drop(columns="_row"), x_self, st_self, x_appr,
                    st_appr, bonus, penalty, ev_row, one_stop, one_stop_periods=periods,
                    reports=rep, survey=checked_survey)
    _warnings(inputs, cells, out, owner)
    return replace(inputs, problems=tuple(out.problems)), out.problems


def _survey(bundle: Bundle, edition: CompiledEdition, index: dict[str, int], out: Collector,
            known: KnownSurvey | None) -> Survey:
    """The survey checked now, or as it was checked before (its problems told again)."""
    if known is None:
        return check_survey(bundle, edition, index, out)
    out.problems.extend(known.problems)
    return known.survey


def _computed_column(leaf: Leaf, one_stop: pd.DataFrame, rep: Reports,
                     survey: Survey) -> tuple[np.ndarray, np.ndarray]:
    """A computed leaf's number and state per unit, from its table."""
    if isinstance(leaf.source, OneStopSource):
        return one_stop_column(one_stop, leaf.source)
    if isinstance(leaf.source, SurveySource):
        return survey_column(survey, leaf.source)
    assert isinstance(leaf.source, ReportsSource)
    return reports_column(rep, leaf.source)


def _warnings(inputs: Inputs, cells: EvidenceCells, out: Collector,
              owner: str | None) -> None:
    """The warnings about the whole bundle: missing evidence (``owner``: a department's
    workbook, only in its areas), the survey block rebased, units of another level."""
    _missing_warnings(inputs, cells, out, owner)
    _level_warnings(inputs, out)


def _reported_rows(out: Collector, table: str) -> list[int]:
    """The rows of a table whose value cell the reader already reported (a formula with no
    saved result, a date where a fraction was typed): ``Bundle.legacy_cells`` holds them."""
    return [row for name, row, col in out.bundle.legacy_cells
            if name == table and col in ("value", "appraised")]


def _missing_warnings(inputs: Inputs, cells: EvidenceCells, out: Collector,
                      owner: str | None = None) -> None:
    """One warning per unit naming the leaves with no evidence (only the owner's areas'
    with ``owner``); a leaf whose cell was already reported as an error is not named
    again. When no unit has a survey value, one warning says the survey block is rebased."""
    ed = inputs.edition
    rows = cells.rows
    bad = cells.declared.bad | cells.appraised.bad | np.isin(rows, _reported_rows(out, "evidence"))
    mine = np.ones(len(ed.leaves), dtype=bool)
    if owner is not None:  # a department's workbook (the template's choice of leaves)
        from parindex.evidence.template_leaves import select_leaves

        owned = {leaf.code for leaf in select_leaves(ed, owner)}
        mine = np.array([leaf.code in owned for leaf in ed.leaves], dtype=bool)
    consider = mine & (~ed.survey if inputs.survey_run is False else True)
    row = inputs.evidence_row
    reported = (row >= 0) & np.append(bad, False)[np.where(row >= 0, row, len(bad))]
    miss = (inputs.st_appr == MISSING) & consider & ~reported
    if (ed.survey & mine).any() and inputs.survey_run is False:
        survey = [leaf for leaf, s in zip(ed.leaves, ed.survey, strict=True) if s]
        out.add("evidence", None, None, None, severity="warning", code="evidence.survey_rebased",
                criteria=", ".join(leaf.code for leaf in survey),
                points=f"{sum(leaf.max for leaf in survey):g}")
    letter = out.bundle.letters.get("evidence", {}).get("value")
    unit_codes = inputs.units["code"].to_numpy(dtype=object)
    for ui in np.flatnonzero(miss.any(axis=1)):
        codes = [ed.leaves[j].code + blank_row(inputs.evidence_row[ui, j], rows, letter)
                 for j in np.flatnonzero(miss[ui])]
        out.add("evidence", None, "value", None, severity="warning", code="evidence.none",
                unit=unit_codes[ui], criteria=", ".join(codes))


#: the edition level each unit type belongs to (CONTRACT §2 unit types)
LEVEL_OF_TYPE = {"xa": "xa", "phuong": "xa", "thi_tran": "xa", "huyen": "huyen", "so": "so",
                 "phong": "phong"}


def _level_warnings(inputs: Inputs, out: Collector) -> None:
    """A warning per unit type whose level is not the edition's (a district scored on a
    commune edition): the criteria are not the ones that unit is assessed on."""
    level = inputs.edition.level
    units = inputs.units
    for typ in sorted(set(units["type"])):
        if LEVEL_OF_TYPE.get(typ, level) == level:
            continue
        codes = list(units.loc[units["type"] == typ, "code"])
        shown = ", ".join(codes[:5]) + (f" … (+{len(codes) - 5})" if len(codes) > 5 else "")
        out.add("units", None, "type", None, severity="warning", code="units.level",
                type=typ, units=shown, edition=inputs.edition.id, level=level)
