"""One evidence row checked alone, the way the whole check reads it: the row's declared and
appraised inputs for its leaf and the problems of its cells.

The workspace keeps a unit's checked inputs between its writes, and a write changes one row
of one leaf: it needs that row read and checked as :func:`~parindex.evidence.inputs.
build_inputs` would, not the unit's every table again. Nothing here is a rule of its own:
the cell is cleaned by the readers' :func:`~parindex.evidence.bundle.strip_cell` and checked
by :func:`~parindex.evidence.check_evidence.check_evidence` on a bundle of that one row, so
a value is refused with the very problem (reason, field, value, hint) the whole check gives.
Only rows whose reading does not depend on any other cell qualify (:func:`alone`); for the
others the caller checks the whole unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from parindex.criteria.compiled import CompiledEdition
from parindex.errors import Problem
from parindex.evidence.bundle import strip_cell
from parindex.evidence.check_evidence import check_evidence
from parindex.evidence.collect import Collector
from parindex.evidence.legacy import legacy_encoding
from parindex.evidence.states import INHERIT
from parindex.evidence.tables import Bundle


@dataclass(frozen=True)
class RowInputs:
    """A row's inputs as the engine takes them (the appraised side inheriting the declared
    where blank, as :func:`~parindex.evidence.inputs.build_inputs` does) and the errors of
    its cells (none: the inputs count)."""

    leaf: int
    x_self: float
    st_self: int
    x_appr: float
    st_appr: int
    errors: tuple[Problem, ...]


def alone(edition: CompiledEdition, criterion: str) -> bool:
    """Whether a row of this criterion is read from its own cells only: a leaf of the
    edition that is not computed (a computed leaf's input comes from the one-stop, report
    or survey tables where its cell is blank)."""
    j = edition.leaf_index.get(criterion)
    return j is not None and not edition.leaves[j].computed


#: rows checked before, by edition (its identity), criterion and cells: a row's reading
#: and problems depend on nothing else (the unit's code is in none of them)
_seen: dict[tuple[int, str, str, str], tuple[CompiledEdition, RowInputs | None]] = {}
_SEEN_LIMIT = 20000


def check_row(edition: CompiledEdition, year: int, unit: str, criterion: str, value: str,
              appraised: str) -> RowInputs | None:
    """The row of ``unit`` for ``criterion`` (a leaf that reads alone, see :func:`alone`)
    checked as the whole check would; None when its cells need the whole bundle's reading
    (text in a legacy font encoding, reported for the bundle's cells together). The same
    cells of the same leaf are read once per process."""
    key = (id(edition), criterion, value, appraised)
    found = _seen.get(key)
    if found is not None and found[0] is edition:
        return found[1]
    row = _check_row(edition, year, unit, criterion, value, appraised)
    if len(_seen) >= _SEEN_LIMIT:
        _seen.clear()
    _seen[key] = (edition, row)
    return row


def _check_row(edition: CompiledEdition, year: int, unit: str, criterion: str, value: str,
               appraised: str) -> RowInputs | None:
    cells = [strip_cell(unit), strip_cell(criterion), strip_cell(value), strip_cell(appraised)]
    if not alone(edition, cells[1]) or any(legacy_encoding(c) for c in cells[1:]):
        return None
    units = pd.DataFrame({"code": [cells[0]], "_row": [2]}, dtype=object)
    evidence = pd.DataFrame({"unit": [cells[0]], "criterion": [cells[1]], "value": [cells[2]],
                             "appraised": [cells[3]], "_row": [2]}, dtype=object)
    bundle = Bundle(Path("cell"), year, edition.id, "", {"units": units, "evidence": evidence},
                    {"units": "units.csv", "evidence": "evidence.csv"})
    out = Collector(bundle)
    read = check_evidence(bundle, edition, {cells[0]: 0}, out)
    d_x, d_st = float(read.declared.x[0]), int(read.declared.state[0])
    a_x, a_st = float(read.appraised.x[0]), int(read.appraised.state[0])
    if a_st == INHERIT:
        a_x, a_st = d_x, d_st
    errors = tuple(p for p in out.problems if p.severity == "error")
    return RowInputs(int(read.leaf[0]), d_x, d_st, a_x, a_st, errors)
