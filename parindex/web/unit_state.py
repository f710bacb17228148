"""Each unit's checked state kept in its own row between its writes, so that a save
re-checks the cell it wrote instead of reading and checking the unit's every table again.

A unit's state is what scoring the unit alone needs: its inputs for every leaf (number and
state, declared and appraised), its bonus and penalty, and its checked row of the units
table; a few hundred bytes in :attr:`parindex.web.models.Member.state`. It is written only
for rows that check without error, by the write that validated them, in that write's
transaction and while it holds the unit's row locked — so it is always the state of the
rows the database holds, whichever process (``serve --workers``) wrote them last, and a
write rolled back takes its state with it. Nothing is kept in a process's memory.

Beside the rows, a unit's check depends on the cycle (created, edition, year, tables) and
on the unit's own row (name, type, group, ranked): they are written into the state and a
state whose cycle or row differs from the current ones is not used (an import gives new
rows without a state).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from parindex.criteria import CompiledEdition
from parindex.evidence.check_cell import RowInputs
from parindex.evidence.inputs import Inputs
from parindex.scoring.run import Run
from parindex.web import models as m

_ARRAYS = (("x_self", np.float64), ("st_self", np.int8), ("x_appr", np.float64),
           ("st_appr", np.int8), ("bonus", np.float64), ("penalty", np.float64))
_HEAD = struct.Struct("<I")


def key(cycle: m.Cycle, member: m.Member) -> list[Any]:
    """What the unit's check depends on beside its rows."""
    return [cycle.id, cycle.created_at.isoformat(), cycle.edition_id, cycle.year,
            cycle.tables, member.unit_id, member.unit.code, member.name, member.type,
            member.group, member.ranked]


def encode(cycle: m.Cycle, member: m.Member, run: Run, at: int = 0,
           unit: Mapping[Any, Any] | None = None) -> bytes:
    """The state of the unit at position ``at`` of ``run`` (the unit scored alone, or the
    whole cycle checked) as bytes; ``unit``: its row of the units table, when the caller
    has it already."""
    inputs = run.inputs
    row: Any = inputs.units.iloc[at] if unit is None else unit
    head = json.dumps({"key": key(cycle, member), "leaves": inputs.x_self.shape[1],
                       "units": {c: (bool(row[c]) if c == "ranked" else str(row[c]))
                                 for c in inputs.units.columns}},
                      ensure_ascii=False).encode("utf-8")
    body = b"".join(np.ascontiguousarray(getattr(inputs, name)[at], dtype=kind).tobytes()
                    for name, kind in _ARRAYS)
    return _HEAD.pack(len(head)) + head + body


def decode(cycle: m.Cycle, member: m.Member, edition: CompiledEdition, data: bytes
           ) -> Run | None:
    """The unit's run from its state, or None when the state is not of the current cycle
    and unit row (or not of this edition's leaves)."""
    inputs = inputs_of(cycle, member, edition, data)
    return None if inputs is None else Run.from_inputs(inputs)


def inputs_of(cycle: m.Cycle, member: m.Member, edition: CompiledEdition, data: bytes
              ) -> Inputs | None:
    """The unit's inputs from its state (one unit), or None as :func:`decode`."""
    found = _read(cycle, member, edition, data)
    return None if found is None else _inputs(cycle, edition, [found])


def _read(cycle: m.Cycle, member: m.Member, edition: CompiledEdition, data: bytes
          ) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    """The state's unit row and arrays, or None when it is not of the current cycle and
    unit row (or not of this edition's leaves)."""
    (size,) = _HEAD.unpack_from(data)
    head = json.loads(bytes(data[_HEAD.size:_HEAD.size + size]).decode("utf-8"))
    n = len(edition.leaves)
    if head["key"] != json.loads(json.dumps(key(cycle, member))) or head["leaves"] != n:
        return None
    arrays, at = {}, _HEAD.size + size
    for name, kind in _ARRAYS:
        count = 1 if name in ("bonus", "penalty") else n
        arrays[name] = np.frombuffer(data, dtype=kind, count=count, offset=at)
        at += arrays[name].nbytes
    return head["units"], arrays


def _inputs(cycle: m.Cycle, edition: CompiledEdition,
            parts: list[tuple[dict[str, Any], dict[str, np.ndarray]]]) -> Inputs:
    """The inputs of the units ``parts`` (their rows and arrays, in order), laid out as the
    checker lays them out (by column), so every sum is taken in the same order."""
    n = len(edition.leaves)
    arrays = {name: np.asfortranarray(np.vstack([a[name] for _, a in parts]).reshape(-1, n))
              for name in ("x_self", "st_self", "x_appr", "st_appr")}
    units = pd.DataFrame({c: [row[c] for row, _ in parts] for c in parts[0][0]})
    if "ranked" in units.columns:
        units["ranked"] = units["ranked"].astype(bool)
    return Inputs(edition, cycle.year, units, arrays["x_self"], arrays["st_self"],
                  arrays["x_appr"], arrays["st_appr"],
                  np.concatenate([a["bonus"] for _, a in parts]),
                  np.concatenate([a["penalty"] for _, a in parts]),
                  np.full((len(parts), n), -1, dtype=np.intp), pd.DataFrame())


def league(cycle: m.Cycle, edition: CompiledEdition) -> Run | None:
    """Every unit of the cycle scored together from the states in their rows (the league's
    points, index, band and ranks), or None when some unit has no current state (never
    written since the import, or written before its row or the cycle changed): the caller
    then checks the whole cycle. Each state is what the whole cycle's check gives for that
    unit, so stacking them gives the same inputs."""
    parts = []
    for member in m.Member.objects.filter(cycle=cycle).select_related("unit"):
        found = None if not member.state else _read(cycle, member, edition,
                                                    bytes(member.state))
        if found is None:
            return None
        parts.append(found)
    return Run.from_inputs(_inputs(cycle, edition, parts)) if parts else None


def lookup(cycle: m.Cycle, member: m.Member, edition: CompiledEdition) -> Run | None:
    """The unit's run from the state in its row (``member`` read in this transaction,
    locked), or None."""
    data = member.state
    return None if not data else decode(cycle, member, edition, bytes(data))


def keep(cycle: m.Cycle, member: m.Member, run: Run) -> None:
    """Write ``run`` as the unit's state (in the caller's transaction)."""
    member.state = encode(cycle, member, run)
    m.Member.objects.filter(pk=member.pk).update(state=member.state)


def keep_all(cycle: m.Cycle, run: Run) -> int:
    """Write every unit's state from ``run``, the whole cycle checked without an error (in
    the caller's transaction): each unit's part of the cycle's inputs is what checking the
    unit alone gives. Returns how many were written."""
    members = {mb.unit.code: mb for mb in
               m.Member.objects.filter(cycle=cycle).select_related("unit")}
    kept = []
    for at, unit in enumerate(run.inputs.units.to_dict("records")):  # the rows read once
        member = members.get(str(unit["code"]))
        if member is not None:
            member.state = encode(cycle, member, run, at, unit)
            kept.append(member)
    m.Member.objects.bulk_update(kept, ["state"], batch_size=500)
    return len(kept)


def with_row(run: Run, row: RowInputs) -> Run:
    """The unit's run with one leaf's inputs replaced by its row's, scored again."""
    inputs = run.inputs
    arrays = {name: getattr(inputs, name).copy(order="K")
              for name in ("x_self", "st_self", "x_appr", "st_appr")}
    j = row.leaf
    arrays["x_self"][0, j], arrays["st_self"][0, j] = row.x_self, row.st_self
    arrays["x_appr"][0, j], arrays["st_appr"][0, j] = row.x_appr, row.st_appr
    return Run.from_inputs(replace(inputs, **arrays), run.bundle)
