"""Each unit's checked state kept in memory between its writes, so that a save re-checks the
cell it wrote instead of reading and checking the unit's every table again.

A unit's state is its run scored alone, kept only when its rows check without error. It is
keyed by the unit's ``stamp`` (:attr:`parindex.web.models.Member.stamp`): a random mark that
every write validated through the unit's check sets anew in its own transaction, while it
holds the unit's row locked. A write reads the stamp from that locked row, so a state is
used only when the database says no one has written the unit since it was made — by this
process or another (``serve --workers``), or by a transaction rolled back (its stamp was
never committed, and no other write can draw the same one). Memory alone is never trusted.

The key holds what the unit's check depends on beside its rows, read with the request: the
cycle (created, edition, year, tables) and the unit's own row (name, type, group, ranked).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from parindex.evidence.check_cell import RowInputs
from parindex.scoring.run import Run
from parindex.web import models as m

#: states kept per process (the national cycle's 3,321 units fit; the oldest go first)
LIMIT = 4000

_lock = threading.Lock()
_states: OrderedDict[int, tuple[tuple[Any, ...], Run]] = OrderedDict()


def key(cycle: m.Cycle, member: m.Member) -> tuple[Any, ...]:
    return (member.stamp, cycle.id, cycle.created_at, cycle.edition_id, cycle.year,
            repr(cycle.tables), member.unit_id, member.name, member.type, member.group,
            member.ranked)


def lookup(cycle: m.Cycle, member: m.Member) -> Run | None:
    """The unit's run kept for its current stamp (``member`` read in this transaction,
    locked), or None."""
    if not member.stamp:
        return None
    with _lock:
        found = _states.get(member.id)
    return found[1] if found is not None and found[0] == key(cycle, member) else None


def keep(cycle: m.Cycle, member: m.Member, run: Run) -> None:
    """Stamp the unit anew (in the caller's transaction) and keep ``run`` as its state."""
    member.stamp = secrets.token_hex(12)
    m.Member.objects.filter(pk=member.pk).update(stamp=member.stamp)
    with _lock:
        _states[member.id] = (key(cycle, member), run)
        _states.move_to_end(member.id)
        while len(_states) > LIMIT:
            _states.popitem(last=False)


def clear() -> None:
    with _lock:
        _states.clear()


def with_row(run: Run, row: RowInputs) -> Run:
    """The unit's run with one leaf's inputs replaced by its row's, scored again."""
    inputs = run.inputs
    arrays = {name: getattr(inputs, name).copy(order="K")
              for name in ("x_self", "st_self", "x_appr", "st_appr")}
    j = row.leaf
    arrays["x_self"][0, j], arrays["st_self"][0, j] = row.x_self, row.st_self
    arrays["x_appr"][0, j], arrays["st_appr"][0, j] = row.x_appr, row.st_appr
    return Run.from_inputs(replace(inputs, **arrays), run.bundle)
