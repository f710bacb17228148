"""The ``evidence`` table: one row per unit and leaf, the declared and the appraised input.

Checks that units and criteria exist, that no pair is given twice, that each cell is an
input for its leaf (:func:`parindex.evidence.parse.cell_problems`), and warns where a
percentage looks like a fraction, an appraisal changed a value without a note, or a leaf has
no evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from parindex.criteria.compiled import CompiledEdition, Leaf
from parindex.errors import quote
from parindex.evidence.cells import distinct, first_rows
from parindex.evidence.collect import Collector, Columns, close_hint, folded, unit_index
from parindex.evidence.parse import Parsed, cell_problems, leaf_kinds, parse_cells
from parindex.evidence.states import INHERIT, NA
from parindex.evidence.tables import Bundle
from parindex.words import t

_DECIMAL_FRACTION = re.compile(r"^0?[.,]\d+$")


def fraction_warnings(evc: Columns, x: np.ndarray, leaf: np.ndarray, ok: np.ndarray,
                       edition: CompiledEdition, out: Collector) -> None:
    """A percentage written as a fraction (0,95 for 95%) is read as written, with a warning."""
    kinds = np.array(leaf_kinds(edition) or ["number"], dtype=object)
    pct = ok & (kinds[np.where(ok, leaf, 0)] == "percent")
    rows = np.flatnonzero(pct & (x > 0) & (x < 1))  # then only these rows' texts are read
    written = [bool(_DECIMAL_FRACTION.match(str(v))) for v in evc["value"][rows]]
    for i in rows[np.array(written, dtype=bool)]:
        out.add("evidence", evc["_row"][i], "value", evc["value"][i], severity="warning",
                code="evidence.below_one_percent", percent=f"{x[i] * 100:g}")


def rule_hint(leaf: Leaf, lang: str = "en") -> str:
    """What a leaf takes, in words: its options, or its input and rule."""
    if leaf.keys:
        return t("rule.choose_one", lang, keys=", ".join(leaf.keys))
    said = leaf.describe_input(lang)  # a plain value says nothing in Vietnamese
    return f"{leaf.code}: {said + ', ' if said else ''}{leaf.describe_rule(lang)}"


def note_changes(evc: Columns, ok: np.ndarray, out: Collector) -> None:
    ev = evc.df
    if "appraised" not in ev.columns:
        return
    given = ok & (evc["appraised"] != "")
    if "note" in ev.columns:
        given &= evc["note"] == ""
    rows = np.flatnonzero(given)  # appraised without a note: did the appraisal change it?
    changed = rows[folded(ev["appraised"].iloc[rows]) != folded(ev["value"].iloc[rows])]
    for i in changed:
        out.add("evidence", evc["_row"][i], "note", None, severity="warning",
                code="evidence.no_note", criterion=evc["criterion"][i], unit=evc["unit"][i],
                before=quote(evc["value"][i]), after=quote(evc["appraised"][i]))


def blank_row(i: int, rows: np.ndarray, letter: str | None) -> str:
    """Where a missing value would go, when its row is there but left blank (a template)."""
    if i < 0:
        return ""
    return f" (row {rows[i]}" + (f", cell {letter}{rows[i]})" if letter else ")")


#: the reasons of :func:`parindex.evidence.parse.cell_problems` that have words (so a marked
#: workbook, ``--lang vi`` and ``whatif --set`` say them in Vietnamese); others stay English
_REASONS = {"is not yes/no (có/không, x, 1/0)": "cell.yes_no",
            "is not a percentage (0–100, 92,5 or 31/75)": "cell.percent",
            "is not a count (a whole number ≥ 0)": "cell.count",
            "is not a number of points": "cell.points", "is not a number": "cell.number",
            "is outside 0–100": "cell.outside", "a/b needs b > 0": "cell.fraction_zero",
            "a/b needs a ≤ b": "cell.fraction_above",
            "a/b counts are only for percentage inputs": "cell.fraction_kind",
            "a % sign on a non-percentage": "cell.percent_sign",
            "is too large for a count (below 1 000 000 000 000)": "count.too_large"}
_PREFIXES = {"is not one of: ": ("cell.options", "choices"),
             "not applicable is not allowed for ": ("cell.na_forbidden", "criterion"),
             "points must be within 0…": ("cell.points_range", "max")}


def reason_code(reason: str) -> tuple[str | None, dict[str, str]]:
    """The words key (and its facts) of a cell's reason, or None for plain text."""
    if reason in _REASONS:
        return _REASONS[reason], {}
    for prefix, (code, fact) in _PREFIXES.items():
        if reason.startswith(prefix):
            return code, {fact: reason[len(prefix):]}
    return None, {}


@dataclass(frozen=True)
class EvidenceCells:
    """The evidence rows read: each row's unit and leaf (-1: unknown), whether it counts
    (known unit and leaf, not a repeat), its declared and appraised inputs, and its row."""

    unit: np.ndarray
    leaf: np.ndarray
    ok: np.ndarray
    declared: Parsed
    appraised: Parsed
    columns: Columns
    rows: np.ndarray


def check_evidence(bundle: Bundle, edition: CompiledEdition, index: dict[str, int],
                   out: Collector) -> EvidenceCells:
    """Read and check every evidence row against the units and the edition's leaves."""
    ev = bundle.evidence
    evc = Columns(ev)
    ev_u = unit_index("evidence", ev["unit"], ev["_row"], index, out)
    codes, criteria = distinct(ev["criterion"])
    leaf = np.array([edition.leaf_index.get(c, -1) for c in criteria] or [-1],
                    dtype=np.intp)[codes]
    node_codes = {n.code for n in edition.nodes}
    for i in np.flatnonzero(leaf < 0):
        code = evc["criterion"][i]
        if code in node_codes:
            out.add("evidence", evc["_row"][i], "criterion", code, code="evidence.parent")
        else:
            out.add("evidence", evc["_row"][i], "criterion", code, code="evidence.criterion",
                    edition=edition.id, **close_hint(code, list(edition.leaf_index)))
    ok = (ev_u >= 0) & (leaf >= 0)
    pair = np.where(ok, ev_u * max(len(edition.leaves), 1) + leaf, -1 - np.arange(len(ev)))
    pair_code, _ = pd.factorize(pair)
    first_of = first_rows(pair_code, int(pair_code.max(initial=-1)) + 1)  # each pair's first
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
            rule = not (parsed.state[k] == NA and not parsed.bad[k])
            hint = rule_hint(edition.leaves[leaf[k]]) if rule else None
            code, facts = reason_code(reason)
            if rule:  # the rule in Vietnamese too, for the Vietnamese message
                facts["hint_vi"] = rule_hint(edition.leaves[leaf[k]], "vi")
            out.add("evidence", evc["_row"][k], column, cells[k], reason, hint=hint,
                    code=code, **facts)

    fraction_warnings(evc, declared.x, leaf, ok, edition, out)
    return EvidenceCells(ev_u, leaf, ok, declared, appraised, evc, ev["_row"].to_numpy())
