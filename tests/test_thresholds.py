"""Derived percentages meet thresholds exactly (CONTRACT §2: 29/50 is 58 % and meets
``min: 58``): every fraction a/b with b ≤ 1000, read as a cell and as a one-stop rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from parindex.criteria import CompiledEdition, load_edition
from parindex.criteria.model import OneStopInput
from parindex.evidence.check_one_stop import COUNTS, one_stop_metric
from parindex.evidence.parse import parse_cells, percent_of

B_MAX = 1000


def _pairs() -> tuple[np.ndarray, np.ndarray]:
    b = np.repeat(np.arange(1, B_MAX + 1), np.arange(2, B_MAX + 2))
    a = np.concatenate([np.arange(0, n + 1) for n in range(1, B_MAX + 1)])
    return a, b


class TestEveryFraction:
    """For every a/b (0 ≤ a ≤ b ≤ 1000) and every threshold with two decimals, the derived
    percentage meets the threshold exactly when the rational number does."""

    def test_meets_the_threshold_just_below_or_equal(self) -> None:
        a, b = _pairs()
        x = percent_of(a, b)
        below = (10_000 * a) // b  # the largest m with m/100 ≤ 100·a/b, in integers
        assert bool(np.all(x >= below / 100))

    def test_misses_the_threshold_just_above(self) -> None:
        a, b = _pairs()
        x = percent_of(a, b)
        above = (10_000 * a) // b + 1  # the smallest m with m/100 > 100·a/b
        assert not bool(np.any(x >= above / 100))

    def test_whole_percentages_are_exact(self) -> None:
        a, b = _pairs()
        whole = (100 * a) % b == 0
        assert np.array_equal(percent_of(a[whole], b[whole]), (100 * a[whole]) // b[whole])

    def test_the_contract_example(self) -> None:
        assert float(percent_of(29, 50)) == 58.0


@pytest.fixture(scope="module")
def edition() -> CompiledEdition:
    return load_edition("xa-2024")


class TestAsRead:
    """The same arithmetic where cells and one-stop tables are read."""

    def test_cells_read_as_fractions(self, edition: CompiledEdition) -> None:
        leaf = next(lf for lf in edition.leaves if lf.input == "percent")
        a, b = _pairs()
        few = b <= 120  # 7,380 cells: every fraction with a small denominator
        cells = pd.Series([f"{x}/{y}" for x, y in zip(a[few], b[few], strict=True)])
        parsed = parse_cells(cells, np.full(len(cells), leaf.index), edition)
        assert not parsed.bad.any()
        assert np.array_equal(parsed.x, percent_of(a[few], b[few]))
        assert np.array_equal(parsed.x[cells == "29/50"], [58.0])

    def test_one_stop_rate(self) -> None:
        frame = pd.DataFrame(0.0, index=range(3), columns=list(COUNTS))
        frame["resolved_on_time"] = [29.0, 1.0, 0.0]
        frame["resolved_late"] = [21.0, 2.0, 0.0]
        rate = one_stop_metric(frame, OneStopInput(one_stop="on_time_rate"))
        assert rate[0] == 58.0
        assert rate[1] == float(percent_of(1, 3))
        assert np.isinf(rate[2])  # nothing resolved: not applicable
