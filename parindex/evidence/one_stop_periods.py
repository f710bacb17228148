"""One-stop figures of a period from quarterly rows (CONTRACT §2, §4 ``--period``).

A unit's ``one_stop`` rows are either one whole-year row (``period`` blank) or up to four
quarterly rows (``Q1`` … ``Q4``). The figures of a period that spans several quarters (``H1``,
``9M``, ``YEAR``) follow one rule: *carried over* is the first quarter's, the flows (received,
resolved, returned) are the sums, and the stocks at the end (pending in time, pending overdue,
and the number of procedures) are the last quarter's. A unit that gave only some quarters of
a span gets the figures of the quarters it gave (the year so far).

>>> q = np.full((1, 4, len(COLUMNS)), np.nan)
>>> q[0, 0] = [5, 10, 20, 0, 8, 15, 2, 6, 3, 1, 40]   # Q1: 5 + 30 in; 25 out + 9 pending + 1
>>> q[0, 1] = [9, 12, 18, 1, 10, 20, 1, 7, 1, 1, 42]  # Q2: 9 carried over = Q1's pending
>>> p = OneStopPeriods(np.full((1, len(COLUMNS)), np.nan), q)
>>> h1 = p.figures("H1").iloc[0]
>>> int(h1["carried_over"]), int(h1["resolved_on_time"]), int(h1["pending_overdue"])
(5, 35, 1)
>>> int(h1["procedures"]), bool(np.isnan(p.figures("YEAR").iloc[0]["procedures"]))
(42, False)
>>> p.figures("Q3").isna().all(axis=None)
np.True_
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: the columns of a one-stop row that carry numbers, in CONTRACT §2 order, then procedures
COUNTS = ("carried_over", "received_online", "received_direct", "received_post",
          "resolved_early", "resolved_on_time", "resolved_late", "pending_in_time",
          "pending_overdue", "returned")
COLUMNS = (*COUNTS, "procedures")
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
#: each period of ``--period`` as the quarters it spans
SPANS: dict[str, tuple[str, ...]] = {
    "Q1": ("Q1",), "Q2": ("Q2",), "Q3": ("Q3",), "Q4": ("Q4",),
    "H1": ("Q1", "Q2"), "9M": ("Q1", "Q2", "Q3"), "YEAR": QUARTERS,
}
PERIODS = tuple(SPANS)
#: taken from the first quarter of a span, from the last, or summed
FIRST = ("carried_over",)
LAST = ("pending_in_time", "pending_overdue", "procedures")


def combine(quarters: np.ndarray) -> np.ndarray:
    """Quarterly figures (units × quarters × :data:`COLUMNS`, a NaN row where a unit has no
    row for that quarter) combined into one row per unit: NaN for a unit with none."""
    n, k, m = quarters.shape
    present = ~np.isnan(quarters[:, :, 0])
    anyq = present.any(axis=1)
    first = np.argmax(present, axis=1)
    last = k - 1 - np.argmax(present[:, ::-1], axis=1)
    rows = np.arange(n)
    out: np.ndarray = np.where(present[:, :, None], quarters, 0.0).sum(axis=1)
    for col in FIRST + LAST:
        j = COLUMNS.index(col)
        out[:, j] = quarters[rows, first if col in FIRST else last, j]
    out[~anyq] = np.nan
    assert out.shape == (n, m)
    return out


@dataclass(frozen=True)
class OneStopPeriods:
    """A bundle's one-stop rows by unit: whole-year rows and quarterly rows, checked."""

    #: units × :data:`COLUMNS`: the whole-year row, NaN when the unit has none
    year: np.ndarray
    #: units × 4 quarters × :data:`COLUMNS`: NaN where the unit has no row for the quarter
    quarters: np.ndarray

    @property
    def quarterly(self) -> np.ndarray:
        """Which units report by quarter."""
        return np.asarray(~np.isnan(self.quarters[:, :, 0]).all(axis=1))

    @property
    def last_quarter(self) -> int:
        """How many quarters the bundle's quarterly rows reach (0: none are quarterly)."""
        present = ~np.isnan(self.quarters[:, :, 0]).all(axis=0)
        return int(np.flatnonzero(present).max() + 1) if present.any() else 0

    def figures(self, period: str = "YEAR") -> pd.DataFrame:
        """Each unit's figures for ``period`` (a key of :data:`SPANS`): a whole-year row
        counts for ``YEAR`` only; quarterly rows are combined over the period's quarters."""
        span = [QUARTERS.index(q) for q in SPANS[period]]
        out = combine(self.quarters[:, span, :])
        if period == "YEAR":
            whole = ~np.isnan(self.year[:, 0])
            out[whole] = self.year[whole]
        return pd.DataFrame(out, columns=list(COLUMNS))


__all__ = ["COLUMNS", "COUNTS", "PERIODS", "QUARTERS", "SPANS", "OneStopPeriods", "combine"]
