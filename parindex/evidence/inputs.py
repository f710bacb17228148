"""Check a bundle against its edition and turn it into the engine's input arrays.

Every problem is collected (file, row, column, value, hint) before anything fails. The result,
:class:`Inputs`, holds one number and one state per unit and leaf, for the declared and the
appraised input: the engine never sees text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from parindex.criteria.compiled import CompiledEdition, Leaf
from parindex.criteria.model import OneStopInput, ReportsInput
from parindex.errors import Problem, quote
from parindex.evidence.parse import (
    MISSING,
    NA,
    NO,
    VALUE,
    YES,
    cell_problems,
    clean,
    leaf_kinds,
    parse_cells,
    per_unique,
    to_number,
)
from parindex.evidence.tables import UNIT_TYPES, Bundle

INHERIT = 3  # appraised cell blank: take the declared input
_COUNTS = ("carried_over", "received_online", "received_direct", "received_post",
           "resolved_early", "resolved_on_time", "resolved_late", "pending_in_time",
           "pending_overdue", "returned")
_BONUS = {"bonus", "thưởng", "thuong", "điểm thưởng"}
_PENALTY = {"penalty", "trừ", "tru", "điểm trừ"}


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


def _hint(value: str, known: list[str]) -> str | None:
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return f"did you mean {quote(close[0])}?" if close else None


class _Cols(dict[str, np.ndarray]):
    """A table's columns as arrays, taken on first use: a problem reads a few cells of a
    row, and a pandas ``.iloc`` per cell is slow when thousands of rows have one."""

    def __init__(self, df: pd.DataFrame):
        super().__init__()
        self.df = df

    def __missing__(self, column: str) -> np.ndarray:
        arr = self[column] = self.df[column].to_numpy(dtype=object)
        return arr


class _Collector:
    def __init__(self, bundle: Bundle):
        self.bundle = bundle
        self.problems: list[Problem] = list(bundle.problems)

    def add(self, table: str, row: object, column: str | None, value: object,
            message: str = "", hint: str | None = None, severity: str = "error", *,
            code: str | None = None, **facts: object) -> None:
        """A problem at a cell: ``message`` as text, or a reason ``code`` (a words key) whose
        texts take ``facts`` and, when the cell has a value, ``{quoted}`` (the value as typed)."""
        if (table, row, column) in self.bundle.legacy_cells:
            return  # a cell in a legacy encoding is reported once, for its encoding
        where = f"row {row}" if row is not None else ""
        letter = self.bundle.letters.get(table, {}).get(column or "")
        if letter and row is not None:
            where += f" (cell {letter}{row})"
        if code is not None:
            if value is not None:
                facts["quoted"] = quote(value)
            line = None if row is None else int(str(row))
            self.problems.append(Problem.of(
                code, self.bundle.file(table), where, field=column, value=value,
                severity=severity, row=line, hint=hint,  # type: ignore[arg-type]
                **facts))  # type: ignore[arg-type]
            return
        msg = f"{quote(value)} {message}" if value is not None else message
        self.problems.append(Problem(self.bundle.file(table), where, msg, field=column,
                                     value=value, hint=hint, severity=severity))  # type: ignore[arg-type]


def _units(bundle: Bundle, out: _Collector) -> pd.DataFrame:
    df = bundle.units
    units = df[["code", "name", "type", "group", "_row"]].copy()
    if units.empty:
        out.add("units", None, None, None, code="units.none")
    for row, code, typ, group in zip(units["_row"], units["code"], units["type"],
                                     units["group"], strict=True):
        if not code:
            out.add("units", row, "code", None, code="units.code_empty")
        if typ.lower() not in UNIT_TYPES:
            out.add("units", row, "type", typ, code="units.type", types=", ".join(UNIT_TYPES))
        if not group:
            out.add("units", row, "group", None, code="units.group_empty")
    dup = units["code"].duplicated(keep="first") & (units["code"] != "")
    for row, code in zip(units.loc[dup, "_row"], units.loc[dup, "code"], strict=True):
        out.add("units", row, "code", code, code="units.twice")
    units["ranked"] = _ranked(df, out)
    units = units[~dup].reset_index(drop=True)
    units["type"] = units["type"].str.lower()
    return units


def _ranked(df: pd.DataFrame, out: _Collector) -> np.ndarray:
    """The optional ``ranked`` column: yes (or blank) ranks the unit; no scores and bands it
    but leaves it out of the ranks (e.g. a special agency)."""
    if "ranked" not in df.columns:
        return np.ones(len(df), dtype=bool)
    text = _folded(df["ranked"])
    no = np.isin(text, list(NO))
    bad = ~no & ~np.isin(text, list(YES)) & (text != "")
    for row, value in zip(df["_row"].to_numpy()[bad], df["ranked"].to_numpy()[bad],
                          strict=True):
        out.add("units", row, "ranked", value, code="units.ranked")
    return ~no


def _unit_index(bundle: Bundle, table: str, col: pd.Series, rows: pd.Series,
                index: dict[str, int], out: _Collector) -> np.ndarray:
    u = col.map(index).to_numpy(dtype=float, na_value=np.nan, copy=True)
    known = list(index)
    bad = np.flatnonzero(np.isnan(u))
    row_at, code_at = rows.to_numpy()[bad], col.to_numpy(dtype=object)[bad]
    for row, code in zip(row_at, code_at, strict=True):
        out.add(table, row, "unit", code, hint=_hint(code, known), code="unit.unknown")
    return np.where(np.isnan(u), -1, u).astype(np.intp)


def build_inputs(bundle: Bundle, edition: CompiledEdition) -> tuple[Inputs, list[Problem]]:
    """Check the bundle and build the engine's inputs; returns every problem found."""
    out = _Collector(bundle)
    units = _units(bundle, out)
    index = {c: i for i, c in enumerate(units["code"])}
    n_units, n_leaves = len(units), len(edition.leaves)
    shape = (n_units, n_leaves)
    # column (Fortran) order: the engine works one leaf column at a time
    x_self = np.full(shape, np.nan, order="F")
    st_self = np.full(shape, MISSING, dtype=np.int8, order="F")
    x_appr = np.full(shape, np.nan, order="F")
    st_appr = np.full(shape, MISSING, dtype=np.int8, order="F")
    ev_row = np.full(shape, -1, dtype=np.intp)

    ev = bundle.evidence
    evc = _Cols(ev)
    ev_u = _unit_index(bundle, "evidence", ev["unit"], ev["_row"], index, out)
    crit = ev["criterion"]
    leaf = crit.map(edition.leaf_index).to_numpy(dtype=float, na_value=np.nan, copy=True)
    leaf = np.where(np.isnan(leaf), -1, leaf).astype(np.intp)
    node_codes = {n.code for n in edition.nodes}
    for i in np.flatnonzero(leaf < 0):
        code = evc["criterion"][i]
        if code in node_codes:
            out.add("evidence", evc["_row"][i], "criterion", code, code="evidence.parent")
        else:
            out.add("evidence", evc["_row"][i], "criterion", code, code="evidence.criterion",
                    edition=edition.id, hint=_hint(code, list(edition.leaf_index)))
    ok = (ev_u >= 0) & (leaf >= 0)
    pair = np.where(ok, ev_u * max(n_leaves, 1) + leaf, -1 - np.arange(len(ev)))
    pair_code, _ = pd.factorize(pair)
    first_of = np.unique(pair_code, return_index=True)[1]  # first row of each pair
    dup = first_of[pair_code] != np.arange(len(ev))
    for i in np.flatnonzero(dup):
        first = evc["_row"][first_of[pair_code[i]]]
        out.add("evidence", evc["_row"][i], "criterion", evc["criterion"][i],
                code="evidence.twice", unit=quote(evc["unit"][i]), first=first)
    ok &= ~dup

    declared = parse_cells(ev["value"], np.where(ok, leaf, -1), edition)
    appraised_col = ev["appraised"] if "appraised" in ev.columns else pd.Series([""] * len(ev))
    appraised = parse_cells(appraised_col, np.where(ok, leaf, -1), edition,
                            blank_state=INHERIT)
    for parsed, column, cells in ((declared, "value", evc["value"]),
                                  (appraised, "appraised", appraised_col.to_numpy(dtype=object))):
        for k, reason in cell_problems(parsed, leaf, edition, ok):
            hint = None if parsed.state[k] == NA and not parsed.bad[k] else \
                _rule_hint(edition.leaves[leaf[k]])
            out.add("evidence", evc["_row"][k], column, cells[k], reason, hint=hint)

    _fraction_warnings(evc, declared.x, leaf, ok, edition, out)
    computed = np.array([lf.computed for lf in edition.leaves] or [False], dtype=bool)
    u, lf_ = ev_u[ok], leaf[ok]
    d_state, d_x = declared.state[ok], declared.x[ok]
    a_state, a_x = appraised.state[ok], appraised.x[ok]
    a_x = np.where(a_state == INHERIT, d_x, a_x)
    a_state = np.where(a_state == INHERIT, d_state, a_state)
    ev_row[u, lf_] = np.flatnonzero(ok)

    one_stop = _one_stop(bundle, index, out)
    rep = _reports(bundle, edition, index, out)
    for leaf_obj in edition.leaves:
        if not leaf_obj.computed:
            continue
        j = leaf_obj.index
        if isinstance(leaf_obj.input, OneStopInput):
            x, st = _one_stop_column(one_stop, leaf_obj.input, n_units)
        else:
            assert isinstance(leaf_obj.input, ReportsInput)
            x, st = _reports_column(rep, leaf_obj.input)
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

    _note_changes(evc, ok, out)
    bonus, penalty = _adjustments(bundle, edition, index, n_units, out)
    inputs = Inputs(edition, bundle.year, units.drop(columns="_row"), x_self, st_self, x_appr,
                    st_appr, bonus, penalty, ev_row, one_stop)
    _missing_warnings(inputs, ev["_row"].to_numpy(), out)
    return replace(inputs, problems=tuple(out.problems)), out.problems


def _fraction_warnings(evc: _Cols, x: np.ndarray, leaf: np.ndarray, ok: np.ndarray,
                       edition: CompiledEdition, out: _Collector) -> None:
    """A percentage written as a fraction (0,95 for 95%) is read as written, with a warning."""
    ev = evc.df
    kinds = np.array(leaf_kinds(edition) or ["number"], dtype=object)
    pct = ok & (kinds[np.where(ok, leaf, 0)] == "percent")
    decimal = per_unique(ev["value"], lambda u: u.str.contains(r"^0?[.,]\d+$", regex=True)
                         .to_numpy(dtype=bool))
    for i in np.flatnonzero(pct & decimal & (x > 0) & (x < 1)):
        out.add("evidence", evc["_row"][i], "value", evc["value"][i], severity="warning",
                code="evidence.below_one_percent", percent=f"{x[i] * 100:g}")


def _rule_hint(leaf: Leaf) -> str:
    if leaf.keys:
        return "choose one of: " + ", ".join(leaf.keys)
    return f"{leaf.code}: {leaf.describe_input()}, {leaf.describe_rule()}"


def _folded(cells: pd.Series) -> np.ndarray:
    """Cells cleaned and lower-cased, to compare."""
    return np.asarray(per_unique(cells, lambda u: clean(u).str.lower().to_numpy(dtype=object)))


def _note_changes(evc: _Cols, ok: np.ndarray, out: _Collector) -> None:
    ev = evc.df
    if "appraised" not in ev.columns:
        return
    note = ev["note"] if "note" in ev.columns else pd.Series([""] * len(ev), index=ev.index)
    changed = ok & (ev["appraised"] != "").to_numpy() & \
        (_folded(ev["appraised"]) != _folded(ev["value"])) & \
        (note == "").to_numpy()
    for i in np.flatnonzero(changed):
        out.add("evidence", evc["_row"][i], "note", None, severity="warning",
                code="evidence.no_note", criterion=evc["criterion"][i], unit=evc["unit"][i],
                before=quote(evc["value"][i]), after=quote(evc["appraised"][i]))


def _missing_warnings(inputs: Inputs, rows: np.ndarray, out: _Collector) -> None:
    ed = inputs.edition
    consider = ~ed.survey if inputs.survey_run is False else np.ones(len(ed.leaves), bool)
    miss = (inputs.st_appr == MISSING) & consider
    letter = out.bundle.letters.get("evidence", {}).get("value")
    for ui in np.flatnonzero(miss.any(axis=1)):
        codes = [ed.leaves[j].code + _blank_row(inputs.evidence_row[ui, j], rows, letter)
                 for j in np.flatnonzero(miss[ui])]
        out.add("evidence", None, "value", None, severity="warning", code="evidence.none",
                unit=inputs.units["code"][ui], criteria=", ".join(codes))


def _blank_row(i: int, rows: np.ndarray, letter: str | None) -> str:
    """Where a missing value would go, when its row is there but left blank (a template)."""
    if i < 0:
        return ""
    return f" (row {rows[i]}" + (f", cell {letter}{rows[i]})" if letter else ")")


def _counts(df: pd.DataFrame, cols: tuple[str, ...], table: str,
            out: _Collector) -> tuple[np.ndarray, np.ndarray]:
    """The count columns as numbers (bad cells 0) and which rows had a bad cell."""
    dfc = _Cols(df)
    arr = np.zeros((len(df), len(cols)))
    any_bad = np.zeros(len(df), dtype=bool)
    for k, col in enumerate(cols):
        if col not in df.columns:
            continue
        text = clean(df[col])
        num = to_number(text.where(text != "", "0"), whole=True)
        bad = np.isnan(num) | (num < 0) | (num != np.floor(num))
        for i in np.flatnonzero(bad):
            out.add(table, dfc["_row"][i], col, dfc[col][i], code="count.bad")
        arr[:, k] = np.where(bad, 0, num)
        any_bad |= bad
    return arr, any_bad


def _one_stop(bundle: Bundle, index: dict[str, int], out: _Collector) -> pd.DataFrame:
    """Per unit the one-stop totals (NaN for units without a row)."""
    df = bundle.table("one_stop")
    frame = pd.DataFrame(np.nan, index=range(len(index)), columns=list(_COUNTS))
    if df is None or len(df) == 0:
        return frame
    filled = np.zeros(len(df), dtype=bool)
    for col in _COUNTS:
        if col in df.columns:
            filled |= (df[col] != "").to_numpy()
    df = df[filled].reset_index(drop=True)  # a row left blank (a template's) is no row
    if len(df) == 0:
        return frame
    dfc = _Cols(df)
    u = _unit_index(bundle, "one_stop", df["unit"], df["_row"], index, out)
    arr, bad_row = _counts(df, _COUNTS, "one_stop", out)
    dup = pd.Series(u).duplicated().to_numpy() & (u >= 0)
    for i in np.flatnonzero(dup):
        out.add("one_stop", dfc["_row"][i], "unit", dfc["unit"][i], code="one_stop.twice")
    keep = (u >= 0) & ~dup
    c = dict(zip(_COUNTS, arr.T, strict=True))
    into = c["carried_over"] + c["received_online"] + c["received_direct"] + c["received_post"]
    outof = (c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
             + c["pending_in_time"] + c["pending_overdue"] + c["returned"])
    for i in np.flatnonzero(keep & ~bad_row & (np.abs(into - outof) > 0.5)):
        out.add("one_stop", dfc["_row"][i], None, None, code="one_stop.unbalanced",
                unit=dfc["unit"][i], into=f"{into[i]:g}", outof=f"{outof[i]:g}")
    frame.iloc[u[keep], :] = arr[keep]
    return frame


def one_stop_metric(frame: pd.DataFrame, spec: OneStopInput) -> np.ndarray:
    """The metric per unit (NaN: no row; inf marks a zero denominator)."""
    f = {c: frame[c].to_numpy(dtype=float) for c in frame.columns}
    if spec.one_stop == "late_count":
        return f["resolved_late"]
    if spec.one_stop == "overdue_pending":
        return f["pending_overdue"]
    online = f["received_online"]
    if spec.one_stop == "online_rate":
        num, den = online, online + f["received_direct"] + f["received_post"]
    else:
        resolved = f["resolved_early"] + f["resolved_on_time"] + f["resolved_late"]
        den = {"resolved": resolved,
               "due": resolved + f["pending_overdue"],
               "received": f["carried_over"] + online + f["received_direct"]
               + f["received_post"]}[spec.denominator or "resolved"]
        num = f["resolved_early"] + f["resolved_on_time"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den * 100.0, np.where(np.isnan(den), np.nan, np.inf))


def _one_stop_column(frame: pd.DataFrame, spec: OneStopInput,
                     n: int) -> tuple[np.ndarray, np.ndarray]:
    x = one_stop_metric(frame, spec)
    st = np.where(np.isnan(x), MISSING, np.where(np.isinf(x), NA, VALUE)).astype(np.int8)
    return np.where(np.isfinite(x), x, np.nan), st


def parse_dates(cells: pd.Series) -> pd.Series:
    """dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or ISO yyyy-mm-dd; NaT if neither."""
    s = clean(cells).str.replace(r"[.\-]", "/", regex=True)
    dmy = pd.to_datetime(s, format="%d/%m/%Y", errors="coerce")
    iso = pd.to_datetime(s, format="%Y/%m/%d", errors="coerce")
    return dmy.fillna(iso)


@dataclass(frozen=True)
class _Reports:
    dates: dict[str, np.ndarray]  # report id → submission date per unit (datetime64, NaT)
    year: int
    edition: CompiledEdition


def _reports(bundle: Bundle, edition: CompiledEdition, index: dict[str, int],
             out: _Collector) -> _Reports:
    n = len(index)
    dates = {rid: np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
             for rid in edition.model.calendar}
    df = bundle.table("reports")
    if df is None or len(df) == 0:
        return _Reports(dates, bundle.year, edition)
    df = df[df["submitted"] != ""].reset_index(drop=True)  # no date: not submitted
    dfc = _Cols(df)
    u = _unit_index(bundle, "reports", df["unit"], df["_row"], index, out)
    when = parse_dates(df["submitted"])
    for i in np.flatnonzero(when.isna().to_numpy()):
        out.add("reports", dfc["_row"][i], "submitted", dfc["submitted"][i],
                code="reports.date")
    rid = df["report"].str.upper()
    for i in np.flatnonzero(~rid.isin(list(dates)).to_numpy()):
        out.add("reports", dfc["_row"][i], "report", dfc["report"][i], severity="warning",
                code="reports.unknown", reports=", ".join(dates))
    key = pd.Series(u.astype(str)) + "|" + rid.reset_index(drop=True)
    dup = key.duplicated().to_numpy() & (u >= 0)
    for i in np.flatnonzero(dup):
        out.add("reports", dfc["_row"][i], "report", dfc["report"][i], severity="warning",
                code="reports.twice", unit=dfc["unit"][i])
    lo, hi = pd.Timestamp(bundle.year - 1, 1, 1), pd.Timestamp(bundle.year + 1, 12, 31)
    outside = when.notna() & ((when < lo) | (when > hi))
    for i in np.flatnonzero(outside.to_numpy()):
        out.add("reports", dfc["_row"][i], "submitted", dfc["submitted"][i],
                severity="warning", code="reports.far", year=bundle.year)
    keep = (u >= 0) & ~dup & when.notna().to_numpy()
    vals = when.to_numpy().astype("datetime64[D]")
    for r in dates:
        m = keep & (rid == r).to_numpy()
        dates[r][u[m]] = vals[m]
    return _Reports(dates, bundle.year, edition)


def _reports_column(rep: _Reports, spec: ReportsInput) -> tuple[np.ndarray, np.ndarray]:
    n = len(next(iter(rep.dates.values()))) if rep.dates else 0
    count = np.zeros(n)
    for rid in spec.of:
        d = rep.dates[rid]
        deadline = np.datetime64(rep.edition.deadline(rid, rep.year), "D")
        present = ~np.isnat(d)
        hit = {"on_time": present & (d <= deadline), "late": present & (d > deadline),
               "missing": ~present}[spec.reports]
        count += hit
    return count, np.full(n, VALUE, dtype=np.int8)


def _adjustments(bundle: Bundle, edition: CompiledEdition, index: dict[str, int], n: int,
                 out: _Collector) -> tuple[np.ndarray, np.ndarray]:
    bonus, penalty = np.zeros(n), np.zeros(n)
    df = bundle.table("adjustments")
    if df is None or len(df) == 0:
        return bonus, penalty
    dfc = _Cols(df)
    u = _unit_index(bundle, "adjustments", df["unit"], df["_row"], index, out)
    kind = df["kind"].str.lower()
    is_b, is_p = kind.isin(_BONUS).to_numpy(), kind.isin(_PENALTY).to_numpy()
    for i in np.flatnonzero(~is_b & ~is_p):
        out.add("adjustments", dfc["_row"][i], "kind", dfc["kind"][i],
                code="adjustments.kind")
    pts = to_number(clean(df["points"]))
    for i in np.flatnonzero(np.isnan(pts) | (pts < 0)):
        out.add("adjustments", dfc["_row"][i], "points", dfc["points"][i],
                code="adjustments.points")
    good = (u >= 0) & ~np.isnan(pts) & (pts >= 0)
    np.add.at(bonus, u[good & is_b], pts[good & is_b])
    np.add.at(penalty, u[good & is_p], pts[good & is_p])
    for arr, cap, label in ((bonus, edition.model.bonus_max, "bonus"),
                            (penalty, edition.model.penalty_max, "penalty")):
        for ui in np.flatnonzero(arr > cap + 1e-9):
            out.add("adjustments", None, "points", None, severity="warning",
                    code=f"adjustments.capped_{label}", unit=list(index)[ui],
                    points=f"{arr[ui]:g}", cap=f"{cap:g}")
    return bonus, penalty
